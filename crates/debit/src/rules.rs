//! The one check of a Debit transaction against a coin's state, used by the operator's chain
//! before it accepts a transaction and by the client when it verifies a history (so both
//! sides agree on every balance). docs/debit.md, "The chain's rules".

use alloy_primitives::{Address, U256};
use plasma_primitives::debit::{DebitTx, PayTx};

/// A coin's state as the chain and its clients see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoinState {
    /// The coin.
    pub slot: u64,
    /// Who holds it.
    pub owner: Address,
    /// The holder's balance: the latest own transaction's, plus the credits since.
    pub balance: U256,
    /// The block of the latest own transaction (the deposit block at first): what the next
    /// own transaction must name.
    pub own_block: u64,
}

/// Why a transaction does not apply to a coin's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A deposit transaction outside its deposit block: it can only be the coin's origin.
    #[error("coin {0}: a deposit transaction is not a spend")]
    DepositNotASpend(u64),
    /// A transaction shown for a coin it does not touch.
    #[error("coin {slot}: the transaction is of coin {found}")]
    OtherCoin {
        /// The coin.
        slot: u64,
        /// The coin the transaction is of.
        found: u64,
    },
    /// An own transaction that does not name the coin's latest own block.
    #[error(
        "coin {slot}: prevBlock {found}, the coin's latest own transaction is at block {expected}"
    )]
    WrongPrevBlock {
        /// The coin.
        slot: u64,
        /// The block it must name.
        expected: u64,
        /// The block it names.
        found: U256,
    },
    /// An own transaction signed by someone else than the holder.
    #[error("coin {slot}: held by {owner}, signed by {signer}")]
    NotOwner {
        /// The coin.
        slot: u64,
        /// The holder.
        owner: Address,
        /// Who signed.
        signer: Address,
    },
    /// A pay whose `fromOwner` is not the payer's coin's holder.
    #[error("coin {slot}: held by {owner}, the pay's fromOwner is {found}")]
    WrongPayer {
        /// The payer's coin.
        slot: u64,
        /// Its holder.
        owner: Address,
        /// The pay's `fromOwner`.
        found: Address,
    },
    /// A pay whose `toOwner` is not the payee's coin's holder.
    #[error("coin {slot}: held by {owner}, the pay's toOwner is {found}")]
    WrongPayee {
        /// The payee's coin.
        slot: u64,
        /// Its holder.
        owner: Address,
        /// The pay's `toOwner`.
        found: Address,
    },
    /// A transfer that raises the holder's balance.
    #[error("coin {slot}: a transfer to balance {found} from balance {balance}")]
    TransferRaisesBalance {
        /// The coin.
        slot: u64,
        /// The balance.
        balance: U256,
        /// The transfer's balance.
        found: U256,
    },
    /// A pay of nothing.
    #[error("coin {0}: a pay of amount 0")]
    ZeroAmount(u64),
    /// A pay of more than the payer holds.
    #[error("coin {slot}: a pay of {amount} from balance {balance}")]
    AmountOverBalance {
        /// The payer's coin.
        slot: u64,
        /// Its balance.
        balance: U256,
        /// The pay's amount.
        amount: U256,
    },
    /// A pay whose `fromBalance` is not the payer's balance less the amount.
    #[error("coin {slot}: fromBalance {found}, the balance less the amount is {expected}")]
    WrongFromBalance {
        /// The payer's coin.
        slot: u64,
        /// Its balance less the amount.
        expected: U256,
        /// The pay's `fromBalance`.
        found: U256,
    },
    /// A credit the payee's coin has no room for (the operator must top it up first).
    #[error("coin {slot}: balance {balance} plus {amount} is over the capacity {capacity}")]
    OverCapacity {
        /// The payee's coin.
        slot: u64,
        /// Its balance.
        balance: U256,
        /// The pay's amount.
        amount: U256,
        /// Its capacity.
        capacity: U256,
    },
    /// A pay from a coin to itself.
    #[error("coin {0}: a pay to the same coin")]
    PayToSelf(u64),
}

impl CoinState {
    /// The state after the own transaction `tx` (a transfer of this coin, or a pay from it)
    /// signed by `signer`, included at `block`; or the rule it breaks.
    pub fn apply_own(&self, tx: &DebitTx, signer: Address, block: u64) -> Result<Self, RuleError> {
        let slot = self.slot;
        let own = tx.own_state();
        if matches!(tx, DebitTx::Deposit(_)) {
            return Err(RuleError::DepositNotASpend(slot));
        }
        if own.slot != slot {
            return Err(RuleError::OtherCoin { slot, found: own.slot });
        }
        if own.prev_block != U256::from(self.own_block) {
            return Err(RuleError::WrongPrevBlock {
                slot,
                expected: self.own_block,
                found: own.prev_block,
            });
        }
        if signer != self.owner {
            return Err(RuleError::NotOwner { slot, owner: self.owner, signer });
        }
        match tx {
            DebitTx::Transfer(t) if t.balance > self.balance => {
                return Err(RuleError::TransferRaisesBalance {
                    slot,
                    balance: self.balance,
                    found: t.balance,
                });
            }
            DebitTx::Pay(p) => self.check_payer(p)?,
            _ => {}
        }
        Ok(Self { slot, owner: own.owner, balance: own.balance, own_block: block })
    }

    fn check_payer(&self, p: &PayTx) -> Result<(), RuleError> {
        let slot = self.slot;
        if p.to_slot == slot {
            return Err(RuleError::PayToSelf(slot));
        }
        if p.from_owner != self.owner {
            return Err(RuleError::WrongPayer { slot, owner: self.owner, found: p.from_owner });
        }
        if p.amount.is_zero() {
            return Err(RuleError::ZeroAmount(slot));
        }
        let Some(expected) = self.balance.checked_sub(p.amount) else {
            return Err(RuleError::AmountOverBalance {
                slot,
                balance: self.balance,
                amount: p.amount,
            });
        };
        if p.from_balance != expected {
            return Err(RuleError::WrongFromBalance { slot, expected, found: p.from_balance });
        }
        Ok(())
    }

    /// The state after the credit `pay` to this coin, whose capacity is `capacity`; or the
    /// rule it breaks. A credit changes neither the holder nor the latest own block.
    pub fn apply_credit(&self, pay: &PayTx, capacity: U256) -> Result<Self, RuleError> {
        let slot = self.slot;
        if pay.to_slot != slot {
            return Err(RuleError::OtherCoin { slot, found: pay.to_slot });
        }
        if pay.from_slot == slot {
            return Err(RuleError::PayToSelf(slot));
        }
        if pay.to_owner != self.owner {
            return Err(RuleError::WrongPayee { slot, owner: self.owner, found: pay.to_owner });
        }
        let balance = self.balance.checked_add(pay.amount).filter(|b| *b <= capacity);
        let Some(balance) = balance else {
            return Err(RuleError::OverCapacity {
                slot,
                balance: self.balance,
                amount: pay.amount,
                capacity,
            });
        };
        Ok(Self { balance, ..*self })
    }
}
