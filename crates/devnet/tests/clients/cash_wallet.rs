//! Plasma Cash end to end: the Cash node (operator) and two wallets over HTTP on the embedded
//! root chain. A coin of each kind is deposited, sent, verified in full by its new owner
//! (inclusion or non-inclusion in every block), exited and withdrawn on L1.

use crate::client;
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_cash::contract::IncludedTx;
use plasma_cash::{CashChallenge, CoinEvent, CoinWatcher};
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig, api::CashApiClient};
use plasma_cash::{CashWallet, CoinRead};
use plasma_cash::{ExitEvidence, Origin};
use plasma_contracts::{PlasmaCash, TestNft, TestToken};
use plasma_primitives::{Address, U256, cash::CashTx};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, TxRequest, dev_key};
use plasma_storage::Journal;
use plasma_wallet::WalletError;
use std::{sync::Arc, time::Duration};

const MATURITY: u64 = 3600;

async fn create(chain: &EmbeddedChain, from: Address, code: &[u8], args: Vec<u8>) -> Address {
    let receipt = chain.send(TxRequest::create(from, [code, &args].concat())).await.unwrap();
    receipt.contract_address.unwrap()
}

async fn view<T: SolCall>(chain: &EmbeddedChain, to: Address, call: T) -> T::Return {
    let out = chain.call(TxRequest::call(Address::ZERO, to, call.abi_encode())).await.unwrap();
    T::abi_decode_returns(&out).unwrap()
}

