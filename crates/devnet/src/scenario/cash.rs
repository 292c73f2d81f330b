//! Plasma Cash scenarios: the real `PlasmaCash` contract on the embedded root chain, the
//! coin chain of `plasma-cash` as the (sometimes malicious) operator, owners' clients that
//! verify their coin's history block by block, and their `CoinWatcher`s. Each ends with the
//! same accounting as the payment scenarios: the rightful owner's coin back on L1, cheaters
//! paid nothing.

use super::{Account, ScenarioError, ScenarioReport, addr, ether, fail};
use plasma_cash::CoinRead;
use plasma_cash::contract::IncludedTx;
use plasma_cash::{
    BlockEntry, CashChain, Checkpoint, CheckpointRecord, CoinHistory, DepositRecord, ExitEvidence,
    RootChainFacts, Spend,
};
use plasma_cash::{CashChallenge, CoinEvent, CoinWatcher};
use plasma_cash::{CashConfig, CashEvent, PlasmaCashContract};
use plasma_primitives::{
    B256, U256,
    cash::{CashSignature, CashTx, SparseMerkleTree},
};
use plasma_rootchain::{DevChain, EmbeddedChain, EventCursor, RootChain, dev_key};
use std::{collections::HashMap, sync::Arc};

const OPERATOR: usize = 0;
const ALICE: usize = 1;
const BOB: usize = 2;
const MALLORY: usize = 3;
const CAROL: usize = 4;
const MATURITY: u64 = 24 * 3600;
/// The coin watchers' depth: the embedded root chain never reorganises (the default for a
/// development chain, `plasma_rootchain::default_confirmations`).
const CONFIRMATIONS: u64 = 0;

struct CashWorld {
    chain: Arc<EmbeddedChain>,
    contract: Arc<PlasmaCashContract<EmbeddedChain>>,
    operator: CashChain,
    start: u64,
    story: Vec<String>,
}

fn included(tx: &CashTx, block: u64, proof: Vec<u8>) -> IncludedTx {
    IncludedTx { tx: tx.encode(), proof, block }
}

impl CashWorld {
    async fn new() -> Result<Self, ScenarioError> {
        let chain = Arc::new(EmbeddedChain::new());
        let start = chain.head().await.map_err(fail)?.number;
        let mut config = CashConfig::new(addr(OPERATOR));
        config.maturity_period = MATURITY;
        config.response_period = MATURITY / 2;
        config.checkpoint_window = MATURITY;
        let contract = PlasmaCashContract::deploy(chain.clone(), addr(OPERATOR), &config);
        let contract = Arc::new(contract.await.map_err(fail)?);
        Ok(Self { chain, contract, operator: CashChain::new(), start, story: Vec::new() })
    }

    fn say(&mut self, line: impl Into<String>) {
        self.story.push(line.into());
    }

    /// `who` deposits `amount` wei as a coin; the operator sees the deposit event.
    async fn deposit(&mut self, who: usize, amount: U256) -> Result<DepositRecord, ScenarioError> {
        let (slot, block) = self.contract.deposit_eth(addr(who), amount).await.map_err(fail)?;
        self.operator.deposit(slot, block, addr(who), amount).map_err(fail)?;
        self.operator.deposit_record(slot).ok_or_else(|| fail("the deposit is not recorded"))
    }

    /// Alice deposits a coin of `amount` and pays it to Bob in the next (honest) block:
    /// the deposit, the transfer and its block.
    async fn alice_pays_bob(
        &mut self,
        amount: U256,
    ) -> Result<(DepositRecord, CashTx, u64), ScenarioError> {
        let deposit = self.deposit(ALICE, amount).await?;
        let (to_bob, sig) = self.spend(ALICE, deposit.slot, deposit.block, BOB);
        self.operator.submit(to_bob, sig).map_err(fail)?;
        Ok((deposit, to_bob, self.honest_block().await?))
    }

    /// `from` signs over coin `slot` (whose latest tx is in `prev`) to `to`.
    fn spend(&self, from: usize, slot: u64, prev: u64, to: usize) -> (CashTx, CashSignature) {
        let denomination = self.operator.coin(slot).map(|c| c.denomination).unwrap_or_default();
        let tx = CashTx { slot, prev_block: U256::from(prev), denomination, new_owner: addr(to) };
        (tx, tx.sign(&dev_key(from)))
    }

