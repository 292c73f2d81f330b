//! Where the rules meet: the operator's chain (`DebitChain`) and the exit game on L1 (the real
//! `PlasmaDebit` bytecode on the embedded chain), driven together by a seeded random
//! simulation. Holders deposit, pay, transfer and pay fees; the operator tops coins up and
//! commits every block; holders and the operator start exits, honest ones and exits of old
//! states (by the holder or a past holder); the watching parties answer from their verified
//! histories with `answer_exit`. Checked at every step: every exit of an old state is
//! cancelled; every exit that pays, pays exactly what the chain's latest state gives the
//! holder and the operator; and the contract holds exactly what it owes plus the capacity of
//! every coin not yet paid out and the live bonds.

use alloy_primitives::{Address, U256};
use plasma_debit::{
    Answer, ChainError, CoinStatus, DebitChain, DebitConfig, DebitEvent, DebitFacts, DepositRecord,
    PlasmaDebitContract, VerifiedCoin, answer_exit,
};
use plasma_primitives::{
    PrivateKey,
    debit::{DebitTx, PayTx, TransferTx},
};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, dev_key};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::{collections::BTreeMap, sync::Arc};

const MATURITY: u64 = 100;
const HOLDERS: usize = 5;

struct Sim {
    l1: PlasmaDebitContract<EmbeddedChain>,
    ledger: DebitChain,
    operator: PrivateKey,
    holders: Vec<PrivateKey>,
    rng: StdRng,
    slots: Vec<u64>,
    /// Live exits: slot → whether it is of an old state.
    live: BTreeMap<u64, bool>,
    bond: U256,
    /// Counts, so that the run is seen to exercise each path.
    stale_cancelled: usize,
    paid_out: usize,
    pays: usize,
    credits_added: usize,
}

impl Sim {
    async fn new(seed: u64) -> Self {
        let chain = Arc::new(EmbeddedChain::new());
        let operator = dev_key(0);
        let config = DebitConfig {
            operator: operator.address(),
            bond: U256::from(10_000_000_000_000u64),
            maturity_period: MATURITY,
            response_period: MATURITY / 2,
        };
        let l1 = PlasmaDebitContract::deploy(chain, operator.address(), &config).await.unwrap();
        Self {
            bond: config.bond,
            l1,
            ledger: DebitChain::new(),
            operator,
            holders: (1..=HOLDERS).map(dev_key).collect(),
            rng: StdRng::seed_from_u64(seed),
            slots: Vec::new(),
            live: BTreeMap::new(),
            stale_cancelled: 0,
            paid_out: 0,
            pays: 0,
            credits_added: 0,
        }
    }

    fn key_of(&self, who: Address) -> &PrivateKey {
        self.holders.iter().find(|k| k.address() == who).expect("every owner is a holder")
    }

    fn on_chain(&self) -> Vec<u64> {
        let status = |s: &u64| self.ledger.coin(*s).map(|c| c.status);
        self.slots.iter().copied().filter(|s| status(s) == Some(CoinStatus::OnChain)).collect()
    }

    fn verified(&self, slot: u64) -> VerifiedCoin {
        let coin = self.ledger.coin(slot).unwrap();
        let facts = DebitFacts {
            deposit: coin.deposit,
            capacity: coin.capacity,
            last_block: self.ledger.last_sealed().unwrap_or(0),
        };
        let history = self.ledger.coin_history(slot).unwrap();
        history.verify(&|b| self.ledger.block_root(b), &facts).unwrap()
    }

    async fn deposits_and_top_ups(&mut self) {
        for _ in 0..self.rng.random_range(0..3) {
            let holder = self.holders[self.rng.random_range(0..HOLDERS)].address();
            let amount = U256::from(self.rng.random_range(1..1_000_000u64));
            let (slot, block) = self.l1.deposit_eth(holder, amount).await.unwrap();
            self.ledger.deposit(DepositRecord { slot, block, owner: holder, amount }).unwrap();
            self.slots.push(slot);
        }
        let coins = self.on_chain();
        if !coins.is_empty() && self.rng.random_bool(0.6) {
            let slot = coins[self.rng.random_range(0..coins.len())];
            let amount = U256::from(self.rng.random_range(1..500_000u64));
            self.l1.top_up(self.operator.address(), slot, amount).await.unwrap();
            self.ledger.top_up(slot, amount).unwrap();
        }
    }

