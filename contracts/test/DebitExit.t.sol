// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DebitTest, DebitTxs} from "./utils/DebitTest.sol";
import {PlasmaDebit} from "../src/debit/PlasmaDebit.sol";
import {NotOperator} from "../src/common/ChildBlocks.sol";
import {Vm} from "./utils/Vm.sol";
import {CashSignature} from "../src/lib/CashSignature.sol";
import {SparseMerkle} from "../src/lib/SparseMerkle.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice PlasmaDebit: the honest lifecycles (deposit, transfer, pay, fee, top-up, operator
/// exits, credits) with their payouts, and every way to cheat each rule of the exit game
/// (docs/debit.md), each refused with its exact error.
contract DebitExitTest is DebitTest {
    uint256 internal constant A_AMT = 5 ether;
    uint256 internal constant B_AMT = 2 ether;
    uint256 internal constant TOP = 3 ether;
    /// PlasmaDebit's CANCEL_* reasons.
    uint8 internal constant AFTER = 1;
    uint8 internal constant BETWEEN = 2;
    uint8 internal constant UNANSWERED = 3;
    uint8 internal constant DISPLACED = 4;

    /// Alice's coin (5 ether) and Bob's (2 ether, topped up by 3: capacity 5).
    uint64 internal sa;
    uint64 internal sb;
    uint256 internal depA;
    uint256 internal depB;

    function setUp() public override {
        super.setUp();
        sa = _deposit(alice, A_AMT);
        sb = _deposit(bob, B_AMT);
        _topUp(sb, TOP);
        depA = _depositBlock(sa);
        depB = _depositBlock(sb);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Alice's deposit → a pay of `amount` to Bob's coin, both legs, in the next block.
    function _payAB(uint256 amount) internal returns (bytes memory p, uint256 m) {
        p = _pay(sa, depA, alice, A_AMT - amount, sb, bob, amount);
        m = _submitPay(p, sa, sb);
    }

    /// @dev The pay at `m` as Alice's own tx (proof at A, peer proof at B, her signature).
    function _payP(bytes memory p, uint256 m) internal view returns (PlasmaDebit.TxProof memory) {
        return _txp(p, m, sa, sb, ALICE_KEY);
    }

    /// @dev Alice exits her pay `p` at `m` (parent: her deposit).
    function _aliceExitsPay(bytes memory p, uint256 m) internal {
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _payP(p, m);
        _startExit(alice, sa, parent, e);
    }

    function _finalizeAll() internal {
        vm.warp(block.timestamp + MEP + RESPONSE);
        if (_state(sa) == 2) debit.finalizeExit(sa);
        if (_state(sb) == 2) debit.finalizeExit(sb);
    }

    function _expect(bytes memory err) internal {
        vm.expectRevert(err);
    }

    // ---------------------------------------------------------------- configuration

    function test_constructor_rejects() public {
        _expect(abi.encodeWithSelector(PlasmaDebit.ZeroOperator.selector));
        new PlasmaDebit(address(0), BOND, MEP, RESPONSE);
        _expect(abi.encodeWithSelector(PlasmaDebit.ZeroBond.selector));
        new PlasmaDebit(operator, 0, MEP, RESPONSE);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeriodTooLong.selector, 366 days));
        new PlasmaDebit(operator, BOND, 366 days, RESPONSE);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeriodTooLong.selector, 365 days + 1));
        new PlasmaDebit(operator, BOND, MEP, 365 days + 1);
        PlasmaDebit d = new PlasmaDebit(operator, 1, 365 days, 0);
        assertEq(d.operator(), operator, "operator");
        assertEq(d.bond(), 1, "bond");
        assertEq(d.maturityPeriod(), 365 days, "MEP");
        assertEq(d.responsePeriod(), 0, "response");
    }

    function test_deposits_blockNumbersAndCoin() public {
        (address depositor, uint256 b, uint256 amount, uint256 cap, uint8 st, uint256 n) =
            debit.coin(sb);
        assertEq(depositor, bob, "depositor");
        assertEq(b, 2, "second deposit block");
        assertEq(amount, B_AMT, "deposit amount");
        assertEq(cap, B_AMT + TOP, "capacity: deposit + top-up");
        assertEq(st, 1, "on the chain");
        assertEq(n, 0, "no exit yet");
        assertEq(depA, 1, "first deposit block");
        uint64 want = uint64(bytes8(keccak256(abi.encodePacked(uint64(0), alice, alice))));
        assertEq(sa, want, "slot formula");
        assertEq(debit.numCoins(), 2, "two coins");
        assertEq(debit.currentBlock(), 2, "current block");
        assertEq(debit.nextChildBlock(), 1000, "next operator block");
        uint256 b1 = _submitEmpty();
        assertEq(b1, 1000, "block 1000");
        assertTrue(debit.blockRoot(1000) != 0, "root stored");
        uint64 sc = _deposit(carol, 1 ether);
        assertEq(_depositBlock(sc), 1001, "deposit after 1000");
        assertEq(address(debit).balance, A_AMT + B_AMT + TOP + 1 ether, "held");
    }

    function test_deposit_rejects() public {
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.ZeroDeposit.selector));
        debit.depositEth();
        uint256 huge = uint256(type(uint128).max) + 1;
        vm.deal(alice, huge);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.AmountTooLarge.selector, huge));
        debit.depositEth{value: huge}();
    }

    function test_topUp_rules() public {
        vm.prank(alice);
        _expect(abi.encodeWithSelector(NotOperator.selector, alice));
        debit.topUp{value: 1}(sa);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.ZeroTopUp.selector));
        debit.topUp(sa);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.CoinNotFound.selector, uint64(77)));
        debit.topUp{value: 1}(77);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ToppedUp(sa, 1 ether, A_AMT + 1 ether);
        _topUp(sa, 1 ether);
        assertEq(_capacity(sa), A_AMT + 1 ether, "capacity grew");
        // Not while exiting, nor once paid out.
        _exitDeposit(alice, sa, alice, A_AMT);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 2));
        debit.topUp{value: 1}(sa);
        _finalizeAll();
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 3));
        debit.topUp{value: 1}(sa);
        uint256 huge = uint256(type(uint128).max);
        vm.deal(operator, huge);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.AmountTooLarge.selector, huge + B_AMT + TOP));
        debit.topUp{value: huge}(sb);
    }

    function test_submitBlock_rules() public {
        vm.prank(alice);
        _expect(abi.encodeWithSelector(NotOperator.selector, alice));
        debit.submitBlock(bytes32(uint256(1)));
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.ZeroRoot.selector));
        debit.submitBlock(0);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.BlockSubmitted(1000, bytes32(uint256(1)));
        vm.prank(operator);
        debit.submitBlock(bytes32(uint256(1)));
    }

    // ---------------------------------------------------------------- honest lifecycles

    function test_depositExit_paysOwnerAndBond() public {
        bytes32 h = keccak256(abi.encodePacked(sa));
        PlasmaDebit.TxProof memory dep = _depP(sa, alice, A_AMT);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitStarted(sa, alice, alice, 1, depA, 0, h, A_AMT, START_TIME + MEP);
        _startExit(alice, sa, _none(), dep);
        (
            address owner,
            address starter,
            uint256 exitBlock,
            address parentOwner,
            uint256 parentBlock,
            uint256 balance,
            uint256 credits,
            uint256 exitableAt,
            bytes32 txHash,
            uint256 open
        ) = debit.exitOf(sa);
        assertEq(owner, alice, "owner");
        assertEq(starter, alice, "starter");
        assertEq(exitBlock, depA, "exit block");
        assertEq(parentOwner, address(0), "no parent owner");
        assertEq(parentBlock, 0, "no parent");
        assertEq(balance, A_AMT, "balance");
        assertEq(credits, 0, "no credits");
        assertEq(exitableAt, START_TIME + MEP, "matures");
        assertEq(txHash, h, "deposit hash");
        assertEq(open, 0, "no challenge");
        assertEq(_state(sa), 2, "exiting");
        vm.warp(START_TIME + MEP - 1);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitNotMature.selector, START_TIME + MEP));
        debit.finalizeExit(sa);
        vm.warp(START_TIME + MEP);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitFinalized(sa, alice, A_AMT, 0);
        debit.finalizeExit(sa);
        assertEq(_state(sa), 3, "paid out");
        assertEq(debit.owed(alice), A_AMT + BOND, "alice: coin + bond");
        assertEq(debit.owed(operator), 0, "operator: nothing");
        // Never again.
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 3));
        debit.finalizeExit(sa);
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 3));
        debit.startExit{value: BOND}(sa, _none(), e);
        uint256 before = alice.balance;
        vm.expectEmit(address(debit));
        emit PlasmaDebit.Withdrawn(alice, A_AMT + BOND);
        vm.prank(alice);
        debit.withdraw();
        assertEq(alice.balance - before, A_AMT + BOND, "withdrawn");
        assertEq(debit.owed(alice), 0, "nothing owed");
        assertEq(address(debit).balance, B_AMT + TOP, "bob's coin left");
    }

    function test_exitAfterTransfer() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        _startExit(carol, sa, parent, e);
        (,,, address parentOwner, uint256 parentBlock,,,,,) = debit.exitOf(sa);
        assertEq(parentOwner, alice, "parent owner");
        assertEq(parentBlock, depA, "parent block");
        _finalizeAll();
        assertEq(debit.owed(carol), A_AMT + BOND, "carol paid");
        assertEq(debit.owed(alice), 0, "alice nothing");
    }

    /// A transfer with a lower balance pays the difference to the operator: a fee.
    function test_feeViaTransferWithLowerBalance() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT - 0.1 ether);
        uint256 b1 = _submitTx(sa, t);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        _startExit(carol, sa, parent, e);
        vm.warp(block.timestamp + MEP);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitFinalized(sa, carol, A_AMT - 0.1 ether, 0.1 ether);
        debit.finalizeExit(sa);
        assertEq(debit.owed(carol), A_AMT - 0.1 ether + BOND, "carol: balance + bond");
        assertEq(debit.owed(operator), 0.1 ether, "operator: the fee");
    }

    /// Alice pays Bob 1 ether: both exit; Bob adds the credit; the capacities split exactly.
    function test_payThenBothExit() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _payP(p, m);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, m, keccak256(p), bob, 1 ether);
        _startExit(alice, sa, parent, e);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.CreditAdded(sb, keccak256(p), 1, m, 1 ether, 1 ether);
        vm.prank(carol); // anyone
        debit.addCredit(sb, p, m, payee, payer);
        assertEq(_credits(sb), 1 ether, "credited");
        assertEq(debit.creditClaimed(sb, keccak256(p)), 1, "claimed by exit 1");
        _finalizeAll();
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 5 - 1");
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1");
        assertEq(debit.owed(operator), 1 ether + 2 ether, "operator: 1 from A, 5 - 3 from B");
        assertEq(
            address(debit).balance,
            debit.owed(alice) + debit.owed(bob) + debit.owed(operator),
            "everything owed"
        );
    }

    function test_topUpThenPayout() public {
        _exitDeposit(bob, sb, bob, B_AMT);
        vm.warp(block.timestamp + MEP);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitFinalized(sb, bob, B_AMT, TOP);
        debit.finalizeExit(sb);
        assertEq(debit.owed(bob), B_AMT + BOND, "bob: his balance");
        assertEq(debit.owed(operator), TOP, "operator: its top-up");
    }

    /// The operator starts the exit of Alice's latest state: she is paid her balance, it is
    /// paid the rest of the capacity and its bond.
    function test_operatorStartsExit_payoutSplit() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _payP(p, m);
        _startExit(operator, sa, parent, e);
        (address owner, address starter,,,,,,,,) = debit.exitOf(sa);
        assertEq(owner, alice, "owner: the state's");
        assertEq(starter, operator, "started by the operator");
        _finalizeAll();
        assertEq(debit.owed(alice), 4 ether, "alice: her balance, no bond");
        assertEq(debit.owed(operator), 1 ether + BOND, "operator: the rest + its bond");
        // Of a deposit too.
        _exitDeposit(operator, sb, bob, B_AMT);
        _finalizeAll();
        assertEq(debit.owed(bob), B_AMT, "bob: his deposit");
        assertEq(debit.owed(operator), 1 ether + TOP + 2 * BOND, "operator: top-up + bond");
    }

    /// The operator exits an old state of a coin; the holder challenges it and is paid the
    /// operator's bond.
    function test_operatorExitOfOldState_challengedByHolder() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        _exitDeposit(operator, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        vm.prank(carol);
        debit.challengeAfter(sa, s, "");
        assertEq(debit.owed(carol), BOND, "carol: the operator's bond");
        assertEq(_state(sa), 1, "back on the chain");
    }

    /// Credits beyond the capacity change nothing: the owner gets at most the capacity.
    function test_creditsCappedAtCapacity() public {
        // 10 ether, more than Alice has: junk the operator included, at its own expense.
        bytes memory p = _pay(sa, depA, alice, 0, sb, bob, 10 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.CreditAdded(sb, keccak256(p), 1, m, 10 ether, B_AMT + TOP);
        debit.addCredit(sb, p, m, payee, payer);
        assertEq(_credits(sb), B_AMT + TOP, "credits capped at the capacity");
        _finalizeAll();
        assertEq(debit.owed(bob), B_AMT + TOP + BOND, "bob: the whole capacity");
        assertEq(debit.owed(operator), 0, "operator: nothing of B");
    }

    // ---------------------------------------------------------------- startExit cheats

    function test_startExit_wrongBond() public {
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongBond.selector, BOND - 1, BOND));
        debit.startExit{value: BOND - 1}(sa, _none(), e);
    }

    function test_startExit_notOwnerNorOperator() public {
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotTxOwner.selector, alice, mallory));
        debit.startExit{value: BOND}(sa, _none(), e);
    }

    function test_startExit_depositMismatch() public {
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT + 1);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.DepositTxMismatch.selector, alice, A_AMT + 1));
        debit.startExit{value: BOND}(sa, _none(), e);
        e = _depP(sa, mallory, A_AMT);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.DepositTxMismatch.selector, mallory, A_AMT));
        debit.startExit{value: BOND}(sa, _none(), e);
        e = _depP(sa, alice, A_AMT);
        e.blockNumber = depB;
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.DepositNotAtDepositBlock.selector, depB, depA));
        debit.startExit{value: BOND}(sa, _none(), e);
        // A deposit of another coin: the slot is checked first.
        e = _depP(sb, bob, B_AMT);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sa, sb));
        debit.startExit{value: BOND}(sa, _none(), e);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.CoinNotFound.selector, uint64(5)));
        debit.startExit{value: BOND}(5, _none(), e);
    }

    function test_startExit_wrongSigner() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b1, sa, NO_PEER, MALLORY_KEY);
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, mallory, alice));
        debit.startExit{value: BOND}(sa, parent, e);
        e.signature = hex"00";
        vm.prank(carol);
        _expect(abi.encodeWithSelector(CashSignature.CashSignatureBadLength.selector, 1));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    function test_startExit_wrongParentBlock() public {
        bytes memory t1 = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t1);
        bytes memory t2 = _transfer(sa, b1, bob, A_AMT);
        uint256 b2 = _submitTx(sa, t2);
        // Bob's exit names the deposit as parent, but t2 spends t1 at b1.
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t2, b2, sa, NO_PEER, CAROL_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongParentBlock.selector, b1, depA));
        debit.startExit{value: BOND}(sa, parent, e);
        // The parent's bytes at another block than they are.
        parent = _txp(t1, b2, sa, NO_PEER, 0);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongParentBlock.selector, b1, b2));
        debit.startExit{value: BOND}(sa, parent, e);
        parent = _txp(t1, b1, sa, NO_PEER, 0);
        _startExit(bob, sa, parent, e);
        assertEq(_state(sa), 2, "the right parent exits");
    }

    function test_startExit_notIncluded() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitEmpty();
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, b1));
        debit.startExit{value: BOND}(sa, parent, e);
        // Not an operator block, not submitted, before the deposit.
        e.blockNumber = 1500;
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotAnOperatorBlock.selector, 1500));
        debit.startExit{value: BOND}(sa, parent, e);
        e.blockNumber = 9000;
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.BlockNotFound.selector, 9000));
        debit.startExit{value: BOND}(sa, parent, e);
        // The parent not included where it is said to be.
        bytes memory t1 = _transfer(sa, depA, carol, A_AMT);
        uint256 bt1 = _submitTx(sa, t1);
        bytes memory t2 = _transfer(sa, bt1, bob, A_AMT);
        uint256 bt2 = _submitTx(sa, t2);
        bytes memory forgedParent = _transfer(sa, depA, carol, A_AMT - 1);
        parent = _txp(forgedParent, bt1, sa, NO_PEER, 0); // with t1's proof
        e = _txp(t2, bt2, sa, NO_PEER, CAROL_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, bt1));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    /// A tx at the coin's slot in an operator block before its deposit never counts (the
    /// operator can predict slots).
    function test_startExit_txBeforeDeposit() public {
        uint64 future = uint64(bytes8(keccak256(abi.encodePacked(uint64(2), mallory, mallory))));
        bytes memory forged = _transfer(future, 1, mallory, 1 ether);
        uint256 b1 = _submitTx(future, forged);
        uint64 sm = _deposit(mallory, 1 ether);
        assertEq(sm, future, "predicted");
        PlasmaDebit.TxProof memory parent = _depP(sm, mallory, 1 ether);
        PlasmaDebit.TxProof memory e = _txp(forged, b1, sm, NO_PEER, MALLORY_KEY);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.BlockBeforeDeposit.selector, b1, 1001));
        debit.startExit{value: BOND}(sm, parent, e);
    }

    /// A pay with only the payer's leg is no state: it cannot exit.
    function test_startExit_payWithoutPeerLeg() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitTx(sa, p);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sb, m));
        debit.startExit{value: BOND}(sa, parent, e);
        // Nor with an empty peer proof.
        e.peerProof = "";
        vm.prank(alice);
        _expect(abi.encodeWithSelector(SparseMerkle.SparseMerkleBadProofLength.selector, 8, 0));
        debit.startExit{value: BOND}(sa, parent, e);
        // Her state before it stands.
        _exitDeposit(alice, sa, alice, A_AMT);
        _finalizeAll();
        assertEq(debit.owed(alice), A_AMT + BOND, "alice keeps her balance");
    }

    function test_payToSelf() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, sa, alice, 1 ether);
        uint256 m = _submitTx(sa, p);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, sa, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayToSelf.selector, sa));
        debit.startExit{value: BOND}(sa, parent, e);
        // As a spend of her deposit exit, neither.
        _exitDeposit(alice, sa, alice, A_AMT);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayToSelf.selector, sa));
        debit.challengeAfter(sa, e, "");
        // Nor as a credit.
        bytes memory proof = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayToSelf.selector, sa));
        debit.addCredit(sa, p, m, proof, proof);
    }

    /// A pay signed by the parent's owner but naming another payer is no spend.
    function test_startExit_payWithWrongPayer() public {
        bytes memory p = _pay(sa, depA, mallory, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongPayer.selector, mallory, alice));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    /// A credit is not an own tx: Bob cannot exit the pay he received.
    function test_startExit_ofACreditRefused() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        PlasmaDebit.TxProof memory parent = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sb, sa, ALICE_KEY);
        vm.prank(bob);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sb, sa));
        debit.startExit{value: BOND}(sb, parent, e);
    }

    function test_startExit_oneLiveExit() public {
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 2));
        debit.startExit{value: BOND}(sa, _none(), e);
    }

    // ---------------------------------------------------------------- challengeAfter

    /// Alice gave her coin to Carol and exits her deposit: Carol's transfer cancels it, and
    /// the deposit never exits again.
    function test_challengeAfter_byTransfer_provenInvalid() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, alice, 1, carol, AFTER);
        vm.prank(carol);
        debit.challengeAfter(sa, s, "");
        assertEq(_state(sa), 1, "back on the chain");
        assertEq(debit.owed(carol), BOND, "challenger: the bond");
        bytes32 h = keccak256(abi.encodePacked(sa));
        assertTrue(debit.provenInvalid(sa, h), "deposit proven invalid");
        // Never again, by her or by the operator.
        PlasmaDebit.TxProof memory e = _depP(sa, alice, A_AMT);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, h));
        debit.startExit{value: BOND}(sa, _none(), e);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, h));
        debit.startExit{value: BOND}(sa, _none(), e);
        // Carol exits for real.
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        _startExit(carol, sa, parent, s);
        _finalizeAll();
        assertEq(debit.owed(carol), A_AMT + 2 * BOND, "carol: coin + both bonds");
    }

    /// Alice paid Bob and exits her deposit: the operator's challengeAfter with the pay
    /// (both legs) cancels it; Bob's coin is on the chain, so the pay is shown for him.
    function test_challengeAfter_byPay() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _payP(p, m);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, m, keccak256(p), bob, 1 ether);
        vm.prank(operator);
        debit.challengeAfter(sa, s, "");
        assertEq(debit.owed(operator), BOND, "operator: the bond");
        assertEq(_state(sa), 1, "cancelled");
    }

    function test_challengeAfter_rejects() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        _exitDeposit(alice, sa, alice, A_AMT);
        // Not signed by the exiting state's owner.
        PlasmaDebit.TxProof memory s = _txp(t, b1, sa, NO_PEER, MALLORY_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, mallory, alice));
        debit.challengeAfter(sa, s, "");
        // Not included.
        s = _txp(_transfer(sa, depA, mallory, A_AMT), b1, sa, NO_PEER, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, b1));
        debit.challengeAfter(sa, s, "");
        // The deposit itself is no spend.
        s = _depP(sa, alice, A_AMT);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, 0, depA));
        debit.challengeAfter(sa, s, "");
        // Another coin's tx.
        s = _depP(sb, bob, B_AMT);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sa, sb));
        debit.challengeAfter(sa, s, "");
        // Not exiting.
        s = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sb, 1));
        debit.challengeAfter(sb, s, "");
        // After maturity.
        vm.warp(START_TIME + MEP);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitMatured.selector, START_TIME + MEP));
        debit.challengeAfter(sa, s, "");
    }

    /// A one-leg pay is no spend: the operator cannot cancel Alice's exit with it.
    function test_challengeAfter_payWithoutPeerLeg() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitTx(sa, p);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sb, m));
        debit.challengeAfter(sa, s, "");
        _finalizeAll();
        assertEq(debit.owed(alice), A_AMT + BOND, "alice keeps her state");
    }

    /// The operator included Alice's transfer to Carol twice (1000, 2000); Carol's spend names
    /// the copy at 2000; Carol exits the copy at 1000: Bob cancels it with the copy proof.
    function test_challengeAfter_ofACopy() public {
        bytes memory t = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        uint256 b2 = _submitTx(sa, t);
        bytes memory s2 = _transfer(sa, b2, bob, A_AMT);
        uint256 b3 = _submitTx(sa, s2);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        _startExit(carol, sa, parent, e);
        PlasmaDebit.TxProof memory s = _txp(s2, b3, sa, NO_PEER, CAROL_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, b2, b1));
        debit.challengeAfter(sa, s, "");
        bytes memory wrong = _proof(b2, sb); // another slot's path
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, b2));
        debit.challengeAfter(sa, s, wrong);
        bytes memory copy = _proof(b2, sa);
        vm.prank(bob);
        debit.challengeAfter(sa, s, copy);
        assertEq(_state(sa), 1, "cancelled");
        assertTrue(debit.provenInvalid(sa, keccak256(t)), "every copy invalid");
        // The copy at 2000 does not exit either.
        e = _txp(t, b2, sa, NO_PEER, ALICE_KEY);
        vm.prank(carol);
        _expect(abi.encodeWithSelector(PlasmaDebit.ProvenInvalid.selector, keccak256(t)));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    // ---------------------------------------------------------------- challengeBetween

    /// Alice double-spends her deposit: to Bob at 1000, to Mallory at 2000; Mallory exits.
    function test_challengeBetween_doubleSpend() public {
        bytes memory toBob = _transfer(sa, depA, bob, A_AMT);
        uint256 b1 = _submitTx(sa, toBob);
        bytes memory toMallory = _transfer(sa, depA, mallory, A_AMT);
        uint256 b2 = _submitTx(sa, toMallory);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(toMallory, b2, sa, NO_PEER, ALICE_KEY);
        _startExit(mallory, sa, parent, e);
        PlasmaDebit.TxProof memory s = _txp(toBob, b1, sa, NO_PEER, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, depA, b2));
        debit.challengeAfter(sa, s, "");
        // The exiting tx itself (its earlier copy would be) and a tx at or after it.
        PlasmaDebit.TxProof memory self = _txp(toMallory, b2, sa, NO_PEER, ALICE_KEY);
        _expect(
            abi.encodeWithSelector(
                PlasmaDebit.ChallengeWithExitingTx.selector, keccak256(toMallory)
            )
        );
        debit.challengeBetween(sa, self);
        bytes memory late = _transfer(sa, depA, carol, A_AMT);
        uint256 b3 = _submitTx(sa, late);
        PlasmaDebit.TxProof memory l = _txp(late, b3, sa, NO_PEER, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotBetween.selector, b3, depA, b2));
        debit.challengeBetween(sa, l);
        // Not signed by the parent's owner.
        PlasmaDebit.TxProof memory forged = _txp(toBob, b1, sa, NO_PEER, BOB_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, bob, alice));
        debit.challengeBetween(sa, forged);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, mallory, 1, bob, BETWEEN);
        vm.prank(bob);
        debit.challengeBetween(sa, s);
        assertEq(debit.owed(bob), BOND, "bob: the bond");
        assertFalse(debit.provenInvalid(sa, keccak256(toMallory)), "not marked");
    }

    function test_challengeBetween_rejects() public {
        _exitDeposit(alice, sa, alice, A_AMT);
        bytes memory t = _transfer(sa, depA, bob, A_AMT);
        uint256 b1 = _submitTx(sa, t);
        PlasmaDebit.TxProof memory s = _txp(t, b1, sa, NO_PEER, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitHasNoParent.selector, sa));
        debit.challengeBetween(sa, s);
        vm.warp(START_TIME + MEP);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitMatured.selector, START_TIME + MEP));
        debit.challengeBetween(sa, s);
    }

    /// The double spend of the parent is a pay: with both legs it cancels (and is shown for
    /// the payee); with one leg it is no spend.
    function test_challengeBetween_byPay() public {
        bytes memory oneLeg = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 b0 = _submitTx(sa, oneLeg);
        (bytes memory p, uint256 b1) = _payAB(2 ether);
        bytes memory toMallory = _transfer(sa, depA, mallory, A_AMT);
        uint256 b2 = _submitTx(sa, toMallory);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(toMallory, b2, sa, NO_PEER, ALICE_KEY);
        _startExit(mallory, sa, parent, e);
        PlasmaDebit.TxProof memory s0 = _txp(oneLeg, b0, sa, sb, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sb, b0));
        debit.challengeBetween(sa, s0);
        PlasmaDebit.TxProof memory s = _payP(p, b1);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, b1, keccak256(p), bob, 2 ether);
        vm.prank(operator);
        debit.challengeBetween(sa, s);
        assertEq(_state(sa), 1, "cancelled");
    }

    // ---------------------------------------------------------------- challengeBefore

    bytes internal t1_;
    uint256 internal b1_;
    uint256 internal b2_;

    /// @dev Alice → Bob (1000) → Carol (2000); Carol exits; one day before maturity Mallory
    /// challenges with Alice's deposit.
    function _carolExitsThenMalloryChallenges() internal returns (bytes32 dh) {
        t1_ = _transfer(sa, depA, bob, A_AMT);
        b1_ = _submitTx(sa, t1_);
        bytes memory t2 = _transfer(sa, b1_, carol, A_AMT);
        b2_ = _submitTx(sa, t2);
        PlasmaDebit.TxProof memory parent = _txp(t1_, b1_, sa, NO_PEER, 0);
        PlasmaDebit.TxProof memory e = _txp(t2, b2_, sa, NO_PEER, BOB_KEY);
        _startExit(carol, sa, parent, e);
        bytes memory depTx = _dep(sa, alice, A_AMT);
        dh = keccak256(abi.encodePacked(sa));
        vm.warp(START_TIME + MEP - 1 days);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ChallengedBefore(
            sa, dh, mallory, 1, depA, alice, START_TIME + MEP - 1 days + RESPONSE
        );
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
    }

    function test_challengeBefore_recordsAndMovesMaturity() public {
        bytes32 dh = _carolExitsThenMalloryChallenges();
        assertEq(_exitableAt(sa), START_TIME + MEP - 1 days + RESPONSE, "maturity moved");
        (address challenger, uint256 txBlock, uint256 n, uint8 st, address txOwner) =
            debit.challengeOf(sa, dh);
        assertEq(challenger, mallory, "challenger");
        assertEq(txBlock, depA, "tx block");
        assertEq(n, 1, "exit 1");
        assertEq(st, 1, "open");
        assertEq(txOwner, alice, "tx owner");
        (,,,,,,,,, uint256 open) = debit.exitOf(sa);
        assertEq(open, 1, "one open");
        // Twice: refused.
        bytes memory depTx = _dep(sa, alice, A_AMT);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeExists.selector, 1));
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
    }

    /// The transfer at 1000 answers Mallory's challenge and Carol gets Mallory's bond.
    function test_challengeBefore_answered() public {
        bytes32 dh = _carolExitsThenMalloryChallenges();
        // A response not signed by the challenged state's owner, or after the exit's block.
        PlasmaDebit.TxProof memory r = _txp(t1_, b1_, sa, NO_PEER, BOB_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, bob, alice));
        debit.respondChallengeBefore(sa, dh, r, "");
        r = _txp(t1_, b1_, sa, NO_PEER, ALICE_KEY);
        r.blockNumber = b2_ + 1000;
        _expect(abi.encodeWithSelector(PlasmaDebit.ResponseAfterExit.selector, b2_ + 1000, b2_));
        debit.respondChallengeBefore(sa, dh, r, "");
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeNotOpen.selector, bytes32(0)));
        debit.respondChallengeBefore(sa, bytes32(0), r, "");
        r = _txp(t1_, b1_, sa, NO_PEER, ALICE_KEY);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.Responded(sa, dh, bob, b1_);
        vm.prank(bob);
        debit.respondChallengeBefore(sa, dh, r, "");
        assertEq(debit.owed(carol), BOND, "the exiter gets the challenger's bond");
        (,,, uint8 st,) = debit.challengeOf(sa, dh);
        assertEq(st, 2, "answered");
        bytes memory depTx = _dep(sa, alice, A_AMT);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeExists.selector, 2));
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeNotOpen.selector, dh));
        debit.respondChallengeBefore(sa, dh, r, "");
        _finalizeAll();
        assertEq(debit.owed(carol), A_AMT + 2 * BOND, "carol: coin, bond, mallory's bond");
        assertEq(debit.owed(mallory), 0, "mallory: nothing");
    }

    /// The challenged state's spend is a pay: it answers with both legs (shown for the payee),
    /// not with one.
    function test_respondChallengeBefore_withPay() public {
        bytes memory oneLeg = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 b0 = _submitTx(sa, oneLeg);
        (bytes memory p, uint256 b1) = _payAB(1 ether);
        bytes memory t2 = _transfer(sa, b1, carol, 4 ether);
        uint256 b2 = _submitTx(sa, t2);
        PlasmaDebit.TxProof memory parent = _payP(p, b1);
        PlasmaDebit.TxProof memory e = _txp(t2, b2, sa, NO_PEER, ALICE_KEY);
        _startExit(carol, sa, parent, e);
        bytes memory depTx = _dep(sa, alice, A_AMT);
        bytes32 dh = keccak256(abi.encodePacked(sa));
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
        PlasmaDebit.TxProof memory r0 = _txp(oneLeg, b0, sa, sb, ALICE_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sb, b0));
        debit.respondChallengeBefore(sa, dh, r0, "");
        PlasmaDebit.TxProof memory r = _payP(p, b1);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, b1, keccak256(p), bob, 1 ether);
        debit.respondChallengeBefore(sa, dh, r, "");
        _finalizeAll();
        assertEq(debit.owed(carol), 4 ether + 2 * BOND, "carol: 4, her bond, mallory's");
        assertEq(debit.owed(operator), 1 ether, "operator: the 1 paid from A");
    }

    /// The response spends another copy of the challenged tx (copy proof).
    function test_respondChallengeBefore_ofACopy() public {
        bytes memory t1 = _transfer(sa, depA, bob, A_AMT);
        uint256 b1 = _submitTx(sa, t1);
        uint256 b2 = _submitTx(sa, t1); // copy
        bytes memory t3 = _transfer(sa, b2, carol, A_AMT);
        uint256 b3 = _submitTx(sa, t3);
        bytes memory t4 = _transfer(sa, b3, bob, A_AMT);
        uint256 b4 = _submitTx(sa, t4);
        PlasmaDebit.TxProof memory parent = _txp(t3, b3, sa, NO_PEER, 0);
        PlasmaDebit.TxProof memory e = _txp(t4, b4, sa, NO_PEER, CAROL_KEY);
        _startExit(bob, sa, parent, e);
        // Mallory challenges with t1's first copy; t3 spends it through the copy at b2.
        bytes memory proof1 = _proof(b1, sa);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sa, t1, b1, proof1);
        PlasmaDebit.TxProof memory r = _txp(t3, b3, sa, NO_PEER, BOB_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotASpend.selector, b2, b1));
        debit.respondChallengeBefore(sa, keccak256(t1), r, "");
        bytes memory copy = _proof(b2, sa);
        debit.respondChallengeBefore(sa, keccak256(t1), r, copy);
        (,,,,,,,,, uint256 open) = debit.exitOf(sa);
        assertEq(open, 0, "answered");
    }

    function test_challengeBefore_rejects() public {
        // A deposit exit has nothing before it.
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory depTx = _dep(sb, bob, B_AMT);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitHasNoParent.selector, sb));
        debit.challengeBefore{value: BOND}(sb, depTx, depB, "");
        bytes memory t1 = _transfer(sa, depA, carol, A_AMT);
        uint256 b1 = _submitTx(sa, t1);
        (bytes memory p, uint256 b2) = _payAB(1 ether); // a credit of... A→B: A's own tx
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(t1, b1, sa, NO_PEER, ALICE_KEY);
        _startExit(carol, sa, parent, e);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongBond.selector, 0, BOND));
        debit.challengeBefore(sa, depTx, depA, "");
        // Not before the exit's block.
        bytes memory proof2 = _proof(b2, sa);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotBeforeExit.selector, b2, b1));
        debit.challengeBefore{value: BOND}(sa, p, b2, proof2);
        // Another coin's tx.
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sa, sb));
        debit.challengeBefore{value: BOND}(sa, depTx, depB, "");
        // The exiting tx itself, at an earlier (forged) copy.
        bytes memory proof1 = _proof(b1, sa);
        vm.prank(mallory);
        _expect(
            abi.encodeWithSelector(PlasmaDebit.ChallengeWithExitingTx.selector, keccak256(t1))
        );
        debit.challengeBefore{value: BOND}(sa, t1, depA, proof1);
        // Not included.
        bytes memory aDep = _dep(sa, alice, A_AMT - 1);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.DepositTxMismatch.selector, alice, A_AMT - 1));
        debit.challengeBefore{value: BOND}(sa, aDep, depA, "");
        // After maturity.
        aDep = _dep(sa, alice, A_AMT);
        vm.warp(START_TIME + MEP);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitMatured.selector, START_TIME + MEP));
        debit.challengeBefore{value: BOND}(sa, aDep, depA, "");
    }

    /// A pay the coin received is a credit, never a challengeBefore.
    function test_challengeBefore_withACreditRefused() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        bytes memory t = _transfer(sb, depB, carol, 3 ether);
        uint256 b2 = _submitTx(sb, t);
        PlasmaDebit.TxProof memory parent = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b2, sb, NO_PEER, BOB_KEY);
        _startExit(carol, sb, parent, e);
        bytes memory proof = _proof(m, sb);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sb, sa));
        debit.challengeBefore{value: BOND}(sb, p, m, proof);
    }

    /// An operator-forged history: Mallory's exit faces Alice's challengeBefore with her
    /// deposit, which no one can answer; at maturity it is cancelled, Alice shares its bond, a
    /// priority window opens and Alice's deposit exit displaces Mallory's next one.
    function test_challengeBefore_unanswered_priorityWindow() public {
        bytes memory forged = _transfer(sa, depA, mallory, A_AMT); // never signed by Alice
        uint256 b1 = _submitTx(sa, forged);
        bytes memory e2 = _transfer(sa, b1, mallory, A_AMT);
        uint256 b2 = _submitTx(sa, e2);
        PlasmaDebit.TxProof memory parent = _txp(forged, b1, sa, NO_PEER, 0);
        PlasmaDebit.TxProof memory e = _txp(e2, b2, sa, NO_PEER, MALLORY_KEY);
        _startExit(mallory, sa, parent, e);
        bytes memory depTx = _dep(sa, alice, A_AMT);
        bytes32 dh = keccak256(abi.encodePacked(sa));
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
        // The forged tx does not answer (not signed by Alice).
        PlasmaDebit.TxProof memory r = _txp(forged, b1, sa, NO_PEER, MALLORY_KEY);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSigner.selector, mallory, alice));
        debit.respondChallengeBefore(sa, dh, r, "");
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeStillLive.selector, dh));
        debit.reclaimChallengeBond(sa, dh);
        vm.warp(START_TIME + MEP);
        uint256 until = START_TIME + MEP + RESPONSE;
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PriorityWindow(sa, until);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, mallory, 1, address(0), UNANSWERED);
        debit.finalizeExit(sa);
        assertEq(_state(sa), 1, "cancelled");
        assertEq(debit.priorityUntil(sa), until, "window");
        assertEq(debit.challengeRewards(sa, 1), BOND, "alice's share: the whole bond");
        assertEq(debit.owed(mallory), 0, "mallory: nothing");
        // Mallory restarts at once; Alice's earlier deposit displaces her.
        _startExit(mallory, sa, parent, e);
        PlasmaDebit.TxProof memory aliceDep = _depP(sa, alice, A_AMT);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.ExitCancelled(sa, mallory, 2, alice, DISPLACED);
        _startExit(alice, sa, _none(), aliceDep);
        assertEq(debit.owed(mallory), BOND, "displaced: her bond back");
        assertEq(_exitOwner(sa), alice, "alice's exit");
        // Mallory cannot displace back.
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitLive.selector, depA, until));
        debit.startExit{value: BOND}(sa, parent, e);
        // After the window nothing displaces.
        vm.warp(until);
        vm.prank(mallory);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sa, 2));
        debit.startExit{value: BOND}(sa, parent, e);
        debit.reclaimChallengeBond(sa, dh);
        _expect(abi.encodeWithSelector(PlasmaDebit.ChallengeNotOpen.selector, dh));
        debit.reclaimChallengeBond(sa, dh);
        _finalizeAll();
        assertEq(debit.owed(alice), A_AMT + 3 * BOND, "alice: coin, exit bond, bond + share");
        assertEq(
            address(debit).balance,
            debit.owed(alice) + debit.owed(mallory) + B_AMT + TOP,
            "held: owed + bob's capacity"
        );
    }

    bytes[] internal junk_;
    uint256[] internal junkBlocks_;

    /// @dev Operator junk in Alice's coin's history (nothing signed by her): three transfers
    /// after her deposit, then Mallory's exit spending the last.
    function _junkExit() internal {
        address[3] memory to = [mallory, carol, mallory];
        uint256 prev = depA;
        for (uint256 i; i < 3; ++i) {
            junk_.push(_transfer(sa, prev, to[i], A_AMT));
            prev = _submitTx(sa, junk_[i]);
            junkBlocks_.push(prev);
        }
        bytes memory e4 = _transfer(sa, prev, mallory, A_AMT);
        uint256 b4 = _submitTx(sa, e4);
        PlasmaDebit.TxProof memory parent = _txp(junk_[2], prev, sa, NO_PEER, 0);
        PlasmaDebit.TxProof memory e = _txp(e4, b4, sa, NO_PEER, MALLORY_KEY);
        _startExit(mallory, sa, parent, e);
    }

    /// Three open challenges share the exit bond; the remainder (1 wei) goes to the operator,
    /// so that every wei held is owed to someone.
    function test_challengeBefore_bondSharedByThree() public {
        _junkExit();
        bytes memory depTx = _dep(sa, alice, A_AMT);
        vm.prank(alice);
        debit.challengeBefore{value: BOND}(sa, depTx, depA, "");
        bytes memory p0 = _proof(junkBlocks_[0], sa);
        vm.prank(bob);
        debit.challengeBefore{value: BOND}(sa, junk_[0], junkBlocks_[0], p0);
        bytes memory p1 = _proof(junkBlocks_[1], sa);
        vm.prank(carol);
        debit.challengeBefore{value: BOND}(sa, junk_[1], junkBlocks_[1], p1);
        _finalizeAll();
        uint256 share = BOND / 3;
        assertEq(debit.challengeRewards(sa, 1), share, "a third each");
        assertEq(debit.owed(operator), BOND - 3 * share, "the remainder");
        assertEq(BOND - 3 * share, 1, "1 wei");
        debit.reclaimChallengeBond(sa, keccak256(abi.encodePacked(sa)));
        debit.reclaimChallengeBond(sa, keccak256(junk_[0]));
        debit.reclaimChallengeBond(sa, keccak256(junk_[1]));
        assertEq(debit.owed(alice), BOND + share, "alice");
        assertEq(debit.owed(bob), BOND + share, "bob");
        assertEq(debit.owed(carol), BOND + share, "carol");
        uint256 owedAll = debit.owed(alice) + debit.owed(bob) + debit.owed(carol);
        assertEq(
            address(debit).balance,
            A_AMT + B_AMT + TOP + owedAll + debit.owed(operator),
            "every wei owed"
        );
    }

    // ---------------------------------------------------------------- addCredit

    function test_addCredit_rules() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        // Not exiting.
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongCoinState.selector, sb, 1));
        debit.addCredit(sb, p, m, payee, payer);
        _exitDeposit(bob, sb, bob, B_AMT);
        // Not a pay; a pay to another coin.
        bytes memory t = _transfer(sb, depB, bob, B_AMT);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotAPay.selector, 1));
        debit.addCredit(sb, t, m, payee, payer);
        bytes memory toCarol = _pay(sa, depA, alice, 4 ether, 99, carol, 1 ether);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongSlot.selector, sb, uint64(99)));
        debit.addCredit(sb, toCarol, m, payee, payer);
        // One leg only: a wrong proof at either slot.
        _expect(abi.encodeWithSelector(PlasmaDebit.NotIncluded.selector, m));
        debit.addCredit(sb, p, m, payer, payer);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sa, m));
        debit.addCredit(sb, p, m, payee, payee);
        _expect(abi.encodeWithSelector(PlasmaDebit.NotAnOperatorBlock.selector, m + 1));
        debit.addCredit(sb, p, m + 1, payee, payer);
        debit.addCredit(sb, p, m, payee, payer);
        _expect(abi.encodeWithSelector(PlasmaDebit.CreditAlreadyAdded.selector, keccak256(p)));
        debit.addCredit(sb, p, m, payee, payer);
        assertEq(_credits(sb), 1 ether, "once");
    }

    /// The pay credits Carol, not the exit's owner Bob.
    function test_addCredit_wrongOwner() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, carol, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.WrongPayee.selector, carol, bob));
        debit.addCredit(sb, p, m, payee, payer);
    }

    /// A credit before the exiting state is already in it (that state restated the balance).
    function test_addCredit_earlierBlock() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        bytes memory t = _transfer(sb, depB, bob, 3 ether); // Bob consolidates the credit
        uint256 b2 = _submitTx(sb, t);
        PlasmaDebit.TxProof memory parent = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b2, sb, NO_PEER, BOB_KEY);
        _startExit(bob, sb, parent, e);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.CreditNotAfterExit.selector, m, b2));
        debit.addCredit(sb, p, m, payee, payer);
        _finalizeAll();
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: the consolidated balance");
    }

    function test_addCredit_afterMaturity() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        vm.warp(START_TIME + MEP);
        _expect(abi.encodeWithSelector(PlasmaDebit.ExitMatured.selector, START_TIME + MEP));
        debit.addCredit(sb, p, m, payee, payer);
    }

    /// Only the payee's leg was applied: no credit (Bob's balance before it stands).
    function test_addCredit_payeeLegOnly() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitTx(sb, p);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.PeerNotIncluded.selector, sa, m));
        debit.addCredit(sb, p, m, payee, payer);
    }

    /// Bob's exit with a credit added is cancelled by an unanswerable challengeBefore (junk
    /// the operator put in his history); his next exit of the same state takes it again.
    function test_addCredit_againForANewExit() public {
        bytes memory junk = _transfer(sb, depB, mallory, B_AMT); // never signed by Bob
        uint256 b1 = _submitTx(sb, junk);
        bytes memory t = _transfer(sb, depB, bob, B_AMT);
        uint256 b2 = _submitTx(sb, t);
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, bob, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        PlasmaDebit.TxProof memory parent = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory e = _txp(t, b2, sb, NO_PEER, BOB_KEY);
        _startExit(bob, sb, parent, e);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        debit.addCredit(sb, p, m, payee, payer);
        bytes memory junkProof = _proof(b1, sb);
        vm.prank(mallory);
        debit.challengeBefore{value: BOND}(sb, junk, b1, junkProof);
        vm.warp(START_TIME + MEP);
        debit.finalizeExit(sb);
        assertEq(_state(sb), 1, "cancelled");
        _startExit(bob, sb, parent, e);
        assertEq(_nonce(sb), 2, "exit 2");
        assertEq(_credits(sb), 0, "a new exit starts without credits");
        debit.addCredit(sb, p, m, payee, payer);
        assertEq(debit.creditClaimed(sb, keccak256(p)), 2, "claimed by exit 2");
        _finalizeAll();
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1, his second bond");
        debit.reclaimChallengeBond(sb, keccak256(junk));
        assertEq(debit.owed(mallory), 2 * BOND, "mallory: her bond + bob's first");
    }

    // ---------------------------------------------------------------- the payee's guard

    /// No coin at toSlot: the pay counts for nobody.
    function test_guard_noPayeeCoin() public {
        bytes memory p = _pay(sa, depA, alice, 4 ether, 77, bob, 1 ether);
        uint256 m = _submitPay(p, sa, 77);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, 77, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.CoinNotFound.selector, uint64(77)));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    /// The payee leg at a block before the payee's deposit is no credit of that coin.
    function test_guard_payBeforePayeeDeposit() public {
        uint64 future = uint64(bytes8(keccak256(abi.encodePacked(uint64(2), carol, carol))));
        bytes memory p = _pay(sa, depA, alice, 4 ether, future, carol, 1 ether);
        uint256 m = _submitPay(p, sa, future);
        uint64 sc = _deposit(carol, 1 ether);
        assertEq(sc, future, "predicted");
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, sc, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.BlockBeforeDeposit.selector, m, m + 1));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    /// Bob exits a state after the pay (he consolidated it): the pay is accepted and nothing
    /// is added.
    function test_guard_payeeExitingLaterState() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        bytes memory t = _transfer(sb, depB, bob, 3 ether);
        uint256 b2 = _submitTx(sb, t);
        PlasmaDebit.TxProof memory bp = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory be = _txp(t, b2, sb, NO_PEER, BOB_KEY);
        _startExit(bob, sb, bp, be);
        _aliceExitsPay(p, m);
        assertEq(_credits(sb), 0, "nothing added");
        assertEq(debit.creditClaimed(sb, keccak256(p)), 0, "not claimed");
        _finalizeAll();
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 3");
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 4");
    }

    /// Bob exits his deposit (before the pay): Alice's exit of the pay adds the credit to
    /// Bob's exit at once, once.
    function test_guard_payeeExitingEarlierState_creditAdded() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _payP(p, m);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.CreditAdded(sb, keccak256(p), 1, m, 1 ether, 1 ether);
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, m, keccak256(p), bob, 1 ether);
        _startExit(alice, sa, parent, e);
        assertEq(_credits(sb), 1 ether, "added");
        assertEq(debit.creditClaimed(sb, keccak256(p)), 1, "claimed");
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        _expect(abi.encodeWithSelector(PlasmaDebit.CreditAlreadyAdded.selector, keccak256(p)));
        debit.addCredit(sb, p, m, payee, payer);
        _finalizeAll();
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1");
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 4");
        assertEq(debit.owed(operator), 3 ether, "operator: 1 + 2");
    }

    /// Bob sold his coin to Carol; Alice pays Carol; Bob exits his old deposit: the pay cannot
    /// count against Alice while Bob's exit is live, and counts once Carol cancels it.
    function test_guard_payeeExitingEarlierStateOfAnother() public {
        bytes memory t = _transfer(sb, depB, carol, B_AMT);
        uint256 b1 = _submitTx(sb, t);
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, carol, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(bob, sb, bob, B_AMT);
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sb, keccak256(p)));
        debit.startExit{value: BOND}(sa, parent, e);
        PlasmaDebit.TxProof memory s = _txp(t, b1, sb, NO_PEER, BOB_KEY);
        vm.prank(carol);
        debit.challengeAfter(sb, s, "");
        vm.expectEmit(address(debit));
        emit PlasmaDebit.PayShown(sb, sa, m, keccak256(p), carol, 1 ether);
        _startExit(alice, sa, parent, e);
    }

    /// Bob's coin was paid out at his deposit without the credit: the pay counts for neither.
    function test_guard_payeePaidOutWithout() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        _finalizeAll();
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        PlasmaDebit.TxProof memory e = _payP(p, m);
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sb, keccak256(p)));
        debit.startExit{value: BOND}(sa, parent, e);
    }

    /// Bob's coin was paid out with the credit (or at a later state): the pay counts.
    function test_guard_payeePaidOutWithCredit() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        debit.addCredit(sb, p, m, payee, payer);
        _finalizeAll();
        assertEq(debit.owed(bob), 3 ether + BOND, "bob got it");
        _aliceExitsPay(p, m);
        assertEq(_state(sa), 2, "alice exits her pay");
    }

    function test_guard_payeePaidOutAtLaterState() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        bytes memory t = _transfer(sb, depB, bob, 3 ether);
        uint256 b2 = _submitTx(sb, t);
        PlasmaDebit.TxProof memory bp = _depP(sb, bob, B_AMT);
        PlasmaDebit.TxProof memory be = _txp(t, b2, sb, NO_PEER, BOB_KEY);
        _startExit(bob, sb, bp, be);
        _finalizeAll();
        _aliceExitsPay(p, m);
        assertEq(_state(sa), 2, "alice exits her pay");
    }

    // ---------------------------------------------------------------- withheld block

    /// docs/debit.md, "A pay in a withheld block": the operator put Alice's pay to Bob in a
    /// block it withholds. Bob, who never saw it, exits his deposit; Alice exits her state
    /// before the pay. The operator answers with the pay: the guard adds it to Bob's exit,
    /// Alice's exit is cancelled, she exits the pay (from the call's data). Both legs count.
    function test_withheldBlock_payeeExiting_bothLegsCount() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _payP(p, m);
        vm.prank(operator);
        debit.challengeAfter(sa, s, "");
        assertEq(_credits(sb), 1 ether, "bob credited at once");
        assertEq(debit.owed(operator), BOND, "operator: alice's bond");
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        _startExit(alice, sa, parent, s);
        _finalizeAll();
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 5 - 1, her second bond");
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 2 + 1");
        assertEq(debit.owed(operator), BOND + 1 ether + 2 ether, "operator: bond + 1 + 2");
        assertEq(
            address(debit).balance,
            debit.owed(alice) + debit.owed(bob) + debit.owed(operator),
            "everything owed"
        );
    }

    /// The same with Bob's coin on the chain: the pay is shown (PayShown), and Bob claims it
    /// when he exits.
    function test_withheldBlock_payeeOnChain_claimsLater() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _payP(p, m);
        vm.recordLogs();
        vm.prank(operator);
        debit.challengeAfter(sa, s, "");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "PayShown and ExitCancelled");
        assertEq(logs[0].topics[0], PlasmaDebit.PayShown.selector, "PayShown first");
        assertEq(logs[0].topics[1], bytes32(uint256(sb)), "for bob's coin");
        PlasmaDebit.TxProof memory parent = _depP(sa, alice, A_AMT);
        _startExit(alice, sa, parent, s);
        _exitDeposit(bob, sb, bob, B_AMT);
        bytes memory payee = _proof(m, sb);
        bytes memory payer = _proof(m, sa);
        vm.prank(bob);
        debit.addCredit(sb, p, m, payee, payer);
        _finalizeAll();
        assertEq(debit.owed(alice), 4 ether + BOND, "alice: 4");
        assertEq(debit.owed(bob), 3 ether + BOND, "bob: 3");
        assertEq(debit.owed(operator), BOND + 3 ether, "operator");
    }

    /// The same with Bob's coin already paid out at his deposit: the operator's answer is
    /// refused and Alice keeps her state before the pay. Neither leg counts.
    function test_withheldBlock_payeePaidOut_neitherCounts() public {
        (bytes memory p, uint256 m) = _payAB(1 ether);
        _exitDeposit(bob, sb, bob, B_AMT);
        _finalizeAll();
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _payP(p, m);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sb, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        _finalizeAll();
        assertEq(debit.owed(alice), A_AMT + BOND, "alice: 5");
        assertEq(debit.owed(bob), B_AMT + BOND, "bob: 2");
        assertEq(debit.owed(operator), TOP, "operator: B's top-up only");
        assertEq(
            address(debit).balance,
            debit.owed(alice) + debit.owed(bob) + debit.owed(operator),
            "everything owed"
        );
    }

    /// An exit of Bob's old state by someone else is live: the operator's answer is refused
    /// until Carol has cancelled it.
    function test_withheldBlock_payeeExitedByAnother_refusedThenAccepted() public {
        bytes memory t = _transfer(sb, depB, carol, B_AMT);
        uint256 b1 = _submitTx(sb, t);
        bytes memory p = _pay(sa, depA, alice, 4 ether, sb, carol, 1 ether);
        uint256 m = _submitPay(p, sa, sb);
        _exitDeposit(bob, sb, bob, B_AMT);
        _exitDeposit(alice, sa, alice, A_AMT);
        PlasmaDebit.TxProof memory s = _txp(p, m, sa, sb, ALICE_KEY);
        vm.prank(operator);
        _expect(abi.encodeWithSelector(PlasmaDebit.PayeeNotCredited.selector, sb, keccak256(p)));
        debit.challengeAfter(sa, s, "");
        PlasmaDebit.TxProof memory c = _txp(t, b1, sb, NO_PEER, BOB_KEY);
        vm.prank(carol);
        debit.challengeAfter(sb, c, "");
        vm.prank(operator);
        debit.challengeAfter(sa, s, "");
        assertEq(_state(sa), 1, "now cancelled");
    }

    // ---------------------------------------------------------------- withdraw

    function test_withdraw_rules() public {
        vm.prank(alice);
        _expect(abi.encodeWithSelector(PlasmaDebit.NothingToWithdraw.selector));
        debit.withdraw();
        // A receiver that refuses ETH keeps its credit.
        Refuser r = new Refuser(debit);
        vm.deal(address(r), 10 ether);
        uint64 sr = r.deposit(1 ether);
        r.exitDeposit(sr, BOND);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sr);
        assertEq(debit.owed(address(r)), 1 ether + BOND, "owed");
        _expect(
            abi.encodeWithSelector(
                PlasmaDebit.EthTransferFailed.selector, address(r), 1 ether + BOND
            )
        );
        r.withdraw();
        assertEq(debit.owed(address(r)), 1 ether + BOND, "still owed");
        // A receiver that re-enters withdraw is paid once.
        Reenterer q = new Reenterer(debit);
        vm.deal(address(q), 10 ether);
        uint64 sq = q.deposit(1 ether);
        q.exitDeposit(sq, BOND);
        vm.warp(block.timestamp + MEP);
        debit.finalizeExit(sq);
        uint256 before = address(q).balance;
        q.withdraw();
        assertEq(address(q).balance - before, 1 ether + BOND, "paid once");
        assertEq(debit.owed(address(q)), 0, "nothing left");
        assertTrue(
            q.reentryError() == ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            "re-entry refused"
        );
    }
}

