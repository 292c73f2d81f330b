//! An append-only journal in its own redb file: opaque entries in order, and the root-chain
//! cursor written atomically with them. The Plasma Cash node keeps its whole state this way
//! (every change it acknowledges is an entry; a restart replays them all).

use crate::StoreError;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::{
    path::Path,
    sync::atomic::{AtomicU64, Ordering},
};

const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("journal");
const META: TableDefinition<&str, u64> = TableDefinition::new("journal_meta");
const CURSOR: &str = "l1_cursor";

fn db_err<E: std::error::Error + Send + Sync + 'static>(
    context: &'static str,
) -> impl FnOnce(E) -> StoreError {
    move |e| StoreError::Database { context, source: Box::new(e) }
}

/// The journal: [`Journal::append`] returns only once the entries are durable.
pub struct Journal {
    db: Database,
    writes: AtomicU64,
}

impl Journal {
    /// Opens (or creates) the journal at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let ctx = "opening the journal";
        let db = Database::create(path).map_err(db_err(ctx))?;
        let txn = db.begin_write().map_err(db_err(ctx))?;
        {
            txn.open_table(ENTRIES).map_err(db_err(ctx))?;
            txn.open_table(META).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))?;
        Ok(Self { db, writes: AtomicU64::new(0) })
    }

    /// Durable writes (each one disk sync) made since the journal was opened.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Appends `entries` in order and, if given, the root-chain cursor, in one durable write.
    pub fn append(&self, entries: &[Vec<u8>], cursor: Option<u64>) -> Result<(), StoreError> {
        let ctx = "appending to the journal";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut table = txn.open_table(ENTRIES).map_err(db_err(ctx))?;
            let first = table.last().map_err(db_err(ctx))?.map_or(0, |(k, _)| k.value() + 1);
            for (seq, entry) in (first..).zip(entries) {
                table.insert(seq, entry.as_slice()).map_err(db_err(ctx))?;
            }
            if let Some(cursor) = cursor {
                let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
                meta.insert(CURSOR, cursor).map_err(db_err(ctx))?;
            }
        }
        txn.commit().map_err(db_err(ctx))?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Every entry in order, and the root-chain cursor last written.
    pub fn load(&self) -> Result<(Vec<Vec<u8>>, Option<u64>), StoreError> {
        let ctx = "reading the journal";
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let mut entries = Vec::new();
        for row in txn.open_table(ENTRIES).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            entries.push(row.map_err(db_err(ctx))?.1.value().to_vec());
        }
        let meta = txn.open_table(META).map_err(db_err(ctx))?;
        let cursor = meta.get(CURSOR).map_err(db_err(ctx))?.map(|v| v.value());
        Ok((entries, cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_the_cursor_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.redb");
        {
            let journal = Journal::open(&path).unwrap();
            assert_eq!(journal.load().unwrap(), (vec![], None));
            journal.append(&[b"a".to_vec(), b"b".to_vec()], None).unwrap();
            journal.append(&[b"c".to_vec()], Some(42)).unwrap();
            journal.append(&[], Some(43)).unwrap();
            assert_eq!(journal.writes(), 3, "one durable write per append");
        }
        let journal = Journal::open(&path).unwrap();
        let (entries, cursor) = journal.load().unwrap();
        assert_eq!(entries, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(cursor, Some(43));
    }
}
