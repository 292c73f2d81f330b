//! The wallet against a real operator and watcher on the embedded root chain.

use crate::{client, milli_ether};
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_operator::{OperatorConfig, OperatorNode};
use plasma_primitives::{Address, U256, UtxoPos};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, dev_key};
use plasma_storage::MemoryStore;
use plasma_wallet::{Wallet, WalletError};
use plasma_watcher::{Watcher, WatcherConfig, WatcherService};
use std::{sync::Arc, time::Duration};

const MEP: u64 = 3600;

async fn eventually<F, Fut, T, E>(mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let mut last = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        match f().await {
            Ok(v) => return v,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never happened: {last:?}");
}

/// The embedded root chain with the contracts, a real operator and a watcher serving its API.
async fn network() -> (Arc<EmbeddedChain>, Arc<Plasma<EmbeddedChain>>, OperatorNode, WatcherService)
{
    let chain = Arc::new(EmbeddedChain::new());
    let operator = chain.accounts()[0];
    let mut config = FrameworkConfig::new(operator);
    config.min_exit_period = MEP;
    let plasma = Arc::new(Plasma::deploy(chain.clone(), operator, &config).await.unwrap());
    let node_config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(30),
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    };
    let node =
        OperatorNode::start(node_config, plasma.clone(), operator, Arc::new(MemoryStore::new()))
            .await
            .unwrap();
    let watcher = Watcher::new(WatcherConfig::default(), plasma.clone(), client(node.rpc_addr()))
        .await
        .unwrap();
    let service = WatcherService::start(
        watcher,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(10),
        None,
    )
    .await
    .unwrap();
    (chain, plasma, node, service)
}

#[tokio::test]
async fn deposit_send_verify_exit_and_process() {
    let (chain, plasma, node, service) = network().await;

    let alice = Wallet::new(
        dev_key(1),
        plasma.clone(),
        client(node.rpc_addr()),
        Some(client(service.rpc_addr())),
    )
    .await
    .unwrap();
    let bob = Wallet::new(
        dev_key(2),
        plasma.clone(),
        client(node.rpc_addr()),
        Some(client(service.rpc_addr())),
    )
    .await
    .unwrap();

    alice.deposit(Address::ZERO, milli_ether(1000)).await.unwrap();
    eventually(|| async {
        alice
            .balances()
            .await
            .map(|b| b.first().map(|x| x.1))
            .and_then(|b| b.ok_or(WalletError::UnknownUtxo(U256::ZERO)))
    })
    .await;

    // Not enough money, then a payment with change and a fee.
    let too_much = alice
        .send(bob.address(), Address::ZERO, milli_ether(1000), milli_ether(1))
        .await
        .unwrap_err();
    assert!(matches!(too_much, WalletError::InsufficientFunds { .. }), "{too_much}");
    let ack =
        alice.send(bob.address(), Address::ZERO, milli_ether(400), milli_ether(1)).await.unwrap();
    assert_eq!(alice.balances().await.unwrap(), vec![(Address::ZERO, milli_ether(599))]);

    // Bob checks the payment himself: proof against L1 and the watcher's verdict.
    let received = eventually(|| bob.verify_received(ack.tx_hash)).await;
    assert_eq!(received.outputs.len(), 1);
    assert_eq!(received.outputs[0].1.amount, milli_ether(400));

    // Bob exits it; a second exit of the same output is refused by name.
    let pos = received.outputs[0].0;
    let exitable_at = bob.exit(pos).await.unwrap();
    assert!(exitable_at > chain.head().await.unwrap().timestamp);
    let again = bob.exit(pos).await.unwrap_err();
    assert!(matches!(again, WalletError::AlreadyExiting(_) | WalletError::Refused(_)), "{again}");
    // Alice cannot exit Bob's output.
    assert!(matches!(alice.exit(pos).await, Err(WalletError::UnknownUtxo(_))));

    let before = chain.balance(bob.address()).await.unwrap();
    chain.advance_time(2 * MEP + 1).await.unwrap();
    bob.process(Address::ZERO, 10).await.unwrap();
    let after = chain.balance(bob.address()).await.unwrap();
    assert!(
        after > before + milli_ether(400),
        "Bob's 0.4 ETH (and his bond less his own gas) is back on L1"
    );

    service.stop().await;
    node.stop().await;
}

