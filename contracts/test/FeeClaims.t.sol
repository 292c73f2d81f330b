// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";
import {TxEncode} from "./utils/TxEncode.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentInFlightExitModule} from "../src/exits/PaymentInFlightExitModule.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {FeeTransaction} from "../src/lib/FeeTransaction.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";

/// @notice The fee-claim transaction (type 3) on L1: its format, and the exits of the fee
/// output it creates, standard and as an in-flight exit's input. Honest paths and each cheat.
///
/// Fixture: Alice deposits 5 ETH (block 1); block 1000 holds tx 0, Alice's deposit spent into
/// Bob 4.9 ETH (fee 0.1), and tx 1, the operator's claim of the 0.1 ETH fee.
contract FeeClaimsTest is PlasmaTest {
    uint256 internal constant FEE = 0.1 ether;
    FormatsHarness internal harness;
    uint256 internal depPos;
    bytes[] internal blk;
    uint256 internal feePos;
    uint256 internal bobPos;

    function setUp() public override {
        super.setUp();
        harness = new FormatsHarness();
        (depPos,) = _depositEth(alice, 5 ether);
        blk.push(_spend(depPos, bob, address(0), 5 ether - FEE));
        blk.push(_feeTx(operator, address(0), FEE, FeeTransaction.nonceOf(1000, address(0))));
        _submit(blk);
        bobPos = _pos(1000, 0, 0);
        feePos = _pos(1000, 1, 0);
    }

    // ---------------------------------------------------------------- helpers

    function _proof(bytes[] memory txs, uint256 index) internal pure returns (bytes memory p) {
        (, p) = Tree.rootAndProof(txs, index);
    }

    function _exitFee(address who, uint256 pos, bytes memory txb, bytes memory proof) internal {
        vm.prank(who);
        game.startStandardExit{value: bond}(pos, txb, proof, 0);
    }

    // ---------------------------------------------------------------- format

    function test_fee_format_decodes() public view {
        (PaymentTransaction.Output memory o, bytes32 nonce) = harness.decodeFeeTx(blk[1]);
        assertEq(o.outputType, 2, "output type");
        assertEq(o.owner, operator, "owner");
        assertEq(o.token, address(0), "token");
        assertEq(o.amount, FEE, "amount");
        assertEq(nonce, keccak256(abi.encode(uint256(1000), address(0))), "nonce");
        assertEq(
            harness.feeNonce(1000, address(token)),
            keccak256(abi.encode(uint256(1000), address(token))),
            "nonce of a token"
        );
    }

    function test_fee_format_refusesEveryBadField() public {
        bytes32 n = FeeTransaction.nonceOf(1000, address(0));
        vm.expectRevert(abi.encodeWithSelector(FeeTransaction.FeeTxWrongFieldCount.selector, 5));
        harness.decodeFeeTx(blk[0]);
        vm.expectRevert(abi.encodeWithSelector(FeeTransaction.FeeTxWrongType.selector, 1));
        harness.decodeFeeTx(_feeTxRaw(1, 2, operator, address(0), FEE, n));
        vm.expectRevert(
            abi.encodeWithSelector(PaymentTransaction.TxWrongOutputType.selector, 0, 1)
        );
        harness.decodeFeeTx(_feeTxRaw(3, 1, operator, address(0), FEE, n));
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxZeroOwner.selector, 0));
        harness.decodeFeeTx(_feeTx(address(0), address(0), FEE, n));
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxZeroAmount.selector, 0));
        harness.decodeFeeTx(_feeTx(operator, address(0), 0, n));
        bytes memory out = TxEncode.output(PaymentTransaction.Output(2, operator, address(0), 1));
        bytes memory two = RlpEncode.list3(
            RlpEncode.uintItem(3), RlpEncode.list2(out, out), RlpEncode.bytes32Item(n)
        );
        vm.expectRevert(abi.encodeWithSelector(FeeTransaction.FeeTxWrongOutputCount.selector, 2));
        harness.decodeFeeTx(two);
        bytes memory none =
            RlpEncode.list3(RlpEncode.uintItem(3), RlpEncode.list0(), RlpEncode.bytes32Item(n));
        vm.expectRevert(abi.encodeWithSelector(FeeTransaction.FeeTxWrongOutputCount.selector, 0));
        harness.decodeFeeTx(none);
    }

    function test_fee_chainOutput_readsBothKindsAndChecksTheNonce() public {
        (PaymentTransaction.Output memory o, uint256 count) = harness.chainOutput(blk[1], feePos);
        assertEq(count, 1, "a claim has one output");
        assertEq(o.owner, operator, "fee owner");
        (o, count) = harness.chainOutput(blk[0], bobPos);
        assertEq(count, 1, "payment outputs");
        assertEq(o.owner, bob, "payment owner");
        (o, count) = harness.chainOutput(blk[1], feePos + 1);
        assertEq(o.owner, address(0), "no output 1: empty");
        bytes32 expected = FeeTransaction.nonceOf(2000, address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector,
                FeeTransaction.nonceOf(1000, address(0)),
                expected
            )
        );
        harness.chainOutput(blk[1], _pos(2000, 1, 0));
    }

    // ---------------------------------------------------------------- standard exit

    function test_fee_standardExit_honest() public {
        uint256 before = operator.balance;
        vm.deal(operator, before + bond);
        _exitFee(operator, feePos, blk[1], _proof(blk, 1));
        (address owner, uint256 exitableAt,, uint256 amount, uint256 pos) =
            game.standardExit(_exitId(blk[1], feePos));
        assertEq(owner, operator, "owner");
        assertEq(amount, FEE, "amount");
        assertEq(pos, feePos, "position");
        assertEq(exitableAt, block.timestamp + 2 * MEP, "an operator block: no deposit boost");
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(operator.balance, before + FEE + bond - bounty, "fee and bond paid out");
        assertTrue(game.isOutputExited(game.outputId(blk[1], feePos)), "exited for ever");
    }

    function test_fee_standardExit_byNonOwner() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotOutputOwner.selector, operator, bob));
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
    }

    function test_fee_standardExit_outputIndexBeyondTheClaim() public {
        vm.deal(operator, bond);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputIndexOutOfRange.selector, 1, 1));
        game.startStandardExit{value: bond}(feePos + 1, blk[1], _proof(blk, 1), 0);
    }

    function test_fee_standardExit_nonceOfAnotherBlockOrToken() public {
        // Block 2000 holds a claim whose nonce is block 1000's (a replay of its bytes), and one
        // whose nonce names another token.
        bytes[] memory b2 = new bytes[](2);
        b2[0] = blk[1];
        b2[1] = _feeTx(operator, address(0), FEE, FeeTransaction.nonceOf(2000, address(token)));
        _submit(b2);
        vm.deal(operator, 2 * bond);
        bytes32 right = FeeTransaction.nonceOf(2000, address(0));
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector, FeeTransaction.nonceOf(1000, address(0)), right
            )
        );
        game.startStandardExit{value: bond}(_pos(2000, 0, 0), b2[0], _proof(b2, 0), 0);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector,
                FeeTransaction.nonceOf(2000, address(token)),
                right
            )
        );
        game.startStandardExit{value: bond}(_pos(2000, 1, 0), b2[1], _proof(b2, 1), 0);
    }

    function test_fee_standardExit_notIncluded() public {
        bytes memory other = _feeTx(operator, address(0), 5 ether, FeeTransaction.nonceOf(1000, address(0)));
        vm.deal(operator, bond);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, feePos));
        game.startStandardExit{value: bond}(feePos, other, _proof(blk, 1), 0);
    }

    function test_fee_standardExit_challengedWithItsSpend() public {
        // The operator spends its fee output in block 2000, then exits the spent fee output.
        bytes memory spend = _spend(feePos, operator, address(0), FEE);
        _submitOne(spend);
        vm.deal(operator, bond);
        _exitFee(operator, feePos, blk[1], _proof(blk, 1));
        uint256 carolBefore = carol.balance;
        _challenge(carol, feePos, blk[1], spend, _sign(OPERATOR_KEY, spend));
        assertEq(carol.balance, carolBefore + bond, "the bond goes to the challenger");
        assertEq(game.queueSize(address(0)), 1, "entry left, its record gone");
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 10);
        assertFalse(game.isOutputExited(game.outputId(blk[1], feePos)), "nothing paid");
    }

    function test_fee_standardExit_challengeSignedByAnotherRefused() public {
        bytes memory spend = _spend(feePos, bob, address(0), FEE);
        vm.deal(operator, bond);
        _exitFee(operator, feePos, blk[1], _proof(blk, 1));
        bytes32 sd = keccak256(abi.encodePacked(carol));
        bytes memory sig = _sign(BOB_KEY, spend);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, bob, operator));
        game.challengeStandardExit(feePos, blk[1], spend, sig, sd);
    }

    function test_fee_spentThenExitedAsAPayment() public {
        bytes memory spend = _spend(feePos, carol, address(0), FEE);
        uint256 blknum = _submitOne(spend);
        uint256 pos = _pos(blknum, 0, 0);
        uint256 before = carol.balance;
        _startExit(carol, pos, spend, _proofOne(spend));
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(carol.balance, before + FEE - bounty, "the fee, paid on to Carol, exits");
    }

    function test_fee_claimsOfTwoBlocksAreDistinctOutputs() public {
        // Same owner, token and amount in blocks 1000 and 2000: the nonces keep them apart.
        bytes[] memory b2 = new bytes[](1);
        b2[0] = _feeTx(operator, address(0), FEE, FeeTransaction.nonceOf(2000, address(0)));
        _submit(b2);
        assertTrue(keccak256(b2[0]) != keccak256(blk[1]), "different bytes");
        vm.deal(operator, 2 * bond);
        _exitFee(operator, feePos, blk[1], _proof(blk, 1));
        _exitFee(operator, _pos(2000, 0, 0), b2[0], _proof(b2, 0));
        assertEq(game.queueSize(address(0)), 2, "both exiting");
    }

    function test_fee_overclaim_honestOwnersExitFirst() public {
        // Block 2000 claims 5 ETH of fees that no payment left: invalid. Bob exits his output
        // (block 1000) and the overclaim exits too; Bob is paid first, whole.
        bytes[] memory bad = new bytes[](1);
        bad[0] = _feeTx(operator, address(0), 5 ether, FeeTransaction.nonceOf(2000, address(0)));
        vm.warp(block.timestamp + 1 days);
        _submit(bad);
        vm.deal(operator, bond);
        _exitFee(operator, _pos(2000, 0, 0), bad[0], _proof(bad, 0));
        _startExit(bob, bobPos, blk[0], _proof(blk, 0));
        uint256 before = bob.balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertEq(bob.balance, before + 5 ether - FEE + bond - bounty, "Bob first and whole");
    }

    // ---------------------------------------------------------------- in-flight exit

    /// @dev The in-flight exit arguments of `t`, which spends the fee output alone.
    function _feeInputArgs(bytes memory t, uint256 key, bytes memory inputTx)
        internal
        view
        returns (PaymentExitBase.StartInFlightExitArgs memory a)
    {
        a.inFlightTx = t;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = inputTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = feePos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = _proof(blk, 1);
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sign(key, t);
    }

    function test_fee_inFlight_feeInput_honest() public {
        bytes memory t = _spend(feePos, carol, address(0), FEE);
        PaymentExitBase.StartInFlightExitArgs memory a = _feeInputArgs(t, OPERATOR_KEY, blk[1]);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(carol);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 id = game.inFlightExitId(t);
        (bytes32 oid, address owner, address tkn, uint256 amount,) = game.inFlightExitLeg(id, 0);
        assertEq(oid, game.outputId(blk[1], feePos), "the fee output is the input");
        assertEq(owner, operator, "its owner");
        assertEq(tkn, address(0), "token");
        assertEq(amount, FEE, "amount");
        uint256 pb = game.piggybackBond();
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pb}(t, 0, 0);
        uint256 before = carol.balance;
        uint256 vault = address(ethVault).balance;
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 10);
        assertEq(address(ethVault).balance, vault - FEE, "the fee left the vault");
        assertTrue(carol.balance >= before + FEE, "to Carol, with her bonds");
    }

    function test_fee_inFlight_feeInputSignedByAnother() public {
        bytes memory t = _spend(feePos, carol, address(0), FEE);
        PaymentExitBase.StartInFlightExitArgs memory a = _feeInputArgs(t, BOB_KEY, blk[1]);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentInFlightExitModule.SignerNotOwner.selector, bob, operator)
        );
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_fee_inFlight_feeInputWithAForeignNonce() public {
        // An input tx with another block's nonce is refused before its inclusion is checked.
        bytes memory t = _spend(feePos, carol, address(0), FEE);
        bytes32 wrong = FeeTransaction.nonceOf(3000, address(0));
        bytes memory forged = _feeTx(operator, address(0), FEE, wrong);
        PaymentExitBase.StartInFlightExitArgs memory a = _feeInputArgs(t, OPERATOR_KEY, forged);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector, wrong, FeeTransaction.nonceOf(1000, address(0))
            )
        );
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_fee_inFlight_ofAFeeTxItselfRefused() public {
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = blk[1];
        uint256 ifeBond = game.inFlightExitBond();
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.startInFlightExit{value: ifeBond}(a);
    }

    function test_fee_inFlight_overclaimedInputCannotInflateOutputs() public {
        // An in-flight tx spending the 0.1 ETH claim into 1 ETH is refused (outputs > inputs).
        bytes memory t = _spend(feePos, carol, address(0), 1 ether);
        PaymentExitBase.StartInFlightExitArgs memory a = _feeInputArgs(t, OPERATOR_KEY, blk[1]);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                PaymentExitBase.OutputsExceedInputs.selector, address(0), FEE, 1 ether
            )
        );
        game.startInFlightExit{value: ifeBond}(a);
    }
}
