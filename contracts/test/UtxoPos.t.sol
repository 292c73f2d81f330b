// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {UtxoPos} from "../src/lib/UtxoPos.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";

contract UtxoPosTest is Test {
    FormatsHarness internal h;

    function setUp() public {
        h = new FormatsHarness();
    }

    function test_encode() public view {
        assertEq(h.encodeUtxoPos(0, 0, 0), 0, "zero");
        assertEq(h.encodeUtxoPos(1, 0, 0), 1_000_000_000, "block 1");
        assertEq(h.encodeUtxoPos(1000, 2, 3), 1_000_000_020_003, "1000/2/3");
        assertEq(h.encodeUtxoPos(101_000, 1337, 3), 101_000_013_370_003, "101000/1337/3");
        assertEq(h.encodeUtxoPos(1001, 65_535, 9_999), 1_001_655_359_999, "max txindex, oindex");
    }

    function test_decode() public view {
        (uint256 b, uint256 t, uint256 o) = h.decodeUtxoPos(101_000_013_370_003);
        assertEq(b, 101_000, "blknum");
        assertEq(t, 1337, "txindex");
        assertEq(o, 3, "oindex");
        // Decoding splits any number, even one encode would refuse (txindex 99_999).
        (b, t, o) = h.decodeUtxoPos(1_999_999_999);
        assertEq(b, 1, "blknum");
        assertEq(t, 99_999, "txindex");
        assertEq(o, 9_999, "oindex");
    }

    function test_txPos() public pure {
        assertEq(UtxoPos.txPos(1_000_000_020_003), 100_000_002, "txPos");
        assertEq(UtxoPos.blknum(1_000_000_020_003), 1000, "blknum");
        assertEq(UtxoPos.txIndex(1_000_000_020_003), 2, "txIndex");
        assertEq(UtxoPos.outputIndex(1_000_000_020_003), 3, "outputIndex");
    }

    function test_rejectsTxIndexTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(UtxoPos.UtxoPosTxIndexTooLarge.selector, 65_536));
        h.encodeUtxoPos(1, 65_536, 0);
    }

    function test_rejectsOutputIndexTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(UtxoPos.UtxoPosOutputIndexTooLarge.selector, 10_000));
        h.encodeUtxoPos(1, 0, 10_000);
    }

    function test_blknumBounds() public {
        uint256 maxBlk = type(uint256).max / 1e9;
        // The largest block number fits when the low part does...
        uint256 lowFits = type(uint256).max % 1e9; // = the room left below 2^256
        uint256 pos = h.encodeUtxoPos(maxBlk, lowFits / 1e4, lowFits % 1e4);
        assertEq(pos, maxBlk * 1e9 + lowFits, "largest position");
        // ...and not one more.
        vm.expectRevert(abi.encodeWithSelector(UtxoPos.UtxoPosBlknumTooLarge.selector, maxBlk));
        h.encodeUtxoPos(maxBlk, lowFits / 1e4, lowFits % 1e4 + 1);
        vm.expectRevert(abi.encodeWithSelector(UtxoPos.UtxoPosBlknumTooLarge.selector, maxBlk + 1));
        h.encodeUtxoPos(maxBlk + 1, 0, 0);
    }

    function testFuzz_roundTrip(uint256 blknum, uint256 txindex, uint256 oindex) public view {
        blknum = bound(blknum, 0, type(uint256).max / 1e9 - 1);
        txindex = bound(txindex, 0, 65_535);
        oindex = bound(oindex, 0, 9_999);
        uint256 pos = h.encodeUtxoPos(blknum, txindex, oindex);
        assertEq(pos, blknum * 1e9 + txindex * 1e4 + oindex, "formula");
        (uint256 b, uint256 t, uint256 o) = h.decodeUtxoPos(pos);
        assertEq(b, blknum, "blknum");
        assertEq(t, txindex, "txindex");
        assertEq(o, oindex, "oindex");
        assertEq(UtxoPos.txPos(pos), pos / 1e4, "txPos");
    }
}
