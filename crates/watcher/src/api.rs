//! The watcher's JSON-RPC API (namespace `watcher`) and the service that runs the watcher:
//! a step every poll interval, alerts to the log and to a webhook, and the API beside it.

use crate::{BlockSource, Watcher, WatcherError};
use alloy_primitives::{B256, Bytes, U256};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, server::ServerHandle, types::ErrorObjectOwned};
use plasma_operator::{ApiLimits, serve_api};
use plasma_primitives::UtxoPos;
use plasma_rootchain::{RootChain, RootChainError};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{sync::Mutex, task::JoinHandle};

/// The watcher's view of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatcherStatus {
    /// The last block verified (0 if none).
    pub last_verified_block: u64,
    /// Why the chain must not be trusted, if it must not.
    pub byzantine: Option<String>,
    /// Events so far (a cursor for `watcher_events`).
    pub events: u64,
}

/// A page of events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    /// The events, oldest first, as JSON objects with a `kind`.
    pub events: Vec<serde_json::Value>,
    /// The cursor to ask from next.
    pub next: u64,
}

/// What `startStandardExit` needs, from verified data only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatcherExitData {
    /// The output's position.
    pub utxo_pos: U256,
    /// The transaction that created it (unsigned).
    pub tx_bytes: Bytes,
    /// Its inclusion proof.
    pub proof: Bytes,
}

/// What `challengeStandardExit` needs against an exit of a spent output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeData {
    /// The exiting output.
    pub utxo_pos: U256,
    /// The transaction that created it (unsigned).
    pub exiting_tx: Bytes,
    /// The transaction that spends it (unsigned).
    pub challenge_tx: Bytes,
    /// The owner's signature of the spending input.
    pub signature: Bytes,
    /// The spending transaction's id.
    pub challenge_tx_hash: B256,
}

/// What `startInFlightExit` needs, from verified data only (the signatures are the signed
/// transaction's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlightExitData {
    /// The unsigned in-flight transaction.
    pub in_flight_tx: Bytes,
    /// The unsigned transactions that created its inputs.
    pub input_txs: Vec<Bytes>,
    /// The inputs' positions.
    pub input_utxos_pos: Vec<U256>,
    /// Each input transaction's inclusion proof.
    pub input_txs_inclusion_proofs: Vec<Bytes>,
    /// The signatures of the in-flight transaction, one per input.
    pub in_flight_tx_sigs: Vec<Bytes>,
}

impl From<plasma_rootchain::InFlightExitArgs> for InFlightExitData {
    fn from(a: plasma_rootchain::InFlightExitArgs) -> Self {
        let bytes = |v: Vec<Vec<u8>>| v.into_iter().map(Bytes::from).collect();
        Self {
            in_flight_tx: a.tx.into(),
            input_txs: bytes(a.input_txs),
            input_utxos_pos: a.input_positions.iter().map(|p| p.raw()).collect(),
            input_txs_inclusion_proofs: bytes(a.input_proofs),
            in_flight_tx_sigs: bytes(a.signatures),
        }
    }
}

/// The watcher's API.
#[rpc(server, client, namespace = "watcher")]
pub trait WatcherApi {
    /// Progress and whether the chain is byzantine.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<WatcherStatus>;

    /// Up to `limit` (≤ 1,000) events from cursor `since`.
    #[method(name = "events")]
    async fn events(&self, since: u64, limit: Option<u32>) -> RpcResult<EventPage>;

    /// Exit data for an output, built from blocks this watcher verified.
    #[method(name = "exitData")]
    async fn exit_data(&self, utxo_pos: U256) -> RpcResult<WatcherExitData>;

    /// Challenge data for an output this watcher has seen spent.
    #[method(name = "challengeData")]
    async fn challenge_data(&self, utxo_pos: U256) -> RpcResult<ChallengeData>;

    /// In-flight exit data for a signed transaction (its inputs must be in verified blocks).
    #[method(name = "inFlightExitData")]
    async fn in_flight_exit_data(&self, signed_tx: Bytes) -> RpcResult<InFlightExitData>;
}

const NOT_FOUND: i32 = -32005;
const LIMIT: i32 = -32004;
const INVALID_PARAMS: i32 = -32602;

fn not_found(what: String) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(NOT_FOUND, what, None::<()>)
}

struct Api<C, S> {
    watcher: Arc<Mutex<Watcher<C, S>>>,
}

fn position(raw: U256) -> RpcResult<UtxoPos> {
    UtxoPos::from_raw(raw).ok_or_else(|| not_found("position 0 names no output".into()))
}

#[jsonrpsee::core::async_trait]
impl<C: RootChain + 'static, S: BlockSource + 'static> WatcherApiServer for Api<C, S> {
    async fn status(&self) -> RpcResult<WatcherStatus> {
        let w = self.watcher.lock().await;
        Ok(WatcherStatus {
            last_verified_block: w.last_verified(),
            byzantine: w.byzantine().map(str::to_owned),
            events: w.events().len() as u64,
        })
    }

