//! What the child chain keeps across restarts, behind a small trait ([`Store`]):
//! sealed blocks and where each transaction sits, the UTXO set as of the last sealed block,
//! the log of everything acknowledged since (transactions, deposits, exits, in order), and a
//! few named values (submission progress, the root-chain cursor).
//!
//! Recovery is "last sealed state + replay of the log", so a transaction is acknowledged as
//! soon as its log entry is durable, and sealing a block is one atomic write.
//! [`RedbStore`] is the durable implementation; [`MemoryStore`] is its twin for tests.
//! [`Journal`] is a plain append-only journal (the Plasma Cash node's whole state).

mod codec;
mod journal;
mod memory;
mod redb_store;

pub use journal::{Journal, RootChainMark};
pub use memory::MemoryStore;
pub use redb_store::{DEFAULT_COMPACTION_FLOOR, RedbStore};

pub use plasma_ledger::UtxoChanges;
use plasma_primitives::{B256, Output, UtxoPos};

/// One acknowledged change to the ledger, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEntry {
    /// A signed transaction, applied to the block being filled.
    Tx(Vec<u8>),
    /// A deposit seen on the root chain: its block number and unsigned bytes.
    Deposit {
        /// The deposit block.
        blknum: u64,
        /// The deposit transaction.
        tx: Vec<u8>,
    },
    /// An output that exited on the root chain.
    Exit(UtxoPos),
}

/// A sealed block as stored: its root and its transactions' signed bytes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlock {
    /// Block number.
    pub number: u64,
    /// Merkle root.
    pub root: B256,
    /// Signed transaction bytes, leaf order.
    pub txs: Vec<Vec<u8>>,
}

/// The state to resume from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// The number of the block to fill next (0 for a new store).
    pub next_block: u64,
    /// The UTXO set as of the last sealed block.
    pub utxos: Vec<(UtxoPos, Output)>,
    /// Everything acknowledged since, in order.
    pub log: Vec<LogEntry>,
}

/// A storage failure, with what was being done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database reported an error.
    #[error("storage: {context}: {source}")]
    Database {
        /// What was being done.
        context: &'static str,
        /// The database's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A store this version cannot read.
    #[error("storage: {path} cannot be used: {reason}; start from an empty data directory")]
    Incompatible {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Stored bytes that do not decode: corruption or a foreign file.
    #[error("storage: corrupt {what}")]
    Corrupt {
        /// Which record.
        what: &'static str,
    },
}

/// The child chain's durable state.
pub trait Store: Send + Sync {
    /// Everything needed to resume.
    fn recover(&self) -> Result<Recovered, StoreError>;

    /// Appends entries to the log, and sets named values in the same write; all are durable
    /// when this returns. Callers batch many entries per call (group commit): one disk sync
    /// acknowledges them all.
    fn append_log(&self, entries: &[LogEntry], meta: &[(&str, &[u8])]) -> Result<(), StoreError>;

    /// Atomically: stores `block`, indexes its transactions by hash, applies `diff` to the
    /// UTXO set, clears the log, and records `next_block`.
    fn seal_block(
        &self,
        block: &StoredBlock,
        tx_hashes: &[B256],
        diff: &UtxoChanges,
        next_block: u64,
    ) -> Result<(), StoreError>;

    /// Stores a block outside the sealing path (a deposit block). Idempotent.
    fn put_block(&self, block: &StoredBlock) -> Result<(), StoreError>;

    /// A stored block.
    fn block(&self, number: u64) -> Result<Option<StoredBlock>, StoreError>;

    /// Where a sealed transaction is: `(block, index)`. An index may key by part of the hash:
    /// check the hash of the transaction found there.
    fn tx_location(&self, hash: &B256) -> Result<Option<(u64, u16)>, StoreError>;

    /// A named value.
    fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Sets a named value, durably.
    fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
}
