// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InFlightBase} from "./InFlightExit.t.sol";
import {BreakableToken} from "./MoreVpReview2.t.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {ExitBonds} from "../src/exits/ExitBonds.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice The third reading of the MoreVP exit game: the four bond fixes of the second
/// reading (docs/contracts.md, "Third reading (MoreVP bond fixes, 2026-12-06)"). Each test
/// is one hypothesis of a thief; a failed attack asserts the revert or the exact balances, so
/// the test fails if the defence goes.
contract MoreVpReview3Test is InFlightBase {
    uint256 internal constant EVE_KEY = 0xe7e;
    address internal eve;

    function setUp() public override {
        super.setUp();
        eve = vm.addr(EVE_KEY);
        vm.deal(eve, 100 ether);
    }

    // ================================================================ helpers

    /// @dev A canonicity challenge of `t` on input `idx` with `comp` signed by `key`, not
    /// included, sent by `who` with the current challenge bond.
    function _chalOf(address who, bytes memory t, uint256 idx, bytes memory comp, uint256 key)
        internal
        returns (uint256 cbond)
    {
        cbond = game.canonicityChallengeBond();
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(t, idx, comp, 0, 0, "", _sig(key, comp));
        vm.deal(who, who.balance + cbond);
        vm.prank(who);
        game.challengeInFlightExitNotCanonical{value: cbond}(c);
    }

    /// @dev t2: Alice's ETH deposit (5 ETH) and Eve's token deposit (100) into 5 ETH to Bob
    /// and 100 tokens to Eve; included at `tPos`; Bob starts its in-flight exit, Bob
    /// piggybacks output 0 (ETH), Eve output 1 (token); `challenger` challenges falsely
    /// (Alice's double-spend, not included), and nobody answers.
    function _twoTokenChallenged(address challenger)
        internal
        returns (uint160 tId, bytes memory t2, uint256 tPos, BreakableToken evl)
    {
        evl = new BreakableToken();
        evl.mint(eve, 100);
        bytes memory eTx = _depositTx(eve, address(evl), 100);
        uint256 ePos = _pos(framework.nextDepositBlock(), 0, 0);
        vm.prank(eve);
        evl.approve(address(erc20Vault), 100);
        vm.prank(eve);
        erc20Vault.deposit(eTx);
        bytes32[] memory ins = new bytes32[](2);
        (ins[0], ins[1]) = (bytes32(aPos), bytes32(ePos));
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](2);
        outs[0] = _out(bob, address(0), 5 ether);
        outs[1] = _out(eve, address(evl), 100);
        t2 = _tx(ins, outs);
        tPos = _includeOne(t2);
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(t2, aTx, aPos, ALICE_KEY, eTx, ePos, EVE_KEY);
        vm.prank(bob);
        game.startInFlightExit{value: ifeBond}(a);
        tId = game.inFlightExitId(t2);
        _pbOut(bob, t2, 0);
        vm.prank(eve);
        game.piggybackInFlightExitOnOutput{value: pbBond}(t2, 1, 0);
        _chalOf(challenger, t2, 0, _spend(aPos, alice, address(0), 5 ether), ALICE_KEY);
    }

    // ================================================================ fix 1: deletion

    /// H1. Fix 1 delays an honest deletion? A challenge that was answered leaves no standing
    /// challenge: the starter deletes his unpiggybacked exit at startedAt + MEP/2 exactly, as
    /// before the fix, and gets his bond; the false challenger gets nothing back.
    function test_r3_answeredChallengeDoesNotDelayDeletion() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        PaymentExitBase.Header memory h = _header(id);
        _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        vm.warp(h.startedAt + MEP / 2);
        assertTrue(block.timestamp < h.exitableAt, "well before exitableAt");
        uint256 b0 = bob.balance;
        uint256 c0 = carol.balance;
        vm.prank(bob);
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(bob.balance - b0, ifeBond, "bob: his in-flight bond at MEP/2");
        assertEq(carol.balance, c0, "carol: nothing");
        assertEq(_header(id).startedAt, 0, "deleted");
    }

    /// H2. Fix 1 locks a bond? A challenged unpiggybacked exit has no queue entry, so only a
    /// deletion ends it. Nobody deletes for 10 exit periods: the starter can still answer
    /// after exitableAt (processing never starts), and then deletes and keeps his bond; an
    /// unanswered one is deleted by anyone long after exitableAt, paying the challenger both
    /// bonds. The game keeps nothing either way.
    function test_r3_challengedUnpiggybackedExitNeverLocksItsBond() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        PaymentExitBase.Header memory h = _header(id);
        uint256 cb = _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        vm.warp(h.exitableAt + 10 * MEP);
        bytes memory proof = _proofOne(T);
        vm.prank(bob);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        uint256 b0 = bob.balance;
        vm.prank(bob);
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(bob.balance - b0, ifeBond, "late answer: bob keeps his bond");
        assertEq(address(game).balance, 0, "nothing left in the game");

        _startT(bob);
        h = _header(id);
        cb = _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        vm.warp(h.exitableAt + 10 * MEP);
        uint256 c0 = carol.balance;
        vm.prank(eve);
        game.deleteNonPiggybackedInFlightExit(id);
        assertEq(carol.balance - c0, ifeBond + cb, "standing challenger: both bonds");
        assertEq(address(game).balance, 0, "nothing locked");
    }

    // ================================================================ fix 2: the burn

    /// H3. Rounding: with an odd challenge bond (exit bond raised to a value that makes
    /// cbond odd), the responder gets cbond - cbond/2 (rounded up), address(0) exactly
    /// cbond/2, the game's balance drops by exactly cbond: no wei is left or paid twice.
    function test_r3_oddChallengeBondSplitsExactly() public {
        uint256 nb = bond + 1;
        while ((nb * game.CHALLENGE_BOND_GAS() / game.EXIT_BOND_GAS()) % 2 == 0) ++nb;
        vm.prank(operator);
        game.updateExitBond(nb);
        vm.warp(block.timestamp + 2 days);
        assertEq(game.exitBond(), nb, "raised");
        uint256 ib = game.inFlightExitBond();
        uint256 tPos = _includeOne(T);
        PaymentExitBase.StartInFlightExitArgs memory a = _argsT();
        vm.prank(bob);
        game.startInFlightExit{value: ib}(a);
        uint256 cb = _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        assertEq(cb % 2, 1, "an odd challenge bond");
        address watcher = address(0x3a7c);
        uint256 z0 = address(0).balance;
        uint256 g0 = address(game).balance;
        bytes memory proof = _proofOne(T);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        assertEq(watcher.balance, cb - cb / 2, "responder: the larger half");
        assertEq(watcher.balance, cb / 2 + 1, "rounded up");
        assertEq(address(0).balance - z0, cb / 2, "burnt: the smaller half");
        assertEq(g0 - address(game).balance, cb, "the game paid exactly the bond");
        assertEq(address(game).balance, ib, "only the in-flight bond is left");
    }

    /// H4. Reentrancy through the answer that a standard exit gives (startStandardExit is
    /// not nonReentrant): the exiter's receive hook, called with its half before the burn,
    /// re-enters respondToNonCanonicalChallenge (a nested second startStandardExit ran out of
    /// the 50,000-gas stipend in a first version of this hook). It is refused (the challenge
    /// is already cleared); the exiter gets its half once, the burn still happens in full,
    /// and the exit is canonical.
    function test_r3_reenteringAnswererGetsItsHalfOnceAndTheBurnHappens() public {
        AnswerReenterer r = new AnswerReenterer(game);
        bytes32[] memory ins = new bytes32[](2);
        (ins[0], ins[1]) = (bytes32(aPos), bytes32(cPos));
        bytes memory t3 = _tx(ins, _outs2(address(r), 6 ether, carol, 1.5 ether));
        uint256 tPos = _includeOne(t3);
        PaymentExitBase.StartInFlightExitArgs memory a =
            _twoDepositArgs(t3, aTx, aPos, ALICE_KEY, cTx, cPos, CAROL_KEY);
        vm.prank(bob);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 tId = game.inFlightExitId(t3);
        uint256 cb = _chalOf(eve, t3, 1, _carolCompetitor(), CAROL_KEY);
        vm.deal(address(r), bond);
        r.arm(t3, tPos, _proofOne(t3), tPos * 10_000);
        uint256 z0 = address(0).balance;
        r.exit(bond);
        assertEq(r.innerCalls(), 2, "the hook ran and re-entered");
        assertEq(r.innerFailures(), 2, "the nested answer refused (NotChallenged)");
        assertEq(address(r).balance, cb - cb / 2, "the exiter: its half, once");
        assertEq(address(0).balance - z0, cb / 2, "the burnt half");
        assertEq(_header(tId).flags & 1, 0, "canonical again");
        assertEq(address(game).balance, ifeBond + bond, "held: the in-flight and exit bonds");
    }

    /// H5. A responder that refuses ETH cannot redirect or block the burn: the answer goes
    /// through, its half is credited in the EthVault, and address(0) receives the other half.
    function test_r3_refusingResponderCannotBlockOrRedirectTheBurn() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        uint256 cb = _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        RefusingResponder r = new RefusingResponder(game);
        uint256 z0 = address(0).balance;
        r.respond(T, tPos, _proofOne(T));
        assertEq(address(r).balance, 0, "refused");
        assertEq(ethVault.pendingWithdrawals(address(r)), cb - cb / 2, "credited its half");
        assertEq(address(0).balance - z0, cb / 2, "burnt");
        assertEq(address(game).balance, ifeBond, "game: only the in-flight bond");
    }

    // ================================================================ fix 4: first pass

    /// H6. After the first pass (ETH queue) of a two-token exit whose false challenge stood,
    /// the challenger has both bonds; then no answer, challenge, deletion or piggyback is
    /// possible, a standard exit of the included tx's output answers nothing (no bond paid,
    /// nothing burnt), and the token's pass pays the token leg but no bond a second time.
    function test_r3_afterTheFirstPassNoBondIsPaidTwice() public {
        address ch = address(0xC4A1);
        (uint160 tId, bytes memory t2, uint256 tPos, BreakableToken evl) = _twoTokenChallenged(ch);
        uint256 cb = game.canonicityChallengeBond();
        vm.warp(_header(tId).exitableAt);
        uint256 b0 = bob.balance;
        game.processExits(address(0), 10);
        assertEq(ch.balance, ifeBond + cb, "first pass: the challenger's both bonds");
        assertEq(bob.balance - b0, pbBond - pbBond / 4, "bob: his piggyback bond (non-canonical)");
        assertEq(_header(tId).flags & 8, 0, "not finalized: the token leg is pending");

        bytes memory proof = _proofOne(t2);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitProcessing.selector, tId)
        );
        game.respondToNonCanonicalChallenge(t2, tPos, proof);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.InFlightExitProcessing.selector, tId)
        );
        game.deleteNonPiggybackedInFlightExit(tId);
        uint256 deadline = _header(tId).startedAt + MEP / 2;
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.PiggybackPeriodOver.selector, tId, deadline)
        );
        game.piggybackInFlightExitOnInput{value: pbBond}(t2, 0, 0);

        // Bob's standard exit of his output of the included t2: no answer, no payout.
        uint256 c0 = ch.balance;
        uint256 z0 = address(0).balance;
        uint256 g0 = address(game).balance;
        vm.prank(bob);
        game.startStandardExit{value: bond}(tPos * 10_000, t2, proof, 0);
        assertEq(ch.balance, c0, "challenger: nothing more");
        assertEq(address(0).balance, z0, "nothing burnt");
        assertEq(address(game).balance, g0 + bond, "the game took just the exit bond");
        assertEq(_header(tId).flags & 1, 1, "still non-canonical");

        // The token's pass: Eve's leg refunded (non-canonical), no in-flight bond again.
        c0 = ch.balance;
        b0 = bob.balance;
        uint256 e0 = eve.balance;
        game.processExits(address(evl), 10);
        assertEq(_header(tId).flags & 8, 8, "finalized");
        assertEq(ch.balance, c0, "challenger: nothing twice");
        assertEq(bob.balance, b0, "bob: nothing");
        assertEq(eve.balance - e0, pbBond - pbBond / 4, "eve: her piggyback bond");
        assertEq(address(game).balance, bond, "left: Bob's standard exit bond only");
    }

    /// H7. The first pass is the token's (its queue processed first): it pays the in-flight
    /// bond and the challenge bond there; the later ETH pass pays neither again.
    function test_r3_firstPassInTheTokenQueuePaysOnce() public {
        address ch = address(0xC4A2);
        (uint160 tId,,, BreakableToken evl) = _twoTokenChallenged(ch);
        uint256 cb = game.canonicityChallengeBond();
        vm.warp(_header(tId).exitableAt);
        game.processExits(address(evl), 10);
        assertEq(ch.balance, ifeBond + cb, "token pass: both bonds");
        assertEq(_header(tId).bondOwner, ch, "bondOwner: the payee");
        game.processExits(address(0), 10);
        assertEq(ch.balance, ifeBond + cb, "ETH pass: nothing twice");
        assertEq(_header(tId).flags & 8, 8, "finalized");
        assertEq(address(game).balance, 0, "every bond out once");
    }

    /// H8. A standing challenger that refuses ETH cannot block the first pass (and so the
    /// other legs): its bonds are credited in the EthVault, the pass goes on.
    function test_r3_refusingPayeeDoesNotBlockTheFirstPass() public {
        RefusingResponder r = new RefusingResponder(game);
        (uint160 tId,,, BreakableToken evl) = _twoTokenChallenged(address(r));
        uint256 cb = game.canonicityChallengeBond();
        vm.warp(_header(tId).exitableAt);
        uint256 b0 = bob.balance;
        game.processExits(address(0), 10);
        assertEq(ethVault.pendingWithdrawals(address(r)), ifeBond + cb, "credited both bonds");
        assertEq(bob.balance - b0, pbBond - pbBond / 4, "bob's leg settled in the same pass");
        game.processExits(address(evl), 10);
        assertEq(ethVault.pendingWithdrawals(address(r)), ifeBond + cb, "nothing twice");
        assertEq(address(game).balance, 0, "settled");
    }

    // ================================================================ fix 3: the floor

    /// H9. The floor with pending updates: a pending raise replaced by a lower value may not
    /// go under the constructor value (even when current/2 would allow it); after a raise
    /// takes effect, halving goes back to the floor and no lower; every derived bond stays at
    /// or above its constructor value at every step.
    function test_r3_floorHoldsThroughPendingUpdates() public {
        uint256 b = game.minExitBond();
        assertEq(b, bond, "the floor is the constructor value");
        uint256 ib0 = game.inFlightExitBond();
        uint256 pb0 = game.piggybackBond();
        uint256 cb0 = game.canonicityChallengeBond();
        vm.startPrank(operator);
        game.updateExitBond(2 * b);
        vm.expectRevert(abi.encodeWithSelector(ExitBonds.BondBelowFloor.selector, b, b / 2));
        game.updateExitBond(b / 2); // replaces the pending raise: in range of current b
        game.updateExitBond(b); // replacing with the floor itself is fine
        game.updateExitBond(2 * b);
        vm.warp(block.timestamp + 2 days);
        assertEq(game.exitBond(), 2 * b, "raised");
        // From 2b, b - 1 is below current/2 too: the range check refuses it first.
        vm.expectRevert(
            abi.encodeWithSelector(ExitBonds.BondChangeOutOfRange.selector, 2 * b, b - 1)
        );
        game.updateExitBond(b - 1);
        game.updateExitBond(b);
        // Before the halving takes effect a new pending value replaces it, bounded by the
        // current 2b and the floor.
        vm.expectRevert(
            abi.encodeWithSelector(ExitBonds.BondChangeOutOfRange.selector, 2 * b, b - 1)
        );
        game.updateExitBond(b - 1);
        game.updateExitBond(b);
        vm.warp(block.timestamp + 2 days);
        assertEq(game.exitBond(), b, "back at the floor");
        for (uint256 i; i < 5; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ExitBonds.BondBelowFloor.selector, b, b - 1 - i));
            game.updateExitBond(b - 1 - i);
        }
        vm.stopPrank();
        assertEq(game.inFlightExitBond(), ib0, "in-flight bond at its default");
        assertEq(game.piggybackBond(), pb0, "piggyback bond at its default");
        assertEq(game.canonicityChallengeBond(), cb0, "challenge bond at its default");
        (uint256 pend, uint256 at) = game.pendingExitBond();
        assertEq(pend, b, "the last accepted update");
        assertTrue(at <= block.timestamp, "effective");
    }

    // ================================================================ gas

    /// H10. The 0.042 ETH bond's half still pays the answer at 200 gwei, with the first burn
    /// (address(0) starts empty, so the burn pays the 25,000-gas account creation) and cold
    /// storage (`vm.cool`). Under `forge test --isolate` the measured call is a whole
    /// transaction (intrinsic and calldata gas included): 98,434 gas for this 2-in/2-out T,
    /// 73,434 when address(0) already holds ETH (mainnet); without --isolate it is the call's
    /// execution gas (91,410). Either stays under (cbond - cbond/2) / 200 gwei = 105,000. The
    /// 4-in/4-out worst case (100,327 isolated) is Gas.t.sol's
    /// test_gas_respondToNonCanonicalChallenge.
    function test_r3_answerGasBelowTheRespondersHalf() public {
        uint256 tPos = _includeOne(T);
        _startT(bob);
        uint256 cb = _chalOf(carol, T, 1, _carolCompetitor(), CAROL_KEY);
        assertEq(address(0).balance, 0, "address(0) empty: the costly first burn");
        bytes memory proof = _proofOne(T);
        Cool(address(vm)).cool(address(game));
        Cool(address(vm)).cool(address(framework));
        address watcher = address(0x3a7c);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(T, tPos, proof);
        uint256 used = vm.lastCallGas().gasTotalUsed;
        assertEq(watcher.balance, cb - cb / 2, "answered");
        assertTrue(used > 60_000, "a real measurement");
        assertTrue(used * 200 gwei <= cb - cb / 2, "the responder's half pays the answer");
    }
}

