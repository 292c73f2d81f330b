//! The root chain over JSON-RPC: any Ethereum endpoint, through alloy.
//!
//! Reads retry transport errors with exponential backoff and then give up with a typed error;
//! every wait has a deadline. Transactions are signed locally with the keys the chain was given,
//! with the nonce fixed per transaction so that a resubmission at a higher gas price replaces
//! the first attempt instead of adding a second one ("never twice in the same slot").

use crate::{
    BlockInfo, ChainLog, DevChain, Receipt, Result, RootChain, RootChainError, TxRequest,
    error::narrow, revert,
};
use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, B256, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::{
        client::RpcClient,
        types::{BlockNumberOrTag, Filter, TransactionReceipt, TransactionRequest},
    },
    signers::local::PrivateKeySigner,
    transports::{
        RpcError, TransportErrorKind,
        http::{Http, reqwest},
    },
};
use plasma_primitives::PrivateKey;
use std::{future::Future, time::Duration};
use tokio::time::{Instant, sleep};

/// How transactions are priced, and re-priced when they are not mined in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasPolicy {
    /// Never pay more than this many wei per gas.
    pub max_gas_price: u128,
    /// Resubmit at a higher price when not mined within this time.
    pub resubmit_after: Duration,
    /// Raise the price by this many percent per resubmission (nodes require at least 10).
    pub bump_percent: u32,
    /// Give up on a transaction after this long.
    pub deadline: Duration,
}

impl Default for GasPolicy {
    fn default() -> Self {
        Self {
            max_gas_price: 500_000_000_000,
            resubmit_after: Duration::from_secs(60),
            bump_percent: 20,
            deadline: Duration::from_secs(15 * 60),
        }
    }
}

/// How to reach and use an endpoint.
#[derive(Debug, Clone)]
pub struct RpcConfig {
    /// The endpoint URL.
    pub url: String,
    /// The chain id the endpoint must serve; checked on connect.
    pub expected_chain_id: Option<u64>,
    /// Blocks a log must be buried under before [`crate::EventCursor`] reads it.
    pub confirmations: u64,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Retries of a failed read before giving up.
    pub retries: u32,
    /// First retry delay; doubles each time.
    pub backoff: Duration,
    /// How often to poll for receipts.
    pub poll_interval: Duration,
    /// Pricing of transactions.
    pub gas: GasPolicy,
}

impl RpcConfig {
    /// Defaults for `url`: 12 confirmations, 5 retries from 200 ms, 10 s requests.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            expected_chain_id: None,
            confirmations: 12,
            request_timeout: Duration::from_secs(10),
            retries: 5,
            backoff: Duration::from_millis(200),
            poll_interval: Duration::from_millis(250),
            gas: GasPolicy::default(),
        }
    }
}

/// An Ethereum node reached over HTTP JSON-RPC.
pub struct RpcChain {
    config: RpcConfig,
    provider: DynProvider,
    accounts: Vec<Address>,
    chain_id: u64,
}

impl RpcChain {
    /// Connects, checks the chain id, and signs with `keys`.
    pub async fn connect(config: RpcConfig, keys: &[PrivateKey]) -> Result<Self> {
        let url: reqwest::Url =
            config.url.parse().map_err(|e: <reqwest::Url as std::str::FromStr>::Err| {
                RootChainError::BadEndpoint { url: config.url.clone(), reason: e.to_string() }
            })?;
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .build()
            .map_err(|e| RootChainError::BadEndpoint {
                url: config.url.clone(),
                reason: format!("HTTP client: {e}"),
            })?;
        let is_local = url.host_str().is_some_and(|h| h == "localhost" || h.starts_with("127."));
        let client = RpcClient::new(Http::with_client(http, url), is_local);
        let mut wallet = EthereumWallet::default();
        let mut accounts = Vec::with_capacity(keys.len());
        for key in keys {
            let signer = PrivateKeySigner::from_bytes(&B256::from(key.to_bytes()))
                .map_err(|e| RootChainError::BadKey(e.to_string()))?;
            accounts.push(signer.address());
            wallet.register_signer(signer);
        }
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .wallet(wallet)
            .connect_client(client)
            .erased();
        let mut chain = Self { config, provider, accounts, chain_id: 0 };
        chain.chain_id =
            chain.read("eth_chainId", |p| async move { p.get_chain_id().await }).await?;
        if let Some(expected) = chain.config.expected_chain_id
            && expected != chain.chain_id
        {
            return Err(RootChainError::WrongChainId { expected, found: chain.chain_id });
        }
        Ok(chain)
    }

    /// The node's current gas price quote, in wei.
    pub async fn gas_price(&self) -> Result<u128> {
        self.read("eth_gasPrice", |p| async move { p.get_gas_price().await }).await
    }

    /// The configuration in force.
    pub fn config(&self) -> &RpcConfig {
        &self.config
    }

