//! Building the depth-64 sparse Merkle tree of a Plasma Cash block (the operator's seal) and
//! taking proofs from it, at pseudo-random 64-bit slots as deposits give them.
//!
//! Run: `cargo bench -p plasma-primitives --bench sparse_merkle`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use plasma_primitives::{
    B256,
    cash::{SparseMerkleTree, compute_root, slot_of},
};
use std::{collections::BTreeMap, hint::black_box};

/// `n` leaves at slots spread as deposits spread them.
fn leaves(n: u64) -> BTreeMap<u64, B256> {
    let (sender, from) = (Default::default(), Default::default());
    (0..n).map(|i| (slot_of(i, sender, from), B256::repeat_byte(i as u8))).collect()
}

fn sparse(c: &mut Criterion) {
    let mut g = c.benchmark_group("sparse_merkle");
    g.sample_size(10);
    for n in [1_000u64, 32_000] {
        let leaves = leaves(n);
        g.throughput(Throughput::Elements(n));
        g.bench_function(format!("new_{n}"), |b| {
            b.iter_batched(|| leaves.clone(), SparseMerkleTree::new, BatchSize::LargeInput)
        });
        let tree = SparseMerkleTree::new(leaves.clone());
        let (&slot, leaf) = leaves.iter().nth(leaves.len() / 2).expect("leaves");
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("proof_{n}"), |b| b.iter(|| tree.proof(black_box(slot))));
        // A coin that did not move in the block: a proof of non-inclusion.
        let absent = slot_of(n + 1, Default::default(), Default::default());
        g.bench_function(format!("proof_absent_{n}"), |b| b.iter(|| tree.proof(black_box(absent))));
        let proof = tree.proof(slot);
        g.bench_function(format!("compute_root_{n}"), |b| {
            b.iter(|| compute_root(black_box(leaf), slot, black_box(&proof)))
        });
    }
    g.finish();
}

criterion_group!(benches, sparse);
criterion_main!(benches);
