//! The seeded model-based simulation holds its invariants on a fixed set of seeds (the longer
//! runs: `plasma scenario --random --seeds N`, docs/reliability.md).

use plasma_devnet::simulation::{self, Action, SimConfig, actions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_seeds_keep_every_invariant() {
    for seed in 1..=3 {
        let config = SimConfig { seed, steps: 150, ..SimConfig::default() };
        let report = simulation::run(&config).await.unwrap_or_else(|f| panic!("{f}"));
        // The run must have exercised the exit paths, not only payments.
        for kind in ["pay", "standard exit", "in-flight exit of a withheld payment", "process"] {
            assert!(
                report.done.get(kind).copied().unwrap_or(0) > 0,
                "seed {seed}: no {kind}: {report:?}"
            );
        }
        assert!(report.blocks > 0 && !report.paid_out.is_zero(), "{report:?}");
        // Seeds 1 and 2 end with a deep reorg and with withheld blocks (seed % 3).
        let ending = ["", "deep reorg (ending)", "withheld blocks (ending)"][seed as usize % 3];
        if !ending.is_empty() {
            assert_eq!(report.done.get(ending), Some(&1), "seed {seed}: {report:?}");
        }
    }
}

#[test]
fn the_action_list_depends_only_on_the_seed() {
    let config = SimConfig { seed: 7, steps: 300, ..SimConfig::default() };
    assert_eq!(actions(&config), actions(&config));
    assert_ne!(actions(&config), actions(&SimConfig { seed: 8, ..config }));
    // An ending comes last, and only last.
    for seed in 1..=6 {
        let list = actions(&SimConfig { seed, ..config });
        let endings: Vec<usize> = (0..list.len())
            .filter(|&i| matches!(list[i], Action::DeepReorg { .. } | Action::Withhold { .. }))
            .collect();
        let expected = if seed % 3 == 0 { vec![] } else { vec![list.len() - 1] };
        assert_eq!(endings, expected, "seed {seed}");
    }
    let users: std::collections::BTreeSet<usize> = actions(&config)
        .iter()
        .filter_map(|a| match a {
            Action::Deposit { user, .. } => Some(*user),
            _ => None,
        })
        .collect();
    assert_eq!(users.len(), 50, "every user gets money");
}
