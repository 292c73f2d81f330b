//! The model-based adversarial simulation: many users take seeded random actions against the
//! real operator (its store, sequencer and listener), the real contracts on the embedded root
//! chain and a real watcher that challenges; after every step the invariants are checked:
//!
//! 1. every block the honest operator seals is valid for the watcher (no invalid or withheld
//!    block, no "exit now");
//! 2. the vault holds at least every claim that can still be paid (each output the watcher
//!    counts unspent);
//! 3. the operator never offers an output the watcher does not count unspent;
//! 4. the operator refuses every spend of an output under an exit (standard, in-flight
//!    input, piggyback) or paid out;
//!
//! and at the end (for two seeds in three, after a fault the run cannot go on from: a reorg
//! deeper than the confirmation depth, or withheld blocks) every user exits what they hold:
//! each must be paid exactly what the model
//! says they own (deposits, plus payments received, minus payments sent), cheaters included
//! (their cheats are challenged, so they gain nothing), and the vault must be empty.
//!
//! Actions name users and outputs by index ("the k-th spendable output of user u"), resolved
//! against the state when they run, so any sub-list of a failing list is still a valid run:
//! a failure is shrunk to a short list that still fails, and printed with its seed.

mod accounting;
mod endings;
mod steps;
mod world;

use crate::scenario::addr;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_framework::{FrameworkConfig, Plasma, PlasmaEvent};
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode, Status};
use plasma_primitives::{Address, B256, Output, PaymentTx, SignedTx, U256, UtxoPos};
use plasma_rootchain::{DevChain, EmbeddedChain, EmbeddedConfig, RootChain, dev_key};
use plasma_storage::RedbStore;
use plasma_watcher::{BlockSource, Watcher, WatcherConfig, WatcherEvent};
use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    fmt,
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use world::{client_of, judges_the_operator, new_watcher, start_node};

/// The exit period of the simulated chain.
const MEP: u64 = 24 * 3600;
/// The operator's and the watcher's confirmation depth: reorganisations shallower than this
/// happen during the run and must change nothing.
const CONFIRMATIONS: u64 = 2;
const OPERATOR: usize = 0;

/// One run's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimConfig {
    /// Seeds the action list.
    pub seed: u64,
    /// Actions before the final exit of everyone.
    pub steps: usize,
    /// Users (development accounts `1..=users`).
    pub users: usize,
    /// Shrink a failing action list (slow: each try is a whole run).
    pub shrink: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self { seed: 1, steps: 200, users: 50, shrink: true }
    }
}

/// One step a user, the clock or the operator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "each variant's doc names its fields")]
pub enum Action {
    /// `user` deposits `milli` thousandths of an ether.
    Deposit { user: usize, milli: u64 },
    /// `from` pays `to` `percent` of its `pick`-th spendable output, through the operator.
    Pay { from: usize, to: usize, pick: usize, percent: u64 },
    /// `user` merges two of its outputs into one.
    Merge { user: usize, pick: usize },
    /// `user` exits its `pick`-th spendable output.
    StandardExit { user: usize, pick: usize },
    /// Cheat: `user` exits an output it already spent (the watcher must challenge).
    InvalidExit { user: usize, pick: usize },
    /// `user` exits in flight the included payment that created its `pick`-th output and
    /// piggybacks that output (the devnet walk of docs/wallet.md §6).
    InFlightIncluded { user: usize, pick: usize },
    /// `from` signs a payment to `to` the operator never sees (as if withheld) and exits it in
    /// flight; both piggyback their outputs.
    InFlightWithheld { from: usize, to: usize, pick: usize, percent: u64 },
    /// Cheat: `user` exits in flight a second spend of an output it already spent, and
    /// piggybacks that input (the watcher must show it is not canonical).
    InFlightDoubleSpend { user: usize, pick: usize },
    /// Someone tries to spend the `pick`-th output under an exit: the operator must refuse.
    SpendExiting { pick: usize },
    /// Time passes (`secs`), then anyone processes the mature exits.
    Process { secs: u64 },
    /// The operator stops and restarts on its store.
    Restart,
    /// `user` deposits `milli`, and the root chain reorganises the deposit away before it is
    /// as deep as the confirmation depth: nobody may count it.
    ShallowReorg { user: usize, milli: u64 },
    /// An ending: on a branch the root chain then drops, `user` deposits `milli` and pays all
    /// of it to `to` (sealed and committed); the branch is gone deeper than the confirmation
    /// depth. The operator must stop without committing anything more, and everyone exits
    /// what they held on the surviving chain, from a watcher that reads it afresh.
    DeepReorg { user: usize, to: usize, milli: u64 },
    /// An ending: from now on the watcher is served no block (withheld); a few payments (drawn
    /// from `salt`) go into those blocks. Their payers exit them in flight and both parties
    /// piggyback; the watcher must call the chain withheld, and everyone exits.
    Withhold { salt: u64 },
}

