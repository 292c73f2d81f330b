// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentInFlightExitModule} from "../src/exits/PaymentInFlightExitModule.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {PaymentEip712} from "../src/lib/PaymentEip712.sol";

/// @notice Shared fixture of the MoreVP tests: Alice (5 ETH, block 1) and Carol (3 ETH, block 2)
/// deposit; the in-flight tx T spends both into Bob 6 ETH and Carol 1.5 ETH (fee 0.5), signed by
/// both. Nothing is included yet.
abstract contract InFlightBase is PlasmaTest {
    uint256 internal aPos;
    bytes internal aTx;
    uint256 internal cPos;
    bytes internal cTx;
    bytes internal T;
    uint160 internal id;
    uint256 internal ifeBond;
    uint256 internal pbBond;
    uint256 internal chBond;
    bytes32 internal ds;

    function setUp() public virtual override {
        super.setUp();
        (aPos, aTx) = _depositEth(alice, 5 ether);
        (cPos, cTx) = _depositEth(carol, 3 ether);
        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(aPos);
        ins[1] = bytes32(cPos);
        T = _tx(ins, _outs2(bob, 6 ether, carol, 1.5 ether));
        id = game.inFlightExitId(T);
        ifeBond = game.inFlightExitBond();
        pbBond = game.piggybackBond();
        chBond = game.canonicityChallengeBond();
        ds = framework.domainSeparator();
    }

    /// @dev Like PlasmaTest._sign, without an external call (safe right after expectRevert).
    function _sig(uint256 key, bytes memory txBytes) internal returns (bytes memory) {
        if (ds == bytes32(0)) ds = framework.domainSeparator();
        bytes32 digest = PaymentEip712.digest(PaymentTransaction.decode(txBytes), ds);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _argsT() internal returns (PaymentExitBase.StartInFlightExitArgs memory) {
        return _twoDepositArgs(T, aTx, aPos, ALICE_KEY, cTx, cPos, CAROL_KEY);
    }

    /// @dev Arguments of the in-flight exit of `t`, which spends two deposits: `tx0` at
    /// `pos0` (its owner's key `key0`) and `tx1` at `pos1` (`key1`).
    function _twoDepositArgs(
        bytes memory t,
        bytes memory tx0,
        uint256 pos0,
        uint256 key0,
        bytes memory tx1,
        uint256 pos1,
        uint256 key1
    ) internal returns (PaymentExitBase.StartInFlightExitArgs memory a) {
        a.inFlightTx = t;
        a.inputTxs = new bytes[](2);
        (a.inputTxs[0], a.inputTxs[1]) = (tx0, tx1);
        a.inputUtxosPos = new uint256[](2);
        (a.inputUtxosPos[0], a.inputUtxosPos[1]) = (pos0, pos1);
        a.inputTxsInclusionProofs = new bytes[](2);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inputTxsInclusionProofs[1] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](2);
        a.inFlightTxSigs[0] = _sig(key0, t);
        a.inFlightTxSigs[1] = _sig(key1, t);
    }

    function _startT(address who) internal {
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.prank(who);
        game.startInFlightExit{value: ifeBond}(a);
    }

    function _hint(address tkn, uint160 exitId) internal view returns (uint256) {
        return game.queueHint(tkn, game.inFlightExitPriorityKey(exitId));
    }

    function _pbIn(address who, bytes memory txb, uint256 index) internal {
        uint256 hint = _hint(address(0), game.inFlightExitId(txb));
        vm.prank(who);
        game.piggybackInFlightExitOnInput{value: pbBond}(txb, index, hint);
    }

    function _pbOut(address who, bytes memory txb, uint256 index) internal {
        uint256 hint = _hint(address(0), game.inFlightExitId(txb));
        vm.prank(who);
        game.piggybackInFlightExitOnOutput{value: pbBond}(txb, index, hint);
    }

    /// @dev Carol's competitor of T: spends her deposit to herself.
    function _carolCompetitor() internal view returns (bytes memory) {
        return _spend(cPos, carol, address(0), 3 ether);
    }

    function _challenge(address who, bytes memory competitor, uint256 pos, bytes memory proof)
        internal
    {
        PaymentExitBase.CanonicityChallenge memory c = PaymentExitBase.CanonicityChallenge({
            inFlightTx: T,
            inFlightTxInputIndex: 1,
            competingTx: competitor,
            competingTxInputIndex: 0,
            competingTxPos: pos,
            competingTxInclusionProof: proof,
            competingTxSig: _sig(CAROL_KEY, competitor)
        });
        vm.prank(who);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
    }

    /// @dev Submits block [txb] and returns its txPos (blknum·10⁵ + 0).
    function _includeOne(bytes memory txb) internal returns (uint256 txPos) {
        return _submitOne(txb) * 100_000;
    }

    function _header(uint160 exitId) internal view returns (PaymentExitBase.Header memory) {
        return game.inFlightExit(exitId);
    }

    function _processAll() internal {
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 20);
    }

    function _outputId(bytes memory txb, uint256 oindex) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(txb, oindex));
    }
}

