// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {TxFixtures} from "./utils/TxFixtures.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";
import {Tree} from "./utils/Tree.sol";

contract MerkleTest is Test, TxFixtures {
    FormatsHarness internal h;

    function setUp() public {
        h = new FormatsHarness();
    }

    // ---------------------------------------------------------------- an independent tree
    // (test/utils/Tree.sol: computed level by level, not with src/lib/Merkle.sol)

    function _threeTxBlock() internal pure returns (bytes[] memory txs, bytes32[] memory leaves) {
        txs = new bytes[](3);
        (txs[0], txs[1], txs[2]) = (TX_A, TX_B, TX_C);
        leaves = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            leaves[i] = Tree.leaf(txs[i]);
        }
    }

    // ---------------------------------------------------------------- constants and hashes

    function test_emptySubtreeConstants() public pure {
        bytes32[17] memory z = Tree.empties();
        for (uint256 d; d <= 16; ++d) {
            assertEq(Merkle.emptySubtree(d), z[d], string.concat("empty subtree ", vm.toString(d)));
        }
        bytes32[16] memory named = [
            Merkle.EMPTY_0,
            Merkle.EMPTY_1,
            Merkle.EMPTY_2,
            Merkle.EMPTY_3,
            Merkle.EMPTY_4,
            Merkle.EMPTY_5,
            Merkle.EMPTY_6,
            Merkle.EMPTY_7,
            Merkle.EMPTY_8,
            Merkle.EMPTY_9,
            Merkle.EMPTY_10,
            Merkle.EMPTY_11,
            Merkle.EMPTY_12,
            Merkle.EMPTY_13,
            Merkle.EMPTY_14,
            Merkle.EMPTY_15
        ];
        for (uint256 d; d < 16; ++d) {
            assertEq(named[d], z[d], "named constant");
        }
        assertEq(Merkle.EMPTY_ROOT, z[16], "empty root");
    }

    function test_emptySubtree_levelOutOfRange() public {
        MerkleCaller c = new MerkleCaller();
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleLevelOutOfRange.selector, 17));
        c.emptySubtree(17);
    }

    function test_leafHash() public view {
        assertEq(h.leafHash(""), keccak256(hex"00"), "empty data");
        assertEq(h.leafHash(abi.encodePacked(bytes32(0))), Merkle.EMPTY_0, "empty leaf");
        assertEq(h.leafHash(TX_A), Tree.leaf(TX_A), "tx");
        assertNotEq(h.leafHash(TX_A), keccak256(TX_A), "leaf is salted");
    }

    function test_leafHash_leavesInputIntact() public pure {
        bytes memory data = TX_A;
        bytes32 before = keccak256(data);
        Merkle.leafHash(data);
        assertEq(data.length, TX_A.length, "length restored");
        assertEq(keccak256(data), before, "data intact");
    }

    function test_nodeHash() public pure {
        bytes32 l = keccak256("l");
        bytes32 r = keccak256("r");
        assertEq(Merkle.nodeHash(l, r), Tree.node(l, r), "node");
    }

    // ---------------------------------------------------------------- membership

    function test_membership_smallBlock() public view {
        (bytes[] memory txs, bytes32[] memory leaves) = _threeTxBlock();
        for (uint256 i; i < 3; ++i) {
            (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, i);
            assertEq(proof.length, 512, "proof length");
            assertTrue(h.checkMembership(txs[i], i, root, proof), "member");
        }
    }

    function test_membership_wrongIndex() public view {
        (bytes[] memory txs, bytes32[] memory leaves) = _threeTxBlock();
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, 1);
        assertFalse(h.checkMembership(txs[1], 0, root, proof), "index 0");
        assertFalse(h.checkMembership(txs[1], 3, root, proof), "index 3");
        assertFalse(h.checkMembership(txs[1], 1 + 32768, root, proof), "index with a high bit");
    }

    function test_membership_wrongLeafOrRoot() public view {
        (bytes[] memory txs, bytes32[] memory leaves) = _threeTxBlock();
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, 2);
        assertFalse(h.checkMembership(txs[0], 2, root, proof), "other tx");
        assertFalse(h.checkMembership(txs[2], 2, keccak256("root"), proof), "other root");
        proof[100] = proof[100] ^ 0x01;
        assertFalse(h.checkMembership(txs[2], 2, root, proof), "tampered proof");
    }

    function test_membership_lastLeaf() public view {
        // Leaf 65535 alone in its block: every sibling is an empty subtree.
        bytes32[17] memory z = Tree.empties();
        bytes memory proof;
        for (uint256 d; d < 16; ++d) {
            proof = bytes.concat(proof, z[d]);
        }
        bytes32 hash = Tree.leaf(TX_A);
        // Index 65535 has every bit set: the node is always the right child.
        for (uint256 d; d < 16; ++d) {
            hash = Tree.node(z[d], hash);
        }
        assertTrue(h.checkMembership(TX_A, 65_535, hash, proof), "leaf 65535");
        assertFalse(h.checkMembership(TX_A, 0, hash, proof), "not leaf 0");
    }

    function test_membership_rejectsWrongProofLength() public {
        (bytes[] memory txs, bytes32[] memory leaves) = _threeTxBlock();
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 511));
        h.checkMembership(txs[0], 0, root, _slice(proof, 511));
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 513));
        h.checkMembership(txs[0], 0, root, bytes.concat(proof, hex"00"));
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 0));
        h.checkMembership(txs[0], 0, root, "");
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 480));
        h.checkMembership(txs[0], 0, root, _slice(proof, 480)); // 15 siblings
    }

    function test_membership_rejectsIndexOutOfRange() public {
        (bytes[] memory txs, bytes32[] memory leaves) = _threeTxBlock();
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleIndexOutOfRange.selector, 65_536));
        h.checkMembership(txs[0], 65_536, root, proof);
        vm.expectRevert(
            abi.encodeWithSelector(Merkle.MerkleIndexOutOfRange.selector, type(uint256).max)
        );
        h.checkMembership(txs[0], type(uint256).max, root, proof);
    }

    function _slice(bytes memory b, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[i] = b[i];
        }
    }

    // ---------------------------------------------------------------- deposit roots

    function test_depositRoot() public view {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = Tree.leaf(TX_B);
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, 0);
        assertEq(h.depositRoot(TX_B), root, "deposit root");
        assertTrue(h.checkMembership(TX_B, 0, h.depositRoot(TX_B), proof), "provable at leaf 0");
    }

    // ---------------------------------------------------------------- fuzz

    /// Random leaf data at a random index with random siblings: the proof verifies, and fails
    /// at any other index.
    function testFuzz_membership(bytes memory data, uint16 index, uint256 seed, uint16 other)
        public
        view
    {
        bytes memory proof;
        for (uint256 d; d < 16; ++d) {
            proof = bytes.concat(proof, keccak256(abi.encode(seed, d)));
        }
        bytes32 hash = Tree.leaf(data);
        for (uint256 d; d < 16; ++d) {
            bytes32 sib = keccak256(abi.encode(seed, d));
            hash = (uint256(index) >> d) & 1 == 0 ? Tree.node(hash, sib) : Tree.node(sib, hash);
        }
        assertTrue(h.checkMembership(data, index, hash, proof), "member");
        if (other != index) {
            assertFalse(h.checkMembership(data, other, hash, proof), "other index");
        }
    }

    /// Random small blocks: every leaf proves against the root built level by level.
    function testFuzz_smallBlocks(uint256 seed, uint8 n, uint8 pick) public view {
        uint256 count = 1 + uint256(n) % 9;
        bytes[] memory datas = new bytes[](count);
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            datas[i] = abi.encodePacked(keccak256(abi.encode(seed, i)), uint8(i));
            leaves[i] = Tree.leaf(datas[i]);
        }
        uint256 idx = uint256(pick) % count;
        (bytes32 root, bytes memory proof) = Tree.rootAndProofOfLeaves(leaves, idx);
        assertTrue(h.checkMembership(datas[idx], idx, root, proof), "member");
        if (count == 1) assertEq(h.depositRoot(datas[0]), root, "single-leaf root");
    }

    function testFuzz_depositRoot(bytes memory data) public view {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = Tree.leaf(data);
        (bytes32 root,) = Tree.rootAndProofOfLeaves(leaves, 0);
        assertEq(h.depositRoot(data), root, "deposit root");
    }
}

/// @dev External access to library functions that the harness does not expose.
contract MerkleCaller {
    function emptySubtree(uint256 level) external pure returns (bytes32) {
        return Merkle.emptySubtree(level);
    }
}
