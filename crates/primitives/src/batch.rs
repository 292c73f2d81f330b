//! The entry list of a batch exit (docs/exit-games.md, "Batch exits"), as
//! `contracts/src/lib/BatchEntries.sol` reads it: the packed list, its Merkle root and the
//! branch a challenge, a proof request or its answer names an entry by.
//!
//! The list is groups, one per run of entries of one owner:
//! `owner (20) ‖ n (2) ‖ n × [exitId (20) ‖ amount (12) ‖ utxoPos (8) ‖ inFlightId (20)]`.
//! Leaf = keccak256(owner ‖ entry) (80 bytes), node = keccak256(left ‖ right), leaves padded
//! with zero words to a power of two.

use crate::{Address, B256, U256, UtxoPos, keccak256};

/// Most entries one batch may hold (a branch has at most 10 hashes).
pub const MAX_BATCH_ENTRIES: usize = 1024;
const GROUP_HEADER: usize = 22;
const ENTRY: usize = 60;

/// One output a batch exit claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchEntry {
    /// Who is paid.
    pub owner: Address,
    /// The output's exit id (`exitIdOf(outputId(tx, pos))`).
    pub exit_id: U256,
    /// Its amount (below 2^96).
    pub amount: U256,
    /// Its position (below 2^64).
    pub pos: UtxoPos,
    /// The in-flight exit id of the transaction that created it.
    pub in_flight_id: U256,
}

/// Why an entry or a list cannot be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// An amount of 2^96 or more (exit it with a standard exit).
    #[error("amount {0} does not fit a batch entry (below 2^96): use a standard exit")]
    AmountTooLarge(U256),
    /// A position of 2^64 or more.
    #[error("position {0} does not fit a batch entry (below 2^64)")]
    PositionTooLarge(UtxoPos),
    /// A list of no entries or more than [`MAX_BATCH_ENTRIES`].
    #[error("a batch holds 1 to 1024 entries, not {0}")]
    Size(usize),
    /// The packed list is malformed at this byte.
    #[error("the batch entry list is malformed at byte {0}")]
    Encoding(usize),
    /// No entry at this index.
    #[error("the batch has no entry {0}")]
    NoEntry(usize),
}

/// The contract's id of output `pos` of `tx` (SPEC §2): keccak256(tx ‖ utxoPos) for a
/// deposit, keccak256(tx ‖ oindex) otherwise, as 32-byte words.
pub fn output_id(tx: &[u8], pos: UtxoPos) -> B256 {
    let word = if pos.blknum_u64().is_some_and(|b| !b.is_multiple_of(1000)) {
        pos.raw()
    } else {
        U256::from(pos.oindex())
    };
    keccak256([tx, &word.to_be_bytes::<32>()].concat())
}

/// The exit id of an output: the low 160 bits of its output id, bit 159 clear.
pub fn output_exit_id(tx: &[u8], pos: UtxoPos) -> U256 {
    let flag: U256 = U256::from(1) << 159;
    U256::from_be_slice(&output_id(tx, pos)[12..]) & !flag
}

/// The id of the in-flight exit of `tx`: the low 160 bits of its hash, bit 159 set.
pub fn in_flight_exit_id(tx: &[u8]) -> U256 {
    U256::from_be_slice(&keccak256(tx)[12..]) | (U256::from(1) << 159)
}

impl BatchEntry {
    /// The entry of output `pos` of the unsigned transaction `tx`, owned by `owner`.
    pub fn of_output(
        owner: Address,
        tx: &[u8],
        pos: UtxoPos,
        amount: U256,
    ) -> Result<Self, BatchError> {
        let entry = Self {
            owner,
            exit_id: output_exit_id(tx, pos),
            amount,
            pos,
            in_flight_id: in_flight_exit_id(tx),
        };
        entry.packed().map(|_| entry)
    }

