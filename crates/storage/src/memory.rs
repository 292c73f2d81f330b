//! The in-memory store: the same contract as [`crate::RedbStore`], nothing on disk.

use crate::{LogEntry, Recovered, Store, StoreError, StoredBlock, UtxoChanges};
use plasma_primitives::{B256, Output, UtxoPos};
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Mutex, MutexGuard},
};

#[derive(Default)]
struct State {
    next_block: u64,
    utxos: BTreeMap<UtxoPos, Output>,
    log: Vec<LogEntry>,
    blocks: BTreeMap<u64, StoredBlock>,
    txs: HashMap<B256, (u64, u16)>,
    meta: HashMap<String, Vec<u8>>,
}

/// A store in memory, for tests.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn recover(&self) -> Result<Recovered, StoreError> {
        let s = self.lock();
        Ok(Recovered {
            next_block: s.next_block,
            utxos: s.utxos.iter().map(|(p, o)| (*p, *o)).collect(),
            log: s.log.clone(),
        })
    }

    fn append_log(&self, entries: &[LogEntry], meta: &[(&str, &[u8])]) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.log.extend_from_slice(entries);
        for (key, value) in meta {
            s.meta.insert((*key).to_owned(), value.to_vec());
        }
        Ok(())
    }

    fn seal_block(
        &self,
        block: &StoredBlock,
        tx_hashes: &[B256],
        diff: &UtxoChanges,
        next_block: u64,
    ) -> Result<(), StoreError> {
        let mut s = self.lock();
        for pos in &diff.removed {
            s.utxos.remove(pos);
        }
        s.utxos.extend(diff.added.iter().copied());
        for (i, hash) in tx_hashes.iter().enumerate() {
            s.txs.insert(*hash, (block.number, i as u16));
        }
        s.blocks.insert(block.number, block.clone());
        s.log.clear();
        s.next_block = next_block;
        Ok(())
    }

    fn put_block(&self, block: &StoredBlock) -> Result<(), StoreError> {
        self.lock().blocks.insert(block.number, block.clone());
        Ok(())
    }

    fn block(&self, number: u64) -> Result<Option<StoredBlock>, StoreError> {
        Ok(self.lock().blocks.get(&number).cloned())
    }

    fn tx_location(&self, hash: &B256) -> Result<Option<(u64, u16)>, StoreError> {
        Ok(self.lock().txs.get(hash).copied())
    }

    fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().meta.get(key).cloned())
    }

    fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.lock().meta.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
}
