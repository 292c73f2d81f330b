//! The `plasma` binary as a user runs it.

mod cash_node;
mod crash;
mod demo;
mod devnet;
mod tx;
mod wallet;

use std::process::{Command, Output};

/// Runs `plasma` with `args` and no environment keys.
pub(crate) fn plasma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(args)
        .env_remove("PLASMA_KEY")
        .output()
        .expect("the plasma binary runs")
}

/// Standard output of a run that must succeed.
pub(crate) fn ok(args: &[&str]) -> String {
    let out = plasma(args);
    assert!(
        out.status.success(),
        "plasma {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Standard error of a run that must fail, which must be one line.
pub(crate) fn fails(args: &[&str]) -> String {
    let out = plasma(args);
    assert!(!out.status.success(), "plasma {args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one-line error expected, got {err:?}");
    err.trim().to_owned()
}
