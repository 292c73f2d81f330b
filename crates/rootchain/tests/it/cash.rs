//! Plasma Cash through the trait: a coin of each kind (ETH, ERC20, ERC721) goes deposit →
//! transfer → exit → withdrawal on L1, and a cheating exit of a spent coin is cancelled.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_cash::contract::IncludedTx;
use plasma_cash::{CashConfig, CashEvent, CoinKind, PlasmaCashContract};
use plasma_contracts::{TestNft, TestToken};
use plasma_primitives::cash::{CashTx, SparseMerkleTree};
use plasma_rootchain::{DevChain, EventCursor, RootChain, RootChainError, TxRequest, dev_key};
use std::{collections::BTreeMap, sync::Arc};

const MATURITY: u64 = 3600;

async fn create<C: RootChain>(chain: &C, from: Address, code: &[u8], args: Vec<u8>) -> Address {
    let receipt = chain.send(TxRequest::create(from, [code, &args].concat())).await.unwrap();
    receipt.contract_address.unwrap()
}

async fn call<C: RootChain, T: SolCall>(chain: &C, to: Address, call: T) -> T::Return {
    let out = chain.call(TxRequest::call(Address::ZERO, to, call.abi_encode())).await.unwrap();
    T::abi_decode_returns(&out).unwrap()
}

