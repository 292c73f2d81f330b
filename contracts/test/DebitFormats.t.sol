// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";
import {DebitTxs} from "./utils/DebitTest.sol";
import {DebitFormatsHarness} from "../src/harness/DebitFormatsHarness.sol";
import {DebitTransaction} from "../src/lib/DebitTransaction.sol";
import {Rlp} from "../src/lib/Rlp.sol";

/// @notice DebitTransaction: each kind's fields and hash, every malformed shape refused by
/// its error (the first bad field named), the slot formula; fuzzed round trips and strictness.
contract DebitFormatsTest is Test {
    DebitFormatsHarness internal h;

    address internal constant A = address(0x0101010101010101010101010101010101010101);
    address internal constant B = address(0x0202020202020202020202020202020202020202);
    uint256 internal constant TOO_BIG = uint256(type(uint64).max) + 1;

    function setUp() public {
        h = new DebitFormatsHarness();
    }

    struct Decoded {
        uint8 kind;
        uint64 slot;
        uint256 prevBlock;
        address owner;
        uint256 balance;
        uint64 toSlot;
        address toOwner;
        uint256 amount;
        bytes32 hash;
    }

    /// @dev `h.decode(t)` (which must succeed) as one struct: its nine static return values
    /// are encoded as the struct is.
    function _decode(bytes memory t) internal view returns (Decoded memory d) {
        bool ok;
        (ok, d) = _tryDecode(t);
        assertTrue(ok, "decodes");
    }

    function _tryDecode(bytes memory t) internal view returns (bool ok, Decoded memory d) {
        bytes memory ret;
        (ok, ret) = address(h).staticcall(abi.encodeCall(h.decode, (t)));
        if (ok) d = abi.decode(ret, (Decoded));
    }

    /// @dev The canonical encoding of a decoded tx.
    function _encode(Decoded memory d) internal pure returns (bytes memory) {
        if (d.kind == 0) return DebitTxs.deposit(d.slot, d.owner, d.balance);
        if (d.kind == 1) return DebitTxs.transfer(d.slot, d.prevBlock, d.owner, d.balance);
        return
            DebitTxs.pay(d.slot, d.prevBlock, d.owner, d.balance, d.toSlot, d.toOwner, d.amount);
    }

    /// @dev The list of these already-encoded items.
    function _list(bytes[] memory items) internal pure returns (bytes memory) {
        return RlpEncode.list(items);
    }

    function _u(uint256 v) internal pure returns (bytes memory) {
        return RlpEncode.uintItem(v);
    }

    function _a(address a) internal pure returns (bytes memory) {
        return RlpEncode.addressItem(a);
    }

    /// @dev A valid pay's items, to be broken one at a time.
    function _payItems() internal pure returns (bytes[] memory items) {
        items = new bytes[](8);
        (items[0], items[1], items[2], items[3]) = (_u(2), _u(7), _u(3000), _a(A));
        (items[4], items[5], items[6], items[7]) = (_u(5), _u(9), _a(B), _u(2));
    }

    function _transferItems() internal pure returns (bytes[] memory items) {
        items = new bytes[](5);
        (items[0], items[1], items[2], items[3], items[4]) =
        (_u(1), _u(7), _u(3000), _a(A), _u(5));
    }

    function _depositItems() internal pure returns (bytes[] memory items) {
        items = new bytes[](4);
        (items[0], items[1], items[2], items[3]) = (_u(0), _u(7), _a(A), _u(5));
    }

    // ---------------------------------------------------------------- the three kinds

    function test_deposit_fieldsAndHash() public view {
        bytes memory t = DebitTxs.deposit(type(uint64).max, A, 5 ether);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 0, "kind");
        assertEq(d.slot, type(uint64).max, "slot");
        assertEq(d.prevBlock, 0, "no prevBlock");
        assertEq(d.owner, A, "owner");
        assertEq(d.balance, 5 ether, "balance");
        assertEq(d.toSlot, 0, "no toSlot");
        assertEq(d.toOwner, address(0), "no toOwner");
        assertEq(d.amount, 0, "no amount");
        bytes32 want = keccak256(hex"ffffffffffffffff");
        assertEq(d.hash, want, "deposit hash = keccak(slot as 8 bytes)");
        assertEq(h.txHash(t), want, "txHash");
        assertEq(h.depositHash(type(uint64).max), want, "depositHash");
        assertEq(h.depositHash(1), keccak256(hex"0000000000000001"), "depositHash(1)");
    }

    function test_transfer_fieldsAndHash() public view {
        bytes memory t = DebitTxs.transfer(7, 3000, B, 0);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 1, "kind");
        assertEq(d.slot, 7, "slot");
        assertEq(d.prevBlock, 3000, "prevBlock");
        assertEq(d.owner, B, "newOwner");
        assertEq(d.balance, 0, "balance 0 (all to the operator)");
        assertEq(d.toSlot, 0, "no toSlot");
        assertEq(d.amount, 0, "no amount");
        assertEq(d.hash, keccak256(t), "hash = keccak(rlp)");
        // The exact bytes: [1, 7, 3000, B, 0].
        assertEq(
            t,
            bytes.concat(hex"db010782", hex"0bb8", hex"94", abi.encodePacked(B), hex"80"),
            "encoding"
        );
    }

    function test_pay_fieldsAndHash() public view {
        bytes memory t = DebitTxs.pay(7, 3000, A, 5, type(uint64).max, B, type(uint256).max);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 2, "kind");
        assertEq(d.slot, 7, "fromSlot");
        assertEq(d.prevBlock, 3000, "fromPrevBlock");
        assertEq(d.owner, A, "fromOwner");
        assertEq(d.balance, 5, "fromBalance");
        assertEq(d.toSlot, type(uint64).max, "toSlot");
        assertEq(d.toOwner, B, "toOwner");
        assertEq(d.amount, type(uint256).max, "amount");
        assertEq(d.hash, keccak256(t), "hash = keccak(rlp)");
        assertEq(h.txHash(t), keccak256(t), "txHash");
    }

    function test_slotOf_formula() public view {
        bytes memory packed = bytes.concat(bytes8(uint64(5)), bytes20(A), bytes20(B));
        uint64 want = uint64(bytes8(keccak256(packed)));
        assertEq(h.slotOf(5, A, B), want, "slot formula");
        assertTrue(h.slotOf(6, A, B) != want, "numCoins matters");
    }

    // ---------------------------------------------------------------- malformed shapes

    function test_rejects_notAList() public {
        vm.expectRevert(Rlp.RlpExpectedList.selector);
        h.decode(_u(2));
        vm.expectRevert(Rlp.RlpEmptyInput.selector);
        h.decode("");
    }

    function test_rejects_noKind() public {
        vm.expectRevert(DebitTransaction.DebitTxNoKind.selector);
        h.decode(RlpEncode.list0());
    }

    function test_rejects_unknownKind() public {
        uint256[4] memory kinds = [uint256(3), 255, 256, type(uint256).max];
        for (uint256 i; i < kinds.length; ++i) {
            bytes[] memory items = _payItems();
            items[0] = _u(kinds[i]);
            vm.expectRevert(
                abi.encodeWithSelector(DebitTransaction.DebitTxUnknownKind.selector, kinds[i])
            );
            h.decode(_list(items));
        }
        // The kind is read before the count: a lone unknown kind is named as such.
        vm.expectRevert(abi.encodeWithSelector(DebitTransaction.DebitTxUnknownKind.selector, 9));
        h.decode(RlpEncode.list1(_u(9)));
    }

    function test_rejects_badKindEncoding() public {
        bytes[] memory items = _transferItems();
        items[0] = RlpEncode.list0();
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decode(_list(items));
        items[0] = hex"00"; // zero as a byte, not the empty string
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decode(_list(items));
        items[0] = hex"8101"; // 1 as a one-byte string
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalSingleByte.selector, 1));
        h.decode(_list(items));
    }

    function _expectCount(bytes[] memory items, uint256 kind, uint256 expected) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                DebitTransaction.DebitTxWrongFieldCount.selector, kind, expected, items.length
            )
        );
        h.decode(_list(items));
    }

    function test_rejects_wrongFieldCount() public {
        bytes[] memory d = _depositItems();
        bytes[] memory t = _transferItems();
        bytes[] memory p = _payItems();
        // Each kind one field short: the list's first count-1 items.
        assembly ("memory-safe") {
            mstore(d, 3)
            mstore(t, 4)
            mstore(p, 7)
        }
        _expectCount(d, 0, 4);
        _expectCount(t, 1, 5);
        _expectCount(p, 2, 8);
        // A deposit in a transfer's shape, a transfer in a pay's: one or more too many.
        bytes[] memory t5 = _transferItems();
        t5[0] = _u(0);
        _expectCount(t5, 0, 4);
        bytes[] memory p8 = _payItems();
        p8[0] = _u(1);
        _expectCount(p8, 1, 5);
        bytes[] memory p9 = new bytes[](9);
        bytes[] memory p8b = _payItems();
        for (uint256 i; i < 8; ++i) {
            p9[i] = p8b[i];
        }
        p9[8] = _u(1);
        _expectCount(p9, 2, 8);
    }

    function test_rejects_slotTooLarge() public {
        bytes[] memory d = _depositItems();
        d[1] = _u(TOO_BIG);
        vm.expectRevert(
            abi.encodeWithSelector(DebitTransaction.DebitTxSlotTooLarge.selector, 1, TOO_BIG)
        );
        h.decode(_list(d));
        bytes[] memory t = _transferItems();
        t[1] = _u(type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                DebitTransaction.DebitTxSlotTooLarge.selector, 1, type(uint256).max
            )
        );
        h.decode(_list(t));
        bytes[] memory p = _payItems();
        p[1] = _u(TOO_BIG);
        vm.expectRevert(
            abi.encodeWithSelector(DebitTransaction.DebitTxSlotTooLarge.selector, 1, TOO_BIG)
        );
        h.decode(_list(p));
        p = _payItems();
        p[5] = _u(TOO_BIG);
        vm.expectRevert(
            abi.encodeWithSelector(DebitTransaction.DebitTxSlotTooLarge.selector, 5, TOO_BIG)
        );
        h.decode(_list(p));
        // 2^64 - 1 is a slot.
        p[5] = _u(type(uint64).max);
        assertEq(_decode(_list(p)).toSlot, type(uint64).max, "largest slot");
    }

    function test_rejects_badOwner() public {
        bytes[] memory d = _depositItems();
        d[2] = RlpEncode.str(new bytes(19));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 19));
        h.decode(_list(d));
        bytes[] memory t = _transferItems();
        t[3] = RlpEncode.str(new bytes(21));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 21));
        h.decode(_list(t));
        bytes[] memory p = _payItems();
        p[3] = _u(0);
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 0));
        h.decode(_list(p));
        p = _payItems();
        p[6] = RlpEncode.list1(_a(B));
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decode(_list(p));
    }

    function test_rejects_badIntegers() public {
        // A 33-byte balance.
        bytes[] memory d = _depositItems();
        d[3] = RlpEncode.str(bytes.concat(hex"01", bytes32(0)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpIntegerTooLong.selector, 33));
        h.decode(_list(d));
        // A prevBlock with a leading zero byte.
        bytes[] memory t = _transferItems();
        t[2] = hex"820001";
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decode(_list(t));
        // An amount that is a list.
        bytes[] memory p = _payItems();
        p[7] = RlpEncode.list0();
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decode(_list(p));
        // A fromBalance with a leading zero.
        p = _payItems();
        p[4] = hex"820005";
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decode(_list(p));
    }

    /// Two bad fields: the first one (front to back) is named.
    function test_rejects_firstBadFieldNamed() public {
        bytes[] memory p = _payItems();
        p[5] = _u(TOO_BIG); // toSlot, position 5
        p[3] = RlpEncode.str(new bytes(3)); // fromOwner, position 3
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 3));
        h.decode(_list(p));
        p = _payItems();
        p[7] = hex"820001"; // amount
        p[1] = _u(TOO_BIG); // fromSlot
        vm.expectRevert(
            abi.encodeWithSelector(DebitTransaction.DebitTxSlotTooLarge.selector, 1, TOO_BIG)
        );
        h.decode(_list(p));
    }

    function test_rejects_trailingAndTruncated() public {
        bytes memory t = DebitTxs.transfer(7, 3000, A, 5);
        vm.expectRevert(
            abi.encodeWithSelector(Rlp.RlpTrailingBytes.selector, t.length, t.length + 1)
        );
        h.decode(bytes.concat(t, hex"00"));
        bytes memory short = new bytes(t.length - 1);
        for (uint256 i; i < short.length; ++i) {
            short[i] = t[i];
        }
        vm.expectRevert(
            abi.encodeWithSelector(Rlp.RlpTruncated.selector, t.length, t.length - 1)
        );
        h.decode(short);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_deposit_roundTrip(uint64 slot, address owner, uint256 balance)
        public
        view
    {
        bytes memory t = DebitTxs.deposit(slot, owner, balance);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 0, "kind");
        assertEq(d.slot, slot, "slot");
        assertEq(d.owner, owner, "owner");
        assertEq(d.balance, balance, "balance");
        assertEq(d.hash, DebitTxs.depositHash(slot), "hash");
    }

    function testFuzz_transfer_roundTrip(uint64 slot, uint256 prev, address owner, uint256 bal)
        public
        view
    {
        bytes memory t = DebitTxs.transfer(slot, prev, owner, bal);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 1, "kind");
        assertEq(d.slot, slot, "slot");
        assertEq(d.prevBlock, prev, "prevBlock");
        assertEq(d.owner, owner, "newOwner");
        assertEq(d.balance, bal, "balance");
        assertEq(d.hash, keccak256(t), "hash");
    }

    function testFuzz_pay_roundTrip(
        uint64 from,
        uint256 prev,
        address fromOwner,
        uint256 fromBalance,
        uint64 to,
        address toOwner,
        uint256 amount
    ) public view {
        bytes memory t = DebitTxs.pay(from, prev, fromOwner, fromBalance, to, toOwner, amount);
        Decoded memory d = _decode(t);
        assertEq(d.kind, 2, "kind");
        assertEq(d.slot, from, "fromSlot");
        assertEq(d.prevBlock, prev, "fromPrevBlock");
        assertEq(d.owner, fromOwner, "fromOwner");
        assertEq(d.balance, fromBalance, "fromBalance");
        assertEq(d.toSlot, to, "toSlot");
        assertEq(d.toOwner, toOwner, "toOwner");
        assertEq(d.amount, amount, "amount");
        assertEq(d.hash, keccak256(t), "hash");
    }

    function testFuzz_unknownKind(uint256 kind, uint8 count) public {
        kind = bound(kind, 3, type(uint256).max);
        bytes[] memory items = new bytes[](1 + (count % 9));
        items[0] = _u(kind);
        for (uint256 i = 1; i < items.length; ++i) {
            items[i] = _u(i);
        }
        vm.expectRevert(abi.encodeWithSelector(DebitTransaction.DebitTxUnknownKind.selector, kind));
        h.decode(_list(items));
    }

    function testFuzz_wrongFieldCount(uint8 kind, uint8 count) public {
        kind = uint8(bound(kind, 0, 2));
        uint256 expected = kind == 0 ? 4 : kind == 1 ? 5 : 8;
        uint256 n = 1 + (count % 12);
        vm.assume(n != expected);
        bytes[] memory items = new bytes[](n);
        items[0] = _u(kind);
        for (uint256 i = 1; i < n; ++i) {
            items[i] = _u(i);
        }
        _expectCount(items, kind, expected);
    }

    function testFuzz_slotTooLarge(uint256 slot, bool toSide) public {
        slot = bound(slot, TOO_BIG, type(uint256).max);
        bytes[] memory p = _payItems();
        uint256 field = toSide ? 5 : 1;
        p[field] = _u(slot);
        vm.expectRevert(
            abi.encodeWithSelector(DebitTransaction.DebitTxSlotTooLarge.selector, field, slot)
        );
        h.decode(_list(p));
    }

    /// Whatever the bytes, decoding either reverts or gives a tx whose encoding is the input.
    function testFuzz_decodeIsStrict(bytes calldata input) public view {
        (bool ok, Decoded memory d) = _tryDecode(input);
        if (!ok) return;
        assertEq(_encode(d), input, "accepted only canonical");
        assertEq(d.hash, d.kind == 0 ? DebitTxs.depositHash(d.slot) : keccak256(input), "hash");
    }

    /// Random valid pays, one byte flipped: refused, or another canonical tx.
    function testFuzz_flippedByte(uint64 from, uint64 to, uint256 amount, uint256 pos, uint8 x)
        public
        view
    {
        bytes memory t = DebitTxs.pay(from, 1000, A, 5, to, B, amount);
        pos = pos % t.length;
        vm.assume(x != 0);
        t[pos] = bytes1(uint8(t[pos]) ^ x);
        (bool ok, Decoded memory d) = _tryDecode(t);
        if (ok) assertEq(_encode(d), t, "accepted only canonical");
    }

    function testFuzz_slotOf(uint64 n, address sender, address from) public view {
        assertEq(
            h.slotOf(n, sender, from),
            uint64(bytes8(keccak256(abi.encodePacked(n, sender, from)))),
            "slot"
        );
    }
}
