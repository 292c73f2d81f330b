//! Plasma Cash formats (SPEC §3), byte-compatible with Loom's: coin slots, the coin
//! transaction and its hash rule, the depth-64 sparse Merkle tree keyed by slot with
//! bitmap-compressed proofs (inclusion and non-inclusion), and mode-prefixed signatures.

use crate::{
    rlp::{self, Item, RlpError},
    signature::{PrivateKey, Signature, SignatureError},
};
use alloy_primitives::{Address, B256, U256, keccak256};
use std::{collections::BTreeMap, sync::LazyLock};

/// Levels of the sparse Merkle tree: one per bit of a slot.
pub const SMT_DEPTH: usize = 64;

/// The slot of the `num_coins`-th coin, deposited by `from` through `sender` (the token
/// contract for token deposits, else the depositor):
/// `uint64(bytes8(keccak256(abi.encodePacked(uint64 numCoins, sender, from))))`.
pub fn slot_of(num_coins: u64, sender: Address, from: Address) -> u64 {
    let mut packed = Vec::with_capacity(48);
    packed.extend_from_slice(&num_coins.to_be_bytes());
    packed.extend_from_slice(sender.as_slice());
    packed.extend_from_slice(from.as_slice());
    u64::from_be_bytes(keccak256(&packed)[..8].try_into().expect("8 bytes"))
}

/// Why bytes are not a valid coin transaction or proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CashError {
    /// The RLP of `field` breaks a strictness rule.
    #[error("{field}: {source}")]
    Rlp {
        /// Which field.
        field: &'static str,
        /// What was wrong.
        source: RlpError,
    },
    /// A slot wider than 64 bits.
    #[error("slot {0} does not fit in 64 bits")]
    SlotTooLarge(U256),
    /// A proof whose length does not match its bitmap.
    #[error("proof of {found} bytes, its bitmap announces {expected}")]
    BadProofLength {
        /// Bytes the bitmap announces (8 + 32 per set bit).
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// A signature that is not 66 bytes or has an unknown mode byte.
    #[error("signature must be 66 bytes with mode 0 or 1 first, found {len} bytes, mode {mode:?}")]
    BadSignature {
        /// Its length.
        len: usize,
        /// Its first byte.
        mode: Option<u8>,
    },
}

fn rlp_at(field: &'static str) -> impl FnOnce(RlpError) -> CashError {
    move |source| CashError::Rlp { field, source }
}

/// A coin's transfer: `RLP([slot, prevBlock, denomination, newOwner])`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CashTx {
    /// The coin.
    pub slot: u64,
    /// The block of the coin's previous transaction; 0 for its deposit.
    pub prev_block: U256,
    /// The coin's value.
    pub denomination: U256,
    /// Who owns the coin after this transaction.
    pub new_owner: Address,
}

impl CashTx {
    /// The RLP bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(80);
        rlp::write_uint(&mut payload, U256::from(self.slot));
        rlp::write_uint(&mut payload, self.prev_block);
        rlp::write_uint(&mut payload, self.denomination);
        rlp::write_bytes(&mut payload, self.new_owner.as_slice());
        let mut out = Vec::with_capacity(payload.len() + 2);
        rlp::write_list(&mut out, &payload);
        out
    }

    /// Decodes under the strict RLP rules.
    pub fn decode(bytes: &[u8]) -> Result<Self, CashError> {
        let top = Item::decode_exact(bytes).map_err(rlp_at("transaction"))?;
        let [slot, prev, denom, owner] = top.list_of::<4>().map_err(rlp_at("transaction"))?;
        let slot_value = slot.uint().map_err(rlp_at("slot"))?;
        let slot = u64::try_from(slot_value).map_err(|_| CashError::SlotTooLarge(slot_value))?;
        Ok(Self {
            slot,
            prev_block: prev.uint().map_err(rlp_at("prevBlock"))?,
            denomination: denom.uint().map_err(rlp_at("denomination"))?,
            new_owner: Address::from(owner.fixed::<20>().map_err(rlp_at("newOwner"))?),
        })
    }

    /// Whether this is the coin's deposit.
    pub fn is_deposit(&self) -> bool {
        self.prev_block.is_zero()
    }

    /// The transaction's hash: `keccak(RLP)`, or for a deposit `keccak(slot as 8 bytes)`.
    pub fn hash(&self) -> B256 {
        if self.is_deposit() {
            keccak256(self.slot.to_be_bytes())
        } else {
            keccak256(self.encode())
        }
    }

    /// Signs the hash (mode 0: the raw hash).
    pub fn sign(&self, key: &PrivateKey) -> CashSignature {
        CashSignature { mode: SignMode::Raw, sig: key.sign(&self.hash()) }
    }
}

