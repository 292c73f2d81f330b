//! Storage figures for the docs: what Plasma Cash asks of a client. A coin's owner keeps a
//! proof for *every* operator block (non-inclusion when the coin did not move), so the
//! history grows with the block rate, not with the coin's use; checkpoints bound it. The
//! proof sizes are measured on real sparse Merkle trees and compared with their expectation,
//! which then gives the yearly figures for block sizes too large to build here.

use alloy_primitives::{Address, B256, U256, keccak256};
pub use plasma_primitives::cash::expected_proof_bytes;
use plasma_primitives::cash::{CashTx, SparseMerkleTree};
use serde::Serialize;
use std::{collections::BTreeMap, fmt::Write};

/// Seconds in a (365-day) year.
pub const YEAR_SECS: u64 = 365 * 24 * 3600;

/// Bytes of a stored signature (mode byte + r ‖ s ‖ v).
pub const SIGNATURE_BYTES: u64 = 66;

/// The simple estimate `8 + 32·log2(n)` (0 siblings for n ≤ 1).
pub fn log2_estimate_bytes(n: u64) -> f64 {
    8.0 + 32.0 * (n.max(1) as f64).log2()
}

/// Proof sizes of a tree of some size: measured on a real tree, or (for trees too large to
/// build quickly) only expected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProofSizeSample {
    /// Coins (txs) in the tree.
    pub coins: u64,
    /// Average bytes of a non-inclusion proof (a slot not in the tree), if measured.
    pub measured_non_inclusion: Option<f64>,
    /// Average bytes of an inclusion proof, if measured.
    pub measured_inclusion: Option<f64>,
    /// [`expected_proof_bytes`] for a slot outside the tree.
    pub expected_non_inclusion: f64,
    /// [`log2_estimate_bytes`].
    pub log2_estimate: f64,
}

fn pseudo_slot(tag: &[u8], i: u64) -> u64 {
    let mut seed = tag.to_vec();
    seed.extend_from_slice(&i.to_be_bytes());
    u64::from_be_bytes(keccak256(&seed).0[..8].try_into().unwrap_or([0; 8]))
}

/// Builds a real tree of `coins` coins at pseudo-random slots and averages the proof sizes
/// of `samples` of them and of `samples` slots outside it. Building dominates: about a
/// second per 100,000 coins in a release build.
pub fn measure_proof_sizes(coins: u64, samples: u64) -> ProofSizeSample {
    let leaves: BTreeMap<u64, B256> =
        (0..coins).map(|i| (pseudo_slot(b"coin", i), keccak256(i.to_be_bytes()))).collect();
    let tree = SparseMerkleTree::new(leaves.clone());
    let samples = samples.max(1);
    let average = |slots: &mut dyn Iterator<Item = u64>| {
        let (total, count) =
            slots.fold((0usize, 0u64), |(t, c), slot| (t + tree.proof(slot).len(), c + 1));
        if count == 0 { 0.0 } else { total as f64 / count as f64 }
    };
    let step = (leaves.len() as u64 / samples).max(1) as usize;
    let measured_inclusion = average(&mut leaves.keys().step_by(step).copied());
    let measured_non_inclusion = average(
        &mut (0..samples).map(|i| pseudo_slot(b"absent", i)).filter(|s| !leaves.contains_key(s)),
    );
    ProofSizeSample {
        measured_non_inclusion: Some(measured_non_inclusion),
        measured_inclusion: Some(measured_inclusion),
        ..expected_proof_sizes(coins)
    }
}

/// The expected proof sizes in a tree of `coins` coins, without building it.
pub fn expected_proof_sizes(coins: u64) -> ProofSizeSample {
    ProofSizeSample {
        coins,
        measured_non_inclusion: None,
        measured_inclusion: None,
        expected_non_inclusion: expected_proof_bytes(coins),
        log2_estimate: log2_estimate_bytes(coins),
    }
}

/// A representative coin tx's RLP size: an 8-byte slot, a `prevBlock` of a year of 15 s
/// blocks (~2.1e9), 1 ether, an address.
pub fn typical_tx_bytes() -> u64 {
    let tx = CashTx {
        slot: u64::MAX,
        prev_block: U256::from(2_102_000_000u64),
        denomination: U256::from(1_000_000_000_000_000_000u64),
        new_owner: Address::repeat_byte(0xaa),
    };
    tx.encode().len() as u64
}

