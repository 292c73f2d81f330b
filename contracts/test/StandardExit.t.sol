// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {ExitBonds} from "../src/exits/ExitBonds.sol";
import {Vault} from "../src/vaults/Vault.sol";
import {Deploy} from "./utils/Deploy.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {Signature} from "../src/lib/Signature.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {NotOperator} from "../src/common/ChildBlocks.sol";

/// @notice startStandardExit / challengeStandardExit / processExits: the honest path and every
/// way to cheat each of them.
contract StandardExitTest is PlasmaTest {
    // A block 1000 with 3 txs; tx 1 spends Alice's deposit (block 1) into bob 3 ETH, alice 2 ETH.
    uint256 internal depPos;
    bytes internal depTx;
    bytes[] internal txs;
    uint256 internal bobPos;
    uint256 internal alicePos;

    function setUp() public override {
        super.setUp();
        (depPos, depTx) = _depositEth(alice, 5 ether);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        txs.push(_depositTx(carol, address(0), 1));
        txs.push(_tx(ins, _outs2(bob, 3 ether, alice, 2 ether)));
        txs.push(_depositTx(carol, address(0), 2));
        _submit(txs);
        bobPos = _pos(1000, 1, 0);
        alicePos = _pos(1000, 1, 1);
    }

    function _proof(uint256 index) internal view returns (bytes memory proof) {
        (, proof) = Tree.rootAndProof(txs, index);
    }

    function _startBob() internal {
        _startExit(bob, bobPos, txs[1], _proof(1));
    }

    // ---------------------------------------------------------------- start

    function test_start_honest() public {
        _startBob();
        (address owner, uint256 exitableAt, uint256 b, uint256 amount, uint256 pos) =
            game.standardExit(_exitId(txs[1], bobPos));
        assertEq(owner, bob, "owner");
        assertEq(exitableAt, block.timestamp + 2 * MEP, "fresh block: ts + 2 MEP");
        assertEq(b, bond, "bond");
        assertEq(amount, 3 ether, "amount");
        assertEq(pos, bobPos, "utxoPos");
        assertEq(address(game).balance, bond, "bond held");
        assertEq(game.queueSize(address(0)), 1, "queued");
    }

    function test_start_oldBlock_nowPlusMep() public {
        vm.warp(block.timestamp + 5 * MEP);
        _startBob();
        (, uint256 exitableAt,,,) = game.standardExit(_exitId(txs[1], bobPos));
        assertEq(exitableAt, block.timestamp + MEP, "old block: now + MEP");
    }

    function test_start_nonOwner() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotOutputOwner.selector, bob, alice));
        game.startStandardExit{value: bond}(bobPos, txs[1], _proof(1), 0);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.NotOutputOwner.selector, alice, carol)
        );
        game.startStandardExit{value: bond}(depPos, depTx, Tree.depositProof(), 0);
    }

    function test_start_doubleExit() public {
        _startBob();
        uint160 id = _exitId(txs[1], bobPos);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitAlreadyStarted.selector, id));
        game.startStandardExit{value: bond}(bobPos, txs[1], _proof(1), 0);
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 1);
        assertTrue(game.isOutputExited(game.outputId(txs[1], bobPos)), "exited");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.OutputAlreadyExited.selector, id));
        game.startStandardExit{value: bond}(bobPos, txs[1], _proof(1), 0);
    }

    function test_start_nonExistentOrFutureBlock() public {
        uint256[4] memory blocks = [uint256(2000), 3000, 2, 1001];
        for (uint256 i; i < blocks.length; ++i) {
            vm.prank(bob);
            vm.expectRevert(
                abi.encodeWithSelector(PaymentExitGame.BlockNotFound.selector, blocks[i])
            );
            game.startStandardExit{value: bond}(_pos(blocks[i], 1, 0), txs[1], _proof(1), 0);
        }
    }

    function test_start_wrongIndexProof() public {
        // The proof of tx 1 with the position of tx 0 or tx 2.
        uint256[2] memory idx = [uint256(0), 2];
        for (uint256 i; i < 2; ++i) {
            uint256 pos = _pos(1000, idx[i], 0);
            vm.prank(bob);
            vm.expectRevert(
                abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, pos)
            );
            game.startStandardExit{value: bond}(pos, txs[1], _proof(1), 0);
        }
        // The proof of leaf 0 for the tx at leaf 1.
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, bobPos)
        );
        game.startStandardExit{value: bond}(bobPos, txs[1], _proof(0), 0);
        // A tx that is not in the block at all.
        bytes memory forged = _spend(depPos, bob, address(0), 5 ether);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, bobPos)
        );
        game.startStandardExit{value: bond}(bobPos, forged, _proof(1), 0);
        // txindex ≥ 2^16
        uint256 far = _pos(1000, 65_536, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleIndexOutOfRange.selector, 65_536));
        game.startStandardExit{value: bond}(far, txs[1], _proof(1), 0);
    }

    function test_start_wrongLengthProof() public {
        bytes memory p = _proof(1);
        bytes memory short = new bytes(480);
        for (uint256 i; i < 480; ++i) {
            short[i] = p[i];
        }
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 480));
        game.startStandardExit{value: bond}(bobPos, txs[1], short, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 544));
        game.startStandardExit{value: bond}(bobPos, txs[1], bytes.concat(p, bytes32(0)), 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Merkle.MerkleInvalidProofLength.selector, 0));
        game.startStandardExit{value: bond}(bobPos, txs[1], "", 0);
    }

    function test_start_outputIndexOutOfRange() public {
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.OutputIndexOutOfRange.selector, 2, 2)
        );
        game.startStandardExit{value: bond}(_pos(1000, 1, 2), txs[1], _proof(1), 0);
    }

    function test_start_wrongBond() public {
        uint256[3] memory values = [uint256(0), bond - 1, bond + 1];
        for (uint256 i; i < 3; ++i) {
            vm.prank(bob);
            vm.expectRevert(
                abi.encodeWithSelector(PaymentExitGame.WrongBond.selector, values[i], bond)
            );
            game.startStandardExit{value: values[i]}(bobPos, txs[1], _proof(1), 0);
        }
    }

    function test_start_depositTxAtAnotherDepositBlock() public {
        // Alice's deposit tx shown as if it were in deposit block 2 (Bob's deposit).
        _depositEth(bob, 1 ether);
        uint256 pos2 = _pos(1001, 0, 0);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.InvalidInclusionProof.selector, pos2)
        );
        game.startStandardExit{value: bond}(pos2, depTx, Tree.depositProof(), 0);
    }

    function test_start_exitableAtTooLarge() public {
        // A chain configured with an absurd exit period cannot corrupt the packed exit record.
        Deploy.Plasma memory p = Deploy.deploy(type(uint32).max, operator, bond);
        bytes memory t = _depositTx(alice, address(0), 1);
        vm.prank(alice);
        p.ethVault.deposit{value: 1}(t);
        uint256 expected = block.timestamp + type(uint32).max;
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.ExitableAtTooLarge.selector, expected)
        );
        p.exitGame.startStandardExit{value: bond}(_pos(1, 0, 0), t, Tree.depositProof(), 0);
    }

    // ---------------------------------------------------------------- challenge

    function test_challenge_spentOutput_honest() public {
        // Bob spends his output to Carol in block 2000, then exits it anyway.
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        _submitOne(spend);
        _startBob();
        uint256 before = carol.balance;
        _challenge(carol, bobPos, txs[1], spend, _sign(BOB_KEY, spend));
        assertEq(carol.balance, before + bond, "bond to challenger");
        assertEq(_exitOwner(txs[1], bobPos), address(0), "deleted");
        assertFalse(game.isOutputExited(game.outputId(txs[1], bobPos)), "not exited");
        vm.warp(block.timestamp + 3 * MEP);
        game.processExits(address(0), 10);
        assertEq(address(ethVault).balance, 5 ether, "nothing paid");
        assertEq(address(game).balance, 0, "no bond left");
    }

    function test_challenge_spendNeedNotBeIncluded() public {
        // A signed spend is enough (the owner signed it; MoreVP handles non-inclusion).
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        _startBob();
        _challenge(carol, bobPos, txs[1], spend, _sign(BOB_KEY, spend));
        assertEq(_exitOwner(txs[1], bobPos), address(0), "deleted");
    }

    function test_challenge_unsigned() public {
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        _startBob();
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidLength.selector, 0));
        game.challengeStandardExit(bobPos, txs[1], spend, "", keccak256(abi.encodePacked(carol)));
        bytes memory zeros = new bytes(65);
        zeros[64] = bytes1(uint8(27));
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalid.selector));
        game.challengeStandardExit(bobPos, txs[1], spend, zeros, keccak256(abi.encodePacked(carol)));
    }

    function test_challenge_wronglySigned() public {
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        _startBob();
        // signed by someone else
        bytes memory carolSig = _sign(CAROL_KEY, spend);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.SignerNotOwner.selector, carol, bob));
        game.challengeStandardExit(
            bobPos, txs[1], spend, carolSig, keccak256(abi.encodePacked(carol))
        );
        // Bob's signature of another tx
        bytes memory other = _spend(bobPos, carol, address(0), 1 ether);
        bytes memory sig = _sign(BOB_KEY, other);
        vm.prank(carol);
        vm.expectRevert();
        game.challengeStandardExit(bobPos, txs[1], spend, sig, keccak256(abi.encodePacked(carol)));
        // high-s twin of Bob's valid signature
        sig = _sign(BOB_KEY, spend);
        bytes memory highS = _highS(sig);
        vm.prank(carol);
        vm.expectRevert();
        game.challengeStandardExit(bobPos, txs[1], spend, highS, keccak256(abi.encodePacked(carol)));
        assertEq(_exitOwner(txs[1], bobPos), bob, "exit survives");
    }

    function test_challenge_unrelatedTx() public {
        _startBob();
        // Signed by Bob but spending another output.
        bytes memory unrelated = _spend(alicePos, carol, address(0), 2 ether);
        bytes memory sig = _sign(BOB_KEY, unrelated);
        bytes32 data = keccak256(abi.encodePacked(carol));
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotASpend.selector, bobPos));
        game.challengeStandardExit(bobPos, txs[1], unrelated, sig, data);
        // The exiting tx itself (it does not spend its own output).
        bytes memory self = txs[1];
        sig = _sign(BOB_KEY, self);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.NotASpend.selector, bobPos));
        game.challengeStandardExit(bobPos, self, self, sig, data);
    }

    function test_challenge_wrongExitingTxOrPosition() public {
        _startBob();
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        bytes memory sig = _sign(BOB_KEY, spend);
        // another exiting tx
        uint160 other = _exitId(txs[0], bobPos);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitNotFound.selector, other));
        game.challengeStandardExit(bobPos, txs[0], spend, sig, keccak256(abi.encodePacked(carol)));
        // The right tx and output index but another position (same outputId for a non-deposit
        // output), with a real spend of that other position signed by Bob: must not cancel
        // the exit of bobPos.
        uint256 elsewhere = _pos(2000, 7, 0);
        bytes memory spendElsewhere = _spend(elsewhere, carol, address(0), 3 ether);
        uint160 id = _exitId(txs[1], bobPos);
        bytes memory sigElsewhere = _sign(BOB_KEY, spendElsewhere);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitNotFound.selector, id));
        game.challengeStandardExit(
            elsewhere, txs[1], spendElsewhere, sigElsewhere, keccak256(abi.encodePacked(carol))
        );
        assertEq(_exitOwner(txs[1], bobPos), bob, "exit survives");
    }

    function test_challenge_twiceOrAfterProcessing() public {
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        bytes memory sig = _sign(BOB_KEY, spend);
        uint160 id = _exitId(txs[1], bobPos);
        _startBob();
        _challenge(carol, bobPos, txs[1], spend, sig);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitNotFound.selector, id));
        game.challengeStandardExit(bobPos, txs[1], spend, sig, keccak256(abi.encodePacked(carol)));
        // Bob exits again (the claim was released), it is processed, then a challenge is late.
        _startBob();
        vm.warp(block.timestamp + 2 * MEP);
        game.processExits(address(0), 10);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(PaymentExitGame.ExitNotFound.selector, id));
        game.challengeStandardExit(bobPos, txs[1], spend, sig, keccak256(abi.encodePacked(carol)));
    }

    /// Front-running: a bot that copies the challenger's pending calldata and sends it from its
    /// own address fails (senderData names the original challenger); with its own senderData it
    /// must understand the call, and then earns at most bond − gas (the bond ≈ the challenge's
    /// gas cost × a safety factor), while the exit is cancelled either way.
    function test_challenge_frontRunReplayFails() public {
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        bytes memory sig = _sign(BOB_KEY, spend);
        _startBob();
        bytes32 carolData = keccak256(abi.encodePacked(carol));
        address bot = address(0xb07);
        vm.prank(bot);
        vm.expectRevert(
            abi.encodeWithSelector(PaymentExitGame.SenderDataMismatch.selector, carolData)
        );
        game.challengeStandardExit(bobPos, txs[1], spend, sig, carolData);
        uint256 before = carol.balance;
        vm.prank(carol);
        game.challengeStandardExit(bobPos, txs[1], spend, sig, carolData);
        assertEq(carol.balance, before + bond, "the challenger is paid");
    }

    // ---------------------------------------------------------------- process

    function test_process_beforeMaturity() public {
        _startBob();
        vm.warp(block.timestamp + 2 * MEP - 1);
        assertEq(game.processExits(address(0), 10), 0, "not mature");
        assertEq(game.queueSize(address(0)), 1, "still queued");
        vm.warp(block.timestamp + 1);
        assertEq(game.processExits(address(0), 10), 1, "mature at exitableAt");
    }

    function test_process_specOrder() public {
        // Three operator blocks; exits started in reverse order of position.
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        bytes memory a = _spend(alicePos, alice, address(0), 2 ether);
        uint256 b2 = _submitOne(a);
        // Exits: alice (block 2000) first, then bob (block 1000); same exitableAt rule.
        vm.warp(t0 + 5 * MEP);
        _startExit(alice, _pos(b2, 0, 0), a, _proofOne(a));
        _startBob();
        // Both have exitableAt = now + MEP; the lower txPos (bob, block 1000) goes first.
        vm.recordLogs();
        vm.warp(block.timestamp + MEP);
        game.processExits(address(0), 1);
        assertEq(_exitOwner(txs[1], bobPos), address(0), "bob's (older position) first");
        assertEq(_exitOwner(a, _pos(b2, 0, 0)), alice, "alice's still pending");
        // An earlier exitableAt beats a lower position: a deposit exit started now matures
        // later than a fresh block's.
        game.processExits(address(0), 1);
        assertEq(game.queueSize(address(0)), 0, "all done");
    }

    function test_process_maxExitsBounds() public {
        for (uint256 i; i < 5; ++i) {
            (uint256 p, bytes memory t) = _depositEth(bob, 1 ether);
            _startExit(bob, p, t, Tree.depositProof());
        }
        vm.warp(block.timestamp + MEP);
        assertEq(game.processExits(address(0), 2), 2, "two");
        assertEq(game.queueSize(address(0)), 3, "three left");
        assertEq(game.processExits(address(0), 0), 0, "zero");
        assertEq(game.processExits(address(0), 100), 3, "rest");
        assertEq(game.processExits(address(0), 100), 0, "empty");
    }

    function test_process_staleEntryDoesNotPayEarly() public {
        // Bob exits; Carol challenges with a signed spend; Bob restarts later. The old queue
        // entry (earlier exitableAt) must not pay the new exit before its own exitableAt.
        vm.warp(block.timestamp + 5 * MEP); // old block: exitableAt = now + MEP
        _startBob();
        bytes memory spend = _spend(bobPos, carol, address(0), 3 ether);
        _challenge(carol, bobPos, txs[1], spend, _sign(BOB_KEY, spend));
        vm.warp(block.timestamp + MEP - 1);
        _startBob(); // exitableAt = now + MEP, later than the stale entry's
        vm.warp(block.timestamp + 1); // the stale entry is mature
        uint256 before = bob.balance;
        assertEq(game.processExits(address(0), 10), 1, "stale entry popped");
        assertEq(bob.balance, before, "nothing paid early");
        assertEq(_exitOwner(txs[1], bobPos), bob, "the new exit waits");
    }

    function test_process_queuesPerToken() public {
        (uint256 p, bytes memory t) = _depositErc20(bob, 100);
        _startExit(bob, p, t, Tree.depositProof());
        _startBob();
        vm.warp(block.timestamp + 2 * MEP);
        assertEq(game.processExits(address(token), 10), 1, "token queue only");
        assertEq(game.queueSize(address(0)), 1, "eth queue untouched");
    }

    /// A recipient that reverts, one that burns all gas, and one that re-enters cannot block the
    /// queue nor be paid twice.
    function test_process_griefingRecipients() public {
        Griefer revert_ = new Griefer(game, 0);
        Griefer burner = new Griefer(game, 1);
        Griefer reenter = new Griefer(game, 2);
        Griefer[3] memory gs = [revert_, burner, reenter];
        for (uint256 i; i < 3; ++i) {
            vm.deal(address(gs[i]), 10 ether);
            bytes memory t = _depositTx(address(gs[i]), address(0), 1 ether);
            uint256 p = _pos(framework.nextDepositBlock(), 0, 0);
            vm.prank(address(gs[i]));
            ethVault.deposit{value: 1 ether}(t);
            vm.prank(address(gs[i]));
            game.startStandardExit{value: bond}(p, t, Tree.depositProof(), 0);
        }
        (uint256 hp, bytes memory ht) = _depositEth(alice, 1 ether);
        _startExit(alice, hp, ht, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        uint256 before = alice.balance;
        vm.prank(carol);
        assertEq(game.processExits(address(0), 10), 4, "all four processed");
        assertEq(alice.balance, before + 1 ether + bond - bounty, "honest exit paid");
        for (uint256 i; i < 3; ++i) {
            assertEq(
                ethVault.pendingWithdrawals(address(gs[i])), 1 ether + bond - bounty, "credited"
            );
        }
        assertEq(reenter.reentered(), 0, "re-entry never succeeded");
    }

    function test_process_reentrantToken() public {
        ReentrantToken rt = new ReentrantToken(game);
        rt.mint(bob, 1000);
        bytes memory t = _depositTx(bob, address(rt), 1000);
        uint256 p = _pos(framework.nextDepositBlock(), 0, 0);
        vm.prank(bob);
        rt.approve(address(erc20Vault), 1000);
        vm.prank(bob);
        erc20Vault.deposit(t);
        _startExit(bob, p, t, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        rt.arm();
        game.processExits(address(rt), 10);
        assertEq(erc20Vault.pendingWithdrawals(address(rt), bob), 1000, "credited, not lost");
        assertEq(rt.balanceOf(address(erc20Vault)), 1000, "vault still holds it");
        assertTrue(game.isOutputExited(game.outputId(t, p)), "exited once");
    }

    /// An exit of money that was never deposited (an invalid operator block) cannot be paid
    /// from other users' funds, nor credited against later deposits: processing reverts.
    function test_process_insolventExitReverts() public {
        bytes memory fake = _depositTx(bob, address(0), 10 ether); // created from nothing
        uint256 blknum = _submitOne(fake);
        _startExit(bob, _pos(blknum, 0, 0), fake, _proofOne(fake));
        vm.warp(block.timestamp + 2 * MEP);
        vm.expectRevert(
            abi.encodeWithSelector(
                Vault.InsufficientFunds.selector, 10 ether + bond - bounty, 5 ether + bond - bounty
            )
        );
        game.processExits(address(0), 1);
        assertEq(address(ethVault).balance, 5 ether, "alice's deposit untouched");
        assertEq(ethVault.totalPending(), 0, "nothing credited");
    }

    // ---------------------------------------------------------------- bonds

    function test_bonds_update() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(NotOperator.selector, alice));
        game.updateExitBond(bond);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(ExitBonds.BondChangeOutOfRange.selector, bond, 2 * bond + 1)
        );
        game.updateExitBond(2 * bond + 1);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(ExitBonds.BondChangeOutOfRange.selector, bond, bond / 2 - 1)
        );
        game.updateExitBond(bond / 2 - 1);
        vm.prank(operator);
        game.updateExitBond(2 * bond);
        assertEq(game.exitBond(), bond, "not yet");
        // An exit started now posts the old bond and keeps it.
        _startBob();
        vm.warp(block.timestamp + 2 days);
        assertEq(game.exitBond(), 2 * bond, "in effect after the delay");
        vm.prank(alice);
        game.startStandardExit{value: 2 * bond}(alicePos, txs[1], _proof(1), 0);
        (,, uint256 b1,,) = game.standardExit(_exitId(txs[1], bobPos));
        (,, uint256 b2,,) = game.standardExit(_exitId(txs[1], alicePos));
        assertEq(b1, bond, "old bond kept");
        assertEq(b2, 2 * bond, "new bond");
        // Bounded by the new current value now.
        vm.prank(operator);
        game.updateExitBond(4 * bond);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExitBonds.InvalidBond.selector, 0));
        game.updateExitBond(0);
    }

    // ---------------------------------------------------------------- helpers

    function _highS(bytes memory sig) internal pure returns (bytes memory out) {
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        out = abi.encodePacked(r, bytes32(n - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }
}

/// An exit owner that misbehaves on payout: 0 reverts, 1 burns all gas, 2 re-enters the game.
contract Griefer {
    PaymentExitGame internal immutable game;
    uint256 internal immutable mode;
    uint256 public reentered;

    constructor(PaymentExitGame game_, uint256 mode_) {
        game = game_;
        mode = mode_;
    }

    receive() external payable {
        if (msg.sender != address(game.ethVault())) return; // bonds, deposits setup
        if (mode == 0) revert("no");
        if (mode == 1) {
            while (true) {}
        }
        game.processExits(address(0), 10); // reverts: nonReentrant
        reentered += 1;
    }
}

/// A token that re-enters processExits from transfer when armed.
contract ReentrantToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    PaymentExitGame internal immutable game;
    bool internal armed;

    constructor(PaymentExitGame game_) {
        game = game_;
    }

    function arm() external {
        armed = true;
    }

    function mint(address to, uint256 v) external {
        balanceOf[to] += v;
    }

    function approve(address s, uint256 v) external returns (bool) {
        allowance[msg.sender][s] = v;
        return true;
    }

    function transferFrom(address f, address t, uint256 v) external returns (bool) {
        allowance[f][msg.sender] -= v;
        balanceOf[f] -= v;
        balanceOf[t] += v;
        return true;
    }

    function transfer(address t, uint256 v) external returns (bool) {
        if (armed) game.processExits(address(this), 10);
        balanceOf[msg.sender] -= v;
        balanceOf[t] += v;
        return true;
    }
}
