//! Plasma Cash from the wallet: deposit coins (ETH, ERC20, ERC721), send them whole, verify a
//! coin's full history against the roots on L1 before accepting it (inclusion or
//! non-inclusion in every block since its deposit), and exit and withdraw it.

use crate::api::CashApiClient;
use crate::contract::IncludedTx;
use crate::read::CoinRead;
use crate::{CashEvent, PlasmaCashContract};
use crate::{ExitEvidence, VerifiedCoin};
use alloy_primitives::{Address, B256, U256};
use jsonrpsee::http_client::HttpClient;
use plasma_primitives::{PrivateKey, cash::CashTx};
use plasma_rootchain::{RootChain, RootChainError};
use plasma_wallet::WalletError;
use std::sync::Arc;

/// Where a coin stands on the root chain (the contract's own record of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoinOnL1 {
    /// Deposited, and on the child chain.
    OnChildChain,
    /// An exit of it is live.
    Exiting,
    /// Its exit finalized: the exiter may withdraw it.
    Exited,
    /// Withdrawn to L1: the coin has left the chain for good.
    Withdrawn,
}

impl CoinOnL1 {
    fn from_state(slot: u64, state: u8) -> Result<Self, WalletError> {
        Ok(match state {
            1 => Self::OnChildChain,
            2 => Self::Exiting,
            3 => Self::Exited,
            4 => Self::Withdrawn,
            _ => return Err(WalletError::NotVerified(format!("no coin {slot} on L1"))),
        })
    }

    /// How a person would say it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::OnChildChain => "on the child chain",
            Self::Exiting => "exiting to L1 (an exit is live)",
            Self::Exited => "exited: its exit is final and the exiter may withdraw it on L1",
            Self::Withdrawn => "withdrawn to L1: it has left the child chain",
        }
    }
}

/// A wallet of Plasma Cash coins: one key, the contract, and the Cash operator (untrusted).
pub struct CashWallet<C> {
    key: PrivateKey,
    contract: Arc<PlasmaCashContract<C>>,
    node: HttpClient,
}

fn node_error(e: jsonrpsee::core::ClientError) -> WalletError {
    match e {
        jsonrpsee::core::ClientError::Call(e) => WalletError::Refused(e.message().to_owned()),
        other => WalletError::OperatorUnreachable(other.to_string()),
    }
}

fn included(tx: &CashTx, block: u64, proof: &[u8]) -> IncludedTx {
    IncludedTx { tx: tx.encode(), proof: proof.to_vec(), block }
}

impl<C: RootChain> CashWallet<C> {
    /// A wallet for `key`; the root-chain client must be able to send from its address.
    pub fn new(key: PrivateKey, contract: Arc<PlasmaCashContract<C>>, node: HttpClient) -> Self {
        Self { key, contract, node }
    }

    /// The wallet's address.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// Deposits `amount` wei as a coin; returns its slot.
    pub async fn deposit_eth(&self, amount: U256) -> Result<u64, WalletError> {
        Ok(self.contract.deposit_eth(self.address(), amount).await?.0)
    }

    /// Deposits `amount` of ERC20 `token` (approval included) as a coin; returns its slot.
    pub async fn deposit_erc20(&self, token: Address, amount: U256) -> Result<u64, WalletError> {
        Ok(self.contract.deposit_erc20(self.address(), token, amount).await?.0)
    }

    /// Deposits ERC721 `token_id` of `token` as a coin; returns its slot.
    pub async fn deposit_erc721(&self, token: Address, id: U256) -> Result<u64, WalletError> {
        Ok(self.contract.deposit_erc721(self.address(), token, id).await?.0)
    }

    /// Checks coin `slot`'s whole history as the operator serves it against what L1 says
    /// (the deposit, every block root, the last block): who owns it now, and what an exit of
    /// it shows. A history with any gap, forged signature or lying proof is refused, naming
    /// the block.
    pub async fn verify(&self, slot: u64) -> Result<VerifiedCoin, WalletError> {
        let read = CoinRead::fetch(&self.contract, &self.node, slot)
            .await
            .map_err(WalletError::NotVerified)?;
        read.verify().map_err(|e| WalletError::NotVerified(format!("coin {slot}: {e}")))
    }

