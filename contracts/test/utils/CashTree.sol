// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RlpEncode} from "./RlpEncode.sol";

/// @notice Test-side Plasma Cash formats, written independently of src/lib: the depth-64
/// sparse Merkle tree of a few leaves (root and bitmap proofs, computed recursively from the
/// definition), coin transactions and their hashes.
library CashTree {
    function defaults() internal pure returns (bytes32[65] memory d) {
        d[0] = keccak256(abi.encodePacked(bytes32(0)));
        for (uint256 i = 1; i <= 64; ++i) {
            d[i] = keccak256(abi.encodePacked(d[i - 1], d[i - 1]));
        }
    }

    /// @dev The root of the subtree of height `level` at `index` (slot >> level).
    function node(
        uint64[] memory slots,
        bytes32[] memory leaves,
        uint256 level,
        uint256 index,
        bytes32[65] memory d
    ) internal pure returns (bytes32) {
        bool any;
        for (uint256 i; i < slots.length; ++i) {
            if (uint256(slots[i]) >> level == index) {
                if (level == 0) return leaves[i];
                any = true;
            }
        }
        if (!any) return d[level];
        return keccak256(
            abi.encodePacked(
                node(slots, leaves, level - 1, index * 2, d),
                node(slots, leaves, level - 1, index * 2 + 1, d)
            )
        );
    }

    function root(uint64[] memory slots, bytes32[] memory leaves) internal pure returns (bytes32) {
        return node(slots, leaves, 64, 0, defaults());
    }

    /// @dev The bitmap proof of `slot` (inclusion if it has a leaf, else non-inclusion).
    function proof(uint64[] memory slots, bytes32[] memory leaves, uint64 slot)
        internal
        pure
        returns (bytes memory siblings)
    {
        bytes32[65] memory d = defaults();
        uint64 bitmap;
        for (uint256 level; level < 64; ++level) {
            uint256 sib = (uint256(slot) >> level) ^ 1;
            bool any;
            for (uint256 i; i < slots.length; ++i) {
                if (uint256(slots[i]) >> level == sib) any = true;
            }
            if (any) {
                bitmap |= uint64(1 << level);
                siblings = bytes.concat(siblings, node(slots, leaves, level, sib, d));
            }
        }
        return bytes.concat(bytes8(bitmap), siblings);
    }

    function encodeTx(uint64 slot, uint256 prevBlock, uint256 denomination, address owner)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](4);
        items[0] = RlpEncode.uintItem(slot);
        items[1] = RlpEncode.uintItem(prevBlock);
        items[2] = RlpEncode.uintItem(denomination);
        items[3] = RlpEncode.addressItem(owner);
        return RlpEncode.list(items);
    }

    function txHash(uint64 slot, uint256 prevBlock, uint256 denomination, address owner)
        internal
        pure
        returns (bytes32)
    {
        if (prevBlock == 0) return keccak256(abi.encodePacked(slot));
        return keccak256(encodeTx(slot, prevBlock, denomination, owner));
    }
}

/// @notice A leaf's path in a big block: `depth` real siblings from the leaf up (as in a block
/// of 2^depth txs), the rest empty; gives the root and the proof.
library CashBigBlock {
    function rootAndProof(bytes32 leaf, uint64 slot, uint256 depth, bytes32 seed)
        internal
        pure
        returns (bytes32 node, bytes memory proof)
    {
        bytes32[65] memory d = CashTree.defaults();
        uint64 bitmap;
        bytes memory siblings;
        node = leaf;
        for (uint256 level; level < 64; ++level) {
            bytes32 sib = d[level];
            if (level < depth) {
                sib = keccak256(abi.encodePacked(seed, level));
                bitmap |= uint64(1 << level);
                siblings = bytes.concat(siblings, sib);
            }
            node = (uint256(slot) >> level) & 1 == 0
                ? keccak256(abi.encodePacked(node, sib))
                : keccak256(abi.encodePacked(sib, node));
        }
        proof = bytes.concat(bytes8(bitmap), siblings);
    }
}
