//! The adversarial scenario suite: each scenario runs the real contracts on the embedded root
//! chain with a watcher, some with the real operator and some with an operator that cheats on
//! purpose, and ends with an accounting of every honest user's money.
//!
//! The accounting counts value, not gas: what each user owned on the child chain in the last
//! valid state against what the root chain paid them out (`ExitFinalized` of standard exits,
//! `InFlightExitLegPaid` of in-flight ones). An honest user
//! must lose nothing; a cheater must be paid no more than the last valid state gives it
//! (nothing, in most scenarios).

mod cash;
mod crash;
mod exit_then_spend;
mod fees;
mod in_flight;
mod mass_exit;

use alloy_primitives::Bytes;
use plasma_framework::{FrameworkConfig, Plasma, PlasmaEvent};
use plasma_primitives::units::ether;
use plasma_primitives::{
    Address, B256, FeeTx, MerkleTree, Output, PaymentTx, SignedTx, U256, UtxoPos,
};
use plasma_rootchain::{DevChain, EmbeddedChain, EventCursor, RootChain, dev_key};
use plasma_watcher::{BlockSource, Watcher, WatcherConfig, WatcherEvent};
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

/// The scenarios, by name.
pub const SCENARIOS: [&str; 14] = [
    "honest",
    "double-spend",
    "withheld-block",
    "in-flight",
    "exit-then-spend",
    "invalid-exit",
    "mass-exit",
    "fee-overclaim",
    "operator-crash",
    "cash-forged-history",
    "cash-withheld-block",
    "cash-old-state",
    "cash-checkpoint",
    "cash-forged-checkpoint",
];

const MEP: u64 = 24 * 3600;
const OPERATOR: usize = 0;
const WATCHER: usize = 9;

/// One user's accounting line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Name in the scenario.
    pub name: String,
    /// Whether the scenario treats them as honest.
    pub honest: bool,
    /// Value owned on the child chain in the last valid state.
    pub owned: U256,
    /// Value the root chain paid them out of exits.
    pub paid_out: U256,
}

impl Account {
    /// An honest user made whole; a cheater paid no more than it owned in the last valid state.
    pub fn ok(&self) -> bool {
        if self.honest { self.lost().is_zero() } else { self.paid_out <= self.owned }
    }

    /// What an honest user is short by (zero when made whole).
    pub fn lost(&self) -> U256 {
        self.owned.saturating_sub(self.paid_out)
    }
}

/// How a scenario ended.
#[derive(Debug, Clone)]
pub struct ScenarioReport {
    /// Its name.
    pub name: &'static str,
    /// What happened, step by step.
    pub story: Vec<String>,
    /// The watcher's alarms.
    pub alarms: Vec<String>,
    /// Accounting per user.
    pub accounts: Vec<Account>,
    /// What the watcher's account gained: bonds collected, less the gas of its challenges.
    pub bonds_to_watcher: U256,
    /// For the mass exit: exits that fit in one 30M-gas L1 block, from the gas they used.
    pub exits_per_l1_block: Option<u64>,
}

impl ScenarioReport {
    /// Every honest user made whole, and no cheater paid more than the last valid state gives
    /// it (nothing, unless it held something honestly, like an operator's fees).
    pub fn passed(&self) -> bool {
        self.accounts.iter().all(Account::ok)
    }

    /// The accounting as a table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<9} {:<8} {:>26} {:>26} {:>8}\n",
            "user", "role", "owned (wei)", "paid out on L1 (wei)", "result"
        );
        for a in &self.accounts {
            let ok = a.ok();
            let role = if a.honest { "honest" } else { "cheater" };
            out += &format!(
                "{:<9} {:<8} {:>26} {:>26} {:>8}\n",
                a.name,
                role,
                a.owned,
                a.paid_out,
                if ok { "ok" } else { "LOST" }
            );
        }
        out
    }
}

/// A scenario failure (not a lost coin: an operation that should have worked did not).
#[derive(Debug, thiserror::Error)]
#[error("scenario: {0}")]
pub struct ScenarioError(String);

fn fail(e: impl std::fmt::Display) -> ScenarioError {
    ScenarioError(e.to_string())
}

/// Blocks as the (possibly malicious) operator serves them.
#[derive(Clone, Default)]
struct Served(Arc<Mutex<HashMap<u64, Vec<Bytes>>>>);

impl BlockSource for Served {
    async fn block(&self, blknum: u64) -> Result<Option<Vec<Bytes>>, String> {
        Ok(self.0.lock().map_err(|e| e.to_string())?.get(&blknum).cloned())
    }
}

