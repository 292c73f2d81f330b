use crate::{fails, ok};

#[test]
fn the_format_tour_runs_and_every_check_holds() {
    let out = ok(&["demo", "--formats", "--txs", "300"]);
    assert_eq!(out.matches('✓').count(), 3, "{out}");
    assert!(!out.contains('✗') && !out.contains("NOT REFUSED"), "{out}");
}

#[test]
fn the_format_tour_refuses_an_impossible_block() {
    let err = fails(&["demo", "--formats", "--txs", "70000"]);
    assert!(err.contains("70000"), "{err}");
}

#[test]
fn the_network_demo_runs_end_to_end() {
    let out = ok(&["demo", "--transfers", "200"]);
    for step in [
        "1. ",
        "4. 200 payments",
        "5. ",
        "watcher: invalid exit",
        "watcher: challenged it",
        "8. Balances",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    assert!(out.contains("no alarm: true"), "{out}");
    assert!(out.contains("done in"), "{out}");
    // The table is what the operator counts after it read Bob's exit: the four deposits of
    // 10 ETH, less what Bob took out, are still on the child chain (Carol's exit failed).
    let milli = |text: &str| -> u64 { text.replace('.', "").trim().parse().unwrap() };
    let exited = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("bob   exits ")?.split(" ETH").next())
        .map(milli)
        .unwrap_or_else(|| panic!("no exit of Bob's in:\n{out}"));
    let on_child_chain: u64 = out
        .lines()
        .filter_map(|l| l.split("child chain ").nth(1)?.strip_suffix(" ETH").map(milli))
        .sum();
    assert_eq!(on_child_chain + exited, 40_000, "{out}");
}

#[test]
fn a_scenario_prints_its_accounting() {
    let out = ok(&["scenario", "invalid-exit"]);
    assert!(
        out.contains("== invalid-exit") && out.contains("cheater") && !out.contains("LOST"),
        "{out}"
    );
    assert!(fails(&["scenario", "nope"]).contains("no scenario \"nope\""));
}
