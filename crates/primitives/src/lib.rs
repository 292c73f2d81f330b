//! The payment-chain formats of SPEC §1–2, in Rust: output positions, the payment transaction
//! and its strict RLP codec, the EIP-712 signing hash, secp256k1 signatures, and the salted
//! depth-16 Merkle tree of a block.
//!
//! No I/O and no chain state here: this crate only says what bytes mean. The Solidity
//! libraries in `contracts/src/lib` implement the same formats, and a test in
//! `crates/contracts` checks that both sides agree byte for byte.

pub mod address;
pub mod batch;
pub mod cash;
pub mod coin_blocks;
pub mod debit;
pub mod eip712;
pub mod exits;
pub mod fee;
pub mod json;
pub mod merkle;
pub mod position;
pub mod rlp;
pub mod signature;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
pub mod tx;
pub mod units;

pub use alloy_primitives::{Address, B256, U256, keccak256};
pub use eip712::Eip712Domain;
pub use fee::FeeTx;
pub use merkle::MerkleTree;
pub use position::UtxoPos;
pub use signature::{PrivateKey, Signature, SignatureError};
pub use tx::{AnyTx, BlockTx, ChainTx, Output, PaymentTx, SignedTx, TxError};