/// @notice Every MoreVP rule: the honest path, and each way to cheat it failing.
contract InFlightExitTest is InFlightBase {
    // ---------------------------------------------------------------- start

    function test_ife_start_honest() public {
        _startT(bob);
        PaymentExitBase.Header memory h = _header(id);
        assertEq(h.bondOwner, bob, "bond owner");
        assertEq(h.startedAt, block.timestamp, "started");
        assertEq(
            h.exitableAt,
            block.timestamp + 2 * MEP,
            "youngest input a deposit: no boost, ts + 2 MEP"
        );
        assertEq(h.youngestTxPos, cPos / 10_000, "priority: youngest input");
        assertEq(h.inputCount, 2, "inputs");
        assertEq(h.outputCount, 2, "outputs");
        assertEq(h.bond, ifeBond, "bond");
        assertEq(address(game).balance, ifeBond, "bond held");
        (bytes32 oid, address owner, address tkn, uint256 amount,) = game.inFlightExitLeg(id, 1);
        assertEq(oid, game.outputId(cTx, cPos), "input outputId");
        assertEq(owner, carol, "input owner");
        assertEq(tkn, address(0), "token");
        assertEq(amount, 3 ether, "amount");
        assertEq(game.queueSize(address(0)), 0, "queued only on piggyback");
    }

    function test_ife_start_exitableAtFromYoungestOperatorBlock() public {
        // Inputs: Alice's deposit (block 1) and Carol's output in block 1000, made 2 days later.
        vm.warp(block.timestamp + 2 days);
        bytes memory u = _spend(cPos, carol, address(0), 3 ether);
        _submitOne(u);
        uint256 uPos = _pos(1000, 0, 0);
        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(aPos);
        ins[1] = bytes32(uPos);
        bytes memory t2 = _tx(ins, _outs2(bob, 6 ether, carol, 2 ether));
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        a.inFlightTx = t2;
        a.inputTxs[1] = u;
        a.inputUtxosPos[1] = uPos;
        a.inputTxsInclusionProofs[1] = _proofOne(u);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, t2);
        a.inFlightTxSigs[1] = _sig(CAROL_KEY, t2);
        game.startInFlightExit{value: ifeBond}(a);
        PaymentExitBase.Header memory h = _header(game.inFlightExitId(t2));
        assertEq(h.exitableAt, block.timestamp + 2 * MEP, "block ts + 2 MEP");
        assertEq(h.youngestTxPos, 1000 * 100_000, "youngest: block 1000");
    }

    function test_ife_start_wrongBond() public {
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.WrongBond.selector, ifeBond - 1, ifeBond)
        );
        game.startInFlightExit{value: ifeBond - 1}(a);
    }

    function test_ife_start_twice() public {
        _startT(bob);
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitAlreadyStarted.selector, id)
        );
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_ife_start_signatureNotByInputOwner() public {
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        a.inFlightTxSigs[1] = _sig(BOB_KEY, T);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, bob, carol));
        game.startInFlightExit{value: ifeBond}(a);
        // Signatures in the wrong order.
        a = _argsT();
        (a.inFlightTxSigs[0], a.inFlightTxSigs[1]) = (a.inFlightTxSigs[1], a.inFlightTxSigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, carol, alice)
        );
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_ife_start_badInputs() public {
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        a.inputUtxosPos[1] = aPos;
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InputPositionMismatch.selector, 1, aPos)
        );
        game.startInFlightExit{value: ifeBond}(a);
        // The input tx is not the one in block 2.
        a = _argsT();
        a.inputTxs[1] = aTx;
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, cPos)
        );
        game.startInFlightExit{value: ifeBond}(a);
        // Missing signature.
        a = _argsT();
        a.inFlightTxSigs = new bytes[](1);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputCountMismatch.selector, 2, 1));
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_ife_start_outputsExceedInputs() public {
        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(aPos);
        ins[1] = bytes32(cPos);
        bytes memory greedy = _tx(ins, _outs2(bob, 7 ether, carol, 1.5 ether));
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        a.inFlightTx = greedy;
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, greedy);
        a.inFlightTxSigs[1] = _sig(CAROL_KEY, greedy);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.OutputsExceedInputs.selector, address(0), 8 ether, 8.5 ether
            )
        );
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_ife_start_depositTxHasNoInputs() public {
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        a.inFlightTx = aTx;
        vm.expectRevert(PaymentExitBase.NoInputs.selector);
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_ife_module_refusesDirectCalls() public {
        PaymentInFlightExitModule m = PaymentInFlightExitModule(game.inFlightExitModule());
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.expectRevert(PaymentInFlightExitModule.NotDelegated.selector);
        m.startInFlightExit{value: ifeBond}(a);
    }

    // ---------------------------------------------------------------- piggybacks

    function test_ife_piggyback_honest() public {
        _startT(bob);
        _pbIn(alice, T, 0);
        _pbOut(bob, T, 0);
        PaymentExitBase.Header memory h = _header(id);
        assertEq(h.piggybacks, 1 | (1 << 4), "input 0 and output 0");
        assertEq(game.queueSize(address(0)), 1, "one queue entry for the token");
        assertEq(game.queueTop(address(0)), game.inFlightExitPriorityKey(id), "queued");
        (,,,, uint256 b) = game.inFlightExitLeg(id, 4);
        assertEq(b, pbBond, "piggyback bond");
        assertEq(address(game).balance, ifeBond + 2 * pbBond, "bonds held");
    }

    function test_ife_piggyback_byNonOwner() public {
        _startT(bob);
        uint256 hint = _hint(address(0), id);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotOutputOwner.selector, alice, bob));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 0, hint);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotOutputOwner.selector, bob, alice));
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 0, hint);
    }

    function test_ife_piggyback_outOfPeriod() public {
        _startT(bob);
        uint256 deadline = block.timestamp + MEP / 2;
        vm.warp(deadline);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.PiggybackPeriodOver.selector, id, deadline)
        );
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 0, 0);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.PiggybackPeriodOver.selector, id, deadline)
        );
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 0, 0);
        // One second earlier it works.
        vm.warp(deadline - 1);
        _pbOut(bob, T, 0);
    }

    function test_ife_piggyback_twiceWrongBondBadIndexNoExit() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, id));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 0, 0);
        _startT(bob);
        _pbIn(alice, T, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.AlreadyPiggybacked.selector, id, 0));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 0, 0);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.WrongBond.selector, pbBond + 1, pbBond)
        );
        game.piggybackInFlightExitOnOutput{value: pbBond + 1}(T, 0, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.IndexOutOfRange.selector, 2, 2));
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 2, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.IndexOutOfRange.selector, 2, 2));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 2, 0);
    }

    // ---------------------------------------------------------------- canonicity

    function test_ife_challenge_honest_unincludedCompetitor() public {
        _startT(bob);
        _challenge(alice, _carolCompetitor(), 0, "");
        PaymentExitBase.Header memory h = _header(id);
        assertEq(h.flags & 1, 1, "non-canonical");
        assertEq(h.competitorPos, type(uint64).max, "competitor not included");
        assertEq(h.bondOwner, bob, "the in-flight bond stays with its starter");
        (address challenger, uint256 cb) = game.inFlightExitChallenge(id);
        assertEq(challenger, alice, "standing challenge");
        assertEq(cb, chBond, "challenge bond held");
        assertEq(address(game).balance, ifeBond + chBond, "bonds held");
    }

    function test_ife_challenge_wrongBond() public {
        _startT(bob);
        bytes memory comp = _carolCompetitor();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", _sig(CAROL_KEY, comp));
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.WrongBond.selector, chBond - 1, chBond)
        );
        game.challengeInFlightExitNotCanonical{value: chBond - 1}(c);
    }

    function test_ife_challenge_competitorDoesNotShareInput() public {
        _startT(bob);
        // Carol signs a tx spending something else (Alice's input position is not hers, and
        // the in-flight input index 1 is Carol's deposit).
        bytes memory other = _spend(_pos(7, 0, 0), carol, address(0), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.InputNotShared.selector, bytes32(_pos(7, 0, 0)), bytes32(cPos)
            )
        );
        _challenge(alice, other, 0, "");
    }

    function test_ife_challenge_sameTxOrWrongSignerOrLate() public {
        _startT(bob);
        vm.expectRevert(PaymentExitBase.SameTx.selector);
        _challenge(alice, T, 0, "");
        // A competitor signed by someone else than the input's owner.
        bytes memory comp = _carolCompetitor();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", _sig(BOB_KEY, comp));
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, bob, carol));
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        // After the first half of the period.
        vm.warp(block.timestamp + MEP / 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.PiggybackPeriodOver.selector, id, block.timestamp
            )
        );
        _challenge(alice, comp, 0, "");
    }

    function test_ife_challenge_secondNeedsOlderCompetitor() public {
        _startT(bob);
        _challenge(alice, _carolCompetitor(), 0, "");
        bytes memory comp2 = _spend(cPos, carol, address(0), 2 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.CompetitorNotOlder.selector, type(uint64).max, type(uint64).max
            )
        );
        _challenge(bob, comp2, 0, "");
        // An included competitor is older than an unincluded one.
        uint256 pos = _includeOne(comp2);
        uint256 a0 = alice.balance;
        _challenge(carol, comp2, pos, _proofOne(comp2));
        assertEq(_header(id).competitorPos, pos, "older competitor");
        (address challenger,) = game.inFlightExitChallenge(id);
        assertEq(challenger, carol, "latest successful challenger");
        assertEq(game.bondCredits(alice), chBond, "the replaced challenger's bond credited");
        vm.prank(alice);
        game.withdrawBondCredit();
        assertEq(alice.balance - a0, chBond, "and withdrawn");
        vm.prank(alice);
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        game.withdrawBondCredit();
    }

    function test_ife_challenge_includedCompetitorBadProof() public {
        _startT(bob);
        bytes memory comp = _carolCompetitor();
        uint256 pos = _includeOne(comp);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, pos + 1)
        );
        _challenge(alice, comp, pos + 1, _proofOne(comp));
    }

    function test_ife_respond_honest() public {
        _startT(bob);
        uint256 tPos = _includeOne(T);
        _challenge(carol, _carolCompetitor(), 0, "");
        uint256 b0 = bob.balance;
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        PaymentExitBase.Header memory h = _header(id);
        assertEq(h.flags & 1, 0, "canonical again");
        assertEq(h.competitorPos, tPos, "its own position");
        assertEq(
            bob.balance - b0, chBond - chBond / 2, "half the challenger's bond to the responder"
        );
        assertEq(address(0).balance, chBond / 2, "the other half burnt");
        (address challenger,) = game.inFlightExitChallenge(id);
        assertEq(challenger, address(0), "no standing challenge");
        // An unincluded competitor can no longer challenge.
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.CompetitorNotOlder.selector, type(uint64).max, tPos
            )
        );
        _challenge(carol, _spend(cPos, carol, address(0), 1 ether), 0, "");
    }

    function test_ife_respond_laterPositionFails() public {
        _startT(bob);
        bytes memory comp = _carolCompetitor();
        uint256 compPos = _includeOne(comp);
        uint256 tPos = _includeOne(T);
        _challenge(alice, comp, compPos, _proofOne(comp));
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ResponseNotEarlier.selector, tPos, compPos)
        );
        game.respondToNonCanonicalChallenge(T, tPos, _proofOne(T));
        assertEq(_header(id).flags & 1, 1, "still non-canonical");
    }

    function test_ife_respond_badProofOrUnchallengedOrBeforeInputs() public {
        _startT(bob);
        uint256 tPos = _includeOne(T);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.NotChallenged.selector, id));
        game.respondToNonCanonicalChallenge(T, tPos, _proofOne(T));
        _challenge(carol, _carolCompetitor(), 0, "");
        // A bogus proof.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, tPos)
        );
        game.respondToNonCanonicalChallenge(T, tPos, new bytes(512));
        // A position before its own inputs.
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.ResponseBeforeInputs.selector, 100_000, cPos / 10_000
            )
        );
        game.respondToNonCanonicalChallenge(T, 100_000, Tree.depositProof());
    }

    // ---------------------------------------------------------------- spent piggybacks

    function test_ife_inputSpent_honest() public {
        _startT(bob);
        _pbIn(carol, T, 1);
        bytes memory comp = _carolCompetitor();
        uint256 before = bob.balance;
        vm.prank(bob);
        game.challengeInFlightExitInputSpent(T, 1, comp, 0, _sig(CAROL_KEY, comp));
        assertEq(bob.balance - before, pbBond, "piggyback bond to the challenger");
        assertEq(_header(id).piggybacks, 0, "piggyback removed");
        // Carol's deposit is free again (not claimed, not exited).
        assertTrue(!game.isOutputExited(game.outputId(cTx, cPos)), "not exited");
    }

    function test_ife_inputSpent_cheats() public {
        _startT(bob);
        _pbIn(alice, T, 0);
        // The "spend" is the in-flight tx itself.
        vm.expectRevert(PaymentExitBase.SameTx.selector);
        game.challengeInFlightExitInputSpent(T, 0, T, 0, _sig(ALICE_KEY, T));
        // Not piggybacked.
        bytes memory comp = _carolCompetitor();
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.NotPiggybacked.selector, id, 1));
        game.challengeInFlightExitInputSpent(T, 1, comp, 0, _sig(CAROL_KEY, comp));
        // A spend of Alice's input signed by Carol, not Alice.
        bytes memory fake = _spend(aPos, carol, address(0), 5 ether);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, carol, alice)
        );
        game.challengeInFlightExitInputSpent(T, 0, fake, 0, _sig(CAROL_KEY, fake));
        // A tx of Alice that spends something else.
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.InputNotShared.selector, bytes32(cPos), bytes32(aPos)
            )
        );
        game.challengeInFlightExitInputSpent(T, 0, comp, 0, _sig(ALICE_KEY, comp));
        // An output leg index passed as an input index.
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.IndexOutOfRange.selector, 4, 4));
        game.challengeInFlightExitInputSpent(T, 4, comp, 0, _sig(ALICE_KEY, comp));
    }

    function _outputSpent(address who, uint256 tPos, bytes memory spendTx, uint256 key) internal {
        PaymentExitBase.OutputSpentChallenge memory c = PaymentExitBase.OutputSpentChallenge({
            inFlightTx: T,
            inFlightTxPos: tPos,
            inFlightTxInclusionProof: _proofOne(T),
            outputIndex: 0,
            spendingTx: spendTx,
            spendingTxInputIndex: 0,
            spendingTxSig: _sig(key, spendTx)
        });
        vm.prank(who);
        game.challengeInFlightExitOutputSpent(c);
    }

    function test_ife_outputSpent_honest() public {
        _startT(bob);
        uint256 tPos = _includeOne(T);
        _pbOut(bob, T, 0);
        // Bob spends his output (tPos·10⁴ + 0) after T was included, then tries to exit it too.
        bytes memory u = _spend(tPos * 10_000, carol, address(0), 6 ether);
        uint256 before = alice.balance;
        _outputSpent(alice, tPos, u, BOB_KEY);
        assertEq(alice.balance - before, pbBond, "bond to the challenger");
        assertEq(_header(id).piggybacks, 0, "removed");
    }

    function test_ife_outputSpent_cheats() public {
        _startT(bob);
        uint256 tPos = _includeOne(T);
        _pbOut(bob, T, 0);
        // A spend of another position.
        bytes memory u = _spend(tPos * 10_000 + 1, carol, address(0), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.InputNotShared.selector,
                bytes32(tPos * 10_000 + 1),
                bytes32(tPos * 10_000)
            )
        );
        _outputSpent(alice, tPos, u, BOB_KEY);
        // Signed by someone other than Bob.
        u = _spend(tPos * 10_000, carol, address(0), 6 ether);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, carol, bob));
        _outputSpent(alice, tPos, u, CAROL_KEY);
        // T claimed at a position where it is not.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, tPos + 1)
        );
        _outputSpent(alice, tPos + 1, _spend((tPos + 1) * 10_000, carol, address(0), 1), BOB_KEY);
    }

    // ---------------------------------------------------------------- delete

    function test_ife_delete_honest() public {
        _startT(bob);
        vm.warp(block.timestamp + MEP / 2);
        uint256 before = bob.balance;
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(bob.balance - before, ifeBond, "bond back");
        assertEq(_header(id).startedAt, 0, "deleted");
        // It may be started again.
        _startT(bob);
    }

    function test_ife_delete_cheats() public {
        _startT(bob);
        uint256 deadline = block.timestamp + MEP / 2;
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.PiggybackPeriodNotOver.selector, id, deadline)
        );
        game.deleteNonPiggybackedInFlightExit(id);
        _pbOut(bob, T, 0);
        vm.warp(deadline);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitHasPiggybacks.selector, id)
        );
        game.deleteNonPiggybackedInFlightExit(id);
    }

    function test_ife_delete_afterChallengedPiggybacksStaleEntry() public {
        _startT(bob);
        _pbIn(carol, T, 1);
        bytes memory comp = _carolCompetitor();
        game.challengeInFlightExitInputSpent(T, 1, comp, 0, _sig(CAROL_KEY, comp));
        vm.warp(block.timestamp + MEP / 2);
        game.deleteNonPiggybackedInFlightExit(id);
        // The queue entry left behind pays nothing.
        uint256 held = address(game).balance;
        _processAll();
        assertEq(address(game).balance, held, "nothing paid");
        assertEq(game.queueSize(address(0)), 0, "entry dropped");
    }

    // ---------------------------------------------------------------- processing

    function test_ife_process_canonicalPaysOutputsNotInputs() public {
        _startT(bob);
        _pbOut(bob, T, 0);
        _pbOut(carol, T, 1);
        _pbIn(alice, T, 0); // Alice tries to get her input back too
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        uint256 a0 = alice.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob: output, bonds");
        assertEq(carol.balance - c0, 1.5 ether + pbBond - pbBond / 4, "carol: output");
        assertEq(alice.balance - a0, pbBond - pbBond / 4, "alice: only her bond, no input");
        assertTrue(game.isOutputExited(game.outputId(aTx, aPos)), "inputs spent forever");
        assertTrue(game.isOutputExited(game.outputId(cTx, cPos)), "inputs spent forever");
        assertTrue(game.isOutputExited(_outputId(T, 0)), "output exited");
        assertEq(_header(id).flags, 2 | 4 | 8, "processing, canonical, finalized");
        // Alice cannot exit her input through a standard exit afterwards.
        uint160 aId = _exitId(aTx, aPos);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, aId));
        game.startStandardExit{value: bond}(aPos, aTx, Tree.depositProof(), 0);
        // Nor restart the in-flight exit.
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitAlreadyStarted.selector, id)
        );
        game.startInFlightExit{value: ifeBond}(a);
        assertEq(address(game).balance, 0, "no bond left behind");
    }

    function test_ife_process_nonCanonicalPaysInputsNotOutputs() public {
        _startT(bob);
        _challenge(alice, _carolCompetitor(), 0, "");
        _pbIn(alice, T, 0);
        _pbOut(bob, T, 0); // Bob tries to exit the output of a non-canonical tx
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(
            alice.balance - a0,
            5 ether + ifeBond + chBond + pbBond - pbBond / 4,
            "alice: input, the in-flight bond and her challenge bond (it stood)"
        );
        assertEq(bob.balance - b0, pbBond - pbBond / 4, "bob: only his bond");
        assertTrue(game.isOutputExited(game.outputId(aTx, aPos)), "input exited");
        assertTrue(!game.isOutputExited(game.outputId(cTx, cPos)), "other input untouched");
        assertTrue(!game.isOutputExited(_outputId(T, 0)), "output not exited");
        assertEq(address(game).balance, 0, "no bond left behind");
    }

    function test_ife_process_inputExitedByStandardExitMakesItNonCanonical() public {
        // Carol standard-exits her deposit first (a double exit attempt with T's outputs).
        _startExit(carol, cPos, cTx, Tree.depositProof());
        vm.warp(block.timestamp + 1);
        _startT(bob);
        _pbOut(bob, T, 0);
        _pbIn(alice, T, 0);
        uint256 b0 = bob.balance;
        uint256 a0 = alice.balance;
        _processAll();
        assertEq(bob.balance - b0, ifeBond + pbBond - pbBond / 4, "no output paid: an input left");
        assertEq(alice.balance - a0, 5 ether + pbBond - pbBond / 4, "alice: input back");
        assertEq(address(game).balance, 0, "nothing left");
        assertEq(address(ethVault).balance, 0, "vault paid exactly what was deposited");
    }

    function test_ife_interaction_standardExitOfPiggybackedOutputRefused() public {
        _startT(bob);
        uint256 tPos = _includeOne(T);
        _pbOut(bob, T, 0);
        uint160 oid = game.exitIdOf(_outputId(T, 0));
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.OutputPiggybacked.selector, oid));
        game.startStandardExit{value: bond}(tPos * 10_000, T, proof, 0);
        _processAll();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, oid));
        game.startStandardExit{value: bond}(tPos * 10_000, T, proof, 0);
    }

    function test_ife_interaction_piggybackOfStandardExitingOrExitedRefused() public {
        uint256 tPos = _includeOne(T);
        // Bob standard-exits output 0 of the included T, then someone starts T in flight.
        _startExit(bob, tPos * 10_000, T, _proofOne(T));
        _startT(alice);
        uint160 oid = game.exitIdOf(_outputId(T, 0));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitAlreadyStarted.selector, oid));
        game.piggybackInFlightExitOnOutput{value: pbBond}(T, 0, 0);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 1);
        assertTrue(game.isOutputExited(_outputId(T, 0)), "exited by the standard exit");
    }

    function test_ife_interaction_piggybackAfterStandardExitProcessedRefused() public {
        // Alice's deposit exits through a standard exit; then she tries to piggyback it too.
        _startExit(alice, aPos, aTx, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        game.processExits(address(0), 1);
        _startT(bob);
        uint160 aId = _exitId(aTx, aPos);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, aId));
        game.piggybackInFlightExitOnInput{value: pbBond}(T, 0, 0);
    }

    function test_ife_doubleSpentInputExitedOnce() public {
        // Carol signs T and a competitor T2 spending the same deposit; both go in flight.
        bytes memory t2 = _carolCompetitor();
        _startT(bob);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = t2;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = cTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = cPos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(CAROL_KEY, t2);
        vm.prank(carol);
        game.startInFlightExit{value: ifeBond}(a);
        // Carol piggybacks her input on T; the same input cannot be claimed on T2 as well.
        _pbIn(carol, T, 1);
        uint160 cId = _exitId(cTx, cPos);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.OutputPiggybacked.selector, cId));
        game.piggybackInFlightExitOnInput{value: pbBond}(t2, 0, 0);
        // And not through a standard exit either.
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.OutputPiggybacked.selector, cId));
        game.startStandardExit{value: bond}(cPos, cTx, Tree.depositProof(), 0);
        // T2's output to Carol: T2 canonical (nobody challenged it) would pay it...
        _pbOut(carol, t2, 0);
        // ...but watchers challenge: T2 spends Carol's input, so does T.
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(t2, 0, T, 1, 0, "", _sig(CAROL_KEY, T));
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        _challenge(alice, t2, 0, "");
        // Carol's piggybacked input is spent by T2 (another tx): challenged away.
        game.challengeInFlightExitInputSpent(T, 1, t2, 0, _sig(CAROL_KEY, t2));
        uint256 c0 = carol.balance;
        _processAll();
        assertEq(carol.balance - c0, pbBond - pbBond / 4, "carol: nothing but a bond back");
        assertEq(address(ethVault).balance, 8 ether, "no ETH left the vault");
    }

    function test_ife_processOrder_tieWithStandardExit() public {
        // Alice standard-exits her deposit (block 1) and an in-flight exit whose youngest input
        // is also block 1 gets the same exitableAt (MEP after the deposit: the standard exit's
        // now + MEP equals the in-flight deposit time + 2·MEP): order by (exitableAt, txPos,
        // exitId).
        vm.warp(block.timestamp + MEP);
        _startExit(alice, aPos, aTx, Tree.depositProof());
        bytes memory t1 = _spend(aPos, bob, address(0), 5 ether);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = t1;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = aTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = aPos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, t1);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 t1Id = game.inFlightExitId(t1);
        _pbOut(bob, t1, 0);
        uint256 stdKey = _keyOf(aPos, aTx);
        uint256 ifeKey = game.inFlightExitPriorityKey(t1Id);
        assertEq(stdKey >> 160, ifeKey >> 160, "same exitableAt and txPos");
        // Whichever key is first, exactly one of the two exits leaves with Alice's 5 ETH.
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        vm.warp(block.timestamp + MEP);
        game.processExits(address(0), 10);
        uint256 paidAlice = alice.balance - a0;
        uint256 paidBob = bob.balance - b0;
        if (uint160(stdKey) < uint160(ifeKey)) {
            assertEq(paidAlice, 5 ether + bond - bond / 4, "standard exit first: alice paid");
            assertEq(paidBob, pbBond - pbBond / 4, "the in-flight exit finds its input gone");
        } else {
            assertEq(paidBob, 5 ether + pbBond - pbBond / 4, "in-flight first: bob paid");
            assertEq(paidAlice, 0, "alice's standard exit of a spent input: bond forfeited");
        }
        assertEq(address(ethVault).balance, 3 ether, "only 5 ETH left");
        assertEq(game.queueSize(address(0)), 0, "both entries popped");
    }

    function test_ife_maliciousCoOwnerCannotTakeBond() public {
        // T is included; Carol (co-input owner) signs a competitor and challenges, hoping to
        // take Bob's in-flight bond and block Bob's output.
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _pbOut(bob, T, 0);
        _challenge(carol, _carolCompetitor(), 0, "");
        (address challenger,) = game.inFlightExitChallenge(id);
        assertEq(challenger, carol, "carol's challenge stands until answered");
        assertEq(_header(id).bondOwner, bob, "the in-flight bond stays bob's");
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, _proofOne(T));
        // Carol gets her competitor included after T: too late to matter.
        bytes memory comp = _carolCompetitor();
        uint256 compPos = _includeOne(comp);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.CompetitorNotOlder.selector, compPos, tPos)
        );
        _challenge(carol, comp, compPos, _proofOne(comp));
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + ifeBond + pbBond - pbBond / 4, "bob whole");
        assertEq(carol.balance, c0, "carol got nothing");
    }

    /// A standard exit of an output proves the tx included: started before the in-flight
    /// exit, it counts as a response (an unincluded competitor can no longer challenge).
    function test_ife_standardExitBeforeStartCountsAsResponse() public {
        uint256 tPos = _includeOne(T);
        _startExit(bob, tPos * 10_000, T, _proofOne(T));
        _startT(alice);
        assertEq(_header(id).competitorPos, tPos, "inclusion proven at T's position");
        _pbIn(alice, T, 0);
        _pbOut(carol, T, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.CompetitorNotOlder.selector, type(uint64).max, tPos
            )
        );
        _challenge(carol, _carolCompetitor(), 0, "");
        _processAll();
        assertEq(8 ether - address(ethVault).balance, 7.5 ether, "bob 6 + carol 1.5, no input");
        assertEq(_header(id).flags & 4, 4, "canonical");
        assertEq(address(game).balance, 0, "bonds settled");
    }

    /// Started after a false challenge (here: a competitor included after T), a standard exit
    /// of an output answers it, nobody else needs to.
    function test_ife_standardExitAfterChallengeAnswersIt() public {
        uint256 tPos = _includeOne(T);
        _startT(alice);
        _pbIn(alice, T, 0);
        _pbOut(carol, T, 1);
        bytes memory comp = _carolCompetitor();
        uint256 compPos = _includeOne(comp);
        _challenge(carol, comp, compPos, _proofOne(comp));
        assertEq(_header(id).flags & 1, 1, "non-canonical");
        uint256 b0 = bob.balance;
        _startExit(bob, tPos * 10_000, T, _proofOne(T));
        PaymentExitBase.Header memory h = _header(id);
        assertEq(h.flags & 1, 0, "canonical again");
        assertEq(h.competitorPos, tPos, "its own position");
        assertEq(
            bob.balance + bond - b0,
            chBond - chBond / 2,
            "the standard exiter who proved it earns half the challenge bond"
        );
        assertEq(h.bondOwner, alice, "the in-flight bond stays with its starter");
        uint256 a0 = alice.balance;
        uint256 c0 = carol.balance;
        _processAll();
        assertEq(alice.balance - a0, ifeBond + pbBond - pbBond / 4, "alice: no input, her bonds");
        assertEq(carol.balance - c0, 1.5 ether + pbBond - pbBond / 4, "carol: output, no bond");
        assertEq(8 ether - address(ethVault).balance, 7.5 ether, "bob 6 + carol 1.5");
    }

    /// The operator includes T only after Carol's double-spend T2, and Carol exits her output of
    /// T the standard way: that proves nothing against T2 (included earlier), so Alice still
    /// gets her input back.
    function test_ife_lateInclusionAfterDoubleSpendDoesNotBlockInputs() public {
        bytes memory t2 = _carolCompetitor();
        uint256 t2Pos = _includeOne(t2);
        _startT(alice);
        _pbIn(alice, T, 0);
        _challenge(bob, t2, t2Pos, _proofOne(t2));
        uint256 tPos = _includeOne(T); // after T2: T is invalid
        _startExit(carol, tPos * 10_000 + 1, T, _proofOne(T));
        assertEq(_header(id).flags & 1, 1, "still non-canonical");
        assertEq(_header(id).competitorPos, t2Pos, "T2's position stands");
        uint256 a0 = alice.balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertEq(alice.balance - a0, 5 ether + pbBond - pbBond / 4, "alice: her input back");
    }

    /// After a non-canonical in-flight exit paid an input, the tx's outputs cannot exit.
    function test_ife_standardExitOfOutputAfterInputsPaidRefused() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        _pbIn(alice, T, 0);
        _challenge(carol, _carolCompetitor(), 0, ""); // false, and nobody answers
        _processAll();
        assertEq(8 ether - address(ethVault).balance, 5 ether, "alice's input paid");
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InputsExitedInFlight.selector, id));
        game.startStandardExit{value: bond}(tPos * 10_000, T, proof, 0);
    }

    /// A starter whose receive() re-enters the game: its bond refund fails inside the lock
    /// and is credited in the EthVault; the queue goes on.
    function test_ife_reenteringStarterIsCredited() public {
        ReenteringStarter st = new ReenteringStarter(game);
        vm.deal(address(st), 1 ether);
        st.start{value: ifeBond}(_argsT());
        _pbOut(bob, T, 0);
        uint256 b0 = bob.balance;
        _processAll();
        assertEq(bob.balance - b0, 6 ether + pbBond - pbBond / 4, "bob paid");
        assertEq(ethVault.pendingWithdrawals(address(st)), ifeBond, "bond credited");
        assertEq(address(game).balance, 0, "nothing stuck in the game");
    }

    function test_ife_deleteRefusingStarterIsCredited() public {
        ReenteringStarter st = new ReenteringStarter(game);
        st.start{value: ifeBond}(_argsT());
        vm.warp(block.timestamp + MEP / 2);
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(ethVault.pendingWithdrawals(address(st)), ifeBond, "bond credited");
    }

    function test_ife_erc20AndEthLegsInTheirOwnQueues() public {
        (uint256 tPos0, bytes memory tokTx) = _depositErc20(alice, 100);
        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(aPos);
        ins[1] = bytes32(tPos0);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](2);
        outs[0] = _out(bob, address(0), 5 ether);
        outs[1] = _out(bob, address(token), 100);
        bytes memory mt = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(mt, aTx, aPos, ALICE_KEY, tokTx, tPos0, ALICE_KEY);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 mId = game.inFlightExitId(mt);
        _pbOut(bob, mt, 0);
        vm.prank(bob);
        game.piggybackInFlightExitOnOutput{value: pbBond}(mt, 1, 0);
        assertEq(game.queueSize(address(token)), 1, "token queue");
        assertEq(game.queueSize(address(0)), 1, "eth queue");
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(token), 5);
        assertEq(token.balanceOf(bob), 1e27 + 100, "token leg paid");
        assertEq(_header(mId).flags & 8, 0, "not final: the ETH leg is pending");
        uint256 b0 = bob.balance;
        game.processExits(address(0), 5);
        assertEq(bob.balance - b0, 5 ether + pbBond - pbBond / 4, "eth leg paid");
        assertEq(_header(mId).flags & 8, 8, "finalized");
        assertEq(address(game).balance, 0, "all bonds settled");
    }
}

