//! Signature recovery: the stateless, expensive half of validation.

use crate::LedgerError;
use plasma_primitives::{Address, B256, SignedTx, TxError, eip712, merkle};
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

/// Transactions verified together on one core: their hashes are computed side by side
/// (see `plasma_keccak`), while rayon spreads the chunks over the cores.
pub const VERIFY_CHUNK: usize = 64;

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
    verify_many(vec![(signed, signed_bytes)], domain_separator).pop().expect("one result")
}

/// [`verify_decoded`] of each transaction, in order, on the calling thread, with their hashes
/// computed side by side: give it about [`VERIFY_CHUNK`] transactions at a time.
pub fn verify_many(
    txs: Vec<(SignedTx, Vec<u8>)>,
    domain_separator: &B256,
) -> Vec<Result<VerifiedTx, LedgerError>> {
    let with_inputs: Vec<&plasma_primitives::PaymentTx> =
        txs.iter().map(|(signed, _)| signed.tx()).filter(|tx| !tx.inputs().is_empty()).collect();
    let mut digests = eip712::signing_hashes(&with_inputs, domain_separator).into_iter();
    // Everything the sequencer will need is computed here, on the verifying cores.
    let unsigned: Vec<Vec<u8>> = txs
        .iter()
        .map(|(signed, bytes)| {
            debug_assert_eq!(&signed.encode(), bytes, "bytes are not the transaction's encoding");
            let sliced =
                SignedTx::unsigned_bytes_of(bytes).unwrap_or_else(|_| signed.tx().encode());
            debug_assert_eq!(sliced, signed.tx().encode(), "sliced unsigned bytes differ");
            sliced
        })
        .collect();
    let mut hashes = plasma_keccak::keccak256_many(&unsigned).into_iter();
    let mut leaves = merkle::leaf_hashes(&unsigned).into_iter();
    txs.into_iter()
        .zip(unsigned)
        .map(|((signed, signed_bytes), unsigned)| {
            let (hash, leaf) =
                (hashes.next().expect("a hash each"), leaves.next().expect("a leaf each"));
            if signed.tx().inputs().is_empty() {
                return Err(LedgerError::NoInputs);
            }
            let digest = digests.next().expect("a digest for each tx with inputs");
            let signers = signed
                .signatures()
                .iter()
                .enumerate()
                .map(|(index, sig)| {
                    sig.recover(&digest)
                        .map_err(|source| LedgerError::BadSignature { index, source })
                })
                .collect::<Result<Vec<Address>, _>>()?;
            Ok(VerifiedTx { signed, signers, hash, unsigned, leaf, signed_bytes })
        })
        .collect()
}

/// Why signed bytes gave no verified transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unverified {
    /// The bytes are not a signed transaction.
    #[error("{0}")]
    Malformed(TxError),
    /// A transaction whose signatures do not verify (or that has no inputs).
    #[error("{0}")]
    Invalid(LedgerError),
}

/// Decodes and verifies each transaction's signed bytes, in order, on all cores: chunks of
/// [`VERIFY_CHUNK`], each hashed side by side ([`verify_many`]).
pub fn decode_and_verify_batch<B: Into<Vec<u8>> + Send>(
    txs: Vec<B>,
    domain_separator: &B256,
) -> Vec<Result<VerifiedTx, Unverified>> {
    txs.into_par_iter()
        .chunks(VERIFY_CHUNK)
        .flat_map_iter(|chunk| decode_and_verify_many(chunk, domain_separator))
        .collect()
}

fn decode_and_verify_many<B: Into<Vec<u8>>>(
    txs: Vec<B>,
    domain_separator: &B256,
) -> Vec<Result<VerifiedTx, Unverified>> {
    let mut answers: Vec<Option<Result<VerifiedTx, Unverified>>> = Vec::with_capacity(txs.len());
    let mut decoded = Vec::with_capacity(txs.len());
    for bytes in txs {
        let bytes: Vec<u8> = bytes.into();
        match SignedTx::decode(&bytes) {
            Ok(signed) => {
                decoded.push((signed, bytes));
                answers.push(None);
            }
            Err(e) => answers.push(Some(Err(Unverified::Malformed(e)))),
        }
    }
    let mut verified = verify_many(decoded, domain_separator).into_iter();
    answers
        .into_iter()
        .map(|answer| {
            answer.unwrap_or_else(|| {
                verified.next().expect("an answer per decoded tx").map_err(Unverified::Invalid)
            })
        })
        .collect()
}

/// [`verify`] over many transactions on all cores, keeping their order.
pub fn verify_batch(
    txs: Vec<SignedTx>,
    domain_separator: &B256,
) -> Vec<Result<VerifiedTx, LedgerError>> {
    txs.into_par_iter()
        .map(|tx| {
            let bytes = tx.encode();
            (tx, bytes)
        })
        .chunks(VERIFY_CHUNK)
        .flat_map_iter(|chunk| verify_many(chunk, domain_separator))
        .collect()
}
