use crate::ok;

#[test]
fn demo_runs_and_every_check_holds() {
    let out = ok(&["demo", "--txs", "300"]);
    assert_eq!(out.matches('✓').count(), 3, "{out}");
    assert!(!out.contains('✗') && !out.contains("NOT REFUSED"), "{out}");
}

#[test]
fn demo_refuses_an_impossible_block() {
    let err = crate::fails(&["demo", "--txs", "70000"]);
    assert!(err.contains("70000"), "{err}");
}
