// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";
import {Rlp} from "../src/lib/Rlp.sol";

/// @dev External entry points over the internal Rlp library, so reverts can be expected.
contract RlpHarness {
    using Rlp for Rlp.Item;

    function decodeUint(bytes memory b) external pure returns (uint256) {
        return Rlp.toItem(b).toUint();
    }

    function decodeAddress(bytes memory b) external pure returns (address) {
        return Rlp.toItem(b).toAddress();
    }

    function decodeBytes32(bytes memory b) external pure returns (bytes32) {
        return Rlp.toItem(b).toBytes32();
    }

    function decodeBytes(bytes memory b) external pure returns (bytes memory) {
        return Rlp.toItem(b).toBytes();
    }

    function listLength(bytes memory b) external pure returns (uint256) {
        return Rlp.toItem(b).listLength();
    }

    function toListLength(bytes memory b) external pure returns (uint256) {
        return Rlp.toItem(b).toList().length;
    }

    /// @dev Decodes any item tree strictly and re-encodes it with the test encoder.
    function reencode(bytes memory b) external pure returns (bytes memory) {
        return _reencode(Rlp.toItem(b));
    }

    function _reencode(Rlp.Item item) private pure returns (bytes memory) {
        if (!item.isList()) return RlpEncode.str(item.toBytes());
        Rlp.Item[] memory items = item.toList();
        bytes[] memory encoded = new bytes[](items.length);
        for (uint256 i; i < items.length; ++i) {
            encoded[i] = _reencode(items[i]);
        }
        return RlpEncode.list(encoded);
    }
}

