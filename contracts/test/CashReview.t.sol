// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {CashBase} from "../src/cash/CashBase.sol";

/// @notice Regression tests of the second reading (security review) of PlasmaCash: each test
/// failed on the contracts as first written (see docs/contracts.md, "Plasma Cash", "Review").
contract CashReviewTest is CashTest {
    /// @dev The slot the next ETH deposit of `who` will get (slots are predictable).
    function _nextEthSlot(address who) internal view returns (uint64) {
        return uint64(bytes8(keccak256(abi.encodePacked(uint64(cash.numCoins()), who, who))));
    }

    // ------------------------------------------------ R1: txs in blocks before the deposit

    /// The operator predicts Alice's next slot (or front-runs her deposit) and puts a forged
    /// parent and a forged exiting tx of that slot in two operator blocks submitted before her
    /// deposit. Without a check that a tx's block follows the coin's deposit, Mallory exits
    /// Alice's coin and nobody can challenge it: Alice's deposit, the coin's earliest tx, is
    /// after the exit block, so no challengeBefore is possible.
    function test_review_txBeforeDepositCannotExit() public {
        uint64 slot = _nextEthSlot(alice);
        bytes memory forgedParent = _tx(slot, 1, 5 ether, mallory);
        uint256 b1 = _submitTx(slot, forgedParent);
        bytes memory forged = _tx(slot, b1, 5 ether, mallory);
        uint256 b2 = _submitTx(slot, forged);
        assertEq(_depositEth(alice, 5 ether), slot, "predicted slot");
        uint256 dep = _depositBlock(slot);
        assertEq(dep, b2 + 1, "deposited after the forged blocks");

        bytes memory sig = _sign(MALLORY_KEY, forged);
        bytes memory p1 = _proof(b1, slot);
        bytes memory p2 = _proof(b2, slot);
        uint256[2] memory blocks = [b1, b2];
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.BlockBeforeDeposit.selector, b2, dep));
        cash.startExit{value: BOND}(slot, forgedParent, forged, p1, p2, sig, blocks);
        assertEq(_state(slot), 1, "still deposited");
        // Alice's coin is hers.
        _exitDeposit(alice, slot, 5 ether);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        vm.prank(alice);
        cash.withdraw(slot);
    }

    /// The same pre-deposit junk used against an honest exit: a challengeBefore with a tx
    /// placed at the slot before the coin existed cannot be answered by anyone, so it would
    /// cancel Bob's honest exit and hand Bob's bond to the challenger.
    function test_review_txBeforeDepositCannotChallengeBefore() public {
        uint64 slot = _nextEthSlot(alice);
        bytes memory junk = _tx(slot, 7, 1 ether, mallory);
        uint256 bj = _submitTx(slot, junk);
        assertEq(_depositEth(alice, 1 ether), slot, "predicted slot");
        uint256 dep = _depositBlock(slot);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        _exit(bob, slot, depTx, dep, t1, b1, ALICE_KEY);

        bytes memory pj = _proof(bj, slot);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.BlockBeforeDeposit.selector, bj, dep));
        cash.challengeBefore{value: BOND}(slot, junk, pj, bj);
        vm.warp(START_TIME + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "Bob's exit finalized");
    }

    /// Pre-deposit junk cannot void an honest checkpoint either (a dispute nobody can answer).
    function test_review_txBeforeDepositCannotDisputeCheckpoint() public {
        uint64 slot = _nextEthSlot(alice);
        bytes memory junk = _tx(slot, 7, 1 ether, mallory);
        uint256 bj = _submitTx(slot, junk);
        _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        uint256 b1 = _submitEmpty();
        uint256 id = _checkpoint1(b1, slot, keccak256(abi.encodePacked(slot)));
        bytes memory pj = _proof(bj, slot);
        bytes memory cpProof = _cpProof(id, slot);
        bytes32 leaf = keccak256(abi.encodePacked(slot));
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.BlockBeforeDeposit.selector, bj, dep));
        cash.disputeCheckpoint{value: BOND}(id, slot, junk, bj, pj, leaf, cpProof);
    }

    // ------------------------------------------------ R2: self-answered challengeBefore

    /// A past owner challenges an honest exit with its own old tx and answers the challenge
    /// itself with the spend it signed: the maturity moves by `responsePeriod` each time and,
    /// were the responder credited the bond, the delay would cost the griefer nothing. The
    /// challenge bond goes to the exiter, whoever answers.
    function test_review_challengeBondGoesToExiter() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _submitTx(slot, t1);
        bytes memory t2 = _tx(slot, b1, 1 ether, carol);
        uint256 b2 = _submitTx(slot, t2);
        _exit(carol, slot, t1, b1, t2, b2, BOB_KEY);

        vm.warp(START_TIME + MEP - 1);
        vm.prank(alice);
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        (,,,,,,, uint256 exitableAt,) = cash.exitOf(slot);
        assertEq(exitableAt, block.timestamp + RESPONSE, "delayed");
        bytes memory sig = _sign(ALICE_KEY, t1);
        bytes memory p1 = _proof(b1, slot);
        vm.prank(alice);
        cash.respondChallengeBefore(slot, keccak256(abi.encodePacked(slot)), t1, p1, sig, b1, "");
        assertEq(cash.bondBalances(alice), 0, "the griefer pays for the delay");
        assertEq(cash.bondBalances(carol), BOND, "the exiter is compensated");
        vm.warp(exitableAt);
        cash.finalizeExit(slot);
        assertEq(cash.bondBalances(carol), 2 * BOND, "plus its exit bond");
    }
}
