// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {Vault} from "../src/vaults/Vault.sol";
import {EthVault} from "../src/vaults/EthVault.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {FeeOnTransferToken} from "../src/test-tokens/FeeOnTransferToken.sol";

contract VaultsTest is PlasmaTest {
    event DepositCreated(
        address indexed owner,
        uint256 indexed blknum,
        address indexed token,
        uint256 amount,
        bytes txBytes
    );

    function test_ethDeposit_eventAndBlock() public {
        bytes memory t = _depositTx(alice, address(0), 7 ether);
        vm.expectEmit(address(ethVault));
        emit DepositCreated(alice, 1, address(0), 7 ether, t);
        vm.prank(alice);
        ethVault.deposit{value: 7 ether}(t);
        assertTrue(framework.rootMatches(1, Merkle.depositRoot(t)), "deposit root on-chain");
        assertTrue(framework.rootMatches(1, Tree.root(_one(t))), "= the tree of the tx alone");
    }

    function test_ethDeposit_rejects() public {
        bytes memory t = _depositTx(alice, address(0), 1 ether);
        // wrong amount
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(Vault.DepositAmountMismatch.selector, 1 ether, 1 ether - 1)
        );
        ethVault.deposit{value: 1 ether - 1}(t);
        // owner is not the sender
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositOwnerMismatch.selector, alice, bob));
        ethVault.deposit{value: 1 ether}(t);
        // a token deposit tx in the ETH vault
        bytes memory tt = _depositTx(alice, address(token), 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositWrongToken.selector, address(token)));
        ethVault.deposit{value: 1 ether}(tt);
        // inputs / two outputs: not a deposit
        bytes memory spend = _spend(_pos(1, 0, 0), alice, address(0), 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.NotADepositTx.selector, 1, 1));
        ethVault.deposit{value: 1 ether}(spend);
        bytes memory two = _tx(new bytes32[](0), _outs2(alice, 1 ether, alice, 1));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.NotADepositTx.selector, 0, 2));
        ethVault.deposit{value: 1 ether + 1}(two);
        // malformed RLP
        vm.prank(alice);
        vm.expectRevert();
        ethVault.deposit{value: 1 ether}(bytes.concat(t, hex"00"));
        assertEq(address(ethVault).balance, 0, "nothing kept");
        assertEq(framework.nextDepositBlock(), 1, "no block");
    }

    function test_erc20Deposit() public {
        bytes memory t = _depositTx(alice, address(token), 500);
        vm.prank(alice);
        token.approve(address(erc20Vault), 500);
        vm.expectEmit(address(erc20Vault));
        emit DepositCreated(alice, 1, address(token), 500, t);
        vm.prank(alice);
        erc20Vault.deposit(t);
        assertEq(token.balanceOf(address(erc20Vault)), 500, "held");
    }

    function test_erc20Deposit_rejects() public {
        // no allowance
        bytes memory t = _depositTx(alice, address(token), 500);
        vm.prank(alice);
        vm.expectRevert();
        erc20Vault.deposit(t);
        // ETH deposit tx in the ERC20 vault
        bytes memory e = _depositTx(alice, address(0), 500);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositWrongToken.selector, address(0)));
        erc20Vault.deposit(e);
        // owner mismatch
        vm.prank(bob);
        token.approve(address(erc20Vault), 500);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositOwnerMismatch.selector, alice, bob));
        erc20Vault.deposit(t);
    }

    function test_depositAmountTooLarge() public {
        uint256 huge = uint256(type(uint160).max) + 1;
        token.mint(alice, huge);
        bytes memory t = _depositTx(alice, address(token), huge);
        vm.prank(alice);
        token.approve(address(erc20Vault), huge);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositAmountTooLarge.selector, huge));
        erc20Vault.deposit(t);
    }

    function test_feeOnTransferTokenRejected() public {
        FeeOnTransferToken fot = new FeeOnTransferToken("Fee", "FEE");
        fot.mint(alice, 10_000);
        bytes memory t = _depositTx(alice, address(fot), 10_000);
        vm.prank(alice);
        fot.approve(address(erc20Vault), 10_000);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.DepositAmountMismatch.selector, 10_000, 9_900));
        erc20Vault.deposit(t);
    }

    /// The surge fee: free for the first FREE_DEPOSITS of an interval, then rising by
    /// SURGE_FEE_STEP per deposit, exact (`WrongDepositFee`), paid to the operator, in both
    /// vaults; an operator block resets it.
    function test_surgeFee_honestPath() public {
        for (uint256 i = 1; i <= 500; ++i) {
            assertEq(ethVault.depositFee(), 0, "free");
            _depositEth(alice, 1);
        }
        uint256 step = ethVault.SURGE_FEE_STEP();
        assertEq(ethVault.depositFee(), step, "the 501st pays one step");
        assertEq(erc20Vault.depositFee(), step, "both vaults share the interval");
        bytes memory t = _depositTx(alice, address(0), 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, 0, step));
        ethVault.deposit{value: 1 ether}(t);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, step + 1, step));
        ethVault.deposit{value: 1 ether + step + 1}(t);
        uint256 o0 = operator.balance;
        uint256 v0 = address(ethVault).balance;
        vm.prank(alice);
        ethVault.deposit{value: 1 ether + step}(t);
        assertEq(operator.balance - o0, step, "fee to the operator");
        assertEq(address(ethVault).balance - v0, 1 ether, "the vault keeps the amount only");
        bytes memory tt = _depositTx(alice, address(token), 5);
        vm.prank(alice);
        token.approve(address(erc20Vault), 5);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Vault.WrongDepositFee.selector, 0, 2 * step));
        erc20Vault.deposit(tt);
        vm.prank(alice);
        erc20Vault.deposit{value: 2 * step}(tt);
        assertEq(operator.balance - o0, 3 * step, "token deposits pay it too");
        _submit(new bytes[](0));
        assertEq(ethVault.depositFee(), 0, "an operator block makes deposits free again");
    }

    function test_withdraw_onlyExitGame() public {
        _depositEth(alice, 1 ether);
        _depositErc20(alice, 100);
        address[3] memory who = [alice, operator, address(this)];
        for (uint256 i; i < who.length; ++i) {
            vm.prank(who[i]);
            vm.expectRevert(abi.encodeWithSelector(Vault.NotExitGame.selector, who[i]));
            ethVault.withdraw(who[i], 1 ether);
            vm.prank(who[i]);
            vm.expectRevert(abi.encodeWithSelector(Vault.NotExitGame.selector, who[i]));
            erc20Vault.withdraw(who[i], address(token), 100);
        }
    }

    function test_identicalDeposits_distinctBlocksAndExits() public {
        (uint256 p1, bytes memory t1) = _depositEth(alice, 1 ether);
        (uint256 p2, bytes memory t2) = _depositEth(alice, 1 ether);
        assertEq(t1, t2, "identical deposit txs");
        assertTrue(p1 != p2, "distinct positions");
        assertTrue(_exitId(t1, p1) != _exitId(t2, p2), "distinct exit ids");
        _startExit(alice, p1, t1, Tree.depositProof());
        _startExit(alice, p2, t2, Tree.depositProof());
        vm.warp(block.timestamp + MEP);
        uint256 before = alice.balance;
        vm.prank(alice);
        assertEq(game.processExits(address(0), 5), 2, "both exit");
        assertEq(alice.balance, before + 2 ether + 2 * bond, "both paid");
    }

    function test_pendingWithdrawal_flow() public {
        // An exit owner contract that rejects ETH at first: its payout is credited.
        Rejecter r = new Rejecter(ethVault);
        vm.deal(address(r), 10 ether);
        bytes memory t = _depositTx(address(r), address(0), 1 ether);
        vm.prank(address(r));
        ethVault.deposit{value: 1 ether}(t);
        vm.prank(address(r));
        game.startStandardExit{value: bond}(_pos(1, 0, 0), t, Tree.depositProof(), 0);
        vm.warp(block.timestamp + MEP);
        vm.prank(carol);
        game.processExits(address(0), 1);
        assertEq(ethVault.pendingWithdrawals(address(r)), 1 ether + bond - bounty, "credited");
        assertEq(address(ethVault).balance, 1 ether + bond - bounty, "vault keeps it");
        vm.expectRevert(abi.encodeWithSelector(Vault.NothingPending.selector));
        vm.prank(alice);
        ethVault.withdrawPending();
        r.setAccept(true);
        r.pull();
        assertEq(ethVault.pendingWithdrawals(address(r)), 0, "pulled");
        assertEq(address(ethVault).balance, 0, "paid");
    }

    /// A token exit whose owner refuses ETH: tokens paid, the bond refund credited.
    function test_erc20Exit_ownerRefusesEth() public {
        Rejecter r = new Rejecter(ethVault);
        vm.deal(address(r), 1 ether);
        token.mint(address(r), 500);
        bytes memory t = _depositTx(address(r), address(token), 500);
        vm.prank(address(r));
        token.approve(address(erc20Vault), 500);
        vm.prank(address(r));
        erc20Vault.deposit(t);
        vm.prank(address(r));
        game.startStandardExit{value: bond}(_pos(1, 0, 0), t, Tree.depositProof(), 0);
        vm.warp(block.timestamp + MEP);
        vm.prank(carol);
        game.processExits(address(token), 1);
        assertEq(token.balanceOf(address(r)), 500, "tokens paid");
        assertEq(ethVault.pendingWithdrawals(address(r)), bond - bounty, "bond credited");
        assertEq(ethVault.totalPending(), bond - bounty, "backed");
        assertEq(address(ethVault).balance, bond - bounty, "held by the vault");
    }

    function _one(bytes memory t) internal pure returns (bytes[] memory txs) {
        txs = new bytes[](1);
        txs[0] = t;
    }
}

/// A contract owner that can refuse ETH.
contract Rejecter {
    EthVault internal immutable vault;
    bool internal accept;

    constructor(EthVault vault_) {
        vault = vault_;
    }

    function setAccept(bool a) external {
        accept = a;
    }

    function pull() external {
        vault.withdrawPending();
    }

    receive() external payable {
        require(accept, "no thanks");
    }
}