    /// Runs a read, retrying transport errors with exponential backoff.
    async fn read<T, F, Fut>(&self, what: &str, f: F) -> Result<T>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: Future<Output = std::result::Result<T, RpcError<TransportErrorKind>>>,
    {
        let mut delay = self.config.backoff;
        let mut attempt = 0;
        loop {
            match f(self.provider.clone()).await {
                Ok(value) => return Ok(value),
                Err(RpcError::Transport(kind)) if attempt < self.config.retries => {
                    tracing::debug!(%kind, what, attempt, "transport error, retrying");
                }
                Err(RpcError::Transport(kind)) => {
                    return Err(RootChainError::Unreachable {
                        url: self.config.url.clone(),
                        reason: format!("{what}: {kind}"),
                    });
                }
                Err(other) => return Err(rpc_error(other)),
            }
            attempt += 1;
            sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
    }

    fn request(&self, tx: &TxRequest) -> TransactionRequest {
        let mut req = TransactionRequest::default()
            .from(tx.from)
            .value(tx.value)
            .input(tx.data.clone().into());
        match tx.to {
            Some(to) => req = req.to(to),
            None => req.set_create(),
        }
        req
    }

    async fn receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>> {
        self.read(
            "eth_getTransactionReceipt",
            |p| async move { p.get_transaction_receipt(hash).await },
        )
        .await
    }

    /// Waits for any of `hashes` to be mined, until `until`.
    async fn wait_mined(
        &self,
        hashes: &[B256],
        until: Instant,
    ) -> Result<Option<TransactionReceipt>> {
        loop {
            for &hash in hashes {
                if let Some(receipt) = self.receipt(hash).await? {
                    return Ok(Some(receipt));
                }
            }
            if Instant::now() >= until {
                return Ok(None);
            }
            sleep(self.config.poll_interval).await;
        }
    }

    fn to_receipt(&self, r: TransactionReceipt, tx: &TxRequest) -> Result<Receipt> {
        let logs = r
            .inner
            .logs()
            .iter()
            .map(|l| ChainLog {
                block_number: l.block_number.unwrap_or_default(),
                tx_hash: l.transaction_hash.unwrap_or_default(),
                log_index: l.log_index.unwrap_or_default(),
                log: l.inner.clone(),
            })
            .collect();
        if !r.status() {
            return Err(RootChainError::Reverted {
                reason: format!(
                    "mined with status 0 in block {:?} (to {:?})",
                    r.block_number, tx.to
                ),
                data: Bytes::new(),
                gas_used: Some(r.gas_used),
                tx_hash: Some(r.transaction_hash),
            });
        }
        Ok(Receipt {
            tx_hash: r.transaction_hash,
            block_number: r.block_number.unwrap_or_default(),
            gas_used: r.gas_used,
            effective_gas_price: r.effective_gas_price,
            contract_address: r.contract_address,
            logs,
        })
    }
}

/// Maps a non-transport RPC error: revert data becomes [`RootChainError::Reverted`].
fn rpc_error(err: RpcError<TransportErrorKind>) -> RootChainError {
    if let RpcError::ErrorResp(payload) = &err {
        if let Some(data) = payload.as_revert_data() {
            return RootChainError::Reverted {
                reason: revert::describe(&data),
                data,
                gas_used: None,
                tx_hash: None,
            };
        }
        let message = payload.message.to_lowercase();
        if message.contains("revert") {
            return RootChainError::Reverted {
                reason: payload.message.to_string(),
                data: Bytes::new(),
                gas_used: None,
                tx_hash: None,
            };
        }
        return RootChainError::Rejected(payload.message.to_string());
    }
    RootChainError::Transport(err.to_string())
}

/// The next gas price: `percent` above `price`, at least one wei more, capped.
fn bumped(price: u128, percent: u32, cap: u128) -> u128 {
    let raised = price.saturating_mul(100 + u128::from(percent)) / 100;
    raised.max(price + 1).min(cap)
}

impl RootChain for RpcChain {
    async fn chain_id(&self) -> Result<u64> {
        Ok(self.chain_id)
    }

    async fn head(&self) -> Result<BlockInfo> {
        self.block_by(BlockNumberOrTag::Latest).await?.ok_or(RootChainError::NoHead)
    }

    async fn block(&self, number: u64) -> Result<Option<BlockInfo>> {
        self.block_by(BlockNumberOrTag::Number(number)).await
    }

    fn accounts(&self) -> Vec<Address> {
        self.accounts.clone()
    }

