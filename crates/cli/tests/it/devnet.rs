//! `plasma devnet` starts anvil, the contracts, an operator and a watcher, and they answer.

use jsonrpsee::http_client::HttpClientBuilder;
use plasma_operator::{CashApiClient, OperatorApiClient};
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

#[tokio::test]
async fn the_devnet_comes_up_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["devnet", "--operator.addr", "127.0.0.1:0", "--watcher.addr", "127.0.0.1:0"])
        .args(["--cash.addr", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--out")
        .arg(dir.path().join("deployment.json"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut operator, mut cash) = (None, None);
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("operator    ") {
            operator = Some(url.to_owned());
        }
        if let Some(rest) = line.strip_prefix("cash        ") {
            cash = rest.split_whitespace().next().map(str::to_owned);
        }
        let done = line == "ready; Ctrl-C stops";
        printed.push(line);
        if done {
            break;
        }
    }
    let client =
        HttpClientBuilder::default().build(operator.expect("the operator URL is printed")).unwrap();
    let status = OperatorApiClient::status(&client).await.unwrap();
    assert_eq!(status.pending_block, 1000);
    let deployment: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("deployment.json")).unwrap())
            .unwrap();
    assert_eq!(deployment["chainId"], 31337);
    assert!(deployment["plasmaCash"].is_string(), "{deployment}");
    let cash = HttpClientBuilder::default().build(cash.expect("the Cash URL is printed")).unwrap();
    assert_eq!(CashApiClient::status(&cash).await.unwrap().pending_block, 1000);
    assert!(printed.iter().any(|l| l.contains("watcher challenger")), "{printed:#?}");
    // Ctrl-C, as a user stops it: the devnet stops its parts and its anvil.
    let interrupted =
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    assert!(child.wait().unwrap().success(), "the devnet exits cleanly on Ctrl-C");
}
