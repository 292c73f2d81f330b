// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InFlightBase} from "./InFlightExit.t.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {Vault} from "../src/vaults/Vault.sol";
import {PlasmaFramework} from "../src/PlasmaFramework.sol";
import {TestToken} from "../src/test-tokens/TestToken.sol";
import {Erc20Vault} from "../src/vaults/Erc20Vault.sol";
import {TxEncode} from "./utils/TxEncode.sol";
import {Signature} from "../src/lib/Signature.sol";
import {Rlp} from "../src/lib/Rlp.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";

/// @notice Regression tests of issue 15 (the payment chain findings): each attack as the
/// reviewers wrote it, now failing, and the honest path next to it.
contract MoreVpAttacksTest is InFlightBase {
    uint256 internal constant EVE_KEY = 0xe7e;
    address internal eve;

    function setUp() public override {
        super.setUp();
        eve = vm.addr(EVE_KEY);
        vm.deal(eve, 10 ether);
    }

    // ------------------------------------------------ finding 1: no deposit boost in flight

    /// Bob holds 50 ETH in block 1000; a day later the operator mints 50 ETH to Eve in block
    /// 2000; Eve spends it together with a fresh 1-wei deposit in flight and piggybacks the
    /// output. With a deposit boost her exit would mature at now + MEP, before Bob's (block
    /// time + 2·MEP), and empty the vault. Without it, it matures at the deposit's time +
    /// 2·MEP: Bob is paid in full first, and Eve's exit can take nothing that was deposited.
    function test_attack_ifeDepositInputDoesNotJumpTheQueue() public {
        (uint256 bDep,) = _depositEth(bob, 50 ether);
        bytes memory bobTx = _spend(bDep, bob, address(0), 50 ether);
        uint256 t1 = block.timestamp;
        _submitOne(bobTx);
        uint256 bobPos = _pos(1000, 0, 0);

        vm.warp(t1 + 1 days);
        bytes memory mint = _spend(_pos(999_000, 0, 0), eve, address(0), 50 ether);
        _submitOne(mint); // fraudulent block 2000
        (uint256 eDep, bytes memory eDepTx) = _depositEth(eve, 1);
        assertEq(eDep, _pos(2001, 0, 0), "eve's deposit in block 2001");

        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(_pos(2000, 0, 0));
        ins[1] = bytes32(eDep);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(eve, address(0), 50 ether + 1);
        bytes memory et = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = et;
        a.inputTxs = new bytes[](2);
        (a.inputTxs[0], a.inputTxs[1]) = (mint, eDepTx);
        a.inputUtxosPos = new uint256[](2);
        (a.inputUtxosPos[0], a.inputUtxosPos[1]) = (_pos(2000, 0, 0), eDep);
        a.inputTxsInclusionProofs = new bytes[](2);
        (a.inputTxsInclusionProofs[0], a.inputTxsInclusionProofs[1]) =
        (_proofOne(mint), Tree.depositProof());
        a.inFlightTxSigs = new bytes[](2);
        (a.inFlightTxSigs[0], a.inFlightTxSigs[1]) = (_sig(EVE_KEY, et), _sig(EVE_KEY, et));
        vm.prank(eve);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 eId = game.inFlightExitId(et);
        _pbOut(eve, et, 0);
        assertEq(
            _header(eId).exitableAt,
            block.timestamp + 2 * MEP,
            "youngest input (the deposit) block time + 2 MEP, no boost"
        );

        _startExit(bob, bobPos, bobTx, _proofOne(bobTx));
        (, uint256 bobExitableAt,,,) = game.standardExit(_exitId(bobTx, bobPos));
        assertEq(bobExitableAt, t1 + 2 * MEP, "bob: block 1000 time + 2 MEP");
        assertTrue(bobExitableAt < _header(eId).exitableAt, "bob's exit first");

        uint256 b0 = bob.balance;
        vm.warp(bobExitableAt);
        game.processExits(address(0), 10);
        assertEq(bob.balance - b0, 50 ether + bond - bounty, "bob paid in full");
        assertEq(_header(eId).flags, 0, "eve's exit not processed yet");
        // Eve's turn: the vault holds only what Alice, Carol and Eve deposited.
        vm.warp(_header(eId).exitableAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector,
                50 ether + 1 + pbBond - pbBond / 4,
                8 ether + 1 + pbBond - pbBond / 4
            )
        );
        game.processExits(address(0), 10);
    }

    // ------------------------------------------------ finding 2: false canonicity challenge

    /// The issue's scenario: T (Alice 5 + Carol 3 -> Bob 6, Carol 1.5) is included in block
    /// 1000, Bob spends his output onward in T2 (block 2000). Alice starts T's in-flight exit,
    /// piggybacks her input and challenges canonicity with a spend of her input that is in no
    /// block. A victim deposited 10 ETH.
    function _falseChallengeSetup()
        internal
        returns (uint256 vPos, bytes memory vTx, bytes memory t2, uint256 t2Pos, uint256 tPos)
    {
        (vPos, vTx) = _depositEth(carol, 10 ether); // the victim's deposit (block 3)
        tPos = _includeOne(T);
        t2 = _spend(tPos * 10_000, bob, address(0), 6 ether);
        t2Pos = _includeOne(t2);
        vm.warp(block.timestamp + 1 days);
        _startT(alice);
        _pbIn(alice, T, 0);
        _aliceFalseChallenge(alice);
    }

    function _aliceCompetitor() internal view returns (bytes memory) {
        return _spend(aPos, alice, address(0), 5 ether);
    }

    function _aliceFalseChallenge(address who) internal {
        bytes memory comp = _aliceCompetitor();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 0, comp, 0, 0, "", _sig(ALICE_KEY, comp));
        _challengeCall(who, c);
    }

    /// @dev Sends the challenge with the canonicity-challenge bond (a low-level call, so the
    /// same test ran against the contract before the bond existed).
    function _challengeCall(address who, PaymentExitBase.CanonicityChallenge memory c) internal {
        uint256 value = _challengeBond();
        vm.prank(who);
        (bool ok, bytes memory ret) = address(game).call{value: value}(
            abi.encodeCall(PaymentExitGame.challengeInFlightExitNotCanonical, (c))
        );
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _challengeBond() internal view returns (uint256) {
        (bool ok, bytes memory ret) =
            address(game).staticcall(abi.encodeWithSignature("canonicityChallengeBond()"));
        return ok ? abi.decode(ret, (uint256)) : 0;
    }

    /// Unanswered, the false challenge lets T's value leave twice (Alice's input and Bob's T2
    /// output): the youngest exit of the queue, the victim's, cannot be paid. This is the cost
    /// docs/exit-games.md states for an unanswered challenge; it needs every watcher, Bob, Carol
    /// and the operator to leave a challenge worth its bond unanswered for MEP.
    function test_attack_unansweredFalseChallenge_costFallsOnTheLastExit() public {
        (uint256 vPos, bytes memory vTx, bytes memory t2, uint256 t2Pos,) = _falseChallengeSetup();
        _startExit(bob, t2Pos * 10_000, t2, _proofOne(t2));
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(
            alice.balance - a0,
            5 ether + pbBond - pbBond / 4 + ifeBond + _challengeBond(),
            "alice: her input, the in-flight bond and her challenge bond"
        );
        assertEq(bob.balance - b0, 6 ether + bond - bounty, "bob: T2's output");
        assertEq(address(ethVault).balance, 7 ether, "18 deposited, 11 left");
        _startExit(carol, vPos, vTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector, 10 ether + bond - bounty, 7 ether + bond - bounty
            )
        );
        game.processExits(address(0), 10);
    }

    /// Answered (by anyone holding T's inclusion proof, here a watcher bot), the false
    /// challenge costs Alice her challenge bond, paid to the watcher; the in-flight bond stays
    /// with its starter; T is canonical, Alice's input is not paid, every deposit is covered.
    function test_attack_answeredFalseChallenge_costsTheChallenger() public {
        (uint256 vPos, bytes memory vTx, bytes memory t2, uint256 t2Pos, uint256 tPos) =
            _falseChallengeSetup();
        uint256 cb = _challengeBond();
        assertTrue(cb > 0, "a canonicity challenge takes a bond");
        address watcher = address(0xb07);
        uint256 w0 = watcher.balance;
        bytes memory proof = _proofOne(T);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        assertEq(
            watcher.balance - w0, cb - cb / 2, "the responder earns half the challenger's bond"
        );
        assertEq(address(0).balance, cb / 2, "the other half is burnt: the challenge cost alice");
        assertEq(_header(id).bondOwner, alice, "the in-flight bond stays with its starter");
        _startExit(bob, t2Pos * 10_000, t2, _proofOne(t2));
        uint256 a0 = alice.balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(alice.balance - a0, ifeBond + pbBond - pbBond / 4, "alice: bonds, no input");
        _startExit(carol, vPos, vTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(
            address(ethVault).balance,
            2 ether,
            "18 - 6 (bob) - 10 (victim); carol 1.5 unclaimed, 0.5 fee"
        );
        assertEq(address(game).balance, 0, "every bond settled");
    }

    // ------------------------------------------------ finding 3: bond theft by a co-signer

    /// T is included; Bob starts its in-flight exit and piggybacks his output. Carol, the
    /// co-signer, signs a competitor and, through a helper contract, challenges and answers
    /// in one transaction (as a mempool bot could do to any false challenge). She must not
    /// become the owner of Bob's in-flight bond.
    function test_attack_coSignerChallengeAndRespondInOneTxKeepsBond() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _pbOut(bob, T, 0);
        bytes memory comp = _carolCompetitor();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", _sig(CAROL_KEY, comp));
        ChallengeAndRespond helper = new ChallengeAndRespond(game);
        uint256 cb = _challengeBond();
        vm.deal(address(helper), cb);
        helper.run(c, cb, tPos, _proofOne(T));
        assertEq(_header(id).bondOwner, bob, "the in-flight bond stays with its starter");
        assertEq(_header(id).flags & 1, 0, "canonical");
        assertEq(address(helper).balance, cb - cb / 2, "the helper got back only half its own bond");
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob whole");
        assertEq(address(helper).balance, cb - cb / 2, "the helper got nothing else");
        assertEq(address(game).balance, 0, "every bond settled");
    }

    /// Deletion settles the bonds like finalization: with a standing challenge the challenger
    /// gets the in-flight bond and its challenge bond back; after an answered one the starter
    /// keeps the in-flight bond (the responder already took the challenge bond). With a
    /// standing challenge, deletion waits until exitableAt (second reading, finding 1).
    function test_deleteSettlesBondsByTheStandingChallenge() public {
        _startT(bob);
        _challenge(carol, _carolCompetitor(), 0, "");
        vm.warp(_header(id).exitableAt);
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(carol.balance - c0, ifeBond + chBond, "standing challenger: both bonds");
        assertEq(bob.balance, b0, "the starter loses the in-flight bond");
        (address ch,) = game.inFlightExitChallenge(id);
        assertEq(ch, address(0), "challenge cleared with the exit");
        // Restarted, challenged falsely and answered: the starter keeps his bond.
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _challenge(carol, _carolCompetitor(), 0, "");
        bytes memory proof = _proofOne(T);
        vm.prank(alice);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        vm.warp(block.timestamp + MEP / 2);
        b0 = bob.balance;
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(bob.balance - b0, ifeBond, "starter: his bond back");
        assertEq(address(game).balance, 0, "nothing left");
    }

    // ------------------------------------------------ finding 4: deposit-slot exhaustion

    /// @dev The surge fee the vault asks for the next deposit (0 if the vault has none: the
    /// same test ran against the vaults before the fee existed).
    function _fee(address vault) internal view returns (uint256) {
        (bool ok, bytes memory ret) = vault.staticcall(abi.encodeWithSignature("depositFee()"));
        return ok ? abi.decode(ret, (uint256)) : 0;
    }

    /// Eve fills the deposit interval with 1-unit deposits of a token she minted herself, so
    /// every honest deposit reverts until the next operator block. Filling it must cost her
    /// real ETH (paid to the operator, who clears the interval with one block), not only gas.
    function test_attack_worthlessTokenDepositsFillTheInterval() public {
        TestToken junk = new TestToken("Junk", "JNK");
        junk.mint(eve, 1000);
        vm.prank(eve);
        junk.approve(address(erc20Vault), 1000);
        vm.deal(eve, 100 ether);
        uint256 e0 = eve.balance;
        uint256 o0 = operator.balance;
        bytes memory t = _depositTx(eve, address(junk), 1);
        while (framework.nextDepositBlock() % 1000 != 0) {
            uint256 fee = _fee(address(erc20Vault));
            vm.prank(eve);
            (bool ok,) =
                address(erc20Vault).call{value: fee}(abi.encodeCall(erc20Vault.deposit, (t)));
            assertTrue(ok, "eve's deposit");
        }
        uint256 cost = e0 - eve.balance;
        assertTrue(
            cost >= 12 ether, string.concat("filling the interval costs ETH: ", vm.toString(cost))
        );
        assertEq(operator.balance - o0, cost, "paid to the operator");
        // Honest deposits wait for the next operator block, which the operator can submit at
        // once (its pending block, or an empty one).
        bytes memory h = _depositTx(alice, address(0), 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.TooManyDeposits.selector, 1000));
        ethVault.deposit{value: 1 ether}(h);
        _submit(new bytes[](0));
        assertEq(_fee(address(ethVault)), 0, "a fresh interval is free again");
        (uint256 p,) = _depositEth(alice, 1 ether);
        assertEq(p, _pos(1001, 0, 0), "deposits resume");
    }

    // ------------------------------------------------ finding 5: re-entering token, exit ids

    /// A token whose payout transfer re-enters `Erc20Vault.withdrawPending` (collecting a
    /// credit of its own) and then fails, so the vault credits the exiter: the vault's
    /// accounting of that token must stay exact (totalPending = the sum of the credits), and
    /// nothing else is touched (other tokens, the ETH vault).
    function test_attack_reenteringTokenCorruptsNothing() public {
        (uint256 hPos, bytes memory hTx) = _depositErc20(carol, 700); // an honest token deposit
        WithdrawPendingToken evil = new WithdrawPendingToken(game, erc20Vault);
        vm.deal(address(evil), 1 ether);
        // 1. The token itself deposits 300 and exits; paying it fails: 300 credited to it.
        (uint256 ePos, bytes memory eTx) = evil.depositAndExit{value: bond}(300, _nextPos());
        // 2. Bob deposits 1000 and exits.
        evil.mint(bob, 1000);
        bytes memory bTx = _depositTx(bob, address(evil), 1000);
        uint256 bPos = _nextPos();
        vm.prank(bob);
        evil.approve(address(erc20Vault), 1000);
        vm.prank(bob);
        erc20Vault.deposit(bTx);
        _startExit(bob, bPos, bTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        evil.setMode(1); // fail every transfer
        game.processExits(address(evil), 1);
        assertEq(erc20Vault.pendingWithdrawals(address(evil), address(evil)), 300, "its credit");
        assertEq(erc20Vault.totalPending(address(evil)), 300, "total");
        // 3. Paying Bob: the transfer re-enters withdrawPending (the token collects its 300),
        // then fails, so Bob's 1000 are credited.
        evil.setMode(2);
        game.processExits(address(evil), 1);
        assertEq(erc20Vault.pendingWithdrawals(address(evil), address(evil)), 0, "collected");
        assertEq(erc20Vault.pendingWithdrawals(address(evil), bob), 1000, "bob credited");
        assertEq(erc20Vault.totalPending(address(evil)), 1000, "exact: the sum of the credits");
        assertEq(evil.balanceOf(address(erc20Vault)), 1000, "backed");
        // Bob collects; the other token and ETH are untouched.
        evil.setMode(0);
        vm.prank(bob);
        erc20Vault.withdrawPending(address(evil));
        assertEq(evil.balanceOf(bob), 1000, "bob paid");
        assertEq(erc20Vault.totalPending(address(evil)), 0, "nothing pending");
        assertEq(erc20Vault.totalPending(address(token)), 0, "other token untouched");
        assertEq(token.balanceOf(address(erc20Vault)), 700, "its holdings untouched");
        _startExit(carol, hPos, hTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(token), 1);
        assertEq(token.balanceOf(address(erc20Vault)), 0, "the honest token exit is paid");
        (ePos, eTx);
    }

    /// Output exit ids and in-flight exit ids are disjoint (bit 159): no hashing finds an
    /// output whose exit id is an in-flight exit's, so processExits tells them apart by the id.
    function testFuzz_exitIdSpacesDisjoint(bytes32 oid, bytes memory txb) public view {
        uint160 flag = uint160(1) << 159;
        assertEq(game.exitIdOf(oid) & flag, 0, "output exit ids: bit 159 clear");
        assertEq(game.inFlightExitId(txb) & flag, flag, "in-flight exit ids: bit 159 set");
        assertTrue(game.exitIdOf(oid) != game.inFlightExitId(txb), "never equal");
        assertEq(game.exitIdOf(oid) | flag, uint160(uint256(oid)) | flag, "the other 159 bits");
    }

    function _nextPos() internal view returns (uint256) {
        return _pos(framework.nextDepositBlock(), 0, 0);
    }

    // ------------------------------------------------ attack classes (docs/contracts.md)

    /// Governance: the owner registers an address with no code while registration is still
    /// immediate (before the chain starts), and deploys a drainer there later with CREATE2,
    /// after users deposited: it would act without the 3 x MEP quarantine. Registration now
    /// needs code at the address.
    function test_attack_registerUndeployedAddressThenDeployLater() public {
        PlasmaFramework fresh = new PlasmaFramework(MEP, operator, "OMG Network", "1", bytes32(0));
        Create2Factory factory = new Create2Factory();
        address later = factory.predict(bytes32("drain"));
        assertEq(later.code.length, 0, "nothing deployed there yet");
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotAContract.selector, later));
        fresh.registerExitGame(later);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotAContract.selector, later));
        fresh.registerVault(later);
        assertTrue(!fresh.isExitGame(later), "not an exit game");
        // Deployed code registers as before (immediately, before the start).
        factory.deploy(bytes32("drain"));
        fresh.registerExitGame(later);
        assertTrue(fresh.isExitGame(later), "a deployed contract registers");
    }

    /// Deposits with someone else's allowance: Bob approved the vault; Eve sends a deposit tx
    /// naming Bob as owner (so the vault would pull Bob's tokens) or herself (pulling hers).
    function test_attack_depositWithSomeoneElsesAllowance() public {
        vm.prank(bob);
        token.approve(address(erc20Vault), 1e18);
        bytes memory asBob = _depositTx(bob, address(token), 1e18);
        vm.prank(eve);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositOwnerMismatch.selector, bob, eve));
        erc20Vault.deposit(asBob);
        bytes memory asEve = _depositTx(eve, address(token), 1e18);
        vm.prank(eve);
        vm.expectRevert(); // ERC20InsufficientAllowance: the vault pulls from the sender only
        erc20Vault.deposit(asEve);
        assertEq(token.allowance(bob, address(erc20Vault)), 1e18, "bob's allowance untouched");
        assertEq(token.balanceOf(address(erc20Vault)), 0, "nothing pulled");
    }

    /// Reads of unknown blocks: a block never submitted reads as 0, which must never pass as
    /// an (empty) root: an in-flight exit's input, a canonicity competitor and a response in
    /// a block that does not exist all revert `BlockNotFound`.
    function test_attack_unknownBlocksAreNotEmptyRoots() public {
        _startT(bob);
        bytes memory comp = _carolCompetitor();
        PaymentExitBase.CanonicityChallenge memory c = PaymentExitBase.CanonicityChallenge(
            T, 1, comp, 0, 5000 * 100_000, new bytes(512), _sig(CAROL_KEY, comp)
        );
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.BlockNotFound.selector, 5000));
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        _challenge(carol, comp, 0, "");
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.BlockNotFound.selector, 7000));
        game.respondToNonCanonicalChallenge(T, 7000 * 100_000, new bytes(512));
        // An input in an unknown deposit slot.
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(_pos(999, 0, 0));
        bytes memory t2 = _tx(ins, _outs2(bob, 1, carol, 1));
        a.inFlightTx = t2;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = _depositTx(alice, address(0), 5 ether);
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = _pos(999, 0, 0);
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, t2);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.BlockNotFound.selector, 999));
        game.startInFlightExit{value: ifeBond}(a);
    }

    /// Signatures recovering to address 0: ecrecover's 0 for an unrecoverable signature is
    /// refused by the library (`SignatureInvalid`), and no output can be owned by 0
    /// (`TxZeroOwner`), so no challenge or in-flight exit accepts such a signature.
    function test_attack_signatureRecoveringToZero() public {
        _startT(bob);
        _pbIn(carol, T, 1);
        bytes memory spend = _spend(cPos, carol, address(0), 3 ether);
        bytes memory zeroSig = abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27));
        vm.expectRevert(Signature.SignatureInvalid.selector);
        game.challengeInFlightExitInputSpent(T, 1, spend, 0, zeroSig);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, spend, 0, 0, "", zeroSig);
        vm.expectRevert(Signature.SignatureInvalid.selector);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        assertEq(_header(id).piggybacks, 2, "piggyback intact");
    }

    /// Non-canonical encodings: the operator includes T and a re-encoding of T with a
    /// non-canonical list length (the Polygon 2021 class: one burn exited many times under
    /// several encodings). The re-encoding decodes to nothing, so T's outputs have one exit id
    /// each; the same bytes included twice have the same exit id (position-independent).
    function test_attack_reencodedTxGivesNoSecondExitId() public {
        assertTrue(T.length > 55 && T.length < 256 && uint8(T[0]) == 0xf8, "long-form list");
        bytes memory t2 = abi.encodePacked(hex"f900", _slice(T, 1)); // length with a leading zero
        bytes[] memory txs = new bytes[](3);
        (txs[0], txs[1], txs[2]) = (T, t2, T);
        uint256 blk = _submit(txs);
        (, bytes memory p0) = Tree.rootAndProof(txs, 0);
        (, bytes memory p1) = Tree.rootAndProof(txs, 1);
        (, bytes memory p2) = Tree.rootAndProof(txs, 2);
        _startExit(bob, _pos(blk, 0, 0), T, p0);
        vm.prank(bob);
        vm.expectRevert(Rlp.RlpLeadingZeroInLength.selector);
        game.startStandardExit{value: bond}(_pos(blk, 1, 0), t2, p1, 0);
        uint160 eid = _exitId(T, _pos(blk, 0, 0));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitAlreadyStarted.selector, eid));
        game.startStandardExit{value: bond}(_pos(blk, 2, 0), T, p2, 0);
    }

    /// Leaf vs internal node: leaves are hashed with salt 0x00, nodes with 0x01, so the 64
    /// bytes of two child hashes shown as a "tx" never hash to their parent node.
    function test_attack_internalNodeIsNotALeaf() public {
        bytes[] memory txs = new bytes[](2);
        (txs[0], txs[1]) = (T, aTx);
        bytes32 l = Tree.leaf(T);
        bytes32 r = Tree.leaf(aTx);
        bytes memory node = abi.encodePacked(l, r);
        assertNotEq(Tree.leaf(node), Tree.node(l, r), "leaf(l || r) != node(l, r)");
        uint256 blk = _submit(txs);
        (, bytes memory p0) = Tree.rootAndProof(txs, 0);
        vm.prank(bob);
        vm.expectRevert(); // the 64 bytes are not a payment tx; nor would the proof match
        game.startStandardExit{value: bond}(_pos(blk, 0, 0), node, p0, 0);
    }

    /// Tx-type / exit-game confusion: a Plasma Cash tx (RLP [slot, prevBlock, denomination,
    /// newOwner]) included in a payment block, and a payment tx of another tx type, cannot be
    /// exited by the payment game (strict decoding: field count, tx type).
    function test_attack_foreignTxTypesRefused() public {
        bytes[] memory f = new bytes[](4);
        f[0] = RlpEncode.uintItem(7);
        f[1] = RlpEncode.uintItem(1000);
        f[2] = RlpEncode.uintItem(5 ether);
        f[3] = RlpEncode.addressItem(bob);
        bytes memory cashTx = RlpEncode.list(f);
        bytes memory typed = TxEncode.fromDecoded(
            2, new bytes32[](0), PaymentTransaction.decode(aTx).outputs, 0, bytes32(0)
        );
        bytes[] memory txs = new bytes[](2);
        (txs[0], txs[1]) = (cashTx, typed);
        uint256 blk = _submit(txs);
        (, bytes memory p0) = Tree.rootAndProof(txs, 0);
        (, bytes memory p1) = Tree.rootAndProof(txs, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 4));
        game.startStandardExit{value: bond}(_pos(blk, 0, 0), cashTx, p0, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongType.selector, 2));
        game.startStandardExit{value: bond}(_pos(blk, 1, 0), typed, p1, 0);
    }

    function _slice(bytes memory b, uint256 from) internal pure returns (bytes memory out) {
        out = new bytes(b.length - from);
        for (uint256 i = from; i < b.length; ++i) {
            out[i - from] = b[i];
        }
    }
}

