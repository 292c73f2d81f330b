// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InFlightBase} from "./InFlightExit.t.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice Regression tests of two review findings (docs/contracts.md, "Review findings
/// fixed"): both broke "if an in-flight exit paid an input, the tx's outputs can never exit"
/// after a false canonicity challenge nobody answered. Each replays the attack and checks it
/// now fails and the victims keep their funds.
contract InFlightReviewTest is InFlightBase {
    uint256 internal constant F_FINALIZED = 8;
    uint256 internal constant F_INPUTS_PAID = 32;

    /// @dev MT spends Alice's 5 ETH deposit (aPos) and her 100 TKN deposit into Bob's 5 ETH
    /// (output 0) and 100 TKN (output 1); included at `q`; Alice starts its in-flight exit.
    function _startMixed()
        internal
        returns (bytes memory mt, uint160 mId, uint256 q, uint256 tkPos)
    {
        bytes memory tokTx;
        (tkPos, tokTx) = _depositErc20(alice, 100);
        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(aPos);
        ins[1] = bytes32(tkPos);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](2);
        outs[0] = _out(bob, address(0), 5 ether);
        outs[1] = _out(bob, address(token), 100);
        mt = _tx(ins, outs);
        q = _includeOne(mt); // validly included
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(mt, aTx, aPos, ALICE_KEY, tokTx, tkPos, ALICE_KEY);
        vm.prank(alice);
        game.startInFlightExit{value: ifeBond}(a);
        mId = game.inFlightExitId(mt);
    }

    /// @dev Alice's false canonicity challenge of `mt` with an unincluded competitor spending
    /// her token input (she signs it herself); nobody answers. Returns the competitor.
    function _falseChallenge(bytes memory mt, uint256 tkPos) internal returns (bytes memory comp) {
        comp = _spend(tkPos, alice, address(token), 100);
        PaymentExitBase.CanonicityChallenge memory c = PaymentExitBase.CanonicityChallenge({
            inFlightTx: mt,
            inFlightTxInputIndex: 1,
            competingTx: comp,
            competingTxInputIndex: 0,
            competingTxPos: 0,
            competingTxInclusionProof: "",
            competingTxSig: _sig(ALICE_KEY, comp)
        });
        vm.prank(alice);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
    }

    /// Finding 1: F_INPUTS_PAID used to be set only in the pass of the token of a paid input, so
    /// after the ETH pass (F_PROCESSING, nothing paid yet) Bob could standard-exit both outputs,
    /// then Alice's token input was paid too. Now the first pass decides it for every token:
    /// Bob's standard exits are refused and Carol's tokens stay in the vault.
    function test_inputsPaidBlocksOutputExitsAcrossTokens() public {
        _depositErc20(carol, 100); // the victim's tokens in the vault
        (bytes memory mt, uint160 mId, uint256 q, uint256 tkPos) = _startMixed();
        // Alice piggybacks only her token input; Bob (colluding) the ETH output.
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pbBond}(mt, 1, 0);
        _pbOut(bob, mt, 0);
        _falseChallenge(mt, tkPos);
        // The ETH queue runs first: Bob's leg is refunded, and the inputs are already marked
        // paid although the token input is settled only in the token pass.
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 5);
        assertEq(_header(mId).flags & F_INPUTS_PAID, F_INPUTS_PAID, "decided in the first pass");
        assertEq(_header(mId).flags & F_FINALIZED, 0, "the token leg is pending");
        // Bob's standard exits of both outputs are refused.
        bytes memory proof = _proofOne(mt);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, mId));
        game.startStandardExit{value: bond}(q * 10_000 + 1, mt, proof, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, mId));
        game.startStandardExit{value: bond}(q * 10_000 + 0, mt, proof, 0);
        // The token pass pays Alice's input and finalizes the exit.
        uint256 a0 = token.balanceOf(alice);
        game.processExits(address(token), 5);
        assertEq(token.balanceOf(alice) - a0, 100, "alice: her token input back");
        assertEq(_header(mId).flags & F_FINALIZED, F_FINALIZED, "finalized");
        // Still refused after finalization.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, mId));
        game.startStandardExit{value: bond}(q * 10_000 + 1, mt, proof, 0);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(token), 5);
        game.processExits(address(0), 5);
        assertEq(token.balanceOf(address(erc20Vault)), 100, "carol's 100 tokens stay");
        assertEq(address(ethVault).balance, 8 ether, "eth: no output left (alice's 5 unclaimed)");
        assertEq(game.queueSize(address(0)) + game.queueSize(address(token)), 0, "queues empty");
        assertEq(address(game).balance, 0, "every bond settled");
    }

    /// Finding 2: deleteNonPiggybackedInFlightExit used to accept a half-processed exit whose
    /// last piggyback was removed by a (self-signed) spent challenge, erasing F_INPUTS_PAID after
    /// Alice's ETH input was paid, so Bob could exit the ETH output too. Now the deletion is
    /// refused, the exit finalizes on its remaining queue entry, and the output stays barred.
    function test_cannotDeleteAHalfProcessedExit() public {
        address victim = address(0xdead);
        vm.deal(victim, 10 ether);
        _depositEth(victim, 10 ether);
        (bytes memory mt, uint160 mId, uint256 q, uint256 tkPos) = _startMixed();
        _pbIn(alice, mt, 0); // ETH input
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pbBond}(mt, 1, 0); // token input
        bytes memory comp = _falseChallenge(mt, tkPos);
        vm.warp(block.timestamp + 2 * MEP);
        uint256 ethBefore = address(ethVault).balance;
        uint256 a0 = alice.balance;
        game.processExits(address(0), 5); // Alice's 5 ETH input paid
        assertEq(ethBefore - address(ethVault).balance, 5 ether, "input paid");
        // The first pass settles the in-flight bond: to Alice, whose challenge stands, with
        // her challenge bond.
        assertEq(
            alice.balance - a0,
            5 ether + pbBond - pbBond / 4 + ifeBond + chBond,
            "alice: her ETH input, the in-flight and challenge bonds"
        );
        assertEq(_header(mId).flags & F_INPUTS_PAID, F_INPUTS_PAID, "F_INPUTS_PAID");
        // Spent-leg challenges stay allowed until the leg is processed: Alice removes her own
        // token piggyback with a self-signed spend (and takes the bond).
        vm.prank(alice);
        game.challengeInFlightExitInputSpent(mt, 1, comp, 0, _sig(ALICE_KEY, comp));
        assertEq(_header(mId).piggybacks, 0, "no piggyback left");
        // But the half-processed exit cannot be deleted: its record (F_INPUTS_PAID) stays.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitProcessing.selector, mId)
        );
        game.deleteNonPiggybackedInFlightExit(mId);
        assertTrue(_header(mId).startedAt != 0, "header kept");
        // Bob's standard exit of the ETH output is refused.
        bytes memory proof = _proofOne(mt);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, mId));
        game.startStandardExit{value: bond}(q * 10_000 + 0, mt, proof, 0);
        // The remaining token queue entry finalizes the exit; no bond is paid twice, no token
        // leaves.
        a0 = alice.balance;
        game.processExits(address(token), 5);
        assertEq(_header(mId).flags & F_FINALIZED, F_FINALIZED, "finalized");
        assertEq(alice.balance, a0, "the bonds were paid at the first pass, once");
        assertEq(token.balanceOf(address(erc20Vault)), 100, "alice's token input not paid");
        // Still neither deletable nor restartable nor exitable through the outputs.
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, mId));
        game.deleteNonPiggybackedInFlightExit(mId);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, mId));
        game.startStandardExit{value: bond}(q * 10_000 + 0, mt, proof, 0);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 5);
        assertEq(
            address(ethVault).balance, 3 ether + 10 ether, "victim's 10 ETH and carol's 3 stay"
        );
        assertEq(game.queueSize(address(0)) + game.queueSize(address(token)), 0, "queues empty");
        assertEq(address(game).balance, 0, "every bond settled");
    }

    /// The first-pass decision is exact when no input is piggybacked: a non-canonical exit
    /// that pays no input leaves the outputs of an included tx free to exit the standard way.
    function test_nonCanonicalWithoutInputPiggybacksKeepsOutputsExitable() public {
        (bytes memory mt, uint160 mId, uint256 q, uint256 tkPos) = _startMixed();
        _pbOut(bob, mt, 0);
        _falseChallenge(mt, tkPos);
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 5); // Bob's ETH leg refunded, exit finalized
        assertEq(_header(mId).flags & (F_INPUTS_PAID | F_FINALIZED), F_FINALIZED, "no input paid");
        bytes memory proof = _proofOne(mt);
        uint256 b0 = token.balanceOf(bob);
        _startExit(bob, q * 10_000 + 1, mt, proof);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(token), 5);
        assertEq(token.balanceOf(bob) - b0, 100, "bob's token output exits");
    }
}
