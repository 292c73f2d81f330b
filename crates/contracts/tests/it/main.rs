//! Tests that run our contracts' real bytecode in an embedded EVM (revm).

mod agreement;
mod cash_agreement;
mod debit_agreement;
mod evm;
mod fee_agreement;
