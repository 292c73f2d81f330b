//! Plasma Debit formats (docs/debit.md, "Transactions"): the three transaction kinds of a
//! coin that carries a balance, their hash rule and their signature. Blocks, proofs and
//! signatures are Plasma Cash's ([`crate::cash`]); `contracts/src/lib/DebitTransaction.sol`
//! decodes the same bytes.

use crate::{
    cash::{CashSignature, SignMode},
    rlp::{self, Item, RlpError},
    signature::PrivateKey,
};
use alloy_primitives::{Address, B256, U256, keccak256};

/// Why bytes are not a Debit transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DebitError {
    /// The RLP of `field` breaks a strictness rule.
    #[error("{field}: {source}")]
    Rlp {
        /// Which field.
        field: &'static str,
        /// What was wrong.
        source: RlpError,
    },
    /// A kind other than 0 (deposit), 1 (transfer) or 2 (pay).
    #[error("transaction kind {0} is not 0 (deposit), 1 (transfer) or 2 (pay)")]
    UnknownKind(U256),
    /// A list whose length is not its kind's.
    #[error("a kind {kind} transaction has {expected} fields, found {found}")]
    WrongFieldCount {
        /// The kind.
        kind: u8,
        /// Its field count.
        expected: usize,
        /// The list's length.
        found: usize,
    },
    /// A slot wider than 64 bits.
    #[error("{field} {value} does not fit in 64 bits")]
    SlotTooLarge {
        /// Which slot field.
        field: &'static str,
        /// Its value.
        value: U256,
    },
}

fn rlp_at(field: &'static str) -> impl FnOnce(RlpError) -> DebitError {
    move |source| DebitError::Rlp { field, source }
}

/// A coin's deposit: `[0, slot, owner, balance]`. Valid only at the coin's deposit block,
/// with the deposit's owner and amount; its hash commits to the slot only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DepositTx {
    /// The coin.
    pub slot: u64,
    /// The depositor.
    pub owner: Address,
    /// The amount deposited (the coin's first capacity and balance).
    pub balance: U256,
}

/// A whole coin moved to `new_owner` with the owner's balance set to `balance` (below the
/// current balance, the difference is a fee to the operator): `[1, slot, prevBlock, newOwner,
/// balance]`, signed by the coin's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TransferTx {
    /// The coin.
    pub slot: u64,
    /// The block of the coin's previous own transaction.
    pub prev_block: U256,
    /// Who owns the coin after it.
    pub new_owner: Address,
    /// The owner's balance after it.
    pub balance: U256,
}

/// A payment of `amount` from the coin `from_slot` to the coin `to_slot`, both legs in one
/// transaction whose hash is the leaf at both slots: `[2, fromSlot, fromPrevBlock, fromOwner,
/// fromBalance, toSlot, toOwner, amount]`, signed by `from_owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PayTx {
    /// The payer's coin.
    pub from_slot: u64,
    /// The block of the payer's coin's previous own transaction.
    pub from_prev_block: U256,
    /// The payer (the payer's coin's owner, unchanged).
    pub from_owner: Address,
    /// The payer's balance after it (its balance before, less `amount`).
    pub from_balance: U256,
    /// The payee's coin.
    pub to_slot: u64,
    /// The payee (the payee's coin's owner, who is credited).
    pub to_owner: Address,
    /// What moves: from the payer to the operator's side of her coin, and from the operator's
    /// side of the payee's coin to the payee.
    pub amount: U256,
}

/// A Plasma Debit transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DebitTx {
    /// Kind 0.
    Deposit(DepositTx),
    /// Kind 1.
    Transfer(TransferTx),
    /// Kind 2.
    Pay(PayTx),
}

/// What a transaction leaves in the coin it is an own transaction of: its owner and the
/// owner's balance, and the block of the coin's previous own transaction (0 for a deposit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnState {
    /// The coin.
    pub slot: u64,
    /// The owner after it.
    pub owner: Address,
    /// The owner's balance after it.
    pub balance: U256,
    /// The previous own transaction's block (0 for a deposit).
    pub prev_block: U256,
}

impl DebitTx {
    /// The kind byte.
    pub fn kind(&self) -> u8 {
        match self {
            Self::Deposit(_) => 0,
            Self::Transfer(_) => 1,
            Self::Pay(_) => 2,
        }
    }

    /// The coin this is an own transaction of (the payer's for a pay) and the state it
    /// leaves there.
    pub fn own_state(&self) -> OwnState {
        match *self {
            Self::Deposit(d) => OwnState {
                slot: d.slot,
                owner: d.owner,
                balance: d.balance,
                prev_block: U256::ZERO,
            },
            Self::Transfer(t) => OwnState {
                slot: t.slot,
                owner: t.new_owner,
                balance: t.balance,
                prev_block: t.prev_block,
            },
            Self::Pay(p) => OwnState {
                slot: p.from_slot,
                owner: p.from_owner,
                balance: p.from_balance,
                prev_block: p.from_prev_block,
            },
        }
    }