impl Action {
    /// Whether the run ends with this action (nothing after it runs).
    fn ends_the_run(&self) -> bool {
        matches!(self, Action::DeepReorg { .. } | Action::Withhold { .. })
    }
}

/// The actions of `config`'s run: deterministic in the seed.
pub fn actions(config: &SimConfig) -> Vec<Action> {
    let mut rng = SplitMix(config.seed);
    let users = config.users.max(2);
    let user = |rng: &mut SplitMix| 1 + rng.below(users as u64) as usize;
    let mut list = Vec::with_capacity(config.steps);
    // Everyone starts with money, so that payments have something to move.
    for u in 1..=users {
        list.push(Action::Deposit { user: u, milli: 100 + rng.below(900) });
    }
    for _ in 0..config.steps {
        let pick = rng.below(1 << 16) as usize;
        let percent = 1 + rng.below(100);
        let action = match rng.below(100) {
            0..=39 => Action::Pay { from: user(&mut rng), to: user(&mut rng), pick, percent },
            40..=44 => Action::Merge { user: user(&mut rng), pick },
            45..=49 => Action::Deposit { user: user(&mut rng), milli: 1 + rng.below(500) },
            50..=56 => Action::StandardExit { user: user(&mut rng), pick },
            57..=60 => Action::InvalidExit { user: user(&mut rng), pick },
            61..=66 => Action::InFlightIncluded { user: user(&mut rng), pick },
            67..=72 => {
                Action::InFlightWithheld { from: user(&mut rng), to: user(&mut rng), pick, percent }
            }
            73..=76 => Action::InFlightDoubleSpend { user: user(&mut rng), pick },
            77..=86 => Action::SpendExiting { pick },
            87..=94 => Action::Process { secs: 3600 + rng.below(MEP) },
            95..=96 => Action::ShallowReorg { user: user(&mut rng), milli: 1 + rng.below(500) },
            _ => Action::Restart,
        };
        list.push(action);
    }
    // One seed in three ends with a deep reorg, one in three with withheld blocks.
    match config.seed % 3 {
        1 => list.push(Action::DeepReorg {
            user: user(&mut rng),
            to: user(&mut rng),
            milli: 1 + rng.below(500),
        }),
        2 => list.push(Action::Withhold { salt: rng.next() }),
        _ => {}
    }
    list
}

/// A tiny deterministic generator (SplitMix64): the same seed, the same actions, anywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What a passing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimReport {
    /// The seed.
    pub seed: u64,
    /// Actions run (including the initial deposits).
    pub actions: usize,
    /// How many of each action took effect (an action with nothing to act on is skipped).
    pub done: BTreeMap<&'static str, usize>,
    /// Spends of exiting or exited outputs the operator refused, as it must.
    pub refused_exiting: usize,
    /// Challenges the watcher sent (invalid exits, non-canonical in-flight exits, piggybacks).
    pub challenges: usize,
    /// Operator blocks sealed and verified.
    pub blocks: u64,
    /// Wei paid out on L1 in all.
    pub paid_out: U256,
}

/// A broken invariant: the seed, the step, what broke, and a short action list that still
/// breaks it.
#[derive(Debug, Clone)]
pub struct SimFailure {
    /// The seed.
    pub seed: u64,
    /// What broke, at which step of the shrunk list.
    pub broken: String,
    /// The shrunk action list.
    pub actions: Vec<Action>,
}

impl fmt::Display for SimFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "seed {}: {}", self.seed, self.broken)?;
        writeln!(f, "reproduced by these {} actions:", self.actions.len())?;
        for (i, a) in self.actions.iter().enumerate() {
            writeln!(f, "  {i:>4}: {a:?}")?;
        }
        Ok(())
    }
}

