//! The `plasma` binary as a user runs it.

mod cash_node;
mod crash;
mod demo;
mod devnet;
mod fees;
mod messages;
mod readme;
mod tx;
mod wallet;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Output, Stdio},
};

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

/// A real anvil node and a client of it, every development account funded (the test kit's).
pub(crate) async fn funded_anvil()
-> (plasma_rootchain::Anvil, std::sync::Arc<plasma_rootchain::RpcChain>) {
    let (anvil, chain) = plasma_testkit::anvil().await;
    (anvil, std::sync::Arc::new(chain))
}

/// The framework deployed on `chain` by dev key 0, and its deployment file (as `plasma
/// deploy` writes it) in a new temporary folder: what `plasma node --contracts` reads.
pub(crate) async fn deploy_for_node(
    chain: &std::sync::Arc<plasma_rootchain::RpcChain>,
) -> (plasma_framework::Plasma<plasma_rootchain::RpcChain>, tempfile::TempDir, std::path::PathBuf) {
    use plasma_rootchain::RootChain;
    let operator = chain.accounts()[0];
    let start = chain.head().await.unwrap().number;
    let config = plasma_framework::FrameworkConfig::new(operator);
    let plasma = plasma_framework::Plasma::deploy(chain.clone(), operator, &config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("deployment.json");
    let a = plasma.addresses();
    let deployment = serde_json::json!({
        "chainId": 31337, "deployedAtBlock": start + 1,
        "framework": a.framework, "ethVault": a.eth_vault, "erc20Vault": a.erc20_vault, "exitGame": a.exit_game,
    });
    std::fs::write(&contracts, deployment.to_string()).unwrap();
    (plasma, dir, contracts)
}

/// Starts `plasma node` (dev key 0 as operator, API on a free port) on the root chain at `url`
/// with `args` added; returns the process and the API URL it prints.
pub(crate) fn spawn_node(
    url: &str,
    contracts: &Path,
    data: &Path,
    args: &[&str],
) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["node", "--l1.rpc", url, "--rpc.addr", "127.0.0.1:0"])
        .args(args)
        .arg("--contracts")
        .arg(contracts)
        .arg("--data-dir")
        .arg(data)
        .env("PLASMA_OPERATOR_KEY", hex::encode(plasma_rootchain::dev_key(0).to_bytes()))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the plasma binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let api = loop {
        let line = lines.next().expect("the node prints its address").unwrap();
        if let Some(api) = line.strip_prefix("rpc: ") {
            break api.to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, api)
}
