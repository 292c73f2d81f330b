//! The operator's API (namespace `plasma`): the payment chain's submissions and reads.
//! Documented in `docs/api.md`.

use alloy_primitives::{Address, B256, Bytes, U256};
// Only the server traits name `RpcResult`: a client answers `T` or its own error.
#[cfg_attr(not(feature = "server"), allow(unused_imports))]
use jsonrpsee::core::RpcResult;
use jsonrpsee::proc_macros::rpc;
use serde::{Deserialize, Serialize};

/// An acknowledged transaction: durable, and applied to the block being filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxAck {
    /// keccak256 of the unsigned bytes.
    pub tx_hash: B256,
    /// The block it will be in.
    pub blknum: u64,
    /// Its index there.
    pub txindex: u16,
}

/// One result of a batch submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitResult {
    /// The acknowledgement, if accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<TxAck>,
    /// Why not, if refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A block with its transactions' full signed bytes, so anyone can re-check its root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockData {
    /// Block number.
    pub number: u64,
    /// Merkle root.
    pub root: B256,
    /// Signed transactions, leaf order.
    pub txs: Vec<Bytes>,
}

/// A transaction in a block, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxData {
    /// The signed bytes.
    pub tx: Bytes,
    /// Its block.
    pub blknum: u64,
    /// Its index.
    pub txindex: u16,
    /// The 512-byte inclusion proof.
    pub proof: Bytes,
}

/// One unspent output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Utxo {
    /// Its position.
    pub utxo_pos: U256,
    /// Owner.
    pub owner: Address,
    /// Token (zero = ETH).
    pub token: Address,
    /// Amount.
    pub amount: U256,
}

/// A page of outputs; ask again with `after = next` while `next` is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UtxoPage {
    /// Outputs in position order.
    pub utxos: Vec<Utxo>,
    /// The position to continue after, if there are more.
    pub next: Option<U256>,
}

/// A balance in one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenBalance {
    /// Token (zero = ETH).
    pub token: Address,
    /// Sum of unspent outputs.
    pub amount: U256,
}

/// What `startStandardExit` needs for an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitData {
    /// The output's position.
    pub utxo_pos: U256,
    /// The unsigned bytes of the transaction that created it.
    pub tx_bytes: Bytes,
    /// Its 512-byte inclusion proof.
    pub proof: Bytes,
}

/// The node's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The block being filled.
    pub pending_block: u64,
    /// Transactions in it.
    pub pending_txs: u64,
    /// The last sealed block (0 if none).
    pub last_sealed_block: u64,
    /// The last block whose root is on the root chain (0 if none).
    pub last_submitted_block: u64,
    /// The first root-chain block not yet read for deposits and exits.
    pub l1_next_block: u64,
    /// Unspent outputs.
    pub utxos: u64,
    /// Of those, outputs held by a live exit on the root chain (not spendable here).
    #[serde(default)]
    pub held: u64,
    /// Live exits the node follows: standard, in flight.
    #[serde(default)]
    pub live_exits: (u64, u64),
}

/// What a transaction owes in one accepted fee token: `base + perInput·inputs +
/// perOutput·outputs` (all in the token's base unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeRateInfo {
    /// The token (zero address: ETH).
    pub token: Address,
    /// Owed by every transaction.
    pub base: U256,
    /// Owed per input.
    pub per_input: U256,
    /// Owed per output.
    pub per_output: U256,
}

impl FeeRateInfo {
    /// The fee of a transaction of `inputs` inputs and `outputs` outputs.
    pub fn fee_for(&self, inputs: usize, outputs: usize) -> U256 {
        let per = |rate: U256, n: usize| rate.saturating_mul(U256::from(n));
        self.base
            .saturating_add(per(self.per_input, inputs))
            .saturating_add(per(self.per_output, outputs))
    }
}

/// Announced rates and the first block they apply to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledRates {
    /// The first operator block that uses them.
    pub effective_block: u64,
    /// One entry per accepted fee token.
    pub rates: Vec<FeeRateInfo>,
}

/// The fee schedule: what a transaction sent now owes, and what is announced. A transaction
/// pays the fee of at least one accepted token (what it leaves unspent in that token); an
/// empty list of rates asks for no fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeQuote {
    /// The block a transaction sent now goes in.
    pub pending_block: u64,
    /// The rates of that block.
    pub rates: Vec<FeeRateInfo>,
    /// The next rates, if a change is announced.
    pub next: Option<ScheduledRates>,
    /// Who receives the fees (fee-claim outputs after each block's payments), if anyone.
    pub claimer: Option<Address>,
}

impl FeeQuote {
    /// The rates of block `blknum`.
    pub fn rates_at(&self, blknum: u64) -> &[FeeRateInfo] {
        match &self.next {
            Some(next) if blknum >= next.effective_block => &next.rates,
            _ => &self.rates,
        }
    }
}

/// The operator's API.
#[cfg_attr(all(feature = "server", feature = "client"), rpc(server, client, namespace = "plasma"))]
#[cfg_attr(all(feature = "server", not(feature = "client")), rpc(server, namespace = "plasma"))]
#[cfg_attr(all(feature = "client", not(feature = "server")), rpc(client, namespace = "plasma"))]
pub trait OperatorApi {
    /// Submits one signed transaction; answers once it is durable.
    #[method(name = "submitTx")]
    async fn submit_tx(&self, tx: Bytes) -> RpcResult<TxAck>;

    /// Submits up to 1,000 signed transactions, applied in order; one result each.
    #[method(name = "submitTxs")]
    async fn submit_txs(&self, txs: Vec<Bytes>) -> RpcResult<Vec<SubmitResult>>;

    /// A block (operator or deposit block) with every transaction's bytes.
    #[method(name = "getBlock")]
    async fn get_block(&self, blknum: u64) -> RpcResult<BlockData>;

    /// A sealed transaction by hash, with its inclusion proof.
    #[method(name = "getTx")]
    async fn get_tx(&self, tx_hash: B256) -> RpcResult<TxData>;

    /// An owner's unspent outputs, at most `limit` (≤ 1,000) after position `after`.
    #[method(name = "getUtxos")]
    async fn get_utxos(
        &self,
        owner: Address,
        after: Option<U256>,
        limit: Option<u32>,
    ) -> RpcResult<UtxoPage>;

    /// An owner's balance per token.
    #[method(name = "getBalance")]
    async fn get_balance(&self, owner: Address) -> RpcResult<Vec<TokenBalance>>;

    /// The data to start a standard exit of an output in a sealed or deposit block.
    #[method(name = "getExitData")]
    async fn get_exit_data(&self, utxo_pos: U256) -> RpcResult<ExitData>;

    /// The node's progress.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<Status>;

    /// The fee schedule: the rates of the block being filled, and the next ones announced.
    #[method(name = "getFees")]
    async fn get_fees(&self) -> RpcResult<FeeQuote>;
}
