// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchTest} from "./utils/BatchTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Batches} from "./utils/Batches.sol";
import {PaymentBatchExitModule} from "../src/exits/PaymentBatchExitModule.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {BatchEntries} from "../src/lib/BatchEntries.sol";
import {EthVault} from "../src/vaults/EthVault.sol";

/// @dev A proof requester whose receive hook tries to re-enter the batch module. Processing no
/// longer pushes to requesters (a credit), so the hook is reached only by its own
/// `withdrawBondCredit`.
contract ReenteringRequester {
    PaymentBatchExitModule internal immutable g;
    uint160 public id;
    /// @dev 1 = not called yet; else the selector of the re-entry's revert (2 = it succeeded).
    uint256 public seen = 1;

    constructor(PaymentBatchExitModule g_) {
        g = g_;
    }

    function request(uint160 id_, PaymentExitBase.EntryProof calldata p) external payable {
        id = id_;
        g.requestBatchEntryProof{value: msg.value}(id_, p);
    }

    function withdraw() external {
        PaymentExitGame(payable(address(g))).withdrawBondCredit();
    }

    receive() external payable {
        if (seen != 1) return;
        try g.processBatchExit(id, "", 0) {
            seen = 2;
        } catch (bytes memory r) {
            seen = uint256(uint32(bytes4(r)));
        }
    }
}

/// @dev A proof requester that refuses every refund.
contract RevertingRequester {
    PaymentBatchExitModule internal immutable g;

    constructor(PaymentBatchExitModule g_) {
        g = g_;
    }

    function request(uint160 id_, PaymentExitBase.EntryProof calldata p) external payable {
        g.requestBatchEntryProof{value: msg.value}(id_, p);
    }

    receive() external payable {
        revert("no");
    }
}

/// @dev A proof requester that burns every gas stipend it is given until told to stop, then
/// pulls its credit from the game (`withdrawBondCredit`).
contract GasBurner {
    PaymentBatchExitModule internal immutable g;
    EthVault internal immutable vault;
    bool public burn = true;

    constructor(PaymentBatchExitModule g_, EthVault vault_) {
        g = g_;
        vault = vault_;
    }

    function request(uint160 id_, PaymentExitBase.EntryProof calldata p) external payable {
        g.requestBatchEntryProof{value: msg.value}(id_, p);
    }

    function withdraw(address payable to) external {
        burn = false;
        PaymentExitGame(payable(address(g))).withdrawBondCredit();
        to.transfer(address(this).balance);
    }

    function vaultAddress() external view returns (address) {
        return address(vault);
    }

    receive() external payable {
        if (burn) {
            while (true) {}
        }
    }
}

/// @dev An answerer whose receive hook (reached by the request bond and by `_payAnswer`'s half of
/// a canonicity challenge bond, paid from `_noteIncluded`) tries to re-enter: processing the
/// batch, answering again, responding to the in-flight exit, starting a new challenge.
contract ReenteringAnswerer {
    PaymentBatchExitModule internal immutable g;
    uint160 internal id;
    /// @dev Payments received + 1 (storage pre-set nonzero: the hook runs on a 50k stipend).
    uint256 public calls = 1;
    /// @dev The revert selectors of the re-entries at the first and second payments (1: none).
    uint256 public r0 = 1;
    uint256 public r1 = 1;

    constructor(PaymentBatchExitModule g_) {
        g = g_;
    }

    function answer(
        uint160 id_,
        PaymentExitBase.EntryProof calldata p,
        bytes calldata t,
        bytes calldata proof
    ) external {
        id = id_;
        g.answerBatchEntryProof(id_, p, t, proof);
    }

    receive() external payable {
        uint256 n = calls;
        calls = n + 1;
        if (n == 1) {
            try g.processBatchExit(id, "", 0) {
                r0 = 2;
            } catch (bytes memory e) {
                r0 = uint256(uint32(bytes4(e)));
            }
        } else if (n == 2) {
            bytes memory empty;
            try PaymentExitGame(payable(address(g))).respondToNonCanonicalChallenge(empty, 0, empty)
            {
                r1 = 2;
            } catch (bytes memory e) {
                r1 = uint256(uint32(bytes4(e)));
            }
        }
    }
}

