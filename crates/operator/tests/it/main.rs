//! The operator as its users meet it: over its JSON-RPC API, on the embedded root chain with
//! the real contracts.

mod cash_batch;
mod cash_reorg;
mod exits;
mod flow;
mod refusals;
mod reorg;
mod restart;
mod slow_clients;
mod startup;

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_framework::Plasma;
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode, Status};
use plasma_primitives::{
    Address, B256, MerkleTree, Output, PaymentTx, PrivateKey, SignedTx, U256, UtxoPos,
};
use plasma_rootchain::{Anvil, DevChain, EmbeddedChain, RootChain, RpcChain, dev_key};
use plasma_storage::Store;
use std::{sync::Arc, time::Duration};

pub(crate) use plasma_testkit::milli_ether;

pub(crate) const MEP: u64 = 3600;

/// A root chain with the framework deployed; the operator is development account 0.
pub(crate) async fn root_chain() -> Arc<Plasma<EmbeddedChain>> {
    plasma_testkit::framework(Arc::new(EmbeddedChain::new()), MEP).await
}

/// The same on a real anvil node (kept alive by the returned handle).
pub(crate) async fn anvil_root_chain() -> (Anvil, Arc<Plasma<RpcChain>>) {
    let (node, chain) = plasma_testkit::anvil().await;
    (node, plasma_testkit::framework(Arc::new(chain), MEP).await)
}

pub(crate) fn test_config() -> OperatorConfig {
    OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(100),
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    }
}

pub(crate) async fn start<C: RootChain + 'static>(
    plasma: &Arc<Plasma<C>>,
    store: Arc<dyn Store>,
    config: OperatorConfig,
) -> (OperatorNode, HttpClient) {
    let operator = plasma.chain().accounts()[0];
    let node = OperatorNode::start(config, plasma.clone(), operator, store).await.unwrap();
    let client = plasma_testkit::client(node.rpc_addr());
    (node, client)
}

/// Polls the node until `done` holds (background tasks run on their own schedule).
pub(crate) async fn until(
    client: &HttpClient,
    what: &str,
    done: impl Fn(&Status) -> bool,
) -> Status {
    let done = &done;
    plasma_testkit::eventually(what, || async move {
        let status = client.status().await.unwrap();
        done(&status).then_some(status)
    })
    .await
}

/// Deposits `amount` ETH (milli) for development account `who` on the root chain.
pub(crate) async fn deposit<C: RootChain>(plasma: &Plasma<C>, who: usize, milli: u64) -> UtxoPos {
    let owner = plasma.chain().accounts()[who];
    let tx = PaymentTx::deposit(owner, Address::ZERO, milli_ether(milli)).unwrap();
    let (blknum, _) = plasma.deposit(&tx).await.unwrap();
    UtxoPos::new(blknum, 0, 0)
}

/// A transfer from development account `from`, spending `inputs`.
pub(crate) fn transfer(
    domain: &B256,
    from: usize,
    inputs: Vec<UtxoPos>,
    outputs: Vec<(Address, u64)>,
) -> SignedTx {
    let outputs = outputs
        .into_iter()
        .map(|(owner, milli)| Output { owner, token: Address::ZERO, amount: milli_ether(milli) })
        .collect();
    let key: PrivateKey = dev_key(from);
    let keys = vec![&key; inputs.len()];
    PaymentTx::new(inputs, outputs, B256::ZERO).unwrap().sign(&keys, domain).unwrap()
}

pub(crate) fn root_of(txs: &[SignedTx]) -> B256 {
    let leaves: Vec<Vec<u8>> = txs.iter().map(|t| t.tx().encode()).collect();
    MerkleTree::from_leaves(&leaves).unwrap().root()
}
