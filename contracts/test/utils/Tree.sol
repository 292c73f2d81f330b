// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A test-side depth-16 salted Merkle tree, computed level by level (independent of
/// src/lib/Merkle.sol): roots and proofs of small blocks.
library Tree {
    function leaf(bytes memory data) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), data));
    }

    function node(bytes32 l, bytes32 r) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), l, r));
    }

    function empties() internal pure returns (bytes32[17] memory z) {
        z[0] = keccak256(abi.encodePacked(bytes1(0x00), bytes32(0)));
        for (uint256 d = 1; d <= 16; ++d) {
            z[d] = node(z[d - 1], z[d - 1]);
        }
    }

    /// @dev Root of the block whose txs are `txs` (leaf i = tx i) and the proof of leaf `index`.
    function rootAndProof(bytes[] memory txs, uint256 index)
        internal
        pure
        returns (bytes32 r, bytes memory proof)
    {
        bytes32[] memory leaves = new bytes32[](txs.length);
        for (uint256 i; i < txs.length; ++i) {
            leaves[i] = leaf(txs[i]);
        }
        return rootAndProofOfLeaves(leaves, index);
    }

    /// @dev Root of the tree whose first leaf hashes are `leaves` (the rest empty) and the
    /// proof of leaf `index`, level by level.
    function rootAndProofOfLeaves(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 r, bytes memory proof)
    {
        bytes32[17] memory z = empties();
        bytes32[] memory level = leaves;
        for (uint256 d; d < 16; ++d) {
            uint256 sib = index ^ 1;
            proof = bytes.concat(proof, sib < level.length ? level[sib] : z[d]);
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 i; i < next.length; ++i) {
                bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : z[d];
                next[i] = node(level[2 * i], right);
            }
            level = next;
            index >>= 1;
        }
        r = level.length == 0 ? z[16] : level[0];
    }

    function root(bytes[] memory txs) internal pure returns (bytes32 r) {
        (r,) = rootAndProof(txs, 0);
    }

    /// @dev The proof of a deposit tx (leaf 0 of a deposit block): the 16 empty subtrees.
    function depositProof() internal pure returns (bytes memory proof) {
        bytes32[17] memory z = empties();
        for (uint256 d; d < 16; ++d) {
            proof = bytes.concat(proof, z[d]);
        }
    }
}