/// Polls `done` until it holds (bounded).
async fn until<F: AsyncFn() -> bool>(what: &str, done: F) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn coins_of_each_kind_are_sent_verified_exited_and_withdrawn() {
    let chain = Arc::new(EmbeddedChain::new());
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    let start = chain.head().await.unwrap().number;
    let mut config = CashConfig::new(operator);
    config.maturity_period = MATURITY;
    let contract =
        Arc::new(PlasmaCashContract::deploy(chain.clone(), operator, &config).await.unwrap());
    let token_args = TestToken::constructorCall { name_: "T".into(), symbol_: "T".into() };
    let token = create(&chain, operator, &TestToken::BYTECODE, token_args.abi_encode()).await;
    let mint = TestToken::mintCall { to: alice, amount: U256::from(1000) };
    chain.send(TxRequest::call(operator, token, mint.abi_encode())).await.unwrap();
    let nft_args = TestNft::constructorCall { name_: "N".into(), symbol_: "N".into() };
    let nft = create(&chain, operator, &TestNft::BYTECODE, nft_args.abi_encode()).await;
    let mint = TestNft::mintCall { to: alice, tokenId: U256::from(42) };
    chain.send(TxRequest::call(operator, nft, mint.abi_encode())).await.unwrap();

    let node_config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(20),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: start,
        l1_confirmations: 0,
        checkpoint_every: None,
        api: plasma_operator::ApiLimits::default(),
        expected_chain_id: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let node = CashNode::start(node_config, contract.clone(), operator, journal).await.unwrap();
    let api = client(node.rpc_addr());
    let alice_w = CashWallet::new(dev_key(1), contract.clone(), client(node.rpc_addr()));
    let bob_w = CashWallet::new(dev_key(2), contract.clone(), client(node.rpc_addr()));

    let one_eth = U256::from(10u64).pow(U256::from(18));
    let coins = [
        alice_w.deposit_eth(one_eth).await.unwrap(),
        alice_w.deposit_erc20(token, U256::from(600)).await.unwrap(),
        alice_w.deposit_erc721(nft, U256::from(42)).await.unwrap(),
    ];
    until("the node sees three coins", async || api.status().await.unwrap().coins == 3).await;
    for slot in coins {
        assert_eq!(alice_w.verify(slot).await.unwrap().owner, alice, "a fresh deposit is hers");
        alice_w.send(slot, bob).await.unwrap();
    }
    // A second spend of the same coin is refused by name: by the node while the first is in
    // the pending block, or, if that block was sealed meanwhile (the interval is 20 ms), as a
    // spend from a stale block, or by the wallet itself once the coin is Bob's.
    let again = alice_w.send(coins[0], bob).await.unwrap_err();
    let refused = match &again {
        WalletError::Refused(m) => {
            m.contains("already spent in the pending block")
                || m.contains("prevBlock 1, the coin's latest tx is at block 1000")
        }
        WalletError::NotCoinOwner { owner, .. } => *owner == bob,
        _ => false,
    };
    assert!(refused, "{again}");
    // The three transfers may span blocks: wait until every sealed block is on L1.
    until("the blocks are committed", async || {
        let s = api.status().await.unwrap();
        s.pending_txs == 0
            && s.last_submitted_block >= 1000
            && s.last_submitted_block + 1000 == s.pending_block
    })
    .await;

    // Bob checks every coin's history himself against the roots on L1.
    for slot in coins {
        let verified = bob_w.verify(slot).await.unwrap();
        assert_eq!(verified.owner, bob);
    }
    // Alice no longer owns them: her wallet refuses to send or exit.
    let not_hers = alice_w.send(coins[0], alice).await.unwrap_err();
    assert!(matches!(not_hers, WalletError::NotCoinOwner { owner, .. } if owner == bob));
    assert!(matches!(alice_w.exit(coins[1]).await, Err(WalletError::NotCoinOwner { .. })));

    // Alice exits her old deposit of the ETH coin anyway; a coin watcher fed by the Cash
    // operator (histories checked against L1) cancels it with her own transfer.
    let mut watcher = CoinWatcher::new(contract.clone(), bob, start, 0);
    watcher.watch_from(&api, coins[0]).await.unwrap();
    let coin = contract.coin(coins[0]).await.unwrap().unwrap();
    let deposit_tx = CashTx {
        slot: coins[0],
        prev_block: U256::ZERO,
        denomination: coin.denomination,
        new_owner: alice,
    };
    let old = IncludedTx { tx: deposit_tx.encode(), proof: vec![], block: coin.deposit_block };
    contract.start_exit(alice, coins[0], None, &old, &[]).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            CoinEvent::CoinExitChallenged { challenge: CashChallenge::After { block: 1000 }, .. }
        )),
        "{events:?}"
    );

    for slot in coins {
        let exitable_at = bob_w.exit(slot).await.unwrap();
        assert!(exitable_at > chain.head().await.unwrap().timestamp);
    }
    chain.advance_time(MATURITY + 1).await.unwrap();
    let before = chain.balance(bob).await.unwrap();
    for slot in coins {
        bob_w.withdraw(slot).await.unwrap();
    }
    let gained = chain.balance(bob).await.unwrap() - before;
    let gas_allowance = U256::from(10u64).pow(U256::from(16));
    let with_bonds = one_eth + contract.bond().await.unwrap() * U256::from(4);
    assert!(
        gained > with_bonds - gas_allowance && gained < with_bonds,
        "Bob gained {gained} wei: the ETH coin, his three exit bonds and Alice's, less gas"
    );
    let tokens = view(&chain, token, TestToken::balanceOfCall { account: bob }).await;
    assert_eq!(tokens, U256::from(600));
    let owner = view(&chain, nft, TestNft::ownerOfCall { tokenId: U256::from(42) }).await;
    assert_eq!(owner, bob);
    node.stop().await;
}

/// A Cash contract on a fresh embedded chain and a journal file that several lives of the
/// node share.
struct Restartable {
    chain: Arc<EmbeddedChain>,
    contract: Arc<PlasmaCashContract<EmbeddedChain>>,
    start: u64,
    journal: tempfile::TempDir,
}

impl Restartable {
    async fn new() -> Self {
        let chain = Arc::new(EmbeddedChain::new());
        let start = chain.head().await.unwrap().number;
        let operator = chain.accounts()[0];
        let cash_config = CashConfig::new(operator);
        let contract = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
        let contract = Arc::new(contract.await.unwrap());
        Self { chain, contract, start, journal: tempfile::tempdir().unwrap() }
    }

    /// A life of the node, on the shared journal.
    async fn node(&self, block_interval: Duration) -> CashNode {
        let config = CashNodeConfig {
            rpc_addr: "127.0.0.1:0".parse().unwrap(),
            block_interval,
            l1_poll_interval: Duration::from_millis(10),
            l1_start_block: self.start,
            l1_confirmations: 0,
            checkpoint_every: None,
            api: plasma_operator::ApiLimits::default(),
            expected_chain_id: None,
        };
        let journal = Arc::new(Journal::open(self.journal.path().join("cash.redb")).unwrap());
        let operator = self.chain.accounts()[0];
        CashNode::start(config, self.contract.clone(), operator, journal).await.unwrap()
    }
}

