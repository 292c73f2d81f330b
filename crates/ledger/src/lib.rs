//! The payment chain's state transition, pure and shared: the operator builds blocks with it
//! and the watcher re-executes them with it, so there is one set of validity rules in the
//! whole project.
//!
//! Checking a transaction has two halves. [`verify`] recovers the signers: stateless, the
//! expensive part (one secp256k1 recovery per input), done in parallel on all cores. The
//! [`Ledger`] then checks the recovered signers against the state and applies the
//! transaction: cheap, sequential, in block order.

mod error;
mod exits;
mod fees;
mod ledger;
mod verify;

pub use error::{ClaimError, LedgerError};
pub use exits::{ExitView, Hold, Payout};
pub use fees::{FeePolicy, FeeRate, FeeRates, ScheduledFees};
pub use ledger::{Applied, Ledger, SealedBlock, UtxoChanges};
pub use verify::{
    Unverified, VERIFY_CHUNK, VerifiedTx, decode_and_verify_batch, verify, verify_batch,
    verify_decoded, verify_many,
};
