// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PriorityQueue
/// @notice A priority queue of distinct uint256 keys (0 < key < 2^256 - 1) in storage, kept as a
/// sorted singly linked list: `next[key]` is the following key (END after the last one, 0 when
/// the key is not queued), `head` the smallest key (0 when empty).
///
/// - `popMin` is O(1): one cold slot read and one write, whatever the length. (A binary heap
///   reads ~2·log2(n) cold slots per pop; at 100 queued exits that alone is ~25,000 gas.)
/// - `insert(key, hint)` walks forward from `hint`, a key already queued and smaller than `key`
///   (0 = from the head), to the first key greater than `key`, and links it in: O(1) with a good
///   hint, which a client finds off-chain or with `findHint` in an eth_call. A stale or wrong
///   hint (not queued, or not smaller) is not an error: the walk starts from the head instead.
///   The walk is paid by the inserter; nobody else's cost depends on it.
/// - Inserting a key that is already queued does nothing.
library PriorityQueue {
    uint256 internal constant END = type(uint256).max;

    struct Queue {
        uint256 head;
        mapping(uint256 => uint256) next;
    }

    /// @notice `min` or `popMin` on an empty queue.
    error PriorityQueueEmpty();
    /// @notice Keys must be in (0, 2^256 - 1).
    error PriorityQueueInvalidKey(uint256 key);

    function isEmpty(Queue storage q) internal view returns (bool) {
        return q.head == 0;
    }

    /// @notice The smallest key. Reverts on an empty queue.
    function min(Queue storage q) internal view returns (uint256 key) {
        key = q.head;
        if (key == 0) revert PriorityQueueEmpty();
    }

    function contains(Queue storage q, uint256 key) internal view returns (bool) {
        return key != 0 && q.next[key] != 0;
    }

    /// @notice Inserts `key`; `hint` should be the largest queued key below it (0 if none).
    /// @return inserted false if `key` was already queued
    function insert(Queue storage q, uint256 key, uint256 hint) internal returns (bool inserted) {
        if (key == 0 || key == END) revert PriorityQueueInvalidKey(key);
        if (q.next[key] != 0) return false;
        uint256 prev = hint;
        uint256 nxt;
        if (prev != 0 && prev < key) nxt = q.next[prev];
        if (nxt == 0) {
            // No usable hint: start from the head.
            prev = 0;
            nxt = q.head;
            if (nxt == 0) nxt = END;
        }
        while (nxt < key) {
            prev = nxt;
            nxt = q.next[nxt];
        }
        q.next[key] = nxt;
        if (prev == 0) q.head = key;
        else q.next[prev] = key;
        return true;
    }

    /// @notice Removes and returns the smallest key. Reverts on an empty queue.
    function popMin(Queue storage q) internal returns (uint256 key) {
        key = q.head;
        if (key == 0) revert PriorityQueueEmpty();
        uint256 nxt = q.next[key];
        q.head = nxt == END ? 0 : nxt;
        delete q.next[key];
    }

    /// @notice The hint for inserting `key`: the largest queued key below it (0 if none).
    /// O(n); meant for eth_call.
    function findHint(Queue storage q, uint256 key) internal view returns (uint256 prev) {
        uint256 k = q.head;
        if (k == 0) return 0;
        while (k != END && k < key) {
            prev = k;
            k = q.next[k];
        }
    }

    /// @notice The number of queued keys. O(n); meant for eth_call and tests.
    function length(Queue storage q) internal view returns (uint256 n) {
        uint256 k = q.head;
        if (k == 0) return 0;
        while (k != END) {
            ++n;
            k = q.next[k];
        }
    }
}
