// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InFlightBase} from "./InFlightExit.t.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {Vault} from "../src/vaults/Vault.sol";

/// @notice Regression tests of issue 15 (the payment chain findings): each attack as the
/// reviewers wrote it, now failing, and the honest path next to it.
contract MoreVpAttacksTest is InFlightBase {
    uint256 internal constant EVE_KEY = 0xe7e;
    address internal eve;

    function setUp() public override {
        super.setUp();
        eve = vm.addr(EVE_KEY);
        vm.deal(eve, 10 ether);
    }

    // ------------------------------------------------ finding 1: no deposit boost in flight

    /// Bob holds 50 ETH in block 1000; a day later the operator mints 50 ETH to Eve in block
    /// 2000; Eve spends it together with a fresh 1-wei deposit in flight and piggybacks the
    /// output. With a deposit boost her exit would mature at now + MEP, before Bob's (block
    /// time + 2·MEP), and empty the vault. Without it, it matures at the deposit's time +
    /// 2·MEP: Bob is paid in full first, and Eve's exit can take nothing that was deposited.
    function test_attack_ifeDepositInputDoesNotJumpTheQueue() public {
        (uint256 bDep,) = _depositEth(bob, 50 ether);
        bytes memory bobTx = _spend(bDep, bob, address(0), 50 ether);
        uint256 t1 = block.timestamp;
        _submitOne(bobTx);
        uint256 bobPos = _pos(1000, 0, 0);

        vm.warp(t1 + 1 days);
        bytes memory mint = _spend(_pos(999_000, 0, 0), eve, address(0), 50 ether);
        _submitOne(mint); // fraudulent block 2000
        (uint256 eDep, bytes memory eDepTx) = _depositEth(eve, 1);
        assertEq(eDep, _pos(2001, 0, 0), "eve's deposit in block 2001");

        bytes32[] memory ins = new bytes32[](2);
        ins[0] = bytes32(_pos(2000, 0, 0));
        ins[1] = bytes32(eDep);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = _out(eve, address(0), 50 ether + 1);
        bytes memory et = _tx(ins, outs);
        PaymentExitBase.StartInFlightExitArgs memory a;
        a.inFlightTx = et;
        a.inputTxs = new bytes[](2);
        (a.inputTxs[0], a.inputTxs[1]) = (mint, eDepTx);
        a.inputUtxosPos = new uint256[](2);
        (a.inputUtxosPos[0], a.inputUtxosPos[1]) = (_pos(2000, 0, 0), eDep);
        a.inputTxsInclusionProofs = new bytes[](2);
        (a.inputTxsInclusionProofs[0], a.inputTxsInclusionProofs[1]) =
            (_proofOne(mint), Tree.depositProof());
        a.inFlightTxSigs = new bytes[](2);
        (a.inFlightTxSigs[0], a.inFlightTxSigs[1]) = (_sig(EVE_KEY, et), _sig(EVE_KEY, et));
        vm.prank(eve);
        game.startInFlightExit{value: ifeBond}(a);
        uint160 eId = game.inFlightExitId(et);
        _pbOut(eve, et, 0);
        assertEq(
            _header(eId).exitableAt,
            block.timestamp + 2 * MEP,
            "youngest input (the deposit) block time + 2 MEP, no boost"
        );

        _startExit(bob, bobPos, bobTx, _proofOne(bobTx));
        (, uint256 bobExitableAt,,,) = game.standardExit(_exitId(bobTx, bobPos));
        assertEq(bobExitableAt, t1 + 2 * MEP, "bob: block 1000 time + 2 MEP");
        assertTrue(bobExitableAt < _header(eId).exitableAt, "bob's exit first");

        uint256 b0 = bob.balance;
        vm.warp(bobExitableAt);
        game.processExits(address(0), 10);
        assertEq(bob.balance - b0, 50 ether + bond - bounty, "bob paid in full");
        assertEq(_header(eId).flags, 0, "eve's exit not processed yet");
        // Eve's turn: the vault holds only what Alice, Carol and Eve deposited.
        vm.warp(_header(eId).exitableAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector,
                50 ether + 1 + pbBond - pbBond / 4,
                8 ether + 1 + pbBond - pbBond / 4
            )
        );
        game.processExits(address(0), 10);
    }
}
