// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchTest} from "./utils/BatchTest.sol";
import {Batches} from "./utils/Batches.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentBatchExitModule} from "../src/exits/PaymentBatchExitModule.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {BatchEntries} from "../src/lib/BatchEntries.sol";
import {GasBurner} from "./BatchFixReview.t.sol";

/// @dev A proof requester / challenger under the thief's control: it can refuse every payment
/// (`refuse`), and on each payment it receives it tries to re-enter the game (process, pull a
/// credit, challenge again) and records the revert selector of each attempt.
contract HostileActor {
    PaymentBatchExitModule internal immutable g;
    bool public refuse;
    uint160 internal id;
    /// @dev Revert selectors of the re-entries (1 = not tried, 2 = it succeeded).
    uint256 public r0 = 1;
    uint256 public r1 = 1;
    uint256 public r2 = 1;
    bytes internal spend;
    bytes internal sig;
    PaymentExitBase.EntryProof internal again;

    constructor(PaymentBatchExitModule g_) {
        g = g_;
    }

    function setRefuse(bool r) external {
        refuse = r;
    }

    function request(uint160 id_, PaymentExitBase.EntryProof calldata p) external payable {
        id = id_;
        g.requestBatchEntryProof{value: msg.value}(id_, p);
    }

    /// @dev The entry the receive hook tries to cancel too (`spend_` signed `sig_`).
    function setAgain(PaymentExitBase.EntryProof calldata p2, bytes calldata spend_, bytes calldata sig_)
        external
    {
        again = p2;
        spend = spend_;
        sig = sig_;
    }

    function challengeSpent(
        uint160 id_,
        PaymentExitBase.EntryProof calldata p,
        bytes calldata spend_,
        bytes calldata sig_
    ) external {
        id = id_;
        g.challengeBatchEntrySpent(id_, p, spend_, sig_);
    }

    function withdraw() external {
        PaymentExitGame(payable(address(g))).withdrawBondCredit();
    }

    receive() external payable {
        if (refuse) revert("no");
        if (r0 != 1) return;
        try g.processBatchExit(id, "", 0) {
            r0 = 2;
        } catch (bytes memory e) {
            r0 = uint256(uint32(bytes4(e)));
        }
        try PaymentExitGame(payable(address(g))).withdrawBondCredit() {
            r1 = 2;
        } catch (bytes memory e) {
            r1 = uint256(uint32(bytes4(e)));
        }
        if (again.branch.length != 0) {
            try g.challengeBatchEntrySpent(id, again, spend, sig) {
                r2 = 2;
            } catch (bytes memory e) {
                r2 = uint256(uint32(bytes4(e)));
            }
        }
    }
}

