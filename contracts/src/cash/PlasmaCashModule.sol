// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {CashBase} from "./CashBase.sol";
import {CashExitsBase} from "./CashExitsBase.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title PlasmaCashModule
/// @notice The code of PlasmaCash that does not fit in its 24 KB: the checkpoint dispute game
/// (rules in CashCheckpointsBase), the challengeBefore game and the token deposits (rules in
/// PlasmaCash). PlasmaCash
/// creates it in its constructor (with the same configuration: immutables live in the code)
/// and runs these functions with DELEGATECALL on its own storage; the layouts are the same
/// (both inherit CashBase, CashCheckpointsBase then CashExitsBase and declare nothing else).
/// Called directly it refuses (`NotDelegated`).
contract PlasmaCashModule is CashExitsBase {
    using SafeERC20 for IERC20;

    address private immutable _self;

    error NotDelegated();

    constructor(
        address operator_,
        uint256 bond_,
        uint256 maturityPeriod_,
        uint256 responsePeriod_,
        uint256 checkpointWindow_
    ) CashBase(operator_, bond_, maturityPeriod_, responsePeriod_, checkpointWindow_) {
        _self = address(this);
    }

    modifier delegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    /// @notice Disputes checkpoint `checkpointId` for `slot`: `txBytes` is a tx of the coin
    /// included at `txBlock` (≤ the checkpoint's block) by `txProof` (ignored for a deposit),
    /// `leaf` the checkpoint's leaf for the slot by `checkpointProof`, not the tx's hash.
    /// `msg.value` must be `bond`.
    function disputeCheckpoint(
        uint256 checkpointId,
        uint64 slot,
        bytes calldata txBytes,
        uint256 txBlock,
        bytes calldata txProof,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) external payable delegated {
        _checkBond();
        CashTransaction.Tx memory t =
            _disputedTx(checkpointId, slot, txBytes, txBlock, txProof, leaf, checkpointProof);
        Dispute storage d = _disputes[_disputeKey(checkpointId, slot, t.hash)];
        if (d.state != DisputeState.NONE) revert DisputeExists(uint8(d.state));
        (d.challenger, d.txBlock, d.state, d.txOwner) =
        (msg.sender, uint64(txBlock), DisputeState.OPEN, t.newOwner);
        ++openDisputes[checkpointId][slot];
        emit CheckpointDisputed(checkpointId, slot, t.hash, msg.sender, txBlock, t.newOwner);
    }

    /// @dev The checks of `disputeCheckpoint` but the bond and the dispute's novelty.
    function _disputedTx(
        uint256 checkpointId,
        uint64 slot,
        bytes calldata txBytes,
        uint256 txBlock,
        bytes calldata txProof,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) private view returns (CashTransaction.Tx memory t) {
        Checkpoint storage cp = _checkpoint(checkpointId);
        uint256 deadline = uint256(cp.submittedAt) + checkpointWindow;
        if (block.timestamp >= deadline) revert DisputeWindowOver(checkpointId, deadline);
        Coin storage c = _coin(slot);
        t = _decodeFor(slot, txBytes);
        if (txBlock > cp.blockNumber) revert TxAfterCheckpoint(txBlock, cp.blockNumber);
        _checkIncluded(c, t, txBlock, txProof);
        if (SparseMerkle.computeRoot(leaf, slot, checkpointProof) != cp.root) {
            revert NotInCheckpoint(checkpointId, slot);
        }
        if (leaf == t.hash) revert TxIsCheckpointLeaf(t.hash);
    }

    /// @notice Answers the dispute of `disputedTxHash`: `respondingTxBytes` spends it, signed
    /// by its newOwner (`signature`, 66 bytes), included at `respondingBlock` in (its block,
    /// the checkpoint's block] by `proof`. If the spend names another block holding the same
    /// disputed tx (a copy), `copyProof` shows it there (else empty). The caller is credited
    /// the dispute bond.
    function respondCheckpointDispute(
        uint256 checkpointId,
        uint64 slot,
        bytes32 disputedTxHash,
        bytes calldata respondingTxBytes,
        uint256 respondingBlock,
        bytes calldata proof,
        bytes calldata signature,
        bytes calldata copyProof
    ) external delegated {
        Dispute storage d;
        {
            uint256 cpBlock;
            (cpBlock, d) = _openDispute(checkpointId, slot, disputedTxHash);
            if (respondingBlock > cpBlock) revert TxAfterCheckpoint(respondingBlock, cpBlock);
        }
        _checkSigner(
            _spendOf(
                slot,
                disputedTxHash,
                respondingTxBytes,
                respondingBlock,
                proof,
                copyProof,
                d.txBlock
            ),
            signature,
            d.txOwner
        );
        _answerDispute(checkpointId, slot, disputedTxHash, d, respondingBlock);
    }

    /// @notice Answers the dispute of `disputedTxHash` with another final checkpoint
    /// `otherCheckpointId` (not void for the slot) at a block in [the disputed tx's block,
    /// this checkpoint's block] whose leaf `leaf` (by `otherCheckpointProof`) is not the
    /// disputed tx: by then the disputed tx was not the coin's latest. So an owner who dropped
    /// the history before a checkpoint can still answer a past owner's dispute with it. The
    /// caller is credited the dispute bond.
    function respondCheckpointDisputeWithCheckpoint(
        uint256 checkpointId,
        uint64 slot,
        bytes32 disputedTxHash,
        uint256 otherCheckpointId,
        bytes32 leaf,
        bytes calldata otherCheckpointProof
    ) external delegated {
        (uint256 cpBlock, Dispute storage d) = _openDispute(checkpointId, slot, disputedTxHash);
        if (otherCheckpointId == checkpointId) revert CheckpointAgrees(leaf);
        uint256 otherBlock = _checkpointLeaf(otherCheckpointId, slot, leaf, otherCheckpointProof);
        if (otherBlock < d.txBlock || otherBlock > cpBlock) {
            revert CheckpointNotBetween(otherBlock, d.txBlock, cpBlock);
        }
        if (leaf == disputedTxHash) revert CheckpointAgrees(leaf);
        _answerDispute(checkpointId, slot, disputedTxHash, d, otherBlock);
    }

    /// @dev The checkpoint's block and its open dispute of `txHash`, while responses are
    /// allowed.
    function _openDispute(uint256 checkpointId, uint64 slot, bytes32 txHash)
        private
        view
        returns (uint256 cpBlock, Dispute storage d)
    {
        Checkpoint storage cp = _checkpoint(checkpointId);
        uint256 finalAt = _finalAt(cp);
        if (block.timestamp >= finalAt) revert ResponseWindowOver(checkpointId, finalAt);
        cpBlock = cp.blockNumber;
        d = _disputes[_disputeKey(checkpointId, slot, txHash)];
        if (d.state != DisputeState.OPEN) revert DisputeNotOpen(checkpointId, slot, txHash);
    }

    function _answerDispute(
        uint256 checkpointId,
        uint64 slot,
        bytes32 txHash,
        Dispute storage d,
        uint256 respondingBlock
    ) private {
        d.state = DisputeState.ANSWERED;
        --openDisputes[checkpointId][slot];
        bondBalances[msg.sender] += bond;
        emit CheckpointDisputeAnswered(checkpointId, slot, txHash, msg.sender, respondingBlock);
    }

    /// @notice After `finalAt`, settles a dispute left unanswered: the checkpoint stays void
    /// for the slot and the challenger is credited its bond back.
    function resolveCheckpointDispute(uint256 checkpointId, uint64 slot, bytes32 txHash)
        external
        delegated
    {
        Checkpoint storage cp = _checkpoint(checkpointId);
        uint256 finalAt = _finalAt(cp);
        if (block.timestamp < finalAt) revert CheckpointNotFinal(checkpointId, finalAt);
        Dispute storage d = _disputes[_disputeKey(checkpointId, slot, txHash)];
        if (d.state != DisputeState.OPEN) revert DisputeNotOpen(checkpointId, slot, txHash);
        d.state = DisputeState.UPHELD;
        bondBalances[d.challenger] += bond;
        emit CheckpointSlotVoided(checkpointId, slot, txHash, d.challenger);
    }

    // ---------------------------------------------------------------- challengeBefore

    /// @notice Challenges the exit of `slot` with `txBytes`, a tx of the coin included at
    /// `txBlock` (before the exiting tx) by `txInclusionProof`: the exiter must show its spend.
    /// `msg.value` = `bond`. Only before the exit matures; it then matures no sooner than
    /// now + `responsePeriod`. Not with the exiting tx itself (an earlier copy of it).
    function challengeBefore(
        uint64 slot,
        bytes calldata txBytes,
        bytes calldata txInclusionProof,
        uint256 txBlock
    ) external payable delegated {
        _checkBond();
        (Coin storage c, Exit storage x) = _liveExit(slot);
        if (x.parentBlock == 0) revert ExitHasNoParent(slot);
        uint256 exitableAt = x.exitableAt;
        if (block.timestamp >= exitableAt) revert ExitMatured(exitableAt);
        CashTransaction.Tx memory t = _decodeFor(slot, txBytes);
        if (txBlock >= x.exitBlock) revert NotBeforeExit(txBlock, x.exitBlock);
        if (t.hash == x.txHash) revert ChallengeWithExitingTx(t.hash);
        _checkIncluded(c, t, txBlock, txInclusionProof);
        uint32 nonce = c.exitNonce;
        Challenge storage ch = _challenges[slot][t.hash];
        if (ch.state != ChallengeState.NONE) {
            // A challenge of an earlier exit still open is settled first; one of this exit,
            // open or answered, stands.
            if (ch.exitNonce == nonce) revert ChallengeExists(uint8(ch.state));
            if (ch.state == ChallengeState.OPEN) _settle(slot, t.hash, ch);
        }
        (ch.challenger, ch.txBlock, ch.exitNonce, ch.state, ch.txOwner) =
        (msg.sender, uint48(txBlock), nonce, ChallengeState.OPEN, t.newOwner);
        ++x.openChallenges;
        uint256 least = block.timestamp + responsePeriod;
        if (least > exitableAt) {
            exitableAt = least;
            x.exitableAt = uint32(least);
        }
        emit ChallengedBefore(slot, t.hash, msg.sender, nonce, txBlock, t.newOwner, exitableAt);
    }

    /// @notice Answers the challengeBefore of `challengingTxHash` with its spend
    /// `respondingTxBytes`, signed by its owner, included at `respondingBlock` (after the
    /// challenging tx, not after the exiting tx). If the spend names another block holding the
    /// same challenging tx (a copy), `copyProof` shows it there (else empty). The exiter is
    /// credited the challenge bond.
    function respondChallengeBefore(
        uint64 slot,
        bytes32 challengingTxHash,
        bytes calldata respondingTxBytes,
        bytes calldata respondingTxInclusionProof,
        bytes calldata signature,
        uint256 respondingBlock,
        bytes calldata copyProof
    ) external delegated {
        (Exit storage x, Challenge storage ch) = _openChallenge(slot, challengingTxHash);
        if (respondingBlock > x.exitBlock) revert ResponseAfterExit(respondingBlock, x.exitBlock);
        _checkSigner(
            _spendOf(
                slot,
                challengingTxHash,
                respondingTxBytes,
                respondingBlock,
                respondingTxInclusionProof,
                copyProof,
                ch.txBlock
            ),
            signature,
            ch.txOwner
        );
        _answer(slot, x, ch, challengingTxHash, respondingBlock, 0);
    }

    /// @notice Answers the challengeBefore of `challengingTxHash` with final checkpoint
    /// `checkpointId` at a block in [the challenging tx's block, the exiting tx's block) whose
    /// leaf `leaf` (by `checkpointProof`) is not the challenging tx. The exiter is credited
    /// the challenge bond.
    function respondChallengeBeforeWithCheckpoint(
        uint64 slot,
        bytes32 challengingTxHash,
        uint256 checkpointId,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) external delegated {
        (Exit storage x, Challenge storage ch) = _openChallenge(slot, challengingTxHash);
        uint256 cpBlock = _checkpointLeaf(checkpointId, slot, leaf, checkpointProof);
        if (cpBlock < ch.txBlock || cpBlock >= x.exitBlock) {
            revert CheckpointNotBetween(cpBlock, ch.txBlock, x.exitBlock);
        }
        if (leaf == challengingTxHash) revert CheckpointAgrees(leaf);
        _answer(slot, x, ch, challengingTxHash, cpBlock, checkpointId);
    }

    /// @notice Credits the challenger of an open challengeBefore whose exit is over: its bond,
    /// plus its share of the exit bond if the exit was cancelled while it was open.
    function reclaimChallengeBond(uint64 slot, bytes32 txHash) external delegated {
        Challenge storage ch = _challenges[slot][txHash];
        if (ch.state != ChallengeState.OPEN) revert ChallengeNotOpen(txHash);
        Coin storage c = _coins[slot];
        if (ch.exitNonce == c.exitNonce && c.state == CoinState.EXITING) {
            revert ChallengeStillLive(txHash);
        }
        _settle(slot, txHash, ch);
    }

    /// @dev The live exit of `slot` and its open challenge by `txHash`.
    function _openChallenge(uint64 slot, bytes32 txHash)
        private
        view
        returns (Exit storage x, Challenge storage ch)
    {
        Coin storage c;
        (c, x) = _liveExit(slot);
        ch = _challenges[slot][txHash];
        if (ch.state != ChallengeState.OPEN || ch.exitNonce != c.exitNonce) {
            revert ChallengeNotOpen(txHash);
        }
    }

    function _answer(
        uint64 slot,
        Exit storage x,
        Challenge storage ch,
        bytes32 txHash,
        uint256 respondingBlock,
        uint256 checkpointId
    ) private {
        ch.state = ChallengeState.ANSWERED;
        --x.openChallenges;
        // To the exiter, whoever answers: a past owner could otherwise delay an exit for free
        // by challenging with its own old tx and answering with the spend it signed.
        bondBalances[x.owner] += bond;
        emit Responded(slot, txHash, msg.sender, respondingBlock, checkpointId);
    }

    // ---------------------------------------------------------------- token deposits

    /// @notice Deposits `amount` of `token` (approved to this contract first) as one coin
    /// owned by the caller.
    function depositErc20(address token, uint256 amount)
        external
        nonReentrant
        delegated
        returns (uint64 slot)
    {
        if (amount == 0) revert ZeroDeposit();
        if (token == address(0)) revert ZeroToken();
        IERC20 t = IERC20(token);
        uint256 before = t.balanceOf(address(this));
        t.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = t.balanceOf(address(this)) - before;
        if (received != amount) revert DepositAmountMismatch(amount, received);
        return _deposit(msg.sender, token, CoinKind.ERC20, token, amount);
    }

    /// @notice ERC721 deposit: called by the token contract (msg.sender) during a
    /// `safeTransferFrom` to this contract; the coin is token `tokenId`, owned by `from`.
    function onERC721Received(address, address from, uint256 tokenId, bytes calldata)
        external
        nonReentrant
        delegated
        returns (bytes4)
    {
        if (from == address(0)) revert DepositFromZero();
        address token = msg.sender;
        if (IERC721(token).ownerOf(tokenId) != address(this)) {
            revert NftNotReceived(token, tokenId);
        }
        uint256 held = _nftCoin[token][tokenId];
        if (held != 0) revert NftAlreadyDeposited(token, tokenId, uint64(held - 1));
        uint64 slot = _deposit(from, token, CoinKind.ERC721, token, tokenId);
        _nftCoin[token][tokenId] = uint256(slot) + 1;
        return this.onERC721Received.selector;
    }
}
