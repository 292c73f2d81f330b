//! The signature-recovery ceiling every throughput figure is a ratio to.

use crate::{BenchError, bench_err};
use rayon::prelude::*;
use std::time::Instant;

/// Signatures recovered per second on all cores: `recover` on every item of `work` (prepared
/// beforehand, so only recovery is timed), best of three, so that a ceiling disturbed by other
/// work never flatters a ratio. Fails if any recovery fails.
pub(crate) fn recovery_ceiling<T: Sync>(
    work: &[T],
    recover: impl Fn(&T) -> bool + Sync,
) -> Result<f64, BenchError> {
    let mut ceiling = 0f64;
    for _ in 0..3 {
        let started = Instant::now();
        let failed = work.par_iter().map(&recover).filter(|ok| !ok).count();
        ceiling = ceiling.max(work.len() as f64 / started.elapsed().as_secs_f64());
        if failed > 0 {
            return Err(bench_err("a pre-signed transaction failed recovery"));
        }
    }
    Ok(ceiling)
}