/// What a Plasma Cash signature signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignMode {
    /// The transaction hash itself (mode byte 0).
    Raw,
    /// `keccak("\x19Ethereum Signed Message:\n32" ‖ hash)` (mode byte 1), as wallets sign.
    EthSigned,
}

/// A 66-byte mode-prefixed signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CashSignature {
    /// What was signed.
    pub mode: SignMode,
    /// The 65-byte signature.
    pub sig: Signature,
}

impl CashSignature {
    /// Parses the 66 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CashError> {
        let bad = CashError::BadSignature { len: bytes.len(), mode: bytes.first().copied() };
        let mode = match bytes.first() {
            Some(0) if bytes.len() == 66 => SignMode::Raw,
            Some(1) if bytes.len() == 66 => SignMode::EthSigned,
            _ => return Err(bad),
        };
        let sig = Signature::from_slice(&bytes[1..]).map_err(|_| bad)?;
        Ok(Self { mode, sig })
    }

    /// The 66 bytes.
    pub fn to_bytes(&self) -> [u8; 66] {
        let mut out = [0u8; 66];
        out[0] = match self.mode {
            SignMode::Raw => 0,
            SignMode::EthSigned => 1,
        };
        out[1..].copy_from_slice(self.sig.as_bytes());
        out
    }

    /// Who signed `hash`.
    pub fn recover(&self, hash: &B256) -> Result<Address, SignatureError> {
        match self.mode {
            SignMode::Raw => self.sig.recover(hash),
            SignMode::EthSigned => {
                let mut prefixed = b"\x19Ethereum Signed Message:\n32".to_vec();
                prefixed.extend_from_slice(hash.as_slice());
                self.sig.recover(&keccak256(&prefixed))
            }
        }
    }
}

/// `DEFAULTS[d]` is the root of an empty subtree of height `d`.
static DEFAULTS: LazyLock<Vec<B256>> = LazyLock::new(|| {
    let mut d = vec![keccak256([0u8; 32])];
    for i in 1..=SMT_DEPTH {
        d.push(pair(&d[i - 1], &d[i - 1]));
    }
    d
});

fn pair(left: &B256, right: &B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(left.as_slice());
    buf[32..].copy_from_slice(right.as_slice());
    keccak256(buf)
}

/// The root of an empty subtree of height `level` (0: an empty leaf).
pub fn empty_subtree(level: usize) -> B256 {
    DEFAULTS[level]
}

/// A Plasma Cash block: the sparse Merkle tree of its transactions' hashes by slot.
///
/// Built level by level: one pass over a level's non-empty nodes (sorted by index) pairs
/// siblings, and the level's pairs are hashed side by side ([`plasma_keccak::keccak256_many`]).
/// With slots spread over 64 bits nearly every leaf keeps its own path above level log2(n),
/// so a tree costs about 50 hashes per leaf. It keeps only the nodes a proof cannot cheaply
/// recompute (about four per leaf, not fifty): the leaves, the nodes with two non-empty
/// children, and the nodes with a non-empty sibling. A node on a lone path (one non-empty
/// child, an empty sibling) is asked for only by a proof of a slot beside it, which hashes it
/// up again from the kept node below.
#[derive(Debug, Clone)]
pub struct SparseMerkleTree {
    /// `kept[d]`: the kept nodes at height `d` as (index = slot >> d, hash), sorted by index;
    /// `kept[0]` holds every leaf.
    kept: Vec<Vec<(u64, B256)>>,
    root: B256,
}

