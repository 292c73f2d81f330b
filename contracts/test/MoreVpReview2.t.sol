// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InFlightBase} from "./InFlightExit.t.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {ExitBonds} from "../src/exits/ExitBonds.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {Vault} from "../src/vaults/Vault.sol";
import {PlasmaFramework} from "../src/PlasmaFramework.sol";
import {Erc20Vault} from "../src/vaults/Erc20Vault.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice The second reading of the MoreVP exit game and the vaults after issue 15
/// (docs/contracts.md, "Second reading (MoreVP, 2026-12-06)"): one test per hypothesis of an
/// attacker (malicious operator, colluding past owners, mempool bots, malicious tokens and
/// receivers, users who go unanswered once). A test of a failed attack asserts the revert or
/// the unchanged balances, so it fails if the defence goes; a test of an attack that works
/// (named `..._residual` or `..._finding`) shows what it gains.
contract MoreVpReview2Test is InFlightBase {
    uint256 internal constant EVE_KEY = 0xe7e;
    address internal eve;
    uint160 internal constant FLAG = uint160(1) << 159;

    function setUp() public override {
        super.setUp();
        eve = vm.addr(EVE_KEY);
        vm.deal(eve, 100 ether);
    }

    // ================================================================ helpers

    /// @dev A canonicity challenge of T on Carol's input (index 1) with `comp` (signed by
    /// Carol), included at `pos` (0: not included), sent by `who` with `value`.
    function _chal(address who, bytes memory comp, uint256 pos, bytes memory proof, uint256 value)
        internal
    {
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, pos, proof, _sig(CAROL_KEY, comp));
        vm.deal(who, who.balance + value);
        vm.prank(who);
        game.challengeInFlightExitNotCanonical{value: value}(c);
    }

    /// @dev The in-flight exit of a tx spending `inTxs[i]` at `poss[i]` (all Alice's outputs)
    /// into one output of `outAmount` wei to Alice, started by Alice.
    function _aliceIfe(
        bytes[] memory inTxs,
        uint256[] memory poss,
        bytes[] memory proofs,
        uint256 outAmount
    ) internal returns (uint160 eid, bytes memory t) {
        bytes32[] memory ins = new bytes32[](poss.length);
        for (uint256 i; i < poss.length; ++i) {
            ins[i] = bytes32(poss[i]);
        }
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(alice, address(0), outAmount);
        t = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = t;
        a.inputTxs = inTxs;
        a.inputUtxosPos = poss;
        a.inputTxsInclusionProofs = proofs;
        a.inFlightTxSigs = new bytes[](poss.length);
        for (uint256 i; i < poss.length; ++i) {
            a.inFlightTxSigs[i] = _sig(ALICE_KEY, t);
        }
        vm.prank(alice);
        game.startInFlightExit{value: ifeBond}(a);
        eid = game.inFlightExitId(t);
    }

    function _ts(uint256 blknum) internal view returns (uint256 ts) {
        (, ts) = framework.blocks(blknum);
    }

    // ================================================================ 1. bond credits

    /// Three challenges, each with an older competitor (not included; Carol's double-spend
    /// included in block 2000; another in block 1000), the exit bond doubled between the
    /// first and the second. Each replaced challenger is credited exactly the bond it posted,
    /// once; nobody else has a credit; the standing challenger gets the in-flight bond and
    /// its own bond; after everything the game holds nothing: no bond is paid twice.
    function test_r2_credits_eachBondPaidOnceToItsPoster() public {
        bytes memory c1 = _spend(cPos, carol, address(0), 3 ether);
        bytes memory c2 = _spend(cPos, carol, address(0), 2 ether);
        bytes[] memory b1 = new bytes[](1);
        b1[0] = c1;
        uint256 blk1 = _submit(b1); // 1000
        vm.warp(block.timestamp + 1 hours);
        b1[0] = c2;
        uint256 blk2 = _submit(b1); // 2000
        _startT(bob);
        _pbIn(alice, T, 0);
        address chA = address(0xA1);
        address chB = address(0xB1);
        address chE = address(0xE1);
        uint256 cb1 = chBond;
        _chal(chA, c1, 0, "", cb1);
        vm.prank(operator);
        game.updateExitBond(bond * 2);
        vm.warp(block.timestamp + 2 days);
        uint256 cb2 = game.canonicityChallengeBond();
        assertEq(cb2, 2 * bond * game.CHALLENGE_BOND_GAS() / 85_000, "the bond doubled");
        _chal(chB, c2, blk2 * 100_000, _proofOne(c2), cb2);
        _chal(chE, c1, blk1 * 100_000, _proofOne(c1), cb2);
        assertEq(game.bondCredits(chA), cb1, "A: the bond it posted (the old one)");
        assertEq(game.bondCredits(chB), cb2, "B: the bond it posted (the new one)");
        assertEq(game.bondCredits(chE), 0, "the standing challenger has no credit");
        assertEq(game.bondCredits(bob), 0, "nor the starter");
        (address ch, uint256 chb) = game.inFlightExitChallenge(id);
        assertEq(ch, chE, "E stands");
        assertEq(chb, cb2, "with its bond");
        assertEq(_header(id).bondOwner, bob, "the bond owner is still the starter");
        assertEq(address(game).balance, ifeBond + pbBond + cb1 + 2 * cb2, "held: every bond posted");

        // A withdraws once; a second time, or anyone without a credit, gets nothing.
        vm.prank(chA);
        game.withdrawBondCredit();
        assertEq(chA.balance, cb1, "A paid its credit");
        vm.prank(chA);
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        game.withdrawBondCredit();
        vm.prank(chE);
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        game.withdrawBondCredit();
        vm.prank(bob);
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        game.withdrawBondCredit();

        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        vm.warp(_header(id).exitableAt);
        game.processExits(address(0), 10);
        assertEq(alice.balance - a0, 5 ether + pbBond - pbBond / 4, "non-canonical: input paid");
        assertEq(chE.balance, ifeBond + cb2, "E: the in-flight bond and its own bond");
        assertEq(bob.balance, b0, "the starter loses the in-flight bond to the standing challenge");
        assertEq(address(game).balance, cb2, "left: exactly B's credit");
        vm.prank(chB);
        game.withdrawBondCredit();
        assertEq(chB.balance, cb2, "B paid");
        assertEq(address(game).balance, 0, "every bond paid out once, nothing more");
    }

    /// A replaced challenger whose receive hook re-enters `withdrawBondCredit`: propagating
    /// the inner revert reverts its whole withdrawal (the credit stays); swallowing it, the
    /// credit is paid exactly once.
    function test_r2_credits_reenteringWithdrawPaysOnce() public {
        bytes memory c1 = _spend(cPos, carol, address(0), 3 ether);
        bytes[] memory b1 = new bytes[](1);
        b1[0] = c1;
        uint256 blk1 = _submit(b1);
        _startT(bob);
        CreditReenterer r = new CreditReenterer(game);
        vm.deal(address(r), chBond);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, c1, 0, 0, "", _sig(CAROL_KEY, c1));
        r.challenge(c, chBond);
        _chal(eve, c1, blk1 * 100_000, _proofOne(c1), chBond);
        assertEq(game.bondCredits(address(r)), chBond, "credited");
        uint256 held = address(game).balance;

        r.setMode(2); // re-enter and propagate the inner revert
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.BondTransferFailed.selector, address(r), chBond)
        );
        r.withdraw();
        assertEq(game.bondCredits(address(r)), chBond, "credit intact");
        assertEq(address(game).balance, held, "nothing left the game");

        r.setMode(1); // re-enter and swallow the inner revert
        r.withdraw();
        assertEq(address(r).balance, chBond, "paid exactly once");
        assertEq(r.innerFailed(), true, "the nested withdrawal was refused");
        assertEq(game.bondCredits(address(r)), 0, "credit cleared");
        assertEq(address(game).balance, held - chBond, "one bond out");
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        r.withdraw();
    }

    // ================================================================ 2. the in-flight bond owner

    /// T is included. Carol (co-signer) challenges falsely; a watcher answers. Afterwards a new
    /// false challenge (not included, or included after T) cannot flip the exit back, so the
    /// starter's bond cannot be taken by a second try; the starter is paid in full.
    function test_r2_bondOwner_answeredExitCannotBeReChallengedFalsely() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _pbOut(bob, T, 0);
        bytes memory comp = _carolCompetitor();
        _chal(carol, comp, 0, "", chBond);
        address watcher = address(0x3a7c);
        bytes memory proof = _proofOne(T);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        assertEq(watcher.balance, chBond - chBond / 2, "the watcher earned half Carol's bond");
        // Carol again, with the same competitor not included.
        bytes memory sig = _sig(CAROL_KEY, comp);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", sig);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.CompetitorNotOlder.selector, type(uint64).max, tPos
            )
        );
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        // The operator includes her double-spend after T: still not older.
        uint256 lPos = _includeOne(comp);
        bytes memory lProof = _proofOne(comp);
        c = PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, lPos, lProof, sig);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.CompetitorNotOlder.selector, lPos, tPos)
        );
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        assertEq(_header(id).bondOwner, bob, "starter");
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob whole");
        assertEq(address(game).balance, 0, "settled");
    }

    /// The latest false challenge (one second before the end of the first half) answered one
    /// second before processing may start still keeps the starter's bond; after processing no
    /// response (nor challenge, piggyback, deletion) is accepted any more.
    function test_r2_bondOwner_lastSecondAnswerKeepsBond() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _pbOut(bob, T, 0);
        uint256 start = _header(id).startedAt;
        vm.warp(start + MEP / 2 - 1);
        _chal(carol, _carolCompetitor(), 0, "", chBond);
        uint256 matureAt = _header(id).exitableAt;
        vm.warp(matureAt - 1);
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        vm.warp(matureAt);
        uint256 b0 = bob.balance;
        game.processExits(address(0), 10);
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob whole");
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, id));
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, id));
        game.deleteNonPiggybackedInFlightExit(id);
    }

    /// A mempool bot copies Bob's `startInFlightExit` and gets mined first: it becomes the
    /// bond owner of its own bond, nothing more; Bob's start reverts, his piggyback works and
    /// he is paid in full; the bot gets exactly its bond back.
    function test_r2_bondOwner_frontRunStartGainsNothing() public {
        _includeOne(T);
        address bot = address(0xb07);
        vm.deal(bot, ifeBond);
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.prank(bot);
        game.startInFlightExit{value: ifeBond}(a);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitAlreadyStarted.selector, id)
        );
        game.startInFlightExit{value: ifeBond}(a);
        _pbOut(bob, T, 0);
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bot.balance, ifeBond, "the bot: its own bond back, no profit");
        assertEq(bob.balance - b0, 6 ether + pbBond - pbBond / 4, "bob: his output");
    }

    /// Finding 2 (fixed): the false challenger answers her own challenge. Alice (the issue's
    /// finding 2: T included, Bob's output spent onward) challenges falsely; when a watcher's
    /// answer shows up in the mempool she front-runs it with her own answer. She used to get
    /// her whole bond back (an answered false challenge cost only gas); now an answer pays
    /// the responder half and burns the other half, so she loses half the bond whoever
    /// answers (here, as the starter too: crediting the starter would have given it back).
    function test_r2_falseChallengerAnswersHerself() public {
        uint256 tPos = _includeOne(T);
        _startT(alice);
        _pbIn(alice, T, 0);
        uint256 a0 = alice.balance;
        uint256 z0 = address(0).balance;
        bytes memory comp = _spend(aPos, alice, address(0), 5 ether);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 0, comp, 0, 0, "", _sig(ALICE_KEY, comp));
        vm.prank(alice);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        bytes memory proof = _proofOne(T);
        // The watcher's answer is pending; Alice's own answer is mined first.
        vm.prank(alice);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        assertEq(a0 - alice.balance, chBond / 2, "the answered false challenge cost Alice half");
        assertTrue(chBond / 2 > 0, "a real cost");
        assertEq(address(0).balance - z0, chBond / 2, "burnt");
        address watcher = address(0x3a7c);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.NotChallenged.selector, id));
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        assertEq(watcher.balance, 0, "the watcher earned nothing");
        assertEq(_header(id).flags & 1, 0, "T canonical: no value leaves twice");
        // At the end Alice gets her in-flight and piggyback bonds back, not the burnt half.
        a0 = alice.balance;
        _processAll();
        assertEq(alice.balance - a0, ifeBond + pbBond - pbBond / 4, "alice: her bonds only");
        assertEq(address(game).balance, 0, "the game keeps nothing");
    }

    // ================================================================ 3. exitableAt in flight

    /// Inputs: D (Alice's deposit, block 1, t0), N (Alice's output in operator block 1000,
    /// t0 + 2 days), D2 (Alice's deposit in block 1001, t0 + 3 days); started at t0 + 4 days.
    /// In every order of every combination, exitableAt = max(youngest input's block time +
    /// 2·MEP, now + MEP), the youngest being the largest position, deposit or not: never the
    /// deposit boost. Standard exits of a deposit keep the boost (now + MEP).
    function test_r2_exitableAt_everyOrderingNoDepositBoost() public {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 2 days);
        bytes memory nTx = _spend(_pos(999_000, 0, 0), alice, address(0), 1 ether);
        uint256 nBlk = _submitOne(nTx);
        uint256 nPos = _pos(nBlk, 0, 0);
        vm.warp(t0 + 3 days);
        (uint256 d2Pos, bytes memory d2Tx) = _depositEth(alice, 1 ether);
        assertEq(d2Pos, _pos(1001, 0, 0), "D2 in block 1001");
        vm.warp(t0 + 4 days);
        uint256 nowPlus = block.timestamp + MEP;

        oTxs[0] = aTx;
        oTxs[1] = nTx;
        oTxs[2] = d2Tx;
        (oPoss[0], oPoss[1], oPoss[2]) = (aPos, nPos, d2Pos);
        (oProofs[0], oProofs[1], oProofs[2]) =
        (Tree.depositProof(), _proofOne(nTx), Tree.depositProof());
        (oTimes[0], oTimes[1], oTimes[2]) = (t0, t0 + 2 days, t0 + 3 days);
        // Orders as index lists (0 = D, 1 = N, 2 = D2).
        _checkOrder(0, _o2(0, 1), nowPlus);
        _checkOrder(1, _o2(1, 0), nowPlus);
        _checkOrder(2, _o2(1, 2), nowPlus);
        _checkOrder(3, _o2(2, 1), nowPlus);
        _checkOrder(4, _o2(0, 2), nowPlus);
        _checkOrder(5, _o2(2, 0), nowPlus);
        _checkOrder(6, _o3(0, 1, 2), nowPlus);
        _checkOrder(7, _o3(0, 2, 1), nowPlus);
        _checkOrder(8, _o3(1, 0, 2), nowPlus);
        _checkOrder(9, _o3(1, 2, 0), nowPlus);
        _checkOrder(10, _o3(2, 0, 1), nowPlus);
        _checkOrder(11, _o3(2, 1, 0), nowPlus);
        _checkOrder(12, new uint8[](1), nowPlus); // D alone
        // Standard exits: the deposit D2 boosted, the operator-block output N not.
        _startExit(alice, d2Pos, d2Tx, Tree.depositProof());
        (, uint256 dAt,,,) = game.standardExit(_exitId(d2Tx, d2Pos));
        assertEq(dAt, nowPlus, "standard exit of a deposit: now + MEP");
        _startExit(alice, nPos, nTx, _proofOne(nTx));
        (, uint256 nAt,,,) = game.standardExit(_exitId(nTx, nPos));
        assertEq(nAt, _ts(nBlk) + 2 * MEP, "standard exit of N: block time + 2 MEP");
    }

    bytes[3] internal oTxs;
    uint256[3] internal oPoss;
    bytes[3] internal oProofs;
    uint256[3] internal oTimes;

    /// @dev Starts Alice's in-flight exit of the inputs `o` (indices into oTxs …) and checks
    /// its exitableAt and priority.
    function _checkOrder(uint256 k, uint8[] memory o, uint256 nowPlus) internal {
        bytes[] memory inTxs = new bytes[](o.length);
        uint256[] memory ps = new uint256[](o.length);
        bytes[] memory prs = new bytes[](o.length);
        uint256 youngest;
        uint256 youngestTime;
        for (uint256 i; i < o.length; ++i) {
            (inTxs[i], ps[i], prs[i]) = (oTxs[o[i]], oPoss[o[i]], oProofs[o[i]]);
            if (ps[i] > youngest) (youngest, youngestTime) = (ps[i], oTimes[o[i]]);
        }
        (uint160 eid,) = _aliceIfe(inTxs, ps, prs, 1);
        PaymentExitBase.Header memory h = _header(eid);
        uint256 want = youngestTime + 2 * MEP;
        if (nowPlus > want) want = nowPlus;
        assertEq(h.exitableAt, want, string.concat("exitableAt, order ", vm.toString(k)));
        assertEq(h.youngestTxPos, youngest / 10_000, string.concat("txPos, order ", vm.toString(k)));
        assertTrue(h.exitableAt > nowPlus, "never the boost (now + MEP)");
    }

    function _o2(uint8 a, uint8 b) internal pure returns (uint8[] memory o) {
        o = new uint8[](2);
        (o[0], o[1]) = (a, b);
    }

    function _o3(uint8 a, uint8 b, uint8 c) internal pure returns (uint8[] memory o) {
        o = new uint8[](3);
        (o[0], o[1], o[2]) = (a, b, c);
    }

    // ================================================================ 4. surge fee

    /// Both vaults share one interval: deposits 1-500 are free (fee 0 exactly; any ETH over
    /// the amount reverts), the 501st costs 1 step; under- and over-payment revert (no
    /// silent refund needed: exactness); the fee goes to the operator of the moment (rotated
    /// half-way); the 999th costs 499 steps, the total 12.475 ETH; the 1000th reverts; the
    /// next operator block resets the count.
    function test_r2_surgeFee_boundariesBothVaultsExactness() public {
        bytes memory ethTx = _depositTx(alice, address(0), 1);
        bytes memory tokTx = _depositTx(bob, address(token), 1);
        vm.prank(bob);
        token.approve(address(erc20Vault), type(uint256).max);
        uint256 step = 1e14;
        address op2 = address(0x0b2);
        uint256 paidTo1;
        uint256 paidTo2;
        uint256 o1 = operator.balance;
        // Deposits 3 .. 500 (1 and 2 are the base set-up's): all free.
        while (framework.nextDepositBlock() < 500) {
            _dep(ethTx, tokTx, framework.nextDepositBlock(), 0);
        }
        assertEq(ethVault.depositFee(), 0, "the 500th is free");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, 1, 0));
        ethVault.deposit{value: 2}(ethTx); // one wei too many, in the free range
        _dep(ethTx, tokTx, 500, 0);
        assertEq(erc20Vault.depositFee(), step, "the 501st pays one step");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, 0, step));
        ethVault.deposit{value: 1}(ethTx);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, 2 * step, step));
        ethVault.deposit{value: 1 + 2 * step}(ethTx);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, step - 1, step));
        erc20Vault.deposit{value: step - 1}(tokTx);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, step + 1, step));
        erc20Vault.deposit{value: step + 1}(tokTx);
        while (framework.nextDepositBlock() < 999) {
            uint256 n = framework.nextDepositBlock();
            if (n == 750) framework.setOperator(op2);
            uint256 fee = (n - 500) * step;
            _dep(ethTx, tokTx, n, fee);
            if (n < 750) paidTo1 += fee;
            else paidTo2 += fee;
        }
        assertEq(ethVault.depositFee(), 499 * step, "the 999th: 499 steps");
        _dep(ethTx, tokTx, 999, 499 * step);
        paidTo2 += 499 * step;
        assertEq(operator.balance - o1, paidTo1, "fees before the rotation: the old operator");
        assertEq(op2.balance, paidTo2, "after: the new one");
        assertEq(paidTo1 + paidTo2, 124_750 * step, "12.475 ETH for the interval");
        assertEq(address(ethVault).balance, 8 ether + 499, "the ETH vault holds only deposits");
        assertEq(address(erc20Vault).balance, 0, "the ERC20 vault holds no ETH");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.TooManyDeposits.selector, 1000));
        ethVault.deposit{value: 1}(ethTx);
        vm.prank(op2);
        framework.submitBlock(Tree.root(new bytes[](0)));
        assertEq(ethVault.depositFee(), 0, "a new interval is free");
        _dep(ethTx, tokTx, 1001, 0);
    }

    /// @dev Deposit number `n` (ETH for odd n, the token for even n) with fee `fee`.
    function _dep(bytes memory ethTx, bytes memory tokTx, uint256 n, uint256 fee) internal {
        if (n % 2 == 1) {
            vm.prank(alice);
            ethVault.deposit{value: 1 + fee}(ethTx);
        } else {
            vm.prank(bob);
            erc20Vault.deposit{value: fee}(tokTx);
        }
    }

    /// A malicious operator whose address refuses ETH blocks the paying deposits (501-999) of
    /// every interval (`FeeTransferFailed`), never the first 500; it could as well stop
    /// submitting blocks (deposits then wait for it either way). Recorded, not a loss.
    function test_r2_surgeFee_refusingOperatorBlocksOnlyPaidDeposits() public {
        RefuseEth refuser = new RefuseEth();
        framework.setOperator(address(refuser));
        bytes memory ethTx = _depositTx(alice, address(0), 1);
        while (framework.nextDepositBlock() <= 500) {
            vm.prank(alice);
            ethVault.deposit{value: 1}(ethTx);
        }
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(Vault.FeeTransferFailed.selector, address(refuser), 1e14)
        );
        ethVault.deposit{value: 1 + 1e14}(ethTx);
    }

    // ================================================================ 5. exit id spaces

    /// An output whose outputId has bit 159 set exits as a standard exit (its exit id has it
    /// cleared, its queue entry is dispatched to the standard path, it is paid once), and an
    /// in-flight tx whose hash has bit 159 clear gets an id with it set and is processed in
    /// flight. Neither view sees the other's record.
    function test_r2_exitIds_bit159BothWays() public {
        uint256 pos = _pos(framework.nextDepositBlock(), 0, 0);
        uint256 amount = 1 ether;
        while (
            uint160(uint256(game.outputId(_depositTx(alice, address(0), amount), pos))) & FLAG == 0
        ) {
            ++amount;
        }
        (uint256 dPos, bytes memory dTx) = _depositEth(alice, amount);
        assertEq(dPos, pos, "position");
        uint160 sId = _exitId(dTx, dPos);
        assertEq(sId & FLAG, 0, "exit id: bit 159 cleared");
        _startExit(alice, dPos, dTx, Tree.depositProof());
        assertEq(uint160(game.queueTop(address(0))), sId, "queued under the cleared id");
        assertEq(_header(sId | FLAG).startedAt, 0, "no in-flight exit under that id");

        // An in-flight tx whose hash has bit 159 clear.
        uint256 x = 6 ether;
        bytes32[] memory ins = new bytes32[](2);
        (ins[0], ins[1]) = (bytes32(aPos), bytes32(cPos));
        bytes memory t2 = _tx(ins, _outs2(bob, x, carol, 1));
        while (uint160(uint256(keccak256(t2))) & FLAG != 0) {
            t2 = _tx(ins, _outs2(bob, --x, carol, 1));
        }
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(t2, aTx, aPos, ALICE_KEY, cTx, cPos, CAROL_KEY);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 fId = game.inFlightExitId(t2);
        assertEq(fId, uint160(uint256(keccak256(t2))) | FLAG, "id: bit 159 set");
        (address so,,,,) = game.standardExit(fId & ~FLAG);
        assertEq(so, address(0), "no standard exit under the cleared in-flight id");
        _pbOut(bob, t2, 0);
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(alice.balance - a0, amount + bond - bounty, "standard exit paid once");
        assertEq(bob.balance - b0, x + pbBond - pbBond / 4, "in-flight output paid");
        assertEq(_header(fId).flags, 2 | 4 | 8, "processed in flight, canonical");
        assertEq(game.queueSize(address(0)), 0, "both entries consumed");
        assertEq(address(game).balance, 0, "settled");
    }

    // ================================================================ 6. other hypotheses

    /// Piggyback, challenge and respond only in their windows: a piggyback at the end of the
    /// first half reverts (one second before works); after finalization nothing is accepted,
    /// and the restart of the tx is refused; an unpiggybacked output of the (canonical,
    /// included) tx may still exit once, a paid one never.
    function test_r2_windows_nothingAfterFinalization() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        uint256 deadline = _header(id).startedAt + MEP / 2;
        vm.warp(deadline - 1);
        _pbOut(bob, T, 0);
        vm.warp(deadline);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.PiggybackPeriodOver.selector, id, deadline)
        );
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 1, 0);
        _processAll();
        assertEq(_header(id).flags, 2 | 4 | 8, "finalized");
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, id));
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 1, 0);
        bytes memory comp = _carolCompetitor();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", _sig(CAROL_KEY, comp));
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, id));
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitAlreadyStarted.selector, id)
        );
        game.startInFlightExit{value: ifeBond}(a);
        bytes memory proof = _proofOne(T);
        uint160 o0 = game.exitIdOf(_outputId(T, 0));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, o0));
        game.startStandardExit{value: bond}(tPos * 10_000, T, proof, 0);
        _startExit(carol, tPos * 10_000 + 1, T, proof);
        uint256 c0 = carol.balance;
        _processAll();
        assertEq(carol.balance - c0, 1.5 ether + bond - bounty, "carol's unpiggybacked output");
    }

    /// Deletion and restart with the same priority key (exitableAt from the deposits' time,
    /// unchanged): the stale queue entry and the new piggyback's entry are one entry; the
    /// restarted exit is processed once and every bond is settled.
    function test_r2_deleteRestartSameKeyPaysOnce() public {
        _startT(bob);
        uint256 key = game.inFlightExitPriorityKey(id);
        _pbIn(carol, T, 1);
        bytes memory comp = _carolCompetitor();
        game.challengeInFlightExitInputSpent(T, 1, comp, 0, _sig(CAROL_KEY, comp));
        vm.warp(block.timestamp + MEP / 2);
        game.deleteNonPiggybackedInFlightExit(id);
        _startT(bob);
        assertEq(game.inFlightExitPriorityKey(id), key, "the same key");
        _pbOut(bob, T, 0);
        assertEq(game.queueSize(address(0)), 1, "one entry");
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "paid once");
        assertEq(address(game).balance, 0, "settled");
        assertEq(address(ethVault).balance, 2 ether, "8 - 6");
    }

    /// Bob's standard exit of T's output was processed before anyone started T's in-flight
    /// exit (its position is no longer stored, so it does not count as a response). Alice
    /// then starts it, piggybacks her input and challenges falsely: an answer with T's
    /// inclusion proof still works (and earns Alice's bond), so her input is not paid.
    function test_r2_processedOutputExitThenFalseChallenge_answered() public {
        uint256 tPos = _includeOne(T);
        bytes memory proof = _proofOne(T);
        _startExit(bob, tPos * 10_000, T, proof);
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertTrue(game.isOutputExited(_outputId(T, 0)), "bob's output exited");
        _startT(alice);
        assertEq(_header(id).competitorPos, 0, "no response recorded");
        _pbIn(alice, T, 0);
        bytes memory comp = _spend(aPos, alice, address(0), 5 ether);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 0, comp, 0, 0, "", _sig(ALICE_KEY, comp));
        vm.prank(alice);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        address watcher = address(0x3a7c);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        uint256 a0 = alice.balance;
        _processAll();
        assertEq(alice.balance - a0, ifeBond + pbBond - pbBond / 4, "alice: bonds only");
        assertEq(watcher.balance, chBond - chBond / 2, "the watcher: half alice's bond");
        assertEq(address(ethVault).balance, 2 ether, "8 - 6: T's value left once");
    }

    /// The same, unanswered (the documented residual, docs/contracts.md "Known limits"): T's
    /// value leaves through Bob's output and Alice's input.
    function test_r2_processedOutputExitThenFalseChallenge_unansweredResidual() public {
        (uint256 vPos, bytes memory vTx) = _depositEth(carol, 10 ether); // a victim's deposit
        uint256 tPos = _includeOne(T);
        _startExit(bob, tPos * 10_000, T, _proofOne(T));
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        _startT(alice);
        _pbIn(alice, T, 0);
        bytes memory comp = _spend(aPos, alice, address(0), 5 ether);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 0, comp, 0, 0, "", _sig(ALICE_KEY, comp));
        vm.prank(alice);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        uint256 a0 = alice.balance;
        _processAll();
        assertEq(
            alice.balance - a0,
            5 ether + pbBond - pbBond / 4 + ifeBond + chBond,
            "alice: her input and both bonds"
        );
        assertEq(address(ethVault).balance, 7 ether, "18 deposited, 6 + 5 left");
        _startExit(carol, vPos, vTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector, 10 ether + bond - bounty, 7 ether + bond - bounty
            )
        );
        game.processExits(address(0), 10);
    }

    /// The operator includes the same tx X (5 ETH to Eve) in block 1000 and again in block
    /// 2000 (a non-deposit outputId does not depend on the position). Eve's tx spending both
    /// copies passes `Σ outputs ≤ Σ inputs` with 10 ETH out of one 5 ETH output: a mint. Its
    /// priority is the duplicate's block, so every output older than that (Bob's, block
    /// 1000) is paid first and the exit cannot take more than is left.
    function test_r2_txSpendingTwoCopiesOfOneOutput_priorityAtTheCopy() public {
        bytes memory x = _spend(_pos(999_000, 0, 0), eve, address(0), 5 ether);
        bytes memory bobTx = _spend(cPos, bob, address(0), 3 ether);
        bytes[] memory b = new bytes[](2);
        (b[0], b[1]) = (x, bobTx);
        _submit(b); // 1000
        (, bytes memory xProof1) = Tree.rootAndProof(b, 0);
        (, bytes memory bobProof) = Tree.rootAndProof(b, 1);
        vm.warp(block.timestamp + 1 days);
        _submitOne(x); // 2000: the copy
        bytes32[] memory ins = new bytes32[](2);
        (ins[0], ins[1]) = (bytes32(_pos(1000, 0, 0)), bytes32(_pos(2000, 0, 0)));
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(eve, address(0), 10 ether);
        bytes memory et = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = et;
        a.inputTxs = new bytes[](2);
        (a.inputTxs[0], a.inputTxs[1]) = (x, x);
        a.inputUtxosPos = new uint256[](2);
        (a.inputUtxosPos[0], a.inputUtxosPos[1]) = (_pos(1000, 0, 0), _pos(2000, 0, 0));
        a.inputTxsInclusionProofs = new bytes[](2);
        (a.inputTxsInclusionProofs[0], a.inputTxsInclusionProofs[1]) = (xProof1, _proofOne(x));
        a.inFlightTxSigs = new bytes[](2);
        (a.inFlightTxSigs[0], a.inFlightTxSigs[1]) = (_sig(EVE_KEY, et), _sig(EVE_KEY, et));
        vm.prank(eve);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 eId = game.inFlightExitId(et);
        _pbOut(eve, et, 0);
        assertEq(_header(eId).exitableAt, _ts(2000) + 2 * MEP, "priority: the copy's block");
        _startExit(bob, _pos(1000, 1, 0), bobTx, bobProof);
        (, uint256 bobAt,,,) = game.standardExit(_exitId(bobTx, _pos(1000, 1, 0)));
        assertTrue(bobAt < _header(eId).exitableAt, "bob (block 1000) first");
        uint256 b0 = bob.balance;
        vm.warp(bobAt);
        game.processExits(address(0), 10);
        assertEq(bob.balance - b0, 3 ether + bond - bounty, "bob paid");
        vm.warp(_header(eId).exitableAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector,
                10 ether + pbBond - pbBond / 4,
                5 ether + pbBond - pbBond / 4
            )
        );
        game.processExits(address(0), 10);
    }

    /// A token that turns fee-on-transfer after the deposits: each exit's recipient receives
    /// 99%, the vault pays exactly the exit's amount, so the other holder of the token is
    /// still paid in full from the vault, and other tokens and ETH are untouched.
    function test_r2_feeOnTransferAfterDepositHurtsOnlyItsRecipients() public {
        ToggleFeeToken ft = new ToggleFeeToken();
        ft.mint(alice, 100);
        ft.mint(bob, 100);
        (uint256 tokPos, bytes memory tokTx) = _depositErc20(carol, 700);
        uint256[2] memory poss;
        bytes[2] memory txs;
        address[2] memory who = [alice, bob];
        for (uint256 i; i < 2; ++i) {
            txs[i] = _depositTx(who[i], address(ft), 100);
            poss[i] = _pos(framework.nextDepositBlock(), 0, 0);
            vm.prank(who[i]);
            ft.approve(address(erc20Vault), 100);
            vm.prank(who[i]);
            erc20Vault.deposit(txs[i]);
        }
        ft.setFee(true);
        _startExit(alice, poss[0], txs[0], Tree.depositProof());
        _startExit(bob, poss[1], txs[1], Tree.depositProof());
        _startExit(carol, tokPos, tokTx, Tree.depositProof());
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(ft), 10);
        game.processExits(address(token), 10);
        assertEq(ft.balanceOf(alice), 99, "alice: 99%");
        assertEq(ft.balanceOf(bob), 99, "bob: 99%, paid in full by the vault");
        assertEq(ft.balanceOf(address(erc20Vault)), 0, "the vault paid exactly 200");
        assertEq(erc20Vault.totalPending(address(ft)), 0, "nothing credited");
        assertEq(token.balanceOf(address(erc20Vault)), 0, "the other token's exit paid");
        assertEq(address(ethVault).balance, 8 ether, "ETH untouched");
    }

    /// Finding 3 (fixed): the operator could shrink every bond to dust (54 halvings, 108 days:
    /// exit bond 1 wei, challenge bond 0). The exit bond now has a floor, its constructor
    /// value (`minExitBond`): a halving below it reverts `BondBelowFloor`, a halving after a
    /// doubling comes back exactly to it, and every derived bond stays at its default, so a
    /// false challenge keeps costing the default challenge bond.
    function test_r2_operatorShrinksBondsToDust() public {
        uint256 b = game.exitBond();
        assertEq(game.minExitBond(), b, "the floor: the constructor value");
        uint256 ch0 = game.canonicityChallengeBond();
        uint256 ife0 = game.inFlightExitBond();
        uint256 pb0 = game.piggybackBond();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExitBonds.BondBelowFloor.selector, b, b / 2));
        game.updateExitBond(b / 2);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExitBonds.BondBelowFloor.selector, b, b - 1));
        game.updateExitBond(b - 1);
        // Up, then halved back: exactly the floor, never below.
        vm.prank(operator);
        game.updateExitBond(2 * b);
        vm.warp(block.timestamp + 2 days);
        vm.prank(operator);
        game.updateExitBond(b);
        vm.warp(block.timestamp + 2 days);
        assertEq(game.exitBond(), b, "back at the floor");
        for (uint256 k; k < 54; ++k) {
            vm.prank(operator);
            vm.expectRevert(
                abi.encodeWithSelector(ExitBonds.BondBelowFloor.selector, b, (b + 1) / 2)
            );
            game.updateExitBond((b + 1) / 2);
            vm.warp(block.timestamp + 2 days);
        }
        assertEq(game.exitBond(), b, "108 days later: the floor");
        assertEq(game.canonicityChallengeBond(), ch0, "challenge bond unchanged");
        assertEq(game.inFlightExitBond(), ife0, "in-flight bond unchanged");
        assertEq(game.piggybackBond(), pb0, "piggyback bond unchanged");
        // A free challenge is refused: it takes the default challenge bond.
        _startT(bob);
        PaymentExitBase.CanonicityChallenge memory c = PaymentExitBase.CanonicityChallenge(
            T, 1, _carolCompetitor(), 0, 0, "", _sig(CAROL_KEY, _carolCompetitor())
        );
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.WrongBond.selector, 0, ch0));
        game.challengeInFlightExitNotCanonical(c);
    }

    // ================================================================ 7. more hypotheses

    /// Standing and replaced challengers that refuse ETH block nothing: a replacement works
    /// (the replaced bond is a credit, not a transfer), and the standing one's payout at
    /// finalization is credited in the EthVault; processing goes through and the game keeps
    /// nothing.
    function test_r2_refusingChallengersBlockNothing() public {
        bytes memory c1 = _spend(cPos, carol, address(0), 3 ether);
        bytes[] memory b1 = new bytes[](1);
        b1[0] = c1;
        uint256 blk1 = _submit(b1);
        _startT(bob);
        _pbIn(alice, T, 0);
        RefusingChallenger r1 = new RefusingChallenger(game);
        RefusingChallenger r2 = new RefusingChallenger(game);
        vm.deal(address(r1), chBond);
        vm.deal(address(r2), chBond);
        bytes memory sig = _sig(CAROL_KEY, c1);
        r1.challenge(PaymentExitBase.CanonicityChallenge(T, 1, c1, 0, 0, "", sig), chBond);
        r2.challenge(
            PaymentExitBase.CanonicityChallenge(T, 1, c1, 0, blk1 * 100_000, _proofOne(c1), sig),
            chBond
        );
        assertEq(game.bondCredits(address(r1)), chBond, "r1 credited");
        uint256 a0 = alice.balance;
        _processAll();
        assertEq(alice.balance - a0, 5 ether + pbBond - pbBond / 4, "alice's input paid");
        assertEq(
            ethVault.pendingWithdrawals(address(r2)), ifeBond + chBond, "r2: credited in the vault"
        );
        assertEq(address(game).balance, chBond, "only r1's credit left");
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.BondTransferFailed.selector, address(r1), chBond)
        );
        r1.withdraw();
    }

    /// Process order: with the deposit boost gone in flight, Alice's standard exit of her
    /// deposit (now + MEP) matures before the in-flight exit of the tx she signed to Bob
    /// (deposit time + 2·MEP). The signature the in-flight exit published challenges it; the
    /// exit is deleted, its bond goes to Bob, and Bob's output is paid.
    function test_r2_inputStandardExitAheadOfIfeIsChallengeable() public {
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(aPos);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(bob, address(0), 5 ether);
        bytes memory t1 = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = t1;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = aTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = aPos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, t1);
        vm.warp(block.timestamp + 1 days);
        vm.prank(bob);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 tId = game.inFlightExitId(t1);
        _pbOut(bob, t1, 0);
        _startExit(alice, aPos, aTx, Tree.depositProof());
        (, uint256 aliceAt,,,) = game.standardExit(_exitId(aTx, aPos));
        assertTrue(aliceAt < _header(tId).exitableAt, "alice's exit would mature first");
        uint256 b0 = bob.balance;
        vm.prank(bob);
        game.challengeStandardExit(
            aPos, aTx, t1, a.inFlightTxSigs[0], keccak256(abi.encodePacked(bob))
        );
        assertEq(bob.balance - b0, bond, "bob: alice's exit bond");
        _processAll();
        assertEq(bob.balance - b0, bond + 5 ether + ifeBond + pbBond - pbBond / 4, "bob paid");
        assertEq(_header(tId).flags, 2 | 4 | 8, "canonical");
    }

    /// One output, both games, standard exit first: Carol (co-signer of T) standard-exits her
    /// deposit input while T's in-flight exit runs; she cannot also piggyback it, Alice cannot
    /// standard-exit her piggybacked input; Carol's exit matures first, so T is
    /// non-canonical: Alice's input is paid, Bob's output is not; every wei leaves once.
    function test_r2_sameOutput_standardFirstThenInFlight() public {
        _startT(bob);
        _pbIn(alice, T, 0);
        _pbOut(bob, T, 0);
        uint160 aId = _exitId(aTx, aPos);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.OutputPiggybacked.selector, aId));
        game.startStandardExit{value: bond}(aPos, aTx, Tree.depositProof(), 0);
        _startExit(carol, cPos, cTx, Tree.depositProof());
        uint160 cId = _exitId(cTx, cPos);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitAlreadyStarted.selector, cId));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 1, 0);
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        _processAll();
        assertEq(carol.balance - c0, 3 ether + bond - bounty, "carol: her deposit");
        assertEq(alice.balance - a0, 5 ether + pbBond - pbBond / 4, "alice: her input");
        assertEq(bob.balance - b0, ifeBond + pbBond - pbBond / 4, "bob: bonds, no output");
        assertEq(address(ethVault).balance, 0, "8 in, 8 out, once each");
        assertEq(address(game).balance, 0, "settled");
    }

    /// One output, both games, in-flight first: Carol starts her standard exit late, so T's
    /// canonical in-flight exit is processed first and marks her input spent: her exit's
    /// entry pays nothing (its bond goes to the processor); Bob's output is paid.
    function test_r2_sameOutput_inFlightFirstVoidsStandard() public {
        _startT(bob);
        _pbOut(bob, T, 0);
        uint256 ifeAt = _header(id).exitableAt;
        vm.warp(ifeAt - MEP + 1);
        _startExit(carol, cPos, cTx, Tree.depositProof());
        (, uint256 cAt,,,) = game.standardExit(_exitId(cTx, cPos));
        assertTrue(cAt > ifeAt, "carol's exit after the in-flight exit");
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        uint256 p0 = address(this).balance;
        vm.warp(cAt);
        game.processExits(address(0), 10);
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob paid");
        assertEq(carol.balance, c0, "carol: nothing (she signed T)");
        assertEq(address(this).balance - p0, pbBond / 4 + bond, "processor: bounty + void bond");
        assertEq(address(ethVault).balance, 2 ether, "8 - 6");
        assertEq(address(game).balance, 0, "settled");
    }

    /// A token re-entering the game from its payout transfer: while T's non-canonical
    /// in-flight exit pays Alice's input, the token (owner of T's output) tries to start a
    /// standard exit of that output (refused: `InputsExitedInFlight`, the flag is written
    /// before the transfer) and to process its own queue (refused: reentrancy guard).
    function test_r2_reenteringTokenDuringInputPayout() public {
        HookToken hk = new HookToken(game);
        vm.deal(address(hk), 1 ether);
        hk.mint(alice, 100);
        bytes memory dTx = _depositTx(alice, address(hk), 100);
        uint256 dPos = _pos(framework.nextDepositBlock(), 0, 0);
        vm.prank(alice);
        hk.approve(address(erc20Vault), 100);
        vm.prank(alice);
        erc20Vault.deposit(dTx);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(dPos);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(address(hk), address(hk), 100);
        bytes memory t1 = _tx(ins, outs);
        uint256 tPos = _includeOne(t1);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = t1;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = dTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = dPos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, t1);
        vm.prank(alice);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 tId = game.inFlightExitId(t1);
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pbBond}(t1, 0, 0);
        bytes memory comp = _spend(dPos, alice, address(hk), 100);
        vm.prank(alice);
        game.challengeInFlightExitNotCanonical{value: chBond}(
            PaymentExitBase.CanonicityChallenge(t1, 0, comp, 0, 0, "", _sig(ALICE_KEY, comp))
        );
        hk.arm(tPos * 10_000, t1, _proofOne(t1), bond);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(hk), 10);
        assertEq(hk.balanceOf(alice), 100, "alice's input paid");
        assertEq(
            hk.exitRevert(),
            abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, tId),
            "the output's standard exit refused mid-payout"
        );
        assertEq(
            hk.processRevert(),
            abi.encodeWithSignature("ReentrancyGuardReentrantCall()"),
            "processExits refused mid-payout"
        );
        assertEq(hk.balanceOf(address(erc20Vault)), 0, "the vault paid 100 once");
    }

    /// Finding 4 (fixed): a leg in a token whose queue cannot be processed used to lock the
    /// in-flight bond for ever. Eve co-signs Bob's payment T2 with an input of a token she
    /// controls, piggybacks her output in it, and then makes the token's `balanceOf` revert:
    /// the exit never finalizes (the last leg's queue reverts). The in-flight bond is now paid
    /// at the first processing pass (canonicity is frozen then), so Bob gets it with his ETH
    /// output; only Eve's own piggyback bond stays with her broken token's leg.
    function test_r2_unprocessableTokenLegLocksTheInFlightBond() public {
        BreakableToken evl = new BreakableToken();
        evl.mint(eve, 100);
        bytes memory eTx = _depositTx(eve, address(evl), 100);
        uint256 ePos = _pos(framework.nextDepositBlock(), 0, 0);
        vm.prank(eve);
        evl.approve(address(erc20Vault), 100);
        vm.prank(eve);
        erc20Vault.deposit(eTx);
        bytes32[] memory ins = new bytes32[](2);
        (ins[0], ins[1]) = (bytes32(aPos), bytes32(ePos));
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](2);
        outs[0] = _out(bob, address(0), 5 ether);
        outs[1] = _out(eve, address(evl), 100);
        bytes memory t2 = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(t2, aTx, aPos, ALICE_KEY, eTx, ePos, EVE_KEY);
        vm.prank(bob);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 tId = game.inFlightExitId(t2);
        _pbOut(bob, t2, 0);
        vm.prank(eve);
        game.piggybackInFlightExitOnOutput{value: pbBond}(t2, 1, 0);
        evl.setBroken(true);
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bob.balance - b0, 5 ether + pbBond - pbBond / 4 + ifeBond, "bob: output and bonds");
        vm.expectRevert(); // balanceOf reverts inside Erc20Vault.withdraw
        game.processExits(address(evl), 10);
        assertEq(_header(tId).flags & 8, 0, "never finalized");
        assertEq(address(game).balance, pbBond, "only eve's own piggyback bond stays");
        // Once the token works again, the last pass pays Eve, and no in-flight bond twice.
        evl.setBroken(false);
        b0 = bob.balance;
        game.processExits(address(evl), 10);
        assertEq(_header(tId).flags & 8, 8, "finalized");
        assertEq(bob.balance, b0, "bob: nothing paid twice");
        assertEq(address(game).balance, 0, "every bond settled once");
    }

    /// Finding 1 (fixed): a challenge in the last second of the first half, followed at once
    /// by `deleteNonPiggybackedInFlightExit`, used to leave the starter of an exit with no
    /// piggyback one second to answer (Carol, a co-signer, took Bob's in-flight bond though T
    /// is included). With a standing challenge, deletion now waits until the exit's
    /// exitableAt (as processing would): refused at MEP/2 and one second before exitableAt;
    /// Bob answers in between and keeps his bond; an unanswered challenge still deletes from
    /// exitableAt, paying the challenger.
    function test_r2_lastSecondChallengeThenDelete() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        PaymentExitBase.Header memory h = _header(id);
        uint256 deadline = h.startedAt + MEP / 2;
        vm.warp(deadline - 1);
        _chal(carol, _carolCompetitor(), 0, "", chBond);
        vm.warp(deadline);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.ChallengeAnswerPeriodNotOver.selector, id, h.exitableAt
            )
        );
        game.deleteNonPiggybackedInFlightExit(id);
        vm.warp(h.exitableAt - 1);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.ChallengeAnswerPeriodNotOver.selector, id, h.exitableAt
            )
        );
        game.deleteNonPiggybackedInFlightExit(id);
        // Bob answers late, a full half-period after the challenge, and keeps his bond.
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        vm.prank(carol);
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(bob.balance - b0, ifeBond, "bob: his in-flight bond back");
        assertEq(carol.balance, c0, "carol: nothing");
        // Unanswered, the challenge still deletes, from exitableAt, paying the challenger.
        _startT(bob);
        h = _header(id);
        vm.warp(h.startedAt + MEP / 2 - 1);
        _chal(carol, _carolCompetitor(), 0, "", chBond);
        vm.warp(h.exitableAt);
        c0 = carol.balance;
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(carol.balance - c0, ifeBond + chBond, "standing challenger: both bonds");
        assertEq(_header(id).startedAt, 0, "deleted");
    }
}

