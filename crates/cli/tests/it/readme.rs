//! The README's examples, run as a new user pastes them.

use std::{path::Path, process::Command};

/// The README's `plasma tx` block runs line by line in a shell, each line succeeding.
#[test]
fn the_readme_tx_examples_run_as_written() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let block = readme
        .split("```sh\nTX=")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a block starting with TX=");
    let script = format!("set -e -o pipefail\nTX={block}");
    let bin = Path::new(env!("CARGO_BIN_EXE_plasma")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("PATH", path)
        .env_remove("PLASMA_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{script}\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // decode, encode, decode|encode, hash, sign: the encode of the decode is the original.
    let lines: Vec<&str> = stdout.lines().collect();
    let tx = block.lines().next().unwrap();
    assert!(lines.contains(&tx), "decode | encode should give back the bytes: {stdout}");
    assert!(stdout.contains("\"txHash\"") && stdout.contains("\"signingHash\""), "{stdout}");
}
