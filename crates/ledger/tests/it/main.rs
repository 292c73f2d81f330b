//! The validity rules, honest path and every way to break them.

mod conservation;
mod exits;
mod fees;
mod rules;

use plasma_ledger::{FeePolicy, Ledger, LedgerError, VerifiedTx, verify};
use plasma_primitives::{Address, B256, Output, PaymentTx, PrivateKey, U256, UtxoPos};

pub(crate) const DOMAIN: B256 = B256::repeat_byte(0xd0);
pub(crate) const ETH: Address = Address::ZERO;
pub(crate) const TOKEN: Address = Address::repeat_byte(0x70);

pub(crate) fn key(name: &str) -> PrivateKey {
    PrivateKey::from_seed(name.as_bytes())
}

pub(crate) fn out(owner: &PrivateKey, token: Address, amount: u64) -> Output {
    Output { owner: owner.address(), token, amount: U256::from(amount) }
}

/// A ledger with one deposit per `(owner, token, amount)`, at blocks 1, 2, ….
pub(crate) fn funded(
    fees: FeePolicy,
    deposits: &[(&PrivateKey, Address, u64)],
) -> (Ledger, Vec<UtxoPos>) {
    let mut ledger = Ledger::new(fees);
    let positions = deposits
        .iter()
        .enumerate()
        .map(|(i, (owner, token, amount))| {
            let tx = PaymentTx::deposit(owner.address(), *token, U256::from(*amount)).unwrap();
            ledger.deposit(i as u64 + 1, &tx).unwrap()
        })
        .collect();
    (ledger, positions)
}

/// A transfer spending `inputs`, signed by `signers` in order.
pub(crate) fn transfer(
    inputs: &[UtxoPos],
    outputs: Vec<Output>,
    signers: &[&PrivateKey],
) -> Result<VerifiedTx, LedgerError> {
    let tx = PaymentTx::new(inputs.to_vec(), outputs, B256::ZERO).unwrap();
    verify(tx.sign(signers, &DOMAIN).unwrap(), &DOMAIN)
}
