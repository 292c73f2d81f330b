//! The actions of a run, one method each.

use super::*;

impl Sim {
    pub(super) async fn act(&mut self, action: Action) -> Step<()> {
        match action {
            Action::Deposit { user, milli } => self.deposit(user, milli).await,
            Action::Pay { from, to, pick, percent } => self.pay(from, to, pick, percent).await,
            Action::Merge { user, pick } => self.merge(user, pick).await,
            Action::StandardExit { user, pick } => self.standard_exit(user, pick).await,
            Action::InvalidExit { user, pick } => self.invalid_exit(user, pick).await,
            Action::InFlightIncluded { user, pick } => self.in_flight_included(user, pick).await,
            Action::InFlightWithheld { from, to, pick, percent } => {
                self.in_flight_withheld(from, to, pick, percent).await
            }
            Action::InFlightDoubleSpend { user, pick } => {
                self.in_flight_double_spend(user, pick).await
            }
            Action::SpendExiting { pick } => self.spend_exiting(pick).await,
            Action::Process { secs } => self.process(secs).await,
            Action::ShallowReorg { user, milli } => self.shallow_reorg(user, milli).await,
            Action::DeepReorg { user, to, milli } => self.deep_reorg(user, to, milli).await,
            Action::Withhold { salt } => self.withhold(salt).await,
            Action::Restart => self.restart().await,
        }
    }

    /// [`Action::Deposit`].
    async fn deposit(&mut self, user: usize, milli: u64) -> Step<()> {
        let amount = U256::from(milli) * U256::from(10u64.pow(15));
        let tx = PaymentTx::deposit(addr(user), Address::ZERO, amount).map_err(err)?;
        self.plasma.deposit(&tx).await.map_err(err)?;
        *self.model.owned.entry(user).or_default() += amount;
        self.done("deposit");
        self.sync_l1().await
    }

    /// [`Action::Pay`].
    async fn pay(&mut self, from: usize, to: usize, pick: usize, percent: u64) -> Step<()> {
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

    /// [`Action::Merge`].
    async fn merge(&mut self, user: usize, pick: usize) -> Step<()> {
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

    /// [`Action::StandardExit`].
    async fn standard_exit(&mut self, user: usize, pick: usize) -> Step<()> {
        let mine = self.spendable(user).await?;
        let Some(&(pos, _)) = mine.get(pick % mine.len().max(1)) else { return Ok(()) };
        let (tx, proof) = self
            .watcher
            .exit_data(pos)
            .ok_or_else(|| format!("the operator offers {pos}, which the watcher cannot prove"))?;
        self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.map_err(err)?;
        self.model.exiting.insert(Exiting { owner: user, pos });
        self.done("standard exit");
        self.sync_l1().await
    }

    /// [`Action::InvalidExit`] (a cheat).
    async fn invalid_exit(&mut self, user: usize, pick: usize) -> Step<()> {
        let spent = self.model.spent.get(&user).cloned().unwrap_or_default();
        let Some(&pos) = spent.get(pick % spent.len().max(1)) else { return Ok(()) };
        let Some((tx, proof)) = self.watcher.exit_data(pos) else { return Ok(()) };
        // Refused outright (already exited, or challenged before) is a defence too.
        if self.plasma.start_standard_exit(addr(user), pos, &tx, &proof).await.is_ok() {
            self.done("invalid exit (cheat)");
        }
        self.sync_l1().await
    }

    /// [`Action::InFlightIncluded`].
    async fn in_flight_included(&mut self, user: usize, pick: usize) -> Step<()> {
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

    /// [`Action::InFlightWithheld`].
    async fn in_flight_withheld(
        &mut self,
        from: usize,
        to: usize,
        pick: usize,
        percent: u64,
    ) -> Step<()> {
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

    /// [`Action::InFlightDoubleSpend`] (a cheat).
    async fn in_flight_double_spend(&mut self, user: usize, pick: usize) -> Step<()> {
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

    /// [`Action::SpendExiting`].
    async fn spend_exiting(&mut self, pick: usize) -> Step<()> {
        let all: Vec<Exiting> = self.model.exiting.iter().copied().collect();
        let Some(&Exiting { owner, pos }) = all.get(pick % all.len().max(1)) else {
            return Ok(());
        };
        let Some(amount) = self.created_amount(pos) else { return Ok(()) };
        let tx = self.pay_tx(owner, vec![pos], &[(owner, amount)])?;
        let answer = self.node()?.submit(vec![tx.encode().into()]).await.map_err(err)?;
        match answer.into_iter().next() {
            Some(Err(reason))
                if reason.contains("exiting on L1") || reason.contains("left the chain") =>
            {
                self.report.refused_exiting += 1;
                Ok(())
            }
            // Spent before the exit started (the exit is then invalid, and challenged).
            Some(Err(reason)) if reason.contains("already spent") => Ok(()),
            other => Err(format!("a spend of exiting output {pos} got {other:?}")),
        }
    }

    /// [`Action::Process`].
    async fn process(&mut self, secs: u64) -> Step<()> {
        self.chain.advance_time(secs).await.map_err(err)?;
        self.sync_l1().await?;
        self.plasma.process_exits(addr(OPERATOR), Address::ZERO, 100).await.map_err(err)?;
        self.done("process");
        self.sync_l1().await
    }

    /// [`Action::ShallowReorg`].
    async fn shallow_reorg(&mut self, user: usize, milli: u64) -> Step<()> {
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

    /// [`Action::Restart`].
    async fn restart(&mut self) -> Step<()> {
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

    /// The amount of the output at `pos`, from the verified transaction that created it.
    pub(super) fn created_amount(&self, pos: UtxoPos) -> Option<U256> {
        let (bytes, _) = self.watcher.exit_data(pos)?;
        let tx = PaymentTx::decode(&bytes).ok()?;
        Some(tx.outputs().get(pos.oindex() as usize)?.amount)
    }
}
