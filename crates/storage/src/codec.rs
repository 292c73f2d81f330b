//! The byte layouts of stored records. Fixed-width big-endian fields and length prefixes:
//! simple to check, and keys sort in position order.

use crate::{LogEntry, StoreError, StoredBlock, UtxoChanges};
use plasma_primitives::{Address, B256, Output, U256, UtxoPos};

const CORRUPT_OUTPUT: StoreError = StoreError::Corrupt { what: "output" };

pub(crate) fn pos_key(pos: UtxoPos) -> [u8; 32] {
    pos.to_bytes()
}

pub(crate) fn pos_from_key(key: &[u8]) -> Result<UtxoPos, StoreError> {
    let raw: [u8; 32] = key.try_into().map_err(|_| StoreError::Corrupt { what: "position" })?;
    UtxoPos::from_raw(U256::from_be_bytes(raw)).ok_or(StoreError::Corrupt { what: "position" })
}

pub(crate) fn encode_output(out: &Output) -> [u8; 72] {
    let mut buf = [0u8; 72];
    buf[..20].copy_from_slice(out.owner.as_slice());
    buf[20..40].copy_from_slice(out.token.as_slice());
    buf[40..].copy_from_slice(&out.amount.to_be_bytes::<32>());
    buf
}

pub(crate) fn decode_output(buf: &[u8]) -> Result<Output, StoreError> {
    if buf.len() != 72 {
        return Err(CORRUPT_OUTPUT);
    }
    Ok(Output {
        owner: Address::from_slice(&buf[..20]),
        token: Address::from_slice(&buf[20..40]),
        amount: U256::from_be_slice(&buf[40..]),
    })
}

fn push_chunk(out: &mut Vec<u8>, chunk: &[u8]) {
    out.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
    out.extend_from_slice(chunk);
}

/// Splits `buf` into length-prefixed chunks.
fn chunks<'a>(mut buf: &'a [u8], what: &'static str) -> Result<Vec<&'a [u8]>, StoreError> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let len = buf.get(..4).ok_or(StoreError::Corrupt { what })?;
        let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
        out.push(buf.get(4..4 + len).ok_or(StoreError::Corrupt { what })?);
        buf = &buf[4 + len..];
    }
    Ok(out)
}

pub(crate) fn encode_block(block: &StoredBlock) -> Vec<u8> {
    let size = 32 + block.txs.iter().map(|t| 4 + t.len()).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(block.root.as_slice());
    for tx in &block.txs {
        push_chunk(&mut out, tx);
    }
    out
}

pub(crate) fn decode_block(number: u64, buf: &[u8]) -> Result<StoredBlock, StoreError> {
    let root = buf.get(..32).ok_or(StoreError::Corrupt { what: "block" })?;
    let txs = chunks(&buf[32..], "block")?.into_iter().map(<[u8]>::to_vec).collect();
    Ok(StoredBlock { number, root: B256::from_slice(root), txs })
}

/// One group commit's entries as one record: each entry length-prefixed, back to back (the
/// layout of [`push_chunk`], each entry written in place rather than through a buffer).
pub(crate) fn encode_entries(entries: &[LogEntry]) -> Vec<u8> {
    let size = entries.iter().map(|e| 4 + entry_len(e)).sum();
    let mut out = Vec::with_capacity(size);
    for entry in entries {
        out.extend_from_slice(&(entry_len(entry) as u32).to_be_bytes());
        encode_entry(entry, &mut out);
    }
    out
}

pub(crate) fn decode_entries(buf: &[u8]) -> Result<Vec<LogEntry>, StoreError> {
    chunks(buf, "log record")?.into_iter().map(decode_entry).collect()
}

fn entry_len(entry: &LogEntry) -> usize {
    match entry {
        LogEntry::Tx(tx) => 1 + tx.len(),
        LogEntry::Deposit { tx, .. } => 1 + 8 + tx.len(),
        LogEntry::Exit(_) => 1 + 32,
    }
}

/// Appends `entry` to `out`: a tag byte, then its fields.
pub(crate) fn encode_entry(entry: &LogEntry, out: &mut Vec<u8>) {
    match entry {
        LogEntry::Tx(tx) => {
            out.push(0);
            out.extend_from_slice(tx);
        }
        LogEntry::Deposit { blknum, tx } => {
            out.push(1);
            out.extend_from_slice(&blknum.to_be_bytes());
            out.extend_from_slice(tx);
        }
        LogEntry::Exit(pos) => {
            out.push(2);
            out.extend_from_slice(&pos.to_bytes());
        }
    }
}

