// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {PriorityQueue} from "../src/utils/PriorityQueue.sol";

contract PriorityQueueTest is Test {
    using PriorityQueue for PriorityQueue.Queue;

    PriorityQueue.Queue internal q;

    function popExternal() external returns (uint256) {
        return q.popMin();
    }

    function minExternal() external view returns (uint256) {
        return q.min();
    }

    function insertExternal(uint256 key) external {
        q.insert(key, 0);
    }

    function test_emptyReverts() public {
        vm.expectRevert(abi.encodeWithSelector(PriorityQueue.PriorityQueueEmpty.selector));
        this.popExternal();
        vm.expectRevert(abi.encodeWithSelector(PriorityQueue.PriorityQueueEmpty.selector));
        this.minExternal();
        assertTrue(q.isEmpty(), "empty");
        assertEq(q.length(), 0, "length 0");
    }

    function test_invalidKeys() public {
        vm.expectRevert(abi.encodeWithSelector(PriorityQueue.PriorityQueueInvalidKey.selector, 0));
        this.insertExternal(0);
        uint256 end = type(uint256).max;
        vm.expectRevert(abi.encodeWithSelector(PriorityQueue.PriorityQueueInvalidKey.selector, end));
        this.insertExternal(end);
    }

    function test_ordersAndDeduplicates() public {
        uint256[7] memory keys = [uint256(5), 3, 9, 3, 1, type(uint256).max - 1, 7];
        for (uint256 i; i < keys.length; ++i) {
            q.insert(keys[i], 0);
        }
        assertFalse(q.insert(3, 0), "a queued key is not inserted twice");
        uint256[6] memory sorted = [uint256(1), 3, 5, 7, 9, type(uint256).max - 1];
        assertEq(q.length(), 6, "six distinct keys");
        for (uint256 i; i < sorted.length; ++i) {
            assertEq(q.min(), sorted[i], "min");
            assertEq(q.popMin(), sorted[i], "pop");
            assertFalse(q.contains(sorted[i]), "gone");
        }
        assertTrue(q.isEmpty(), "empty");
    }

    function test_hints() public {
        q.insert(10, 0);
        q.insert(20, 10); // exact hint
        q.insert(30, 20);
        q.insert(25, 10); // early hint: walks forward
        q.insert(5, 30); // hint above the key: from the head
        q.insert(15, 999); // hint not queued: from the head
        assertEq(q.findHint(26), 25, "findHint");
        assertEq(q.findHint(5), 0, "findHint at the head");
        uint256[6] memory sorted = [uint256(5), 10, 15, 20, 25, 30];
        for (uint256 i; i < 6; ++i) {
            assertEq(q.popMin(), sorted[i], "sorted");
        }
    }

    /// Fuzz: any sequence of inserts (with any hints, good or garbage) and pops returns the
    /// keys in increasing order and matches a reference set.
    function testFuzz_sortsWithAnyHints(
        uint256[] memory keys,
        uint256[] memory hints,
        uint256 popEvery
    ) public {
        if (keys.length > 48) {
            assembly {
                mstore(keys, 48)
            }
        }
        popEvery = bound(popEvery, 2, 8);
        uint256[] memory ref = new uint256[](keys.length);
        uint256 refLen;
        for (uint256 i; i < keys.length; ++i) {
            uint256 key = bound(keys[i], 1, type(uint256).max - 1);
            if (i % 3 == 0) key = bound(keys[i], 1, 20); // collisions
            uint256 hint = i < hints.length ? hints[i] : 0;
            if (hint % 2 == 0 && refLen > 0) hint = ref[hint % refLen]; // a queued key
            bool fresh = !_refHas(ref, refLen, key);
            assertEq(q.insert(key, hint), fresh, "inserted iff new");
            if (fresh) ref[refLen++] = key;
            if (i % popEvery == popEvery - 1 && refLen > 0) {
                assertEq(q.popMin(), _refPopMin(ref, refLen--), "interleaved pop");
            }
        }
        assertEq(q.length(), refLen, "length");
        uint256 last;
        while (!q.isEmpty()) {
            uint256 k = q.popMin();
            assertTrue(k > last, "increasing");
            assertEq(k, _refPopMin(ref, refLen--), "matches reference");
            last = k;
        }
        assertEq(refLen, 0, "all popped");
    }

    function _refHas(uint256[] memory ref, uint256 len, uint256 key) internal pure returns (bool) {
        for (uint256 i; i < len; ++i) {
            if (ref[i] == key) return true;
        }
        return false;
    }

    function _refPopMin(uint256[] memory ref, uint256 len) internal pure returns (uint256 m) {
        uint256 idx;
        m = type(uint256).max;
        for (uint256 i; i < len; ++i) {
            if (ref[i] <= m) (m, idx) = (ref[i], i);
        }
        ref[idx] = ref[len - 1];
    }
}
