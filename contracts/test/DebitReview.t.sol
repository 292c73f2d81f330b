// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DebitTest, DebitTxs} from "./utils/DebitTest.sol";
import {PlasmaDebit} from "../src/debit/PlasmaDebit.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice The attacker's review of PlasmaDebit (docs/debit.md). One test per hypothesis:
/// `_DEFENDED_` when the attack fails (the test performs it and asserts the exact revert or
/// the unchanged balances), `_FINDING_` when it succeeds (the test shows the loss with exact
/// amounts and passes while the hole exists).
contract DebitReviewTest is DebitTest {
    uint8 internal constant UNANSWERED = 3;
    uint8 internal constant DISPLACED = 4;

    uint64 internal sa;
    uint64 internal sb;
    uint64 internal sc;
    uint256 internal depA;
    uint256 internal depB;
    uint256 internal depC;

    function setUp() public override {
        super.setUp();
        vm.deal(dan(), 1000 ether);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Alice's coin A (5 ether) and Bob's coin B (2 ether, topped up by 3: capacity 5).
    function _coinsAB() internal {
        sa = _deposit(alice, 5 ether);
        sb = _deposit(bob, 2 ether);
        _topUp(sb, 3 ether);
        depA = _depositBlock(sa);
        depB = _depositBlock(sb);
    }

    function _expect(bytes memory err) internal {
        vm.expectRevert(err);
    }

    function _depHash(uint64 slot) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(slot));
    }

    function _predict(uint256 index, address who) internal pure returns (uint64) {
        return uint64(bytes8(keccak256(abi.encodePacked(uint64(index), who, who))));
    }

    /// @dev An own tx of `slot` at `b` without peer leg, signed by `key` (0: unsigned).
    function _own(bytes memory t, uint256 b, uint64 slot, uint256 key)
        internal
        view
        returns (PlasmaDebit.TxProof memory)
    {
        return _txp(t, b, slot, NO_PEER, key);
    }

    function _owedAll() internal view returns (uint256) {
        return debit.owed(alice) + debit.owed(bob) + debit.owed(carol) + debit.owed(mallory)
            + debit.owed(operator);
    }

    /// @dev Capacities of the coins not paid out (of sa, sb, sc; a zero slot is no coin).
    function _capsHeld() internal view returns (uint256 sum) {
        uint64[3] memory s = [sa, sb, sc];
        for (uint256 i; i < 3; ++i) {
            if (s[i] != 0 && _state(s[i]) != 3) sum += _capacity(s[i]);
        }
    }

    /// @dev Solvency: every wei held is owed, or a capacity of a coin not paid out, or a bond
    /// still live (`liveBonds`: live exits, open challenges and their rewards).
    function _checkSolvent(uint256 liveBonds, string memory where) internal view {
        assertEq(address(debit).balance, _owedAll() + _capsHeld() + liveBonds, where);
    }

    function _warpToMaturity(uint64 slot) internal {
        vm.warp(_exitableAt(slot));
    }

    // ================================================================ h1: the payee's guard

    /// h1. Alice paid Bob 1 ether and exits her state before the pay. Mallory, a past owner
    /// of Bob's coin, keeps B in an exit of her old state so that the pay is refused
    /// (PayeeNotCredited). Defended: her exit is a spent state, cancelled at once by anyone
    /// with its spend (Bob gets her bond); she cannot restart it (proven invalid); the pay then
    /// cancels Alice's stale exit. (The one way to make the blocker uncancellable is a voided
    /// pay in B's own history: h11.)
    function test_h1_DEFENDED_pastOwnerOfPayeeCoinCannotShieldStaleExit() public {
        sa = _deposit(alice, 5 ether);
        sb = _deposit(mallory, 2 ether);
        _topUp(sb, 3 ether);
        (depA, depB) = (_depositBlock(sa), _depositBlock(sb));
        bytes memory t = _transfer(sb, depB, bob, 2 ether);
        uint256 b1 = _submitTx(sb, t);
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(alice, sa, alice, 5 ether); // stale: the pay spends it
        _exitDeposit(mallory, sb, mallory, 2 ether); // stale: the transfer spends it
        PlasmaDebit.TxProof memory s = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sb, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        vm.prank(bob);
        debit.challengeAfter(sb, _own(t, b1, sb, MALLORY_KEY), "");
        assertEq(debit.owed(bob), BOND, "bob: mallory's bond");
        PlasmaDebit.TxProof memory again = _depP(sb, mallory, 2 ether);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, _depHash(sb)));
        debit.startExit{value: BOND}(sb, _none(), again);
        vm.prank(operator);
        debit.challengeAfter(sa, s, "");
        assertEq(debit.owed(operator), BOND, "operator: alice's bond");
        assertEq(_state(sa), 1, "alice's stale exit cancelled");
    }

    // ================================================================ h2: credits

    /// h2a. The same pay in two blocks (both legs each) is one credit: added once by
    /// addCredit, not again by the copy, nor by the guard when Alice exits the copy.
    function test_h2_DEFENDED_copyOfPayCreditedOnce() public {
        _coinsAB();
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m1 = _submitPay(p, sa, sb);
        uint256 m2 = _submitPay(p, sa, sb); // the operator's copy
        _exitDeposit(bob, sb, bob, 2 ether);
        debit.addCredit(sb, p, m1, _proof(m1, sb), _proof(m1, sa));
        bytes memory payee = _proof(m2, sb);
        bytes memory payer = _proof(m2, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.CreditAlreadyAdded.selector, keccak256(p)));
        debit.addCredit(sb, p, m2, payee, payer);
        _startExit(alice, sa, _depP(sa, alice, 5 ether), _txp(p, m2, sa, sb, ALICE_KEY));
        assertEq(_credits(sb), 1 ether, "one credit");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1");
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 5 - 1");
        assertEq(debit.owed(operator), 1 ether + 2 ether, "operator: 1 of A, 2 of B");
        assertEq(address(debit).balance, _owedAll(), "solvent");
    }

    /// h2b. A copy of a pay after the payee consolidated it is credited again: Bob's
    /// consolidated state (3) plus the copy (1) pays 4. Informational: only the operator, who
    /// included the chain-invalid copy, pays (B's operator side: 1 instead of 2); the client
    /// refuses the copy (RepeatedPay). No honest party can be made to lose by it.
    function test_h2_FINDING_copyAfterConsolidationCreditedAgain_operatorPays() public {
        _coinsAB();
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m1 = _submitPay(p, sa, sb);
        bytes memory t = _transfer(sb, depB, bob, 3 ether); // Bob consolidates the credit
        uint256 b2 = _submitTx(sb, t);
        uint256 m3 = _submitPay(p, sa, sb); // the operator's copy after it
        assertTrue(m3 > b2 && b2 > m1, "pay, consolidation, copy");
        _startExit(bob, sb, _depP(sb, bob, 2 ether), _own(t, b2, sb, BOB_KEY));
        debit.addCredit(sb, p, m3, _proof(m3, sb), _proof(m3, sa));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), 4 ether + BOND, "bob: 3 + the copy's 1");
        assertEq(debit.owed(operator), 1 ether, "operator: 1 of B instead of 2");
    }

    // ================================================================ h3: operator exits

    /// h3a. The operator exits Bob's deposit (his latest own state) while he has a credit
    /// after it: Bob adds it in the last second before maturity; the operator cannot finalize
    /// earlier, nor anyone add after. Bob is paid exactly his balance.
    function test_h3_DEFENDED_operatorExitOfStateBeforeCredit_holderAddsInTime() public {
        _coinsAB();
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(operator, sb, bob, 2 ether);
        uint256 due = _exitableAt(sb);
        vm.warp(due - 1);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitNotMature.selector, due));
        debit.finalizeExit(sb);
        vm.prank(bob);
        debit.addCredit(sb, p, m, _proof(m, sb), _proof(m, sa));
        vm.warp(due);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitMatured.selector, due));
        debit.addCredit(sb, p, m, payee, payer);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), 3 ether, "bob: 2 + 1 (no bond: the operator started)");
        assertEq(debit.owed(operator), 2 ether + BOND, "operator: 5 - 3 and its bond");
    }

    /// h3b. The operator exits Bob's state from before his consolidation: Bob cancels it with
    /// the consolidation (the operator's bond to him), exits his latest and adds the credit
    /// after it: he gets all of 2 + 1 + 0.5.
    function test_h3_DEFENDED_operatorExitOfOldState_holderCancelsAndGetsAll() public {
        _coinsAB();
        bytes memory p1 = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m1 = _submitPay(p1, sa, sb);
        bytes memory t = _transfer(sb, depB, bob, 3 ether);
        uint256 b2 = _submitTx(sb, t);
        bytes memory p2 = _pay(sa, m1, alice, 3.5 ether, sb, bob, 0.5 ether);
        uint256 m3 = _submitPay(p2, sa, sb);
        _exitDeposit(operator, sb, bob, 2 ether);
        vm.prank(bob);
        debit.challengeAfter(sb, _own(t, b2, sb, BOB_KEY), "");
        assertEq(debit.owed(bob), BOND, "bob: the operator's bond");
        _startExit(bob, sb, _depP(sb, bob, 2 ether), _own(t, b2, sb, BOB_KEY));
        debit.addCredit(sb, p2, m3, _proof(m3, sb), _proof(m3, sa));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), 3.5 ether + 2 * BOND, "bob: 3.5, his bond, the operator's");
        assertEq(debit.owed(operator), 1.5 ether, "operator: 5 - 3.5");
    }

    // ================================================================ h4: peer legs

    /// h4a. Pays used against Alice's deposit exit whose payee leg is at her own slot, at a
    /// slot with no coin, or at a coin deposited after the pay's block: none counts against
    /// her; she is paid her whole deposit.
    function test_h4_DEFENDED_badPeerLegsNeverCountAgainstPayer() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        uint64 future = _predict(1, carol);
        bytes memory toFuture = _pay(sa, depA, alice, 4 ether, future, carol, 1 ether);
        uint256 m1 = _submitPay(toFuture, sa, future);
        bytes memory toNone = _pay(sa, depA, alice, 4 ether, 77, carol, 1 ether);
        uint256 m2 = _submitPay(toNone, sa, 77);
        bytes memory toSelf = _pay(sa, depA, alice, 4 ether, sa, alice, 1 ether);
        uint256 m3 = _submitTx(sa, toSelf);
        sc = _deposit(carol, 1 ether);
        assertEq(sc, future, "predicted");
        _exitDeposit(alice, sa, alice, 5 ether);
        PlasmaDebit.TxProof memory s = _txp(toFuture, m1, sa, sc, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.BlockBeforeDeposit.selector, m1, m3 + 1));
        debit.challengeAfter(sa, s, "");
        s = _txp(toNone, m2, sa, 77, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.CoinNotFound.selector, uint64(77)));
        debit.challengeAfter(sa, s, "");
        s = _txp(toSelf, m3, sa, sa, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayToSelf.selector, sa));
        debit.challengeAfter(sa, s, "");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: all of it");
    }

    /// h4b. A "pay" from a slot with no coin to Bob's coin is credited (addCredit does not
    /// look at the payer's coin), but only the operator, who put both leaves in its block,
    /// pays for it: Bob gets 3, the operator 2 of B instead of 3, nobody else is touched.
    function test_h4_DEFENDED_creditFromNoCoinCostsOnlyTheOperator() public {
        _coinsAB();
        bytes memory p = _pay(77, 1, mallory, 0, sb, bob, 1 ether);
        uint256 m = _submitPay(p, 77, sb);
        _exitDeposit(bob, sb, bob, 2 ether);
        debit.addCredit(sb, p, m, _proof(m, sb), _proof(m, 77));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1");
        assertEq(debit.owed(operator), 2 ether, "operator: its 3 of top-up less 1");
        assertEq(address(debit).balance, _owedAll() + 5 ether, "A untouched");
    }

    // ================================================================ h5: copies

    /// h5a. Bob exits a copy (a later block) of the transfer that gave him the coin, though he
    /// spent it: Carol's spend names the first copy and cancels it (copyProof); the tx is
    /// proven invalid, so no copy of it exits again.
    function test_h5_DEFENDED_laterCopyOfSpentStateCancelled() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory e = _transfer(sa, depA, bob, 5 ether);
        uint256 b1 = _submitTx(sa, e);
        bytes memory t = _transfer(sa, b1, carol, 5 ether);
        uint256 b2 = _submitTx(sa, t);
        uint256 b3 = _submitTx(sa, e); // the operator's copy
        _startExit(bob, sa, _depP(sa, alice, 5 ether), _own(e, b3, sa, ALICE_KEY));
        PlasmaDebit.TxProof memory s = _own(t, b2, sa, BOB_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, b1, b3));
        debit.challengeAfter(sa, s, "");
        vm.prank(carol);
        debit.challengeAfter(sa, s, _proof(b1, sa));
        assertEq(debit.owed(carol), BOND, "carol: bob's bond");
        assertTrue(debit.provenInvalid(sa, keccak256(e)), "proven invalid");
        PlasmaDebit.TxProof memory first = _own(e, b1, sa, ALICE_KEY);
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, 5 ether);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, keccak256(e)));
        debit.startExit{value: BOND}(sa, dep, first);
    }

    /// h5b. Mallory challenges Carol's honest exit (whose parent Carol's tx names at its
    /// second copy) with the parent's first copy: Carol answers with her own tx and the
    /// copy proof; Mallory's bond goes to Carol.
    function test_h5_DEFENDED_challengeBeforeWithEarlierCopyOfParentAnswered() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory p = _transfer(sa, depA, bob, 5 ether);
        uint256 b1 = _submitTx(sa, p);
        uint256 b2 = _submitTx(sa, p); // copy
        bytes memory e = _transfer(sa, b2, carol, 5 ether);
        uint256 b3 = _submitTx(sa, e);
        _startExit(carol, sa, _own(p, b2, sa, 0), _own(e, b3, sa, BOB_KEY));
        bytes memory pr = _proof(b1, sa);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, p, b1, pr);
        PlasmaDebit.TxProof memory r = _own(e, b3, sa, BOB_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, b2, b1));
        debit.respondChallengeBefore(sa, keccak256(p), r, "");
        debit.respondChallengeBefore(sa, keccak256(p), r, _proof(b2, sa));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(carol), 5 ether + 2 * BOND, "carol: coin, her bond, mallory's");
        assertEq(debit.owed(mallory), 0, "mallory: nothing");
    }

    // ================================================================ h6: deposit txs

    /// h6. The deposit tx: not exitable at another block, never a spend (challengeAfter,
    /// challengeBetween), answered as a challengeBefore; the operator's exit of a stale
    /// deposit pays the depositor and is cancelled by the holder, and never restarts.
    function test_h6_DEFENDED_depositTxMisuses() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory t = _transfer(sa, depA, bob, 5 ether);
        uint256 b1 = _submitTx(sa, t);
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, 5 ether);
        dep.blockNumber = b1;
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.DepositNotAtDepositBlock.selector, b1, depA));
        debit.startExit{value: BOND}(sa, _none(), dep);
        _exitDeposit(operator, sa, alice, 5 ether);
        assertEq(_exitOwner(sa), alice, "the operator's exit pays the depositor");
        dep = _depP(sa, alice, 5 ether);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, 0, depA));
        debit.challengeAfter(sa, dep, "");
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t, b1, sa, ALICE_KEY), "");
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, _depHash(sa)));
        debit.startExit{value: BOND}(sa, _none(), dep);
        _startExit(bob, sa, dep, _own(t, b1, sa, ALICE_KEY));
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, 0, depA));
        debit.challengeBetween(sa, dep);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        debit.respondChallengeBefore(sa, _depHash(sa), _own(t, b1, sa, ALICE_KEY), "");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 5 ether + 3 * BOND, "bob: coin, bond, operator's, mallory's");
        assertEq(debit.owed(operator) + debit.owed(mallory) + debit.owed(alice), 0, "others 0");
    }

    // ================================================================ h7: priority window

    /// @dev Alice → Bob at b1 (genuine), operator junk Bob → Mallory at b2, Mallory's exit of
    /// her own tx at b3 spending it; Bob's unanswerable challengeBefore cancels it at
    /// maturity and opens a priority window. Returns (b1, the window's end).
    function _forgedExitCancelled() internal returns (uint256 b1, uint256 until) {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory t1 = _transfer(sa, depA, bob, 5 ether);
        b1 = _submitTx(sa, t1);
        bytes memory junk = _transfer(sa, b1, mallory, 5 ether); // never signed by Bob
        uint256 b2 = _submitTx(sa, junk);
        bytes memory e = _transfer(sa, b2, mallory, 5 ether);
        uint256 b3 = _submitTx(sa, e);
        _startExit(mallory, sa, _own(junk, b2, sa, 0), _own(e, b3, sa, MALLORY_KEY));
        bytes memory pr = _proof(b1, sa);
        vm.prank(bob);
        debit.challengeBefore{value: BOND}(sa, t1, b1, pr);
        _warpToMaturity(sa);
        debit.finalizeExit(sa);
        until = debit.priorityUntil(sa);
        assertEq(until, block.timestamp + RESPONSE, "window");
    }

    /// h7. In the window, Alice (a past owner) displaces Bob's exit with her spent deposit;
    /// Bob cancels it (her bond to him), restarts, and nobody can displace him again (Mallory's
    /// later tx: ExitLive; Alice's deposit: proven invalid). Every bond lands where it should.
    function test_h7_DEFENDED_displacementByPastOwnerCostsHerBond() public {
        (uint256 b1, uint256 until) = _forgedExitCancelled();
        bytes memory t1 = _transfer(sa, depA, bob, 5 ether);
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, 5 ether);
        _startExit(bob, sa, dep, _own(t1, b1, sa, ALICE_KEY));
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, bob, 2, alice, DISPLACED);
        _startExit(alice, sa, _none(), dep);
        assertEq(debit.owed(bob), BOND, "bob: his displaced bond back");
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t1, b1, sa, ALICE_KEY), "");
        _startExit(bob, sa, dep, _own(t1, b1, sa, ALICE_KEY));
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, _depHash(sa)));
        debit.startExit{value: BOND}(sa, _none(), dep);
        bytes memory junk = _transfer(sa, b1, mallory, 5 ether);
        bytes memory e = _transfer(sa, b1 + 1000, mallory, 5 ether);
        PlasmaDebit.TxProof memory mp = _own(junk, b1 + 1000, sa, 0);
        PlasmaDebit.TxProof memory me = _own(e, b1 + 2000, sa, MALLORY_KEY);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitLive.selector, b1, until));
        debit.startExit{value: BOND}(sa, mp, me);
        _warpToMaturity(sa);
        debit.finalizeExit(sa);
        debit.reclaimChallengeBond(sa, keccak256(t1));
        // Bob: 5, bonds 3 (1 challenge, 2 exits) back, mallory's and alice's bonds.
        assertEq(debit.owed(bob), 5 ether + 5 * BOND, "bob");
        assertEq(debit.owed(alice) + debit.owed(mallory), 0, "thieves: nothing");
        assertEq(address(debit).balance, _owedAll(), "solvent");
    }

    // ================================================================ h8: solvency

    /// h8. Through deposits, a top-up, a forged exit with three challengeBefores (one
    /// answered), an unanswered cancellation (shared bond), a restart, a challenge settled on
    /// reuse, a displacement with an open challenge, pays and credits, payouts and every
    /// reclaim and withdrawal: each wei held is owed, a capacity not paid out, or a live bond.
    function test_h8_DEFENDED_solvencyThroughEveryPath() public {
        _coinsAB();
        sc = _deposit(carol, 1 ether);
        _checkSolvent(0, "deposits + top-up");
        // Junk: Alice → Mallory (b1), Mallory → Carol (b2), Carol → Mallory (b3); Mallory's
        // exit of b4 spending b3.
        bytes memory j0 = _transfer(sa, depA, mallory, 5 ether);
        uint256 b1 = _submitTx(sa, j0);
        bytes memory j1 = _transfer(sa, b1, carol, 5 ether);
        uint256 b2 = _submitTx(sa, j1);
        bytes memory j2 = _transfer(sa, b2, mallory, 5 ether);
        uint256 b3 = _submitTx(sa, j2);
        bytes memory e = _transfer(sa, b3, mallory, 5 ether);
        uint256 b4 = _submitTx(sa, e);
        _startExit(mallory, sa, _own(j2, b3, sa, 0), _own(e, b4, sa, MALLORY_KEY));
        _checkSolvent(BOND, "exit");
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        _challenge(bob, j0, b1);
        _challenge(carol, j1, b2);
        _checkSolvent(4 * BOND, "three challenges");
        // Mallory answers Bob's (she owns j0 and signs j1): his bond to her, the starter.
        debit.respondChallengeBefore(sa, keccak256(j0), _own(j1, b2, sa, MALLORY_KEY), "");
        _checkSolvent(3 * BOND, "one answered");
        _warpToMaturity(sa);
        debit.finalizeExit(sa);
        // The exit bond is shared by the two open challenges.
        assertEq(debit.challengeRewards(sa, 1), BOND / 2, "half each");
        _checkSolvent(3 * BOND, "cancelled: 2 open challenges + their shares");
        _h8second(j1, j2, e, b2, b3, b4);
    }

    function _challenge(address who, bytes memory t, uint256 b) internal {
        bytes memory pr = _proof(b, sa);
        vm.prank(who);
        debit.challengeBefore{value: BOND}(sa, t, b, pr);
    }

    function _h8second(
        bytes memory j1,
        bytes memory j2,
        bytes memory e,
        uint256 b2,
        uint256 b3,
        uint256 b4
    ) internal {
        // Mallory restarts; Carol's challenge with j1 again: her old one is settled first.
        _startExit(mallory, sa, _own(j2, b3, sa, 0), _own(e, b4, sa, MALLORY_KEY));
        _challenge(carol, j1, b2);
        assertEq(debit.owed(carol), BOND + BOND / 2, "carol's first settled with its share");
        _checkSolvent(BOND + BOND + (BOND + BOND / 2), "restart + challenges");
        // Alice displaces with her deposit: Mallory's bond back, Carol's new one no reward.
        _exitDeposit(alice, sa, alice, 5 ether);
        assertEq(debit.owed(mallory), BOND + BOND, "mallory: bob's bond + her displaced one");
        _checkSolvent(BOND + BOND + (BOND + BOND / 2), "displaced");
        debit.reclaimChallengeBond(sa, keccak256(j1));
        assertEq(debit.owed(carol), 2 * BOND + BOND / 2, "carol's second: bond only");
        // A pay from C to B, credited; A and B pay out; Alice's first challenge reclaimed.
        bytes memory p = _pay(sc, _depositBlock(sc), carol, 0.25 ether, sb, bob, 0.75 ether);
        uint256 m = _submitPay(p, sc, sb);
        _exitDeposit(bob, sb, bob, 2 ether);
        debit.addCredit(sb, p, m, _proof(m, sb), _proof(m, sc));
        _checkSolvent(2 * BOND + (BOND + BOND / 2), "two exits, alice's challenge");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        debit.finalizeExit(sb);
        debit.reclaimChallengeBond(sa, _depHash(sa));
        _checkSolvent(0, "paid out");
        assertEq(debit.owed(alice), 5 ether + BOND + BOND + BOND / 2, "alice");
        assertEq(debit.owed(bob), 2.75 ether + BOND, "bob");
        assertEq(debit.owed(operator), 2.25 ether, "operator: 5 - 2.75 of B");
        address[5] memory who = [alice, bob, carol, mallory, operator];
        for (uint256 i; i < 5; ++i) {
            if (debit.owed(who[i]) == 0) continue;
            vm.prank(who[i]);
            debit.withdraw();
        }
        assertEq(address(debit).balance, 1 ether, "only C's capacity is left");
    }

    // ================================================================ h9: truncations

    /// h9a. Amounts beyond 128 bits in txs: a pay of 2^256 - 1 and a transfer of balance
    /// 2^256 - 1 are capped at the capacity; nothing overflows or wraps.
    function test_h9_DEFENDED_hugeAmountsCapped() public {
        _coinsAB();
        uint256 huge = type(uint256).max;
        bytes memory p = _pay(sa, depA, alice, 0, sb, bob, huge);
        uint256 m = _submitPay(p, sa, sb);
        bytes memory t = _transfer(sa, m, alice, huge);
        uint256 b2 = _submitTx(sa, t);
        _exitDeposit(bob, sb, bob, 2 ether);
        debit.addCredit(sb, p, m, _proof(m, sb), _proof(m, sa));
        assertEq(_credits(sb), 5 ether, "capped credit");
        _startExit(alice, sa, _txp(p, m, sa, sb, 0), _own(t, b2, sa, ALICE_KEY));
        (,,,,, uint256 bal,,,,) = debit.exitOf(sa);
        assertEq(bal, 5 ether, "capped balance");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        debit.finalizeExit(sb);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: A's capacity");
        assertEq(debit.owed(bob), 5 ether + BOND, "bob: B's capacity");
        assertEq(address(debit).balance, _owedAll(), "solvent");
    }

    /// h9b (fixed). `exitableAt` was a uint32 and wrapped to the past from 2^32 - MEP (year
    /// 2106): Alice could exit her sold deposit and finalize it at once. It is 48 bits now:
    /// the exit matures MEP later and Bob's challenge cancels it.
    function test_h9_DEFENDED_exitableAtDoesNotWrapIn2106() public {
        vm.warp(uint256(type(uint32).max) - 1 days);
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory t = _transfer(sa, depA, bob, 5 ether);
        uint256 b1 = _submitTx(sa, t);
        _exitDeposit(alice, sa, alice, 5 ether);
        assertEq(_exitableAt(sa), uint256(type(uint32).max) - 1 days + MEP, "no wrap");
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitNotMature.selector, _exitableAt(sa)));
        debit.finalizeExit(sa);
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t, b1, sa, ALICE_KEY), "");
        assertEq(debit.owed(bob), BOND, "bob: alice's bond");
    }

    // ================================================================ h10: withdraw

    /// h10. A coin owner that refuses ETH cannot block anyone else's payout (pull payments),
    /// and one that re-enters withdraw is paid once.
    function test_h10_DEFENDED_refuserAndReentrantCannotHarmOthers() public {
        ReviewRefuser r = new ReviewRefuser(debit);
        vm.deal(address(r), 10 ether);
        uint64 sr = r.deposit(1 ether);
        _topUp(sr, 2 ether);
        r.exitDeposit(sr, BOND);
        sb = _deposit(bob, 2 ether);
        _exitDeposit(bob, sb, bob, 2 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sr);
        debit.finalizeExit(sb);
        vm.expectRevert(
            abi.encodeWithSelector(
                PlasmaDebit.EthTransferFailed.selector, address(r), 1 ether + BOND
            )
        );
        r.withdraw();
        uint256 before = bob.balance;
        vm.prank(bob);
        debit.withdraw();
        assertEq(bob.balance - before, 2 ether + BOND, "bob paid");
        before = operator.balance;
        vm.prank(operator);
        debit.withdraw();
        assertEq(operator.balance - before, 2 ether, "operator: the refuser's top-up");
        ReviewReenterer q = new ReviewReenterer(debit);
        vm.deal(address(q), 10 ether);
        uint64 sq = q.deposit(1 ether);
        q.exitDeposit(sq, BOND);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sq);
        before = address(q).balance;
        q.withdraw();
        assertEq(address(q).balance - before, 1 ether + BOND, "paid once");
        assertTrue(
            q.reentryError() == ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            "re-entry refused"
        );
        assertEq(address(debit).balance, 1 ether + BOND, "only the refuser's credit is left");
    }

    // ================================================================ h11: voided pays
    // The review's finding: a pay refused by the payee's guard after its payer built on it
    // revived her state before it. Fixed by `acknowledgePay` (the payer's later own tx naming
    // the pay's block makes the guard accept it for good). The UNACKNOWLEDGED tests show what
    // happens when nobody shows that (the holder's client must: docs/debit.md); the
    // DEFENDED tests below them show the fix.

    /// @dev Alice's coin A (5) pays Carol's coin C (1, topped up by 1) 0.5 at b1, then Alice
    /// sells A to Bob at b2 (balance 4.5). Bob checked both legs: his history is valid.
    function _voidSetup()
        internal
        returns (bytes memory p, uint256 b1, bytes memory t, uint256 b2)
    {
        sa = _deposit(alice, 5 ether);
        sc = _deposit(carol, 1 ether);
        _topUp(sc, 1 ether);
        (depA, depC) = (_depositBlock(sa), _depositBlock(sc));
        p = _pay(sa, depA, alice, 4.5 ether, sc, carol, 0.5 ether);
        b1 = _submitPay(p, sa, sc);
        t = _transfer(sa, b1, bob, 4.5 ether);
        b2 = _submitTx(sa, t);
    }

    /// h11a. Carol (colluding with Alice, or honest under a withheld block) exits C at her
    /// state before the pay without its credit, and is paid out. The pay is now void on L1
    /// (PayeeNotCredited forever), so Alice's deposit, which it spent, is unspent again:
    /// Alice exits it and nobody can challenge (challengeAfter refused, no challengeBefore of a
    /// deposit exit, no second exit). Bob, the holder of A's latest valid state (4.5), gets 0;
    /// Alice gets 5 for the coin she sold. Carol forgoes 0.5.
    function test_h11_UNACKNOWLEDGED_voidedPayRevivesSellersDeposit() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _exitDeposit(alice, sa, alice, 5 ether);
        PlasmaDebit.TxProof memory s = _txp(p, b1, sa, sc, ALICE_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sc, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitHasNoParent.selector, sa));
        debit.challengeBefore{value: BOND}(sa, t, b2, _proof(b2, sa));
        PlasmaDebit.TxProof memory parent = _txp(p, b1, sa, NO_PEER, 0);
        PlasmaDebit.TxProof memory mine = _own(t, b2, sa, ALICE_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 2));
        debit.startExit{value: BOND}(sa, parent, mine);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: 5 for the coin she sold");
        assertEq(debit.owed(bob), 0, "bob: nothing of his 4.5");
        assertEq(debit.owed(carol), 1 ether + BOND, "carol: 1 (she forwent 0.5)");
        assertEq(debit.owed(operator), 1 ether, "operator: C's top-up, nothing of A");
    }

    /// h11b. The same when Bob exits first: Alice challenges his exit with her deposit; the
    /// only answer (the pay) is refused by the guard, so his exit is cancelled at maturity
    /// (his bond to Alice), and Alice's deposit exit then takes the coin.
    function test_h11_UNACKNOWLEDGED_holderExitKilledByUnanswerableChallenge() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        PlasmaDebit.TxProof memory r = _txp(p, b1, sa, sc, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sc, keccak256(p)));
        debit.respondChallengeBefore(sa, _depHash(sa), r, "");
        _warpToMaturity(sa);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PriorityWindow(sa, block.timestamp + RESPONSE);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, bob, 1, address(0), UNANSWERED);
        debit.finalizeExit(sa);
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        debit.reclaimChallengeBond(sa, _depHash(sa));
        assertEq(debit.owed(alice), 5 ether + 3 * BOND, "alice: 5, her bonds, bob's bond");
        assertEq(debit.owed(bob), 0, "bob: nothing, not even his bond");
    }

    /// h11c. The mitigation: Bob (or anyone) shows the pay to Carol's exit while it is live
    /// (addCredit; or any call that runs the guard): the credit is Carol's, the pay counts,
    /// and Alice's deposit exit is cancelled. It needs Bob to watch every payee coin of every
    /// pay in his coin's history, which docs/debit.md does not ask, and fails if that coin's
    /// live exit is of another owner than the payee (WrongPayee).
    function test_h11_DEFENDED_holderShowsPayToPayeeExitInTime() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.prank(bob);
        debit.addCredit(sc, p, b1, _proof(b1, sc), _proof(b1, sa));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.prank(bob);
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, his bond, alice's");
        assertEq(debit.owed(carol), 1.5 ether + BOND, "carol: 1 + 0.5");
        assertEq(debit.owed(operator), 0.5 ether + 0.5 ether, "operator: 0.5 of A and of C");
    }

    /// h11d. Even a watching Bob cannot rescue the pay when the payee coin's live exit is of
    /// a past owner (Mallory, Carol's accomplice) of a state before the pay: the guard and
    /// addCredit both refuse (WrongPayee), only Carol holds the spend that cancels it, and she
    /// lets it mature. Then Alice's deposit exit takes the coin Bob holds (4.5).
    function test_h11_UNACKNOWLEDGED_payeeCoinExitedByPastOwner_holderCannotRescue() public {
        sa = _deposit(alice, 5 ether);
        sc = _deposit(mallory, 1 ether);
        (depA, depC) = (_depositBlock(sa), _depositBlock(sc));
        bytes memory tc = _transfer(sc, depC, carol, 1 ether);
        _submitTx(sc, tc);
        bytes memory p = _pay(sa, depA, alice, 4.5 ether, sc, carol, 0.5 ether);
        uint256 b1 = _submitPay(p, sa, sc);
        _submitTx(sa, _transfer(sa, b1, bob, 4.5 ether));
        _exitDeposit(mallory, sc, mallory, 1 ether);
        bytes memory payee = _proof(b1, sc);
        bytes memory payer = _proof(b1, sa);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongPayee.selector, carol, mallory));
        debit.addCredit(sc, p, b1, payee, payer);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _exitDeposit(alice, sa, alice, 5 ether);
        PlasmaDebit.TxProof memory s = _txp(p, b1, sa, sc, ALICE_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sc, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: 5 for the coin she sold");
        assertEq(debit.owed(mallory), 1 ether + BOND, "mallory: C, which was carol's");
        assertEq(debit.owed(bob), 0, "bob: nothing of his 4.5");
    }

    /// h11e. The operator alone, with every user honest: it withholds block b1 from Carol,
    /// who (as docs/debit.md tells her) exits C's state before it, without the credit she
    /// never saw. A's history after b1 is now void. A: Alice 1 (capacity 5), pays Carol 0.5,
    /// sells A to Bob; Dan pays Bob 4 (Dan's coin pays the operator 4); Bob consolidates 4.5.
    /// The operator exits A's deposit (it may start any exit): Alice 1, the operator 4. Bob
    /// loses 4.5; the operator gains 4 (Dan's payment to Bob); Carol loses her 0.5.
    function test_h11_UNACKNOWLEDGED_operatorAloneStealsWithAWithheldBlock() public {
        sa = _deposit(alice, 1 ether);
        _topUp(sa, 4 ether);
        sc = _deposit(carol, 1 ether);
        _topUp(sc, 1 ether);
        sb = _deposit(dan(), 4 ether); // Dan's coin (in sb)
        (depA, depB, depC) = (_depositBlock(sa), _depositBlock(sb), _depositBlock(sc));
        bytes memory p = _pay(sa, depA, alice, 0.5 ether, sc, carol, 0.5 ether);
        uint256 b1 = _submitPay(p, sa, sc); // withheld from Carol
        bytes memory t = _transfer(sa, b1, bob, 0.5 ether);
        uint256 b2 = _submitTx(sa, t);
        bytes memory d = _pay(sb, depB, dan(), 0, sa, bob, 4 ether);
        uint256 b3 = _submitPay(d, sb, sa);
        bytes memory k = _transfer(sa, b2, bob, 4.5 ether); // Bob consolidates
        _submitTx(sa, k);
        _exitDeposit(carol, sc, carol, 1 ether);
        _startExit(dan(), sb, _depP(sb, dan(), 4 ether), _txp(d, b3, sb, sa, DAN_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        debit.finalizeExit(sb);
        _exitDeposit(operator, sa, alice, 1 ether);
        PlasmaDebit.TxProof memory s = _txp(p, b1, sa, sc, ALICE_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sc, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 0, "bob: nothing of his 4.5");
        assertEq(debit.owed(alice), 1 ether, "alice: her deposit");
        assertEq(debit.owed(carol), 1 ether + BOND, "carol: 1 (not 1.5)");
        assertEq(debit.owed(dan()), BOND, "dan: paid his 4 to bob");
        // Operator: C's top-up 1, D's 4 (Dan's pay), A's 5 - 1, its bond: 9 + BOND for its
        // 5 of top-ups: a gain of 4.
        assertEq(debit.owed(operator), 9 ether + BOND, "operator");
    }

    uint256 internal constant DAN_KEY = 0xda2;

    function dan() internal pure returns (address) {
        return vm.addr(DAN_KEY);
    }

    /// h11 (fixed). Alice went on from her pay (she sold A to Bob naming the pay's block), so
    /// anyone shows that (`acknowledgePay`) and the guard no longer refuses the pay: Bob cancels
    /// Alice's exit of her deposit and exits his own state. Carol forwent her 0.5 by exiting
    /// before it; nobody else loses.
    function test_h11_DEFENDED_acknowledgedPayCannotBeVoided() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.prank(bob);
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        assertTrue(debit.payAcknowledged(keccak256(p)), "acknowledged");
        vm.prank(bob);
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, his bond, alice's");
        assertEq(debit.owed(alice), 0, "alice: nothing for the coin she sold");
        assertEq(debit.owed(carol), 1 ether + BOND, "carol: 1, as she exited");
    }

    /// h11b (fixed). Bob exits first; Alice's challengeBefore with her deposit is answered with
    /// the pay once it is acknowledged (Bob's own exiting tx names the pay's block).
    function test_h11_DEFENDED_acknowledgedPayAnswersTheChallengeBefore() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        debit.respondChallengeBefore(sa, _depHash(sa), _txp(p, b1, sa, sc, ALICE_KEY), "");
        _warpToMaturity(sa);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, his bond, alice's");
        assertEq(debit.owed(alice), 0, "alice: nothing");
    }

    /// h11e (fixed). The operator alone withholds the pay's block from Carol and exits A's
    /// deposit after Bob consolidated: Bob acknowledges Alice's pay with her sale to him and
    /// cancels the operator's exit; he takes his 4.5. Carol's 0.5 in the withheld block is the
    /// one loss left, at most the amount she was paid.
    function test_h11_DEFENDED_operatorCannotVoidAPayItsPayerBuiltOn() public {
        sa = _deposit(alice, 1 ether);
        _topUp(sa, 4 ether);
        sc = _deposit(carol, 1 ether);
        _topUp(sc, 1 ether);
        (depA, depC) = (_depositBlock(sa), _depositBlock(sc));
        bytes memory p = _pay(sa, depA, alice, 0.5 ether, sc, carol, 0.5 ether);
        uint256 b1 = _submitPay(p, sa, sc);
        bytes memory t = _transfer(sa, b1, bob, 0.5 ether);
        uint256 b2 = _submitTx(sa, t);
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        _exitDeposit(operator, sa, alice, 1 ether);
        vm.startPrank(bob);
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        vm.stopPrank();
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 0.5 ether + 2 * BOND, "bob: his 0.5, his bond, the operator's");
        assertEq(debit.owed(alice), 0, "alice: she paid 0.5 and sold the rest");
        assertEq(debit.owed(operator), 1 ether + 4.5 ether, "operator: its sides, no bond");
    }

    /// acknowledgePay checks what it is shown: a pay included at its payer's slot, and a later
    /// own tx of the payer's coin naming the pay's block, signed by the payer.
    function test_h11_DEFENDED_acknowledgmentNeedsThePayersOwnLaterTx() public {
        (bytes memory p, uint256 b1, bytes memory t, uint256 b2) = _voidSetup();
        bytes memory payProof = _proof(b1, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, b2));
        debit.acknowledgePay(p, b2, _proof(b2, sa), _own(t, b2, sa, ALICE_KEY));
        _expect(abi.encodeWithSelector(PlasmaDebit.NotAPay.selector, uint8(1)));
        debit.acknowledgePay(t, b2, _proof(b2, sa), _own(t, b2, sa, ALICE_KEY));
        PlasmaDebit.TxProof memory forged = _own(t, b2, sa, MALLORY_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, mallory, alice));
        debit.acknowledgePay(p, b1, payProof, forged);
        bytes memory other = _transfer(sa, depA, bob, 5 ether);
        uint256 b3 = _submitTx(sa, other);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, depA, b1));
        debit.acknowledgePay(p, b1, payProof, _own(other, b3, sa, ALICE_KEY));
        assertFalse(debit.payAcknowledged(keccak256(p)), "not acknowledged");
    }

    // ================================================================ h12: delay griefing

    /// h12. A past owner delays Bob's honest exit with challengeBefores at the last second:
    /// each pushes maturity by RESPONSE but costs her a bond (to Bob, the starter), each tx
    /// once per exit; with her two old txs she buys under 6 days for 2 bonds.
    function test_h12_DEFENDED_lastSecondChallengeBeforesCostABondEach() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory t1 = _transfer(sa, depA, mallory, 5 ether);
        uint256 b1 = _submitTx(sa, t1);
        bytes memory t2 = _transfer(sa, b1, bob, 5 ether);
        uint256 b2 = _submitTx(sa, t2);
        _startExit(bob, sa, _own(t1, b1, sa, 0), _own(t2, b2, sa, MALLORY_KEY));
        uint256 start = block.timestamp;
        _warpToMaturity(sa);
        vm.warp(block.timestamp - 1);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        assertEq(_exitableAt(sa), block.timestamp + RESPONSE, "pushed");
        debit.respondChallengeBefore(sa, _depHash(sa), _own(t1, b1, sa, ALICE_KEY), "");
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeExists.selector, 2));
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        _warpToMaturity(sa);
        vm.warp(block.timestamp - 1);
        bytes memory pr = _proof(b1, sa);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, t1, b1, pr);
        debit.respondChallengeBefore(sa, keccak256(t1), _own(t2, b2, sa, MALLORY_KEY), "");
        _warpToMaturity(sa);
        assertEq(block.timestamp - start, MEP + 2 * RESPONSE - 2, "the whole delay");
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 5 ether + 3 * BOND, "bob: coin, bond, her two bonds");
        assertEq(debit.owed(mallory), 0, "mallory: nothing");
    }

    // ================================================================ h13: self-challenge

    /// @dev Alice → Mallory (b1), Mallory → Bob (b2); Mallory exits her spent state b1 and
    /// challenges it herself with the deposit (answerable by b1 itself).
    function _staleSelfChallenged()
        internal
        returns (bytes memory t1, uint256 b1, bytes memory t2, uint256 b2)
    {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        t1 = _transfer(sa, depA, mallory, 5 ether);
        b1 = _submitTx(sa, t1);
        t2 = _transfer(sa, b1, bob, 5 ether);
        b2 = _submitTx(sa, t2);
        _startExit(mallory, sa, _depP(sa, alice, 5 ether), _own(t1, b1, sa, ALICE_KEY));
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
    }

    /// h13a. Bob answers Mallory's own challengeBefore first (its bond to her, the starter),
    /// then cancels her exit: she loses her exit bond to him and no priority window opens.
    function test_h13_DEFENDED_answerSelfChallengeThenCancel() public {
        (bytes memory t1, uint256 b1, bytes memory t2, uint256 b2) = _staleSelfChallenged();
        debit.respondChallengeBefore(sa, _depHash(sa), _own(t1, b1, sa, ALICE_KEY), "");
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t2, b2, sa, MALLORY_KEY), "");
        assertEq(debit.owed(bob), BOND, "bob: her exit bond");
        assertEq(debit.owed(mallory), BOND, "mallory: only her challenge bond back");
        assertEq(debit.priorityUntil(sa), 0, "no window");
    }

    /// h13b. If Bob cancels Mallory's stale exit at once (challengeAfter, as docs/debit.md
    /// says), her own open challengeBefore takes the whole exit bond and a priority window
    /// opens: her stale exit cost her nothing (2 bonds in, 2 out) and Bob gets nothing. Minor
    /// (bonds only, and Bob can avoid it by answering first: h13a).
    function test_h13_FINDING_selfChallengeRefundsStaleExitBond() public {
        (,, bytes memory t2, uint256 b2) = _staleSelfChallenged();
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t2, b2, sa, MALLORY_KEY), "");
        assertEq(debit.priorityUntil(sa), block.timestamp + RESPONSE, "a window opened");
        debit.reclaimChallengeBond(sa, _depHash(sa));
        assertEq(debit.owed(mallory), 2 * BOND, "mallory: both her bonds back");
        assertEq(debit.owed(bob), 0, "bob: nothing for cancelling");
    }

    // ================================================================ h14: finalize gas

    /// h14. Many open challengeBefores cannot make finalize (or a cancellation) run out of
    /// gas: it does not loop over them. Eight junk challenges; finalize well under 100k gas.
    function test_h14_DEFENDED_finalizeGasIndependentOfChallenges() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        uint256 prev = depA;
        bytes[] memory junk = new bytes[](8);
        uint256[] memory blk = new uint256[](8);
        for (uint256 i; i < 8; ++i) {
            junk[i] = _transfer(sa, prev, mallory, 5 ether);
            prev = blk[i] = _submitTx(sa, junk[i]);
        }
        bytes memory e = _transfer(sa, prev, mallory, 5 ether);
        uint256 be = _submitTx(sa, e);
        _startExit(mallory, sa, _own(junk[7], prev, sa, 0), _own(e, be, sa, MALLORY_KEY));
        for (uint256 i; i < 7; ++i) {
            _challenge(alice, junk[i], blk[i]);
        }
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        _warpToMaturity(sa);
        uint256 g = gasleft();
        debit.finalizeExit(sa);
        uint256 used = g - gasleft();
        assertTrue(used < 100_000, "finalize gas");
        assertEq(debit.challengeRewards(sa, 1), BOND / 8, "shared by 8");
    }

    // ================================================================ h15: deposit DoS

    /// h15. Mallory fills the 999 deposit numbers before the next operator block (1 wei
    /// each): Carol's deposit is refused until the operator submits a block, which it can do
    /// at any time (even empty); Carol's deposit then goes through.
    function test_h15_DEFENDED_depositNumbersFilledUnblockedByABlock() public {
        for (uint256 i; i < 999; ++i) {
            vm.prank(mallory);
            debit.depositEth{value: 1}();
        }
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.TooManyDeposits.selector, 1000));
        debit.depositEth{value: 1 ether}();
        _submitEmpty();
        sc = _deposit(carol, 1 ether);
        assertEq(_depositBlock(sc), 1001, "carol's deposit");
    }

    // ================================================================ h16: response race

    /// h16. An answer after maturity still counts until someone finalizes (no maturity check
    /// on respondChallengeBefore); a challengeBefore at the last second leaves RESPONSE to
    /// answer, and finalize cannot front-run it before then.
    function test_h16_DEFENDED_lateChallengeLeavesAFullResponsePeriod() public {
        sa = _deposit(alice, 5 ether);
        depA = _depositBlock(sa);
        bytes memory t1 = _transfer(sa, depA, bob, 5 ether);
        uint256 b1 = _submitTx(sa, t1);
        _startExit(bob, sa, _depP(sa, alice, 5 ether), _own(t1, b1, sa, ALICE_KEY));
        _warpToMaturity(sa);
        vm.warp(block.timestamp - 1);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, _dep(sa, alice, 5 ether), depA, "");
        uint256 due = _exitableAt(sa);
        assertEq(due, block.timestamp + RESPONSE, "a full response period");
        vm.warp(due - 1);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitNotMature.selector, due));
        debit.finalizeExit(sa);
        vm.warp(due + 1 days); // matured, not finalized: the answer still counts
        debit.respondChallengeBefore(sa, _depHash(sa), _own(t1, b1, sa, ALICE_KEY), "");
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 5 ether + 2 * BOND, "bob: coin, bond, mallory's");
    }
}

