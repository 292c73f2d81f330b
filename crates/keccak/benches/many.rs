//! keccak256 of a batch of messages: all at once against one at a time, in the same run.
//!
//! Run: `cargo bench -p plasma-keccak --bench many`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plasma_keccak::keccak256_many;
use std::hint::black_box;

fn many(c: &mut Criterion) {
    // The lengths of a payment transaction's EIP-712 parts: an input (128 bytes), an output
    // (160), the struct (384), the digest (66); and an inner Merkle node (65).
    for len in [66usize, 128, 160, 384] {
        let data: Vec<Vec<u8>> = (0..64u8).map(|i| vec![i; len]).collect();
        let messages: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        let mut g = c.benchmark_group(format!("keccak256_{len}_bytes"));
        g.throughput(Throughput::Elements(messages.len() as u64));
        g.bench_function("one_at_a_time", |b| {
            b.iter(|| {
                black_box(&messages).iter().map(alloy_primitives::keccak256).collect::<Vec<_>>()
            })
        });
        g.bench_function("many", |b| b.iter(|| keccak256_many(black_box(&messages))));
        g.finish();
    }
}

criterion_group!(benches, many);
criterion_main!(benches);
