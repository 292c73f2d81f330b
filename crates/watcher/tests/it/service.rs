//! The watcher service's loop. (The service beside a real operator node is a test of the
//! harness: `crates/devnet/tests/clients/watcher_service.rs`.)

use crate::*;
use plasma_watcher::{WatcherApiClient, WatcherError, WatcherService};
use std::time::Duration;

/// A reorganisation deeper than the confirmation depth, which drops a deposit the watcher
/// already read, stops the service's loop with that error (as the coin watcher's): it does not
/// retry for ever on a cursor that can make no progress.
#[tokio::test]
async fn a_deep_reorg_stops_the_watcher_service() {
    let w = World::new().await;
    let config = WatcherConfig { confirmations: 1, ..WatcherConfig::default() };
    let watcher = w.watcher(config).await;
    let mut service = WatcherService::start(
        watcher,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(5),
        None,
    )
    .await
    .unwrap();
    let api = plasma_testkit::client(service.rpc_addr());
    let chain = w.plasma.chain();
    let snapshot = chain.snapshot().await.unwrap();
    let (dep, _) = w.deposit(ALICE, 1000).await;
    chain.mine().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while api.exit_data(dep.raw()).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the watcher never read the deposit");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    chain.revert(snapshot).await.unwrap();
    for _ in 0..3 {
        chain.mine().await.unwrap();
    }
    let stopped = tokio::time::timeout(Duration::from_secs(60), service.stopped())
        .await
        .expect("the watcher went on after a deep reorg")
        .unwrap();
    assert!(
        matches!(
            stopped,
            WatcherError::RootChain(plasma_rootchain::RootChainError::DeepReorg { .. })
        ),
        "{stopped}"
    );
    service.stop().await;
}

/// A webhook receiver on a free local port: answers every request 200 and hands over each
/// request's JSON body.
async fn webhook_receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alarm", listener.local_addr().unwrap());
    let (sender, bodies) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then the body its Content-Length announces.
            let body = loop {
                let n = stream.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).to_string();
                let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(str::to_owned)
                    })
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break Some(body[..length].to_owned());
                }
            };
            let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(reply).await;
            if let Some(json) = body.and_then(|b| serde_json::from_str(&b).ok()) {
                let _ = sender.send(json);
            }
        }
    });
    (url, bodies)
}

/// The engine's loop posts alarms, and only alarms, to the webhook: a double spend in block
/// 2000 reaches it with its evidence; the honest block 1000 (a `blockVerified`) does not.
#[tokio::test]
async fn alarms_and_only_alarms_reach_the_webhook() {
    let w = World::new().await;
    let (url, mut bodies) = webhook_receiver().await;
    let watcher = w.watcher(WatcherConfig::default()).await;
    let service = WatcherService::start(
        watcher,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(5),
        Some(url),
    )
    .await
    .unwrap();
    let (alice_dep, _) = w.deposit(ALICE, 1000).await;
    let (mallory_dep, _) = w.deposit(MALLORY, 100).await;
    w.commit(&[w.transfer(ALICE, vec![alice_dep], vec![(BOB, 1000)])], false).await;
    let twice = [
        w.transfer(MALLORY, vec![mallory_dep], vec![(MALLORY, 100)]),
        w.transfer(MALLORY, vec![mallory_dep], vec![(OPERATOR, 100)]),
    ];
    w.commit(&twice, false).await;
    let mut kinds = Vec::new();
    let first = tokio::time::timeout(Duration::from_secs(60), bodies.recv())
        .await
        .expect("no alarm reached the webhook")
        .unwrap();
    assert_eq!(first["kind"], "invalidBlock", "{first}");
    assert_eq!(first["blknum"], 2000, "{first}");
    assert_eq!(first["rule"], "invalidTx", "{first}");
    kinds.push(first["kind"].clone());
    // Whatever else arrives within a moment (the exit-now alarm) is an alarm too.
    while let Ok(Some(body)) = tokio::time::timeout(Duration::from_millis(500), bodies.recv()).await
    {
        kinds.push(body["kind"].clone());
    }
    assert!(kinds.iter().all(|k| k != "blockVerified"), "a non-alarm was posted: {kinds:?}");
    service.stop().await;
}