struct World {
    chain: Arc<EmbeddedChain>,
    plasma: Arc<Plasma<EmbeddedChain>>,
    served: Served,
    domain: B256,
    start: u64,
    watcher_start: U256,
    story: Vec<String>,
}

pub(crate) fn addr(i: usize) -> Address {
    dev_key(i).address()
}

impl World {
    async fn new() -> Result<Self, ScenarioError> {
        Self::on(EmbeddedChain::new()).await
    }

    /// A world on `chain` (one configured with more accounts than the default).
    async fn on(chain: EmbeddedChain) -> Result<Self, ScenarioError> {
        let chain = Arc::new(chain);
        let mut config = FrameworkConfig::new(addr(OPERATOR));
        config.min_exit_period = MEP;
        let start = chain.head().await.map_err(fail)?.number;
        let plasma =
            Arc::new(Plasma::deploy(chain.clone(), addr(OPERATOR), &config).await.map_err(fail)?);
        let domain = plasma.domain_separator().await.map_err(fail)?;
        let watcher_start = chain.balance(addr(WATCHER)).await.map_err(fail)?;
        Ok(Self {
            chain,
            plasma,
            served: Served::default(),
            domain,
            start,
            watcher_start,
            story: Vec::new(),
        })
    }

    fn say(&mut self, line: impl Into<String>) {
        self.story.push(line.into());
    }

    async fn deposit(
        &self,
        who: usize,
        amount: U256,
    ) -> Result<(UtxoPos, PaymentTx), ScenarioError> {
        let tx = PaymentTx::deposit(addr(who), Address::ZERO, amount).map_err(fail)?;
        let (blknum, _) = self.plasma.deposit(&tx).await.map_err(fail)?;
        Ok((UtxoPos::new(blknum, 0, 0), tx))
    }

    fn pay(
        &self,
        who: usize,
        input: UtxoPos,
        outputs: &[(usize, U256)],
    ) -> Result<SignedTx, ScenarioError> {
        let outputs = outputs
            .iter()
            .map(|&(o, amount)| Output { owner: addr(o), token: Address::ZERO, amount })
            .collect();
        PaymentTx::new(vec![input], outputs, B256::ZERO)
            .map_err(fail)?
            .sign(&[&dev_key(who)], &self.domain)
            .map_err(fail)
    }

    /// Commits and serves a block of payments followed by fee claims.
    async fn commit_with_claims(
        &self,
        txs: &[SignedTx],
        claims: &[FeeTx],
    ) -> Result<u64, ScenarioError> {
        let leaves: Vec<Vec<u8>> =
            txs.iter().map(|t| t.tx().encode()).chain(claims.iter().map(FeeTx::encode)).collect();
        let root = MerkleTree::from_leaves(&leaves).map_err(fail)?.root();
        let (blknum, _) = self.plasma.submit_block(addr(OPERATOR), root).await.map_err(fail)?;
        let served = txs.iter().map(|t| t.encode()).chain(claims.iter().map(FeeTx::encode));
        self.served.0.lock().map_err(fail)?.insert(blknum, served.map(Bytes::from).collect());
        Ok(blknum)
    }

    /// The inclusion proof of leaf `index` of a block of `leaves`.
    fn proof_of(&self, leaves: &[Vec<u8>], index: u64) -> Result<Vec<u8>, ScenarioError> {
        MerkleTree::from_leaves(leaves).map_err(fail)?.proof(index).map_err(fail)
    }

    /// Commits a block's root; serves the block unless `withhold`.
    async fn commit(&self, txs: &[SignedTx], withhold: bool) -> Result<u64, ScenarioError> {
        let leaves: Vec<Vec<u8>> = txs.iter().map(|t| t.tx().encode()).collect();
        let root = MerkleTree::from_leaves(&leaves).map_err(fail)?.root();
        let (blknum, _) = self.plasma.submit_block(addr(OPERATOR), root).await.map_err(fail)?;
        if !withhold {
            let blocks = txs.iter().map(|t| Bytes::from(t.encode())).collect();
            self.served.0.lock().map_err(fail)?.insert(blknum, blocks);
        }
        Ok(blknum)
    }

    async fn watcher(
        &self,
        owners: Vec<Address>,
    ) -> Result<Watcher<EmbeddedChain, Served>, ScenarioError> {
        let config = WatcherConfig {
            challenger: Some(addr(WATCHER)),
            mass_exit_owners: owners,
            withholding_secs: 3600,
            ..WatcherConfig::default()
        };
        Watcher::new(config, self.plasma.clone(), self.served.clone()).await.map_err(fail)
    }

