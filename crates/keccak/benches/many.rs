//! keccak256 of a batch of 64 messages on each backend this CPU runs, in the same run.
//!
//! Run: `cargo bench -p plasma-keccak --bench many`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plasma_keccak::{Backend, keccak256_many_on};
use std::hint::black_box;

fn many(c: &mut Criterion) {
    // The lengths of a payment transaction's EIP-712 parts: the digest (66 bytes; a Merkle
    // node is 65), an input (128), an output (160, two blocks), the struct (384, three).
    for len in [66usize, 128, 160, 384] {
        let messages: Vec<Vec<u8>> = (0..64u8).map(|i| vec![i; len]).collect();
        let mut g = c.benchmark_group(format!("keccak256_{len}_bytes"));
        g.throughput(Throughput::Elements(messages.len() as u64));
        for backend in Backend::available() {
            g.bench_function(format!("{backend:?}"), |b| {
                b.iter(|| keccak256_many_on(backend, black_box(&messages)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, many);
criterion_main!(benches);