/// @notice A canonicity challenger that refuses every ETH transfer.
contract RefusingChallenger {
    PaymentExitGame internal immutable game;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function challenge(PaymentExitBase.CanonicityChallenge calldata c, uint256 value) external {
        game.challengeInFlightExitNotCanonical{value: value}(c);
    }

    function withdraw() external {
        game.withdrawBondCredit();
    }

    receive() external payable {
        revert("no");
    }
}

/// @notice A token whose transfer, once armed, re-enters the game: it tries to start a
/// standard exit of an output it owns and to process its own queue, recording each revert.
contract HookToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    PaymentExitGame internal immutable game;
    bool internal armed;
    uint256 internal pos;
    bytes internal txb;
    bytes internal proof;
    uint256 internal bondValue;
    bytes public exitRevert;
    bytes public processRevert;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function mint(address to, uint256 v) external {
        balanceOf[to] += v;
    }

    function approve(address s, uint256 v) external returns (bool) {
        allowance[msg.sender][s] = v;
        return true;
    }

    function arm(uint256 pos_, bytes calldata txb_, bytes calldata proof_, uint256 bond_) external {
        (armed, pos, txb, proof, bondValue) = (true, pos_, txb_, proof_, bond_);
    }

    function transferFrom(address f, address t, uint256 v) external returns (bool) {
        allowance[f][msg.sender] -= v;
        balanceOf[f] -= v;
        balanceOf[t] += v;
        return true;
    }

    function transfer(address t, uint256 v) external returns (bool) {
        if (armed) {
            armed = false;
            try game.startStandardExit{value: bondValue}(pos, txb, proof, 0) {}
            catch (bytes memory err) {
                exitRevert = err;
            }
            try game.processExits(address(this), 10) {}
            catch (bytes memory err) {
                processRevert = err;
            }
        }
        balanceOf[msg.sender] -= v;
        balanceOf[t] += v;
        return true;
    }

    receive() external payable {}
}

