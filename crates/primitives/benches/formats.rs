//! Speed of the formats on the hot paths of the operator and the watcher.
//!
//! Run: `cargo bench -p plasma-primitives --bench formats`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use plasma_primitives::{
    Address, B256, MerkleTree, PaymentTx, PrivateKey, SignedTx, U256, UtxoPos, merkle, tx::Output,
};
use std::hint::black_box;

/// The largest transaction: four inputs, four outputs, non-zero metadata.
fn full_tx(seed: u64) -> PaymentTx {
    let inputs = (0..4).map(|i| UtxoPos::new(1000 * (seed + 1), i, 0)).collect();
    let outputs = (0..4)
        .map(|i| Output {
            owner: Address::repeat_byte(i + 1),
            token: Address::repeat_byte(0xee),
            amount: U256::from(1_000_000_000_000_000_000u128 + seed as u128),
        })
        .collect();
    PaymentTx::new(inputs, outputs, B256::repeat_byte(0x42)).unwrap()
}

fn codec(c: &mut Criterion) {
    let domain = B256::repeat_byte(7);
    let key = PrivateKey::from_seed(b"bench");
    let tx = full_tx(1);
    let bytes = tx.encode();
    let signed = tx.clone().sign(&[&key; 4], &domain).unwrap();
    let signed_bytes = signed.encode();
    let digest = tx.signing_hash(&domain);
    let sig = signed.signatures()[0];

    let mut g = c.benchmark_group("tx");
    g.throughput(Throughput::Elements(1));
    g.bench_function("decode_unsigned_4in_4out", |b| {
        b.iter(|| PaymentTx::decode(black_box(&bytes)))
    });
    g.bench_function("decode_signed_4in_4out", |b| {
        b.iter(|| SignedTx::decode(black_box(&signed_bytes)))
    });
    g.bench_function("encode_4in_4out", |b| b.iter(|| black_box(&tx).encode()));
    g.bench_function("eip712_signing_hash", |b| b.iter(|| black_box(&tx).signing_hash(&domain)));
    g.bench_function("sign", |b| b.iter(|| key.sign(black_box(&digest))));
    g.bench_function("recover_signature", |b| b.iter(|| black_box(&sig).recover(&digest)));
    g.finish();

    // A batch as the verifying cores see it: 64 transactions, hashed one at a time or with
    // their parts side by side. Per transaction.
    let batch: Vec<PaymentTx> = (0..64).map(full_tx).collect();
    let refs: Vec<&PaymentTx> = batch.iter().collect();
    let mut g = c.benchmark_group("tx_batch_of_64");
    g.throughput(Throughput::Elements(64));
    g.bench_function("eip712_signing_hash_one_at_a_time", |b| {
        b.iter(|| black_box(&refs).iter().map(|t| t.signing_hash(&domain)).collect::<Vec<_>>())
    });
    g.bench_function("eip712_signing_hashes_side_by_side", |b| {
        b.iter(|| plasma_primitives::eip712::signing_hashes(black_box(&refs), &domain))
    });
    g.finish();
}

fn tree(c: &mut Criterion) {
    let leaves: Vec<Vec<u8>> =
        (0..merkle::MAX_LEAVES as u64).map(|i| full_tx(i).encode()).collect();
    let hashes: Vec<B256> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
    let tree = MerkleTree::from_leaf_hashes(hashes.clone()).unwrap();
    let root = tree.root();
    let proof = tree.proof(12_345).unwrap();

    let mut g = c.benchmark_group("merkle");
    g.sample_size(10);
    g.throughput(Throughput::Elements(merkle::MAX_LEAVES as u64));
    g.bench_function("root_65536_from_tx_bytes", |b| {
        b.iter(|| MerkleTree::from_leaves(black_box(&leaves)))
    });
    g.bench_function("root_65536_from_leaf_hashes", |b| {
        b.iter_batched(|| hashes.clone(), MerkleTree::from_leaf_hashes, BatchSize::LargeInput)
    });
    g.finish();

    let mut g = c.benchmark_group("merkle_proof");
    g.throughput(Throughput::Elements(1));
    g.bench_function("proof_from_full_tree", |b| b.iter(|| tree.proof(black_box(12_345))));
    g.bench_function("verify_proof_depth_16", |b| {
        b.iter(|| merkle::verify(black_box(&leaves[12_345]), 12_345, &root, &proof))
    });
    g.finish();
}

criterion_group!(benches, codec, tree);
criterion_main!(benches);
