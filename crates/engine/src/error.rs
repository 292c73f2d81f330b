//! Why a node could not start or had to stop.

use plasma_rootchain::RootChainError;
use plasma_storage::StoreError;

/// A node's failure, in any family.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OperatorError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The configuration cannot work (checked before anything is served).
    #[error(transparent)]
    Startup(#[from] crate::StartupError),
    /// The root chain failed.
    #[error(transparent)]
    RootChain(#[from] RootChainError),
    /// The stored log does not replay: the store is corrupt or from another chain.
    #[error("stored log entry {index} does not replay: {reason}")]
    Replay {
        /// Its position in the log.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The root chain disagrees with what this node sealed.
    #[error("root chain disagrees with this node: {0}")]
    Diverged(String),
    /// The API could not listen.
    #[error("cannot serve the API on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A family's chain rule failed where it cannot (a bug or corruption): the family's own
    /// typed error, boxed (the engine names no family).
    #[error(transparent)]
    ChainRule(Box<dyn std::error::Error + Send + Sync>),
}
