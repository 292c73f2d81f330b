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
contract PaymentExitGame is ExitBookkeeping, ExitBonds {
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

    error WrongBond(uint256 sent, uint256 required);
    /// @notice Block `blknum` does not exist (never submitted, or in the future).
    error BlockNotFound(uint256 blknum);
    error OutputIndexOutOfRange(uint256 oindex, uint256 outputs);
    error NotOutputOwner(address owner, address caller);
    error AmountTooLarge(uint256 amount);
    error InvalidInclusionProof(uint256 utxoPos);
    /// @notice txPos = utxoPos / 10⁴ must be below 2^64.
    error PositionTooLarge(uint256 utxoPos);
    error ExitAlreadyStarted(uint160 exitId);
    /// @notice exitableAt must fit 32 bits (until 2106; a huge minExitPeriod would break it).
    error ExitableAtTooLarge(uint256 exitableAt);
    /// @notice The output has exited already (exits are forever).
    error OutputAlreadyExited(uint160 exitId);
    /// @notice No live exit of this output (never started, challenged, or processed).
    error ExitNotFound(uint160 exitId);
    /// @notice The challenging tx has no input equal to the exiting utxoPos.
    error NotASpend(uint256 utxoPos);
    error SignerNotOwner(address signer, address owner);
    /// @notice `senderData` must be keccak256(abi.encodePacked(msg.sender)).
    error SenderDataMismatch(bytes32 senderData);
    error NotOperator(address caller);
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

    // ---------------------------------------------------------------- start

    /// @notice Starts a standard exit of the output at `utxoPos`. Only its owner; `msg.value`
    /// must be the current exit bond.
    /// @param utxoPos the output's position (blknum·10⁹ + txindex·10⁴ + oindex)
    /// @param txBytes the unsigned RLP tx that created the output
    /// @param inclusionProof the 512-byte Merkle proof of the tx at txindex in block blknum
    /// @param queueHint the largest priority key in the token's queue below this exit's key
    ///        (`queueHint(token, key)` in an eth_call; 0 = search from the head). Only gas
    ///        depends on it: a stale or wrong hint makes the insert walk from the head.
    /// @dev Not `nonReentrant`: its only external call is a STATICCALL to the framework, and
    /// inserting into a queue while `processExits` pays out is safe (the queue is consistent at
    /// every payout, and a new exit matures only after now + MEP).
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
    }

    /// @dev Checks that output `utxoPos` of `txb` exists (block submitted, tx included at
    /// txindex, output index in range) and belongs to the caller; returns its token, amount and
    /// the block's timestamp.
    function _verifyOwnedOutput(uint256 utxoPos, bytes memory txb, bytes calldata proof)
        private
        view
        returns (address token, uint256 amount, uint256 blockTime)
    {
        uint256 blknum = UtxoPos.blknum(utxoPos);
        uint256 word = framework.blockWord(blknum);
        if (word == 0) revert BlockNotFound(blknum);

        PaymentTransaction.Transaction memory t = PaymentTransaction.decode(txb);
        uint256 oindex = UtxoPos.outputIndex(utxoPos);
        if (oindex >= t.outputs.length) revert OutputIndexOutOfRange(oindex, t.outputs.length);
        PaymentTransaction.Output memory o = t.outputs[oindex];
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
            q.popMin();
            unchecked {
                ++popped;
            }
            uint160 exitId = uint160(key);
            Record storage rec = _records[exitId];
            uint256 head = rec.head;
            // Challenged (deleted), processed (EXITED), or a stale entry of an earlier,
            // challenged exit of the same output (another exitableAt): drop the entry.
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

    /// @dev Pays `amount` of `token` and the bond minus the bounty to `owner`: through the
    /// EthVault in one transfer for an ETH exit; for a token exit the tokens through the
    /// Erc20Vault and the bond directly (through the EthVault, which credits it, if the owner
    /// refuses it). Returns the bounty.
    function _payOut(address token, address owner, uint256 amount, uint256 bond)
        private
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

    // ---------------------------------------------------------------- views

    /// @notice The standard exit `exitId`; all zero if none is live.
    function standardExit(uint160 exitId)
        external
        view
        returns (address owner, uint256 exitableAt, uint256 bond, uint256 amount, uint256 utxoPos)
    {
        Record memory r = _records[exitId];
        if (r.head == EXITED) return (address(0), 0, 0, 0, 0);
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

    /// @notice The EIP-712 domain separator challenges are checked against (the framework's).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator;
    }

    function _checkBondUpdater() internal view override {
        if (msg.sender != framework.operator()) revert NotOperator(msg.sender);
    }
}
