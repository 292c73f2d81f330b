//! The one trait through which the operator, the watcher and the wallet use Ethereum.

use crate::RootChainError;
use alloy_primitives::{Address, B256, Bytes, Log, U256};
use std::future::Future;

/// Result of a root-chain operation.
pub type Result<T, E = RootChainError> = std::result::Result<T, E>;

/// A block's identity and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockInfo {
    /// Block number.
    pub number: u64,
    /// Block hash.
    pub hash: B256,
    /// Unix time in seconds.
    pub timestamp: u64,
}

/// A transaction to send (or call, without sending).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxRequest {
    /// The sender; the chain must hold its key.
    pub from: Address,
    /// The callee, or `None` to create a contract from `data`.
    pub to: Option<Address>,
    /// Calldata, or init code for a create.
    pub data: Bytes,
    /// Wei sent along.
    pub value: U256,
    /// Gas limit; estimated when absent.
    pub gas_limit: Option<u64>,
}

impl TxRequest {
    /// A call of `to` with `data` from `from`.
    pub fn call(from: Address, to: Address, data: impl Into<Bytes>) -> Self {
        Self { from, to: Some(to), data: data.into(), ..Self::default() }
    }

    /// A contract creation from `init_code`.
    pub fn create(from: Address, init_code: impl Into<Bytes>) -> Self {
        Self { from, to: None, data: init_code.into(), ..Self::default() }
    }

    /// The same request carrying `value` wei.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }
}

/// A log with where it was emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLog {
    /// The block that holds it.
    pub block_number: u64,
    /// The transaction that emitted it.
    pub tx_hash: B256,
    /// Its index in the block.
    pub log_index: u64,
    /// Emitter, topics and data.
    pub log: Log,
}

/// A mined, successful transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Its hash.
    pub tx_hash: B256,
    /// The block that holds it.
    pub block_number: u64,
    /// Gas used, intrinsic cost included.
    pub gas_used: u64,
    /// Wei paid per gas.
    pub effective_gas_price: u128,
    /// The created contract, for a create.
    pub contract_address: Option<Address>,
    /// The logs it emitted.
    pub logs: Vec<ChainLog>,
}

impl Receipt {
    /// Wei the sender paid for gas.
    pub fn fee(&self) -> U256 {
        U256::from(self.gas_used) * U256::from(self.effective_gas_price)
    }
}

/// What the system needs of Ethereum. Implemented by the embedded chain ([`crate::EmbeddedChain`])
/// and by any JSON-RPC node ([`crate::RpcChain`]).
pub trait RootChain: Send + Sync {
    /// The chain id.
    fn chain_id(&self) -> impl Future<Output = Result<u64>> + Send;

    /// The latest block.
    fn head(&self) -> impl Future<Output = Result<BlockInfo>> + Send;

    /// Block `number`, if it exists.
    fn block(&self, number: u64) -> impl Future<Output = Result<Option<BlockInfo>>> + Send;

    /// The accounts this chain can send from.
    fn accounts(&self) -> Vec<Address>;

    /// Sends a transaction and waits until it is mined. A mined revert is an error
    /// ([`RootChainError::Reverted`]) carrying the gas it used.
    fn send(&self, tx: TxRequest) -> impl Future<Output = Result<Receipt>> + Send;

    /// Executes a call against the latest state without sending it.
    fn call(&self, tx: TxRequest) -> impl Future<Output = Result<Bytes>> + Send;

    /// Logs emitted by `addresses` in blocks `from..=to`.
    fn logs(
        &self,
        addresses: &[Address],
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<Vec<ChainLog>>> + Send;

    /// An account's balance in wei.
    fn balance(&self, address: Address) -> impl Future<Output = Result<U256>> + Send;

    /// The number of transactions `address` has sent (its next nonce).
    fn nonce(&self, address: Address) -> impl Future<Output = Result<u64>> + Send;

    /// The next nonce counting transactions still waiting in the node's pool. Differs from
    /// [`RootChain::nonce`] while a transaction of `address` is in flight.
    fn pending_nonce(&self, address: Address) -> impl Future<Output = Result<u64>> + Send {
        self.nonce(address)
    }

    /// An account's code.
    fn code(&self, address: Address) -> impl Future<Output = Result<Bytes>> + Send;

    /// Fails with [`RootChainError::NoCode`] unless `address` holds a contract.
    fn ensure_code(&self, address: Address) -> impl Future<Output = Result<()>> + Send {
        async move {
            match self.code(address).await?.is_empty() {
                true => Err(RootChainError::NoCode(address)),
                false => Ok(()),
            }
        }
    }
}

/// A development chain whose clock and state tests control: the embedded chain and anvil.
pub trait DevChain: RootChain {
    /// Moves the clock forward by `seconds` and mines a block at the new time.
    fn advance_time(&self, seconds: u64) -> impl Future<Output = Result<BlockInfo>> + Send;

    /// Mines a block (empty if nothing is pending).
    fn mine(&self) -> impl Future<Output = Result<BlockInfo>> + Send;

    /// Saves the whole state; [`DevChain::revert`] goes back to it.
    fn snapshot(&self) -> impl Future<Output = Result<u64>> + Send;

    /// Restores a snapshot (and drops the later ones).
    fn revert(&self, id: u64) -> impl Future<Output = Result<()>> + Send;

    /// Sets an account's balance.
    fn set_balance(&self, address: Address, wei: U256) -> impl Future<Output = Result<()>> + Send;
}
