//! One suite over both stores, and what only the file store can show: surviving a reopen.

use plasma_primitives::{Address, B256, Output, U256, UtxoPos};
use plasma_storage::{LogEntry, MemoryStore, RedbStore, Store, StoredBlock, UtxoChanges};

fn output(n: u8) -> Output {
    Output { owner: Address::repeat_byte(n), token: Address::ZERO, amount: U256::from(n) }
}

fn exercise(store: &dyn Store) {
    assert_eq!(store.recover().unwrap().next_block, 0, "a new store starts empty");
    let deposit = LogEntry::Deposit { blknum: 1, tx: vec![0xc0, 1, 2] };
    let entries = vec![deposit, LogEntry::Tx(vec![9; 100]), LogEntry::Exit(UtxoPos::new(1, 0, 0))];
    store.append_log(&entries[..2], &[]).unwrap();
    store.append_log(&entries[2..], &[("l1_cursor", b"7")]).unwrap();
    assert_eq!(store.meta("l1_cursor").unwrap(), Some(b"7".to_vec()), "meta lands with the log");
    assert_eq!(store.recover().unwrap().log, entries, "the log keeps order across appends");

    let block = StoredBlock {
        number: 1000,
        root: B256::repeat_byte(3),
        txs: vec![vec![1; 10], vec![2; 300]],
    };
    let hashes = [B256::repeat_byte(0xa), B256::repeat_byte(0xb)];
    let diff = UtxoChanges {
        removed: vec![],
        added: vec![(UtxoPos::new(1000, 0, 0), output(1)), (UtxoPos::new(1000, 1, 0), output(2))],
    };
    store.seal_block(&block, &hashes, &diff, 2000).unwrap();
    let after = store.recover().unwrap();
    assert_eq!(after.next_block, 2000);
    assert!(after.log.is_empty(), "sealing clears the log");
    assert_eq!(after.utxos, diff.added);
    assert_eq!(store.block(1000).unwrap(), Some(block));
    assert_eq!(store.block(2000).unwrap(), None);
    assert_eq!(store.tx_location(&hashes[1]).unwrap(), Some((1000, 1)));
    assert_eq!(store.tx_location(&B256::ZERO).unwrap(), None);

    let spend = UtxoChanges {
        removed: vec![UtxoPos::new(1000, 0, 0)],
        added: vec![(UtxoPos::new(2000, 0, 0), output(3))],
    };
    let next = StoredBlock { number: 2000, root: B256::ZERO, txs: vec![] };
    store.seal_block(&next, &[], &spend, 3000).unwrap();
    assert_eq!(
        store.recover().unwrap().utxos,
        vec![(UtxoPos::new(1000, 1, 0), output(2)), (UtxoPos::new(2000, 0, 0), output(3))],
        "outputs come back in position order"
    );

    let deposit = StoredBlock { number: 2001, root: B256::repeat_byte(4), txs: vec![vec![5; 20]] };
    store.put_block(&deposit).unwrap();
    store.put_block(&deposit).unwrap();
    assert_eq!(store.block(2001).unwrap(), Some(deposit));

    assert_eq!(store.meta("cursor").unwrap(), None);
    store.set_meta("cursor", b"42").unwrap();
    assert_eq!(store.meta("cursor").unwrap(), Some(b"42".to_vec()));
}

#[test]
fn memory_store() {
    exercise(&MemoryStore::new());
}

#[test]
fn redb_store() {
    let dir = tempfile::tempdir().unwrap();
    exercise(&RedbStore::open(dir.path().join("chain.redb")).unwrap());
}

#[test]
fn redb_state_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    {
        let store = RedbStore::open(&path).unwrap();
        store.append_log(&[LogEntry::Tx(vec![7; 50])], &[]).unwrap();
        store.set_meta("k", b"v").unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.recover().unwrap().log, vec![LogEntry::Tx(vec![7; 50])]);
    assert_eq!(store.meta("k").unwrap(), Some(b"v".to_vec()));
}

#[test]
fn a_foreign_file_is_refused_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-a-db");
    std::fs::write(&path, b"this is not a redb file at all, just text").unwrap();
    assert!(RedbStore::open(&path).is_err());
}

#[test]
fn a_store_of_the_older_layout_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    let db = redb::Database::create(&path).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(redb::TableDefinition::<&[u8], &[u8]>::new("utxos")).unwrap();
    txn.commit().unwrap();
    drop(db);
    let err = RedbStore::open(&path).err().expect("refused");
    assert!(err.to_string().contains("older version") && err.to_string().contains("old.redb"));
}

