// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Rlp
/// @notice A strict RLP reader: it accepts exactly the canonical encoding of a value and rejects
/// everything else with a typed error. The Rust decoder (crates/primitives) applies the same rules;
/// the two are checked against each other byte for byte.
///
/// Rules:
/// - `b < 0x80`: a one-byte string, the byte itself.
/// - `0x80..0xb7`: a short string of `b - 0x80` bytes; a one-byte string whose byte is `< 0x80`
///   must use the single-byte form, so `0x81 0x00..0x7f` is rejected.
/// - `0xb8..0xbf`: a long string; `b - 0xb7` length bytes follow, with no leading zero, and the
///   length must be `> 55`.
/// - `0xc0..0xf7`: a short list of `b - 0xc0` payload bytes; `0xf8..0xff`: a long list, with the
///   same rules on its length bytes as a long string.
/// - An item must fit in what remains of its parent; a list's items consume its payload exactly;
///   the top-level item consumes the whole input. Empty input is rejected.
/// - An unsigned integer is a string of at most 32 bytes with no leading zero byte (zero is the
///   empty string `0x80`).
///
/// When an input breaks several rules, the first one met reading front to back is reported: for
/// an item, its header is checked (length bytes present, no leading zero, long form > 55), then
/// that the payload fits, then (single-byte form) canonicality; list items are checked in order,
/// each item's header before any later item's; the contents of an item are checked only when the
/// caller descends into it.
///
/// Items point into the memory of the decoded `bytes`; that buffer must not be changed while
/// its items are in use. An item is a packed word (no memory allocation per item), read with
/// `isList`, `payloadPtr` and `payloadLen`.
library Rlp {
    /// @notice A decoded item: `payloadPtr << 128 | payloadLen << 1 | isList`, where payloadPtr
    /// is the memory address of the first payload byte and payloadLen < 2^64.
    type Item is uint256;

    /// @notice The input is empty.
    error RlpEmptyInput();
    /// @notice An item needs `needed` bytes (header and payload) but only `available` remain.
    error RlpTruncated(uint256 needed, uint256 available);
    /// @notice The top-level item ends after `consumed` of the input's `total` bytes.
    error RlpTrailingBytes(uint256 consumed, uint256 total);
    /// @notice A long-form length has a leading zero byte.
    error RlpLeadingZeroInLength();
    /// @notice A long-form header encodes `length`, which is <= 55 and must use the short form.
    error RlpNonCanonicalLength(uint256 length);
    /// @notice The single byte `value` (< 0x80) is encoded as a 1-byte string (0x81 value).
    error RlpNonCanonicalSingleByte(uint8 value);
    /// @notice A list was found where a string was expected.
    error RlpExpectedString();
    /// @notice A string was found where a list was expected.
    error RlpExpectedList();
    /// @notice An integer is `length` bytes long, more than 32.
    error RlpIntegerTooLong(uint256 length);
    /// @notice An integer has a leading zero byte.
    error RlpIntegerLeadingZero();
    /// @notice A fixed-size string is `actual` bytes long, but `expected` bytes are required.
    error RlpWrongStringLength(uint256 expected, uint256 actual);

    /// @notice Whether the item is a list (else a string).
    function isList(Item item) internal pure returns (bool) {
        return Item.unwrap(item) & 1 == 1;
    }

    /// @notice Memory address of the item's first payload byte.
    function payloadPtr(Item item) internal pure returns (uint256) {
        return Item.unwrap(item) >> 128;
    }

    /// @notice Length of the item's payload in bytes.
    function payloadLen(Item item) internal pure returns (uint256) {
        return (Item.unwrap(item) >> 1) & type(uint64).max;
    }

    /// @notice Decodes the single top-level item of `input`, which must span all of it.
    function toItem(bytes memory input) internal pure returns (Item) {
        uint256 total = input.length;
        if (total == 0) revert RlpEmptyInput();
        uint256 start;
        assembly ("memory-safe") {
            start := add(input, 0x20)
        }
        (bool list, uint256 headerLen, uint256 len) = _header(start, total);
        unchecked {
            uint256 consumed = headerLen + len;
            if (consumed != total) revert RlpTrailingBytes(consumed, total);
            return _item(list, start + headerLen, len);
        }
    }

    /// @notice The items of a list, in order. Reverts with `RlpExpectedList` on a string.
    /// Every item header is checked (in order) before this returns, as by `listLength`.
    function toList(Item item) internal pure returns (Item[] memory items) {
        if (!isList(item)) revert RlpExpectedList();
        uint256 ptr = payloadPtr(item);
        uint256 len_ = payloadLen(item);
        // One pass: read each header once and write the items straight into new memory. Room
        // for the largest possible count (one byte per item) is reserved first, so nothing can
        // be allocated over it; the unused tail is released at the end (reserving memory
        // without touching it costs no gas).
        assembly ("memory-safe") {
            items := mload(0x40)
            mstore(0x40, add(items, shl(5, add(len_, 1))))
        }
        uint256 count;
        unchecked {
            uint256 end = ptr + len_;
            while (ptr < end) {
                (bool list, uint256 headerLen, uint256 len) = _header(ptr, end - ptr);
                Item it = _item(list, ptr + headerLen, len);
                ++count;
                assembly ("memory-safe") {
                    mstore(add(items, shl(5, count)), it)
                }
                ptr += headerLen + len;
            }
        }
        assembly ("memory-safe") {
            mstore(items, count)
            mstore(0x40, add(items, shl(5, add(count, 1))))
        }
    }

    /// @notice The number of items in a list (validating each item's header).
    function listLength(Item item) internal pure returns (uint256 count) {
        if (!isList(item)) revert RlpExpectedList();
        uint256 ptr = payloadPtr(item);
        unchecked {
            uint256 end = ptr + payloadLen(item);
            while (ptr < end) {
                (, uint256 headerLen, uint256 len) = _header(ptr, end - ptr);
                ptr += headerLen + len;
                ++count;
            }
        }
    }

    /// @notice A canonical unsigned integer (a string of <= 32 bytes, no leading zero byte).
    function toUint(Item item) internal pure returns (uint256 value) {
        if (isList(item)) revert RlpExpectedString();
        uint256 len = payloadLen(item);
        if (len == 0) return 0;
        if (len > 32) revert RlpIntegerTooLong(len);
        uint256 ptr = payloadPtr(item);
        uint256 first;
        assembly ("memory-safe") {
            let word := mload(ptr)
            first := byte(0, word)
            value := shr(shl(3, sub(32, len)), word)
        }
        if (first == 0) revert RlpIntegerLeadingZero();
    }

    /// @notice A string of exactly 20 bytes, as an address.
    function toAddress(Item item) internal pure returns (address value) {
        if (isList(item)) revert RlpExpectedString();
        uint256 len = payloadLen(item);
        if (len != 20) revert RlpWrongStringLength(20, len);
        uint256 ptr = payloadPtr(item);
        assembly ("memory-safe") {
            value := shr(96, mload(ptr))
        }
    }

    /// @notice A string of exactly 32 bytes.
    function toBytes32(Item item) internal pure returns (bytes32 value) {
        if (isList(item)) revert RlpExpectedString();
        uint256 len = payloadLen(item);
        if (len != 32) revert RlpWrongStringLength(32, len);
        uint256 ptr = payloadPtr(item);
        assembly ("memory-safe") {
            value := mload(ptr)
        }
    }

    /// @notice A string's payload, copied into new memory.
    function toBytes(Item item) internal pure returns (bytes memory out) {
        if (isList(item)) revert RlpExpectedString();
        uint256 len = payloadLen(item);
        out = new bytes(len);
        uint256 src = payloadPtr(item);
        assembly ("memory-safe") {
            mcopy(add(out, 0x20), src, len)
        }
    }

    function _item(bool list, uint256 ptr, uint256 len) private pure returns (Item) {
        return Item.wrap((ptr << 128) | (len << 1) | (list ? 1 : 0));
    }

    /// @dev Reads and checks the header of the item at memory address `ptr`, which must fit in
    /// `available` bytes. A single byte below 0x80 is its own payload: headerLen 0, len 1.
    /// On return headerLen + len <= available. The checks, in order: the long form's length
    /// bytes are present, have no leading zero and encode a length > 55; the whole item fits;
    /// 0x81 is not followed by a byte < 0x80.
    function _header(uint256 ptr, uint256 available)
        private
        pure
        returns (bool list, uint256 headerLen, uint256 len)
    {
        if (available == 0) revert RlpTruncated(1, 0);
        uint256 prefix;
        uint256 next;
        assembly ("memory-safe") {
            let word := mload(ptr)
            prefix := byte(0, word)
            next := byte(1, word)
        }
        unchecked {
            if (prefix < 0x80) {
                return (false, 0, 1);
            } else if (prefix < 0xb8) {
                (headerLen, len) = (1, prefix - 0x80);
            } else if (prefix < 0xc0) {
                (headerLen, len) = _longLength(ptr, available, prefix - 0xb7);
            } else if (prefix < 0xf8) {
                (list, headerLen, len) = (true, 1, prefix - 0xc0);
            } else {
                list = true;
                (headerLen, len) = _longLength(ptr, available, prefix - 0xf7);
            }
            // len < 2^64 and headerLen <= 9, so the sum cannot overflow.
            uint256 size = headerLen + len;
            if (size > available) revert RlpTruncated(size, available);
            // 0x81 x with x < 0x80 should have been the single byte x. x is inside the item
            // (size 2 <= available), so `next` is real input.
            if (prefix == 0x81 && next < 0x80) revert RlpNonCanonicalSingleByte(uint8(next));
        }
    }

    /// @dev Reads the `lenOfLen` (1..8) big-endian length bytes that follow the prefix at `ptr`.
    function _longLength(uint256 ptr, uint256 available, uint256 lenOfLen)
        private
        pure
        returns (uint256 headerLen, uint256 len)
    {
        unchecked {
            headerLen = 1 + lenOfLen;
        }
        if (headerLen > available) revert RlpTruncated(headerLen, available);
        uint256 first;
        assembly ("memory-safe") {
            let word := mload(add(ptr, 1))
            first := byte(0, word)
            len := shr(shl(3, sub(32, lenOfLen)), word)
        }
        if (first == 0) revert RlpLeadingZeroInLength();
        if (len <= 55) revert RlpNonCanonicalLength(len);
    }
}