/// @dev The `cool` cheatcode (marks an account's storage cold), absent from utils/Vm.sol.
interface Cool {
    function cool(address target) external;
}

/// @notice Owns an output of an included in-flight tx, answers the standing challenge by
/// starting its standard exit, and re-enters from the payout hook. The re-entering calldata
/// is kept as contract code (read with EXTCODECOPY), so that the hook fits in the payout
/// stipend.
contract AnswerReenterer {
    PaymentExitGame internal immutable game;
    address internal respondBlob;
    bytes internal exitCall;
    bool internal armed;
    uint256 public innerFailures;
    uint256 public innerCalls;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function _blob(bytes memory data) internal returns (address a) {
        bytes memory init =
            abi.encodePacked(hex"61", uint16(data.length), hex"80600c6000396000f3", data);
        assembly ("memory-safe") {
            a := create(0, add(init, 32), mload(init))
        }
        require(a != address(0) && a.code.length == data.length, "blob");
    }

    function arm(bytes calldata t, uint256 tPos, bytes calldata proof, uint256 utxoPos) external {
        respondBlob = _blob(abi.encodeCall(game.respondToNonCanonicalChallenge, (t, tPos, proof)));
        exitCall = abi.encodeCall(game.startStandardExit, (utxoPos, t, proof, 0));
        // Non-zero counters: the hook's writes stay cheap (no fresh slot) even when cold.
        (innerCalls, innerFailures) = (1, 1);
    }

    function exit(uint256 bondValue) external {
        armed = true;
        (bool ok,) = address(game).call{value: bondValue}(exitCall);
        require(ok, "exit failed");
        armed = false;
    }

    function _replay(address blob) internal returns (bool ok) {
        address g = address(game);
        assembly ("memory-safe") {
            let n := extcodesize(blob)
            let ptr := mload(0x40)
            extcodecopy(blob, ptr, 0, n)
            ok := call(gas(), g, 0, ptr, n, 0, 0)
        }
    }

    receive() external payable {
        if (!armed) return;
        armed = false;
        innerCalls = 2;
        if (!_replay(respondBlob)) ++innerFailures;
    }
}

/// @notice Answers canonicity challenges and refuses every ETH transfer; usable as a
/// challenger address too.
contract RefusingResponder {
    PaymentExitGame internal immutable game;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function respond(bytes calldata t, uint256 tPos, bytes calldata proof) external {
        game.respondToNonCanonicalChallenge(t, tPos, proof);
    }

    function challenge(PaymentExitBase.CanonicityChallenge calldata c) external payable {
        game.challengeInFlightExitNotCanonical{value: msg.value}(c);
    }

    receive() external payable {
        revert("no");
    }
}
