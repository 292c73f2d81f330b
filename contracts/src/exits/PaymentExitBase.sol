// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExitBookkeeping} from "./ExitBookkeeping.sol";
import {ExitBonds} from "./ExitBonds.sol";
import {PriorityQueue} from "../utils/PriorityQueue.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {EthVault} from "../vaults/EthVault.sol";
import {Erc20Vault} from "../vaults/Erc20Vault.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";
import {PaymentEip712} from "../lib/PaymentEip712.sol";
import {Merkle} from "../lib/Merkle.sol";
import {Signature} from "../lib/Signature.sol";
import {UtxoPos} from "../lib/UtxoPos.sol";
import {BatchEntries} from "../lib/BatchEntries.sol";

/// @title PaymentExitBase
/// @notice What the payment exit game and its in-flight module share: the configuration
/// (framework, vaults, MEP, EIP-712 domain), the storage (queues, bonds, per-output records,
/// in-flight exits), events, errors and payouts. `PaymentExitGame` and
/// `PaymentInFlightExitModule` both inherit it, so their storage layouts are identical: the
/// game runs the module's code on its own storage with DELEGATECALL.
abstract contract PaymentExitBase is ExitBookkeeping, ExitBonds {
    using PriorityQueue for PriorityQueue.Queue;

    PlasmaFramework public immutable framework;
    EthVault public immutable ethVault;
    Erc20Vault public immutable erc20Vault;
    uint256 public immutable minExitPeriod;
    bytes32 internal immutable _domainSeparator;

    /// @dev An exit record, two words keyed by exit id:
    /// head = owner | exitableAt << 160 | bond << 192 (EXITED = 1 once processed; 0 = none),
    /// body = amount | utxoPos << 160 (amount < 2^160, utxoPos < 2^96).
    struct Record {
        uint256 head;
        uint256 body;
    }

    mapping(uint160 => Record) internal _records;

    /// @dev Gas forwarded with a bond refund (as EthVault.PAYOUT_GAS).
    uint256 internal constant PAYOUT_GAS = 50_000;

    event ExitStarted(
        uint160 indexed exitId,
        address indexed owner,
        address indexed token,
        uint256 utxoPos,
        uint256 amount,
        uint256 exitableAt
    );
    event ExitChallenged(
        uint160 indexed exitId, address indexed challenger, bytes32 challengeTxHash
    );
    event ExitFinalized(
        uint160 indexed exitId, address indexed owner, address indexed token, uint256 amount
    );
    /// @notice One `processExits` call: `popped` queue entries, `bounty` wei paid to `processor`.
    event ExitsProcessed(
        address indexed token, address indexed processor, uint256 popped, uint256 bounty
    );

    error AmountTooLarge(uint256 amount);
    /// @notice txPos = utxoPos / 10⁴ must be below 2^64.
    error PositionTooLarge(uint256 utxoPos);
    /// @notice The output is piggybacked on a live in-flight exit (it may exit only there).
    error OutputPiggybacked(uint160 exitId);
    error BondTransferFailed(address to, uint256 amount);
    error ZeroAddress();

    /// @param framework_ the PlasmaFramework (minExitPeriod and EIP-712 domain come from it)
    /// @param ethVault_ the vault of address(0) (ETH) outputs
    /// @param erc20Vault_ the vault of every other token
    /// @param exitBond_ the standard exit bond in wei (see docs/contracts.md for the default)
    constructor(
        PlasmaFramework framework_,
        EthVault ethVault_,
        Erc20Vault erc20Vault_,
        uint256 exitBond_
    ) ExitBonds(exitBond_) {
        if (
            address(framework_) == address(0) || address(ethVault_) == address(0)
                || address(erc20Vault_) == address(0)
        ) revert ZeroAddress();
        framework = framework_;
        ethVault = ethVault_;
        erc20Vault = erc20Vault_;
        minExitPeriod = framework_.minExitPeriod();
        _domainSeparator = framework_.domainSeparator();
    }

    /// @dev Pays `amount` of `token` and the bond minus the bounty to `owner`: through the
    /// EthVault in one transfer for an ETH exit; for a token exit the tokens through the
    /// Erc20Vault and the bond directly (through the EthVault, which credits it, if the owner
    /// refuses it). Returns the bounty.
    function _payOut(address token, address owner, uint256 amount, uint256 bond)
        internal
        returns (uint256 bounty)
    {
        bounty = processBounty(bond);
        if (token == address(0)) {
            ethVault.withdraw{value: bond - bounty}(owner, amount);
        } else {
            erc20Vault.withdraw(owner, token, amount);
            // The bond goes straight to the owner (with the vault's stipend, no return data);
            // if that fails, through the EthVault, which credits it.
            uint256 refund = bond - bounty;
            uint256 stipend = PAYOUT_GAS;
            bool ok;
            assembly ("memory-safe") {
                ok := call(stipend, owner, refund, 0, 0, 0, 0)
            }
            if (!ok) ethVault.withdraw{value: refund}(owner, 0);
        }
    }

    // ================================================================ in-flight exits (MoreVP)

    /// @dev `_records[exitId].head` of an output piggybacked on a live in-flight exit.
    uint256 internal constant PIGGYBACKED = 2;
    /// @dev Gas the standard exit bond is sized for (docs/contracts.md, "Bonds"); the in-flight
    /// bonds scale with the (operator-adjustable) exit bond by their own challenges' gas.
    uint256 public constant EXIT_BOND_GAS = 85_000;
    /// @notice Gas the in-flight exit bond is sized for: its worst-case challenge, a canonicity
    /// challenge with an included 4-in/4-out competitor that replaces a standing challenge
    /// (172,946 gas as a whole transaction, test/Gas.t.sol; 169,053 as the first challenge),
    /// rounded up. With the default exit bond: 0.035 ETH.
    uint256 public constant IN_FLIGHT_BOND_GAS = 175_000;
    /// @notice Gas a piggyback bond is sized for: its worst-case challenge, an input-spent
    /// challenge of a 4-in/4-out in-flight tx with a 4-in/4-out spend (130,267 gas; the
    /// output-spent challenge is 115,616), rounded up. With the default exit bond: 0.027 ETH.
    uint256 public constant PIGGYBACK_BOND_GAS = 135_000;
    /// @notice Gas the canonicity-challenge bond is sized for: twice the answer it pays for, as
    /// an answer pays the responder only half (the other half is burnt, `_payAnswer`): a
    /// `respondToNonCanonicalChallenge` of a 4-in/4-out tx is 100,327 gas (test/Gas.t.sol; the
    /// first burn on a chain creates address(0)'s account, later ones ~25k less), rounded up
    /// to 105,000. With the default exit bond: 0.042 ETH. A challenge that is answered forfeits
    /// it: half to the responder, half burnt; one that stands gets it back.
    uint256 public constant CHALLENGE_BOND_GAS = 210_000;
    /// @dev Legs 0-3 are the inputs, 4-7 the outputs of the in-flight tx.
    uint256 internal constant OUTPUT_LEG = 4;
    uint256 internal constant TXPOS_BLOCK = 100_000;

    uint8 internal constant F_NON_CANONICAL = 1;
    /// @dev The first processing pass ran: canonicity is frozen in F_PAY_OUTPUTS.
    uint8 internal constant F_PROCESSING = 2;
    uint8 internal constant F_PAY_OUTPUTS = 4;
    uint8 internal constant F_FINALIZED = 8;
    /// @dev Inputs are paid: set once, at the first processing pass (any token) of a
    /// non-canonical exit with a piggybacked input not exited elsewhere, before any leg is
    /// settled, and never cleared (a processing exit cannot be deleted). The tx's outputs can
    /// then never exit through standard exits. (Conservative: it stays set if that input's
    /// piggyback is later removed by a spent challenge, i.e. its owner signed another spend.)
    uint8 internal constant F_INPUTS_PAID = 32;

    /// @dev One input or output of an in-flight tx. Inputs are written at start, outputs at
    /// their piggyback. `ownerBond` = owner | piggyback bond << 160.
    struct Leg {
        bytes32 outputId;
        uint256 ownerBond;
        address token;
        uint256 amount;
    }

    /// @dev Two words.
    struct Header {
        /// @dev The starter: the in-flight bond is theirs unless a canonicity challenge stands
        /// (unanswered) at the first processing pass or at deletion, then it goes to that
        /// challenger; from the first pass on, the payee. Challenges and responses never move
        /// it (a co-signer's challenge answered by herself takes nothing).
        address bondOwner;
        uint32 startedAt;
        uint32 exitableAt;
        /// @dev bit i: input i piggybacked; bit 4 + j: output j.
        uint8 piggybacks;
        uint8 flags;
        uint8 inputCount;
        uint8 outputCount;
        uint64 youngestTxPos;
        /// @dev txPos of the oldest competitor shown (2^64-1 = not included; 0 = none), or of
        /// the in-flight tx itself after a successful response.
        uint64 competitorPos;
        uint128 bond;
    }

    struct InFlightExit {
        Header h;
        Leg[8] legs;
        /// @dev The standing canonicity challenge: challenger | its bond << 160 (0 = none).
        /// Cleared (the bond paid to the responder) by a response.
        uint256 challenge;
    }

    /// @notice Arguments of `challengeInFlightExitNotCanonical`.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param inFlightTxInputIndex the index of the shared input in inFlightTx
    /// @param competingTx the unsigned competing tx (another tx spending that input)
    /// @param competingTxInputIndex the index of the shared input in competingTx
    /// @param competingTxPos the competitor's txPos (blknum·10⁵ + txindex) if it is included,
    ///        0 if not
    /// @param competingTxInclusionProof its 512-byte inclusion proof (empty if not included)
    /// @param competingTxSig the shared input owner's signature of competingTx
    struct CanonicityChallenge {
        bytes inFlightTx;
        uint256 inFlightTxInputIndex;
        bytes competingTx;
        uint256 competingTxInputIndex;
        uint256 competingTxPos;
        bytes competingTxInclusionProof;
        bytes competingTxSig;
    }

    /// @notice Arguments of `challengeInFlightExitOutputSpent`.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param inFlightTxPos its txPos (it must be included for its outputs to be spent)
    /// @param inFlightTxInclusionProof its 512-byte inclusion proof
    /// @param outputIndex the piggybacked output
    /// @param spendingTx the unsigned tx spending it
    /// @param spendingTxInputIndex the input of spendingTx that is the output
    /// @param spendingTxSig the output owner's signature of spendingTx
    struct OutputSpentChallenge {
        bytes inFlightTx;
        uint256 inFlightTxPos;
        bytes inFlightTxInclusionProof;
        uint256 outputIndex;
        bytes spendingTx;
        uint256 spendingTxInputIndex;
        bytes spendingTxSig;
    }

    mapping(uint160 => InFlightExit) internal _ifes;

    /// @notice Challenge bonds owed to canonicity challengers whose standing challenge was
    /// replaced by one with an older competitor (they were not wrong): `withdrawBondCredit`.
    /// A credit, not a transfer, so a challenger cannot make the next challenge expensive.
    mapping(address => uint256) public bondCredits;

    /// @notice Carries the in-flight tx itself: watchers learn its inputs from the event
    /// alone, even when the tx is in no block they have.
    event InFlightExitStarted(
        uint160 indexed exitId,
        address indexed starter,
        bytes32 txHash,
        uint256 exitableAt,
        bytes inFlightTx
    );
    event InFlightExitInputPiggybacked(
        uint160 indexed exitId, address indexed owner, uint256 inputIndex
    );
    event InFlightExitOutputPiggybacked(
        uint160 indexed exitId, address indexed owner, uint256 outputIndex
    );
    /// @notice Canonicity challenged with a competitor at `competitorPos` (2^64-1: not included).
    event InFlightExitChallenged(
        uint160 indexed exitId, address indexed challenger, uint256 competitorPos
    );
    /// @notice A canonicity challenge answered: half the challenger's bond went to `responder`,
    /// the other half was burnt.
    event InFlightExitChallengeResponded(
        uint160 indexed exitId, address indexed responder, uint256 txPos
    );
    /// @notice A piggyback (leg 0-3: input, 4-7: output 0-3) removed by a spent challenge.
    event InFlightExitPiggybackChallenged(
        uint160 indexed exitId, address indexed challenger, uint256 leg
    );
    event InFlightExitDeleted(uint160 indexed exitId);
    /// @notice `amount` wei credited to `to` (`bondCredits`).
    event BondCredited(address indexed to, uint256 amount);
    /// @notice A piggybacked leg paid out (`amount` of `token` to `owner`).
    event InFlightExitLegPaid(
        uint160 indexed exitId,
        address indexed owner,
        address indexed token,
        uint256 leg,
        uint256 amount
    );
    /// @notice A piggybacked leg not exitable (input of a canonical tx, output of a
    /// non-canonical one, or already exited elsewhere): only its bond is returned.
    event InFlightExitLegRefunded(uint160 indexed exitId, address indexed owner, uint256 leg);
    /// @notice Every piggyback settled; the in-flight bond went to `bondOwner` (the starter,
    /// or the challenger whose challenge stood, with its challenge bond) at the first
    /// processing pass (of any token).
    event InFlightExitFinalized(uint160 indexed exitId, address indexed bondOwner, bool canonical);

    error NoInputs();
    /// @notice The argument arrays must have one entry per input of the in-flight tx.
    error InputCountMismatch(uint256 inputs, uint256 given);
    /// @notice inputUtxosPos[index] is not the tx's input `index`.
    error InputPositionMismatch(uint256 index, uint256 utxoPos);
    /// @notice Per token, the outputs must not exceed the inputs.
    error OutputsExceedInputs(address token, uint256 inputs, uint256 outputs);
    error InFlightExitAlreadyStarted(uint160 exitId);
    /// @notice The tx's inputs leave through its (non-canonical) in-flight exit `exitId`
    /// (processing has started and pays a piggybacked input): its outputs cannot exit too.
    error InputsExitedInFlight(uint160 exitId);
    error InFlightExitNotFound(uint160 exitId);
    /// @notice The first half of the exit period (piggybacks, canonicity challenges) ended at
    /// `deadline`.
    error PiggybackPeriodOver(uint160 exitId, uint256 deadline);
    error PiggybackPeriodNotOver(uint160 exitId, uint256 deadline);
    error IndexOutOfRange(uint256 index, uint256 count);
    error AlreadyPiggybacked(uint160 exitId, uint256 leg);
    error NotPiggybacked(uint160 exitId, uint256 leg);
    error InFlightExitHasPiggybacks(uint160 exitId);
    /// @notice A canonicity challenge stands: deletion waits until `exitableAt`, so the starter
    /// has as long to answer as processing would leave.
    error ChallengeAnswerPeriodNotOver(uint160 exitId, uint256 exitableAt);
    /// @notice Processing has started: canonicity is final, and the exit cannot be deleted.
    error InFlightExitProcessing(uint160 exitId);
    /// @notice The competing / spending tx is the in-flight tx itself.
    error SameTx();
    /// @notice The competing tx's input differs from the in-flight tx's input.
    error InputNotShared(bytes32 competingInput, bytes32 inFlightInput);
    /// @notice A new competitor must be older than the one already shown.
    error CompetitorNotOlder(uint256 competitorPos, uint256 currentPos);
    error NotChallenged(uint160 exitId);
    /// @notice The response's position must be before the competitor's and after the inputs.
    error ResponseNotEarlier(uint256 txPos, uint256 competitorPos);
    error ResponseBeforeInputs(uint256 txPos, uint256 youngestInputTxPos);

    /// @notice The in-flight exit id of a tx: the low 160 bits of keccak256(unsigned tx),
    /// bit 159 set (output exit ids have it clear: the two spaces are disjoint).
    function inFlightExitId(bytes memory txBytes) public pure returns (uint160) {
        return uint160(uint256(keccak256(txBytes))) | IN_FLIGHT_FLAG;
    }

    /// @notice The bond `startInFlightExit` takes now: exitBond × IN_FLIGHT_BOND_GAS / EXIT_BOND_GAS.
    function inFlightExitBond() public view returns (uint256) {
        return exitBond() * IN_FLIGHT_BOND_GAS / EXIT_BOND_GAS;
    }

    /// @notice The bond `challengeInFlightExitNotCanonical` takes now:
    /// exitBond × CHALLENGE_BOND_GAS / EXIT_BOND_GAS.
    function canonicityChallengeBond() public view returns (uint256) {
        return exitBond() * CHALLENGE_BOND_GAS / EXIT_BOND_GAS;
    }

    /// @notice The bond a piggyback takes now: exitBond × PIGGYBACK_BOND_GAS / EXIT_BOND_GAS.
    function piggybackBond() public view returns (uint256) {
        return exitBond() * PIGGYBACK_BOND_GAS / EXIT_BOND_GAS;
    }

    /// @notice Arguments of `startInFlightExit`.
    /// @param inFlightTx the unsigned in-flight tx (≥ 1 input; per token Σ outputs ≤ Σ inputs)
    /// @param inputTxs the unsigned txs that created its inputs, in input order
    /// @param inputUtxosPos the inputs' positions (must equal the tx's inputs)
    /// @param inputTxsInclusionProofs the 512-byte inclusion proof of each input tx
    /// @param inFlightTxSigs one signature of inFlightTx's EIP-712 digest per input, by the
    ///        owner of that input
    struct StartInFlightExitArgs {
        bytes inFlightTx;
        bytes[] inputTxs;
        uint256[] inputUtxosPos;
        bytes[] inputTxsInclusionProofs;
        bytes[] inFlightTxSigs;
    }

    /// @dev A standard exit of an output (or a batch entry's answer) proves its tx included at `txPos`. If the tx has an
    /// in-flight exit: refuse if that exit pays an input (F_INPUTS_PAID, decided at its first
    /// processing pass over every token: the tx's value leaves through its inputs); before
    /// processing, count the inclusion as a response to canonicity challenges (exactly as
    /// `respondToNonCanonicalChallenge`: it wins against competitors included later or never,
    /// and a later challenge needs one included before it). Returns the challenge bond the
    /// exiter earns by answering a standing challenge: half of it paid to the exiter, half
    /// burnt (`_payAnswer`), last.
    function _noteIncluded(bytes memory txb, uint256 utxoPos) internal {
        uint256 txPos = UtxoPos.txPos(utxoPos);
        uint160 id = inFlightExitId(txb);
        InFlightExit storage e = _ifes[id];
        Header storage h = e.h;
        uint8 flags = h.flags;
        if (h.startedAt == 0) return;
        if (flags & F_INPUTS_PAID != 0) revert InputsExitedInFlight(id);
        if (flags & F_PROCESSING != 0) return;
        uint256 cp = h.competitorPos;
        if ((cp != 0 && txPos >= cp) || txPos <= h.youngestTxPos) return;
        h.competitorPos = uint64(txPos);
        if (flags & F_NON_CANONICAL != 0) {
            h.flags = flags & ~F_NON_CANONICAL;
            uint256 reward = e.challenge >> 160;
            e.challenge = 0;
            emit InFlightExitChallengeResponded(id, msg.sender, txPos);
            _payAnswer(reward);
        }
    }

    // ================================================================ batch exits (mass exit)

    /// @notice Gas the per-entry bond of a batch exit is sized for: twice its worst-case
    /// challenge, `challengeBatchEntryInvalid` of an entry in a full batch (10-hash branch)
    /// with a 4-in/4-out tx (175,792 gas with the first burn on a chain, test/BatchGas.t.sol),
    /// rounded up, because a cancelled entry's canceller gets only half its bond (the other
    /// half is burnt). With the default exit bond: 0.071 ETH.
    uint256 public constant BATCH_ENTRY_BOND_GAS = 355_000;
    /// @dev Batch ids: bits 159 and 158 set, bits 32..157 clear, a counter below. In-flight
    /// ids have bit 159 set and 159 hash bits below it, so one matching this prefix takes ~2^126
    /// hashing; output exit ids have bit 159 clear.
    uint160 internal constant BATCH_ID_PREFIX = uint160(3) << 158;

    /// @dev A batch exit, three words. `processed` entries (in list order) are settled;
    /// `cancelled` counts the challenged entries among the others.
    struct Batch {
        address starter;
        uint32 exitableAt;
        uint16 count;
        uint16 processed;
        uint16 cancelled;
        bytes32 root;
        address token;
        uint96 entryBond;
    }

    /// @notice An entry of a batch exit as a challenge names it: its index in the list, the
    /// entry with its owner, and the Merkle branch to the batch's root (lib/BatchEntries.sol).
    struct EntryProof {
        uint256 index;
        BatchEntries.Entry entry;
        bytes32[] branch;
    }

    mapping(uint160 => Batch) internal _batches;
    /// @dev Challenged entries: batch id → bitmap word (index / 256) → bits.
    mapping(uint160 => mapping(uint256 => uint256)) internal _cancelledEntries;
    /// @dev Who may start batch exits naming an owner (besides the owner): set by the owner.
    mapping(address => address) internal _batchExitAgents;
    /// @dev Batch exits started so far (the low bits of the next batch id).
    uint32 internal _batchCount;
    /// @dev Entries with an unanswered proof request: batch id → bitmap word → bits.
    mapping(uint160 => mapping(uint256 => uint256)) internal _proofRequests;
    /// @dev Who asked for an entry's proof: (batch id << 16 | index) → requester.
    mapping(uint256 => address) internal _proofRequesters;
    /// @dev Entries shown included (`answerBatchEntryProof`): batch id → bitmap word → bits.
    mapping(uint160 => mapping(uint256 => uint256)) internal _provenEntries;

    /// @notice A batch exit of `count` entries, committed to by `root`; `entries` is the packed
    /// list (lib/BatchEntries.sol), published here so anyone can challenge or process it.
    event BatchExitStarted(
        uint160 indexed exitId,
        address indexed starter,
        address indexed token,
        uint256 count,
        uint256 exitableAt,
        bytes32 root,
        bytes entries
    );
    /// @notice Entry `index` of batch `exitId` was challenged: it is never paid; half its bond
    /// went to `challenger` (or to a pending proof request's requester), half was burnt.
    event BatchEntryChallenged(uint160 indexed exitId, uint256 index, address indexed challenger);
    /// @notice Entries [from, to) of batch `exitId` were settled: `paid` of them paid out
    /// (`amount` in all), the others were challenged or their output had another exit.
    event BatchExitProcessed(
        uint160 indexed exitId, uint256 from, uint256 to, uint256 paid, uint256 amount
    );
    event BatchExitAgentSet(address indexed owner, address indexed agent);
    /// @notice `requester` asked for entry `index`'s tx and inclusion proof; unanswered by
    /// processing, the entry is cancelled and `requester` is credited its bond and half the
    /// entry's.
    event BatchEntryProofRequested(
        uint160 indexed exitId, uint256 index, address indexed requester
    );
    /// @notice `responder` showed entry `index`'s tx included (taking the bond of a pending
    /// request, if any).
    event BatchEntryProofAnswered(uint160 indexed exitId, uint256 index, address indexed responder);

    error BatchNotFound(uint160 exitId);
    /// @notice `owner` has not made the caller its batch-exit agent.
    error NotBatchAgent(address owner, address caller);
    /// @notice A batch is processed only at the head of its token's queue (priority order).
    error BatchExitNotAtHead(uint160 exitId, uint256 head);
    error BatchExitNotMature(uint160 exitId, uint256 exitableAt);
    error BatchDataMismatch(uint160 exitId);
    /// @notice Entry `index` is already settled (processed) or challenged.
    error EntrySettled(uint160 exitId, uint256 index);
    /// @notice The entry matches the chain: the challenge shows nothing wrong.
    error EntryValid(uint160 exitId, uint256 index);
    /// @notice Entry `index`'s proof was already asked for and is not answered yet.
    error ProofAlreadyRequested(uint160 exitId, uint256 index);
    /// @notice The tx shown is not at the entry's position or lacks its output.
    error EntryNotShown(uint160 exitId, uint256 index);
    /// @notice Proofs are asked for until MEP/2 before the batch matures (`deadline`), so an
    /// answer has at least MEP/2.
    error ProofRequestTooLate(uint160 exitId, uint256 deadline);

    /// @notice The bond per entry `startBatchExit` takes now:
    /// exitBond × BATCH_ENTRY_BOND_GAS / EXIT_BOND_GAS.
    function batchEntryBond() public view returns (uint256) {
        return exitBond() * BATCH_ENTRY_BOND_GAS / EXIT_BOND_GAS;
    }

    /// @dev Whether an exit id (a queue entry) is a batch exit's.
    function _isBatchId(uint160 id) internal pure returns (bool) {
        return id >> 32 == BATCH_ID_PREFIX >> 32;
    }

    /// @dev An answered canonicity challenge's bond `cbond`: half (rounded up) to the responder
    /// (msg.sender), the rest burnt (sent to address(0)). A false challenger who front-runs the
    /// answer herself, under any address, still loses the burnt half; no party of the exit
    /// (the starter may be the challenger) gets it.
    function _payAnswer(uint256 cbond) internal {
        uint256 burnt = cbond / 2;
        _refund(msg.sender, cbond - burnt);
        _refund(address(0), burnt);
    }

    /// @dev Sends `value` wei with the payout stipend; credited through the EthVault if the
    /// recipient refuses it.
    function _refund(address to, uint256 value) internal {
        if (value == 0) return;
        uint256 stipend = PAYOUT_GAS;
        bool ok;
        assembly ("memory-safe") {
            ok := call(stipend, to, value, 0, 0, 0, 0)
        }
        if (!ok) ethVault.withdraw{value: value}(to, 0);
    }
}