    /// The 60 bytes of the entry in the list.
    fn packed(&self) -> Result<[u8; ENTRY], BatchError> {
        if self.amount >= U256::from(1) << 96 {
            return Err(BatchError::AmountTooLarge(self.amount));
        }
        if self.pos.raw() >= U256::from(1) << 64 {
            return Err(BatchError::PositionTooLarge(self.pos));
        }
        let mut out = [0u8; ENTRY];
        out[..20].copy_from_slice(&self.exit_id.to_be_bytes::<32>()[12..]);
        out[20..32].copy_from_slice(&self.amount.to_be_bytes::<32>()[20..]);
        out[32..40].copy_from_slice(&self.pos.raw().to_be_bytes::<32>()[24..]);
        out[40..].copy_from_slice(&self.in_flight_id.to_be_bytes::<32>()[12..]);
        Ok(out)
    }

    /// Its Merkle leaf.
    fn leaf(&self) -> Result<B256, BatchError> {
        Ok(keccak256([self.owner.as_slice(), &self.packed()?].concat()))
    }
}

/// The packed list of `entries`, consecutive entries of one owner in one group.
pub fn encode_batch(entries: &[BatchEntry]) -> Result<Vec<u8>, BatchError> {
    if entries.is_empty() || entries.len() > MAX_BATCH_ENTRIES {
        return Err(BatchError::Size(entries.len()));
    }
    let mut out = Vec::with_capacity(entries.len() * ENTRY + GROUP_HEADER);
    for group in entries.chunk_by(|a, b| a.owner == b.owner) {
        out.extend_from_slice(group[0].owner.as_slice());
        // A group holds at most MAX_BATCH_ENTRIES entries: its count fits 16 bits.
        out.extend_from_slice(&(group.len() as u16).to_be_bytes());
        for e in group {
            out.extend_from_slice(&e.packed()?);
        }
    }
    Ok(out)
}

/// The entries of a packed list (as `BatchExitStarted` publishes it).
pub fn decode_batch(list: &[u8]) -> Result<Vec<BatchEntry>, BatchError> {
    let word = |b: &[u8]| U256::from_be_slice(b);
    let mut entries = Vec::new();
    let mut at = 0;
    while at < list.len() {
        let header = list.get(at..at + GROUP_HEADER).ok_or(BatchError::Encoding(at))?;
        let owner = Address::from_slice(&header[..20]);
        let n = usize::from(u16::from_be_bytes([header[20], header[21]]));
        let body = list.get(at + GROUP_HEADER..at + GROUP_HEADER + n * ENTRY);
        let body = body.filter(|_| n > 0).ok_or(BatchError::Encoding(at))?;
        for e in body.chunks_exact(ENTRY) {
            let pos = UtxoPos::from_raw(word(&e[32..40])).ok_or(BatchError::Encoding(at))?;
            entries.push(BatchEntry {
                owner,
                exit_id: word(&e[..20]),
                amount: word(&e[20..32]),
                pos,
                in_flight_id: word(&e[40..]),
            });
        }
        at += GROUP_HEADER + n * ENTRY;
    }
    if entries.is_empty() || entries.len() > MAX_BATCH_ENTRIES {
        return Err(BatchError::Size(entries.len()));
    }
    Ok(entries)
}

/// The Merkle tree over a batch's entries, every level kept to give branches.
#[derive(Debug, Clone)]
pub struct BatchTree {
    levels: Vec<Vec<B256>>,
    count: usize,
}

impl BatchTree {
    /// The tree of `entries`.
    pub fn new(entries: &[BatchEntry]) -> Result<Self, BatchError> {
        if entries.is_empty() || entries.len() > MAX_BATCH_ENTRIES {
            return Err(BatchError::Size(entries.len()));
        }
        let mut level = entries.iter().map(BatchEntry::leaf).collect::<Result<Vec<_>, _>>()?;
        level.resize(entries.len().next_power_of_two(), B256::ZERO);
        let mut levels = vec![level];
        while levels[levels.len() - 1].len() > 1 {
            let next = levels[levels.len() - 1]
                .chunks_exact(2)
                .map(|pair| keccak256([pair[0].as_slice(), pair[1].as_slice()].concat()))
                .collect();
            levels.push(next);
        }
        Ok(Self { levels, count: entries.len() })
    }

