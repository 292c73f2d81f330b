//! keccak256 of many messages at once.
//!
//! A payment transaction costs the operator and the watcher about fourteen Keccak-f\[1600\]
//! permutations besides its signature recovery (the EIP-712 input, output and struct hashes
//! and digest, the transaction id, the Merkle leaf, a share of the inner nodes): hashed one
//! at a time, some 6 % of the operator's cores. The messages of a batch of transactions are
//! independent and mostly of one length, so where the CPU has AVX-512 they are hashed eight
//! at a time, one message in each 64-bit lane of the registers; elsewhere, one at a time.

use alloy_primitives::{B256, keccak256};

#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod rounds;

/// Bytes absorbed per permutation by keccak256 (1088-bit rate).
const RATE: usize = 136;
/// Fewest messages worth a vector pass: one costs about as much as 1.7 scalar hashes.
const MIN_VECTOR: usize = 2;

/// How a batch is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One message at a time (the scalar assembly of `alloy-primitives`).
    Scalar,
    /// Eight at a time, in AVX-512 registers.
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Backend {
    /// The fastest this CPU runs.
    pub fn best() -> Self {
        *Self::available().last().expect("scalar is always available")
    }

    /// Every backend this CPU runs, slowest first.
    pub fn available() -> Vec<Self> {
        let mut all = vec![Self::Scalar];
        #[cfg(target_arch = "x86_64")]
        if avx512::available() {
            all.push(Self::Avx512);
        }
        all
    }

    /// Messages hashed side by side.
    pub fn lanes(self) -> usize {
        match self {
            Self::Scalar => 1,
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => avx512::LANES,
        }
    }
}

/// The keccak256 of each message, in order, on this CPU's fastest backend. Messages are any
/// bytes: slices, vectors, fixed-size arrays.
pub fn keccak256_many<M: AsRef<[u8]>>(messages: &[M]) -> Vec<B256> {
    keccak256_many_on(Backend::best(), messages)
}

/// [`keccak256_many`] on a given backend, for comparisons.
///
/// # Panics
/// If this CPU does not run `backend` (see [`Backend::available`]).
pub fn keccak256_many_on<M: AsRef<[u8]>>(backend: Backend, messages: &[M]) -> Vec<B256> {
    let mut hashes = vec![B256::ZERO; messages.len()];
    let side_by_side: fn(&[M], &[usize], &mut [B256]) = match backend {
        Backend::Scalar => {
            for (hash, message) in hashes.iter_mut().zip(messages) {
                *hash = keccak256(message);
            }
            return hashes;
        }
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => avx512::hash,
    };
    // Lanes advance together, so each pass takes messages of one block count.
    let mut order: Vec<usize> = (0..messages.len()).collect();
    let blocks_of = |i: usize| blocks(messages[i].as_ref().len());
    order.sort_by_key(|&i| blocks_of(i));
    let same_count = |a: &usize, b: &usize| blocks_of(*a) == blocks_of(*b);
    for group in order.chunk_by(same_count) {
        for lanes in group.chunks(backend.lanes()) {
            if lanes.len() < MIN_VECTOR {
                lanes.iter().for_each(|&i| hashes[i] = keccak256(&messages[i]));
            } else {
                side_by_side(messages, lanes, &mut hashes);
            }
        }
    }
    hashes
}

/// Permutations to hash a message of `len` bytes (the padding always takes at least a byte).
fn blocks(len: usize) -> usize {
    len / RATE + 1
}

/// Block `index` of `message` as keccak256 absorbs it: the last one padded (`0x01`, zeros,
/// `0x80`; the original Keccak padding, not SHA-3's).
fn block(message: &[u8], index: usize, out: &mut [u8; RATE]) {
    let start = index * RATE;
    if index + 1 < blocks(message.len()) {
        out.copy_from_slice(&message[start..start + RATE]);
        return;
    }
    let tail = &message[start..];
    out.fill(0);
    out[..tail.len()].copy_from_slice(tail);
    out[tail.len()] ^= 0x01;
    out[RATE - 1] ^= 0x80;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lengths around every padding edge: empty, one short of a block, a block, two blocks.
    #[test]
    fn agrees_with_keccak256_at_the_padding_edges() {
        let data: Vec<u8> = (0..=600u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 31, 32, 65, 66, 128, 134, 135, 136, 137, 160, 271, 272, 273, 384, 600] {
            // Enough messages of this length for full passes and a remainder.
            let messages: Vec<&[u8]> = (0..19).map(|i| &data[i..i + len.min(600 - i)]).collect();
            let expected: Vec<B256> = messages.iter().map(keccak256).collect();
            for backend in Backend::available() {
                assert_eq!(keccak256_many_on(backend, &messages), expected, "{backend:?}, {len}");
            }
        }
    }

    #[test]
    fn a_known_digest() {
        // keccak256("") as Ethereum knows it.
        let empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
        for backend in Backend::available() {
            let hashes = keccak256_many_on(backend, &[b"", b"", b"", b""]);
            assert_eq!(hashes[3].to_string(), format!("0x{empty}"), "{backend:?}");
        }
    }

    proptest! {
        /// Any mix of lengths, in any order, comes back in order and equal to one-at-a-time.
        #[test]
        fn agrees_with_keccak256_on_any_batch(
            messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..420), 0..40)
        ) {
            let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
            let expected: Vec<B256> = refs.iter().map(keccak256).collect();
            for backend in Backend::available() {
                prop_assert_eq!(keccak256_many_on(backend, &refs), expected.clone());
            }
        }
    }
}
