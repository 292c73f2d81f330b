//! The sequencer: the one thread that changes the ledger. It applies verified transactions in
//! arrival order, commits them to the log in groups (one disk sync acknowledges a whole group),
//! folds in deposits and exits from the root chain, and seals blocks.
//!
//! If the store fails, the sequencer stops (fail-stop): nothing unacknowledged is ever
//! acknowledged, and a restart replays the log to the last durable state.

use plasma_api::TxAck;
use plasma_engine::encode_block_info;
use plasma_ledger::{Ledger, LedgerError, VerifiedTx};
use plasma_primitives::{B256, FeeTx, PaymentTx, SignedTx, UtxoPos, exits::ExitEvent};
use plasma_rootchain::BlockInfo;
use plasma_storage::{LogEntry, Store, StoreError, StoredBlock};
use std::{
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicU64, Ordering},
        mpsc::{Receiver, RecvTimeoutError},
    },
    time::{Duration, Instant},
};
use tokio::sync::{oneshot, watch};

/// Most transactions gathered into one group commit.
const MAX_GROUP: usize = 16_384;

/// Why a submitted transaction was not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a well-formed signed transaction.
    Malformed(String),
    /// Not valid on the chain.
    Invalid(String),
    /// An input is held by a live exit on the root chain, or left through one.
    Exiting(String),
    /// Less fee than the schedule asks (the message quotes the fee owed).
    FeeTooLow(String),
}

/// A change on the root chain the ledger must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum L1Change {
    Deposit { blknum: u64, tx: Vec<u8> },
    Exit(ExitEvent),
}

pub(crate) type Verdicts = Vec<Result<VerifiedTx, Refusal>>;

pub(crate) enum Msg {
    /// Verified (or already refused) transactions, in order.
    Submit { txs: Verdicts, reply: oneshot::Sender<Vec<Result<TxAck, Refusal>>> },
    /// Root-chain changes up to (excluding) root-chain block `cursor`; `last_read` is the
    /// newest block they were read from.
    RootChain { changes: Vec<L1Change>, cursor: u64, last_read: Option<BlockInfo> },
    /// Stop after what is queued before this.
    Shutdown,
}

/// State shared by the sequencer, the API and the background tasks.
pub(crate) struct Shared {
    pub(crate) ledger: RwLock<Ledger>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) domain: B256,
    pub(crate) last_sealed: AtomicU64,
    pub(crate) last_submitted: AtomicU64,
    pub(crate) l1_next: AtomicU64,
    /// The newest root-chain block the listener has read: the submitter checks it is still on
    /// the chain before each submission, so a reorganisation deeper than the confirmation
    /// depth stops the node before it commits a block built on events that no longer exist.
    pub(crate) l1_last_read: Mutex<Option<BlockInfo>>,
    pub(crate) sealed: watch::Sender<u64>,
    pub(crate) failure: Mutex<Option<String>>,
}

impl Shared {
    pub(crate) fn ledger(&self) -> std::sync::RwLockReadGuard<'_, Ledger> {
        self.ledger.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn ledger_mut(&self) -> std::sync::RwLockWriteGuard<'_, Ledger> {
        self.ledger.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn fail(&self, reason: String) {
        tracing::error!(%reason, "sequencer stopped");
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
    }

    pub(crate) fn set_l1_last_read(&self, block: Option<BlockInfo>) {
        if block.is_some() {
            *self.l1_last_read.lock().unwrap_or_else(|p| p.into_inner()) = block;
        }
    }

