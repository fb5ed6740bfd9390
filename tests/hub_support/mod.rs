//! Throwaway PostgreSQL clusters for the hub tests (`mod hub_support;`): one per test, made by
//! the library's `Cluster::init` in a temporary folder, on 127.0.0.1 and a free port. The
//! server (`postgres -D DIR`) is a direct child of the test process, so a test can kill it hard
//! and restart it: we reap it ourselves, and a zombie postmaster cannot hold its lock file.
//!
//! When PostgreSQL's programs are missing, `start` says so loudly on stderr and returns `None`
//! (the test then passes without running), unless `BADGEDESK_REQUIRE_PG=1` (CI), where it
//! panics.
#![allow(dead_code)]

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use badgedesk::hub::cluster::{Cluster, ClusterError, ClusterOptions, PgPrograms, TlsFiles};

/// Set to 1 where the hub tests must run (CI): missing programs are then a failure.
pub const REQUIRE_ENV: &str = "BADGEDESK_REQUIRE_PG";
const MISSING: &str = "PostgreSQL programs (initdb, pg_ctl, postgres) not found — install postgresql to run the hub tests";
const SUPERUSER: &str = "hubtest";
/// How long a start may take before the test fails (slow CI machines, a restart waiting for
/// the killed server's backends to go).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a fast shutdown may take before the server is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// `ssl = on` with a self-signed certificate for localhost and 127.0.0.1 made by the test.
    pub tls: bool,
}

/// A running throwaway cluster; dropping it stops the server and removes its folder.
pub struct TestCluster {
    cluster: Cluster,
    child: Option<Child>,
    cert_pem: Option<String>,
    // Last: removed after the server is stopped.
    root: tempfile::TempDir,
}

impl TestCluster {
    /// A plain cluster, or `None` when PostgreSQL is not installed (see the module doc).
    pub fn start() -> Option<TestCluster> {
        TestCluster::start_with(TestOptions::default())
    }

    /// A cluster with `ssl = on`: `url()` + `?sslmode=require` connects with TLS.
    pub fn start_tls() -> Option<TestCluster> {
        TestCluster::start_with(TestOptions { tls: true })
    }

    pub fn start_with(options: TestOptions) -> Option<TestCluster> {
        programs()?;
        // A free port can be taken by someone else before the server binds it: try again with
        // another one.
        let mut last_error = String::new();
        for _ in 0..3 {
            match TestCluster::try_start(&options) {
                Ok(pg) => return Some(pg),
                Err(e) => last_error = e,
            }
        }
        panic!("cannot start a test PostgreSQL cluster: {last_error}");
    }

    fn try_start(options: &TestOptions) -> Result<TestCluster, String> {
        let root = tempfile::Builder::new()
            .prefix("badgedesk-pg-")
            .tempdir()
            .map_err(|e| format!("temporary folder: {e}"))?;
        open_folder(root.path())?;
        let cert_pem = if options.tls {
            Some(self_signed(root.path())?)
        } else {
            None
        };
        let cluster_options = ClusterOptions {
            listen_addresses: vec!["127.0.0.1".to_owned()],
            port: free_port()?,
            superuser: SUPERUSER.to_owned(),
            tls: options.tls.then(|| TlsFiles {
                cert: root.path().join("cert.pem"),
                key: root.path().join("key.pem"),
            }),
        };
        let cluster = Cluster::init(&root.path().join("cluster"), &cluster_options)
            .map_err(|e| e.to_string())?;
        let mut pg = TestCluster {
            cluster,
            child: None,
            cert_pem,
            root,
        };
        pg.spawn()?;
        Ok(pg)
    }

    /// `postgres://hubtest:PASSWORD@127.0.0.1:PORT/postgres` (the superuser).
    pub fn url(&self) -> String {
        self.cluster.superuser_url()
    }

    /// The superuser's URL for another database.
    pub fn url_for(&self, database: &str) -> String {
        self.cluster.superuser_url_for(database)
    }

