// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchTest} from "./utils/BatchTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Batches} from "./utils/Batches.sol";
import {PaymentBatchExitModule} from "../src/exits/PaymentBatchExitModule.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {BatchEntries} from "../src/lib/BatchEntries.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {Vault} from "../src/vaults/Vault.sol";

/// @dev An entry owner whose receive hook tries to re-enter processBatchExit during its payout.
contract ReenteringOwner {
    PaymentBatchExitModule internal immutable g;
    uint160 public id;
    bytes public list;
    bytes4 public seen;

    constructor(PaymentBatchExitModule g_) {
        g = g_;
    }

    function start(bytes calldata l) external payable {
        list = l;
        g.startBatchExit{value: msg.value}(address(0), l, 0);
        id = uint160(uint256(3) << 158) | uint160(g.batchCount());
    }

    receive() external payable {
        if (seen != bytes4(0)) return;
        try g.processBatchExit(id, list, type(uint256).max) {
            seen = 0xffffffff;
        } catch (bytes memory r) {
            seen = bytes4(r);
        }
    }
}

/// @notice Attacker's review of the batch exit path: one test per hypothesis.
/// Each asserts the defence; h1 and h2 were found working and are fixed (their tests show how).
contract BatchReviewTest is BatchTest {
    // ---------------------------------------------------------------- helpers

    // ================================================================ h1 (fixed)
    /// @dev Pay twice: Carol's 1 ETH deposit is spent by t (included, block published) into
    /// Bob's 1 ETH. Bob batch-exits t's output; Carol in-flight exits t, piggybacks her input
    /// and "challenges" canonicity with her own unincluded double spend. A standard exit of
    /// Bob's output would have proven t included; the batch entry proves nothing. Found: the
    /// batch paid Bob and the in-flight exit paid Carol, 2 ETH for 1. Fixed: the entry names
    /// t's in-flight exit id, and processing skips it while that exit is live, so the 1 ETH
    /// leaves once (to Carol, as for any false challenge nobody answers: the MoreVP watcher
    /// assumption; Bob keeps his output unexited).
    function test_h1_inFlightInputAndBatchOutputPayOnce() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        bytes memory tProof = _proofOne(t);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 1 ether));
        uint160 id = _start(bob, es);

        // Later: the in-flight exit of t (exitableAt after the batch's).
        vm.warp(START_TIME + MEP + 1);
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);

        // The entry matches the chain: it cannot be cancelled...
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryValid.selector, id, 0));
        _challengeInvalid(id, es, 0, t, tProof);

        vm.warp(START_TIME + 2 * MEP);
        assertEq(uint160(game.queueTop(address(0))), id, "the batch is ahead of the IFE");
        uint256 vault0 = address(ethVault).balance;
        _process(id, es);
        // ...but it is not paid while t is in flight.
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "bob's output not paid");

        vm.warp(START_TIME + 2 * MEP + 1);
        game.processExits(address(0), 10);
        assertTrue(
            game.isOutputExited(game.outputId(carolDepTx, carolDepPos)), "carol's input paid"
        );
        assertEq(vault0 - address(ethVault).balance, 1 ether, "1 ETH out for 1 ETH of value");
    }

    // ================================================================ h2 (fixed)
    /// @dev Steal with no data: block 2000's root is submitted but its contents are never
    /// published (withheld, or lost). Any user (not the operator) lists an entry of arbitrary
    /// amount at a position in it: the invalid challenge needs the tx and its proof against
    /// that root, which nobody has, and "nothing" is only accepted when the block does not
    /// exist. Found: the entry was paid at block 2000's priority, out of other users' deposits.
    /// Fixed: a watcher asks for the entry's proof (`requestBatchEntryProof`); nobody can
    /// answer it, so processing cancels the entry and credits the watcher both bonds (less the
    /// processor's bounty).
    function test_h2_entryInWithheldBlockIsCancelledByAProofRequest() public {
        uint256 blk = framework.nextChildBlock();
        vm.prank(operator);
        framework.submitBlock(keccak256("a block whose data nobody has"));
        uint256 pos = _pos(blk, 0, 0);
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(0xbadbad), 4 ether, uint64(pos), 0));
        uint160 id = _start(thief, es);

        // No challenge can succeed: no proof, or any proof, fails against the unknown root.
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 0));
        _challengeInvalid(id, es, 0, "", "");
        (, bytes memory emptyProof) = Tree.rootAndProof(txs, 0);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.InvalidInclusionProof.selector, pos)
        );
        _challengeInvalid(id, es, 0, new bytes(32), emptyProof);

        // The proof request: the thief cannot answer it either.
        uint256 bond = batches().batchEntryBond();
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(watcher);
        batches().requestBatchEntryProof{value: bond}(id, p);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.InvalidInclusionProof.selector, pos)
        );
        batches().answerBatchEntryProof(id, p, new bytes(32), emptyProof);

        vm.warp(START_TIME + 2 * MEP);
        uint256 vault0 = address(ethVault).balance;
        uint256 thief0 = thief.balance;
        uint256 watcher0 = watcher.balance;
        _process(id, es);
        assertEq(address(ethVault).balance, vault0, "nothing left the vault");
        assertEq(thief.balance, thief0, "the thief got nothing, not even his bond");
        assertEq(watcher.balance, watcher0, "credited, not pushed");
        assertEq(game.bondCredits(watcher), _unansweredCredit(), "its bond and the entry's share");
    }

    // ================================================================ h3
    /// @dev Queue jump: the thief's real output is in block 2000, but his entry names a
    /// position in block 1000 (older) to get that priority. The batch does get the older
    /// key, but the entry is cancelled by showing the tx at that position.
    function test_h3_oldPositionForYoungOutputIsCancelled() public {
        bytes memory t = _spend(alicePos, thief, address(0), 2 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        BatchEntries.Entry memory e = _entry(thief, t, tPos, 2 ether);
        e.utxoPos = uint64(bobPos);
        BatchEntries.Entry[] memory es = _one(e);
        uint160 id = _start(thief, es);
        uint256 key = game.queueTop(address(0));
        assertEq(uint160(key), id, "batch queued");
        assertEq((key >> 160) & type(uint64).max, bobPos / 10_000, "claims block 1000's txPos");
        uint256 before = watcher.balance;
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        assertTrue(batches().isBatchEntryCancelled(id, 0), "jumping entry cancelled");
        assertEq(watcher.balance - before, _share(), "the challenger takes half the bond");
        vm.warp(START_TIME + 2 * MEP);
        assertEq(game.processExits(address(0), 5), 1, "dropped, nothing paid");
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "thief's output still unexited");
    }

    // ================================================================ h4
    /// @dev Token swap: Bob names his 3 ETH output in a TST batch, to be paid 3e18 TST out of
    /// others' token deposits (and burn his ETH output). Cancelled by the token check; his ETH
    /// output stays exitable.
    function test_h4_ethOutputInTokenBatchIsCancelled() public {
        _depositErc20(alice, 10e18);
        BatchEntries.Entry[] memory es = _one(_entry(bob, txs[0], bobPos, 3 ether));
        uint160 id = _startAs(bob, address(token), es);
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        assertTrue(batches().isBatchEntryCancelled(id, 0), "wrong-token entry cancelled");
        vm.warp(START_TIME + 2 * MEP);
        uint256 tokens = token.balanceOf(address(erc20Vault));
        assertEq(game.processExits(address(token), 5), 1, "batch dropped");
        assertEq(token.balanceOf(address(erc20Vault)), tokens, "no token paid");
        _startExit(bob, bobPos, txs[0], _blockProof(0));
        vm.warp(block.timestamp + MEP);
        uint256 vault0 = address(ethVault).balance;
        game.processExits(address(0), 5);
        assertEq(vault0 - address(ethVault).balance, 3 ether, "bob's ETH still exits");
    }

    // ================================================================ h5
    /// @dev Reentrancy: an entry owner re-enters processBatchExit from its payout (before
    /// `processed` is written back). The shared transient lock refuses it; paid once.
    function test_h5_reentrantProcessFromPayoutIsRefused() public {
        ReenteringOwner o = new ReenteringOwner(batches());
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(address(o), uint160(777), 1 ether, uint64(bobPos), 0));
        bytes memory list = Batches.encode(es);
        o.start{value: entryBond}(list);
        uint160 id = o.id();
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault0 = address(ethVault).balance;
        batches().processBatchExit(id, list, type(uint256).max);
        assertEq(
            bytes32(o.seen()),
            bytes32(bytes4(keccak256("ReentrancyGuardReentrantCall()"))),
            "re-entry refused"
        );
        assertEq(vault0 - address(ethVault).balance, 1 ether, "paid once");
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.BatchNotFound.selector, id));
        batches().processBatchExit(id, list, type(uint256).max);
    }

    // ================================================================ h6
    /// @dev Block the queue: an unchallenged entry larger than the vault makes processing
    /// revert (InsufficientFunds), and processExits stops at the batch, so every exit behind
    /// it waits. It stays challengeable (never processed), and once cancelled the queue runs.
    function test_h6_unpayableBatchBlocksOnlyUntilChallenged() public {
        uint256 pos = _pos(1000, 5, 0); // an empty leaf of block 1000
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(1), type(uint96).max, uint64(pos), 0));
        uint160 id = _start(thief, es);
        // Alice's deposit exit, started later: queued behind the batch.
        vm.warp(START_TIME + MEP + 1);
        bytes memory dTx = _depositTx(alice, address(0), 1 ether);
        (uint256 dPos,) = _depositEth(alice, 1 ether);
        _startExit(alice, dPos, dTx, Tree.depositProof());
        vm.warp(START_TIME + 2 * MEP + 1);
        (bool ok, bytes memory r) = address(game)
            .call(
                abi.encodeCall(
                    PaymentBatchExitModule.processBatchExit, (id, Batches.encode(es), 10)
                )
            );
        assertFalse(ok, "processing reverts");
        assertEq(bytes32(selectorOf(r)), bytes32(Vault.InsufficientFunds.selector), "vault refuses");
        assertEq(game.processExits(address(0), 10), 0, "queue blocked at the batch");
        (, bytes memory emptyProof) = Tree.rootAndProof(txs, 5);
        _challengeInvalid(id, es, 0, new bytes(32), emptyProof);
        assertEq(game.processExits(address(0), 10), 2, "batch dropped, alice's exit paid");
    }

    // ================================================================ h7
    /// @dev Lock bonds: partial processing, then the rest cancelled, then processExits drops
    /// the batch. Every wei of bond leaves the game (starter, challenger, processor).
    function test_h7_noBondStuckAfterPartialProcessingAndCancels() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 3 ether); // wrong amount
        es[2] = _entry(carol, carolDepTx, carolDepPos, 2 ether); // wrong amount
        uint256 game0 = address(game).balance;
        uint160 id = _start(watcher, es);
        assertEq(address(game).balance - game0, 3 * entryBond, "bonds held");
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        batches().processBatchExit(id, Batches.encode(es), 1);
        assertEq(bob.balance - bob0, 3 ether, "bob paid");
        _challengeInvalid(id, es, 1, txs[0], _blockProof(0));
        _challengeInvalid(id, es, 2, carolDepTx, Tree.depositProof());
        assertEq(game.processExits(address(0), 10), 1, "dropped");
        assertEq(batches().batchExit(id).processed, 3, "settled");
        assertEq(address(game).balance, game0, "no bond left in the game");
        assertEq(game.queueTop(address(0)), 0, "queue empty");
    }

    // ================================================================ h8
    /// @dev Bitmap / chunk confusion: 260 entries (bitmap word 1 used), one cancelled at index
    /// 256, processed in chunks of 100 straddling groups. Only index 256 is skipped.
    function test_h8_cancelBitAcrossWordsAndChunks() public {
        _agents();
        uint256 n = 260;
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](n);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        for (uint256 i = 1; i < n; ++i) {
            // Block 500 never existed: all older than bobPos (the youngest, which exists).
            es[i] = BatchEntries.Entry(alice, uint160(1000 + i), 1, uint64(_pos(500, i, 0)), 0);
        }
        bytes memory list = Batches.encode(es);
        uint256 value = entryBond * n;
        vm.prank(watcher);
        batches().startBatchExit{value: value}(address(0), list, 0);
        uint160 id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
        _challengeInvalid(id, es, 256, "", "");
        assertTrue(batches().isBatchEntryCancelled(id, 256), "256 cancelled");
        assertFalse(batches().isBatchEntryCancelled(id, 0), "0 not cancelled");
        assertFalse(batches().isBatchEntryCancelled(id, 255), "255 not cancelled");
        assertFalse(batches().isBatchEntryCancelled(id, 257), "257 not cancelled");
        assertEq(batches().batchExit(id).cancelled, 1, "one cancelled");
        vm.warp(START_TIME + 2 * MEP);
        (uint256 a0, uint256 b0) = (alice.balance, bob.balance);
        batches().processBatchExit(id, list, 100);
        batches().processBatchExit(id, list, 100);
        assertEq(batches().batchExit(id).processed, 200, "200 settled");
        batches().processBatchExit(id, list, 100);
        assertEq(batches().batchExit(id).processed, n, "all settled");
        assertEq(batches().batchExit(id).cancelled, 0, "cancel counter consumed");
        assertEq(bob.balance - b0, 3 ether, "bob once");
        assertEq(alice.balance - a0, n - 2, "alice: every uncancelled 1-wei entry once");
        assertEq(game.queueTop(address(0)), 0, "popped");
    }

    // ================================================================ h9
    /// @dev Queue jump past a half-processed batch: a new exit (standard or batch, even of an
    /// older output) gets exitableAt >= now + MEP, so the batch stays at the head.
    function test_h9_cannotJumpAheadOfHalfProcessedBatch() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(watcher, es);
        vm.warp(START_TIME + 2 * MEP);
        batches().processBatchExit(id, Batches.encode(es), 1);
        (uint256 dPos, bytes memory dTx) = _depositEth(alice, 1 ether);
        _startExit(alice, dPos, dTx, Tree.depositProof());
        uint160 second = _start(carol, _one(_entry(carol, carolDepTx, carolDepPos, 1 ether)));
        assertEq(uint160(game.queueTop(address(0))), id, "half-processed batch still first");
        uint256 carol0 = carol.balance;
        _process(id, es);
        assertEq(carol.balance - carol0, 1 ether, "carol paid by the first batch");
        vm.warp(block.timestamp + MEP);
        carol0 = carol.balance;
        _process(second, _one(_entry(carol, carolDepTx, carolDepPos, 1 ether)));
        assertEq(carol.balance - carol0, entryBond - entryBond / 4, "second batch: bond back only");
    }

    // ================================================================ h10
    /// @dev Pay twice the other way: Bob's output is the input of a (canonical) in-flight tx
    /// to Carol, whose output Carol piggybacks; nobody challenges Bob's entry with his spend.
    /// The batch pays Bob first; the in-flight exit then sees its input exited and pays no
    /// output. Value leaves once (Carol should have challenged with Bob's published signature).
    function test_h10_batchPaidInputMakesInFlightNonCanonical() public {
        BatchEntries.Entry[] memory es = _one(_entry(bob, txs[0], bobPos, 3 ether));
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + MEP + 1);
        bytes memory ife = _spend(bobPos, carol, address(0), 3 ether);
        _startIfeOf(ife, txs[0], bobPos, _blockProof(0), BOB_KEY);
        uint256 pbond = game.piggybackBond();
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pbond}(ife, 0, 0);
        vm.warp(START_TIME + 2 * MEP);
        assertEq(uint160(game.queueTop(address(0))), id, "batch first");
        uint256 vault0 = address(ethVault).balance;
        _process(id, es);
        vm.warp(START_TIME + 2 * MEP + 1);
        game.processExits(address(0), 10);
        assertEq(vault0 - address(ethVault).balance, 3 ether, "3 ETH left once");
        assertFalse(
            game.isOutputExited(game.outputId(ife, _pos(0, 0, 0))), "carol's output not paid"
        );
    }

    // ================================================================ h11
    /// @dev Forged membership: a padding leaf (index 3 of 3), a short branch (an inner node
    /// passed off as the leaf), an index beyond count: all refused, so no honest entry can be
    /// named wrongly and cancelled.
    function test_h11_forgedMembershipRefused() public {
        _agents();
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(watcher, es);
        (, bytes32[] memory branch2) = Batches.rootAndBranch(es, 2);
        PaymentExitBase.EntryProof memory pad =
            PaymentExitBase.EntryProof(3, BatchEntries.Entry(address(0), 0, 0, 0, 0), branch2);
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 3));
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, pad, "", "");
        // A short branch: the level-1 node of entries 0 and 1 is not a leaf.
        (, bytes32[] memory branch0) = Batches.rootAndBranch(es, 0);
        bytes32[] memory short_ = new bytes32[](1);
        short_[0] = branch0[1];
        PaymentExitBase.EntryProof memory shortP =
            PaymentExitBase.EntryProof(0, BatchEntries.Entry(thief, 1, 1, 1, 0), short_);
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 0));
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, shortP, "", "");
        // The real entry 0 with a wrong index.
        PaymentExitBase.EntryProof memory wrongIdx = _proofOf(es, 0);
        wrongIdx.index = 2;
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 2));
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, wrongIdx, txs[0], _blockProof(0));
        assertEq(batches().batchExit(id).cancelled, 0, "nothing cancelled");
    }

    // ================================================================ h12
    /// @dev Risk-free fake entries: the starter of a false entry challenges it himself (e.g.
    /// front-running a watcher); the watcher's challenge reverts. Found: he got its whole bond
    /// back, so the bond deterred nothing. Fixed: a canceller gets half the bond, the other
    /// half is burnt, so the self-challenge costs the thief half his bond.
    function test_h12_selfChallengeCostsHalfTheFakeEntryBond() public {
        uint256 pos = _pos(1000, 5, 0);
        BatchEntries.Entry[] memory es =
            _one(BatchEntries.Entry(thief, uint160(1), 1 ether, uint64(pos), 0));
        uint256 thief0 = thief.balance;
        uint160 id = _start(thief, es);
        (, bytes memory emptyProof) = Tree.rootAndProof(txs, 5);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, p, new bytes(32), emptyProof);
        assertEq(thief0 - thief.balance, entryBond / 2, "the thief lost the burnt half");
        assertEq(address(0).balance, entryBond / 2, "burnt");
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 0));
        _challengeInvalid(id, es, 0, new bytes(32), emptyProof);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "but the fake entry is dead");
    }

    // ================================================================ h13
    /// @dev Processing with a re-grouped list (same leaves, other group boundaries) or with
    /// maxEntries = 0: accepted, and pays exactly what the committed list says.
    function test_h13_regroupedListAndZeroChunkAreHarmless() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(bob, carolDepTx, carolDepPos, 1 ether); // wrong owner, unchallenged
        uint160 id = _start(bob, es);
        bytes memory regrouped = bytes.concat(
            abi.encodePacked(bob, uint16(1), es[0].exitId, es[0].amount, es[0].utxoPos),
            abi.encodePacked(es[0].inFlightId),
            abi.encodePacked(bob, uint16(1), es[1].exitId, es[1].amount, es[1].utxoPos),
            abi.encodePacked(es[1].inFlightId)
        );
        assertTrue(keccak256(regrouped) != keccak256(Batches.encode(es)), "a different list");
        vm.warp(START_TIME + 2 * MEP);
        batches().processBatchExit(id, regrouped, 0);
        assertEq(batches().batchExit(id).processed, 0, "zero chunk: nothing settled");
        uint256 vault0 = address(ethVault).balance;
        batches().processBatchExit(id, regrouped, 10);
        assertEq(vault0 - address(ethVault).balance, 4 ether, "exactly the committed amounts");
        assertEq(game.queueTop(address(0)), 0, "popped");
    }

    // ================================================================ h14 (contrast to h1)
    /// @dev h1 with a standard exit instead of the batch entry: the live exit proves t
    /// included, Carol's false canonicity challenge is refused (or answered), and the 1 ETH
    /// leaves once. The batch path is what opens h1.
    function test_h14_standardExitVersionOfH1PaysOnce() public {
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        bytes memory tProof = _proofOne(t);
        _startExit(bob, tPos, t, tProof);
        vm.warp(START_TIME + MEP + 1);
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        uint256 pbond = game.piggybackBond();
        vm.prank(carol);
        game.piggybackInFlightExitOnInput{value: pbond}(t, 0, 0);
        bytes memory rival = _spend(carolDepPos, carol, address(0), 1 ether);
        uint256 cbond = game.canonicityChallengeBond();
        bytes memory rivalSig = _sign(CAROL_KEY, rival);
        vm.prank(carol);
        (bool challenged,) = address(game).call{value: cbond}(
            abi.encodeCall(
                PaymentExitGame.challengeInFlightExitNotCanonical,
                (PaymentExitBase.CanonicityChallenge(t, 0, rival, 0, 0, "", rivalSig))
            )
        );
        assertFalse(challenged, "the live standard exit already proved t included");
        vm.warp(START_TIME + 2 * MEP + 1);
        uint256 vault0 = address(ethVault).balance;
        game.processExits(address(0), 10);
        assertEq(vault0 - address(ethVault).balance, 1 ether, "1 ETH out, once");
        assertFalse(
            game.isOutputExited(game.outputId(carolDepTx, carolDepPos))
                && game.isOutputExited(game.outputId(t, tPos))
                && vault0 - address(ethVault).balance > 1 ether,
            "not both paid"
        );
    }
}
