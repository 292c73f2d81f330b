//! keccak256 of many messages at once.
//!
//! A payment transaction costs the operator and the watcher about fourteen Keccak-f\[1600\]
//! permutations besides its signature recovery (the EIP-712 input, output and struct hashes
//! and digest, the transaction id, the Merkle leaf, a share of the inner nodes): hashed one
//! at a time, a sixth of the cores' time. The messages of a batch of transactions are
//! independent and mostly of one length, so where the CPU has AVX-512 they are hashed eight
//! at a time, one message in each 64-bit lane of the registers; elsewhere, one at a time.

use alloy_primitives::{B256, keccak256};

#[cfg(target_arch = "x86_64")]
mod avx512;

/// Bytes absorbed per permutation by keccak256 (1088-bit rate).
const RATE: usize = 136;
/// Messages hashed side by side.
const LANES: usize = 8;
/// Fewest messages worth a vector pass: it costs about as much as three scalar hashes.
const MIN_VECTOR: usize = 3;

/// The keccak256 of each message, in order.
pub fn keccak256_many(messages: &[&[u8]]) -> Vec<B256> {
    let mut hashes = vec![B256::ZERO; messages.len()];
    #[cfg(target_arch = "x86_64")]
    if avx512::available() {
        // Lanes advance together, so each pass takes messages of one block count.
        let mut order: Vec<usize> = (0..messages.len()).collect();
        order.sort_by_key(|&i| blocks(messages[i].len()));
        for same in order.chunk_by(|&a, &b| blocks(messages[a].len()) == blocks(messages[b].len()))
        {
            for lanes in same.chunks(LANES) {
                if lanes.len() >= MIN_VECTOR {
                    avx512::hash(messages, lanes, &mut hashes);
                } else {
                    lanes.iter().for_each(|&i| hashes[i] = keccak256(messages[i]));
                }
            }
        }
        return hashes;
    }
    for (hash, message) in hashes.iter_mut().zip(messages) {
        *hash = keccak256(message);
    }
    hashes
}

/// Whether [`keccak256_many`] hashes several messages at once on this CPU.
pub fn vectorized() -> bool {
    #[cfg(target_arch = "x86_64")]
    return avx512::available();
    #[cfg(not(target_arch = "x86_64"))]
    false
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
            assert_eq!(keccak256_many(&messages), expected, "length {len}");
        }
    }

    #[test]
    fn a_known_digest() {
        // keccak256("") as Ethereum knows it.
        let empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
        assert_eq!(keccak256_many(&[b"", b"", b""])[2].to_string(), format!("0x{empty}"));
    }

    proptest! {
        /// Any mix of lengths, in any order, comes back in order and equal to one-at-a-time.
        #[test]
        fn agrees_with_keccak256_on_any_batch(
            messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..420), 0..40)
        ) {
            let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
            let expected: Vec<B256> = refs.iter().map(keccak256).collect();
            prop_assert_eq!(keccak256_many(&refs), expected);
        }
    }
}