    async fn events(&self, since: u64, limit: Option<u32>) -> RpcResult<EventPage> {
        let limit = limit.unwrap_or(1000);
        if limit == 0 || limit > 1000 {
            return Err(ErrorObjectOwned::owned(
                LIMIT,
                format!("limit {limit} must be 1 to 1000"),
                None::<()>,
            ));
        }
        let w = self.watcher.lock().await;
        let all = w.events();
        let start = (since as usize).min(all.len());
        let end = (start + limit as usize).min(all.len());
        let events =
            all[start..end].iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect();
        Ok(EventPage { events, next: end as u64 })
    }

    async fn exit_data(&self, utxo_pos: U256) -> RpcResult<WatcherExitData> {
        let pos = position(utxo_pos)?;
        let w = self.watcher.lock().await;
        let (tx, proof) =
            w.exit_data(pos).ok_or_else(|| not_found(format!("no verified output at {pos}")))?;
        Ok(WatcherExitData { utxo_pos, tx_bytes: tx.into(), proof: proof.into() })
    }

    async fn challenge_data(&self, utxo_pos: U256) -> RpcResult<ChallengeData> {
        let pos = position(utxo_pos)?;
        let w = self.watcher.lock().await;
        let (exiting, spend) =
            w.challenge_data(pos).ok_or_else(|| not_found(format!("no known spend of {pos}")))?;
        Ok(ChallengeData {
            utxo_pos,
            exiting_tx: exiting.into(),
            challenge_tx: spend.tx.into(),
            signature: spend.signature.to_vec().into(),
            challenge_tx_hash: spend.hash,
        })
    }

    async fn in_flight_exit_data(&self, signed_tx: Bytes) -> RpcResult<InFlightExitData> {
        let tx = plasma_primitives::SignedTx::decode(&signed_tx).map_err(|e| {
            ErrorObjectOwned::owned(
                INVALID_PARAMS,
                format!("not a signed transaction: {e}"),
                None::<()>,
            )
        })?;
        let w = self.watcher.lock().await;
        Ok(w.in_flight_exit_data(&tx).map_err(not_found)?.into())
    }
}

/// A running watcher service.
pub struct WatcherService {
    rpc_addr: SocketAddr,
    server: ServerHandle,
    task: JoinHandle<WatcherError>,
}

impl WatcherService {
    /// Starts stepping `watcher` every `poll`, posting alarms to `webhook` (if any) as JSON,
    /// and serving the API on `rpc_addr` within the default [`ApiLimits`] (the operator's).
    pub async fn start<C: RootChain + 'static, S: BlockSource + 'static>(
        watcher: Watcher<C, S>,
        rpc_addr: SocketAddr,
        poll: Duration,
        webhook: Option<String>,
    ) -> std::io::Result<Self> {
        Self::start_with_limits(watcher, rpc_addr, &ApiLimits::default(), poll, webhook).await
    }

    /// The same, serving within `limits`.
    pub async fn start_with_limits<C: RootChain + 'static, S: BlockSource + 'static>(
        watcher: Watcher<C, S>,
        rpc_addr: SocketAddr,
        limits: &ApiLimits,
        poll: Duration,
        webhook: Option<String>,
    ) -> std::io::Result<Self> {
        let watcher = Arc::new(Mutex::new(watcher));
        let api = Api { watcher: watcher.clone() }.into_rpc();
        let (rpc_addr, server) = serve_api(limits, rpc_addr, api).await?;
        let task = tokio::spawn(run(watcher, poll, webhook));
        Ok(Self { rpc_addr, server, task })
    }

    /// Where the API listens.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// Waits until the loop stops by itself, which it does only on a reorganisation of the
    /// root chain deeper than the confirmation depth (fail-stop: what it read may no longer
    /// exist; restarted, it reads the root chain again). Other step failures are retried.
    pub async fn stopped(&mut self) -> Result<WatcherError, tokio::task::JoinError> {
        (&mut self.task).await
    }

    /// Stops the loop and the API.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.server.stop();
        self.server.stopped().await;
    }
}

async fn run<C: RootChain, S: BlockSource>(
    watcher: Arc<Mutex<Watcher<C, S>>>,
    poll: Duration,
    webhook: Option<String>,
) -> WatcherError {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().ok();
    loop {
        let result = watcher.lock().await.step().await;
        match result {
            Ok(events) => {
                if let (Some(url), Some(http)) = (&webhook, &http) {
                    for event in events.iter().filter(|e| e.is_alarm()) {
                        alert(http, url, event).await;
                    }
                }
            }
            Err(e @ WatcherError::RootChain(RootChainError::DeepReorg { .. })) => {
                tracing::error!(%e, "watcher stopped: a root-chain reorg deeper than its confirmations; restart it");
                return e;
            }
            Err(e) => tracing::warn!(%e, "watcher step failed; retrying"),
        }
        tokio::time::sleep(poll).await;
    }
}

/// POSTs `event` as JSON to the webhook; a failure is logged, never fatal.
pub(crate) async fn alert(http: &reqwest::Client, url: &str, event: &impl serde::Serialize) {
    if let Err(e) = http.post(url).json(event).send().await.and_then(|r| r.error_for_status()) {
        tracing::warn!(%e, url, "webhook alert failed");
    }
}
