//! The durable store on redb: every write is one ACID transaction, synced when it commits.

use crate::{
    LogEntry, Recovered, Store, StoreError, StoredBlock, UtxoChanges,
    codec::{
        decode_block, decode_diff, decode_entries, decode_entry, decode_records, encode_block,
        encode_diff, encode_entries, encode_records, location, split_location,
    },
};
use plasma_primitives::{B256, Output, UtxoPos};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, TableHandle};
use std::{collections::HashMap, path::Path, sync::Mutex};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// The UTXO set as of the last compaction: chunks of position-ordered records, by chunk number.
const SNAPSHOT: TableDefinition<u64, &[u8]> = TableDefinition::new("utxo_snapshot");
/// Where a compaction writes the next snapshot before it replaces [`SNAPSHOT`].
const NEXT_SNAPSHOT: TableDefinition<u64, &[u8]> = TableDefinition::new("utxo_snapshot_next");
/// Tables of an older layout (a UTXO table rewritten in place, an index by whole hashes).
const LEGACY: [&str; 2] = ["utxos", "tx_locations"];
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Where each sealed transaction is, by the first 16 bytes of its hash: fixed-width keys make
/// the index small and its inserts cheap; two of a billion transactions share 16 bytes with
/// odds of about 1e-21, and readers check the hash of what they find.
const TXS: TableDefinition<u128, u64> = TableDefinition::new("tx_index");
/// The index keys of the blocks sealed since the index was last brought up to date, by block:
/// each record is the block's keys back to back, in transaction order.
const RECENT_INDEX: TableDefinition<u64, &[u8]> = TableDefinition::new("tx_index_recent");
/// The log since the last seal: one record per group commit, its entries back to back, so a
/// group of thousands of transactions is one insert.
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log_groups");
/// The log of an older layout, one entry per record: moved into [`LOG`] when the store opens.
const OLD_LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
/// UTXO diffs of the blocks sealed since the last compaction, by block.
const DIFFS: TableDefinition<u64, &[u8]> = TableDefinition::new("utxo_diffs");
const NEXT_BLOCK: &str = "next_block";
/// Outputs in the snapshot, and changes (removals and additions) in the stored diffs.
const SNAPSHOT_LEN: &str = "utxo_snapshot_len";
const DIFFS_LEN: &str = "utxo_diffs_len";

/// Records per snapshot chunk (104 bytes each: about 850 KB a chunk).
const CHUNK_RECORDS: usize = 8192;

/// Seals between two merges of the recent blocks' index keys into the index. A seal stores
/// its keys as one sequential record; the merge inserts several blocks' keys in key order,
/// so each of the index's pages is rewritten once per merge, not once per seal.
const INDEX_MERGE_EVERY: usize = 8;

/// Fewest stored changes that make a compaction worth it, however small the snapshot.
pub const DEFAULT_COMPACTION_FLOOR: u64 = 1 << 16;

fn db_err<E: std::error::Error + Send + Sync + 'static>(
    context: &'static str,
) -> impl FnOnce(E) -> StoreError {
    move |e| StoreError::Database { context, source: Box::new(e) }
}

/// A store in one redb file.
///
/// The UTXO set is a snapshot plus the diff of every block sealed since: a seal appends its
/// diff as one record, and when the stored changes outnumber the snapshot's outputs (and the
/// floor), the seal compacts them into a new snapshot in one sequential pass. Each change is
/// so written about twice, and never as a random update of a large table; recovery reads at
/// most about twice the set.
///
/// The transaction index works the same way: a seal stores its blocks' keys as one record (and
/// in memory, where lookups find them); every few seals they are merged into the index table.
pub struct RedbStore {
    db: Database,
    compaction_floor: u64,
    /// The keys of [`RECENT_INDEX`], with their locations, and how many blocks they cover.
    recent: Mutex<RecentIndex>,
}

#[derive(Default)]
struct RecentIndex {
    locations: HashMap<u128, u64>,
    blocks: usize,
}