    async fn send(&self, tx: TxRequest) -> Result<Receipt> {
        if !self.accounts.contains(&tx.from) {
            return Err(RootChainError::UnknownAccount(tx.from));
        }
        let policy = self.config.gas;
        let from = tx.from;
        let nonce = self
            .read("eth_getTransactionCount", |p| async move {
                p.get_transaction_count(from).pending().await
            })
            .await?;
        let base = self.request(&tx).with_nonce(nonce).with_chain_id(self.chain_id);
        let gas_limit = match tx.gas_limit {
            Some(limit) => limit,
            None => {
                let probe = base.clone();
                let estimate = self.read("eth_estimateGas", |p| {
                    let probe = probe.clone();
                    async move { p.estimate_gas(probe).await }
                });
                // Headroom over the estimate: refunds and storage warmth vary between runs.
                estimate.await? * 6 / 5
            }
        };
        let mut price = self.gas_price().await?.min(policy.max_gas_price);
        let deadline = Instant::now() + policy.deadline;
        let mut sent: Vec<B256> = Vec::new();
        loop {
            let signed = base.clone().with_gas_limit(gas_limit).with_gas_price(price);
            match self.provider.send_transaction(signed).await {
                Ok(pending) => sent.push(*pending.tx_hash()),
                // A replacement refused because an earlier attempt was mined: wait for it.
                Err(err) if !sent.is_empty() => tracing::debug!(%err, "replacement refused"),
                Err(RpcError::Transport(kind)) => {
                    return Err(RootChainError::Unreachable {
                        url: self.config.url.clone(),
                        reason: kind.to_string(),
                    });
                }
                Err(err) => return Err(rpc_error(err)),
            }
            let until = (Instant::now() + policy.resubmit_after).min(deadline);
            if let Some(receipt) = self.wait_mined(&sent, until).await? {
                return self.to_receipt(receipt, &tx);
            }
            if Instant::now() >= deadline {
                return Err(RootChainError::Timeout {
                    what: format!("transaction from {from} with nonce {nonce} to be mined"),
                    after: policy.deadline,
                });
            }
            let next = bumped(price, policy.bump_percent, policy.max_gas_price);
            if next == price {
                tracing::warn!(price, "gas price at its cap; waiting without resubmitting");
            } else {
                tracing::info!(
                    nonce,
                    old = price,
                    new = next,
                    "not mined in time; resubmitting at a higher price"
                );
                price = next;
            }
        }
    }

    async fn call(&self, tx: TxRequest) -> Result<Bytes> {
        let req = self.request(&tx);
        self.read("eth_call", |p| {
            let req = req.clone();
            async move { p.call(req).await }
        })
        .await
    }

    async fn logs(&self, addresses: &[Address], from: u64, to: u64) -> Result<Vec<ChainLog>> {
        let filter = Filter::new().address(addresses.to_vec()).from_block(from).to_block(to);
        let logs = self
            .read("eth_getLogs", |p| {
                let filter = filter.clone();
                async move { p.get_logs(&filter).await }
            })
            .await?;
        Ok(logs
            .into_iter()
            .map(|l| ChainLog {
                block_number: l.block_number.unwrap_or_default(),
                tx_hash: l.transaction_hash.unwrap_or_default(),
                log_index: l.log_index.unwrap_or_default(),
                log: l.inner,
            })
            .collect())
    }

    async fn balance(&self, address: Address) -> Result<U256> {
        self.read("eth_getBalance", |p| async move { p.get_balance(address).await }).await
    }

    async fn nonce(&self, address: Address) -> Result<u64> {
        self.read(
            "eth_getTransactionCount",
            |p| async move { p.get_transaction_count(address).await },
        )
        .await
    }

    async fn pending_nonce(&self, address: Address) -> Result<u64> {
        self.read("eth_getTransactionCount", |p| async move {
            p.get_transaction_count(address).pending().await
        })
        .await
    }

    async fn code(&self, address: Address) -> Result<Bytes> {
        self.read("eth_getCode", |p| async move { p.get_code_at(address).await }).await
    }
}

impl RpcChain {
    async fn block_by(&self, tag: BlockNumberOrTag) -> Result<Option<BlockInfo>> {
        let block = self
            .read("eth_getBlockByNumber", |p| async move { p.get_block_by_number(tag).await })
            .await?;
        Ok(block.map(|b| BlockInfo {
            number: b.header.number,
            hash: b.header.hash,
            timestamp: b.header.timestamp,
        }))
    }

    async fn dev_call<R>(&self, method: &'static str, params: serde_json::Value) -> Result<R>
    where
        R: serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + Unpin + 'static,
    {
        self.read(method, |p| {
            let params = params.clone();
            async move { p.raw_request::<_, R>(method.into(), params).await }
        })
        .await
    }
}

/// Anvil's (and Hardhat's) development methods.
impl DevChain for RpcChain {
    async fn advance_time(&self, seconds: u64) -> Result<BlockInfo> {
        let _: serde_json::Value =
            self.dev_call("evm_increaseTime", serde_json::json!([seconds])).await?;
        self.mine().await
    }

    async fn mine(&self) -> Result<BlockInfo> {
        let _: serde_json::Value = self.dev_call("evm_mine", serde_json::json!([])).await?;
        self.head().await
    }

    async fn snapshot(&self) -> Result<u64> {
        let id: U256 = self.dev_call("evm_snapshot", serde_json::json!([])).await?;
        narrow(id, "snapshot id")
    }

    async fn revert(&self, id: u64) -> Result<()> {
        let ok: bool = self.dev_call("evm_revert", serde_json::json!([U256::from(id)])).await?;
        if ok { Ok(()) } else { Err(RootChainError::UnknownSnapshot(id)) }
    }

    async fn set_balance(&self, address: Address, wei: U256) -> Result<()> {
        let _: serde_json::Value =
            self.dev_call("anvil_setBalance", serde_json::json!([address, wei])).await?;
        Ok(())
    }
}