    /// Where coin `slot` stands on L1.
    pub async fn on_l1(&self, slot: u64) -> Result<CoinOnL1, WalletError> {
        match self.contract.coin(slot).await? {
            Some(coin) => CoinOnL1::from_state(slot, coin.state),
            None => Err(WalletError::NotVerified(format!("no coin {slot} on L1"))),
        }
    }

    /// The coins this wallet holds: every slot the operator says is this wallet's, each kept
    /// only if its whole history verifies to this wallet, with where it stands on L1.
    pub async fn coins(&self) -> Result<Vec<(VerifiedCoin, CoinOnL1)>, WalletError> {
        let mut slots = Vec::new();
        let mut after = None;
        loop {
            let page =
                self.node.get_coins_of(self.address(), after, None).await.map_err(node_error)?;
            slots.extend(page.slots);
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let mut coins = Vec::with_capacity(slots.len());
        for slot in slots {
            let coin = self.verify(slot).await?;
            if coin.owner == self.address() {
                coins.push((coin, self.on_l1(slot).await?));
            }
        }
        Ok(coins)
    }

    /// Verifies the coin is this wallet's, then sends it whole to `to`; returns the transfer's
    /// hash.
    pub async fn send(&self, slot: u64, to: Address) -> Result<B256, WalletError> {
        let (coin, _) = self.owned(slot).await?;
        let tx = CashTx {
            slot,
            prev_block: U256::from(coin.latest_block),
            denomination: coin.denomination,
            new_owner: to,
        };
        let sig = tx.sign(&self.key);
        self.node
            .submit_tx(tx.encode().into(), sig.to_bytes().to_vec().into())
            .await
            .map_err(node_error)
    }

    /// The coin's verified state and the checkpoint its history starts at, if it is this
    /// wallet's.
    async fn owned(&self, slot: u64) -> Result<(VerifiedCoin, Option<U256>), WalletError> {
        let read = CoinRead::fetch(&self.contract, &self.node, slot)
            .await
            .map_err(WalletError::NotVerified)?;
        let coin =
            read.verify().map_err(|e| WalletError::NotVerified(format!("coin {slot}: {e}")))?;
        if coin.owner != self.address() {
            return Err(WalletError::NotCoinOwner { slot, owner: coin.owner });
        }
        Ok((coin, read.checkpoint_id))
    }

    /// Starts the exit of coin `slot` from its verified history (from a final checkpoint if
    /// the coin has not moved since one), posting the bond; returns when it can be finalized
    /// (Unix time).
    pub async fn exit(&self, slot: u64) -> Result<u64, WalletError> {
        let (coin, checkpoint_id) = self.owned(slot).await?;
        let me = self.address();
        let receipt = match &coin.exit {
            ExitEvidence::Deposit(d) => {
                let exiting = included(&d.tx, d.block, &d.proof);
                self.contract.start_exit(me, slot, None, &exiting, &[]).await?
            }
            ExitEvidence::Spend { parent, exiting, signature } => {
                let parent = included(&parent.tx, parent.block, &parent.proof);
                let exiting = included(&exiting.tx, exiting.block, &exiting.proof);
                let sig = signature.to_bytes();
                self.contract.start_exit(me, slot, Some(&parent), &exiting, &sig).await?
            }
            ExitEvidence::Checkpoint { leaf, checkpoint_proof, .. } => {
                let id = checkpoint_id.ok_or_else(|| {
                    WalletError::NotVerified(format!("coin {slot}: no checkpoint id"))
                })?;
                let leaf = included(&leaf.tx, leaf.block, &leaf.proof);
                self.contract
                    .start_exit_from_checkpoint(me, slot, id, &leaf, checkpoint_proof)
                    .await?
            }
        };
        receipt
            .logs
            .iter()
            .find_map(|l| match self.contract.decode(l) {
                Some(CashEvent::ExitStarted { exitable_at, .. }) => Some(exitable_at),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent { call: "startExit", event: "ExitStarted" }.into())
    }

    /// Finalizes the matured exit of coin `slot`, withdraws the coin to this wallet, and takes
    /// out the bonds the contract credits it (the exit bond back, bonds won in challenges).
    pub async fn withdraw(&self, slot: u64) -> Result<(), WalletError> {
        let me = self.address();
        self.contract.finalize_exit(me, slot).await?;
        self.contract.withdraw(me, slot).await?;
        if !self.contract.bond_balance(me).await?.is_zero() {
            self.contract.withdraw_bonds(me).await?;
        }
        Ok(())
    }
}
