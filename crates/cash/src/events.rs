//! The Plasma Cash contract's events, decoded: what its followers (the Cash node, the coin
//! watcher) act on.

use crate::contract::CoinKind;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEventInterface;
use plasma_contracts::PlasmaCash;
use plasma_rootchain::{ChainLog, narrow};

/// What the Plasma Cash contract announces, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CashEvent {
    /// A coin was deposited.
    Deposit {
        /// Its slot.
        slot: u64,
        /// Its deposit block.
        blknum: u64,
        /// Its value.
        denomination: U256,
        /// The depositor (its first owner).
        from: Address,
        /// The token (zero for ETH).
        token: Address,
        /// ETH, ERC20 or ERC721.
        kind: CoinKind,
        /// The ERC721 token id.
        token_id: U256,
    },
    /// The operator committed a block.
    BlockSubmitted {
        /// Block number.
        blknum: u64,
        /// Its root.
        root: B256,
    },
    /// An exit started.
    ExitStarted {
        /// The coin.
        slot: u64,
        /// Who exits.
        owner: Address,
        /// The exiting transaction's block.
        exit_block: u64,
        /// Its parent's block.
        parent_block: u64,
        /// The exiting transaction's hash.
        tx_hash: B256,
        /// When it can be finalized.
        exitable_at: u64,
    },
    /// An exit was cancelled by a challenge.
    ExitCancelled {
        /// The coin.
        slot: u64,
        /// Who was exiting.
        owner: Address,
        /// Who challenged.
        challenger: Address,
        /// 1 after, 2 between, 3 checkpoint, 4 unanswered `challengeBefore`.
        reason: u8,
    },
    /// An exit was challenged with an earlier transaction; the exiter must answer.
    ChallengedBefore {
        /// The coin.
        slot: u64,
        /// The challenging transaction.
        tx_hash: B256,
        /// Who challenged.
        challenger: Address,
        /// Its block.
        tx_block: u64,
    },
    /// A `challengeBefore` was answered.
    Responded {
        /// The coin.
        slot: u64,
        /// The challenging transaction answered.
        tx_hash: B256,
    },
    /// An exit matured unchallenged: the coin can be withdrawn by `owner`.
    ExitFinalized {
        /// The coin.
        slot: u64,
        /// Its owner on L1.
        owner: Address,
    },
    /// A coin left the contract.
    Withdrawn {
        /// The coin.
        slot: u64,
        /// Who got it.
        owner: Address,
        /// The token (zero for ETH).
        token: Address,
        /// ETH, ERC20 or ERC721.
        kind: CoinKind,
        /// The amount (the token id for an ERC721).
        amount: U256,
    },
    /// A checkpoint was disputed for a coin with one of its txs.
    CheckpointDisputed {
        /// The checkpoint's id.
        id: U256,
        /// The coin.
        slot: u64,
        /// The disputing tx.
        tx_hash: B256,
        /// Its block.
        tx_block: u64,
    },
    /// A checkpoint dispute was answered with the disputing tx's spend.
    CheckpointDisputeAnswered {
        /// The checkpoint's id.
        id: U256,
        /// The coin.
        slot: u64,
        /// The disputing tx.
        tx_hash: B256,
    },
    /// The operator committed a checkpoint.
    CheckpointSubmitted {
        /// Its id.
        id: U256,
        /// The block whose ownership it commits.
        blknum: u64,
        /// Its root.
        root: B256,
        /// When it becomes final (undisputed).
        final_at: u64,
    },
}

/// Decodes a log of the Plasma Cash contract (the caller checks the emitter) through the
/// `sol!`-generated event enum; `None` for events no follower acts on, and for a number that
/// does not fit (never truncated).
pub(crate) fn decode_cash_event(log: &ChainLog) -> Option<CashEvent> {
    use PlasmaCash::PlasmaCashEvents as E;
    Some(match E::decode_log(&log.log).ok()?.data {
        E::Deposit(e) => CashEvent::Deposit {
            slot: e.slot,
            blknum: narrow(e.blockNumber, "blockNumber").ok()?,
            denomination: e.denomination,
            from: e.from,
            token: e.token,
            kind: CoinKind::from_u8(e.kind)?,
            token_id: e.tokenId,
        },
        E::BlockSubmitted(e) => CashEvent::BlockSubmitted {
            blknum: narrow(e.blockNumber, "blockNumber").ok()?,
            root: e.root,
        },
        E::ExitStarted(e) => CashEvent::ExitStarted {
            slot: e.slot,
            owner: e.owner,
            exit_block: narrow(e.exitBlock, "exitBlock").ok()?,
            parent_block: narrow(e.parentBlock, "parentBlock").ok()?,
            tx_hash: e.txHash,
            exitable_at: narrow(e.exitableAt, "exitableAt").ok()?,
        },
        E::ExitCancelled(e) => CashEvent::ExitCancelled {
            slot: e.slot,
            owner: e.owner,
            challenger: e.challenger,
            reason: e.reason,
        },
        E::ChallengedBefore(e) => CashEvent::ChallengedBefore {
            slot: e.slot,
            tx_hash: e.txHash,
            challenger: e.challenger,
            tx_block: narrow(e.txBlock, "txBlock").ok()?,
        },
        E::Responded(e) => CashEvent::Responded { slot: e.slot, tx_hash: e.txHash },
        E::ExitFinalized(e) => CashEvent::ExitFinalized { slot: e.slot, owner: e.owner },
        E::Withdrawn(e) => CashEvent::Withdrawn {
            slot: e.slot,
            owner: e.owner,
            token: e.token,
            kind: CoinKind::from_u8(e.kind)?,
            amount: e.amount,
        },
        E::CheckpointDisputed(e) => CashEvent::CheckpointDisputed {
            id: e.checkpointId,
            slot: e.slot,
            tx_hash: e.txHash,
            tx_block: narrow(e.txBlock, "txBlock").ok()?,
        },
        E::CheckpointDisputeAnswered(e) => CashEvent::CheckpointDisputeAnswered {
            id: e.checkpointId,
            slot: e.slot,
            tx_hash: e.txHash,
        },
        E::CheckpointSubmitted(e) => CashEvent::CheckpointSubmitted {
            id: e.checkpointId,
            blknum: narrow(e.blockNumber, "blockNumber").ok()?,
            root: e.root,
            final_at: narrow(e.finalAt, "finalAt").ok()?,
        },
        _ => return None,
    })
}
