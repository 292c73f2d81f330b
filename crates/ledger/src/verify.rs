//! Signature recovery: the stateless, expensive half of validation.

use crate::LedgerError;
use plasma_primitives::{Address, B256, SignedTx};
use rayon::prelude::*;

/// A transaction whose signatures recovered, with its signers and id. Only [`verify`] makes
/// one, so holding one means the recovery was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTx {
    pub(crate) signed: SignedTx,
    pub(crate) signers: Vec<Address>,
    pub(crate) hash: B256,
    pub(crate) unsigned: Vec<u8>,
    pub(crate) leaf: B256,
    pub(crate) signed_bytes: Vec<u8>,
}

impl VerifiedTx {
    /// The signed transaction.
    pub fn signed(&self) -> &SignedTx {
        &self.signed
    }

    /// The signer of each input, in order.
    pub fn signers(&self) -> &[Address] {
        &self.signers
    }

    /// keccak256 of the unsigned bytes: the transaction's id.
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The unsigned bytes: the block's leaf.
    pub fn unsigned(&self) -> &[u8] {
        &self.unsigned
    }

    /// The Merkle leaf hash of the unsigned bytes.
    pub fn leaf(&self) -> B256 {
        self.leaf
    }

    /// The signed bytes, as stored and served.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed_bytes
    }

    /// The signed bytes, without copying them.
    pub fn into_signed_bytes(self) -> Vec<u8> {
        self.signed_bytes
    }

    /// The unsigned bytes, without copying them.
    pub fn into_unsigned(self) -> Vec<u8> {
        self.unsigned
    }
}

/// Recovers every input's signer under the chain's EIP-712 domain.
pub fn verify(signed: SignedTx, domain_separator: &B256) -> Result<VerifiedTx, LedgerError> {
    let signed_bytes = signed.encode();
    verify_decoded(signed, signed_bytes, domain_separator)
}

/// [`verify`] for a transaction decoded from `signed_bytes`, which it keeps instead of
/// encoding them again (strict decoding makes them the one encoding of `signed`).
pub fn verify_decoded(
    signed: SignedTx,
    signed_bytes: Vec<u8>,
    domain_separator: &B256,
) -> Result<VerifiedTx, LedgerError> {
    debug_assert_eq!(signed.encode(), signed_bytes, "bytes are not the transaction's encoding");
    if signed.tx().inputs().is_empty() {
        return Err(LedgerError::NoInputs);
    }
    let digest = signed.tx().signing_hash(domain_separator);
    let signers = signed
        .signatures()
        .iter()
        .enumerate()
        .map(|(index, sig)| {
            sig.recover(&digest).map_err(|source| LedgerError::BadSignature { index, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Everything the sequencer will need is computed here, on the verifying cores.
    let unsigned =
        SignedTx::unsigned_bytes_of(&signed_bytes).unwrap_or_else(|_| signed.tx().encode());
    debug_assert_eq!(unsigned, signed.tx().encode(), "sliced unsigned bytes differ");
    let hash = plasma_primitives::keccak256(&unsigned);
    let leaf = plasma_primitives::merkle::leaf_hash(&unsigned);
    Ok(VerifiedTx { signed, signers, hash, unsigned, leaf, signed_bytes })
}

/// [`verify`] over many transactions on all cores, keeping their order.
pub fn verify_batch(
    txs: Vec<SignedTx>,
    domain_separator: &B256,
) -> Vec<Result<VerifiedTx, LedgerError>> {
    txs.into_par_iter().map(|tx| verify(tx, domain_separator)).collect()
}