pub(crate) async fn cash_coins_of_each_kind_exit_and_are_withdrawn<C: DevChain>(chain: Arc<C>) {
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    let start = chain.head().await.unwrap().number;
    let mut config = CashConfig::new(operator);
    config.maturity_period = MATURITY;
    config.response_period = MATURITY / 2;
    config.checkpoint_window = MATURITY;
    let cash = PlasmaCashContract::deploy(chain.clone(), operator, &config).await.unwrap();

    let token_args = TestToken::constructorCall { name_: "T".into(), symbol_: "T".into() };
    let token = create(&*chain, operator, &TestToken::BYTECODE, token_args.abi_encode()).await;
    let mint = TestToken::mintCall { to: alice, amount: U256::from(1000) };
    chain.send(TxRequest::call(operator, token, mint.abi_encode())).await.unwrap();
    let nft_args = TestNft::constructorCall { name_: "N".into(), symbol_: "N".into() };
    let nft = create(&*chain, operator, &TestNft::BYTECODE, nft_args.abi_encode()).await;
    let mint = TestNft::mintCall { to: alice, tokenId: U256::from(7) };
    chain.send(TxRequest::call(operator, nft, mint.abi_encode())).await.unwrap();

    // Alice deposits one coin of each kind.
    let one_eth = U256::from(10u64).pow(U256::from(18));
    let eth_coin = cash.deposit_eth(alice, one_eth).await.unwrap();
    let erc20_coin = cash.deposit_erc20(alice, token, U256::from(500)).await.unwrap();
    let nft_coin = cash.deposit_erc721(alice, nft, U256::from(7)).await.unwrap();
    let coins = [eth_coin, erc20_coin, nft_coin];
    let kinds = [CoinKind::Eth, CoinKind::Erc20, CoinKind::Erc721];
    let mut deposits = Vec::new();
    for ((slot, blknum), kind) in coins.iter().zip(kinds) {
        let coin = cash.coin(*slot).await.unwrap().expect("deposited");
        assert_eq!((coin.kind, coin.deposit_block, coin.depositor), (kind, *blknum, alice));
        let tx = CashTx {
            slot: *slot,
            prev_block: U256::ZERO,
            denomination: coin.denomination,
            new_owner: alice,
        };
        // A deposit block's root is the deposit's hash; the contract keeps the coin instead.
        assert_eq!(cash.block_root(*blknum).await.unwrap(), alloy_primitives::B256::ZERO);
        deposits.push(IncludedTx { tx: tx.encode(), proof: Vec::new(), block: *blknum });
    }

    // Block 1000: Alice gives all three coins to Bob.
    let transfers: Vec<(CashTx, [u8; 66])> = coins
        .iter()
        .zip(&deposits)
        .map(|((slot, blknum), dep)| {
            let denomination = CashTx::decode(&dep.tx).unwrap().denomination;
            let tx = CashTx {
                slot: *slot,
                prev_block: U256::from(*blknum),
                denomination,
                new_owner: bob,
            };
            (tx, tx.sign(&dev_key(1)).to_bytes())
        })
        .collect();
    let tree = SparseMerkleTree::new(
        transfers.iter().map(|(t, _)| (t.slot, t.hash())).collect::<BTreeMap<_, _>>(),
    );
    assert_eq!(cash.submit_block(operator, tree.root()).await.unwrap(), 1000);
    let included: Vec<IncludedTx> = transfers
        .iter()
        .map(|(t, _)| IncludedTx { tx: t.encode(), proof: tree.proof(t.slot), block: 1000 })
        .collect();

    // Alice tries to exit the ETH coin from its deposit; Bob shows her spend: cancelled.
    let (eth_slot, _) = eth_coin;
    cash.start_exit(alice, eth_slot, None, &deposits[0], &[]).await.unwrap();
    let bond = cash.bond().await.unwrap();
    cash.challenge_after(bob, eth_slot, &included[0], &transfers[0].1, &[]).await.unwrap();
    assert_eq!(cash.bond_balance(bob).await.unwrap(), bond, "the cheater's bond is Bob's");
    // A forged signature does not exit the coin either.
    let forged = transfers[1].0.sign(&dev_key(3)).to_bytes();
    let err = cash.start_exit(bob, erc20_coin.0, Some(&deposits[1]), &included[1], &forged).await;
    assert!(matches!(err, Err(RootChainError::Reverted { .. })), "{err:?}");

    // Bob exits all three with the deposit as parent and Alice's signed transfer.
    for ((slot, _), (dep, (inc, (_, sig)))) in
        coins.iter().zip(deposits.iter().zip(included.iter().zip(&transfers)))
    {
        cash.start_exit(bob, *slot, Some(dep), inc, sig).await.unwrap();
    }
    let early = cash.finalize_exit(bob, eth_slot).await;
    assert!(early.is_err(), "not mature yet");
    chain.advance_time(MATURITY + 1).await.unwrap();
    let eth_before = chain.balance(bob).await.unwrap();
    let mut fees = U256::ZERO;
    for (slot, _) in coins {
        fees += cash.finalize_exit(bob, slot).await.unwrap().fee();
        fees += cash.withdraw(bob, slot).await.unwrap().fee();
    }
    fees += cash.withdraw_bonds(bob).await.unwrap().fee();
    let eth_after = chain.balance(bob).await.unwrap();
    assert_eq!(
        eth_after + fees,
        eth_before + one_eth + bond * U256::from(4),
        "1 ETH, 3 exit bonds and Alice's"
    );
    let tokens = call(&*chain, token, TestToken::balanceOfCall { account: bob }).await;
    assert_eq!(tokens, U256::from(500));
    let owner = call(&*chain, nft, TestNft::ownerOfCall { tokenId: U256::from(7) }).await;
    assert_eq!(owner, bob);
    // A withdrawn coin never exits again.
    let again = cash.start_exit(bob, eth_slot, Some(&deposits[0]), &included[0], &transfers[0].1);
    assert!(again.await.is_err());

    let mut cursor = EventCursor::new(vec![cash.address()], start + 1, 0);
    let events: Vec<CashEvent> =
        cursor.poll(&*chain).await.unwrap().iter().filter_map(|l| cash.decode(l)).collect();
    assert!(events.iter().any(
        |e| matches!(e, CashEvent::ExitCancelled { reason: 1, owner, .. } if *owner == alice)
    ));
    let withdrawn =
        events.iter().filter(|e| matches!(e, CashEvent::Withdrawn { owner, .. } if *owner == bob));
    assert_eq!(withdrawn.count(), 3);
}
