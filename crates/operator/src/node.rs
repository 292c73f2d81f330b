//! Wires the operator together: recover from the store, start the sequencer thread, the
//! root-chain listener and submitter, and the API server.

use crate::{
    OperatorApiServer, OperatorConfig, OperatorError, listener, rpc,
    sequencer::{self, EXIT_VIEW, L1_CURSOR, L1_LAST_READ, Msg, Shared},
    submitter,
};
use jsonrpsee::server::ServerHandle;
use plasma_engine::decode_block_info;
use plasma_framework::Plasma;
use plasma_ledger::{Ledger, decode_and_verify_batch};
use plasma_primitives::{Address, PaymentTx, position::CHILD_BLOCK_INTERVAL};
use plasma_rootchain::{EventCursor, RootChain};
use plasma_storage::{LogEntry, Store};
use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex, RwLock,
        atomic::AtomicU64,
        mpsc::{SyncSender, sync_channel},
    },
    thread::JoinHandle,
};
use tokio::{sync::watch, task::JoinSet};

/// A running operator.
pub struct OperatorNode {
    rpc_addr: SocketAddr,
    api: rpc::Api,
    server: ServerHandle,
    sequencer: Option<JoinHandle<()>>,
    to_sequencer: SyncSender<Msg>,
    tasks: JoinSet<()>,
    shared: Arc<Shared>,
}

impl OperatorNode {
    /// Recovers the chain from `store`, then starts serving. `operator` must be an account
    /// `plasma`'s root-chain client can send from, and the framework's operator.
    pub async fn start<C: RootChain + 'static>(
        config: OperatorConfig,
        plasma: Arc<Plasma<C>>,
        operator: Address,
        store: Arc<dyn Store>,
    ) -> Result<Self, OperatorError> {
        let (chain_id, interval) = (config.expected_chain_id, config.block_interval);
        crate::startup::check_payment_node(&plasma, operator, chain_id, interval).await?;
        let domain = plasma.domain_separator().await?;
        let (ledger, cursor, last_read) = recover(&config, store.as_ref(), &domain)?;
        let last_sealed = ledger.pending_block() - CHILD_BLOCK_INTERVAL;
        let (sealed_tx, sealed_rx) = watch::channel(last_sealed);
        let shared = Arc::new(Shared {
            ledger: RwLock::new(ledger),
            store,
            domain,
            last_sealed: AtomicU64::new(last_sealed),
            last_submitted: AtomicU64::new(0),
            l1_next: AtomicU64::new(cursor),
            l1_last_read: Mutex::new(last_read),
            sealed: sealed_tx,
            failure: Mutex::new(None),
        });

        let (to_sequencer, from_api) = sync_channel(config.intake_capacity);
        let seq_shared = shared.clone();
        let interval = config.block_interval;
        let sequencer = std::thread::Builder::new()
            .name("sequencer".into())
            .spawn(move || sequencer::run(seq_shared, from_api, interval))
            .map_err(|e| {
                OperatorError::Diverged(format!("cannot start the sequencer thread: {e}"))
            })?;

        let mut tasks = JoinSet::new();
        let events = EventCursor::new(plasma.event_sources(), cursor, config.l1_confirmations)
            .resumed(last_read);
        tasks.spawn(listener::run(
            shared.clone(),
            plasma.clone(),
            events,
            to_sequencer.clone(),
            config.l1_poll_interval,
        ));
        tasks.spawn(submitter::run(shared.clone(), plasma, operator, sealed_rx));

        let listen = |source| OperatorError::Listen { addr: config.rpc_addr, source };
        let api = || rpc::Api {
            shared: shared.clone(),
            sequencer: to_sequencer.clone(),
            max_batch_txs: config.max_batch_txs,
        };
        let (rpc_addr, server) = crate::serve_api(&config.api, config.rpc_addr, api().into_rpc())
            .await
            .map_err(listen)?;
        tracing::info!(%rpc_addr, "operator API listening");
        Ok(Self {
            rpc_addr,
            api: api(),
            server,
            sequencer: Some(sequencer),
            to_sequencer,
            tasks,
            shared,
        })
    }

    /// Where the API listens.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// Submits signed transactions in-process, through exactly the path of `plasma_submitTxs`
    /// minus HTTP: decode and verify on all cores, apply, group commit. One result each.
    pub async fn submit(
        &self,
        txs: Vec<alloy_primitives::Bytes>,
    ) -> Result<Vec<Result<crate::TxAck, String>>, String> {
        let answers = self.api.submit(txs).await.map_err(|e| e.message().to_owned())?;
        Ok(answers
            .into_iter()
            .map(|a| a.map_err(|r| rpc::refusal(r).message().to_owned()))
            .collect())
    }

    /// The node's progress, as `plasma_status` reports it.
    pub async fn status(&self) -> crate::Status {
        self.api.status_now()
    }

    /// Announces new fee rates from operator block `next.effective_block` on (after the block
    /// being filled), replacing any announced before. `plasma_getFees` quotes them at once.
    pub fn schedule_fees(
        &self,
        next: plasma_ledger::ScheduledFees,
    ) -> Result<(), plasma_ledger::LedgerError> {
        self.shared.ledger_mut().schedule_fees(next)?;
        tracing::info!(quote = ?crate::rpc::fee_quote(&self.shared.ledger()), "fees announced");
        Ok(())
    }

    /// Why the node stopped accepting transactions, if it did.
    pub fn failure(&self) -> Option<String> {
        self.shared.failure()
    }

    /// Stops gracefully: no new requests, queued submissions committed, background tasks ended.
    /// Acknowledged transactions not yet in a block stay in the log for the next start.
    pub async fn stop(mut self) {
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        let _ = self.to_sequencer.send(Msg::Shutdown);
        if let Some(handle) = self.sequencer.take() {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
        self.tasks.shutdown().await;
    }
}

