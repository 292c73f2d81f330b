//! The block tree: a salted binary Merkle tree of fixed depth 16 (at most 65,536 transactions).
//!
//! leaf = `keccak(0x00 ‖ tx bytes)`, node = `keccak(0x01 ‖ left ‖ right)`, empty leaf =
//! `keccak(0x00 ‖ 32 zero bytes)`. The prefixes keep a leaf from ever passing for a node.
//! A proof is the 16 siblings, leaf level first: exactly 512 bytes.

use alloy_primitives::{B256, keccak256};
use std::sync::LazyLock;

/// Levels between a leaf and the root.
pub const DEPTH: usize = 16;
/// Leaves in a full tree: the most transactions a block holds.
pub const MAX_LEAVES: usize = 1 << DEPTH;
/// Bytes in an inclusion proof.
pub const PROOF_LEN: usize = 32 * DEPTH;

/// Why a tree could not be built or a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// More leaves than a block can hold.
    #[error("a block holds at most {MAX_LEAVES} transactions, found {0}")]
    TooManyLeaves(usize),
    /// A leaf index past the tree.
    #[error("leaf index {0} is out of range (must be below {MAX_LEAVES})")]
    IndexOutOfRange(u64),
    /// A proof that is not 512 bytes.
    #[error("proof must be {PROOF_LEN} bytes, found {0}")]
    BadProofLength(usize),
    /// The proof leads to another root.
    #[error("proof leads to root {computed}, not {expected}")]
    RootMismatch {
        /// The root the proof leads to.
        computed: B256,
        /// The root it was checked against.
        expected: B256,
    },
}

/// `EMPTY[d]` is the root of an empty subtree of height `d`.
static EMPTY: LazyLock<[B256; DEPTH + 1]> = LazyLock::new(|| {
    let mut empty = [leaf_hash(&[0u8; 32]); DEPTH + 1];
    for d in 1..=DEPTH {
        empty[d] = node_hash(&empty[d - 1], &empty[d - 1]);
    }
    empty
});

/// The root of an empty subtree of height `level` (0 = one empty leaf).
pub fn empty_subtree(level: usize) -> B256 {
    EMPTY[level]
}

/// The hash of a leaf holding `data` (a transaction's unsigned bytes).
pub fn leaf_hash(data: &[u8]) -> B256 {
    let mut buf = Vec::with_capacity(1 + data.len());
    buf.push(0x00);
    buf.extend_from_slice(data);
    keccak256(&buf)
}

/// The hash of an inner node.
pub fn node_hash(left: &B256, right: &B256) -> B256 {
    keccak256(node_message(left, right))
}

fn node_message(left: &B256, right: &B256) -> [u8; 65] {
    let mut buf = [0u8; 65];
    buf[0] = 0x01;
    buf[1..33].copy_from_slice(left.as_slice());
    buf[33..].copy_from_slice(right.as_slice());
    buf
}

/// The nodes over `below`, a run of level `level` starting at an even index, hashed side by
/// side; a node missing its right-hand child takes the empty subtree.
fn level_above(below: &[B256], level: usize) -> Vec<B256> {
    let messages: Vec<[u8; 65]> = below
        .chunks(2)
        .map(|pair| node_message(&pair[0], pair.get(1).unwrap_or(&EMPTY[level])))
        .collect();
    plasma_keccak::keccak256_many(&messages)
}

/// [`leaf_hash`] of each transaction's bytes, hashed side by side.
pub fn leaf_hashes<T: AsRef<[u8]>>(leaves: &[T]) -> Vec<B256> {
    let mut prefixed = Vec::with_capacity(leaves.iter().map(|l| 1 + l.as_ref().len()).sum());
    let mut ends = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        prefixed.push(0x00);
        prefixed.extend_from_slice(leaf.as_ref());
        ends.push(prefixed.len());
    }
    let starts = std::iter::once(0).chain(ends.iter().copied());
    let messages: Vec<&[u8]> = starts.zip(&ends).map(|(a, &b)| &prefixed[a..b]).collect();
    plasma_keccak::keccak256_many(&messages)
}