    /// Seals what is pending and commits its root on L1.
    async fn seal_and_commit(&mut self) {
        let (number, root) = {
            let block = self.ledger.seal().unwrap();
            (block.number, block.root)
        };
        assert_eq!(self.l1.submit_block(self.operator.address(), root).await.unwrap(), number);
    }

    /// Random pays and transfers (some with a fee) between coins on the chain, then the seal
    /// and its root on L1.
    async fn transactions_and_block(&mut self) {
        let coins = self.on_chain();
        for _ in 0..if coins.is_empty() { 0 } else { self.rng.random_range(0..8) } {
            let (a, b) = (
                coins[self.rng.random_range(0..coins.len())],
                coins[self.rng.random_range(0..coins.len())],
            );
            let (from, to) = (self.ledger.coin(a).unwrap(), self.ledger.coin(b).unwrap());
            let tx = if a != b && self.rng.random_bool(0.7) {
                let most = from.state.balance.min(to.capacity - to.state.balance);
                if most.is_zero() {
                    continue;
                }
                let amount = U256::from(self.rng.random_range(1..=most.to::<u64>()));
                DebitTx::Pay(PayTx {
                    from_slot: a,
                    from_prev_block: U256::from(from.state.own_block),
                    from_owner: from.state.owner,
                    from_balance: from.state.balance - amount,
                    to_slot: b,
                    to_owner: to.state.owner,
                    amount,
                })
            } else {
                let fee =
                    U256::from(self.rng.random_range(0..=from.state.balance.to::<u64>().min(5)));
                DebitTx::Transfer(TransferTx {
                    slot: a,
                    prev_block: U256::from(from.state.own_block),
                    new_owner: self.holders[self.rng.random_range(0..HOLDERS)].address(),
                    balance: from.state.balance - fee,
                })
            };
            let signer = self.key_of(from.state.owner).clone();
            match self.ledger.submit(tx, tx.sign(&signer)) {
                Ok(_) => self.pays += usize::from(matches!(tx, DebitTx::Pay(_))),
                Err(ChainError::AlreadyTouched(_)) => {}
                Err(e) => panic!("the chain refused a valid transaction: {e}"),
            }
        }
        self.seal_and_commit().await;
    }

    /// Some coins start exiting: honest exits by the holder or the operator, and exits of an
    /// old state by whoever owned it.
    async fn exits(&mut self) {
        for slot in self.on_chain() {
            if !self.rng.random_bool(0.15) {
                continue;
            }
            let coin = self.verified(slot);
            let n = coin.own.len();
            let stale = n >= 2 && self.rng.random_bool(0.4);
            let i = if stale { self.rng.random_range(0..n - 1) } else { n - 1 };
            let exiting = coin.own[i].clone();
            let parent = i.checked_sub(1).map(|p| coin.own[p].clone());
            let owner = exiting.tx.own_state().owner;
            let starter =
                if !stale && self.rng.random_bool(0.3) { self.operator.address() } else { owner };
            match self.l1.start_exit(starter, slot, parent.as_ref(), &exiting).await {
                Ok(_) => {}
                // An old state shown spent once never exits again.
                Err(e) if stale && e.reverted_with("ProvenInvalid") => {
                    self.stale_cancelled += 1;
                    continue;
                }
                Err(e) => panic!("coin {slot}: exit refused: {e}"),
            }
            self.ledger.exit_started(slot).unwrap();
            self.live.insert(slot, stale);
        }
    }

