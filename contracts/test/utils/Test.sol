// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm, VM} from "./Vm.sol";

/// @notice A minimal test base: the cheatcodes and assertion helpers that revert with a message
/// naming both values. Forge runs every public `test*` function; a revert fails the test.
abstract contract Test {
    Vm internal constant vm = VM;

    error AssertionFailed(string message);

    function fail(string memory message) internal pure {
        revert AssertionFailed(message);
    }

    function assertTrue(bool value, string memory message) internal pure {
        if (!value) fail(string.concat("assertTrue failed: ", message));
    }

    function assertFalse(bool value, string memory message) internal pure {
        if (value) fail(string.concat("assertFalse failed: ", message));
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) {
            fail(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
        }
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) {
            fail(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
        }
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) {
            fail(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
        }
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) {
            fail(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
        }
    }

    function assertEq(bytes memory a, bytes memory b, string memory message) internal pure {
        if (keccak256(a) != keccak256(b)) {
            fail(string.concat(message, ": ", vm.toString(a), " != ", vm.toString(b)));
        }
    }

    function assertNotEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a == b) fail(string.concat(message, ": both ", vm.toString(a)));
    }

    /// @dev `x` mapped into [min, max] (inclusive), spreading the fuzzer's values.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (min == 0 && max == type(uint256).max) return x;
        return min + (x % (max - min + 1));
    }

    /// @dev The 4-byte selector of revert data (0 if shorter than 4 bytes).
    function selectorOf(bytes memory revertData) internal pure returns (bytes4 sel) {
        if (revertData.length < 4) return bytes4(0);
        assembly ("memory-safe") {
            sel := mload(add(revertData, 0x20))
        }
    }
}
