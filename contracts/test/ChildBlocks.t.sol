// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {NotOperator, OPERATOR_BLOCK_INTERVAL} from "../src/common/ChildBlocks.sol";

/// @notice The attacker's review of moving the block numbering and `NotOperator` into
/// `src/common/ChildBlocks.sol`, one test per hypothesis (docs/contracts.md, "Shared pieces").
/// A thief would want a gate that no longer refuses, a numbering that moved (a deposit landing
/// on an operator block's number, or an exit reading the wrong block), or an error the clients
/// no longer recognise (so a refusal reads as something else).
contract ChildBlocksTest is PlasmaTest {
    PlasmaCash internal cash;

    function setUp() public override {
        super.setUp();
        cash = new PlasmaCash(operator, 0.1 ether, 1 weeks, 3 days, 1 weeks);
    }

    /// @notice Hypothesis: the shared error is another error. Its selector is the one the Rust
    /// clients and every ABI decode.
    function test_theSharedErrorKeepsItsSelector() public pure {
        assertEq(
            bytes32(NotOperator.selector),
            bytes32(bytes4(keccak256("NotOperator(address)"))),
            "NotOperator(address)"
        );
    }

    /// @notice Hypothesis: a gate moved to the shared error no longer refuses a stranger (the
    /// framework's blocks, the payment game's bond, PlasmaCash's blocks and checkpoints).
    function test_everyOperatorGateStillRefusesAStranger() public {
        bytes memory refused = abi.encodeWithSelector(NotOperator.selector, alice);
        vm.prank(alice);
        vm.expectRevert(refused);
        framework.submitBlock(keccak256("forged"));
        vm.prank(alice);
        vm.expectRevert(refused);
        game.updateExitBond(bond);
        vm.prank(alice);
        vm.expectRevert(refused);
        cash.submitBlock(keccak256("forged"));
        vm.prank(alice);
        vm.expectRevert(refused);
        cash.submitCheckpoint(1000, keccak256("forged"));
        assertEq(framework.nextChildBlock(), 1000, "no framework block taken");
        assertEq(cash.nextChildBlock(), 1000, "no Cash block taken");
    }

    /// @notice Hypothesis: the numbering moved in one of its users. Operator blocks stay the
    /// multiples of 1000 in both root contracts, and a deposit through a vault still takes the
    /// number after the last operator block, never an operator block's.
    function test_theNumberingIsUnchangedEverywhere() public {
        assertEq(OPERATOR_BLOCK_INTERVAL, 1000, "the shared interval");
        assertEq(framework.CHILD_BLOCK_INTERVAL(), 1000, "framework");
        assertEq(cash.CHILD_BLOCK_INTERVAL(), 1000, "PlasmaCash");
        (uint256 first,) = _depositEth(alice, 1 ether);
        assertEq(first, _pos(1, 0, 0), "the first deposit is block 1");
        _submitOne(_depositTx(bob, address(0), 1));
        (uint256 next,) = _depositEth(alice, 1 ether);
        assertEq(next, _pos(1001, 0, 0), "the deposit after operator block 1000 is 1001");
        assertEq(framework.nextChildBlock(), 2000, "the next operator block");
    }
}