contract RlpTest is Test {
    RlpHarness internal h;

    function setUp() public {
        h = new RlpHarness();
    }

    function _repeat(bytes1 b, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[i] = b;
        }
    }

    // ---------------------------------------------------------------- integers

    function test_uint_values() public view {
        assertEq(h.decodeUint(hex"80"), 0, "empty string is zero");
        assertEq(h.decodeUint(hex"01"), 1, "single byte 1");
        assertEq(h.decodeUint(hex"7f"), 0x7f, "single byte 0x7f");
        assertEq(h.decodeUint(hex"8180"), 0x80, "0x80 needs a length byte");
        assertEq(h.decodeUint(hex"81ff"), 0xff, "0xff");
        assertEq(h.decodeUint(hex"820100"), 0x100, "0x100");
        assertEq(
            h.decodeUint(bytes.concat(hex"a0", _repeat(0xff, 32))), type(uint256).max, "uint256 max"
        );
        assertEq(h.decodeUint(bytes.concat(hex"a0", hex"01", _repeat(0x00, 31))), 1 << 248, "2^248");
    }

    function test_uint_rejectsZeroByte() public {
        // Zero must be the empty string, not the byte 0x00.
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decodeUint(hex"00");
    }

    function test_uint_rejectsLeadingZero() public {
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decodeUint(hex"820001");
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decodeUint(bytes.concat(hex"a0", _repeat(0x00, 31), hex"01"));
    }

    function test_uint_rejectsMoreThan32Bytes() public {
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpIntegerTooLong.selector, 33));
        h.decodeUint(bytes.concat(hex"a1", _repeat(0x01, 33)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpIntegerTooLong.selector, 56));
        h.decodeUint(bytes.concat(hex"b838", _repeat(0x01, 56)));
    }

    function test_uint_rejectsList() public {
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decodeUint(hex"c0");
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decodeUint(hex"c101");
    }

    // ---------------------------------------------------------------- single bytes

    function test_rejectsNonCanonicalSingleByte() public {
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalSingleByte.selector, 0x00));
        h.decodeBytes(hex"8100");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalSingleByte.selector, 0x7f));
        h.decodeBytes(hex"817f");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalSingleByte.selector, 0x01));
        h.decodeUint(hex"8101");
    }

    function test_singleByteForms() public view {
        assertEq(h.decodeBytes(hex"00"), hex"00", "0x00 is the string 00");
        assertEq(h.decodeBytes(hex"7f"), hex"7f", "0x7f");
        assertEq(h.decodeBytes(hex"8180"), hex"80", "0x80 as a string");
        assertEq(h.decodeBytes(hex"80"), "", "empty string");
    }

    // ---------------------------------------------------------------- long forms

    function test_longString_boundary() public view {
        bytes memory p55 = _repeat(0x61, 55);
        bytes memory p56 = _repeat(0x61, 56);
        assertEq(h.decodeBytes(bytes.concat(hex"b7", p55)), p55, "55 bytes: short form");
        assertEq(h.decodeBytes(bytes.concat(hex"b838", p56)), p56, "56 bytes: long form");
        bytes memory p1024 = _repeat(0x62, 1024);
        assertEq(h.decodeBytes(bytes.concat(hex"b90400", p1024)), p1024, "1024 bytes");
    }

    function test_longString_rejectsLengthAtMost55() public {
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 55));
        h.decodeBytes(bytes.concat(hex"b837", _repeat(0x61, 55)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 1));
        h.decodeBytes(hex"b80161");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 32));
        h.decodeBytes32(bytes.concat(hex"b820", _repeat(0x11, 32)));
    }

    function test_longString_rejectsLeadingZeroInLength() public {
        vm.expectRevert(Rlp.RlpLeadingZeroInLength.selector);
        h.decodeBytes(bytes.concat(hex"b90038", _repeat(0x61, 56)));
        // A zero length byte is a leading zero too (and reported before the <= 55 rule).
        vm.expectRevert(Rlp.RlpLeadingZeroInLength.selector);
        h.decodeBytes(hex"b800");
    }

    function test_longList_rules() public {
        bytes memory payload = _repeat(0x01, 56); // 56 one-byte items
        assertEq(h.listLength(bytes.concat(hex"f838", payload)), 56, "long list");
        assertEq(h.toListLength(bytes.concat(hex"f838", payload)), 56, "toList");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 55));
        h.listLength(bytes.concat(hex"f837", _repeat(0x01, 55)));
        vm.expectRevert(Rlp.RlpLeadingZeroInLength.selector);
        h.listLength(bytes.concat(hex"f90038", payload));
    }

    // ---------------------------------------------------------------- framing

    function test_rejectsEmptyInput() public {
        vm.expectRevert(Rlp.RlpEmptyInput.selector);
        h.decodeBytes("");
    }

    function test_rejectsTrailingBytes() public {
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTrailingBytes.selector, 1, 2));
        h.decodeUint(hex"8080");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTrailingBytes.selector, 3, 4));
        h.listLength(hex"c2010200");
    }

    function test_rejectsTruncatedItem() public {
        // Payload longer than the input.
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTruncated.selector, 3, 2));
        h.decodeBytes(hex"8261");
        // Length bytes missing.
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTruncated.selector, 3, 2));
        h.decodeBytes(hex"b901");
        // 0x81 at the very end.
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTruncated.selector, 2, 1));
        h.decodeBytes(hex"81");
        // A huge length does not overflow.
        vm.expectRevert(
            abi.encodeWithSelector(Rlp.RlpTruncated.selector, 9 + uint256(type(uint64).max), 9)
        );
        h.decodeBytes(hex"bfffffffffffffffff");
    }

    function test_rejectsItemOverrunningItsList() public {
        // [ c2 [82 61] , 62 ]: the inner list has 2 payload bytes, and its item claims 3
        // (0x82 + 2). The item must fit in its parent list, even though the outer list would
        // have room for it. (Only found when descending into the inner list.)
        assertEq(h.listLength(hex"c4c2826162"), 2, "outer headers are fine");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTruncated.selector, 3, 2));
        h.reencode(hex"c4c2826162");
    }

    function test_rejectsListItemsNotFillingPayload() public {
        // Same bytes as above, but the list claims 4 payload bytes: the list itself overruns.
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpTruncated.selector, 5, 4));
        h.listLength(hex"c4826162");
    }

    function test_typeMismatch() public {
        vm.expectRevert(Rlp.RlpExpectedList.selector);
        h.listLength(hex"80");
        vm.expectRevert(Rlp.RlpExpectedList.selector);
        h.toListLength(hex"01");
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decodeBytes(hex"c0");
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decodeAddress(hex"c0");
        vm.expectRevert(Rlp.RlpExpectedString.selector);
        h.decodeBytes32(hex"c0");
    }

    // ---------------------------------------------------------------- fixed-size strings

    function test_address() public {
        address a = 0x2258a5279850f6fb78888a7e45Ea2A5Eb1B3c436;
        assertEq(h.decodeAddress(RlpEncode.addressItem(a)), a, "address");
        assertEq(h.decodeAddress(bytes.concat(hex"94", new bytes(20))), address(0), "zero");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 19));
        h.decodeAddress(bytes.concat(hex"93", _repeat(0x11, 19)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 21));
        h.decodeAddress(bytes.concat(hex"95", _repeat(0x11, 21)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 1));
        h.decodeAddress(hex"11");
    }

    function test_bytes32() public {
        bytes32 x = keccak256("x");
        assertEq(h.decodeBytes32(RlpEncode.bytes32Item(x)), x, "bytes32");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 31));
        h.decodeBytes32(bytes.concat(hex"9f", _repeat(0x11, 31)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 33));
        h.decodeBytes32(bytes.concat(hex"a1", _repeat(0x11, 33)));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 0));
        h.decodeBytes32(hex"80");
    }

    // ---------------------------------------------------------------- nested structures

    function test_nestedReencode() public view {
        // [ [], [[]], "dog", 0x0400, [1, "", [0x80]] ]
        bytes memory enc = hex"d1c0c1c083646f6782040cc601808180c100";
        // sanity: built independently
        bytes memory built = RlpEncode.list(_nestedItems());
        assertEq(built, enc, "test encoder");
        assertEq(h.reencode(enc), enc, "reencode");
        assertEq(h.listLength(enc), 5, "items");
    }

    function _nestedItems() internal pure returns (bytes[] memory items) {
        items = new bytes[](5);
        items[0] = RlpEncode.list0();
        items[1] = RlpEncode.list1(RlpEncode.list0());
        items[2] = RlpEncode.str("dog");
        items[3] = RlpEncode.str(hex"040c");
        bytes[] memory inner = new bytes[](4);
        inner[0] = RlpEncode.uintItem(1);
        inner[1] = RlpEncode.str("");
        inner[2] = RlpEncode.str(hex"80");
        inner[3] = RlpEncode.list1(hex"00");
        items[4] = RlpEncode.list(inner);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_uintRoundTrip(uint256 v) public view {
        assertEq(h.decodeUint(RlpEncode.uintItem(v)), v, "uint round trip");
    }

    function testFuzz_uintRoundTripSmall(uint8 shift, uint256 v) public view {
        v >>= shift; // all lengths, including 0 and 1 byte
        assertEq(h.decodeUint(RlpEncode.uintItem(v)), v, "uint round trip");
    }

    function testFuzz_bytesRoundTrip(bytes memory b) public view {
        assertEq(h.decodeBytes(RlpEncode.str(b)), b, "bytes round trip");
    }

    /// Any input either decodes to a tree whose canonical encoding is the input itself, or is
    /// rejected with one of the Rlp errors (never a panic or an unnamed revert).
    function testFuzz_strictness(bytes memory input) public view {
        _checkStrict(input);
    }

    /// The same on mutations of a valid nested encoding, which reach much deeper than random bytes.
    function testFuzz_strictnessMutations(uint256 pos, uint8 value, uint8 kind) public view {
        bytes memory base =
            RlpEncode.list2(RlpEncode.list(_nestedItems()), RlpEncode.str(_repeat(0x41, 60)));
        _checkStrict(_mutate(base, pos, value, kind));
    }

    function _mutate(bytes memory base, uint256 pos, uint8 value, uint8 kind)
        internal
        pure
        returns (bytes memory out)
    {
        pos = pos % (base.length + 1);
        kind = kind % 4;
        if (kind == 0 && pos < base.length) {
            // overwrite one byte
            out = bytes.concat(base);
            out[pos] = bytes1(value);
        } else if (kind == 1) {
            // insert one byte
            out = new bytes(base.length + 1);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
            out[pos] = bytes1(value);
            for (uint256 i = pos; i < base.length; ++i) {
                out[i + 1] = base[i];
            }
        } else if (kind == 2 && pos < base.length) {
            // delete one byte
            out = new bytes(base.length - 1);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
            for (uint256 i = pos + 1; i < base.length; ++i) {
                out[i - 1] = base[i];
            }
        } else {
            // truncate
            out = new bytes(pos);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
        }
    }

    function _checkStrict(bytes memory input) internal view {
        try h.reencode(input) returns (bytes memory again) {
            assertEq(again, input, "accepted input is not canonical");
        } catch (bytes memory err) {
            bytes4 sel = selectorOf(err);
            assertTrue(
                sel == Rlp.RlpEmptyInput.selector || sel == Rlp.RlpTruncated.selector
                    || sel == Rlp.RlpTrailingBytes.selector
                    || sel == Rlp.RlpLeadingZeroInLength.selector
                    || sel == Rlp.RlpNonCanonicalLength.selector
                    || sel == Rlp.RlpNonCanonicalSingleByte.selector,
                "unexpected revert"
            );
        }
    }
}
