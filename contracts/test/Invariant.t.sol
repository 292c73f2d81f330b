// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./utils/PlasmaTest.sol";
import {Tree} from "./utils/Tree.sol";
import {Vm, VM} from "./utils/Vm.sol";
import {PlasmaFramework} from "../src/PlasmaFramework.sol";
import {EthVault} from "../src/vaults/EthVault.sol";
import {Erc20Vault} from "../src/vaults/Erc20Vault.sol";
import {PaymentExitGame} from "../src/exits/PaymentExitGame.sol";
import {TestToken} from "../src/test-tokens/TestToken.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {PaymentEip712} from "../src/lib/PaymentEip712.sol";
import {TxEncode} from "./utils/TxEncode.sol";

/// @notice Random sequences of deposits (ETH and ERC20), exits, challenges, time jumps and
/// processing by a handler (some owners refuse ETH, so payouts get credited); after every step
/// the vaults hold at least what can still exit plus every credit, and the exit game holds every
/// live exit's bond.
contract ExitHandler {
    Vm internal constant vm = VM;

    struct Dep {
        uint256 pos;
        bytes txBytes;
        uint256 key;
        address owner;
        address token;
        uint256 amount;
    }

    PlasmaFramework internal immutable framework;
    EthVault internal immutable ethVault;
    Erc20Vault internal immutable erc20Vault;
    PaymentExitGame internal immutable game;
    TestToken internal immutable token;
    Dep[] public deps;
    uint256 public processed;

    constructor(PaymentExitGame game_, TestToken token_) {
        game = game_;
        framework = game_.framework();
        ethVault = game_.ethVault();
        erc20Vault = game_.erc20Vault();
        token = token_;
    }

    receive() external payable {}

    function depCount() external view returns (uint256) {
        return deps.length;
    }

    function dep(uint256 i) external view returns (Dep memory) {
        return deps[i];
    }

    /// @dev An ETH deposit owned by a contract that refuses ETH: its payouts get credited.
    function depositRefuser(uint256 amount) external {
        if (framework.nextDepositBlock() % 1000 == 0) return;
        _deposit(0, address(new Refuser()), amount, false);
    }

    function deposit(uint256 userSeed, uint256 amount, bool erc20) external {
        if (framework.nextDepositBlock() % 1000 == 0) return;
        uint256 key = 1 + (userSeed % 5);
        _deposit(key, vm.addr(key), amount, erc20);
    }

    function _deposit(uint256 key, address owner, uint256 amount, bool erc20) internal {
        amount = 1 + (amount % 100 ether);
        address tkn = erc20 ? address(token) : address(0);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = PaymentTransaction.Output(1, owner, tkn, amount);
        bytes memory t = TxEncode.fromDecoded(1, new bytes32[](0), outs, 0, bytes32(0));
        uint256 pos = framework.nextDepositBlock() * 1_000_000_000;
        if (erc20) {
            token.mint(owner, amount);
            vm.prank(owner);
            token.approve(address(erc20Vault), amount);
            vm.prank(owner);
            erc20Vault.deposit(t);
        } else {
            vm.deal(owner, owner.balance + amount);
            vm.prank(owner);
            ethVault.deposit{value: amount}(t);
        }
        deps.push(Dep(pos, t, key, owner, tkn, amount));
    }

    function startExit(uint256 i) external {
        if (deps.length == 0) return;
        Dep memory d = deps[i % deps.length];
        uint160 id = game.exitIdOf(game.outputId(d.txBytes, d.pos));
        (address owner,,,,) = game.standardExit(id);
        if (owner != address(0) || game.isOutputExited(game.outputId(d.txBytes, d.pos))) return;
        uint256 bond = game.exitBond();
        vm.deal(d.owner, d.owner.balance + bond);
        vm.prank(d.owner);
        game.startStandardExit{value: bond}(d.pos, d.txBytes, Tree.depositProof(), 0);
    }

    function challenge(uint256 i) external {
        if (deps.length == 0) return;
        Dep memory d = deps[i % deps.length];
        uint160 id = game.exitIdOf(game.outputId(d.txBytes, d.pos));
        (address owner,,,,) = game.standardExit(id);
        if (owner == address(0) || d.key == 0) return;
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(d.pos);
        PaymentTransaction.Output[] memory outs = new PaymentTransaction.Output[](1);
        outs[0] = PaymentTransaction.Output(1, d.owner, d.token, d.amount);
        bytes memory spend = TxEncode.fromDecoded(1, ins, outs, 0, bytes32(0));
        bytes32 digest =
            PaymentEip712.digest(PaymentTransaction.decode(spend), framework.domainSeparator());
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(d.key, digest);
        game.challengeStandardExit(
            d.pos, d.txBytes, spend, abi.encodePacked(r, s, v), keccak256(abi.encodePacked(this))
        );
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + (dt % 10 days));
    }

    function process(bool erc20, uint256 maxExits) external {
        processed += game.processExits(erc20 ? address(token) : address(0), maxExits % 8);
    }

    function submitBlock() external {
        vm.prank(framework.operator());
        framework.submitBlock(keccak256(abi.encode(block.timestamp, deps.length)));
    }
}

contract Refuser {
    receive() external payable {
        revert("refused");
    }
}

contract InvariantTest is PlasmaTest {
    ExitHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ExitHandler(game, token);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The vaults hold at least what can still be exited (every deposit whose output has not
    /// exited) plus what is credited after failed payouts, and exactly that; the exit game
    /// holds every live exit's bond.
    function invariant_vaultsCoverExitableFunds() public view {
        uint256 ethOwed;
        uint256 tokOwed;
        uint256 bonds;
        uint256 n = handler.depCount();
        for (uint256 i; i < n; ++i) {
            ExitHandler.Dep memory d = handler.dep(i);
            bytes32 oid = game.outputId(d.txBytes, d.pos);
            if (game.isOutputExited(oid)) continue;
            if (d.token == address(0)) ethOwed += d.amount;
            else tokOwed += d.amount;
            (,, uint256 b,,) = game.standardExit(game.exitIdOf(oid));
            bonds += b;
        }
        assertTrue(address(ethVault).balance >= ethOwed, "eth vault covers exitable ETH");
        assertTrue(token.balanceOf(address(erc20Vault)) >= tokOwed, "erc20 vault covers tokens");
        assertEq(
            address(ethVault).balance,
            ethOwed + ethVault.totalPending(),
            "eth vault holds exactly the unexited + the credited"
        );
        assertEq(token.balanceOf(address(erc20Vault)), tokOwed, "erc20 vault exact");
        assertEq(address(game).balance, bonds, "game holds the live bonds");
    }
}
