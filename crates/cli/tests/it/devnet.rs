//! `plasma devnet` starts anvil, the contracts, an operator and a watcher, and they answer.

use jsonrpsee::http_client::HttpClientBuilder;
use plasma_cash::api::CashApiClient;
use plasma_operator::OperatorApiClient;
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

/// A second `plasma devnet` in the same folder, as a user restarts it: the first one left its
/// `devnet-data` with a sealed block 1000 and a payment; the second, on a fresh anvil with new
/// contracts, says it discarded that state and serves: a deposit and a payment are sealed,
/// committed and verified by its watcher (no alarm), and it keeps running.
#[test]
fn a_devnet_restarted_in_the_same_folder_starts_afresh_and_serves() {
    use crate::wallet::spawn_devnet;
    use plasma_watcher::WatcherApiClient;
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for run in 0..2 {
        let mut net = spawn_devnet(dir.path(), &[]);
        assert!(net.ready, "run {run} never got ready: {:#?}", net.printed);
        let wallets = dir.path().join(format!("wallets-{run}"));
        std::fs::create_dir(&wallets).unwrap();
        let w = wallets.as_path();
        let bob = net.wallet(w, 2, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();
        net.wallet(w, 1, &["deposit", "1"]).unwrap();
        net.eventually(w, 1, &["balance"], |v| v[0]["amount"] == "1000000000000000000");
        let sent = net.wallet(w, 1, &["send", &bob, "0.25"]).unwrap();
        assert_eq!(sent["blknum"], 1000, "run {run}: {sent}");
        let tx_hash = sent["txHash"].as_str().unwrap().to_owned();
        let verified = net.eventually(w, 2, &["verify", &tx_hash], |_| true);
        assert_eq!(verified["amount"], "250000000000000000", "run {run}: {verified}");
        let watcher = HttpClientBuilder::default().build(&net.watcher).unwrap();
        let status = runtime.block_on(WatcherApiClient::status(&watcher)).unwrap();
        assert!(status.last_verified_block >= 1000, "run {run}: {status:?}");
        assert_eq!(status.byzantine, None, "run {run}: the watcher raised an alarm");
        std::thread::sleep(std::time::Duration::from_secs(1));
        assert!(net.child.try_wait().unwrap().is_none(), "run {run}: the devnet died");
        let discarded = net.printed.iter().any(|l| l.starts_with("discarded   devnet-data: "));
        assert_eq!(discarded, run == 1, "run {run}: {:#?}", net.printed);
        drop(net);
    }
    let marker = dir.path().join("devnet-data").join(plasma_devnet::devnet::DATA_DIR_MARKER);
    assert!(marker.is_file(), "the devnet marks its data directory as its own");
}

/// A data directory the devnet did not create is never deleted: the devnet refuses it in one
/// line naming it, and the file in it is still there.
#[test]
fn a_devnet_refuses_a_data_directory_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("precious");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("notes.txt"), "mine").unwrap();
    let data_arg = data.to_str().unwrap();
    let out = dir.path().join("deployment.json");
    // Bounded: a devnet that took the folder would serve until stopped.
    let mut child = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["devnet", "--operator.addr", "127.0.0.1:0", "--watcher.addr", "127.0.0.1:0"])
        .args(["--cash.addr", "127.0.0.1:0", "--data-dir", data_arg, "--out"])
        .arg(&out)
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let _ = child.wait();
            panic!("the devnet started on a folder it did not create");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success(), "the devnet should refuse {data_arg}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(data_arg) && err.contains("did not create"), "{err}");
    assert!(err.contains("--data-dir"), "{err}");
    assert_eq!(std::fs::read_to_string(data.join("notes.txt")).unwrap(), "mine");
    assert!(!out.exists(), "it refused before deploying anything");
}

/// The processes whose parent is `pid`, with their names (from `/proc`).
fn children_of(pid: u32) -> Vec<(u32, String)> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().map_while(Result::ok) {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(pid) {
            let child = stat[..open].trim().parse().unwrap();
            children.push((child, stat[open + 1..close].to_owned()));
        }
    }
    children
}

/// The process runs (it exists and is not a zombie waiting for a reaper).
fn running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    let state = stat.rfind(')').and_then(|i| stat[i + 1..].split_whitespace().next());
    !matches!(state, Some("Z" | "X") | None)
}

/// `kill -9` of the devnet leaves no anvil behind: the kernel kills its child with it.
#[test]
fn a_killed_devnet_takes_its_anvil_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = crate::wallet::spawn_devnet(dir.path(), &[]);
    assert!(net.ready, "{:#?}", net.printed);
    let devnet = net.child.id();
    let anvils: Vec<u32> =
        children_of(devnet).into_iter().filter(|(_, name)| name == "anvil").map(|c| c.0).collect();
    assert_eq!(anvils.len(), 1, "the devnet runs one anvil: {:?}", children_of(devnet));
    let anvil = anvils[0];
    assert!(running(anvil));
    net.child.kill().unwrap(); // SIGKILL: no chance to stop anything itself
    net.child.wait().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while running(anvil) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left = running(anvil);
    if left {
        let _ = Command::new("kill").args(["-9", &anvil.to_string()]).status();
    }
    assert!(!left, "anvil (pid {anvil}) outlived the devnet killed with kill -9");
}