    /// Every live exit answered from the verified history, until nothing is left to answer.
    /// A challenge by a pay whose payee's coin exits an older state of another holder is
    /// refused until that exit is cancelled (the payee's guard), so it is tried again.
    async fn answers(&mut self) {
        loop {
            let mut progress = false;
            for (slot, stale) in self.live.clone() {
                let coin = self.verified(slot);
                let record = self.l1.exit_of(slot).await.unwrap();
                let nonce = self.l1.coin(slot).await.unwrap().unwrap().exit_nonce;
                let mut claimed = Vec::new();
                for c in coin.credits_after(record.exit_block) {
                    let hash = c.tx.hash();
                    if self.l1.credit_claimed(slot, hash, nonce).await.unwrap() {
                        claimed.push(hash);
                    }
                }
                match answer_exit(&coin, &record.to_judge(claimed)) {
                    None => assert!(!stale, "coin {slot}: an old state left unanswered"),
                    Some(Answer::AddCredits(credits)) => {
                        assert!(!stale, "coin {slot}: an old state is given credits");
                        for credit in &credits {
                            self.l1.add_credit(record.owner, slot, credit).await.unwrap();
                            self.credits_added += 1;
                        }
                        progress = true;
                    }
                    Some(Answer::ChallengeAfter { spend, copy_proof }) => {
                        assert!(stale, "coin {slot}: an honest exit challenged");
                        let from = self.operator.address();
                        match self.l1.challenge_after(from, slot, &spend, &copy_proof).await {
                            Ok(_) => {
                                self.ledger.exit_cancelled(slot).unwrap();
                                self.live.remove(&slot);
                                self.stale_cancelled += 1;
                                progress = true;
                            }
                            Err(e) if e.reverted_with("PayeeNotCredited") => {}
                            Err(e) => panic!("coin {slot}: challenge refused: {e}"),
                        }
                    }
                    Some(other) => panic!("coin {slot}: an honest chain needs no {other:?}"),
                }
            }
            if !progress {
                break;
            }
        }
        assert!(self.live.values().all(|stale| !stale), "an old state is still exiting");
    }

    /// Time passes; every live exit is finalized and pays exactly the chain's latest state.
    async fn maturity(&mut self) {
        self.l1.chain().advance_time(MATURITY + 1).await.unwrap();
        for slot in std::mem::take(&mut self.live).into_keys() {
            let receipt = self.l1.finalize_exit(self.operator.address(), slot).await.unwrap();
            let paid = receipt.logs.iter().find_map(|l| match self.l1.decode(l) {
                Some(DebitEvent::ExitFinalized {
                    owner, owner_amount, operator_amount, ..
                }) => Some((owner, owner_amount, operator_amount)),
                _ => None,
            });
            let coin = self.ledger.coin(slot).unwrap();
            let holder = coin.state.balance.min(coin.capacity);
            let expected = (coin.state.owner, holder, coin.capacity - holder);
            assert_eq!(paid, Some(expected), "coin {slot} paid out");
            self.ledger.exit_finalized(slot).unwrap();
            self.paid_out += 1;
        }
    }

