//! The Plasma Debit contract's events, decoded: what its followers (the Debit node, a coin
//! watcher, a wallet) act on.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEventInterface;
use plasma_contracts::PlasmaDebit;
use plasma_rootchain::{ChainLog, narrow};

/// What the Plasma Debit contract announces, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DebitEvent {
    /// A coin was deposited.
    Deposit {
        /// Its slot.
        slot: u64,
        /// Its deposit block.
        block: u64,
        /// The amount: its first capacity and balance.
        amount: U256,
        /// The depositor.
        owner: Address,
    },
    /// The operator added to a coin's capacity.
    ToppedUp {
        /// The coin.
        slot: u64,
        /// Wei added.
        amount: U256,
        /// The capacity now.
        capacity: U256,
    },
    /// The operator committed a block.
    BlockSubmitted {
        /// Its number.
        block: u64,
        /// Its root.
        root: B256,
    },
    /// An exit started.
    ExitStarted {
        /// The coin.
        slot: u64,
        /// Who is paid the holder's side.
        owner: Address,
        /// Who started it (the owner or the operator).
        starter: Address,
        /// The exiting state's block.
        exit_block: u64,
        /// Its parent's block (0 for a deposit).
        parent_block: u64,
        /// The exiting transaction's hash.
        tx_hash: B256,
        /// The exiting state's balance (capped at the capacity).
        balance: U256,
        /// When it can be finalized.
        exitable_at: u64,
    },
    /// A credit was added to a live exit.
    CreditAdded {
        /// The exiting coin.
        slot: u64,
        /// The pay.
        tx_hash: B256,
        /// Its amount.
        amount: U256,
    },
    /// A pay was accepted against its payer: the payee's client should claim it.
    PayShown {
        /// The payee's coin.
        to_slot: u64,
        /// The payer's coin.
        from_slot: u64,
        /// The pay's block.
        block: u64,
        /// The pay.
        tx_hash: B256,
        /// The payee.
        to_owner: Address,
        /// Its amount.
        amount: U256,
    },
    /// An exit was cancelled.
    ExitCancelled {
        /// The coin.
        slot: u64,
        /// 1 after, 2 between, 3 unanswered `challengeBefore`, 4 displaced.
        reason: u8,
    },
    /// An exit was challenged with an earlier transaction; the exiter must answer.
    ChallengedBefore {
        /// The coin.
        slot: u64,
        /// The challenging transaction.
        tx_hash: B256,
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
    /// A coin was paid out.
    ExitFinalized {
        /// The coin.
        slot: u64,
        /// Its holder.
        owner: Address,
        /// What the holder was credited.
        owner_amount: U256,
        /// What the operator was credited.
        operator_amount: U256,
    },
}

/// Decodes a log of the Plasma Debit contract (the caller checks the emitter); `None` for
/// events no follower acts on, and for a number that does not fit (never truncated).
pub(crate) fn decode_debit_event(log: &ChainLog) -> Option<DebitEvent> {
    use PlasmaDebit::PlasmaDebitEvents as E;
    let block = |n: U256| narrow::<u64, 256, 4>(n, "block number").ok();
    Some(match E::decode_log(&log.log).ok()?.data {
        E::Deposit(e) => DebitEvent::Deposit {
            slot: e.slot,
            block: block(e.blockNumber)?,
            amount: e.amount,
            owner: e.owner,
        },
        E::ToppedUp(e) => {
            DebitEvent::ToppedUp { slot: e.slot, amount: e.amount, capacity: e.capacity }
        }
        E::BlockSubmitted(e) => {
            DebitEvent::BlockSubmitted { block: block(e.blockNumber)?, root: e.root }
        }
        E::ExitStarted(e) => DebitEvent::ExitStarted {
            slot: e.slot,
            owner: e.owner,
            starter: e.starter,
            exit_block: block(e.exitBlock)?,
            parent_block: block(e.parentBlock)?,
            tx_hash: e.txHash,
            balance: e.balance,
            exitable_at: narrow(e.exitableAt, "exitableAt").ok()?,
        },
        E::CreditAdded(e) => {
            DebitEvent::CreditAdded { slot: e.slot, tx_hash: e.txHash, amount: e.amount }
        }
        E::PayShown(e) => DebitEvent::PayShown {
            to_slot: e.toSlot,
            from_slot: e.fromSlot,
            block: block(e.blockNumber)?,
            tx_hash: e.txHash,
            to_owner: e.toOwner,
            amount: e.amount,
        },
        E::ExitCancelled(e) => DebitEvent::ExitCancelled { slot: e.slot, reason: e.reason },
        E::ChallengedBefore(e) => DebitEvent::ChallengedBefore {
            slot: e.slot,
            tx_hash: e.txHash,
            tx_block: block(e.txBlock)?,
        },
        E::Responded(e) => DebitEvent::Responded { slot: e.slot, tx_hash: e.txHash },
        E::ExitFinalized(e) => DebitEvent::ExitFinalized {
            slot: e.slot,
            owner: e.owner,
            owner_amount: e.ownerAmount,
            operator_amount: e.operatorAmount,
        },
        _ => return None,
    })
}
