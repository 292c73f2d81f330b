//! Benchmarks and figures, kept out of the domain crates: what `plasma bench` and
//! `plasma cost` print.
//!
//! - [`node`]: the operator's throughput (in-process and over HTTP) against the
//!   signature-recovery ceiling measured in the same run;
//! - [`cash`]: the Plasma Cash node's transfers over HTTP against the same kind of ceiling;
//! - [`watcher`]: verifying a full block against the ceiling;
//! - [`gas`]: the gas of every framework operation, from receipts on the embedded chain;
//! - [`cost`]: what a transfer costs on L1 directly and through Plasma, and its plot.

pub mod cash;
pub mod cost;
pub mod debit_gas;
pub mod gas;
pub mod mass_exit;
pub mod node;
pub mod watcher;

mod ceiling;
mod cpu;

pub use cpu::CpuShares;

/// A benchmark that could not run its measurement, and why.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The measurement itself failed (a refused transaction, a node that did not answer…).
    #[error("benchmark: {0}")]
    Failed(String),
    /// The root chain failed.
    #[error(transparent)]
    RootChain(#[from] plasma_rootchain::RootChainError),
    /// The node under test failed.
    #[error(transparent)]
    Operator(#[from] plasma_operator::OperatorError),
    /// The benchmark's scratch store failed.
    #[error(transparent)]
    Store(#[from] plasma_storage::StoreError),
}

pub(crate) fn bench_err(what: impl std::fmt::Display) -> BenchError {
    BenchError::Failed(what.to_string())
}

/// A new empty folder under the system's temporary one, for a benchmark's store.
pub(crate) fn scratch_dir(name: &str) -> Result<std::path::PathBuf, BenchError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(bench_err)?;
    Ok(dir)
}
