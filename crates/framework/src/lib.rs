//! The payment chain's root-chain contracts (PlasmaFramework, its vaults, PaymentExitGame
//! with its MoreVP module) through any `plasma_rootchain::RootChain`: deploy or attach, send
//! every transaction, read their state, and decode their events. The client side of the
//! payment family, as `plasma_cash::PlasmaCashContract` is Plasma Cash's; the transport is
//! `plasma-rootchain`'s.

mod batch;
mod events;
mod inflight;
mod plasma;

pub use batch::{BatchCallError, BatchExitState, batch_exit_id};
pub use events::PlasmaEvent;
pub use inflight::{
    Competitor, InFlightExitArgs, NOT_INCLUDED, OUTPUT_LEG, SpendingTx, in_flight_exit_id,
};
pub use plasma::Plasma;
pub use plasma_contracts::{FrameworkAddresses, FrameworkConfig};
