// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NotOperator} from "../common/ChildBlocks.sol";
import {PaymentExitBase} from "./PaymentExitBase.sol";
import {PriorityQueue} from "../utils/PriorityQueue.sol";
import {PlasmaFramework} from "../PlasmaFramework.sol";
import {EthVault} from "../vaults/EthVault.sol";
import {Erc20Vault} from "../vaults/Erc20Vault.sol";
import {PaymentTransaction} from "../lib/PaymentTransaction.sol";
import {ChainOutput} from "../lib/ChainOutput.sol";
import {PaymentEip712} from "../lib/PaymentEip712.sol";
import {Merkle} from "../lib/Merkle.sol";
import {Signature} from "../lib/Signature.sol";
import {UtxoPos} from "../lib/UtxoPos.sol";
import {BatchEntries} from "../lib/BatchEntries.sol";

/// @title PaymentBatchExitModule
/// @notice Batch exits, the mass exit's cheap start (docs/exit-games.md, "Batch exits"): up to
/// 1,024 outputs of one token start exiting in one call that only hashes their packed list
/// (lib/BatchEntries.sol) and stores its root; nothing of an entry is verified unless someone
/// challenges it (with the spend, or with the tx at its position). A challenge cancels that
/// entry alone and takes its bond. The batch sits in the token's queue with the priority of
/// its youngest entry and is processed at the head of the queue, with its list given again,
/// in one or more calls; each entry is paid only if its output has no other exit record, and
/// is then marked exited like any output (so it never leaves twice, by any exit).
///
/// Like PaymentInFlightExitModule it holds no state of its own: `PaymentExitGame` runs it with
/// DELEGATECALL on the game's storage. It is deployed on its own (the game's init code has no
/// room for it) and handed to the game's constructor, which checks its configuration.
contract PaymentBatchExitModule is PaymentExitBase {
    using PriorityQueue for PriorityQueue.Queue;

    address private immutable _self;

    error NotDelegated();
    // Errors shared with PaymentExitGame (same selectors).
    error WrongBond(uint256 sent, uint256 required);
    /// @notice Block `blknum` does not exist (never submitted, or in the future).
    error BlockNotFound(uint256 blknum);
    error InvalidInclusionProof(uint256 utxoPos);
    error ExitableAtTooLarge(uint256 exitableAt);
    error NotASpend(uint256 utxoPos);
    error SignerNotOwner(address signer, address owner);
    /// @notice The decoder ran out of gas (no revert reason): retry with more gas.
    error DecodeOutOfGas();

    constructor(
        PlasmaFramework framework_,
        EthVault ethVault_,
        Erc20Vault erc20Vault_,
        uint256 exitBond_
    ) PaymentExitBase(framework_, ethVault_, erc20Vault_, exitBond_) {
        _self = address(this);
    }

    function _checkBondUpdater() internal view override {
        if (msg.sender != framework.operator()) revert NotOperator(msg.sender);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    /// @notice Lets `agent` start batch exits naming the caller's outputs (address(0): nobody
    /// but the caller). A watcher that exits for its users needs this from each of them.
    function setBatchExitAgent(address agent) external onlyDelegated nonReentrant {
        _batchExitAgents[msg.sender] = agent;
        emit BatchExitAgentSet(msg.sender, agent);
    }

    /// @notice The agent `owner` chose (`setBatchExitAgent`), address(0) if none.
    function batchExitAgent(address owner) external view returns (address) {
        return _batchExitAgents[owner];
    }

    /// @notice Batch exits started so far; batch n has id BATCH_ID_PREFIX | n.
    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    /// @notice Batch exit `exitId` (all zero if none): `processed` entries are settled, of the
    /// others `cancelled` were challenged; finished once processed == count.
    function batchExit(uint160 exitId) external view returns (Batch memory) {
        return _batches[exitId];
    }

    /// @notice Whether entry `index` of batch `exitId` was challenged.
    function isBatchEntryCancelled(uint160 exitId, uint256 index) external view returns (bool) {
        return _isCancelled(exitId, index);
    }

    /// @notice Who asked for entry `index`'s proof and awaits an answer (address(0): nobody).
    function batchEntryProofRequester(uint160 exitId, uint256 index)
        external
        view
        returns (address)
    {
        return _proofRequesters[_requestKey(exitId, index)];
    }

    /// @notice Starts a batch exit of `token` outputs. `entries` is the packed list of
    /// lib/BatchEntries.sol; each group's owner must be the caller or have made it its agent.
    /// Takes `batchEntryBond()` per entry. Priority: the youngest entry's, with exitableAt =
    /// max(its block's time + 2·MEP, now + MEP) (no deposit boost, as in flight).
    function startBatchExit(address token, bytes calldata entries, uint256 queueHint)
        external
        payable
        onlyDelegated
        nonReentrant
    {
        (bytes32 root, uint256 count, uint256 youngest, address[] memory owners) =
            BatchEntries.commit(entries);
        _checkAgents(owners);
        (uint160 id, uint256 exitableAt) = _openBatch(token, root, count, youngest, queueHint);
        emit BatchExitStarted(id, msg.sender, token, count, exitableAt, root, entries);
    }

    /// @dev Takes the bonds, stores the batch and queues it with its youngest entry's priority.
    function _openBatch(
        address token,
        bytes32 root,
        uint256 count,
        uint256 youngest,
        uint256 queueHint
    ) private returns (uint160 id, uint256 exitableAt) {
        uint256 bond = batchEntryBond();
        if (msg.value != bond * count) revert WrongBond(msg.value, bond * count);
        exitableAt = _batchExitableAt(youngest);
        id = BATCH_ID_PREFIX | ++_batchCount;
        _batches[id] =
            Batch(msg.sender, uint32(exitableAt), uint16(count), 0, 0, root, token, uint96(bond));
        _queues[token].insert(_priorityKey(exitableAt, UtxoPos.txPos(youngest), id), queueHint);
    }

    /// @dev Every owner named must be the caller or have made it its agent.
    function _checkAgents(address[] memory owners) private view {
        for (uint256 i; i < owners.length; ++i) {
            address owner = owners[i];
            if (owner != msg.sender && _batchExitAgents[owner] != msg.sender) {
                revert NotBatchAgent(owner, msg.sender);
            }
        }
    }

    /// @dev exitableAt of a batch whose youngest entry is at `youngest`: from its block's time,
    /// never with the deposit boost.
    function _batchExitableAt(uint256 youngest) private view returns (uint256 exitableAt) {
        uint256 blknum = UtxoPos.blknum(youngest);
        uint256 word = framework.blockWord(blknum);
        if (word == 0) revert BlockNotFound(blknum);
        exitableAt = _exitableAt(false, word & 0xffffffff, minExitPeriod);
        if (exitableAt > type(uint32).max) revert ExitableAtTooLarge(exitableAt);
    }

    /// @notice Cancels entry `p.index` of batch `id`: a tx spending its utxoPos, signed by the
    /// entry's owner. Half the entry's bond goes to the caller, half is burnt.
    function challengeBatchEntrySpent(
        uint160 id,
        EntryProof calldata p,
        bytes calldata spendingTx,
        bytes calldata signature
    ) external onlyDelegated nonReentrant {
        Batch storage b = _unsettledEntry(id, p);
        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(spendingTx);
        uint256 utxoPos = p.entry.utxoPos;
        bool spends;
        for (uint256 i; i < t.inputs.length; ++i) {
            if (uint256(t.inputs[i]) == utxoPos) spends = true;
        }
        if (!spends) revert NotASpend(utxoPos);
        address signer = Signature.recover(PaymentEip712.digest(t, _domainSeparator), signature);
        if (signer != p.entry.owner) revert SignerNotOwner(signer, p.entry.owner);
        _cancel(b, id, p.index);
    }

    /// @notice Cancels entry `p.index` of batch `id` by showing what the chain holds at its
    /// position: `txBytes` with its inclusion proof (32 zero bytes prove an empty leaf), or
    /// nothing when the block does not exist or the tx index is beyond any block. The entry is
    /// cancelled unless that tx has the entry's output (owner, token, amount, exit id) and the
    /// tx's value did not leave through its inputs in flight.
    function challengeBatchEntryInvalid(
        uint160 id,
        EntryProof calldata p,
        bytes calldata txBytes,
        bytes calldata inclusionProof
    ) external onlyDelegated nonReentrant {
        Batch storage b = _unsettledEntry(id, p);
        if (_shownByChain(p.entry, b.token, txBytes, inclusionProof)) {
            revert EntryValid(id, p.index);
        }
        _cancel(b, id, p.index);
    }

    /// @notice Asks for the proof of entry `p.index` of batch `id` (an entry nobody can show
    /// wrong because the data of its block is withheld): takes a bond equal to the entry's.
    /// Anyone may answer (`answerBatchEntryProof`) and take this bond; unanswered when the
    /// entry is processed, the entry is cancelled and the caller is credited this bond and half
    /// the entry's (the other half pays the processor's bounty, the rest is burnt). Allowed
    /// until MEP/2 before the batch matures.
    function requestBatchEntryProof(uint160 id, EntryProof calldata p)
        external
        payable
        onlyDelegated
        nonReentrant
    {
        Batch storage b = _unsettledEntry(id, p);
        uint256 deadline = uint256(b.exitableAt) - minExitPeriod / 2;
        if (block.timestamp > deadline) revert ProofRequestTooLate(id, deadline);
        if (msg.value != b.entryBond) revert WrongBond(msg.value, b.entryBond);
        uint256 index = p.index;
        if (_isRequested(id, index)) revert ProofAlreadyRequested(id, index);
        _proofRequests[id][index >> 8] |= 1 << (index & 255);
        _proofRequesters[_requestKey(id, index)] = msg.sender;
        emit BatchEntryProofRequested(id, index, msg.sender);
    }

    /// @notice Shows entry `p.index` of batch `id` right: the tx at its position and its
    /// inclusion proof, which must have the entry's output. Answers a pending proof request
    /// (its bond goes to the caller), and proves the tx included, as a standard exit does: it
    /// answers a canonicity challenge of the tx's in-flight exit (`_noteIncluded`), and a
    /// proven entry is paid even while that exit is live, unless a challenge stands again.
    function answerBatchEntryProof(
        uint160 id,
        EntryProof calldata p,
        bytes calldata txBytes,
        bytes calldata inclusionProof
    ) external onlyDelegated nonReentrant {
        Batch storage b = _unsettledEntry(id, p);
        if (!_shownByChain(p.entry, b.token, txBytes, inclusionProof)) {
            revert EntryNotShown(id, p.index);
        }
        uint256 index = p.index;
        _provenEntries[id][index >> 8] |= 1 << (index & 255);
        address requester = _takeRequest(id, index);
        emit BatchEntryProofAnswered(id, index, msg.sender);
        _refund(msg.sender, requester == address(0) ? 0 : b.entryBond);
        uint256 pos = p.entry.utxoPos;
        if (!isDepositBlock(UtxoPos.blknum(pos))) _noteIncluded(txBytes, pos);
    }

    /// @dev Whether `txBytes`, proven by `inclusionProof` to be what the chain holds at entry
    /// `e`'s position, has exactly its output (`_matches`). False when the position is in no
    /// block (the block does not exist, or the tx index is ≥ 65,536); a proof that does not
    /// lead to the block's root reverts.
    function _shownByChain(
        BatchEntries.Entry calldata e,
        address token,
        bytes calldata txBytes,
        bytes calldata inclusionProof
    ) private view returns (bool) {
        uint256 utxoPos = e.utxoPos;
        uint256 word = framework.blockWord(UtxoPos.blknum(utxoPos));
        uint256 txIndex = UtxoPos.txIndex(utxoPos);
        if (word == 0 || txIndex >= Merkle.MAX_LEAVES) return false;
        bytes memory txb = txBytes;
        bytes32 root = Merkle.computeRoot(Merkle.leafHash(txb), txIndex, inclusionProof);
        if ((uint256(root) ^ word) >> 32 != 0) revert InvalidInclusionProof(utxoPos);
        return _matches(e, token, txb, utxoPos);
    }

    /// @dev Whether `txb` at `utxoPos` has exactly entry `e`'s output, still exitable.
    function _matches(BatchEntries.Entry calldata e, address token, bytes memory txb, uint256 pos)
        private
        view
        returns (bool)
    {
        try PaymentBatchExitModule(_self).outputOf(txb, pos) returns (
            address owner, address tkn, uint256 amount
        ) {
            if (owner != e.owner || tkn != token || amount != e.amount) return false;
        } catch (bytes memory reason) {
            // A decoder's revert always has a reason; none means it ran out of gas, which
            // the caller chose, and must not cancel a valid entry.
            if (reason.length == 0) revert DecodeOutOfGas();
            return false;
        }
        if (exitIdOf(outputId(txb, pos)) != e.exitId) return false;
        if (inFlightExitId(txb) != e.inFlightId) return false;
        if (isDepositBlock(UtxoPos.blknum(pos))) return true;
        return _ifes[inFlightExitId(txb)].h.flags & F_INPUTS_PAID == 0;
    }

    /// @notice Output `utxoPos` of `txBytes` (a payment or fee claim); reverts when the tx does
    /// not decode or has no such output. Called on the module itself, by `_matches`.
    function outputOf(bytes memory txBytes, uint256 utxoPos)
        external
        pure
        returns (address owner, address token, uint256 amount)
    {
        (PaymentTransaction.Output memory o, uint256 count) = ChainOutput.outputAt(txBytes, utxoPos);
        uint256 oindex = UtxoPos.outputIndex(utxoPos);
        if (oindex >= count) revert IndexOutOfRange(oindex, count);
        return (o.owner, o.token, o.amount);
    }

    /// @dev The batch of a challenged entry, after checking that the entry is in it and not
    /// settled (processed or already cancelled).
    function _unsettledEntry(uint160 id, EntryProof calldata p)
        private
        view
        returns (Batch storage b)
    {
        b = _batches[id];
        uint256 count = b.count;
        if (count == 0) revert BatchNotFound(id);
        uint256 index = p.index;
        if (index < b.processed || _isCancelled(id, index)) revert EntrySettled(id, index);
        BatchEntries.verify(p.entry, index, p.branch, b.root, count);
    }

    function _isCancelled(uint160 id, uint256 index) private view returns (bool) {
        return _cancelledEntries[id][index >> 8] & (1 << (index & 255)) != 0;
    }

    function _isRequested(uint160 id, uint256 index) private view returns (bool) {
        return _proofRequests[id][index >> 8] & (1 << (index & 255)) != 0;
    }

    function _requestKey(uint160 id, uint256 index) private pure returns (uint256) {
        return uint256(id) << 16 | index;
    }

    /// @dev Clears entry `index`'s proof request; returns its requester (address(0): none).
    function _takeRequest(uint160 id, uint256 index) private returns (address requester) {
        if (!_isRequested(id, index)) return address(0);
        _proofRequests[id][index >> 8] &= ~(1 << (index & 255));
        uint256 key = _requestKey(id, index);
        requester = _proofRequesters[key];
        delete _proofRequesters[key];
    }

    /// @dev Marks the entry cancelled; half of its bond is burnt (`_cancelledShare`), the
    /// other half goes to the challenger or, if its proof was asked for first, to the
    /// requester with its own bond back (an entry cancelled while its proof is pending was
    /// unbacked: its starter cannot dodge the request by challenging it himself).
    function _cancel(Batch storage b, uint160 id, uint256 index) private {
        _cancelledEntries[id][index >> 8] |= 1 << (index & 255);
        b.cancelled += 1;
        emit BatchEntryChallenged(id, index, msg.sender);
        address requester = _takeRequest(id, index);
        uint256 share = _cancelledShare(b.entryBond);
        if (requester == address(0)) _refund(msg.sender, share);
        else _refund(requester, b.entryBond + share);
    }

    /// @dev Burns half (rounded down) of a cancelled entry's bond `bond` and returns the rest,
    /// the canceller's share. The starter may cancel his own fake entry (a self-challenge, or
    /// a self-request left unanswered) before anyone else can; the burnt half makes that cost
    /// him, so a fake entry is never a free option. BATCH_ENTRY_BOND_GAS is sized so the
    /// share still pays the worst-case challenge.
    function _cancelledShare(uint256 bond) private returns (uint256 share) {
        uint256 burnt = bond / 2;
        _refund(address(0), burnt);
        return bond - burnt;
    }

    function _isProven(uint160 id, uint256 index) private view returns (bool) {
        return _provenEntries[id][index >> 8] & (1 << (index & 255)) != 0;
    }

    /// @notice Settles up to `maxEntries` more entries of batch `id`, which must be at the head
    /// of its token's queue and mature; `entries` is its list (from `BatchExitStarted`). An
    /// entry with an unanswered proof request is cancelled: its requester is credited its own
    /// bond and half the entry's (`bondCredits`), the other half pays the processing bounty
    /// and the rest is burnt. Any other entry not cancelled is paid if its output has no exit
    /// record (no live standard exit, no piggyback, not exited), its exit id is an output's
    /// and its tx's in-flight exit cannot pay the tx's inputs instead (`_clearOfInFlight`);
    /// its output is then marked exited.
    /// Each owner's entries are paid in one transfer. A quarter of each settled entry's bond
    /// goes to the caller, the rest to the starter. The last call pops the batch off the queue.
    function processBatchExit(uint160 id, bytes calldata entries, uint256 maxEntries)
        external
        onlyDelegated
        nonReentrant
    {
        Batch memory b = _batches[id];
        if (b.count == 0 || b.processed == b.count) revert BatchNotFound(id);
        uint256 head = _queues[b.token].head;
        if (uint160(head) != id) revert BatchExitNotAtHead(id, head);
        if (b.exitableAt > block.timestamp) revert BatchExitNotMature(id, b.exitableAt);
        (bytes32 root, uint256 count,,) = BatchEntries.commit(entries);
        if (root != b.root || count != b.count) revert BatchDataMismatch(id);

        Settlement memory s;
        s.bond = b.entryBond;
        s.exitableAt = b.exitableAt;
        s.from = b.processed;
        s.to = count - s.from > maxEntries ? s.from + maxEntries : count;
        _settle(id, b.token, entries, s);
        b.processed = uint16(s.to);
        b.cancelled -= uint16(s.cancelled);
        _batches[id] = b;
        if (s.to == count) _queues[b.token].popMin();
        emit BatchExitProcessed(id, s.from, s.to, s.paid, s.total);
        uint256 settled = s.to - s.from - s.cancelled - s.unanswered;
        uint256 bounty = processBounty(b.entryBond);
        _refund(b.starter, (b.entryBond - bounty) * settled);
        // An unanswered entry is cancelled: half its bond is burnt (`_cancelledShare`), less
        // the bounty, so that a lone request still pays its requester's gas.
        _refund(msg.sender, bounty * (settled + s.unanswered));
        _refund(address(0), (b.entryBond / 2 - bounty) * s.unanswered);
    }

    /// @dev One processing call: entries [from, to) and what became of them.
    struct Settlement {
        uint256 from;
        uint256 to;
        uint256 paid;
        uint256 total;
        uint256 cancelled;
        uint256 unanswered;
        uint256 bond;
        uint256 exitableAt;
    }

    /// @dev Pays entries [s.from, s.to) of the list, one transfer per owner group.
    function _settle(uint160 id, address token, bytes calldata entries, Settlement memory s)
        private
    {
        uint256 index;
        uint256 p;
        while (index < s.to) {
            (address owner, uint256 n, uint256 first) = BatchEntries.group(entries, p);
            p = first + n * BatchEntries.ENTRY;
            if (index + n <= s.from) {
                index += n;
                continue;
            }
            uint256 sum;
            (sum, index) = _settleGroup(id, entries, first, index, index + n, s);
            if (sum == 0) continue;
            s.total += sum;
            if (token == address(0)) ethVault.withdraw(owner, sum);
            else erc20Vault.withdraw(owner, token, sum);
        }
    }

    /// @dev Settles the entries of one group (list indexes [index, end), entry bytes from
    /// `offset`) that fall in [s.from, s.to); returns the sum to pay its owner and the next index.
    function _settleGroup(
        uint160 id,
        bytes calldata entries,
        uint256 offset,
        uint256 index,
        uint256 end,
        Settlement memory s
    ) private returns (uint256 sum, uint256 next) {
        for (; index < end && index < s.to; ++index) {
            if (index >= s.from) {
                if (_isCancelled(id, index)) {
                    ++s.cancelled;
                } else if (_isRequested(id, index)) {
                    ++s.unanswered;
                    // Its bond and the entry's share; the bounty comes out of the burnt half.
                    _creditRequester(_takeRequest(id, index), s.bond + s.bond - s.bond / 2);
                } else {
                    (uint160 exitId, uint96 value,, uint160 ife) =
                        BatchEntries.entryAt(entries, offset);
                    Record storage r = _records[exitId];
                    if (
                        exitId & IN_FLIGHT_FLAG == 0 && r.head == 0
                            && _clearOfInFlight(id, index, ife, s.exitableAt)
                    ) {
                        r.head = EXITED;
                        sum += value;
                        ++s.paid;
                    }
                }
            }
            offset += BatchEntries.ENTRY;
        }
        next = index;
    }

    /// @dev Whether entry `index` may be paid despite its tx's in-flight exit `ife`: none
    /// (never started, or deleted); finalized without paying the tx's inputs; started less
    /// than MEP/2 before the batch matured (too late for anyone to prove the entry; the exit's
    /// own period is left to answer a false canonicity challenge, as after a paid standard
    /// exit); or the entry was proven (`answerBatchEntryProof`, an answer to canonicity
    /// challenges) and no challenge stands again. Never once the inputs are paid.
    function _clearOfInFlight(uint160 id, uint256 index, uint160 ife, uint256 exitableAt)
        private
        view
        returns (bool)
    {
        Header storage h = _ifes[ife].h;
        uint256 startedAt = h.startedAt;
        if (startedAt == 0) return true;
        uint8 flags = h.flags;
        if (flags & F_INPUTS_PAID != 0) return false;
        if (flags & F_FINALIZED != 0) return true;
        if (startedAt + minExitPeriod / 2 > exitableAt) return true;
        return flags & F_NON_CANONICAL == 0 && _isProven(id, index);
    }

    /// @dev Credits `value` to a proof requester (pulled with `withdrawBondCredit`): a push in
    /// the processing loop would let a requester that burns its stipend make processing dear.
    function _creditRequester(address requester, uint256 value) private {
        bondCredits[requester] += value;
        emit BondCredited(requester, value);
    }
}
