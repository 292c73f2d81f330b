// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A canonical RLP encoder, written independently of src/lib/Rlp.sol, for building test
/// inputs and for checking that everything the strict reader accepts is canonical.
library RlpEncode {
    function str(bytes memory b) internal pure returns (bytes memory) {
        if (b.length == 1 && uint8(b[0]) < 0x80) return b;
        return bytes.concat(header(0x80, b.length), b);
    }

    function uintItem(uint256 v) internal pure returns (bytes memory) {
        return str(minimalBigEndian(v));
    }

    function addressItem(address a) internal pure returns (bytes memory) {
        return str(abi.encodePacked(a));
    }

    function bytes32Item(bytes32 x) internal pure returns (bytes memory) {
        return str(abi.encodePacked(x));
    }

    /// @dev A list whose items are already encoded.
    function list(bytes[] memory items) internal pure returns (bytes memory) {
        bytes memory payload;
        for (uint256 i; i < items.length; ++i) {
            payload = bytes.concat(payload, items[i]);
        }
        return bytes.concat(header(0xc0, payload.length), payload);
    }

    function list0() internal pure returns (bytes memory) {
        return list(new bytes[](0));
    }

    function list1(bytes memory a) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](1);
        items[0] = a;
        return list(items);
    }

    function list2(bytes memory a, bytes memory b) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](2);
        (items[0], items[1]) = (a, b);
        return list(items);
    }

    function list3(bytes memory a, bytes memory b, bytes memory c)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](3);
        (items[0], items[1], items[2]) = (a, b, c);
        return list(items);
    }

    function list5(bytes memory a, bytes memory b, bytes memory c, bytes memory d, bytes memory e)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](5);
        (items[0], items[1], items[2], items[3], items[4]) = (a, b, c, d, e);
        return list(items);
    }

    /// @dev The header of a string (offset 0x80) or list (offset 0xc0) of `len` payload bytes.
    function header(uint8 offset, uint256 len) internal pure returns (bytes memory) {
        if (len <= 55) return abi.encodePacked(uint8(offset + len));
        bytes memory lenBytes = minimalBigEndian(len);
        return bytes.concat(bytes1(uint8(offset + 55 + lenBytes.length)), lenBytes);
    }

    /// @dev Big-endian bytes of `v` without leading zeros (empty for 0).
    function minimalBigEndian(uint256 v) internal pure returns (bytes memory out) {
        uint256 n;
        for (uint256 t = v; t != 0; t >>= 8) {
            ++n;
        }
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[n - 1 - i] = bytes1(uint8(v >> (8 * i)));
        }
    }
}