/// @notice An ERC20 whose `balanceOf` can be made to revert.
contract BreakableToken is ERC20 {
    bool internal broken;

    constructor() ERC20("Breakable", "BRK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBroken(bool b) external {
        broken = b;
    }

    function balanceOf(address account) public view override returns (uint256) {
        require(!broken, "broken");
        return super.balanceOf(account);
    }
}

/// @notice A canonicity challenger (to be replaced) whose receive hook re-enters
/// `withdrawBondCredit`: mode 1 swallows the nested revert, mode 2 propagates it.
contract CreditReenterer {
    PaymentExitGame internal immutable game;
    uint256 internal mode;
    bool public innerFailed;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function setMode(uint256 m) external {
        mode = m;
    }

    function challenge(PaymentExitBase.CanonicityChallenge calldata c, uint256 value) external {
        game.challengeInFlightExitNotCanonical{value: value}(c);
    }

    function withdraw() external {
        game.withdrawBondCredit();
    }

    receive() external payable {
        if (mode == 1) {
            try game.withdrawBondCredit() {}
            catch {
                innerFailed = true;
            }
        } else if (mode == 2) {
            game.withdrawBondCredit();
        }
    }
}

/// @notice Refuses every ETH transfer.
contract RefuseEth {
    receive() external payable {
        revert("no");
    }
}

/// @notice An ERC20 whose 1% transfer fee (burnt) can be switched on after deposits.
contract ToggleFeeToken is ERC20 {
    bool internal fee;

    constructor() ERC20("Toggle", "TGL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(bool on) external {
        fee = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (fee && from != address(0) && to != address(0)) {
            uint256 f = value / 100;
            super._update(from, address(0), f);
            value -= f;
        }
        super._update(from, to, value);
    }
}
