// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {PlasmaCash} from "../src/cash/PlasmaCash.sol";
import {CashBase} from "../src/cash/CashBase.sol";
import {CashCheckpointsBase} from "../src/cash/CashCheckpointsBase.sol";
import {CashExitsBase} from "../src/cash/CashExitsBase.sol";

/// @notice Second reading of the Plasma Cash exit game after the fix of issue 15 (findings
/// 6-8), as a thief would read it. Each test is one hypothesis: either the attack fails (the
/// test asserts the refusal or the unchanged balances, so it fails if the defence goes), or it
/// succeeds and is named `test_*_finding` (see docs/contracts.md, "Second reading").
contract CashReview2Test is CashTest {
    uint64 internal slot;
    uint256 internal dep;

    // ================================================================ 1. copies

    /// A copy proof at a block before the coin's deposit is refused, even when the operator
    /// really put the tx's hash there in advance (slots are predictable).
    function test_copyProofAtBlockBeforeDepositIsRefused() public {
        uint64 predicted = uint64(bytes8(keccak256(abi.encodePacked(uint64(0), alice, alice))));
        // The deposit will take block 1001; E (alice → mallory) is predictable.
        bytes memory e = _tx(predicted, 1001, 5 ether, mallory);
        uint256 pre = _submitTx(predicted, e); // block 1000, before the deposit
        slot = _depositEth(alice, 5 ether);
        assertEq(slot, predicted, "slot predicted");
        dep = _depositBlock(slot);
        assertEq(dep, 1001, "deposit block");
        uint256 b2 = _submitTx(slot, e);
        _exit(mallory, slot, _tx(slot, 0, 5 ether, alice), dep, e, b2, ALICE_KEY);
        // A "spend" by mallory naming the pre-deposit block.
        bytes memory t = _tx(slot, pre, 5 ether, carol);
        uint256 b3 = _submitTx(slot, t);
        bytes memory sig = _sign(MALLORY_KEY, t);
        bytes memory p3 = _proof(b3, slot);
        bytes memory copy = _proof(pre, slot);
        vm.expectRevert(abi.encodeWithSelector(CashBase.BlockBeforeDeposit.selector, pre, dep));
        cash.challengeAfter(slot, t, p3, sig, b3, copy);
        assertTrue(_live(slot), "exit still live");
        assertFalse(cash.provenInvalid(slot, keccak256(e)), "not marked");
    }

    /// At the deposit block a copy proof holds only the deposit's hash; a block number that
    /// is no operator block (another coin's deposit block) is refused.
    function test_copyProofAtDepositOrForeignDepositBlockIsRefused() public {
        slot = _depositEth(alice, 5 ether);
        dep = _depositBlock(slot);
        uint64 other = _depositEth(carol, 1 ether);
        uint256 otherDep = _depositBlock(other);
        bytes memory e = _tx(slot, dep, 5 ether, mallory);
        uint256 b1 = _submitTx(slot, e);
        bytes memory e2 = _tx(slot, b1, 5 ether, bob);
        uint256 b2 = _submitTx(slot, e2);
        _exit(bob, slot, e, b1, e2, b2, MALLORY_KEY);
        // Bob's (own, signed) tx naming the deposit block, as a "spend of a copy" of e2.
        bytes memory t = _tx(slot, dep, 5 ether, carol);
        uint256 b3 = _submitTx(slot, t);
        bytes memory sig = _sign(BOB_KEY, t);
        bytes memory p3 = _proof(b3, slot);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotIncluded.selector, dep));
        cash.challengeAfter(slot, t, p3, sig, b3, hex"00");
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, dep, b2));
        cash.challengeAfter(slot, t, p3, sig, b3, "");
        // Naming another coin's deposit block (t2 included after it).
        bytes memory t2 = _tx(slot, otherDep, 5 ether, carol);
        uint256 b4 = _submitTx(slot, t2);
        bytes memory p4 = _proof(b4, slot);
        bytes memory sig2 = _sign(BOB_KEY, t2);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotAnOperatorBlock.selector, otherDep));
        cash.challengeAfter(slot, t2, p4, sig2, b4, hex"00");
        assertTrue(_live(slot), "bob's exit still live");
    }

    /// A deposit hash cannot be recorded at an operator block (so the deposit special case
    /// of copy proofs never meets a challenge or dispute of the deposit elsewhere).
    function test_depositTxAtOperatorBlockIsRefused() public {
        slot = _depositEth(alice, 5 ether);
        dep = _depositBlock(slot);
        uint256 b1;
        uint256 bE;
        {
            uint64[] memory slots = new uint64[](1);
            bytes32[] memory leaves = new bytes32[](1);
            (slots[0], leaves[0]) = (slot, keccak256(abi.encodePacked(slot)));
            b1 = _submit(slots, leaves); // the deposit's hash copied into block b1
        }
        bytes memory e = _tx(slot, b1, 5 ether, mallory); // "spends the copy"
        bE = _submitTx(slot, e);
        uint256[2] memory blocks = [b1, bE];
        bytes memory p1 = _proof(b1, slot);
        bytes memory pE = _proof(bE, slot);
        bytes memory sig = _sign(ALICE_KEY, e);
        bytes memory depTx = _tx(slot, 0, 5 ether, alice);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.DepositNotAtDepositBlock.selector, b1, dep));
        cash.startExit{value: BOND}(slot, depTx, e, p1, pE, sig, blocks);
    }

    /// Bob's honest exit (history: y alice→bob, z bob→carol, x carol→bob) cannot be cancelled
    /// with his old signed spend z and a "copy proof" of x at z's block (it holds y).
    function test_honestExitNotCancelledByOldSpendAndCopyProof() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        bytes memory y = _tx(slot, dep, 2 ether, bob);
        uint256 by = _submitTx(slot, y);
        bytes memory z = _tx(slot, by, 2 ether, carol);
        uint256 bz = _submitTx(slot, z);
        bytes memory x = _tx(slot, bz, 2 ether, bob);
        uint256 bx = _submitTx(slot, x);
        _exit(bob, slot, z, bz, x, bx, CAROL_KEY);
        bytes memory sigZ = _sign(BOB_KEY, z);
        bytes memory pz = _proof(bz, slot);
        bytes memory py = _proof(by, slot);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotIncluded.selector, by));
        cash.challengeAfter(slot, z, pz, sigZ, bz, py);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, by, bx));
        cash.challengeAfter(slot, z, pz, sigZ, bz, "");
        assertFalse(cash.provenInvalid(slot, keccak256(x)), "x not marked");
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
    }

    /// A self-transfer x (bob → bob, signed by bob) copied by the operator after its block is
    /// not a spend of itself: x names its parent's block, which holds the parent.
    function test_selfSignedTxCopyIsNotItsOwnSpend() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        bytes memory p = _tx(slot, dep, 2 ether, bob);
        uint256 bp = _submitTx(slot, p);
        bytes memory x = _tx(slot, bp, 2 ether, bob);
        uint256 bx = _submitTx(slot, x);
        uint256 bcopy = _submitTx(slot, x);
        _exit(bob, slot, p, bp, x, bx, BOB_KEY);
        bytes memory sig = _sign(BOB_KEY, x);
        bytes memory pc = _proof(bcopy, slot);
        bytes memory pp = _proof(bp, slot);
        vm.expectRevert(abi.encodeWithSelector(CashBase.NotIncluded.selector, bp));
        cash.challengeAfter(slot, x, pc, sig, bcopy, pp);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, bp, bx));
        cash.challengeAfter(slot, x, pc, sig, bcopy, "");
        assertTrue(_live(slot), "still live");
        assertFalse(cash.provenInvalid(slot, keccak256(x)), "x not marked");
    }

    /// The thief exits a copy of E placed AFTER the buyer's spend (which names the earlier
    /// copy): the spend, though included before the exiting copy, still cancels it.
    function test_laterCopyIsCancelledBySpendOfEarlierCopy() public {
        slot = _depositEth(alice, 5 ether);
        dep = _depositBlock(slot);
        bytes memory e = _tx(slot, dep, 5 ether, mallory);
        uint256 b1 = _submitTx(slot, e);
        bytes memory toBob = _tx(slot, b1, 5 ether, bob);
        uint256 b2 = _submitTx(slot, toBob);
        uint256 b3 = _submitTx(slot, e); // the copy, after bob's tx
        _exit(mallory, slot, _tx(slot, 0, 5 ether, alice), dep, e, b3, ALICE_KEY);
        bytes memory sig = _sign(MALLORY_KEY, toBob);
        bytes memory p2 = _proof(b2, slot);
        vm.prank(bob);
        cash.challengeAfter(slot, toBob, p2, sig, b2, _proof(b1, slot));
        assertEq(_state(slot), 1, "cancelled");
        assertEq(cash.bondBalances(bob), BOND, "bob takes the bond");
        assertTrue(cash.provenInvalid(slot, keccak256(e)), "e invalid");
    }

    // ================================================================ 2. provenInvalid

    /// A checkpoint whose leaf is the deposit's hash agrees with a deposit exit; a voided
    /// or not yet final checkpoint cannot cancel (and so not mark) an honest exit.
    function test_honestTxNotMarkedByDepositLeafVoidedOrUnfinalCheckpoint() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        uint256 b1 = _submitEmpty();
        bytes32 dh = keccak256(abi.encodePacked(slot));
        uint256 agrees = _checkpoint1(b1, slot, dh);
        bytes32 junkLeaf = keccak256("junk");
        uint256 wrong = _checkpoint1(b1, slot, junkLeaf);
        bytes memory depTx = _tx(slot, 0, 2 ether, alice);
        vm.prank(alice);
        cash.disputeCheckpoint{value: BOND}(
            wrong, slot, depTx, dep, "", junkLeaf, _cpProof(wrong, slot)
        );
        (,,,, uint256 finalAt) = cash.checkpoint(wrong);
        vm.warp(finalAt);
        uint256 late = _checkpoint1(b1, slot, junkLeaf); // not final
        _exitDeposit(alice, slot, 2 ether);
        bytes memory pa = _cpProof(agrees, slot);
        vm.expectRevert(abi.encodeWithSelector(CashExitsBase.CheckpointAgrees.selector, dh));
        cash.challengeWithCheckpoint(slot, agrees, dh, pa);
        bytes memory pw = _cpProof(wrong, slot);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.CheckpointVoided.selector, wrong, slot)
        );
        cash.challengeWithCheckpoint(slot, wrong, junkLeaf, pw);
        (,,,, uint256 lateFinal) = cash.checkpoint(late);
        bytes memory pl = _cpProof(late, slot);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.CheckpointNotFinal.selector, late, lateFinal)
        );
        cash.challengeWithCheckpoint(slot, late, junkLeaf, pl);
        assertFalse(cash.provenInvalid(slot, dh), "deposit not marked");
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "alice exits");
    }

    /// By design (the XT assumption, as before the fix): an owner who lets a wrong
    /// checkpoint become final without disputing it loses the coin; the fix makes the loss
    /// permanent for that tx (provenInvalid), which it was already in effect (the same
    /// checkpoint cancels every new exit of it).
    function test_wrongCheckpointLeftUndisputedMarksTheTx_byDesign() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        bytes memory x = _tx(slot, dep, 2 ether, bob);
        uint256 bx = _submitTx(slot, x);
        uint256 wrong = _checkpoint1(bx, slot, keccak256("junk"));
        (,,,, uint256 finalAt) = cash.checkpoint(wrong);
        vm.warp(finalAt);
        _exit(bob, slot, _tx(slot, 0, 2 ether, alice), dep, x, bx, ALICE_KEY);
        cash.challengeWithCheckpoint(slot, wrong, keccak256("junk"), _cpProof(wrong, slot));
        assertTrue(cash.provenInvalid(slot, keccak256(x)), "x marked for good");
    }

    // ================================================================ 3. priority window

    bytes internal x; // alice → bob: bob's valid coin
    uint256 internal bx;
    bytes internal junkParent; // forged: bob's coin → mallory
    uint256 internal bp;
    bytes internal selfSpend; // mallory spends the junk parent to carol
    uint256 internal bs;
    bytes internal junk; // mallory spends the junk parent again to herself
    uint256 internal bj;
    bytes[] internal sybilTxs;
    uint256[] internal sybilBlocks;

    function _lockSetUp(uint256 sybils) internal {
        slot = _depositEth(alice, 3 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        for (uint256 i; i < sybils; ++i) {
            bytes memory s = _tx(slot, bp, 3 ether, address(uint160(0x5b00 + i)));
            sybilTxs.push(s);
            sybilBlocks.push(_submitTx(slot, s));
        }
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
    }

    function _junkExit() internal {
        _exit(mallory, slot, junkParent, bp, junk, bj, MALLORY_KEY);
    }

    function _selfCancel() internal {
        vm.prank(mallory);
        cash.challengeBetween(slot, selfSpend, _proof(bs, slot), _sign(MALLORY_KEY, selfSpend), bs);
    }

    function _exitX() internal {
        _exit(bob, slot, _tx(slot, 0, 3 ether, alice), dep, x, bx, ALICE_KEY);
    }

    function _sybil(uint256 i) internal view returns (address) {
        return address(uint160(0xa77ac0 + i));
    }

    /// FINDING (low): the claim "each round costs the thief a bond" fails against sybil
    /// challengers. With k sybil challengeBefores of her own (junk txs the operator included
    /// before her exit), the thief's self-cancel shares the exit bond k+1 ways: bob gets
    /// bond/(k+1), her sybils the rest. Here k = 9: the round costs her 0.01 ETH (plus gas),
    /// not 0.1. (Bob still exits in the window: the lock is not restored, only cheapened.)
    function test_sybilChallengersDiluteTheCancelledBond_finding() public {
        uint256 k = 9;
        _lockSetUp(k);
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        for (uint256 i; i < k; ++i) {
            vm.deal(_sybil(i), BOND);
            vm.prank(_sybil(i));
            cash.challengeBefore{value: BOND}(
                slot, sybilTxs[i], _proof(sybilBlocks[i], slot), sybilBlocks[i]
            );
        }
        vm.warp(block.timestamp + MEP - 1);
        _selfCancel();
        cash.reclaimChallengeBond(slot, keccak256(x));
        uint256 thiefGot = cash.bondBalances(mallory);
        for (uint256 i; i < k; ++i) {
            cash.reclaimChallengeBond(slot, keccak256(sybilTxs[i]));
            thiefGot += cash.bondBalances(_sybil(i));
        }
        uint256 bobShare = cash.bondBalances(bob) - BOND;
        assertEq(bobShare, BOND / (k + 1), "bob gets a tenth of the exit bond");
        // The thief posted 1 exit bond + k challenge bonds and got back all but bob's share.
        uint256 posted = BOND + k * BOND;
        assertEq(posted - thiefGot, BOND / (k + 1), "the round costs the thief bond/(k+1)");
        // Bob still takes the coin in the window.
        _exitX();
        (, address owner,,,,,,,) = cash.exitOf(slot);
        assertEq(owner, bob, "bob's exit is live");
    }

    /// FINDING (low): a displacing exit of an old tx of the thief is cancelled by bob's
    /// challengeAfter, but if the thief's sybil has opened a challengeBefore on it (with an
    /// older real tx of the coin), the exit bond goes to the sybil, not to bob: the round is
    /// free for the thief. Bob's counter (answering the sybil's challenge first) works but
    /// costs him a transaction per sybil tx, bounded by the coin's history.
    function test_sybilChallengeOfDisplacingOldTxRefundsTheThief_finding() public {
        // History: deposit (alice) → t (alice → mallory) → x2 (mallory → bob); then junk.
        slot = _depositEth(alice, 3 ether);
        dep = _depositBlock(slot);
        bytes memory depTx = _tx(slot, 0, 3 ether, alice);
        bytes memory t = _tx(slot, dep, 3 ether, mallory);
        uint256 bt = _submitTx(slot, t);
        x = _tx(slot, bt, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
        // Round 0: junk exit, bob's challenge, self-cancel: window.
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        _selfCancel();
        _exit(bob, slot, t, bt, x, bx, MALLORY_KEY);
        // Mallory displaces bob with her old (spent) t, and her sybil challenges t's exit
        // with the (real, answerable) deposit.
        _exit(mallory, slot, depTx, dep, t, bt, ALICE_KEY);
        vm.deal(_sybil(0), BOND);
        vm.prank(_sybil(0));
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        uint256 bobBefore = cash.bondBalances(bob);
        vm.prank(bob);
        cash.challengeAfter(slot, x, _proof(bx, slot), _sign(MALLORY_KEY, x), bx, "");
        assertTrue(cash.provenInvalid(slot, keccak256(t)), "t invalid for good");
        assertEq(cash.bondBalances(bob), bobBefore, "bob is credited nothing for the cancel");
        cash.reclaimChallengeBond(slot, keccak256(abi.encodePacked(slot)));
        assertEq(cash.bondBalances(_sybil(0)), 2 * BOND, "the sybil takes its bond + t's exit bond");
        // The thief's displacement round: t's exit bond posted, sybil bond posted; both back.
        // Bob re-exits (a new window opened) and is paid in the end.
        _exit(bob, slot, t, bt, x, bx, MALLORY_KEY);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits in the end");
    }

    /// Bob's counter to the sybil: he answers its challenge (with t, which spends the
    /// deposit) before his challengeAfter, and then takes t's exit bond.
    function test_sybilChallengeOfDisplacingOldTxAnsweredFirst() public {
        slot = _depositEth(alice, 3 ether);
        dep = _depositBlock(slot);
        bytes memory depTx = _tx(slot, 0, 3 ether, alice);
        bytes memory t = _tx(slot, dep, 3 ether, mallory);
        uint256 bt = _submitTx(slot, t);
        x = _tx(slot, bt, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        _selfCancel();
        _exit(bob, slot, t, bt, x, bx, MALLORY_KEY);
        _exit(mallory, slot, depTx, dep, t, bt, ALICE_KEY);
        vm.deal(_sybil(0), BOND);
        vm.prank(_sybil(0));
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        bytes32 dh = keccak256(abi.encodePacked(slot));
        vm.prank(bob);
        cash.respondChallengeBefore(slot, dh, t, _proof(bt, slot), _sign(ALICE_KEY, t), bt, "");
        uint256 bobBefore = cash.bondBalances(bob);
        vm.prank(bob);
        cash.challengeAfter(slot, x, _proof(bx, slot), _sign(MALLORY_KEY, x), bx, "");
        assertEq(cash.bondBalances(bob) - bobBefore, BOND, "bob takes t's exit bond");
        assertEq(cash.bondBalances(mallory), BOND, "mallory: only the sybil's bond (as exiter)");
    }

    /// Was a FINDING (medium), fixed: the exit counter was a uint16 and a self-cancelled exit
    /// that had no open challenge refunds its canceller. With one junk triple (parent,
    /// self-spend, junk, all included by the operator after bob's tx), the thief started and
    /// cancelled 65,535 exits (one bond of capital, gas only), after which no exit of the coin
    /// could start (TooManyExits): bob's coin was locked for good. The counter is now 32 bits:
    /// past 65,535 rounds bob still exits, and 2^32 rounds would cost over 8·10^14 gas.
    function test_exitCounterPast16BitsStillLetsTheOwnerExit() public {
        _lockSetUp(0);
        vm.deal(mallory, 10 ether);
        bytes memory sigJ = _sign(MALLORY_KEY, junk);
        bytes memory pp = _proof(bp, slot);
        bytes memory pj = _proof(bj, slot);
        bytes memory ps = _proof(bs, slot);
        bytes memory sigS = _sign(MALLORY_KEY, selfSpend);
        // One round, metered: the attack's cost per exit.
        uint256 g = gasleft();
        vm.prank(mallory);
        cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sigJ, [bp, bj]);
        vm.prank(mallory);
        cash.challengeBetween(slot, selfSpend, ps, sigS, bs);
        vm.prank(mallory);
        cash.withdrawBonds();
        uint256 perRound = g - gasleft();
        assertTrue(perRound > 100_000, "a round costs at least this much gas");
        vm.pauseGasMetering();
        for (uint256 i = 1; i < 65_535; ++i) {
            vm.prank(mallory);
            cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sigJ, [bp, bj]);
            vm.prank(mallory);
            cash.challengeBetween(slot, selfSpend, ps, sigS, bs);
            vm.prank(mallory);
            cash.withdrawBonds();
        }
        vm.resumeGasMetering();
        (,,,,,,, uint256 nonce) = cash.coin(slot);
        assertEq(nonce, 65_535, "the old counter's limit");
        assertTrue(perRound * type(uint32).max > 8e14, "2^32 rounds are out of reach");
        bytes memory depTx = _tx(slot, 0, 3 ether, alice);
        bytes memory px = _proof(bx, slot);
        bytes memory sigX = _sign(ALICE_KEY, x);
        vm.prank(bob);
        cash.startExit{value: BOND}(slot, depTx, x, "", px, sigX, [dep, bx]);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
        emit log_named_uint(
            "gas per round (startExit + challengeBetween + withdrawBonds)", perRound
        );
    }

    event log_named_uint(string key, uint256 val);

    /// The exhaustion stops once the owner's exit is live: the thief cannot start another
    /// exit (no window is open), so an owner who exits in time is safe.
    function test_exitCounterExhaustionStopsAtTheOwnersLiveExit() public {
        _lockSetUp(0);
        _junkExit();
        _selfCancel();
        _exitX();
        bytes memory pp = _proof(bp, slot);
        bytes memory pj = _proof(bj, slot);
        bytes memory sj = _sign(MALLORY_KEY, junk);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongCoinState.selector, slot, 2));
        cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sj, [bp, bj]);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
    }

    /// The thief (alice) sold p's first copy to bob (s spends p at b1); the operator copies p
    /// at b2 after s, and alice double-spends the copy (e at b3). challengeBetween is exact (s
    /// names b1, not b2) and refused; bob's challengeBefore with s is unanswerable, so the
    /// exit is cancelled at maturity, bob takes its bond and exits s in the window.
    function test_spendOfALaterParentCopyIsCancelledByChallengeBefore() public {
        slot = _depositEth(carol, 4 ether);
        dep = _depositBlock(slot);
        bytes memory p = _tx(slot, dep, 4 ether, alice);
        uint256 b1 = _submitTx(slot, p);
        x = _tx(slot, b1, 4 ether, bob); // s: alice → bob
        bx = _submitTx(slot, x);
        uint256 b2c = _submitTx(slot, p); // copy of p after bob's tx
        bytes memory e = _tx(slot, b2c, 4 ether, mallory);
        uint256 be = _submitTx(slot, e);
        _exit(mallory, slot, p, b2c, e, be, ALICE_KEY);
        bytes memory sigX = _sign(ALICE_KEY, x);
        bytes memory px = _proof(bx, slot);
        vm.expectRevert(abi.encodeWithSelector(CashCheckpointsBase.NotASpend.selector, b1, b2c));
        cash.challengeBetween(slot, x, px, sigX, bx);
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, px, bx);
        // Mallory cannot answer bob's challenge (no spend of s signed by bob).
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 1, "cancelled");
        assertTrue(cash.priorityUntil(slot) > block.timestamp, "window");
        _exit(bob, slot, p, b1, x, bx, ALICE_KEY);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
        cash.reclaimChallengeBond(slot, keccak256(x));
        assertEq(cash.bondBalances(bob), 3 * BOND, "bob: his bonds + the thief's exit bond");
    }

    /// A window opened on purpose (junk exit + own challenge + self-cancel, free for the
    /// thief) does not reach an honest exit started after it closes; and while it is open it
    /// only helps earlier txs (bob's).
    function test_windowOpenedOnPurposeCannotDisplaceLaterHonestExit() public {
        _lockSetUp(1);
        _junkExit();
        vm.deal(_sybil(0), BOND);
        vm.prank(_sybil(0));
        cash.challengeBefore{value: BOND}(
            slot, sybilTxs[0], _proof(sybilBlocks[0], slot), sybilBlocks[0]
        );
        _selfCancel();
        uint256 until = cash.priorityUntil(slot);
        assertEq(until, block.timestamp + RESPONSE, "window open");
        // In the window, junk (later than x) cannot displace bob.
        _exitX();
        bytes memory pj = _proof(bj, slot);
        bytes memory pp = _proof(bp, slot);
        bytes memory sj = _sign(MALLORY_KEY, junk);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(PlasmaCash.ExitLive.selector, bx, until));
        cash.startExit{value: BOND}(slot, junkParent, junk, pp, pj, sj, [bp, bj]);
        // The deposit (alice's, earlier) could; alice is honest here and sold to bob: if she
        // turns thief, bob's x cancels it (tested by the fix's tests). After the window, not even
        // the deposit displaces.
        vm.warp(until);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(CashBase.WrongCoinState.selector, slot, 2));
        cash.startExit{value: BOND}(
            slot, "", _tx(slot, 0, 3 ether, alice), "", "", "", [uint256(0), dep]
        );
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
    }

    /// Displacement at the last second of the window: bob's exit is taken by the
    /// depositor-thief's deposit exit; after the window bob cancels it and exits again.
    function test_lastSecondDisplacementStillLetsBobExit() public {
        slot = _depositEth(mallory, 3 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 3 ether, bob);
        bx = _submitTx(slot, x);
        junkParent = _tx(slot, bx, 3 ether, mallory);
        bp = _submitTx(slot, junkParent);
        selfSpend = _tx(slot, bp, 3 ether, carol);
        bs = _submitTx(slot, selfSpend);
        junk = _tx(slot, bp, 3 ether, mallory);
        bj = _submitTx(slot, junk);
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        _selfCancel();
        uint256 until = cash.priorityUntil(slot);
        bytes memory depTx = _tx(slot, 0, 3 ether, mallory);
        _exit(bob, slot, depTx, dep, x, bx, MALLORY_KEY);
        vm.warp(until - 1);
        _exitDeposit(mallory, slot, 3 ether);
        vm.warp(until);
        // The window is over; the thief's deposit exit is live. Bob cancels it.
        vm.prank(bob);
        cash.challengeAfter(slot, x, _proof(bx, slot), _sign(MALLORY_KEY, x), bx, "");
        // The thief front-runs bob's new exit with the junk again (no window now).
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot); // unanswered: cancelled, window
        _exit(bob, slot, depTx, dep, x, bx, MALLORY_KEY);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(_state(slot), 3, "bob exits");
        cash.reclaimChallengeBond(slot, keccak256(x));
        // Bob: 2 exit bonds back (displaced, final), the deposit exit's bond, 2 challenge
        // bonds, 2 junk exit bonds (as the only open challenger each time).
        assertEq(cash.bondBalances(bob), 7 * BOND, "bob's credits");
        assertEq(cash.bondBalances(mallory), 0, "the thief lost three exit bonds");
    }

    /// Bond accounting through a cancellation with three open challengers (bond/3 each), a
    /// displacement (its challengers reclaim without reward) and double reclaims: the
    /// contract always holds every credit.
    function test_bondAccountingNeverExceedsPosted() public {
        _lockSetUp(2);
        _junkExit();
        vm.prank(bob);
        cash.challengeBefore{value: BOND}(slot, x, _proof(bx, slot), bx);
        for (uint256 i; i < 2; ++i) {
            vm.deal(_sybil(i), BOND);
            vm.prank(_sybil(i));
            cash.challengeBefore{value: BOND}(
                slot, sybilTxs[i], _proof(sybilBlocks[i], slot), sybilBlocks[i]
            );
        }
        _selfCancel();
        // Junk exit again; a challenger of it; then bob displaces it.
        _junkExit();
        vm.deal(carol, 10 ether);
        vm.prank(carol);
        cash.challengeBefore{value: BOND}(slot, junkParent, _proof(bp, slot), bp);
        _exitX();
        cash.reclaimChallengeBond(slot, keccak256(x));
        cash.reclaimChallengeBond(slot, keccak256(sybilTxs[0]));
        cash.reclaimChallengeBond(slot, keccak256(sybilTxs[1]));
        cash.reclaimChallengeBond(slot, keccak256(junkParent));
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.ChallengeNotOpen.selector, keccak256(x))
        );
        cash.reclaimChallengeBond(slot, keccak256(x));
        uint256 share = BOND / 3;
        assertEq(cash.bondBalances(bob), BOND + share, "bob: bond + a third");
        assertEq(cash.bondBalances(_sybil(0)), BOND + share, "sybil: bond + a third");
        assertEq(cash.bondBalances(carol), BOND, "displaced exit's challenger: bond only");
        assertEq(cash.bondBalances(mallory), BOND, "displaced exit refunded");
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        uint256 credits = cash.bondBalances(bob) + cash.bondBalances(_sybil(0))
            + cash.bondBalances(_sybil(1)) + cash.bondBalances(carol) + cash.bondBalances(mallory);
        // Posted: 2 junk exits + bob's exit + 4 challenges = 7 bonds; the coin's 3 ETH.
        assertEq(address(cash).balance, 3 ether + 7 * BOND, "held");
        assertTrue(credits <= 7 * BOND, "credits within posted bonds");
        assertEq(7 * BOND - credits, BOND - 3 * share, "only the rounding dust stays");
    }

    /// withdrawBonds is not re-entrant: a receiver that calls it again gets its credit once.
    function test_withdrawBondsReentryPaysOnce() public {
        Reenterer r = new Reenterer(cash);
        slot = _depositEth(alice, 1 ether);
        dep = _depositBlock(slot);
        bytes memory e = _tx(slot, dep, 1 ether, address(r));
        uint256 b1 = _submitTx(slot, e);
        bytes memory sig = _sign(ALICE_KEY, e);
        vm.deal(address(r), BOND);
        r.exit(slot, _tx(slot, 0, 1 ether, alice), e, _proof(b1, slot), sig, [dep, b1]);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        assertEq(cash.bondBalances(address(r)), BOND, "credited once");
        vm.expectRevert(
            abi.encodeWithSelector(CashBase.EthTransferFailed.selector, address(r), BOND)
        );
        r.withdrawBonds();
        assertEq(cash.bondBalances(address(r)), BOND, "unchanged");
    }

    // ================================================================ 4. dispute answers

    /// The operator's wrong checkpoint C at block bc (bob's x at bx is the coin's latest) is
    /// disputed by bob. Answers with another checkpoint C' must fail when C' is at a later
    /// block than C, voided for the slot, or submitted after C (never final in time).
    uint256 internal laterBlock;
    uint256 internal voided;
    uint256 internal c;
    uint256 internal after_;
    uint256 internal b2;
    uint256 internal b3;
    bytes32 internal hx;
    bytes32 internal constant junkLeaf = keccak256("junk");

    function test_trueDisputeNotKilledByLaterVoidedOrLaterSubmittedCheckpoint() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 2 ether, bob);
        bx = _submitTx(slot, x);
        b2 = _submitEmpty();
        b3 = _submitEmpty();
        // C' candidates submitted first: at b3 (later than C's block), and at b2 (voided).
        laterBlock = _checkpoint1(b3, slot, junkLeaf);
        voided = _checkpoint1(b2, slot, junkLeaf);
        vm.prank(bob);
        cash.disputeCheckpoint{value: BOND}(
            voided, slot, x, bx, _proof(bx, slot), junkLeaf, _cpProof(voided, slot)
        );
        // Bob leaves `laterBlock` undisputed (it is wrong, but its block is after C's).
        vm.warp(block.timestamp + 1 days);
        c = _checkpoint1(b2, slot, junkLeaf);
        vm.prank(bob);
        cash.disputeCheckpoint{value: BOND}(
            c, slot, x, bx, _proof(bx, slot), junkLeaf, _cpProof(c, slot)
        );
        vm.warp(block.timestamp + 1 hours);
        after_ = _checkpoint1(bx, slot, junkLeaf);
        (,,,, uint256 voidedFinal) = cash.checkpoint(voided);
        vm.warp(voidedFinal);
        hx = keccak256(x);
        bytes memory pl = _cpProof(laterBlock, slot);
        vm.expectRevert(
            abi.encodeWithSelector(CashExitsBase.CheckpointNotBetween.selector, b3, bx, b2)
        );
        cash.respondCheckpointDisputeWithCheckpoint(c, slot, hx, laterBlock, junkLeaf, pl);
        bytes memory pv = _cpProof(voided, slot);
        vm.expectRevert(
            abi.encodeWithSelector(CashCheckpointsBase.CheckpointVoided.selector, voided, slot)
        );
        cash.respondCheckpointDisputeWithCheckpoint(c, slot, hx, voided, junkLeaf, pv);
        (,,,, uint256 cFinal) = cash.checkpoint(c);
        (,,,, uint256 afterFinal) = cash.checkpoint(after_);
        assertTrue(afterFinal > cFinal, "a checkpoint submitted after C is final after C");
        vm.warp(cFinal - 1);
        bytes memory pa = _cpProof(after_, slot);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashCheckpointsBase.CheckpointNotFinal.selector, after_, afterFinal
            )
        );
        cash.respondCheckpointDisputeWithCheckpoint(c, slot, hx, after_, junkLeaf, pa);
        vm.warp(cFinal);
        assertFalse(cash.checkpointUsable(c, slot), "C is void for the slot");
        cash.resolveCheckpointDispute(c, slot, hx);
        cash.resolveCheckpointDispute(voided, slot, hx);
        assertEq(cash.bondBalances(bob), 2 * BOND, "bob's dispute bonds back");
    }

    /// By design: a C' at C's own block, submitted earlier and left undisputed by bob until
    /// final, answers bob's dispute of C; bob had to dispute C' itself (it is as wrong).
    function test_undisputedEarlierCheckpointAtSameBlockAnswers_byDesign() public {
        slot = _depositEth(alice, 2 ether);
        dep = _depositBlock(slot);
        x = _tx(slot, dep, 2 ether, bob);
        bx = _submitTx(slot, x);
        uint256 b2 = _submitEmpty();
        bytes32 junkLeaf = keccak256("junk");
        uint256 cPrime = _checkpoint1(b2, slot, junkLeaf);
        vm.warp(block.timestamp + 1 days);
        uint256 c = _checkpoint1(b2, slot, junkLeaf);
        vm.prank(bob);
        cash.disputeCheckpoint{value: BOND}(
            c, slot, x, bx, _proof(bx, slot), junkLeaf, _cpProof(c, slot)
        );
        (,,,, uint256 f) = cash.checkpoint(cPrime);
        vm.warp(f);
        vm.prank(operator);
        cash.respondCheckpointDisputeWithCheckpoint(
            c, slot, keccak256(x), cPrime, junkLeaf, _cpProof(cPrime, slot)
        );
        assertEq(cash.bondBalances(operator), BOND, "answered by the final C'");
    }
}

/// A bond receiver that re-enters withdrawBonds when paid.
contract Reenterer {
    PlasmaCash internal immutable cash;

    constructor(PlasmaCash c) {
        cash = c;
    }

    function exit(
        uint64 slot,
        bytes calldata prev,
        bytes calldata e,
        bytes calldata proof,
        bytes calldata sig,
        uint256[2] calldata blocks
    ) external {
        cash.startExit{value: cash.bond()}(slot, prev, e, "", proof, sig, blocks);
    }

    function withdrawBonds() external {
        cash.withdrawBonds();
    }

    receive() external payable {
        cash.withdrawBonds();
    }
}
