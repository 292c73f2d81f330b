// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";
import {CashTree} from "./CashTree.sol";
import {RlpEncode} from "./RlpEncode.sol";
import {PlasmaDebit} from "../../src/debit/PlasmaDebit.sol";

/// @notice Test-side Plasma Debit transactions (docs/debit.md, "Transactions"), written
/// independently of src/lib: the three kinds' RLP and their hashes.
library DebitTxs {
    function deposit(uint64 slot, address owner, uint256 balance)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](4);
        items[0] = RlpEncode.uintItem(0);
        items[1] = RlpEncode.uintItem(slot);
        items[2] = RlpEncode.addressItem(owner);
        items[3] = RlpEncode.uintItem(balance);
        return RlpEncode.list(items);
    }

    function transfer(uint64 slot, uint256 prevBlock, address newOwner, uint256 balance)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](5);
        items[0] = RlpEncode.uintItem(1);
        items[1] = RlpEncode.uintItem(slot);
        items[2] = RlpEncode.uintItem(prevBlock);
        items[3] = RlpEncode.addressItem(newOwner);
        items[4] = RlpEncode.uintItem(balance);
        return RlpEncode.list(items);
    }

    function pay(
        uint64 fromSlot,
        uint256 fromPrevBlock,
        address fromOwner,
        uint256 fromBalance,
        uint64 toSlot,
        address toOwner,
        uint256 amount
    ) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](8);
        items[0] = RlpEncode.uintItem(2);
        items[1] = RlpEncode.uintItem(fromSlot);
        items[2] = RlpEncode.uintItem(fromPrevBlock);
        items[3] = RlpEncode.addressItem(fromOwner);
        items[4] = RlpEncode.uintItem(fromBalance);
        items[5] = RlpEncode.uintItem(toSlot);
        items[6] = RlpEncode.addressItem(toOwner);
        items[7] = RlpEncode.uintItem(amount);
        return RlpEncode.list(items);
    }

    function depositHash(uint64 slot) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(slot));
    }
}

