//! Rust bindings over the compiled contracts in `contracts/artifacts/`.
//!
//! The artifacts (ABI and bytecode) are committed and embedded at build time, so every crate
//! that deploys or calls a contract uses exactly the bytecode that the forge tests exercised.
//! The test command refuses artifacts that are stale against the Solidity sources.

#![allow(missing_docs)] // The `sol!` macro generates items whose docs come from the ABI.

use alloy_sol_types::sol;

sol!(
    /// Exposes the format libraries (transaction decoding, EIP-712, Merkle proofs,
    /// signatures, positions) so tests can check Rust and Solidity agree. Not deployed in
    /// production.
    #[derive(Debug, PartialEq, Eq)]
    FormatsHarness,
    "../../contracts/artifacts/FormatsHarness.json"
);

/// Names a revert from any of our contracts' custom errors, with its arguments, if it is one.
pub fn describe_error(data: &[u8]) -> Option<String> {
    use alloy_sol_types::SolInterface;
    FormatsHarness::FormatsHarnessErrors::abi_decode(data).ok().map(|e| format!("{e:?}"))
}