    /// Exits every output the watcher's verified state gives each honest user, crosses the
    /// exit period, processes, and accounts.
    async fn settle<S: BlockSource>(
        mut self,
        name: &'static str,
        watcher: &mut Watcher<EmbeddedChain, S>,
        users: &[(&'static str, usize, bool)],
        owned: BTreeMap<usize, U256>,
    ) -> Result<ScenarioReport, ScenarioError> {
        watcher.step().await.map_err(fail)?;
        self.chain.advance_time(2 * MEP + 1).await.map_err(fail)?;
        watcher.step().await.map_err(fail)?;
        self.process_one_by_one().await?;
        let mut paid: BTreeMap<Address, U256> = BTreeMap::new();
        for log in all_logs(&self.plasma, self.start).await.map_err(fail)? {
            if let Some(
                PlasmaEvent::ExitFinalized { owner, amount, .. }
                | PlasmaEvent::InFlightLegPaid { owner, amount, .. },
            ) = self.plasma.decode(&log)
            {
                *paid.entry(owner).or_default() += amount;
            }
        }
        let watcher_after = self.chain.balance(addr(WATCHER)).await.map_err(fail)?;
        let accounts = users
            .iter()
            .map(|&(n, i, honest)| Account {
                name: n.to_string(),
                honest,
                owned: owned.get(&i).copied().unwrap_or_default(),
                paid_out: paid.get(&addr(i)).copied().unwrap_or_default(),
            })
            .collect();
        let alarms =
            watcher.events().iter().filter(|e| e.is_alarm()).map(|e| format!("{e:?}")).collect();
        self.say("exit period crossed; exits processed");
        Ok(ScenarioReport {
            name,
            story: self.story,
            alarms,
            accounts,
            bonds_to_watcher: watcher_after.saturating_sub(self.watcher_start),
            exits_per_l1_block: None,
        })
    }
}

impl World {
    /// Processes the mature ETH exits one call each, in queue order, so that an exit the vault
    /// cannot pay (one from an invalid block, after the honest exits drained the value) stops
    /// the queue only behind the honest ones; says so if it happens.
    async fn process_one_by_one(&mut self) -> Result<(), ScenarioError> {
        let now = self.chain.head().await.map_err(fail)?.timestamp;
        while let Some(at) = self.plasma.next_exit_matures_at(Address::ZERO).await.map_err(fail)? {
            if at > now {
                break;
            }
            if let Err(e) = self.plasma.process_exits(addr(OPERATOR), Address::ZERO, 1).await {
                self.say(format!("the next exit in the queue cannot be paid: {e}"));
                break;
            }
        }
        Ok(())
    }
}

/// Every log of `plasma`'s contracts from root-chain block `from_block` to the head, however
/// many blocks that is (one poll of a cursor reads a bounded range).
pub(crate) async fn all_logs<C: RootChain>(
    plasma: &Plasma<C>,
    from_block: u64,
) -> Result<Vec<plasma_rootchain::ChainLog>, plasma_rootchain::RootChainError> {
    let chain = plasma.chain().as_ref();
    let mut cursor = EventCursor::new(plasma.event_sources(), from_block, 0);
    let head = chain.head().await?.number;
    let mut logs = Vec::new();
    while cursor.next_block() <= head {
        logs.extend(cursor.poll(chain).await?);
    }
    Ok(logs)
}

/// Exits, from the owner's account, every output the watcher can prove for `owner`.
async fn exit_all(
    world: &World,
    watcher: &Watcher<EmbeddedChain, Served>,
    owner: usize,
    positions: &[UtxoPos],
) -> Result<(), ScenarioError> {
    for &pos in positions {
        let (tx, proof) =
            watcher.exit_data(pos).ok_or_else(|| fail(format!("no exit data for {pos}")))?;
        world.plasma.start_standard_exit(addr(owner), pos, &tx, &proof).await.map_err(fail)?;
    }
    Ok(())
}

/// Runs the scenario called `name`.
pub async fn run(name: &str) -> Result<ScenarioReport, ScenarioError> {
    match name {
        "honest" => honest().await,
        "double-spend" => double_spend().await,
        "withheld-block" => withheld_block().await,
        "in-flight" => in_flight::in_flight().await,
        "exit-then-spend" => exit_then_spend::exit_then_spend().await,
        "operator-crash" => crash::operator_crash().await,
        "cash-forged-history" => cash::forged_history().await,
        "cash-withheld-block" => cash::withheld_block().await,
        "cash-old-state" => cash::old_state().await,
        "cash-checkpoint" => cash::checkpoint().await,
        "cash-forged-checkpoint" => cash::forged_checkpoint().await,
        "invalid-exit" => invalid_exit().await,
        "mass-exit" => mass_exit::mass_exit().await,
        "fee-overclaim" => fees::fee_overclaim().await,
        other => Err(fail(format!("no scenario {other:?}; there are: {}", SCENARIOS.join(", ")))),
    }
}

/// Alice pays Bob; both exit everything.
async fn honest() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![]).await?;
    let (dep, _) = w.deposit(1, ether(10)).await?;
    let pay = w.pay(1, dep, &[(2, ether(4)), (1, ether(6))])?;
    w.commit(&[pay], false).await?;
    w.say("alice deposits 10 ETH and pays bob 4 in block 1000");
    watcher.step().await.map_err(fail)?;
    exit_all(&w, &watcher, 2, &[UtxoPos::new(1000, 0, 0)]).await?;
    exit_all(&w, &watcher, 1, &[UtxoPos::new(1000, 0, 1)]).await?;
    w.say("both exit what they hold");
    let owned = BTreeMap::from([(1, ether(6)), (2, ether(4))]);
    w.settle("honest", &mut watcher, &[("alice", 1, true), ("bob", 2, true)], owned).await
}

