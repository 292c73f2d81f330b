//! The Cash operator's API (namespace `cash`): coin transfers, and each coin's history with
//! the proofs its owner checks against the root chain. The family's part of the wire
//! contract (the engine's and the payment chain's are `plasma-api`'s): feature `api-client`
//! for the typed client, `api-server` for the server trait.

use alloy_primitives::{B256, Bytes};
// Only the server traits name `RpcResult`: a client answers `T` or its own error.
use crate::{BlockEntry, CoinHistory, Origin, Spend};
#[cfg_attr(not(feature = "api-server"), allow(unused_imports))]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use plasma_primitives::cash::{CashSignature, CashTx};
use serde::{Deserialize, Serialize};

/// Most transfers in one `cash_submitTxs` call.
pub const MAX_CASH_BATCH: usize = 1_000;

/// A signed coin transfer, as submitted in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashTransfer {
    /// The transfer (RLP).
    pub tx: Bytes,
    /// Its 66-byte signature.
    pub signature: Bytes,
}

/// One result of a batch of transfers: the hash if accepted, the reason if not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashSubmitResult {
    /// The transfer's hash, if accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<B256>,
    /// Why not, if refused (it names the coin and the rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One block's entry of a coin's history, as served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryData {
    /// The operator block.
    pub block: u64,
    /// The coin's transfer in it (RLP), if it moved there.
    pub tx: Option<Bytes>,
    /// The transfer's 66-byte signature.
    pub signature: Option<Bytes>,
    /// The bitmap proof of the transfer, or of the empty leaf at the coin's slot.
    pub proof: Bytes,
}

/// A coin's history from its deposit, as served (the owner verifies it against L1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoinHistoryData {
    /// The coin.
    pub slot: u64,
    /// Every sealed operator block since the deposit, in order.
    pub entries: Vec<HistoryEntryData>,
}

impl CoinHistoryData {
    /// The history as served.
    pub fn from_history(history: &CoinHistory) -> Self {
        let entries = history
            .entries
            .iter()
            .map(|e| HistoryEntryData {
                block: e.block,
                tx: e.spend.map(|s| s.tx.encode().into()),
                signature: e.spend.map(|s| s.signature.to_bytes().to_vec().into()),
                proof: e.proof.clone().into(),
            })
            .collect();
        Self { slot: history.slot, entries }
    }

    /// The history for verification; `Err` names the block whose data does not decode.
    pub fn into_history(self) -> Result<CoinHistory, String> {
        let entries = self
            .entries
            .into_iter()
            .map(|e| {
                let spend = match (e.tx, e.signature) {
                    (None, None) => None,
                    (Some(tx), Some(sig)) => Some(Spend {
                        tx: CashTx::decode(&tx)
                            .map_err(|err| format!("block {}: {err}", e.block))?,
                        signature: CashSignature::from_slice(&sig)
                            .map_err(|err| format!("block {}: {err}", e.block))?,
                    }),
                    _ => return Err(format!("block {}: a transfer without a signature", e.block)),
                };
                Ok(BlockEntry { block: e.block, spend, proof: e.proof.to_vec() })
            })
            .collect::<Result<_, String>>()?;
        Ok(CoinHistory { slot: self.slot, origin: Origin::Deposit, entries })
    }
}

/// A coin's place in the latest checkpoint, as served: the client reads the checkpoint's root
/// and finality from the root chain and checks the proof itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointProofData {
    /// The checkpoint's id on the root chain.
    pub id: alloy_primitives::U256,
    /// The operator block it commits to.
    pub block: u64,
    /// The coin's leaf: the hash of its latest tx at or before `block`, as the checkpoint says.
    pub leaf: B256,
    /// The leaf's proof at the coin's slot.
    pub proof: Bytes,
}

/// Most slots in one [`CoinPage`].
pub const MAX_COIN_PAGE: u32 = 1_000;

/// One page of an owner's coins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoinPage {
    /// The slots, in order.
    pub slots: Vec<u64>,
    /// The `after` for the next page; `None` on the last.
    pub next: Option<u64>,
}

/// The Cash node's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashStatus {
    /// The block being filled.
    pub pending_block: u64,
    /// Transfers waiting in it.
    pub pending_txs: u64,
    /// The last block committed on the root chain (0 if none).
    pub last_submitted_block: u64,
    /// Coins deposited.
    pub coins: u64,
}

/// The Cash node's API (namespace `cash`).
#[cfg_attr(
    all(feature = "api-server", feature = "api-client"),
    rpc(server, client, namespace = "cash")
)]
#[cfg_attr(
    all(feature = "api-server", not(feature = "api-client")),
    rpc(server, namespace = "cash")
)]
#[cfg_attr(
    all(feature = "api-client", not(feature = "api-server")),
    rpc(client, namespace = "cash")
)]
pub trait CashApi {
    /// Submits a coin transfer signed by the coin's owner; returns its hash.
    #[method(name = "submitTx")]
    async fn submit_tx(&self, tx: Bytes, signature: Bytes) -> RpcResult<B256>;

    /// Submits up to [`MAX_CASH_BATCH`] transfers, applied in order (signatures recovered on
    /// all cores first, one journal write for the accepted ones); one result each.
    #[method(name = "submitTxs")]
    async fn submit_txs(&self, transfers: Vec<CashTransfer>) -> RpcResult<Vec<CashSubmitResult>>;

    /// The coin's history since its deposit, with a proof for every sealed block.
    #[method(name = "getCoinHistory")]
    async fn get_coin_history(&self, slot: u64) -> RpcResult<CoinHistoryData>;

    /// The coin's proof in the latest checkpoint on the root chain (`null` if there is none).
    #[method(name = "getCheckpointProof")]
    async fn get_checkpoint_proof(&self, slot: u64) -> RpcResult<Option<CheckpointProofData>>;

    /// Up to `limit` (at most [`MAX_COIN_PAGE`]) slots after `after` of the coins `owner`
    /// holds as of the last sealed block: a claim, each to be verified with its history.
    #[method(name = "getCoinsOf")]
    async fn get_coins_of(
        &self,
        owner: alloy_primitives::Address,
        after: Option<u64>,
        limit: Option<u32>,
    ) -> RpcResult<CoinPage>;

    /// Progress.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<CashStatus>;
}
