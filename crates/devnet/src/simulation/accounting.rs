//! The invariants checked after every step, and the final accounting.

use super::*;

impl Sim {
    /// The invariants that hold after every step.
    pub(super) async fn check(&mut self, step: usize) -> Step<()> {
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
    pub(super) async fn finish(&mut self, users: usize) -> Step<()> {
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
    pub(super) async fn settle(&mut self, users: usize) -> Step<()> {
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
    pub(super) async fn exit_history(&self, owner: Address) -> Step<Vec<String>> {
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
    pub(super) async fn all_logs(&self) -> Step<Vec<plasma_rootchain::ChainLog>> {
        crate::scenario::all_logs(&self.plasma, 0).await.map_err(err)
    }

    /// Wei paid out of exits on L1, per owner.
    pub(super) async fn paid_out(&self) -> Step<BTreeMap<Address, U256>> {
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