    /// The root the contract stores.
    pub fn root(&self) -> B256 {
        self.levels[self.levels.len() - 1][0]
    }

    /// The branch of entry `index`, leaf level first.
    pub fn branch(&self, index: usize) -> Result<Vec<B256>, BatchError> {
        if index >= self.count {
            return Err(BatchError::NoEntry(index));
        }
        let levels = &self.levels[..self.levels.len() - 1];
        Ok(levels.iter().enumerate().map(|(d, level)| level[(index >> d) ^ 1]).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(owner: u8, i: u64) -> BatchEntry {
        BatchEntry {
            owner: Address::repeat_byte(owner),
            exit_id: U256::from(i + 1),
            amount: U256::from(1_000 + i),
            pos: UtxoPos::new(1000 * (i + 1), i as u16, 0),
            in_flight_id: U256::from(1) << 159 | U256::from(i),
        }
    }

    #[test]
    fn a_list_round_trips_and_groups_runs_of_one_owner() {
        let es = vec![entry(1, 0), entry(1, 1), entry(2, 2), entry(1, 3)];
        let list = encode_batch(&es).unwrap();
        assert_eq!(list.len(), 3 * GROUP_HEADER + 4 * ENTRY, "three groups");
        assert_eq!(decode_batch(&list).unwrap(), es);
    }

    #[test]
    fn branches_lead_to_the_root() {
        let es: Vec<_> = (0..5).map(|i| entry(i as u8, i)).collect();
        let tree = BatchTree::new(&es).unwrap();
        for (i, e) in es.iter().enumerate() {
            let branch = tree.branch(i).unwrap();
            assert_eq!(branch.len(), 3, "5 entries pad to 8");
            let mut h = e.leaf().unwrap();
            for (d, sibling) in branch.iter().enumerate() {
                h = if (i >> d) & 1 == 1 {
                    keccak256([sibling.as_slice(), h.as_slice()].concat())
                } else {
                    keccak256([h.as_slice(), sibling.as_slice()].concat())
                };
            }
            assert_eq!(h, tree.root(), "entry {i}");
        }
        assert_eq!(tree.branch(5), Err(BatchError::NoEntry(5)));
        let single = BatchTree::new(&es[..1]).unwrap();
        assert_eq!(single.root(), es[0].leaf().unwrap(), "one entry: the root is its leaf");
    }

    #[test]
    fn bad_entries_and_lists_are_refused_by_name() {
        let mut big = entry(1, 0);
        big.amount = U256::from(1) << 96;
        assert_eq!(encode_batch(&[big]), Err(BatchError::AmountTooLarge(big.amount)));
        assert_eq!(encode_batch(&[]), Err(BatchError::Size(0)));
        let too_many = vec![entry(1, 0); MAX_BATCH_ENTRIES + 1];
        assert_eq!(encode_batch(&too_many), Err(BatchError::Size(1025)));
        let list = encode_batch(&[entry(1, 0)]).unwrap();
        assert_eq!(decode_batch(&list[..list.len() - 1]), Err(BatchError::Encoding(0)));
        let mut empty_group = list.clone();
        empty_group[20..22].copy_from_slice(&[0, 0]);
        assert_eq!(decode_batch(&empty_group), Err(BatchError::Encoding(0)));
    }

    #[test]
    fn ids_follow_the_contract_rules() {
        let tx = b"some transaction".to_vec();
        let deposit = UtxoPos::new(1, 0, 0);
        let block = UtxoPos::new(1000, 0, 1);
        assert_eq!(
            output_id(&tx, deposit),
            keccak256([&tx[..], &deposit.raw().to_be_bytes::<32>()].concat())
        );
        assert_eq!(
            output_id(&tx, block),
            keccak256([&tx[..], &U256::from(1).to_be_bytes::<32>()].concat())
        );
        assert!(!output_exit_id(&tx, block).bit(159), "output ids have bit 159 clear");
        assert!(in_flight_exit_id(&tx).bit(159), "in-flight ids have it set");
    }
}