/// @notice Base of the PlasmaDebit tests: deploys it, funds users, and builds Debit txs,
/// blocks (a few leaves each, kept here to compute proofs; a pay's hash at both its slots),
/// 66-byte signatures and the `TxProof`s the contract takes.
abstract contract DebitTest is Test {
    uint256 internal constant BOND = 0.1 ether;
    uint256 internal constant MEP = 7 days;
    uint256 internal constant RESPONSE = 3 days;
    uint256 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant OPERATOR_KEY = 0x0be7a702;
    uint256 internal constant ALICE_KEY = 0xa11ce;
    uint256 internal constant BOB_KEY = 0xb0b;
    uint256 internal constant CAROL_KEY = 0xca201;
    uint256 internal constant MALLORY_KEY = 0x3a11021;
    /// Slots of other coins' txs placed in every block, so that proofs have real siblings.
    uint64 internal constant FILLER_A = 0x0123456789abcdef;
    uint64 internal constant FILLER_B = 0xfedcba9876543210;
    /// `_txp`'s peer slot for a tx without a peer leg (no pay, or a pay shown without it).
    uint64 internal constant NO_PEER = type(uint64).max;

    address internal operator;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal mallory;

    PlasmaDebit internal debit;

    struct Leaves {
        uint64[] slots;
        bytes32[] leaves;
    }

    /// block number → its leaves (operator blocks submitted through `_submit`)
    mapping(uint256 => Leaves) internal _tree;

    function setUp() public virtual {
        vm.warp(START_TIME);
        operator = vm.addr(OPERATOR_KEY);
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        mallory = vm.addr(MALLORY_KEY);
        debit = new PlasmaDebit(operator, BOND, MEP, RESPONSE);
        address[5] memory users = [alice, bob, carol, mallory, operator];
        for (uint256 i; i < users.length; ++i) {
            vm.deal(users[i], 1000 ether);
        }
    }

    // ---------------------------------------------------------------- coins

    function _deposit(address user, uint256 amount) internal returns (uint64 slot) {
        vm.prank(user);
        slot = debit.depositEth{value: amount}();
    }

    function _topUp(uint64 slot, uint256 amount) internal {
        vm.prank(operator);
        debit.topUp{value: amount}(slot);
    }

    function _depositBlock(uint64 slot) internal view returns (uint256 b) {
        (, b,,,,) = debit.coin(slot);
    }

    function _capacity(uint64 slot) internal view returns (uint256 v) {
        (,,, v,,) = debit.coin(slot);
    }

    function _state(uint64 slot) internal view returns (uint8 s) {
        (,,,, s,) = debit.coin(slot);
    }

    function _nonce(uint64 slot) internal view returns (uint256 n) {
        (,,,,, n) = debit.coin(slot);
    }

    function _credits(uint64 slot) internal view returns (uint256 credits) {
        (,,,,,, credits,,,) = debit.exitOf(slot);
    }

    function _exitOwner(uint64 slot) internal view returns (address owner) {
        (owner,,,,,,,,,) = debit.exitOf(slot);
    }

    function _exitableAt(uint64 slot) internal view returns (uint256 t) {
        (,,,,,,, t,,) = debit.exitOf(slot);
    }

    // ---------------------------------------------------------------- txs

    function _dep(uint64 slot, address owner, uint256 balance)
        internal
        pure
        returns (bytes memory)
    {
        return DebitTxs.deposit(slot, owner, balance);
    }

    function _transfer(uint64 slot, uint256 prevBlock, address newOwner, uint256 balance)
        internal
        pure
        returns (bytes memory)
    {
        return DebitTxs.transfer(slot, prevBlock, newOwner, balance);
    }

    function _pay(
        uint64 fromSlot,
        uint256 prevBlock,
        address fromOwner,
        uint256 fromBalance,
        uint64 toSlot,
        address toOwner,
        uint256 amount
    ) internal pure returns (bytes memory) {
        return DebitTxs.pay(fromSlot, prevBlock, fromOwner, fromBalance, toSlot, toOwner, amount);
    }

    /// @dev The 66-byte Plasma Cash signature (mode 0, the raw hash) of a non-deposit tx.
    function _sign(uint256 pk, bytes memory txBytes) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, keccak256(txBytes));
        return abi.encodePacked(uint8(0), r, s, v);
    }

    // ---------------------------------------------------------------- blocks

    /// @dev Submits an operator block with these leaves (plus two fillers).
    function _submit(uint64[] memory slots, bytes32[] memory leaves) internal returns (uint256 b) {
        b = debit.nextChildBlock();
        Leaves storage l = _tree[b];
        for (uint256 i; i < slots.length; ++i) {
            l.slots.push(slots[i]);
            l.leaves.push(leaves[i]);
        }
        l.slots.push(FILLER_A);
        l.leaves.push(keccak256("filler a"));
        l.slots.push(FILLER_B);
        l.leaves.push(keccak256("filler b"));
        bytes32 r = CashTree.root(l.slots, l.leaves);
        vm.prank(operator);
        debit.submitBlock(r);
    }

    /// @dev An operator block holding `keccak256(txBytes)` at `slot` only.
    function _submitTx(uint64 slot, bytes memory txBytes) internal returns (uint256) {
        uint64[] memory slots = new uint64[](1);
        bytes32[] memory leaves = new bytes32[](1);
        (slots[0], leaves[0]) = (slot, keccak256(txBytes));
        return _submit(slots, leaves);
    }

    /// @dev An operator block holding the pay at both its slots.
    function _submitPay(bytes memory payTx, uint64 fromSlot, uint64 toSlot)
        internal
        returns (uint256)
    {
        uint64[] memory slots = new uint64[](2);
        bytes32[] memory leaves = new bytes32[](2);
        (slots[0], slots[1]) = (fromSlot, toSlot);
        (leaves[0], leaves[1]) = (keccak256(payTx), keccak256(payTx));
        return _submit(slots, leaves);
    }

    /// @dev An operator block holding two txs: `a` at `slotA` (both slots if a pay to
    /// `peerA`, else peerA = NO_PEER) and `b` at `slotB`.
    function _submitTwo(
        bytes memory a,
        uint64 slotA,
        uint64 peerA,
        bytes memory b,
        uint64 slotB
    ) internal returns (uint256) {
        uint256 n = peerA == NO_PEER ? 2 : 3;
        uint64[] memory slots = new uint64[](n);
        bytes32[] memory leaves = new bytes32[](n);
        (slots[0], leaves[0]) = (slotA, keccak256(a));
        (slots[1], leaves[1]) = (slotB, keccak256(b));
        if (n == 3) (slots[2], leaves[2]) = (peerA, keccak256(a));
        return _submit(slots, leaves);
    }

    /// @dev A block without our coins (only the fillers).
    function _submitEmpty() internal returns (uint256) {
        return _submit(new uint64[](0), new bytes32[](0));
    }

    function _proof(uint256 blockNumber, uint64 slot) internal view returns (bytes memory) {
        Leaves storage l = _tree[blockNumber];
        return CashTree.proof(l.slots, l.leaves, slot);
    }

    // ---------------------------------------------------------------- proofs

    /// @dev `txBytes` at `blockNumber` with its proof at `slot` (none in a deposit block), the
    /// proof at `peer` (NO_PEER: none) and its signature by `key` (0: none).
    function _txp(bytes memory txBytes, uint256 blockNumber, uint64 slot, uint64 peer, uint256 key)
        internal
        view
        returns (PlasmaDebit.TxProof memory p)
    {
        p.txBytes = txBytes;
        p.blockNumber = blockNumber;
        if (blockNumber % 1000 == 0) p.proof = _proof(blockNumber, slot);
        if (peer != NO_PEER) p.peerProof = _proof(blockNumber, peer);
        if (key != 0) p.signature = _sign(key, txBytes);
    }

    /// @dev The deposit of coin `slot` as a TxProof.
    function _depP(uint64 slot, address owner, uint256 amount)
        internal
        view
        returns (PlasmaDebit.TxProof memory p)
    {
        p.txBytes = _dep(slot, owner, amount);
        p.blockNumber = _depositBlock(slot);
    }

    function _none() internal pure returns (PlasmaDebit.TxProof memory p) {}

    // ---------------------------------------------------------------- exits

    /// @dev `who` exits the deposit of `slot` (owned by `owner`, `amount`).
    function _exitDeposit(address who, uint64 slot, address owner, uint256 amount) internal {
        PlasmaDebit.TxProof memory e = _depP(slot, owner, amount);
        vm.prank(who);
        debit.startExit{value: BOND}(slot, _none(), e);
    }

    function _startExit(
        address who,
        uint64 slot,
        PlasmaDebit.TxProof memory parent,
        PlasmaDebit.TxProof memory exiting
    ) internal {
        vm.prank(who);
        debit.startExit{value: BOND}(slot, parent, exiting);
    }
}
