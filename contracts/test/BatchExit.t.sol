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
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice Batch exits (docs/exit-games.md, "Batch exits"): start, every challenge, processing,
/// and how a batch meets standard and in-flight exits of the same outputs. Each rule has its
/// honest path and its cheats.
contract BatchExitTest is BatchTest {
    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- honest path

    function test_batch_honestPathPaysEveryOwnerOnce() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        PaymentExitBase.Batch memory b = batches().batchExit(id);
        assertEq(b.count, 3, "b.count, 3");
        assertEq(b.starter, watcher, "b.starter, watcher");
        // Youngest entry: block 1000 (a deposit is older), no deposit boost.
        assertEq(b.exitableAt, START_TIME + 2 * MEP, "b.exitableAt, START_TIME + 2 * MEP");
        uint256[3] memory before = [alice.balance, bob.balance, carol.balance];
        uint256 watcherBefore = watcher.balance;
        vm.warp(START_TIME + 2 * MEP);
        _process(id, es);
        assertEq(alice.balance - before[0], 2 ether, "alice.balance - before[0], 2 ether");
        assertEq(bob.balance - before[1], 3 ether, "bob.balance - before[1], 3 ether");
        assertEq(carol.balance - before[2], 1 ether, "carol.balance - before[2], 1 ether");
        // The starter gets each bond back minus the bounty; the processor (this test) the bounty.
        assertEq(
            watcher.balance - watcherBefore,
            3 * (entryBond - entryBond / 4),
            "watcher.balance - watcherBefore, 3 * (entryBond - entryBond "
        );
        assertTrue(
            game.isOutputExited(game.outputId(txs[0], bobPos)),
            "game.isOutputExited(game.outputId(txs[0], bobPos))"
        );
        assertEq(game.queueTop(address(0)), 0, "game.queueTop(address(0)), 0");
        // Exits are forever: no standard exit, no second batch payout.
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitGame.OutputAlreadyExited.selector, _exitId(txs[0], bobPos)
            )
        );
        _startExitHinted(bob, bobPos, txs[0], _blockProof(0), 0);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.BatchNotFound.selector, id));
        _process(id, es);
    }

    function test_batch_ownerStartsOwnBatchWithoutAgent() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 before = bob.balance;
        _process(id, es);
        assertEq(
            bob.balance - before,
            3 ether + entryBond - entryBond / 4,
            "bob.balance - before, 3 ether + entryBond - entryBond / 4"
        );
    }

    function test_batch_processInChunks() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 bobBefore = bob.balance;
        batches().processBatchExit(id, Batches.encode(es), 1);
        assertEq(bob.balance - bobBefore, 3 ether, "bob.balance - bobBefore, 3 ether");
        assertEq(batches().batchExit(id).processed, 1, "batches().batchExit(id).processed, 1");
        // Still at the head: a standard processExits stops at it.
        assertEq(uint160(game.queueTop(address(0))), id, "uint160(game.queueTop(address(0))), id");
        assertEq(game.processExits(address(0), 10), 0, "game.processExits(address(0), 10), 0");
        batches().processBatchExit(id, Batches.encode(es), 5);
        assertEq(batches().batchExit(id).processed, 3, "batches().batchExit(id).processed, 3");
        assertEq(game.queueTop(address(0)), 0, "game.queueTop(address(0)), 0");
    }

    // ---------------------------------------------------------------- start: cheats and errors

    function test_batch_strangerCannotNameOwners() public {
        BatchEntries.Entry[] memory es = _honest();
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.NotBatchAgent.selector, bob, thief));
        vm.prank(thief);
        batches().startBatchExit{value: entryBond * 3}(address(0), Batches.encode(es), 0);
    }

    function test_batch_agentRevokedCannotStart() public {
        _agents();
        vm.prank(bob);
        batches().setBatchExitAgent(address(0));
        BatchEntries.Entry[] memory es = _honest();
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.NotBatchAgent.selector, bob, watcher)
        );
        vm.prank(watcher);
        batches().startBatchExit{value: entryBond * 3}(address(0), Batches.encode(es), 0);
    }

    function test_batch_wrongBondReverts() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentBatchExitModule.WrongBond.selector, entryBond - 1, entryBond
            )
        );
        vm.prank(bob);
        batches().startBatchExit{value: entryBond - 1}(address(0), Batches.encode(es), 0);
    }

    function test_batch_malformedListsRevert() public {
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.BatchSize.selector, 0));
        batches().startBatchExit(address(0), "", 0);
        // A group header cut short.
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.BatchEncoding.selector, 0));
        batches().startBatchExit(address(0), abi.encodePacked(bob), 0);
        // A group of zero entries.
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.BatchEncoding.selector, 0));
        batches().startBatchExit(address(0), abi.encodePacked(bob, uint16(0)), 0);
        // A group announcing two entries and holding one.
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        bytes memory list = Batches.encode(es);
        list[21] = bytes1(uint8(2));
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.BatchEncoding.selector, 0));
        batches().startBatchExit{value: entryBond}(address(0), list, 0);
        vm.stopPrank();
    }

    function test_batch_atMost1024Entries() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1025);
        for (uint256 i; i < es.length; ++i) {
            es[i] = _entry(bob, txs[0], bobPos, 3 ether);
        }
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.BatchSize.selector, 1025));
        vm.prank(bob);
        batches().startBatchExit{value: entryBond * 1025}(address(0), Batches.encode(es), 0);
    }

    function test_batch_youngestBlockMustExist() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = BatchEntries.Entry(bob, 1, 1 ether, uint64(_pos(5000, 0, 0)), 0);
        vm.expectRevert(abi.encodeWithSelector(PaymentBatchExitModule.BlockNotFound.selector, 5000));
        vm.prank(bob);
        batches().startBatchExit{value: entryBond}(address(0), Batches.encode(es), 0);
    }

    function test_batch_moduleRefusesDirectCalls() public {
        PaymentBatchExitModule m = PaymentBatchExitModule(game.batchExitModule());
        vm.expectRevert(PaymentBatchExitModule.NotDelegated.selector);
        m.setBatchExitAgent(watcher);
    }

    // ---------------------------------------------------------------- priority

    /// @dev A batch's priority is its youngest entry's: an older output's standard exit goes
    /// first, a younger one after; processExits stops at the batch until its list is given.
    function test_batch_priorityIsTheYoungestEntrys() public {
        // Block 2000: alice's 2 ETH goes to carol (younger than block 1000).
        bytes memory later = _spend(alicePos, carol, address(0), 2 ether);
        uint256 laterPos = _pos(_submitOne(later), 0, 0);
        vm.warp(START_TIME + 1 days);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        // Carol's older deposit (a deposit exits at now + MEP) and her younger output.
        _startExit(carol, carolDepPos, carolDepTx, Tree.depositProof());
        _startExit(carol, laterPos, later, _proofOne(later));
        vm.warp(START_TIME + 3 * MEP);
        // The deposit (exitable at START + 1 day + MEP) is first, then the batch.
        assertEq(game.processExits(address(0), 10), 1, "game.processExits(address(0), 10), 1");
        assertEq(uint160(game.queueTop(address(0))), id, "uint160(game.queueTop(address(0))), id");
        _process(id, es);
        assertEq(game.processExits(address(0), 10), 1, "game.processExits(address(0), 10), 1");
        assertTrue(
            game.isOutputExited(game.outputId(later, laterPos)),
            "game.isOutputExited(game.outputId(later, laterPos))"
        );
    }

    function test_batch_processOnlyAtHeadAndMature() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.BatchExitNotMature.selector, id, START_TIME + 2 * MEP
            )
        );
        _process(id, es);
        // An older exit ahead of it.
        _startExit(carol, carolDepPos, carolDepTx, Tree.depositProof());
        vm.warp(START_TIME + 2 * MEP);
        uint256 head = game.queueTop(address(0));
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.BatchExitNotAtHead.selector, id, head)
        );
        _process(id, es);
        game.processExits(address(0), 1);
        // The list must be the one committed to.
        es[0].amount = 4 ether;
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.BatchDataMismatch.selector, id));
        _process(id, es);
    }

    // ---------------------------------------------------------------- challenge: spent

    function test_batch_spentEntryIsCancelledAndPaysItsBond() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        // Bob signed a spend of his output after the batch started (or before).
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        uint256 before = thief.balance;
        bytes memory sig = _sign(BOB_KEY, spend);
        vm.prank(thief);
        batches().challengeBatchEntrySpent(id, _proofOf(es, 0), spend, sig);
        assertEq(thief.balance - before, _share(), "the challenger gets half the entry bond");
        assertTrue(batches().isBatchEntryCancelled(id, 0), "batches().isBatchEntryCancelled(id, 0)");
        assertEq(batches().batchExit(id).cancelled, 1, "batches().batchExit(id).cancelled, 1");
        vm.warp(START_TIME + 2 * MEP);
        uint256 bobBefore = bob.balance;
        uint256 watcherBefore = watcher.balance;
        _process(id, es);
        assertEq(bob.balance, bobBefore, "bob.balance, bobBefore");
        assertEq(
            watcher.balance - watcherBefore,
            2 * (entryBond - entryBond / 4),
            "watcher.balance - watcherBefore, 2 * (entryBond - entryBond "
        );
        assertFalse(
            game.isOutputExited(game.outputId(txs[0], bobPos)),
            "game.isOutputExited(game.outputId(txs[0], bobPos))"
        );
    }

    function test_batch_spendCheats() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        bytes memory bobSig = _sign(BOB_KEY, spend);
        bytes memory aliceSig = _sign(ALICE_KEY, spend);
        // Signed by someone else.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.SignerNotOwner.selector, alice, bob)
        );
        batches().challengeBatchEntrySpent(id, p, spend, aliceSig);
        // Not a spend of the entry's position.
        bytes memory other = _spend(alicePos, carol, address(0), 2 ether);
        bytes memory otherBobSig = _sign(BOB_KEY, other);
        bytes memory otherAliceSig = _sign(ALICE_KEY, other);
        vm.expectRevert(abi.encodeWithSelector(PaymentBatchExitModule.NotASpend.selector, bobPos));
        batches().challengeBatchEntrySpent(id, p, other, otherBobSig);
        // An entry that is not in the batch (forged owner), or a wrong branch.
        PaymentExitBase.EntryProof memory forged = _proofOf(es, 0);
        forged.entry.owner = alice;
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 0));
        batches().challengeBatchEntrySpent(id, forged, other, otherAliceSig);
        PaymentExitBase.EntryProof memory wrongIndex = _proofOf(es, 0);
        wrongIndex.index = 1;
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 1));
        batches().challengeBatchEntrySpent(id, wrongIndex, spend, bobSig);
        PaymentExitBase.EntryProof memory outOfRange = _proofOf(es, 0);
        outOfRange.index = 3;
        vm.expectRevert(abi.encodeWithSelector(BatchEntries.EntryNotInBatch.selector, 3));
        batches().challengeBatchEntrySpent(id, outOfRange, spend, bobSig);
    }

    function test_batch_spendTwiceOrAfterProcessing() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        bytes memory bobSig = _sign(BOB_KEY, spend);
        batches().challengeBatchEntrySpent(id, p, spend, bobSig);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 0));
        batches().challengeBatchEntrySpent(id, p, spend, bobSig);
        // After processing.
        vm.warp(START_TIME + 2 * MEP);
        _process(id, es);
        PaymentExitBase.EntryProof memory p1 = _proofOf(es, 1);
        bytes memory aliceSpend = _spend(alicePos, carol, address(0), 2 ether);
        bytes memory aliceSpendSig = _sign(ALICE_KEY, aliceSpend);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 1));
        batches().challengeBatchEntrySpent(id, p1, aliceSpend, aliceSpendSig);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.BatchNotFound.selector, 7));
        batches().challengeBatchEntrySpent(7, p1, aliceSpend, aliceSpendSig);
    }

    /// @dev The signatures an in-flight exit publishes challenge a batch entry of its inputs.
    function test_batch_inFlightTxSpendingAnEntryChallengesIt() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        bytes memory ife = _spend(bobPos, carol, address(0), 3 ether);
        bytes[] memory inputTxs = new bytes[](1);
        inputTxs[0] = txs[0];
        uint256[] memory positions = new uint256[](1);
        positions[0] = bobPos;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = _blockProof(0);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(BOB_KEY, ife);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(carol);
        game.startInFlightExit{value: ifeBond}(
            PaymentExitBase.StartInFlightExitArgs(ife, inputTxs, positions, proofs, sigs)
        );
        vm.prank(watcher);
        batches().challengeBatchEntrySpent(id, _proofOf(es, 0), ife, sigs[0]);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "batches().isBatchEntryCancelled(id, 0)");
    }

    // ---------------------------------------------------------------- challenge: invalid

    function _oneEntryBatch(BatchEntries.Entry memory e)
        internal
        returns (uint160 id, BatchEntries.Entry[] memory es)
    {
        es = new BatchEntries.Entry[](1);
        es[0] = e;
        vm.prank(e.owner);
        batches().startBatchExit{value: entryBond}(address(0), Batches.encode(es), 0);
        id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
    }

    function _assertInvalid(BatchEntries.Entry memory e, bytes memory txb, bytes memory proof)
        internal
    {
        (uint160 id, BatchEntries.Entry[] memory es) = _oneEntryBatch(e);
        uint256 before = watcher.balance;
        _challengeInvalid(id, es, 0, txb, proof);
        assertEq(watcher.balance - before, _share(), "the challenger gets half the entry bond");
        assertTrue(batches().isBatchEntryCancelled(id, 0), "batches().isBatchEntryCancelled(id, 0)");
    }

    function test_batch_validEntryCannotBeCancelled() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryValid.selector, id, 0));
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryValid.selector, id, 2));
        _challengeInvalid(id, es, 2, carolDepTx, Tree.depositProof());
        // A proof of another leaf, or a forged leaf, fails the inclusion check.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.InvalidInclusionProof.selector, bobPos)
        );
        _challengeInvalid(id, es, 0, txs[1], _blockProof(0));
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.InvalidInclusionProof.selector, bobPos)
        );
        _challengeInvalid(id, es, 0, new bytes(32), _blockProof(0));
    }

    function test_batch_wrongOwnerIsCancelled() public {
        // Alice claims Bob's output (she exits for herself: no agent needed).
        _assertInvalid(_entry(alice, txs[0], bobPos, 3 ether), txs[0], _blockProof(0));
    }

    function test_batch_wrongAmountIsCancelled() public {
        _assertInvalid(_entry(alice, txs[0], alicePos, 3 ether), txs[0], _blockProof(0));
    }

    function test_batch_wrongExitIdIsCancelled() public {
        // Alice's position with the exit id of Bob's output: processing would mark Bob's
        // output exited.
        BatchEntries.Entry memory e = _entry(alice, txs[0], alicePos, 2 ether);
        e.exitId = _exitId(txs[0], bobPos);
        _assertInvalid(e, txs[0], _blockProof(0));
    }

    function test_batch_wrongTokenIsCancelled() public {
        (uint256 pos, bytes memory t) = _depositErc20(alice, 5);
        // An ETH batch naming a token output.
        _assertInvalid(_entry(alice, t, pos, 5), t, Tree.depositProof());
    }

    function test_batch_outputIndexBeyondTheTxIsCancelled() public {
        uint256 pos = _pos(1000, 0, 2);
        _assertInvalid(
            BatchEntries.Entry(alice, 1, 1 ether, uint64(pos), 0), txs[0], _blockProof(0)
        );
    }

    function test_batch_emptyLeafIsCancelled() public {
        // Block 1000 has two txs: leaf 5 is empty (32 zero bytes prove it).
        uint256 pos = _pos(1000, 5, 0);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        _assertInvalid(BatchEntries.Entry(alice, 1, 1 ether, uint64(pos), 0), new bytes(32), proof);
    }

    function test_batch_missingBlockIsCancelled() public {
        // Entry in deposit block 500 (never used), youngest entry in block 1000.
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = BatchEntries.Entry(alice, 1, 1 ether, uint64(_pos(500, 0, 0)), 0);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        vm.prank(alice);
        batches().startBatchExit{value: 2 * entryBond}(address(0), Batches.encode(es), 0);
        uint160 id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
        _challengeInvalid(id, es, 0, "", "");
        assertTrue(batches().isBatchEntryCancelled(id, 0), "batches().isBatchEntryCancelled(id, 0)");
    }

    function test_batch_txIndexBeyondAnyBlockIsCancelled() public {
        uint256 pos = _pos(1000, 70_000, 0);
        _assertInvalid(BatchEntries.Entry(alice, 1, 1 ether, uint64(pos), 0), "", "");
    }

    function test_batch_garbageLeafIsCancelled() public {
        // The operator put bytes that are no tx in block 2000; an entry there is invalid.
        bytes memory garbage = hex"deadbeef";
        uint256 blk = _submitOne(garbage);
        _assertInvalid(
            BatchEntries.Entry(alice, 1, 1 ether, uint64(_pos(blk, 0, 0)), 0),
            garbage,
            _proofOne(garbage)
        );
    }

    function test_batch_outOfGasDecodeDoesNotCancel() public {
        (uint160 id, BatchEntries.Entry[] memory es) =
            _oneEntryBatch(_entry(bob, txs[0], bobPos, 3 ether));
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory proof = _blockProof(0);
        bool cancelled;
        // Whatever gas the caller gives, a valid entry is never cancelled.
        for (uint256 g = 30_000; g < 200_000; g += 2_000) {
            (bool ok,) = address(game).call{gas: g}(
                abi.encodeCall(
                    PaymentBatchExitModule.challengeBatchEntryInvalid, (id, p, txs[0], proof)
                )
            );
            cancelled = cancelled || ok || batches().isBatchEntryCancelled(id, 0);
        }
        assertFalse(cancelled, "cancelled");
    }

    // ---------------------------------------------------------------- duplicates and other exits

    function test_batch_duplicateInOneBatchPaysOnce() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](2);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = es[0];
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 before = bob.balance;
        _process(id, es);
        assertEq(
            bob.balance - before,
            3 ether + 2 * (entryBond - entryBond / 4),
            "bob.balance - before, 3 ether + 2 * (entryBond - entryBond /"
        );
    }

    function test_batch_twoBatchesOfOneOutputPayOnce() public {
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 first = _start(bob, es);
        uint160 second = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault = address(ethVault).balance;
        _process(first, es);
        _process(second, es);
        assertEq(
            vault - address(ethVault).balance, 3 ether, "vault - address(ethVault).balance, 3 ether"
        );
    }

    function test_batch_liveStandardExitWins() public {
        _startExit(bob, bobPos, txs[0], _blockProof(0));
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault = address(ethVault).balance;
        // Same priority key but for the id: whichever goes first, 3 ETH leave once.
        while (game.queueTop(address(0)) != 0) {
            if (uint160(game.queueTop(address(0))) == id) _process(id, es);
            else game.processExits(address(0), 1);
        }
        assertEq(vault - address(ethVault).balance, 3 ether, "3 ETH left once");
        assertEq(batches().batchExit(id).processed, 1, "batches().batchExit(id).processed, 1");
    }

    function test_batch_exitedOutputIsNotPaidAgain() public {
        _startExit(carol, carolDepPos, carolDepTx, Tree.depositProof());
        vm.warp(START_TIME + MEP);
        game.processExits(address(0), 1);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
        uint160 id = _start(carol, es);
        vm.warp(block.timestamp + MEP);
        uint256 before = carol.balance;
        _process(id, es);
        assertEq(
            carol.balance - before,
            entryBond - entryBond / 4,
            "carol.balance - before, entryBond - entryBond / 4"
        );
    }

    function test_batch_piggybackedOutputIsNotPaid() public {
        // Bob's output is an input of an in-flight tx he signed and piggybacked.
        bytes memory ife = _spend(bobPos, carol, address(0), 3 ether);
        _startIfe(ife);
        uint256 pbond = game.piggybackBond();
        vm.prank(bob);
        game.piggybackInFlightExitOnInput{value: pbond}(ife, 0, 0);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault = address(ethVault).balance;
        while (game.queueTop(address(0)) != 0) {
            if (uint160(game.queueTop(address(0))) == id) _process(id, es);
            else game.processExits(address(0), 1);
        }
        // The in-flight tx is canonical: Bob's input is not paid, and neither is his entry.
        assertEq(address(ethVault).balance, vault, "address(ethVault).balance, vault");
        assertTrue(
            game.isOutputExited(game.outputId(txs[0], bobPos)),
            "game.isOutputExited(game.outputId(txs[0], bobPos))"
        );
    }

    function test_batch_entryOfATxWhoseInputsLeftInFlightIsCancelled() public {
        // Block 2000: t spends Carol's deposit into Bob 1 ETH (included).
        bytes memory t = _spend(carolDepPos, bob, address(0), 1 ether);
        uint256 tPos = _pos(_submitOne(t), 0, 0);
        bytes memory tProof = _proofOne(t);
        // An in-flight exit of t, falsely challenged and never answered: its input is paid.
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(bob, t, tPos, 1 ether);
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP + 1);
        game.processExits(address(0), 1);
        // Now t's value left through its input: Bob's entry is invalid.
        _challengeInvalid(id, es, 0, t, tProof);
        assertTrue(batches().isBatchEntryCancelled(id, 0), "batches().isBatchEntryCancelled(id, 0)");
    }

    function test_batch_inFlightIdNeverPaid() public {
        BatchEntries.Entry memory e = _entry(bob, txs[0], bobPos, 3 ether);
        e.exitId |= uint160(1) << 159;
        (uint160 id, BatchEntries.Entry[] memory es) = _oneEntryBatch(e);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault = address(ethVault).balance;
        _process(id, es);
        assertEq(address(ethVault).balance, vault, "address(ethVault).balance, vault");
    }

    function test_batch_allCancelledIsDroppedByProcessExits() public {
        (uint160 id, BatchEntries.Entry[] memory es) =
            _oneEntryBatch(_entry(alice, txs[0], bobPos, 3 ether));
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        _startExit(bob, bobPos, txs[0], _blockProof(0));
        vm.warp(START_TIME + 2 * MEP);
        // Nothing to pay in the batch: processExits pops it and goes on.
        assertEq(game.processExits(address(0), 10), 2, "game.processExits(address(0), 10), 2");
        assertEq(batches().batchExit(id).processed, 1, "batches().batchExit(id).processed, 1");
        assertTrue(
            game.isOutputExited(game.outputId(txs[0], bobPos)),
            "game.isOutputExited(game.outputId(txs[0], bobPos))"
        );
    }

    function test_batch_erc20Batch() public {
        (uint256 pos, bytes memory t) = _depositErc20(alice, 5e18);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](1);
        es[0] = _entry(alice, t, pos, 5e18);
        vm.prank(alice);
        batches().startBatchExit{value: entryBond}(address(token), Batches.encode(es), 0);
        uint160 id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryValid.selector, id, 0));
        _challengeInvalid(id, es, 0, t, Tree.depositProof());
        vm.warp(START_TIME + 2 * MEP);
        uint256 before = token.balanceOf(alice);
        _process(id, es);
        assertEq(token.balanceOf(alice) - before, 5e18, "token.balanceOf(alice) - before, 5e18");
    }

    // ---------------------------------------------------------------- the in-flight id

    function test_batch_wrongInFlightIdIsCancelled() public {
        // Right output, but the in-flight id of another tx: processing would look at the
        // wrong in-flight exit.
        BatchEntries.Entry memory e = _entry(bob, txs[0], bobPos, 3 ether);
        e.inFlightId = _ifeId(carolDepTx);
        _assertInvalid(e, txs[0], _blockProof(0));
    }

    /// @dev t (block 2000) spends Carol's deposit into Bob 0.4 ETH and Carol 0.6 ETH.
    function _splitCarolsDeposit() internal returns (bytes memory t, uint256 tPos) {
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(carolDepPos);
        t = _tx(ins, _outs2(bob, 0.4 ether, carol, 0.6 ether));
        tPos = _pos(_submitOne(t), 0, 0);
    }

    function test_batch_entrySkippedWhileItsTxExitsInFlight() public {
        (bytes memory t, uint256 tPos) = _splitCarolsDeposit();
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 0.4 ether));
        uint160 id = _start(bob, es);
        // A later in-flight exit of t, live when the batch is processed.
        vm.warp(START_TIME + MEP + 1);
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        vm.warp(START_TIME + 2 * MEP);
        uint256 vault = address(ethVault).balance;
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(address(ethVault).balance, vault, "nothing paid while t is in flight");
        assertEq(bob.balance - bob0, entryBond - entryBond / 4, "the starter's bond is back");
        assertFalse(game.isOutputExited(game.outputId(t, tPos)), "the output can exit later");
        // Bob's standard exit of it proves t included (it also answers any canonicity
        // challenge of the in-flight exit).
        _startExit(bob, tPos, t, _proofOne(t));
    }

    function test_batch_entryPaidOnceItsTxsInFlightExitFinalizedCanonical() public {
        (bytes memory t, uint256 tPos) = _splitCarolsDeposit();
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        uint256 pbond = game.piggybackBond();
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pbond}(t, 1, 0);
        // Started later: the in-flight exit is ahead of the batch.
        vm.warp(START_TIME + MEP + 1);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 0.4 ether));
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP + 1);
        game.processExits(address(0), 1);
        assertEq(uint160(game.queueTop(address(0))), id, "the in-flight exit went first");
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(bob.balance - bob0, 0.4 ether + entryBond - entryBond / 4, "bob paid");
    }

    function test_batch_entryOfATxWhoseInputsLeftInFlightIsSkippedUnchallenged() public {
        (bytes memory t, uint256 tPos) = _splitCarolsDeposit();
        _startIfeOf(t, carolDepTx, carolDepPos, Tree.depositProof(), CAROL_KEY);
        _falselyChallengeAndPiggybackCarolsInput(t);
        vm.warp(START_TIME + MEP + 1);
        BatchEntries.Entry[] memory es = _one(_entry(bob, t, tPos, 0.4 ether));
        uint160 id = _start(bob, es);
        vm.warp(START_TIME + 2 * MEP + 1);
        uint256 vault = address(ethVault).balance;
        game.processExits(address(0), 1);
        _process(id, es);
        // Nobody challenged Bob's entry, yet only Carol's 1 ETH input left.
        assertEq(vault - address(ethVault).balance, 1 ether, "1 ETH out for 1 ETH of value");
    }

    // ---------------------------------------------------------------- proof requests

    function test_batch_answeredProofRequestPaysTheResponderAndTheEntry() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 0);
        assertEq(batches().batchEntryProofRequester(id, 0), thief, "thief asked");
        uint256 answerer0 = carol.balance;
        vm.prank(carol);
        batches().answerBatchEntryProof(id, _proofOf(es, 0), txs[0], _blockProof(0));
        assertEq(carol.balance - answerer0, entryBond, "the responder took the request's bond");
        assertEq(batches().batchEntryProofRequester(id, 0), address(0), "answered");
        // The answered entry is paid as any other.
        vm.warp(START_TIME + 2 * MEP);
        uint256 bob0 = bob.balance;
        _process(id, es);
        assertEq(bob.balance - bob0, 3 ether, "bob paid");
    }

    function test_batch_answerOfADepositEntry() public {
        BatchEntries.Entry[] memory es = _one(_entry(carol, carolDepTx, carolDepPos, 1 ether));
        uint160 id = _start(carol, es);
        _request(thief, id, es, 0);
        vm.prank(watcher);
        batches().answerBatchEntryProof(id, _proofOf(es, 0), carolDepTx, Tree.depositProof());
        assertEq(batches().batchEntryProofRequester(id, 0), address(0), "answered");
    }

    function test_batch_unansweredProofRequestCancelsTheEntryAtProcessing() public {
        _agents();
        BatchEntries.Entry[] memory es = _honest();
        uint160 id = _start(watcher, es);
        _request(thief, id, es, 1); // Alice's entry: valid, but nobody answers
        vm.warp(START_TIME + 2 * MEP);
        uint256[3] memory before = [alice.balance, bob.balance, thief.balance];
        uint256 watcher0 = watcher.balance;
        uint256 processor0 = address(this).balance;
        _process(id, es);
        assertEq(alice.balance, before[0], "alice not paid");
        assertEq(bob.balance - before[1], 3 ether, "bob paid");
        assertEq(thief.balance, before[2], "nothing pushed to the requester...");
        assertEq(game.bondCredits(thief), _unansweredCredit(), "...both bonds credited");
        assertEq(watcher.balance - watcher0, 2 * (entryBond - entryBond / 4), "two bonds back");
        assertEq(address(this).balance - processor0, 3 * (entryBond / 4), "three bounties");
        vm.prank(thief);
        game.withdrawBondCredit();
        assertEq(thief.balance - before[2], _unansweredCredit(), "pulled");
        assertFalse(game.isOutputExited(game.outputId(txs[0], alicePos)), "alice can exit later");
        assertEq(batches().batchEntryProofRequester(id, 1), address(0), "request settled");
    }

    function test_batch_proofRequestRules() public {
        BatchEntries.Entry[] memory es = _one(_entry(bob, txs[0], bobPos, 3 ether));
        uint160 id = _start(bob, es);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        // The bond is the entry's.
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.WrongBond.selector, 1, entryBond)
        );
        batches().requestBatchEntryProof{value: 1}(id, p);
        // An answer without a request proves the entry, and pays nobody.
        uint256 game0 = address(game).balance;
        batches().answerBatchEntryProof(id, p, txs[0], _blockProof(0));
        assertEq(address(game).balance, game0, "no bond moved");
        _request(thief, id, es, 0);
        // One request at a time.
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofAlreadyRequested.selector, id, 0)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        // An answer must show the tx at the position, included.
        vm.expectRevert(
            abi.encodeWithSelector(PaymentBatchExitModule.InvalidInclusionProof.selector, bobPos)
        );
        batches().answerBatchEntryProof(id, p, txs[1], _blockProof(0));
        // Too late: MEP/2 before the batch matures.
        vm.prank(bob);
        batches().answerBatchEntryProof(id, p, txs[0], _blockProof(0));
        uint256 deadline = START_TIME + 2 * MEP - MEP / 2;
        vm.warp(deadline + 1);
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitBase.ProofRequestTooLate.selector, id, deadline)
        );
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        // Nothing after processing.
        vm.warp(START_TIME + 2 * MEP);
        _process(id, es);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 0));
        batches().requestBatchEntryProof{value: entryBond}(id, p);
    }

    function test_batch_wrongEntryCannotBeAnswered() public {
        // Alice claims 3 ETH at her 2 ETH position; the true tx does not match.
        BatchEntries.Entry[] memory es = _one(_entry(alice, txs[0], alicePos, 3 ether));
        uint160 id = _start(alice, es);
        _request(watcher, id, es, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryNotShown.selector, id, 0));
        batches().answerBatchEntryProof(id, _proofOf(es, 0), txs[0], _blockProof(0));
        // Nor an entry in a block that does not exist (no proof is possible).
        BatchEntries.Entry[] memory far = _one(_entry(bob, txs[0], bobPos, 3 ether));
        far[0].utxoPos = uint64(_pos(500, 0, 0));
        far = _withYoungest(far);
        uint160 id2 = _start(bob, far);
        _request(watcher, id2, far, 0);
        PaymentExitBase.EntryProof memory p = _proofOf(far, 0);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntryNotShown.selector, id2, 0));
        batches().answerBatchEntryProof(id2, p, "", "");
    }

    /// @dev `es` and Bob's valid entry at block 1000 as the youngest (a batch's youngest block
    /// must exist).
    function _withYoungest(BatchEntries.Entry[] memory es)
        internal
        view
        returns (BatchEntries.Entry[] memory out)
    {
        out = new BatchEntries.Entry[](es.length + 1);
        for (uint256 i; i < es.length; ++i) {
            out[i] = es[i];
        }
        out[es.length] = _entry(bob, txs[0], bobPos, 3 ether);
    }

    function test_batch_challengeOfARequestedEntryPaysTheRequester() public {
        BatchEntries.Entry[] memory es = _one(_entry(alice, txs[0], bobPos, 3 ether));
        uint160 id = _start(alice, es);
        _request(thief, id, es, 0);
        uint256 thief0 = thief.balance;
        uint256 watcher0 = watcher.balance;
        _challengeInvalid(id, es, 0, txs[0], _blockProof(0));
        // The request came first: the requester takes its bond back and the entry's share,
        // the challenger nothing; the other half is burnt.
        assertEq(watcher.balance, watcher0, "the challenger gets nothing");
        assertEq(thief.balance - thief0, entryBond + _share(), "the requester's bond and share");
        assertEq(batches().batchEntryProofRequester(id, 0), address(0), "request void");
        // The settled entry cannot be answered.
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.EntrySettled.selector, id, 0));
        batches().answerBatchEntryProof(id, _proofOf(es, 0), txs[0], _blockProof(0));
    }

    // ---------------------------------------------------------------- in-flight helpers

    function _startIfe(bytes memory ife) internal {
        _startIfeOf(ife, txs[0], bobPos, _blockProof(0), BOB_KEY);
    }

}
