//! How every JSON-RPC API of the project is served (the operator's, the Cash operator's and
//! the watcher's): jsonrpsee's methods behind an accept loop that bounds what one client can
//! hold, so a slow or idle client cannot deny service to the others.
//!
//! - A connection must send a request's headers within `header_timeout` (also the idle limit
//!   between two requests on one connection), and the whole request (body read and answer
//!   built) must finish within `request_timeout`; past either the connection is closed (after a
//!   `408` for a request that timed out).
//! - One client address holds at most `max_connections_per_ip` connections and all clients at
//!   most `max_connections`; a connection over either limit is answered `429` and closed at
//!   once, without holding anything.
//! - Bodies, batches and responses are bounded by jsonrpsee's own limits; HTTP only (no
//!   WebSocket, whose connections would outlive the timeouts).

use hyper::{server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use jsonrpsee::server::{
    BatchRequestConfig, HttpBody, HttpResponse, Methods, Server, ServerConfig, ServerHandle,
    StopHandle, TowerServiceBuilder, stop_channel,
};
use std::{
    collections::HashMap,
    convert::Infallible,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::net::{TcpListener, TcpStream};
use tower::{Service, layer::util::Identity};

/// A request's answer. Boxed, and never an error (a failure is an HTTP status): with a boxed
/// error type the connection future cannot be proven `Send`.
type Answer = std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, Infallible>> + Send>>;

/// What one API accepts from its clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiLimits {
    /// Largest request body, in bytes.
    pub max_request_bytes: u32,
    /// Largest response body, in bytes (a full operator block is about 32 MiB of hex).
    pub max_response_bytes: u32,
    /// Most calls in one JSON-RPC batch.
    pub max_batch_calls: u32,
    /// Most open connections, all clients together.
    pub max_connections: u32,
    /// Most open connections from one IP address.
    pub max_connections_per_ip: u32,
    /// Longest wait for a request's headers (and the longest idle time between requests).
    pub header_timeout: Duration,
    /// Longest a request may take from its headers to its answer, body included.
    pub request_timeout: Duration,
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self {
            max_request_bytes: 2 * 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            max_batch_calls: 100,
            max_connections: 256,
            max_connections_per_ip: 64,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `methods` on `addr` within `limits`; returns where it listens and the handle that
/// stops it (`stop`, then `stopped` resolves once every connection has ended).
pub async fn serve_api(
    limits: &ApiLimits,
    addr: SocketAddr,
    methods: impl Into<Methods>,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (stop, handle) = stop_channel();
    let server = Server::builder().set_config(
        ServerConfig::builder()
            .http_only()
            .max_request_body_size(limits.max_request_bytes)
            .max_response_body_size(limits.max_response_bytes)
            .max_connections(limits.max_connections)
            .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch_calls))
            .build(),
    );
    let accept = Accept {
        listener,
        rpc: server.to_service_builder(),
        methods: methods.into(),
        limits: limits.clone(),
        open: Arc::new(Mutex::new(Open::default())),
    };
    tokio::spawn(accept.run(stop));
    Ok((local, handle))
}

/// Open connections, counted per client address.
#[derive(Default)]
struct Open {
    total: u32,
    per_ip: HashMap<IpAddr, u32>,
}

/// One admitted connection's place in [`Open`], given back when dropped.
struct Slot {
    open: Arc<Mutex<Open>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.total -= 1;
        if let Some(n) = open.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&self.ip);
            }
        }
    }
}

struct Accept {
    listener: TcpListener,
    rpc: TowerServiceBuilder<Identity, Identity>,
    methods: Methods,
    limits: ApiLimits,
    open: Arc<Mutex<Open>>,
}

impl Accept {
    async fn run(self, stop: StopHandle) {
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, say: wait rather than spin.
                        tracing::warn!(%e, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = stop.clone().shutdown() => return,
            };
            match self.admit(peer.ip()) {
                Ok(slot) => {
                    tokio::spawn(self.connection(stream, slot, stop.clone()));
                }
                Err(why) => refuse(stream, peer, why),
            }
        }
    }

    /// A slot for a new connection from `ip`, or why there is none.
    fn admit(&self, ip: IpAddr) -> Result<Slot, String> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let from_ip = open.per_ip.get(&ip).copied().unwrap_or(0);
        if from_ip >= self.limits.max_connections_per_ip {
            return Err(format!(
                "{from_ip} connections from {ip} are open; the limit per address is {}",
                self.limits.max_connections_per_ip
            ));
        }
        if open.total >= self.limits.max_connections {
            return Err(format!(
                "{} connections are open; the limit is {}",
                open.total, self.limits.max_connections
            ));
        }
        open.total += 1;
        *open.per_ip.entry(ip).or_default() += 1;
        Ok(Slot { open: self.open.clone(), ip })
    }

    /// Serves one connection within the timeouts; its slot is held until it ends.
    fn connection(
        &self,
        stream: TcpStream,
        slot: Slot,
        stop: StopHandle,
    ) -> impl Future<Output = ()> + Send + 'static {
        let (rpc, methods, timeout) =
            (self.rpc.clone(), self.methods.clone(), self.limits.request_timeout);
        let rpc_stop = stop.clone();
        let service = service_fn(move |request| {
            let mut rpc = rpc.clone().build(methods.clone(), rpc_stop.clone());
            let answer: Answer = Box::pin(async move {
                Ok(match tokio::time::timeout(timeout, rpc.call(request)).await {
                    Ok(Ok(answer)) => answer,
                    Ok(Err(e)) => plain(hyper::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                    Err(_) => timed_out(timeout),
                })
            });
            answer
        });
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(self.limits.header_timeout);
        let connection = http.serve_connection(TokioIo::new(stream), service);
        async move {
            let _slot = slot;
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = &mut connection => ended,
                () = stop.shutdown() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(%e, "API connection closed");
            }
        }
    }
}

/// The answer to a request that did not finish in time; the connection closes after it.
fn timed_out(timeout: Duration) -> HttpResponse {
    let why = format!("the request did not complete within {} s", timeout.as_secs_f64());
    let mut response = plain(hyper::StatusCode::REQUEST_TIMEOUT, why);
    response
        .headers_mut()
        .insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
    response
}

/// A plain-text answer.
fn plain(status: hyper::StatusCode, text: String) -> HttpResponse {
    let mut response = HttpResponse::new(HttpBody::from(text));
    *response.status_mut() = status;
    response
}

/// Answers `429` if the socket takes it at once (never waiting on the client), then closes.
fn refuse(stream: TcpStream, peer: SocketAddr, why: String) {
    tracing::debug!(%peer, why, "API connection refused");
    let answer = format!(
        "HTTP/1.1 429 Too Many Requests\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{why}",
        why.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}
