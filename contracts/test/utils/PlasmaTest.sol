// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";
import {Deploy} from "./Deploy.sol";
import {Tree} from "./Tree.sol";
import {TxEncode} from "./TxEncode.sol";
import {RlpEncode} from "./RlpEncode.sol";
import {PlasmaFramework} from "../../src/PlasmaFramework.sol";
import {EthVault} from "../../src/vaults/EthVault.sol";
import {Erc20Vault} from "../../src/vaults/Erc20Vault.sol";
import {PaymentExitGame} from "../../src/exits/PaymentExitGame.sol";
import {TestToken} from "../../src/test-tokens/TestToken.sol";
import {PaymentTransaction} from "../../src/lib/PaymentTransaction.sol";
import {PaymentEip712} from "../../src/lib/PaymentEip712.sol";

/// @notice Base of the root-chain contract tests: deploys the system with `Deploy`, funds a few
/// users, and builds deposits, blocks, proofs, signatures and exits.
abstract contract PlasmaTest is Test {
    uint256 internal constant MEP = 1 weeks;
    uint256 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant OPERATOR_KEY = 0x0be7a702;
    uint256 internal constant ALICE_KEY = 0xa11ce;
    uint256 internal constant BOB_KEY = 0xb0b;
    uint256 internal constant CAROL_KEY = 0xca201;

    address internal operator;
    address internal alice;
    address internal bob;
    address internal carol;

    PlasmaFramework internal framework;
    EthVault internal ethVault;
    Erc20Vault internal erc20Vault;
    PaymentExitGame internal game;
    TestToken internal token;
    uint256 internal bond;
    uint256 internal bounty;

    function setUp() public virtual {
        vm.warp(START_TIME);
        operator = vm.addr(OPERATOR_KEY);
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        Deploy.Plasma memory p = Deploy.deploy(MEP, operator, Deploy.EXIT_BOND);
        (framework, ethVault, erc20Vault, game) =
        (p.framework, p.ethVault, p.erc20Vault, p.exitGame);
        (bond, bounty) = (Deploy.EXIT_BOND, Deploy.EXIT_BOND / 4);
        token = new TestToken("Test", "TST");
        address[3] memory users = [alice, bob, carol];
        for (uint256 i; i < users.length; ++i) {
            vm.deal(users[i], 1000 ether);
            token.mint(users[i], 1e27);
        }
    }

    /// @dev The test contract processes exits too and receives their bounties.
    receive() external payable {}

    // ---------------------------------------------------------------- txs

    function _pos(uint256 blknum, uint256 txindex, uint256 oindex) internal pure returns (uint256) {
        return blknum * 1_000_000_000 + txindex * 10_000 + oindex;
    }

    function _out(address owner, address tkn, uint256 amount)
        internal
        pure
        returns (PaymentTransaction.Output memory)
    {
        return PaymentTransaction.Output(1, owner, tkn, amount);
    }

    function _tx(bytes32[] memory inputs, PaymentTransaction.Output[] memory outputs)
        internal
        pure
        returns (bytes memory)
    {
        return TxEncode.fromDecoded(1, inputs, outputs, 0, bytes32(0));
    }

    function _depositTx(address owner, address tkn, uint256 amount)
        internal
        pure
        returns (bytes memory)
    {
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(owner, tkn, amount);
        return _tx(new bytes32[](0), outs);
    }

    function _outs2(address a, uint256 x, address b, uint256 y)
        internal
        pure
        returns (PaymentTransaction.Output[] memory outs)
    {
        outs = new PaymentTransaction.Output[](2);
        outs[0] = _out(a, address(0), x);
        outs[1] = _out(b, address(0), y);
    }

    /// @dev A tx spending `input` into one output (owner, tkn, amount).
    function _spend(uint256 input, address owner, address tkn, uint256 amount)
        internal
        pure
        returns (bytes memory)
    {
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(input);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(owner, tkn, amount);
        return _tx(ins, outs);
    }

    /// @dev A fee-claim transaction (type 3, one output of type 2): `RLP([3, [output], nonce])`.
    function _feeTx(address owner, address tkn, uint256 amount, bytes32 nonce)
        internal
        pure
        returns (bytes memory)
    {
        return _feeTxRaw(3, 2, owner, tkn, amount, nonce);
    }

    /// @dev Any type and output type, for the tests of malformed claims.
    function _feeTxRaw(
        uint256 txType,
        uint256 outputType,
        address owner,
        address tkn,
        uint256 amount,
        bytes32 nonce
    ) internal pure returns (bytes memory) {
        PaymentTransaction.Output memory o =
            PaymentTransaction.Output(outputType, owner, tkn, amount);
        return RlpEncode.list3(
            RlpEncode.uintItem(txType),
            RlpEncode.list1(TxEncode.output(o)),
            RlpEncode.bytes32Item(nonce)
        );
    }

    function _sign(uint256 key, bytes memory txBytes) internal view returns (bytes memory) {
        bytes32 digest =
            PaymentEip712.digest(PaymentTransaction.decode(txBytes), framework.domainSeparator());
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    // ---------------------------------------------------------------- chain actions

    /// @return utxoPos the deposit output's position
    function _depositEth(address who, uint256 amount)
        internal
        returns (uint256 utxoPos, bytes memory txBytes)
    {
        txBytes = _depositTx(who, address(0), amount);
        utxoPos = _pos(framework.nextDepositBlock(), 0, 0);
        uint256 fee = ethVault.depositFee();
        vm.prank(who);
        ethVault.deposit{value: amount + fee}(txBytes);
    }

    function _depositErc20(address who, uint256 amount)
        internal
        returns (uint256 utxoPos, bytes memory txBytes)
    {
        txBytes = _depositTx(who, address(token), amount);
        utxoPos = _pos(framework.nextDepositBlock(), 0, 0);
        vm.prank(who);
        token.approve(address(erc20Vault), amount);
        uint256 fee = erc20Vault.depositFee();
        vm.prank(who);
        erc20Vault.deposit{value: fee}(txBytes);
    }

    function _submit(bytes[] memory txs) internal returns (uint256 blknum) {
        blknum = framework.nextChildBlock();
        vm.prank(operator);
        framework.submitBlock(Tree.root(txs));
    }

    function _submitOne(bytes memory txBytes) internal returns (uint256 blknum) {
        bytes[] memory txs = new bytes[](1);
        txs[0] = txBytes;
        return _submit(txs);
    }

    function _proofOne(bytes memory txBytes) internal pure returns (bytes memory proof) {
        bytes[] memory txs = new bytes[](1);
        txs[0] = txBytes;
        (, proof) = Tree.rootAndProof(txs, 0);
    }

    /// @dev Starts an exit with the insertion hint a wallet would use (`queueHint` of the
    /// exit's priority key, computed as the contract will).
    function _startExit(address who, uint256 utxoPos, bytes memory txBytes, bytes memory proof)
        internal
    {
        address tkn = PaymentTransaction.decode(txBytes).outputs[utxoPos % 10_000].token;
        uint256 hint = game.queueHint(tkn, _keyOf(utxoPos, txBytes));
        _startExitHinted(who, utxoPos, txBytes, proof, hint);
    }

    function _startExitHinted(
        address who,
        uint256 utxoPos,
        bytes memory txBytes,
        bytes memory proof,
        uint256 hint
    ) internal {
        vm.prank(who);
        game.startStandardExit{value: bond}(utxoPos, txBytes, proof, hint);
    }

    /// @dev The priority key an exit of `utxoPos` started now gets.
    function _keyOf(uint256 utxoPos, bytes memory txBytes) internal view returns (uint256) {
        uint256 blknum = utxoPos / 1_000_000_000;
        (, uint256 ts) = framework.blocks(blknum);
        uint256 exitableAt = block.timestamp + MEP;
        if (blknum % 1000 == 0 && ts + 2 * MEP > exitableAt) exitableAt = ts + 2 * MEP;
        return game.priorityKey(exitableAt, utxoPos / 10_000, _exitId(txBytes, utxoPos));
    }

    function _challenge(
        address who,
        uint256 exitId,
        bytes memory exitingTx,
        bytes memory challengeTx,
        bytes memory sig
    ) internal {
        vm.prank(who);
        game.challengeStandardExit(
            exitId, exitingTx, challengeTx, sig, keccak256(abi.encodePacked(who))
        );
    }

    function _exitId(bytes memory txBytes, uint256 utxoPos) internal view returns (uint160) {
        return game.exitIdOf(game.outputId(txBytes, utxoPos));
    }

    /// @dev The in-flight exit id of a tx, computed here (SPEC: low 160 bits of its hash, bit 159
    /// set) so that it does not consume a pending vm.prank.
    function _ifeId(bytes memory txBytes) internal pure returns (uint160) {
        return uint160(uint256(keccak256(txBytes))) | (uint160(1) << 159);
    }

    function _exitOwner(bytes memory txBytes, uint256 utxoPos)
        internal
        view
        returns (address owner)
    {
        (owner,,,,) = game.standardExit(_exitId(txBytes, utxoPos));
    }
}
