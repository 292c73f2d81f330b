//! Fees: what a transaction leaves unspent is the operator's. The schedule says which tokens
//! pay a fee and how much a transaction of a given size owes; a change is announced for a
//! block ahead, so a wallet that fetched the old schedule is not refused before that block.
//! At seal, the fees a block collected become fee-claim outputs (`FeeTx`) of the claimer.

use crate::LedgerError;
use plasma_primitives::{Address, U256};
use std::collections::BTreeMap;

/// What one transaction owes in one token: `base + per_input·inputs + per_output·outputs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeRate {
    /// Owed by every transaction.
    pub base: U256,
    /// Owed per input (each costs the operator a signature recovery).
    #[serde(default)]
    pub per_input: U256,
    /// Owed per output (each grows the UTXO set).
    #[serde(default)]
    pub per_output: U256,
}

impl FeeRate {
    /// A flat fee per transaction.
    pub fn flat(base: U256) -> Self {
        Self { base, ..Self::default() }
    }

    /// The fee of a transaction with `inputs` inputs and `outputs` outputs (saturating: a
    /// rate so large it overflows asks for more than exists).
    pub fn fee_for(&self, inputs: usize, outputs: usize) -> U256 {
        let per = |rate: U256, n: usize| rate.saturating_mul(U256::from(n));
        self.base
            .saturating_add(per(self.per_input, inputs))
            .saturating_add(per(self.per_output, outputs))
    }
}

/// Accepted fee tokens and their rates. Empty: no fee asked.
pub type FeeRates = BTreeMap<Address, FeeRate>;

/// Rates that take over from block `effective_block` on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledFees {
    /// The first block that uses them.
    pub effective_block: u64,
    /// The rates.
    pub rates: FeeRates,
}

/// The operator's fee rules: the rates in force, the next ones announced, the dust limit, and
/// who receives the fees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeePolicy {
    /// The rates in force now (until `next` takes over).
    pub rates: FeeRates,
    /// The next rates and the block they start at.
    pub next: Option<ScheduledFees>,
    /// Smallest output amount accepted, by token (none: any amount). An output worth less
    /// than exiting it costs on L1 cannot be taken out if the operator withholds blocks, so a
    /// dishonest operator would keep it: an honest operator does not create such outputs.
    pub dust_limit: BTreeMap<Address, U256>,
    /// Who owns the fee-claim outputs; `None`: fees are not claimed (a ledger that only
    /// replays blocks, like a watcher's, takes the claims the block holds).
    pub claimer: Option<Address>,
}

impl FeePolicy {
    /// No fees required.
    pub fn free() -> Self {
        Self::default()
    }

    /// A flat fee per transaction in one token.
    pub fn flat(token: Address, amount: U256) -> Self {
        Self { rates: BTreeMap::from([(token, FeeRate::flat(amount))]), ..Self::default() }
    }

    /// This policy with a dust limit of `amount` for `token`.
    pub fn with_dust_limit(mut self, token: Address, amount: U256) -> Self {
        self.dust_limit.insert(token, amount);
        self
    }

    /// This policy with the fees claimed for `claimer`.
    pub fn claimed_by(mut self, claimer: Address) -> Self {
        self.claimer = Some(claimer);
        self
    }

    /// The rates of block `blknum`.
    pub fn rates_at(&self, blknum: u64) -> &FeeRates {
        match &self.next {
            Some(next) if blknum >= next.effective_block => &next.rates,
            _ => &self.rates,
        }
    }

    /// Puts the announced rates in force once block `blknum` is theirs.
    pub(crate) fn advance_to(&mut self, blknum: u64) {
        if self.next.as_ref().is_some_and(|n| blknum >= n.effective_block) {
            self.rates = self.next.take().expect("checked").rates;
        }
    }

    /// Checks output `index` (`amount` of `token`) against the dust limit.
    pub(crate) fn check_output(
        &self,
        index: usize,
        token: Address,
        amount: U256,
    ) -> Result<(), LedgerError> {
        match self.dust_limit.get(&token) {
            Some(&limit) if amount < limit => {
                Err(LedgerError::DustOutput { index, token, amount, limit })
            }
            _ => Ok(()),
        }
    }

    /// Checks the fees a transaction of `inputs` and `outputs` leaves (`surplus` per token)
    /// in block `blknum`: at least the fee of one accepted token.
    pub(crate) fn check(
        &self,
        blknum: u64,
        inputs: usize,
        outputs: usize,
        surplus: &BTreeMap<Address, U256>,
    ) -> Result<(), LedgerError> {
        let rates = self.rates_at(blknum);
        if rates.is_empty() {
            return Ok(());
        }
        let owed = |rate: &FeeRate| rate.fee_for(inputs, outputs);
        let paid = rates
            .iter()
            .any(|(token, rate)| surplus.get(token).is_some_and(|fee| *fee >= owed(rate)));
        if paid {
            return Ok(());
        }
        let accepted = rates.iter().map(|(token, rate)| (*token, owed(rate))).collect();
        Err(LedgerError::FeeTooLow { blknum, accepted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fee_grows_with_the_size_and_never_overflows() {
        let rate =
            FeeRate { base: U256::from(100), per_input: U256::from(10), per_output: U256::from(1) };
        assert_eq!(rate.fee_for(0, 1), U256::from(101));
        assert_eq!(rate.fee_for(4, 4), U256::from(144));
        let huge = FeeRate { per_input: U256::MAX, ..rate };
        assert_eq!(huge.fee_for(2, 1), U256::MAX);
    }

    #[test]
    fn announced_rates_take_over_at_their_block() {
        let eth = Address::ZERO;
        let mut policy = FeePolicy::flat(eth, U256::from(5));
        let new = FeeRates::from([(eth, FeeRate::flat(U256::from(9)))]);
        policy.next = Some(ScheduledFees { effective_block: 3000, rates: new.clone() });
        assert_eq!(policy.rates_at(2000), &FeeRates::from([(eth, FeeRate::flat(U256::from(5)))]));
        assert_eq!(policy.rates_at(3000), &new);
        policy.advance_to(2000);
        assert!(policy.next.is_some(), "not yet");
        policy.advance_to(3000);
        assert_eq!((policy.rates, policy.next), (new, None));
    }
}
