//! The watcher's API (namespace `watcher`): its verdict on the chain, its events, and exit,
//! challenge and in-flight exit data built from the blocks it verified.

use alloy_primitives::{B256, Bytes, U256};
// Only the server traits name `RpcResult`: a client answers `T` or its own error.
#[cfg_attr(not(feature = "server"), allow(unused_imports))]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};

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
    /// The first root-chain block it has not read yet.
    #[serde(default)]
    pub l1_next_block: u64,
    /// Blocks it leaves on top of the L1 head before reading (so a reorg cannot fool it).
    #[serde(default)]
    pub confirmations: u64,
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

/// The watcher's API.
#[cfg_attr(all(feature = "server", feature = "client"), rpc(server, client, namespace = "watcher"))]
#[cfg_attr(all(feature = "server", not(feature = "client")), rpc(server, namespace = "watcher"))]
#[cfg_attr(all(feature = "client", not(feature = "server")), rpc(client, namespace = "watcher"))]
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
