// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Merkle
/// @notice The block Merkle tree of the payment chain (SPEC.md §2): fixed depth 16 (65,536
/// leaves), salted hashing so a leaf can never pass for a node or the other way round:
/// - leaf  = keccak256(0x00 ‖ leafData)        (leafData = the unsigned tx bytes)
/// - node  = keccak256(0x01 ‖ left ‖ right)
/// - empty leaf = keccak256(0x00 ‖ 32 zero bytes)
/// A proof is the 16 siblings from the leaf level up, 32 bytes each: exactly 512 bytes.
/// Bit d of the leaf index tells whether the node at level d is a right (1) or left (0) child.
library Merkle {
    uint256 internal constant DEPTH = 16;
    uint256 internal constant MAX_LEAVES = 65_536;
    uint256 internal constant PROOF_LENGTH = 512;

    // EMPTY_d: the root of an all-empty subtree of height d (EMPTY_0 is the empty leaf);
    // EMPTY_d = node(EMPTY_{d-1}, EMPTY_{d-1}). Checked against a computation in test/Merkle.t.sol.
    bytes32 internal constant EMPTY_0 =
        0xf39a869f62e75cf5f0bf914688a6b289caf2049435d8e68c5c5e6d05e44913f3;
    bytes32 internal constant EMPTY_1 =
        0x4ed5c02d6d48c8932486c99d3ad999e5d8949dc3be3b3058cc2979690c3e3a62;
    bytes32 internal constant EMPTY_2 =
        0x1c792b14bf66f82af36f00f5fba7014fa0c1e2ff3c7c273bfe523c1acf67dc3f;
    bytes32 internal constant EMPTY_3 =
        0x5fa080a686a5a0d05c3d4822fd54d632dc9cc04b1616046eba2ce499eb9af79f;
    bytes32 internal constant EMPTY_4 =
        0x5eb949690a0404abf4cebafc7cfffa382191b7dd9e7df778581e6fb78efab35f;
    bytes32 internal constant EMPTY_5 =
        0xd364c9d5dadad4569b6dd47f7feabafa3571f842434425548335ac6e690dd071;
    bytes32 internal constant EMPTY_6 =
        0x68d8bc5b77979c1a6702334f529f5783f79e942fd2cd03f6e55ac2cf496e849f;
    bytes32 internal constant EMPTY_7 =
        0xde9c446fab46a8d27db1e3100f275a777d385b44e3cbc045cabac9da36cae040;
    bytes32 internal constant EMPTY_8 =
        0xad516082324c96127cf29f4535eb5b7ebacfe2a1d6d3aab8ec0483d32079a859;
    bytes32 internal constant EMPTY_9 =
        0xff70f9215970a8beebb1c164c474e82438174c8eeb6fbc8cb4594b88c9448f1d;
    bytes32 internal constant EMPTY_10 =
        0x40b09beaecac5b45db6e41434a122b695c5a85862d8eae40b3268f6f37e41433;
    bytes32 internal constant EMPTY_11 =
        0x7be38eba7ab5bbf303d01f4b7ae07fd73edc2f3be05e43948a34418a3272509c;
    bytes32 internal constant EMPTY_12 =
        0x43c2811a821e5c982ba51874ac7dc9dd79a80cc2f05f6f664c9dbb2e45443513;
    bytes32 internal constant EMPTY_13 =
        0x7da06ce44de45532a56a3a7007a2d0c6b435f726f95104bfa6e707046fc154ba;
    bytes32 internal constant EMPTY_14 =
        0xe91898d03a1a0ac6f9b45e471646e2555ac79e3fe87eb1781e26f20500240c37;
    bytes32 internal constant EMPTY_15 =
        0x9274fe91096e60d1545a8045571fdab9b530d0d6e7e8746e78bf9f20f4e86f06;
    /// @dev The root of a block with no transactions at all.
    bytes32 internal constant EMPTY_ROOT =
        0xf609befdfe9066fe14e743b3623eae878fbc468005608816832c9d460f2a95d2;

    /// @notice The proof is `length` bytes long; it must be exactly 512.
    error MerkleInvalidProofLength(uint256 length);
    /// @notice The leaf index `index` is not below 65536.
    error MerkleIndexOutOfRange(uint256 index);
    /// @notice There is no empty subtree of height `level` (0..16).
    error MerkleLevelOutOfRange(uint256 level);

    /// @notice keccak256(0x00 ‖ leafData).
    function leafHash(bytes memory leafData) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // The byte just before the data is the lowest byte of the length word. Set it to the
            // leaf salt 0x00, hash salt ‖ data in place (no copy), then restore the length.
            let len := mload(leafData)
            mstore8(add(leafData, 31), 0x00)
            h := keccak256(add(leafData, 31), add(len, 1))
            mstore(leafData, len)
        }
    }

    /// @notice keccak256(0x01 ‖ left ‖ right).
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // 65 bytes of scratch past the free memory pointer (not allocated, only used here).
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            mstore(add(ptr, 1), left)
            mstore(add(ptr, 33), right)
            h := keccak256(ptr, 65)
        }
    }

    /// @notice Whether `leafData` is the leaf at `index` of the tree with root `root`.
    /// Reverts if the proof is not 512 bytes long or the index is not below 65536.
    function checkMembership(bytes memory leafData, uint256 index, bytes32 root, bytes memory proof)
        internal
        pure
        returns (bool)
    {
        return computeRoot(leafHash(leafData), index, proof) == root;
    }

    /// @notice The root reached from the leaf hash `leaf` at `index` with the 16 siblings in `proof`.
    function computeRoot(bytes32 leaf, uint256 index, bytes memory proof)
        internal
        pure
        returns (bytes32 h)
    {
        if (proof.length != PROOF_LENGTH) revert MerkleInvalidProofLength(proof.length);
        if (index >= MAX_LEAVES) revert MerkleIndexOutOfRange(index);
        h = leaf;
        assembly ("memory-safe") {
            // 65 bytes of scratch past the free memory pointer: 0x01 ‖ left ‖ right.
            let buf := mload(0x40)
            mstore8(buf, 0x01)
            let siblings := add(proof, 0x20)
            for { let d := 0 } lt(d, 16) { d := add(d, 1) } {
                let sibling := mload(add(siblings, shl(5, d)))
                switch and(shr(d, index), 1)
                case 0 {
                    mstore(add(buf, 1), h)
                    mstore(add(buf, 33), sibling)
                }
                default {
                    mstore(add(buf, 1), sibling)
                    mstore(add(buf, 33), h)
                }
                h := keccak256(buf, 65)
            }
        }
    }

    /// @notice The root of a deposit block: `txBytes` at leaf 0, every other leaf empty.
    function depositRoot(bytes memory txBytes) internal pure returns (bytes32 h) {
        h = leafHash(txBytes);
        h = nodeHash(h, EMPTY_0);
        h = nodeHash(h, EMPTY_1);
        h = nodeHash(h, EMPTY_2);
        h = nodeHash(h, EMPTY_3);
        h = nodeHash(h, EMPTY_4);
        h = nodeHash(h, EMPTY_5);
        h = nodeHash(h, EMPTY_6);
        h = nodeHash(h, EMPTY_7);
        h = nodeHash(h, EMPTY_8);
        h = nodeHash(h, EMPTY_9);
        h = nodeHash(h, EMPTY_10);
        h = nodeHash(h, EMPTY_11);
        h = nodeHash(h, EMPTY_12);
        h = nodeHash(h, EMPTY_13);
        h = nodeHash(h, EMPTY_14);
        h = nodeHash(h, EMPTY_15);
    }

    /// @notice The root of an all-empty subtree of height `level` (0 = the empty leaf, 16 = an
    /// empty block).
    function emptySubtree(uint256 level) internal pure returns (bytes32) {
        if (level > DEPTH) revert MerkleLevelOutOfRange(level);
        bytes32[17] memory empties = [
            EMPTY_0,
            EMPTY_1,
            EMPTY_2,
            EMPTY_3,
            EMPTY_4,
            EMPTY_5,
            EMPTY_6,
            EMPTY_7,
            EMPTY_8,
            EMPTY_9,
            EMPTY_10,
            EMPTY_11,
            EMPTY_12,
            EMPTY_13,
            EMPTY_14,
            EMPTY_15,
            EMPTY_ROOT
        ];
        return empties[level];
    }
}
