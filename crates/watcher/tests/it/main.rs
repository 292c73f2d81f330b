//! The watcher against an operator that misbehaves on purpose: the test plays the operator,
//! committing roots to the real contracts on the embedded root chain and serving (or not)
//! whatever blocks it likes.

mod api_limits;
mod batch;
mod byzantine;
mod exits;
mod fees;
mod inflight;
mod restart;
mod service;

use alloy_primitives::Bytes;
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_primitives::{Address, B256, MerkleTree, Output, PaymentTx, SignedTx, U256, UtxoPos};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, dev_key};
use plasma_watcher::{BlockSource, Watcher, WatcherConfig, WatcherEvent};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub(crate) use plasma_testkit::milli_ether;

pub(crate) const MEP: u64 = 3600;
pub(crate) const OPERATOR: usize = 0;
pub(crate) const ALICE: usize = 1;
pub(crate) const BOB: usize = 2;
pub(crate) const MALLORY: usize = 3;
pub(crate) const WATCHER: usize = 5;

/// The malicious operator's block server: serves exactly what the test puts in it.
#[derive(Clone, Default)]
pub(crate) struct Served(Arc<Mutex<HashMap<u64, Vec<Bytes>>>>);

impl BlockSource for Served {
    async fn block(&self, blknum: u64) -> Result<Option<Vec<Bytes>>, String> {
        Ok(self.0.lock().unwrap().get(&blknum).cloned())
    }
}

pub(crate) struct World {
    pub(crate) plasma: Arc<Plasma<EmbeddedChain>>,
    pub(crate) served: Served,
    pub(crate) domain: B256,
}

pub(crate) fn addr(who: usize) -> Address {
    dev_key(who).address()
}

impl World {
    pub(crate) async fn new() -> Self {
        let chain = Arc::new(EmbeddedChain::new());
        let mut config = FrameworkConfig::new(addr(OPERATOR));
        config.min_exit_period = MEP;
        let plasma = Arc::new(Plasma::deploy(chain, addr(OPERATOR), &config).await.unwrap());
        let domain = plasma.domain_separator().await.unwrap();
        Self { plasma, served: Served::default(), domain }
    }

    pub(crate) async fn watcher(&self, config: WatcherConfig) -> Watcher<EmbeddedChain, Served> {
        Watcher::new(config, self.plasma.clone(), self.served.clone()).await.unwrap()
    }

    pub(crate) async fn deposit(&self, who: usize, milli: u64) -> (UtxoPos, PaymentTx) {
        let tx = PaymentTx::deposit(addr(who), Address::ZERO, milli_ether(milli)).unwrap();
        let (blknum, _) = self.plasma.deposit(&tx).await.unwrap();
        (UtxoPos::new(blknum, 0, 0), tx)
    }

    /// A transfer signed by `who` (whatever the inputs' real owners are).
    pub(crate) fn transfer(
        &self,
        who: usize,
        inputs: Vec<UtxoPos>,
        outputs: Vec<(usize, u64)>,
    ) -> SignedTx {
        let outputs = outputs
            .into_iter()
            .map(|(owner, milli)| Output {
                owner: addr(owner),
                token: Address::ZERO,
                amount: milli_ether(milli),
            })
            .collect();
        let key = dev_key(who);
        let keys = vec![&key; inputs.len()];
        PaymentTx::new(inputs, outputs, B256::ZERO).unwrap().sign(&keys, &self.domain).unwrap()
    }

    /// Commits a block of `txs` on the root chain; serves it unless `withhold`.
    pub(crate) async fn commit(&self, txs: &[SignedTx], withhold: bool) -> u64 {
        let leaves: Vec<Vec<u8>> = txs.iter().map(|t| t.tx().encode()).collect();
        let root = MerkleTree::from_leaves(&leaves).unwrap().root();
        let (blknum, _) = self.plasma.submit_block(addr(OPERATOR), root).await.unwrap();
        if !withhold {
            self.served
                .0
                .lock()
                .unwrap()
                .insert(blknum, txs.iter().map(|t| Bytes::from(t.encode())).collect());
        }
        blknum
    }

    /// Commits and serves a block of `served` bytes (payments signed, claims as they are),
    /// whose leaves are `leaves`.
    pub(crate) async fn commit_bytes(&self, served: Vec<Vec<u8>>, leaves: &[Vec<u8>]) -> u64 {
        let root = MerkleTree::from_leaves(leaves).unwrap().root();
        let (blknum, _) = self.plasma.submit_block(addr(OPERATOR), root).await.unwrap();
        self.served.0.lock().unwrap().insert(blknum, served.into_iter().map(Bytes::from).collect());
        blknum
    }

    pub(crate) async fn balance(&self, who: usize) -> U256 {
        self.plasma.chain().balance(addr(who)).await.unwrap()
    }

    pub(crate) async fn advance(&self, secs: u64) {
        self.plasma.chain().advance_time(secs).await.unwrap();
    }

    /// Processes every mature ETH exit (from the operator's account, which earns the bounties).
    pub(crate) async fn process(&self) {
        self.plasma.process_exits(addr(OPERATOR), Address::ZERO, 100).await.unwrap();
    }
}

pub(crate) fn has(events: &[WatcherEvent], pred: impl Fn(&WatcherEvent) -> bool) -> bool {
    events.iter().any(pred)
}