/// One way a chain could run, for the history figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HistoryScenario {
    /// Seconds between operator blocks.
    pub block_interval_secs: u64,
    /// Txs in each operator block (what sets the proof sizes).
    pub txs_per_block: u64,
    /// How often the coin moves a year.
    pub moves_per_year: u64,
    /// Seconds between checkpoints, or `None` without checkpoints.
    pub checkpoint_interval_secs: Option<u64>,
    /// Seconds from a checkpoint's submission until it is final (dispute window + response
    /// period), during which the history before it cannot be dropped yet.
    pub checkpoint_finality_secs: u64,
    /// Coins in a checkpoint (what sets the checkpoint proof's size).
    pub coins: u64,
}

/// What a client stores for one coin in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistorySize {
    /// The scenario.
    pub scenario: HistoryScenario,
    /// Operator blocks a year.
    pub blocks_per_year: u64,
    /// Expected bytes of a non-inclusion proof in one block.
    pub non_inclusion_bytes: f64,
    /// Expected bytes of a block where the coin moves: tx + signature + inclusion proof.
    pub inclusion_entry_bytes: f64,
    /// Bytes of a year of history without checkpoints.
    pub bytes_per_year: f64,
    /// With checkpoints: the most the client ever keeps (history since the last final
    /// checkpoint, i.e. up to one interval plus the finality delay, and the checkpoint
    /// origin: leaf tx, its block proof and its checkpoint proof).
    pub bytes_kept_with_checkpoints: Option<f64>,
}

/// The bytes of `secs` seconds of history in `s`.
fn history_bytes(s: &HistoryScenario, secs: u64, non_inclusion: f64, inclusion_entry: f64) -> f64 {
    let interval = s.block_interval_secs.max(1) as f64;
    let blocks = secs as f64 / interval;
    let moves = (s.moves_per_year as f64 * secs as f64 / YEAR_SECS as f64).min(blocks);
    (blocks - moves) * non_inclusion + moves * inclusion_entry
}

/// The storage a coin's history takes in scenario `s` (expected proof sizes).
pub fn history_size(s: &HistoryScenario) -> HistorySize {
    let non_inclusion = expected_proof_bytes(s.txs_per_block);
    let inclusion_proof = expected_proof_bytes(s.txs_per_block.saturating_sub(1));
    let tx = typical_tx_bytes() as f64;
    let inclusion_entry = tx + SIGNATURE_BYTES as f64 + inclusion_proof;
    let bytes_kept_with_checkpoints = s.checkpoint_interval_secs.map(|every| {
        let window = every.saturating_add(s.checkpoint_finality_secs);
        let origin = tx + inclusion_proof + expected_proof_bytes(s.coins.saturating_sub(1));
        origin + history_bytes(s, window, non_inclusion, inclusion_entry)
    });
    HistorySize {
        scenario: *s,
        blocks_per_year: YEAR_SECS / s.block_interval_secs.max(1),
        non_inclusion_bytes: non_inclusion,
        inclusion_entry_bytes: inclusion_entry,
        bytes_per_year: history_bytes(s, YEAR_SECS, non_inclusion, inclusion_entry),
        bytes_kept_with_checkpoints,
    }
}

/// Every figure the docs show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Proof sizes on real trees.
    pub proof_sizes: Vec<ProofSizeSample>,
    /// Bytes of a typical coin tx.
    pub tx_bytes: u64,
    /// History sizes per coin.
    pub histories: Vec<HistorySize>,
}

/// The scenarios of the docs: a block every 15 s or every minute; 10, 1,000 or 100,000 txs a
/// block; a coin moving 12 times a year; monthly checkpoints final 10 days after submission
/// (7-day window + 3-day response, the suggested periods) over 1,000,000 coins.
pub fn default_scenarios() -> Vec<HistoryScenario> {
    let mut out = Vec::new();
    for block_interval_secs in [15, 60] {
        for txs_per_block in [10, 1_000, 100_000] {
            out.push(HistoryScenario {
                block_interval_secs,
                txs_per_block,
                moves_per_year: 12,
                checkpoint_interval_secs: Some(30 * 24 * 3600),
                checkpoint_finality_secs: 10 * 24 * 3600,
                coins: 1_000_000,
            });
        }
    }
    out
}

