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

use crate::scenario::addr;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode, Status};
use plasma_primitives::{Address, B256, Output, PaymentTx, SignedTx, U256, UtxoPos};
use plasma_rootchain::{
    DevChain, EmbeddedChain, EmbeddedConfig, FrameworkConfig, Plasma, PlasmaEvent, RootChain,
    dev_key,
};
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

impl Sim {
    async fn new(seed: u64, users: usize) -> Step<Self> {
        let accounts = (0..users + 2).map(|i| dev_key(i).address()).collect();
        let chain = Arc::new(EmbeddedChain::with_config(EmbeddedConfig {
            accounts,
            ..EmbeddedConfig::default()
        }));
        let mut framework = FrameworkConfig::new(addr(OPERATOR));
        framework.min_exit_period = MEP;
        let plasma =
            Arc::new(Plasma::deploy(chain.clone(), addr(OPERATOR), &framework).await.map_err(err)?);
        let domain = plasma.domain_separator().await.map_err(err)?;
        let dir = std::env::temp_dir().join(format!(
            "plasma-sim-{}-{seed}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(err)?;
        let path = dir.join("operator.redb");
        let node = start_node(&plasma, &path).await?;
        let client = client_of(&node)?;
        let live = LiveNode {
            client: Arc::new(Mutex::new(client.clone())),
            withheld_from: Arc::new(AtomicU64::new(u64::MAX)),
        };
        let watcher = new_watcher(&plasma, &live, users).await?;
        Ok(Self {
            chain,
            plasma,
            domain,
            path,
            _dir: TempDir(dir),
            node: Some(node),
            client,
            live,
            watcher,
            watcher_seen: 0,
            users,
            model: Model::default(),
            following: true,
            report: SimReport { seed, ..SimReport::default() },
        })
    }

    fn node(&self) -> Step<&OperatorNode> {
        self.node.as_ref().ok_or_else(|| "the operator is not running".to_owned())
    }

    fn done(&mut self, what: &'static str) {
        *self.report.done.entry(what).or_default() += 1;
    }

    /// The outputs the operator offers `user`, in position order.
    async fn spendable(&self, user: usize) -> Step<Vec<(UtxoPos, U256)>> {
        let page = self.client.get_utxos(addr(user), None, Some(1000)).await.map_err(err)?;
        Ok(page
            .utxos
            .into_iter()
            .filter_map(|u| Some((UtxoPos::from_raw(u.utxo_pos)?, u.amount)))
            .collect())
    }

    fn pay_tx(&self, from: usize, inputs: Vec<UtxoPos>, outs: &[(usize, U256)]) -> Step<SignedTx> {
        let outputs = outs
            .iter()
            .filter(|(_, amount)| !amount.is_zero())
            .map(|&(o, amount)| Output { owner: addr(o), token: Address::ZERO, amount })
            .collect();
        let key = key_of(from);
        let keys = vec![&key; inputs.len()];
        PaymentTx::new(inputs, outputs, B256::ZERO)
            .map_err(err)?
            .sign(&keys, &self.domain)
            .map_err(err)
    }

    fn moved(&mut self, from: usize, to: usize, amount: U256) {
        let from_owned = self.model.owned.entry(from).or_default();
        *from_owned = from_owned.saturating_sub(amount);
        *self.model.owned.entry(to).or_default() += amount;
    }

    /// Submits an honest payment, which must be acknowledged, and waits until its block is on
    /// L1 and verified.
    async fn submit(&mut self, from: usize, tx: SignedTx) -> Step<()> {
        let answer = self.node()?.submit(vec![tx.encode().into()]).await.map_err(err)?;
        let ack = answer.into_iter().next().ok_or("no answer")?.map_err(|reason| {
            format!("an honest spend of outputs the operator offered was refused: {reason}")
        })?;
        self.model.included.insert(UtxoPos::new(ack.blknum, ack.txindex, 0), tx.clone());
        self.model.spent.entry(from).or_default().extend(tx.tx().inputs());
        self.until("sealed and submitted the block", |s| {
            s.pending_txs == 0 && s.last_submitted_block >= ack.blknum
        })
        .await?;
        self.report.blocks = self.report.blocks.max(ack.blknum / 1000);
        self.sync_l1().await
    }

    async fn until(&self, what: &str, done: impl Fn(&Status) -> bool) -> Step<Status> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let node = self.node()?;
            if let Some(failure) = node.failure() {
                return Err(format!("the operator stopped: {failure}"));
            }
            let status = node.status().await;
            if done(&status) {
                return Ok(status);
            }
            if Instant::now() > deadline {
                return Err(format!("the operator never {what}: {status:?}"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Lets the watcher act (it may challenge) and the operator read everything up to the
    /// root chain's head, until neither has more to do.
    async fn sync_l1(&mut self) -> Step<()> {
        loop {
            // Bury everything so far at the confirmation depth.
            for _ in 0..CONFIRMATIONS {
                self.chain.mine().await.map_err(err)?;
            }
            let head = self.chain.head().await.map_err(err)?.number;
            let read_to = head - CONFIRMATIONS;
            if self.following {
                self.until("read the root chain", |s| s.l1_next_block > read_to).await?;
            }
            self.watcher.step().await.map_err(err)?;
            if self.chain.head().await.map_err(err)?.number == head {
                return Ok(());
            }
        }
    }

    async fn act(&mut self, action: Action) -> Step<()> {
        match action {
            Action::Deposit { user, milli } => {
                let amount = U256::from(milli) * U256::from(10u64.pow(15));
                let tx = PaymentTx::deposit(addr(user), Address::ZERO, amount).map_err(err)?;
                self.plasma.deposit(&tx).await.map_err(err)?;
                *self.model.owned.entry(user).or_default() += amount;
                self.done("deposit");
                self.sync_l1().await
            }
            Action::Pay { from, to, pick, percent } => {
                let mine = self.spendable(from).await?;
                let Some(&(input, amount)) = mine.get(pick % mine.len().max(1)) else {
                    return Ok(());
                };
                let sent = amount * U256::from(percent) / U256::from(100);
                let tx = self.pay_tx(from, vec![input], &[(to, sent), (from, amount - sent)])?;
                self.submit(from, tx).await?;
                self.moved(from, to, sent);
                self.done("pay");
                Ok(())
            }
            Action::Merge { user, pick } => {
                let mine = self.spendable(user).await?;
                if mine.len() < 2 {
                    return Ok(());
                }
                let first = pick % (mine.len() - 1);
                let (a, b) = (mine[first], mine[first + 1]);
                let tx = self.pay_tx(user, vec![a.0, b.0], &[(user, a.1 + b.1)])?;
                self.submit(user, tx).await?;
                self.done("merge");
                Ok(())
            }
            Action::StandardExit { user, pick } => {
                let mine = self.spendable(user).await?;
                let Some(&(pos, _)) = mine.get(pick % mine.len().max(1)) else { return Ok(()) };
                let (tx, proof) = self.watcher.exit_data(pos).ok_or_else(|| {
                    format!("the operator offers {pos}, which the watcher cannot prove")
                })?;
                self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.map_err(err)?;
                self.model.exiting.insert(Exiting { owner: user, pos });
                self.done("standard exit");
                self.sync_l1().await
            }
            Action::InvalidExit { user, pick } => {
                let spent = self.model.spent.get(&user).cloned().unwrap_or_default();
                let Some(&pos) = spent.get(pick % spent.len().max(1)) else { return Ok(()) };
                let Some((tx, proof)) = self.watcher.exit_data(pos) else { return Ok(()) };
                // Refused outright (already exited, or challenged before) is a defence too.
                if self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.is_ok() {
                    self.done("invalid exit (cheat)");
                }
                self.sync_l1().await
            }
            Action::InFlightIncluded { user, pick } => {
                let mine = self.spendable(user).await?;
                let Some(&(pos, _)) = mine.get(pick % mine.len().max(1)) else { return Ok(()) };
                let at = UtxoPos::new(pos.blknum_u64().ok_or("block")?, pos.txindex() as u16, 0);
                let Some(tx) = self.model.included.get(&at).cloned() else { return Ok(()) };
                if !self.model.exited_in_flight.insert(tx.tx().hash()) {
                    return Ok(());
                }
                let args = self.watcher.in_flight_exit_data(&tx)?;
                self.plasma.start_in_flight_exit(addr(user), &args).await.map_err(err)?;
                let oindex = pos.oindex() as u8;
                self.plasma
                    .piggyback_output(addr(user), &args.tx, oindex, Address::ZERO)
                    .await
                    .map_err(err)?;
                self.model.exiting.insert(Exiting { owner: user, pos });
                self.done("in-flight exit of an included payment");
                self.sync_l1().await
            }
            Action::InFlightWithheld { from, to, pick, percent } => {
                let mine = self.spendable(from).await?;
                let Some(&(input, amount)) = mine.get(pick % mine.len().max(1)) else {
                    return Ok(());
                };
                let sent = (amount * U256::from(percent) / U256::from(100)).max(U256::from(1));
                let outs = [(to, sent), (from, amount - sent)];
                let tx = self.pay_tx(from, vec![input], &outs)?;
                self.model.exited_in_flight.insert(tx.tx().hash());
                let args = self.watcher.in_flight_exit_data(&tx)?;
                self.plasma.start_in_flight_exit(addr(from), &args).await.map_err(err)?;
                let recipients: Vec<usize> =
                    outs.iter().filter(|(_, a)| !a.is_zero()).map(|(o, _)| *o).collect();
                for (index, &owner) in recipients.iter().enumerate() {
                    self.plasma
                        .piggyback_output(addr(owner), &args.tx, index as u8, Address::ZERO)
                        .await
                        .map_err(err)?;
                }
                // The payment is canonical (its input is unspent, and the operator now holds
                // it): it happens, through the exit.
                self.moved(from, to, sent);
                self.model.exiting.insert(Exiting { owner: from, pos: input });
                self.done("in-flight exit of a withheld payment");
                self.sync_l1().await
            }
            Action::InFlightDoubleSpend { user, pick } => {
                let spent = self.model.spent.get(&user).cloned().unwrap_or_default();
                let Some(&input) = spent.get(pick % spent.len().max(1)) else { return Ok(()) };
                let Some(amount) = self.created_amount(input) else { return Ok(()) };
                let tx = self.pay_tx(user, vec![input], &[(user, amount)])?;
                if !self.model.exited_in_flight.insert(tx.tx().hash()) {
                    return Ok(());
                }
                let Ok(args) = self.watcher.in_flight_exit_data(&tx) else { return Ok(()) };
                if self.plasma.start_in_flight_exit(addr(user), &args).await.is_err() {
                    return self.sync_l1().await;
                }
                let _ = self.plasma.piggyback_input(addr(user), &args.tx, 0).await;
                self.done("in-flight exit of a double spend (cheat)");
                self.sync_l1().await
            }
            Action::SpendExiting { pick } => {
                let all: Vec<Exiting> = self.model.exiting.iter().copied().collect();
                let Some(&Exiting { owner, pos }) = all.get(pick % all.len().max(1)) else {
                    return Ok(());
                };
                let Some(amount) = self.created_amount(pos) else { return Ok(()) };
                let tx = self.pay_tx(owner, vec![pos], &[(owner, amount)])?;
                let answer = self.node()?.submit(vec![tx.encode().into()]).await.map_err(err)?;
                match answer.into_iter().next() {
                    Some(Err(reason))
                        if reason.contains("exiting on L1")
                            || reason.contains("left the chain") =>
                    {
                        self.report.refused_exiting += 1;
                        Ok(())
                    }
                    // Spent before the exit started (the exit is then invalid, and challenged).
                    Some(Err(reason)) if reason.contains("already spent") => Ok(()),
                    other => Err(format!("a spend of exiting output {pos} got {other:?}")),
                }
            }
            Action::Process { secs } => {
                self.chain.advance_time(secs).await.map_err(err)?;
                self.sync_l1().await?;
                self.plasma.process_exits(addr(OPERATOR), Address::ZERO, 100).await.map_err(err)?;
                self.done("process");
                self.sync_l1().await
            }
            Action::ShallowReorg { user, milli } => {
                let snapshot = self.chain.snapshot().await.map_err(err)?;
                let amount = U256::from(milli) * U256::from(10u64.pow(15));
                let tx = PaymentTx::deposit(addr(user), Address::ZERO, amount).map_err(err)?;
                self.plasma.deposit(&tx).await.map_err(err)?;
                for _ in 1..CONFIRMATIONS {
                    self.chain.mine().await.map_err(err)?;
                }
                // Give the operator's listener time to (wrongly) read it, then drop the branch.
                tokio::time::sleep(Duration::from_millis(10)).await;
                self.chain.revert(snapshot).await.map_err(err)?;
                self.done("shallow reorg");
                self.sync_l1().await
            }
            Action::DeepReorg { user, to, milli } => self.deep_reorg(user, to, milli).await,
            Action::Withhold { salt } => self.withhold(salt).await,
            Action::Restart => {
                if let Some(node) = self.node.take() {
                    node.stop().await;
                }
                let node = start_node(&self.plasma, &self.path).await?;
                self.client = client_of(&node)?;
                *self.live.client.lock().map_err(err)? = self.client.clone();
                self.node = Some(node);
                self.done("operator restart");
                self.sync_l1().await
            }
        }
    }

    /// The ending [`Action::DeepReorg`].
    async fn deep_reorg(&mut self, user: usize, to: usize, milli: u64) -> Step<()> {
        let kept = self.model.clone();
        let committed = self.plasma.next_child_block().await.map_err(err)?;
        let snapshot = self.chain.snapshot().await.map_err(err)?;
        let amount = U256::from(milli) * U256::from(10u64.pow(15));
        let deposit = PaymentTx::deposit(addr(user), Address::ZERO, amount).map_err(err)?;
        let (blknum, _) = self.plasma.deposit(&deposit).await.map_err(err)?;
        self.sync_l1().await?;
        let spend = self.pay_tx(user, vec![UtxoPos::new(blknum, 0, 0)], &[(to, amount)])?;
        self.submit(user, spend.clone()).await?;
        self.chain.revert(snapshot).await.map_err(err)?;
        for _ in 0..CONFIRMATIONS + 2 {
            self.chain.mine().await.map_err(err)?;
        }
        // The operator stops (fail-stop), acknowledges nothing more, commits nothing more.
        let deadline = Instant::now() + Duration::from_secs(60);
        let failure = loop {
            match self.node()?.failure() {
                Some(failure) => break failure,
                None if Instant::now() > deadline => {
                    return Err("the operator kept running on a reorganised root chain".into());
                }
                None => tokio::time::sleep(Duration::from_millis(2)).await,
            }
        };
        if !failure.contains("reorg") {
            return Err(format!("the operator stopped, but not for the reorg: {failure}"));
        }
        self.following = false;
        let answer = self.node()?.submit(vec![spend.encode().into()]).await;
        if !matches!(&answer, Err(e) if e.to_string().contains("stopped accepting")) {
            return Err(format!("after the reorg the operator answered {answer:?}"));
        }
        let now_committed = self.plasma.next_child_block().await.map_err(err)?;
        if now_committed != committed {
            return Err(format!(
                "after the reorg the root chain expects block {now_committed}, not {committed}: the operator committed on the new branch"
            ));
        }
        // The watcher stops too, rather than judge the new branch by the old one.
        match self.watcher.step().await {
            Err(e) if e.to_string().contains("reorg") => {}
            other => return Err(format!("the watcher went on after the reorg: {other:?}")),
        }
        // Users hold what they held on the surviving chain; a watcher started afresh reads it
        // (blocks from the stopped operator, which still serves them) and everyone exits.
        self.model = kept;
        self.watcher = new_watcher(&self.plasma, &self.live, self.users).await?;
        self.watcher_seen = 0;
        // One step of the watcher reads at most 2,000 root-chain blocks.
        let head = self.chain.head().await.map_err(err)?.number;
        for _ in 0..head / 2000 + 2 {
            self.sync_l1().await?;
        }
        if self.watcher.last_verified() + 1000 != committed {
            return Err(format!(
                "the fresh watcher verified up to block {}, the root chain holds up to {}",
                self.watcher.last_verified(),
                committed - 1000
            ));
        }
        self.no_alarm()?;
        self.done("deep reorg (ending)");
        self.leave().await
    }

    /// The ending [`Action::Withhold`].
    async fn withhold(&mut self, salt: u64) -> Step<()> {
        let mut rng = SplitMix(salt);
        let first = self.node()?.status().await.pending_block;
        self.live.withheld_from.store(first, Ordering::Relaxed);
        let mut withheld = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let from = 1 + rng.below(self.users as u64) as usize;
            let to = 1 + rng.below(self.users as u64) as usize;
            // An honest user spends only outputs it has seen in a verified block.
            let mine: Vec<(UtxoPos, U256)> = self
                .spendable(from)
                .await?
                .into_iter()
                .filter(|(pos, _)| self.watcher.ledger().utxo(*pos).is_some())
                .collect();
            let Some(&(input, amount)) = mine.get(rng.below(mine.len() as u64) as usize) else {
                continue;
            };
            let sent = (amount * U256::from(1 + rng.below(100)) / U256::from(100)).max(U256::ONE);
            let outs = [(to, sent), (from, amount - sent)];
            let tx = self.pay_tx(from, vec![input], &outs)?;
            self.submit(from, tx.clone()).await?;
            self.moved(from, to, sent);
            self.done("payment in a withheld block");
            withheld.push((from, input, tx, outs));
        }
        // Each payer cannot get its block: it exits the payment in flight, and both parties
        // piggyback their outputs (docs/wallet.md §6).
        for (from, input, tx, outs) in &withheld {
            let args = self.watcher.in_flight_exit_data(tx)?;
            self.plasma.start_in_flight_exit(addr(*from), &args).await.map_err(err)?;
            let owners = outs.iter().filter(|(_, a)| !a.is_zero()).map(|(o, _)| *o);
            for (index, owner) in owners.enumerate() {
                self.plasma
                    .piggyback_output(addr(owner), &args.tx, index as u8, Address::ZERO)
                    .await
                    .map_err(err)?;
            }
            self.model.exiting.insert(Exiting { owner: *from, pos: *input });
        }
        self.sync_l1().await?;
        // Once the first withheld block is `withholding_secs` old, the watcher says so.
        self.chain.advance_time(MEP + 1).await.map_err(err)?;
        self.sync_l1().await?;
        let events = &self.watcher.events()[self.watcher_seen..];
        let withheld_alarm = events
            .iter()
            .any(|e| matches!(e, WatcherEvent::BlockWithheld { blknum, .. } if *blknum == first));
        let exit_now = events.iter().any(|e| matches!(e, WatcherEvent::ExitNow { .. }));
        let alarmed = withheld_alarm && exit_now;
        if !withheld.is_empty() && !alarmed {
            return Err(format!("block {first} is withheld, but the watcher reported {events:?}"));
        }
        if let Some(bad) = events.iter().find(|e| matches!(e, WatcherEvent::InvalidBlock { .. })) {
            return Err(format!("a withheld block was judged invalid: {bad:?}"));
        }
        self.watcher_seen = self.watcher.events().len();
        self.report.blocks = self.report.blocks.max(first / 1000);
        self.done("withheld blocks (ending)");
        self.leave().await
    }

    /// No verdict against the operator among the watcher's events not yet looked at (a
    /// replay re-reports the cheats of users, which were challenged).
    fn no_alarm(&mut self) -> Step<()> {
        let events = &self.watcher.events()[self.watcher_seen..];
        if let Some(alarm) = events.iter().find(|e| judges_the_operator(e)) {
            return Err(format!("the watcher judged the honest operator: {alarm:?}"));
        }
        self.watcher_seen = self.watcher.events().len();
        Ok(())
    }

    /// Everyone exits, from the watcher's verified data alone, every output they hold and
    /// have not spent or put under an exit yet; then the accounting of [`Sim::settle`].
    async fn leave(&mut self) -> Step<()> {
        for user in 1..=self.users {
            let mut done: HashSet<UtxoPos> =
                self.model.spent.get(&user).into_iter().flatten().copied().collect();
            done.extend(self.model.exiting.iter().filter(|e| e.owner == user).map(|e| e.pos));
            let held = self.watcher.ledger().utxos_of(addr(user));
            for (pos, _) in held.into_iter().filter(|(pos, _)| !done.contains(pos)) {
                let (tx, proof) = self.watcher.exit_data(pos).ok_or_else(|| {
                    format!("the watcher counts {pos} unspent but cannot prove it")
                })?;
                self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.map_err(err)?;
            }
        }
        self.settle(self.users).await
    }

    /// The amount of the output at `pos`, from the verified transaction that created it.
    fn created_amount(&self, pos: UtxoPos) -> Option<U256> {
        let (bytes, _) = self.watcher.exit_data(pos)?;
        let tx = PaymentTx::decode(&bytes).ok()?;
        Some(tx.outputs().get(pos.oindex() as usize)?.amount)
    }

    /// The invariants that hold after every step.
    async fn check(&mut self, step: usize) -> Step<()> {
        let events = self.watcher.events()[self.watcher_seen..].to_vec();
        self.watcher_seen = self.watcher.events().len();
        for event in &events {
            if judges_the_operator(event) {
                return Err(format!("the watcher judged the honest operator: {event:?}"));
            }
            match event {
                WatcherEvent::ExitChallenged { .. } | WatcherEvent::InFlightExitActed { .. } => {
                    self.report.challenges += 1
                }
                _ => {}
            }
        }
        let claims: U256 = self.watcher.ledger().utxos().map(|(_, out)| out.amount).sum();
        let vault = self.chain.balance(self.plasma.addresses().eth_vault).await.map_err(err)?;
        if vault < claims {
            return Err(format!(
                "the vault holds {vault} wei, less than the {claims} still claimable"
            ));
        }
        if step.is_multiple_of(16) {
            for user in self.model.owned.keys().copied().collect::<Vec<_>>() {
                for (pos, _) in self.spendable(user).await? {
                    if self.watcher.ledger().utxo(pos).is_none() {
                        return Err(format!(
                            "the operator offers {pos}, which the watcher counts spent"
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Everyone exits what they hold; each must be paid exactly what they own, and the vault
    /// must end empty.
    async fn finish(&mut self, users: usize) -> Step<()> {
        for user in 1..=users {
            for (pos, _) in self.spendable(user).await? {
                let (tx, proof) = self.watcher.exit_data(pos).ok_or_else(|| {
                    format!("the operator offers {pos}, which the watcher cannot prove")
                })?;
                self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.map_err(err)?;
            }
        }
        self.settle(users).await
    }

    /// Once every exit is started: time passes and exits are processed until nothing is left;
    /// each user must have been paid exactly what they own, and the vault must end empty.
    async fn settle(&mut self, users: usize) -> Step<()> {
        self.sync_l1().await?;
        for _ in 0..3 {
            self.chain.advance_time(2 * MEP + 1).await.map_err(err)?;
            self.sync_l1().await?;
            self.plasma.process_exits(addr(OPERATOR), Address::ZERO, 10_000).await.map_err(err)?;
            self.sync_l1().await?;
        }
        let paid = self.paid_out().await?;
        self.report.paid_out = paid.values().copied().sum();
        for user in 1..=users {
            let owned = self.model.owned.get(&user).copied().unwrap_or_default();
            let got = paid.get(&addr(user)).copied().unwrap_or_default();
            if got != owned {
                let left: Vec<String> = self
                    .watcher
                    .ledger()
                    .utxos()
                    .filter(|(_, out)| out.owner == addr(user))
                    .map(|(pos, out)| format!("{pos}: {} wei", out.amount))
                    .collect();
                let status = self.node()?.status().await;
                let history = self.exit_history(addr(user)).await?;
                let others: Vec<String> = (1..=users)
                    .filter_map(|u| {
                        let o = self.model.owned.get(&u).copied().unwrap_or_default();
                        let g = paid.get(&addr(u)).copied().unwrap_or_default();
                        (o != g).then(|| format!("user {u}: owns {o}, paid {g}"))
                    })
                    .collect();
                return Err(format!(
                    "user {user} owns {owned} wei but was paid {got}; still unspent for the watcher: {left:?}; operator: {status:?}; the user's exits on L1: {history:#?}; every mismatch: {others:#?}"
                ));
            }
        }
        let vault = self.chain.balance(self.plasma.addresses().eth_vault).await.map_err(err)?;
        if !vault.is_zero() {
            return Err(format!("{vault} wei stayed in the vault after everyone exited"));
        }
        Ok(())
    }

    /// The exit-game events that concern `owner`'s exits, in order (for a failure report).
    async fn exit_history(&self, owner: Address) -> Step<Vec<String>> {
        let mut mine: HashSet<U256> = HashSet::new();
        let mut lines = Vec::new();
        for log in self.all_logs().await? {
            let Some(event) = self.plasma.decode(&log) else { continue };
            let id = match &event {
                PlasmaEvent::ExitStarted { exit_id, owner: o, .. }
                | PlasmaEvent::InFlightExitPiggybacked { exit_id, owner: o, .. }
                | PlasmaEvent::InFlightLegPaid { exit_id, owner: o, .. }
                    if *o == owner =>
                {
                    mine.insert(*exit_id);
                    Some(*exit_id)
                }
                PlasmaEvent::ExitStarted { exit_id, .. }
                | PlasmaEvent::ExitChallenged { exit_id, .. }
                | PlasmaEvent::ExitFinalized { exit_id, .. }
                | PlasmaEvent::InFlightExitStarted { exit_id, .. }
                | PlasmaEvent::InFlightExitPiggybacked { exit_id, .. }
                | PlasmaEvent::InFlightExitChallenged { exit_id, .. }
                | PlasmaEvent::InFlightExitChallengeResponded { exit_id, .. }
                | PlasmaEvent::InFlightPiggybackChallenged { exit_id, .. }
                | PlasmaEvent::InFlightLegPaid { exit_id, .. }
                | PlasmaEvent::InFlightExitEnded { exit_id, .. } => Some(*exit_id),
                _ => None,
            };
            if let Some(id) = id {
                lines.push((id, format!("L1 block {}: {event:?}", log.block_number)));
            }
        }
        Ok(lines.into_iter().filter(|(id, _)| mine.contains(id)).map(|(_, l)| l).collect())
    }

    /// Every log of the framework's contracts so far (one poll reads a bounded range).
    async fn all_logs(&self) -> Step<Vec<plasma_rootchain::ChainLog>> {
        crate::scenario::all_logs(&self.plasma, 0).await.map_err(err)
    }

    /// Wei paid out of exits on L1, per owner.
    async fn paid_out(&self) -> Step<BTreeMap<Address, U256>> {
        let mut paid: BTreeMap<Address, U256> = BTreeMap::new();
        for log in self.all_logs().await? {
            if let Some(
                PlasmaEvent::ExitFinalized { owner, amount, .. }
                | PlasmaEvent::InFlightLegPaid { owner, amount, .. },
            ) = self.plasma.decode(&log)
            {
                *paid.entry(owner).or_default() += amount;
            }
        }
        Ok(paid)
    }
}

/// Whether `event` says the operator cheated (an invalid or withheld block, "exit now").
fn judges_the_operator(event: &WatcherEvent) -> bool {
    matches!(
        event,
        WatcherEvent::InvalidBlock { .. }
            | WatcherEvent::BlockWithheld { .. }
            | WatcherEvent::ExitNow { .. }
    )
}

/// A watcher that challenges, reading at the confirmation depth from the deployment on.
async fn new_watcher(
    plasma: &Arc<Plasma<EmbeddedChain>>,
    live: &LiveNode,
    users: usize,
) -> Step<Watcher<EmbeddedChain, LiveNode>> {
    let config = WatcherConfig {
        challenger: Some(addr(users + 1)),
        withholding_secs: MEP,
        confirmations: CONFIRMATIONS,
        ..WatcherConfig::default()
    };
    Watcher::new(config, plasma.clone(), live.clone()).await.map_err(err)
}

async fn start_node(
    plasma: &Arc<Plasma<EmbeddedChain>>,
    path: &std::path::Path,
) -> Step<OperatorNode> {
    let config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().map_err(err)?,
        block_interval: Duration::from_millis(2),
        l1_poll_interval: Duration::from_millis(2),
        l1_confirmations: CONFIRMATIONS,
        ..OperatorConfig::default()
    };
    // The last life's connection tasks may hold the database for a moment after it stopped.
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = loop {
        match RedbStore::open(path) {
            Ok(store) => break Arc::new(store),
            Err(e) if Instant::now() > deadline => return Err(err(e)),
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    };
    OperatorNode::start(config, plasma.clone(), addr(OPERATOR), store).await.map_err(err)
}

fn client_of(node: &OperatorNode) -> Step<HttpClient> {
    HttpClientBuilder::default().build(format!("http://{}", node.rpc_addr())).map_err(err)
}
