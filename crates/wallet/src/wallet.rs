//! The wallet: one key, the chain's contracts, the operator (untrusted) and optionally a
//! watcher.

mod batch;
mod history;
mod inflight;
mod pay;

pub use batch::BatchStarted;
pub use history::HistoryEntry;
pub use inflight::{InFlightExit, Leg, Piggybacked};
pub use pay::Paid;

use alloy_primitives::{Address, B256, Bytes, U256};
use jsonrpsee::{core::ClientError, http_client::HttpClient};
use plasma_api::WatcherApiClient;
use plasma_api::{OperatorApiClient, TxAck, Utxo};
use plasma_framework::{Plasma, PlasmaEvent};
use plasma_primitives::{
    ChainTx, Output, PaymentTx, PrivateKey, SignedTx, UtxoPos, merkle, tx::MAX_INPUTS,
};
use plasma_rootchain::{RootChain, RootChainError};
use std::sync::Arc;

/// Why a wallet operation did not happen, in one line a person can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The operator did not answer.
    #[error("the operator does not answer: {0}")]
    OperatorUnreachable(String),
    /// The operator refused the request.
    #[error("the operator refused: {0}")]
    Refused(String),
    /// The payment leaves less fee than the operator's schedule asks (the message quotes it).
    #[error("the operator refused: {0} (`plasma wallet fees` shows the schedule)")]
    FeeTooLow(String),
    /// The schedule accepts fees only in tokens this wallet does not hold.
    #[error(
        "the operator takes fees only in {}: this wallet holds none of them",
        crate::amount::token_list(accepted)
    )]
    NoFeeToken {
        /// The accepted fee tokens.
        accepted: Vec<Address>,
    },
    /// The watcher has no verified answer (yet): it checks each block before it serves it.
    #[error(
        "the watcher has no verified answer yet: {0} (it serves only blocks it has verified; retry shortly)"
    )]
    WatcherCannot(String),
    /// The watcher did not answer.
    #[error("the watcher does not answer: {0}")]
    WatcherUnreachable(String),
    /// A request this wallet will not make: it is wrong before any operator or chain sees it.
    #[error("{0}")]
    Invalid(String),
    /// Not enough of a token.
    #[error(
        "insufficient funds: you can spend {}, the payment needs {} (outputs exiting on L1 are not spendable)",
        crate::amount::money(*token, *have),
        crate::amount::money(*token, *need)
    )]
    InsufficientFunds {
        /// The token.
        token: Address,
        /// What the wallet holds.
        have: U256,
        /// What the payment needs (amount and fee).
        need: U256,
    },
    /// The money is spread over too many outputs for one transaction.
    #[error(
        "the payment needs {needed} outputs of token {token} but a transaction spends at most 4: run `plasma wallet merge` first"
    )]
    TooFragmented {
        /// The token.
        token: Address,
        /// Outputs it would take.
        needed: usize,
    },
    /// An output this wallet does not hold.
    #[error("output {0} is not held by this wallet")]
    UnknownUtxo(U256),
    /// An exit already started for the output.
    #[error("output {0} is already exiting")]
    AlreadyExiting(U256),
    /// The output is spent: its exit would be challenged and the bond lost.
    #[error(
        "output {pos} is already spent by transaction {spent_in}: its exit would lose the bond"
    )]
    AlreadySpent {
        /// The output.
        pos: U256,
        /// The transaction that spends it.
        spent_in: B256,
    },
    /// Exit or payment data that does not prove against the root on the root chain.
    #[error(
        "the data for {0} does not prove against the root on the root chain: the operator may be lying"
    )]
    BadProof(U256),
    /// A payment not (yet) safe to accept.
    #[error("not verified: {0}")]
    NotVerified(String),
    /// A Plasma Cash coin that is not this wallet's.
    #[error("coin {slot} belongs to {owner}, not to this wallet")]
    NotCoinOwner {
        /// The coin.
        slot: u64,
        /// Its verified owner.
        owner: Address,
    },
    /// What was asked needs a watcher's verified data.
    #[error("{0} needs a watcher: give --watcher.rpc (or PLASMA_WATCHER_RPC)")]
    NeedsWatcher(&'static str),
    /// The wallet's journal file could not be read or written.
    #[error("the wallet's history file {path}: {reason}")]
    Journal {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The root chain failed or refused.
    #[error(transparent)]
    RootChain(#[from] RootChainError),
}

/// A watcher's answer that is not data: it has not verified what was asked (yet), or it is
/// down. Never blamed on the operator.
fn watcher_error(e: ClientError) -> WalletError {
    match e {
        ClientError::Call(e) => WalletError::WatcherCannot(e.message().to_owned()),
        other => WalletError::WatcherUnreachable(other.to_string()),
    }
}

fn operator_error(e: ClientError) -> WalletError {
    match e {
        ClientError::Call(e) if e.code() == plasma_api::codes::FEE_TOO_LOW => {
            WalletError::FeeTooLow(e.message().to_owned())
        }
        ClientError::Call(e) => WalletError::Refused(e.message().to_owned()),
        other => WalletError::OperatorUnreachable(other.to_string()),
    }
}

/// What `process` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// No exit of the token is queued: nothing was sent.
    NothingQueued,
    /// The first exit in the queue is not mature yet: nothing was sent.
    NotMature {
        /// When it matures (Unix time).
        next_at: u64,
        /// The root chain's time now.
        l1_now: u64,
    },
    /// The processing transaction was sent.
    Sent {
        /// Payouts it made (standard exits and in-flight legs).
        paid: usize,
        /// Its root-chain transaction.
        l1_tx: B256,
    },
}

/// A received payment, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The block it is in.
    pub blknum: u64,
    /// Its index.
    pub txindex: u16,
    /// What it pays this wallet, per output position.
    pub outputs: Vec<(UtxoPos, Output)>,
}