/// @notice The three cases users meet (docs/exit-games.md): each ends with every honest
/// owner's money back on L1.
contract InFlightScenarioTest is InFlightBase {
    /// Alice pays Bob 5 ETH with a 1-input tx; she keeps nothing (no change).
    bytes internal P;
    uint160 internal pId;

    function setUp() public override {
        super.setUp();
        P = _spend(aPos, bob, address(0), 5 ether);
        pId = game.inFlightExitId(P);
    }

    function _startP(address who) internal {
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = P;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = aTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = aPos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = Tree.depositProof();
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(ALICE_KEY, P);
        vm.prank(who);
        game.startInFlightExit{value: ifeBond}(a);
    }

    /// The tx was included, but the operator withheld the block after it (the chain is
    /// byzantine): Bob exits in flight, piggybacks his output; Bob's money is paid.
    function test_scenario_included() public {
        _includeOne(P);
        vm.prank(operator);
        framework.submitBlock(keccak256("withheld"));
        uint256 b0 = bob.balance;
        _startP(bob);
        _pbOut(bob, P, 0);
        // Carol, Alice's co-owner in nothing, cannot challenge (no signature of Alice).
        _processAll();
        assertEq(bob.balance, b0 + 5 ether - pbBond / 4, "bob: 5 ETH, bonds back minus bounty");
        assertEq(address(ethVault).balance, 3 ether, "only carol's deposit left");
        // Carol's deposit exits through a standard exit.
        uint256 c0 = carol.balance;
        _startExit(carol, cPos, cTx, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        game.processExits(address(0), 1);
        assertEq(carol.balance, c0 + 3 ether - bond / 4, "carol whole");
        assertEq(address(ethVault).balance, 0, "everyone out");
    }

    /// The block with the tx was withheld: nobody knows whether it is in. Alice starts the
    /// in-flight exit; the tx is canonical (no competing spend) so Bob gets the payment;
    /// Alice's piggyback on her input is returned (the payment went through).
    function test_scenario_withheld() public {
        vm.prank(operator);
        framework.submitBlock(keccak256("withheld block, maybe with P"));
        uint256 a0 = alice.balance;
        uint256 b0 = bob.balance;
        _startP(alice);
        _pbIn(alice, P, 0);
        _pbOut(bob, P, 0);
        // The operator tries a standard exit of nothing it owns; it cannot challenge without a
        // spend signed by Alice other than P.
        _processAll();
        assertEq(bob.balance, b0 + 5 ether - pbBond / 4, "bob paid");
        assertEq(alice.balance, a0 - pbBond / 4, "alice: both her bonds back minus a bounty");
        assertTrue(game.isOutputExited(game.outputId(aTx, aPos)), "alice's input spent");
        // Alice cannot also take her input back.
        uint160 aId = _exitId(aTx, aPos);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, aId));
        game.startStandardExit{value: bond}(aPos, aTx, Tree.depositProof(), 0);
    }

    /// The operator double-spent: Carol (in league with the operator) co-signed T with Alice,
    /// and also signed T2 spending her own input; the operator includes T2 and withholds the
    /// rest. T is non-canonical; Alice gets her input back, Carol's double-spent input cannot
    /// exit twice, Bob's output (never really his) is not paid.
    function test_scenario_doubleSpentByOperator() public {
        bytes memory t2 = _carolCompetitor();
        uint256 t2Pos = _includeOne(t2);
        vm.prank(operator);
        framework.submitBlock(keccak256("withheld"));
        uint256 a0 = alice.balance;
        _startT(alice);
        _pbIn(alice, T, 0);
        _pbIn(carol, T, 1);
        _pbOut(bob, T, 0);
        // Watchers (here Bob) show the included competitor: T is non-canonical.
        _challenge(bob, t2, t2Pos, _proofOne(t2));
        // Alice cannot make T canonical: it is not included before T2.
        // Carol's piggybacked input is spent by T2: challenged.
        vm.prank(alice);
        game.challengeInFlightExitInputSpent(T, 1, t2, 0, _sig(CAROL_KEY, t2));
        _processAll();
        assertEq(
            alice.balance,
            a0 + 5 ether - ifeBond + pbBond - pbBond / 4,
            "alice: her 5 ETH back (the in-flight bond went to the challenger)"
        );
        assertTrue(game.isOutputExited(game.outputId(aTx, aPos)), "alice's input exited");
        assertTrue(!game.isOutputExited(_outputId(T, 0)), "bob's output did not exit");
        // Carol's T2 output exits (it is her money, spent once, included).
        uint256 c0 = carol.balance;
        _startExit(carol, t2Pos * 10_000, t2, _proofOne(t2));
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertEq(carol.balance, c0 + 3 ether - bond / 4, "carol's included output");
        assertEq(address(ethVault).balance, 0, "vault: exactly the deposits left");
    }
}