#[tokio::test]
async fn fragmented_money_asks_for_a_merge_and_a_dead_operator_is_named() {
    let chain = Arc::new(EmbeddedChain::new());
    let operator = chain.accounts()[0];
    let plasma = Arc::new(
        Plasma::deploy(chain.clone(), operator, &FrameworkConfig::new(operator)).await.unwrap(),
    );
    let node_config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    };
    let node =
        OperatorNode::start(node_config, plasma.clone(), operator, Arc::new(MemoryStore::new()))
            .await
            .unwrap();
    let alice =
        Wallet::new(dev_key(1), plasma.clone(), client(node.rpc_addr()), None).await.unwrap();
    for _ in 0..5 {
        alice.deposit(Address::ZERO, milli_ether(10)).await.unwrap();
    }
    eventually(|| async {
        alice
            .utxos()
            .await
            .map(|u| u.len())
            .and_then(|n| if n == 5 { Ok(n) } else { Err(WalletError::UnknownUtxo(U256::ZERO)) })
    })
    .await;
    let err = alice
        .send(dev_key(2).address(), Address::ZERO, milli_ether(45), U256::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, WalletError::TooFragmented { needed: 5, .. }), "{err}");
    assert!(err.to_string().contains("plasma wallet merge"));
    alice.merge(Address::ZERO).await.unwrap().unwrap();
    assert_eq!(alice.utxos().await.unwrap().len(), 2);
    alice.send(dev_key(2).address(), Address::ZERO, milli_ether(45), U256::ZERO).await.unwrap();
    assert!(matches!(
        alice.exit(UtxoPos::new(9999, 0, 0)).await,
        Err(WalletError::Refused(_) | WalletError::UnknownUtxo(_))
    ));

    let dead = HttpClientBuilder::default().build("http://127.0.0.1:9").unwrap();
    let orphan = Wallet::new(dev_key(3), plasma.clone(), dead, None).await.unwrap();
    assert!(matches!(orphan.balances().await, Err(WalletError::OperatorUnreachable(_))));
    node.stop().await;
}

/// MoreVP from the wallet, a challenge from the wallet, and both wallets' histories.
#[tokio::test]
async fn in_flight_exit_piggybacks_challenge_and_history() {
    let (chain, plasma, node, service) = network().await;
    let dir = tempfile::tempdir().unwrap();
    let (node_addr, watcher_addr) = (node.rpc_addr(), service.rpc_addr());
    let wallet = |who: usize| {
        let plasma = plasma.clone();
        let journal = dir.path().join(format!("{who}.jsonl"));
        async move {
            Wallet::new(dev_key(who), plasma, client(node_addr), Some(client(watcher_addr)))
                .await
                .unwrap()
                .with_history(journal, 0)
        }
    };
    let (alice, bob) = (wallet(1).await, wallet(2).await);

    let dep = alice.deposit(Address::ZERO, milli_ether(1000)).await.unwrap();
    eventually(|| async {
        alice
            .balances()
            .await
            .and_then(|b| b.first().map(|x| x.1).ok_or(WalletError::UnknownUtxo(U256::ZERO)))
    })
    .await;
    let ack = alice.send(bob.address(), Address::ZERO, milli_ether(400), U256::ZERO).await.unwrap();
    eventually(|| bob.verify_received(ack.tx_hash)).await;

    // Alice's wallet refuses to exit her spent deposit; she cheats around it on L1, and Bob's
    // wallet challenges with the watcher's evidence and takes her bond.
    let refused = alice.exit(dep).await.unwrap_err();
    assert!(
        matches!(refused, WalletError::AlreadySpent { spent_in, .. } if spent_in == ack.tx_hash),
        "{refused}"
    );
    let dep_tx =
        plasma_primitives::PaymentTx::deposit(alice.address(), Address::ZERO, milli_ether(1000))
            .unwrap();
    let dep_proof =
        plasma_primitives::MerkleTree::from_leaves(&[dep_tx.encode()]).unwrap().proof(0).unwrap();
    plasma.start_standard_exit(alice.address(), dep, &dep_tx.encode(), &dep_proof).await.unwrap();
    let bond = plasma.exit_bond().await.unwrap();
    let bob0 = chain.balance(bob.address()).await.unwrap();
    bob.challenge(dep).await.unwrap();
    let challenge_gain = chain.balance(bob.address()).await.unwrap() + milli_ether(1) - bob0;
    assert!(
        challenge_gain > milli_ether(1) && challenge_gain <= bond + milli_ether(1),
        "Bob earns the bond"
    );

    // Bob exits the payment in flight (with the bytes Alice's journal kept); Alice joins and
    // piggybacks her change. Both are paid after the period.
    let signed = alice.sent_tx(ack.tx_hash).unwrap().expect("journaled");
    assert_eq!(signed.tx().hash(), ack.tx_hash);
    let bob_exit = bob.in_flight_exit(&signed).await.unwrap();
    assert_eq!(bob_exit.piggybacked, vec![plasma_wallet::Leg::Output(0)]);
    let alice_exit = alice.in_flight_exit(&signed).await.unwrap();
    assert_eq!(alice_exit.exit_id, bob_exit.exit_id, "Alice joins Bob's exit");
    assert_eq!(alice_exit.piggybacked, vec![plasma_wallet::Leg::Output(1)]);
    chain.advance_time(2 * MEP + 1).await.unwrap();
    bob.process(Address::ZERO, 10).await.unwrap();

    use plasma_wallet::HistoryEntry as H;
    let bob_history = bob.history().await.unwrap();
    assert!(
        bob_history.iter().any(
            |e| matches!(e, H::InFlightExitStarted { exit_id, .. } if *exit_id == bob_exit.exit_id)
        ),
        "{bob_history:#?}"
    );
    assert!(
        bob_history
            .iter()
            .any(|e| matches!(e, H::InFlightLegPaid { amount, .. } if *amount == milli_ether(400))),
        "{bob_history:#?}"
    );
    let alice_history = alice.history().await.unwrap();
    assert!(
        matches!(alice_history[0], H::Deposited { amount, .. } if amount == milli_ether(1000)),
        "{alice_history:#?}"
    );
    assert!(
        alice_history.iter().any(|e| matches!(e, H::ExitChallenged { .. })),
        "{alice_history:#?}"
    );
    assert!(
        alice_history
            .iter()
            .any(|e| matches!(e, H::InFlightLegPaid { amount, .. } if *amount == milli_ether(600))),
        "{alice_history:#?}"
    );
    assert!(
        alice_history
            .iter()
            .any(|e| matches!(e, H::Sent { tx_hash, .. } if *tx_hash == ack.tx_hash)),
        "{alice_history:#?}"
    );
    assert!(
        !alice_history.iter().any(|e| matches!(e, H::InFlightExitStarted { .. })),
        "Bob started it"
    );

    service.stop().await;
    node.stop().await;
}

