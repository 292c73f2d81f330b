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
import {Batches} from "./utils/Batches.sol";
import {BatchEntries} from "../src/lib/BatchEntries.sol";
import {PaymentExitBase} from "../src/exits/PaymentExitBase.sol";
import {PaymentBatchExitModule} from "../src/exits/PaymentBatchExitModule.sol";

/// @notice Random sequences of deposits (ETH and ERC20), exits, challenges, batch exits (with a
/// thief's entries among honest ones, proof requests answered or not), time jumps and
/// processing by a handler (some owners refuse ETH, so payouts get credited); after every step
/// the vaults hold at least what can still exit plus every credit, the exit game holds every
/// live exit's bond, and the thief has nothing. The handler plays the watcher too: before it
/// processes a batch it challenges the thief's entries.
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
    address public constant THIEF = address(0x7417ef);
    uint160[] internal batchIds;
    mapping(uint160 => bytes) internal lists;
    mapping(uint160 => BatchEntries.Entry[]) internal entriesOf;

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

    function batches() internal view returns (PaymentBatchExitModule) {
        return PaymentBatchExitModule(address(game));
    }

    /// @dev A batch of up to four ETH deposits (from `seed` on), their owners having made the
    /// handler their agent, and perhaps a thief's entry claiming one of them.
    function startBatch(uint256 seed, uint256 n, bool withThief) external {
        if (deps.length == 0) return;
        n = 1 + n % 4;
        BatchEntries.Entry[] memory es = new BatchEntries.Entry[](n + (withThief ? 1 : 0));
        uint256 k;
        for (uint256 j; j < deps.length && k < n; ++j) {
            Dep memory d = deps[(seed % deps.length + j) % deps.length];
            if (d.token != address(0)) continue;
            es[k++] = _entryOf(d, d.owner);
        }
        if (k == 0) return;
        if (withThief) es[k++] = _entryOf(deps[_firstEth(seed)], THIEF);
        assembly ("memory-safe") {
            mstore(es, k)
        }
        uint256 bond = batches().batchEntryBond() * k;
        vm.deal(address(this), address(this).balance + bond);
        bytes memory list = Batches.encode(es);
        batches().startBatchExit{value: bond}(address(0), list, 0);
        uint160 id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
        batchIds.push(id);
        lists[id] = list;
        for (uint256 i; i < k; ++i) {
            entriesOf[id].push(es[i]);
        }
    }

    function _firstEth(uint256 seed) internal view returns (uint256 i) {
        for (uint256 j; j < deps.length; ++j) {
            i = (seed % deps.length + j) % deps.length;
            if (deps[i].token == address(0)) return i;
        }
    }

    function _entryOf(Dep memory d, address owner)
        internal
        returns (BatchEntries.Entry memory e)
    {
        vm.prank(owner);
        batches().setBatchExitAgent(address(this));
        uint160 ife = uint160(uint256(keccak256(d.txBytes))) | (uint160(1) << 159);
        uint160 exitId = game.exitIdOf(game.outputId(d.txBytes, d.pos));
        e = BatchEntries.Entry(owner, exitId, uint96(d.amount), uint64(d.pos), ife);
    }

    function _proof(uint160 id, uint256 i) internal view returns (PaymentExitBase.EntryProof memory) {
        BatchEntries.Entry[] memory es = entriesOf[id];
        (, bytes32[] memory branch) = Batches.rootAndBranch(es, i);
        return PaymentExitBase.EntryProof(i, es[i], branch);
    }

    /// @dev Someone asks for an entry's proof; maybe someone answers.
    function requestProof(uint256 b, uint256 i, bool answer) external {
        if (batchIds.length == 0) return;
        uint160 id = batchIds[b % batchIds.length];
        i %= entriesOf[id].length;
        PaymentExitBase.Batch memory st = batches().batchExit(id);
        if (i < st.processed || batches().isBatchEntryCancelled(id, i)) return;
        if (block.timestamp + 7 days / 2 > st.exitableAt) return; // MEP/2 before maturity
        if (batches().batchEntryProofRequester(id, i) != address(0)) return;
        vm.deal(address(this), address(this).balance + st.entryBond);
        batches().requestBatchEntryProof{value: st.entryBond}(id, _proof(id, i));
        if (answer && entriesOf[id][i].owner != THIEF) {
            Dep memory d = _depAt(entriesOf[id][i].utxoPos);
            batches().answerBatchEntryProof(id, _proof(id, i), d.txBytes, Tree.depositProof());
        }
    }

    function _depAt(uint256 pos) internal view returns (Dep memory d) {
        for (uint256 j; j < deps.length; ++j) {
            if (deps[j].pos == pos) return deps[j];
        }
    }

    /// @dev The watcher's duty, then processing: the thief's entries are challenged before
    /// the batch is settled (up to `maxEntries` more entries) at the head of the queue.
    function processBatch(uint256 b, uint256 maxEntries) external {
        if (batchIds.length == 0) return;
        uint160 id = batchIds[b % batchIds.length];
        PaymentExitBase.Batch memory st = batches().batchExit(id);
        if (st.processed == st.count) return;
        BatchEntries.Entry[] memory es = entriesOf[id];
        for (uint256 i = st.processed; i < es.length; ++i) {
            if (es[i].owner != THIEF || batches().isBatchEntryCancelled(id, i)) continue;
            Dep memory d = _depAt(es[i].utxoPos);
            batches().challengeBatchEntryInvalid(id, _proof(id, i), d.txBytes, Tree.depositProof());
        }
        if (uint160(game.queueTop(address(0))) != id || st.exitableAt > block.timestamp) return;
        batches().processBatchExit(id, lists[id], 1 + maxEntries % 4);
    }

    /// @dev What the exit game holds for batches: the bond of every entry not settled nor
    /// cancelled, of every pending proof request, and the handler's credits.
    function batchBondsHeld() external view returns (uint256 held) {
        for (uint256 b; b < batchIds.length; ++b) {
            uint160 id = batchIds[b];
            PaymentExitBase.Batch memory st = batches().batchExit(id);
            for (uint256 i = st.processed; i < st.count; ++i) {
                if (!batches().isBatchEntryCancelled(id, i)) held += st.entryBond;
                if (batches().batchEntryProofRequester(id, i) != address(0)) held += st.entryBond;
            }
        }
        held += game.bondCredits(address(this));
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
        assertEq(
            address(game).balance, bonds + handler.batchBondsHeld(), "game holds the live bonds"
        );
        assertEq(handler.THIEF().balance, 0, "the thief's claims are never paid");
    }
}