/// @notice Any mix of standard exits (before and after), in-flight exit, piggybacks, challenges
/// and responses on the fixture (T spends Alice's 5 ETH and Carol's 3 ETH into Bob 6 and Carol 1.5): each deposit
/// leaves at most once, either itself or through T's outputs, never both; processing never
/// needs more than was deposited.
contract InFlightFuzzTest is InFlightBase {
    function _try(address who, bytes memory data, uint256 value) internal returns (bool ok) {
        vm.prank(who);
        (ok,) = address(game).call{value: value}(data);
    }

    function testFuzz_ife_eachDepositLeavesOnce(uint256 seed) public {
        bool include = seed & 1 != 0;
        uint256 tPos;
        if (include) {
            tPos = _includeOne(T);
            // Bob may exit output 0 the standard way too.
            if (seed & (1 << 1) != 0) _startExit(bob, tPos * 10_000, T, _proofOne(T));
        } else {
            // Inputs spent by a withheld tx may still be standard-exited (nobody challenges).
            if (seed & (1 << 2) != 0) _startExit(carol, cPos, cTx, Tree.depositProof());
            if (seed & (1 << 3) != 0) _startExit(alice, aPos, aTx, Tree.depositProof());
        }
        _startT(bob);
        bytes4 pbIn = game.piggybackInFlightExitOnInput.selector;
        bytes4 pbOut = game.piggybackInFlightExitOnOutput.selector;
        if (seed & (1 << 4) != 0) _try(alice, abi.encodeWithSelector(pbIn, T, 0, 0), pbBond);
        if (seed & (1 << 5) != 0) _try(carol, abi.encodeWithSelector(pbIn, T, 1, 0), pbBond);
        if (seed & (1 << 6) != 0) _try(bob, abi.encodeWithSelector(pbOut, T, 0, 0), pbBond);
        if (seed & (1 << 7) != 0) _try(carol, abi.encodeWithSelector(pbOut, T, 1, 0), pbBond);
        if (seed & (1 << 8) != 0) {
            // (refused if a standard exit already proved T included)
            bytes memory comp = _carolCompetitor();
            PaymentExitBase.CanonicityChallenge memory c =
                PaymentExitBase.CanonicityChallenge(T, 1, comp, 0, 0, "", _sig(CAROL_KEY, comp));
            _try(alice, abi.encodeCall(game.challengeInFlightExitNotCanonical, (c)), chBond);
            // Maybe nobody answers a false challenge of the included tx: each deposit still
            // leaves once (a later standard exit of an output is refused once inputs are paid).
            if (include && seed & (1 << 9) != 0 && _header(id).flags & 1 != 0) {
                game.respondToNonCanonicalChallenge(T, tPos, _proofOne(T));
            }
        }
        // Later standard exits of piggybacked or exited outputs are refused; others may start.
        if (seed & (1 << 10) != 0 && !include) {
            _try(
                alice,
                abi.encodeCall(game.startStandardExit, (aPos, aTx, Tree.depositProof(), 0)),
                bond
            );
        }
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 20);
        // After processing, standard exits of T's outputs (if T is included) are tried too.
        if (include && seed & (1 << 11) != 0) {
            _try(
                carol,
                abi.encodeCall(game.startStandardExit, (tPos * 10_000 + 1, T, _proofOne(T), 0)),
                bond
            );
            _try(
                bob,
                abi.encodeCall(game.startStandardExit, (tPos * 10_000, T, _proofOne(T), 0)),
                bond
            );
            vm.warp(block.timestamp + 3 * MEP);
            game.processExits(address(0), 20);
        }
        // An in-flight exit nobody (successfully) piggybacked is deleted instead.
        PaymentExitBase.Header memory h = _header(id);
        if (h.startedAt != 0 && h.flags & 8 == 0) game.deleteNonPiggybackedInFlightExit(id);
        uint256 out = 8 ether - address(ethVault).balance;
        bool inputsOnly = out == 0 || out == 3 ether || out == 5 ether || out == 8 ether;
        bool outputsOnly = out == 1.5 ether || out == 6 ether || out == 7.5 ether;
        assertTrue(inputsOnly || outputsOnly, "each deposit leaves once, one way");
        assertEq(game.queueSize(address(0)), 0, "everything processed");
        assertEq(address(game).balance, 0, "every bond settled");
    }
}

/// @notice Starts in-flight exits; on receiving ETH tries to re-enter the game (and so fails).
contract ReenteringStarter {
    PaymentExitGame internal immutable game;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function start(PaymentExitBase.StartInFlightExitArgs calldata a) external payable {
        game.startInFlightExit{value: msg.value}(a);
    }

    receive() external payable {
        game.processExits(address(0), 1);
    }
}
