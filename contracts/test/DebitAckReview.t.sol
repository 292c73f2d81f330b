// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DebitTest} from "./utils/DebitTest.sol";
import {PlasmaDebit} from "../src/debit/PlasmaDebit.sol";
import {CashSignature} from "../src/lib/CashSignature.sol";

/// @notice The attacker's review of `acknowledgePay` and its use in the payee's guard
/// (docs/debit.md; contracts/src/debit/PlasmaDebit.sol). One test per hypothesis:
/// `_DEFENDED_` when the attack fails (exact revert, or exact unchanged balances).
contract DebitAckReviewTest is DebitTest {
    uint64 internal sa;
    uint64 internal sb;
    uint64 internal sc;
    uint256 internal depA;
    uint256 internal depC;

    // ---------------------------------------------------------------- helpers

    function _expect(bytes memory err) internal {
        vm.expectRevert(err);
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

    /// @dev balance == owed + capacities not paid out + live bonds.
    function _checkSolvent(uint256 liveBonds, string memory where) internal view {
        assertEq(address(debit).balance, _owedAll() + _capsHeld() + liveBonds, where);
    }

    function _notIncluded(uint256 b) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, b);
    }

    function _notASpend(uint256 named, uint256 b) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, named, b);
    }

    function _payeeNotCredited(bytes memory p) internal view returns (bytes memory) {
        return abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sc, keccak256(p));
    }

    /// @dev Alice's coin A (5) and Carol's coin C (1, topped up by 1: capacity 2); the pay
    /// P (A pays C 0.5, naming A's deposit).
    function _coinsAC() internal returns (bytes memory p) {
        sa = _deposit(alice, 5 ether);
        sc = _deposit(carol, 1 ether);
        _topUp(sc, 1 ether);
        (depA, depC) = (_depositBlock(sa), _depositBlock(sc));
        p = _pay(sa, depA, alice, 4.5 ether, sc, carol, 0.5 ether);
    }

    // ================================================================ forging the ack

    /// a1. The honest payer did NOT build on her pay: the operator withheld its block m, so
    /// Carol exited C's deposit and was paid out, and Alice exits A's deposit. The operator
    /// (holding the signed pay) copies it into a later block m2 and shows one copy as the
    /// other's `next`. Defended: a copy names the pay's prevBlock, not the pay's block
    /// (NotASpend); both copies stay refused by the guard; Alice keeps her 5.
    function test_a1_DEFENDED_copyOfThePayIsNoGoOn_withheldPayerKeepsHerState() public {
        bytes memory p = _coinsAC();
        uint256 m = _submitPay(p, sa, sc); // withheld
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        uint256 m2 = _submitPay(p, sa, sc); // a copy
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.startPrank(operator);
        _expect(_notASpend(depA, m));
        debit.acknowledgePay(p, m, _proof(m, sa), _own(p, m2, sa, ALICE_KEY));
        _expect(_notASpend(depA, m2));
        debit.acknowledgePay(p, m2, _proof(m2, sa), _own(p, m, sa, ALICE_KEY));
        _expect(_payeeNotCredited(p));
        debit.challengeAfter(sa, _txp(p, m, sa, sc, ALICE_KEY), "");
        _expect(_payeeNotCredited(p));
        debit.challengeAfter(sa, _txp(p, m2, sa, sc, ALICE_KEY), "");
        vm.stopPrank();
        assertFalse(debit.payAcknowledged(keccak256(p)), "not acknowledged");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: her 5");
        assertEq(debit.owed(carol), 1 ether + BOND, "carol: 1");
        assertEq(debit.owed(operator), 1 ether, "operator: C's top-up only");
        _checkSolvent(0, "a1");
    }

    /// a2. A pay that is not at the payer's slot in the block named: Alice really paid Bob
    /// (Q at k, both legs) and went on from it (n names k); the operator puts her other
    /// signed pay P (to Carol) at Carol's slot only in k, and shows n as P's go-on; and P
    /// "at A's deposit block", which every first own tx of A names. Defended: P's hash is not
    /// A's leaf at k (whichever proof), and A's deposit block holds only the deposit's hash.
    /// Control: the same n does acknowledge Q.
    function test_a2_DEFENDED_payNotAtPayerSlotOrAtDepositBlock() public {
        bytes memory p = _coinsAC();
        sb = _deposit(bob, 2 ether);
        _topUp(sb, 3 ether);
        bytes memory q = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint64[] memory slots = new uint64[](3);
        bytes32[] memory leaves = new bytes32[](3);
        (slots[0], slots[1], slots[2]) = (sa, sb, sc);
        (leaves[0], leaves[1], leaves[2]) = (keccak256(q), keccak256(q), keccak256(p));
        uint256 k = _submit(slots, leaves);
        bytes memory n = _transfer(sa, k, mallory, 4 ether);
        uint256 k2 = _submitTx(sa, n);
        PlasmaDebit.TxProof memory nP = _own(n, k2, sa, ALICE_KEY);
        vm.startPrank(operator);
        _expect(_notIncluded(k));
        debit.acknowledgePay(p, k, _proof(k, sa), nP);
        _expect(_notIncluded(k));
        debit.acknowledgePay(p, k, _proof(k, sc), nP);
        _expect(_notIncluded(depA));
        debit.acknowledgePay(p, depA, "", _own(q, k, sa, ALICE_KEY));
        vm.stopPrank();
        assertFalse(debit.payAcknowledged(keccak256(p)), "P not acknowledged");
        debit.acknowledgePay(q, k, _proof(k, sa), nP);
        assertTrue(debit.payAcknowledged(keccak256(q)), "control: Q acknowledged");
    }

    /// a3. A one-legged pay (at A's slot only) that its payer did sign a go-on from is
    /// acknowledged (acknowledgePay checks no peer leg). Defended: the acknowledgment only
    /// lifts the guard, and the peer leg is checked before it: the pay is still no spend of
    /// A's deposit (PeerNotIncluded), nor is the go-on (it names m); Alice's exit stands.
    function test_a3_DEFENDED_acknowledgedOneLeggedPayStillNoSpend() public {
        bytes memory p = _coinsAC();
        uint256 m = _submitTx(sa, p); // payer's leg only
        bytes memory n = _transfer(sa, m, bob, 4.5 ether);
        uint256 k = _submitTx(sa, n);
        debit.acknowledgePay(p, m, _proof(m, sa), _own(n, k, sa, ALICE_KEY));
        assertTrue(debit.payAcknowledged(keccak256(p)), "acknowledged");
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.startPrank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sc, m));
        debit.challengeAfter(sa, _txp(p, m, sa, sc, ALICE_KEY), "");
        _expect(_notASpend(m, depA));
        debit.challengeAfter(sa, _own(n, k, sa, ALICE_KEY), "");
        vm.stopPrank();
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(alice), 5 ether + BOND, "alice: her 5");
        assertEq(debit.owed(operator), 0, "operator: nothing of A");
        _checkSolvent(0, "a3");
    }

    /// a4. A go-on signed by someone else, or at another coin: Alice pays her own second
    /// coin C and signs a tx of C naming the pay's block; Bob, Carol, the operator sign a tx
    /// of A naming it; an empty signature. Defended: WrongSlot, WrongSigner, BadLength.
    function test_a4_DEFENDED_goOnByAnotherSignerOrAtThePayeeSlot() public {
        sa = _deposit(alice, 5 ether);
        sc = _deposit(alice, 1 ether);
        _topUp(sc, 1 ether);
        depA = _depositBlock(sa);
        bytes memory p = _pay(sa, depA, alice, 4.5 ether, sc, alice, 0.5 ether);
        uint256 m = _submitPay(p, sa, sc);
        bytes memory pp = _proof(m, sa);
        bytes memory tc = _transfer(sc, m, alice, 1.5 ether);
        uint256 k = _submitTx(sc, tc);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sa, sc));
        debit.acknowledgePay(p, m, pp, _own(tc, k, sc, ALICE_KEY));
        bytes memory n = _transfer(sa, m, bob, 4.5 ether);
        uint256 k2 = _submitTx(sa, n);
        uint256[3] memory keys = [BOB_KEY, CAROL_KEY, OPERATOR_KEY];
        address[3] memory who = [bob, carol, operator];
        for (uint256 i; i < 3; ++i) {
            _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, who[i], alice));
            debit.acknowledgePay(p, m, pp, _own(n, k2, sa, keys[i]));
        }
        _expect(abi.encodeWithSelector(CashSignature.CashSignatureBadLength.selector, 0));
        debit.acknowledgePay(p, m, pp, _own(n, k2, sa, 0));
        assertFalse(debit.payAcknowledged(keccak256(p)), "not acknowledged");
    }

    /// a5. A go-on that is not after the pay: a tx of A naming m included in a block before
    /// m, the same bytes shown at m itself, A's deposit, a deposit block number, a block not
    /// submitted. Defended: each by its exact error.
    function test_a5_DEFENDED_goOnBeforeThePayOrADepositOrNoBlock() public {
        bytes memory p = _coinsAC();
        uint256 k0 = debit.nextChildBlock();
        uint256 m = k0 + 1000;
        bytes memory n0 = _transfer(sa, m, bob, 4.5 ether);
        assertEq(_submitTx(sa, n0), k0, "n0 at k0");
        assertEq(_submitPay(p, sa, sc), m, "pay at m");
        bytes memory pp = _proof(m, sa);
        PlasmaDebit.TxProof memory nP = _own(n0, k0, sa, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.PrevBlockNotBefore.selector, m, k0));
        debit.acknowledgePay(p, m, pp, nP);
        nP.blockNumber = m;
        nP.proof = pp;
        _expect(abi.encodeWithSelector(PlasmaDebit.PrevBlockNotBefore.selector, m, m));
        debit.acknowledgePay(p, m, pp, nP);
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, 5 ether);
        _expect(_notASpend(0, m));
        debit.acknowledgePay(p, m, pp, dep);
        nP.blockNumber = depC + m; // not a multiple of 1000
        _expect(abi.encodeWithSelector(PlasmaDebit.NotAnOperatorBlock.selector, depC + m));
        debit.acknowledgePay(p, m, pp, nP);
        nP.blockNumber = m + 1000;
        _expect(abi.encodeWithSelector(PlasmaDebit.BlockNotFound.selector, m + 1000));
        debit.acknowledgePay(p, m, pp, nP);
        assertFalse(debit.payAcknowledged(keccak256(p)), "not acknowledged");
    }

    // ================================================================ harm to the payee

    /// a6. An acknowledged pay accepted while the payee coin exits a past owner's (Mallory's)
    /// state before it: the guard accepts it without crediting her exit. Defended for the
    /// payee: nothing is marked claimed, so Carol cancels Mallory's exit, exits her own state
    /// and adds the credit; Bob (who bought A) cancels Alice's stale exit. Exact payouts.
    function test_a6_DEFENDED_acknowledgedPayDuringPastOwnersExitStaysClaimable() public {
        sa = _deposit(alice, 5 ether);
        sc = _deposit(mallory, 1 ether);
        _topUp(sc, 1 ether);
        (depA, depC) = (_depositBlock(sa), _depositBlock(sc));
        bytes memory tc = _transfer(sc, depC, carol, 1 ether);
        uint256 kc = _submitTx(sc, tc);
        bytes memory p = _pay(sa, depA, alice, 4.5 ether, sc, carol, 0.5 ether);
        uint256 b1 = _submitPay(p, sa, sc);
        bytes memory t = _transfer(sa, b1, bob, 4.5 ether);
        uint256 b2 = _submitTx(sa, t);
        _exitDeposit(mallory, sc, mallory, 1 ether);
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.startPrank(bob);
        _expect(_payeeNotCredited(p));
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        vm.stopPrank();
        assertEq(_credits(sc), 0, "mallory's exit not credited");
        assertEq(debit.creditClaimed(sc, keccak256(p)), 0, "not claimed");
        PlasmaDebit.TxProof memory tcP = _own(tc, kc, sc, MALLORY_KEY);
        vm.prank(carol);
        debit.challengeAfter(sc, tcP, "");
        _startExit(carol, sc, _depP(sc, mallory, 1 ether), tcP);
        debit.addCredit(sc, p, b1, _proof(b1, sc), _proof(b1, sa));
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        _checkSolvent(2 * BOND, "a6 live");
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        debit.finalizeExit(sa);
        assertEq(debit.owed(carol), 1.5 ether + 2 * BOND, "carol: 1 + 0.5, mallory's bond");
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, alice's bond");
        assertEq(debit.owed(alice) + debit.owed(mallory), 0, "thieves: nothing");
        assertEq(debit.owed(operator), 1 ether, "operator: 0.5 of A and 0.5 of C");
        _checkSolvent(0, "a6");
    }

    /// a7. An acknowledged pay shown while the payee coin exits an earlier state of the
    /// payee herself: the acknowledgment must not skip the credit. Defended: the guard adds
    /// it (once: addCredit then refuses), Carol is paid 1.5.
    function test_a7_DEFENDED_acknowledgedPayStillCreditsThePayeesExit() public {
        bytes memory p = _coinsAC();
        uint256 b1 = _submitPay(p, sa, sc);
        bytes memory t = _transfer(sa, b1, bob, 4.5 ether);
        uint256 b2 = _submitTx(sa, t);
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        _exitDeposit(carol, sc, carol, 1 ether);
        _exitDeposit(alice, sa, alice, 5 ether);
        vm.prank(bob);
        debit.challengeAfter(sa, _txp(p, b1, sa, sc, ALICE_KEY), "");
        assertEq(_credits(sc), 0.5 ether, "credited by the guard");
        assertEq(debit.creditClaimed(sc, keccak256(p)), 1, "claimed by exit 1");
        _expect(abi.encodeWithSelector(PlasmaDebit.CreditAlreadyAdded.selector, keccak256(p)));
        debit.addCredit(sc, p, b1, _proof(b1, sc), _proof(b1, sa));
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        debit.finalizeExit(sa);
        assertEq(debit.owed(carol), 1.5 ether + BOND, "carol: 1 + 0.5");
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, alice's bond");
        assertEq(debit.owed(alice), 0, "alice: nothing");
        assertEq(debit.owed(operator), 1 ether, "operator: 0.5 of A and 0.5 of C");
        _checkSolvent(0, "a7");
    }

    // ================================================================ copies, solvency

    /// a8. The acknowledgment is keyed by the pay's hash, so it also covers a copy of the pay
    /// in a later block m2 (after Carol's paid-out state). Alice, who sold A to Bob, exits
    /// that copy (now past the guard) for 4.5. Defended: Bob's purchase spends every copy
    /// (challengeAfter with a copyProof), the pay is proven invalid for good, Alice loses her
    /// bond; solvency holds at every step.
    function test_a8_DEFENDED_acknowledgedCopyExitCancelledAndSolvent() public {
        bytes memory p = _coinsAC();
        uint256 b1 = _submitPay(p, sa, sc);
        bytes memory t = _transfer(sa, b1, bob, 4.5 ether);
        uint256 b2 = _submitTx(sa, t);
        _exitDeposit(carol, sc, carol, 1 ether);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sc);
        uint256 m2 = _submitPay(p, sa, sc);
        PlasmaDebit.TxProof memory copy = _txp(p, m2, sa, sc, ALICE_KEY);
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, 5 ether);
        vm.prank(alice);
        _expect(_payeeNotCredited(p));
        debit.startExit{value: BOND}(sa, dep, copy);
        debit.acknowledgePay(p, b1, _proof(b1, sa), _own(t, b2, sa, ALICE_KEY));
        _checkSolvent(0, "a8 acknowledged");
        _startExit(alice, sa, dep, copy);
        _checkSolvent(BOND, "a8 copy exiting");
        vm.prank(bob);
        debit.challengeAfter(sa, _own(t, b2, sa, ALICE_KEY), _proof(b1, sa));
        assertTrue(debit.provenInvalid(sa, keccak256(p)), "pay proven invalid");
        _checkSolvent(0, "a8 cancelled");
        PlasmaDebit.TxProof memory orig = _txp(p, b1, sa, sc, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, keccak256(p)));
        debit.startExit{value: BOND}(sa, dep, orig);
        _startExit(bob, sa, _txp(p, b1, sa, NO_PEER, 0), _own(t, b2, sa, ALICE_KEY));
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sa);
        assertEq(debit.owed(bob), 4.5 ether + 2 * BOND, "bob: 4.5, alice's bond");
        assertEq(debit.owed(alice), 0, "alice: nothing");
        assertEq(debit.owed(carol), 1 ether + BOND, "carol: 1, as she exited before it");
        assertEq(debit.owed(operator), 1.5 ether, "operator: 0.5 of A, C's top-up");
        _checkSolvent(0, "a8");
    }
}
