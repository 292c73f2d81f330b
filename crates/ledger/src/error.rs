//! Why a transaction is not valid on the child chain.

use plasma_primitives::{Address, SignatureError, U256, UtxoPos};

/// A child-chain validity failure, naming the input, output or token at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A transfer must spend something; only the root chain creates money (deposits).
    #[error("a transfer needs at least one input")]
    NoInputs,
    /// A signature that does not recover.
    #[error("signature of input {index}: {source}")]
    BadSignature {
        /// Which input.
        index: usize,
        /// Why it does not recover.
        source: SignatureError,
    },
    /// An input that is not in the UTXO set: never created, already spent or exited.
    #[error("input {index} ({pos}) does not exist or is already spent")]
    UnknownInput {
        /// Which input.
        index: usize,
        /// Its position.
        pos: UtxoPos,
    },
    /// An input whose value a live exit on the root chain may pay out.
    #[error("input {index}: output {} is exiting on L1 ({hold})", pos.raw())]
    Exiting {
        /// Which input.
        index: usize,
        /// Its position.
        pos: UtxoPos,
        /// The exit that holds it.
        hold: crate::Hold,
    },
    /// An input whose value already left through an exit on the root chain.
    #[error("input {index}: output {} left the chain on L1 ({payout})", pos.raw())]
    Exited {
        /// Which input.
        index: usize,
        /// Its position.
        pos: UtxoPos,
        /// How it left.
        payout: crate::Payout,
    },
    /// An input signed by someone other than its owner.
    #[error(
        "input {index} is owned by {owner} but signed by {signer}: another key, or the owner's key signing for another EIP-712 domain (check the chain id and verifying contract the signer used)"
    )]
    WrongSigner {
        /// Which input.
        index: usize,
        /// Who owns the output it spends.
        owner: Address,
        /// Who signed.
        signer: Address,
    },
    /// More of a token out than in.
    #[error("token {token}: outputs {outputs} exceed inputs {inputs}")]
    Unbalanced {
        /// The token.
        token: Address,
        /// Sum of inputs.
        inputs: U256,
        /// Sum of outputs.
        outputs: U256,
    },
    /// Less fee than the policy asks.
    #[error("fee too low: the policy asks for {required} of {token}")]
    FeeTooLow {
        /// The fee token the policy names.
        token: Address,
        /// The minimum.
        required: U256,
    },
    /// An output below the operator's dust limit for its token.
    #[error("output {index}: {amount} of {token} is below the dust limit {limit}")]
    DustOutput {
        /// The output's index in the transaction.
        index: usize,
        /// Its token.
        token: Address,
        /// Its amount.
        amount: U256,
        /// The smallest amount accepted.
        limit: U256,
    },
    /// Sums that overflow 256 bits.
    #[error("token {0}: amounts overflow")]
    Overflow(Address),
    /// The block already holds 65,536 transactions.
    #[error("block {0} is full")]
    BlockFull(u64),
    /// A deposit that is not one output with no inputs, or at a position already taken.
    #[error("invalid deposit at block {blknum}: {reason}")]
    BadDeposit {
        /// The deposit block.
        blknum: u64,
        /// What was wrong.
        reason: &'static str,
    },
}
