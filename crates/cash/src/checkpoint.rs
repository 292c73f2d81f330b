//! An XT checkpoint as the operator builds it: the sparse Merkle tree, keyed by slot, of the
//! hash of each coin's latest transaction at or before the checkpoint block. Once final on
//! the root chain it stands for the coins' history up to that block, so clients can drop it.

use alloy_primitives::B256;
use plasma_primitives::cash::SparseMerkleTree;
use std::collections::BTreeMap;

/// A checkpoint's tree, with its leaves so the operator can hand each owner its proof.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    block: u64,
    leaves: BTreeMap<u64, B256>,
    tree: SparseMerkleTree,
}

impl Checkpoint {
    /// The checkpoint of `leaves` (slot → latest tx hash) at operator block `block`.
    pub fn new(block: u64, leaves: BTreeMap<u64, B256>) -> Self {
        let tree = SparseMerkleTree::new(leaves.clone());
        Self { block, leaves, tree }
    }

    /// The operator block it commits to (`submitCheckpoint(blockNumber, root)`).
    pub fn block(&self) -> u64 {
        self.block
    }

    /// The root submitted to the root chain.
    pub fn root(&self) -> B256 {
        self.tree.root()
    }

    /// The leaf of `slot`: the hash of its latest tx at or before the block, if it had one.
    pub fn leaf(&self, slot: u64) -> Option<B256> {
        self.leaves.get(&slot).copied()
    }

    /// The compressed proof of `slot`'s leaf (of its emptiness if it has none).
    pub fn proof(&self, slot: u64) -> Vec<u8> {
        self.tree.proof(slot)
    }

    /// How many coins it covers.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether it covers no coin.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }
}
