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
    /// Less fee than the schedule asks of this transaction in its block.
    #[error("fee too low for block {blknum}: pay {}", fee_list(accepted))]
    FeeTooLow {
        /// The block the transaction would go in.
        blknum: u64,
        /// The fee this transaction owes in each accepted token (one of them suffices).
        accepted: Vec<(Address, U256)>,
    },
    /// A fee change announced for a block already being filled, or not an operator block.
    #[error(
        "new fees must start at a later operator block (a multiple of 1000 after {pending}), not {effective_block}"
    )]
    FeeScheduleTooSoon {
        /// The block named.
        effective_block: u64,
        /// The block being filled.
        pending: u64,
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

/// "10 wei of 0x00…00 or 3 of 0xab…": the fees a refusal quotes.
fn fee_list(accepted: &[(Address, U256)]) -> String {
    let each: Vec<String> = accepted
        .iter()
        .map(|(token, fee)| match token.is_zero() {
            true => format!("{fee} wei of ETH"),
            false => format!("{fee} of token {token}"),
        })
        .collect();
    each.join(" or ")
}

impl ClaimError {
    /// The index in the block of the claim at fault, if one is.
    pub fn index(&self) -> Option<usize> {
        match self {
            ClaimError::Overclaim { index, .. }
            | ClaimError::Duplicate { index, .. }
            | ClaimError::WrongNonce { index, .. } => Some(*index),
            ClaimError::TooMany { .. } => None,
        }
    }
}

/// Why a block's fee claims are invalid: the watcher's evidence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// A claim of more than the block's payments left in its token.
    #[error(
        "block {blknum}, tx {index}: the fee claim takes {claimed} of token {token}, but the block's payments left {collected}"
    )]
    Overclaim {
        /// The block.
        blknum: u64,
        /// The claim's index in the block.
        index: usize,
        /// The token.
        token: Address,
        /// What the claim takes.
        claimed: U256,
        /// What the payments left.
        collected: U256,
    },
    /// A second claim of one token.
    #[error("block {blknum}, tx {index}: a second fee claim of token {token}")]
    Duplicate {
        /// The block.
        blknum: u64,
        /// The claim's index in the block.
        index: usize,
        /// The token.
        token: Address,
    },
    /// A claim whose nonce is not its block's and token's.
    #[error("block {blknum}, tx {index}: the fee claim of token {token} has another block's nonce")]
    WrongNonce {
        /// The block.
        blknum: u64,
        /// The claim's index in the block.
        index: usize,
        /// The token.
        token: Address,
    },
    /// More transactions than a block holds.
    #[error("block {blknum}: {count} fee claims overflow the block's 65,536 leaves")]
    TooMany {
        /// The block.
        blknum: u64,
        /// How many claims.
        count: usize,
    },
}
