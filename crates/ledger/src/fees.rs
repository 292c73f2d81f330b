//! Fees: what a transaction leaves unspent is the operator's; the policy sets the minimum,
//! and the smallest output the operator accepts (the dust limit).

use crate::LedgerError;
use plasma_primitives::{Address, U256};
use std::collections::BTreeMap;

/// The minimum fee, per token a fee may be paid in. An empty policy accepts any fee, zero
/// included; otherwise a transaction must leave at least the minimum of one listed token.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeePolicy {
    /// Minimum fee by token (zero address = ETH).
    pub minimum: BTreeMap<Address, U256>,
    /// Smallest output amount accepted, by token (none: any amount). An output worth less
    /// than exiting it costs on L1 cannot be taken out if the operator withholds blocks, so a
    /// dishonest operator would keep it: an honest operator does not create such outputs.
    #[serde(default)]
    pub dust_limit: BTreeMap<Address, U256>,
}

impl FeePolicy {
    /// No fees required.
    pub fn free() -> Self {
        Self::default()
    }

    /// A single minimum in one token.
    pub fn flat(token: Address, amount: U256) -> Self {
        Self { minimum: BTreeMap::from([(token, amount)]), ..Self::default() }
    }

    /// This policy with a dust limit of `amount` for `token`.
    pub fn with_dust_limit(mut self, token: Address, amount: U256) -> Self {
        self.dust_limit.insert(token, amount);
        self
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

    /// Checks the fees a transaction leaves (`surplus` per token).
    pub(crate) fn check(&self, surplus: &BTreeMap<Address, U256>) -> Result<(), LedgerError> {
        if self.minimum.is_empty() {
            return Ok(());
        }
        let paid = self
            .minimum
            .iter()
            .any(|(token, min)| surplus.get(token).is_some_and(|fee| fee >= min));
        if paid {
            return Ok(());
        }
        let (&token, &required) = self.minimum.iter().next().expect("non-empty");
        Err(LedgerError::FeeTooLow { token, required })
    }
}