impl RedbStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let db = Database::create(path).map_err(db_err("opening the database"))?;
        let txn = db.begin_write().map_err(db_err("creating tables"))?;
        {
            let ctx = "creating tables";
            if txn.list_tables().map_err(db_err(ctx))?.any(|t| LEGACY.contains(&t.name())) {
                return Err(StoreError::Incompatible {
                    path: path.display().to_string(),
                    reason: "written by an older version of plasma".into(),
                });
            }
            txn.open_table(META).map_err(db_err(ctx))?;
            txn.open_table(SNAPSHOT).map_err(db_err(ctx))?;
            txn.open_table(BLOCKS).map_err(db_err(ctx))?;
            txn.open_table(TXS).map_err(db_err(ctx))?;
            txn.open_table(LOG).map_err(db_err(ctx))?;
            migrate_old_log(&txn)?;
            txn.open_table(DIFFS).map_err(db_err(ctx))?;
            txn.open_table(RECENT_INDEX).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err("creating tables"))?;
        let recent = Mutex::new(read_recent_index(&db)?);
        Ok(Self { db, compaction_floor: DEFAULT_COMPACTION_FLOOR, recent })
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, RecentIndex> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The same store, compacting its UTXO diffs once they hold more than `floor` changes
    /// (and more than the snapshot holds outputs). Tests use a small floor.
    pub fn with_compaction_floor(mut self, floor: u64) -> Self {
        self.compaction_floor = floor;
        self
    }
}

fn index_key(hash: &B256) -> u128 {
    u128::from_be_bytes(hash[..16].try_into().expect("16 of 32 bytes"))
}

/// The recent blocks' index keys, from their records.
fn read_recent_index(db: &Database) -> Result<RecentIndex, StoreError> {
    let ctx = "reading the recent index";
    let txn = db.begin_read().map_err(db_err(ctx))?;
    let mut recent = RecentIndex::default();
    for row in txn.open_table(RECENT_INDEX).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
        let (number, keys) = row.map_err(db_err(ctx))?;
        let keys = keys.value();
        if !keys.len().is_multiple_of(16) || keys.len() / 16 > usize::from(u16::MAX) + 1 {
            return Err(StoreError::Corrupt { what: "recent index" });
        }
        for (i, key) in keys.chunks_exact(16).enumerate() {
            let key = u128::from_be_bytes(key.try_into().expect("16 bytes"));
            recent.locations.insert(key, location(number.value(), i as u16));
        }
        recent.blocks += 1;
    }
    Ok(recent)
}

/// Moves the entries of an older layout's log (one per record) into one group record.
fn migrate_old_log(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    let ctx = "moving the log to its new layout";
    if !txn.list_tables().map_err(db_err(ctx))?.any(|t| t.name() == OLD_LOG.name()) {
        return Ok(());
    }
    let mut entries = Vec::new();
    for row in txn.open_table(OLD_LOG).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
        entries.push(decode_entry(row.map_err(db_err(ctx))?.1.value())?);
    }
    if !entries.is_empty() {
        let mut log = txn.open_table(LOG).map_err(db_err(ctx))?;
        let first = log.last().map_err(db_err(ctx))?.map_or(0, |(k, _)| k.value() + 1);
        log.insert(first, encode_entries(&entries).as_slice()).map_err(db_err(ctx))?;
    }
    txn.delete_table(OLD_LOG).map_err(db_err(ctx))?;
    Ok(())
}