/// @notice A coin owner that refuses ETH.
contract Refuser {
    PlasmaDebit internal immutable debit;

    constructor(PlasmaDebit d) {
        debit = d;
    }

    function deposit(uint256 amount) external returns (uint64) {
        return debit.depositEth{value: amount}();
    }

    function exitDeposit(uint64 slot, uint256 bond) external {
        (, uint256 b, uint256 amount,,,) = debit.coin(slot);
        PlasmaDebit.TxProof memory e;
        e.txBytes = _depositTx(slot, address(this), amount);
        e.blockNumber = b;
        PlasmaDebit.TxProof memory none;
        debit.startExit{value: bond}(slot, none, e);
    }

    function withdraw() external {
        debit.withdraw();
    }

    function _depositTx(uint64 slot, address owner, uint256 amount)
        internal
        pure
        returns (bytes memory)
    {
        return DebitTxs.deposit(slot, owner, amount);
    }

    receive() external payable virtual {
        revert("refused");
    }
}

/// @notice A coin owner whose receive re-enters `withdraw` once (and records the error).
contract Reenterer is Refuser {
    bytes4 public reentryError;

    constructor(PlasmaDebit d) Refuser(d) {}

    receive() external payable override {
        if (reentryError != 0) return;
        try debit.withdraw() {
            reentryError = 0xffffffff; // paid twice: the test fails
        } catch (bytes memory err) {
            reentryError = bytes4(err);
        }
    }
}