/// Measures real trees of each size in `measured` (`samples` proofs of each kind), gives
/// the expectation only for each size in `expected_only`, and sizes each scenario.
pub fn figures(
    measured: &[u64],
    expected_only: &[u64],
    samples: u64,
    scenarios: &[HistoryScenario],
) -> Figures {
    let measured = measured.iter().map(|&n| measure_proof_sizes(n, samples));
    Figures {
        proof_sizes: measured
            .chain(expected_only.iter().map(|&n| expected_proof_sizes(n)))
            .collect(),
        tx_bytes: typical_tx_bytes(),
        histories: scenarios.iter().map(history_size).collect(),
    }
}

/// `bytes` with a decimal unit (B, kB, MB, GB).
pub fn human_bytes(bytes: f64) -> String {
    match bytes {
        b if b >= 1e9 => format!("{:.2} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.1} kB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

fn duration(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// The figures as two markdown tables.
pub fn render_markdown(f: &Figures) -> String {
    let mut out = String::new();
    out.push_str(
        "| txs in the block | non-inclusion proof (measured) | inclusion proof (measured) \
         | expectation | 8 + 32·log2 N |\n| --- | --- | --- | --- | --- |\n",
    );
    for p in &f.proof_sizes {
        let measured =
            |m: Option<f64>| m.map_or_else(|| "not built".to_owned(), |b| format!("{b:.1} B"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} B | {:.1} B |",
            p.coins,
            measured(p.measured_non_inclusion),
            measured(p.measured_inclusion),
            p.expected_non_inclusion,
            p.log2_estimate
        );
    }
    out.push_str(
        "\n| block every | txs per block | proof per block | no checkpoints (per year) \
         | checkpoints (most kept) |\n| --- | --- | --- | --- | --- |\n",
    );
    for h in &f.histories {
        let s = &h.scenario;
        let kept = h.bytes_kept_with_checkpoints.map_or_else(
            || "–".to_owned(),
            |b| {
                let every = s.checkpoint_interval_secs.unwrap_or_default();
                format!("{} (every {})", human_bytes(b), duration(every))
            },
        );
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} B | {} | {} |",
            duration(s.block_interval_secs),
            s.txs_per_block,
            h.non_inclusion_bytes,
            human_bytes(h.bytes_per_year),
            kept
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectation_matches_real_trees() {
        for n in [1u64, 100, 1_000] {
            let p = measure_proof_sizes(n, 200);
            let err = (p.measured_non_inclusion.unwrap() - p.expected_non_inclusion).abs();
            assert!(err < 0.15 * p.expected_non_inclusion, "{p:?}");
        }
        // An empty block proves any slot empty with the bitmap alone.
        assert_eq!(expected_proof_bytes(0), 8.0);
        assert_eq!(measure_proof_sizes(0, 10).measured_non_inclusion, Some(8.0));
    }

    #[test]
    fn checkpoints_bound_the_history() {
        let scenarios = default_scenarios();
        let f = figures(&[100], &[1_000_000], 50, &scenarios);
        assert_eq!(f.proof_sizes[1].measured_inclusion, None);
        for h in &f.histories {
            let kept = h.bytes_kept_with_checkpoints.unwrap();
            assert!(kept < h.bytes_per_year / 5.0, "{h:?}");
        }
        // A block every 15 s costs four times a block every minute.
        let ratio = f.histories[1].bytes_per_year / f.histories[4].bytes_per_year;
        assert!((ratio - 4.0).abs() < 0.01, "{ratio}");
        let md = render_markdown(&f);
        assert!(md.contains("| 15 s | 1000 |"), "{md}");
        assert!(md.contains("| 1000000 | not built | not built |"), "{md}");
        assert!(serde_json::to_string(&f).unwrap().contains("bytes_per_year"));
    }
}