fn meta_u64(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<u64, StoreError> {
    match meta.get(key).map_err(db_err("reading a counter"))? {
        Some(v) => Ok(u64::from_be_bytes(
            v.value().try_into().map_err(|_| StoreError::Corrupt { what: "counter" })?,
        )),
        None => Ok(0),
    }
}

/// The stored diffs as one: an output added and removed within them appears in neither list;
/// both lists in position order.
fn netted(diffs: &redb::Table<'_, u64, &[u8]>) -> Result<UtxoChanges, StoreError> {
    let ctx = "compacting UTXO diffs";
    let mut removed = std::collections::BTreeSet::new();
    let mut added = std::collections::BTreeMap::new();
    for row in diffs.iter().map_err(db_err(ctx))? {
        let diff = decode_diff(row.map_err(db_err(ctx))?.1.value())?;
        for pos in diff.removed {
            if added.remove(&pos).is_none() {
                removed.insert(pos);
            }
        }
        added.extend(diff.added);
    }
    Ok(UtxoChanges { removed: removed.into_iter().collect(), added: added.into_iter().collect() })
}

/// Writes the snapshot merged with the stored diffs as the new snapshot, in one pass over
/// both (each in position order), and empties the diffs. Returns the new snapshot's length.
fn compact(txn: &redb::WriteTransaction) -> Result<u64, StoreError> {
    let ctx = "compacting the UTXO set";
    let diffs = txn.open_table(DIFFS).map_err(db_err(ctx))?;
    let changes = netted(&diffs)?;
    drop(diffs);
    let mut removed = changes.removed.iter().peekable();
    let mut added = changes.added.into_iter().peekable();
    txn.delete_table(NEXT_SNAPSHOT).map_err(db_err(ctx))?;
    let mut next = txn.open_table(NEXT_SNAPSHOT).map_err(db_err(ctx))?;
    let mut writer = SnapshotWriter::default();
    {
        let old = txn.open_table(SNAPSHOT).map_err(db_err(ctx))?;
        for chunk in old.iter().map_err(db_err(ctx))? {
            for (pos, out) in decode_records(chunk.map_err(db_err(ctx))?.1.value())? {
                while let Some(new) = added.next_if(|(p, _)| *p < pos) {
                    writer.push(&mut next, new)?;
                }
                while removed.next_if(|p| **p < pos).is_some() {}
                if removed.next_if(|p| **p == pos).is_none() {
                    writer.push(&mut next, (pos, out))?;
                }
            }
        }
    }
    for new in added {
        writer.push(&mut next, new)?;
    }
    let len = writer.finish(&mut next)?;
    drop(next);
    txn.delete_table(SNAPSHOT).map_err(db_err(ctx))?;
    txn.rename_table(NEXT_SNAPSHOT, SNAPSHOT).map_err(db_err(ctx))?;
    txn.delete_table(DIFFS).map_err(db_err(ctx))?;
    txn.open_table(DIFFS).map_err(db_err(ctx))?;
    Ok(len)
}

/// Cuts position-ordered records into snapshot chunks.
#[derive(Default)]
struct SnapshotWriter {
    chunk: Vec<(UtxoPos, Output)>,
    chunks: u64,
    len: u64,
}

impl SnapshotWriter {
    fn push(
        &mut self,
        table: &mut redb::Table<'_, u64, &[u8]>,
        record: (UtxoPos, Output),
    ) -> Result<(), StoreError> {
        self.chunk.push(record);
        if self.chunk.len() == CHUNK_RECORDS {
            self.flush(table)?;
        }
        Ok(())
    }

    fn flush(&mut self, table: &mut redb::Table<'_, u64, &[u8]>) -> Result<(), StoreError> {
        if !self.chunk.is_empty() {
            let bytes = encode_records(&self.chunk);
            table.insert(self.chunks, bytes.as_slice()).map_err(db_err("writing a snapshot"))?;
            self.chunks += 1;
            self.len += self.chunk.len() as u64;
            self.chunk.clear();
        }
        Ok(())
    }

    fn finish(mut self, table: &mut redb::Table<'_, u64, &[u8]>) -> Result<u64, StoreError> {
        self.flush(table)?;
        Ok(self.len)
    }
}

impl Store for RedbStore {
    fn recover(&self) -> Result<Recovered, StoreError> {
        let ctx = "recovering";
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let meta = txn.open_table(META).map_err(db_err(ctx))?;
        let next_block = match meta.get(NEXT_BLOCK).map_err(db_err(ctx))? {
            Some(v) => u64::from_be_bytes(
                v.value().try_into().map_err(|_| StoreError::Corrupt { what: "next_block" })?,
            ),
            None => 0,
        };
        let mut utxos = std::collections::BTreeMap::new();
        for row in txn.open_table(SNAPSHOT).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            utxos.extend(decode_records(row.map_err(db_err(ctx))?.1.value())?);
        }
        // The diffs of the blocks sealed since the last compaction, in block order.
        for row in txn.open_table(DIFFS).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            let diff = decode_diff(row.map_err(db_err(ctx))?.1.value())?;
            for pos in &diff.removed {
                utxos.remove(pos);
            }
            utxos.extend(diff.added);
        }
        let utxos = utxos.into_iter().collect();
        let mut log = Vec::new();
        for row in txn.open_table(LOG).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            log.extend(decode_entries(row.map_err(db_err(ctx))?.1.value())?);
        }
        Ok(Recovered { next_block, utxos, log })
    }

    fn append_log(&self, entries: &[LogEntry], meta: &[(&str, &[u8])]) -> Result<(), StoreError> {
        let ctx = "appending to the log";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut log = txn.open_table(LOG).map_err(db_err(ctx))?;
            if !entries.is_empty() {
                let next = log.last().map_err(db_err(ctx))?.map_or(0, |(k, _)| k.value() + 1);
                log.insert(next, encode_entries(entries).as_slice()).map_err(db_err(ctx))?;
            }
            let mut table = txn.open_table(META).map_err(db_err(ctx))?;
            for (key, value) in meta {
                table.insert(*key, *value).map_err(db_err(ctx))?;
            }
        }
        txn.commit().map_err(db_err(ctx))
    }

    fn seal_block(
        &self,
        block: &StoredBlock,
        tx_hashes: &[B256],
        diff: &UtxoChanges,
        next_block: u64,
    ) -> Result<(), StoreError> {
        let ctx = "sealing a block";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        let merged;
        {
            let mut diffs = txn.open_table(DIFFS).map_err(db_err(ctx))?;
            diffs.insert(block.number, encode_diff(diff).as_slice()).map_err(db_err(ctx))?;
            drop(diffs);
            let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
            let changes = (diff.removed.len() + diff.added.len()) as u64;
            let stored = meta_u64(&meta, DIFFS_LEN)? + changes;
            let snapshot = meta_u64(&meta, SNAPSHOT_LEN)?;
            let compacting = stored > snapshot.max(self.compaction_floor);
            let (stored, snapshot) = if compacting {
                drop(meta);
                let snapshot = compact(&txn)?;
                meta = txn.open_table(META).map_err(db_err(ctx))?;
                (0, snapshot)
            } else {
                (stored, snapshot)
            };
            meta.insert(DIFFS_LEN, stored.to_be_bytes().as_slice()).map_err(db_err(ctx))?;
            meta.insert(SNAPSHOT_LEN, snapshot.to_be_bytes().as_slice()).map_err(db_err(ctx))?;
            drop(meta);
            let keys: Vec<u128> = tx_hashes.iter().map(index_key).collect();
            let mut recent = self.recent();
            let at = |i: usize| location(block.number, i as u16);
            recent.locations.extend(keys.iter().enumerate().map(|(i, key)| (*key, at(i))));
            recent.blocks += 1;
            // Not in the seal that compacts: one long seal would stall acknowledgements twice
            // as long.
            merged = recent.blocks >= INDEX_MERGE_EVERY && !compacting;
            if merged {
                // In key order: neighbouring keys share the index's pages.
                let mut index: Vec<(u128, u64)> =
                    recent.locations.iter().map(|(k, v)| (*k, *v)).collect();
                drop(recent);
                index.sort_unstable();
                let mut txs = txn.open_table(TXS).map_err(db_err(ctx))?;
                for (key, at) in index {
                    txs.insert(key, at).map_err(db_err(ctx))?;
                }
                txn.delete_table(RECENT_INDEX).map_err(db_err(ctx))?;
                txn.open_table(RECENT_INDEX).map_err(db_err(ctx))?;
            } else {
                drop(recent);
                let bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_be_bytes()).collect();
                let mut table = txn.open_table(RECENT_INDEX).map_err(db_err(ctx))?;
                table.insert(block.number, bytes.as_slice()).map_err(db_err(ctx))?;
            }
            let mut blocks = txn.open_table(BLOCKS).map_err(db_err(ctx))?;
            blocks.insert(block.number, encode_block(block).as_slice()).map_err(db_err(ctx))?;
            // Dropping the whole log table frees its pages without visiting each entry.
            txn.delete_table(LOG).map_err(db_err(ctx))?;
            txn.open_table(LOG).map_err(db_err(ctx))?;
            let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
            meta.insert(NEXT_BLOCK, next_block.to_be_bytes().as_slice()).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))?;
        if merged {
            // Only now: until the merge is durable, lookups keep finding the keys in memory.
            *self.recent() = RecentIndex::default();
        }
        Ok(())
    }

    fn put_block(&self, block: &StoredBlock) -> Result<(), StoreError> {
        let ctx = "storing a block";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut blocks = txn.open_table(BLOCKS).map_err(db_err(ctx))?;
            blocks.insert(block.number, encode_block(block).as_slice()).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))
    }

    fn block(&self, number: u64) -> Result<Option<StoredBlock>, StoreError> {
        let ctx = "reading a block";
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let blocks = txn.open_table(BLOCKS).map_err(db_err(ctx))?;
        let found = blocks.get(number).map_err(db_err(ctx))?;
        found.map(|v| decode_block(number, v.value())).transpose()
    }

    fn tx_location(&self, hash: &B256) -> Result<Option<(u64, u16)>, StoreError> {
        let ctx = "reading a transaction's location";
        if let Some(at) = self.recent().locations.get(&index_key(hash)) {
            return Ok(Some(split_location(*at)));
        }
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let txs = txn.open_table(TXS).map_err(db_err(ctx))?;
        Ok(txs.get(index_key(hash)).map_err(db_err(ctx))?.map(|v| split_location(v.value())))
    }

    fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let ctx = "reading a named value";
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let meta = txn.open_table(META).map_err(db_err(ctx))?;
        Ok(meta.get(key).map_err(db_err(ctx))?.map(|v| v.value().to_vec()))
    }

    fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let ctx = "writing a named value";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
            meta.insert(key, value).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))
    }
}
