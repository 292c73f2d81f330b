//! The embedded root chain: revm over an in-memory database, in this process.
//!
//! Real EVM semantics on our real contract bytecode, with what tests and demos need on top:
//! funded development accounts, instant or manual mining, a clock that only moves when told
//! to, logs and receipts, snapshots. Nothing to install, nothing to start.

use crate::{
    BlockInfo, ChainLog, DevChain, Receipt, Result, RootChain, RootChainError, TxRequest,
    accounts::dev_keys, revert,
};
use alloy_primitives::{Address, B256, Bytes, Log, TxKind, U256, keccak256};
use revm::{
    Context, DatabaseRef, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetEvm,
    context::{
        BlockEnv, CfgEnv, TxEnv,
        result::{EVMError, ExecutionResult},
    },
    database::{CacheDB, EmptyDB},
    primitives::hardfork::SpecId,
    state::AccountInfo,
};
use std::{
    sync::Mutex,
    time::{SystemTime, UNIX_EPOCH},
};

type Evm = MainnetEvm<Context<BlockEnv, TxEnv, CfgEnv, CacheDB<EmptyDB>>>;

/// When blocks are sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MiningMode {
    /// Every transaction gets its own block.
    #[default]
    Instant,
    /// Transactions gather in the pending block until [`DevChain::mine`] seals it.
    Manual,
}

/// How to set up an embedded chain.
#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// Chain id.
    pub chain_id: u64,
    /// Time of the genesis block (Unix seconds).
    pub genesis_timestamp: u64,
    /// Accounts funded at genesis, which the chain can send from.
    pub accounts: Vec<Address>,
    /// Their starting balance in wei.
    pub account_balance: U256,
    /// Wei per gas every transaction pays.
    pub gas_price: u128,
    /// Gas limit of each block, and of a transaction that names none.
    pub block_gas_limit: u64,
    /// When blocks are sealed.
    pub mining: MiningMode,
}

impl Default for EmbeddedConfig {
    fn default() -> Self {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self {
            chain_id: 31337,
            genesis_timestamp: now,
            accounts: dev_keys().iter().map(|k| k.address()).collect(),
            account_balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18)),
            gas_price: 1_000_000_000,
            block_gas_limit: 30_000_000,
            mining: MiningMode::Instant,
        }
    }
}

/// Everything a snapshot must restore.
#[derive(Clone)]
struct State {
    db: CacheDB<EmptyDB>,
    blocks: Vec<BlockInfo>,
    logs: Vec<ChainLog>,
    pending_txs: Vec<B256>,
    clock: u64,
}

struct Inner {
    /// The state. The EVM itself is not `Send`, so one is built around it per transaction.
    db: CacheDB<EmptyDB>,
    blocks: Vec<BlockInfo>,
    logs: Vec<ChainLog>,
    pending_txs: Vec<B256>,
    clock: u64,
    snapshots: Vec<State>,
}

/// An in-process Ethereum chain on revm.
pub struct EmbeddedChain {
    config: EmbeddedConfig,
    inner: Mutex<Inner>,
}

impl EmbeddedChain {
    /// A chain with the default configuration: ten funded development accounts, instant mining.
    pub fn new() -> Self {
        Self::with_config(EmbeddedConfig::default())
    }

