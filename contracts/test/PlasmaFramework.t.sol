// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {PlasmaFramework} from "../src/PlasmaFramework.sol";
import {EthVault} from "../src/vaults/EthVault.sol";
import {NotOperator} from "../src/common/ChildBlocks.sol";

contract PlasmaFrameworkTest is PlasmaTest {
    event BlockSubmitted(uint256 indexed blknum, bytes32 root, uint256 timestamp);
    event OperatorChanged(address indexed previousOperator, address indexed newOperator);

    function test_constructorConfig() public view {
        assertEq(framework.minExitPeriod(), MEP, "mep");
        assertEq(framework.operator(), operator, "operator");
        assertEq(framework.owner(), address(this), "owner = deployer");
        assertEq(framework.nextChildBlock(), 1000, "next child block");
        assertEq(framework.nextDepositBlock(), 1, "next deposit block");
        assertTrue(framework.isVault(address(ethVault)), "eth vault active");
        assertTrue(framework.isVault(address(erc20Vault)), "erc20 vault active");
        assertTrue(framework.isExitGame(address(game)), "exit game active");
        assertEq(game.domainSeparator(), framework.domainSeparator(), "one domain");
    }

    function test_submitBlock_storesRootAndTime() public {
        bytes32 root = keccak256("root");
        vm.expectEmit(address(framework));
        emit BlockSubmitted(1000, root, block.timestamp);
        vm.prank(operator);
        framework.submitBlock(root);
        (bytes32 r, uint256 ts) = framework.blocks(1000);
        assertEq(r, root & ~bytes32(uint256(0xffffffff)), "high 224 bits kept");
        assertEq(ts, block.timestamp, "timestamp");
        assertTrue(framework.rootMatches(1000, root), "root matches");
        assertFalse(framework.rootMatches(1000, root ^ bytes32(uint256(1 << 32))), "other root");
        assertFalse(framework.rootMatches(2000, root), "future block");
        assertEq(framework.nextChildBlock(), 2000, "next");
    }

    function test_submitBlock_onlyOperator() public {
        address[3] memory who = [alice, address(this), bob];
        for (uint256 i; i < who.length; ++i) {
            vm.prank(who[i]);
            vm.expectRevert(abi.encodeWithSelector(NotOperator.selector, who[i]));
            framework.submitBlock(bytes32(uint256(1)));
        }
    }

    function test_depositNumbering_resetsAtOperatorBlocks() public {
        (uint256 p1,) = _depositEth(alice, 1);
        (uint256 p2,) = _depositEth(alice, 1);
        assertEq(p1, _pos(1, 0, 0), "first deposit block 1");
        assertEq(p2, _pos(2, 0, 0), "second deposit block 2");
        _submitOne(_depositTx(alice, address(0), 1));
        (uint256 p3,) = _depositEth(alice, 1);
        assertEq(p3, _pos(1001, 0, 0), "after block 1000: 1001");
        (uint256 p4,) = _depositErc20(alice, 5);
        assertEq(p4, _pos(1002, 0, 0), "shared counter: 1002");
        _submitOne(_depositTx(alice, address(0), 1));
        assertEq(framework.nextChildBlock(), 3000, "operator blocks unaffected by deposits");
        assertEq(framework.nextDepositBlock(), 2001, "reset");
    }

    function test_thousandthDepositReverts() public {
        for (uint256 i = 1; i <= 999; ++i) {
            _depositEth(alice, 1);
        }
        assertEq(framework.nextDepositBlock(), 1000, "counter full");
        bytes memory t = _depositTx(alice, address(0), 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.TooManyDeposits.selector, 1000));
        ethVault.deposit{value: 1}(t);
        // The operator block 1000 is still free and resets the counter.
        uint256 blk = _submitOne(t);
        assertEq(blk, 1000, "operator block 1000 not taken by a deposit");
        (uint256 p,) = _depositEth(alice, 1);
        assertEq(p, _pos(1001, 0, 0), "deposits resume");
    }

    function test_submitDepositBlock_onlyVault() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotVault.selector, alice));
        framework.submitDepositBlock(bytes32(uint256(1)));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotVault.selector, operator));
        framework.submitDepositBlock(bytes32(uint256(1)));
    }

    function test_setOperator_onlyOwner() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotOwner.selector, operator));
        framework.setOperator(alice);
        vm.expectEmit(address(framework));
        emit OperatorChanged(operator, bob);
        framework.setOperator(bob);
        assertEq(framework.operator(), bob, "rotated");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(NotOperator.selector, operator));
        framework.submitBlock(bytes32(uint256(1)));
        vm.prank(bob);
        framework.submitBlock(bytes32(uint256(1)));
        assertEq(framework.nextChildBlock(), 2000, "new operator submits");
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.ZeroAddress.selector));
        framework.setOperator(address(0));
    }

    function test_transferOwnership() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotOwner.selector, alice));
        framework.transferOwnership(alice);
        framework.transferOwnership(alice);
        assertEq(framework.owner(), alice, "new owner");
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotOwner.selector, address(this)));
        framework.setOperator(bob);
    }

    function test_registration_quarantineAfterStart() public {
        _submitOne(_depositTx(alice, address(0), 1));
        address rogue = address(new EthVault(framework)); // any contract
        framework.registerExitGame(rogue);
        framework.registerVault(rogue);
        assertFalse(framework.isExitGame(rogue), "quarantined exit game");
        assertFalse(framework.isVault(rogue), "quarantined vault");
        assertEq(framework.exitGameActiveAt(rogue), block.timestamp + 3 * MEP, "3 MEP");
        vm.warp(block.timestamp + 3 * MEP);
        assertTrue(framework.isExitGame(rogue), "active after quarantine");
        assertTrue(framework.isVault(rogue), "vault active after quarantine");
    }

    function test_registration_onlyOwnerOnce() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotOwner.selector, alice));
        framework.registerExitGame(alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.NotOwner.selector, alice));
        framework.registerVault(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PlasmaFramework.AlreadyRegistered.selector, address(game))
        );
        framework.registerExitGame(address(game));
        vm.expectRevert(
            abi.encodeWithSelector(PlasmaFramework.AlreadyRegistered.selector, address(ethVault))
        );
        framework.registerVault(address(ethVault));
    }

    function test_constructor_rejectsZero() public {
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.ZeroMinExitPeriod.selector));
        new PlasmaFramework(0, operator, "n", "1", bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(PlasmaFramework.ZeroAddress.selector));
        new PlasmaFramework(1, address(0), "n", "1", bytes32(0));
    }

    /// Fuzz: any root round-trips in its high 224 bits, any timestamp below 2^32 is kept.
    function testFuzz_blockWord(bytes32 root, uint32 ts) public {
        vm.assume(ts > 0);
        vm.warp(ts);
        vm.prank(operator);
        framework.submitBlock(root);
        (bytes32 r, uint256 t) = framework.blocks(1000);
        assertEq(r, root & ~bytes32(uint256(0xffffffff)), "root");
        assertEq(t, ts, "time");
        assertTrue(framework.rootMatches(1000, root), "matches");
    }
}