/// The operator includes Mallory's double spend; the watcher exits Alice and Bob.
async fn double_spend() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![addr(1), addr(2)]).await?;
    let (dep, _) = w.deposit(1, ether(10)).await?;
    let (mdep, _) = w.deposit(3, ether(1)).await?;
    w.commit(&[w.pay(1, dep, &[(2, ether(4)), (1, ether(6))])?], false).await?;
    let twice = [w.pay(3, mdep, &[(3, ether(1))])?, w.pay(3, mdep, &[(0, ether(1))])?];
    w.commit(&twice, false).await?;
    w.say("block 1000 is honest; block 2000 spends mallory's deposit twice");
    watcher.step().await.map_err(fail)?;
    w.say("the watcher flags block 2000 and exits alice and bob from block 1000");
    let owned = BTreeMap::from([(1, ether(6)), (2, ether(4))]);
    w.settle("double-spend", &mut watcher, &[("alice", 1, true), ("bob", 2, true)], owned).await
}

/// The operator withholds block 2000, which would move Bob's coins.
async fn withheld_block() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![addr(1), addr(2)]).await?;
    let (dep, _) = w.deposit(1, ether(10)).await?;
    w.commit(&[w.pay(1, dep, &[(2, ether(4)), (1, ether(6))])?], false).await?;
    let steal = w.pay(3, UtxoPos::new(1000, 0, 0), &[(3, ether(4))])?;
    w.commit(&[steal], true).await?;
    w.say("block 2000's root is on L1; its block is served to nobody");
    watcher.step().await.map_err(fail)?;
    w.chain.advance_time(3601).await.map_err(fail)?;
    watcher.step().await.map_err(fail)?;
    w.say("after an hour the watcher declares it withheld and exits alice and bob");
    let owned = BTreeMap::from([(1, ether(6)), (2, ether(4))]);
    w.settle("withheld-block", &mut watcher, &[("alice", 1, true), ("bob", 2, true)], owned).await
}

/// Carol exits a deposit she spent; the watcher challenges and takes her bond.
async fn invalid_exit() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![]).await?;
    let (dep, dep_tx) = w.deposit(4, ether(5)).await?;
    w.commit(&[w.pay(4, dep, &[(2, ether(5))])?], false).await?;
    watcher.step().await.map_err(fail)?;
    let proof =
        MerkleTree::from_leaves(&[dep_tx.encode()]).map_err(fail)?.proof(0).map_err(fail)?;
    w.plasma.start_standard_exit(addr(4), dep, &dep_tx.encode(), &proof).await.map_err(fail)?;
    w.say("carol pays bob her 5 ETH deposit, then starts an exit of that deposit");
    let events = watcher.step().await.map_err(fail)?;
    if !events.iter().any(|e| matches!(e, WatcherEvent::ExitChallenged { .. })) {
        return Err(fail("the watcher did not challenge"));
    }
    w.say("the watcher challenges with carol's signed spend");
    exit_all(&w, &watcher, 2, &[UtxoPos::new(1000, 0, 0)]).await?;
    w.say("bob exits the 5 ETH carol paid him");
    let owned = BTreeMap::from([(2, ether(5))]);
    w.settle("invalid-exit", &mut watcher, &[("bob", 2, true), ("carol", 4, false)], owned).await
}