    /// A chain as configured.
    pub fn with_config(config: EmbeddedConfig) -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        for account in &config.accounts {
            db.insert_account_info(*account, AccountInfo::from_balance(config.account_balance));
        }
        let genesis = BlockInfo {
            number: 0,
            hash: keccak256(config.chain_id.to_be_bytes()),
            timestamp: config.genesis_timestamp,
        };
        let inner = Inner {
            db,
            blocks: vec![genesis],
            logs: Vec::new(),
            pending_txs: Vec::new(),
            clock: config.genesis_timestamp,
            snapshots: Vec::new(),
        };
        Self { config, inner: Mutex::new(inner) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves no half-applied transaction behind (revm
        // commits at the end), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on an EVM over the chain's state, at the pending block's number and the clock.
    fn with_evm<R>(&self, inner: &mut Inner, f: impl FnOnce(&mut Evm) -> R) -> R {
        let db = std::mem::replace(&mut inner.db, CacheDB::new(EmptyDB::default()));
        let mut evm = Context::mainnet()
            .with_db(db)
            .modify_cfg_chained(|cfg| {
                cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN);
                cfg.chain_id = self.config.chain_id;
            })
            .with_block(BlockEnv {
                number: U256::from(inner.pending_number()),
                timestamp: U256::from(inner.clock),
                gas_limit: self.config.block_gas_limit,
                basefee: 0,
                ..Default::default()
            })
            .build_mainnet();
        let out = f(&mut evm);
        inner.db = evm.ctx.journaled_state.database;
        out
    }

    /// The EVM transaction for `tx`; calls (`gas_price` 0) need no funds, as on a node.
    fn tx_env(&self, inner: &Inner, tx: &TxRequest, gas_price: u128) -> Result<TxEnv> {
        let nonce = inner.db.basic_ref(tx.from).ok().flatten().map_or(0, |a| a.nonce);
        let kind = tx.to.map_or(TxKind::Create, TxKind::Call);
        TxEnv::builder()
            .caller(tx.from)
            .kind(kind)
            .data(tx.data.clone())
            .value(tx.value)
            .nonce(nonce)
            .chain_id(Some(self.config.chain_id))
            .gas_limit(tx.gas_limit.unwrap_or(self.config.block_gas_limit))
            .gas_price(gas_price)
            .build()
            .map_err(|e| RootChainError::Rejected(format!("{e:?}")))
    }
}

impl Default for EmbeddedChain {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    /// The block the next transaction goes into.
    fn pending_number(&self) -> u64 {
        self.blocks.len() as u64
    }

    fn seal(&mut self) -> BlockInfo {
        let parent = self.blocks.last().map(|b| b.hash).unwrap_or_default();
        let number = self.pending_number();
        let mut preimage = parent.to_vec();
        preimage.extend_from_slice(&number.to_be_bytes());
        preimage.extend_from_slice(&self.clock.to_be_bytes());
        for tx in self.pending_txs.drain(..) {
            preimage.extend_from_slice(tx.as_slice());
        }
        let block = BlockInfo { number, hash: keccak256(&preimage), timestamp: self.clock };
        self.blocks.push(block);
        block
    }

    fn state(&self) -> State {
        State {
            db: self.db.clone(),
            blocks: self.blocks.clone(),
            logs: self.logs.clone(),
            pending_txs: self.pending_txs.clone(),
            clock: self.clock,
        }
    }

    fn restore(&mut self, state: State) {
        self.db = state.db;
        self.blocks = state.blocks;
        self.logs = state.logs;
        self.pending_txs = state.pending_txs;
        self.clock = state.clock;
    }
}

fn rejected<E: std::fmt::Debug>(err: EVMError<E>) -> RootChainError {
    match err {
        EVMError::Transaction(invalid) => RootChainError::Rejected(format!("{invalid:?}")),
        other => RootChainError::Embedded(format!("{other:?}")),
    }
}

impl RootChain for EmbeddedChain {
    async fn chain_id(&self) -> Result<u64> {
        Ok(self.config.chain_id)
    }

    async fn head(&self) -> Result<BlockInfo> {
        let inner = self.lock();
        Ok(*inner.blocks.last().expect("the genesis block always exists"))
    }

    async fn block(&self, number: u64) -> Result<Option<BlockInfo>> {
        Ok(self.lock().blocks.get(number as usize).copied())
    }

    fn accounts(&self) -> Vec<Address> {
        self.config.accounts.clone()
    }

