// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashBase} from "./CashBase.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title CashCheckpointsBase
/// @notice XT checkpoints of PlasmaCash. A checkpoint `(blockNumber, root)` commits, in a
/// depth-64 sparse Merkle tree keyed by slot (the block tree's format), to each coin's latest
/// transaction at or before operator block `blockNumber`: the leaf is that tx's hash (as in
/// the block trees; `keccak256(uint64 slot)` for a coin never transferred), the empty leaf for
/// no coin.
///
/// Rules:
/// This contract holds the checkpoints' storage, events, errors and views; the dispute code runs
/// in PlasmaCashModule (DELEGATECALL from PlasmaCash, which keeps the contract under the
/// 24 KB limit).
///
/// - `submitCheckpoint`: only the operator, on a submitted operator block. Ids count from 1.
/// - Until `submittedAt + checkpointWindow`, anyone may `disputeCheckpoint` one slot, posting
///   `bond`: they show a tx T of the coin included at `txBlock ≤ blockNumber` and the
///   checkpoint's leaf for the slot (with its proof against the checkpoint root), which is
///   not T's hash. The claim: T is the coin's latest valid tx, the checkpoint is wrong.
/// - Until `finalAt = submittedAt + checkpointWindow + responsePeriod`, anyone (the operator)
///   may `respondCheckpointDispute` with a tx R spending T (R.prevBlock = txBlock, signed by
///   T's newOwner) included in a block in (txBlock, blockNumber]: T was not the latest; the
///   responder is credited the dispute bond.
/// - A dispute still open at `finalAt` voids the checkpoint for that slot, forever;
///   `resolveCheckpointDispute` then credits the challenger its bond back.
/// - From `finalAt`, the checkpoint is final for every slot it is not void for
///   (`checkpointUsable`): PlasmaCash accepts its leaf as the coin's state at `blockNumber`
///   (an exit of the leaf tx without its history; answering a challengeBefore about older
///   history; cancelling an exit of a tx at or before `blockNumber` that is not the leaf).
abstract contract CashCheckpointsBase is CashBase {
    struct Checkpoint {
        bytes32 root;
        uint64 blockNumber;
        uint64 submittedAt;
    }

    enum DisputeState {
        NONE,
        OPEN,
        ANSWERED,
        UPHELD
    }

    struct Dispute {
        address challenger;
        uint64 txBlock;
        DisputeState state;
        /// @dev The disputed tx's newOwner: who must have signed its spend.
        address txOwner;
    }

    /// @notice Checkpoints submitted so far (the last id).
    uint256 public checkpointCount;
    mapping(uint256 => Checkpoint) internal _checkpoints;
    /// @dev keccak256(checkpointId, slot, txHash) → dispute.
    mapping(bytes32 => Dispute) internal _disputes;
    /// @notice Disputes of a checkpoint's slot not answered (yet): non-zero at `finalAt` voids
    /// the checkpoint for the slot.
    mapping(uint256 => mapping(uint64 => uint256)) public openDisputes;

    event CheckpointSubmitted(
        uint256 indexed checkpointId,
        uint256 indexed blockNumber,
        bytes32 root,
        uint256 disputeDeadline,
        uint256 finalAt
    );
    event CheckpointDisputed(
        uint256 indexed checkpointId,
        uint64 indexed slot,
        bytes32 indexed txHash,
        address challenger,
        uint256 txBlock,
        address txOwner
    );
    event CheckpointDisputeAnswered(
        uint256 indexed checkpointId,
        uint64 indexed slot,
        bytes32 indexed txHash,
        address responder,
        uint256 respondingBlock
    );
    /// @notice The dispute of `txHash` was not answered: the checkpoint is void for `slot`.
    event CheckpointSlotVoided(
        uint256 indexed checkpointId,
        uint64 indexed slot,
        bytes32 indexed txHash,
        address challenger
    );

    error CheckpointNotFound(uint256 checkpointId);
    /// @notice Disputes of checkpoint `checkpointId` closed at `deadline`.
    error DisputeWindowOver(uint256 checkpointId, uint256 deadline);
    /// @notice Responses to disputes of checkpoint `checkpointId` closed at `finalAt`.
    error ResponseWindowOver(uint256 checkpointId, uint256 finalAt);
    /// @notice Checkpoint `checkpointId` is not final before `finalAt`.
    error CheckpointNotFinal(uint256 checkpointId, uint256 finalAt);
    /// @notice Checkpoint `checkpointId` is void for `slot` (an unanswered dispute).
    error CheckpointVoided(uint256 checkpointId, uint64 slot);
    /// @notice The leaf and proof do not give the root of checkpoint `checkpointId` at `slot`.
    error NotInCheckpoint(uint256 checkpointId, uint64 slot);
    /// @notice The tx at `txBlock` is after the checkpoint's block `blockNumber`.
    error TxAfterCheckpoint(uint256 txBlock, uint256 blockNumber);
    /// @notice The disputed tx is the checkpoint's leaf: nothing to dispute.
    error TxIsCheckpointLeaf(bytes32 txHash);
    /// @notice A dispute of this tx exists (state `state`).
    error DisputeExists(uint8 state);
    /// @notice No open dispute of this checkpoint, slot and tx.
    error DisputeNotOpen(uint256 checkpointId, uint64 slot, bytes32 txHash);
    /// @notice The responding tx spends the tx of block `prevBlock`, not the disputed one at
    /// `txBlock`.
    error NotASpend(uint256 prevBlock, uint256 txBlock);

    // ---------------------------------------------------------------- views

    /// @notice A checkpoint: disputes until `disputeDeadline`, final from `finalAt`.
    function checkpoint(uint256 checkpointId)
        external
        view
        returns (
            bytes32 root,
            uint256 blockNumber,
            uint256 submittedAt,
            uint256 disputeDeadline,
            uint256 finalAt
        )
    {
        Checkpoint storage cp = _checkpoint(checkpointId);
        disputeDeadline = uint256(cp.submittedAt) + checkpointWindow;
        return (cp.root, cp.blockNumber, cp.submittedAt, disputeDeadline, _finalAt(cp));
    }

    /// @notice Whether checkpoint `checkpointId` is final and not void for `slot`.
    function checkpointUsable(uint256 checkpointId, uint64 slot) external view returns (bool) {
        Checkpoint storage cp = _checkpoints[checkpointId];
        return cp.submittedAt != 0 && block.timestamp >= _finalAt(cp)
            && openDisputes[checkpointId][slot] == 0;
    }

    /// @notice A dispute; `state` 0 none, 1 open, 2 answered, 3 upheld (slot void).
    function dispute(uint256 checkpointId, uint64 slot, bytes32 txHash)
        external
        view
        returns (address challenger, uint256 txBlock, uint8 state, address txOwner)
    {
        Dispute storage d = _disputes[_disputeKey(checkpointId, slot, txHash)];
        return (d.challenger, d.txBlock, uint8(d.state), d.txOwner);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Checks that checkpoint `checkpointId` is final, not void for `slot`, and has
    /// `leaf` at `slot` by `proof`; returns its block number.
    function _checkpointLeaf(uint256 checkpointId, uint64 slot, bytes32 leaf, bytes calldata proof)
        internal
        view
        returns (uint256)
    {
        Checkpoint storage cp = _checkpoint(checkpointId);
        uint256 finalAt = _finalAt(cp);
        if (block.timestamp < finalAt) revert CheckpointNotFinal(checkpointId, finalAt);
        if (openDisputes[checkpointId][slot] != 0) revert CheckpointVoided(checkpointId, slot);
        if (SparseMerkle.computeRoot(leaf, slot, proof) != cp.root) {
            revert NotInCheckpoint(checkpointId, slot);
        }
        return cp.blockNumber;
    }

    function _checkpoint(uint256 checkpointId) internal view returns (Checkpoint storage cp) {
        cp = _checkpoints[checkpointId];
        if (cp.submittedAt == 0) revert CheckpointNotFound(checkpointId);
    }

    function _finalAt(Checkpoint storage cp) internal view returns (uint256) {
        return uint256(cp.submittedAt) + checkpointWindow + responsePeriod;
    }

    function _disputeKey(uint256 checkpointId, uint64 slot, bytes32 txHash)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(checkpointId, slot, txHash));
    }
}
