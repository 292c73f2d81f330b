//! The durable store on redb: every write is one ACID transaction, synced when it commits.

use crate::{
    LogEntry, Recovered, Store, StoreError, StoredBlock, UtxoChanges,
    codec::{
        decode_block, decode_diff, decode_entry, decode_output, encode_block, encode_diff,
        encode_entry, encode_output, location, pos_from_key, pos_key, split_location,
    },
};
use plasma_primitives::B256;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::path::Path;

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const UTXOS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("utxos");
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
const TXS: TableDefinition<&[u8], u64> = TableDefinition::new("tx_locations");
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
/// UTXO diffs of the blocks sealed since the UTXO table was last brought up to date, by block.
const DIFFS: TableDefinition<u64, &[u8]> = TableDefinition::new("utxo_diffs");
const NEXT_BLOCK: &str = "next_block";

/// Seals between two folds of the stored diffs into the UTXO table. A seal writes its diff as
/// one sequential record; the fold applies several, netted, in one pass over the table, instead
/// of rewriting the table's pages at every seal (spent outputs are scattered over all of it).
const FOLD_EVERY: usize = 8;

fn db_err<E: std::error::Error + Send + Sync + 'static>(
    context: &'static str,
) -> impl FnOnce(E) -> StoreError {
    move |e| StoreError::Database { context, source: Box::new(e) }
}

/// A store in one redb file.
pub struct RedbStore {
    db: Database,
}

impl RedbStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(db_err("opening the database"))?;
        let txn = db.begin_write().map_err(db_err("creating tables"))?;
        {
            txn.open_table(META).map_err(db_err("creating tables"))?;
            txn.open_table(UTXOS).map_err(db_err("creating tables"))?;
            txn.open_table(BLOCKS).map_err(db_err("creating tables"))?;
            txn.open_table(TXS).map_err(db_err("creating tables"))?;
            txn.open_table(LOG).map_err(db_err("creating tables"))?;
            txn.open_table(DIFFS).map_err(db_err("creating tables"))?;
        }
        txn.commit().map_err(db_err("creating tables"))?;
        Ok(Self { db })
    }
}

/// The stored diffs as one: an output added and removed within them appears in neither list;
/// both lists in position order.
fn netted(diffs: &redb::Table<'_, u64, &[u8]>) -> Result<UtxoChanges, StoreError> {
    let ctx = "folding UTXO diffs";
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
        for row in txn.open_table(UTXOS).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            let (k, v) = row.map_err(db_err(ctx))?;
            utxos.insert(pos_from_key(k.value())?, decode_output(v.value())?);
        }
        // The diffs of the blocks sealed since the last fold, in block order.
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
            log.push(decode_entry(row.map_err(db_err(ctx))?.1.value())?);
        }
        Ok(Recovered { next_block, utxos, log })
    }

    fn append_log(&self, entries: &[LogEntry], meta: &[(&str, &[u8])]) -> Result<(), StoreError> {
        let ctx = "appending to the log";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut log = txn.open_table(LOG).map_err(db_err(ctx))?;
            let first = log.last().map_err(db_err(ctx))?.map_or(0, |(k, _)| k.value() + 1);
            for (seq, entry) in (first..).zip(entries) {
                log.insert(seq, encode_entry(entry).as_slice()).map_err(db_err(ctx))?;
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
        {
            let mut diffs = txn.open_table(DIFFS).map_err(db_err(ctx))?;
            diffs.insert(block.number, encode_diff(diff).as_slice()).map_err(db_err(ctx))?;
            if diffs.len().map_err(db_err(ctx))? as usize >= FOLD_EVERY {
                let pending = netted(&diffs)?;
                drop(diffs);
                let mut utxos = txn.open_table(UTXOS).map_err(db_err(ctx))?;
                for pos in &pending.removed {
                    utxos.remove(pos_key(*pos).as_slice()).map_err(db_err(ctx))?;
                }
                for (pos, out) in &pending.added {
                    utxos
                        .insert(pos_key(*pos).as_slice(), encode_output(out).as_slice())
                        .map_err(db_err(ctx))?;
                }
                txn.delete_table(DIFFS).map_err(db_err(ctx))?;
                txn.open_table(DIFFS).map_err(db_err(ctx))?;
            }
            // Inserted in key order: neighbouring keys share B-tree pages.
            let mut index: Vec<(&B256, u64)> = tx_hashes
                .iter()
                .enumerate()
                .map(|(i, hash)| (hash, location(block.number, i as u16)))
                .collect();
            index.sort_unstable();
            let mut txs = txn.open_table(TXS).map_err(db_err(ctx))?;
            for (hash, at) in index {
                txs.insert(hash.as_slice(), at).map_err(db_err(ctx))?;
            }
            let mut blocks = txn.open_table(BLOCKS).map_err(db_err(ctx))?;
            blocks.insert(block.number, encode_block(block).as_slice()).map_err(db_err(ctx))?;
            // Dropping the whole log table frees its pages without visiting each entry.
            txn.delete_table(LOG).map_err(db_err(ctx))?;
            txn.open_table(LOG).map_err(db_err(ctx))?;
            let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
            meta.insert(NEXT_BLOCK, next_block.to_be_bytes().as_slice()).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))
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
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let txs = txn.open_table(TXS).map_err(db_err(ctx))?;
        Ok(txs.get(hash.as_slice()).map_err(db_err(ctx))?.map(|v| split_location(v.value())))
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
