//! The benchmarks run end to end on small sizes (the figures themselves come from the release
//! binary: `plasma bench`). These catch a benchmark that no longer runs, e.g. one whose
//! clients a server limit refuses.

use plasma_bench::{cash, node, watcher};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cash_bench_runs_over_two_deposit_rounds_and_groups_its_journal_writes() {
    // 2 × 750 coins: two deposit rounds of 999 and 501.
    let config = cash::CashBenchConfig { transfers: 750, batch: 100, concurrency: 4 };
    let report = cash::run(&config, |_| {}).await.unwrap();
    assert_eq!(report.transfers, 750);
    assert!(report.node_tx_per_sec > 0.0 && report.http_tx_per_sec > 0.0, "{report:?}");
    assert!(report.ceiling_recoveries_per_sec > 0.0, "{report:?}");
    // Batches of 100 share their journal write (seals write too): far fewer syncs than the
    // 1,500 that one write per transfer would take.
    assert!(report.journal_syncs < 100, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cash_bench_refuses_a_batch_over_the_api_limit() {
    let config = cash::CashBenchConfig { transfers: 10, batch: 1_001, concurrency: 1 };
    let err = cash::run(&config, |_| {}).await.unwrap_err().to_string();
    assert!(err.contains("1001"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_bench_runs_in_process_and_over_http() {
    let config = node::NodeBenchConfig { txs: 512, accounts: 16, batch: 64, concurrency: 4 };
    let report = node::run(config, |_| {}).await.unwrap();
    assert_eq!(report.txs, 512);
    assert!(report.node_tx_per_sec > 0.0 && report.http_tx_per_sec > 0.0, "{report:?}");
    assert!(report.blocks_sealed > 0, "{report:?}");
}

#[test]
fn the_watcher_bench_verifies_a_block() {
    let report = watcher::run(256, 8, |_| {}).unwrap();
    assert_eq!(report.txs, 256);
    assert!(report.verify_tx_per_sec > 0.0, "{report:?}");
}