    /// The honest operator: seals its pending block and commits its root.
    async fn honest_block(&mut self) -> Result<u64, ScenarioError> {
        let root = self.operator.seal().map_err(fail)?.root;
        self.contract.submit_block(addr(OPERATOR), root).await.map_err(fail)
    }

    /// The malicious operator: seals its (empty) block, so numbering goes on, but commits the
    /// root of a block holding `forged`; returns the block and the client's view of it.
    async fn forged_block(
        &mut self,
        forged: &[(CashTx, CashSignature)],
    ) -> Result<(u64, SparseMerkleTree), ScenarioError> {
        self.operator.seal().map_err(fail)?;
        let tree = SparseMerkleTree::new(forged.iter().map(|(t, _)| (t.slot, t.hash())).collect());
        let number = self.contract.submit_block(addr(OPERATOR), tree.root()).await.map_err(fail)?;
        Ok((number, tree))
    }

    /// Every operator block's root on L1 up to the head.
    async fn roots(&self) -> Result<HashMap<u64, B256>, ScenarioError> {
        let mut cursor = EventCursor::new(vec![self.contract.address()], self.start, 0);
        let logs = cursor.poll(self.chain.as_ref()).await.map_err(fail)?;
        Ok(logs
            .iter()
            .filter_map(|l| match self.contract.decode(l) {
                Some(CashEvent::BlockSubmitted { blknum, root }) => Some((blknum, root)),
                _ => None,
            })
            .collect())
    }

    /// The owner's client: checks `history` block by block against the roots on L1; on the
    /// first bad block it keeps the valid prefix (and must exit from it). Returns the accepted
    /// history, its facts, the owner's exit evidence and why the rest was refused.
    async fn accept(
        &self,
        history: CoinHistory,
        deposit: &DepositRecord,
        checkpoint: Option<CheckpointRecord>,
    ) -> Result<(CoinHistory, RootChainFacts, ExitEvidence, Option<String>), ScenarioError> {
        let roots = self.roots().await?;
        let last_block = roots.keys().copied().max().unwrap_or(0);
        let facts = RootChainFacts { deposit: *deposit, checkpoint, last_block };
        let (history, facts, coin, refused) = CoinRead::new(history, facts, roots).accepted();
        Ok((history, facts, coin.map_err(fail)?.exit, refused))
    }

    /// Starts the exit `evidence` describes, for `owner`.
    async fn exit(
        &self,
        owner: usize,
        slot: u64,
        evidence: &ExitEvidence,
    ) -> Result<(), ScenarioError> {
        let (parent, exiting, signature) = match evidence {
            ExitEvidence::Deposit(d) => (None, included(&d.tx, d.block, d.proof.clone()), [0; 66]),
            ExitEvidence::Spend { parent, exiting, signature } => (
                Some(included(&parent.tx, parent.block, parent.proof.clone())),
                included(&exiting.tx, exiting.block, exiting.proof.clone()),
                signature.to_bytes(),
            ),
            ExitEvidence::Checkpoint { .. } => {
                return Err(fail("an exit from a checkpoint goes through startExitFromCheckpoint"));
            }
        };
        self.contract
            .start_exit(addr(owner), slot, parent.as_ref(), &exiting, &signature)
            .await
            .map_err(fail)?;
        Ok(())
    }

    /// Crosses the maturity period, finalizes the coin's exit and withdraws it for `owner`.
    async fn finalize_and_withdraw(&self, owner: usize, slot: u64) -> Result<(), ScenarioError> {
        self.chain.advance_time(MATURITY + 1).await.map_err(fail)?;
        self.contract.finalize_exit(addr(owner), slot).await.map_err(fail)?;
        self.contract.withdraw(addr(owner), slot).await.map_err(fail)?;
        Ok(())
    }

