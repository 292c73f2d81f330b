// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice Fuzz tests on positions, amounts and proofs.
contract ExitFuzzTest is PlasmaTest {
    /// Any amount deposited (ETH or ERC20) comes back in full through a deposit exit.
    function testFuzz_depositExitRoundTrip(uint256 amount, bool erc20) public {
        amount = bound(amount, 1, 500 ether);
        (uint256 p, bytes memory t) = erc20 ? _depositErc20(bob, amount) : _depositEth(bob, amount);
        _startExit(bob, p, t, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        uint256 eth = bob.balance;
        uint256 tok = token.balanceOf(bob);
        vm.prank(bob);
        game.processExits(erc20 ? address(token) : address(0), 1);
        if (erc20) {
            assertEq(token.balanceOf(bob), tok + amount, "tokens back");
            assertEq(bob.balance, eth + bond, "bond back");
        } else {
            assertEq(bob.balance, eth + amount + bond, "eth back");
        }
    }

    /// Any block of 1..40 txs: the tx at any index exits with its proof, and with the proof of
    /// any other index or at any other position it does not.
    function testFuzz_blockProofs(uint8 n, uint8 index, uint8 other, uint96 amount) public {
        n = uint8(bound(n, 1, 40));
        index = uint8(bound(index, 0, n - 1));
        amount = uint96(bound(amount, 1, type(uint96).max));
        bytes[] memory txs = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            txs[i] =
                _spend(_pos(1, 0, i), i == index ? bob : carol, address(0), uint256(amount) + i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, index);
        other = uint8(bound(other, 0, 255));
        if (other != index) {
            uint256 wrongPos = _pos(blknum, other, 0);
            vm.prank(bob);
            vm.expectRevert();
            game.startStandardExit{value: bond}(wrongPos, txs[index], proof, 0);
        }
        _startExit(bob, _pos(blknum, index, 0), txs[index], proof);
        (address owner,,, uint256 amt,) =
            game.standardExit(_exitId(txs[index], _pos(blknum, index, 0)));
        assertEq(owner, bob, "started");
        assertEq(amt, uint256(amount) + index, "amount");
    }

    /// Changing any single bit of the proof breaks it.
    function testFuzz_tamperedProof(uint16 bit) public {
        bytes[] memory txs = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            txs[i] = _spend(_pos(1, 0, i), bob, address(0), 1 + i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 2);
        uint256 byteIdx = (uint256(bit) % 4096) / 8;
        proof[byteIdx] = bytes1(uint8(proof[byteIdx]) ^ uint8(1 << (bit % 8)));
        uint256 p = _pos(blknum, 2, 0);
        vm.prank(bob);
        vm.expectRevert();
        game.startStandardExit{value: bond}(p, txs[2], proof, 0);
    }

    /// Any position other than the output's own is refused for a given tx and proof.
    function testFuzz_randomPositionRefused(uint256 pos) public {
        bytes[] memory txs = new bytes[](1);
        txs[0] = _spend(_pos(1, 0, 0), bob, address(0), 1 ether);
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 0);
        vm.assume(pos != _pos(blknum, 0, 0));
        vm.prank(bob);
        vm.expectRevert();
        game.startStandardExit{value: bond}(pos, txs[0], proof, 0);
    }

    /// Any amount in a block output exits exactly (amount < 2^160), larger ones are refused.
    function testFuzz_amounts(uint256 amount) public {
        amount = bound(amount, 1, type(uint256).max);
        bytes[] memory txs = new bytes[](1);
        txs[0] = _spend(_pos(1, 0, 0), bob, address(token), amount);
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 0);
        uint256 p = _pos(blknum, 0, 0);
        if (amount > type(uint160).max) {
            vm.prank(bob);
            vm.expectRevert();
            game.startStandardExit{value: bond}(p, txs[0], proof, 0);
            return;
        }
        _startExit(bob, p, txs[0], proof);
        (,,, uint256 amt,) = game.standardExit(_exitId(txs[0], p));
        assertEq(amt, amount, "amount stored exactly");
    }
}
