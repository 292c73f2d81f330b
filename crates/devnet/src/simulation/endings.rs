//! The endings a run cannot go on from: a deep reorg, withheld blocks.

use super::*;

impl Sim {
    /// The ending [`Action::DeepReorg`].
    pub(super) async fn deep_reorg(&mut self, user: usize, to: usize, milli: u64) -> Step<()> {
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
    pub(super) async fn withhold(&mut self, salt: u64) -> Step<()> {
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
    pub(super) fn no_alarm(&mut self) -> Step<()> {
        let events = &self.watcher.events()[self.watcher_seen..];
        if let Some(alarm) = events.iter().find(|e| judges_the_operator(e)) {
            return Err(format!("the watcher judged the honest operator: {alarm:?}"));
        }
        self.watcher_seen = self.watcher.events().len();
        Ok(())
    }

    /// Everyone exits, from the watcher's verified data alone, every output they hold and
    /// have not spent or put under an exit yet; then the accounting of [`Sim::settle`].
    pub(super) async fn leave(&mut self) -> Step<()> {
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
}
