// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {CashExitsBase} from "./CashExitsBase.sol";
import {PlasmaCashModule} from "./PlasmaCashModule.sol";
import {CashBase} from "./CashBase.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";

/// @title PlasmaCash
/// @notice The root chain of Plasma Cash (SPEC.md §3, formats byte-compatible with Loom's) with
/// XT checkpoints. Shared state and checks: CashBase; checkpoint rules: CashCheckpointsBase; the
/// checkpoint disputes and token deposits run in PlasmaCashModule (DELEGATECALL, 24 KB limit).
///
/// Deposits: `depositEth` (msg.value > 0), `depositErc20(token, amount)` (pulled with
/// transferFrom after an approval; a token whose received amount differs, fee-on-transfer or
/// rebasing, is refused) and an ERC721 `safeTransferFrom` to this contract (`onERC721Received`:
/// the coin is that token, owned by `from`; refused unless this contract now owns it and it is
/// not a coin already) each mint one coin in its own deposit block (see CashBase for block
/// numbers). Slot: `CashTransaction.slotOf(numCoins, sender, from)`, sender = the token contract
/// for token deposits, else the depositor; a slot ever used is refused. `submitBlock(root)`:
/// the operator's next block (the next multiple of 1000). `submitCheckpoint`: see
/// CashCheckpointsBase. Here, exits (one live exit per coin, `bond` each; storage and shared
/// steps in CashExitsBase, the challengeBefore game in PlasmaCashModule):
///
/// - `startExit`: the exiter (msg.sender) is the exiting tx E's newOwner; E is included at
///   `blocks[1]`. Unless E is the coin's deposit: E spends the parent P (E.prevBlock =
///   `blocks[0]`), P is included at `blocks[0]` and P's newOwner signed E. Matures at
///   now + `maturityPeriod`. A tx proven invalid (below) never exits.
/// - `startExitFromCheckpoint`: E is the leaf of a final checkpoint (not void for the slot),
///   included at a block ≤ the checkpoint's: no parent, no signature (the checkpoint stands
///   for E's history).
/// - Copies: an operator may include the same tx bytes in several blocks. They are one tx: a
///   spend of any copy is a spend of it (`challengeAfter`, `respondChallengeBefore` and
///   `respondCheckpointDispute` take a `copyProof` of the spent tx at the block the spend
///   names, when that is not the block the exit or challenge named).
/// - `challengeAfter`: a tx spending E (of any copy), signed by E's newOwner, included later.
///   Cancels at once; E is proven invalid.
/// - `challengeBetween`: a tx spending P (prevBlock = P's block, signed by P's newOwner),
///   included after P and before E, and not E itself. Cancels at once (E is not marked: a
///   copy of E before that spend would be valid).
/// - `challengeWithCheckpoint`: a final checkpoint (not void for the slot) at or after E's
///   block whose leaf is not E: E was spent (or never valid) by then. Cancels at once; E is
///   proven invalid.
/// - The exit bond of an exit cancelled by these three goes to the challenger, unless
///   challengeBefores are open: then those challengers share it (so that an exiter who
///   cancels its own exit pays for it) and a priority window opens (below).
/// - `challengeBefore` (exits with a parent; before maturity; challenger posts `bond`): a tx X
///   of the coin included before E's block, not E, claimed to be the coin's valid latest tx.
///   The exit's maturity moves to at least now + `responsePeriod`. Each tx once per exit.
/// - `respondChallengeBefore`: a tx spending X (of any copy), signed by X's newOwner,
///   included after X and no later than E; or `respondChallengeBeforeWithCheckpoint`: a final
///   checkpoint (not void for the slot) at a block in [X's block, E's block) whose leaf is not
///   X. Removes the challenge; the exiter is credited its bond (whoever answers).
/// - `finalizeExit` / `finalizeExits` (anyone, from maturity): an exit with an unanswered
///   challengeBefore is cancelled, its bond shared by those challengers (with their own
///   bonds, via `reclaimChallengeBond`) and a priority window opens; else the coin is EXITED,
///   the bond credited back to the exiter, who may `withdraw` the coin (ETH, ERC20 amount, or
///   the ERC721).
/// - Priority window: for `responsePeriod` after an exit ends with challengeBefores open, an
///   exit of a tx at an earlier block displaces a live exit of a later one (its bond credited
///   back). The coin's valid latest tx is older than any junk an operator adds after it, and
///   every older tx of it was spent (`challengeAfter` proves it invalid for good), so its
///   owner can always take the exit: an exiter cannot end its own doomed exit and start the
///   next one before the honest owner gets in.
/// - A cancelled exit puts the coin back (another exit may start); an exited coin never exits
///   again; a withdrawn coin is gone (its slot is never reused). Bonds and rewards are pulled
///   with `withdrawBonds`.
///
/// A deposit transaction (prevBlock 0) is accepted only at its coin's deposit block, with the
/// coin's depositor as newOwner and its denomination (its hash commits to the slot only).
contract PlasmaCash is CashExitsBase, IERC721Receiver {
    using SafeERC20 for IERC20;

    /// @notice The checkpoint dispute, challengeBefore and token deposit code, created by the
    /// constructor and run with DELEGATECALL on this contract's storage.
    address public immutable checkpointModule;

    event ExitFinalized(uint64 indexed slot, address indexed owner, uint256 exitNonce);
    /// @notice The coin was paid out: `amount` wei/tokens, or the ERC721 `amount` = token id.
    event Withdrawn(
        uint64 indexed slot,
        address indexed owner,
        address indexed token,
        uint8 kind,
        uint256 amount
    );

    /// @notice The exiting tx's newOwner is `owner`; only it may exit.
    error NotTxOwner(address owner, address caller);
    /// @notice The exiting tx's prevBlock is `prevBlock`, but the parent is at `parentBlock`.
    error WrongParentBlock(uint256 prevBlock, uint256 parentBlock);
    /// @notice The checkpoint's leaf tx is included at `txBlock`, after its block `blockNumber`.
    error LeafAfterCheckpoint(uint256 txBlock, uint256 blockNumber);
    /// @notice The challenging tx at `blockNumber` is not strictly between the parent at
    /// `parentBlock` and the exiting tx at `exitBlock`.
    error NotBetween(uint256 blockNumber, uint256 parentBlock, uint256 exitBlock);
    /// @notice The checkpoint at `blockNumber` is before the exiting tx's block `exitBlock`.
    error CheckpointBeforeExit(uint256 blockNumber, uint256 exitBlock);
    /// @notice The exit matures at `exitableAt`.
    error ExitNotMature(uint256 exitableAt);
    /// @notice Only the exiter `owner` withdraws the coin.
    error NotExitOwner(address owner, address caller);
    /// @notice The coin has had 2^32 - 1 exits.
    error TooManyExits(uint64 slot);
    /// @notice Tx `txHash` was proven invalid by an earlier challenge: it never exits.
    error ProvenInvalid(bytes32 txHash);
    /// @notice In the coin's priority window (open until `priorityUntil`), its live exit is of a
    /// tx at `exitBlock`, not later than this one's.
    error ExitLive(uint256 exitBlock, uint256 priorityUntil);

    /// @param operator_ submits blocks and checkpoints
    /// @param bond_ wei of every bond (exit, challengeBefore, checkpoint dispute); e.g. 0.1 ether
    /// @param maturityPeriod_ MEP, e.g. 7 days
    /// @param responsePeriod_ least time to answer a challengeBefore or a checkpoint dispute
    ///        after the dispute window, e.g. 3 days
    /// @param checkpointWindow_ dispute window of a checkpoint, e.g. 7 days
    constructor(
        address operator_,
        uint256 bond_,
        uint256 maturityPeriod_,
        uint256 responsePeriod_,
        uint256 checkpointWindow_
    ) CashBase(operator_, bond_, maturityPeriod_, responsePeriod_, checkpointWindow_) {
        checkpointModule = address(
            new PlasmaCashModule(
                operator_, bond_, maturityPeriod_, responsePeriod_, checkpointWindow_
            )
        );
    }

    // ---------------------------------------------------------------- deposits, blocks

    /// @notice Deposits `msg.value` wei as one coin owned by the caller.
    function depositEth() external payable returns (uint64 slot) {
        if (msg.value == 0) revert ZeroDeposit();
        return _deposit(msg.sender, msg.sender, CoinKind.ETH, address(0), msg.value);
    }

    /// @notice Submits the next operator block (number `nextChildBlock()`). Only the operator.
    function submitBlock(bytes32 root) external onlyOperator {
        if (root == 0) revert ZeroRoot();
        uint64 n = uint64(nextChildBlock());
        _blocks[n] = root;
        _counters.currentBlock = n;
        emit BlockSubmitted(n, root);
    }

    /// @notice Deposits `amount` of `token` (approved to this contract first) as one coin
    /// owned by the caller (see PlasmaCashModule).
    function depositErc20(address token, uint256 amount) external returns (uint64 slot) {
        (token, amount, slot);
        _delegate();
    }

    /// @notice ERC721 deposit: called by the token contract during a `safeTransferFrom` to
    /// this contract; the coin is token `tokenId`, owned by `from` (see PlasmaCashModule).
    function onERC721Received(address operator_, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4)
    {
        (operator_, from, tokenId, data);
        _delegate();
    }

    // ---------------------------------------------------------------- checkpoints

    /// @notice Commits the coins' state at operator block `blockNumber`. Only the operator.
    function submitCheckpoint(uint256 blockNumber, bytes32 root)
        external
        onlyOperator
        returns (uint256 checkpointId)
    {
        if (blockNumber % CHILD_BLOCK_INTERVAL != 0) {
            revert NotAnOperatorBlock(blockNumber);
        }
        if (_blocks[blockNumber] == 0) revert BlockNotFound(blockNumber);
        checkpointId = ++checkpointCount;
        _checkpoints[checkpointId] = Checkpoint(root, uint64(blockNumber), uint64(block.timestamp));
        uint256 deadline = block.timestamp + checkpointWindow;
        emit CheckpointSubmitted(
            checkpointId, blockNumber, root, deadline, deadline + responsePeriod
        );
    }

    // The dispute game runs PlasmaCashModule's function of the same signature on this
    // contract's storage (DELEGATECALL with the same calldata); the NatSpec there is the
    // reference. The parameters are named for the ABI only.

    /// @notice Disputes checkpoint `checkpointId` for `slot` with a tx of the coin included at
    /// `txBlock` whose hash is not the checkpoint's `leaf` (see PlasmaCashModule).
    /// `msg.value` = `bond`.
    function disputeCheckpoint(
        uint256 checkpointId,
        uint64 slot,
        bytes calldata txBytes,
        uint256 txBlock,
        bytes calldata txProof,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) external payable {
        (checkpointId, slot, txBytes, txBlock, txProof, leaf, checkpointProof);
        _delegate();
    }

    /// @notice Answers a checkpoint dispute with a spend of the disputed tx included in
    /// (its block, the checkpoint's block] (see PlasmaCashModule).
    function respondCheckpointDispute(
        uint256 checkpointId,
        uint64 slot,
        bytes32 disputedTxHash,
        bytes calldata respondingTxBytes,
        uint256 respondingBlock,
        bytes calldata proof,
        bytes calldata signature,
        bytes calldata copyProof
    ) external {
        (checkpointId, slot, disputedTxHash, respondingTxBytes, respondingBlock, proof);
        (signature, copyProof);
        _delegate();
    }

    /// @notice Answers a checkpoint dispute with another final checkpoint whose leaf is not the
    /// disputed tx (see PlasmaCashModule).
    function respondCheckpointDisputeWithCheckpoint(
        uint256 checkpointId,
        uint64 slot,
        bytes32 disputedTxHash,
        uint256 otherCheckpointId,
        bytes32 leaf,
        bytes calldata otherCheckpointProof
    ) external {
        (checkpointId, slot, disputedTxHash, otherCheckpointId, leaf, otherCheckpointProof);
        _delegate();
    }

    /// @notice After `finalAt`, settles an unanswered dispute: the slot stays void, the
    /// challenger gets its bond back (see PlasmaCashModule).
    function resolveCheckpointDispute(uint256 checkpointId, uint64 slot, bytes32 txHash) external {
        (checkpointId, slot, txHash);
        _delegate();
    }

    /// @dev Runs the module's function of this call's selector; returns or reverts as it does.
    function _delegate() private {
        address m = checkpointModule;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), m, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
    }

    // ---------------------------------------------------------------- start

    /// @notice Starts an exit of coin `slot` with its last two txs. `msg.value` = `bond`.
    /// @param prevTxBytes the parent P (ignored when the exiting tx is the deposit)
    /// @param exitingTxBytes the exiting tx E, owned by the caller
    /// @param prevTxInclusionProof P's proof in block blocks[0] (ignored for a deposit)
    /// @param exitingTxInclusionProof E's proof in block blocks[1] (ignored for a deposit)
    /// @param signature E signed by P's newOwner (66 bytes; ignored for a deposit exit)
    /// @param blocks [P's block (0 for a deposit exit), E's block]
    function startExit(
        uint64 slot,
        bytes calldata prevTxBytes,
        bytes calldata exitingTxBytes,
        bytes calldata prevTxInclusionProof,
        bytes calldata exitingTxInclusionProof,
        bytes calldata signature,
        uint256[2] calldata blocks
    ) external payable {
        _checkBond();
        Coin storage c = _coin(slot);
        CashTransaction.Tx memory e =
            _exitingTx(c, slot, exitingTxBytes, blocks[1], exitingTxInclusionProof);
        if (e.prevBlock == 0) {
            _openExit(slot, c, e.hash, blocks[1], address(0), 0);
            return;
        }
        if (e.prevBlock != blocks[0]) revert WrongParentBlock(e.prevBlock, blocks[0]);
        CashTransaction.Tx memory p = _decodeFor(slot, prevTxBytes);
        _checkIncluded(c, p, blocks[0], prevTxInclusionProof);
        _checkSigner(e, signature, p.newOwner);
        _openExit(slot, c, e.hash, blocks[1], p.newOwner, blocks[0]);
    }

    /// @notice Starts an exit of the tx that final checkpoint `checkpointId` holds for the
    /// coin, included at `exitingBlock` (≤ the checkpoint's block). `msg.value` = `bond`.
    function startExitFromCheckpoint(
        uint64 slot,
        uint256 checkpointId,
        bytes calldata exitingTxBytes,
        bytes calldata exitingTxInclusionProof,
        bytes calldata checkpointProof,
        uint256 exitingBlock
    ) external payable {
        _checkBond();
        Coin storage c = _coin(slot);
        CashTransaction.Tx memory e =
            _exitingTx(c, slot, exitingTxBytes, exitingBlock, exitingTxInclusionProof);
        uint256 cpBlock = _checkpointLeaf(checkpointId, slot, e.hash, checkpointProof);
        if (exitingBlock > cpBlock) revert LeafAfterCheckpoint(exitingBlock, cpBlock);
        _openExit(slot, c, e.hash, exitingBlock, address(0), 0);
    }

    // ---------------------------------------------------------------- challenges

    /// @notice Cancels the exit of `slot` with a tx spending the exiting tx, signed by its
    /// owner, included at `challengingBlock`. If the spend names another block holding the
    /// same exiting tx (a copy), `copyProof` shows the exiting tx there (else empty). The
    /// caller is credited the exit bond (the open challengeBefores share it if there are any).
    function challengeAfter(
        uint64 slot,
        bytes calldata challengingTxBytes,
        bytes calldata challengingTxInclusionProof,
        bytes calldata signature,
        uint256 challengingBlock,
        bytes calldata copyProof
    ) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        CashTransaction.Tx memory t = _spendOf(
            slot,
            x.txHash,
            challengingTxBytes,
            challengingBlock,
            challengingTxInclusionProof,
            copyProof,
            x.exitBlock
        );
        _checkSigner(t, signature, x.owner);
        _cancel(slot, c, x, CANCEL_AFTER);
    }

    /// @notice Cancels the exit of `slot` with a tx spending its parent, signed by the parent's
    /// owner, included at `challengingBlock` before the exiting tx's block. The caller is
    /// credited the exit bond (as in `challengeAfter`). The spend must name the parent's block
    /// as the exit does; a spend of another copy of the parent is a tx before the exit that
    /// the exiter cannot answer (`challengeBefore`). The exiting tx is not marked invalid: a
    /// copy of it before the spend would be the coin's valid state.
    function challengeBetween(
        uint64 slot,
        bytes calldata challengingTxBytes,
        bytes calldata challengingTxInclusionProof,
        bytes calldata signature,
        uint256 challengingBlock
    ) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        uint256 parentBlock = x.parentBlock;
        if (parentBlock == 0) revert ExitHasNoParent(slot);
        CashTransaction.Tx memory t = _decodeFor(slot, challengingTxBytes);
        if (t.prevBlock != parentBlock) revert NotASpend(t.prevBlock, parentBlock);
        if (t.hash == x.txHash) revert ChallengeWithExitingTx(t.hash);
        if (challengingBlock >= x.exitBlock) {
            revert NotBetween(challengingBlock, parentBlock, x.exitBlock);
        }
        _checkIncluded(c, t, challengingBlock, challengingTxInclusionProof);
        _checkSigner(t, signature, x.parentOwner);
        _cancel(slot, c, x, CANCEL_BETWEEN);
    }

    /// @notice Cancels the exit of `slot` with final checkpoint `checkpointId`, at or after the
    /// exiting tx's block, whose leaf `leaf` (by `checkpointProof`) is not the exiting tx.
    /// The caller is credited the exit bond (as in `challengeAfter`).
    function challengeWithCheckpoint(
        uint64 slot,
        uint256 checkpointId,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        uint256 cpBlock = _checkpointLeaf(checkpointId, slot, leaf, checkpointProof);
        if (cpBlock < x.exitBlock) revert CheckpointBeforeExit(cpBlock, x.exitBlock);
        if (leaf == x.txHash) revert CheckpointAgrees(leaf);
        _cancel(slot, c, x, CANCEL_CHECKPOINT);
    }

    // The challengeBefore game runs in PlasmaCashModule (same storage, DELEGATECALL); the
    // NatSpec there is the reference.

    /// @notice Challenges the exit of `slot` with an earlier tx of the coin, posting `bond`
    /// (see PlasmaCashModule).
    function challengeBefore(
        uint64 slot,
        bytes calldata txBytes,
        bytes calldata txInclusionProof,
        uint256 txBlock
    ) external payable {
        (slot, txBytes, txInclusionProof, txBlock);
        _delegate();
    }

    /// @notice Answers a challengeBefore with a spend of its tx (see PlasmaCashModule).
    function respondChallengeBefore(
        uint64 slot,
        bytes32 challengingTxHash,
        bytes calldata respondingTxBytes,
        bytes calldata respondingTxInclusionProof,
        bytes calldata signature,
        uint256 respondingBlock,
        bytes calldata copyProof
    ) external {
        (slot, challengingTxHash, respondingTxBytes, respondingTxInclusionProof);
        (signature, respondingBlock, copyProof);
        _delegate();
    }

    /// @notice Answers a challengeBefore with a final checkpoint (see PlasmaCashModule).
    function respondChallengeBeforeWithCheckpoint(
        uint64 slot,
        bytes32 challengingTxHash,
        uint256 checkpointId,
        bytes32 leaf,
        bytes calldata checkpointProof
    ) external {
        (slot, challengingTxHash, checkpointId, leaf, checkpointProof);
        _delegate();
    }

    /// @notice Credits the challenger of an open challengeBefore whose exit is over (see
    /// PlasmaCashModule).
    function reclaimChallengeBond(uint64 slot, bytes32 txHash) external {
        (slot, txHash);
        _delegate();
    }

    // ---------------------------------------------------------------- finalize, withdraw

    /// @notice Finalizes the mature exit of `slot` (anyone).
    function finalizeExit(uint64 slot) external {
        (Coin storage c, Exit storage x) = _liveExit(slot);
        if (block.timestamp < x.exitableAt) revert ExitNotMature(x.exitableAt);
        _finalize(slot, c, x);
    }

    /// @notice Finalizes every mature exit among `slots`; skips the others.
    function finalizeExits(uint64[] calldata slots) external {
        for (uint256 i; i < slots.length; ++i) {
            uint64 slot = slots[i];
            Coin storage c = _coins[slot];
            Exit storage x = _exits[slot];
            if (c.state == CoinState.EXITING && block.timestamp >= x.exitableAt) {
                _finalize(slot, c, x);
            }
        }
    }

    /// @notice Pays the exited coin `slot` to its exiter (the caller).
    function withdraw(uint64 slot) external nonReentrant {
        Coin storage c = _coin(slot);
        if (c.state != CoinState.EXITED) revert WrongCoinState(slot, uint8(c.state));
        address owner = _exits[slot].owner;
        if (msg.sender != owner) revert NotExitOwner(owner, msg.sender);
        c.state = CoinState.WITHDRAWN;
        (CoinKind kind, address token, uint256 value) = (c.kind, c.token, c.value);
        if (kind == CoinKind.ETH) {
            (bool ok,) = owner.call{value: value}("");
            if (!ok) revert EthTransferFailed(owner, value);
        } else if (kind == CoinKind.ERC20) {
            IERC20(token).safeTransfer(owner, value);
        } else {
            delete _nftCoin[token][value];
            IERC721(token).transferFrom(address(this), owner, value);
        }
        emit Withdrawn(slot, owner, token, uint8(kind), value);
    }

    // ---------------------------------------------------------------- views

    /// @notice The live or last exit of `slot` (`live`: the coin is exiting).
    function exitOf(uint64 slot)
        external
        view
        returns (
            bool live,
            address owner,
            uint256 exitNonce,
            uint256 exitBlock,
            address parentOwner,
            uint256 parentBlock,
            bytes32 txHash,
            uint256 exitableAt,
            uint256 openChallenges
        )
    {
        Exit storage x = _exits[slot];
        Coin storage c = _coins[slot];
        return (
            c.state == CoinState.EXITING,
            x.owner,
            c.exitNonce,
            x.exitBlock,
            x.parentOwner,
            x.parentBlock,
            x.txHash,
            x.exitableAt,
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

    // ---------------------------------------------------------------- internal

    /// @dev Decodes the exiting tx: of this coin, owned by the caller, included at `blockNumber`.
    function _exitingTx(
        Coin storage c,
        uint64 slot,
        bytes calldata txBytes,
        uint256 blockNumber,
        bytes calldata proof
    ) private view returns (CashTransaction.Tx memory e) {
        e = _decodeFor(slot, txBytes);
        if (e.newOwner != msg.sender) revert NotTxOwner(e.newOwner, msg.sender);
        _checkIncluded(c, e, blockNumber, proof);
    }

    /// @dev Records the exit (block numbers are of existing blocks, so below 2^64). The coin
    /// must be on the chain, or, during a priority window, exiting a tx of a later block: that
    /// exit is displaced (its bond credited back to its exiter).
    function _openExit(
        uint64 slot,
        Coin storage c,
        bytes32 txHash,
        uint256 exitBlock,
        address parentOwner,
        uint256 parentBlock
    ) private {
        if (provenInvalid[slot][txHash]) revert ProvenInvalid(txHash);
        uint32 nonce = c.exitNonce;
        if (c.state == CoinState.EXITING) {
            Exit storage live = _exits[slot];
            uint256 until = priorityUntil[slot];
            if (block.timestamp >= until) revert WrongCoinState(slot, uint8(c.state));
            if (live.exitBlock <= exitBlock) revert ExitLive(live.exitBlock, until);
            // Its challenges can be reclaimed (their exit is over), with no reward.
            live.openChallenges = 0;
            bondBalances[live.owner] += bond;
            emit ExitCancelled(slot, live.owner, nonce, msg.sender, CANCEL_DISPLACED);
        } else if (c.state != CoinState.DEPOSITED) {
            revert WrongCoinState(slot, uint8(c.state));
        }
        if (nonce == type(uint32).max) revert TooManyExits(slot);
        ++nonce;
        (c.state, c.exitNonce) = (CoinState.EXITING, nonce);
        uint256 exitableAt = block.timestamp + maturityPeriod;
        _exits[slot] = Exit(
            msg.sender,
            uint64(exitBlock),
            uint32(exitableAt),
            parentOwner,
            uint64(parentBlock),
            0,
            txHash
        );
        emit ExitStarted(slot, msg.sender, nonce, exitBlock, parentBlock, txHash, exitableAt);
    }

    /// @dev Cancels the live exit. A tx shown spent (after) or contradicted by a final
    /// checkpoint is marked invalid for good, so that it cannot be exited again.
    function _cancel(uint64 slot, Coin storage c, Exit storage x, uint8 reason) private {
        if (reason != CANCEL_BETWEEN) provenInvalid[slot][x.txHash] = true;
        _endExit(slot, c, x, msg.sender);
        emit ExitCancelled(slot, x.owner, c.exitNonce, msg.sender, reason);
    }

    function _finalize(uint64 slot, Coin storage c, Exit storage x) private {
        uint32 nonce = c.exitNonce;
        if (x.openChallenges != 0) {
            _endExit(slot, c, x, address(0));
            emit ExitCancelled(slot, x.owner, nonce, address(0), CANCEL_UNANSWERED_BEFORE);
        } else {
            c.state = CoinState.EXITED;
            bondBalances[x.owner] += bond;
            emit ExitFinalized(slot, x.owner, nonce);
        }
    }
}