/// A non-empty node while the tree is built.
#[derive(Clone, Copy)]
struct Node {
    index: u64,
    hash: B256,
    /// Both children are non-empty.
    branch: bool,
}

/// The level above `below` (non-empty nodes sorted by index) into `above`, its parents
/// hashed side by side; the nodes of `below` that a proof needs go to `kept`.
fn level_above(
    below: &[Node],
    height: usize,
    above: &mut Vec<Node>,
    kept: &mut Vec<(u64, B256)>,
    messages: &mut Vec<[u8; 64]>,
) {
    let empty = &DEFAULTS[height];
    above.clear();
    messages.clear();
    let mut i = 0;
    while i < below.len() {
        let node = &below[i];
        let paired =
            below.get(i + 1).filter(|next| node.index & 1 == 0 && next.index == node.index | 1);
        let (left, right) = match paired {
            Some(sibling) => {
                kept.extend([(node.index, node.hash), (sibling.index, sibling.hash)]);
                i += 1;
                (&node.hash, &sibling.hash)
            }
            None => {
                if node.branch || height == 0 {
                    kept.push((node.index, node.hash));
                }
                if node.index & 1 == 0 { (&node.hash, empty) } else { (empty, &node.hash) }
            }
        };
        i += 1;
        above.push(Node { index: node.index >> 1, hash: B256::ZERO, branch: paired.is_some() });
        let mut message = [0u8; 64];
        message[..32].copy_from_slice(left.as_slice());
        message[32..].copy_from_slice(right.as_slice());
        messages.push(message);
    }
    for (node, hash) in above.iter_mut().zip(plasma_keccak::keccak256_many(messages)) {
        node.hash = hash;
    }
}

/// Bits needed for `x` (0 for 0): two slots differing in their top bit meet only at 64.
fn bit_length(x: u64) -> usize {
    (u64::BITS - x.leading_zeros()) as usize
}

impl SparseMerkleTree {
    /// The tree with `leaves` (slot → leaf hash, i.e. the transaction hash).
    pub fn new(leaves: BTreeMap<u64, B256>) -> Self {
        let mut level: Vec<Node> =
            leaves.into_iter().map(|(index, hash)| Node { index, hash, branch: false }).collect();
        let mut kept = Vec::with_capacity(SMT_DEPTH);
        let (mut above, mut messages) = (Vec::with_capacity(level.len()), Vec::new());
        for d in 0..SMT_DEPTH {
            let mut at_d = Vec::new();
            level_above(&level, d, &mut above, &mut at_d, &mut messages);
            at_d.shrink_to_fit();
            kept.push(at_d);
            std::mem::swap(&mut level, &mut above);
        }
        let root = level.first().map_or(DEFAULTS[SMT_DEPTH], |node| node.hash);
        Self { kept, root }
    }

    /// The root.
    pub fn root(&self) -> B256 {
        self.root
    }

