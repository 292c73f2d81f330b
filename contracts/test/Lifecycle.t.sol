// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";

/// @notice The whole lifecycle on L1: deposit ETH and ERC20 → operator block with a transfer →
/// standard exit → process (funds back on L1), and → challenge (bond to the challenger).
contract LifecycleTest is PlasmaTest {
    function test_eth_deposit_transfer_exit_process() public {
        // Alice deposits 5 ETH: deposit block 1.
        (uint256 depPos, bytes memory depTx) = _depositEth(alice, 5 ether);
        assertEq(depPos, _pos(1, 0, 0), "deposit position");
        assertEq(address(ethVault).balance, 5 ether, "vault holds the deposit");

        // Block 1000: Alice pays 3 ETH to Bob, 2 ETH back to herself (index 1; index 0 is filler).
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        bytes[] memory txs = new bytes[](2);
        txs[0] = _depositTx(carol, address(0), 1); // another tx in the block
        txs[1] = _tx(ins, _outs2(bob, 3 ether, alice, 2 ether));
        uint256 blknum = _submit(txs);
        assertEq(blknum, 1000, "first operator block");
        (, bytes memory proof) = Tree.rootAndProof(txs, 1);

        // Bob and Alice exit their outputs.
        _startExit(bob, _pos(1000, 1, 0), txs[1], proof);
        _startExit(alice, _pos(1000, 1, 1), txs[1], proof);
        // The spent deposit cannot be exited without a challenge: Alice tries, Bob challenges.
        _startExit(alice, depPos, depTx, Tree.depositProof());
        uint256 bobBefore = bob.balance;
        _challenge(bob, depPos, depTx, txs[1], _sign(ALICE_KEY, txs[1]));
        assertEq(bob.balance, bobBefore + bond, "challenger gets the bond");
        assertEq(_exitOwner(depTx, depPos), address(0), "challenged exit is gone");

        // Not mature yet: nothing happens.
        assertEq(game.processExits(address(0), 10), 0, "nothing mature");
        vm.warp(block.timestamp + 2 * MEP + 1);
        uint256 aliceBefore = alice.balance;
        bobBefore = bob.balance;
        uint256 carolBefore = carol.balance;
        vm.prank(carol);
        uint256 popped = game.processExits(address(0), 10);
        assertEq(popped, 3, "two exits and the challenged entry");
        assertEq(bob.balance, bobBefore + 3 ether + bond - bounty, "bob paid");
        assertEq(alice.balance, aliceBefore + 2 ether + bond - bounty, "alice paid");
        assertEq(carol.balance, carolBefore + 2 * bounty, "processor gets the bounties");
        assertEq(address(ethVault).balance, 0, "vault emptied");
        assertEq(address(game).balance, 0, "no bonds left");
        assertEq(game.queueSize(address(0)), 0, "queue empty");
    }

    function test_erc20_deposit_transfer_exit_process() public {
        (uint256 depPos,) = _depositErc20(alice, 1000);
        assertEq(token.balanceOf(address(erc20Vault)), 1000, "vault holds tokens");
        bytes memory t = _spend(depPos, bob, address(token), 1000);
        uint256 blknum = _submitOne(t);
        uint256 exitPos = _pos(blknum, 0, 0);
        _startExit(bob, exitPos, t, _proofOne(t));
        vm.warp(block.timestamp + 2 * MEP);
        uint256 bobEth = bob.balance;
        uint256 bobTok = token.balanceOf(bob);
        vm.prank(carol);
        assertEq(game.processExits(address(token), 5), 1, "one exit");
        assertEq(token.balanceOf(bob), bobTok + 1000, "tokens back on L1");
        assertEq(bob.balance, bobEth + bond - bounty, "bond back minus bounty");
        assertEq(token.balanceOf(address(erc20Vault)), 0, "vault emptied");
        // Exited forever: cannot start again.
        vm.prank(bob);
        vm.expectRevert();
        game.startStandardExit{value: bond}(exitPos, t, _proofOne(t), 0);
    }

    function test_erc20_exit_challenged() public {
        (uint256 depPos,) = _depositErc20(alice, 1000);
        bytes memory t = _spend(depPos, bob, address(token), 1000);
        uint256 blknum = _submitOne(t);
        uint256 exitPos = _pos(blknum, 0, 0);
        // Bob spends his output to Carol (block 2000), then tries to exit it anyway.
        bytes memory t2 = _spend(exitPos, carol, address(token), 1000);
        _submitOne(t2);
        _startExit(bob, exitPos, t, _proofOne(t));
        uint256 before = carol.balance;
        _challenge(carol, exitPos, t, t2, _sign(BOB_KEY, t2));
        assertEq(carol.balance, before + bond, "challenger gets the bond");
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(token), 5);
        assertEq(token.balanceOf(address(erc20Vault)), 1000, "nothing paid out");
    }

    function test_deposit_exit_eth() public {
        (uint256 depPos, bytes memory depTx) = _depositEth(alice, 1 ether);
        _startExit(alice, depPos, depTx, Tree.depositProof());
        (, uint256 exitableAt,,,) = game.standardExit(_exitId(depTx, depPos));
        assertEq(exitableAt, block.timestamp + MEP, "deposit exits after MEP");
        vm.warp(exitableAt);
        uint256 before = alice.balance;
        vm.prank(alice);
        game.processExits(address(0), 1);
        assertEq(alice.balance, before + 1 ether + bond, "own processing: full bond back");
    }
}