/// A wallet over a chain reached through `C`.
pub struct Wallet<C> {
    key: PrivateKey,
    plasma: Arc<Plasma<C>>,
    operator: HttpClient,
    watcher: Option<HttpClient>,
    domain: B256,
    /// Where sent transactions are journaled, and the root-chain block history starts at.
    history: Option<(std::path::PathBuf, u64)>,
}

impl<C: RootChain> Wallet<C> {
    /// A wallet for `key`. The root-chain client must be able to send from `key`'s address.
    pub async fn new(
        key: PrivateKey,
        plasma: Arc<Plasma<C>>,
        operator: HttpClient,
        watcher: Option<HttpClient>,
    ) -> Result<Self, WalletError> {
        let domain = plasma.domain_separator().await?;
        Ok(Self { key, plasma, operator, watcher, domain, history: None })
    }

    /// Keeps a journal of the transactions this wallet sends in `journal` (JSON lines; what an
    /// in-flight exit of them needs), and reads the root-chain history from block
    /// `from_block` (the deployment block).
    pub fn with_history(mut self, journal: std::path::PathBuf, from_block: u64) -> Self {
        self.history = Some((journal, from_block));
        self
    }

    /// The wallet's address.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// The chain's contracts, as the wallet reaches them.
    pub fn plasma(&self) -> &Arc<Plasma<C>> {
        &self.plasma
    }

    /// Deposits `amount` of `token` (zero = ETH) from L1; returns the new output's position.
    pub async fn deposit(&self, token: Address, amount: U256) -> Result<UtxoPos, WalletError> {
        if amount.is_zero() {
            return Err(WalletError::Invalid(
                "a deposit of 0 creates nothing: give an amount above zero".into(),
            ));
        }
        let tx = PaymentTx::deposit(self.address(), token, amount)
            .map_err(|e| WalletError::Invalid(format!("cannot deposit {amount}: {e}")))?;
        let (blknum, _) = self.plasma.deposit(&tx).await?;
        Ok(UtxoPos::new(blknum, 0, 0))
    }

    /// Every output the wallet holds on the child chain.
    pub async fn utxos(&self) -> Result<Vec<Utxo>, WalletError> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .operator
                .get_utxos(self.address(), after, Some(1000))
                .await
                .map_err(operator_error)?;
            all.extend(page.utxos);
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Balance per token on the child chain.
    pub async fn balances(&self) -> Result<Vec<(Address, U256)>, WalletError> {
        let balances = self.operator.get_balance(self.address()).await.map_err(operator_error)?;
        Ok(balances.into_iter().map(|b| (b.token, b.amount)).collect())
    }

