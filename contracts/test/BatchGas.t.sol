// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Batches} from "./utils/Batches.sol";
import {PaymentBatchExitModule} from "../src/exits/PaymentBatchExitModule.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {BatchEntries} from "../src/lib/BatchEntries.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice Whole-transaction gas of batch exits (run with `--isolate`, as test/Gas.t.sol; the
/// targets are issue 20's: ≥ 10,000 starts and ≥ 1,000 payouts per 30M-gas L1 block). Per
/// entry = the whole transaction's gas / entries.
contract BatchGasTest is PlasmaTest {
    event log_named_uint(string key, uint256 val);

    uint256 internal constant START_PER_ENTRY_TARGET = 3_000;
    uint256 internal constant PROCESS_PER_ENTRY_TARGET = 30_000;
    uint256 internal constant FULL = 1024;

    bytes[] internal txs;
    uint256 internal entryBond;

    function setUp() public override {
        super.setUp();
        (uint256 depPos,) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(depPos + i * 1_000_000_000);
        }
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            outs[i] = _out(bob, address(0), 1 ether + i);
        }
        txs.push(_tx(ins, outs));
        _submit(txs);
        entryBond = PaymentBatchExitModule(address(game)).batchEntryBond();
        vm.deal(address(ethVault), 100_000 ether);
    }

    function batches() internal view returns (PaymentBatchExitModule) {
        return PaymentBatchExitModule(address(game));
    }

    function _isolated() internal view returns (bool) {
        return vm.lastCallGas().gasTotalUsed > 21_000;
    }

    function _report(string memory key, uint256 gas, uint256 target) internal {
        emit log_named_uint(key, gas);
        if (target != 0 && _isolated() && gas > target) {
            fail(string.concat(key, ": ", vm.toString(gas), " > ", vm.toString(target)));
        }
    }

    /// @dev `n` entries over `owners` owners (consecutive), each a distinct fresh output id, all
    /// at block 1000 (the one valid 4-output tx for entry 0).
    function _entries(uint256 n, uint256 owners)
        internal
        view
        returns (BatchEntries.Entry[] memory es)
    {
        es = new BatchEntries.Entry[](n);
        for (uint256 i; i < n; ++i) {
            address owner = owners == 1 ? bob : address(uint160(0x10000 + i * owners / n));
            es[i] = BatchEntries.Entry(owner, uint160(i + 1), 1 ether, uint64(_pos(1000, 0, 0)), 0);
        }
        es[0] = BatchEntries.Entry(
            es[0].owner,
            game.exitIdOf(game.outputId(txs[0], _pos(1000, 0, 0))),
            1 ether,
            es[0].utxoPos,
            _ifeId(txs[0])
        );
    }

    function _agents(BatchEntries.Entry[] memory es) internal {
        for (uint256 i; i < es.length; ++i) {
            if (i == 0 || es[i].owner != es[i - 1].owner) {
                vm.prank(es[i].owner);
                batches().setBatchExitAgent(alice);
            }
        }
    }

    function _start(address who, BatchEntries.Entry[] memory es) internal returns (uint160 id) {
        bytes memory list = Batches.encode(es);
        uint256 value = entryBond * es.length;
        vm.prank(who);
        batches().startBatchExit{value: value}(address(0), list, 0);
        lastStartGas = vm.lastCallGas().gasTotalUsed;
        id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
    }

    uint256 internal lastStartGas;

    function _startAndProcess(string memory name, uint256 owners) internal {
        BatchEntries.Entry[] memory es = _entries(FULL, owners);
        if (owners > 1) _agents(es);
        address starter = owners == 1 ? bob : alice;
        // A first batch, so the queue's head slot and the counter exist (as on a live chain).
        BatchEntries.Entry[] memory one = new BatchEntries.Entry[](1);
        one[0] = BatchEntries.Entry(bob, 7, 1, uint64(_pos(1000, 0, 1)), 0);
        _start(bob, one);
        uint160 id = _start(starter, es);
        uint256 startGas = lastStartGas;
        _report(string.concat("gas.tx.batch.start.", name), startGas, 0);
        _report(
            string.concat("gas.tx.batch.start.", name, ".perEntry"),
            startGas / FULL,
            START_PER_ENTRY_TARGET
        );
        vm.warp(START_TIME + 2 * MEP);
        batches().processBatchExit(uint160(game.queueTop(address(0))), Batches.encode(one), 1);
        bytes memory list = Batches.encode(es);
        batches().processBatchExit(id, list, FULL);
        uint256 processGas = vm.lastCallGas().gasTotalUsed;
        _report(string.concat("gas.tx.batch.process.", name), processGas, 0);
        _report(
            string.concat("gas.tx.batch.process.", name, ".perEntry"),
            processGas / FULL,
            owners == FULL ? 0 : PROCESS_PER_ENTRY_TARGET
        );
    }

    /// One owner exits 1,024 outputs (no agent lookups, one payout).
    function test_gas_batch_oneOwner() public {
        _startAndProcess("1024x1owner", 1);
    }

    /// A watcher exits for 128 owners of 8 outputs each.
    function test_gas_batch_128owners() public {
        _startAndProcess("1024x128owners", 128);
    }

    /// A watcher exits for 1,024 owners of one output each (an agent lookup and a payout each).
    function test_gas_batch_1024owners() public {
        _startAndProcess("1024x1024owners", FULL);
    }

    /// The challenges of an entry of a full batch (10-hash branch), 4-in/4-out txs.
    function test_gas_batch_challenges() public {
        BatchEntries.Entry[] memory es = _entries(FULL, 1);
        uint160 id = _start(bob, es);
        (, bytes32[] memory branch) = Batches.rootAndBranch(es, 5);
        PaymentExitBase.EntryProof memory p = PaymentExitBase.EntryProof(5, es[5], branch);
        (, bytes memory proof) = Tree.rootAndProof(txs, 0);
        batches().challengeBatchEntryInvalid(id, p, txs[0], proof);
        uint256 gas = vm.lastCallGas().gasTotalUsed;
        _report("gas.tx.batch.challengeInvalid.4in4out", gas, 0);
        if (_isolated() && 2 * gas > batches().BATCH_ENTRY_BOND_GAS()) {
            fail("the canceller's half of the entry bond is below its challenge");
        }
        // A spend of entry 6's position, a 4-in/4-out tx signed by Bob.
        bytes32[] memory ins = new bytes32[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(_pos(1000, 0, i));
        }
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            outs[i] = _out(carol, address(0), 1 ether);
        }
        bytes memory spend = _tx(ins, outs);
        bytes memory sig = _sign(BOB_KEY, spend);
        (, branch) = Batches.rootAndBranch(es, 6);
        p = PaymentExitBase.EntryProof(6, es[6], branch);
        batches().challengeBatchEntrySpent(id, p, spend, sig);
        gas = vm.lastCallGas().gasTotalUsed;
        _report("gas.tx.batch.challengeSpent.4in4out", gas, 0);
        if (_isolated() && 2 * gas > batches().BATCH_ENTRY_BOND_GAS()) {
            fail("the canceller's half of the entry bond is below its challenge");
        }
    }
}
