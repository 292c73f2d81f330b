//! The wallet SDK: what a person holding money on the chain needs, with the safe thing made
//! the easy thing.
//!
//! - [`keystore`]: Ethereum keystore v3 files (scrypt + AES-128-CTR); keys never printed.
//! - [`amount`]: human amounts (`1.5`, `0.25 ETH`) in a token's decimals, and back.
//! - [`Wallet`]: deposit (ERC20 approval included), balances, transfers with coin selection and
//!   change, merging small outputs, standard exits from exit data the wallet checks itself,
//!   processing, and checking that a received payment sits in a block the watcher verified;
//!   in-flight (MoreVP) exits with piggybacks when a block is withheld; challenges of exits of
//!   spent outputs; and a history from the root chain and the wallet's own journal.
//!
//! A family's wallet lives in the family's crate, on this one's errors and keys: Plasma Cash
//! coins are `plasma_cash::CashWallet` and `plasma_cash::CoinRead` (feature `wallet`).
//!
//! A client only: it talks to the operator and the watcher through the wire contract
//! (`plasma-api`, feature `client`), and links no storage and no server.

pub mod amount;
pub mod keystore;
mod wallet;

pub use wallet::{
    BatchStarted, HistoryEntry, InFlightExit, Leg, Paid, Piggybacked, Processed, Received, Wallet,
    WalletError,
};