/// @notice Deploys a fixed contract with CREATE2 (to register its address before it exists).
contract Create2Factory {
    function predict(bytes32 salt) external view returns (address) {
        bytes32 h = keccak256(
            abi.encodePacked(
                bytes1(0xff), address(this), salt, keccak256(type(Drainer).creationCode)
            )
        );
        return address(uint160(uint256(h)));
    }

    function deploy(bytes32 salt) external returns (address) {
        return address(new Drainer{salt: salt}());
    }
}

/// @notice What a rogue exit game would be: anything (here it only exists).
contract Drainer {
    uint256 public constant IS_DRAINER = 1;
}

/// @notice A token that can fail its transfers (mode 1) or, paying out, re-enter
/// `Erc20Vault.withdrawPending` to collect its own credit and then fail (mode 2).
contract WithdrawPendingToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    PaymentExitGame internal immutable game;
    Erc20Vault internal immutable vault;
    uint256 internal mode;

    constructor(PaymentExitGame game_, Erc20Vault vault_) {
        game = game_;
        vault = vault_;
    }

    function setMode(uint256 m) external {
        mode = m;
    }

    function mint(address to, uint256 v) external {
        balanceOf[to] += v;
    }

    function approve(address s, uint256 v) external returns (bool) {
        allowance[msg.sender][s] = v;
        return true;
    }

    function transferFrom(address f, address t, uint256 v) external returns (bool) {
        if (f != address(this)) allowance[f][msg.sender] -= v;
        balanceOf[f] -= v;
        balanceOf[t] += v;
        return true;
    }

    function transfer(address t, uint256 v) external returns (bool) {
        if (mode == 1) return false;
        if (mode == 2) {
            mode = 3; // the nested payout of the credit succeeds
            vault.withdrawPending(address(this));
            mode = 2;
            return false;
        }
        balanceOf[msg.sender] -= v;
        balanceOf[t] += v;
        return true;
    }

    /// Deposits `amount` of itself (owner: this contract) and starts its standard exit.
    function depositAndExit(uint256 amount, uint256 pos)
        external
        payable
        returns (uint256, bytes memory t)
    {
        balanceOf[address(this)] += amount;
        bytes32[] memory ins = new bytes32[](0);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = PaymentTransaction.Output(1, address(this), address(this), amount);
        t = TxEncode.fromDecoded(1, ins, outs, 0, bytes32(0));
        vault.deposit(t);
        game.startStandardExit{value: msg.value}(pos, t, Tree.depositProof(), 0);
        return (pos, t);
    }

    receive() external payable {}
}

/// @notice Challenges an in-flight exit and answers the challenge in the same transaction.
contract ChallengeAndRespond {
    PaymentExitGame internal immutable game;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function run(
        PaymentExitBase.CanonicityChallenge calldata c,
        uint256 value,
        uint256 txPos,
        bytes calldata proof
    ) external {
        (bool ok,) = address(game).call{value: value}(
            abi.encodeCall(PaymentExitGame.challengeInFlightExitNotCanonical, (c))
        );
        require(ok, "challenge");
        game.respondToNonCanonicalChallenge(c.inFlightTx, txPos, proof);
    }

    receive() external payable {}
}
