// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Vm} from "./utils/Vm.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";

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
    /// @dev The canonicity-challenge bond (read before a pranked call, see README).
    uint256 internal chBond;

    function setUp() public override {
        super.setUp();
        chBond = game.canonicityChallengeBond();
    }

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

    /// @dev The price a bond is checked at: the 100 gwei reference price × the safety factor 2
    /// (docs/contracts.md, "Bonds"). A bond must pay its challenge's whole-transaction gas at
    /// that price; the log states the break-even gas price in gwei.
    uint256 internal constant BOND_CHECK_PRICE = 200 gwei;

    /// @dev `isolated`: `_isolated()` read right after the measured call (a later view call
    /// would replace the last call's gas).
    function _checkBond(string memory key, uint256 gas, bool isolated, uint256 bondWei) internal {
        emit log_named_uint(string.concat("bond.", key, ".breakEvenGwei"), bondWei / gas / 1 gwei);
        if (isolated && gas * BOND_CHECK_PRICE > bondWei) {
            fail(
                string.concat(
                    key, ": bond ", vm.toString(bondWei), " < gas ", vm.toString(gas), " x 200 gwei"
                )
            );
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

    /// The operator's fee: the fee-claim output (tx type 3) after a block's payments.
    function test_gas_startStandardExit_feeClaim() public {
        (uint256 depPos,) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        bytes[] memory txs = new bytes[](2);
        txs[0] = _tx(ins, _outs2(bob, 3 ether, alice, 2 ether - 1 gwei));
        txs[1] = _feeTx(operator, address(0), 1 gwei, keccak256(abi.encode(uint256(1000), address(0))));
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 0);
        _startExit(bob, _pos(blknum, 0, 0), txs[0], proof);
        (, proof) = Tree.rootAndProof(txs, 1);
        vm.deal(operator, bond);
        _startExitHinted(operator, _pos(blknum, 1, 0), txs[1], proof, 0);
        _report("gas.tx.startStandardExit.feeClaim", _lastGas(), START_EXIT_TARGET);
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
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            _checkBond("challengeStandardExit.4in4out", g, iso, game.exitBond());
        }
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

    /// Exit-queue griefing economics (plasma-contracts #386): an attacker floods a queue with
    /// dust exits ahead of honest ones (the amount does not change the gas: the fixture's are
    /// 1 ETH). Each costs the attacker a bond's bounty
    /// (bond / 4, kept by whoever processes it) plus its own start gas; clearing it costs the
    /// processor its share of a processExits batch. The bounty must pay that share at the
    /// 100 gwei reference price, so clearing a flood is never a loss for whoever does it.
    function test_gas_queueGriefingEconomics() public {
        _queueDepositExits(10, false);
        uint256 c0 = carol.balance;
        vm.prank(carol);
        game.processExits(address(0), 10);
        (uint256 g, bool iso) = (_lastGas(), _isolated());
        uint256 gained = carol.balance - c0;
        assertEq(gained, 10 * game.processBounty(game.exitBond()), "the 10 bounties");
        emit log_named_uint("griefing.processorGainPerExitGwei", gained / 10 / 1 gwei);
        emit log_named_uint("griefing.processorGasPerExit", g / 10);
        if (iso && g * 100 gwei > gained) {
            fail(string.concat("clearing 10 dust exits: ", vm.toString(g), " gas > bounties"));
        }
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

    // ---------------------------------------------------------------- in-flight exits

    /// In-flight tx fixture: `n` deposits of Alice (one per deposit block) spent by one tx with
    /// `n` inputs and `n` outputs (output 2, if any, Bob's; the rest Alice's).
    function _ifeFixture(uint256 n)
        internal
        returns (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a)
    {
        a.inputTxs = new bytes[](n);
        a.inputUtxosPos = new uint256[](n);
        a.inputTxsInclusionProofs = new bytes[](n);
        a.inFlightTxSigs = new bytes[](n);
        bytes32[] memory ins = new bytes32[](n);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](n);
        for (uint256 i; i < n; ++i) {
            (a.inputUtxosPos[i], a.inputTxs[i]) = _depositEth(alice, 2 ether);
            a.inputTxsInclusionProofs[i] = Tree.depositProof();
            ins[i] = bytes32(a.inputUtxosPos[i]);
            outs[i] = _out(i == 2 ? bob : alice, address(0), 1 ether + i);
        }
        t = _tx(ins, outs);
        a.inFlightTx = t;
        for (uint256 i; i < n; ++i) {
            a.inFlightTxSigs[i] = _sign(ALICE_KEY, t);
        }
    }

    /// A 4-in/4-out tx of Alice whose input 3 is `shared`, the others unrelated.
    function _spend4(uint256 shared, uint256 salt) internal view returns (bytes memory) {
        bytes32[] memory ins = new bytes32[](4);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(i == 3 ? shared : _pos(1000 * (i + 1) + 7, 60_000 + i + salt, 3));
            outs[i] = _out(i == 2 ? bob : carol, address(0), 1 ether + i);
        }
        return _tx(ins, outs);
    }

    function _startIfe(PaymentExitBase.StartInFlightExitArgs memory a) internal {
        uint256 b = game.inFlightExitBond();
        vm.prank(carol);
        game.startInFlightExit{value: b}(a);
    }

    function test_gas_startInFlightExit() public {
        (, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(1);
        _startIfe(a);
        _report("gas.tx.startInFlightExit.1in1out", _lastGas(), 0);
        (, a) = _ifeFixture(2);
        _startIfe(a);
        _report("gas.tx.startInFlightExit.2in2out", _lastGas(), 0);
        (, a) = _ifeFixture(4);
        _startIfe(a);
        _report("gas.tx.startInFlightExit.4in4out", _lastGas(), 0);
    }

    function test_gas_piggyback() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        uint256 pb = game.piggybackBond();
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pb}(t, 0, 0);
        _report("gas.tx.piggybackInFlightExitOnInput.first", _lastGas(), 0);
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pb}(t, 1, 0);
        _report("gas.tx.piggybackInFlightExitOnInput", _lastGas(), 0);
        vm.prank(bob);
        game.piggybackInFlightExitOnOutput{value: pb}(t, 2, 0);
        _report("gas.tx.piggybackInFlightExitOnOutput", _lastGas(), 0);
    }

    function _challengeArgs(bytes memory t, bytes memory comp, uint256 pos, bytes memory proof)
        internal
        view
        returns (PaymentExitBase.CanonicityChallenge memory)
    {
        return
            PaymentExitBase.CanonicityChallenge(t, 3, comp, 3, pos, proof, _sign(ALICE_KEY, comp));
    }

    function test_gas_challengeInFlightExitNotCanonical() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        // The worst case: an included 4-in/4-out competitor at txindex 5 of 8.
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < 8; ++i) {
            txs[i] = _spend4(a.inputUtxosPos[3], i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        PaymentExitBase.CanonicityChallenge memory c =
            _challengeArgs(t, txs[5], blknum * 100_000 + 5, proof);
        vm.prank(bob);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        _report("gas.tx.challengeInFlightExitNotCanonical.4in4out", _lastGas(), 0);
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            _checkBond("challengeInFlightExitNotCanonical.4in4out", g, iso, game.inFlightExitBond());
        }
    }

    /// The dearest canonicity challenge: it replaces a standing challenge (whose challenger, a
    /// contract, would burn any gas sent to it: its bond is credited, not sent).
    function test_gas_challengeInFlightExitNotCanonical_replacesGriefer() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        GasBurningChallenger griefer = new GasBurningChallenger();
        griefer.challenge{value: chBond}(
            address(game), _challengeArgs(t, _spend4(a.inputUtxosPos[3], 99), 0, "")
        );
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < 8; ++i) {
            txs[i] = _spend4(a.inputUtxosPos[3], i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        PaymentExitBase.CanonicityChallenge memory c =
            _challengeArgs(t, txs[5], blknum * 100_000 + 5, proof);
        vm.prank(bob);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        _report("gas.tx.challengeInFlightExitNotCanonical.replacesGriefer", _lastGas(), 0);
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            _checkBond(
                "challengeInFlightExitNotCanonical.replacesGriefer", g, iso, game.inFlightExitBond()
            );
        }
        assertEq(game.bondCredits(address(griefer)), chBond, "griefer's bond credited");
    }

    function test_gas_challengeInFlightExitNotCanonical_unincluded() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(1);
        _startIfe(a);
        bytes memory comp = _spend(a.inputUtxosPos[0], carol, address(0), 1 ether);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(t, 0, comp, 0, 0, "", _sign(ALICE_KEY, comp));
        vm.prank(bob);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        _report("gas.tx.challengeInFlightExitNotCanonical", _lastGas(), 0);
    }

    function test_gas_respondToNonCanonicalChallenge() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < 8; ++i) {
            txs[i] = i == 5 ? t : _spend4(a.inputUtxosPos[3], i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        PaymentExitBase.CanonicityChallenge memory c =
            _challengeArgs(t, _spend4(a.inputUtxosPos[3], 99), 0, "");
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        vm.prank(alice);
        game.respondToNonCanonicalChallenge(t, blknum * 100_000 + 5, proof);
        _report("gas.tx.respondToNonCanonicalChallenge.4in4out", _lastGas(), 0);
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            // The responder earns half the challenge bond (the other half is burnt).
            _checkBond("respondToNonCanonicalChallenge.4in4out", g, iso, chBond - chBond / 2);
        }
    }

    function test_gas_challengeInFlightExitInputSpent() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        uint256 pb = game.piggybackBond();
        vm.prank(alice);
        game.piggybackInFlightExitOnInput{value: pb}(t, 3, 0);
        bytes memory spend = _spend4(a.inputUtxosPos[3], 0);
        bytes memory sig = _sign(ALICE_KEY, spend);
        vm.prank(bob);
        game.challengeInFlightExitInputSpent(t, 3, spend, 3, sig);
        _report("gas.tx.challengeInFlightExitInputSpent.4in4out", _lastGas(), 0);
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            _checkBond("challengeInFlightExitInputSpent.4in4out", g, iso, game.piggybackBond());
        }
    }

    function test_gas_challengeInFlightExitOutputSpent() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(4);
        _startIfe(a);
        bytes[] memory txs = new bytes[](8);
        for (uint256 i; i < 8; ++i) {
            txs[i] = i == 5 ? t : _spend4(a.inputUtxosPos[3], i);
        }
        uint256 blknum = _submit(txs);
        (, bytes memory proof) = Tree.rootAndProof(txs, 5);
        uint256 pb = game.piggybackBond();
        vm.prank(bob);
        game.piggybackInFlightExitOnOutput{value: pb}(t, 2, 0);
        uint256 txPos = blknum * 100_000 + 5;
        bytes32[] memory ins = new bytes32[](4);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](4);
        for (uint256 i; i < 4; ++i) {
            ins[i] = bytes32(i == 3 ? txPos * 10_000 + 2 : _pos(1000 * (i + 1) + 7, 60_000 + i, 3));
            outs[i] = _out(carol, address(0), 1 ether + i);
        }
        bytes memory spend = _tx(ins, outs);
        PaymentExitBase.OutputSpentChallenge memory c = PaymentExitBase.OutputSpentChallenge(
            t, txPos, proof, 2, spend, 3, _sign(BOB_KEY, spend)
        );
        vm.prank(carol);
        game.challengeInFlightExitOutputSpent(c);
        _report("gas.tx.challengeInFlightExitOutputSpent.4in4out", _lastGas(), 0);
        {
            (uint256 g, bool iso) = (_lastGas(), _isolated());
            _checkBond("challengeInFlightExitOutputSpent.4in4out", g, iso, game.piggybackBond());
        }
    }

    function test_gas_deleteNonPiggybackedInFlightExit() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(2);
        _startIfe(a);
        uint160 exitId = game.inFlightExitId(t);
        vm.warp(block.timestamp + MEP / 2);
        vm.prank(bob);
        game.deleteNonPiggybackedInFlightExit(exitId);
        _report("gas.tx.deleteNonPiggybackedInFlightExit", _lastGas(), 0);
    }

    /// One canonical 2-in/2-out in-flight exit with both outputs piggybacked (two payouts,
    /// both inputs marked spent, the in-flight bond returned).
    function test_gas_processExits_inFlight() public {
        (bytes memory t, PaymentExitBase.StartInFlightExitArgs memory a) = _ifeFixture(2);
        _startIfe(a);
        uint256 pb = game.piggybackBond();
        vm.prank(alice);
        game.piggybackInFlightExitOnOutput{value: pb}(t, 0, 0);
        vm.prank(alice);
        game.piggybackInFlightExitOnOutput{value: pb}(t, 1, 0);
        // Deposit inputs: exitableAt = their time + 2·MEP (no deposit boost in flight).
        vm.warp(block.timestamp + 2 * MEP);
        vm.prank(bob);
        game.processExits(address(0), 1);
        uint256 g = _lastGas();
        _report("gas.tx.processExits.inFlight.2outputs", g, 0);
        assertEq(game.inFlightExit(game.inFlightExitId(t)).flags & 8, 8, "processed and finalized");
    }
}

/// @notice A canonicity challenger whose receive() burns all the gas it gets (the refund of a
/// replaced challenge then falls back to an EthVault credit).
contract GasBurningChallenger {
    function challenge(address game, PaymentExitBase.CanonicityChallenge calldata c)
        external
        payable
    {
        (bool ok,) = game.call{value: msg.value}(
            abi.encodeWithSignature(
                "challengeInFlightExitNotCanonical((bytes,uint256,bytes,uint256,uint256,bytes,bytes))",
                c
            )
        );
        require(ok, "challenge");
    }

    receive() external payable {
        while (gasleft() > 1000) {}
        revert();
    }
}