    pub(crate) fn l1_last_read(&self) -> Option<BlockInfo> {
        *self.l1_last_read.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn failure(&self) -> Option<String> {
        self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Key of the root-chain cursor in the store's named values.
pub(crate) const L1_CURSOR: &str = "l1_cursor";
/// Key of the newest root-chain block read (number, hash, time: 48 bytes), written with the
/// cursor, so that a restarted node notices a reorganisation that happened while it was down.
pub(crate) const L1_LAST_READ: &str = "l1_last_read";

/// Key of the live exits (JSON of [`plasma_ledger::ExitView`]), written with the cursor.
pub(crate) const EXIT_VIEW: &str = "exit_view";

/// Runs until `Shutdown` or a store failure.
pub(crate) fn run(shared: Arc<Shared>, rx: Receiver<Msg>, block_interval: Duration) {
    let mut next_seal = Instant::now() + block_interval;
    let mut stash: Option<Msg> = None;
    loop {
        let msg = match stash.take() {
            Some(msg) => msg,
            None => match rx.recv_timeout(next_seal.saturating_duration_since(Instant::now())) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(e) = seal(&shared) {
                        return shared.fail(format!("sealing a block: {e}"));
                    }
                    next_seal = Instant::now() + block_interval;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            },
        };
        let result = match msg {
            Msg::Submit { txs, reply } => {
                let mut group = vec![(txs, reply)];
                let mut size = group[0].0.len();
                while size < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(Msg::Submit { txs, reply }) => {
                            size += txs.len();
                            group.push((txs, reply));
                        }
                        Ok(other) => {
                            stash = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_group(&shared, group)
            }
            Msg::RootChain { changes, cursor, last_read } => {
                follow_root_chain(&shared, changes, cursor, last_read)
            }
            Msg::Shutdown => return,
        };
        if let Err(e) = result {
            return shared.fail(format!("storage: {e}"));
        }
    }
}

type Group = Vec<(Verdicts, oneshot::Sender<Vec<Result<TxAck, Refusal>>>)>;

/// Applies a group of submissions in order, makes them durable with one log append, then
/// answers each. A full block is sealed on the way.
fn commit_group(shared: &Shared, group: Group) -> Result<(), StoreError> {
    let mut answers: Vec<Vec<Result<TxAck, Refusal>>> = Vec::with_capacity(group.len());
    let mut entries = Vec::new();
    let mut replies = Vec::with_capacity(group.len());
    for (verdicts, reply) in group {
        let mut answer = Vec::with_capacity(verdicts.len());
        for verdict in verdicts {
            answer.push(match verdict {
                Err(refusal) => Err(refusal),
                Ok(tx) => apply_one(shared, tx, &mut entries)?,
            });
        }
        answers.push(answer);
        replies.push(reply);
    }
    if !entries.is_empty() {
        shared.store.append_log(&entries, &[])?;
    }
    let accepted = answers.iter().flatten().filter(|a| a.is_ok()).count();
    let rejected = answers.iter().map(Vec::len).sum::<usize>() - accepted;
    metrics::counter!("plasma_txs_accepted_total").increment(accepted as u64);
    metrics::counter!("plasma_txs_rejected_total").increment(rejected as u64);
    metrics::gauge!("plasma_mempool_depth").set(shared.ledger().pending_txs().len() as f64);
    for (reply, answer) in replies.into_iter().zip(answers) {
        // The submitter may have gone (client disconnected); the tx stays acknowledged.
        let _ = reply.send(answer);
    }
    Ok(())
}

fn apply_one(
    shared: &Shared,
    tx: VerifiedTx,
    entries: &mut Vec<LogEntry>,
) -> Result<Result<TxAck, Refusal>, StoreError> {
    if shared.ledger().is_full() {
        // Make what is applied durable before the seal clears the log.
        shared.store.append_log(entries, &[])?;
        entries.clear();
        seal(shared)?;
    }
    let bytes = tx.signed_bytes().to_vec();
    let (hash, inputs) = (tx.hash(), tx.signed().tx().inputs().len());
    let mut ledger = shared.ledger_mut();
    Ok(match ledger.apply(tx) {
        Ok(a) => {
            entries.push(LogEntry::Tx(bytes));
            Ok(TxAck { tx_hash: a.hash, blknum: a.blknum, txindex: a.txindex })
        }
        Err(e @ (LedgerError::Exiting { .. } | LedgerError::Exited { .. })) => {
            Err(Refusal::Exiting(e.to_string()))
        }
        Err(e @ LedgerError::FeeTooLow { .. }) => Err(Refusal::FeeTooLow(e.to_string())),
        // Every input gone: perhaps this very transaction, sent again by a client that lost
        // the answer. Same bytes, same position: it gets its acknowledgement again.
        Err(e @ LedgerError::UnknownInput { .. }) if inputs > 0 => {
            match acknowledged(&ledger, shared.store.as_ref(), hash)? {
                Some(ack) => Ok(ack),
                None => Err(Refusal::Invalid(e.to_string())),
            }
        }
        Err(e) => Err(Refusal::Invalid(e.to_string())),
    })
}

/// Where transaction `hash` was acknowledged: the block being filled, or a sealed block.
fn acknowledged(
    ledger: &Ledger,
    store: &dyn Store,
    hash: B256,
) -> Result<Option<TxAck>, StoreError> {
    let blknum = ledger.pending_block();
    if let Some(index) = ledger.pending_txs().iter().position(|t| t.hash() == hash) {
        return Ok(Some(TxAck { tx_hash: hash, blknum, txindex: index as u16 }));
    }
    let found = store.tx_location(&hash)?;
    Ok(found.map(|(blknum, txindex)| TxAck { tx_hash: hash, blknum, txindex }))
}

/// Folds root-chain deposits and the exit game into the ledger, durably with the new cursor
/// (and the live exits, when they changed): an output that was paid out is removed (logged),
/// one that may still be paid out is held.
fn follow_root_chain(
    shared: &Shared,
    changes: Vec<L1Change>,
    cursor: u64,
    last_read: Option<BlockInfo>,
) -> Result<(), StoreError> {
    let mut entries = Vec::new();
    let mut exits_changed = false;
    for change in changes {
        match change {
            L1Change::Deposit { blknum, tx } => {
                let Ok(deposit) = PaymentTx::decode(&tx) else {
                    tracing::warn!(blknum, "deposit transaction does not decode; ignored");
                    continue;
                };
                let signed =
                    SignedTx::new(deposit.clone(), vec![]).expect("a deposit has no inputs");
                let root = plasma_primitives::merkle::deposit_root(&tx);
                shared.store.put_block(&StoredBlock {
                    number: blknum,
                    root,
                    txs: vec![signed.encode()],
                })?;
                match shared.ledger_mut().deposit(blknum, &deposit) {
                    Ok(pos) => {
                        tracing::info!(%pos, "deposit");
                        entries.push(LogEntry::Deposit { blknum, tx });
                    }
                    // Seen before (a replay of events after a restart): nothing to do.
                    Err(e) => tracing::debug!(blknum, %e, "deposit already known"),
                }
            }
            L1Change::Exit(event) => {
                exits_changed = true;
                let mut lookup = Ok(());
                let store = shared.store.as_ref();
                let locate = |hash| match store.tx_location(&hash) {
                    Ok(at) => at.map(|(blknum, txindex)| UtxoPos::new(blknum, txindex, 0)),
                    Err(e) => {
                        lookup = Err(e);
                        None
                    }
                };
                let removed = shared.ledger_mut().follow_exit(&event, locate);
                lookup?;
                tracing::info!(?event, "followed the exit game");
                for pos in removed {
                    tracing::info!(%pos, "paid out on the root chain; removed");
                    entries.push(LogEntry::Exit(pos));
                }
            }
        }
    }
    let view = if exits_changed {
        serde_json::to_vec(shared.ledger().exit_view())
            .map_err(|_| StoreError::Corrupt { what: "live exits (encoding)" })?
    } else {
        Vec::new()
    };
    let cursor_bytes = cursor.to_be_bytes();
    let last_read_bytes = last_read.map(|b| encode_block_info(&b));
    let mut meta: Vec<(&str, &[u8])> = vec![(L1_CURSOR, &cursor_bytes)];
    if let Some(bytes) = &last_read_bytes {
        meta.push((L1_LAST_READ, bytes));
    }
    if exits_changed {
        meta.push((EXIT_VIEW, &view));
    }
    shared.store.append_log(&entries, &meta)?;
    shared.l1_next.store(cursor, Ordering::Relaxed);
    shared.set_l1_last_read(last_read);
    Ok(())
}

/// Seals the block being filled, if it has transactions.
fn seal(shared: &Shared) -> Result<(), StoreError> {
    let started = Instant::now();
    let mut ledger = shared.ledger_mut();
    if ledger.pending_txs().is_empty() {
        return Ok(());
    }
    let block = ledger.seal();
    let changes = ledger.take_changes();
    // The payments, then the fee claims (stored and served as their only form).
    let hashes: Vec<B256> =
        block.txs.iter().map(|t| t.hash()).chain(block.claims.iter().map(FeeTx::hash)).collect();
    let claims = block.claims.iter().map(FeeTx::encode);
    let stored = StoredBlock {
        number: block.number,
        root: block.root,
        txs: block.txs.into_iter().map(VerifiedTx::into_signed_bytes).chain(claims).collect(),
    };
    shared.store.seal_block(&stored, &hashes, &changes, ledger.pending_block())?;
    // Published under the ledger's lock, so a status never shows the block gone from the
    // pending ones but not yet sealed.
    shared.last_sealed.store(block.number, Ordering::Relaxed);
    shared.sealed.send_replace(block.number);
    drop(ledger);
    let took = started.elapsed();
    tracing::info!(number = block.number, txs = hashes.len(), root = %block.root, ?took, "block sealed");
    metrics::histogram!("plasma_block_size").record(hashes.len() as f64);
    metrics::histogram!("plasma_seal_seconds").record(took.as_secs_f64());
    metrics::gauge!("plasma_mempool_depth").set(0.0);
    Ok(())
}