/// A log entry to replay; a transaction's bytes go to verification on all cores first.
enum Replay {
    Tx,
    Deposit { blknum: u64, tx: Vec<u8> },
    Exit(plasma_primitives::UtxoPos),
}

/// Rebuilds the ledger: the last sealed state, then the log replayed in order.
fn recover(
    config: &OperatorConfig,
    store: &dyn Store,
    domain: &plasma_primitives::B256,
) -> Result<(Ledger, u64, Option<plasma_rootchain::BlockInfo>), OperatorError> {
    let recovered = store.recover()?;
    let next_block =
        if recovered.next_block == 0 { CHILD_BLOCK_INTERVAL } else { recovered.next_block };
    // Logged transactions were valid when acknowledged: they replay without holds, which the
    // live exits then impose on what is still unspent.
    let mut ledger = Ledger::restore(config.fees.clone(), next_block, recovered.utxos).holding();
    let replayed = recovered.log.len();
    // Signatures are recovered on all cores first; the log is then applied in order.
    let mut tx_bytes = Vec::new();
    let steps: Vec<Replay> = recovered
        .log
        .into_iter()
        .map(|entry| match entry {
            LogEntry::Tx(bytes) => {
                tx_bytes.push(bytes);
                Replay::Tx
            }
            LogEntry::Deposit { blknum, tx } => Replay::Deposit { blknum, tx },
            LogEntry::Exit(pos) => Replay::Exit(pos),
        })
        .collect();
    let mut verified = decode_and_verify_batch(tx_bytes, domain).into_iter();
    for (index, step) in steps.into_iter().enumerate() {
        let replay = |reason: String| OperatorError::Replay { index, reason };
        match step {
            Replay::Tx => {
                let tx = verified.next().expect("a verdict per logged tx");
                let tx = tx.map_err(|e| replay(e.to_string()))?;
                ledger.apply(tx).map_err(|e| replay(e.to_string()))?;
            }
            Replay::Deposit { blknum, tx } => {
                let tx = PaymentTx::decode(&tx).map_err(|e| replay(e.to_string()))?;
                ledger.deposit(blknum, &tx).map_err(|e| replay(e.to_string()))?;
            }
            Replay::Exit(pos) => {
                ledger.exit(pos);
            }
        }
    }
    if let Some(bytes) = store.meta(EXIT_VIEW)? {
        let view = serde_json::from_slice(&bytes).map_err(|e| OperatorError::Replay {
            index: 0,
            reason: format!("stored live exits do not decode: {e}"),
        })?;
        ledger.restore_exit_view(view);
    }
    let cursor = match store.meta(L1_CURSOR)? {
        Some(bytes) => u64::from_be_bytes(bytes.try_into().map_err(|_| OperatorError::Replay {
            index: 0,
            reason: "stored root-chain cursor is not 8 bytes".into(),
        })?),
        None => config.l1_start_block,
    };
    let last_read = match store.meta(L1_LAST_READ)? {
        Some(bytes) => Some(decode_block_info(&bytes).ok_or_else(|| OperatorError::Replay {
            index: 0,
            reason: "stored last root-chain block read is not 48 bytes".into(),
        })?),
        None => None,
    };
    tracing::info!(next_block, replayed, cursor, "recovered");
    Ok((ledger, cursor, last_read))
}
