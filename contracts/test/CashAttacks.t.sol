// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {CashBase} from "../src/cash/CashBase.sol";
import {CashCheckpointsBase} from "../src/cash/CashCheckpointsBase.sol";
import {CashExitsBase} from "../src/cash/CashExitsBase.sol";

/// @notice Issue 15, Plasma Cash findings 6-8, each as the attack and its variants. On the
/// code before the fix, every "spend of X" check compared prevBlock with the block the exiter
/// named (finding 6: the tests' calls without a copy proof show the old answer, NotASpend);
/// a self-cancelled exit paid its bond to the canceller and freed the coin at once (finding 7);
/// a checkpoint dispute could be answered only with a spend (finding 8).
contract CashAttacksTest is CashTest {
    // ------------------------------------------------------------ finding 6: duplicate copies

    uint64 internal slot;
    uint256 internal dep;

    /// The operator includes E (alice → mallory) at b1 and again at b2, checkpoints b2 with
    /// leaf E; mallory sells to bob (prevBlock b2, block b3).
    bytes internal e;
    uint256 internal b1;
    uint256 internal b2;
    bytes internal toBob;
    uint256 internal b3;

    function _duplicate() internal {
        slot = _depositEth(alice, 5 ether);
        dep = _depositBlock(slot);
        e = _tx(slot, dep, 5 ether, mallory);
        b1 = _submitTx(slot, e);
        b2 = _submitTx(slot, e);
        toBob = _tx(slot, b2, 5 ether, bob);
        b3 = _submitTx(slot, toBob);
    }

    /// Mallory exits the copy bob's spend does not name: the spend of the other copy cancels it.
    function test_attack_duplicateCopy_exitOfTheOtherCopyIsCancelled() public {
        _duplicate();
        _exit(mallory, slot, _tx(slot, 0, 5 ether, alice), dep, e, b1, ALICE_KEY);
        bytes memory sig = _sign(MALLORY_KEY, toBob);
        bytes memory p3 = _proof(b3, slot);
        // Without the copy: the old rule's answer.
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, b2, b1));
        cash.challengeAfter(slot, toBob, p3, sig, b3, "");
        // A copy proof that does not show e at b2 (all-default siblings) is refused.
        bytes memory wrongCopy = hex"0000000000000000";
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotIncluded.selector, b2));
        cash.challengeAfter(slot, toBob, p3, sig, b3, wrongCopy);
        vm.prank(bob);
        cash.challengeAfter(slot, toBob, p3, sig, b3, _proof(b2, slot));
        assertEq(_state(slot), 1, "cancelled");
        assertEq(cash.bondBalances(bob), BOND, "bob is credited mallory's bond");
        assertTrue(cash.provenInvalid(slot, keccak256(e)), "e is spent for good");
        // Neither copy exits again.
        bytes memory p1 = _proof(b1, slot);
        bytes memory p2 = _proof(b2, slot);
        bytes memory depTx = _tx(slot, 0, 5 ether, alice);
        bytes memory sigE = _sign(ALICE_KEY, e);
        for (uint256 i; i < 2; ++i) {
            (uint256 b, bytes memory p) = i == 0 ? (b1, p1) : (b2, p2);
            vm.prank(mallory);
            vm.expectRevert(abi.encodeWithSelector(PlasmaCash.ProvenInvalid.selector, keccak256(e)));
            cash.startExit{value: BOND}(slot, depTx, e, "", p, sigE, [dep, b]);
        }
        // Bob exits and is paid.
        _exit(bob, slot, e, b2, toBob, b3, MALLORY_KEY);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        uint256 before = bob.balance;
        vm.prank(bob);
        cash.withdraw(slot);
        assertEq(bob.balance - before, 5 ether, "bob paid in full");
    }

    /// The same through the checkpoint: mallory exits the checkpoint's leaf naming block b1.
    function test_attack_duplicateCopy_checkpointExitOfTheOtherCopyIsCancelled() public {
        _duplicate();
        uint256 id = _checkpoint1(b2, slot, keccak256(e));
        (,,,, uint256 finalAt) = cash.checkpoint(id);
        vm.warp(finalAt);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(mallory);
        cash.startExitFromCheckpoint{value: BOND}(slot, id, e, _proof(b1, slot), cpProof, b1);
        // The checkpoint agrees with e: no checkpoint challenge.
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, keccak256(e))
        );
        cash.challengeWithCheckpoint(slot, id, keccak256(e), cpProof);
        bytes memory sig = _sign(MALLORY_KEY, toBob);
        vm.prank(bob);
        cash.challengeAfter(slot, toBob, _proof(b3, slot), sig, b3, _proof(b2, slot));
        assertEq(_state(slot), 1, "cancelled");
        assertEq(cash.bondBalances(bob), BOND, "bond to bob");
    }

    /// Bob's own exit, challenged with the other copy of its parent: bob answers with his tx,
    /// which spends a copy of it.
    function test_attack_duplicateCopy_bobsExitAnswersAChallengeWithTheOtherCopy() public {
        _duplicate();
        _exit(bob, slot, e, b2, toBob, b3, MALLORY_KEY);
        bytes memory p1 = _proof(b1, slot);
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, e, p1, b1);
        bytes memory sig = _sign(MALLORY_KEY, toBob);
        bytes memory p3 = _proof(b3, slot);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, b2, b1));
        cash.respondChallengeBefore(slot, keccak256(e), toBob, p3, sig, b3, "");
        vm.prank(bob);
        cash.respondChallengeBefore(slot, keccak256(e), toBob, p3, sig, b3, _proof(b2, slot));
        (,,,,,,, uint256 exitableAt, uint256 open) = cash.exitOf(slot);
        assertEq(open, 0, "answered");
        vm.warp(exitableAt);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob's exit stands");
        assertEq(cash.bondBalances(bob), 2 * BOND, "exit bond + mallory's challenge bond");
    }

    /// An exit of the later copy cannot be challenged with the earlier copy of itself (the
    /// exiter could not answer, and the tx is valid): a challenge must be another tx.
    function test_attack_duplicateCopy_exitingTxIsNotItsOwnChallenge() public {
        _duplicate();
        _exit(mallory, slot, _tx(slot, 0, 5 ether, alice), dep, e, b2, ALICE_KEY);
        bytes memory p1 = _proof(b1, slot);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.ChallengeWithExitingTx.selector, keccak256(e))
        );
        cash.challengeBefore{value: BOND}(slot, e, p1, b1);
        bytes memory sig = _sign(ALICE_KEY, e);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.ChallengeWithExitingTx.selector, keccak256(e))
        );
        cash.challengeBetween(slot, e, p1, sig, b1);
    }

    /// A checkpoint dispute of the earlier copy is answered by a spend of the later one.
    function test_attack_duplicateCopy_disputeAnsweredWithASpendOfTheOtherCopy() public {
        _duplicate();
        uint256 id = _checkpoint1(b3, slot, keccak256(toBob));
        vm.prank(mallory);
        cash.disputeCheckpoint{value: BOND}(
            id, slot, e, b1, _proof(b1, slot), keccak256(toBob), _cpProof(id, slot)
        );
        bytes memory sig = _sign(MALLORY_KEY, toBob);
        bytes memory p3 = _proof(b3, slot);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, b2, b1));
        cash.respondCheckpointDispute(id, slot, keccak256(e), toBob, b3, p3, sig, "");
        vm.prank(operator);
        cash.respondCheckpointDispute(id, slot, keccak256(e), toBob, b3, p3, sig, _proof(b2, slot));
        assertEq(cash.openDisputes(id, slot), 0, "answered");
        assertEq(cash.bondBalances(operator), BOND, "the disputer's bond to the responder");
    }

    // ------------------------------------------------------------ finding 7: the lock

    bytes internal x; // alice → bob at bx: bob's valid coin
    uint256 internal bx;
    bytes internal junkParent; // forged (bob never signed): bob's coin → mallory, at bp
    uint256 internal bp;
    bytes internal selfSpend; // mallory spends the junk parent to carol, at bs
    uint256 internal bs;
    bytes internal junk; // mallory spends the junk parent again to herself, at bj
    uint256 internal bj;

    function _lockSetUp() internal {
        slot = _depositEth(alice, 3 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
    }

    function _junkExit() internal {
        _exit(mallory, slot, junkParent, bp, junk, bj, MALLORY_KEY);
    }

    function _selfCancel() internal {
        vm.prank(mallory);
        cash.challengeBetween(slot, selfSpend, _proof(bs, slot), _sign(MALLORY_KEY, selfSpend), bs);
    }

    function _exitX(address who) internal {
        _exit(who, slot, _tx(slot, 0, 3 ether, alice), dep, x, bx, ALICE_KEY);
    }

    /// The attack: bob's challenge is unanswerable, so mallory cancels her own exit one second
    /// before maturity and starts another in the same transaction. Now the cancelled exit's
    /// bond goes to bob, and in the priority window bob's exit of his (earlier) tx takes the
    /// coin from hers; after the window nobody can take it; bob is paid.
    function test_attack_selfCancelledExitCostsTheThiefAndBobExits() public {
        _lockSetUp();
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        vm.warp(block.timestamp + MEP - 1);
        _selfCancel();
        assertEq(cash.bondBalances(mallory), 0, "the canceller is not credited the bond");
        uint256 until = cash.priorityUntil(slot);
        assertEq(until, block.timestamp + RESPONSE, "a priority window opens");
        // Mallory starts again at once (the junk is not proven invalid by a double spend).
        _junkExit();
        // Bob's exit of the earlier tx displaces hers; hers is refunded.
        _exitX(bob);
        assertEq(cash.bondBalances(mallory), BOND, "the displaced exit's bond comes back");
        (, address owner,, uint256 exitBlock,,,,,) = cash.exitOf(slot);
        assertEq(owner, bob, "bob's exit is live");
        assertEq(exitBlock, bx, "of his tx");
        // Her junk cannot take it back: it is later than bob's tx.
        vm.prank(mallory);
        bytes memory pj = _proof(bj, slot);
        bytes memory pp = _proof(bp, slot);
        bytes memory sj = _sign(MALLORY_KEY, junk);
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.ExitLive.selector, bx, until));
        cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sj, [bp, bj]);
        vm.warp(until);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongCoinState.selector, slot, 2));
        cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sj, [bp, bj]);
        // Bob's challenge of the first exit: his bond plus the whole exit bond.
        cash.reclaimChallengeBond(slot, keccak256(x));
        assertEq(cash.bondBalances(bob), 2 * BOND, "bob's bond + mallory's exit bond");
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        uint256 before = bob.balance;
        vm.prank(bob);
        cash.withdraw(slot);
        assertEq(bob.balance - before, 3 ether, "bob paid");
        assertEq(cash.bondBalances(bob), 3 * BOND, "and his own exit bond back");
    }

    /// An exit left unanswered opens the window too (mallory waits it out instead).
    function test_attack_unansweredExitOpensTheWindow() public {
        _lockSetUp();
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(cash.priorityUntil(slot), block.timestamp + RESPONSE, "window");
        _junkExit();
        _exitX(bob);
        (, address owner,,,,,,,) = cash.exitOf(slot);
        assertEq(owner, bob, "bob displaces the junk");
    }

    /// Without open challenges there is no window: the canceller is credited the bond, and a
    /// live exit cannot be displaced.
    function test_attack_noWindowWithoutOpenChallenges() public {
        _lockSetUp();
        _junkExit();
        _selfCancel();
        assertEq(cash.priorityUntil(slot), 0, "no window");
        assertEq(cash.bondBalances(mallory), BOND, "canceller credited");
        _junkExit();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongCoinState.selector, slot, 2));
        cash.startExit{value: BOND}(
            slot,
            _tx(slot, 0, 3 ether, alice),
            x,
            "",
            _proof(bx, slot),
            _sign(ALICE_KEY, x),
            [dep, bx]
        );
    }

    /// In the window, mallory displaces bob with an exit of an older tx of hers (alice's
    /// deposit is hers here): it was spent, so bob cancels it at once, it is invalid for good,
    /// and bob exits again. Each older tx buys one round and costs one bond.
    function test_attack_windowDisplacementByASpentOlderTxIsBounded() public {
        // mallory deposits, sells to bob (x'), then junk as above.
        slot = _depositEth(mallory, 3 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        _selfCancel();
        bytes memory depTx = _tx(slot, 0, 3 ether, mallory);
        _exit(bob, slot, depTx, dep, x, bx, MALLORY_KEY);
        _exitDeposit(mallory, slot, 3 ether); // older: displaces bob
        (, address owner,,,,,,,) = cash.exitOf(slot);
        assertEq(owner, mallory, "displaced by the deposit exit");
        vm.prank(bob);
        cash.challengeAfter(slot, x, _proof(bx, slot), _sign(MALLORY_KEY, x), bx, "");
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        assertTrue(cash.provenInvalid(slot, depHash), "the deposit is spent for good");
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.ProvenInvalid.selector, depHash));
        cash.startExit{value: BOND}(slot, "", depTx, "", "", "", [uint256(0), dep]);
        _exit(bob, slot, depTx, dep, x, bx, MALLORY_KEY);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exited");
        // Mallory lost both exit bonds: the junk exit's to bob's open challenge, the deposit
        // exit's to bob's challengeAfter. Bob: his displaced exit's bond back, the deposit
        // exit's bond, his final exit's bond (his challenge is reclaimable on top).
        assertEq(cash.bondBalances(mallory), 0, "mallory lost both exit bonds");
        assertEq(cash.bondBalances(bob), 3 * BOND, "bob's credits");
        cash.reclaimChallengeBond(slot, keccak256(x));
        assertEq(cash.bondBalances(bob), 5 * BOND, "his challenge bond + the junk exit's bond");
    }

    // ------------------------------------------------------------ finding 8: disputes

    /// A past owner disputes a new checkpoint with history from before an older final
    /// checkpoint, which the current owner dropped: the owner answers with that checkpoint
    /// and takes the dispute bond.
    function test_attack_staleDisputeAnsweredWithAnOlderCheckpoint() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 2 ether, bob);
        b1 = _submitTx(slot, t1);
        bytes memory t2 = _tx(slot, b1, 2 ether, carol);
        b2 = _submitTx(slot, t2);
        uint256 old = _checkpoint1(b2, slot, keccak256(t2));
        (,,,, uint256 finalAt) = cash.checkpoint(old);
        vm.warp(finalAt);
        b3 = _submitEmpty();
        uint256 fresh = _checkpoint1(b3, slot, keccak256(t2));
        bytes memory cpProof = _cpProof(fresh, slot);
        vm.prank(alice);
        cash.disputeCheckpoint{value: BOND}(
            fresh, slot, t1, b1, _proof(b1, slot), keccak256(t2), cpProof
        );
        bytes32 h1 = keccak256(t1);
        bytes32 leaf = keccak256(t2);
        bytes memory oldProof = _cpProof(old, slot);
        // Not with the disputed checkpoint itself.
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, leaf));
        cash.respondCheckpointDisputeWithCheckpoint(fresh, slot, h1, fresh, leaf, cpProof);
        // Not with a checkpoint that is not final.
        uint256 notFinal = _checkpoint1(b3, slot, leaf);
        (,,,, uint256 notFinalAt) = cash.checkpoint(notFinal);
        bytes memory nfProof = _cpProof(notFinal, slot);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.CheckpointNotFinal.selector, notFinal, notFinalAt
            )
        );
        cash.respondCheckpointDisputeWithCheckpoint(fresh, slot, h1, notFinal, leaf, nfProof);
        vm.prank(carol);
        cash.respondCheckpointDisputeWithCheckpoint(fresh, slot, h1, old, leaf, oldProof);
        assertEq(cash.openDisputes(fresh, slot), 0, "answered");
        assertEq(cash.bondBalances(carol), BOND, "the stale disputer pays");
        (,,, uint256 freshFinal) = _cpTimes(fresh);
        vm.warp(freshFinal);
        assertTrue(cash.checkpointUsable(fresh, slot), "the new checkpoint stands");
    }

    /// An older checkpoint answers only if it is at or after the disputed tx and says
    /// something else at the slot.
    function test_attack_olderCheckpointMustContradictTheDisputedTx() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 2 ether, bob);
        b1 = _submitTx(slot, t1);
        uint256 atT1 = _checkpoint1(b1, slot, keccak256(t1));
        (,,,, uint256 finalAt) = cash.checkpoint(atT1);
        vm.warp(finalAt);
        bytes memory t2 = _tx(slot, b1, 2 ether, carol);
        b2 = _submitTx(slot, t2);
        uint256 fresh = _checkpoint1(b2, slot, keccak256(t2));
        bytes32 h1 = keccak256(t1);
        vm.prank(bob);
        cash.disputeCheckpoint{value: BOND}(
            fresh, slot, t1, b1, _proof(b1, slot), keccak256(t2), _cpProof(fresh, slot)
        );
        // The older checkpoint holds t1 itself: no contradiction.
        bytes memory p = _cpProof(atT1, slot);
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, h1));
        cash.respondCheckpointDisputeWithCheckpoint(fresh, slot, h1, atT1, h1, p);
        // The dispute of t2's parent is answered by t2 itself, as before.
        vm.prank(carol);
        cash.respondCheckpointDispute(
            fresh, slot, h1, t2, b2, _proof(b2, slot), _sign(BOB_KEY, t2), ""
        );
        assertEq(cash.bondBalances(carol), BOND, "answered by the spend");
    }

    function _cpTimes(uint256 id) internal view returns (uint256, uint256, uint256, uint256) {
        (, uint256 blockNumber, uint256 submittedAt, uint256 deadline, uint256 finalAt) =
            cash.checkpoint(id);
        return (blockNumber, submittedAt, deadline, finalAt);
    }
}
