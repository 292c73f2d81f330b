// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {Vm, VM} from "./utils/Vm.sol";
import {CashTree} from "./utils/CashTree.sol";
import {DebitTxs} from "./utils/DebitTest.sol";
import {PlasmaDebit} from "../src/debit/PlasmaDebit.sol";

/// @notice Plays an honest Plasma Debit chain against PlasmaDebit: random deposits, top-ups,
/// blocks with a random pay and a random transfer (fees included), exits of each coin's latest
/// state (by its owner or the operator, with every credit since added), cheating exits of old
/// states (challenged at once with their spend), challengeBefores with old states (answered or
/// left open, so that exits are cancelled and priority windows open), time, finalizations,
/// reclaims and withdrawals. Every call it makes must succeed (`fail_on_revert`), so an honest
/// move the contract refuses fails the run; every honest payout is checked to be the owner's
/// balance on the chain, and the operator's the rest of the capacity.
contract DebitHandler {
    Vm internal constant vm = VM;

    uint256 internal constant BOND = 0.1 ether;
    uint256 internal constant MAX_COINS = 8;
    uint64 internal constant FILLER = 0x0123456789abcdef;

    struct State {
        bytes txBytes;
        uint256 blockNumber;
        uint256 ownerKey;
        address owner;
        uint256 balance;
        /// @dev For a pay: its payee's slot and owner.
        bool isPay;
        uint64 toSlot;
        address toOwner;
    }

    struct Credit {
        bytes payTx;
        uint256 blockNumber;
        uint64 fromSlot;
    }

    struct Ch {
        uint64 slot;
        bytes32 hash;
    }

    PlasmaDebit public immutable debit;
    address public immutable operator;
    uint256[4] internal keys = [uint256(0xa11ce), 0xb0b, 0xca201, 0xd0d0];

    uint64[] public slots;
    mapping(uint64 => State[]) internal hist;
    mapping(uint64 => Credit[]) internal credits;
    /// @dev The owner's balance on the chain: its latest own state's plus the credits since.
    mapping(uint64 => uint256) public balanceNow;
    /// @dev The exit number of the coin's honest exit (of its latest state), if live.
    mapping(uint64 => uint256) internal honestNonce;
    /// @dev How many times the coin was paid out, and how much (owner + operator).
    mapping(uint64 => uint256) public payouts;
    mapping(uint64 => uint256) public paidOut;
    Ch[] internal chs;
    mapping(bytes32 => bool) internal chTracked;

    mapping(uint256 => uint64[]) internal blockSlots;
    mapping(uint256 => bytes32[]) internal blockLeaves;

    uint256 public honestPayouts;
    uint256 public cheatsCancelled;
    uint256 public windows;

    constructor(PlasmaDebit d) {
        debit = d;
        operator = d.operator();
    }

    receive() external payable {}

    // ---------------------------------------------------------------- views for invariants

    function slotCount() external view returns (uint256) {
        return slots.length;
    }

    function chCount() external view returns (uint256) {
        return chs.length;
    }

    function ch(uint256 i) external view returns (uint64, bytes32) {
        return (chs[i].slot, chs[i].hash);
    }

    function user(uint256 i) public view returns (address) {
        return vm.addr(keys[i]);
    }

    // ---------------------------------------------------------------- chain

    function deposit(uint256 userSeed, uint256 amount) external {
        if (slots.length >= MAX_COINS) return;
        if ((debit.currentBlock() + 1) % 1000 == 0) return;
        uint256 key = keys[userSeed % 4];
        address who = vm.addr(key);
        amount = 1 + (amount % 10 ether);
        vm.deal(who, who.balance + amount);
        vm.prank(who);
        uint64 slot = debit.depositEth{value: amount}();
        bytes memory d = DebitTxs.deposit(slot, who, amount);
        hist[slot].push(State(d, debit.currentBlock(), key, who, amount, false, 0, address(0)));
        balanceNow[slot] = amount;
        slots.push(slot);
    }

    function topUp(uint256 i, uint256 amount) external {
        if (slots.length == 0) return;
        uint64 slot = slots[i % slots.length];
        if (_state(slot) != 1) return;
        amount = 1 + (amount % 5 ether);
        vm.deal(operator, operator.balance + amount);
        vm.prank(operator);
        debit.topUp{value: amount}(slot);
    }

    /// @dev One operator block: a pay from coin `a` to coin `b` (of up to what `a` has and `b`
    /// has room for) and a transfer of coin `c` to a random user, paying a fee.
    function makeBlock(uint256 a, uint256 b, uint256 amount, uint256 c, uint256 to, uint256 fee)
        external
    {
        uint256 n = slots.length;
        uint256 m = debit.nextChildBlock();
        uint64 sa;
        uint64 sb;
        bool paid;
        if (n >= 2) {
            (sa, sb) = (slots[a % n], slots[b % n]);
            paid = _pay(sa, sb, amount, m);
        }
        if (n >= 1) {
            uint64 sc = slots[c % n];
            if (!(paid && (sc == sa || sc == sb))) _transfer(sc, to, fee, m);
        }
        blockSlots[m].push(FILLER);
        blockLeaves[m].push(keccak256("filler"));
        vm.prank(operator);
        debit.submitBlock(CashTree.root(blockSlots[m], blockLeaves[m]));
    }

    function _pay(uint64 sa, uint64 sb, uint256 amount, uint256 m) internal returns (bool) {
        if (sa == sb || _state(sa) != 1 || _state(sb) != 1) return false;
        uint256 bal = balanceNow[sa];
        uint256 room = _capacity(sb) - balanceNow[sb];
        if (bal == 0 || room == 0) return false;
        amount = 1 + (amount % bal);
        if (amount > room) amount = room;
        State storage last = hist[sa][hist[sa].length - 1];
        State storage payee = hist[sb][hist[sb].length - 1];
        bytes memory p = DebitTxs.pay(
            sa, last.blockNumber, last.owner, bal - amount, sb, payee.owner, amount
        );
        hist[sa].push(State(p, m, last.ownerKey, last.owner, bal - amount, true, sb, payee.owner));
        delete credits[sa];
        balanceNow[sa] = bal - amount;
        credits[sb].push(Credit(p, m, sa));
        balanceNow[sb] += amount;
        _leaf(m, sa, keccak256(p));
        _leaf(m, sb, keccak256(p));
        return true;
    }

    function _transfer(uint64 sc, uint256 to, uint256 fee, uint256 m) internal {
        if (_state(sc) != 1) return;
        uint256 key = keys[to % 4];
        address who = vm.addr(key);
        uint256 bal = balanceNow[sc];
        uint256 newBal = bal - (fee % (bal / 10 + 1));
        State storage last = hist[sc][hist[sc].length - 1];
        bytes memory t = DebitTxs.transfer(sc, last.blockNumber, who, newBal);
        hist[sc].push(State(t, m, key, who, newBal, false, 0, address(0)));
        delete credits[sc];
        balanceNow[sc] = newBal;
        _leaf(m, sc, keccak256(t));
    }

    function _leaf(uint256 m, uint64 slot, bytes32 leaf) internal {
        blockSlots[m].push(slot);
        blockLeaves[m].push(leaf);
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + (dt % 6 days));
    }

    // ---------------------------------------------------------------- exits

    /// @dev The coin's latest state exits (by its owner or the operator), with its credits.
    function exitLatest(uint256 i, bool byOperator) external {
        if (slots.length == 0) return;
        uint64 slot = slots[i % slots.length];
        if (_state(slot) != 1) return;
        uint256 last = hist[slot].length - 1;
        _start(slot, last, byOperator);
        honestNonce[slot] = _nonce(slot);
        Credit[] storage cs = credits[slot];
        for (uint256 k; k < cs.length; ++k) {
            Credit storage cr = cs[k];
            bytes memory payee = _proofAt(cr.blockNumber, slot);
            bytes memory payer = _proofAt(cr.blockNumber, cr.fromSlot);
            debit.addCredit(slot, cr.payTx, cr.blockNumber, payee, payer);
        }
    }

    /// @dev An old state `j` of the coin exits; the watcher (this handler) cancels it at once
    /// with its spend, state j + 1. Skipped when a payee's guard would refuse either pay.
    function cheatExit(uint256 i, uint256 j, bool byOperator) external {
        if (slots.length == 0) return;
        uint64 slot = slots[i % slots.length];
        if (_state(slot) != 1 || hist[slot].length < 2) return;
        j = j % (hist[slot].length - 1);
        State storage x = hist[slot][j];
        State storage s = hist[slot][j + 1];
        bytes32 xh = j == 0 ? DebitTxs.depositHash(slot) : keccak256(x.txBytes);
        if (debit.provenInvalid(slot, xh)) return;
        if (!_guardOk(x) || !_guardOk(s)) return;
        _start(slot, j, byOperator);
        PlasmaDebit.TxProof memory sp = _txp(slot, j + 1);
        debit.challengeAfter(slot, sp, "");
        require(_state(slot) == 1, "cheat cancelled");
        ++cheatsCancelled;
    }

    /// @dev The handler challenges the coin's honest live exit with its old state `j`, and
    /// answers with its spend (or leaves it open: the exit will be cancelled).
    function challengeBefore(uint256 i, uint256 j, bool answer) external {
        if (slots.length == 0) return;
        uint64 slot = slots[i % slots.length];
        if (_state(slot) != 2 || honestNonce[slot] != _nonce(slot)) return;
        uint256 last = hist[slot].length - 1;
        if (last == 0) return; // a deposit exit: nothing before it
        (,,,,,,, uint256 exitableAt,,) = debit.exitOf(slot);
        if (block.timestamp >= exitableAt) return;
        j = j % last;
        State storage x = hist[slot][j];
        bytes32 xh = j == 0 ? DebitTxs.depositHash(slot) : keccak256(x.txBytes);
        (,, uint256 n, uint8 st,) = debit.challengeOf(slot, xh);
        if (st != 0 && n == _nonce(slot)) return;
        bytes memory proof = j == 0 ? bytes("") : _proofAt(x.blockNumber, slot);
        vm.deal(address(this), address(this).balance + BOND);
        debit.challengeBefore{value: BOND}(slot, x.txBytes, x.blockNumber, proof);
        if (!chTracked[xh]) {
            chTracked[xh] = true;
            chs.push(Ch(slot, xh));
        }
        if (answer && _guardOk(hist[slot][j + 1])) {
            PlasmaDebit.TxProof memory r = _txp(slot, j + 1);
            debit.respondChallengeBefore(slot, xh, r, "");
        }
    }

    /// @dev Finalizes every mature exit, from coin `i` on.
    function finalize(uint256 i) external {
        uint256 n = slots.length;
        for (uint256 k; k < n; ++k) {
            _finalize(slots[(i % n + k) % n]);
        }
    }

    function _finalize(uint64 slot) internal {
        if (_state(slot) != 2) return;
        (
            address owner,
            address starter,,,,,,
            uint256 exitableAt,,
            uint256 open
        ) = debit.exitOf(slot);
        if (block.timestamp < exitableAt) return;
        uint256 ownerBefore = debit.owed(owner);
        uint256 opBefore = debit.owed(operator);
        debit.finalizeExit(slot);
        if (open != 0) {
            require(_state(slot) == 1, "cancelled");
            ++windows;
            return;
        }
        require(_state(slot) == 3, "paid out");
        uint256 cap = _capacity(slot);
        uint256 ownerGot = debit.owed(owner) - ownerBefore - (starter == owner ? BOND : 0);
        uint256 opGot = debit.owed(operator) - opBefore - (starter == operator ? BOND : 0);
        require(ownerGot + opGot == cap, "the capacity, split");
        ++payouts[slot];
        paidOut[slot] += ownerGot + opGot;
        if (honestNonce[slot] == _nonce(slot)) {
            require(ownerGot == balanceNow[slot], "the owner's balance on the chain");
            ++honestPayouts;
        }
    }

    function reclaim(uint256 k) external {
        if (chs.length == 0) return;
        Ch storage c = chs[k % chs.length];
        (,, uint256 n, uint8 st,) = debit.challengeOf(c.slot, c.hash);
        if (st != 1) return;
        if (n == _nonce(c.slot) && _state(c.slot) == 2) return;
        debit.reclaimChallengeBond(c.slot, c.hash);
    }

    function withdraw(uint256 who) external {
        address a = who % 6 == 4 ? operator : who % 6 == 5 ? address(this) : user(who % 6);
        if (debit.owed(a) == 0) return;
        vm.prank(a);
        debit.withdraw();
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Starts the exit of state `j` of the coin (parent j - 1), by its owner or the
    /// operator.
    function _start(uint64 slot, uint256 j, bool byOperator) internal {
        address who = byOperator ? operator : hist[slot][j].owner;
        PlasmaDebit.TxProof memory e = _txp(slot, j);
        PlasmaDebit.TxProof memory parent;
        if (j != 0) parent = _txp(slot, j - 1);
        vm.deal(who, who.balance + BOND);
        vm.prank(who);
        debit.startExit{value: BOND}(slot, parent, e);
    }

    /// @dev State `j` of the coin as a TxProof, signed by state j - 1's owner.
    function _txp(uint64 slot, uint256 j) internal view returns (PlasmaDebit.TxProof memory p) {
        State storage x = hist[slot][j];
        p.txBytes = x.txBytes;
        p.blockNumber = x.blockNumber;
        if (j == 0) return p;
        p.proof = _proofAt(x.blockNumber, slot);
        if (x.isPay) p.peerProof = _proofAt(x.blockNumber, x.toSlot);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(hist[slot][j - 1].ownerKey, keccak256(x.txBytes));
        p.signature = abi.encodePacked(uint8(0), r, s, v);
    }

    function _proofAt(uint256 m, uint64 slot) internal view returns (bytes memory) {
        return CashTree.proof(blockSlots[m], blockLeaves[m], slot);
    }

    /// @dev Whether the payee's guard accepts the pay that state `x` is (true for other kinds).
    function _guardOk(State storage x) internal view returns (bool) {
        if (!x.isPay) return true;
        uint64 to = x.toSlot;
        uint8 st = _state(to);
        if (st == 1) return true;
        (address owner,, uint256 exitBlock,,,,,,,) = debit.exitOf(to);
        if (exitBlock >= x.blockNumber) return true;
        if (debit.creditClaimed(to, keccak256(x.txBytes)) == _nonce(to)) return true;
        return st == 2 && owner == x.toOwner;
    }

    function _state(uint64 slot) internal view returns (uint8 s) {
        (,,,, s,) = debit.coin(slot);
    }

    function _nonce(uint64 slot) internal view returns (uint256 n) {
        (,,,,, n) = debit.coin(slot);
    }

    function _capacity(uint64 slot) internal view returns (uint256 v) {
        (,,, v,,) = debit.coin(slot);
    }
}

