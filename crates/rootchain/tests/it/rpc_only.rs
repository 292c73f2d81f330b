//! What only a remote node can get wrong: reachability, chain id, and pricing under pressure.

use alloy_primitives::{Bytes, U256};
use plasma_rootchain::{
    DevChain, GasPolicy, RootChain, RootChainError, RpcChain, RpcConfig, TxRequest, dev_keys,
};
use std::time::{Duration, Instant};

#[tokio::test]
async fn an_unreachable_endpoint_fails_fast_and_says_so() {
    // Port 9 (discard) on loopback: nothing listens there in the test sandbox.
    let mut config = RpcConfig::new("http://127.0.0.1:9");
    config.retries = 2;
    config.backoff = Duration::from_millis(20);
    let started = Instant::now();
    let err = RpcChain::connect(config, &[]).await.err().expect("no node there");
    assert!(
        matches!(err, RootChainError::Unreachable { ref url, .. } if url == "http://127.0.0.1:9"),
        "got {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_wrong_chain_id_is_refused() {
    let (node, _) = crate::anvil().await;
    let mut config = RpcConfig::new(node.url());
    config.expected_chain_id = Some(1);
    let err = RpcChain::connect(config, &[]).await.err().expect("chain 31337 is not chain 1");
    assert!(matches!(err, RootChainError::WrongChainId { expected: 1, found: 31337 }), "got {err}");
}

#[tokio::test]
async fn a_bad_url_is_refused_by_name() {
    let err = RpcChain::connect(RpcConfig::new("not a url"), &[]).await.err().unwrap();
    assert!(
        matches!(err, RootChainError::BadEndpoint { ref url, .. } if url == "not a url"),
        "got {err}"
    );
    assert!(err.to_string().contains("not a url"), "got {err}");
}

/// A transaction that is not mined in time is resubmitted at a higher price with the same
/// nonce, so it lands exactly once.
#[tokio::test]
async fn a_stuck_transaction_is_repriced_and_lands_once() {
    let (node, _) = crate::anvil_with(&["--no-mining"]).await;
    let mut config = RpcConfig::new(node.url());
    config.confirmations = 0;
    config.poll_interval = Duration::from_millis(20);
    config.gas = GasPolicy {
        max_gas_price: 50_000_000_000,
        resubmit_after: Duration::from_millis(300),
        bump_percent: 25,
        deadline: Duration::from_secs(30),
    };
    let chain = RpcChain::connect(config, &dev_keys()).await.unwrap();
    let (a, b) = (chain.accounts()[0], chain.accounts()[1]);
    chain.set_balance(a, U256::from(10u128.pow(21))).await.unwrap();
    let b0 = chain.balance(b).await.unwrap();
    let quoted = chain.gas_price().await.unwrap();

    let miner = RpcChain::connect(RpcConfig::new(node.url()), &[]).await.unwrap();
    let sending = tokio::spawn(async move {
        chain
            .send(TxRequest::call(a, b, Bytes::new()).with_value(U256::from(777)))
            .await
            .map(|r| (r, chain))
    });
    // Mine once anvil's pool holds a repriced copy (however slow this machine is).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while pooled_price(node.url(), a).await <= quoted {
        assert!(std::time::Instant::now() < deadline, "the transaction was never repriced");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    miner.mine().await.unwrap();
    let (receipt, chain) = sending.await.unwrap().expect("mined after repricing");
    assert_eq!(chain.balance(b).await.unwrap(), b0 + U256::from(777), "paid exactly once");
    // Mined at a raised price: at least one resubmission replaced the first attempt.
    assert!(receipt.effective_gas_price > quoted, "{} <= {quoted}", receipt.effective_gas_price);
    assert!(receipt.effective_gas_price <= 50_000_000_000, "never above the cap");
    // A later block holds nothing more from this sender: mine again and check the balance.
    miner.mine().await.unwrap();
    assert_eq!(chain.balance(b).await.unwrap(), b0 + U256::from(777));
}

/// The highest gas price among `from`'s transactions in anvil's pool (0 if none).
async fn pooled_price(url: &str, from: alloy_primitives::Address) -> u128 {
    use alloy::providers::Provider;
    let provider = alloy::providers::ProviderBuilder::new().connect_http(url.parse().unwrap());
    let pool: serde_json::Value = provider.raw_request("txpool_content".into(), ()).await.unwrap();
    let price = |tx: &serde_json::Value, field: &str| {
        tx[field].as_str().and_then(|h| u128::from_str_radix(h.trim_start_matches("0x"), 16).ok())
    };
    let by_sender = pool["pending"].as_object().into_iter().flatten();
    by_sender
        .filter(|(sender, _)| sender.eq_ignore_ascii_case(&from.to_string()))
        .flat_map(|(_, by_nonce)| by_nonce.as_object().into_iter().flatten())
        .filter_map(|(_, tx)| price(tx, "gasPrice").or_else(|| price(tx, "maxFeePerGas")))
        .max()
        .unwrap_or(0)
}