/// The Cash node journals every transfer before acknowledging it: stopped with an unsealed
/// block, it restarts from its journal with the transfer, seals it, commits the root once, and
/// the recipient verifies the coin.
#[tokio::test]
async fn an_acknowledged_transfer_survives_a_restart() {
    let setup = Restartable::new().await;
    let (contract, bob) = (setup.contract.clone(), setup.chain.accounts()[2]);
    let node = setup.node(Duration::from_secs(3600)).await;
    let api = client(node.rpc_addr());
    let alice_w = CashWallet::new(dev_key(1), contract.clone(), client(node.rpc_addr()));
    let slot = alice_w.deposit_eth(U256::from(1000)).await.unwrap();
    until("the node sees the coin", async || api.status().await.unwrap().coins == 1).await;
    alice_w.send(slot, bob).await.unwrap();
    assert_eq!(api.status().await.unwrap().pending_txs, 1);
    node.stop().await;

    let node = setup.node(Duration::from_millis(20)).await;
    let api = client(node.rpc_addr());
    until("block 1000 is committed", async || {
        api.status().await.unwrap().last_submitted_block == 1000
    })
    .await;
    let bob_w = CashWallet::new(dev_key(2), contract.clone(), client(node.rpc_addr()));
    assert_eq!(bob_w.verify(slot).await.unwrap().owner, bob);
    assert_eq!(contract.next_child_block().await.unwrap(), 2000, "one root, not two");
    node.stop().await;
}

/// Transfers sent all at once (their journal entries written in groups, one disk sync each)
/// are each acknowledged, sealed into blocks whose roots reach L1, and still there after a
/// restart, each coin owned by its new owner.
#[tokio::test]
async fn transfers_sent_at_once_are_all_acknowledged_and_survive_a_restart() {
    let setup = Restartable::new().await;
    let (contract, bob) = (setup.contract.clone(), setup.chain.accounts()[2]);
    let node = setup.node(Duration::from_millis(50)).await;
    let api = client(node.rpc_addr());
    let alice_w = CashWallet::new(dev_key(1), contract.clone(), client(node.rpc_addr()));
    let mut slots = Vec::new();
    for _ in 0..24 {
        slots.push(alice_w.deposit_eth(U256::from(1000)).await.unwrap());
    }
    until("the node sees the coins", async || api.status().await.unwrap().coins == 24).await;
    let sent = futures::future::join_all(slots.iter().map(|&slot| alice_w.send(slot, bob))).await;
    assert!(sent.iter().all(Result::is_ok), "{sent:?}");
    until("every transfer is in a committed block", async || {
        let status = api.status().await.unwrap();
        status.pending_txs == 0 && status.last_submitted_block + 1000 == status.pending_block
    })
    .await;
    node.stop().await;

    let node = setup.node(Duration::from_millis(50)).await;
    let bob_w = CashWallet::new(dev_key(2), contract.clone(), client(node.rpc_addr()));
    for slot in slots {
        assert_eq!(bob_w.verify(slot).await.unwrap().owner, bob, "coin {slot}");
    }
    node.stop().await;
}