    /// The payee's slot, for a pay.
    pub fn payee_slot(&self) -> Option<u64> {
        match self {
            Self::Pay(p) => Some(p.to_slot),
            _ => None,
        }
    }

    /// The RLP bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(160);
        rlp::write_uint(&mut payload, U256::from(self.kind()));
        match *self {
            Self::Deposit(d) => {
                rlp::write_uint(&mut payload, U256::from(d.slot));
                rlp::write_bytes(&mut payload, d.owner.as_slice());
                rlp::write_uint(&mut payload, d.balance);
            }
            Self::Transfer(t) => {
                rlp::write_uint(&mut payload, U256::from(t.slot));
                rlp::write_uint(&mut payload, t.prev_block);
                rlp::write_bytes(&mut payload, t.new_owner.as_slice());
                rlp::write_uint(&mut payload, t.balance);
            }
            Self::Pay(p) => {
                rlp::write_uint(&mut payload, U256::from(p.from_slot));
                rlp::write_uint(&mut payload, p.from_prev_block);
                rlp::write_bytes(&mut payload, p.from_owner.as_slice());
                rlp::write_uint(&mut payload, p.from_balance);
                rlp::write_uint(&mut payload, U256::from(p.to_slot));
                rlp::write_bytes(&mut payload, p.to_owner.as_slice());
                rlp::write_uint(&mut payload, p.amount);
            }
        }
        let mut out = Vec::with_capacity(payload.len() + 3);
        rlp::write_list(&mut out, &payload);
        out
    }

    /// Decodes under the strict RLP rules; every field is checked, the first bad one named.
    pub fn decode(bytes: &[u8]) -> Result<Self, DebitError> {
        let top = Item::decode_exact(bytes).map_err(rlp_at("transaction"))?;
        let fields = top.list().map_err(rlp_at("transaction"))?;
        let Some(kind) = fields.first() else {
            return Err(DebitError::Rlp {
                field: "transaction",
                source: RlpError::WrongArity { expected: "a kind first", found: 0 },
            });
        };
        let kind_value = kind.uint().map_err(rlp_at("kind"))?;
        let (kind, expected) = match u8::try_from(kind_value) {
            Ok(0) => (0, 4),
            Ok(1) => (1, 5),
            Ok(2) => (2, 8),
            _ => return Err(DebitError::UnknownKind(kind_value)),
        };
        if fields.len() != expected {
            return Err(DebitError::WrongFieldCount { kind, expected, found: fields.len() });
        }
        let f = Fields(&fields);
        Ok(match kind {
            0 => Self::Deposit(DepositTx {
                slot: f.slot(1, "slot")?,
                owner: f.address(2, "owner")?,
                balance: f.uint(3, "balance")?,
            }),
            1 => Self::Transfer(TransferTx {
                slot: f.slot(1, "slot")?,
                prev_block: f.uint(2, "prevBlock")?,
                new_owner: f.address(3, "newOwner")?,
                balance: f.uint(4, "balance")?,
            }),
            _ => Self::Pay(PayTx {
                from_slot: f.slot(1, "fromSlot")?,
                from_prev_block: f.uint(2, "fromPrevBlock")?,
                from_owner: f.address(3, "fromOwner")?,
                from_balance: f.uint(4, "fromBalance")?,
                to_slot: f.slot(5, "toSlot")?,
                to_owner: f.address(6, "toOwner")?,
                amount: f.uint(7, "amount")?,
            }),
        })
    }

    /// The hash: `keccak(RLP)`, or for a deposit `keccak(slot as 8 big-endian bytes)` (the
    /// deposit block's root, as Plasma Cash's).
    pub fn hash(&self) -> B256 {
        match self {
            Self::Deposit(d) => keccak256(d.slot.to_be_bytes()),
            _ => keccak256(self.encode()),
        }
    }

    /// Signs the hash (mode 0: the raw hash), in Plasma Cash's 66-byte form.
    pub fn sign(&self, key: &PrivateKey) -> CashSignature {
        CashSignature { mode: SignMode::Raw, sig: key.sign(&self.hash()) }
    }
}

/// A decoded list's fields, read by position with the field's name in any error.
struct Fields<'a, 'b>(&'b [Item<'a>]);

impl Fields<'_, '_> {
    fn uint(&self, i: usize, field: &'static str) -> Result<U256, DebitError> {
        self.0[i].uint().map_err(rlp_at(field))
    }

    fn slot(&self, i: usize, field: &'static str) -> Result<u64, DebitError> {
        let value = self.uint(i, field)?;
        u64::try_from(value).map_err(|_| DebitError::SlotTooLarge { field, value })
    }

    fn address(&self, i: usize, field: &'static str) -> Result<Address, DebitError> {
        Ok(Address::from(self.0[i].fixed::<20>().map_err(rlp_at(field))?))
    }
}

#[cfg(test)]
mod tests;
