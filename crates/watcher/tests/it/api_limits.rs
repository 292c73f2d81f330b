//! The watcher's API has the operator's limits: a slow or idle client cannot lock others out,
//! and a batch over the limit is refused with a clear error.

use crate::*;
use plasma_server::ApiLimits;
use plasma_watcher::{WatcherApiClient, WatcherService};
use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

async fn service(w: &World) -> WatcherService {
    let watcher = w.watcher(WatcherConfig::default()).await;
    // Short timeouts, so that the test sees the slow clients closed; the default connection
    // and batch limits (the operator's).
    let limits = ApiLimits {
        header_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        ..ApiLimits::default()
    };
    let addr = "127.0.0.1:0".parse().unwrap();
    let poll = Duration::from_millis(10);
    WatcherService::start_with_limits(watcher, addr, &limits, poll, None).await.unwrap()
}

/// Connections from `source` that each send a request's headers and one byte of its body.
async fn slowloris(server: SocketAddr, source: IpAddr, n: usize) -> Vec<TcpStream> {
    let request = b"POST / HTTP/1.1\r\nhost: plasma\r\ncontent-type: application/json\r\n\
                    content-length: 100\r\n\r\n{";
    let mut streams = Vec::new();
    for _ in 0..n {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(source, 0)).unwrap();
        let mut stream = socket.connect(server).await.unwrap();
        let _ = stream.write_all(request).await;
        streams.push(stream);
    }
    streams
}

/// Waits until the server closes `stream` (end of stream or reset), at most `deadline`.
async fn closed_by_server(mut stream: TcpStream, deadline: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(deadline, async { while let Ok(1..) = stream.read(&mut buf).await {} })
        .await
        .is_ok()
}

#[tokio::test]
async fn slow_clients_do_not_lock_others_out_of_the_watcher_api() {
    let w = World::new().await;
    let service = service(&w).await;
    let slow = slowloris(service.rpc_addr(), [127, 0, 0, 2].into(), 300).await;
    let api = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", service.rpc_addr()))
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(60), api.status()).await;
    let status = status.expect("the API answers within a minute");
    status.expect("a normal request is answered while slow clients wait");
    for (i, stream) in slow.into_iter().enumerate() {
        // The request timeout is 2 s; a minute is generous.
        assert!(
            closed_by_server(stream, Duration::from_secs(60)).await,
            "slow connection {i} is still open"
        );
    }
    // A new client: the first one's idle connection has met the same timeout.
    let api = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", service.rpc_addr()))
        .unwrap();
    api.status().await.unwrap();
    service.stop().await;
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused() {
    let w = World::new().await;
    let service = service(&w).await;
    let calls: Vec<serde_json::Value> = (0..10_000)
        .map(|id| serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "watcher_status"}))
        .collect();
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}", service.rpc_addr()))
        .json(&calls)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!answer.is_array(), "10,000 calls were answered one by one");
    assert_eq!(answer["error"]["code"], -32010, "{answer}");
    assert_eq!(answer["error"]["message"], "The batch request was too large", "{answer}");
    assert_eq!(answer["error"]["data"], "Exceeded max limit of 100", "{answer}");
    service.stop().await;
}
