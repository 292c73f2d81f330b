// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {CashTree} from "./utils/CashTree.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {CashExitsBase} from "../src/cash/CashExitsBase.sol";
import {CashBase} from "../src/cash/CashBase.sol";
import {CashCheckpointsBase} from "../src/cash/CashCheckpointsBase.sol";
import {FeeOnTransferToken} from "../src/test-tokens/FeeOnTransferToken.sol";
import {NotOperator} from "../src/common/ChildBlocks.sol";

/// @notice PlasmaCash exits: the honest lifecycles of each coin kind, each cheating exit
/// cancelled by the right challenge, and the attacker tests.
contract CashExitTest is CashTest {
    // ---------------------------------------------------------------- lifecycles

    function test_eth_depositTransfersExitWithdraw() public {
        uint64 slot = _depositEth(alice, 5 ether);
        uint256 dep = _depositBlock(slot);
        assertEq(dep, 1, "first deposit block");
        bytes memory t1 = _tx(slot, dep, 5 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        bytes memory t2 = _tx(slot, b1, 5 ether, carol);
        uint256 b2 = _submitTx(slot, t2);
        assertEq(b1, 1000, "block 1000");
        assertEq(b2, 2000, "block 2000");
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        assertEq(_state(slot), 2, "exiting");
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.ExitNotMature.selector, START_TIME + MEP));
        cash.finalizeExit(slot);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "exited");
        uint256 before = carol.balance;
        vm.prank(carol);
        cash.withdraw(slot);
        assertEq(carol.balance - before, 5 ether, "coin paid");
        assertEq(cash.bondBalances(carol), BOND, "bond credited");
        vm.prank(carol);
        cash.withdrawBonds();
        assertEq(carol.balance - before, 5 ether + BOND, "bond paid");
        assertEq(address(cash).balance, 0, "nothing left");
        assertEq(_state(slot), 4, "withdrawn");
    }

    function test_erc20_depositTransferExitWithdraw() public {
        uint64 slot = _depositErc20(alice, 1000e18);
        uint256 dep = _depositBlock(slot);
        bytes memory depTx = _tx(slot, 0, 1000e18, alice);
        bytes memory t1 = _tx(slot, dep, 1000e18, bob);
        uint256 b1 = _submitTx(slot, t1);
        _exit(bob, slot, depTx, dep, t1, b1, ALICE_KEY);
        vm.warp(START_TIME + MEP);
        uint64[] memory slots = new uint64[](2);
        (slots[0], slots[1]) = (slot, 777); // 777: no coin, skipped
        cash.finalizeExits(slots);
        uint256 before = token.balanceOf(bob);
        vm.prank(bob);
        cash.withdraw(slot);
        assertEq(token.balanceOf(bob) - before, 1000e18, "tokens paid");
        assertEq(token.balanceOf(address(cash)), 0, "vault empty");
    }

    function test_erc721_depositExitWithdraw() public {
        uint64 slot = _depositNft(alice, 42);
        assertEq(nft.ownerOf(42), address(cash), "held");
        (address depositor,, uint8 kind,, address tkn, uint256 denom, uint256 id,) = cash.coin(slot);
        assertEq(depositor, alice, "depositor");
        assertEq(kind, 2, "erc721");
        assertEq(tkn, address(nft), "token");
        assertEq(denom, 1, "denomination 1");
        assertEq(id, 42, "token id");
        // Alice → Bob, then Bob exits.
        bytes memory depTx = _tx(slot, 0, 1, alice);
        bytes memory t1 = _tx(slot, _depositBlock(slot), 1, bob);
        uint256 b1 = _submitTx(slot, t1);
        _exit(bob, slot, depTx, _depositBlock(slot), t1, b1, ALICE_KEY);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        vm.prank(bob);
        cash.withdraw(slot);
        assertEq(nft.ownerOf(42), bob, "nft paid");
    }

    function test_depositExit_byDepositor() public {
        uint64 slot = _depositNft(alice, 7);
        _exitDeposit(alice, slot, 1);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        vm.prank(alice);
        cash.withdraw(slot);
        assertEq(nft.ownerOf(7), alice, "back to alice");
    }

    // ---------------------------------------------------------------- cheating exits

    /// Alice gave the coin to Bob, then exits her deposit: Bob's tx spends it.
    function test_challengeAfter_cancelsExitOfSpentCoin() public {
        uint64 slot = _depositEth(alice, 1 ether);
        bytes memory t1 = _tx(slot, _depositBlock(slot), 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        _exitDeposit(alice, slot, 1 ether);
        bytes memory sig = _sign(ALICE_KEY, t1);
        bytes memory proof = _proof(b1, slot);
        vm.prank(bob);
        cash.challengeAfter(slot, t1, proof, sig, b1, "");
        assertEq(_state(slot), 1, "back to deposited");
        assertEq(cash.bondBalances(bob), BOND, "challenger gets the bond");
        // Bob exits for real.
        _exit(bob, slot, _tx(slot, 0, 1 ether, alice), _depositBlock(slot), t1, b1, ALICE_KEY);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        uint256 before = bob.balance;
        vm.prank(bob);
        cash.withdraw(slot);
        assertEq(bob.balance - before, 1 ether, "bob paid");
    }

    /// Alice double-spends her deposit: Bob got it at 1000, Mallory at 2000 and exits.
    function test_challengeBetween_cancelsDoubleSpend() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory toBob = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, toBob);
        bytes memory toMallory = _tx(slot, dep, 1 ether, mallory);
        uint256 b2 = _submitTx(slot, toMallory);
        _exit(mallory, slot, _tx(slot, 0, 1 ether, alice), dep, toMallory, b2, ALICE_KEY);
        bytes memory sig = _sign(ALICE_KEY, toBob);
        bytes memory proof = _proof(b1, slot);
        // challengeAfter does not apply (toBob spends the parent, not the exiting tx).
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, dep, b2));
        cash.challengeAfter(slot, toBob, proof, sig, b1, "");
        vm.prank(bob);
        cash.challengeBetween(slot, toBob, proof, sig, b1);
        assertEq(_state(slot), 1, "cancelled");
        assertEq(cash.bondBalances(bob), BOND, "bond to bob");
    }

    /// The operator forges a spend of Alice's coin to Mallory (never signed by Alice), and
    /// Mallory exits its child. Alice challenges with her deposit; nobody can answer.
    function test_challengeBefore_unanswered_cancels() public {
        uint64 slot = _depositEth(alice, 2 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory forged = _tx(slot, dep, 2 ether, mallory);
        uint256 b1 = _submitTx(slot, forged);
        bytes memory e = _tx(slot, b1, 2 ether, mallory);
        uint256 b2 = _submitTx(slot, e);
        _exit(mallory, slot, forged, b1, e, b2, MALLORY_KEY);
        // Neither after nor between: no tx spends the exiting or parent tx.
        bytes memory depTx = _tx(slot, 0, 2 ether, alice);
        vm.prank(alice);
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        (,,,,,,, uint256 exitableAt, uint256 open) = cash.exitOf(slot);
        assertEq(open, 1, "one open challenge");
        assertEq(exitableAt, START_TIME + MEP, "maturity unchanged (far enough)");
        vm.warp(START_TIME + MEP);
        vm.expectEmit(address(cash));
        emit CashExitsBase.ExitCancelled(slot, mallory, 1, address(0), 4);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 1, "cancelled");
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        cash.reclaimChallengeBond(slot, depHash);
        assertEq(cash.bondBalances(alice), 2 * BOND, "own bond + exit bond");
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.ChallengeNotOpen.selector, depHash));
        cash.reclaimChallengeBond(slot, depHash);
        // Alice exits her coin; the forged spend cannot challenge it (not signed by her).
        _exitDeposit(alice, slot, 2 ether);
        bytes memory fakeSig = _sign(MALLORY_KEY, forged);
        bytes memory proof = _proof(b1, slot);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongSigner.selector, mallory, alice));
        cash.challengeAfter(slot, forged, proof, fakeSig, b1, "");
        vm.warp(START_TIME + 2 * MEP);
        cash.finalizeExit(slot);
        vm.prank(alice);
        cash.withdraw(slot);
    }

    /// An honest exit challenged with a tx of its history: the exiter shows its spend.
    function test_challengeBefore_answered_exitFinalizes() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        _submitEmpty();
        bytes memory t2 = _tx(slot, b1, 1 ether, carol);
        uint256 b2 = _submitTx(slot, t2);
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        vm.warp(START_TIME + MEP - 1 days);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        (,,,,,,, uint256 exitableAt,) = cash.exitOf(slot);
        assertEq(exitableAt, block.timestamp + RESPONSE, "maturity moved for the response");
        // Replaying the same challenge is refused.
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashExitsBase.ChallengeExists.selector, CashExitsBase.ChallengeState.OPEN
            )
        );
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        bytes memory sig = _sign(ALICE_KEY, t1);
        bytes memory proof = _proof(b1, slot);
        vm.prank(carol);
        cash.respondChallengeBefore(slot, depHash, t1, proof, sig, b1, "");
        assertEq(cash.bondBalances(carol), BOND, "responder gets the challenge bond");
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashExitsBase.ChallengeExists.selector, CashExitsBase.ChallengeState.ANSWERED
            )
        );
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        // Challenging with t1 (at 1000): t2 spends it.
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, t1, proof, b1);
        bytes memory sig2 = _sign(BOB_KEY, t2);
        bytes memory proof2 = _proof(b2, slot);
        vm.prank(carol);
        cash.respondChallengeBefore(slot, keccak256(t1), t2, proof2, sig2, b2, "");
        vm.warp(exitableAt);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "exited");
        assertEq(cash.bondBalances(carol), 3 * BOND, "two challenge bonds + exit bond");
    }

    // ---------------------------------------------------------------- attackers

    function test_attack_wrongSigner() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 1 ether, mallory);
        uint256 b1 = _submitTx(slot, t1);
        bytes memory sig = _sign(MALLORY_KEY, t1);
        bytes memory proof = _proof(b1, slot);
        uint256[2] memory blocks = [dep, b1];
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongSigner.selector, mallory, alice));
        cash.startExit{value: BOND}(slot, depTx, t1, "", proof, sig, blocks);
    }

    function test_attack_notOwnerCannotExit() public {
        uint64 slot = _depositEth(alice, 1 ether);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        uint256[2] memory blocks = [uint256(0), _depositBlock(slot)];
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.NotTxOwner.selector, alice, mallory));
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", blocks);
        // A deposit tx naming Mallory is not this coin's deposit.
        bytes memory fake = _tx(slot, 0, 1 ether, mallory);
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(CashBase.DepositTxMismatch.selector, mallory, 1 ether)
        );
        cash.startExit{value: BOND}(slot, "", fake, "", "", "", blocks);
        // Nor with another denomination.
        fake = _tx(slot, 0, 100 ether, alice);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(CashBase.DepositTxMismatch.selector, alice, 100 ether)
        );
        cash.startExit{value: BOND}(slot, "", fake, "", "", "", blocks);
    }

    function test_attack_wrongBond() public {
        uint64 slot = _depositEth(alice, 1 ether);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        uint256[2] memory blocks = [uint256(0), _depositBlock(slot)];
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongBond.selector, 1, BOND));
        cash.startExit{value: 1}(slot, "", depTx, "", "", "", blocks);
    }

    struct Attempt {
        uint64 slot;
        bytes prev;
        bytes exiting;
        bytes exitProof;
        bytes sig;
        uint256 b0;
        uint256 b1;
    }

    function _tryExit(Attempt memory a, bytes memory err) internal {
        uint256[2] memory blocks = [a.b0, a.b1];
        vm.prank(bob);
        vm.expectRevert(err);
        cash.startExit{value: BOND}(a.slot, a.prev, a.exiting, "", a.exitProof, a.sig, blocks);
    }

    function test_attack_badProofsAndBlocks() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        uint256 empty = _submitEmpty();
        Attempt memory a =
            Attempt(slot, _tx(slot, 0, 1 ether, alice), t1, "", _sign(ALICE_KEY, t1), dep, b1);
        // The proof of another slot.
        a.exitProof = _proof(b1, FILLER_A);
        _tryExit(a, abi.encodeWithSelector(CashBase.NotIncluded.selector, b1));
        // The right proof in the wrong block (t1 is not in `empty`).
        (a.exitProof, a.b1) = (_proof(empty, slot), empty);
        _tryExit(a, abi.encodeWithSelector(CashBase.NotIncluded.selector, empty));
        // A block never submitted.
        (a.exitProof, a.b1) = (_proof(b1, slot), 9000);
        _tryExit(a, abi.encodeWithSelector(CashBase.BlockNotFound.selector, 9000));
        // A deposit block for a transfer.
        a.b1 = 1001;
        _tryExit(a, abi.encodeWithSelector(CashBase.NotAnOperatorBlock.selector, 1001));
        // blocks[0] is not the exiting tx's prevBlock.
        (a.b0, a.b1) = (5, b1);
        _tryExit(a, abi.encodeWithSelector(PlasmaCash.WrongParentBlock.selector, dep, 5));
        // An exiting tx naming another parent block is another tx: not in the block.
        a.exiting = _tx(slot, 5, 1 ether, bob);
        _tryExit(a, abi.encodeWithSelector(CashBase.NotIncluded.selector, b1));
        // A tx of another coin.
        (a.exiting, a.b0, a.b1) = (_tx(slot ^ 1, dep, 1 ether, bob), dep, b1);
        _tryExit(a, abi.encodeWithSelector(CashBase.WrongSlot.selector, slot, slot ^ 1));
    }

    function test_attack_depositAtWrongBlock() public {
        uint64 slot = _depositEth(alice, 1 ether);
        _depositEth(bob, 1 ether);
        uint256[2] memory blocks = [uint256(0), 2];
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CashBase.DepositNotAtDepositBlock.selector, 2, 1));
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", blocks);
    }

    function test_attack_challengeWithUnincludedTx() public {
        uint64 slot = _depositEth(alice, 1 ether);
        _submitEmpty();
        _exitDeposit(alice, slot, 1 ether);
        // Alice signed a spend to Bob, but the operator never included it.
        bytes memory t1 = _tx(slot, _depositBlock(slot), 1 ether, bob);
        bytes memory sig = _sign(ALICE_KEY, t1);
        bytes memory proof = _proof(1000, slot);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotIncluded.selector, 1000));
        cash.challengeAfter(slot, t1, proof, sig, 1000, "");
        // Challenges need a parent for between/before.
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.ExitHasNoParent.selector, slot));
        cash.challengeBetween(slot, t1, proof, sig, 1000);
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.ExitHasNoParent.selector, slot));
        cash.challengeBefore{value: BOND}(slot, t1, proof, 1000);
    }

    function test_attack_challengeBefore_rules() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        bytes memory t2 = _tx(slot, b1, 1 ether, carol);
        uint256 b2 = _submitTx(slot, t2);
        bytes memory t3 = _tx(slot, b2, 1 ether, alice);
        uint256 b3 = _submitTx(slot, t3);
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        // A tx at or after the exiting block is no "before".
        bytes memory p3 = _proof(b3, slot);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.NotBeforeExit.selector, b3, b2));
        cash.challengeBefore{value: BOND}(slot, t3, p3, b3);
        // The response must be signed by the challenging tx's owner and spend it.
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, _tx(slot, 0, 1 ether, alice), "", dep);
        _respondFails(
            slot,
            t1,
            b1,
            CAROL_KEY,
            abi.encodeWithSelector(CashBase.WrongSigner.selector, carol, alice)
        );
        _respondFails(
            slot,
            t2,
            b2,
            BOB_KEY,
            abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, b1, dep)
        );
        // Too late: no challenges after maturity.
        vm.warp(START_TIME + MEP);
        bytes memory p1 = _proof(b1, slot);
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.ExitMatured.selector, START_TIME + MEP)
        );
        cash.challengeBefore{value: BOND}(slot, t1, p1, b1);
        // A response can still come before finalization.
        _respondFails(slot, t1, b1, ALICE_KEY, "");
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "exited");
    }

    function test_attack_responseAfterExitBlock() public {
        // Mallory's forged history; Alice challenges with her deposit; a spend of the deposit
        // included after the exiting tx does not answer.
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory forged = _tx(slot, dep, 1 ether, mallory);
        uint256 b1 = _submitTx(slot, forged);
        bytes memory e = _tx(slot, b1, 1 ether, mallory);
        uint256 b2 = _submitTx(slot, e);
        _exit(mallory, slot, forged, b1, e, b2, MALLORY_KEY);
        e = _tx(slot, dep, 1 ether, bob);
        uint256 b3 = _submitTx(slot, e);
        vm.prank(alice);
        cash.challengeBefore{value: BOND}(slot, _tx(slot, 0, 1 ether, alice), "", dep);
        _respondFails(
            slot,
            e,
            b3,
            ALICE_KEY,
            abi.encodeWithSelector(CashExitsBase.ResponseAfterExit.selector, b3, b2)
        );
        // Nor does the forged tx (not signed by Alice).
        _respondFails(
            slot,
            forged,
            b1,
            MALLORY_KEY,
            abi.encodeWithSelector(CashBase.WrongSigner.selector, mallory, alice)
        );
    }

    /// @dev Answers the challenge by the coin's deposit with `t` at `b` signed by `key`;
    /// expects `err` (or success if empty).
    function _respondFails(uint64 slot, bytes memory t, uint256 b, uint256 key, bytes memory err)
        internal
    {
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        bytes memory sig = _sign(key, t);
        bytes memory p = _proof(b, slot);
        if (err.length != 0) vm.expectRevert(err);
        cash.respondChallengeBefore(slot, depHash, t, p, sig, b, "");
    }

    function test_attack_nonOperator() public {
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(NotOperator.selector, mallory));
        cash.submitBlock(keccak256("x"));
        _submitEmpty();
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(NotOperator.selector, mallory));
        cash.submitCheckpoint(1000, keccak256("x"));
        vm.prank(operator);
        vm.expectRevert(CashBase.ZeroRoot.selector);
        cash.submitBlock(0);
    }

    function test_attack_doubleWithdraw_exitWithdrawn_exitTwice() public {
        uint64 slot = _depositEth(alice, 1 ether);
        _depositEth(bob, 3 ether); // other funds in the contract
        _exitDeposit(alice, slot, 1 ether);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        uint256[2] memory blocks = [uint256(0), _depositBlock(slot)];
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashBase.WrongCoinState.selector, slot, CashBase.CoinState.EXITING
            )
        );
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", blocks);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.NotExitOwner.selector, alice, mallory));
        cash.withdraw(slot);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashBase.WrongCoinState.selector, slot, CashBase.CoinState.EXITED
            )
        );
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", blocks);
        vm.prank(alice);
        cash.withdraw(slot);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashBase.WrongCoinState.selector, slot, CashBase.CoinState.WITHDRAWN
            )
        );
        cash.withdraw(slot);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashBase.WrongCoinState.selector, slot, CashBase.CoinState.WITHDRAWN
            )
        );
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", blocks);
        assertEq(address(cash).balance, 3 ether + BOND, "bob's coin and alice's bond remain");
        vm.expectRevert(abi.encodeWithSelector(CashBase.CoinNotFound.selector, 12345));
        cash.finalizeExit(12345);
    }

    function test_attack_reentrantWithdraw() public {
        Reenterer r = new Reenterer(cash);
        vm.deal(address(r), 10 ether);
        _depositEth(bob, 5 ether);
        r.deposit(1 ether);
        r.exitDeposit{value: BOND}();
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(r.slot());
        uint256 before = address(cash).balance;
        r.withdraw();
        assertTrue(r.reentered(), "tried");
        assertFalse(r.reentrySucceeded(), "refused");
        assertEq(before - address(cash).balance, 1 ether, "paid once");
    }

    function test_attack_erc721FromNonToken() public {
        // An EOA calling the hook: ownerOf on a non-contract fails.
        vm.prank(mallory);
        vm.expectRevert();
        cash.onERC721Received(mallory, mallory, 1, "");
        // The real token contract's id not owned by the contract.
        nft.mint(mallory, 5);
        vm.prank(address(nft));
        vm.expectRevert(abi.encodeWithSelector(CashBase.NftNotReceived.selector, address(nft), 5));
        cash.onERC721Received(mallory, mallory, 5, "");
        // A deposited token cannot be claimed again.
        uint64 slot = _depositNft(alice, 9);
        vm.prank(address(nft));
        vm.expectRevert(
            abi.encodeWithSelector(CashBase.NftAlreadyDeposited.selector, address(nft), 9, slot)
        );
        cash.onERC721Received(mallory, mallory, 9, "");
        // A fake token can only mint coins of itself.
        FakeNft fake = new FakeNft(cash);
        uint64 fakeSlot = fake.claim(mallory, 9);
        (,,,, address tkn,,,) = cash.coin(fakeSlot);
        assertEq(tkn, address(fake), "coin of the fake token");
    }

    function test_deposits_erc20FeeOnTransferRefused() public {
        FeeOnTransferToken fee = new FeeOnTransferToken("Fee", "FEE");
        fee.mint(alice, 1000);
        vm.prank(alice);
        fee.approve(address(cash), 1000);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CashBase.DepositAmountMismatch.selector, 1000, 990));
        cash.depositErc20(address(fee), 1000);
        vm.prank(alice);
        vm.expectRevert(CashBase.ZeroDeposit.selector);
        cash.depositErc20(address(token), 0);
        vm.prank(alice);
        vm.expectRevert(CashBase.ZeroDeposit.selector);
        cash.depositEth{value: 0}();
    }

    function test_blockNumbering() public {
        uint64 a = _depositEth(alice, 1);
        uint64 b = _depositEth(bob, 2);
        assertEq(_depositBlock(a), 1, "deposit 1");
        assertEq(_depositBlock(b), 2, "deposit 2");
        assertEq(cash.nextChildBlock(), 1000, "next operator block");
        vm.expectEmit(address(cash));
        emit CashBase.BlockSubmitted(1000, keccak256("r"));
        vm.prank(operator);
        cash.submitBlock(keccak256("r"));
        assertEq(cash.blockRoot(1000), keccak256("r"), "root");
        uint64 c = _depositErc20(carol, 5);
        assertEq(_depositBlock(c), 1001, "deposit after 1000");
        vm.prank(operator);
        cash.submitBlock(keccak256("s"));
        assertEq(cash.currentBlock(), 2000, "current");
        assertEq(cash.numCoins(), 3, "three coins");
        // Slot formula and event.
        uint64 want = uint64(bytes8(keccak256(abi.encodePacked(uint64(3), alice, alice))));
        vm.expectEmit(address(cash));
        emit CashBase.Deposit(want, 2001, 7, alice, address(0), 0, 0);
        uint64 d = _depositEth(alice, 7);
        assertEq(d, want, "slot");
        uint64 wantToken =
            uint64(bytes8(keccak256(abi.encodePacked(uint64(4), address(token), alice))));
        assertEq(_depositErc20(alice, 1), wantToken, "token slot: sender = token");
    }

    function test_tooManyDeposits() public {
        for (uint256 i; i < 999; ++i) {
            _depositEth(alice, 1);
        }
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CashBase.TooManyDeposits.selector, 1000));
        cash.depositEth{value: 1}();
        _submitEmpty();
        _depositEth(alice, 1);
        assertEq(cash.currentBlock(), 1001, "numbering resumes");
    }
}