/// A block's tree, keeping every level so proofs cost no hashing.
#[derive(Debug, Clone)]
pub struct MerkleTree {
    /// `levels[0]` holds the leaf hashes, `levels[DEPTH]` the root; absent right-hand nodes
    /// are empty subtrees and are not stored.
    levels: Vec<Vec<B256>>,
}

/// Levels at least this wide are hashed on all cores by [`MerkleTree::from_leaf_hashes_on_all_cores`].
const PARALLEL_LEVEL: usize = 4096;

impl MerkleTree {
    /// The tree over the given leaf hashes, leaf `i` being transaction `i`.
    pub fn from_leaf_hashes(leaves: Vec<B256>) -> Result<Self, MerkleError> {
        Self::build(leaves, false)
    }

    /// [`MerkleTree::from_leaf_hashes`] with wide levels hashed on all cores (rayon): for a
    /// caller whose cores are otherwise idle, like a watcher verifying a block. A caller that
    /// shares the pool with other work (the operator's sequencer) should build on its own core.
    pub fn from_leaf_hashes_on_all_cores(leaves: Vec<B256>) -> Result<Self, MerkleError> {
        Self::build(leaves, true)
    }

    fn build(leaves: Vec<B256>, parallel: bool) -> Result<Self, MerkleError> {
        if leaves.len() > MAX_LEAVES {
            return Err(MerkleError::TooManyLeaves(leaves.len()));
        }
        let mut levels = Vec::with_capacity(DEPTH + 1);
        levels.push(leaves);
        for d in 0..DEPTH {
            let below = &levels[d];
            let above = if parallel && below.len() >= PARALLEL_LEVEL {
                use rayon::prelude::*;
                below.par_chunks(PARALLEL_LEVEL).flat_map_iter(|c| level_above(c, d)).collect()
            } else {
                level_above(below, d)
            };
            levels.push(above);
        }
        Ok(Self { levels })
    }

    /// The tree over transactions' unsigned bytes.
    pub fn from_leaves<T: AsRef<[u8]>>(leaves: &[T]) -> Result<Self, MerkleError> {
        if leaves.len() > MAX_LEAVES {
            return Err(MerkleError::TooManyLeaves(leaves.len()));
        }
        Self::from_leaf_hashes(leaf_hashes(leaves))
    }

    /// Number of leaves that are not empty.
    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// The root committed to the root chain.
    pub fn root(&self) -> B256 {
        self.levels[DEPTH].first().copied().unwrap_or(EMPTY[DEPTH])
    }

    /// The 512-byte proof for leaf `index` (an empty leaf has a proof too).
    pub fn proof(&self, index: u64) -> Result<Vec<u8>, MerkleError> {
        if index >= MAX_LEAVES as u64 {
            return Err(MerkleError::IndexOutOfRange(index));
        }
        let mut proof = Vec::with_capacity(PROOF_LEN);
        let mut i = index as usize;
        for (d, level) in self.levels[..DEPTH].iter().enumerate() {
            let sibling = level.get(i ^ 1).unwrap_or(&EMPTY[d]);
            proof.extend_from_slice(sibling.as_slice());
            i >>= 1;
        }
        Ok(proof)
    }
}

/// The root that `proof` gives for `leaf_data` at `index`.
pub fn compute_root(leaf_data: &[u8], index: u64, proof: &[u8]) -> Result<B256, MerkleError> {
    if proof.len() != PROOF_LEN {
        return Err(MerkleError::BadProofLength(proof.len()));
    }
    if index >= MAX_LEAVES as u64 {
        return Err(MerkleError::IndexOutOfRange(index));
    }
    let mut node = leaf_hash(leaf_data);
    for (d, sibling) in proof.chunks_exact(32).enumerate() {
        let sibling = B256::from_slice(sibling);
        node = if (index >> d) & 1 == 0 {
            node_hash(&node, &sibling)
        } else {
            node_hash(&sibling, &node)
        };
    }
    Ok(node)
}

/// Checks that `leaf_data` is leaf `index` of the tree with root `root`.
pub fn verify(leaf_data: &[u8], index: u64, root: &B256, proof: &[u8]) -> Result<(), MerkleError> {
    let computed = compute_root(leaf_data, index, proof)?;
    if computed != *root {
        return Err(MerkleError::RootMismatch { computed, expected: *root });
    }
    Ok(())
}

