//! The claim server for the event's Wi-Fi: the static site's routes served straight from a
//! [`ClaimSource`], over HTTP/1.1 (hyper on tokio; the only HTTP user in the crate). Only GET
//! and HEAD; unknown tokens get the same 404 as any unknown path; per-client rate and
//! connection limits; header read timeout for slow clients; security headers everywhere;
//! graceful shutdown.

pub mod lan;
pub mod limit;
pub mod routes;
pub mod source;
pub mod store_source;

use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;

use crate::claim::html::content_security_policy;
pub use lan::{banner, lan_ip, public_url};
use limit::{ConnLimiter, RateLimiter};
use routes::{Reply, Router};
pub use source::{ClaimSource, MemorySource};
pub use store_source::StoreSource;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "cannot listen on {addr}: {source} (is another server using this port? try --bind 0.0.0.0:8081)"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// Limits and timeouts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// Sustained requests per second per client IP, and the burst above it.
    pub rate_per_sec: f64,
    pub burst: f64,
    pub max_conns_per_ip: usize,
    pub max_conns: usize,
    /// Time allowed to send the request headers (slow clients are cut off).
    pub header_timeout: Duration,
    /// A connection is closed after this long, whatever it does.
    pub max_conn_lifetime: Duration,
    /// Longer request targets get 414.
    pub max_uri_len: usize,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([0, 0, 0, 0], 8080)),
            rate_per_sec: 20.0,
            burst: 60.0,
            max_conns_per_ip: 32,
            max_conns: 1024,
            header_timeout: Duration::from_secs(10),
            max_conn_lifetime: Duration::from_secs(120),
            max_uri_len: 1024,
            threads: 0,
        }
    }
}

/// A bound, not yet running server (so the caller can print its URL first).
pub struct Server {
    listener: TcpListener,
    config: ServerConfig,
}

/// Bind the listening socket.
pub fn bind(config: ServerConfig) -> Result<Server, ServerError> {
    let listener = TcpListener::bind(config.bind).map_err(|source| ServerError::Bind {
        addr: config.bind,
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(ServerError::Runtime)?;
    Ok(Server { listener, config })
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! { () = ctrl_c => {}, () = term => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

struct App {
    router: Router,
    rate: RateLimiter,
    config: ServerConfig,
    csp: String,
}

impl Server {
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serve until `shutdown` resolves, then stop accepting, let open requests finish (up to
    /// 5 s) and return. Blocks the calling thread on its own tokio runtime.
    pub fn run(
        self,
        source: Arc<dyn ClaimSource>,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServerError> {
        let mut rt = tokio::runtime::Builder::new_multi_thread();
        if self.config.threads > 0 {
            rt.worker_threads(self.config.threads);
        }
        let rt = rt.enable_all().build().map_err(ServerError::Runtime)?;
        rt.block_on(self.serve(source, shutdown))
    }

    async fn serve(
        self,
        source: Arc<dyn ClaimSource>,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServerError> {
        let listener =
            tokio::net::TcpListener::from_std(self.listener).map_err(ServerError::Runtime)?;
        let conns = ConnLimiter::new(self.config.max_conns_per_ip, self.config.max_conns);
        let app = Arc::new(App {
            router: Router::new(source),
            rate: RateLimiter::new(self.config.rate_per_sec, self.config.burst),
            csp: format!("{}; frame-ancestors 'none'", content_security_policy()),
            config: self.config,
        });
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    // Over the limits: drop the connection at once, others are unaffected.
                    let Some(guard) = conns.acquire(peer.ip()) else { continue };
                    let _ = stream.set_nodelay(true);
                    let app2 = app.clone();
                    let service = service_fn(move |req| {
                        let app = app2.clone();
                        async move { Ok::<_, Infallible>(app.handle(&req, peer)) }
                    });
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(app.config.header_timeout)
                        .max_buf_size(16 * 1024)
                        .serve_connection(TokioIo::new(stream), service);
                    let conn = graceful.watch(conn);
                    let lifetime = app.config.max_conn_lifetime;
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(lifetime, conn).await;
                        drop(guard);
                    });
                }
                () = &mut shutdown => break,
            }
        }
        drop(listener);
        tokio::select! {
            () = graceful.shutdown() => {},
            () = tokio::time::sleep(Duration::from_secs(5)) => {},
        }
        Ok(())
    }
}

impl App {
    fn handle(&self, req: &Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let head = req.method() == Method::HEAD;
        let reply = if req.method() != Method::GET && !head {
            self.simple(
                405,
                "method not allowed",
                Some(("allow", "GET, HEAD".into())),
            )
        } else if req.uri().path_and_query().map_or(0, |p| p.as_str().len())
            > self.config.max_uri_len
        {
            self.simple(414, "URI too long", None)
        } else if !self.rate.allow(peer.ip(), Instant::now()) {
            self.simple(429, "too many requests", Some(("retry-after", "1".into())))
        } else {
            self.router.get(req.uri().path(), !head)
        };
        self.response(reply, head)
    }

    fn simple(&self, status: u16, text: &str, extra: Option<(&'static str, String)>) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Bytes::from(format!("{status} {text}\n")),
            private: false,
            extra,
        }
    }

    fn response(&self, reply: Reply, head: bool) -> Response<Full<Bytes>> {
        let len = reply.body.len();
        let body = if head { Bytes::new() } else { reply.body };
        let mut resp = Response::new(Full::new(body));
        *resp.status_mut() =
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let h = resp.headers_mut();
        let mut set = |name: &'static str, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                h.insert(HeaderName::from_static(name), v);
            }
        };
        set("content-type", reply.content_type);
        set("content-length", &len.to_string());
        set("content-security-policy", &self.csp);
        set("referrer-policy", "no-referrer");
        set("x-content-type-options", "nosniff");
        set("x-frame-options", "DENY");
        set("x-robots-tag", "noindex, nofollow");
        set(
            "cache-control",
            if reply.private {
                "no-store"
            } else {
                "no-cache"
            },
        );
        if let Some((name, value)) = &reply.extra {
            set(name, value);
        }
        resp
    }
}
