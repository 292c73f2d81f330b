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

/// @title PaymentInFlightExitModule
/// @notice The code of MoreVP in-flight exits (SPEC.md §2; rules in docs/exit-games.md). It
/// holds no state of its own: `PaymentExitGame` creates it in its constructor and runs every
/// in-flight function here with DELEGATECALL, on the game's storage (the layouts are the same
/// base, `PaymentExitBase`), so both exit types share queues, per-output records and payouts.
/// Split from the game only to keep each under the EIP-170 code size limit. Calling it
/// directly reverts (`NotDelegated`).
contract PaymentInFlightExitModule is PaymentExitBase {
    using PriorityQueue for PriorityQueue.Queue;

    address private immutable _self;

    error NotDelegated();
    // Errors shared with PaymentExitGame (same selectors).
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
    error SignerNotOwner(address signer, address owner);

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

    /// @notice Starts an in-flight exit of `a.inFlightTx` (anyone holding it, signed). Takes
    /// `inFlightExitBond()`. Nothing exits until owners piggyback inputs or outputs. The exit
    /// id is `inFlightExitId(tx)`; its priority is that of its youngest input: exitableAt =
    /// max(that block's time + 2·MEP, now + MEP), a deposit input included (no deposit boost
    /// in flight: a fraudulent output spent with a fresh deposit must not jump the queue).
    function startInFlightExit(StartInFlightExitArgs calldata a) external payable onlyDelegated {
        bytes memory txb = a.inFlightTx;
        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(txb);
        uint256 n = t.inputs.length;
        if (n == 0) revert NoInputs();
        if (a.inputTxs.length != n) revert InputCountMismatch(n, a.inputTxs.length);
        if (a.inputUtxosPos.length != n) revert InputCountMismatch(n, a.inputUtxosPos.length);
        if (a.inputTxsInclusionProofs.length != n) {
            revert InputCountMismatch(n, a.inputTxsInclusionProofs.length);
        }
        if (a.inFlightTxSigs.length != n) revert InputCountMismatch(n, a.inFlightTxSigs.length);
        uint160 id = inFlightExitId(txb);
        InFlightExit storage e = _ifes[id];
        if (e.h.startedAt != 0) revert InFlightExitAlreadyStarted(id);
        uint256 bond = inFlightExitBond();
        if (msg.value != bond) revert WrongBond(msg.value, bond);

        bytes32 digest = PaymentEip712.digest(t, _domainSeparator);
        uint256 youngest;
        uint256 youngestTime;
        for (uint256 i; i < n; ++i) {
            uint256 pos = a.inputUtxosPos[i];
            if (bytes32(pos) != t.inputs[i]) revert InputPositionMismatch(i, pos);
            uint256 blockTime = _startInput(e.legs[i], pos, a, i, digest);
            if (pos > youngest) (youngest, youngestTime) = (pos, blockTime);
        }
        _checkAmounts(t, e.legs);
        _storeHeader(e, t, youngest, youngestTime, bond, _includedPos(txb, t.outputs.length));
        emit InFlightExitStarted(id, msg.sender, keccak256(txb), e.h.exitableAt, txb);
    }

    function _storeHeader(
        InFlightExit storage e,
        PaymentTransaction.Transaction memory t,
        uint256 youngest,
        uint256 youngestTime,
        uint256 bond,
        uint256 includedPos
    ) private {
        // Never the deposit boost (SPEC.md §2, OMG plasma-contracts #216).
        uint256 exitableAt = _exitableAt(false, youngestTime, minExitPeriod);
        if (exitableAt > type(uint32).max) revert ExitableAtTooLarge(exitableAt);
        uint256 txPos = UtxoPos.txPos(youngest);
        if (txPos > MAX_TXPOS) revert PositionTooLarge(youngest);
        e.h = Header({
            bondOwner: msg.sender,
            startedAt: uint32(block.timestamp),
            exitableAt: uint32(exitableAt),
            piggybacks: 0,
            flags: 0,
            inputCount: uint8(t.inputs.length),
            outputCount: uint8(t.outputs.length),
            youngestTxPos: uint64(txPos),
            competitorPos: includedPos > txPos ? uint64(includedPos) : 0,
            bond: uint128(bond)
        });
    }

    /// @dev The smallest txPos at which a live standard exit of one of the tx's outputs proved
    /// the tx included (0 if none): it counts as a response to canonicity challenges.
    function _includedPos(bytes memory txb, uint256 outputs) private view returns (uint256 pos) {
        for (uint256 j; j < outputs; ++j) {
            Record storage r = _records[exitIdOf(keccak256(abi.encodePacked(txb, j)))];
            if (r.head <= PIGGYBACKED) continue;
            uint256 p = UtxoPos.txPos(r.body >> 160);
            if (pos == 0 || p < pos) pos = p;
        }
    }

    /// @dev Verifies input `pos` (its tx, a payment or a fee claim, included; signer = its
    /// owner) and records its leg.
    function _startInput(
        Leg storage leg,
        uint256 pos,
        StartInFlightExitArgs calldata a,
        uint256 i,
        bytes32 digest
    ) private returns (uint256 blockTime) {
        bytes memory itx = a.inputTxs[i];
        (PaymentTransaction.Output memory o, uint256 count) = ChainOutput.outputAt(itx, pos);
        uint256 oindex = UtxoPos.outputIndex(pos);
        if (oindex >= count) revert OutputIndexOutOfRange(oindex, count);
        if (o.amount > type(uint160).max) revert AmountTooLarge(o.amount);
        blockTime = _included(
            itx, UtxoPos.blknum(pos), UtxoPos.txIndex(pos), a.inputTxsInclusionProofs[i], pos
        );
        address signer = Signature.recover(digest, a.inFlightTxSigs[i]);
        if (signer != o.owner) revert SignerNotOwner(signer, o.owner);
        leg.outputId = outputId(itx, pos);
        leg.ownerBond = uint160(o.owner);
        leg.token = o.token;
        leg.amount = o.amount;
    }

    /// @dev Reverts unless `txb` is leaf `txindex` of block `blknum`; returns the block time.
    /// `errPos` names the position in the error.
    function _included(
        bytes memory txb,
        uint256 blknum,
        uint256 txindex,
        bytes calldata proof,
        uint256 errPos
    ) private view returns (uint256) {
        uint256 word = framework.blockWord(blknum);
        if (word == 0) revert BlockNotFound(blknum);
        bytes32 root = Merkle.computeRoot(Merkle.leafHash(txb), txindex, proof);
        if ((uint256(root) ^ word) >> 32 != 0) revert InvalidInclusionProof(errPos);
        return word & 0xffffffff;
    }

    /// @dev Per token: Σ outputs ≤ Σ inputs; every output amount < 2^160.
    function _checkAmounts(PaymentTransaction.Transaction memory t, Leg[8] storage legs)
        private
        view
    {
        uint256 no = t.outputs.length;
        for (uint256 j; j < no; ++j) {
            address tkn = t.outputs[j].token;
            if (t.outputs[j].amount > type(uint160).max) {
                revert AmountTooLarge(t.outputs[j].amount);
            }
            uint256 outSum;
            for (uint256 k; k < no; ++k) {
                if (t.outputs[k].token == tkn) outSum += t.outputs[k].amount;
            }
            uint256 inSum;
            for (uint256 i; i < t.inputs.length; ++i) {
                if (legs[i].token == tkn) inSum += legs[i].amount;
            }
            if (outSum > inSum) revert OutputsExceedInputs(tkn, inSum, outSum);
        }
    }

    /// @notice Piggybacks input `inputIndex` of a live in-flight exit: if the tx turns out
    /// non-canonical, the input is paid to its owner. Only the input's owner, during the first
    /// half of the exit period (from the start); takes `piggybackBond()`.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param inputIndex the input (0-3)
    /// @param queueHint insertion hint in the input token's queue for the exit's priority key
    ///        (`queueHint(token, inFlightExitPriorityKey(exitId))`; 0 = from the head)
    function piggybackInFlightExitOnInput(
        bytes calldata inFlightTx,
        uint256 inputIndex,
        uint256 queueHint
    ) external payable onlyDelegated {
        uint160 id = inFlightExitId(inFlightTx);
        InFlightExit storage e = _ifes[id];
        Header memory h = _piggybackable(e, id);
        if (inputIndex >= h.inputCount) revert IndexOutOfRange(inputIndex, h.inputCount);
        _piggyback(e, h, id, inputIndex, queueHint);
        emit InFlightExitInputPiggybacked(id, msg.sender, inputIndex);
    }

    /// @notice Piggybacks output `outputIndex` of a live in-flight exit: if the tx is canonical,
    /// the output is paid to its owner. Only the output's owner, during the first half of the
    /// exit period; takes `piggybackBond()`.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param outputIndex the output (0-3)
    /// @param queueHint as for `piggybackInFlightExitOnInput`, in the output token's queue
    function piggybackInFlightExitOnOutput(
        bytes calldata inFlightTx,
        uint256 outputIndex,
        uint256 queueHint
    ) external payable onlyDelegated {
        bytes memory txb = inFlightTx;
        uint160 id = inFlightExitId(txb);
        InFlightExit storage e = _ifes[id];
        Header memory h = _piggybackable(e, id);
        if (outputIndex >= h.outputCount) revert IndexOutOfRange(outputIndex, h.outputCount);
        PaymentTransaction.Output memory o = PaymentTransaction.decode(txb).outputs[outputIndex];
        Leg storage leg = e.legs[OUTPUT_LEG + outputIndex];
        leg.outputId = keccak256(abi.encodePacked(txb, outputIndex));
        leg.ownerBond = uint160(o.owner);
        leg.token = o.token;
        leg.amount = o.amount;
        _piggyback(e, h, id, OUTPUT_LEG + outputIndex, queueHint);
        emit InFlightExitOutputPiggybacked(id, msg.sender, outputIndex);
    }

    /// @dev The exit is live and in its first half-period.
    function _piggybackable(InFlightExit storage e, uint160 id)
        private
        view
        returns (Header memory h)
    {
        h = e.h;
        if (h.startedAt == 0 || h.flags & F_FINALIZED != 0) revert InFlightExitNotFound(id);
        uint256 deadline = uint256(h.startedAt) + minExitPeriod / 2;
        if (block.timestamp >= deadline) revert PiggybackPeriodOver(id, deadline);
    }

    /// @dev Owner and bond checks, claims the output's record, queues the exit in its token.
    function _piggyback(
        InFlightExit storage e,
        Header memory h,
        uint160 id,
        uint256 legIndex,
        uint256 queueHint
    ) private {
        Leg storage leg = e.legs[legIndex];
        address owner = address(uint160(leg.ownerBond));
        if (owner != msg.sender) revert NotOutputOwner(owner, msg.sender);
        if (h.piggybacks & (1 << legIndex) != 0) revert AlreadyPiggybacked(id, legIndex);
        uint256 bond = piggybackBond();
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        uint160 outExitId = exitIdOf(leg.outputId);
        uint256 head = _records[outExitId].head;
        if (head == EXITED) revert OutputAlreadyExited(outExitId);
        if (head == PIGGYBACKED) revert OutputPiggybacked(outExitId);
        if (head != 0) revert ExitAlreadyStarted(outExitId);
        _records[outExitId].head = PIGGYBACKED;
        leg.ownerBond = uint160(owner) | (bond << 160);
        e.h.piggybacks = h.piggybacks | uint8(1 << legIndex);
        _queues[leg.token].insert(_priorityKey(h.exitableAt, h.youngestTxPos, id), queueHint);
    }

    /// @notice Challenges the canonicity of an in-flight exit with a competing tx that spends
    /// one of its inputs, signed by that input's owner. During the first half of the exit
    /// period; a later challenge needs an older competitor than the last one shown. The exit
    /// becomes non-canonical (only piggybacked inputs will be paid) and its bond will go to
    /// the challenger, unless someone responds (`respondToNonCanonicalChallenge`). Takes
    /// `canonicityChallengeBond()`: forfeited if the challenge is answered (half to the
    /// responder, half burnt: a challenger answering herself still loses half), returned if it
    /// stands (or to a challenger replaced by an older competitor).
    function challengeInFlightExitNotCanonical(CanonicityChallenge calldata c)
        external
        payable
        onlyDelegated
    {
        bytes memory txb = c.inFlightTx;
        uint160 id = inFlightExitId(txb);
        InFlightExit storage e = _ifes[id];
        Header memory h = _piggybackable(e, id);
        if (h.flags & F_PROCESSING != 0) revert InFlightExitProcessing(id);
        bytes memory ctx = c.competingTx;
        if (inFlightExitId(ctx) == id) revert SameTx();
        if (c.inFlightTxInputIndex >= h.inputCount) {
            revert IndexOutOfRange(c.inFlightTxInputIndex, h.inputCount);
        }
        bytes32 shared = PaymentTransaction.decode(txb).inputs[c.inFlightTxInputIndex];
        PaymentTransaction.Transaction memory ct = PaymentTransaction.decode(ctx);
        if (c.competingTxInputIndex >= ct.inputs.length) {
            revert IndexOutOfRange(c.competingTxInputIndex, ct.inputs.length);
        }
        if (ct.inputs[c.competingTxInputIndex] != shared) {
            revert InputNotShared(ct.inputs[c.competingTxInputIndex], shared);
        }
        address owner = address(uint160(e.legs[c.inFlightTxInputIndex].ownerBond));
        address signer =
            Signature.recover(PaymentEip712.digest(ct, _domainSeparator), c.competingTxSig);
        if (signer != owner) revert SignerNotOwner(signer, owner);

        uint256 pos = type(uint64).max;
        if (c.competingTxPos != 0) {
            pos = c.competingTxPos;
            _included(ctx, pos / TXPOS_BLOCK, pos % TXPOS_BLOCK, c.competingTxInclusionProof, pos);
        }
        if (h.competitorPos != 0 && pos >= h.competitorPos) {
            revert CompetitorNotOlder(pos, h.competitorPos);
        }
        _recordChallenge(e, h.flags, id, pos);
    }

    /// @dev Takes the challenge bond and records the challenge at competitor position `pos`.
    function _recordChallenge(InFlightExit storage e, uint8 flags, uint160 id, uint256 pos)
        private
    {
        uint256 cbond = canonicityChallengeBond();
        if (msg.value != cbond) revert WrongBond(msg.value, cbond);
        e.h.competitorPos = uint64(pos);
        e.h.flags = flags | F_NON_CANONICAL;
        uint256 replaced = e.challenge;
        e.challenge = uint256(uint160(msg.sender)) | (cbond << 160);
        emit InFlightExitChallenged(id, msg.sender, pos);
        // A standing challenge replaced by an older competitor was not wrong: its bond is
        // credited back (pulled with `withdrawBondCredit`).
        if (replaced != 0) {
            address prev = address(uint160(replaced));
            bondCredits[prev] += replaced >> 160;
            emit BondCredited(prev, replaced >> 160);
        }
    }

    /// @notice Answers a canonicity challenge: shows the in-flight tx included at `txPos`,
    /// before the competitor (and after its inputs). The exit is canonical again; half the
    /// challenger's bond goes to the responder, half is burnt (the in-flight bond stays with
    /// the starter).
    /// Any time before processing starts.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param txPos its position, blknum·10⁵ + txindex
    /// @param inclusionProof its 512-byte inclusion proof
    function respondToNonCanonicalChallenge(
        bytes calldata inFlightTx,
        uint256 txPos,
        bytes calldata inclusionProof
    ) external onlyDelegated {
        bytes memory txb = inFlightTx;
        uint160 id = inFlightExitId(txb);
        Header memory h = _ifes[id].h;
        if (h.startedAt == 0 || h.flags & F_FINALIZED != 0) revert InFlightExitNotFound(id);
        if (h.flags & F_PROCESSING != 0) revert InFlightExitProcessing(id);
        if (h.flags & F_NON_CANONICAL == 0) revert NotChallenged(id);
        if (txPos >= h.competitorPos) revert ResponseNotEarlier(txPos, h.competitorPos);
        if (txPos <= h.youngestTxPos) revert ResponseBeforeInputs(txPos, h.youngestTxPos);
        _included(txb, txPos / TXPOS_BLOCK, txPos % TXPOS_BLOCK, inclusionProof, txPos);
        _ifes[id].h.flags = h.flags & ~F_NON_CANONICAL;
        _ifes[id].h.competitorPos = uint64(txPos);
        uint256 reward = _ifes[id].challenge >> 160;
        _ifes[id].challenge = 0;
        emit InFlightExitChallengeResponded(id, msg.sender, txPos);
        _payAnswer(reward);
    }

    /// @notice Removes the piggyback of input `inputIndex`, showing another tx that spends the
    /// input, signed by its owner; the piggyback bond goes to the caller. Any time until the
    /// piggyback is processed.
    /// @param inFlightTx the unsigned in-flight tx
    /// @param inputIndex the piggybacked input
    /// @param spendingTx the unsigned tx that spends the same input (not the in-flight tx)
    /// @param spendingTxInputIndex the index of that input in spendingTx
    /// @param spendingTxSig the input owner's signature of spendingTx
    function challengeInFlightExitInputSpent(
        bytes calldata inFlightTx,
        uint256 inputIndex,
        bytes calldata spendingTx,
        uint256 spendingTxInputIndex,
        bytes calldata spendingTxSig
    ) external onlyDelegated {
        bytes memory txb = inFlightTx;
        uint160 id = inFlightExitId(txb);
        bytes memory stx = spendingTx;
        if (inFlightExitId(stx) == id) revert SameTx();
        if (inputIndex >= OUTPUT_LEG) revert IndexOutOfRange(inputIndex, OUTPUT_LEG);
        Leg storage leg = _piggybackedLeg(id, inputIndex);
        bytes32 input = PaymentTransaction.decode(txb).inputs[inputIndex];
        _checkSpend(stx, spendingTxInputIndex, input, spendingTxSig, leg);
        _removePiggyback(id, inputIndex, leg);
    }

    /// @notice Removes the piggyback of an output of an included in-flight tx, showing a tx
    /// that spends the output (at txPos·10⁴ + outputIndex), signed by its owner; the piggyback
    /// bond goes to the caller. Any time until the piggyback is processed.
    function challengeInFlightExitOutputSpent(OutputSpentChallenge calldata c)
        external
        onlyDelegated
    {
        bytes memory txb = c.inFlightTx;
        uint160 id = inFlightExitId(txb);
        if (c.outputIndex >= OUTPUT_LEG) revert IndexOutOfRange(c.outputIndex, OUTPUT_LEG);
        uint256 legIndex = OUTPUT_LEG + c.outputIndex;
        Leg storage leg = _piggybackedLeg(id, legIndex);
        uint256 txPos = c.inFlightTxPos;
        _included(txb, txPos / TXPOS_BLOCK, txPos % TXPOS_BLOCK, c.inFlightTxInclusionProof, txPos);
        bytes32 utxoPos = bytes32(txPos * 10_000 + c.outputIndex);
        _checkSpend(c.spendingTx, c.spendingTxInputIndex, utxoPos, c.spendingTxSig, leg);
        _removePiggyback(id, legIndex, leg);
    }

    function _piggybackedLeg(uint160 id, uint256 legIndex) private view returns (Leg storage) {
        if (_ifes[id].h.piggybacks & (1 << legIndex) == 0) {
            revert NotPiggybacked(id, legIndex);
        }
        return _ifes[id].legs[legIndex];
    }

    /// @dev `stx` spends `input` at `index`, signed by the leg's owner.
    function _checkSpend(
        bytes memory stx,
        uint256 index,
        bytes32 input,
        bytes memory sig,
        Leg storage leg
    ) private view {
        PaymentTransaction.Transaction memory st = PaymentTransaction.decode(stx);
        if (index >= st.inputs.length) revert IndexOutOfRange(index, st.inputs.length);
        if (st.inputs[index] != input) revert InputNotShared(st.inputs[index], input);
        address owner = address(uint160(leg.ownerBond));
        address signer = Signature.recover(PaymentEip712.digest(st, _domainSeparator), sig);
        if (signer != owner) revert SignerNotOwner(signer, owner);
    }

    /// @dev Unclaims the output, clears the piggyback, pays its bond to the caller.
    function _removePiggyback(uint160 id, uint256 legIndex, Leg storage leg) private {
        Record storage r = _records[exitIdOf(leg.outputId)];
        if (r.head == PIGGYBACKED) r.head = 0;
        _ifes[id].h.piggybacks &= ~uint8(1 << legIndex);
        uint256 bond = leg.ownerBond >> 160;
        emit InFlightExitPiggybackChallenged(id, msg.sender, legIndex);
        (bool ok,) = msg.sender.call{value: bond}("");
        if (!ok) revert BondTransferFailed(msg.sender, bond);
    }
}