    /// The contract holds what it owes, the capacity of every coin not paid out, and the bond
    /// of every live exit; nothing more, nothing less.
    async fn check_solvency(&self) {
        let chain = self.l1.chain();
        let held = chain.balance(self.l1.address()).await.unwrap();
        let mut owed = self.l1.owed(self.operator.address()).await.unwrap();
        for h in &self.holders {
            owed += self.l1.owed(h.address()).await.unwrap();
        }
        let locked: U256 = self
            .slots
            .iter()
            .map(|s| self.ledger.coin(*s).unwrap())
            .filter(|c| c.status != CoinStatus::Exited)
            .map(|c| c.capacity)
            .sum();
        let bonds = self.bond * U256::from(self.live.len());
        assert_eq!(held, owed + locked + bonds, "the contract's balance");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_and_the_exit_game_agree_on_every_payout() {
    let mut totals = [0usize; 4];
    for seed in 0..4u64 {
        let mut sim = Sim::new(seed).await;
        for _ in 0..24 {
            sim.deposits_and_top_ups().await;
            sim.transactions_and_block().await;
            sim.exits().await;
            sim.answers().await;
            sim.check_solvency().await;
            sim.maturity().await;
            sim.check_solvency().await;
        }
        // Everyone takes what is owed: the contract keeps exactly the coins still on the chain.
        let chain = sim.l1.chain().clone();
        for who in
            std::iter::once(sim.operator.address()).chain(sim.holders.iter().map(|h| h.address()))
        {
            if !sim.l1.owed(who).await.unwrap().is_zero() {
                sim.l1.withdraw(who).await.unwrap();
            }
        }
        sim.check_solvency().await;
        let left = chain.balance(sim.l1.address()).await.unwrap();
        let on_chain: U256 =
            sim.on_chain().iter().map(|s| sim.ledger.coin(*s).unwrap().capacity).sum();
        assert_eq!(left, on_chain, "seed {seed}");
        for (t, n) in
            totals.iter_mut().zip([sim.stale_cancelled, sim.paid_out, sim.pays, sim.credits_added])
        {
            *t += n;
        }
    }
    eprintln!(
        "old states refused {}, exits paid {}, pays {}, credits added {}",
        totals[0], totals[1], totals[2], totals[3]
    );
    let [stale, paid, pays, credits] = totals;
    assert!(stale >= 10 && paid >= 20 && pays >= 60 && credits >= 3, "{totals:?}: too few to tell");
}

/// The review's h11 on the real bytecode: Alice pays Carol, then sells her coin to Bob; Carol's
/// coin is paid out before the pay. The guard refuses the pay against Alice's exit of her
/// deposit until Bob shows her sale naming the pay's block (`acknowledge_pay`); then Bob's
/// challenge cancels it.
#[tokio::test]
async fn a_pay_its_payer_built_on_cannot_be_voided() {
    let mut sim = Sim::new(7).await;
    let (alice, bob, carol) =
        (sim.holders[0].clone(), sim.holders[1].clone(), sim.holders[2].clone());
    let coin = |owner: Address| {
        let l1 = &sim.l1;
        async move { l1.deposit_eth(owner, U256::from(1_000u64)).await.unwrap() }
    };
    let (a, a_block) = coin(alice.address()).await;
    let (c, c_block) = coin(carol.address()).await;
    let ledger = &mut sim.ledger;
    for (slot, block, owner) in [(a, a_block, alice.address()), (c, c_block, carol.address())] {
        ledger.deposit(DepositRecord { slot, block, owner, amount: U256::from(1_000u64) }).unwrap();
    }
    sim.l1.top_up(sim.operator.address(), c, U256::from(500u64)).await.unwrap();
    sim.ledger.top_up(c, U256::from(500u64)).unwrap();
    let pay = DebitTx::Pay(PayTx {
        from_slot: a,
        from_prev_block: U256::from(a_block),
        from_owner: alice.address(),
        from_balance: U256::from(900u64),
        to_slot: c,
        to_owner: carol.address(),
        amount: U256::from(100u64),
    });
    sim.ledger.submit(pay, pay.sign(&alice)).unwrap();
    sim.seal_and_commit().await;
    let sale = DebitTx::Transfer(TransferTx {
        slot: a,
        prev_block: U256::from(sim.ledger.coin(a).unwrap().state.own_block),
        new_owner: bob.address(),
        balance: U256::from(900u64),
    });
    sim.ledger.submit(sale, sale.sign(&alice)).unwrap();
    sim.seal_and_commit().await;
    // Carol's coin exits its deposit, without the credit, and is paid out.
    let carols = sim.verified(c);
    sim.l1.start_exit(carol.address(), c, None, &carols.own[0]).await.unwrap();
    sim.l1.chain().advance_time(MATURITY + 1).await.unwrap();
    sim.l1.finalize_exit(carol.address(), c).await.unwrap();
    // Alice exits her deposit, spent by the pay.
    let coin_a = sim.verified(a);
    sim.l1.start_exit(alice.address(), a, None, &coin_a.own[0]).await.unwrap();
    let refused = sim.l1.challenge_after(bob.address(), a, &coin_a.own[1], &[]).await;
    let refused = refused.map(drop);
    assert!(matches!(&refused, Err(e) if e.reverted_with("PayeeNotCredited")), "{refused:?}");
    let next = plasma_debit::acknowledgment(&coin_a, &coin_a.own[1]).unwrap();
    sim.l1.acknowledge_pay(bob.address(), &coin_a.own[1], next).await.unwrap();
    sim.l1.challenge_after(bob.address(), a, &coin_a.own[1], &[]).await.unwrap();
    let record = sim.l1.exit_of(a).await.unwrap();
    assert_eq!(sim.l1.coin(a).await.unwrap().unwrap().state, plasma_debit::CoinOnL1State::OnChain);
    assert_eq!(record.owner, alice.address(), "the cancelled exit was Alice's");
}
