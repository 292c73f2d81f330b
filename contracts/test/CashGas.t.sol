// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CashTest} from "./utils/CashTest.sol";
import {CashBigBlock} from "./utils/CashTree.sol";

/// @notice Whole-transaction gas of PlasmaCash, in the style of test/Gas.t.sol: run with
/// `forge test --isolate --match-contract CashGasTest -vv` (every top-level call is its own
/// transaction; `vm.lastCallGas().gasTotalUsed` includes the 21,000 intrinsic gas and
/// calldata). Proofs are those of a block of ~2^20 txs (20 real siblings, 648 bytes).
contract CashGasTest is CashTest {
    event log_named_uint(string key, uint256 val);

    uint256 internal constant SUBMIT_BLOCK_TARGET = 55_000;
    uint256 internal constant DEPTH = 20;

    mapping(uint256 => mapping(uint64 => bytes)) internal _big;

    function _isolated() internal view returns (bool) {
        return vm.lastCallGas().gasTotalUsed > 21_000;
    }

    function _report(string memory key, uint256 target) internal {
        uint256 gas = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint(key, gas);
        if (target != 0 && _isolated() && gas > target) {
            fail(string.concat(key, ": ", vm.toString(gas), " > ", vm.toString(target)));
        }
    }

    /// @dev An operator block whose tree holds `txBytes` at `slot` among ~2^20 txs.
    function _bigSubmit(uint64 slot, bytes memory txBytes) internal returns (uint256 b) {
        b = cash.nextChildBlock();
        (bytes32 root, bytes memory proof) =
            CashBigBlock.rootAndProof(keccak256(txBytes), slot, DEPTH, bytes32(b));
        _big[b][slot] = proof;
        vm.prank(operator);
        cash.submitBlock(root);
    }

    function _bigExit(
        address who,
        uint64 slot,
        bytes memory prev,
        uint256 prevBlock,
        bytes memory exiting,
        uint256 exitBlock,
        uint256 prevKey
    ) internal {
        bytes memory sig = _sign(prevKey, exiting);
        bytes memory prevProof = _big[prevBlock][slot];
        bytes memory exitProof = _big[exitBlock][slot];
        uint256[2] memory blocks = [prevBlock, exitBlock];
        vm.prank(who);
        cash.startExit{value: BOND}(slot, prev, exiting, prevProof, exitProof, sig, blocks);
    }

    function test_gas_submitBlock() public {
        vm.prank(operator);
        cash.submitBlock(keccak256("block 1000"));
        // The first block also creates the block counter's slot (+20,000 once).
        _report("gas.tx.cash.submitBlock.first", 0);
        vm.prank(operator);
        cash.submitBlock(keccak256("block 2000"));
        _report("gas.tx.cash.submitBlock", SUBMIT_BLOCK_TARGET);
    }

    function test_gas_deposits() public {
        _depositEth(bob, 1 ether); // numCoins no longer zero
        vm.prank(alice);
        cash.depositEth{value: 1 ether}();
        _report("gas.tx.cash.depositEth", 0);
        vm.prank(alice);
        token.approve(address(cash), 1000);
        vm.prank(alice);
        cash.depositErc20(address(token), 1000);
        _report("gas.tx.cash.depositErc20", 0);
        nft.mint(alice, 1);
        vm.prank(alice);
        nft.safeTransferFrom(alice, address(cash), 1);
        _report("gas.tx.cash.depositErc721", 0);
    }

    /// The coin's last two txs, both in big blocks; then the challenges, finalize, withdraw.
    function test_gas_exitGame() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory t1 = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _bigSubmit(slot, t1);
        bytes memory t2 = _tx(slot, b1, 1 ether, carol);
        uint256 b2 = _bigSubmit(slot, t2);
        // Deposit exit (no proofs) then cancelled by challengeAfter.
        _exitDeposit(alice, slot, 1 ether);
        _report("gas.tx.cash.startExit.deposit", 0);
        bytes memory sig1 = _sign(ALICE_KEY, t1);
        bytes memory p1 = _big[b1][slot];
        vm.prank(bob);
        cash.challengeAfter(slot, t1, p1, sig1, b1, "");
        _report("gas.tx.cash.challengeAfter", 0);
        // Bob exits t1 (parent: deposit); Carol's t2 spends it.
        _bigExit(bob, slot, _tx(slot, 0, 1 ether, alice), dep, t1, b1, ALICE_KEY);
        _report("gas.tx.cash.startExit.depositParent", 0);
        bytes memory sig2 = _sign(BOB_KEY, t2);
        bytes memory p2 = _big[b2][slot];
        vm.prank(carol);
        cash.challengeAfter(slot, t2, p2, sig2, b2, "");
        // Carol exits t2 (parent t1: two proofs, one signature).
        _bigExit(carol, slot, t1, b1, t2, b2, BOB_KEY);
        _report("gas.tx.cash.startExit", 0);
        bytes memory depTx = _tx(slot, 0, 1 ether, alice);
        vm.prank(mallory);
        cash.challengeBefore{value: BOND}(slot, depTx, "", dep);
        _report("gas.tx.cash.challengeBefore", 0);
        bytes32 depHash = keccak256(abi.encodePacked(slot));
        vm.prank(carol);
        cash.respondChallengeBefore(slot, depHash, t1, p1, sig1, b1, "");
        _report("gas.tx.cash.respondChallengeBefore", 0);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(slot);
        _report("gas.tx.cash.finalizeExit", 0);
        vm.prank(carol);
        cash.withdraw(slot);
        _report("gas.tx.cash.withdraw.eth", 0);
        vm.prank(carol);
        cash.withdrawBonds();
        _report("gas.tx.cash.withdrawBonds", 0);
    }

    function test_gas_challengeBetween() public {
        uint64 slot = _depositEth(alice, 1 ether);
        uint256 dep = _depositBlock(slot);
        bytes memory toBob = _tx(slot, dep, 1 ether, bob);
        uint256 b1 = _bigSubmit(slot, toBob);
        bytes memory toMallory = _tx(slot, dep, 1 ether, mallory);
        uint256 b2 = _bigSubmit(slot, toMallory);
        _bigExit(mallory, slot, _tx(slot, 0, 1 ether, alice), dep, toMallory, b2, ALICE_KEY);
        bytes memory sig = _sign(ALICE_KEY, toBob);
        bytes memory p1 = _big[b1][slot];
        vm.prank(bob);
        cash.challengeBetween(slot, toBob, p1, sig, b1);
        _report("gas.tx.cash.challengeBetween", 0);
    }

    function test_gas_withdrawTokens() public {
        uint64 s20 = _depositErc20(alice, 1000);
        uint64 s721 = _depositNft(alice, 5);
        _exitDeposit(alice, s20, 1000);
        _exitDeposit(alice, s721, 1);
        vm.warp(block.timestamp + MEP);
        cash.finalizeExit(s20);
        cash.finalizeExit(s721);
        vm.prank(alice);
        cash.withdraw(s20);
        _report("gas.tx.cash.withdraw.erc20", 0);
        vm.prank(alice);
        cash.withdraw(s721);
        _report("gas.tx.cash.withdraw.erc721", 0);
    }

    function test_gas_checkpoint() public {
        uint64 slot = _depositEth(alice, 1 ether);
        bytes memory t1 = _tx(slot, _depositBlock(slot), 1 ether, bob);
        uint256 b1 = _bigSubmit(slot, t1);
        (bytes32 root, bytes memory cpProof) =
            CashBigBlock.rootAndProof(keccak256("forged"), slot, DEPTH, keccak256("cp"));
        vm.prank(operator);
        cash.submitCheckpoint(b1, root);
        _report("gas.tx.cash.submitCheckpoint", 0);
        bytes memory p1 = _big[b1][slot];
        vm.prank(bob);
        cash.disputeCheckpoint{value: BOND}(1, slot, t1, b1, p1, keccak256("forged"), cpProof);
        _report("gas.tx.cash.disputeCheckpoint", 0);
    }
}
