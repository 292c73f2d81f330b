// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";
import {TxEncode} from "./utils/TxEncode.sol";
import {Rlp} from "../src/lib/Rlp.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";
import {TxFixtures} from "./utils/TxFixtures.sol";

contract PaymentTransactionTest is Test, TxFixtures {
    FormatsHarness internal h;

    function setUp() public {
        h = new FormatsHarness();
    }

    // ---------------------------------------------------------------- building blocks

    function _out(address owner, address token, uint256 amount)
        internal
        pure
        returns (bytes memory)
    {
        return TxEncode.output(PaymentTransaction.Output(1, owner, token, amount));
    }

    function _in(uint256 pos) internal pure returns (bytes memory) {
        return RlpEncode.bytes32Item(bytes32(pos));
    }

    function _tx(
        bytes memory txType,
        bytes memory inputs,
        bytes memory outputs,
        bytes memory txData,
        bytes memory metadata
    ) internal pure returns (bytes memory) {
        return RlpEncode.list5(txType, inputs, outputs, txData, metadata);
    }

    function _type1() internal pure returns (bytes memory) {
        return hex"01";
    }

    function _ins1() internal pure returns (bytes memory) {
        return RlpEncode.list1(_in(POS1));
    }

    function _outs1() internal pure returns (bytes memory) {
        return RlpEncode.list1(_out(OWNER1, ETH, 100));
    }

    function _data0() internal pure returns (bytes memory) {
        return hex"80";
    }

    function _meta() internal pure returns (bytes memory) {
        return RlpEncode.bytes32Item(META);
    }

    function _validTx() internal pure returns (bytes memory) {
        return _tx(_type1(), _ins1(), _outs1(), _data0(), _meta());
    }

    /// An output list item whose data is [owner, token, amount] given as raw encodings.
    function _rawOut(bytes memory owner, bytes memory token, bytes memory amount)
        internal
        pure
        returns (bytes memory)
    {
        return RlpEncode.list2(hex"01", RlpEncode.list3(owner, token, amount));
    }

    function _txWithOutput(bytes memory output) internal pure returns (bytes memory) {
        return _tx(_type1(), _ins1(), RlpEncode.list1(output), _data0(), _meta());
    }

    function _repeat(bytes1 b, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[i] = b;
        }
    }

    function _expectTxError(bytes memory txBytes, bytes memory err) internal {
        vm.expectRevert(err);
        h.decodeTx(txBytes);
    }

    // ---------------------------------------------------------------- valid transactions

    function test_decode_txA() public view {
        (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        ) = h.decodeTx(TX_A);
        assertEq(txType, 1, "txType");
        assertEq(inputs.length, 2, "inputs");
        assertEq(inputs[0], bytes32(POS1), "input0");
        assertEq(inputs[1], bytes32(POS2), "input1");
        assertEq(outputs.length, 2, "outputs");
        _checkOutput(outputs[0], OWNER1, ETH, 100);
        _checkOutput(outputs[1], OWNER2, TOKEN, 1337);
        assertEq(txData, 0, "txData");
        assertEq(metadata, META, "metadata");
        assertFalse(h.isDeposit(TX_A), "not a deposit");
        assertEq(h.txHash(TX_A), keccak256(TX_A), "txHash");
    }

    function test_decode_depositB() public view {
        (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        ) = h.decodeTx(TX_B);
        assertEq(txType, 1, "txType");
        assertEq(inputs.length, 0, "inputs");
        assertEq(outputs.length, 1, "outputs");
        _checkOutput(outputs[0], OWNER1, ETH, 1 ether);
        assertEq(txData, 0, "txData");
        assertEq(metadata, bytes32(0), "metadata");
        assertTrue(h.isDeposit(TX_B), "deposit");
    }

    function test_decode_fullC() public view {
        (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        ) = h.decodeTx(TX_C);
        assertEq(txType, 1, "txType");
        assertEq(inputs.length, 4, "inputs");
        assertEq(inputs[0], bytes32(POS1), "input0");
        assertEq(inputs[1], bytes32(POS2), "input1");
        assertEq(inputs[2], bytes32(uint256(1)), "input2");
        assertEq(inputs[3], bytes32(type(uint256).max), "input3");
        assertEq(outputs.length, 4, "outputs");
        _checkOutput(outputs[0], OWNER1, ETH, 0x7f);
        _checkOutput(outputs[1], OWNER2, TOKEN, 0x80);
        _checkOutput(outputs[2], OWNER1, TOKEN, 1);
        _checkOutput(outputs[3], OWNER2, ETH, type(uint256).max);
        assertEq(txData, 0, "txData");
        assertEq(metadata, META, "metadata");
        assertFalse(h.isDeposit(TX_C), "not a deposit");
    }

    function test_fixturesMatchTestEncoder() public pure {
        bytes memory outs = RlpEncode.list2(_out(OWNER1, ETH, 100), _out(OWNER2, TOKEN, 1337));
        bytes memory built =
            _tx(_type1(), RlpEncode.list2(_in(POS1), _in(POS2)), outs, _data0(), _meta());
        assertEq(built, TX_A, "TX_A");
    }

    function test_isDeposit() public view {
        // One input, one output: not a deposit.
        assertFalse(h.isDeposit(_validTx()), "1 in 1 out");
        // No inputs, two outputs: not a deposit.
        bytes memory twoOuts = _tx(
            _type1(),
            RlpEncode.list0(),
            RlpEncode.list2(_out(OWNER1, ETH, 1), _out(OWNER2, ETH, 2)),
            _data0(),
            _meta()
        );
        assertFalse(h.isDeposit(twoOuts), "0 in 2 out");
    }

    function test_txHash_revertsOnInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(PaymentTransaction.TxWrongType.selector, 2));
        h.txHash(_tx(hex"02", _ins1(), _outs1(), _data0(), _meta()));
    }

    function _checkOutput(
        PaymentTransaction.Output memory o,
        address owner,
        address token,
        uint256 amount
    ) internal pure {
        assertEq(o.outputType, 1, "outputType");
        assertEq(o.owner, owner, "owner");
        assertEq(o.token, token, "token");
        assertEq(o.amount, amount, "amount");
    }

    // ---------------------------------------------------------------- RLP-level rejections

    function test_reject_emptyInput() public {
        _expectTxError("", abi.encodeWithSelector(Rlp.RlpEmptyInput.selector));
    }

    function test_reject_notAList() public {
        _expectTxError(hex"80", abi.encodeWithSelector(Rlp.RlpExpectedList.selector));
    }

    function test_reject_trailingBytes() public {
        bytes memory t = _validTx();
        _expectTxError(
            bytes.concat(t, hex"00"),
            abi.encodeWithSelector(Rlp.RlpTrailingBytes.selector, t.length, t.length + 1)
        );
    }

    function test_reject_truncated() public {
        bytes memory t = TX_A;
        bytes memory cut = new bytes(t.length - 1);
        for (uint256 i; i < cut.length; ++i) {
            cut[i] = t[i];
        }
        _expectTxError(
            cut, abi.encodeWithSelector(Rlp.RlpTruncated.selector, t.length, t.length - 1)
        );
    }

    function test_reject_truncatedInnerItem() public {
        // The inputs list holds 33 payload bytes, its item claims 34 (0xa1 = 33-byte string).
        bytes memory inputs = bytes.concat(hex"e1a1", _repeat(0x11, 32));
        _expectTxError(
            _tx(_type1(), inputs, _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpTruncated.selector, 34, 33)
        );
    }

    function test_reject_nonCanonicalSingleByte() public {
        // txType 1 encoded as the 1-byte string 0x81 0x01.
        _expectTxError(
            _tx(hex"8101", _ins1(), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpNonCanonicalSingleByte.selector, 1)
        );
    }

    function test_reject_longFormLengthAtMost55() public {
        // metadata (32 bytes) in long form 0xb8 0x20.
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), _data0(), bytes.concat(hex"b820", bytes32(META))),
            abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 32)
        );
        // an output list (45 payload bytes) in long form 0xf8 0x2d.
        bytes memory out = _out(OWNER1, ETH, 100); // 0xed ‖ 45 bytes
        bytes memory payload = new bytes(out.length - 1);
        for (uint256 i; i < payload.length; ++i) {
            payload[i] = out[i + 1];
        }
        _expectTxError(
            _txWithOutput(bytes.concat(hex"f82d", payload)),
            abi.encodeWithSelector(Rlp.RlpNonCanonicalLength.selector, 45)
        );
    }

    function test_reject_leadingZeroInLength() public {
        bytes memory t = _validTx(); // 0xf8 LL ‖ payload
        bytes memory payload = new bytes(t.length - 2);
        for (uint256 i; i < payload.length; ++i) {
            payload[i] = t[i + 2];
        }
        _expectTxError(
            bytes.concat(hex"f900", t[1], payload),
            abi.encodeWithSelector(Rlp.RlpLeadingZeroInLength.selector)
        );
    }

    function test_reject_leadingZeroInInteger() public {
        _expectTxError(
            _txWithOutput(
                _rawOut(RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH), hex"820064")
            ),
            abi.encodeWithSelector(Rlp.RlpIntegerLeadingZero.selector)
        );
        // txType as the byte 0x00 (zero must be 0x80) -- and txData likewise.
        _expectTxError(
            _tx(hex"00", _ins1(), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpIntegerLeadingZero.selector)
        );
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), hex"00", _meta()),
            abi.encodeWithSelector(Rlp.RlpIntegerLeadingZero.selector)
        );
    }

    function test_reject_integerOver32Bytes() public {
        _expectTxError(
            _txWithOutput(
                _rawOut(
                    RlpEncode.addressItem(OWNER1),
                    RlpEncode.addressItem(ETH),
                    bytes.concat(hex"a1", _repeat(0x01, 33))
                )
            ),
            abi.encodeWithSelector(Rlp.RlpIntegerTooLong.selector, 33)
        );
    }

    function test_reject_listInPlaceOfString() public {
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), _data0(), hex"c0"),
            abi.encodeWithSelector(Rlp.RlpExpectedString.selector)
        );
        _expectTxError(
            _tx(hex"c101", _ins1(), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpExpectedString.selector)
        );
        _expectTxError(
            _tx(_type1(), RlpEncode.list1(RlpEncode.list0()), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpExpectedString.selector)
        );
        _expectTxError(
            _txWithOutput(_rawOut(RlpEncode.list0(), RlpEncode.addressItem(ETH), hex"01")),
            abi.encodeWithSelector(Rlp.RlpExpectedString.selector)
        );
    }

    function test_reject_stringInPlaceOfList() public {
        _expectTxError(
            _tx(_type1(), hex"80", _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpExpectedList.selector)
        );
        _expectTxError(
            _tx(_type1(), _ins1(), hex"80", _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpExpectedList.selector)
        );
        // output as a string
        _expectTxError(_txWithOutput(hex"01"), abi.encodeWithSelector(Rlp.RlpExpectedList.selector));
        // output data as a string
        _expectTxError(
            _txWithOutput(RlpEncode.list2(hex"01", hex"80")),
            abi.encodeWithSelector(Rlp.RlpExpectedList.selector)
        );
    }

    // ---------------------------------------------------------------- structure rejections

    function test_reject_wrongArity() public {
        bytes[] memory four = new bytes[](4);
        (four[0], four[1], four[2], four[3]) = (_type1(), _ins1(), _outs1(), _data0());
        _expectTxError(
            RlpEncode.list(four),
            abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 4)
        );
        bytes[] memory six = new bytes[](6);
        (six[0], six[1], six[2], six[3], six[4], six[5]) =
        (_type1(), _ins1(), _outs1(), _data0(), _meta(), hex"80");
        _expectTxError(
            RlpEncode.list(six),
            abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 6)
        );
        _expectTxError(
            hex"c0", abi.encodeWithSelector(PaymentTransaction.TxWrongFieldCount.selector, 0)
        );
    }

    function test_reject_wrongTxType() public {
        _expectTxError(
            _tx(hex"02", _ins1(), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxWrongType.selector, 2)
        );
        _expectTxError(
            _tx(hex"80", _ins1(), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxWrongType.selector, 0)
        );
    }

    function test_reject_fiveInputs() public {
        bytes[] memory ins = new bytes[](5);
        for (uint256 i; i < 5; ++i) {
            ins[i] = _in(POS1 + i);
        }
        _expectTxError(
            _tx(_type1(), RlpEncode.list(ins), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxTooManyInputs.selector, 5)
        );
    }

    function test_reject_zeroOutputs() public {
        _expectTxError(
            _tx(_type1(), _ins1(), RlpEncode.list0(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxNoOutputs.selector)
        );
    }

    function test_reject_fiveOutputs() public {
        bytes[] memory outs = new bytes[](5);
        for (uint256 i; i < 5; ++i) {
            outs[i] = _out(OWNER1, ETH, i + 1);
        }
        _expectTxError(
            _tx(_type1(), _ins1(), RlpEncode.list(outs), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxTooManyOutputs.selector, 5)
        );
    }

    function test_reject_duplicateInput() public {
        bytes memory ins = RlpEncode.list3(_in(POS1), _in(POS2), _in(POS1));
        _expectTxError(
            _tx(_type1(), ins, _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxDuplicateInput.selector, 2, bytes32(POS1))
        );
    }

    function test_reject_zeroInput() public {
        bytes memory ins = RlpEncode.list2(_in(POS1), _in(0));
        _expectTxError(
            _tx(_type1(), ins, _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxZeroInput.selector, 1)
        );
    }

    function test_reject_inputNot32Bytes() public {
        // A minimal-length integer is not an input: inputs are always 32 bytes.
        _expectTxError(
            _tx(_type1(), RlpEncode.list1(RlpEncode.uintItem(POS1)), _outs1(), _data0(), _meta()),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 5) // 0xe8d4a55e23
        );
    }

    function test_reject_zeroOwner() public {
        _expectTxError(
            _txWithOutput(_out(address(0), ETH, 5)),
            abi.encodeWithSelector(PaymentTransaction.TxZeroOwner.selector, 0)
        );
        bytes memory outs = RlpEncode.list2(_out(OWNER1, ETH, 1), _out(address(0), TOKEN, 1));
        _expectTxError(
            _tx(_type1(), _ins1(), outs, _data0(), _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxZeroOwner.selector, 1)
        );
    }

    function test_reject_zeroAmount() public {
        _expectTxError(
            _txWithOutput(_out(OWNER1, ETH, 0)),
            abi.encodeWithSelector(PaymentTransaction.TxZeroAmount.selector, 0)
        );
    }

    function test_reject_ownerWrongLength() public {
        _expectTxError(
            _txWithOutput(
                _rawOut(
                    bytes.concat(hex"93", _repeat(0x22, 19)), RlpEncode.addressItem(ETH), hex"01"
                )
            ),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 19)
        );
        _expectTxError(
            _txWithOutput(
                _rawOut(
                    bytes.concat(hex"95", _repeat(0x22, 21)), RlpEncode.addressItem(ETH), hex"01"
                )
            ),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 21)
        );
    }

    function test_reject_tokenWrongLength() public {
        // ETH must be 20 zero bytes, not the empty string.
        _expectTxError(
            _txWithOutput(_rawOut(RlpEncode.addressItem(OWNER1), hex"80", hex"01")),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 0)
        );
    }

    function test_reject_nonZeroTxData() public {
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), hex"01", _meta()),
            abi.encodeWithSelector(PaymentTransaction.TxNonZeroTxData.selector, 1)
        );
    }

    function test_reject_metadataWrongLength() public {
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), _data0(), bytes.concat(hex"9f", _repeat(0x33, 31))),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 31)
        );
        _expectTxError(
            _tx(_type1(), _ins1(), _outs1(), _data0(), hex"80"),
            abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 32, 0)
        );
    }

    function test_reject_wrongOutputType() public {
        _expectTxError(
            _txWithOutput(
                RlpEncode.list2(
                    hex"02",
                    RlpEncode.list3(
                        RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH), hex"01"
                    )
                )
            ),
            abi.encodeWithSelector(PaymentTransaction.TxWrongOutputType.selector, 0, 2)
        );
        _expectTxError(
            _txWithOutput(
                RlpEncode.list2(
                    hex"80",
                    RlpEncode.list3(
                        RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH), hex"01"
                    )
                )
            ),
            abi.encodeWithSelector(PaymentTransaction.TxWrongOutputType.selector, 0, 0)
        );
    }

    function test_reject_outputWrongArity() public {
        bytes memory data =
            RlpEncode.list3(RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH), hex"01");
        _expectTxError(
            _txWithOutput(RlpEncode.list1(hex"01")),
            abi.encodeWithSelector(PaymentTransaction.TxOutputWrongFieldCount.selector, 0, 1)
        );
        _expectTxError(
            _txWithOutput(RlpEncode.list3(hex"01", data, hex"80")),
            abi.encodeWithSelector(PaymentTransaction.TxOutputWrongFieldCount.selector, 0, 3)
        );
    }

    function test_reject_outputDataWrongArity() public {
        _expectTxError(
            _txWithOutput(
                RlpEncode.list2(
                    hex"01",
                    RlpEncode.list2(RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH))
                )
            ),
            abi.encodeWithSelector(PaymentTransaction.TxOutputDataWrongFieldCount.selector, 0, 2)
        );
        bytes[] memory four = new bytes[](4);
        (four[0], four[1], four[2], four[3]) =
        (RlpEncode.addressItem(OWNER1), RlpEncode.addressItem(ETH), hex"01", hex"01");
        _expectTxError(
            _txWithOutput(RlpEncode.list2(hex"01", RlpEncode.list(four))),
            abi.encodeWithSelector(PaymentTransaction.TxOutputDataWrongFieldCount.selector, 0, 4)
        );
    }

    // ---------------------------------------------------------------- fuzz

    /// Random (valid) field values: encode with the test encoder, decode, compare every field,
    /// and re-encode the decoded value to the same bytes.
    function testFuzz_roundTrip(uint256 seed, uint8 nIn, uint8 nOut) public view {
        PaymentTransaction.Transaction memory t = _randomTx(seed, nIn % 5, 1 + nOut % 4);
        bytes memory enc = TxEncode.encode(t);
        (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        ) = h.decodeTx(enc);
        assertEq(txType, 1, "txType");
        assertEq(inputs.length, t.inputs.length, "input count");
        for (uint256 i; i < inputs.length; ++i) {
            assertEq(inputs[i], t.inputs[i], "input");
        }
        assertEq(outputs.length, t.outputs.length, "output count");
        for (uint256 i; i < outputs.length; ++i) {
            _checkOutput(outputs[i], t.outputs[i].owner, t.outputs[i].token, t.outputs[i].amount);
        }
        assertEq(txData, 0, "txData");
        assertEq(metadata, t.metadata, "metadata");
        assertEq(
            TxEncode.fromDecoded(txType, inputs, outputs, txData, metadata), enc, "re-encoding"
        );
        assertEq(h.isDeposit(enc), inputs.length == 0 && outputs.length == 1, "isDeposit");
        assertEq(h.txHash(enc), keccak256(enc), "txHash");
    }

    /// Random bytes: either a valid transaction (whose canonical re-encoding is the input) or a
    /// revert with one of our typed errors.
    function testFuzz_randomBytes(bytes memory input) public view {
        _checkDecodeOrTypedRevert(input);
    }

    /// Mutations (overwrite, insert, delete, truncate) of a valid random transaction.
    function testFuzz_mutations(
        uint256 seed,
        uint8 nIn,
        uint8 nOut,
        uint256 pos,
        uint8 value,
        uint8 kind
    ) public view {
        bytes memory enc = TxEncode.encode(_randomTx(seed, nIn % 5, 1 + nOut % 4));
        _checkDecodeOrTypedRevert(_mutate(enc, pos, value, kind));
    }

    function _checkDecodeOrTypedRevert(bytes memory input) internal view {
        try h.decodeTx(input) returns (
            uint256 txType,
            bytes32[] memory inputs,
            PaymentTransaction.Output[] memory outputs,
            uint256 txData,
            bytes32 metadata
        ) {
            assertEq(
                TxEncode.fromDecoded(txType, inputs, outputs, txData, metadata),
                input,
                "accepted a non-canonical transaction"
            );
        } catch (bytes memory err) {
            assertTrue(_isOurError(selectorOf(err)), "unexpected revert");
        }
    }

    function _isOurError(bytes4 sel) internal pure returns (bool) {
        return sel == Rlp.RlpEmptyInput.selector || sel == Rlp.RlpTruncated.selector
            || sel == Rlp.RlpTrailingBytes.selector || sel == Rlp.RlpLeadingZeroInLength.selector
            || sel == Rlp.RlpNonCanonicalLength.selector
            || sel == Rlp.RlpNonCanonicalSingleByte.selector
            || sel == Rlp.RlpExpectedString.selector || sel == Rlp.RlpExpectedList.selector
            || sel == Rlp.RlpIntegerTooLong.selector || sel == Rlp.RlpIntegerLeadingZero.selector
            || sel == Rlp.RlpWrongStringLength.selector
            || sel == PaymentTransaction.TxWrongFieldCount.selector
            || sel == PaymentTransaction.TxWrongType.selector
            || sel == PaymentTransaction.TxTooManyInputs.selector
            || sel == PaymentTransaction.TxZeroInput.selector
            || sel == PaymentTransaction.TxDuplicateInput.selector
            || sel == PaymentTransaction.TxNoOutputs.selector
            || sel == PaymentTransaction.TxTooManyOutputs.selector
            || sel == PaymentTransaction.TxOutputWrongFieldCount.selector
            || sel == PaymentTransaction.TxWrongOutputType.selector
            || sel == PaymentTransaction.TxOutputDataWrongFieldCount.selector
            || sel == PaymentTransaction.TxZeroOwner.selector
            || sel == PaymentTransaction.TxZeroAmount.selector
            || sel == PaymentTransaction.TxNonZeroTxData.selector;
    }

    function _mutate(bytes memory base, uint256 pos, uint8 value, uint8 kind)
        internal
        pure
        returns (bytes memory out)
    {
        pos = pos % (base.length + 1);
        kind = kind % 4;
        if (kind == 0 && pos < base.length) {
            out = bytes.concat(base);
            out[pos] = bytes1(value);
        } else if (kind == 1) {
            out = new bytes(base.length + 1);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
            out[pos] = bytes1(value);
            for (uint256 i = pos; i < base.length; ++i) {
                out[i + 1] = base[i];
            }
        } else if (kind == 2 && pos < base.length) {
            out = new bytes(base.length - 1);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
            for (uint256 i = pos + 1; i < base.length; ++i) {
                out[i - 1] = base[i];
            }
        } else {
            out = new bytes(pos);
            for (uint256 i; i < pos; ++i) {
                out[i] = base[i];
            }
        }
    }

    /// A valid transaction with `nIn` inputs and `nOut` outputs; values of every byte length.
    function _randomTx(uint256 seed, uint256 nIn, uint256 nOut)
        internal
        pure
        returns (PaymentTransaction.Transaction memory t)
    {
        t.txType = 1;
        t.inputs = new bytes32[](nIn);
        for (uint256 i; i < nIn; ++i) {
            // distinct and non-zero: a random value with a random number of leading zero bytes,
            // tagged with the index in its low bits.
            uint256 r = _rand(seed, "in", i) >> (8 * (_rand(seed, "inShift", i) % 32));
            t.inputs[i] = bytes32((r & ~uint256(7)) | (i + 1));
        }
        t.outputs = new PaymentTransaction.Output[](nOut);
        for (uint256 i; i < nOut; ++i) {
            address owner =
                address(uint160(_rand(seed, "owner", i) >> (_rand(seed, "os", i) % 160)));
            if (owner == address(0)) owner = address(1);
            address token = _rand(seed, "eth", i) % 2 == 0
                ? address(0)
                : address(uint160(_rand(seed, "token", i) >> (_rand(seed, "ts", i) % 160)));
            uint256 amount = _rand(seed, "amount", i) >> (_rand(seed, "as", i) % 256);
            if (amount == 0) amount = 1;
            t.outputs[i] = PaymentTransaction.Output(1, owner, token, amount);
        }
        t.txData = 0;
        t.metadata = _rand(seed, "meta", 0) % 3 == 0 ? bytes32(0) : bytes32(_rand(seed, "m", 1));
    }

    function _rand(uint256 seed, string memory tag, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, tag, i)));
    }
}