#[tokio::test]
async fn a_batch_exit_of_every_output_is_held_by_the_operator_and_paid_once() {
    let (chain, plasma, node, service) = network().await;
    let alice = Wallet::new(
        dev_key(1),
        plasma.clone(),
        client(node.rpc_addr()),
        Some(client(service.rpc_addr())),
    )
    .await
    .unwrap();
    for _ in 0..2 {
        alice.deposit(Address::ZERO, milli_ether(300)).await.unwrap();
    }
    eventually(|| async {
        let n = alice.utxos().await?.len();
        if n == 2 { Ok(()) } else { Err(WalletError::UnknownUtxo(U256::from(n))) }
    })
    .await;
    // The exit data comes from the watcher, which must have followed both deposits.
    let batches = eventually(|| alice.exit_all(Address::ZERO)).await;
    assert_eq!(batches.len(), 1, "two outputs, one L1 transaction");
    assert_eq!(batches[0].outputs, 2);

    // The operator follows the batch: the outputs are held, so nothing is left to spend.
    eventually(|| async {
        let n = alice.utxos().await?.len();
        if n == 0 { Ok(()) } else { Err(WalletError::UnknownUtxo(U256::from(n))) }
    })
    .await;
    let refused = alice
        .send(dev_key(2).address(), Address::ZERO, milli_ether(100), U256::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(refused, WalletError::InsufficientFunds { .. }), "{refused}");
    let again = alice.exit_all(Address::ZERO).await.unwrap_err();
    assert!(matches!(again, WalletError::Invalid(_)), "nothing left to exit: {again}");

    let before = chain.balance(alice.address()).await.unwrap();
    chain.advance_time(2 * MEP + 1).await.unwrap();
    let b = &batches[0];
    plasma.process_batch_exit(alice.address(), b.exit_id, &b.entries, 1024).await.unwrap();
    let after = chain.balance(alice.address()).await.unwrap();
    assert!(after > before + milli_ether(600), "both outputs (and the bonds) are back on L1");
    let twice = plasma.process_batch_exit(alice.address(), b.exit_id, &b.entries, 1024).await;
    assert!(twice.is_err(), "a processed batch cannot be processed again");

    service.stop().await;
    node.stop().await;
}
