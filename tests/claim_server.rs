//! The claim server over real HTTP on 127.0.0.1: claim pages, claimed state, one 404 for
//! unknown tokens and paths, traversal, methods, long URLs, rate limit, slow clients, headers,
//! the same bytes as the static site, graceful shutdown.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use badgedesk::claim::{ClaimToken, publish};
use badgedesk::i18n::Lang;
use badgedesk::server::{self, MemorySource, ServerConfig};

struct Running {
    addr: SocketAddr,
    source: Arc<MemorySource>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    site: badgedesk::claim::SiteInput,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(config: ServerConfig) -> Running {
    let site = common::site("http://127.0.0.1:1", Lang::Fr, 3);
    let source = Arc::new(MemorySource::new(site.meta.clone(), site.claims.clone()));
    let server = server::bind(ServerConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        threads: 2,
        ..config
    })
    .unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let src: Arc<dyn server::ClaimSource> = source.clone();
    let thread = std::thread::spawn(move || {
        server
            .run(src, async {
                let _ = rx.await;
            })
            .unwrap();
    });
    Running {
        addr,
        source,
        stop: Some(tx),
        thread: Some(thread),
        site,
    }
}

fn generous() -> ServerConfig {
    ServerConfig {
        rate_per_sec: 10_000.0,
        burst: 10_000.0,
        ..Default::default()
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn raw(addr: SocketAddr, request: &str) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a full response");
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    Resp {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn claim_page_files_and_claimed_state() {
    let r = start(generous());
    let token = r.site.claims[0].page.token.clone();
    assert!(!r.source.is_claimed(&token));
    let head = raw(
        r.addr,
        &format!("HEAD /c/{token}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(head.status, 200);
    assert!(
        !r.source.is_claimed(&token),
        "HEAD (link previews) does not count as a claim"
    );
    let page = get(r.addr, &format!("/c/{token}/"));
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&page.body).contains("Décerné à"));
    assert!(r.source.is_claimed(&token), "claimed at first visit");
    assert!(!r.source.is_claimed(&r.site.claims[1].page.token));
    let json = get(r.addr, &format!("/c/{token}/credential.json"));
    assert_eq!(json.status, 200);
    assert_eq!(json.header("access-control-allow-origin"), Some("*"));
    assert_eq!(json.body, r.site.claims[0].credential_json.as_bytes());
    let image = get(r.addr, &format!("/c/{token}/badge.png"));
    assert_eq!(
        (image.status, image.header("content-type")),
        (200, Some("image/png"))
    );
    assert_eq!(
        image.body,
        r.site.claims[0].baked_image.bytes().unwrap().as_ref()
    );
    let redirect = get(r.addr, &format!("/c/{token}"));
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (308, Some(format!("/c/{token}/").as_str()))
    );
    // Upper-case tokens (typed from paper) work too.
    assert_eq!(
        get(
            r.addr,
            &format!("/c/{}/en.html", token.as_str().to_uppercase())
        )
        .status,
        200
    );
}

#[test]
fn security_headers_on_every_response() {
    let r = start(generous());
    let token = r.site.claims[0].page.token.clone();
    for path in ["/".to_string(), format!("/c/{token}/"), "/nope".to_string()] {
        let resp = get(r.addr, &path);
        let csp = resp.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(resp.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(resp.header("x-robots-tag"), Some("noindex, nofollow"));
    }
    assert_eq!(
        get(r.addr, &format!("/c/{token}/")).header("cache-control"),
        Some("no-store")
    );
}

#[test]
fn unknown_tokens_traversal_and_unknown_paths_get_the_same_404() {
    let r = start(generous());
    let known = r.site.claims[0].page.token.to_string();
    let reference = get(r.addr, "/no/such/page");
    assert_eq!(reference.status, 404);
    let unknown = ClaimToken::generate();
    let mut near = known.clone();
    near.replace_range(25..26, if known.ends_with('a') { "e" } else { "a" });
    for path in [
        format!("/c/{unknown}/"),
        format!("/c/{near}/"),
        format!("/c/{unknown}/credential.json"),
        format!("/c/{known}/../../etc/passwd"),
        format!("/c/{known}/%2e%2e/%2e%2e/etc/passwd"),
        format!("/c/{known}/secret.key"),
        "/../../../../etc/passwd".to_string(),
        "/c/".to_string(),
        "/c/short/".to_string(),
        "/.well-known/../keys/issuer.key".to_string(),
        "/c".to_string(),
    ] {
        let resp = get(r.addr, &path);
        assert_eq!(resp.status, 404, "{path}");
        assert_eq!(resp.body, reference.body, "{path}: same 404 page");
    }
    assert!(!r.source.is_claimed(&r.site.claims[0].page.token));
}

#[test]
fn bad_methods_and_overlong_urls_are_refused() {
    let r = start(generous());
    let post = raw(
        r.addr,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    for m in ["PUT", "DELETE", "OPTIONS", "TRACE"] {
        assert_eq!(
            raw(
                r.addr,
                &format!("{m} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            )
            .status,
            405,
            "{m}"
        );
    }
    assert_eq!(get(r.addr, &format!("/{}", "a".repeat(3000))).status, 414);
    // Beyond the header buffer the request is rejected outright, the server stays up.
    let huge = format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(40_000)
    );
    let mut s = TcpStream::connect(r.addr).unwrap();
    let _ = s.write_all(huge.as_bytes());
    let mut buf = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.read_to_end(&mut buf);
    assert!(!String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    assert_eq!(get(r.addr, "/").status, 200);
}

#[test]
fn rate_limit_per_client() {
    let r = start(ServerConfig {
        rate_per_sec: 1.0,
        burst: 5.0,
        ..Default::default()
    });
    let statuses: Vec<u16> = (0..8).map(|_| get(r.addr, "/robots.txt").status).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        5,
        "{statuses:?}"
    );
    let limited = get(r.addr, "/robots.txt");
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("1"));
}

#[test]
fn slow_clients_do_not_block_others() {
    let r = start(ServerConfig {
        header_timeout: Duration::from_millis(800),
        ..generous()
    });
    // Several connections that send half a request line and stall.
    let mut slow: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut s = TcpStream::connect(r.addr).unwrap();
            s.write_all(b"GET /c/").unwrap();
            s
        })
        .collect();
    let t = Instant::now();
    assert_eq!(get(r.addr, "/").status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(700),
        "served while others stall"
    );
    // The stalled ones are cut off after the header timeout.
    std::thread::sleep(Duration::from_millis(1500));
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let mut buf = Vec::new();
        let n = s.read_to_end(&mut buf);
        assert!(n.is_ok(), "connection closed by the server");
    }
}

#[test]
fn serves_the_same_bytes_as_the_static_site() {
    let r = start(generous());
    let dir = tempfile::tempdir().unwrap();
    publish(dir.path(), &r.site).unwrap();
    let mut stack = vec![dir.path().to_path_buf()];
    let mut n = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel == badgedesk::claim::manifest::MANIFEST_FILE {
                continue; // publish's bookkeeping, not part of the site
            }
            let resp = get(r.addr, &format!("/{rel}"));
            assert_eq!(resp.status, 200, "{rel}");
            assert_eq!(resp.body, std::fs::read(&p).unwrap(), "{rel}");
            n += 1;
        }
    }
    assert!(n > 15);
}

#[test]
fn shuts_down_gracefully() {
    let mut r = start(generous());
    assert_eq!(get(r.addr, "/").status, 200);
    let t = Instant::now();
    let _ = r.stop.take().unwrap().send(());
    r.thread.take().unwrap().join().unwrap();
    assert!(t.elapsed() < Duration::from_secs(6));
    assert!(
        TcpStream::connect_timeout(&r.addr, Duration::from_millis(300)).is_err()
            || get_fails(r.addr)
    );
}

fn get_fails(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return true;
    };
    let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = [0u8; 16];
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    !matches!(s.read(&mut buf), Ok(n) if n > 0)
}
