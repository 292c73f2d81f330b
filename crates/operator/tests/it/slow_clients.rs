//! Slow and idle clients cannot lock others out of the operator's and the Cash operator's
//! APIs: hundreds of connections that send a request's headers and one byte of its body, then
//! wait, leave a normal request answered, and are closed once the request timeout passes.

use crate::*;
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig, api::CashApiClient};
use plasma_operator::ApiLimits;
use plasma_storage::{Journal, MemoryStore};
use std::net::{IpAddr, SocketAddr};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

/// Connections from `source` to `server` that each send a request's headers and one byte of
/// its 100-byte body, then wait (a connection the server refuses at once is kept too).
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

/// Connections from `source` that send nothing, or half a request's headers.
async fn idle(server: SocketAddr, source: IpAddr, n: usize) -> Vec<TcpStream> {
    let mut streams = Vec::new();
    for i in 0..n {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(source, 0)).unwrap();
        let mut stream = socket.connect(server).await.unwrap();
        if i % 2 == 1 {
            let _ = stream.write_all(b"POST / HTTP/1.1\r\nhost: pla").await;
        }
        streams.push(stream);
    }
    streams
}

/// Waits until the server closes `stream` (end of stream or reset), at most `deadline`.
async fn closed_by_server(mut stream: TcpStream, deadline: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(deadline, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// Short timeouts, so that the test sees the slow clients closed; the default connection
/// limits (256 in all, 64 per address).
fn limits() -> ApiLimits {
    ApiLimits {
        header_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        ..ApiLimits::default()
    }
}

/// Opens 300 body-slow connections from 127.0.0.2 and 20 idle ones from 127.0.0.3 against the
/// API at `server`, checks that `answered` (a normal request from 127.0.0.1) succeeds, then
/// that the server closes every slow and idle connection.
async fn survives_slow_clients<T, E: std::fmt::Debug>(
    server: SocketAddr,
    answered: impl Future<Output = Result<T, E>>,
) {
    let mut slow = slowloris(server, [127, 0, 0, 2].into(), 300).await;
    slow.extend(idle(server, [127, 0, 0, 3].into(), 20).await);
    let answer = tokio::time::timeout(Duration::from_secs(60), answered).await;
    let answer = answer.expect("the API answers within a minute");
    answer.expect("a normal request is answered while slow clients wait");
    for (i, stream) in slow.into_iter().enumerate() {
        // The request timeout is 2 s; a minute is generous.
        assert!(
            closed_by_server(stream, Duration::from_secs(60)).await,
            "slow connection {i} is still open"
        );
    }
}

#[tokio::test]
async fn slow_clients_do_not_lock_others_out_of_the_operator_api() {
    let plasma = root_chain().await;
    let config = OperatorConfig { api: limits(), ..test_config() };
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    survives_slow_clients(node.rpc_addr(), OperatorApiClient::status(&client)).await;
    // And the API still serves afterwards (a new client: the first one's idle connection
    // has met the same timeout).
    let (addr, client) = (node.rpc_addr(), HttpClientBuilder::default());
    OperatorApiClient::status(&client.build(format!("http://{addr}")).unwrap()).await.unwrap();
    node.stop().await;
}

#[tokio::test]
async fn slow_clients_do_not_lock_others_out_of_the_cash_api() {
    let chain = Arc::new(EmbeddedChain::new());
    let operator = chain.accounts()[0];
    let cash_config = CashConfig::new(operator);
    let contract = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
    let contract = Arc::new(contract.await.unwrap());
    let config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(100),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: 0,
        l1_confirmations: 0,
        checkpoint_every: None,
        api: limits(),
        expected_chain_id: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let node = CashNode::start(config, contract, operator, journal).await.unwrap();
    let client = plasma_testkit::client(node.rpc_addr());
    survives_slow_clients(node.rpc_addr(), CashApiClient::status(&client)).await;
    let client = plasma_testkit::client(node.rpc_addr());
    CashApiClient::status(&client).await.unwrap();
    node.stop().await;
}