    /// The compressed proof for `slot` (of inclusion if it has a leaf, else of non-inclusion).
    pub fn proof(&self, slot: u64) -> Vec<u8> {
        // Below height `meets`, the subtrees holding `slot` are empty (so are their siblings
        // but the one at `meets - 1`); from `meets` up they hold a leaf.
        let leaves = &self.kept[0];
        let at = leaves.partition_point(|&(s, _)| s < slot);
        let neighbours = [at.checked_sub(1), Some(at)].into_iter().flatten();
        let meets = neighbours
            .filter_map(|i| leaves.get(i))
            .map(|&(s, _)| bit_length(s ^ slot))
            .min()
            .unwrap_or(SMT_DEPTH + 1);
        let mut bitmap = 0u64;
        let mut siblings = Vec::new();
        for (d, kept) in self.kept.iter().enumerate() {
            let sibling = (slot >> d) ^ 1;
            let found = match kept.binary_search_by_key(&sibling, |&(index, _)| index) {
                Ok(at) => Some(kept[at].1),
                // Beside the empty subtree of `slot`, a lone path: hashed up again.
                Err(_) if d + 1 == meets => Some(self.lone_node(sibling, d)),
                // Beside a non-empty subtree, a non-empty sibling is kept: this one is empty.
                Err(_) => None,
            };
            if let Some(hash) = found {
                bitmap |= 1 << d;
                siblings.extend_from_slice(hash.as_slice());
            }
        }
        let mut proof = Vec::with_capacity(8 + siblings.len());
        proof.extend_from_slice(&bitmap.to_be_bytes());
        proof.extend(siblings);
        proof
    }

    /// The node `index` at `height`, non-empty and not kept: the kept node where its subtree
    /// branches (or its one leaf), hashed up with empty siblings.
    fn lone_node(&self, index: u64, height: usize) -> B256 {
        let leaves = &self.kept[0];
        let first = index << height;
        let from = leaves.partition_point(|&(s, _)| s < first);
        let last = first | ((1u64 << height) - 1);
        let to = leaves.partition_point(|&(s, _)| s <= last) - 1;
        let (lowest, highest) = (leaves[from].0, leaves[to].0);
        let start = bit_length(lowest ^ highest);
        let mut at = lowest >> start;
        let mut node = if start == 0 {
            leaves[from].1
        } else {
            let kept = &self.kept[start];
            kept[kept.binary_search_by_key(&at, |&(i, _)| i).expect("a branch is kept")].1
        };
        for d in start..height {
            node = if at & 1 == 0 { pair(&node, &DEFAULTS[d]) } else { pair(&DEFAULTS[d], &node) };
            at >>= 1;
        }
        node
    }
}

/// The root a compressed proof gives for `leaf` at `slot`.
pub fn compute_root(leaf: &B256, slot: u64, proof: &[u8]) -> Result<B256, CashError> {
    let bitmap = u64::from_be_bytes(
        proof
            .get(..8)
            .ok_or(CashError::BadProofLength { expected: 8, found: proof.len() })?
            .try_into()
            .expect("8 bytes"),
    );
    let expected = 8 + 32 * bitmap.count_ones() as usize;
    if proof.len() != expected {
        return Err(CashError::BadProofLength { expected, found: proof.len() });
    }
    let mut siblings = proof[8..].chunks_exact(32);
    let mut node = *leaf;
    for d in 0..SMT_DEPTH {
        let sibling = if bitmap >> d & 1 == 1 {
            B256::from_slice(siblings.next().expect("counted above"))
        } else {
            DEFAULTS[d]
        };
        node = if slot >> d & 1 == 0 { pair(&node, &sibling) } else { pair(&sibling, &node) };
    }
    Ok(node)
}

/// The expected proof size, in bytes, for a slot when the tree holds `others` other coins at
/// uniformly random slots: the 8-byte bitmap plus 32 bytes per non-empty sibling, the sibling
/// at height `64 - j` being non-empty with probability `1 - (1 - 2^-j)^others`. About
/// `8 + 32·(log2(others) + 1.33)` for large trees.
pub fn expected_proof_bytes(others: u64) -> f64 {
    let n = others as f64;
    let siblings: f64 = (1..=64)
        .map(|j| {
            let p = 0.5f64.powi(j);
            1.0 - (n * (-p).ln_1p()).exp()
        })
        .sum();
    8.0 + 32.0 * siblings
}

#[cfg(test)]
mod tests;
