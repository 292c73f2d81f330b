// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";
import {CashTree} from "./CashTree.sol";
import {PlasmaCash} from "../../src/cash/PlasmaCash.sol";
import {TestToken} from "../../src/test-tokens/TestToken.sol";
import {TestNft} from "../../src/test-tokens/TestNft.sol";

/// @notice Base of the PlasmaCash contract tests: deploys it, funds users, and builds coin txs,
/// blocks (a few leaves each, kept here to compute proofs), signatures and checkpoints.
abstract contract CashTest is Test {
    uint256 internal constant BOND = 0.1 ether;
    uint256 internal constant MEP = 7 days;
    uint256 internal constant RESPONSE = 3 days;
    uint256 internal constant WINDOW = 7 days;
    uint256 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant OPERATOR_KEY = 0x0be7a702;
    uint256 internal constant ALICE_KEY = 0xa11ce;
    uint256 internal constant BOB_KEY = 0xb0b;
    uint256 internal constant CAROL_KEY = 0xca201;
    uint256 internal constant MALLORY_KEY = 0x3a11021;
    /// Slots of other coins' txs placed in every block, so that proofs have real siblings.
    uint64 internal constant FILLER_A = 0x0123456789abcdef;
    uint64 internal constant FILLER_B = 0xfedcba9876543210;

    address internal operator;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal mallory;

    PlasmaCash internal cash;
    TestToken internal token;
    TestNft internal nft;

    struct Leaves {
        uint64[] slots;
        bytes32[] leaves;
    }

    /// block number → its leaves (operator blocks submitted through `_submit`)
    mapping(uint256 => Leaves) internal _tree;
    /// checkpoint id → its leaves
    mapping(uint256 => Leaves) internal _cpTree;

    function setUp() public virtual {
        vm.warp(START_TIME);
        operator = vm.addr(OPERATOR_KEY);
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        mallory = vm.addr(MALLORY_KEY);
        cash = new PlasmaCash(operator, BOND, MEP, RESPONSE, WINDOW);
        token = new TestToken("Test", "TST");
        nft = new TestNft("Test NFT", "TNFT");
        address[4] memory users = [alice, bob, carol, mallory];
        for (uint256 i; i < users.length; ++i) {
            vm.deal(users[i], 1000 ether);
            token.mint(users[i], 1e24);
        }
    }

    // ---------------------------------------------------------------- deposits

    function _depositEth(address user, uint256 amount) internal returns (uint64 slot) {
        vm.prank(user);
        slot = cash.depositEth{value: amount}();
    }

    function _depositErc20(address user, uint256 amount) internal returns (uint64 slot) {
        vm.prank(user);
        token.approve(address(cash), amount);
        vm.prank(user);
        slot = cash.depositErc20(address(token), amount);
    }

    function _depositNft(address user, uint256 tokenId) internal returns (uint64 slot) {
        nft.mint(user, tokenId);
        uint256 n = cash.numCoins();
        vm.prank(user);
        nft.safeTransferFrom(user, address(cash), tokenId);
        slot = uint64(bytes8(keccak256(abi.encodePacked(uint64(n), address(nft), user))));
    }

    function _depositBlock(uint64 slot) internal view returns (uint256 b) {
        (, b,,,,,,) = cash.coin(slot);
    }

    // ---------------------------------------------------------------- txs, blocks

    function _tx(uint64 slot, uint256 prevBlock, uint256 denom, address owner)
        internal
        pure
        returns (bytes memory)
    {
        return CashTree.encodeTx(slot, prevBlock, denom, owner);
    }

    function _hash(bytes memory txBytes) internal pure returns (bytes32) {
        // Every tx built here by _tx with a non-zero prevBlock.
        return keccak256(txBytes);
    }

    function _sign(uint256 pk, bytes memory txBytes) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, keccak256(txBytes));
        return abi.encodePacked(uint8(0), r, s, v);
    }

    /// @dev Submits an operator block holding `slot → keccak(txBytes)` and two filler txs.
    function _submitTx(uint64 slot, bytes memory txBytes) internal returns (uint256) {
        uint64[] memory slots = new uint64[](1);
        bytes32[] memory leaves = new bytes32[](1);
        (slots[0], leaves[0]) = (slot, keccak256(txBytes));
        return _submit(slots, leaves);
    }

    /// @dev Submits an operator block with these leaves (plus two fillers).
    function _submit(uint64[] memory slots, bytes32[] memory leaves) internal returns (uint256 b) {
        Leaves storage l = _tree[cash.nextChildBlock()];
        for (uint256 i; i < slots.length; ++i) {
            l.slots.push(slots[i]);
            l.leaves.push(leaves[i]);
        }
        l.slots.push(FILLER_A);
        l.leaves.push(keccak256("filler a"));
        l.slots.push(FILLER_B);
        l.leaves.push(keccak256("filler b"));
        bytes32 r = CashTree.root(l.slots, l.leaves);
        b = cash.nextChildBlock();
        vm.prank(operator);
        cash.submitBlock(r);
    }

    /// @dev An empty-of-our-coin operator block (only the fillers).
    function _submitEmpty() internal returns (uint256) {
        return _submit(new uint64[](0), new bytes32[](0));
    }

    function _proof(uint256 blockNumber, uint64 slot) internal view returns (bytes memory) {
        Leaves storage l = _tree[blockNumber];
        return CashTree.proof(l.slots, l.leaves, slot);
    }

    // ---------------------------------------------------------------- exits

    function _exitDeposit(address who, uint64 slot, uint256 denom) internal {
        bytes memory dep = _tx(slot, 0, denom, who);
        uint256[2] memory blocks = [uint256(0), _depositBlock(slot)];
        vm.prank(who);
        cash.startExit{value: BOND}(slot, "", dep, "", "", "", blocks);
    }

    /// @dev `who` exits `exiting` (at exitBlock) spending `prev` (at prevBlock), signed by
    /// prevKey.
    function _exit(
        address who,
        uint64 slot,
        bytes memory prev,
        uint256 prevBlock,
        bytes memory exiting,
        uint256 exitBlock,
        uint256 prevKey
    ) internal {
        bytes memory sig = _sign(prevKey, exiting);
        bytes memory prevProof = prevBlock % 1000 == 0 ? _proof(prevBlock, slot) : bytes("");
        bytes memory exitProof = _proof(exitBlock, slot);
        uint256[2] memory blocks = [prevBlock, exitBlock];
        vm.prank(who);
        cash.startExit{value: BOND}(slot, prev, exiting, prevProof, exitProof, sig, blocks);
    }

    function _state(uint64 slot) internal view returns (uint8 s) {
        (,,, s,,,,) = cash.coin(slot);
    }

    function _live(uint64 slot) internal view returns (bool live) {
        (live,,,,,,,,) = cash.exitOf(slot);
    }

    // ---------------------------------------------------------------- checkpoints

    /// @dev Submits a checkpoint at `blockNumber` with these leaves (plus the fillers' leaves).
    function _checkpoint(uint256 blockNumber, uint64[] memory slots, bytes32[] memory leaves)
        internal
        returns (uint256 id)
    {
        Leaves storage l = _cpTree[cash.checkpointCount() + 1];
        for (uint256 i; i < slots.length; ++i) {
            l.slots.push(slots[i]);
            l.leaves.push(leaves[i]);
        }
        l.slots.push(FILLER_A);
        l.leaves.push(keccak256("filler a"));
        bytes32 r = CashTree.root(l.slots, l.leaves);
        vm.prank(operator);
        id = cash.submitCheckpoint(blockNumber, r);
    }

    function _checkpoint1(uint256 blockNumber, uint64 slot, bytes32 leaf)
        internal
        returns (uint256)
    {
        uint64[] memory slots = new uint64[](1);
        bytes32[] memory leaves = new bytes32[](1);
        (slots[0], leaves[0]) = (slot, leaf);
        return _checkpoint(blockNumber, slots, leaves);
    }

    function _cpProof(uint256 id, uint64 slot) internal view returns (bytes memory) {
        Leaves storage l = _cpTree[id];
        return CashTree.proof(l.slots, l.leaves, slot);
    }

    function _cpLeaf(uint256 id, uint64 slot) internal view returns (bytes32) {
        Leaves storage l = _cpTree[id];
        for (uint256 i; i < l.slots.length; ++i) {
            if (l.slots[i] == slot) return l.leaves[i];
        }
        return CashTree.defaults()[0];
    }
}
