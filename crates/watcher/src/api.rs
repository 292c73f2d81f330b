//! The service that runs the watcher: a step every poll interval, alerts to the log and to a
//! webhook, and its JSON-RPC API (`plasma-api`'s `WatcherApi`, namespace `watcher`) beside it.

use crate::{
    BlockSource, Watcher, WatcherError, WatcherEvent,
    judge::{Judge, run_judge},
};
use alloy_primitives::{Bytes, U256};
use jsonrpsee::{core::RpcResult, server::ServerHandle, types::ErrorObjectOwned};
use plasma_api::{
    ChallengeData, EventPage, InFlightExitData, WatcherApiServer, WatcherExitData, WatcherStatus,
    codes,
};
use plasma_primitives::UtxoPos;
use plasma_rootchain::{RootChain, RootChainError};
use plasma_server::{ApiLimits, serve_api};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{sync::Mutex, task::JoinHandle};

/// The in-flight exit data as served (both types are other crates', so not a `From`).
fn in_flight_data(a: plasma_framework::InFlightExitArgs) -> InFlightExitData {
    let bytes = |v: Vec<Vec<u8>>| v.into_iter().map(Bytes::from).collect();
    InFlightExitData {
        in_flight_tx: a.tx.into(),
        input_txs: bytes(a.input_txs),
        input_utxos_pos: a.input_positions.iter().map(|p| p.raw()).collect(),
        input_txs_inclusion_proofs: bytes(a.input_proofs),
        in_flight_tx_sigs: bytes(a.signatures),
    }
}

const NOT_FOUND: i32 = codes::NOT_FOUND;
const LIMIT: i32 = codes::LIMIT;
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
            l1_next_block: w.l1_next_block(),
            confirmations: w.confirmations(),
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
        Ok(in_flight_data(w.in_flight_exit_data(&tx).map_err(not_found)?))
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
        let task = tokio::spawn(run_judge(watcher, poll, webhook));
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

/// The payment watcher as the engine's loop drives it: shared with the API, locked per round.
impl<C: RootChain, S: BlockSource> Judge for Arc<Mutex<Watcher<C, S>>> {
    type Event = WatcherEvent;
    type Error = WatcherError;

    async fn judge(&mut self) -> Result<Vec<WatcherEvent>, WatcherError> {
        self.lock().await.step().await
    }

    fn is_alarm(event: &WatcherEvent) -> bool {
        event.is_alarm()
    }

    fn must_stop(error: &WatcherError) -> bool {
        matches!(error, WatcherError::RootChain(RootChainError::DeepReorg { .. }))
    }
}