pub(crate) fn decode_entry(buf: &[u8]) -> Result<LogEntry, StoreError> {
    let corrupt = StoreError::Corrupt { what: "log entry" };
    match buf.split_first() {
        Some((0, tx)) => Ok(LogEntry::Tx(tx.to_vec())),
        Some((1, rest)) if rest.len() >= 8 => {
            let blknum = u64::from_be_bytes(rest[..8].try_into().expect("8 bytes"));
            Ok(LogEntry::Deposit { blknum, tx: rest[8..].to_vec() })
        }
        Some((2, pos)) => Ok(LogEntry::Exit(pos_from_key(pos)?)),
        _ => Err(corrupt),
    }
}

pub(crate) fn location(blknum: u64, txindex: u16) -> u64 {
    (blknum << 16) | u64::from(txindex)
}

pub(crate) fn split_location(value: u64) -> (u64, u16) {
    (value >> 16, value as u16)
}

/// Bytes of one output with its position.
const RECORD: usize = 32 + 72;

fn push_record(out: &mut Vec<u8>, (pos, output): &(UtxoPos, Output)) {
    out.extend_from_slice(&pos_key(*pos));
    out.extend_from_slice(&encode_output(output));
}

fn read_record(buf: &[u8]) -> Result<(UtxoPos, Output), StoreError> {
    Ok((pos_from_key(&buf[..32])?, decode_output(&buf[32..])?))
}

/// Outputs with their positions, back to back (a UTXO snapshot's chunk).
pub(crate) fn encode_records(records: &[(UtxoPos, Output)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(RECORD * records.len());
    records.iter().for_each(|r| push_record(&mut out, r));
    out
}

pub(crate) fn decode_records(buf: &[u8]) -> Result<Vec<(UtxoPos, Output)>, StoreError> {
    if !buf.len().is_multiple_of(RECORD) {
        return Err(StoreError::Corrupt { what: "UTXO snapshot" });
    }
    buf.chunks_exact(RECORD).map(read_record).collect()
}

/// A block's UTXO diff: the removed positions, then the added outputs, each list counted.
pub(crate) fn encode_diff(diff: &UtxoChanges) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + 32 * diff.removed.len() + RECORD * diff.added.len());
    out.extend_from_slice(&(diff.removed.len() as u32).to_be_bytes());
    for pos in &diff.removed {
        out.extend_from_slice(&pos_key(*pos));
    }
    out.extend_from_slice(&(diff.added.len() as u32).to_be_bytes());
    diff.added.iter().for_each(|r| push_record(&mut out, r));
    out
}

pub(crate) fn decode_diff(buf: &[u8]) -> Result<UtxoChanges, StoreError> {
    let corrupt = || StoreError::Corrupt { what: "UTXO diff" };
    let count = |at: usize| -> Result<usize, StoreError> {
        let bytes = buf.get(at..at + 4).ok_or_else(corrupt)?;
        Ok(u32::from_be_bytes(bytes.try_into().expect("4 bytes")) as usize)
    };
    let removed_len = count(0)?;
    let mut at = 4;
    let mut removed = Vec::with_capacity(removed_len);
    for _ in 0..removed_len {
        removed.push(pos_from_key(buf.get(at..at + 32).ok_or_else(corrupt)?)?);
        at += 32;
    }
    let added_len = count(at)?;
    at += 4;
    let mut added = Vec::with_capacity(added_len);
    for _ in 0..added_len {
        added.push(read_record(buf.get(at..at + RECORD).ok_or_else(corrupt)?)?);
        at += RECORD;
    }
    if at != buf.len() {
        return Err(corrupt());
    }
    Ok(UtxoChanges { removed, added })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_record_round_trips_and_a_cut_one_is_corrupt() {
        let entries = vec![
            LogEntry::Tx(vec![1; 200]),
            LogEntry::Deposit { blknum: 7, tx: vec![2; 30] },
            LogEntry::Exit(UtxoPos::new(1000, 3, 1)),
        ];
        let record = encode_entries(&entries);
        assert_eq!(decode_entries(&record).unwrap(), entries);
        for cut in [1, 4, 100, record.len() - 1] {
            assert!(
                matches!(decode_entries(&record[..cut]), Err(StoreError::Corrupt { .. })),
                "a record cut at {cut} bytes is refused"
            );
        }
    }
}
