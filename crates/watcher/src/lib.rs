//! The watcher: the watchtower that keeps the operator honest.
//!
//! It follows the root chain, fetches every committed block from a [`BlockSource`] (the
//! operator's API, which it does not trust), checks the block against the committed root and
//! re-executes every transaction against its own ledger (`plasma-ledger`, the same rules as the
//! operator). It reports byzantine behaviour as [`WatcherEvent`]s with their evidence,
//! challenges exits of outputs it has seen spent, and when the chain breaks (an invalid or a
//! withheld block) it says "exit now" and starts the exits of the owners it watches.
//!
//! For Plasma Cash, [`CoinWatcher`] watches the coins of its owners and challenges every exit
//! of them that their verified histories prove invalid.

mod api;
mod events;
mod judge;
mod source;
mod watcher;

pub use api::WatcherService;
// The watcher's API is `plasma-api`'s; re-exported so that the watcher's users name one crate.
pub use events::{InFlightAction, InvalidBlock, WatcherEvent};
pub use judge::{Judge, run_judge};
pub use plasma_api::{
    ChallengeData, EventPage, InFlightExitData, WatcherApiClient, WatcherApiServer,
    WatcherExitData, WatcherStatus,
};
pub use source::BlockSource;
pub use watcher::{
    BatchAction, Spend, VerifiedBlock, Watcher, WatcherConfig, WatcherError, verify_block,
};