/// @notice Attacker's review of the two batch-exit fixes (the in-flight id of an entry and the
/// in-flight skip at processing; proof requests), then of their follow-up (proofs without a
/// request that answer canonicity challenges, `_clearOfInFlight`, 2x to the requester on a
/// challenge, credits for unanswered requests): h1-h15 as updated, h16-h26 new. One test per
/// hypothesis: `test_hN_...` asserts the defence, `test_hN_FINDING_...` a working attack.
contract BatchFixReviewTest is BatchTest {
    // ---------------------------------------------------------------- helpers

    // ================================================================ h1
    /// @dev Bond accounting under requests + challenges + chunked processing: entry 0 requested
    /// and answered, entry 1 requested then challenged (the request's bond and half the
    /// entry's to the requester, nothing to the challenger, half burnt), entry 2 requested and
    /// unanswered (credited the same, half to the bounty and the burn), entry 3 plain;
    /// processed one entry per call. Every wei of bond leaves the game exactly once, to the
    /// right party (the credit once pulled); the vault pays only the two settled entries.
    function test_h1_bondAccountingRequestsChallengesChunks() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](4);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 3 ether); // wrong amount (2 ETH)
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether); // valid, left unanswered
        es[3] = _entry(carol, txs[1], carolTxPos, 7);
        uint256 game0 = address(game).balance;
        uint256 vault0 = address(ethVault).balance;
        uint256 watcher0 = watcher.balance;
        uint256 thief0 = thief.balance;
        uint256 carol0 = carol.balance;
        uint256 bob0 = bob.balance;
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 0);
        _request(thief, id, es, 1);
        _request(thief, id, es, 2);
        _answer(carol, id, es, 0, txs[0], _blockProof(0));
        _challengeInvalid(id, es, 1, txs[0], _blockProof(0));
        assertEq(game.queueTop(address(0)) != 0, true, "queued");

        vm.warp(START_TIME + 2 * MEP);
        uint256 processor0 = address(this).balance;
        bytes memory list = Batches.encode(es);
        for (uint256 i; i < 4; ++i) {
            batches().processBatchExit(id, list, 1);
        }
        assertEq(batches().batchExit(id).processed, 4, "all settled");
        assertEq(game.queueTop(address(0)), 0, "popped");
        uint256 credit = _unansweredCredit();
        assertEq(game.bondCredits(thief), credit, "e2 unanswered: its bond + the entry's share");
        assertEq(address(game).balance, game0 + credit, "only the credit is left in the game");
        assertEq(vault0 - address(ethVault).balance, 3 ether + 7, "vault paid only e0 and e3");
        assertEq(
            thief.balance + 2 * entryBond, thief0 + _share(), "requester: -3 bonds, +1 and a share"
        );
        assertEq(
            address(0).balance, entryBond / 2 + _unansweredBurn(), "e1's half, e2's less the bounty"
        );
        assertEq(carol.balance - carol0, entryBond + 7, "answerer's bond + e3 paid");
        assertEq(bob.balance - bob0, 3 ether, "bob paid");
        assertEq(
            watcher0 + 2 * (entryBond - entryBond / 4),
            watcher.balance + 4 * entryBond,
            "starter: 2 settled bonds back; as e1's challenger nothing (it was requested)"
        );
        assertEq(address(this).balance - processor0, 3 * (entryBond / 4), "three bounties");
        vm.prank(thief);
        game.withdrawBondCredit();
        assertEq(address(game).balance, game0, "no bond left in the game");
        assertEq(
            thief.balance + entryBond,
            thief0 + 2 * _share(),
            "requester: -e0's bond (answered), +e1's share, +e2's share"
        );
        assertEq(game.bondCredits(thief), 0, "credit pulled once");
        vm.prank(thief);
        vm.expectRevert(PaymentExitGame.NothingCredited.selector);
        game.withdrawBondCredit();
        for (uint256 i; i < 4; ++i) {
            assertEq(batches().batchEntryProofRequester(id, i), address(0), "no stale request");
        }
    }

    // ================================================================ h2
    /// @dev Front-running an answer: Carol copies Bob's answer from the mempool and takes the
    /// request bond; Bob's answer still lands (an answer needs no request now: it proves the
    /// entry again and moves no bond; he loses only gas). The requester may also answer
    /// itself (bond back). Either way the request is cleared and the honest entry is paid: the
    /// answer is what matters, not who gives it.
    function test_h2_frontRunAnswerOnlyMovesTheBond() public {
        BatchEntries.Entry[] memory es = _one(_entry(bob, txs[0], bobPos, 3 ether));
        uint160 id = _start(bob, es);
        _request(thief, id, es, 0);
        uint256 carol0 = carol.balance;
        _answer(carol, id, es, 0, txs[0], _blockProof(0));
        assertEq(carol.balance - carol0, entryBond, "front-runner took the bond");
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory proof = _blockProof(0);
        uint256 bobBefore = bob.balance;
        vm.prank(bob);
        batches().answerBatchEntryProof(id, p, txs[0], proof);
        assertEq(bob.balance, bobBefore, "a second answer moves no bond");
        // The requester answers its own new request: bond back, nothing else changes.
        uint256 thief0 = thief.balance;
        _request(thief, id, es, 0);
        _answer(thief, id, es, 0, txs[0], proof);
        assertEq(thief.balance, thief0, "self-answer: bond back");
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(bob.balance - bob0, 3 ether + entryBond - entryBond / 4, "bob paid, bond back");
    }

    // ================================================================ h3
    /// @dev Requesting to grief an honest batch: the griefer asks for every entry's proof,
    /// again after an answer, and once more at the very deadline. The watcher answers each in
    /// time (at least MEP/2 after the last possible request) and takes every request bond; all
    /// entries are paid. The griefer loses one bond per request.
    function test_h3_griefingRequestsCostTheGriefer() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(watcher, es);
        uint256 thief0 = thief.balance;
        uint256 watcher0 = watcher.balance;
        for (uint256 i; i < 3; ++i) {
            _request(thief, id, es, i);
        }
        _answer(watcher, id, es, 0, txs[0], _blockProof(0));
        _answer(watcher, id, es, 1, txs[0], _blockProof(0));
        _answer(watcher, id, es, 2, carolDepTx, Tree.depositProof());
        _request(thief, id, es, 0);
        _answer(watcher, id, es, 0, txs[0], _blockProof(0));
        vm.warp(START_TIME + 2 * MEP - MEP / 2); // the deadline itself
        _request(thief, id, es, 1);
        vm.warp(START_TIME + 2 * MEP - 1);
        _answer(watcher, id, es, 1, txs[0], _blockProof(0));
        vm.warp(START_TIME + 2 * MEP);
        uint256[3] memory b0 = [bob.balance, alice.balance, carol.balance];
        _process(id, es);
        assertEq(bob.balance - b0[0], 3 ether, "bob paid");
        assertEq(alice.balance - b0[1], 2 ether, "alice paid");
        assertEq(carol.balance - b0[2], 1 ether, "carol paid");
        assertEq(thief0 - thief.balance, 5 * entryBond, "griefer lost five bonds");
        assertEq(
            watcher.balance - watcher0,
            5 * entryBond + 3 * (entryBond - entryBond / 4),
            "watcher took the request bonds and its own back"
        );
    }

    // ================================================================ h4
    /// @dev Reentrancy and blocking by requesters: processing now only credits an unanswered
    /// requester (no call inside the loop, so its hook is never reached there); the hook runs
    /// at its own `withdrawBondCredit`, where it re-enters processBatchExit and the shared
    /// transient lock refuses it. A requester that refuses every payment keeps its credit in
    /// the game and does not block processing.
    function test_h4_requesterRefundCannotReenterOrBlock() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(watcher, es);
        ReenteringRequester r = new ReenteringRequester(batches());
        RevertingRequester rv = new RevertingRequester(batches());
        PaymentExitBase.EntryProof memory p0 = _proofOf(es, 0);
        PaymentExitBase.EntryProof memory p2 = _proofOf(es, 2);
        r.request{value: entryBond}(id, p0);
        rv.request{value: entryBond}(id, p2);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault0 = address(ethVault).balance;
        uint256 alice0 = alice.balance;
        _process(id, es);
        uint256 credit = _unansweredCredit();
        assertEq(r.seen(), 1, "no call to a requester inside the processing loop");
        assertEq(game.bondCredits(address(r)), credit, "reentering requester credited");
        assertEq(game.bondCredits(address(rv)), credit, "refusing requester credited");
        assertEq(alice.balance - alice0, 2 ether, "the unrequested entry paid");
        assertEq(vault0 - address(ethVault).balance, 2 ether, "only alice left the vault");
        assertEq(batches().batchExit(id).processed, 3, "processing completed");
        r.withdraw();
        assertEq(
            r.seen(),
            uint256(uint32(bytes4(keccak256("ReentrancyGuardReentrantCall()")))),
            "re-entry from the withdrawal refused"
        );
        assertEq(address(r).balance, credit, "reentering requester paid its credit once");
        assertEq(game.bondCredits(address(r)), 0, "credit cleared");
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.BondTransferFailed.selector, address(rv), credit)
        );
        vm.prank(address(rv));
        game.withdrawBondCredit();
        assertEq(game.bondCredits(address(rv)), credit, "the refusing requester's credit stays");
    }

    // ================================================================ h5
    /// @dev An answered entry whose tx's in-flight exit is falsely challenged: Bob's answer to a
    /// request now proves t included (`_noteIncluded`), which answers Carol's false canonicity
    /// challenge as a standard exit would (Bob takes half its bond). The in-flight exit is then
    /// canonical: processed first, it marks Carol's input spent and pays it not; Bob's entry
    /// is paid after it (finalized, inputs not paid). 1 ETH out for 1 ETH of value. (An answer
    /// gives no immunity against inputs paid: h19.)
    function test_h5_answerAnswersFalseChallengeAndPaysOnce() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        vm.warp(START_TIME + MEP + 1);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _request(thief, id, es, 0);
        uint256 bob0 = bob.balance;
        uint256 cbond = game.canonicityChallengeBond();
        _answer(bob, id, es, 0, t, _proofOne(t));
        assertEq(
            bob.balance - bob0, entryBond + (cbond - cbond / 2), "request bond + half the challenge's"
        );
        assertEq(game.inFlightExit(_ifeId(t)).flags & 1, 0, "the false challenge is answered");
        vm.warp(START_TIME + 2 * MEP + 1);
        uint256 vault0 = address(ethVault).balance;
        game.processExits(address(0), 1);
        assertEq(game.inFlightExit(_ifeId(t)).flags & 32, 0, "t's inputs not paid");
        assertTrue(game.isOutputExited(game.outputId(carolDepTx, carolDepPos)), "input spent");
        assertEq(uint160(game.queueTop(address(0))), id, "batch at the head now");
        _process(id, es);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "bob's output paid");
        assertEq(vault0 - address(ethVault).balance, 1 ether, "1 ETH out, once");
    }

    // ================================================================ h6
    /// @dev Request key collisions: two batches (ids one apart) with requests at the same
    /// index by different requesters; (id << 16 | index) and the per-batch bitmaps keep them
    /// apart: answering one leaves the other, and processing pays each requester its own.
    function test_h6_requestKeysDoNotCollide() public {
        _agents();
        BatchEntries.Entry[] memory a = new BatchEntries.Entry[](2);
        a[0] = _entry(bob, txs[0], bobPos, 3 ether);
        a[1] = _entry(alice, txs[0], alicePos, 2 ether);
        BatchEntries.Entry[] memory b = new BatchEntries.Entry[](2);
        b[0] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        b[1] = _entry(carol, txs[1], carolTxPos, 7);
        uint160 idA = _start(watcher, a);
        uint160 idB = _start(carol, b);
        assertEq(idB, idA + 1, "adjacent ids");
        _request(thief, idA, a, 1);
        _request(watcher, idB, b, 1);
        assertEq(batches().batchEntryProofRequester(idA, 1), thief, "A1: thief");
        assertEq(batches().batchEntryProofRequester(idB, 1), watcher, "B1: watcher");
        assertEq(batches().batchEntryProofRequester(idA, 0), address(0), "A0: none");
        assertEq(batches().batchEntryProofRequester(idB, 0), address(0), "B0: none");
        _answer(alice, idA, a, 1, txs[0], _blockProof(0));
        assertEq(batches().batchEntryProofRequester(idA, 1), address(0), "A1 answered");
        assertEq(batches().batchEntryProofRequester(idB, 1), watcher, "B1 untouched");
        PaymentExitBase.EntryProof memory pb1 = _proofOf(b, 1);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofAlreadyRequested.selector, idB, 1)
        );
        batches().requestBatchEntryProof{value: entryBond}(idB, pb1);
        vm.warp(START_TIME + 2 * MEP);
        uint256 alice0 = alice.balance;
        _process(idA, a);
        assertEq(alice.balance - alice0, 2 ether, "A1 paid after its answer");
        uint256 watcher0 = watcher.balance;
        uint256 carol0 = carol.balance;
        _process(idB, b);
        assertEq(watcher.balance, watcher0, "no push to B1's requester");
        assertEq(
            game.bondCredits(watcher), _unansweredCredit(), "B1's requester credited"
        );
        assertEq(carol.balance - carol0, 1 ether + entryBond - entryBond / 4, "B0 paid only");
    }

    // ================================================================ h7
    /// @dev Requests around chunked processing (260 entries, bitmap word 1 used): requests
    /// at index 0 and 256 are distinct bits; once mature no new request is possible (an
    /// unprocessed index: ProofRequestTooLate; a processed one: EntrySettled), so nobody can
    /// cancel an entry of a half-processed batch by requesting it; a pending request on a
    /// later chunk can still be answered between chunks, and the unanswered one is cancelled
    /// in its own chunk with 2x to its requester.
    function test_h7_requestsAndChunkedProcessing() public {
        _agents();
        uint256 n = 260;
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](n);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        for (uint256 i = 1; i < n - 1; ++i) {
            es[i] = BatchEntries.Entry(alice, uint160(1000 + i), 1, uint64(_pos(500, i, 0)), 0);
        }
        es[n - 1] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 0);
        _request(thief, id, es, 256);
        _request(thief, id, es, n - 1);
        _answer(watcher, id, es, 0, txs[0], _blockProof(0));
        assertEq(batches().batchEntryProofRequester(id, 0), address(0), "0 answered");
        assertEq(batches().batchEntryProofRequester(id, 256), thief, "256 still pending");

        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        batches().processBatchExit(id, list, 100);
        uint256 deadline = START_TIME + 2 * MEP - MEP / 2;
        PaymentExitBase.EntryProof memory p150 = _proofOf(es, 150);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofRequestTooLate.selector, id, deadline)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p150);
        PaymentExitBase.EntryProof memory p50 = _proofOf(es, 50);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 50));
        batches().requestBatchEntryProof{value: entryBond}(id, p50);
        batches().processBatchExit(id, list, 100);
        // Between chunks: the late answer of the last entry.
        _answer(carol, id, es, n - 1, carolDepTx, Tree.depositProof());
        uint256 thief0 = thief.balance;
        uint256 alice0 = alice.balance;
        uint256 carol0 = carol.balance;
        batches().processBatchExit(id, list, 100);
        assertEq(batches().batchExit(id).processed, n, "all settled");
        assertEq(thief.balance, thief0, "no push to the requester");
        assertEq(
            game.bondCredits(thief),
            _unansweredCredit(),
            "256 unanswered: 2x less the bounty credited to the requester"
        );
        assertEq(alice.balance - alice0, 58, "entries 200..258 but 256 paid 1 wei each");
        assertEq(carol.balance - carol0, 1 ether, "answered between chunks: paid");
        assertEq(batches().batchEntryProofRequester(id, 256), address(0), "settled");
        assertEq(game.queueTop(address(0)), 0, "popped");
    }

    // ================================================================ h8
    /// @dev Deposit entries: a deposit tx can never be exited in flight (no inputs), so the
    /// skip never applies to it; a true deposit entry is answered with the deposit proof and
    /// paid; a deposit entry with a wrong in-flight id can be neither answered nor paid.
    function test_h8_depositEntries() public {
        uint256 ifeBond = game.inFlightExitBond();
        PaymentExitBase.StartInFlightExitArgs memory args = PaymentExitBase.StartInFlightExitArgs(
            carolDepTx, new bytes[](0), new uint256[](0), new bytes[](0), new bytes[](0)
        );
        vm.prank(thief);
        vm.expectRevert(PaymentExitBase.NoInputs.selector);
        game.startInFlightExit{value: ifeBond}(args);

        BatchEntries.Entry[] memory good = _one(_entry(carol, carolDepTx, carolDepPos, 1 ether));
        uint160 id = _start(carol, good);
        BatchEntries.Entry memory e = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        e.inFlightId = 0;
        BatchEntries.Entry[] memory bad = _one(e);
        uint160 id2 = _start(carol, bad);
        _request(thief, id, good, 0);
        _request(thief, id2, bad, 0);
        _answer(watcher, id, good, 0, carolDepTx, Tree.depositProof());
        PaymentExitBase.EntryProof memory pb = _proofOf(bad, 0);
        bytes memory dproof = Tree.depositProof();
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryNotShown.selector, id2, 0));
        batches().answerBatchEntryProof(id2, pb, carolDepTx, dproof);
        vm.warp(START_TIME + 2 * MEP);
        uint256 carol0 = carol.balance;
        _process(id, good);
        assertEq(carol.balance - carol0, 1 ether + entryBond - entryBond / 4, "deposit paid");
        uint256 thief0 = thief.balance;
        uint256 vault0 = address(ethVault).balance;
        _process(id2, bad);
        assertEq(thief.balance, thief0, "no push");
        assertEq(
            game.bondCredits(thief), _unansweredCredit(), "wrong in-flight id: cancelled"
        );
        assertEq(address(ethVault).balance, vault0, "paid once");
    }

    // ================================================================ h9 (defended)
    /// @dev h9's setting: Bob's batch entry of t's output (t: Carol -> Bob, included,
    /// canonical) matures at E = START+2MEP; the operator withholds a block holding a
    /// fraudulent output worth the whole vault and exits it at E+1 (behind Bob, as MVP priority
    /// intends). Returns Bob's entry, its batch and the fraud's exitableAt.
    function _h9Setup()
        internal
        returns (bytes memory t, uint256 tPos, BatchEntries.Entry[] memory es, uint160 id)
    {
        t = _spend(carolDepPos, bob, address(0), 1 ether);
        tPos = _pos(_submitOne(t), 0, 0);
        es = _one(_entry(bob, t, tPos, 1 ether));
        id = _start(bob, es);
        vm.warp(START_TIME + 1);
        uint256 loot = address(ethVault).balance;
        bytes memory f = _spend(_pos(1000, 9, 0), thief, address(0), loot);
        uint256 fPos = _pos(_submitOne(f), 0, 0);
        _startExit(thief, fPos, f, _proofOne(f));
        (, uint256 fraudAt,,,) = game.standardExit(_exitId(f, fPos));
        assertEq(fraudAt, START_TIME + 2 * MEP + 1, "fraud exit behind Bob's batch");
    }

    /// @dev After Bob's entry is processed, the fraud's payout exceeds the vault and reverts.
    function _fraudCannotBePaid() internal {
        vm.warp(START_TIME + 2 * MEP + 1);
        (bool ok,) = address(game).call(abi.encodeCall(PaymentExitGame.processExits, (address(0), 1)));
        assertFalse(ok, "the fraud cannot take bob's 1 ETH");
    }

    /// @dev Defence of h9 (an in-flight exit of the entry's tx started by the operator, with
    /// t's signature, before the batch matures, used to have the entry skipped and lose its
    /// priority): the operator starts it exactly MEP/2 before maturity (the latest start that
    /// still counts against the entry). The watcher (anyone: no request needed) proves Bob's
    /// entry with `answerBatchEntryProof` inside that MEP/2; the proof also sets the exit's
    /// competitor position to t's, so no false (unincluded-competitor) canonicity challenge can
    /// follow. Processing pays Bob at maturity, ahead of the fraud: the grief achieves nothing.
    function test_h9_watcherProofWithinHalfPeriodPaysBobFirst() public {
        (bytes memory t, uint256 tPos, BatchEntries.Entry[] memory es, uint160 id) = _h9Setup();
        uint256 e = START_TIME + 2 * MEP;
        vm.warp(e - MEP / 2);
        _startIfeAs(thief, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        vm.warp(e - MEP / 2 + 1 hours);
        uint256 watcher0 = watcher.balance;
        _answer(watcher, id, es, 0, t, _proofOne(t));
        assertEq(watcher.balance, watcher0, "no request: no bond moves");
        assertEq(
            game.inFlightExit(_ifeId(t)).competitorPos, tPos / 10_000, "t's inclusion recorded"
        );
        vm.warp(e);
        uint256 bob0 = bob.balance;
        bytes memory list = Batches.encode(es);
        vm.prank(thief);
        batches().processBatchExit(id, list, 1);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "Bob's entry paid");
        assertEq(bob.balance - bob0, 1 ether + entryBond - entryBond / 4, "bob paid first");
        _fraudCannotBePaid();
    }

    /// @dev h9's exact timeline (the operator's in-flight exit started one second before the
    /// batch matures): now too late to count against the entry (started < MEP/2 before
    /// maturity, nobody could prove the entry in time), so the entry is paid regardless. The
    /// in-flight exit's own period is left to answer any false canonicity challenge of it
    /// (h16).
    function test_h9c_lateInFlightExitCannotStopPayment() public {
        (bytes memory t, uint256 tPos, BatchEntries.Entry[] memory es, uint160 id) = _h9Setup();
        vm.warp(START_TIME + 2 * MEP - 1);
        _startIfeAs(thief, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        bytes memory list = Batches.encode(es);
        vm.prank(thief);
        batches().processBatchExit(id, list, 1);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "Bob's entry paid, unproven");
        assertEq(bob.balance - bob0, 1 ether + entryBond - entryBond / 4, "bob paid first");
        _fraudCannotBePaid();
    }

    /// @dev The watcher's duty behind h9: an in-flight exit started MEP/2 (or more) before
    /// maturity still counts against an unproven entry; unproven, Bob's entry is skipped (for
    /// good) and his 1 ETH falls behind the fraud. One proof in that MEP/2 (h9) prevents it.
    function test_h9d_unprovenEntryBehindTimelyInFlightExitIsSkipped() public {
        (bytes memory t, uint256 tPos, BatchEntries.Entry[] memory es, uint160 id) = _h9Setup();
        vm.warp(START_TIME + 2 * MEP - MEP / 2);
        _startIfeAs(thief, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        vm.warp(START_TIME + 2 * MEP);
        _process(id, es);
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "unproven: skipped");
    }

    /// @dev h9's counterfactual: the same timeline without the operator's in-flight exit. Bob's
    /// entry is paid at START+2MEP, ahead of the fraudulent exit (whose payout then exceeds
    /// the vault and reverts, as any exit of never-deposited money).
    function test_h9b_withoutTheGriefBobIsPaidFirst() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 1);
        uint256 loot = address(ethVault).balance;
        bytes memory f = _spend(_pos(1000, 9, 0), thief, address(0), loot);
        uint256 fPos = _pos(_submitOne(f), 0, 0);
        _startExit(thief, fPos, f, _proofOne(f));
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(bob.balance - bob0, 1 ether + entryBond - entryBond / 4, "bob paid first");
        vm.warp(START_TIME + 2 * MEP + 1);
        (bool ok,) = address(game).call(abi.encodeCall(PaymentExitGame.processExits, (address(0), 1)));
        assertFalse(ok, "the fraud cannot take bob's 1 ETH");
    }

    // ================================================================ h10
    /// @dev `_dropCancelledBatch` with a requested entry: entry 0 cancelled, entry 1 requested
    /// (not cancelled): processExits must not drop the batch (the requester's credit and the
    /// request would be lost); processBatchExit settles it.
    function test_h10_dropCancelledBatchKeepsRequestedEntries() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(alice, txs[0], bobPos, 3 ether); // bob's output: wrong owner
        es[1] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 1);
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        vm.warp(START_TIME + 2 * MEP);
        assertEq(game.processExits(address(0), 10), 0, "not dropped");
        assertEq(uint160(game.queueTop(address(0))), id, "still queued");
        uint256 thief0 = thief.balance;
        uint256 game0 = address(game).balance;
        _process(id, es);
        assertEq(thief.balance, thief0, "no push");
        assertEq(
            game.bondCredits(thief), _unansweredCredit(), "requester credited bond + share"
        );
        assertEq(
            game0 - address(game).balance,
            entryBond / 2,
            "only the other half left the game (the bounty and the burn)"
        );
        assertEq(game.queueTop(address(0)), 0, "popped");
    }

    /// @dev The other case: a requested entry then challenged (the request's bond and the
    /// entry's share to the requester, none to the challenger) makes every entry cancelled;
    /// processExits drops the batch with no bond stuck.
    function test_h10b_voidedRequestThenDroppedLeavesNoBond() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(alice, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 3 ether);
        uint256 game0 = address(game).balance;
        uint256 thief0 = thief.balance;
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 1);
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        _challengeInvalid(id, es, 1, txs[0], _blockProof(0));
        assertEq(thief.balance - thief0, _share(), "requested then challenged: bond + share back");
        vm.warp(START_TIME + 2 * MEP);
        assertEq(game.processExits(address(0), 10), 1, "dropped");
        assertEq(address(game).balance, game0, "no bond stuck");
        assertEq(batches().batchEntryProofRequester(id, 1), address(0), "no stale request");
    }

    // ================================================================ h11
    /// @dev Dodging the skip with a wrong in-flight id (vault solvency): the thief's entry of
    /// t's output names in-flight id 0 while t's in-flight exit (Carol colluding, false
    /// challenge) pays t's input. t's block data is withheld, so the invalid challenge is not
    /// possible; a watcher's request is. The thief holds t and its proof but cannot answer:
    /// the in-flight id is checked. The entry is cancelled at processing: 1 ETH out for 1 ETH.
    function test_h11_wrongInFlightIdCannotDodgeTheSkip() public {
        bytes memory t = _spend(carolDepPos, thief, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        BatchEntries.Entry memory e = _entry(thief, t, tPos, 1 ether);
        e.inFlightId = 0;
        BatchEntries.Entry[] memory es = _one(e);
        uint160 id = _start(thief, es);
        _request(watcher, id, es, 0);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory tProof = _proofOne(t);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryNotShown.selector, id, 0));
        batches().answerBatchEntryProof(id, p, t, tProof);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault0 = address(ethVault).balance;
        uint256 watcher0 = watcher.balance;
        game.processExits(address(0), 10);
        _process(id, es);
        assertEq(vault0 - address(ethVault).balance, 1 ether, "only carol's input left");
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "thief's output not paid");
        assertEq(watcher.balance, watcher0, "no push");
        assertEq(
            game.bondCredits(watcher), _unansweredCredit(), "watcher credited bond + share"
        );
    }

    // ================================================================ h12 (defended)
    /// @dev Dodging the request penalty by self-challenge (h12, was a FINDING): a thief's fake
    /// entry in a withheld block is requested by a watcher; the thief then cancels his own
    /// entry with challengeBatchEntrySpent and a "spend" he signs himself. Defence: a challenge
    /// of an entry whose proof is pending pays the requester its bond back and the entry's
    /// share (half; the other half is burnt) and nothing to the challenger, so the thief loses
    /// his entry bond and the watcher earns half of it, as if the request had gone unanswered
    /// (and without waiting for processing). (Front-running the request: h23.)
    function test_h12_selfChallengeAfterRequestPaysTheRequester() public {
        uint256 pos = _pos(_withheldBlock(), 0, 0);
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(0xbadbad), 4 ether, uint64(pos), 0));
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        uint256 watcher0 = watcher.balance;
        _request(watcher, id, es, 0);
        bytes memory spend = _spend(pos, thief, address(0), 1);
        bytes memory sig = _sign(THIEF_KEY, spend);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(thief);
        batches().challengeBatchEntrySpent(id, p, spend, sig);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "fake entry dead");
        assertEq(thief0 - thief.balance, entryBond, "the thief lost his entry bond");
        assertEq(watcher.balance - watcher0, _share(), "the requester earned its share");
        assertEq(batches().batchEntryProofRequester(id, 0), address(0), "request settled");
    }

    // ================================================================ h13 (defended)
    /// @dev Self-request from a gas-burning requester (h13, was a FINDING: the 2x push inside
    /// the processing loop burnt > 100k gas per unanswered entry, the processor got no bounty,
    /// the thief recovered every bond). Defence: an unanswered request is credited
    /// (`bondCredits`, its bond and the entry's share), no call in the loop, so processing is
    /// cheap whatever the requester does, and the processor earns the bounty of every
    /// unanswered entry (out of the entry's other half). The burner pulls its credit itself
    /// (all gas forwarded, its own cost). The thief loses half a bond per self-requested entry.
    function test_h13_selfRequestCreditedProcessingCheapAndPaid() public {
        uint256 blk = _withheldBlock();
        uint256 n = 8;
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](n);
        for (uint256 i; i < n; ++i) {
            es[i] = BatchEntries.Entry(thief, uint160(i + 1), 1 ether, uint64(_pos(blk, i, 0)), 0);
        }
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        GasBurner burner = new GasBurner(batches(), ethVault);
        for (uint256 i; i < n; ++i) {
            PaymentExitBase.EntryProof memory p = _proofOf(es, i);
            vm.prank(thief);
            burner.request{value: entryBond}(id, p);
        }
        PaymentExitBase.EntryProof memory p0 = _proofOf(es, 0);
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofAlreadyRequested.selector, id, 0)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p0);

        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        uint256 processor0 = address(this).balance;
        uint256 vault0 = address(ethVault).balance;
        uint256 g0 = gasleft();
        batches().processBatchExit(id, list, n);
        uint256 used = g0 - gasleft();
        assertTrue(used < 150_000 + n * 15_000, "cheap: no call per unanswered entry");
        assertEq(address(this).balance - processor0, n * (entryBond / 4), "a bounty per entry");
        assertEq(address(ethVault).balance, vault0, "nothing through the vault");
        assertEq(
            game.bondCredits(address(burner)), n * _unansweredCredit(), "credited"
        );
        vm.prank(thief);
        burner.withdraw(payable(thief));
        assertEq(
            thief0 - thief.balance,
            n * (entryBond - _share()),
            "the thief lost half of each entry's bond"
        );
    }

    // ================================================================ h14
    /// @dev Request deadline and bond snapshot: after the operator doubles the exit bond, a
    /// request must still post the batch's own entry bond (the new one reverts); a request at
    /// the deadline itself is accepted and answerable until maturity; one second later no
    /// request is possible; refunds use the snapshot bond.
    function test_h14_deadlineAndBondSnapshot() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 1); // never answered
        vm.prank(operator);
        game.updateExitBond(bond * 2);
        vm.warp(START_TIME + 3 days);
        uint256 newBond = batches().batchEntryBond();
        assertTrue(newBond != entryBond, "bond changed");
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.WrongBond.selector, newBond, entryBond)
        );
        batches().requestBatchEntryProof{value: newBond}(id, p);
        uint256 deadline = START_TIME + 2 * MEP - MEP / 2;
        vm.warp(deadline);
        _request(thief, id, es, 0);
        vm.warp(START_TIME + 2 * MEP - 1);
        uint256 carol0 = carol.balance;
        _answer(carol, id, es, 0, txs[0], _blockProof(0));
        assertEq(carol.balance - carol0, entryBond, "answer pays the snapshot bond");
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofRequestTooLate.selector, id, deadline)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        vm.warp(START_TIME + 2 * MEP);
        uint256 thief0 = thief.balance;
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(thief.balance, thief0, "no push");
        assertEq(
            game.bondCredits(thief), _unansweredCredit(), "2x the snapshot bond, credited"
        );
        assertEq(bob.balance - bob0, 3 ether, "answered entry paid");
    }

    // ================================================================ h15
    /// @dev The skip only sees in-flight exits that exist at processing: Bob's entry of t is
    /// paid first; later Carol in-flight exits t, piggybacks her input and challenges falsely.
    /// t's inclusion proof (public) answers the challenge, the exit is canonical, and the 1 ETH
    /// leaves once. (Unanswered it would pay twice: the documented MoreVP watcher assumption,
    /// exactly as after a processed standard exit, whose record no longer proves inclusion.)
    function test_h15_inFlightExitAfterPaymentIsAnswerable() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault0 = address(ethVault).balance;
        _process(id, es);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "bob paid");
        vm.warp(START_TIME + 2 * MEP + 1);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        bytes memory tProof = _proofOne(t);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(t, tPos / 10_000, tProof);
        vm.warp(START_TIME + 3 * MEP + 1);
        game.processExits(address(0), 10);
        assertEq(vault0 - address(ethVault).balance, 1 ether, "1 ETH out, once");
        assertTrue(
            game.isOutputExited(game.outputId(carolDepTx, carolDepPos)), "input spent by canonical t"
        );
    }

    // ================================================================ new rules: helpers

    /// @dev Carol's false challenge of t (unincluded competitor) reverts: t's inclusion at
    /// `tPos` is recorded as the exit's competitor position.
    function _expectFalseChallengeBlocked(bytes memory t, uint256 tPos) internal {
        bytes memory rival = _spend(carolDepPos, alice, address(0), 1 ether);
        bytes memory rivalSig = _sign(CAROL_KEY, rival);
        uint256 cbond = game.canonicityChallengeBond();
        PaymentExitBase.CanonicityChallenge memory fc =
            PaymentExitBase.CanonicityChallenge(t, 0, rival, 0, 0, "", rivalSig);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.CompetitorNotOlder.selector, type(uint64).max, tPos / 10_000
            )
        );
        game.challengeInFlightExitNotCanonical{value: cbond}(fc);
    }

    /// @dev Carol challenges t with c, included at `cPos` (before t).
    function _olderCompetitorChallenge(bytes memory t, bytes memory c, uint256 cPos) internal {
        bytes memory cSig = _sign(CAROL_KEY, c);
        bytes memory cProof = _proofOne(c);
        uint256 cbond = game.canonicityChallengeBond();
        PaymentExitBase.CanonicityChallenge memory oc =
            PaymentExitBase.CanonicityChallenge(t, 0, c, 0, cPos / 10_000, cProof, cSig);
        vm.prank(carol);
        game.challengeInFlightExitNotCanonical{value: cbond}(oc);
    }

    // ================================================================ h16
    /// @dev Late in-flight exit + false canonicity challenge to double-pay: Carol (who paid
    /// Bob with t) starts t's in-flight exit MEP/2 - 1 s before Bob's batch matures (late: it
    /// does not stop the entry), piggybacks her input and challenges falsely. Bob's entry is
    /// paid at maturity. The challenge is answerable by anyone with t's inclusion proof via
    /// respondToNonCanonicalChallenge until the exit's first processing pass (its exitableAt,
    /// >= MEP/2 after its last possible challenge): here one second before. The exit is then
    /// canonical, Carol's input is marked spent, not paid: 1 ETH out, once.
    function test_h16_lateInFlightExitFalseChallengeIsAnswerable() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        uint256 e = START_TIME + 2 * MEP;
        vm.warp(e - MEP / 2 + 1);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        vm.warp(e);
        uint256 vault0 = address(ethVault).balance;
        _process(id, es);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "late exit: bob paid");
        uint256 ifeAt = game.inFlightExit(_ifeId(t)).exitableAt;
        assertTrue(ifeAt >= e + MEP / 2, "the exit's own period is left to answer");
        vm.warp(ifeAt - 1);
        uint256 cbond = game.canonicityChallengeBond();
        uint256 watcher0 = watcher.balance;
        bytes memory tProof = _proofOne(t);
        vm.prank(watcher);
        game.respondToNonCanonicalChallenge(t, tPos / 10_000, tProof);
        assertEq(watcher.balance - watcher0, cbond - cbond / 2, "responder: half the bond");
        vm.warp(ifeAt);
        game.processExits(address(0), 10);
        assertEq(vault0 - address(ethVault).balance, 1 ether, "1 ETH out, once");
        assertEq(game.inFlightExit(_ifeId(t)).flags & 32, 0, "inputs not paid");
    }

    /// @dev h16 unanswered: the input is paid too, 2 ETH out for 1 ETH in. This is the MoreVP
    /// watcher assumption (a false canonicity challenge of an included tx must be answered in
    /// the exit's period), exactly as after a processed standard exit or batch entry (h15); the
    /// late rule gives the watcher no less time (>= MEP/2 after the last possible challenge).
    function test_h16b_lateInFlightExitUnansweredIsTheWatcherAssumption() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        uint256 e = START_TIME + 2 * MEP;
        vm.warp(e - MEP / 2 + 1);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        vm.warp(e);
        uint256 vault0 = address(ethVault).balance;
        _process(id, es);
        vm.warp(game.inFlightExit(_ifeId(t)).exitableAt);
        game.processExits(address(0), 10);
        assertEq(vault0 - address(ethVault).balance, 2 ether, "unanswered: paid twice");
    }

    // ================================================================ h17
    /// @dev Prove, then challenge again: the proof records t's position as the exit's
    /// competitor, so a new false challenge (unincluded competitor) reverts CompetitorNotOlder.
    /// A competitor included before t (the operator put Carol's double spend c in an earlier
    /// block: t is really non-canonical) may still challenge; it cannot be answered, and the
    /// proven entry is then skipped (F_NON_CANONICAL): the proof is no shield for a
    /// non-canonical tx.
    function test_h17_proofBlocksFalseChallengesNotAnOlderCompetitor() public {
        bytes memory c = _spend(carolDepPos, carol, address(0), 1 ether);
        uint256 cPos = _pos(_submitOne(c), 0, 0);
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _answer(watcher, id, es, 0, t, _proofOne(t));

        _expectFalseChallengeBlocked(t, tPos);
        _olderCompetitorChallenge(t, c, cPos);
        assertEq(game.inFlightExit(_ifeId(t)).flags & 1, 1, "older competitor: non-canonical");
        bytes memory tProof = _proofOne(t);
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.ResponseNotEarlier.selector, tPos / 10_000, cPos / 10_000
            )
        );
        game.respondToNonCanonicalChallenge(t, tPos / 10_000, tProof);
        _answer(watcher, id, es, 0, t, tProof); // proving again answers nothing
        assertEq(game.inFlightExit(_ifeId(t)).flags & 1, 1, "still non-canonical");
        vm.warp(START_TIME + 2 * MEP);
        _process(id, es);
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "non-canonical: skipped");
    }

    // ================================================================ h18
    /// @dev Farming `_payAnswer` through `_noteIncluded`: Carol challenges t's in-flight exit
    /// falsely and answers it herself by proving Bob's entry. She gets only half her challenge
    /// bond back (the other half is burnt); a second proof pays nothing (the challenge is
    /// cleared), and no new false challenge is possible (the competitor position is t's).
    /// Each round costs the farmer half a challenge bond.
    function test_h18_selfAnsweringAChallengeLosesHalf() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        uint256 carol0 = carol.balance;
        uint256 burnt0 = address(0).balance;
        uint256 cbond = game.canonicityChallengeBond();
        _carolFalseChallenge(t);
        _answer(carol, id, es, 0, t, _proofOne(t));
        assertEq(carol0 - carol.balance, cbond / 2, "the farmer lost half");
        assertEq(address(0).balance - burnt0, cbond / 2, "half burnt");
        uint256 carol1 = carol.balance;
        _answer(carol, id, es, 0, t, _proofOne(t));
        assertEq(carol.balance, carol1, "a second proof pays nothing");
        (address challenger,) = game.inFlightExitChallenge(_ifeId(t));
        assertEq(challenger, address(0), "challenge cleared");
    }

    // ================================================================ h19
    /// @dev Proving an entry whose tx's in-flight exit paid its inputs (F_INPUTS_PAID): the
    /// tx's value left through its input, so the answer must fail (EntryNotShown: `_matches`
    /// refuses it before `_noteIncluded` would revert InputsExitedInFlight), and the entry can
    /// be cancelled by an invalid challenge; unchallenged it is skipped (h5's old timeline).
    function test_h19_proofRefusedOnceInputsPaid() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        vm.warp(START_TIME + 2 * MEP);
        game.processExits(address(0), 10);
        assertTrue(game.inFlightExit(_ifeId(t)).flags & 32 != 0, "inputs paid");
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory tProof = _proofOne(t);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryNotShown.selector, id, 0));
        batches().answerBatchEntryProof(id, p, t, tProof);
        uint256 watcher0 = watcher.balance;
        _challengeInvalid(id, es, 0, t, tProof);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "cancelled");
        assertEq(watcher.balance - watcher0, _share(), "challenger paid its share");
    }

    // ================================================================ h20
    /// @dev Proof, then request: a proof does not pre-empt later requests (any request needs an
    /// answer, which a valid entry always has, for >= MEP/2). Entry 0 proven then requested is
    /// answered again (the answerer takes the bond) and paid; entry 1 proven then requested and
    /// left unanswered is cancelled and credited to the requester, proof or not.
    function test_h20_proofThenRequestNeedsAnotherAnswer() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        uint160 id = _start(watcher, es);
        _answer(carol, id, es, 0, txs[0], _blockProof(0));
        _answer(carol, id, es, 1, txs[0], _blockProof(0));
        _request(thief, id, es, 0);
        _request(thief, id, es, 1);
        assertEq(batches().batchEntryProofRequester(id, 0), thief, "a proven entry is requestable");
        uint256 watcher0 = watcher.balance;
        _answer(watcher, id, es, 0, txs[0], _blockProof(0));
        assertEq(watcher.balance - watcher0, entryBond, "the new answer takes the bond");
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        uint256 alice0 = alice.balance;
        _process(id, es);
        assertEq(bob.balance - bob0, 3 ether, "answered: paid");
        assertEq(alice.balance, alice0, "unanswered: cancelled despite the earlier proof");
        assertEq(game.bondCredits(thief), _unansweredCredit(), "requester credited");
    }

    // ================================================================ h21
    /// @dev Credits across chunked processing: five entries, three requests left unanswered by
    /// two requesters (indexes 1, 3, 4), processed two entries per call. Each chunk credits its
    /// own unanswered entries (2x less the bounty) and pays the processor a bounty per settled
    /// or unanswered entry; the game keeps exactly the credits until they are pulled, then
    /// holds nothing of the batch.
    function test_h21_creditsAcrossChunks() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](5);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        es[3] = _entry(carol, txs[1], carolTxPos, 7);
        es[4] = BatchEntries.Entry(alice, uint160(0x1234), 1 ether, uint64(_pos(500, 1, 0)), 0);
        uint256 game0 = address(game).balance;
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 1);
        _request(watcher, id, es, 3);
        _request(thief, id, es, 4);
        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        uint256 credit = _unansweredCredit();
        uint256 b4 = entryBond / 4;
        uint256 p0 = address(this).balance;
        batches().processBatchExit(id, list, 2);
        assertEq(game.bondCredits(thief), credit, "chunk 1: e1 credited");
        assertEq(address(this).balance - p0, 2 * b4, "chunk 1: two bounties");
        batches().processBatchExit(id, list, 2);
        assertEq(game.bondCredits(watcher), credit, "chunk 2: e3 credited");
        assertEq(address(this).balance - p0, 4 * b4, "chunk 2: two more");
        batches().processBatchExit(id, list, 2);
        assertEq(game.bondCredits(thief), 2 * credit, "chunk 3: e4 added to the thief's credit");
        assertEq(address(this).balance - p0, 5 * b4, "chunk 3: one more");
        assertEq(address(game).balance, game0 + 3 * credit, "the game holds the credits only");
        vm.prank(thief);
        game.withdrawBondCredit();
        vm.prank(watcher);
        game.withdrawBondCredit();
        assertEq(address(game).balance, game0, "nothing of the batch left");
    }

    // ================================================================ h22
    /// @dev Reentrancy through `_noteIncluded`'s `_payAnswer`: a contract answers a request on
    /// Bob's entry whose tx's in-flight exit stands falsely challenged. It is paid twice in the
    /// answer (the request bond, then half the challenge bond, each with a 50k stipend, after
    /// every write): at the first it re-enters processBatchExit, at the second
    /// respondToNonCanonicalChallenge; the shared transient lock refuses both. It keeps exactly
    /// what it was owed and the exit is canonical.
    function test_h22_payAnswerCannotReenter() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _carolFalseChallenge(t);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _request(thief, id, es, 0);
        ReenteringAnswerer a = new ReenteringAnswerer(batches());
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory tProof = _proofOne(t);
        uint256 cbond = game.canonicityChallengeBond();
        a.answer(id, p, t, tProof);
        uint256 lock = uint256(uint32(bytes4(keccak256("ReentrancyGuardReentrantCall()"))));
        assertEq(a.calls(), 3, "paid twice");
        assertEq(a.r0(), lock, "processBatchExit re-entry refused");
        assertEq(a.r1(), lock, "respond re-entry refused");
        assertEq(address(a).balance, entryBond + (cbond - cbond / 2), "exactly what was owed");
        assertEq(ethVault.pendingWithdrawals(address(a)), 0, "no payment fell back to the vault");
        assertEq(game.inFlightExit(_ifeId(t)).flags & 1, 0, "answered");
    }

    // ================================================================ h23 (defended)
    /// @dev Front-running a request with a self-challenge (h12's dodge, reordered): the thief's
    /// fake entry sits in a withheld block, so a request is the only defence. The thief sees
    /// the watcher's request in the mempool and front-runs it with challengeBatchEntrySpent
    /// and a spend he signs himself: no request is pending yet, so he is the challenger; the
    /// watcher's request reverts EntrySettled. Found: he took his whole entry bond back, so a
    /// fake entry was a free option (paid if nobody reacts, refunded if someone does). Fixed:
    /// a canceller gets half the bond, the other half is burnt: the dodge costs him half.
    function test_h23_frontRunSelfChallengeCostsHalfTheBond() public {
        uint256 pos = _pos(_withheldBlock(), 0, 0);
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(0xbadbad), 4 ether, uint64(pos), 0));
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        uint256 watcher0 = watcher.balance;
        bytes memory spend = _spend(pos, thief, address(0), 1);
        bytes memory sig = _sign(THIEF_KEY, spend);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(thief);
        batches().challengeBatchEntrySpent(id, p, spend, sig); // the front-run
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 0));
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "fake entry dead");
        assertEq(thief0 - thief.balance, entryBond / 2, "the dodge cost the thief half his bond");
        assertEq(address(0).balance, entryBond / 2, "burnt, not paid to any party");
        assertEq(watcher.balance, watcher0, "the watcher's request reverted: it paid nothing");
    }

    // ================================================================ h24 (defended)
    /// @dev Front-running a request with a self-request, then processing oneself: the thief's
    /// fake entry (withheld block); the watcher's request is front-run by the thief's own
    /// (the watcher's reverts ProofAlreadyRequested). Unanswered, the entry is cancelled at
    /// processing; the thief processes his own batch and takes the bounty too. Found: his net
    /// cost was 0. Fixed: half the entry's bond is not his as requester: it pays the bounty
    /// (back to him as processor) and the rest is burnt, so he loses a quarter of the bond even
    /// as requester, processor and starter at once.
    function test_h24_frontRunSelfRequestAndSelfProcessCostsAQuarterBond() public {
        uint256 pos = _pos(_withheldBlock(), 0, 0);
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(0xbadbad), 4 ether, uint64(pos), 0));
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        _request(thief, id, es, 0); // the front-run
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofAlreadyRequested.selector, id, 0)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        uint256 vault0 = address(ethVault).balance;
        vm.prank(thief);
        batches().processBatchExit(id, list, 1);
        vm.prank(thief);
        game.withdrawBondCredit();
        assertEq(game.queueTop(address(0)), 0, "batch settled");
        assertEq(address(ethVault).balance, vault0, "nothing paid");
        assertEq(thief0 - thief.balance, _unansweredBurn(), "the thief lost the burnt quarter");
        assertEq(address(0).balance, _unansweredBurn(), "burnt");
    }

    // ================================================================ h25 (defended)
    /// @dev Front-running a challenge with a self-request: the thief's fake entry in a visible
    /// block (Bob's output named with the thief as owner). The watcher's invalid challenge is
    /// front-run by the thief's request: the challenge still cancels the entry, and pays the
    /// requester (the thief) his request's bond and the entry's share, the challenger nothing.
    /// Found: the thief lost nothing. Fixed: the other half of the entry's bond is burnt, so he
    /// loses half; the watcher loses only its challenge's gas. Mitigation for watchers (kept):
    /// challenge after the request deadline (MEP/2 before maturity), when no request can be
    /// made; shown with a second fake entry, whose challenger is paid its share.
    function test_h25_frontRunSelfRequestStillCostsHalfTheBond() public {
        BatchEntries.Entry memory fake = _entry(thief, txs[0], bobPos, 3 ether);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = fake;
        es[1] = fake;
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        uint256 watcher0 = watcher.balance;
        _request(thief, id, es, 0); // the front-run
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        assertTrue(batches().isBatchEntryCancelled(id, 0), "fake entry dead");
        assertEq(
            thief0 - thief.balance,
            entryBond + entryBond / 2,
            "entry 0 cost the thief half a bond (entry 1's is held)"
        );
        assertEq(watcher.balance, watcher0, "the challenger earned nothing (its gas only)");
        assertEq(address(0).balance, entryBond / 2, "entry 0's half burnt");

        vm.warp(START_TIME + 2 * MEP - MEP / 2 + 1);
        PaymentExitBase.EntryProof memory p1 = _proofOf(es, 1);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.ProofRequestTooLate.selector, id, START_TIME + 2 * MEP - MEP / 2
            )
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p1);
        _challengeInvalid(id, es, 1, txs[0], _blockProof(0));
        assertEq(watcher.balance - watcher0, _share(), "after the deadline: challenger paid");
        assertEq(
            thief0 - thief.balance, 2 * entryBond - _share(), "entry 1's bond lost, entry 0's half"
        );
    }

    // ================================================================ h26
    /// @dev A proof given before the tx's in-flight exit exists records no competitor position
    /// (`_noteIncluded` returns when there is no exit). Carol starts t's in-flight exit MEP/2
    /// before maturity (not late) and challenges falsely at the last second: the proven entry
    /// is skipped, as the challenge stands. Defence: the watcher re-proves the entry once the
    /// exit starts (it has MEP/2): that blocks any unincluded-competitor challenge (shown:
    /// the last-second challenge then reverts and Bob is paid). Watcher rule: prove after every
    /// start of an in-flight exit of an entry's tx, not before.
    function test_h26_proofBeforeTheInFlightExitMustBeRenewed() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _answer(watcher, id, es, 0, t, _proofOne(t));
        uint256 e = START_TIME + 2 * MEP;
        vm.warp(e - MEP / 2);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        assertEq(game.inFlightExit(_ifeId(t)).competitorPos, 0, "the early proof is not recorded");
        vm.warp(e - 1);
        _carolFalseChallenge(t);
        vm.warp(e);
        _process(id, es);
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "proven but skipped");
    }

    /// @dev h26 with the re-proof at the exit's start: the last-second challenge reverts.
    function test_h26b_reproofAtTheInFlightExitStartBlocksTheChallenge() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);
        _answer(watcher, id, es, 0, t, _proofOne(t));
        uint256 e = START_TIME + 2 * MEP;
        vm.warp(e - MEP / 2);
        _startIfeAs(carol, t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _answer(watcher, id, es, 0, t, _proofOne(t));
        vm.warp(e - 1);
        _expectFalseChallengeBlocked(t, tPos);
        vm.warp(e);
        _process(id, es);
        assertTrue(game.isOutputExited(game.outputId(t, tPos)), "re-proven: paid");
    }
}