    /// A connection as the superuser, without TLS.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test cluster: {e}"))
    }

    pub fn port(&self) -> u16 {
        self.cluster.port()
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The temporary folder (the cluster is its `cluster/` subfolder); gone after drop.
    pub fn folder(&self) -> &Path {
        self.root.path()
    }

    /// The server certificate (PEM) of a TLS cluster, for clients that verify it.
    pub fn cert_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }

    /// The postmaster's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// SIGKILL to the postmaster (a crash: no shutdown, no checkpoint), reaped at once. Its
    /// backends notice and exit on their own; `restart` waits for that.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and data (stopping it first if it runs), and
    /// waits until it accepts connections (crash recovery included).
    pub fn restart(&mut self) {
        self.stop();
        if let Err(e) = self.spawn() {
            panic!("cannot restart the test PostgreSQL cluster: {e}");
        }
    }

    /// Fast shutdown (SIGINT: sessions are ended, committed work kept), SIGKILL if it takes
    /// longer than 20 s; the process is reaped either way.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        #[cfg(unix)]
        {
            use rustix::process::{Pid, Signal, kill_process};
            if kill_process(Pid::from_child(&child), Signal::INT).is_ok() {
                let deadline = Instant::now() + STOP_TIMEOUT;
                while Instant::now() < deadline {
                    if !matches!(child.try_wait(), Ok(None)) {
                        return;
                    }
                    thread::sleep(Duration::from_millis(20));
                }
            }
        }
        // Windows has no SIGINT for another process: TerminateProcess, like SIGKILL.
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Runs `postgres -D DIR` as our child and waits until it accepts connections. A server
    /// that exits early is started again until the deadline: after a hard kill, the old
    /// backends may still hold the shared memory for a moment.
    fn spawn(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let log = self.open_log()?;
            let err = log.try_clone().map_err(|e| format!("log file: {e}"))?;
            let mut child = self
                .cluster
                .postgres_command()
                .stdout(Stdio::from(log))
                .stderr(Stdio::from(err))
                .spawn()
                .map_err(|e| format!("cannot run postgres: {e}"))?;
            let exited = loop {
                match child.try_wait() {
                    Ok(None) => {}
                    Ok(Some(status)) => break status.to_string(),
                    Err(e) => break e.to_string(),
                }
                if self.accepts_connections() {
                    self.child = Some(child);
                    return Ok(());
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "postgres did not accept connections within {START_TIMEOUT:?}; log:\n{}",
                        self.cluster.log_tail(30)
                    ));
                }
                thread::sleep(Duration::from_millis(50));
            };
            if Instant::now() > deadline || self.port_taken() {
                return Err(format!(
                    "postgres exited ({exited}); log:\n{}",
                    self.cluster.log_tail(30)
                ));
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    fn accepts_connections(&self) -> bool {
        let Ok(mut config) = self.url().parse::<postgres::Config>() else {
            return false;
        };
        config.connect_timeout(Duration::from_secs(2));
        config
            .connect(postgres::NoTls)
            .and_then(|mut client| client.simple_query("SELECT 1"))
            .is_ok()
    }

    /// Whether the last start failed because another process has the port (worth a new one).
    fn port_taken(&self) -> bool {
        self.cluster.log_tail(30).contains("could not bind")
    }

    /// The server log, appended to; owned like the cluster folder so `pg_ctl` can use it too.
    fn open_log(&self) -> Result<fs::File, String> {
        let path = self.cluster.log_file();
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("log file {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let owner = fs::metadata(self.cluster.dir()).map_err(|e| e.to_string())?;
            std::os::unix::fs::chown(&path, Some(owner.uid()), Some(owner.gid()))
                .map_err(|e| format!("log file {}: {e}", path.display()))?;
        }
        Ok(file)
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// PostgreSQL's programs; when they are missing, the loud skip message and `None` (or a panic
/// when `BADGEDESK_REQUIRE_PG=1`). For tests that drive the library's `Cluster` themselves.
pub fn programs() -> Option<PgPrograms> {
    match PgPrograms::find() {
        Ok(programs) => Some(programs),
        Err(ClusterError::NotInstalled { .. }) => {
            if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
                panic!("{MISSING} ({REQUIRE_ENV}=1: the hub tests must run)");
            }
            // Straight to stderr: the test runner captures eprintln! of passing tests.
            let bar = "!".repeat(100);
            let _ = writeln!(io::stderr(), "\n{bar}\nSKIPPED: {MISSING}\n{bar}\n");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// Lets other users go through `path` (mode 0755 on Unix): temporary folders are 0700, and the
/// postgres user must reach the cluster inside when the tests run as root.
#[cfg(unix)]
pub fn open_folder(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

#[cfg(not(unix))]
pub fn open_folder(_path: &Path) -> Result<(), String> {
    Ok(())
}

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

/// Writes `cert.pem` and `key.pem` for localhost and 127.0.0.1 in `dir`; returns the
/// certificate.
fn self_signed(dir: &Path) -> Result<String, String> {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let made = rcgen::generate_simple_self_signed(names).map_err(|e| e.to_string())?;
    let cert = made.cert.pem();
    let write = |name: &str, text: &str| -> Result<PathBuf, String> {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    };
    write("cert.pem", &cert)?;
    write("key.pem", &made.signing_key.serialize_pem())?;
    Ok(cert)
}

/// The demo's `event.toml` with `n` generated attendees (`seed`) imported, at a desk that has
/// no hub yet: what an organiser holds before `hub push`.
pub fn demo_event(dir: &Path, seed: u64, n: usize) -> badgedesk::event::EventDir {
    let event =
        badgedesk::event::EventDir::create_with_config(dir, &badgedesk::demo::config_text())
            .expect("event");
    let mut store = event.store().expect("store");
    store
        .write_import(
            &badgedesk::demo::attendees(seed, n),
            &[],
            "inscriptions.csv",
            "test",
            time::macros::datetime!(2026-05-16 08:00 UTC),
        )
        .expect("import");
    event
}

/// Run the real binary (in English, without the caller's BADGEDESK_EVENT); it must succeed.
pub fn badgedesk_ok(args: &[&std::ffi::OsStr]) {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("badgedesk"))
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("BADGEDESK_EVENT")
        .output()
        .expect("run badgedesk");
    assert!(
        out.status.success(),
        "badgedesk {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `badgedesk --event DIR hub push URL --desk NAME`.
pub fn hub_push(dir: &Path, admin_url: &str, desk: &str) {
    badgedesk_ok(&[
        "--event".as_ref(),
        dir.as_os_str(),
        "hub".as_ref(),
        "push".as_ref(),
        admin_url.as_ref(),
        "--desk".as_ref(),
        desk.as_ref(),
    ]);
}

/// `badgedesk join URL DIR --desk NAME`.
pub fn join(url: &str, dir: &Path, desk: &str) {
    badgedesk_ok(&[
        "join".as_ref(),
        url.as_ref(),
        dir.as_os_str(),
        "--desk".as_ref(),
        desk.as_ref(),
    ]);
}