/// The root of a deposit block: the deposit transaction alone at leaf 0.
pub fn deposit_root(tx_bytes: &[u8]) -> B256 {
    (0..DEPTH).fold(leaf_hash(tx_bytes), |node, d| node_hash(&node, &EMPTY[d]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wide levels (hashed side by side, and on all cores) give the root that hashing one
    /// node at a time gives, with an odd count at every level.
    #[test]
    fn a_wide_tree_has_the_root_of_one_node_at_a_time() {
        let leaves: Vec<B256> = (0..9_001u32).map(|i| keccak256(i.to_be_bytes())).collect();
        let mut level = leaves.clone();
        for d in 0..DEPTH {
            level = level
                .chunks(2)
                .map(|pair| node_hash(&pair[0], pair.get(1).unwrap_or(&EMPTY[d])))
                .collect();
        }
        let one_at_a_time = level[0];
        let tree = MerkleTree::from_leaf_hashes(leaves.clone()).unwrap();
        assert_eq!(tree.root(), one_at_a_time);
        assert_eq!(
            MerkleTree::from_leaf_hashes_on_all_cores(leaves).unwrap().root(),
            one_at_a_time
        );
    }

    #[test]
    fn proofs_verify_for_every_leaf_of_a_small_tree() {
        let leaves: Vec<Vec<u8>> = (0..7u8).map(|i| vec![i; 10]).collect();
        let tree = MerkleTree::from_leaves(&leaves).unwrap();
        for (i, leaf) in leaves.iter().enumerate() {
            let proof = tree.proof(i as u64).unwrap();
            assert_eq!(verify(leaf, i as u64, &tree.root(), &proof), Ok(()));
            let wrong = (i as u64 + 1) % 7;
            assert!(matches!(
                verify(leaf, wrong, &tree.root(), &proof),
                Err(MerkleError::RootMismatch { .. })
            ));
        }
        // An empty slot proves as the empty leaf.
        let proof = tree.proof(7).unwrap();
        assert_eq!(compute_root(&[0u8; 32], 7, &proof), Ok(tree.root()));
    }

    #[test]
    fn empty_and_deposit_roots() {
        let empty = MerkleTree::from_leaf_hashes(vec![]).unwrap();
        assert_eq!(empty.root(), empty_subtree(DEPTH));
        let tx = b"deposit";
        assert_eq!(MerkleTree::from_leaves(&[tx]).unwrap().root(), deposit_root(tx));
    }

    #[test]
    fn rejects_bad_shapes() {
        let tree = MerkleTree::from_leaves(&[b"a"]).unwrap();
        let proof = tree.proof(0).unwrap();
        assert_eq!(
            verify(b"a", 0, &tree.root(), &proof[..480]),
            Err(MerkleError::BadProofLength(480))
        );
        assert_eq!(
            verify(b"a", 1 << 16, &tree.root(), &proof),
            Err(MerkleError::IndexOutOfRange(1 << 16))
        );
        assert_eq!(tree.proof(1 << 16), Err(MerkleError::IndexOutOfRange(1 << 16)));
        let too_many = vec![B256::ZERO; MAX_LEAVES + 1];
        assert_eq!(
            MerkleTree::from_leaf_hashes(too_many).err(),
            Some(MerkleError::TooManyLeaves(MAX_LEAVES + 1))
        );
    }

    #[test]
    fn a_leaf_cannot_pass_for_a_node() {
        // Without the 0x00/0x01 salts, the concatenation of two children would be a valid
        // 64-byte "leaf" one level up. With them it is not.
        let tree = MerkleTree::from_leaves(&[b"x", b"y"]).unwrap();
        let mut fake_leaf = Vec::new();
        fake_leaf.extend_from_slice(leaf_hash(b"x").as_slice());
        fake_leaf.extend_from_slice(leaf_hash(b"y").as_slice());
        let full = tree.proof(0).unwrap();
        let mut shorter = full[32..].to_vec();
        shorter.extend_from_slice(empty_subtree(DEPTH - 1).as_slice());
        assert!(verify(&fake_leaf, 0, &tree.root(), &shorter).is_err());
    }
}