/// With a checkpoint after every block, a coin that has not moved since a final checkpoint
/// starts its history there (the blocks before it dropped, checked against the root on L1)
/// and exits from it: no parent, no signature.
#[tokio::test]
async fn a_coin_exits_from_a_final_checkpoint() {
    let chain = Arc::new(EmbeddedChain::new());
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    let start = chain.head().await.unwrap().number;
    let mut cash_config = CashConfig::new(operator);
    (cash_config.maturity_period, cash_config.response_period) = (MATURITY, MATURITY / 2);
    cash_config.checkpoint_window = MATURITY;
    let contract = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
    let contract = Arc::new(contract.await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(20),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: start,
        l1_confirmations: 0,
        checkpoint_every: Some(1),
        api: plasma_operator::ApiLimits::default(),
        expected_chain_id: None,
    };
    let node = CashNode::start(config, contract.clone(), operator, journal).await.unwrap();
    let api = client(node.rpc_addr());
    let alice_w = CashWallet::new(dev_key(1), contract.clone(), client(node.rpc_addr()));
    let bob_w = CashWallet::new(dev_key(2), contract.clone(), client(node.rpc_addr()));
    let half_eth = U256::from(5u64) * U256::from(10u64).pow(U256::from(17));
    let slot = alice_w.deposit_eth(half_eth).await.unwrap();
    until("the node sees the coin", async || api.status().await.unwrap().coins == 1).await;
    alice_w.send(slot, bob).await.unwrap();
    until("a checkpoint of block 1000 is on L1", async || {
        contract.latest_checkpoint().await.unwrap().is_some_and(|(_, _, block)| block == 1000)
    })
    .await;

    // A watcher of the coin judges the checkpoint with the operator's data: it agrees.
    let mut watcher = CoinWatcher::new(contract.clone(), bob, start, 0);
    watcher.watch_from(&api, slot).await.unwrap();
    watcher.step().await.unwrap();
    watcher.judge_new_checkpoints(&api).await;
    let served = api.get_checkpoint_proof(slot).await.unwrap().expect("a checkpoint is served");
    let judged =
        watcher.judge_checkpoint(slot, served.id, served.block, served.leaf, &served.proof);
    assert_eq!(judged.await, None, "the served leaf is Bob's transfer");
    assert!(
        !watcher.events().iter().any(|e| matches!(e, CoinEvent::WrongCheckpoint { .. })),
        "an honest checkpoint is not disputed: {:?}",
        watcher.events()
    );

    // Alice disputes the (honest) checkpoint with her old deposit tx; the operator answers
    // with her own transfer to Bob, so the checkpoint stays usable for the coin.
    let coin = contract.coin(slot).await.unwrap().unwrap();
    let deposit_tx =
        CashTx { slot, prev_block: U256::ZERO, denomination: coin.denomination, new_owner: alice };
    let old = IncludedTx { tx: deposit_tx.encode(), proof: vec![], block: coin.deposit_block };
    contract
        .dispute_checkpoint(alice, served.id, slot, &old, served.leaf, &served.proof)
        .await
        .unwrap();
    let dispute_state = async || {
        let call =
            PlasmaCash::disputeCall { checkpointId: served.id, slot, txHash: deposit_tx.hash() };
        view(&chain, contract.address(), call).await.state
    };
    until("the operator answers the dispute", async || dispute_state().await == 2).await;

    // Not final yet: the history still starts at the deposit.
    let read = CoinRead::fetch(&contract, &api, slot).await.unwrap();
    assert_eq!(read.checkpoint_id, None);
    assert!(matches!(read.history.origin, Origin::Deposit));
    chain.advance_time(MATURITY + MATURITY / 2 + 1).await.unwrap();
    let read = CoinRead::fetch(&contract, &api, slot).await.unwrap();
    assert!(read.checkpoint_id.is_some());
    assert!(matches!(read.history.origin, Origin::Checkpoint(_)), "{:?}", read.history.origin);
    let verified = read.verify().unwrap();
    assert_eq!(verified.owner, bob);
    assert!(matches!(verified.exit, ExitEvidence::Checkpoint { checkpoint_block: 1000, .. }));

    bob_w.exit(slot).await.unwrap();
    chain.advance_time(MATURITY + 1).await.unwrap();
    let before = chain.balance(bob).await.unwrap();
    bob_w.withdraw(slot).await.unwrap();
    let gained = chain.balance(bob).await.unwrap() - before;
    let expected = half_eth + contract.bond().await.unwrap();
    let gas_allowance = U256::from(10u64).pow(U256::from(16));
    assert!(gained > expected - gas_allowance && gained < expected, "Bob gained {gained} wei");
    node.stop().await;
}