    /// The accounting: `owned` per user against the coins withdrawn to them.
    async fn settle(
        self,
        name: &'static str,
        users: &[(&'static str, usize, bool, U256)],
        alarms: Vec<String>,
    ) -> Result<ScenarioReport, ScenarioError> {
        let mut cursor = EventCursor::new(vec![self.contract.address()], self.start, 0);
        let logs = cursor.poll(self.chain.as_ref()).await.map_err(fail)?;
        let mut paid: HashMap<plasma_primitives::Address, U256> = HashMap::new();
        for log in &logs {
            if let Some(CashEvent::Withdrawn { owner, amount, .. }) = self.contract.decode(log) {
                *paid.entry(owner).or_default() += amount;
            }
        }
        let accounts = users
            .iter()
            .map(|&(name, who, honest, owned)| Account {
                name: name.to_string(),
                honest,
                owned,
                paid_out: paid.get(&addr(who)).copied().unwrap_or_default(),
            })
            .collect();
        Ok(ScenarioReport {
            name,
            story: self.story,
            alarms,
            accounts,
            bonds_to_watcher: U256::ZERO,
            exits_per_l1_block: None,
        })
    }
}

fn alarms(events: &[CoinEvent]) -> Vec<String> {
    events.iter().map(|e| format!("{e:?}")).collect()
}

/// Alice pays Bob a 5 ETH coin (block 1000). The operator then forges the coin's history:
/// block 2000 holds "Bob → Mallory" signed by Mallory, block 3000 "Mallory → Mallory". Bob's
/// client refuses block 2000 (forged signature) and keeps his history to 1000; Mallory exits
/// from the forged branch; Bob's watcher challenges with his own tx (challengeBefore), which
/// Mallory cannot answer; her exit is cancelled and Bob takes his coin out.
pub(super) async fn forged_history() -> Result<ScenarioReport, ScenarioError> {
    let mut w = CashWorld::new().await?;
    let (deposit, to_bob, b1) = w.alice_pays_bob(ether(5)).await?;
    let slot = deposit.slot;
    w.say(format!("alice deposits a 5 ETH coin and pays it to bob in block {b1}"));

    let f1 = CashTx { new_owner: addr(MALLORY), prev_block: U256::from(b1), ..to_bob };
    let forged1 = (f1, f1.sign(&dev_key(MALLORY)));
    let (b2, tree2) = w.forged_block(&[forged1]).await?;
    let forged2 = CashTx { prev_block: U256::from(b2), ..forged1.0 };
    let forged2 = (forged2, forged2.sign(&dev_key(MALLORY)));
    let (b3, tree3) = w.forged_block(&[forged2]).await?;
    w.say(format!(
        "the operator forges block {b2} (bob → mallory, signed by mallory) and block {b3}"
    ));

    // What the operator serves bob: the forged inclusions.
    let mut history = w.operator.coin_history(slot).map_err(fail)?;
    for entry in &mut history.entries {
        let (spend, tree) = match entry.block {
            b if b == b2 => (forged1, &tree2),
            b if b == b3 => (forged2, &tree3),
            _ => continue,
        };
        *entry = BlockEntry {
            block: entry.block,
            spend: Some(Spend { tx: spend.0, signature: spend.1 }),
            proof: tree.proof(slot),
        };
    }
    let (accepted, facts, evidence, refused) = w.accept(history, &deposit, None).await?;
    let refused = refused.ok_or_else(|| fail("bob's client accepted a forged history"))?;
    w.say(format!(
        "bob's client refuses the history at block {b2} ({refused}) and keeps it to block {b1}"
    ));
    let mut watcher = CoinWatcher::new(w.contract.clone(), addr(BOB), w.start, CONFIRMATIONS);
    watcher.watch(accepted, facts);

    let parent = included(&forged1.0, b2, tree2.proof(slot));
    let exiting = included(&forged2.0, b3, tree3.proof(slot));
    w.contract
        .start_exit(addr(MALLORY), slot, Some(&parent), &exiting, &forged2.1.to_bytes())
        .await
        .map_err(fail)?;
    w.say("mallory exits the coin from the forged branch (its signatures check out on their own)");
    let events = watcher.step().await.map_err(fail)?;
    if !events.iter().any(|e| {
        matches!(e, CoinEvent::CoinExitChallenged { challenge: CashChallenge::Before { .. }, .. })
    }) {
        return Err(fail(format!("bob's watcher did not challenge: {events:?}")));
    }
    w.say(format!("bob's watcher challenges with his own tx of block {b1}: mallory cannot show bob's signature on a spend of it"));
    w.chain.advance_time(MATURITY + 1).await.map_err(fail)?;
    w.contract.finalize_exit(addr(BOB), slot).await.map_err(fail)?;
    w.say("at maturity the unanswered challenge cancels mallory's exit");
    w.exit(BOB, slot, &evidence).await?;
    w.finalize_and_withdraw(BOB, slot).await?;
    w.say("bob exits from his verified history and withdraws the coin");
    let users = [
        ("alice", ALICE, true, U256::ZERO),
        ("bob", BOB, true, ether(5)),
        ("mallory", MALLORY, false, U256::ZERO),
    ];
    w.settle("cash-forged-history", &users, alarms(watcher.events())).await
}

/// Bob owns a 3 ETH coin (block 1000). The operator commits block 2000 and serves it to
/// nobody. Bob cannot prove the coin did not move there, so he exits at once from block
/// 1000; the exit matures and he withdraws. (A forged exit would have to go through two
/// forged blocks, and one live exit per coin keeps the contract on Bob's.)
pub(super) async fn withheld_block() -> Result<ScenarioReport, ScenarioError> {
    let mut w = CashWorld::new().await?;
    let (deposit, to_bob, b1) = w.alice_pays_bob(ether(3)).await?;
    let slot = deposit.slot;
    let stolen = CashTx { new_owner: addr(MALLORY), prev_block: U256::from(b1), ..to_bob };
    let (b2, _) = w.forged_block(&[(stolen, stolen.sign(&dev_key(MALLORY)))]).await?;
    w.say(format!(
        "alice pays bob a 3 ETH coin in block {b1}; block {b2}'s root is on L1, its data withheld"
    ));

    let mut history = w.operator.coin_history(slot).map_err(fail)?;
    history.entries.retain(|e| e.block < b2); // nothing can be had for block 2000
    let (accepted, facts, evidence, _) = w.accept(history, &deposit, None).await?;
    if facts.last_block >= b2 {
        return Err(fail("bob's client claims a block it never saw"));
    }
    let mut watcher = CoinWatcher::new(w.contract.clone(), addr(BOB), w.start, CONFIRMATIONS);
    watcher.watch(accepted, facts);
    w.exit(BOB, slot, &evidence).await?;
    w.say(format!("bob's client has no proof for block {b2}: bob exits at once from block {b1}"));
    let events = watcher.step().await.map_err(fail)?;
    if !events.is_empty() {
        return Err(fail(format!("bob's watcher objected to bob's own exit: {events:?}")));
    }
    w.finalize_and_withdraw(BOB, slot).await?;
    w.say("the exit matures unchallenged; bob withdraws the coin");
    let users = [("bob", BOB, true, ether(3)), ("mallory", MALLORY, false, U256::ZERO)];
    w.settle("cash-withheld-block", &users, vec![format!("block {b2} withheld")]).await
}

/// A 2 ETH coin goes Alice → Bob (1000) → Carol (2000). Old owners try to exit old states:
/// Alice her deposit, Bob his state at 1000, and Mallory a double spend Bob signed that a
/// colluding operator put in block 3000. Carol's watcher cancels each at once (after, after,
/// between); Carol exits and withdraws.
pub(super) async fn old_state() -> Result<ScenarioReport, ScenarioError> {
    let mut w = CashWorld::new().await?;
    let deposit = w.deposit(ALICE, ether(2)).await?;
    let slot = deposit.slot;
    let (to_bob, sig_alice) = w.spend(ALICE, slot, deposit.block, BOB);
    w.operator.submit(to_bob, sig_alice).map_err(fail)?;
    let b1 = w.honest_block().await?;
    let (to_carol, sig_bob) = w.spend(BOB, slot, b1, CAROL);
    w.operator.submit(to_carol, sig_bob).map_err(fail)?;
    let b2 = w.honest_block().await?;
    w.say(format!("alice → bob in block {b1}, bob → carol in block {b2}"));
    let history = w.operator.coin_history(slot).map_err(fail)?;
    let (accepted, facts, evidence, _) = w.accept(history, &deposit, None).await?;
    let mut watcher = CoinWatcher::new(w.contract.clone(), addr(CAROL), w.start, CONFIRMATIONS);
    watcher.watch(accepted, facts);

    let dep_tx = included(&deposit.tx(), deposit.block, Vec::new());
    w.contract.start_exit(addr(ALICE), slot, None, &dep_tx, &[]).await.map_err(fail)?;
    watcher.step().await.map_err(fail)?;
    w.say("alice exits her deposit: carol's watcher shows alice's spend (challengeAfter)");

    let tree1 = w.operator.block(b1).ok_or_else(|| fail("block 1000"))?;
    let at_b1 = included(&to_bob, b1, tree1.proof(slot));
    w.contract
        .start_exit(addr(BOB), slot, Some(&dep_tx), &at_b1, &sig_alice.to_bytes())
        .await
        .map_err(fail)?;
    watcher.step().await.map_err(fail)?;
    w.say(format!(
        "bob exits his state of block {b1}: carol's watcher shows bob's spend (challengeAfter)"
    ));

    let double = CashTx { new_owner: addr(MALLORY), ..to_carol };
    let double_sig = double.sign(&dev_key(BOB));
    let (b3, tree3) = w.forged_block(&[(double, double_sig)]).await?;
    let exiting = included(&double, b3, tree3.proof(slot));
    w.contract
        .start_exit(addr(MALLORY), slot, Some(&at_b1), &exiting, &double_sig.to_bytes())
        .await
        .map_err(fail)?;
    watcher.step().await.map_err(fail)?;
    w.say(format!("bob double-spends to mallory in block {b3} (the operator colludes); mallory exits: carol's watcher shows the earlier spend (challengeBetween)"));
    let cancelled = watcher
        .events()
        .iter()
        .filter(|e| matches!(e, CoinEvent::CoinExitChallenged { .. }))
        .count();
    if cancelled != 3 {
        return Err(fail(format!(
            "{cancelled} of 3 cheating exits challenged: {:?}",
            watcher.events()
        )));
    }
    w.exit(CAROL, slot, &evidence).await?;
    w.finalize_and_withdraw(CAROL, slot).await?;
    w.say("carol exits from her verified history and withdraws the coin");
    let users = [
        ("alice", ALICE, false, U256::ZERO),
        ("bob", BOB, false, U256::ZERO),
        ("carol", CAROL, true, ether(2)),
        ("mallory", MALLORY, false, U256::ZERO),
    ];
    w.settle("cash-old-state", &users, alarms(watcher.events())).await
}

/// XT checkpoint: a 4 ETH coin goes Alice → Bob (block 1000); the operator checkpoints coin
/// ownership at block 3000; nobody disputes it and it becomes final. Bob's client drops the
/// history before it (its size is shown), keeps following, and Bob's watcher cancels Alice's
/// exit of her old deposit with the checkpoint itself. Bob exits from the checkpoint and
/// withdraws.
pub(super) async fn checkpoint() -> Result<ScenarioReport, ScenarioError> {
    let mut w = CashWorld::new().await?;
    let (deposit, _, b1) = w.alice_pays_bob(ether(4)).await?;
    let slot = deposit.slot;
    w.honest_block().await?;
    let at = w.honest_block().await?;
    let checkpoint = w.operator.checkpoint(at).map_err(fail)?;
    let submitted = w.contract.submit_checkpoint(addr(OPERATOR), at, checkpoint.root());
    let id = submitted.await.map_err(fail)?;
    w.say(format!(
        "alice pays bob a 4 ETH coin in block {b1}; the operator checkpoints ownership at block {at}"
    ));
    // Nobody disputes it: past its window and the response period it is final.
    w.chain.advance_time(MATURITY + MATURITY / 2 + 1).await.map_err(fail)?;
    w.honest_block().await?;
    w.honest_block().await?;

    let record = CheckpointRecord { block: at, root: checkpoint.root() };
    let mut history = w.operator.coin_history(slot).map_err(fail)?;
    let before = history.encoded_size();
    let roots = w.roots().await?;
    let facts = RootChainFacts { deposit, checkpoint: None, last_block: at };
    let known = |b| roots.get(&b).copied();
    history.truncate_at_checkpoint(record, checkpoint.proof(slot), &known, &facts).map_err(fail)?;
    let after = history.encoded_size();
    let (accepted, facts, evidence, refused) = w.accept(history, &deposit, Some(record)).await?;
    if let Some(why) = refused {
        return Err(fail(format!("the checkpointed history was refused: {why}")));
    }
    w.say(format!(
        "the checkpoint is final: bob's client drops the history before it ({before} → {after} bytes) and verifies the rest"
    ));
    let mut watcher = CoinWatcher::new(w.contract.clone(), addr(BOB), w.start, CONFIRMATIONS);
    watcher.watch(accepted, facts);

    let dep_tx = included(&deposit.tx(), deposit.block, Vec::new());
    w.contract.start_exit(addr(ALICE), slot, None, &dep_tx, &[]).await.map_err(fail)?;
    let events = watcher.step().await.map_err(fail)?;
    let by_checkpoint = |e: &CoinEvent| {
        matches!(
            e,
            CoinEvent::CoinExitChallenged { challenge: CashChallenge::Checkpoint { .. }, .. }
        )
    };
    if !events.iter().any(by_checkpoint) {
        return Err(fail(format!(
            "bob's watcher did not challenge with the checkpoint: {events:?}"
        )));
    }
    w.say("alice exits her old deposit: bob's watcher cancels it with the checkpoint");

    let ExitEvidence::Checkpoint { leaf, checkpoint_proof, .. } = evidence else {
        return Err(fail(format!("expected an exit from the checkpoint, got {evidence:?}")));
    };
    let leaf = included(&leaf.tx, leaf.block, leaf.proof.clone());
    w.contract
        .start_exit_from_checkpoint(addr(BOB), slot, id, &leaf, &checkpoint_proof)
        .await
        .map_err(fail)?;
    w.finalize_and_withdraw(BOB, slot).await?;
    w.say("bob exits from the checkpoint (no parent, no signature) and withdraws the coin");
    let users = [("alice", ALICE, false, U256::ZERO), ("bob", BOB, true, ether(4))];
    w.settle("cash-checkpoint", &users, alarms(watcher.events())).await
}

/// A forged XT checkpoint: Alice pays Bob a 3 ETH coin (block 1000); the operator commits a
/// checkpoint of block 1000 that gives the coin to Mallory (a leaf no block holds). Bob's
/// watcher disputes it with his own tx; nobody can answer with a spend Bob signed, so the
/// checkpoint is void for the coin. Mallory cannot use it against Bob's exit; Bob withdraws.
pub(super) async fn forged_checkpoint() -> Result<ScenarioReport, ScenarioError> {
    let mut w = CashWorld::new().await?;
    let (deposit, to_bob, b1) = w.alice_pays_bob(ether(3)).await?;
    let slot = deposit.slot;
    let history = w.operator.coin_history(slot).map_err(fail)?;
    let (accepted, facts, evidence, _) = w.accept(history, &deposit, None).await?;
    let mut watcher = CoinWatcher::new(w.contract.clone(), addr(BOB), w.start, CONFIRMATIONS);
    watcher.watch(accepted, facts);

    let forged = CashTx { new_owner: addr(MALLORY), ..to_bob };
    let checkpoint = Checkpoint::new(b1, std::collections::BTreeMap::from([(slot, forged.hash())]));
    let submitted = w.contract.submit_checkpoint(addr(OPERATOR), b1, checkpoint.root());
    let id = submitted.await.map_err(fail)?;
    w.say(format!(
        "alice pays bob a 3 ETH coin in block {b1}; the operator checkpoints block {b1} with the coin given to mallory"
    ));
    watcher.step().await.map_err(fail)?;
    let proof = checkpoint.proof(slot);
    let disputed = watcher.judge_checkpoint(slot, id, b1, forged.hash(), &proof).await;
    if !matches!(disputed, Some(CoinEvent::WrongCheckpoint { tx_hash: Some(_), .. })) {
        return Err(fail(format!("bob's watcher did not dispute the checkpoint: {disputed:?}")));
    }
    w.say(format!("bob's watcher disputes the checkpoint with his tx of block {b1}"));
    w.chain.advance_time(MATURITY + MATURITY / 2 + 1).await.map_err(fail)?;
    let resolve = w.contract.resolve_checkpoint_dispute(addr(BOB), id, slot, to_bob.hash());
    resolve.await.map_err(fail)?;
    if w.contract.checkpoint_usable(id, slot).await.map_err(fail)? {
        return Err(fail("the forged checkpoint is still usable for the coin"));
    }
    w.say("nobody shows a spend bob signed: the checkpoint is void for the coin");

    w.exit(BOB, slot, &evidence).await?;
    let used = w.contract.challenge_with_checkpoint(addr(MALLORY), slot, id, forged.hash(), &proof);
    if used.await.is_ok() {
        return Err(fail("mallory cancelled bob's exit with the void checkpoint"));
    }
    w.say("bob exits from block 1000; mallory's challenge with the void checkpoint is refused");
    w.finalize_and_withdraw(BOB, slot).await?;
    w.say("bob withdraws the coin");
    let users = [("bob", BOB, true, ether(3)), ("mallory", MALLORY, false, U256::ZERO)];
    w.settle("cash-forged-checkpoint", &users, alarms(watcher.events())).await
}
