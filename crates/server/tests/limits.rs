//! The accept loop's own limits, on a one-method API: a connection over the per-address or
//! the total limit is answered `429` and closed at once, a request whose body does not arrive
//! in time is answered `408` and its connection closed, and other clients are served all along.
//! (The slow-client tests of each real API are in `plasma-operator` and `plasma-watcher`.)

use jsonrpsee::{
    RpcModule, core::client::ClientT, http_client::HttpClientBuilder, rpc_params,
    server::ServerHandle,
};
use plasma_server::{ApiLimits, serve_api};
use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

/// Serves one method, `ping`, answering `"pong"`.
async fn ping_api(limits: &ApiLimits) -> (SocketAddr, ServerHandle) {
    let mut module = RpcModule::new(());
    module.register_method("ping", |_, _, _| String::from("pong")).unwrap();
    serve_api(limits, "127.0.0.1:0".parse().unwrap(), module).await.unwrap()
}

/// A connection to `server` from address `source`.
async fn connect(server: SocketAddr, source: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::from(source), 0)).unwrap();
    socket.connect(server).await.unwrap()
}

/// Everything the server sends on `stream` until it closes it; panics if it is still open
/// after 20 s.
async fn until_closed(mut stream: TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 1024];
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            answer.extend_from_slice(&buf[..n]);
        }
    });
    read.await.expect("the server closes the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

/// `ping` as raw HTTP from `source`, asking the server to close the connection after it.
async fn raw_ping(server: SocketAddr, source: [u8; 4]) -> String {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[]}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nhost: plasma\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = connect(server, source).await;
    stream.write_all(request.as_bytes()).await.unwrap();
    until_closed(stream).await
}

/// `ping` through jsonrpsee's client, from 127.0.0.1.
async fn ping(server: SocketAddr) -> String {
    let client = HttpClientBuilder::default().build(format!("http://{server}")).unwrap();
    client.request("ping", rpc_params![]).await.unwrap()
}

#[tokio::test]
async fn a_connection_over_the_per_address_limit_is_answered_429_and_closed() {
    let limits = ApiLimits { max_connections_per_ip: 2, ..ApiLimits::default() };
    let (server, handle) = ping_api(&limits).await;
    let first = connect(server, [127, 0, 0, 2]).await;
    let _second = connect(server, [127, 0, 0, 2]).await;
    // Connections are admitted in the order they are accepted: the third is over the limit.
    let refused = until_closed(connect(server, [127, 0, 0, 2]).await).await;
    assert!(refused.starts_with("HTTP/1.1 429 Too Many Requests\r\n"), "{refused}");
    assert!(refused.ends_with("the limit per address is 2"), "{refused}");
    // Another address is served meanwhile.
    assert_eq!(ping(server).await, "pong");
    // A closed connection gives its slot back (once the server has seen it close).
    drop(first);
    let mut answer = String::new();
    for _ in 0..100 {
        answer = raw_ping(server, [127, 0, 0, 2]).await;
        if !answer.starts_with("HTTP/1.1 429") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains(r#""result":"pong""#), "{answer}");
    handle.stop().unwrap();
    handle.stopped().await;
}

#[tokio::test]
async fn all_clients_together_hold_at_most_max_connections() {
    let limits = ApiLimits { max_connections: 3, ..ApiLimits::default() };
    let (server, handle) = ping_api(&limits).await;
    let mut held = Vec::new();
    for source in [[127, 0, 0, 2], [127, 0, 0, 3], [127, 0, 0, 4]] {
        held.push(connect(server, source).await);
    }
    let refused = until_closed(connect(server, [127, 0, 0, 5]).await).await;
    assert!(refused.starts_with("HTTP/1.1 429 Too Many Requests\r\n"), "{refused}");
    assert!(refused.ends_with("3 connections are open; the limit is 3"), "{refused}");
    drop(held);
    handle.stop().unwrap();
    handle.stopped().await;
}

#[tokio::test]
async fn a_request_whose_body_does_not_arrive_in_time_is_answered_408_and_closed() {
    let limits = ApiLimits { request_timeout: Duration::from_secs(1), ..ApiLimits::default() };
    let (server, handle) = ping_api(&limits).await;
    let mut slow = connect(server, [127, 0, 0, 2]).await;
    let headers = b"POST / HTTP/1.1\r\nhost: plasma\r\ncontent-type: application/json\r\n\
                    content-length: 100\r\n\r\n{";
    slow.write_all(headers).await.unwrap();
    let answer = until_closed(slow).await;
    assert!(answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(answer.ends_with("the request did not complete within 1 s"), "{answer}");
    // The server still serves.
    assert_eq!(ping(server).await, "pong");
    handle.stop().unwrap();
    handle.stopped().await;
}
