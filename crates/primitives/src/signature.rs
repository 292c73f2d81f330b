//! secp256k1 keys and 65-byte `r ‖ s ‖ v` signatures on libsecp256k1.
//!
//! Recovery accepts only what the contracts accept: `v ∈ {27, 28}` and low `s` (EIP-2), so a
//! signature the child chain takes is always one the root chain takes too.

use alloy_primitives::{Address, B256, keccak256};
use secp256k1::{
    Message, SecretKey,
    ecdsa::{RecoverableSignature, RecoveryId},
};
use std::fmt;

/// Half the secp256k1 group order, big-endian: the largest `s` a signature may carry.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Why a signature or a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// Not 65 bytes.
    #[error("signature must be 65 bytes, found {0}")]
    BadLength(usize),
    /// `v` outside {27, 28}.
    #[error("signature v must be 27 or 28, found {0}")]
    BadV(u8),
    /// `s` in the upper half of the group order (malleable twin of a valid signature).
    #[error("signature s is not in the lower half of the group order (EIP-2)")]
    HighS,
    /// `r` or `s` out of range, or no public key recovers from it.
    #[error("no public key can be recovered from the signature")]
    Unrecoverable,
    /// A private key that is zero or not below the group order.
    #[error("private key is zero or not below the secp256k1 group order")]
    BadPrivateKey,
}

/// A 65-byte Ethereum signature `r ‖ s ‖ v`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 65]);

impl Signature {
    /// Wraps 65 bytes as they are; [`Signature::recover`] checks them.
    pub fn from_bytes(bytes: [u8; 65]) -> Self {
        Self(bytes)
    }

    /// Wraps a slice, which must be 65 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, SignatureError> {
        bytes.try_into().map(Self).map_err(|_| SignatureError::BadLength(bytes.len()))
    }

    /// The 65 bytes.
    pub fn as_bytes(&self) -> &[u8; 65] {
        &self.0
    }

    /// The address whose key signed `digest`, under the contracts' rules.
    pub fn recover(&self, digest: &B256) -> Result<Address, SignatureError> {
        let v = self.0[64];
        let recid = match v {
            27 => RecoveryId::Zero,
            28 => RecoveryId::One,
            _ => return Err(SignatureError::BadV(v)),
        };
        if self.0[32..64] > HALF_ORDER[..] {
            return Err(SignatureError::HighS);
        }
        let sig = RecoverableSignature::from_compact(&self.0[..64], recid)
            .map_err(|_| SignatureError::Unrecoverable)?;
        let key = sig
            .recover_ecdsa(Message::from_digest(digest.0))
            .map_err(|_| SignatureError::Unrecoverable)?;
        Ok(address_of(&key))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(0x{})", hex::encode(self.0))
    }
}

/// A secp256k1 private key. Its `Debug` form never shows the key.
#[derive(Clone)]
pub struct PrivateKey(SecretKey);

impl PrivateKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, SignatureError> {
        SecretKey::from_secret_bytes(bytes).map(Self).map_err(|_| SignatureError::BadPrivateKey)
    }

    /// A key derived from a seed by hashing: for tests, demos and dev accounts only.
    pub fn from_seed(seed: &[u8]) -> Self {
        let mut hash = keccak256(seed);
        loop {
            if let Ok(key) = Self::from_bytes(hash.0) {
                return key;
            }
            hash = keccak256(hash);
        }
    }

    /// The 32 secret bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_secret_bytes()
    }

    /// The Ethereum address of this key.
    pub fn address(&self) -> Address {
        address_of(&self.0.public_key())
    }

    /// Signs a 32-byte digest as it is (no message prefix). libsecp256k1 always yields low `s`.
    pub fn sign(&self, digest: &B256) -> Signature {
        let sig =
            RecoverableSignature::sign_ecdsa_recoverable(Message::from_digest(digest.0), &self.0);
        let (recid, rs) = sig.serialize_compact();
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&rs);
        out[64] = 27 + u8::from(recid);
        Signature(out)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.address())
    }
}

fn address_of(key: &secp256k1::PublicKey) -> Address {
    let uncompressed = key.serialize_uncompressed();
    Address::from_slice(&keccak256(&uncompressed[1..])[12..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The well-known first anvil/hardhat dev key and its address.
    const DEV_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const DEV_ADDR: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    fn dev_key() -> PrivateKey {
        PrivateKey::from_bytes(hex::decode(DEV_KEY).unwrap().try_into().unwrap()).unwrap()
    }

    #[test]
    fn address_of_known_key() {
        assert_eq!(dev_key().address(), DEV_ADDR.parse::<Address>().unwrap());
    }

    #[test]
    fn sign_then_recover() {
        let key = dev_key();
        let digest = keccak256(b"plasma");
        let sig = key.sign(&digest);
        assert!(matches!(sig.0[64], 27 | 28));
        assert_eq!(sig.recover(&digest), Ok(key.address()));
        assert_ne!(sig.recover(&keccak256(b"other")), Ok(key.address()));
    }

    #[test]
    fn rejects_malleable_and_malformed() {
        let key = dev_key();
        let digest = keccak256(b"plasma");
        let sig = key.sign(&digest);

        let mut bad_v = sig.0;
        bad_v[64] = 1;
        assert_eq!(Signature(bad_v).recover(&digest), Err(SignatureError::BadV(1)));

        // The malleable twin: s' = n - s, v flipped. Valid for ecrecover, refused here.
        let n = alloy_primitives::U256::from_be_bytes(HALF_ORDER) * alloy_primitives::U256::from(2)
            + alloy_primitives::U256::from(1);
        let s = alloy_primitives::U256::from_be_slice(&sig.0[32..64]);
        let mut twin = sig.0;
        twin[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
        twin[64] = if sig.0[64] == 27 { 28 } else { 27 };
        assert_eq!(Signature(twin).recover(&digest), Err(SignatureError::HighS));

        let zero = [0u8; 65];
        let mut zero_rs = zero;
        zero_rs[64] = 27;
        assert_eq!(Signature(zero_rs).recover(&digest), Err(SignatureError::Unrecoverable));
        assert_eq!(Signature::from_slice(&[0u8; 64]), Err(SignatureError::BadLength(64)));
        assert_eq!(PrivateKey::from_bytes([0u8; 32]).err(), Some(SignatureError::BadPrivateKey));
    }
}