    /// Pays `amount` of `token` to `to`, leaving `fee` to the operator; change comes back.
    /// Spends the largest outputs first.
    pub async fn send(
        &self,
        to: Address,
        token: Address,
        amount: U256,
        fee: U256,
    ) -> Result<TxAck, WalletError> {
        let need = amount.saturating_add(fee);
        let mut mine: Vec<Utxo> =
            self.utxos().await?.into_iter().filter(|u| u.token == token).collect();
        mine.sort_by_key(|u| std::cmp::Reverse(u.amount));
        let have: U256 = mine.iter().map(|u| u.amount).sum();
        if have < need {
            return Err(WalletError::InsufficientFunds { token, have, need });
        }
        let mut picked = Vec::new();
        let mut sum = U256::ZERO;
        for u in &mine {
            if sum >= need {
                break;
            }
            picked.push(u);
            sum += u.amount;
        }
        if picked.len() > MAX_INPUTS {
            return Err(WalletError::TooFragmented { token, needed: picked.len() });
        }
        let mut outputs = vec![Output { owner: to, token, amount }];
        if sum > need {
            outputs.push(Output { owner: self.address(), token, amount: sum - need });
        }
        let inputs = picked
            .iter()
            .map(|u| UtxoPos::from_raw(u.utxo_pos))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        self.submit(inputs, outputs).await
    }

    /// Merges up to four of the smallest outputs of `token` into one; `None` if there is
    /// nothing to merge.
    pub async fn merge(&self, token: Address) -> Result<Option<TxAck>, WalletError> {
        let mut mine: Vec<Utxo> =
            self.utxos().await?.into_iter().filter(|u| u.token == token).collect();
        if mine.len() < 2 {
            return Ok(None);
        }
        mine.sort_by_key(|u| u.amount);
        mine.truncate(MAX_INPUTS);
        let total = mine.iter().map(|u| u.amount).sum();
        let inputs = mine.iter().filter_map(|u| UtxoPos::from_raw(u.utxo_pos)).collect();
        let output = Output { owner: self.address(), token, amount: total };
        self.submit(inputs, vec![output]).await.map(Some)
    }

    async fn submit(
        &self,
        inputs: Vec<UtxoPos>,
        outputs: Vec<Output>,
    ) -> Result<TxAck, WalletError> {
        let tx = PaymentTx::new(inputs, outputs, B256::ZERO)
            .map_err(|e| WalletError::Invalid(format!("cannot make that payment: {e}")))?;
        let keys = vec![&self.key; tx.inputs().len()];
        let signed = tx
            .sign(&keys, &self.domain)
            .map_err(|e| WalletError::Invalid(format!("cannot sign that payment: {e}")))?;
        let ack =
            self.operator.submit_tx(Bytes::from(signed.encode())).await.map_err(operator_error)?;
        self.journal_sent(&signed, &ack)?;
        Ok(ack)
    }

    /// Starts the standard exit of output `pos`, with exit data from the watcher if there is
    /// one (else the operator), checked against the root on L1 first. Returns when it can be
    /// processed (Unix time).
    pub async fn exit(&self, pos: UtxoPos) -> Result<u64, WalletError> {
        let (tx, proof) = self.checked_exit_data(pos).await?;
        let receipt = match self.plasma.start_standard_exit(self.address(), pos, &tx, &proof).await
        {
            Err(e) if e.reverted_with("ExitAlreadyStarted") => {
                return Err(WalletError::AlreadyExiting(pos.raw()));
            }
            other => other?,
        };
        let exitable_at = receipt.logs.iter().find_map(|l| match self.plasma.decode(l) {
            Some(PlasmaEvent::ExitStarted { exitable_at, .. }) => Some(exitable_at),
            _ => None,
        });
        exitable_at.ok_or(WalletError::RootChain(RootChainError::MissingEvent {
            call: "startStandardExit",
            event: "ExitStarted",
        }))
    }

    /// The transaction that created this wallet's output `pos` and its inclusion proof, from
    /// the watcher if there is one (else the operator), checked against the root on L1; refused
    /// if the watcher has seen the output spent.
    async fn checked_exit_data(&self, pos: UtxoPos) -> Result<(Vec<u8>, Vec<u8>), WalletError> {
        if let Some(watcher) = &self.watcher
            && let Ok(spend) = watcher.challenge_data(pos.raw()).await
        {
            return Err(WalletError::AlreadySpent {
                pos: pos.raw(),
                spent_in: spend.challenge_tx_hash,
            });
        }
        let (tx, proof) = match &self.watcher {
            Some(watcher) => {
                let data = watcher.exit_data(pos.raw()).await.map_err(watcher_error)?;
                (data.tx_bytes, data.proof)
            }
            None => {
                let data = self.operator.get_exit_data(pos.raw()).await.map_err(operator_error)?;
                (data.tx_bytes, data.proof)
            }
        };
        let created = ChainTx::decode(&tx).map_err(|_| WalletError::BadProof(pos.raw()))?;
        match created.outputs().get(pos.oindex() as usize) {
            Some(out) if out.owner == self.address() => {}
            _ => return Err(WalletError::UnknownUtxo(pos.raw())),
        }
        self.check_proof(pos, &tx, &proof).await?;
        Ok((tx.to_vec(), proof.to_vec()))
    }

