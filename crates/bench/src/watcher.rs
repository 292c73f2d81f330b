//! `plasma bench watcher`: verifying a full block against the signature-recovery ceiling.
//!
//! Builds a ledger with one deposit per transaction, a full block of one-input transfers
//! (65,536 by default) and its root, then times [`plasma_watcher::verify_block`] on it: decode, root,
//! signatures on all cores, and re-execution. The ceiling, timed in the same run, is all
//! cores recovering the same signatures and nothing else.

use crate::{BenchError, bench_err, ceiling::recovery_ceiling};
use alloy_primitives::Bytes;
use plasma_ledger::{FeePolicy, Ledger};
use plasma_primitives::{
    Address, B256, MerkleTree, Output, PaymentTx, PrivateKey, Signature, U256, UtxoPos,
};
use plasma_watcher::verify_block;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// The measurement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatcherBenchReport {
    /// Transactions in the block.
    pub txs: usize,
    /// Threads used.
    pub threads: usize,
    /// Signatures recovered per second on all cores.
    pub ceiling_recoveries_per_sec: f64,
    /// Transactions verified per second by the watcher's block verification.
    pub verify_tx_per_sec: f64,
    /// `verify_tx_per_sec / ceiling`.
    pub ratio: f64,
}

/// Runs the benchmark on a block of `txs` transfers from `accounts` keys.
pub fn run(
    txs: usize,
    accounts: usize,
    progress: impl Fn(&str),
) -> Result<WatcherBenchReport, BenchError> {
    let domain = B256::repeat_byte(0x5a);
    let keys: Vec<PrivateKey> = (0..accounts.max(1))
        .map(|i| PrivateKey::from_seed(format!("bench {i}").as_bytes()))
        .collect();
    progress(&format!("{txs} deposits into the ledger"));
    let mut ledger = Ledger::new(FeePolicy::free()).without_change_tracking();
    let amount = U256::from(1_000_000u64);
    let mut positions = Vec::with_capacity(txs);
    let mut blknum = 0u64;
    for i in 0..txs {
        blknum += 1;
        if blknum.is_multiple_of(1000) {
            blknum += 1;
        }
        let owner = keys[i % keys.len()].address();
        let deposit = PaymentTx::deposit(owner, Address::ZERO, amount).map_err(bench_err)?;
        positions.push(ledger.deposit(blknum, &deposit).map_err(bench_err)?);
    }
    progress(&format!("signing a block of {txs} transfers"));
    let signed: Vec<_> = positions
        .par_iter()
        .enumerate()
        .map(|(i, pos): (usize, &UtxoPos)| {
            let key = &keys[i % keys.len()];
            let out = Output { owner: key.address(), token: Address::ZERO, amount };
            PaymentTx::new(vec![*pos], vec![out], B256::ZERO).and_then(|t| t.sign(&[key], &domain))
        })
        .collect::<Result<_, _>>()
        .map_err(bench_err)?;
    let leaves: Vec<Vec<u8>> = signed.iter().map(|s| s.tx().encode()).collect();
    let root = MerkleTree::from_leaves(&leaves).map_err(bench_err)?.root();
    let bytes: Vec<Bytes> = signed.iter().map(|s| Bytes::from(s.encode())).collect();

    progress("measuring the signature-recovery ceiling on all cores");
    let work: Vec<(B256, Signature)> =
        signed.par_iter().map(|s| (s.tx().signing_hash(&domain), s.signatures()[0])).collect();
    let ceiling = recovery_ceiling(&work, |(digest, sig)| sig.recover(digest).is_ok())?;

    progress("verifying the block");
    let started = Instant::now();
    let verified =
        verify_block(&ledger, &domain, ledger.pending_block(), root, &bytes).map_err(bench_err)?;
    let rate = txs as f64 / started.elapsed().as_secs_f64();
    if verified.unsigned.len() != txs {
        return Err(bench_err("the block did not verify whole"));
    }
    Ok(WatcherBenchReport {
        txs,
        threads: rayon::current_num_threads(),
        ceiling_recoveries_per_sec: ceiling,
        verify_tx_per_sec: rate,
        ratio: rate / ceiling,
    })
}
