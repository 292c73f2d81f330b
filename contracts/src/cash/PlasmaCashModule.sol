// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {CashBase} from "./CashBase.sol";
import {CashCheckpointsBase} from "./CashCheckpointsBase.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title PlasmaCashModule
/// @notice The code of PlasmaCash that does not fit in its 24 KB: the checkpoint dispute game
/// (rules in CashCheckpointsBase) and the token deposits (rules in PlasmaCash). PlasmaCash
/// creates it in its constructor (with the same configuration: immutables live in the code)
/// and runs these functions with DELEGATECALL on its own storage; the layouts are the same
/// (both inherit CashBase then CashCheckpointsBase and declare nothing else).
/// Called directly it refuses (`NotDelegated`).
contract PlasmaCashModule is CashCheckpointsBase {
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
    /// the checkpoint's block] by `proof`. The caller is credited the dispute bond.
    function respondCheckpointDispute(
        uint256 checkpointId,
        uint64 slot,
        bytes32 disputedTxHash,
        bytes calldata respondingTxBytes,
        uint256 respondingBlock,
        bytes calldata proof,
        bytes calldata signature
    ) external delegated {
        Checkpoint storage cp = _checkpoint(checkpointId);
        uint256 finalAt = _finalAt(cp);
        if (block.timestamp >= finalAt) revert ResponseWindowOver(checkpointId, finalAt);
        Dispute storage d = _disputes[_disputeKey(checkpointId, slot, disputedTxHash)];
        if (d.state != DisputeState.OPEN) {
            revert DisputeNotOpen(checkpointId, slot, disputedTxHash);
        }
        CashTransaction.Tx memory r = _decodeFor(slot, respondingTxBytes);
        if (r.prevBlock != d.txBlock) revert NotASpend(r.prevBlock, d.txBlock);
        if (respondingBlock > cp.blockNumber) {
            revert TxAfterCheckpoint(respondingBlock, cp.blockNumber);
        }
        _checkIncluded(_coins[slot], r, respondingBlock, proof);
        _checkSigner(r, signature, d.txOwner);
        d.state = DisputeState.ANSWERED;
        --openDisputes[checkpointId][slot];
        bondBalances[msg.sender] += bond;
        emit CheckpointDisputeAnswered(
            checkpointId, slot, disputedTxHash, msg.sender, respondingBlock
        );
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