/// Runs `config`; on a broken invariant, shrinks the action list and reports it.
pub async fn run(config: &SimConfig) -> Result<SimReport, SimFailure> {
    let list = actions(config);
    match execute(config.seed, &list, config.users).await {
        Ok(report) => Ok(report),
        Err(broken) if !config.shrink => {
            Err(SimFailure { seed: config.seed, broken, actions: list })
        }
        Err(broken) => {
            let (actions, broken) = shrink(config, list, broken).await;
            Err(SimFailure { seed: config.seed, broken, actions })
        }
    }
}

/// Removes chunks of the list (halving their size) while the run still fails; bounded.
async fn shrink(
    config: &SimConfig,
    mut list: Vec<Action>,
    mut broken: String,
) -> (Vec<Action>, String) {
    let mut chunk = list.len() / 2;
    let mut tries = 0;
    while chunk > 0 && tries < 60 {
        let mut start = 0;
        while start < list.len() && tries < 60 {
            let end = (start + chunk).min(list.len());
            let candidate: Vec<Action> = [&list[..start], &list[end..]].concat();
            tries += 1;
            match execute(config.seed, &candidate, config.users).await {
                Err(still) => {
                    list = candidate;
                    broken = still;
                }
                Ok(_) => start = end,
            }
        }
        chunk /= 2;
    }
    (list, broken)
}

/// The watcher reads blocks from whichever operator life is running, except the blocks from
/// `withheld_from` on, which it is never served.
#[derive(Clone)]
struct LiveNode {
    client: Arc<Mutex<HttpClient>>,
    withheld_from: Arc<AtomicU64>,
}

impl BlockSource for LiveNode {
    async fn block(&self, blknum: u64) -> Result<Option<Vec<alloy_primitives::Bytes>>, String> {
        if blknum >= self.withheld_from.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let client = self.client.lock().map_err(|e| e.to_string())?.clone();
        client.block(blknum).await
    }
}

/// An output under an exit, and its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Exiting {
    owner: usize,
    pos: UtxoPos,
}

struct Sim {
    chain: Arc<EmbeddedChain>,
    plasma: Arc<Plasma<EmbeddedChain>>,
    domain: B256,
    path: PathBuf,
    _dir: TempDir,
    node: Option<OperatorNode>,
    client: HttpClient,
    live: LiveNode,
    watcher: Watcher<EmbeddedChain, LiveNode>,
    watcher_seen: usize,
    users: usize,
    model: Model,
    /// Whether the operator follows the root chain (false once a deep reorg stopped it).
    following: bool,
    report: SimReport,
}

/// What the users know: restored as a whole when the root chain drops a branch.
#[derive(Debug, Clone, Default)]
struct Model {
    /// What each user owns: deposits + received − sent.
    owned: BTreeMap<usize, U256>,
    /// Included payments, by the position of their output 0.
    included: HashMap<UtxoPos, SignedTx>,
    /// Outputs each user has spent on the child chain.
    spent: BTreeMap<usize, Vec<UtxoPos>>,
    exiting: BTreeSet<Exiting>,
    exited_in_flight: HashSet<B256>,
}

/// A scratch folder removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn key_of(user: usize) -> plasma_primitives::PrivateKey {
    dev_key(user)
}

type Step<T> = Result<T, String>;

fn err(e: impl fmt::Display) -> String {
    e.to_string()
}

async fn execute(seed: u64, list: &[Action], users: usize) -> Step<SimReport> {
    let mut sim = Sim::new(seed, users).await?;
    let mut ended = false;
    for (step, action) in list.iter().enumerate() {
        sim.act(*action).await.map_err(|e| format!("step {step} ({action:?}): {e}"))?;
        if action.ends_the_run() {
            ended = true;
            break;
        }
        sim.check(step).await.map_err(|e| format!("after step {step} ({action:?}): {e}"))?;
    }
    if !ended {
        sim.finish(users).await.map_err(|e| format!("at the final exit: {e}"))?;
    }
    sim.report.actions = list.len();
    if let Some(node) = sim.node.take() {
        node.stop().await;
    }
    Ok(sim.report)
}