/// @dev Exits its own deposit and re-enters `withdraw` from its receive hook.
contract Reenterer {
    PlasmaCash internal cash;
    uint64 public slot;
    bool public reentered;
    bool public reentrySucceeded;

    constructor(PlasmaCash cash_) {
        cash = cash_;
    }

    function deposit(uint256 amount) external {
        slot = cash.depositEth{value: amount}();
    }

    function exitDeposit() external payable {
        bytes memory dep = CashTree.encodeTx(slot, 0, 1 ether, address(this));
        (, uint256 depBlock,,,,,,) = cash.coin(slot);
        uint256[2] memory blocks = [uint256(0), depBlock];
        cash.startExit{value: msg.value}(slot, "", dep, "", "", "", blocks);
    }

    function withdraw() external {
        cash.withdraw(slot);
    }

    receive() external payable {
        if (msg.sender == address(cash) && !reentered) {
            reentered = true;
            try cash.withdraw(slot) {
                reentrySucceeded = true;
            } catch {}
        }
    }
}

/// @dev Claims to hold any token for the contract.
contract FakeNft {
    PlasmaCash internal cash;

    constructor(PlasmaCash cash_) {
        cash = cash_;
    }

    function ownerOf(uint256) external view returns (address) {
        return address(cash);
    }

    function claim(address from, uint256 id) external returns (uint64 slot) {
        uint256 n = cash.numCoins();
        cash.onERC721Received(from, from, id, "");
        slot = uint64(bytes8(keccak256(abi.encodePacked(uint64(n), address(this), from))));
    }
}
