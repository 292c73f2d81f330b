// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {CashTree} from "./utils/CashTree.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {CashExitsBase} from "../src/cash/CashExitsBase.sol";
import {PlasmaCashModule} from "../src/cash/PlasmaCashModule.sol";
import {CashBase} from "../src/cash/CashBase.sol";
import {CashCheckpointsBase} from "../src/cash/CashCheckpointsBase.sol";

/// @notice XT checkpoints: honest checkpoints become final and stand for a coin's history;
/// forged ones are disputed and voided for the coin; disputes of honest ones are answered.
contract CashCheckpointTest is CashTest {
    uint64 internal slot;
    uint256 internal dep;
    bytes internal t1; // alice → bob at b1
    bytes internal t2; // bob → carol at b2
    uint256 internal b1;
    uint256 internal b2;

    function setUp() public override {
        super.setUp();
        slot = _depositEth(alice, 4 ether);
        dep = _depositBlock(slot);
        t1 = _tx(slot, dep, 4 ether, bob);
        b1 = _submitTx(slot, t1);
        t2 = _tx(slot, b1, 4 ether, carol);
        b2 = _submitTx(slot, t2);
    }

    function _final(uint256 id) internal {
        (,,,, uint256 finalAt) = cash.checkpoint(id);
        vm.warp(finalAt);
    }

    function test_honestCheckpoint_exitFromIt() public {
        uint256 id = _checkpoint1(b2, slot, keccak256(t2));
        (bytes32 root, uint256 blockNumber,, uint256 deadline, uint256 finalAt) =
            cash.checkpoint(id);
        assertEq(blockNumber, b2, "block");
        assertEq(root, CashTree.root(_cpTree[id].slots, _cpTree[id].leaves), "root");
        assertEq(deadline, START_TIME + WINDOW, "dispute deadline");
        assertEq(finalAt, START_TIME + WINDOW + RESPONSE, "final");
        bytes memory proof = _proof(b2, slot);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.CheckpointNotFinal.selector, id, finalAt)
        );
        cash.startExitFromCheckpoint{value: BOND}(slot, id, t2, proof, cpProof, b2);
        _final(id);
        assertTrue(cash.checkpointUsable(id, slot), "usable");
        // Only the leaf: t1 is not it.
        bytes memory p1 = _proof(b1, slot);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.NotInCheckpoint.selector, id, slot)
        );
        cash.startExitFromCheckpoint{value: BOND}(slot, id, t1, p1, cpProof, b1);
        vm.prank(carol);
        cash.startExitFromCheckpoint{value: BOND}(slot, id, t2, proof, cpProof, b2);
        // No history to challenge before (the checkpoint stands for it).
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.ExitHasNoParent.selector, slot));
        cash.challengeBefore{value: BOND}(slot, t1, p1, b1);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        uint256 before = carol.balance;
        vm.prank(carol);
        cash.withdraw(slot);
        assertEq(carol.balance - before, 4 ether, "paid");
    }

    /// After a checkpoint, a challengeBefore about older history is answered by the checkpoint.
    function test_checkpointAnswersOldChallenge() public {
        uint256 id = _checkpoint1(b2, slot, keccak256(t2));
        bytes memory t3 = _tx(slot, b2, 4 ether, bob);
        uint256 b3 = _submitTx(slot, t3);
        _final(id);
        _exit(bob, slot, t2, b2, t3, b3, CAROL_KEY);
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, _tx(slot, 0, 4 ether, alice), "", dep);
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        bytes memory cpProof = _cpProof(id, slot);
        // The leaf must be the checkpoint's.
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.NotInCheckpoint.selector, id, slot)
        );
        cash.respondChallengeBeforeWithCheckpoint(slot, depHash, id, keccak256(t1), cpProof);
        vm.prank(bob);
        cash.respondChallengeBeforeWithCheckpoint(slot, depHash, id, keccak256(t2), cpProof);
        assertEq(cash.bondBalances(bob), BOND, "challenge bond to the responder");
        // The checkpoint's own leaf can still be challenged; its spend answers.
        bytes memory p2 = _proof(b2, slot);
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, t2, p2, b2);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, keccak256(t2))
        );
        cash.respondChallengeBeforeWithCheckpoint(slot, keccak256(t2), id, keccak256(t2), cpProof);
        bytes memory sig3 = _sign(CAROL_KEY, t3);
        bytes memory p3 = _proof(b3, slot);
        cash.respondChallengeBefore(slot, keccak256(t2), t3, p3, sig3, b3, "");
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "exited");
    }

    /// An exit of a tx at or before a final checkpoint that holds another leaf is stale.
    function test_challengeWithCheckpoint_cancelsStaleExit() public {
        uint256 id = _checkpoint1(b2, slot, keccak256(t2));
        _final(id);
        // Bob exits t1 although he gave the coin to Carol at b2.
        _exit(bob, slot, _tx(slot, 0, 4 ether, alice), dep, t1, b1, ALICE_KEY);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(carol);
        cash.challengeWithCheckpoint(slot, id, keccak256(t2), cpProof);
        assertEq(_state(slot), 1, "cancelled");
        assertEq(cash.bondBalances(carol), BOND, "bond to carol");
        // Carol's own exit of the leaf is not challengeable with it.
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, keccak256(t2))
        );
        cash.challengeWithCheckpoint(slot, id, keccak256(t2), cpProof);
    }

    /// The operator checkpoints a forged tx for the coin; Carol disputes with her tx; nobody
    /// can answer; the checkpoint is void for the coin.
    function test_forgedCheckpoint_disputedAndVoided() public {
        bytes memory forged = _tx(slot, b1, 4 ether, mallory);
        uint256 id = _checkpoint1(b2, slot, keccak256(forged));
        bytes memory p2 = _proof(b2, slot);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(carol);
        cash.disputeCheckpoint{value: BOND}(id, slot, t2, b2, p2, keccak256(forged), cpProof);
        assertEq(cash.openDisputes(id, slot), 1, "open");
        (address challenger, uint256 txBlock, uint8 state, address txOwner) =
            cash.dispute(id, slot, keccak256(t2));
        assertEq(challenger, carol, "challenger");
        assertEq(txBlock, b2, "tx block");
        assertEq(state, 1, "open");
        assertEq(txOwner, carol, "tx owner");
        // Replay refused.
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.DisputeExists.selector, CashCheckpointsBase.DisputeState.OPEN
            )
        );
        cash.disputeCheckpoint{value: BOND}(id, slot, t2, b2, p2, keccak256(forged), cpProof);
        vm.expectRevert();
        cash.resolveCheckpointDispute(id, slot, keccak256(t2));
        _final(id);
        assertFalse(cash.checkpointUsable(id, slot), "void for the slot");
        assertTrue(cash.checkpointUsable(id, FILLER_A), "fine for others");
        // The forged leaf cannot cancel Carol's exit.
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.CheckpointVoided.selector, id, slot)
        );
        cash.challengeWithCheckpoint(slot, id, keccak256(forged), cpProof);
        cash.resolveCheckpointDispute(id, slot, keccak256(t2));
        assertEq(cash.bondBalances(carol), BOND, "dispute bond back");
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.DisputeNotOpen.selector, id, slot, keccak256(t2)
            )
        );
        cash.resolveCheckpointDispute(id, slot, keccak256(t2));
        assertEq(cash.openDisputes(id, slot), 1, "stays void");
    }

    /// A checkpoint that omits a coin (empty leaf) is disputed the same way.
    function test_checkpointOmittingCoin_disputed() public {
        uint256 id = _checkpoint(b2, new uint64[](0), new bytes32[](0));
        bytes32 empty = CashTree.defaults()[0];
        bytes memory p2 = _proof(b2, slot);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(carol);
        cash.disputeCheckpoint{value: BOND}(id, slot, t2, b2, p2, empty, cpProof);
        _final(id);
        assertFalse(cash.checkpointUsable(id, slot), "void");
    }

    /// Mallory disputes an honest checkpoint with an old tx; its spend answers.
    function test_dispute_answered() public {
        uint256 id = _checkpoint1(b2, slot, keccak256(t2));
        bytes memory p1 = _proof(b1, slot);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(mallory);
        cash.disputeCheckpoint{value: BOND}(id, slot, t1, b1, p1, keccak256(t2), cpProof);
        // Not with a tx after the checkpoint, nor the leaf itself.
        bytes memory t3 = _tx(slot, b2, 4 ether, bob);
        uint256 b3 = _submitTx(slot, t3);
        bytes memory p3 = _proof(b3, slot);
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.TxAfterCheckpoint.selector, b3, b2)
        );
        cash.disputeCheckpoint{value: BOND}(id, slot, t3, b3, p3, keccak256(t2), cpProof);
        bytes memory p2 = _proof(b2, slot);
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.TxIsCheckpointLeaf.selector, keccak256(t2))
        );
        cash.disputeCheckpoint{value: BOND}(id, slot, t2, b2, p2, keccak256(t2), cpProof);
        // A tx after the checkpoint does not answer, nor one that does not spend the disputed one.
        bytes memory sig3 = _sign(CAROL_KEY, t3);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.TxAfterCheckpoint.selector, b3, b2)
        );
        cash.respondCheckpointDispute(id, slot, keccak256(t1), t3, b3, p3, sig3, "");
        bytes memory sig1 = _sign(ALICE_KEY, t1);
        uint256 dep = _depositBlock(slot);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, dep, b1));
        cash.respondCheckpointDispute(id, slot, keccak256(t1), t1, b1, _proof(b1, slot), sig1, "");
        bytes memory sig2 = _sign(BOB_KEY, t2);
        vm.prank(operator);
        cash.respondCheckpointDispute(id, slot, keccak256(t1), t2, b2, p2, sig2, "");
        assertEq(cash.bondBalances(operator), BOND, "responder gets the dispute bond");
        assertEq(cash.openDisputes(id, slot), 0, "answered");
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.DisputeNotOpen.selector, id, slot, keccak256(t1)
            )
        );
        cash.respondCheckpointDispute(id, slot, keccak256(t1), t2, b2, p2, sig2, "");
        _final(id);
        assertTrue(cash.checkpointUsable(id, slot), "final");
    }

    function test_dispute_windows() public {
        uint256 id = _checkpoint1(b2, slot, keccak256(t2));
        bytes memory p1 = _proof(b1, slot);
        bytes memory cpProof = _cpProof(id, slot);
        vm.prank(mallory);
        cash.disputeCheckpoint{value: BOND}(id, slot, t1, b1, p1, keccak256(t2), cpProof);
        vm.warp(START_TIME + WINDOW);
        bytes memory depTx = _tx(slot, 0, 4 ether, alice);
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.DisputeWindowOver.selector, id, START_TIME + WINDOW
            )
        );
        cash.disputeCheckpoint{value: BOND}(id, slot, depTx, dep, "", keccak256(t2), cpProof);
        _final(id);
        bytes memory p2 = _proof(b2, slot);
        bytes memory sig2 = _sign(BOB_KEY, t2);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.ResponseWindowOver.selector, id, START_TIME + WINDOW + RESPONSE
            )
        );
        cash.respondCheckpointDispute(id, slot, keccak256(t1), t2, b2, p2, sig2, "");
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.CheckpointNotFound.selector, 9));
        cash.checkpoint(9);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CashBase.BlockNotFound.selector, 9000));
        cash.submitCheckpoint(9000, keccak256("r"));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotAnOperatorBlock.selector, 1001));
        cash.submitCheckpoint(1001, keccak256("r"));
    }

    function test_module_refusesDirectCalls() public {
        PlasmaCashModule m = PlasmaCashModule(cash.checkpointModule());
        vm.expectRevert(PlasmaCashModule.NotDelegated.selector);
        m.resolveCheckpointDispute(1, slot, bytes32(0));
        vm.prank(alice);
        vm.expectRevert(PlasmaCashModule.NotDelegated.selector);
        m.depositErc20(address(token), 1);
    }
}
