// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchEntries} from "../../src/lib/BatchEntries.sol";

/// @notice Test-side batch lists (written apart from src/lib/BatchEntries.sol): the packed
/// encoding, grouping consecutive entries of one owner, and the padded Merkle tree with its
/// branches, computed level by level.
library Batches {
    function encode(BatchEntries.Entry[] memory es) internal pure returns (bytes memory out) {
        uint256 groups;
        for (uint256 i; i < es.length; ++i) {
            if (i == 0 || es[i].owner != es[i - 1].owner) ++groups;
        }
        out = new bytes(groups * 22 + es.length * 60);
        uint256 at;
        uint256 i;
        while (i < es.length) {
            uint256 j = i;
            while (j < es.length && es[j].owner == es[i].owner) ++j;
            at = _put(out, at, abi.encodePacked(es[i].owner, uint16(j - i)));
            for (; i < j; ++i) {
                at = _put(
                    out,
                    at,
                    abi.encodePacked(es[i].exitId, es[i].amount, es[i].utxoPos, es[i].inFlightId)
                );
            }
        }
    }

    function _put(bytes memory out, uint256 at, bytes memory part) private pure returns (uint256) {
        for (uint256 k; k < part.length; ++k) {
            out[at + k] = part[k];
        }
        return at + part.length;
    }

    function leaf(BatchEntries.Entry memory e) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(e.owner, e.exitId, e.amount, e.utxoPos, e.inFlightId));
    }

    /// @dev The root of the list and the branch of entry `index`.
    function rootAndBranch(BatchEntries.Entry[] memory es, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory branch)
    {
        uint256 width = 1;
        uint256 depth;
        while (width < es.length) (width, depth) = (width * 2, depth + 1);
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i; i < es.length; ++i) {
            level[i] = leaf(es[i]);
        }
        branch = new bytes32[](depth);
        for (uint256 d; d < depth; ++d) {
            branch[d] = level[index ^ 1];
            bytes32[] memory next = new bytes32[](level.length / 2);
            for (uint256 i; i < next.length; ++i) {
                next[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
            }
            level = next;
            index >>= 1;
        }
        root = level[0];
    }
}