/// @notice Attacker's review of the burn of half a cancelled batch entry's bond (the fix of
/// BatchFixReview's h23-h25) and of BATCH_ENTRY_BOND_GAS = 355,000. One test per hypothesis:
/// `test_bN_...` asserts the defence, `test_bN_FINDING_...` a working attack.
contract BatchBurnReviewTest is BatchTest {
    event log_named_uint(string key, uint256 val);

    bytes4 internal constant LOCKED = bytes4(keccak256("ReentrancyGuardReentrantCall()"));

    // ---------------------------------------------------------------- helpers

    /// @dev `n` fake entries of the thief at positions of a withheld block (nobody can show
    /// them wrong; only a request or the thief's own spend signature cancels them).
    function _fakes(uint256 n) internal returns (BatchEntries.Entry[] memory es) {
        return _fakesOf(n, 4 ether);
    }

    function _fakesOf(uint256 n, uint256 amount) internal returns (BatchEntries.Entry[] memory es) {
        uint256 blk = _withheldBlock();
        es = new BatchEntries.Entry[](n);
        for (uint256 i; i < n; ++i) {
            es[i] = BatchEntries.Entry(
                thief, uint160(0xbad000 + i), uint96(amount), uint64(_pos(blk, i, 0)), 0
            );
        }
    }

    /// @dev The thief cancels his own entry `i` with a spend he signs himself.
    function _selfChallenge(uint160 id, BatchEntries.Entry[] memory es, uint256 i) internal {
        bytes memory spend = _spend(es[i].utxoPos, thief, address(0), 1);
        bytes memory sig = _sign(THIEF_KEY, spend);
        PaymentExitBase.EntryProof memory p = _proofOf(es, i);
        vm.prank(thief);
        batches().challengeBatchEntrySpent(id, p, spend, sig);
    }

    /// @dev Gas of the calldata of `data` (16 per nonzero byte, 4 per zero byte) + 21,000.
    function _txBase(bytes memory data) internal pure returns (uint256 g) {
        g = 21_000;
        for (uint256 i; i < data.length; ++i) {
            g += data[i] == 0 ? 4 : 16;
        }
    }

    // ================================================================ b1
    /// @dev Every way for the starter to cancel his own fake entries himself, in two batches,
    /// processed in chunks of one by himself: e0 self-challenge; e1 self-request then
    /// self-challenge; e2 self-request left unanswered and self-processed; e3 self-request from
    /// a contract that refuses every payment, then self-challenged (its bond and share land in
    /// the vault as a credit, pulled later); e4 (second batch) self-request, unanswered, self-
    /// processed in a chunk of its own. Defence: each challenge burns floor(bond/2) before
    /// anyone is paid, each unanswered entry floor(bond/2) less the processor's bounty, and no
    /// combination of the roles (starter, requester, challenger, processor) gets the burnt part
    /// back: the thief ends exactly 3 · bond/2 + 2 · (bond/2 - bond/4) poorer and address(0)
    /// exactly that richer; nothing is left in the game or the vault.
    function test_b1_noSelfCancelComboIsFree() public {
        BatchEntries.Entry[] memory es = _fakes(4);
        BatchEntries.Entry[] memory es2 = _fakes(1);
        HostileActor refuser = new HostileActor(batches());
        refuser.setRefuse(true);
        uint256 thief0 = thief.balance;
        uint256 game0 = address(game).balance;
        uint256 vault0 = address(ethVault).balance;
        uint160 id = _start(thief, es);
        uint160 id2 = _start(thief, es2);

        _selfChallenge(id, es, 0);
        _request(thief, id, es, 1);
        _selfChallenge(id, es, 1);
        _request(thief, id, es, 2);
        PaymentExitBase.EntryProof memory p3 = _proofOf(es, 3);
        vm.prank(thief);
        refuser.request{value: entryBond}(id, p3);
        _selfChallenge(id, es, 3);
        _request(thief, id2, es2, 0);

        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        bytes memory list2 = Batches.encode(es2);
        for (uint256 i; i < 4; ++i) {
            vm.prank(thief);
            batches().processBatchExit(id, list, 1);
        }
        vm.prank(thief);
        batches().processBatchExit(id2, list2, 1);
        assertEq(game.queueTop(address(0)), 0, "both batches settled");
        vm.prank(thief);
        game.withdrawBondCredit();
        // The refusing requester's push fell back to the vault; the thief pulls it and sweeps.
        assertEq(
            ethVault.pendingWithdrawals(address(refuser)),
            entryBond + _share(),
            "e3's requester credited its bond and the share in the vault"
        );
        refuser.setRefuse(false);
        vm.prank(address(refuser));
        ethVault.withdrawPending();
        vm.prank(address(refuser));
        payable(thief).transfer(address(refuser).balance);

        uint256 burnt = 3 * (entryBond / 2) + 2 * _unansweredBurn();
        assertEq(thief0 - thief.balance, burnt, "each self-cancel cost its burnt part");
        assertEq(address(0).balance, burnt, "exactly three halves and two quarters burnt");
        assertEq(address(game).balance, game0, "no bond left in the game");
        assertEq(address(ethVault).balance, vault0, "vault: nothing paid, no credit left");
    }

    // ================================================================ b2
    /// @dev Rounding with an odd bond: the operator moves the exit bond to 0.017 ETH + 17 wei,
    /// so a batch's entry bond is 0.071 ETH + 71 wei (odd). One batch: e0 challenged (no
    /// request), e1 requested and challenged, e2 requested and unanswered, e3 honest and
    /// settled. Defence: floor(bond/2) is burnt, the canceller gets ceil(bond/2) (at least
    /// half), the unanswered requester bond + ceil(bond/2), the processor
    /// floor(bond/4) per settled or unanswered entry, the starter bond - floor(bond/4) per
    /// settled entry: every wei of the seven bonds taken is paid out exactly once.
    function test_b2_oddBondRoundingConservesEveryWei() public {
        vm.prank(operator);
        game.updateExitBond(0.017 ether + 17);
        vm.warp(START_TIME + 2 days);
        entryBond = batches().batchEntryBond();
        assertEq(entryBond % 2, 1, "odd entry bond");
        assertEq(entryBond, 0.071 ether + 71, "bond x 355,000 / 85,000");
        _agents();
        uint256 pos = _pos(_withheldBlock(), 0, 0);
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](4);
        es[0] = _entry(bob, txs[0], bobPos, 4 ether); // wrong amount
        es[1] = _entry(alice, txs[0], alicePos, 3 ether); // wrong amount
        es[2] = BatchEntries.Entry(carol, uint160(0xbad), 4 ether, uint64(pos), 0);
        es[3] = _entry(carol, txs[1], carolTxPos, 7); // valid
        uint256 game0 = address(game).balance;
        uint256 starter0 = watcher.balance;
        uint160 id = _start(watcher, es);
        uint256 thief0 = thief.balance;
        uint256 bob0 = bob.balance;
        PaymentExitBase.EntryProof memory p0 = _proofOf(es, 0);
        PaymentExitBase.EntryProof memory p1 = _proofOf(es, 1);
        bytes memory proof = _blockProof(0);
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, p0, txs[0], proof);
        assertEq(thief.balance - thief0, entryBond - entryBond / 2, "challenger: ceil half");
        _request(bob, id, es, 1);
        vm.prank(thief);
        batches().challengeBatchEntryInvalid(id, p1, txs[0], proof);
        assertEq(bob.balance - bob0, entryBond - entryBond / 2, "requester: +ceil half");
        assertEq(thief.balance - thief0, entryBond - entryBond / 2, "challenger: nothing more");
        _request(bob, id, es, 2);
        vm.warp(START_TIME + 2 days + 2 * MEP);
        uint256 me0 = address(this).balance;
        _process(id, es);
        assertEq(address(this).balance - me0, 2 * (entryBond / 4), "two bounties");
        assertEq(
            game.bondCredits(bob),
            entryBond + (entryBond - entryBond / 2),
            "unanswered credit"
        );
        vm.prank(bob);
        game.withdrawBondCredit();
        assertEq(
            address(0).balance,
            2 * (entryBond / 2) + (entryBond / 2 - entryBond / 4),
            "two floor halves burnt, and the unanswered half less the bounty"
        );
        assertEq(address(game).balance, game0, "every wei of bond left the game");
        assertEq(
            starter0 - watcher.balance,
            3 * entryBond + entryBond / 4,
            "starter: three bonds lost, the fourth less the bounty back"
        );
    }

    // ================================================================ b3
    /// @dev Bond accounting over two batches, chunked processing and `processExits` dropping a
    /// fully cancelled batch: batch A (block 1000: Bob's and Alice's valid entries, a fake
    /// requested and unanswered, a fake challenged after a request) processed in chunks of one;
    /// batch B (a withheld block: later in the queue) whose two fakes are cancelled, one by a
    /// self-challenge, one by a request then a self-challenge, dropped by `processExits`.
    /// Defence: nothing of B's bonds was left to pay at the drop, the game ends holding
    /// exactly what it held before, and address(0) holds exactly three halves and the
    /// unanswered entry's half less its bounty.
    function test_b3_chunksAndDroppedBatchLeaveNoBond() public {
        _agents();
        BatchEntries.Entry[] memory a = new BatchEntries.Entry[](4);
        a[0] = _entry(bob, txs[0], bobPos, 3 ether);
        a[1] = _entry(alice, txs[0], alicePos, 2 ether);
        a[2] = _entry(carol, txs[1], carolTxPos, 8); // wrong amount, but unanswered
        a[3] = _entry(carol, carolDepTx, carolDepPos, 2 ether); // wrong amount
        BatchEntries.Entry[] memory b = _fakes(2);
        uint256 game0 = address(game).balance;
        uint256 vault0 = address(ethVault).balance;
        uint160 idA = _start(watcher, a);
        uint160 idB = _start(thief, b);
        _request(thief, idA, a, 2);
        _request(thief, idA, a, 3);
        PaymentExitBase.EntryProof memory p3 = _proofOf(a, 3);
        bytes memory depProof = Tree.depositProof();
        vm.prank(carol);
        batches().challengeBatchEntryInvalid(idA, p3, carolDepTx, depProof);
        _selfChallenge(idB, b, 0);
        _request(watcher, idB, b, 1);
        _selfChallenge(idB, b, 1);
        vm.warp(START_TIME + 2 * MEP);
        assertEq(uint160(game.queueTop(address(0))), idA, "A first");
        bytes memory list = Batches.encode(a);
        for (uint256 i; i < 4; ++i) {
            batches().processBatchExit(idA, list, 1);
        }
        assertEq(uint160(game.queueTop(address(0))), idB, "then B");
        assertEq(game.processExits(address(0), 10), 1, "B dropped");
        assertEq(game.queueTop(address(0)), 0, "queue empty");
        vm.prank(thief);
        game.withdrawBondCredit();
        assertEq(
            address(0).balance, 3 * (entryBond / 2) + _unansweredBurn(), "3.25 halves burnt"
        );
        assertEq(address(game).balance, game0, "no bond stuck in the game");
        assertEq(vault0 - address(ethVault).balance, 5 ether, "vault paid only Bob and Alice");
    }

    // ================================================================ b4
    /// @dev Re-entrancy and refusal through the canceller's payment: a contract challenger
    /// (the thief's) cancels entry 0 of its own batch and, in its receive hook, tries to
    /// process, pull a credit and cancel entry 1 in the same call (to be paid twice before the
    /// burn, or to cancel without burning). Then a refusing contract cancels entry 1; then
    /// entry 2, requested through a contract that burns its stipend, is cancelled by Carol. Defence: the lock refuses
    /// every re-entry; state (cancel bit, count, request) is written and the half burnt before
    /// any payment; a refused payment is credited in the vault, never lost or paid twice; a
    /// stipend burner costs the challenger at most the 50k stipend (and it gets nothing from
    /// a requested entry anyway).
    function test_b4_cancellerReentryRefusalAndBurnerAreHarmless() public {
        BatchEntries.Entry[] memory es = _fakes(3);
        uint160 id = _start(thief, es);
        HostileActor actor = new HostileActor(batches());
        HostileActor refuser = new HostileActor(batches());
        refuser.setRefuse(true);
        bytes memory spend = _spend(es[0].utxoPos, thief, address(0), 1);
        bytes memory sig = _sign(THIEF_KEY, spend);
        bytes memory spend1 = _spend(es[1].utxoPos, thief, address(0), 1);
        bytes memory sig1 = _sign(THIEF_KEY, spend1);
        PaymentExitBase.EntryProof memory p0 = _proofOf(es, 0);
        PaymentExitBase.EntryProof memory p1 = _proofOf(es, 1);
        actor.setAgain(p1, spend1, sig1);
        actor.challengeSpent(id, p0, spend, sig);
        assertEq(actor.r0(), uint256(uint32(LOCKED)), "process re-entry locked");
        assertEq(actor.r1(), uint256(uint32(LOCKED)), "credit pull re-entry locked");
        assertEq(actor.r2(), uint256(uint32(LOCKED)), "second cancel re-entry locked");
        assertEq(address(actor).balance, _share(), "one share");
        assertFalse(batches().isBatchEntryCancelled(id, 1), "entry 1 not cancelled by the hook");
        refuser.challengeSpent(id, p1, spend1, sig1);
        assertEq(ethVault.pendingWithdrawals(address(refuser)), _share(), "refused share credited");
        assertEq(address(0).balance, 2 * (entryBond / 2), "two halves burnt, once each");
        _burnerRequestedThenChallenged(id, es);
        assertEq(batches().batchExit(id).cancelled, 3, "three cancelled");
        assertEq(game.processExits(address(0), 1), 0, "not mature yet");
        vm.warp(START_TIME + 2 * MEP);
        uint256 game1 = address(game).balance;
        assertEq(game.processExits(address(0), 1), 1, "all cancelled: dropped");
        assertEq(address(game).balance, game1, "nothing was owed at the drop");
    }

    /// @dev b4's third part: entry 2 requested by a stipend burner, then challenged by Carol.
    function _burnerRequestedThenChallenged(uint160 id, BatchEntries.Entry[] memory es)
        internal
    {
        GasBurner burner = new GasBurner(batches(), ethVault);
        PaymentExitBase.EntryProof memory p2 = _proofOf(es, 2);
        vm.prank(watcher);
        burner.request{value: entryBond}(id, p2);
        bytes memory spend2 = _spend(es[2].utxoPos, thief, address(0), 1);
        bytes memory sig2 = _sign(THIEF_KEY, spend2);
        uint256 g0 = gasleft();
        vm.prank(carol);
        batches().challengeBatchEntrySpent(id, p2, spend2, sig2);
        uint256 used = g0 - gasleft();
        emit log_named_uint("challenge of a burner-requested entry", used);
        assertTrue(used < 200_000, "the burner costs at most its stipend");
        assertEq(
            ethVault.pendingWithdrawals(address(burner)), entryBond + _share(), "burner credited"
        );
    }

    // ================================================================ b5
    /// @dev Processing gas with many unanswered requests (64 entries, 64 distinct requesters,
    /// a cold credit each): the burn is one call after the loop, the credits no call at all.
    /// Defence: the marginal processing gas per unanswered entry stays well under its bounty
    /// (bond/4 = 88,750 gas at the price the bond is sized for), and the burn is exact.
    function test_b5_processingManyUnansweredIsBoundedAndPaid() public {
        uint256 n = 64;
        BatchEntries.Entry[] memory es = _fakes(n);
        uint160 id = _start(thief, es);
        for (uint256 i; i < n; ++i) {
            address r = address(uint160(0x5000 + i));
            vm.deal(r, entryBond);
            _request(r, id, es, i);
        }
        vm.warp(START_TIME + 2 * MEP);
        bytes memory list = Batches.encode(es);
        uint256 me0 = address(this).balance;
        uint256 g0 = gasleft();
        batches().processBatchExit(id, list, 8);
        uint256 g8 = g0 - gasleft();
        g0 = gasleft();
        batches().processBatchExit(id, list, n - 8);
        uint256 g56 = g0 - gasleft();
        uint256 marginal = (g56 - g8) / 48;
        emit log_named_uint("process 8 unanswered", g8);
        emit log_named_uint("process 56 unanswered", g56);
        emit log_named_uint("marginal per unanswered entry", marginal);
        uint256 bountyGas = batches().BATCH_ENTRY_BOND_GAS() / 4;
        assertTrue(marginal < bountyGas / 2, "an unanswered entry costs far less than its bounty");
        assertTrue(g8 < 8 * bountyGas, "the first chunk, with the fixed costs, is paid too");
        assertEq(address(this).balance - me0, n * (entryBond / 4), "a bounty per entry");
        assertEq(address(0).balance, n * _unansweredBurn(), "n quarters burnt, in two calls");
        for (uint256 i; i < n; i += 21) {
            assertEq(
                game.bondCredits(address(uint160(0x5000 + i))), _unansweredCredit(), "credited"
            );
        }
    }

    // ================================================================ b6
    /// @dev An honest requester's net gain from an unanswered request on a fake entry of a full
    /// batch (10-hash branch). It must pay the request (~72k gas as a whole transaction, cold)
    /// and the credit pull (~34k). Found: credited bond + ceil(bond/2) - bond/4, its gain was
    /// bond/4 = 88,750 gas at the gas price the bond is sized for (exitBond / 85,000), less
    /// than a lone request and its pull cost. Fixed: the processor's bounty comes out of the
    /// entry's burnt half, so the requester is credited bond + ceil(bond/2), a gain of 177,500
    /// gas: a lone request with its pull is paid.
    function test_b6_loneHonestRequestPaysItsGas() public {
        uint256 n = 1024;
        BatchEntries.Entry[] memory es = _fakesOf(n, 1);
        // A first batch and a first request (the queue head, the counters and the request
        // maps' slots are not the honest requester's cold costs on a live chain).
        uint160 id = _start(thief, es);
        _request(carol, id, es, 4);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 5);
        bytes memory data = abi.encodeCall(batches().requestBatchEntryProof, (id, p));
        uint256 g0 = gasleft();
        vm.prank(watcher);
        batches().requestBatchEntryProof{value: entryBond}(id, p);
        uint256 outer = g0 - gasleft();
        uint256 inner = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint("request: measured around the call", outer);
        emit log_named_uint("request: the call itself (lastCallGas)", inner);
        // A real request's transaction: its call, plus what this test's earlier calls warmed
        // (the module's account 2,600, the batch's 3 slots and the request bitmap word
        // 4 x 2,100), plus the base and calldata.
        uint256 requestGas = inner + 11_000 + _txBase(data);
        vm.warp(START_TIME + 2 * MEP);
        batches().processBatchExit(id, Batches.encode(es), n);
        g0 = gasleft();
        vm.prank(watcher);
        game.withdrawBondCredit();
        uint256 pullGas = vm.lastCallGas().gasTotalUsed + 2_600 + 2_100 + 21_000 + 4 * 16;
        uint256 gainGas = (entryBond - entryBond / 2) * 85_000 / bond;
        emit log_named_uint("request (whole tx, approx)", requestGas);
        emit log_named_uint("withdrawBondCredit (whole tx, approx)", pullGas);
        emit log_named_uint("net gain in gas at the sizing price", gainGas);
        assertEq(game.bondCredits(watcher), 0, "pulled");
        assertTrue(requestGas + pullGas < gainGas, "a lone request and its pull are paid");
    }

    // ================================================================ b7
    /// @dev Griefing a watcher's challenge with a self-request (h25, priced): the thief sees
    /// the watcher's invalid challenge of his fake entry (a visible block, the worst-case
    /// challenge is ~176k gas) and front-runs it with a request of his own; the challenge then
    /// pays the watcher nothing. Defence (a limitation, kept): the grief costs the thief the
    /// burnt half, floor(bond/2) = 177,500 gas at the sizing price, at least what the
    /// watcher's challenge costs it (measured here without the first burn's account creation).
    function test_b7_griefingTheChallengerCostsTheGrieferMore() public {
        BatchEntries.Entry[] memory es = _one(_entry(thief, txs[0], bobPos, 3 ether));
        uint160 id = _start(thief, es);
        uint256 thief0 = thief.balance;
        _request(thief, id, es, 0); // the front-run
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        bytes memory proof = _blockProof(0);
        bytes memory data =
            abi.encodeCall(batches().challengeBatchEntryInvalid, (id, p, txs[0], proof));
        uint256 watcher0 = watcher.balance;
        uint256 g0 = gasleft();
        vm.prank(watcher);
        batches().challengeBatchEntryInvalid(id, p, txs[0], proof);
        uint256 callGas = g0 - gasleft();
        emit log_named_uint("watcher's challenge, call only", callGas);
        uint256 watcherGas = callGas + _txBase(data);
        uint256 thiefLoss = thief0 + entryBond - thief.balance; // + the entry's bond, paid before
        emit log_named_uint("watcher's challenge gas", watcherGas);
        emit log_named_uint("thief's loss in gas at the sizing price", thiefLoss * 85_000 / bond);
        assertEq(watcher.balance, watcher0, "the challenger got nothing");
        assertEq(thiefLoss, entryBond / 2, "the thief lost the burnt half");
        assertTrue(thiefLoss * 85_000 / bond > watcherGas, "the grief costs more than it inflicts");
    }

    // ================================================================ b8
    /// @dev A watcher's user turns against it: Bob made the watcher his agent, the watcher
    /// batches Bob's 3 ETH output; Bob signs a spend of it to himself (never included: a
    /// spend challenge needs only the owner's signature) and cancels the watcher's entry with
    /// challengeBatchEntrySpent. He takes ceil(bond/2) of the watcher's bond (the whole bond
    /// before this change), the watcher loses all of it, and Bob still gets his 3 ETH out
    /// through an in-flight exit of his own spend (canonical: no competitor). Works: the
    /// canceller of an agent's entry may be its owner, who controls whether it is "spent". Not
    /// caused by the burn (which halves Bob's take), but not removed by it either. Accepted as
    /// the agent's business risk (docs/exit-games.md, docs/watcher.md): a user's loss is never
    /// at stake, and an agent bounds it by taking a deposit of half a bond per output from the
    /// users it exits for; the owner's take (ceil(bond/2)) barely pays his spend challenge
    /// (~120k gas) and an in-flight exit to get his funds out.
    function test_b8_limitation_ownerCancelsHisAgentsEntryForHalfItsBond() public {
        _agents();
        BatchEntries.Entry[] memory es = _one(_entry(bob, txs[0], bobPos, 3 ether));
        uint256 watcher0 = watcher.balance;
        uint160 id = _start(watcher, es);
        bytes memory spend = _spend(bobPos, bob, address(0), 3 ether);
        bytes memory sig = _sign(BOB_KEY, spend);
        PaymentExitBase.EntryProof memory p = _proofOf(es, 0);
        uint256 bob0 = bob.balance;
        vm.prank(bob);
        batches().challengeBatchEntrySpent(id, p, spend, sig);
        assertEq(bob.balance - bob0, _share(), "Bob took half the watcher's bond");
        assertEq(watcher0 - watcher.balance, entryBond, "the watcher lost its whole bond");
        // Bob's funds still leave: an in-flight exit of his spend, its output piggybacked.
        _startIfeAs(bob, spend, txs[0], bobPos, _blockProof(0), BOB_KEY);
        uint256 pbond = game.piggybackBond();
        vm.prank(bob);
        game.piggybackInFlightExitOnOutput{value: pbond}(spend, 0, 0);
        vm.warp(START_TIME + 3 * MEP);
        game.processExits(address(0), 10);
        assertEq(game.queueTop(address(0)), 0, "all processed");
        uint256 gain = bob.balance + ethVault.pendingWithdrawals(bob) - bob0;
        emit log_named_uint("Bob's net gain", gain);
        assertTrue(
            gain >= 3 ether + _share() - game.inFlightExitBond() / 4 - pbond / 4,
            "Bob: his 3 ETH, his exit bonds less at most the bounties, half the watcher's bond"
        );
    }
}
