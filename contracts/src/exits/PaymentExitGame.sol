// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NotOperator} from "../common/ChildBlocks.sol";
import {PaymentExitBase} from "./PaymentExitBase.sol";
import {PaymentInFlightExitModule} from "./PaymentInFlightExitModule.sol";
import {PaymentBatchExitModule} from "./PaymentBatchExitModule.sol";
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

/// @title PaymentExitGame
/// @notice Standard (MVP) exits of the payment chain (SPEC.md §2):
/// - `startStandardExit`: the output's owner shows the tx, its inclusion proof, and posts the
///   bond. The exit id is `uint160(outputId)` (see ExitBookkeeping). exitableAt =
///   max(blockTimestamp + 2·MEP, now + MEP), for a deposit output now + MEP.
/// - `challengeStandardExit`: anyone shows a tx spending the output, signed (EIP-712) by the
///   output's owner; the exit is deleted (the output is free again) and the whole bond paid to
///   the challenger. The call names the challenger (`senderData`), see docs/contracts.md.
/// - `processExits`: pops a token's queue in priority order while exits are mature, pays each
///   output through its vault with the bond minus the bounty, marks the output exited forever,
///   and pays the bounties to the caller. Challenged and stale entries are dropped. At most
///   `maxExits` entries per call.
///
/// And MoreVP in-flight exits (code in PaymentInFlightExitModule, run here with DELEGATECALL;
/// rules and timeline in docs/exit-games.md):
/// `startInFlightExit`, `piggybackInFlightExitOnInput` / `…OnOutput`,
/// `challengeInFlightExitNotCanonical` / `respondToNonCanonicalChallenge`,
/// `challengeInFlightExitInputSpent` / `…OutputSpent`, `deleteNonPiggybackedInFlightExit`;
/// processed by `processExits` from the same queues. Both exit types share the per-output
/// record: EXITED once an output left through either game, PIGGYBACKED while an in-flight
/// exit claims it, so an output can never leave twice.
contract PaymentExitGame is PaymentExitBase {
    using PriorityQueue for PriorityQueue.Queue;

    // Errors of standard exits (the in-flight module declares those it shares).
    error WrongBond(uint256 sent, uint256 required);
    /// @notice Block `blknum` does not exist (never submitted, or in the future).
    error BlockNotFound(uint256 blknum);
    error OutputIndexOutOfRange(uint256 oindex, uint256 outputs);
    error NotOutputOwner(address owner, address caller);
    error InvalidInclusionProof(uint256 utxoPos);
    error ExitAlreadyStarted(uint160 exitId);
    /// @notice exitableAt must fit 32 bits (until 2106; a huge minExitPeriod would break it).
    error ExitableAtTooLarge(uint256 exitableAt);
    /// @notice The output has exited already (exits are forever).
    error OutputAlreadyExited(uint160 exitId);
    /// @notice The caller has no bond credit.
    error NothingCredited();
    /// @notice No live exit of this output (never started, challenged, or processed).
    error ExitNotFound(uint160 exitId);
    /// @notice The challenging tx has no input equal to the exiting utxoPos.
    error NotASpend(uint256 utxoPos);
    error SignerNotOwner(address signer, address owner);
    /// @notice `senderData` must be keccak256(abi.encodePacked(msg.sender)).
    error SenderDataMismatch(bytes32 senderData);

    /// @notice The in-flight exit code, created by the constructor and run with DELEGATECALL
    /// on this contract's storage (see PaymentInFlightExitModule).
    address public immutable inFlightExitModule;
    /// @notice The batch exit code (PaymentBatchExitModule), deployed on its own and run with
    /// DELEGATECALL like the in-flight module.
    address public immutable batchExitModule;

    /// @notice The batch module given to the constructor is not configured like this game.
    error BatchModuleMismatch(address module);

    /// @param framework_ the PlasmaFramework (minExitPeriod and EIP-712 domain come from it)
    /// @param ethVault_ the vault of address(0) (ETH) outputs
    /// @param erc20Vault_ the vault of every other token
    /// @param exitBond_ the standard exit bond in wei (see docs/contracts.md for the default);
    ///        the in-flight bonds derive from it (`inFlightExitBond`, `piggybackBond`)
    /// @param batchModule_ a PaymentBatchExitModule built with the same four arguments
    constructor(
        PlasmaFramework framework_,
        EthVault ethVault_,
        Erc20Vault erc20Vault_,
        uint256 exitBond_,
        PaymentBatchExitModule batchModule_
    ) PaymentExitBase(framework_, ethVault_, erc20Vault_, exitBond_) {
        inFlightExitModule =
            address(new PaymentInFlightExitModule(framework_, ethVault_, erc20Vault_, exitBond_));
        if (
            address(batchModule_.framework()) != address(framework_)
                || address(batchModule_.ethVault()) != address(ethVault_)
                || address(batchModule_.erc20Vault()) != address(erc20Vault_)
                || batchModule_.minExitBond() != exitBond_
        ) revert BatchModuleMismatch(address(batchModule_));
        batchExitModule = address(batchModule_);
    }

    // ---------------------------------------------------------------- start

    /// @notice Starts a standard exit of the output at `utxoPos`. Only its owner; `msg.value`
    /// must be the current exit bond.
    /// @param utxoPos the output's position (blknum·10⁹ + txindex·10⁴ + oindex)
    /// @param txBytes the unsigned RLP tx that created the output
    /// @param inclusionProof the 512-byte Merkle proof of the tx at txindex in block blknum
    /// @param queueHint the largest priority key in the token's queue below this exit's key
    ///        (`queueHint(token, key)` in an eth_call; 0 = search from the head). Only gas
    ///        depends on it: a stale or wrong hint makes the insert walk from the head.
    /// @dev Not `nonReentrant`: its external calls are a STATICCALL to the framework and, when
    /// the exit answers a canonicity challenge, the challenge bond paid to the caller last
    /// (50k-gas stipend, every write done); inserting into a queue while `processExits` pays
    /// out is safe (the queue is consistent at every payout, and a new exit matures only after
    /// now + MEP).
    function startStandardExit(
        uint256 utxoPos,
        bytes calldata txBytes,
        bytes calldata inclusionProof,
        uint256 queueHint
    ) external payable {
        bytes memory txb = txBytes;
        (address token, uint256 amount, uint256 blockTime) =
            _verifyOwnedOutput(utxoPos, txb, inclusionProof);
        uint160 exitId = exitIdOf(outputId(txb, utxoPos));
        uint256 exitableAt = _recordExit(exitId, utxoPos, amount, blockTime);
        _queues[token].insert(_priorityKey(exitableAt, UtxoPos.txPos(utxoPos), exitId), queueHint);
        emit ExitStarted(exitId, msg.sender, token, utxoPos, amount, exitableAt);
        // Last: it may pay the exiter a challenge bond (answering a canonicity challenge).
        if (!isDepositBlock(UtxoPos.blknum(utxoPos))) _noteIncluded(txb, utxoPos);
    }

    /// @dev Checks that output `utxoPos` of `txb` (a payment, or a fee claim: `ChainOutput`)
    /// exists (block submitted, tx included at txindex, output index in range) and belongs to
    /// the caller; returns its token, amount and
    /// the block's timestamp.
    function _verifyOwnedOutput(uint256 utxoPos, bytes memory txb, bytes calldata proof)
        private
        view
        returns (address token, uint256 amount, uint256 blockTime)
    {
        uint256 blknum = UtxoPos.blknum(utxoPos);
        uint256 word = framework.blockWord(blknum);
        if (word == 0) revert BlockNotFound(blknum);

        (PaymentTransaction.Output memory o, uint256 count) = ChainOutput.outputAt(txb, utxoPos);
        uint256 oindex = UtxoPos.outputIndex(utxoPos);
        if (oindex >= count) revert OutputIndexOutOfRange(oindex, count);
        if (o.owner != msg.sender) revert NotOutputOwner(o.owner, msg.sender);
        if (o.amount > type(uint160).max) revert AmountTooLarge(o.amount);

        bytes32 root = Merkle.computeRoot(Merkle.leafHash(txb), UtxoPos.txIndex(utxoPos), proof);
        // Compare the high 224 bits (the framework keeps those; see PlasmaFramework).
        if ((uint256(root) ^ word) >> 32 != 0) revert InvalidInclusionProof(utxoPos);
        return (o.token, o.amount, word & 0xffffffff);
    }

    /// @dev Takes the bond and stores the exit; returns its exitableAt.
    function _recordExit(uint160 exitId, uint256 utxoPos, uint256 amount, uint256 blockTime)
        private
        returns (uint256 exitableAt)
    {
        uint256 bond = exitBond();
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        uint256 head = _records[exitId].head;
        if (head == EXITED) revert OutputAlreadyExited(exitId);
        if (head == PIGGYBACKED) revert OutputPiggybacked(exitId);
        if (head != 0) revert ExitAlreadyStarted(exitId);
        uint256 txPos = UtxoPos.txPos(utxoPos);
        if (txPos > MAX_TXPOS) revert PositionTooLarge(utxoPos);

        exitableAt = _exitableAt(isDepositBlock(UtxoPos.blknum(utxoPos)), blockTime, minExitPeriod);
        if (exitableAt > type(uint32).max) revert ExitableAtTooLarge(exitableAt);
        _records[exitId] = Record(
            uint256(uint160(msg.sender)) | (exitableAt << 160) | (bond << 192),
            amount | (utxoPos << 160)
        );
    }

    // ---------------------------------------------------------------- challenge

    /// @notice Challenges the standard exit of output `utxoPos` with a tx that spends it, signed
    /// by the output's owner. Pays the exit's bond to the caller.
    /// @param utxoPos the exiting output's position
    /// @param exitingTx the unsigned tx that created the exiting output
    /// @param challengeTx the unsigned tx that spends it (one of its inputs is utxoPos)
    /// @param signature the owner's 65-byte signature of challengeTx's EIP-712 digest (the
    ///        signature of the spending input)
    /// @param senderData keccak256(abi.encodePacked(msg.sender)): binds the call to its sender
    function challengeStandardExit(
        uint256 utxoPos,
        bytes calldata exitingTx,
        bytes calldata challengeTx,
        bytes calldata signature,
        bytes32 senderData
    ) external nonReentrant {
        if (senderData != keccak256(abi.encodePacked(msg.sender))) {
            revert SenderDataMismatch(senderData);
        }
        uint160 exitId = exitIdOf(outputId(exitingTx, utxoPos));
        Record memory r = _records[exitId];
        // A live exit of exactly this output: exitableAt set and the same position.
        if ((r.head >> 160) & 0xffffffff == 0 || r.body >> 160 != utxoPos) {
            revert ExitNotFound(exitId);
        }
        address owner = address(uint160(r.head));

        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(challengeTx);
        bool spends;
        for (uint256 i; i < t.inputs.length; ++i) {
            if (uint256(t.inputs[i]) == utxoPos) spends = true;
        }
        if (!spends) revert NotASpend(utxoPos);
        address signer = Signature.recover(PaymentEip712.digest(t, _domainSeparator), signature);
        if (signer != owner) revert SignerNotOwner(signer, owner);

        delete _records[exitId];
        emit ExitChallenged(exitId, msg.sender, keccak256(challengeTx));
        uint256 bond = r.head >> 192;
        (bool ok,) = msg.sender.call{value: bond}("");
        if (!ok) revert BondTransferFailed(msg.sender, bond);
    }

    // ---------------------------------------------------------------- process

    /// @notice Processes up to `maxExits` entries of `token`'s queue (address(0) = ETH), in
    /// priority order, stopping at the first exit not yet mature. Each live exit is paid out
    /// (amount, and bond minus bounty, to its owner; a failed payout is credited in the vault)
    /// and its output marked exited forever; the bounties go to the caller.
    /// @return popped the number of queue entries removed (processed, challenged or stale)
    function processExits(address token, uint256 maxExits)
        external
        nonReentrant
        returns (uint256 popped)
    {
        PriorityQueue.Queue storage q = _queues[token];
        uint256 bountyTotal;
        while (popped < maxExits && !q.isEmpty()) {
            uint256 key = q.head;
            uint256 exitableAt = key >> EXITABLE_AT_SHIFT;
            if (exitableAt > block.timestamp) break;
            uint160 exitId = uint160(key);
            // A batch needs its list (processBatchExit), unless every entry left is cancelled.
            if (_isBatchId(exitId) && !_dropCancelledBatch(exitId)) break;
            q.popMin();
            unchecked {
                ++popped;
            }
            if (_isBatchId(exitId)) continue;
            if (exitId & IN_FLIGHT_FLAG != 0) {
                bountyTotal += _processInFlightExit(exitId, token, exitableAt);
                continue;
            }
            Record storage rec = _records[exitId];
            uint256 head = rec.head;
            // Not a live standard exit with this entry's exitableAt: a challenged (deleted) /
            // processed (EXITED) / stale standard exit entry (dropped).
            if ((head >> 160) & 0xffffffff != exitableAt) continue;
            uint256 amount = uint160(rec.body);
            rec.head = EXITED;
            rec.body = 0;
            bountyTotal += _payOut(token, address(uint160(head)), amount, head >> 192);
            emit ExitFinalized(exitId, address(uint160(head)), token, amount);
        }
        emit ExitsProcessed(token, msg.sender, popped, bountyTotal);
        if (bountyTotal != 0) {
            (bool ok,) = msg.sender.call{value: bountyTotal}("");
            if (!ok) revert BondTransferFailed(msg.sender, bountyTotal);
        }
    }

    /// @dev Whether batch `id` has nothing left to pay (every unsettled entry cancelled); if
    /// so it is marked settled, for `processExits` to pop.
    function _dropCancelledBatch(uint160 id) private returns (bool) {
        Batch storage b = _batches[id];
        uint256 processed = b.processed;
        uint256 count = b.count;
        if (b.cancelled != count - processed) return false;
        (b.processed, b.cancelled) = (uint16(count), 0);
        emit BatchExitProcessed(id, processed, count, 0, 0);
        return true;
    }

    /// @notice Withdraws the caller's `bondCredits` (all gas forwarded).
    function withdrawBondCredit() external nonReentrant {
        uint256 amount = bondCredits[msg.sender];
        if (amount == 0) revert NothingCredited();
        bondCredits[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert BondTransferFailed(msg.sender, amount);
    }

    // ---------------------------------------------------------------- views

    /// @notice The standard exit `exitId`; all zero if none is live.
    function standardExit(uint160 exitId)
        external
        view
        returns (address owner, uint256 exitableAt, uint256 bond, uint256 amount, uint256 utxoPos)
    {
        Record memory r = _records[exitId];
        if (r.head <= PIGGYBACKED) return (address(0), 0, 0, 0, 0);
        return (
            address(uint160(r.head)),
            (r.head >> 160) & 0xffffffff,
            r.head >> 192,
            uint160(r.body),
            r.body >> 160
        );
    }

    /// @notice Whether the output has exited (processed; forever).
    function isOutputExited(bytes32 outputId_) external view returns (bool) {
        return _records[exitIdOf(outputId_)].head == EXITED;
    }

    function _checkBondUpdater() internal view override {
        if (msg.sender != framework.operator()) revert NotOperator(msg.sender);
    }

    /// @notice The EIP-712 domain separator challenges are checked against (the framework's).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator;
    }

    // ---------------------------------------------------------------- in-flight exits
    // Each runs PaymentInFlightExitModule's function of the same signature on this contract's
    // storage (DELEGATECALL with the same calldata); the NatSpec there is the reference. The
    // parameters are named for the ABI only (the module decodes the calldata).

    /// @notice Starts an in-flight exit (see PaymentInFlightExitModule.startInFlightExit).
    function startInFlightExit(StartInFlightExitArgs calldata args) external payable nonReentrant {
        args;
        _delegate();
    }

    /// @notice Piggybacks an input (see PaymentInFlightExitModule).
    function piggybackInFlightExitOnInput(
        bytes calldata inFlightTx,
        uint256 inputIndex,
        uint256 queueHint
    ) external payable nonReentrant {
        (inFlightTx, inputIndex, queueHint);
        _delegate();
    }

    /// @notice Piggybacks an output (see PaymentInFlightExitModule).
    function piggybackInFlightExitOnOutput(
        bytes calldata inFlightTx,
        uint256 outputIndex,
        uint256 queueHint
    ) external payable nonReentrant {
        (inFlightTx, outputIndex, queueHint);
        _delegate();
    }

    /// @notice Challenges canonicity with a competing tx (see PaymentInFlightExitModule).
    function challengeInFlightExitNotCanonical(CanonicityChallenge calldata challenge)
        external
        payable
        nonReentrant
    {
        challenge;
        _delegate();
    }

    /// @notice Responds to a canonicity challenge (see PaymentInFlightExitModule).
    function respondToNonCanonicalChallenge(
        bytes calldata inFlightTx,
        uint256 txPos,
        bytes calldata inclusionProof
    ) external nonReentrant {
        (inFlightTx, txPos, inclusionProof);
        _delegate();
    }

    /// @notice Challenges a piggybacked input as spent (see PaymentInFlightExitModule).
    function challengeInFlightExitInputSpent(
        bytes calldata inFlightTx,
        uint256 inputIndex,
        bytes calldata spendingTx,
        uint256 spendingTxInputIndex,
        bytes calldata spendingTxSig
    ) external nonReentrant {
        (inFlightTx, inputIndex, spendingTx, spendingTxInputIndex, spendingTxSig);
        _delegate();
    }

    /// @notice Challenges a piggybacked output as spent (see PaymentInFlightExitModule).
    function challengeInFlightExitOutputSpent(OutputSpentChallenge calldata challenge)
        external
        nonReentrant
    {
        challenge;
        _delegate();
    }

    // ---------------------------------------------------------------- batch exits

    /// @notice Every other selector runs PaymentBatchExitModule (DELEGATECALL, same calldata,
    /// its return data returned): `startBatchExit`, `challengeBatchEntrySpent`,
    /// `challengeBatchEntryInvalid`, `processBatchExit`, `setBatchExitAgent` and the batch
    /// views. Call them with the module's ABI at this contract's address. The module guards
    /// its own functions against reentrancy (same transient lock).
    fallback() external payable {
        address m = batchExitModule;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), m, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
    }

    /// @dev Runs the in-flight module's function of this call's selector.
    function _delegate() private {
        _delegateTo(inFlightExitModule);
    }

    /// @dev Runs module `m`'s function of this call's selector; returns or reverts as it does.
    function _delegateTo(address m) private {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), m, ptr, calldatasize(), 0, 0)
            if iszero(ok) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @notice Deletes an in-flight exit that has no piggyback once the piggyback period is
    /// over; its bond goes back to the starter, or, if a canonicity challenge stands, to that
    /// challenger with its challenge bond — then only from the exit's exitableAt
    /// (`ChallengeAnswerPeriodNotOver`), so the starter has as long to answer as processing
    /// would leave. The tx may then be exited in flight again. Not once processing
    /// has started (`InFlightExitProcessing`): a half-processed exit whose last piggybacks were
    /// removed by spent challenges finalizes on its remaining queue entry, and keeps its record
    /// (F_INPUTS_PAID bars the tx's outputs forever).
    function deleteNonPiggybackedInFlightExit(uint160 exitId) external nonReentrant {
        Header memory h = _ifes[exitId].h;
        if (h.startedAt == 0 || h.flags & F_FINALIZED != 0) revert InFlightExitNotFound(exitId);
        if (h.flags & F_PROCESSING != 0) revert InFlightExitProcessing(exitId);
        uint256 deadline = uint256(h.startedAt) + minExitPeriod / 2;
        if (block.timestamp < deadline) revert PiggybackPeriodNotOver(exitId, deadline);
        if (h.piggybacks != 0) revert InFlightExitHasPiggybacks(exitId);
        // A standing challenge leaves the starter as long to answer as with a piggyback: until
        // exitableAt (≥ MEP/2 after the last possible challenge), as processing would.
        if (h.flags & F_NON_CANONICAL != 0 && block.timestamp < h.exitableAt) {
            revert ChallengeAnswerPeriodNotOver(exitId, h.exitableAt);
        }
        (address to, uint256 value) = _inFlightBondPayee(_ifes[exitId], h);
        delete _ifes[exitId].h;
        emit InFlightExitDeleted(exitId);
        _refund(to, value);
    }

    /// @dev Who gets the in-flight bond when the exit ends, and how much: the challenger whose
    /// canonicity challenge stands (with its challenge bond back), else the starter. Clears
    /// the challenge.
    function _inFlightBondPayee(InFlightExit storage e, Header memory h)
        private
        returns (address to, uint256 value)
    {
        (to, value) = (h.bondOwner, h.bond);
        uint256 ch = e.challenge;
        if (ch != 0) {
            e.challenge = 0;
            if (h.flags & F_NON_CANONICAL != 0) {
                (to, value) = (address(uint160(ch)), value + (ch >> 160));
            }
        }
    }

    /// @dev One queue entry of in-flight exit `id` in `token`'s queue: settles its piggybacked
    /// legs of that token; the first pass (of any token) pays the in-flight bond to its
    /// payee. The first pass freezes canonicity: canonical only if never successfully challenged and
    /// no input has exited elsewhere; a canonical exit then marks all its inputs exited, a
    /// non-canonical one with a piggybacked input not exited elsewhere sets F_INPUTS_PAID then,
    /// for every token at once (before any leg is settled), so no output of the tx can start a
    /// standard exit between the passes of its tokens. Returns the processing bounty.
    function _processInFlightExit(uint160 id, address token, uint256 exitableAt)
        private
        returns (uint256 bounty)
    {
        InFlightExit storage e = _ifes[id];
        Header memory h = e.h;
        if (h.exitableAt != exitableAt || h.startedAt == 0 || h.flags & F_FINALIZED != 0) {
            return 0;
        }
        address payee;
        uint256 payout;
        if (h.flags & F_PROCESSING == 0) {
            bool payOutputs = h.flags & F_NON_CANONICAL == 0;
            for (uint256 i; payOutputs && i < h.inputCount; ++i) {
                if (_records[exitIdOf(e.legs[i].outputId)].head == EXITED) payOutputs = false;
            }
            if (payOutputs) {
                for (uint256 i; i < h.inputCount; ++i) {
                    bounty += _markSpent(e.legs[i].outputId);
                }
                h.flags |= F_PAY_OUTPUTS;
            } else {
                for (uint256 i; i < h.inputCount; ++i) {
                    if (
                        h.piggybacks & (1 << i) != 0
                            && _records[exitIdOf(e.legs[i].outputId)].head != EXITED
                    ) {
                        h.flags |= F_INPUTS_PAID;
                        break;
                    }
                }
            }
            h.flags |= F_PROCESSING;
            // Canonicity is frozen now (no challenge, answer or deletion after this pass), so
            // the in-flight bond is settled here, once (F_PROCESSING is never cleared): a leg
            // in a token whose queue cannot be processed cannot lock it. bondOwner becomes
            // its payee.
            (payee, payout) = _inFlightBondPayee(e, h);
            h.bondOwner = payee;
        }
        bool canonical = h.flags & F_PAY_OUTPUTS != 0;
        bool payInputs = !canonical;
        // Effects first: the legs of this token leave the piggyback set, then they are paid.
        uint256 mine;
        for (uint256 i; i < 2 * OUTPUT_LEG; ++i) {
            if (h.piggybacks & (1 << i) != 0 && e.legs[i].token == token) mine |= 1 << i;
        }
        h.piggybacks &= ~uint8(mine);
        bool last = h.piggybacks == 0;
        if (last) h.flags |= F_FINALIZED;
        e.h = h;
        for (uint256 i; mine != 0; ++i) {
            if (mine & (1 << i) == 0) continue;
            mine &= ~(1 << i);
            bounty += _settleLeg(id, e.legs[i], i, i >= OUTPUT_LEG ? canonical : payInputs);
        }
        if (last) emit InFlightExitFinalized(id, h.bondOwner, canonical);
        if (payout != 0) _refund(payee, payout);
    }

    /// @dev Marks an input of a canonical in-flight tx exited (it is spent). A live standard
    /// exit of it is void (the spend is public); its bond goes to the processor.
    function _markSpent(bytes32 oid) private returns (uint256 forfeited) {
        Record storage r = _records[exitIdOf(oid)];
        uint256 head = r.head;
        if (head > PIGGYBACKED) {
            forfeited = head >> 192;
            r.body = 0;
        }
        r.head = EXITED;
    }

    /// @dev Pays a piggybacked leg if `exitable` and its output has not exited elsewhere, else
    /// refunds the bond; the bounty (bond / 4) is kept for the processor either way.
    function _settleLeg(uint160 id, Leg storage leg, uint256 legIndex, bool exitable)
        private
        returns (uint256 bounty)
    {
        uint256 ownerBond = leg.ownerBond;
        address owner = address(uint160(ownerBond));
        uint256 bond = ownerBond >> 160;
        Record storage r = _records[exitIdOf(leg.outputId)];
        uint256 head = r.head;
        if (exitable && head != EXITED) {
            r.head = EXITED;
            address tkn = leg.token;
            uint256 amount = leg.amount;
            emit InFlightExitLegPaid(id, owner, tkn, legIndex, amount);
            return _payOut(tkn, owner, amount, bond);
        }
        if (head == PIGGYBACKED) r.head = 0;
        bounty = processBounty(bond);
        emit InFlightExitLegRefunded(id, owner, legIndex);
        _refund(owner, bond - bounty);
    }

    /// @notice The priority key of in-flight exit `exitId` (0 if none).
    function inFlightExitPriorityKey(uint160 exitId) external view returns (uint256) {
        Header memory h = _ifes[exitId].h;
        if (h.startedAt == 0) return 0;
        return _priorityKey(h.exitableAt, h.youngestTxPos, exitId);
    }

    /// @notice In-flight exit `exitId` (all zero if none). `flags`: 1 non-canonical,
    /// 2 processing started, 4 outputs paid (canonical), 8 finalized; `piggybacks`: bit i
    /// input i, bit 4 + j output j.
    function inFlightExit(uint160 exitId) external view returns (Header memory) {
        return _ifes[exitId].h;
    }

    /// @notice The standing canonicity challenge of in-flight exit `exitId`: its challenger
    /// and bond (zero if none, or answered).
    function inFlightExitChallenge(uint160 exitId)
        external
        view
        returns (address challenger, uint256 challengeBond)
    {
        uint256 ch = _ifes[exitId].challenge;
        return (address(uint160(ch)), ch >> 160);
    }

    /// @notice Leg `legIndex` (0-3 inputs, 4-7 outputs) of in-flight exit `exitId`; an
    /// output's leg is filled at its piggyback. `bond` is the piggyback bond (if piggybacked).
    function inFlightExitLeg(uint160 exitId, uint256 legIndex)
        external
        view
        returns (bytes32 outputId_, address owner, address token, uint256 amount, uint256 bond)
    {
        Leg memory l = _ifes[exitId].legs[legIndex];
        return (l.outputId, address(uint160(l.ownerBond)), l.token, l.amount, l.ownerBond >> 160);
    }
}