/// @notice A coin owner that refuses ETH.
contract ReviewRefuser {
    PlasmaDebit internal immutable debit;

    constructor(PlasmaDebit d) {
        debit = d;
    }

    function deposit(uint256 amount) external returns (uint64) {
        return debit.depositEth{value: amount}();
    }

    function exitDeposit(uint64 slot, uint256 bond) external {
        (, uint256 b, uint256 amount,,,) = debit.coin(slot);
        PlasmaDebit.TxProof memory e;
        e.txBytes = _depositTx(slot, amount);
        e.blockNumber = b;
        PlasmaDebit.TxProof memory none;
        debit.startExit{value: bond}(slot, none, e);
    }

    function withdraw() external {
        debit.withdraw();
    }

    /// @dev The deposit tx `[0, slot, this, amount]`.
    function _depositTx(uint64 slot, uint256 amount) internal view returns (bytes memory) {
        return DebitTxs.deposit(slot, address(this), amount);
    }

    receive() external payable virtual {
        revert("refused");
    }
}

/// @notice A coin owner whose receive re-enters `withdraw` once (and records the error).
contract ReviewReenterer is ReviewRefuser {
    bytes4 public reentryError;

    constructor(PlasmaDebit d) ReviewRefuser(d) {}

    receive() external payable override {
        if (reentryError != 0) return;
        try debit.withdraw() {
            reentryError = 0xffffffff;
        } catch (bytes memory err) {
            reentryError = bytes4(err);
        }
    }
}
