//! `plasma node`'s fee settings: the `[fee]` section of its TOML file and the `--fee.*` flags,
//! and the announced change (`[fee.next]`) the node picks up from the file while it runs.

use anyhow::{Context, Result};
use plasma_ledger::{FeePolicy, FeeRate, FeeRates, ScheduledFees};
use plasma_operator::OperatorNode;
use plasma_primitives::{Address, U256};
use serde::Deserialize;
use std::path::Path;

/// `[fee]`: accepted fee tokens and rates, the dust limit, the fee claimer, and the next rates.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeeSection {
    /// The ETH fee per transaction, in wei (a flat `[[fee.token]]` for ETH).
    pub(crate) min_wei: Option<U256>,
    /// Smallest ETH output accepted, in wei.
    pub(crate) dust_wei: Option<U256>,
    /// Who owns the fee-claim outputs (default: the operator's address).
    pub(crate) claimer: Option<Address>,
    /// `[[fee.token]]`: one per accepted fee token.
    #[serde(default)]
    pub(crate) token: Vec<TokenFee>,
    /// `[fee.next]`: rates announced for a later block.
    pub(crate) next: Option<NextFees>,
}

/// One accepted fee token: `base + per_input·inputs + per_output·outputs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenFee {
    /// The token (the zero address: ETH).
    token: Address,
    base: U256,
    #[serde(default)]
    per_input: U256,
    #[serde(default)]
    per_output: U256,
}

/// `[fee.next]`: the rates from operator block `effective_block` on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NextFees {
    effective_block: u64,
    #[serde(default)]
    token: Vec<TokenFee>,
}

/// The `--fee.*` flags, which win over the file.
pub(crate) struct FeeFlags {
    pub(crate) min_wei: Option<U256>,
    pub(crate) dust_wei: Option<U256>,
    pub(crate) claimer: Option<Address>,
}

fn rates(tokens: &[TokenFee]) -> FeeRates {
    tokens
        .iter()
        .map(|t| {
            let rate = FeeRate { base: t.base, per_input: t.per_input, per_output: t.per_output };
            (t.token, rate)
        })
        .collect()
}

impl NextFees {
    fn scheduled(&self) -> ScheduledFees {
        ScheduledFees { effective_block: self.effective_block, rates: rates(&self.token) }
    }
}

impl FeeSection {
    /// The node's fee policy: the file's rates, `--fee.min-wei` over the ETH rate, the dust
    /// limit, the claimer (`operator` unless set), and `[fee.next]` as the file has it at start
    /// (already in force if the node resumes past its block). A `[fee.next]` added while the
    /// node runs is announced by [`FeeFileWatch`], which checks its block.
    pub(crate) fn policy(&self, flags: &FeeFlags, operator: Address) -> FeePolicy {
        let next = self.next.as_ref().map(NextFees::scheduled);
        let mut policy = FeePolicy { rates: rates(&self.token), next, ..FeePolicy::free() };
        match flags.min_wei.or(self.min_wei) {
            Some(wei) if !wei.is_zero() => {
                policy.rates.insert(Address::ZERO, FeeRate::flat(wei));
            }
            Some(_) => {
                policy.rates.remove(&Address::ZERO);
            }
            None => {}
        }
        if let Some(dust) = flags.dust_wei.or(self.dust_wei).filter(|d| !d.is_zero()) {
            policy = policy.with_dust_limit(Address::ZERO, dust);
        }
        policy.claimed_by(flags.claimer.or(self.claimer).unwrap_or(operator))
    }

    /// Announces `[fee.next]` to the running node, if the file has one.
    fn announce(&self, node: &OperatorNode) -> Result<()> {
        if let Some(next) = &self.next {
            node.schedule_fees(next.scheduled()).with_context(|| {
                format!("[fee.next] effective_block = {}", next.effective_block)
            })?;
            println!(
                "fees announced from block {}: {}",
                next.effective_block,
                describe(&next.token)
            );
        }
        Ok(())
    }
}

/// "ETH: 1000 wei + 0 per input + 0 per output; 0xab…: …", for the log a person reads.
fn describe(tokens: &[TokenFee]) -> String {
    if tokens.is_empty() {
        return "no fee".into();
    }
    let each: Vec<String> = tokens
        .iter()
        .map(|t| {
            let name = if t.token.is_zero() { "ETH".to_string() } else { t.token.to_string() };
            format!("{name}: {} + {} per input + {} per output", t.base, t.per_input, t.per_output)
        })
        .collect();
    each.join("; ")
}

/// Re-reads the `[fee]` section of the node's file after a change: a new or changed
/// `[fee.next]` is announced; anything else in the file needs a restart (said once).
pub(crate) struct FeeFileWatch {
    path: std::path::PathBuf,
    seen: FeeSection,
    modified: Option<std::time::SystemTime>,
}

impl FeeFileWatch {
    pub(crate) fn new(path: &Path, seen: FeeSection) -> Self {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        Self { path: path.to_path_buf(), seen, modified }
    }

    /// Checks the file once; a problem is reported and the node keeps its schedule.
    pub(crate) fn poll(&mut self, node: &OperatorNode) {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        if modified == self.modified {
            return;
        }
        self.modified = modified;
        match self.reread() {
            Ok(section) if section.next.is_none() && self.seen.next.is_some() => {
                eprintln!(
                    "{}: [fee.next] is gone, but an announced change stays (wallets rely on it): announce other rates to replace it",
                    self.path.display()
                );
                self.seen = section;
            }
            Ok(section) if section.next != self.seen.next => {
                if let Err(e) = section.announce(node) {
                    eprintln!("{}: the fee change is refused: {e:#}", self.path.display());
                }
                self.seen = section;
            }
            Ok(section) if section != self.seen => {
                eprintln!(
                    "{}: only [fee.next] changes while the node runs; restart it for the rest",
                    self.path.display()
                );
                self.seen = section;
            }
            Ok(_) => {}
            Err(e) => eprintln!("{}: {e:#}", self.path.display()),
        }
    }

    fn reread(&self) -> Result<FeeSection> {
        #[derive(Deserialize)]
        struct OnlyFees {
            #[serde(default)]
            fee: FeeSection,
        }
        let text = std::fs::read_to_string(&self.path).context("reading it")?;
        let table: toml::Table = toml::from_str(&text).context("not valid TOML")?;
        let fee = toml::Table::from_iter(table.get("fee").map(|f| ("fee".to_string(), f.clone())));
        let parsed: OnlyFees = fee.try_into().context("its [fee] section")?;
        Ok(parsed.fee)
    }
}
