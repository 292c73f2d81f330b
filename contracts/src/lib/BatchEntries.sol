// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BatchEntries
/// @notice The packed entry list of a batch exit (docs/exit-games.md, "Batch exits") and its
/// Merkle commitment. The list is groups, one per owner:
///   owner (20 bytes) ‖ n (2 bytes, ≥ 1) ‖ n × entry
///   entry = exitId (20 bytes) ‖ amount (12 bytes) ‖ utxoPos (8 bytes) ‖ inFlightId (20 bytes)
/// `inFlightId` is the in-flight exit id of the output's tx: processing skips the entry while
/// that tx is exiting in flight (so a batch never pays an output whose inputs may be paid).
/// Leaf i (entries counted across groups) = keccak256(owner ‖ entry) (80 bytes); node =
/// keccak256(left ‖ right) (64 bytes: never a leaf's length); the leaves are padded with zero
/// words to the next power of two. Nothing in an entry is checked when the batch starts: a
/// wrong entry is challenged with its leaf and branch (`verify`).
library BatchEntries {
    uint256 internal constant GROUP_HEADER = 22;
    uint256 internal constant ENTRY = 60;
    /// @notice Most entries a batch may hold: 2^10, so a branch has at most 10 hashes and the
    /// whole batch can be processed in one L1 transaction.
    uint256 internal constant MAX_ENTRIES = 1024;

    /// @notice One entry with its owner, as a challenge names it.
    struct Entry {
        address owner;
        uint160 exitId;
        uint96 amount;
        uint64 utxoPos;
        uint160 inFlightId;
    }

    /// @notice The list is malformed at byte `offset` (a group header or entry cut short, or a
    /// group of zero entries).
    error BatchEncoding(uint256 offset);
    /// @notice A batch holds 1 to MAX_ENTRIES entries.
    error BatchSize(uint256 entries);
    /// @notice The branch does not lead from the entry to the batch's root.
    error EntryNotInBatch(uint256 index);

    /// @notice The leaf of an entry.
    function leaf(Entry memory e) internal pure returns (bytes32 h) {
        bytes memory packed = abi.encodePacked(e.owner, e.exitId, e.amount, e.utxoPos, e.inFlightId);
        h = keccak256(packed);
    }

    /// @notice Reads group `p` of `list` (calldata offset): its owner, entry count and the
    /// offset of its first entry. Reverts on a short or empty group.
    function group(bytes calldata list, uint256 p)
        internal
        pure
        returns (address owner, uint256 n, uint256 first)
    {
        if (list.length - p < GROUP_HEADER) revert BatchEncoding(p);
        uint256 word;
        assembly ("memory-safe") {
            word := calldataload(add(list.offset, p))
        }
        owner = address(uint160(word >> 96));
        n = (word >> 80) & 0xffff;
        first = p + GROUP_HEADER;
        if (n == 0 || list.length - first < n * ENTRY) revert BatchEncoding(p);
    }

    /// @notice Entry at calldata offset `p` of `list` (bounds checked by `group`).
    function entryAt(bytes calldata list, uint256 p)
        internal
        pure
        returns (uint160 exitId, uint96 amount, uint64 utxoPos, uint160 inFlightId)
    {
        uint256 w0;
        uint256 w1;
        assembly ("memory-safe") {
            let at := add(list.offset, p)
            w0 := calldataload(at)
            w1 := calldataload(add(at, 32))
        }
        exitId = uint160(w0 >> 96);
        amount = uint96(w0);
        utxoPos = uint64(w1 >> 192);
        inFlightId = uint160(w1 >> 32);
    }

    /// @notice The root of `list`, its entry count and its largest utxoPos (the youngest entry).
    /// The owners are returned in order, once per group, so the caller can check who may exit
    /// for them.
    function commit(bytes calldata list)
        internal
        pure
        returns (bytes32 root, uint256 count, uint256 youngest, address[] memory owners)
    {
        uint256 width = 1;
        while (width * ENTRY < list.length) width <<= 1;
        if (width > MAX_ENTRIES) width = MAX_ENTRIES;
        bytes32[] memory nodes = new bytes32[](width);
        owners = new address[](list.length / (GROUP_HEADER + ENTRY) + 1);
        uint256 groups;
        (count, youngest, groups) = _hashAll(list, nodes, owners);
        if (count == 0) revert BatchSize(0);
        assembly ("memory-safe") {
            mstore(owners, groups)
        }
        width = 1;
        while (width < count) width <<= 1;
        root = _reduce(nodes, width);
    }

    /// @dev Hashes every entry of `list` into `nodes` and every group's owner into `owners`.
    function _hashAll(bytes calldata list, bytes32[] memory nodes, address[] memory owners)
        private
        pure
        returns (uint256 count, uint256 youngest, uint256 groups)
    {
        uint256 p;
        while (p < list.length) {
            (address owner, uint256 n, uint256 first) = group(list, p);
            owners[groups++] = owner;
            if (count + n > MAX_ENTRIES) revert BatchSize(count + n);
            uint256 young = _hashGroup(list, owner, first, n, nodes, count);
            if (young > youngest) youngest = young;
            count += n;
            p = first + n * ENTRY;
        }
    }

    /// @dev Writes the leaves of a group's `n` entries (from calldata offset `p`) to
    /// `nodes[first..]`; returns the group's largest utxoPos.
    function _hashGroup(
        bytes calldata list,
        address owner,
        uint256 p,
        uint256 n,
        bytes32[] memory nodes,
        uint256 first
    ) private pure returns (uint256 youngest) {
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            mstore(scratch, shl(96, owner))
            let src := add(list.offset, p)
            let dst := add(add(nodes, 32), shl(5, first))
            for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                calldatacopy(add(scratch, 20), src, 60)
                mstore(dst, keccak256(scratch, 80))
                let pos := shr(192, calldataload(add(src, 32)))
                if gt(pos, youngest) { youngest := pos }
                src := add(src, 60)
                dst := add(dst, 32)
            }
        }
    }

    /// @dev The root of the first `width` (a power of two) words of `nodes`, hashed in place.
    function _reduce(bytes32[] memory nodes, uint256 width) private pure returns (bytes32 root) {
        assembly ("memory-safe") {
            let base := add(nodes, 32)
            for {} gt(width, 1) { width := shr(1, width) } {
                let half := shr(1, width)
                for { let i := 0 } lt(i, half) { i := add(i, 1) } {
                    mstore(add(base, shl(5, i)), keccak256(add(base, shl(6, i)), 64))
                }
            }
            root := mload(base)
        }
    }

    /// @notice The depth of a batch of `count` entries: log2 of the next power of two.
    function depth(uint256 count) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < count) ++d;
    }

    /// @notice Checks that entry `e` is leaf `index` of the batch `root` of `count` entries.
    function verify(
        Entry memory e,
        uint256 index,
        bytes32[] calldata branch,
        bytes32 root,
        uint256 count
    ) internal pure {
        if (index >= count || branch.length != depth(count)) {
            revert EntryNotInBatch(index);
        }
        bytes32 h = leaf(e);
        for (uint256 d; d < branch.length; ++d) {
            bytes32 sibling = branch[d];
            h = (index >> d) & 1 == 1
                ? keccak256(abi.encodePacked(sibling, h))
                : keccak256(abi.encodePacked(h, sibling));
        }
        if (h != root) revert EntryNotInBatch(index);
    }
}