    /// Processes up to `max` mature exits of `token` (anyone may; the caller earns bounties).
    /// Sends nothing when no exit is mature by the root chain's clock.
    pub async fn process(&self, token: Address, max: u64) -> Result<Processed, WalletError> {
        let l1_now = self.plasma.chain().head().await?.timestamp;
        match self.plasma.next_exit_matures_at(token).await? {
            None => return Ok(Processed::NothingQueued),
            Some(at) if at > l1_now => return Ok(Processed::NotMature { next_at: at, l1_now }),
            Some(_) => {}
        }
        let receipt = self.plasma.process_exits(self.address(), token, max).await?;
        let paid = receipt
            .logs
            .iter()
            .filter(|l| {
                matches!(
                    self.plasma.decode(l),
                    Some(PlasmaEvent::ExitFinalized { .. } | PlasmaEvent::InFlightLegPaid { .. })
                )
            })
            .count();
        Ok(Processed::Sent { paid, l1_tx: receipt.tx_hash })
    }

    /// Checks a payment to this wallet on its own: its inclusion proof against the root on L1,
    /// and, with a watcher, that the watcher verified its block and sees no byzantine chain.
    pub async fn verify_received(&self, tx_hash: B256) -> Result<Received, WalletError> {
        let found = match self.operator.get_tx(tx_hash).await {
            Err(ClientError::Call(e)) if e.code() == plasma_api::codes::NOT_FOUND => {
                return Err(WalletError::NotVerified(format!(
                    "{tx_hash} is in no sealed block yet: the operator seals a block every few seconds, so retry shortly (if it never appears, the sender's payment did not reach the operator)"
                )));
            }
            other => other.map_err(operator_error)?,
        };
        let signed =
            SignedTx::decode(&found.tx).map_err(|e| WalletError::NotVerified(e.to_string()))?;
        let pos = UtxoPos::new(found.blknum, found.txindex, 0);
        self.check_proof(pos, &signed.tx().encode(), &found.proof).await?;
        let outputs: Vec<(UtxoPos, Output)> = signed
            .tx()
            .outputs()
            .iter()
            .enumerate()
            .filter(|(_, o)| o.owner == self.address())
            .map(|(i, o)| (UtxoPos::new(found.blknum, found.txindex, i as u8), *o))
            .collect();
        if outputs.is_empty() {
            return Err(WalletError::NotVerified(format!(
                "{tx_hash} pays nothing to {}",
                self.address()
            )));
        }
        if let Some(watcher) = &self.watcher {
            let status = WatcherApiClient::status(watcher).await.map_err(watcher_error)?;
            if let Some(reason) = status.byzantine {
                return Err(WalletError::NotVerified(format!(
                    "the watcher says the chain is byzantine: {reason}"
                )));
            }
            if status.last_verified_block < found.blknum {
                let head = self.plasma.chain().head().await?.number;
                return Err(WalletError::NotVerified(format!(
                    "block {} is not verified by the watcher yet: it acts only on L1 blocks with {} confirmations on top, has read L1 through block {} (L1 is at block {head}) and verified up to block {}; retry after about {} more L1 blocks",
                    found.blknum,
                    status.confirmations,
                    status.l1_next_block.saturating_sub(1),
                    status.last_verified_block,
                    status.confirmations.max(1)
                )));
            }
        }
        Ok(Received { blknum: found.blknum, txindex: found.txindex, outputs })
    }

    /// Checks that `tx` is at `pos`'s block and index under the root the contract holds.
    async fn check_proof(&self, pos: UtxoPos, tx: &[u8], proof: &[u8]) -> Result<(), WalletError> {
        let bad = || WalletError::BadProof(pos.raw());
        let blknum = pos.blknum_u64().ok_or_else(bad)?;
        let Some((root224, _)) = self.plasma.block(blknum).await? else {
            return Err(WalletError::NotVerified(format!(
                "block {blknum} is not committed to L1 yet: the operator submits each block's root after sealing it, so retry shortly"
            )));
        };
        let root = merkle::compute_root(tx, u64::from(pos.txindex()), proof).map_err(|_| bad())?;
        if root[..28] != root224[..28] {
            return Err(bad());
        }
        Ok(())
    }
}
