// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPERATOR_BLOCK_INTERVAL, NotOperator} from "../common/ChildBlocks.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {DebitTransaction} from "../lib/DebitTransaction.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";
import {CashSignature} from "../lib/CashSignature.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title PlasmaDebit
/// @notice The root chain of Plasma Debit (docs/debit.md; SPEC.md §4): Plasma Cash coins that
/// carry a balance. A coin has a capacity `v` (the ETH locked for it: its deposit plus every
/// top-up) and an owner whose balance is `a ≤ v`; the operator owns `v − a`. Transactions
/// (DebitTransaction): deposit, transfer (the whole coin, balance restated: a lower balance
/// pays a fee to the operator) and pay (one tx, two legs: the payer's coin `fromSlot` and the
/// payee's coin `toSlot`; its hash is the leaf at both slots). Blocks, proofs and signatures
/// are Plasma Cash's (SparseMerkle, CashSignature); block numbers too (operator blocks 1000,
/// 2000, …; each deposit takes the next number between them, at most 999; a deposit block's
/// root is `keccak256(uint64 slot)`, not stored).
///
/// - `depositEth` (msg.value > 0) mints a coin, `v = a = msg.value`, owned by the caller, slot
///   `CashTransaction.slotOf(numCoins, caller, caller)`; a slot ever used is refused.
///   `topUp(slot)` (operator, coin on the chain) adds msg.value to `v`. `submitBlock(root)`:
///   the operator's next block.
/// - A coin's own transactions are its deposit, its transfers and the pays it makes; a pay it
///   receives is a credit. A deposit tx is accepted only at the coin's deposit block, with the
///   coin's depositor and deposit amount; any other own tx only in a submitted operator block
///   after the deposit block and after its prevBlock, by a proof of its hash at the slot.
/// - Spend: a tx T at block m spends the state X of the coin (X's hash at block b, X's owner)
///   when T is an own tx of the coin (not a deposit) included at the slot at m; T names b, or
///   (`copyProof`) another block holding X's hash (the same bytes twice are one tx); T is
///   signed by X's owner; and if T is a pay: fromOwner is X's owner, toSlot ≠ slot, the same
///   hash is included at toSlot in block m (`peerProof`), and the payee's guard passes.
/// - Payee's guard, whenever a pay is accepted against its payer (an exit of it, or a spend in
///   any challenge or answer), on the payee's coin B: no coin, or a pay block not after B's
///   deposit: refused. B on the chain: accepted. B exiting a state at a block at or after the
///   pay's: accepted. B exiting an earlier state of toOwner: accepted and the credit added to
///   that exit at once (once per exit). B exiting an earlier state of someone else, or paid
///   out at an earlier state without this credit: refused (`PayeeNotCredited`), so the pay
///   counts for neither side, unless the payer went on from it (`acknowledgePay`: a later own
///   tx of her coin naming the pay's block, signed by her), which she cannot take back.
///   Every accepted pay emits `PayShown` for the payee's client.
/// - `startExit(slot, parent, exiting)` (`bond`; by the exiting state's owner or the
///   operator): E is an own tx of the coin included at its block; unless E is the deposit, E
///   spends its parent P (E.prevBlock = P's block, P included there, the spend rule without a
///   copy). A tx proven invalid never exits. Matures at now + `maturityPeriod`.
/// - `addCredit` (anyone, before maturity): a pay to the exiting coin at an operator block
///   after E's, to the exit's owner, both legs included; each pay once per exit.
/// - Challenges, before maturity: `challengeAfter` (a spend of E, of any copy; cancels, E is
///   proven invalid), `challengeBetween` (a spend of P naming P's block, included after P and
///   before E, not E; cancels), `challengeBefore` (bonded: an own tx X of the coin before E's
///   block, not E; maturity moves to at least now + `responsePeriod`). Credits are never
///   spends and cannot be shown to challengeBefore.
/// - `respondChallengeBefore`: a spend of X (of any copy) included no later than E; the exiter
///   (who started the exit) is credited the challenger's bond.
/// - A cancelled exit's bond goes to the challenger, unless challengeBefores are open: they
///   share it (`reclaimChallengeBond`; the rounding remainder to the operator) and a priority
///   window of `responsePeriod` opens, in which an exit of a tx at an earlier block displaces
///   a live exit of a later one (its bond back to its exiter).
/// - `finalizeExit` (anyone, from maturity): with a challengeBefore open, the exit is
///   cancelled as above; else the coin is paid out: its owner is credited
///   `min(balance + credits, v)`, the operator the rest of `v`, the exiter its bond. The coin
///   never exits again. Payouts and bonds are one ledger, `owed`, pulled with `withdraw`.
contract PlasmaDebit is ReentrancyGuardTransient {
    uint256 internal constant CHILD_BLOCK_INTERVAL = OPERATOR_BLOCK_INTERVAL;

    /// @notice Why an exit was cancelled.
    uint8 internal constant CANCEL_AFTER = 1;
    uint8 internal constant CANCEL_BETWEEN = 2;
    uint8 internal constant CANCEL_UNANSWERED_BEFORE = 3;
    /// @notice During a priority window, an exit of an earlier tx took the coin's exit; the
    /// displaced exiter was credited its bond back.
    uint8 internal constant CANCEL_DISPLACED = 4;

    /// @dev NONE: no coin in this slot. DEPOSITED: on the child chain. EXITING: one live exit.
    /// EXITED: paid out (forever).
    enum CoinState {
        NONE,
        DEPOSITED,
        EXITING,
        EXITED
    }

    enum ChallengeState {
        NONE,
        OPEN,
        ANSWERED
    }

    struct Coin {
        // slot 1
        address depositor;
        /// @dev Block numbers stay below 2^48.
        uint48 depositBlock;
        CoinState state;
        /// @dev Exits of this coin so far: the live (or last) exit's number.
        uint32 exitNonce;
        // slot 2 (wei; every amount of ETH fits in 128 bits)
        uint128 depositAmount;
        uint128 capacity;
    }

    struct Exit {
        // slot 1
        address owner;
        /// @dev Block numbers stay below 2^48; times in 48 bits do not wrap (32 would in 2106).
        uint48 exitBlock;
        uint48 exitableAt;
        // slot 2
        /// @dev Who started the exit and posted its bond (the owner or the operator).
        address starter;
        /// @dev 0 for a deposit exit.
        uint64 parentBlock;
        uint32 openChallenges;
        // slot 3
        address parentOwner;
        // slot 4
        /// @dev The exiting state's balance and the credits added, each capped at the
        /// coin's capacity (which does not move while the coin exits): the payout
        /// `min(balance + credits, capacity)` is the same.
        uint128 balance;
        uint128 credits;
        // slot 5
        bytes32 txHash;
    }

    struct Challenge {
        address challenger;
        uint48 txBlock;
        /// @dev The exit challenged (the coin's exit number).
        uint32 exitNonce;
        ChallengeState state;
        address txOwner;
    }

    /// @notice A transaction shown to the contract: its bytes, the block holding it, its proof
    /// at its own slot (a pay: fromSlot) in that block, for a pay the proof of the same hash at
    /// toSlot in the same block (`peerProof`), and its 66-byte signature (by the owner of the
    /// state it spends). For a deposit, `blockNumber` is its deposit block and the proofs and
    /// signature are ignored.
    struct TxProof {
        bytes txBytes;
        uint256 blockNumber;
        bytes proof;
        bytes peerProof;
        bytes signature;
    }

    struct Counters {
        /// @dev The last block number taken (operator or deposit block).
        uint64 currentBlock;
        /// @dev Coins deposited so far (the next coin's index in its slot formula).
        uint64 numCoins;
    }

    /// @notice The operator: submits blocks, tops coins up, may start exits of any coin.
    address public immutable operator;
    /// @notice The bond (wei) of an exit and of a challengeBefore.
    uint256 public immutable bond;
    /// @notice An exit matures this long after it starts (MEP).
    uint256 public immutable maturityPeriod;
    /// @notice Least time left to answer a challengeBefore; the length of a priority window.
    uint256 public immutable responsePeriod;

    Counters internal _counters;
    /// @dev operator block number → root.
    mapping(uint256 => bytes32) internal _blocks;
    mapping(uint64 => Coin) internal _coins;
    /// @dev slot → its live (or last) exit.
    mapping(uint64 => Exit) internal _exits;
    /// @dev slot → challenging tx hash → its challengeBefore (latest exit using it).
    mapping(uint64 => mapping(bytes32 => Challenge)) internal _challenges;

    /// @notice Payouts, bonds and rewards credited to an account, pulled with `withdraw`.
    mapping(address => uint256) public owed;
    /// @notice slot → exit number → what each open challengeBefore of that exit earns on top
    /// of its bond (its share of the exit bond), when the exit was cancelled while it was open.
    mapping(uint64 => mapping(uint256 => uint256)) public challengeRewards;
    /// @notice slot → end of its priority window: until then an exit of an earlier tx may take
    /// the coin's exit from a live one.
    mapping(uint64 => uint256) public priorityUntil;
    /// @notice slot → tx hash → the tx was proven spent by a challengeAfter: it never exits
    /// again.
    mapping(uint64 => mapping(bytes32 => bool)) public provenInvalid;
    /// @notice pay hash → its payer built on it (`acknowledgePay`): the payee's guard never
    /// refuses it again.
    mapping(bytes32 => bool) public payAcknowledged;
    /// @notice payee slot → pay hash → the number of the payee coin's exit that the pay's
    /// credit was added to last (0: none).
    mapping(uint64 => mapping(bytes32 => uint256)) public creditClaimed;

    /// @notice A coin was deposited in `blockNumber` (its deposit block, root
    /// `keccak256(uint64 slot)`); its deposit tx is `[0, slot, owner, amount]`.
    event Deposit(uint64 indexed slot, uint256 blockNumber, uint256 amount, address indexed owner);
    /// @notice The operator added `amount` wei to the coin's capacity, now `capacity`.
    event ToppedUp(uint64 indexed slot, uint256 amount, uint256 capacity);
    /// @notice Operator block `blockNumber` with sparse Merkle root `root`.
    event BlockSubmitted(uint256 indexed blockNumber, bytes32 root);
    /// @notice An exit of the coin's state `txHash` at `exitBlock` (parent at `parentBlock`, 0
    /// for a deposit), paying `owner` (its balance `balance`, capped at the capacity, plus the
    /// credits added), started by `starter` (the owner or the operator).
    event ExitStarted(
        uint64 indexed slot,
        address indexed owner,
        address indexed starter,
        uint256 exitNonce,
        uint256 exitBlock,
        uint256 parentBlock,
        bytes32 txHash,
        uint256 balance,
        uint256 exitableAt
    );
    /// @notice The pay `txHash` at `blockNumber` was added to exit `exitNonce` of the coin:
    /// `amount` more to its owner; `credits` is the exit's total now (capped at the capacity).
    event CreditAdded(
        uint64 indexed slot,
        bytes32 indexed txHash,
        uint256 exitNonce,
        uint256 blockNumber,
        uint256 amount,
        uint256 credits
    );
    /// @notice A pay to coin `toSlot` from coin `fromSlot` at `blockNumber` was accepted
    /// against its payer: the call's data holds its bytes and both proofs, so that the payee's
    /// client finds it and claims it (`addCredit`) when its coin exits.
    event PayShown(
        uint64 indexed toSlot,
        uint64 indexed fromSlot,
        uint256 blockNumber,
        bytes32 txHash,
        address toOwner,
        uint256 amount
    );
    /// @notice `reason`: CANCEL_AFTER, _BETWEEN (challenger credited the exit bond, unless
    /// challengeBefores were open: then they share it), _UNANSWERED_BEFORE (challenger 0: the
    /// open challengers share the bond) or _DISPLACED (challenger: the earlier tx's exiter;
    /// the displaced exiter gets its bond back).
    event ExitCancelled(
        uint64 indexed slot,
        address indexed owner,
        uint256 exitNonce,
        address indexed challenger,
        uint8 reason
    );
    /// @notice An exit ended while challengeBefores were open: until `until`, an exit of an
    /// earlier tx may displace a live exit of a later one.
    event PriorityWindow(uint64 indexed slot, uint256 until);
    event ChallengedBefore(
        uint64 indexed slot,
        bytes32 indexed txHash,
        address indexed challenger,
        uint256 exitNonce,
        uint256 txBlock,
        address txOwner,
        uint256 exitableAt
    );
    /// @notice A challengeBefore answered by a spend at `respondingBlock`.
    event Responded(
        uint64 indexed slot,
        bytes32 indexed txHash,
        address indexed responder,
        uint256 respondingBlock
    );
    /// @notice An open challenge of an exit that is over was settled: `amount` (bond, plus its
    /// share of the exit bond if the exit was cancelled while it was open) credited to the
    /// challenger.
    event ChallengeSettled(
        uint64 indexed slot, bytes32 indexed txHash, address indexed challenger, uint256 amount
    );
    /// @notice The coin was paid out: `ownerAmount` to its owner, `operatorAmount` to the
    /// operator (credited to `owed`).
    event ExitFinalized(
        uint64 indexed slot, address indexed owner, uint256 ownerAmount, uint256 operatorAmount
    );
    event Withdrawn(address indexed to, uint256 amount);
    /// @notice The payer's coin `fromSlot` went on from the pay `txHash` at `blockNumber`.
    event PayAcknowledged(uint64 indexed fromSlot, bytes32 indexed txHash, uint256 blockNumber);

    error ZeroOperator();
    error ZeroBond();
    /// @notice Periods are at most 365 days (times are kept in 32 bits); `period` is more.
    error PeriodTooLong(uint256 period);
    error ZeroDeposit();
    error ZeroTopUp();
    /// @notice A coin's capacity would be `amount` wei, beyond 128 bits.
    error AmountTooLarge(uint256 amount);
    error ZeroRoot();
    /// @notice The 999 deposit numbers before the next operator block `blockNumber` are taken.
    error TooManyDeposits(uint256 blockNumber);
    /// @notice `slot` is used by another coin (a 64-bit slot collision).
    error SlotTaken(uint64 slot);
    /// @notice No coin in `slot`.
    error CoinNotFound(uint64 slot);
    /// @notice The coin's state is `state`; the call needs another.
    error WrongCoinState(uint64 slot, uint8 state);
    /// @notice A transaction of coin `txSlot` was given for coin `slot`.
    error WrongSlot(uint64 slot, uint64 txSlot);
    /// @notice A deposit transaction shown at `blockNumber`; the coin's deposit block is
    /// `depositBlock`.
    error DepositNotAtDepositBlock(uint256 blockNumber, uint256 depositBlock);
    /// @notice A deposit transaction whose owner or balance differs from the coin's deposit.
    error DepositTxMismatch(address owner, uint256 balance);
    /// @notice `blockNumber` is not a multiple of CHILD_BLOCK_INTERVAL.
    error NotAnOperatorBlock(uint256 blockNumber);
    /// @notice Operator block `blockNumber` was never submitted.
    error BlockNotFound(uint256 blockNumber);
    /// @notice A tx of a coin shown in block `blockNumber`, not after the coin's deposit block
    /// `depositBlock` (the coin did not exist yet).
    error BlockBeforeDeposit(uint256 blockNumber, uint256 depositBlock);
    /// @notice The transaction's prevBlock `prevBlock` is not before its block `blockNumber`.
    error PrevBlockNotBefore(uint256 prevBlock, uint256 blockNumber);
    /// @notice The proof does not show the transaction at its slot in block `blockNumber`.
    error NotIncluded(uint256 blockNumber);
    /// @notice The pay is not included at its other slot `slot` in block `blockNumber` (its
    /// other leg).
    error PeerNotIncluded(uint64 slot, uint256 blockNumber);
    /// @notice The transaction was signed by `signer`, not by `expected`.
    error WrongSigner(address signer, address expected);
    /// @notice `sent` wei attached; `required` needed.
    error WrongBond(uint256 sent, uint256 required);
    /// @notice Only the exiting state's owner `owner` or the operator may start its exit.
    error NotTxOwner(address owner, address caller);
    /// @notice The exiting tx's prevBlock is `prevBlock`, but the parent is at `parentBlock`.
    error WrongParentBlock(uint256 prevBlock, uint256 parentBlock);
    /// @notice The tx names block `named`, not the spent state's block `spentBlock` (nor, with
    /// a copy proof, another block holding it); or it is a deposit (`named` 0).
    error NotASpend(uint256 named, uint256 spentBlock);
    /// @notice The pay's fromOwner is `fromOwner`; the state it spends is `owner`'s.
    error WrongPayer(address fromOwner, address owner);
    /// @notice A pay from coin `slot` to itself.
    error PayToSelf(uint64 slot);
    /// @notice The payee's coin `toSlot` exits (or was paid out at) a state before the pay
    /// `txHash` without its credit: the pay counts for neither side.
    error PayeeNotCredited(uint64 toSlot, bytes32 txHash);
    /// @notice A credit is a pay (kind 2); this tx is of kind `kind`.
    error NotAPay(uint8 kind);
    /// @notice The pay credits `toOwner`; the exit pays `owner`.
    error WrongPayee(address toOwner, address owner);
    /// @notice A credit at `blockNumber`, not after the exiting state's block `exitBlock`.
    error CreditNotAfterExit(uint256 blockNumber, uint256 exitBlock);
    /// @notice The pay `txHash` is already credited to this exit.
    error CreditAlreadyAdded(bytes32 txHash);
    /// @notice The exit has no parent (a deposit exit): no tx between or before.
    error ExitHasNoParent(uint64 slot);
    /// @notice The tx at `blockNumber` is not before the exiting tx's block `exitBlock`.
    error NotBeforeExit(uint256 blockNumber, uint256 exitBlock);
    /// @notice Challenges and credits before maturity only; the exit matures at `exitableAt`.
    error ExitMatured(uint256 exitableAt);
    /// @notice This tx already challenges this exit (state `state`).
    error ChallengeExists(uint8 state);
    /// @notice No open challenge of the live exit by tx `txHash`.
    error ChallengeNotOpen(bytes32 txHash);
    /// @notice The challenge's exit is still live.
    error ChallengeStillLive(bytes32 txHash);
    /// @notice The response at `respondingBlock` is after the exiting tx's block `exitBlock`.
    error ResponseAfterExit(uint256 respondingBlock, uint256 exitBlock);
    /// @notice The challenging tx is the exiting tx itself (`txHash`, another copy of it).
    error ChallengeWithExitingTx(bytes32 txHash);
    /// @notice The challenging tx at `blockNumber` is not strictly between the parent at
    /// `parentBlock` and the exiting tx at `exitBlock`.
    error NotBetween(uint256 blockNumber, uint256 parentBlock, uint256 exitBlock);
    /// @notice The exit matures at `exitableAt`.
    error ExitNotMature(uint256 exitableAt);
    /// @notice The coin has had 2^32 - 1 exits.
    error TooManyExits(uint64 slot);
    /// @notice Tx `txHash` was proven invalid by an earlier challenge: it never exits.
    error ProvenInvalid(bytes32 txHash);
    /// @notice In the coin's priority window (open until `priorityUntil`), its live exit is of a
    /// tx at `exitBlock`, not later than this one's.
    error ExitLive(uint256 exitBlock, uint256 priorityUntil);
    error NothingToWithdraw();
    error EthTransferFailed(address to, uint256 amount);

    /// @param operator_ submits blocks, tops coins up
    /// @param bond_ wei of every bond (exit, challengeBefore); e.g. 0.1 ether
    /// @param maturityPeriod_ MEP, e.g. 7 days
    /// @param responsePeriod_ least time to answer a challengeBefore, and the priority window,
    ///        e.g. 3 days (shorter than the MEP)
    constructor(
        address operator_,
        uint256 bond_,
        uint256 maturityPeriod_,
        uint256 responsePeriod_
    ) {
        if (operator_ == address(0)) revert ZeroOperator();
        if (bond_ == 0) revert ZeroBond();
        if (maturityPeriod_ > 365 days) revert PeriodTooLong(maturityPeriod_);
        if (responsePeriod_ > 365 days) revert PeriodTooLong(responsePeriod_);
        operator = operator_;
        bond = bond_;
        maturityPeriod = maturityPeriod_;
        responsePeriod = responsePeriod_;
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- deposits, blocks

    /// @notice Deposits `msg.value` wei as one coin owned by the caller, with capacity and
    /// balance `msg.value`, in the next deposit block.
    function depositEth() external payable returns (uint64 slot) {
        uint256 amount = msg.value;
        if (amount == 0) revert ZeroDeposit();
        if (amount > type(uint128).max) revert AmountTooLarge(amount);
        Counters memory k = _counters;
        uint64 blockNumber = k.currentBlock + 1;
        if (blockNumber % CHILD_BLOCK_INTERVAL == 0) revert TooManyDeposits(blockNumber);
        slot = CashTransaction.slotOf(k.numCoins, msg.sender, msg.sender);
        Coin storage c = _coins[slot];
        if (c.depositBlock != 0) revert SlotTaken(slot);
        (c.depositor, c.depositBlock, c.state) =
        (msg.sender, uint48(blockNumber), CoinState.DEPOSITED);
        (c.depositAmount, c.capacity) = (uint128(amount), uint128(amount));
        _counters = Counters(blockNumber, k.numCoins + 1);
        emit Deposit(slot, blockNumber, amount, msg.sender);
    }

    /// @notice Adds `msg.value` wei to the capacity of coin `slot` (on the chain, not exiting
    /// nor paid out): the room the coin has to receive. Only the operator.
    function topUp(uint64 slot) external payable onlyOperator {
        if (msg.value == 0) revert ZeroTopUp();
        Coin storage c = _coin(slot);
        if (c.state != CoinState.DEPOSITED) revert WrongCoinState(slot, uint8(c.state));
        uint256 capacity = uint256(c.capacity) + msg.value;
        if (capacity > type(uint128).max) revert AmountTooLarge(capacity);
        c.capacity = uint128(capacity);
        emit ToppedUp(slot, msg.value, capacity);
    }

    /// @notice Submits the next operator block (number `nextChildBlock()`). Only the operator.
    function submitBlock(bytes32 root) external onlyOperator {
        if (root == 0) revert ZeroRoot();
        uint64 n = uint64(nextChildBlock());
        _blocks[n] = root;
        _counters.currentBlock = n;
        emit BlockSubmitted(n, root);
    }

    // ---------------------------------------------------------------- exits

    /// @notice Starts an exit of coin `slot` at the state `exiting` leaves. `msg.value` =
    /// `bond`. The caller is that state's owner (paid on finalization) or the operator.
    /// @param parent the parent P, included at E's prevBlock, whose owner signed E (ignored
    ///        when E is the deposit)
    /// @param exiting the exiting own tx E of the coin with its proof (a pay: and its peer
    ///        proof; the payee's guard runs) and its signature by P's owner
    function startExit(uint64 slot, TxProof calldata parent, TxProof calldata exiting)
        external
        payable
    {
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        Coin storage c = _coin(slot);
        DebitTransaction.Tx memory e = _decodeFor(slot, exiting.txBytes);
        if (msg.sender != e.owner && msg.sender != operator) {
            revert NotTxOwner(e.owner, msg.sender);
        }
        _checkIncluded(c, e, exiting.blockNumber, exiting.proof);
        if (e.kind == DebitTransaction.DEPOSIT) {
            _openExit(slot, c, e, exiting.blockNumber, address(0), 0);
            return;
        }
        uint256 parentBlock = parent.blockNumber;
        if (e.prevBlock != parentBlock) revert WrongParentBlock(e.prevBlock, parentBlock);
        DebitTransaction.Tx memory p = _decodeFor(slot, parent.txBytes);
        _checkIncluded(c, p, parentBlock, parent.proof);
        _checkSpendBy(e, exiting, p.owner);
        _openExit(slot, c, e, exiting.blockNumber, p.owner, parentBlock);
    }

    /// @notice Adds to the live exit of `slot` the credit of `payTx`, a pay to this coin
    /// included at both its slots in operator block `blockNumber` (after the exiting state's
    /// block): `payeeProof` at this slot, `payerProof` at its fromSlot. Its toOwner must be the
    /// exit's owner; each pay once per exit; before maturity. Anyone may call.
    function addCredit(
        uint64 slot,
        bytes calldata payTx,
        uint256 blockNumber,
        bytes calldata payeeProof,
        bytes calldata payerProof
    ) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        _checkNotMatured(x);
        DebitTransaction.Tx memory t = DebitTransaction.decode(payTx);
        if (t.kind != DebitTransaction.PAY) revert NotAPay(t.kind);
        if (t.toSlot != slot) revert WrongSlot(slot, t.toSlot);
        if (t.slot == slot) revert PayToSelf(slot);
        if (blockNumber <= x.exitBlock) revert CreditNotAfterExit(blockNumber, x.exitBlock);
        bytes32 root = _operatorBlockRoot(c, blockNumber);
        if (SparseMerkle.computeRoot(t.hash, slot, payeeProof) != root) {
            revert NotIncluded(blockNumber);
        }
        if (SparseMerkle.computeRoot(t.hash, t.slot, payerProof) != root) {
            revert PeerNotIncluded(t.slot, blockNumber);
        }
        if (t.toOwner != x.owner) revert WrongPayee(t.toOwner, x.owner);
        uint32 nonce = c.exitNonce;
        if (creditClaimed[slot][t.hash] == nonce) revert CreditAlreadyAdded(t.hash);
        _credit(slot, c, x, nonce, t, blockNumber);
    }

    /// @notice Records that the payer went on from the pay `payTx` (included at its fromSlot in
    /// operator block `payBlock` by `payProof`): `next` is an own tx of the payer's coin naming
    /// `payBlock`, included after it, signed by the pay's fromOwner. From then on the payee's
    /// guard never refuses the pay, so a pay its payer built on cannot be voided later (by the
    /// payee coin's exit of an earlier state), which would revive the payer's state before it
    /// against whoever holds the coin since. Anyone may call.
    function acknowledgePay(
        bytes calldata payTx,
        uint256 payBlock,
        bytes calldata payProof,
        TxProof calldata next
    ) external {
        DebitTransaction.Tx memory t = DebitTransaction.decode(payTx);
        if (t.kind != DebitTransaction.PAY) revert NotAPay(t.kind);
        Coin storage c = _coin(t.slot);
        _checkHashIncluded(c, t.slot, t.hash, payBlock, payProof);
        DebitTransaction.Tx memory n = _decodeFor(t.slot, next.txBytes);
        if (n.kind == DebitTransaction.DEPOSIT || n.prevBlock != payBlock) {
            revert NotASpend(n.prevBlock, payBlock);
        }
        _checkIncluded(c, n, next.blockNumber, next.proof);
        address signer = CashSignature.recover(n.hash, next.signature);
        if (signer != t.owner) revert WrongSigner(signer, t.owner);
        payAcknowledged[t.hash] = true;
        emit PayAcknowledged(t.slot, t.hash, payBlock);
    }

    // ---------------------------------------------------------------- challenges

    /// @notice Cancels the exit of `slot` with `spend`, a spend of the exiting state (signed by
    /// its owner, included later; a pay with its peer proof, and the payee's guard). If the
    /// spend names another block holding the exiting tx (a copy), `copyProof` shows it there
    /// (else empty). The exiting tx is proven invalid; the caller is credited the exit bond
    /// (the open challengeBefores share it if there are any). Before maturity.
    function challengeAfter(uint64 slot, TxProof calldata spend, bytes calldata copyProof)
        external
    {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        _checkNotMatured(x);
        DebitTransaction.Tx memory t = _decodeFor(slot, spend.txBytes);
        _checkSpend(c, t, spend, x.txHash, x.exitBlock, x.owner, copyProof);
        _cancel(slot, c, x, CANCEL_AFTER);
    }

    /// @notice Cancels the exit of `slot` with `spend`, a spend of its parent naming the
    /// parent's block (signed by the parent's owner; a pay with its peer proof, and the
    /// payee's guard), included before the exiting tx's block, and not the exiting tx itself.
    /// The caller is credited the exit bond (as in `challengeAfter`); the exiting tx is not
    /// marked invalid (a copy of it before that spend would be the coin's valid state).
    /// Before maturity.
    function challengeBetween(uint64 slot, TxProof calldata spend) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        _checkNotMatured(x);
        uint256 parentBlock = x.parentBlock;
        if (parentBlock == 0) revert ExitHasNoParent(slot);
        DebitTransaction.Tx memory t = _decodeFor(slot, spend.txBytes);
        if (t.kind == DebitTransaction.DEPOSIT || t.prevBlock != parentBlock) {
            revert NotASpend(t.prevBlock, parentBlock);
        }
        if (t.hash == x.txHash) revert ChallengeWithExitingTx(t.hash);
        if (spend.blockNumber >= x.exitBlock) {
            revert NotBetween(spend.blockNumber, parentBlock, x.exitBlock);
        }
        _checkIncluded(c, t, spend.blockNumber, spend.proof);
        _checkSpendBy(t, spend, x.parentOwner);
        _cancel(slot, c, x, CANCEL_BETWEEN);
    }

    /// @notice Challenges the exit of `slot` (one with a parent) with `txBytes`, an own tx of
    /// the coin included at `txBlock` (before the exiting tx's block) by `proof`, claimed to
    /// be the coin's valid latest state: the exiter must show its spend. `msg.value` = `bond`.
    /// Before maturity; the exit then matures no sooner than now + `responsePeriod`. Not with
    /// the exiting tx itself (an earlier copy of it); each tx once per exit.
    function challengeBefore(
        uint64 slot,
        bytes calldata txBytes,
        uint256 txBlock,
        bytes calldata proof
    ) external payable {
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        (Coin storage c, Exit storage x) = _liveExit(slot);
        if (x.parentBlock == 0) revert ExitHasNoParent(slot);
        uint256 exitableAt = _checkNotMatured(x);
        DebitTransaction.Tx memory t = _decodeFor(slot, txBytes);
        if (txBlock >= x.exitBlock) revert NotBeforeExit(txBlock, x.exitBlock);
        if (t.hash == x.txHash) revert ChallengeWithExitingTx(t.hash);
        _checkIncluded(c, t, txBlock, proof);
        uint32 nonce = c.exitNonce;
        Challenge storage ch = _challenges[slot][t.hash];
        if (ch.state != ChallengeState.NONE) {
            // A challenge of an earlier exit still open is settled first; one of this exit,
            // open or answered, stands.
            if (ch.exitNonce == nonce) revert ChallengeExists(uint8(ch.state));
            if (ch.state == ChallengeState.OPEN) _settle(slot, t.hash, ch);
        }
        (ch.challenger, ch.txBlock, ch.exitNonce, ch.state, ch.txOwner) =
        (msg.sender, uint48(txBlock), nonce, ChallengeState.OPEN, t.owner);
        ++x.openChallenges;
        uint256 least = block.timestamp + responsePeriod;
        if (least > exitableAt) {
            exitableAt = least;
            x.exitableAt = uint48(least);
        }
        emit ChallengedBefore(slot, t.hash, msg.sender, nonce, txBlock, t.owner, exitableAt);
    }

    /// @notice Answers the open challengeBefore of `challengingTxHash` with `spend`, a spend of
    /// that tx (signed by its owner; a pay with its peer proof, and the payee's guard)
    /// included no later than the exiting tx's block. If the spend names another block holding
    /// the challenging tx (a copy), `copyProof` shows it there (else empty). The exiter (who
    /// started the exit) is credited the challenge bond, whoever answers.
    function respondChallengeBefore(
        uint64 slot,
        bytes32 challengingTxHash,
        TxProof calldata spend,
        bytes calldata copyProof
    ) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        Challenge storage ch = _challenges[slot][challengingTxHash];
        if (ch.state != ChallengeState.OPEN || ch.exitNonce != c.exitNonce) {
            revert ChallengeNotOpen(challengingTxHash);
        }
        if (spend.blockNumber > x.exitBlock) {
            revert ResponseAfterExit(spend.blockNumber, x.exitBlock);
        }
        DebitTransaction.Tx memory t = _decodeFor(slot, spend.txBytes);
        _checkSpend(c, t, spend, challengingTxHash, ch.txBlock, ch.txOwner, copyProof);
        ch.state = ChallengeState.ANSWERED;
        --x.openChallenges;
        // To the exiter, whoever answers: a past owner could otherwise delay an exit for free
        // by challenging with its own old tx and answering with the spend it signed.
        owed[x.starter] += bond;
        emit Responded(slot, challengingTxHash, msg.sender, spend.blockNumber);
    }

    /// @notice Credits the challenger of an open challengeBefore whose exit is over: its bond,
    /// plus its share of the exit bond if the exit was cancelled while it was open.
    function reclaimChallengeBond(uint64 slot, bytes32 txHash) external {
        Challenge storage ch = _challenges[slot][txHash];
        if (ch.state != ChallengeState.OPEN) revert ChallengeNotOpen(txHash);
        Coin storage c = _coins[slot];
        if (ch.exitNonce == c.exitNonce && c.state == CoinState.EXITING) {
            revert ChallengeStillLive(txHash);
        }
        _settle(slot, txHash, ch);
    }

    // ---------------------------------------------------------------- finalize, withdraw

    /// @notice Finalizes the mature exit of `slot` (anyone). With a challengeBefore open, the
    /// exit is cancelled (the open challengers share its bond; a priority window opens). Else
    /// the coin is paid out: its owner is credited `min(balance + credits, capacity)`, the
    /// operator the rest of the capacity, the exiter its bond.
    function finalizeExit(uint64 slot) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        if (block.timestamp < x.exitableAt) revert ExitNotMature(x.exitableAt);
        address owner = x.owner;
        if (x.openChallenges != 0) {
            _endExit(slot, c, x, address(0));
            emit ExitCancelled(slot, owner, c.exitNonce, address(0), CANCEL_UNANSWERED_BEFORE);
            return;
        }
        c.state = CoinState.EXITED;
        uint256 capacity = c.capacity;
        uint256 paid = uint256(x.balance) + x.credits;
        if (paid > capacity) paid = capacity;
        owed[owner] += paid;
        owed[operator] += capacity - paid;
        owed[x.starter] += bond;
        emit ExitFinalized(slot, owner, paid, capacity - paid);
    }

    /// @notice Pays the caller everything credited to it (payouts, bonds, rewards).
    function withdraw() external nonReentrant {
        uint256 amount = owed[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        owed[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert EthTransferFailed(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- views

    /// @notice The last block number taken (an operator or a deposit block).
    function currentBlock() external view returns (uint256) {
        return _counters.currentBlock;
    }

    /// @notice The next operator block's number.
    function nextChildBlock() public view returns (uint256) {
        return (uint256(_counters.currentBlock) / CHILD_BLOCK_INTERVAL + 1) * CHILD_BLOCK_INTERVAL;
    }

    /// @notice Coins deposited so far.
    function numCoins() external view returns (uint256) {
        return _counters.numCoins;
    }

    /// @notice The root of operator block `blockNumber` (0 if not submitted; deposit blocks:
    /// `keccak256(uint64 slot)`, see `coin`).
    function blockRoot(uint256 blockNumber) external view returns (bytes32) {
        return _blocks[blockNumber];
    }

    /// @notice A coin: its depositor (the owner of its deposit tx), deposit block and amount,
    /// its capacity (deposit plus top-ups), `state` 0 none, 1 on the chain, 2 exiting, 3 paid
    /// out, and its exits so far (the live or last exit's number).
    function coin(uint64 slot)
        external
        view
        returns (
            address depositor,
            uint256 depositBlock,
            uint256 depositAmount,
            uint256 capacity,
            uint8 state,
            uint256 exitNonce
        )
    {
        Coin storage c = _coins[slot];
        return (
            c.depositor,
            c.depositBlock,
            c.depositAmount,
            c.capacity,
            uint8(c.state),
            c.exitNonce
        );
    }

    /// @notice The live (coin state 2) or last exit of `slot`. `balance` (the exiting state's)
    /// and `credits` are each capped at the coin's capacity; `parentBlock` 0 for a deposit
    /// exit.
    function exitOf(uint64 slot)
        external
        view
        returns (
            address owner,
            address starter,
            uint256 exitBlock,
            address parentOwner,
            uint256 parentBlock,
            uint256 balance,
            uint256 credits,
            uint256 exitableAt,
            bytes32 txHash,
            uint256 openChallenges
        )
    {
        Exit storage x = _exits[slot];
        return (
            x.owner,
            x.starter,
            x.exitBlock,
            x.parentOwner,
            x.parentBlock,
            x.balance,
            x.credits,
            x.exitableAt,
            x.txHash,
            x.openChallenges
        );
    }

    /// @notice The challengeBefore of `slot` by `txHash` (latest exit using it); `state` 0 none,
    /// 1 open, 2 answered.
    function challengeOf(uint64 slot, bytes32 txHash)
        external
        view
        returns (
            address challenger,
            uint256 txBlock,
            uint256 exitNonce,
            uint8 state,
            address txOwner
        )
    {
        Challenge storage ch = _challenges[slot][txHash];
        return (ch.challenger, ch.txBlock, ch.exitNonce, uint8(ch.state), ch.txOwner);
    }

    // ---------------------------------------------------------------- internal: checks

    /// @dev The coin in `slot`; reverts if none.
    function _coin(uint64 slot) private view returns (Coin storage c) {
        c = _coins[slot];
        if (c.depositBlock == 0) revert CoinNotFound(slot);
    }

    /// @dev The coin in `slot` and its live exit; reverts unless the coin is exiting.
    function _liveExit(uint64 slot) private view returns (Coin storage c, Exit storage x) {
        c = _coin(slot);
        if (c.state != CoinState.EXITING) revert WrongCoinState(slot, uint8(c.state));
        x = _exits[slot];
    }

    /// @dev Reverts once the exit has matured; returns its maturity.
    function _checkNotMatured(Exit storage x) private view returns (uint256 exitableAt) {
        exitableAt = x.exitableAt;
        if (block.timestamp >= exitableAt) revert ExitMatured(exitableAt);
    }

    /// @dev Decodes an own transaction of coin `slot` (a deposit, a transfer or a pay from it).
    function _decodeFor(uint64 slot, bytes calldata txBytes)
        private
        pure
        returns (DebitTransaction.Tx memory t)
    {
        t = DebitTransaction.decode(txBytes);
        if (t.slot != slot) revert WrongSlot(slot, t.slot);
    }

    /// @dev Checks that the own tx `t` of coin `c` is included at its slot in block
    /// `blockNumber`: a deposit only at the coin's deposit block, with the coin's depositor and
    /// deposit amount (its hash commits to the slot only); any other one by `proof` in an
    /// operator block after the coin's deposit block, and after its prevBlock.
    function _checkIncluded(
        Coin storage c,
        DebitTransaction.Tx memory t,
        uint256 blockNumber,
        bytes calldata proof
    ) private view {
        if (t.kind == DebitTransaction.DEPOSIT) {
            if (blockNumber != c.depositBlock) {
                revert DepositNotAtDepositBlock(blockNumber, c.depositBlock);
            }
            if (t.owner != c.depositor || t.balance != c.depositAmount) {
                revert DepositTxMismatch(t.owner, t.balance);
            }
            return;
        }
        bytes32 root = _operatorBlockRoot(c, blockNumber);
        if (t.prevBlock >= blockNumber) revert PrevBlockNotBefore(t.prevBlock, blockNumber);
        if (SparseMerkle.computeRoot(t.hash, t.slot, proof) != root) {
            revert NotIncluded(blockNumber);
        }
    }

    /// @dev Checks that block `blockNumber` holds the tx hash `txHash` at `slot`: the coin's
    /// deposit block holds only its deposit's hash; an operator block after it, by `proof`.
    function _checkHashIncluded(
        Coin storage c,
        uint64 slot,
        bytes32 txHash,
        uint256 blockNumber,
        bytes calldata proof
    ) private view {
        if (blockNumber == c.depositBlock) {
            if (txHash != CashTransaction.depositHash(slot)) revert NotIncluded(blockNumber);
            return;
        }
        bytes32 root = _operatorBlockRoot(c, blockNumber);
        if (SparseMerkle.computeRoot(txHash, slot, proof) != root) revert NotIncluded(blockNumber);
    }

    /// @dev The root of operator block `blockNumber`, which must come after coin `c`'s deposit.
    function _operatorBlockRoot(Coin storage c, uint256 blockNumber)
        private
        view
        returns (bytes32 root)
    {
        if (blockNumber % CHILD_BLOCK_INTERVAL != 0) revert NotAnOperatorBlock(blockNumber);
        // Slots are predictable: a block from before the deposit may hold a forged tx of the
        // coin-to-be, with no earlier tx of the coin to challenge it with.
        if (blockNumber <= c.depositBlock) revert BlockBeforeDeposit(blockNumber, c.depositBlock);
        root = _blocks[blockNumber];
        if (root == 0) revert BlockNotFound(blockNumber);
    }

    /// @dev Checks that `t`, an own tx of coin `c`, spends the state `spentHash` at
    /// `spentBlock` owned by `owner`: it is not a deposit; it names `spentBlock`, or another
    /// block holding the same tx, shown by `copyProof` (the same signed bytes in two blocks are
    /// one tx, so a spend of any copy is a spend of it); it is included at `p.blockNumber`;
    /// and `_checkSpendBy`.
    function _checkSpend(
        Coin storage c,
        DebitTransaction.Tx memory t,
        TxProof calldata p,
        bytes32 spentHash,
        uint256 spentBlock,
        address owner,
        bytes calldata copyProof
    ) private {
        uint256 named = t.prevBlock;
        if (t.kind == DebitTransaction.DEPOSIT) revert NotASpend(named, spentBlock);
        if (named != spentBlock) {
            if (copyProof.length == 0) revert NotASpend(named, spentBlock);
            _checkHashIncluded(c, t.slot, spentHash, named, copyProof);
        }
        _checkIncluded(c, t, p.blockNumber, p.proof);
        _checkSpendBy(t, p, owner);
    }

    /// @dev The rest of a spend of a state owned by `owner`, for `t` (not a deposit) already
    /// shown included at its slot in operator block `p.blockNumber`: signed by `owner`; a pay
    /// also has `owner` as fromOwner, another coin as payee, its peer leg in the same block,
    /// and passes the payee's guard.
    function _checkSpendBy(DebitTransaction.Tx memory t, TxProof calldata p, address owner)
        private
    {
        address signer = CashSignature.recover(t.hash, p.signature);
        if (signer != owner) revert WrongSigner(signer, owner);
        if (t.kind != DebitTransaction.PAY) return;
        if (t.owner != owner) revert WrongPayer(t.owner, owner);
        uint64 to = t.toSlot;
        if (to == t.slot) revert PayToSelf(to);
        uint256 m = p.blockNumber;
        if (SparseMerkle.computeRoot(t.hash, to, p.peerProof) != _blocks[m]) {
            revert PeerNotIncluded(to, m);
        }
        _payeeGuard(t, m);
    }

    /// @dev The payee's guard of the pay `t` at block `m`, accepted against its payer (see the
    /// contract's notice): refuses unless the payee's coin can still get the credit, adds it to
    /// the payee's live exit when that exit is of an earlier state of toOwner.
    function _payeeGuard(DebitTransaction.Tx memory t, uint256 m) private {
        uint64 to = t.toSlot;
        Coin storage b = _coins[to];
        CoinState s = b.state;
        if (s == CoinState.NONE) revert CoinNotFound(to);
        // A leaf at the payee's slot from before its deposit is no credit of that coin.
        if (m <= b.depositBlock) revert BlockBeforeDeposit(m, b.depositBlock);
        if (s != CoinState.DEPOSITED) {
            Exit storage x = _exits[to];
            uint32 nonce = b.exitNonce;
            if (x.exitBlock < m && creditClaimed[to][t.hash] != nonce) {
                if (s == CoinState.EXITING && x.owner == t.toOwner) {
                    _credit(to, b, x, nonce, t, m);
                } else if (!payAcknowledged[t.hash]) {
                    revert PayeeNotCredited(to, t.hash);
                }
            }
        }
        emit PayShown(to, t.slot, m, t.hash, t.toOwner, t.amount);
    }

    // ---------------------------------------------------------------- internal: effects

    /// @dev Adds the pay `t` at `blockNumber` to exit `nonce` (`x`) of coin `slot`. The sum is
    /// capped at the capacity, beyond which it changes no payout.
    function _credit(
        uint64 slot,
        Coin storage c,
        Exit storage x,
        uint32 nonce,
        DebitTransaction.Tx memory t,
        uint256 blockNumber
    ) private {
        creditClaimed[slot][t.hash] = nonce;
        uint256 capacity = c.capacity;
        uint256 credits = x.credits;
        credits = t.amount >= capacity - credits ? capacity : credits + t.amount;
        x.credits = uint128(credits);
        emit CreditAdded(slot, t.hash, nonce, blockNumber, t.amount, credits);
    }

    /// @dev Records the exit of `e` at `exitBlock` (block numbers are of existing blocks, so
    /// below 2^64). The coin must be on the chain, or, during a priority window, exiting a tx
    /// of a later block: that exit is displaced (its bond credited back to its exiter).
    function _openExit(
        uint64 slot,
        Coin storage c,
        DebitTransaction.Tx memory e,
        uint256 exitBlock,
        address parentOwner,
        uint256 parentBlock
    ) private {
        if (provenInvalid[slot][e.hash]) revert ProvenInvalid(e.hash);
        uint32 nonce = c.exitNonce;
        if (c.state == CoinState.EXITING) {
            Exit storage live = _exits[slot];
            uint256 until = priorityUntil[slot];
            if (block.timestamp >= until) revert WrongCoinState(slot, uint8(c.state));
            if (live.exitBlock <= exitBlock) revert ExitLive(live.exitBlock, until);
            // Its challenges can be reclaimed (their exit is over), with no reward.
            live.openChallenges = 0;
            owed[live.starter] += bond;
            emit ExitCancelled(slot, live.owner, nonce, msg.sender, CANCEL_DISPLACED);
        } else if (c.state != CoinState.DEPOSITED) {
            revert WrongCoinState(slot, uint8(c.state));
        }
        if (nonce == type(uint32).max) revert TooManyExits(slot);
        ++nonce;
        (c.state, c.exitNonce) = (CoinState.EXITING, nonce);
        uint256 capacity = c.capacity;
        uint256 balance = e.balance < capacity ? e.balance : capacity;
        uint256 exitableAt = block.timestamp + maturityPeriod;
        _exits[slot] = Exit(
            e.owner,
            uint48(exitBlock),
            uint48(exitableAt),
            msg.sender,
            uint64(parentBlock),
            0,
            parentOwner,
            uint128(balance),
            0,
            e.hash
        );
        emit ExitStarted(
            slot, e.owner, msg.sender, nonce, exitBlock, parentBlock, e.hash, balance, exitableAt
        );
    }

    /// @dev Cancels the live exit. A tx shown spent (after) is marked invalid for good.
    function _cancel(uint64 slot, Coin storage c, Exit storage x, uint8 reason) private {
        if (reason == CANCEL_AFTER) provenInvalid[slot][x.txHash] = true;
        _endExit(slot, c, x, msg.sender);
        emit ExitCancelled(slot, x.owner, c.exitNonce, msg.sender, reason);
    }

    /// @dev Ends the live exit `x` of coin `c` without paying it. With challengeBefores open,
    /// they share its bond (the rounding remainder to the operator, so that every wei held is
    /// owed to someone) and a priority window opens (so that the exiter cannot end its own
    /// exit and start another one before the challengers' owners can exit); else
    /// `beneficiary` (the challenger) is credited the bond.
    function _endExit(uint64 slot, Coin storage c, Exit storage x, address beneficiary) private {
        c.state = CoinState.DEPOSITED;
        uint256 open = x.openChallenges;
        if (open != 0) {
            x.openChallenges = 0;
            uint256 share = bond / open;
            challengeRewards[slot][c.exitNonce] = share;
            uint256 rest = bond - share * open;
            if (rest != 0) owed[operator] += rest;
            uint256 until = block.timestamp + responsePeriod;
            priorityUntil[slot] = until;
            emit PriorityWindow(slot, until);
        } else {
            owed[beneficiary] += bond;
        }
    }

    /// @dev Credits an open challenge whose exit is over and deletes it.
    function _settle(uint64 slot, bytes32 txHash, Challenge storage ch) private {
        address challenger = ch.challenger;
        uint256 amount = bond + challengeRewards[slot][ch.exitNonce];
        delete _challenges[slot][txHash];
        owed[challenger] += amount;
        emit ChallengeSettled(slot, txHash, challenger, amount);
    }
}