contract DebitInvariantTest is Test {
    PlasmaDebit internal debit;
    DebitHandler internal handler;
    uint256 internal constant BOND = 0.1 ether;

    function setUp() public {
        vm.warp(1_700_000_000);
        debit = new PlasmaDebit(vm.addr(0x0be7a702), BOND, 7 days, 3 days);
        handler = new DebitHandler(debit);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The handler's paths, scripted: each is taken (so the random runs can take them), and
    /// the invariants hold after each step.
    function test_handlerTakesEveryPath() public {
        for (uint256 i; i < 4; ++i) {
            handler.deposit(i, (i + 1) * 1 ether);
        }
        handler.topUp(1, 2 ether);
        _check();
        handler.makeBlock(0, 1, 0.5 ether, 2, 3, 1000); // 0 pays 1; 2 goes to user 3
        handler.makeBlock(1, 3, 1 ether, 0, 1, 0); // 1 pays 3; 0 goes to user 1
        handler.makeBlock(2, 0, 0.2 ether, 3, 0, 7); // 2 pays 0; 3 goes to user 0
        _check();
        uint256 cheats = handler.cheatsCancelled();
        handler.cheatExit(0, 0, false); // coin 0's deposit, spent by its pay
        handler.cheatExit(2, 1, true); // the operator exits coin 2's old transfer
        assertEq(handler.cheatsCancelled(), cheats + 2, "both cheats cancelled");
        _check();
        handler.exitLatest(1, false); // coin 1: its pay, with its credit
        handler.exitLatest(0, true); // coin 0 by the operator: its transfer, with a credit
        handler.challengeBefore(1, 0, true); // answered
        handler.challengeBefore(0, 0, false); // left open: coin 0's exit will be cancelled
        _check();
        handler.warp(4 days);
        handler.warp(4 days);
        handler.finalize(0);
        assertEq(handler.honestPayouts(), 1, "coin 1 paid out");
        assertEq(handler.windows(), 1, "coin 0's exit cancelled, a window");
        _check();
        handler.reclaim(0);
        handler.exitLatest(0, false); // the owner again, in the window
        handler.exitLatest(3, false);
        handler.exitLatest(2, false);
        handler.warp(5 days);
        handler.warp(5 days);
        handler.finalize(0);
        assertEq(handler.honestPayouts(), 4, "four coins paid out");
        for (uint256 w; w < 6; ++w) {
            handler.withdraw(w);
        }
        _check();
        assertEq(address(debit).balance, 0, "everything paid");
    }

    function _check() internal view {
        invariant_solvency();
        invariant_payoutOnceAtMostCapacity();
    }

    /// Solvency: the contract holds exactly what it owes (the ledger), the capacities of the
    /// coins not paid out, the bonds of live exits and of open challengeBefores (with their
    /// shares of cancelled exits' bonds).
    function invariant_solvency() public view {
        uint256 held;
        for (uint256 i; i < 4; ++i) {
            held += debit.owed(handler.user(i));
        }
        held += debit.owed(debit.operator()) + debit.owed(address(handler));
        uint256 n = handler.slotCount();
        for (uint256 i; i < n; ++i) {
            (,,, uint256 cap, uint8 st,) = debit.coin(handler.slots(i));
            if (st == 1 || st == 2) held += cap;
            if (st == 2) held += BOND;
        }
        uint256 m = handler.chCount();
        for (uint256 i; i < m; ++i) {
            (uint64 slot, bytes32 h) = handler.ch(i);
            (,, uint256 nonce, uint8 st,) = debit.challengeOf(slot, h);
            if (st == 1) held += BOND + debit.challengeRewards(slot, nonce);
        }
        assertEq(address(debit).balance, held, "balance = owed + capacities + live bonds");
    }

    /// A coin pays out at most once, and then exactly its capacity.
    function invariant_payoutOnceAtMostCapacity() public view {
        uint256 n = handler.slotCount();
        for (uint256 i; i < n; ++i) {
            uint64 slot = handler.slots(i);
            (,,, uint256 cap, uint8 st,) = debit.coin(slot);
            uint256 times = handler.payouts(slot);
            assertTrue(times <= 1, "paid out at most once");
            assertEq(times == 1, st == 3, "paid out iff state EXITED");
            assertTrue(handler.paidOut(slot) <= cap, "at most the capacity");
            if (st == 3) assertEq(handler.paidOut(slot), cap, "exactly the capacity");
        }
    }
}
