// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPERATOR_BLOCK_INTERVAL} from "../common/ChildBlocks.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {PriorityQueue} from "../utils/PriorityQueue.sol";
import {UtxoPos} from "../lib/UtxoPos.sol";

/// @title ExitBookkeeping
/// @notice The exit bookkeeping any exit type of the payment chain shares (standard exits and
/// MoreVP in-flight exits, in the same queues):
/// - one priority queue per token (a sorted linked list with O(1) pops and hinted inserts, see
///   PriorityQueue); the vault is implied by the token (address(0) → EthVault, else
///   Erc20Vault);
/// - the priority key `exitableAt << 224 | txPos << 160 | exitId` (txPos < 2^64, exitId a
///   uint160), so the queue orders by (exitableAt, txPos) as SPEC.md §2 requires, and the exit
///   id rides along to find the exit's record;
/// - outputIds and the exit ids derived from them: an output's exit id is
///   `uint160(uint256(outputId))` with bit 159 cleared (set in in-flight exit ids), so the exit record of an output IS its "exited" flag: a live
///   exit claims the output (no second exit may start), a processed exit leaves the record at
///   `EXITED` forever, a challenged exit deletes it (the output is free again, e.g. for a later
///   in-flight exit that piggybacks it as a spent-but-non-canonical input).
///
/// outputId: `keccak256(abi.encodePacked(txBytes, utxoPos))` for a deposit output (identical
/// deposit txs in different deposit blocks stay distinct), `keccak256(abi.encodePacked(txBytes,
/// outputIndex))` for any other output (so a MoreVP exit can name an output of a tx whose
/// position is unknown). 160 bits of it make the exit id (as in OMG's contracts): finding two
/// outputs with the same exit id takes ~2^80 hashing, and only blocks the finder's own outputs.
abstract contract ExitBookkeeping is ReentrancyGuardTransient {
    using PriorityQueue for PriorityQueue.Queue;

    uint256 internal constant CHILD_BLOCK_INTERVAL = OPERATOR_BLOCK_INTERVAL;
    uint256 internal constant EXITABLE_AT_SHIFT = 224;
    uint256 internal constant TXPOS_SHIFT = 160;
    uint256 internal constant EXIT_ID_MASK = type(uint160).max;
    uint256 internal constant MAX_TXPOS = type(uint64).max;
    /// @dev The first word of the record of an output that has exited.
    uint256 internal constant EXITED = 1;
    /// @dev Bit 159 of an exit id: set in every in-flight exit id, clear in every output's, so
    /// the two id spaces are disjoint and `processExits` tells them apart by the id alone (a
    /// shared space would let a ~2^80 cross-collision pay a standard exit from another token's
    /// queue: its record does not name its token).
    uint160 internal constant IN_FLIGHT_FLAG = uint160(1) << 159;

    mapping(address => PriorityQueue.Queue) internal _queues;

    /// @notice The outputId of output `utxoPos` of the tx `txBytes`.
    function outputId(bytes memory txBytes, uint256 utxoPos) public pure returns (bytes32) {
        if (isDepositBlock(UtxoPos.blknum(utxoPos))) {
            return keccak256(abi.encodePacked(txBytes, utxoPos));
        }
        return keccak256(abi.encodePacked(txBytes, UtxoPos.outputIndex(utxoPos)));
    }

    /// @notice The exit id of an output: the low 160 bits of its outputId, bit 159 cleared
    /// (that bit marks in-flight exit ids).
    function exitIdOf(bytes32 outputId_) public pure returns (uint160) {
        return uint160(uint256(outputId_)) & ~IN_FLIGHT_FLAG;
    }

    function isDepositBlock(uint256 blknum) public pure returns (bool) {
        return blknum % CHILD_BLOCK_INTERVAL != 0;
    }

    /// @notice Number of entries in `token`'s queue (including challenged ones not yet popped).
    /// O(n): for eth_call.
    function queueSize(address token) external view returns (uint256) {
        return _queues[token].length();
    }

    /// @notice The smallest priority key in `token`'s queue, 0 if it is empty.
    function queueTop(address token) external view returns (uint256) {
        return _queues[token].head;
    }

    /// @notice The queue entry after `key` in `token`'s queue (2^256-1 after the last one, 0 if
    /// `key` is not queued): to walk the queue.
    function queueNext(address token, uint256 key) external view returns (uint256) {
        return _queues[token].next[key];
    }

    /// @notice The insertion hint for priority key `key` in `token`'s queue: the largest queued
    /// key below it (0 if none). O(n): for eth_call before starting an exit.
    function queueHint(address token, uint256 key) external view returns (uint256) {
        return _queues[token].findHint(key);
    }

    /// @notice The priority key of an exit: exitableAt << 224 | txPos << 160 | exitId.
    function priorityKey(uint256 exitableAt, uint256 txPos, uint160 exitId)
        public
        pure
        returns (uint256)
    {
        return _priorityKey(exitableAt, txPos, exitId);
    }

    /// @notice exitableAt = max(blockTimestamp + 2·MEP, now + MEP); `deposit` (only a standard
    /// exit of a deposit output): now + MEP.
    function _exitableAt(bool deposit, uint256 blockTimestamp, uint256 mep)
        internal
        view
        returns (uint256 t)
    {
        t = block.timestamp + mep;
        if (!deposit) {
            uint256 fromBlock = blockTimestamp + 2 * mep;
            if (fromBlock > t) t = fromBlock;
        }
    }

    function _priorityKey(uint256 exitableAt, uint256 txPos, uint160 exitId)
        internal
        pure
        returns (uint256)
    {
        return (exitableAt << EXITABLE_AT_SHIFT) | (txPos << TXPOS_SHIFT) | exitId;
    }
}
