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
import {PaymentEip712} from "../src/lib/PaymentEip712.sol";
import {FeeTransaction} from "../src/lib/FeeTransaction.sol";
import {Rlp} from "../src/lib/Rlp.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";

/// @notice Adversarial review of the fee-claim transaction (type 3): each test is one attack
/// an outsider or the operator could try with the new tx type, shown failing (or, if named
/// `test_attack_SUCCEEDS_…`, succeeding).
///
/// Fixture (as FeeClaims.t.sol): Alice deposits 5 ETH (block 1); block 1000 holds tx 0,
/// Alice's deposit spent into Bob 4.9 ETH, and tx 1, the operator's claim of the 0.1 ETH fee.
contract FeeReviewTest is PlasmaTest {
    uint256 internal constant FEE = 0.1 ether;
    uint256 internal constant TXPOS_BLOCK = 100_000;
    FormatsHarness internal harness;
    uint256 internal depPos;
    bytes internal depTx;
    bytes[] internal blk;
    uint256 internal feePos;
    uint256 internal bobPos;
    bytes32 internal ds;
    uint256 internal ifeBond;
    uint256 internal pbBond;
    uint256 internal chBond;

    function setUp() public override {
        super.setUp();
        harness = new FormatsHarness();
        (depPos, depTx) = _depositEth(alice, 5 ether);
        blk.push(_spend(depPos, bob, address(0), 5 ether - FEE));
        blk.push(_feeTx(operator, address(0), FEE, FeeTransaction.nonceOf(1000, address(0))));
        _submit(blk);
        bobPos = _pos(1000, 0, 0);
        feePos = _pos(1000, 1, 0);
        vm.deal(operator, 100 ether);
        ds = framework.domainSeparator();
        ifeBond = game.inFlightExitBond();
        pbBond = game.piggybackBond();
        chBond = game.canonicityChallengeBond();
    }

    // ---------------------------------------------------------------- helpers

    function _proof(bytes[] memory txs, uint256 index) internal pure returns (bytes memory p) {
        (, p) = Tree.rootAndProof(txs, index);
    }

    /// @dev A signature without an external call (safe right after vm.expectRevert).
    function _sig(uint256 key, bytes memory txBytes) internal view returns (bytes memory) {
        bytes32 digest = PaymentEip712.digest(PaymentTransaction.decode(txBytes), ds);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev In-flight exit args of `t` spending the single output `pos` of `inputTx`.
    function _oneInputArgs(
        bytes memory t,
        uint256 key,
        bytes memory inputTx,
        uint256 pos,
        bytes memory proof
    ) internal view returns (PaymentExitBase.StartInFlightExitArgs memory a) {
        a.inFlightTx = t;
        a.inputTxs = new bytes[](1);
        a.inputTxs[0] = inputTx;
        a.inputUtxosPos = new uint256[](1);
        a.inputUtxosPos[0] = pos;
        a.inputTxsInclusionProofs = new bytes[](1);
        a.inputTxsInclusionProofs[0] = proof;
        a.inFlightTxSigs = new bytes[](1);
        a.inFlightTxSigs[0] = _sig(key, t);
    }

    function _startIfe(address who, PaymentExitBase.StartInFlightExitArgs memory a) internal {
        vm.prank(who);
        game.startInFlightExit{value: ifeBond}(a);
    }

    function _feeExitId() internal view returns (uint160) {
        return _exitId(blk[1], feePos);
    }

    // ------------------------------------------- H1: fee tx as the spend in a standard challenge

    /// Attack: an outsider (Carol) tries to knock out Bob's honest standard exit, or the
    /// operator's honest fee exit, by presenting a fee tx (no inputs, no signature) as the
    /// "spend". The challenge path decodes the challenging tx as a payment only.
    function test_feeTxAsStandardChallengeTx_refused() public {
        _startExit(bob, bobPos, blk[0], _proof(blk, 0));
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        bytes32 sd = keccak256(abi.encodePacked(carol));
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.challengeStandardExit(bobPos, blk[0], blk[1], "", sd);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.challengeStandardExit(feePos, blk[1], blk[1], "", sd);
        // Naming the fee tx as Bob's exiting tx points at another (non-existent) exit record.
        uint160 wrongId = _exitId(blk[1], bobPos);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitNotFound.selector, wrongId));
        game.challengeStandardExit(bobPos, blk[1], blk[0], "", sd);
        assertEq(_exitOwner(blk[0], bobPos), bob, "Bob's exit stands");
        assertEq(_exitOwner(blk[1], feePos), operator, "the fee exit stands");
    }

    // ----------------------- H2: fee tx as competitor / input-spent / output-spent spending tx

    /// Attack: a fee tx carries no inputs, so it can never "share" an input with an in-flight
    /// tx; every in-flight challenge decodes the competitor / spending tx as a payment.
    function test_feeTxAsInFlightChallengeTx_refused() public {
        bytes memory t = _spend(bobPos, carol, address(0), 5 ether - FEE);
        _startIfe(carol, _oneInputArgs(t, BOB_KEY, blk[0], bobPos, _proof(blk, 0)));
        vm.prank(bob);
        game.piggybackInFlightExitOnInput{value: pbBond}(t, 0, 0);
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pbBond}(t, 0, 0);
        uint256 tPos = _submitOne(t) * TXPOS_BLOCK;

        // canonicity competitor
        PaymentExitBase.CanonicityChallenge memory c = PaymentExitBase.CanonicityChallenge(
            t, 0, blk[1], 0, 1000 * TXPOS_BLOCK + 1, _proof(blk, 1), ""
        );
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        // input spent
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.challengeInFlightExitInputSpent(t, 0, blk[1], 0, "");
        // output spent
        PaymentExitBase.OutputSpentChallenge memory o =
            PaymentExitBase.OutputSpentChallenge(t, tPos, _proofOne(t), 0, blk[1], 0, "");
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.challengeInFlightExitOutputSpent(o);

        PaymentExitBase.Header memory h = game.inFlightExit(game.inFlightExitId(t));
        assertEq(h.piggybacks, 1 | (1 << 4), "both piggybacks stand");
        assertEq(h.flags & 1, 0, "still canonical");
    }

    // -------------------------------------------------- H3: fee tx accepted as an in-flight tx

    /// Attack: treat the fee tx itself as an in-flight tx (to piggyback it, to answer a
    /// challenge with it, to delete it): there is never an in-flight exit of fee bytes, and a
    /// standard exit of the fee output (which runs _noteIncluded on its bytes) creates none.
    function test_feeTxAsInFlightTx_refusedEverywhere() public {
        bytes memory f = blk[1];
        uint160 fid = game.inFlightExitId(f);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = f;
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        game.startInFlightExit{value: ifeBond}(a);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, fid));
        game.piggybackInFlightExitOnOutput{value: pbBond}(f, 0, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, fid));
        game.piggybackInFlightExitOnInput{value: pbBond}(f, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, fid));
        game.respondToNonCanonicalChallenge(f, 1000 * TXPOS_BLOCK + 1, _proof(blk, 1));
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.InFlightExitNotFound.selector, fid));
        game.deleteNonPiggybackedInFlightExit(fid);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitBase.NotPiggybacked.selector, fid, 4));
        game.challengeInFlightExitOutputSpent(
            PaymentExitBase.OutputSpentChallenge(f, 1000 * TXPOS_BLOCK + 1, _proof(blk, 1), 0, blk[0], 0, "")
        );
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, f, _proof(blk, 1), 0);
        assertEq(game.inFlightExit(fid).startedAt, 0, "no in-flight exit of fee bytes");
        assertEq(game.queueSize(address(0)), 1, "only the fee's standard exit is queued");
    }

    // ------------------------------ H4: id collisions between fee / payment / in-flight spaces

    /// Attack: make a fee claim and a payment (or an in-flight exit) share an exit record, so
    /// that one exit blocks or replaces the other; or claim one tx's output at the other's
    /// position. The ids are hashes of different bytes (a fee tx is a 3-item list, a payment a
    /// 5-item one), the in-flight space has bit 159 set, and positions are bound by inclusion.
    function test_feeIdsDisjointFromPaymentAndInFlightIds() public {
        uint160 feeId = _feeExitId();
        uint160 bobId = _exitId(blk[0], bobPos);
        assertTrue(feeId != bobId, "distinct exit ids");
        assertEq(feeId >> 159, 0, "fee exit id is in the output space");
        assertEq(game.inFlightExitId(blk[1]) >> 159, 1, "in-flight ids are the other space");
        assertTrue(game.outputId(blk[1], feePos) != game.outputId(blk[0], bobPos), "outputIds");

        // The fee bytes claimed at Bob's position (same block, same token: the nonce matches),
        // and Bob's payment bytes claimed at the fee's position: inclusion binds each to its index.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, bobPos));
        game.startStandardExit{value: bond}(bobPos, blk[1], _proof(blk, 0), 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, feePos));
        game.startStandardExit{value: bond}(feePos, blk[0], _proof(blk, 1), 0);

        // Both honest exits coexist.
        _startExit(bob, bobPos, blk[0], _proof(blk, 0));
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        assertEq(_exitOwner(blk[0], bobPos), bob, "Bob's record");
        assertEq(_exitOwner(blk[1], feePos), operator, "fee record");
        assertEq(game.queueSize(address(0)), 2, "two exits queued");
    }

    // ------------------------------------- H5: deposit-block positions and the deposit boost

    /// Attack: get a fee claim into a deposit block (a vault deposit of fee bytes), or claim a
    /// fee output at a deposit-block position (nonce for that deposit blknum), to get the
    /// deposit exit period (now + MEP, no block-age floor) or a utxoPos-keyed outputId.
    function test_feeAtDepositBlockPosition_refused() public {
        bytes memory f = _feeTx(alice, address(0), 1 ether, FeeTransaction.nonceOf(2, address(0)));
        uint256 dfee = ethVault.depositFee();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 3));
        ethVault.deposit{value: 1 ether + dfee}(f);

        // Deposit block 1 exists (Alice's deposit). A fee claim "at" (1, 0, 0) with block 1's
        // nonce passes the nonce check and fails the inclusion proof (the block's only leaf is
        // the deposit tx).
        bytes memory g = _feeTx(alice, address(0), 5 ether, FeeTransaction.nonceOf(1, address(0)));
        bytes memory dproof = Tree.depositProof();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, depPos));
        game.startStandardExit{value: bond}(depPos, g, dproof, 0);
        // Same as an in-flight input.
        bytes memory t = _spend(depPos, carol, address(0), 5 ether);
        PaymentExitBase.StartInFlightExitArgs memory a = _oneInputArgs(t, ALICE_KEY, g, depPos, dproof);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentInFlightExitModule.InvalidInclusionProof.selector, depPos)
        );
        game.startInFlightExit{value: ifeBond}(a);
        // The honest claim (operator block) gets the block-age floor, not the deposit period.
        vm.warp(block.timestamp + 1 days);
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        (, uint256 exitableAt,,,) = game.standardExit(_feeExitId());
        (, uint256 ts) = framework.blocks(1000);
        assertEq(exitableAt, ts + 2 * MEP, "blockTime + 2 MEP, not now + MEP");
        assertTrue(exitableAt > block.timestamp + MEP, "later than a deposit exit would be");
    }

    // ----------------------------------------------- H6: a fee output at oindex != 0 (in flight)

    /// Attack: spend "output 1" (or 9999) of a fee claim in an in-flight tx, hoping the empty
    /// output read by ChainOutput is accepted (owner 0, amount 0, or a stale leg).
    function test_feeOutputIndexNonZero_asInFlightInput_refused() public {
        uint256[2] memory bad = [feePos + 1, feePos + 9999];
        for (uint256 k; k < 2; ++k) {
            bytes memory t = _spend(bad[k], carol, address(0), FEE);
            PaymentExitBase.StartInFlightExitArgs memory a =
                _oneInputArgs(t, OPERATOR_KEY, blk[1], bad[k], _proof(blk, 1));
            vm.prank(carol);
            vm.expectRevert(
                abi.encodeWithSelector(
                    PaymentInFlightExitModule.OutputIndexOutOfRange.selector, bad[k] % 10_000, 1
                )
            );
            game.startInFlightExit{value: ifeBond}(a);
            assertEq(game.inFlightExit(game.inFlightExitId(t)).startedAt, 0, "not started");
        }
        // The standard-exit side, at oindex 9999.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputIndexOutOfRange.selector, 9999, 1));
        game.startStandardExit{value: bond}(feePos + 9999, blk[1], _proof(blk, 1), 0);
    }

    // --------------------------------------------------------------- H7: RLP routing edge cases

    /// Attack: craft bytes whose top-level list length sends a payment to the fee decoder or a
    /// fee claim to the payment decoder, so that one is read with the other's rules. The RLP
    /// reader is strict (one canonical item spanning the input) and each decoder checks the tx
    /// type, so every hybrid is refused.
    function test_rlpRouting_edgeCases_refused() public {
        bytes32 n = FeeTransaction.nonceOf(1000, address(0));
        bytes memory out2 = TxEncode.output(PaymentTransaction.Output(2, operator, address(0), FEE));
        bytes memory out1 = TxEncode.output(PaymentTransaction.Output(1, operator, address(0), FEE));
        // 3 fields, payment type 1 (a payment shaped as a fee claim).
        vm.expectRevert(abi.encodeWithSelector(FeeTransaction.FeeTxWrongType.selector, 1));
        harness.chainOutput(_feeTxRaw(1, 1, operator, address(0), FEE, n), feePos);
        // 5 fields, type 3 (a fee claim shaped as a payment).
        bytes memory five = RlpEncode.list5(
            RlpEncode.uintItem(3),
            RlpEncode.list0(),
            RlpEncode.list1(out2),
            RlpEncode.uintItem(0),
            RlpEncode.bytes32Item(n)
        );
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongType.selector, 3));
        harness.chainOutput(five, feePos);
        // A payment of type 1 with output type 2 (a fee output inside a payment).
        bytes memory five2 = RlpEncode.list5(
            RlpEncode.uintItem(1),
            RlpEncode.list0(),
            RlpEncode.list1(out2),
            RlpEncode.uintItem(0),
            RlpEncode.bytes32Item(n)
        );
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongOutputType.selector, 0, 2));
        harness.chainOutput(five2, feePos);
        // A fee claim with 4 fields (an extra trailing field): goes to the payment decoder.
        bytes[] memory four = new bytes[](4);
        (four[0], four[1], four[2], four[3]) =
            (RlpEncode.uintItem(3), RlpEncode.list1(out2), RlpEncode.bytes32Item(n), RlpEncode.uintItem(0));
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 4));
        harness.chainOutput(RlpEncode.list(four), feePos);
        // Trailing byte after a valid fee claim.
        bytes memory good = blk[1];
        vm.expectRevert(
            abi.encodeWithSelector(Rlp.RlpTrailingBytes.selector, good.length, good.length + 1)
        );
        harness.chainOutput(bytes.concat(good, hex"00"), feePos);
        // Non-canonical long header (leading zero in the length) for the same claim.
        bytes memory payload = new bytes(good.length - 2);
        for (uint256 i; i < payload.length; ++i) payload[i] = good[i + 2];
        assertEq(uint8(good[0]), 0xf8, "fixture uses a 1-byte long list header");
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpLeadingZeroInLength.selector));
        harness.chainOutput(bytes.concat(hex"f900", good[1], payload), feePos);
        // A 31-byte nonce, and the output list given as a string.
        bytes memory shortNonce = RlpEncode.list3(
            RlpEncode.uintItem(3), RlpEncode.list1(out2), RlpEncode.str(new bytes(31))
        );
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 31));
        harness.chainOutput(shortNonce, feePos);
        bytes memory strOut =
            RlpEncode.list3(RlpEncode.uintItem(3), RlpEncode.str(out1), RlpEncode.bytes32Item(n));
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpExpectedList.selector));
        harness.chainOutput(strOut, feePos);
        // And the honest bytes still decode as exactly one fee output.
        (PaymentTransaction.Output memory o, uint256 count) = harness.chainOutput(good, feePos);
        assertEq(count, 1, "one output");
        assertEq(o.amount, FEE, "fee amount");
    }

    // --------------------- H8: fee output piggybacked as input of a non-canonical in-flight tx

    /// Attack (operator): sign two spends of the fee output, T1 to Carol (included in block
    /// 2000) and T2 to Bob (never included); start T2's in-flight exit and piggyback its input
    /// to get the fee back while Carol's output of T1 also exits (a double spend).
    function test_feeInput_nonCanonicalIfe_doubleSpendRefused() public {
        bytes memory t1 = _spend(feePos, carol, address(0), FEE);
        bytes memory t2 = _spend(feePos, bob, address(0), FEE);
        uint256 t1Pos = _submitOne(t1) * TXPOS_BLOCK;
        _startIfe(bob, _oneInputArgs(t2, OPERATOR_KEY, blk[1], feePos, _proof(blk, 1)));
        uint160 id2 = game.inFlightExitId(t2);
        vm.prank(operator);
        game.piggybackInFlightExitOnInput{value: pbBond}(t2, 0, 0);
        // Carol: non-canonical (T1 is included), then the input is spent (by T1).
        bytes memory sig1 = _sig(OPERATOR_KEY, t1);
        PaymentExitBase.CanonicityChallenge memory c =
            PaymentExitBase.CanonicityChallenge(t2, 0, t1, 0, t1Pos, _proofOne(t1), sig1);
        vm.prank(carol);
        game.challengeInFlightExitNotCanonical{value: chBond}(c);
        vm.prank(carol);
        game.challengeInFlightExitInputSpent(t2, 0, t1, 0, sig1);
        assertEq(game.inFlightExit(id2).piggybacks, 0, "the fee input piggyback is gone");
        // Carol exits T1's output.
        _startExit(carol, _pos(t1Pos / TXPOS_BLOCK, 0, 0), t1, _proofOne(t1));

        uint256 opBefore = operator.balance;
        uint256 vaultBefore = address(ethVault).balance;
        uint256 carolBefore = carol.balance;
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 10);
        assertEq(address(ethVault).balance, vaultBefore - FEE, "the fee leaves once");
        assertEq(operator.balance, opBefore, "the operator gets nothing");
        assertEq(
            carol.balance,
            carolBefore + FEE + bond - bounty + ifeBond + chBond,
            "Carol: T1's output, and the in-flight bond with her challenge bond"
        );
        // And the operator cannot now exit the fee output either (T1 spends it).
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        _challenge(carol, feePos, blk[1], t1, sig1);
        (address owner,,,,) = game.standardExit(_feeExitId());
        assertEq(owner, address(0), "challenged away");
    }

    // --------------------------- H9: the fee output exiting twice (standard + in flight)

    /// Attack (operator): exit the fee output by a standard exit and again as a piggybacked
    /// input of an in-flight tx spending it (or let Carol's output of that tx exit too).
    function test_feeOutput_cannotExitTwice_standardAndInFlight() public {
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        bytes memory t = _spend(feePos, carol, address(0), FEE);
        _startIfe(carol, _oneInputArgs(t, OPERATOR_KEY, blk[1], feePos, _proof(blk, 1)));
        uint160 feeId = _feeExitId();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentInFlightExitModule.ExitAlreadyStarted.selector, feeId));
        game.piggybackInFlightExitOnInput{value: pbBond}(t, 0, 0);

        uint256 vaultBefore = address(ethVault).balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertTrue(game.isOutputExited(game.outputId(blk[1], feePos)), "fee output exited");

        // A second in-flight tx spending the exited fee output: the input cannot piggyback, and
        // its output, piggybacked on a canonical exit, is not paid (its input exited).
        bytes memory t2 = _spend(feePos, carol, address(0), FEE - 1);
        _startIfe(carol, _oneInputArgs(t2, OPERATOR_KEY, blk[1], feePos, _proof(blk, 1)));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentInFlightExitModule.OutputAlreadyExited.selector, feeId));
        game.piggybackInFlightExitOnInput{value: pbBond}(t2, 0, 0);
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pbBond}(t2, 0, 0);
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 10);
        assertEq(address(ethVault).balance, vaultBefore - FEE, "the fee left the vault once");
        assertFalse(
            game.isOutputExited(keccak256(abi.encodePacked(t2, uint256(0)))),
            "the in-flight output was not paid"
        );
    }

    // --------------------------------------- H10: token fee claims, queue routing and payout

    /// Attack: a token fee claim exiting from the ETH queue (or vice versa), or the ETH-nonce
    /// claim replayed for a token. The exit goes to the output token's queue and pays in it.
    function test_feeExit_erc20_routedToItsTokenQueue() public {
        (uint256 tdep,) = _depositErc20(alice, 10 ether);
        bytes[] memory b = new bytes[](2);
        b[0] = _spend(tdep, bob, address(token), 9 ether);
        b[1] = _feeTx(operator, address(token), 1 ether, FeeTransaction.nonceOf(2000, address(token)));
        assertEq(_submit(b), 2000, "block 2000");
        uint256 pos = _pos(2000, 1, 0);
        // The same claim with the ETH nonce of block 2000 is refused.
        bytes memory wrong = _feeTx(operator, address(token), 1 ether, FeeTransaction.nonceOf(2000, address(0)));
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector,
                FeeTransaction.nonceOf(2000, address(0)),
                FeeTransaction.nonceOf(2000, address(token))
            )
        );
        game.startStandardExit{value: bond}(pos, wrong, _proof(b, 1), 0);

        vm.prank(operator);
        game.startStandardExit{value: bond}(pos, b[1], _proof(b, 1), 0);
        assertEq(game.queueSize(address(token)), 1, "token queue");
        assertEq(game.queueSize(address(0)), 0, "ETH queue untouched");
        uint256 vaultEth = address(ethVault).balance;
        uint256 vaultTok = token.balanceOf(address(erc20Vault));
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(address(ethVault).balance, vaultEth, "no ETH paid for a token fee");
        game.processExits(address(token), 10);
        assertEq(token.balanceOf(operator), 1 ether, "operator paid 1 token");
        assertEq(token.balanceOf(address(erc20Vault)), vaultTok - 1 ether, "from the token vault");
    }

    // ------------------------------------------ H11: conservation of the vault, full lifecycle

    /// Attack: take more than was deposited through fee claims of a valid block. Bob's 4.9 and
    /// the 0.1 fee exhaust Alice's 5 ETH deposit exactly; neither output exits twice.
    function test_validBlock_feePlusPaymentsEqualDeposits() public {
        uint256 vaultBefore = address(ethVault).balance;
        _startExit(bob, bobPos, blk[0], _proof(blk, 0));
        vm.prank(operator);
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        assertEq(vaultBefore - address(ethVault).balance, 5 ether, "exactly the deposit left");
        uint160 feeId = _feeExitId();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, feeId));
        game.startStandardExit{value: bond}(feePos, blk[1], _proof(blk, 1), 0);
        // Nor may the fee bytes be re-included in a later block (the nonce names block 1000).
        bytes[] memory b2 = new bytes[](1);
        b2[0] = blk[1];
        _submit(b2);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                FeeTransaction.FeeTxWrongNonce.selector,
                FeeTransaction.nonceOf(1000, address(0)),
                FeeTransaction.nonceOf(2000, address(0))
            )
        );
        game.startStandardExit{value: bond}(_pos(2000, 0, 0), b2[0], _proof(b2, 0), 0);
    }

    // -------------------- H12: an overclaim at txindex 0, ahead of its own block's payments

    /// Attack (operator): block 2000 is invalid: tx 0 claims 5 ETH of fees that do not exist,
    /// tx 1 is Bob's honest payment of his 4.9 to Carol. The claim sits before Carol's output in
    /// the same block, so her standard exit of it is queued behind the claim (txPos order).
    /// Her defence is the in-flight exit (priority of its input, block 1000), which is paid
    /// first and whole. This is the standard MoreVP rule for outputs of an invalid block; a fee
    /// claim gives the operator nothing an invalid payment with a forged input could not.
    function test_overclaimAtTxIndex0_sameBlockVictimExitsInFlightFirst() public {
        vm.warp(block.timestamp + 1 days);
        bytes memory t = _spend(bobPos, carol, address(0), 5 ether - FEE);
        bytes[] memory b = new bytes[](2);
        b[0] = _feeTx(operator, address(0), 5 ether, FeeTransaction.nonceOf(2000, address(0)));
        b[1] = t;
        _submit(b);
        uint256 claimPos = _pos(2000, 0, 0);
        uint256 carolPos = _pos(2000, 1, 0);
        uint256 vaultBefore = address(ethVault).balance;
        vm.prank(operator);
        game.startStandardExit{value: bond}(claimPos, b[0], _proof(b, 0), 0);
        uint256 claimKey = game.queueTop(address(0));
        assertEq(uint160(claimKey), _exitId(b[0], claimPos), "the claim is queued");
        // A standard exit of Carol's block-2000 output would tie on exitableAt and lose on txPos.
        assertTrue(_keyOf(carolPos, t) > claimKey, "Carol's SE would be behind the claim");
        // Her in-flight exit (input: Bob's block-1000 output) is ahead of the claim.
        _startIfe(carol, _oneInputArgs(t, BOB_KEY, blk[0], bobPos, _proof(blk, 0)));
        uint160 ifeId = game.inFlightExitId(t);
        vm.prank(carol);
        game.piggybackInFlightExitOnOutput{value: pbBond}(t, 0, 0);
        assertEq(uint160(game.queueTop(address(0))), ifeId, "the in-flight exit is first");
        uint256 carolBefore = carol.balance;
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertEq(
            carol.balance,
            carolBefore + 5 ether - FEE + pbBond - pbBond / 4 + ifeBond,
            "paid whole, first"
        );
        assertEq(vaultBefore - address(ethVault).balance, 5 ether - FEE, "only 0.1 left");
    }
}