/// The coin watcher on a real anvil (snapshot and revert), reading at depth 3: an invalid exit
/// of a watched coin is not acted on while fewer than 3 blocks sit on it; a reorg within the
/// depth (the exit's branch dropped) passes unnoticed; the exit, made again, is challenged
/// once 3 deep; a reorg deeper than the depth stops the watcher with the typed error, and its
/// run ends with it instead of retrying for ever.
#[tokio::test]
async fn the_coin_watcher_reads_at_its_depth_and_stops_on_a_deeper_reorg() {
    use plasma_cash::CoinWatcherError;
    use plasma_rootchain::{Anvil, RpcChain, RpcConfig, dev_keys};
    const DEPTH: u64 = 3;
    let anvil = Anvil::spawn(31337, &[]).unwrap();
    let mut rpc = RpcConfig::new(anvil.url());
    rpc.poll_interval = Duration::from_millis(20);
    let chain = Arc::new(RpcChain::connect(rpc, &dev_keys()).await.unwrap());
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    for who in [operator, alice, bob] {
        chain.set_balance(who, U256::from(10u128.pow(22))).await.unwrap();
    }
    let start = chain.head().await.unwrap().number;
    let cash_config = CashConfig::new(operator);
    let contract = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
    let contract = Arc::new(contract.await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(20),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: start,
        l1_confirmations: 0,
        checkpoint_every: None,
        api: plasma_operator::ApiLimits::default(),
        expected_chain_id: None,
    };
    let node = CashNode::start(config, contract.clone(), operator, journal).await.unwrap();
    let api = client(node.rpc_addr());
    let alice_w = CashWallet::new(dev_key(1), contract.clone(), client(node.rpc_addr()));
    let slot = alice_w.deposit_eth(U256::from(10u64).pow(U256::from(17))).await.unwrap();
    until("the node sees the coin", async || api.status().await.unwrap().coins == 1).await;
    alice_w.send(slot, bob).await.unwrap();
    until("block 1000 is committed", async || {
        api.status().await.unwrap().last_submitted_block == 1000
    })
    .await;
    let mut watcher = CoinWatcher::new(contract.clone(), bob, start, DEPTH);
    watcher.watch_from(&api, slot).await.unwrap();
    node.stop().await; // from here only the test writes to the root chain
    assert!(watcher.step().await.unwrap().is_empty());

    // Alice exits her deposit, which she spent to Bob: invalid, but only DEPTH - 1 deep.
    let coin = contract.coin(slot).await.unwrap().unwrap();
    let deposit_tx =
        CashTx { slot, prev_block: U256::ZERO, denomination: coin.denomination, new_owner: alice };
    let old = IncludedTx { tx: deposit_tx.encode(), proof: vec![], block: coin.deposit_block };
    let snapshot = chain.snapshot().await.unwrap();
    contract.start_exit(alice, slot, None, &old, &[]).await.unwrap();
    for _ in 0..DEPTH - 1 {
        chain.mine().await.unwrap();
    }
    let events = watcher.step().await.unwrap();
    assert!(events.is_empty(), "acted on an exit fewer than {DEPTH} blocks deep: {events:?}");

    // The branch with the exit is dropped (a reorg within the depth): nothing to see.
    chain.revert(snapshot).await.unwrap();
    for _ in 0..DEPTH + 2 {
        chain.mine().await.unwrap();
    }
    let events = watcher.step().await.unwrap();
    assert!(events.is_empty(), "{events:?}");

    // The exit again: still not acted on DEPTH - 1 deep, challenged once DEPTH deep.
    contract.start_exit(alice, slot, None, &old, &[]).await.unwrap();
    for _ in 0..DEPTH - 1 {
        chain.mine().await.unwrap();
    }
    assert!(watcher.step().await.unwrap().is_empty());
    chain.mine().await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            CoinEvent::CoinExitChallenged { challenge: CashChallenge::After { block: 1000 }, .. }
        )),
        "{events:?}"
    );

    // A reorg deeper than the depth: blocks the watcher read (a deposit among them) change.
    let snapshot = chain.snapshot().await.unwrap();
    contract.deposit_eth(alice, U256::from(1000)).await.unwrap();
    for _ in 0..DEPTH + 1 {
        chain.mine().await.unwrap();
    }
    watcher.step().await.unwrap();
    chain.revert(snapshot).await.unwrap();
    for _ in 0..DEPTH + 3 {
        chain.mine().await.unwrap();
    }
    let err = watcher.step().await.unwrap_err();
    assert!(matches!(err, CoinWatcherError::DeepReorg { confirmations: DEPTH, .. }), "{err}");
    assert!(err.to_string().contains("reorg deeper than its 3 confirmations"), "{err}");
    let again = watcher.step().await.unwrap_err();
    assert!(matches!(again, CoinWatcherError::DeepReorg { .. }), "it stays stopped: {again}");
    let gone = client(node_addr_unused());
    let run = watcher.run(gone, vec![slot], Duration::from_millis(10), None);
    let stopped = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the coin watcher kept running after a reorg deeper than its depth");
    assert!(matches!(stopped, CoinWatcherError::DeepReorg { .. }), "{stopped}");
    drop(anvil);
}

/// A loopback address nothing listens on (the stopped node's API).
fn node_addr_unused() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