/// A store written when the log held one entry per record: its entries come back first, in
/// order, before what is appended after the upgrade, and the old table is gone.
#[test]
fn a_log_of_the_older_layout_is_kept_across_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old-log.redb");
    let exit = UtxoPos::new(1000, 2, 1);
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut log = txn.open_table(redb::TableDefinition::<u64, &[u8]>::new("log")).unwrap();
            // The entry layout itself is unchanged: a tag byte, then the fields.
            log.insert(0, [0u8, 7, 7, 7].as_slice()).unwrap();
            let mut exit_entry = vec![2u8];
            exit_entry.extend_from_slice(&exit.to_bytes());
            log.insert(1, exit_entry.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let old = vec![LogEntry::Tx(vec![7, 7, 7]), LogEntry::Exit(exit)];
    {
        let store = RedbStore::open(&path).unwrap();
        assert_eq!(store.recover().unwrap().log, old);
        store.append_log(&[LogEntry::Tx(vec![8; 40])], &[]).unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    let mut expected = old;
    expected.push(LogEntry::Tx(vec![8; 40]));
    assert_eq!(store.recover().unwrap().log, expected);
    drop(store);
    let db = redb::Database::open(&path).unwrap();
    let txn = db.begin_read().unwrap();
    use redb::{ReadableDatabase, TableHandle};
    assert!(txn.list_tables().unwrap().all(|t| t.name() != "log"), "the old table is removed");
}

/// Many seals (past several compactions of the stored diffs into a new UTXO snapshot, and
/// between them): after each, both stores, and the file store reopened, recover the same UTXO
/// set as a model that applies every diff in order.
#[test]
fn the_utxo_set_survives_many_seals_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let memory = MemoryStore::new();
    let mut model = std::collections::BTreeMap::new();
    for n in 1..=27u64 {
        let number = n * 1000;
        // Each block creates two outputs and spends one output of an older block (created
        // within the same fold window or long before it).
        let mut removed = Vec::new();
        if n > 1 {
            let older = UtxoPos::new(((n * 7) % (n - 1) + 1) * 1000, 0, (n % 2) as u8);
            if model.remove(&older).is_some() {
                removed.push(older);
            }
        }
        let added = vec![
            (UtxoPos::new(number, 0, 0), output(n as u8)),
            (UtxoPos::new(number, 0, 1), output(n as u8 + 100)),
        ];
        model.extend(added.iter().copied());
        let diff = UtxoChanges { removed, added };
        let block = StoredBlock { number, root: B256::repeat_byte(n as u8), txs: vec![vec![1]] };
        let hashes = [B256::repeat_byte(n as u8)];
        memory.seal_block(&block, &hashes, &diff, number + 1000).unwrap();
        // A floor of 4 changes: a compaction every few seals.
        let file = RedbStore::open(&path).unwrap().with_compaction_floor(4);
        file.seal_block(&block, &hashes, &diff, number + 1000).unwrap();
        drop(file);
        let expected: Vec<_> = model.iter().map(|(p, o)| (*p, *o)).collect();
        assert_eq!(memory.recover().unwrap().utxos, expected, "memory, after block {number}");
        let reopened = RedbStore::open(&path).unwrap().recover().unwrap();
        assert_eq!(reopened.utxos, expected, "redb reopened, after block {number}");
        assert_eq!(reopened.next_block, number + 1000);
    }
}

/// The index of sealed transactions, across the merges of recent blocks' keys into the index
/// table (every 8 seals) and reopens between them: every sealed hash is found where it was
/// sealed, and an unknown one is not.
#[test]
fn every_sealed_transaction_is_found_across_index_merges_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let hash = |block: u64, i: u64| {
        plasma_primitives::keccak256([block, i].map(u64::to_be_bytes).concat())
    };
    let mut store = RedbStore::open(&path).unwrap();
    for n in 1..=19u64 {
        let number = n * 1000;
        let txs = (n % 4 + 1) as usize;
        let hashes: Vec<B256> = (0..txs as u64).map(|i| hash(n, i)).collect();
        let block = StoredBlock { number, root: B256::ZERO, txs: vec![vec![1]; txs] };
        store.seal_block(&block, &hashes, &UtxoChanges::default(), number + 1000).unwrap();
        if n % 3 == 0 {
            drop(store);
            store = RedbStore::open(&path).unwrap();
        }
        for m in 1..=n {
            for i in 0..(m % 4 + 1) {
                let found = store.tx_location(&hash(m, i)).unwrap();
                assert_eq!(found, Some((m * 1000, i as u16)), "tx {i} of block {m}, after {n}");
            }
        }
        assert_eq!(store.tx_location(&hash(n + 1, 0)).unwrap(), None);
    }
}
