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
/// The last root-chain block read, as the writer encodes it (its identity, so that a restart
/// notices a reorganisation that dropped it while the node was down).
const LAST_READ: TableDefinition<&str, &[u8]> = TableDefinition::new("journal_last_read");
const LAST_READ_KEY: &str = "l1_last_read";

/// How far the journal's writer has read the root chain: the first block not read yet, and
/// the last block read (opaque bytes: its number and hash, as the writer encodes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootChainMark {
    /// The first root-chain block not read yet.
    pub next_block: u64,
    /// The last block read, if the writer records it.
    pub last_read: Option<Vec<u8>>,
}

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
            txn.open_table(LAST_READ).map_err(db_err(ctx))?;
        }
        txn.commit().map_err(db_err(ctx))?;
        Ok(Self { db, writes: AtomicU64::new(0) })
    }

    /// Durable writes (each one disk sync) made since the journal was opened.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Appends `entries` in order and, if given, the root-chain mark, in one durable write.
    pub fn append(
        &self,
        entries: &[Vec<u8>],
        mark: Option<&RootChainMark>,
    ) -> Result<(), StoreError> {
        let ctx = "appending to the journal";
        let txn = self.db.begin_write().map_err(db_err(ctx))?;
        {
            let mut table = txn.open_table(ENTRIES).map_err(db_err(ctx))?;
            let first = table.last().map_err(db_err(ctx))?.map_or(0, |(k, _)| k.value() + 1);
            for (seq, entry) in (first..).zip(entries) {
                table.insert(seq, entry.as_slice()).map_err(db_err(ctx))?;
            }
            if let Some(mark) = mark {
                let mut meta = txn.open_table(META).map_err(db_err(ctx))?;
                meta.insert(CURSOR, mark.next_block).map_err(db_err(ctx))?;
                if let Some(last_read) = &mark.last_read {
                    let mut table = txn.open_table(LAST_READ).map_err(db_err(ctx))?;
                    table.insert(LAST_READ_KEY, last_read.as_slice()).map_err(db_err(ctx))?;
                }
            }
        }
        txn.commit().map_err(db_err(ctx))?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Every entry in order, and the root-chain mark last written.
    pub fn load(&self) -> Result<(Vec<Vec<u8>>, Option<RootChainMark>), StoreError> {
        let ctx = "reading the journal";
        let txn = self.db.begin_read().map_err(db_err(ctx))?;
        let mut entries = Vec::new();
        for row in txn.open_table(ENTRIES).map_err(db_err(ctx))?.iter().map_err(db_err(ctx))? {
            entries.push(row.map_err(db_err(ctx))?.1.value().to_vec());
        }
        let meta = txn.open_table(META).map_err(db_err(ctx))?;
        let Some(next_block) = meta.get(CURSOR).map_err(db_err(ctx))?.map(|v| v.value()) else {
            return Ok((entries, None));
        };
        let table = txn.open_table(LAST_READ).map_err(db_err(ctx))?;
        let last_read = table.get(LAST_READ_KEY).map_err(db_err(ctx))?.map(|v| v.value().to_vec());
        Ok((entries, Some(RootChainMark { next_block, last_read })))
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
            let mark = |next_block, last_read: Option<&[u8]>| RootChainMark {
                next_block,
                last_read: last_read.map(<[u8]>::to_vec),
            };
            journal.append(&[b"c".to_vec()], Some(&mark(42, Some(b"block 41")))).unwrap();
            journal.append(&[], Some(&mark(43, None))).unwrap();
            assert_eq!(journal.writes(), 3, "one durable write per append");
        }
        let journal = Journal::open(&path).unwrap();
        let (entries, mark) = journal.load().unwrap();
        assert_eq!(entries, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        // The cursor is the last written; the last block read stays the last one recorded.
        let expected = RootChainMark { next_block: 43, last_read: Some(b"block 41".to_vec()) };
        assert_eq!(mark, Some(expected));
    }
}