    async fn send(&self, tx: TxRequest) -> Result<Receipt> {
        if !self.config.accounts.contains(&tx.from) {
            return Err(RootChainError::UnknownAccount(tx.from));
        }
        let mut inner = self.lock();
        let env = self.tx_env(&inner, &tx, self.config.gas_price)?;
        let tx_hash = keccak256(
            [tx.from.as_slice(), &env.nonce.to_be_bytes(), &self.config.chain_id.to_be_bytes()]
                .concat(),
        );
        let result = self.with_evm(&mut inner, |evm| evm.transact_commit(env)).map_err(rejected)?;
        let block_number = inner.pending_number();
        inner.pending_txs.push(tx_hash);
        let first_index =
            inner.logs.iter().filter(|l| l.block_number == block_number).count() as u64;
        let gas_used = result.tx_gas_used();
        let outcome = match result {
            ExecutionResult::Success { logs, output, .. } => {
                let logs: Vec<ChainLog> = logs
                    .into_iter()
                    .enumerate()
                    .map(|(i, log): (usize, Log)| ChainLog {
                        block_number,
                        tx_hash,
                        log_index: first_index + i as u64,
                        log,
                    })
                    .collect();
                inner.logs.extend(logs.iter().cloned());
                Ok(Receipt {
                    tx_hash,
                    block_number,
                    gas_used,
                    effective_gas_price: self.config.gas_price,
                    contract_address: output.address().copied(),
                    logs,
                })
            }
            ExecutionResult::Revert { output, .. } => Err(RootChainError::Reverted {
                reason: revert::describe(&output),
                data: output,
                gas_used: Some(gas_used),
                tx_hash: Some(tx_hash),
            }),
            ExecutionResult::Halt { reason, .. } => {
                Err(RootChainError::Halted(format!("{reason:?}")))
            }
        };
        if self.config.mining == MiningMode::Instant {
            inner.seal();
        }
        outcome
    }

    async fn call(&self, tx: TxRequest) -> Result<Bytes> {
        let mut inner = self.lock();
        let env = self.tx_env(&inner, &tx, 0)?;
        match self.with_evm(&mut inner, |evm| evm.transact(env)).map_err(rejected)?.result {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(RootChainError::Reverted {
                reason: revert::describe(&output),
                data: output,
                gas_used: None,
                tx_hash: None,
            }),
            ExecutionResult::Halt { reason, .. } => {
                Err(RootChainError::Halted(format!("{reason:?}")))
            }
        }
    }

    async fn logs(&self, addresses: &[Address], from: u64, to: u64) -> Result<Vec<ChainLog>> {
        let inner = self.lock();
        let sealed = inner.blocks.len() as u64 - 1;
        Ok(inner
            .logs
            .iter()
            .filter(|l| l.block_number >= from && l.block_number <= to.min(sealed))
            .filter(|l| addresses.is_empty() || addresses.contains(&l.log.address))
            .cloned()
            .collect())
    }

    async fn balance(&self, address: Address) -> Result<U256> {
        let inner = self.lock();
        Ok(inner.db.basic_ref(address).ok().flatten().map_or(U256::ZERO, |a| a.balance))
    }

    async fn nonce(&self, address: Address) -> Result<u64> {
        Ok(self.lock().db.basic_ref(address).ok().flatten().map_or(0, |a| a.nonce))
    }

    async fn code(&self, address: Address) -> Result<Bytes> {
        let inner = self.lock();
        let info = inner.db.basic_ref(address).ok().flatten();
        Ok(info.and_then(|a| a.code).map(|c| c.original_bytes()).unwrap_or_default())
    }
}

impl DevChain for EmbeddedChain {
    async fn advance_time(&self, seconds: u64) -> Result<BlockInfo> {
        let mut inner = self.lock();
        // Transactions already in the pending block ran at the old time: seal them there.
        if !inner.pending_txs.is_empty() {
            inner.seal();
        }
        inner.clock += seconds;
        Ok(inner.seal())
    }

    async fn mine(&self) -> Result<BlockInfo> {
        Ok(self.lock().seal())
    }

    async fn snapshot(&self) -> Result<u64> {
        let mut inner = self.lock();
        let state = inner.state();
        inner.snapshots.push(state);
        Ok(inner.snapshots.len() as u64 - 1)
    }

    async fn revert(&self, id: u64) -> Result<()> {
        let mut inner = self.lock();
        if id as usize >= inner.snapshots.len() {
            return Err(RootChainError::UnknownSnapshot(id));
        }
        let state = inner.snapshots.drain(id as usize..).next().expect("checked above");
        inner.restore(state);
        Ok(())
    }

    async fn set_balance(&self, address: Address, wei: U256) -> Result<()> {
        let mut inner = self.lock();
        let mut info = inner.db.basic_ref(address).ok().flatten().unwrap_or_default();
        info.balance = wei;
        inner.db.insert_account_info(address, info);
        Ok(())
    }
}
