// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Vm} from "./utils/Vm.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";

/// @notice Whole-transaction gas of the hot paths, checked against the targets of the issue.
/// Run with `--isolate` (scripts/gas-report does): forge then executes every top-level call as
/// its own transaction, with cold storage and accounts, and `vm.lastCallGas().gasTotalUsed` is
/// the transaction's gas including the 21,000 intrinsic gas and calldata (as a receipt's
/// gasUsed, after refunds). Without `--isolate` the figures are the call frame only; the
/// assertions are skipped then (`GAS_ISOLATED` is false).
contract GasTest is PlasmaTest {
    event log_named_uint(string key, uint256 val);

    uint256 internal constant SUBMIT_BLOCK_TARGET = 55_000;
    uint256 internal constant START_EXIT_TARGET = 150_000;
    uint256 internal constant PROCESS_PER_EXIT_TARGET = 40_000;

    function _isolated() internal view returns (bool) {
        // In isolation the last call's gas includes the 21k intrinsic cost.
        return vm.lastCallGas().gasTotalUsed > 21_000;
    }

    function _lastGas() internal view returns (uint256) {
        return vm.lastCallGas().gasTotalUsed;
    }

    function _report(string memory key, uint256 gas, uint256 target) internal {
        emit log_named_uint(key, gas);
        if (target != 0 && _isolated() && gas > target) {
            fail(string.concat(key, ": ", vm.toString(gas), " > ", vm.toString(target)));
        }
    }

    function test_gas_submitBlock() public {
        bytes32 root = keccak256("block 1000");
        vm.prank(operator);
        framework.submitBlock(root);
        _report("gas.tx.submitBlock.first", _lastGas(), SUBMIT_BLOCK_TARGET);
        vm.prank(operator);
        framework.submitBlock(keccak256("block 2000"));
        _report("gas.tx.submitBlock", _lastGas(), SUBMIT_BLOCK_TARGET);
    }

    function test_gas_deposits() public {
        bytes memory t = _depositTx(alice, address(0), 1 ether);
        vm.prank(alice);
        ethVault.deposit{value: 1 ether}(t);
        _report("gas.tx.EthVault.deposit", _lastGas(), 0);
        t = _depositTx(alice, address(token), 1000);
        vm.prank(alice);
        token.approve(address(erc20Vault), 1000);
        vm.prank(alice);
        erc20Vault.deposit(t);
        _report("gas.tx.Erc20Vault.deposit", _lastGas(), 0);
    }

    /// A typical output: output 0 of a 1-input, 2-output tx at index 5 of an operator block.
    function test_gas_startStandardExit() public {
        (uint256 depPos, bytes memory depTx) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < txs.length; ++i) {
            txs[i] = _tx(ins, _outs2(bob, 3 ether + i, alice, 2 ether - i));
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        _startExit(bob, _pos(blknum, 5, 0), txs[5], proof);
        _report("gas.tx.startStandardExit.firstInQueue", _lastGas(), 0);
        // A second exit on the same queue (the queue's head slot is no longer new).
        _startExit(alice, _pos(blknum, 5, 1), txs[5], proof);
        _report("gas.tx.startStandardExit", _lastGas(), START_EXIT_TARGET);
        _startExit(alice, depPos, depTx, Tree.depositProof());
        _report("gas.tx.startStandardExit.deposit", _lastGas(), START_EXIT_TARGET);
    }

    /// The largest tx: 4 inputs, 4 outputs.
    function test_gas_startStandardExit_4in4out() public {
        bytes32[] memory ins = new bytes32[](4);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(_pos(1000 * (i + 1) + 7, 60_000 + i, 3));
            outs[i] = _out(i == 2 ? bob : alice, address(0), 1 ether + i);
        }
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < txs.length; ++i) {
            txs[i] = _tx(ins, outs);
            ins[0] = bytes32(uint256(ins[0]) + 1);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        _startExit(alice, _pos(blknum, 5, 0), txs[5], proof);
        _startExit(bob, _pos(blknum, 5, 2), txs[5], proof);
        _report("gas.tx.startStandardExit.4in4out", _lastGas(), 0);
    }

    /// The challenge whose gas the exit bond pays for (docs/contracts.md, "Bonds").
    function test_gas_challengeStandardExit() public {
        (uint256 depPos, bytes memory depTx) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        bytes memory spend = _tx(ins, _outs2(bob, 3 ether, alice, 2 ether));
        _submitOne(spend);
        _startExit(alice, depPos, depTx, Tree.depositProof());
        _challenge(carol, depPos, depTx, spend, _sign(ALICE_KEY, spend));
        _report("gas.tx.challengeStandardExit", _lastGas(), 0);
    }

    /// Appends n deposit exits in priority order (each hint: the previous key).
    /// The most expensive challenge: a 4-input, 4-output spending tx.
    function test_gas_challengeStandardExit_4in4out() public {
        (uint256 depPos, bytes memory depTx) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](4);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(i == 3 ? depPos : _pos(1000 * (i + 1) + 7, 60_000 + i, 3));
            outs[i] = _out(i == 2 ? bob : carol, address(0), 1 ether + i);
        }
        bytes memory spend = _tx(ins, outs);
        _startExit(alice, depPos, depTx, Tree.depositProof());
        _challenge(carol, depPos, depTx, spend, _sign(ALICE_KEY, spend));
        _report("gas.tx.challengeStandardExit.4in4out", _lastGas(), 0);
    }

    function _queueDepositExits(uint256 n, bool erc20) internal {
        uint256 last;
        for (uint256 i; i < n; ++i) {
            address user = vm.addr(1000 + i);
            vm.deal(user, 10 ether);
            token.mint(user, 1e18);
            if (framework.nextDepositBlock() % 1000 == 0) {
                _submitOne(_depositTx(user, address(0), 1));
            }
            (uint256 pos, bytes memory t) =
                erc20 ? _depositErc20(user, 1e18) : _depositEth(user, 1 ether);
            uint256 key = _keyOf(pos, t);
            _startExitHinted(user, pos, t, Tree.depositProof(), last);
            last = key;
        }
        vm.warp(block.timestamp + MEP);
    }

    function test_gas_processExits_eth_1() public {
        _queueDepositExits(1, false);
        vm.prank(carol);
        game.processExits(address(0), 1);
        _report("gas.tx.processExits.eth.1", _lastGas(), 0);
    }

    function test_gas_processExits_eth_10() public {
        _queueDepositExits(10, false);
        vm.prank(carol);
        game.processExits(address(0), 10);
        uint256 g = _lastGas();
        _report("gas.tx.processExits.eth.10", g, 0);
        _report("gas.tx.processExits.eth.perExitOf10", g / 10, PROCESS_PER_EXIT_TARGET);
    }

    function test_gas_processExits_erc20_10() public {
        _queueDepositExits(10, true);
        vm.prank(carol);
        game.processExits(address(token), 10);
        uint256 g = _lastGas();
        _report("gas.tx.processExits.erc20.10", g, 0);
        _report("gas.tx.processExits.erc20.perExitOf10", g / 10, 0);
    }

    /// Longer queues: 10 exits processed from a queue of 30, 100 and 1000 (the
    /// pop is O(1): the same per-exit cost at any length).
    function test_gas_processExits_eth_10of30() public {
        _processTenOf(30, "gas.tx.processExits.eth.perExitOf10of30");
    }

    function test_gas_processExits_eth_10of100() public {
        _processTenOf(100, "gas.tx.processExits.eth.perExitOf10of100");
    }

    function test_gas_processExits_eth_10of1000() public {
        _processTenOf(1000, "gas.tx.processExits.eth.perExitOf10of1000");
    }

    function _processTenOf(uint256 queued, string memory key) internal {
        _queueDepositExits(queued, false);
        vm.prank(carol);
        game.processExits(address(0), 10);
        _report(key, _lastGas() / 10, 0);
    }
}
