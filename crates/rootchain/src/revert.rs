//! Turning revert data into words: `Error(string)`, `Panic(uint256)`, or one of our contracts'
//! custom errors with its arguments.

use alloy_sol_types::{Panic, Revert, SolError};

/// A one-line description of revert data.
pub fn describe(data: &[u8]) -> String {
    if data.is_empty() {
        return "no revert data".into();
    }
    if let Ok(revert) = Revert::abi_decode(data) {
        return format!("Error({:?})", revert.reason);
    }
    if let Ok(panic) = Panic::abi_decode(data) {
        return format!("Panic({})", panic.code);
    }
    if let Some(known) = plasma_contracts::describe_error(data) {
        return known;
    }
    let selector = &data[..data.len().min(4)];
    format!("custom error 0x{} ({} bytes)", alloy_primitives::hex::encode(selector), data.len())
}
