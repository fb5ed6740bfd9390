//! The hub's local PostgreSQL cluster on a real PostgreSQL: created, started with `pg_ctl`,
//! connected to, stopped, reopened; and the test harness every hub test uses (a server killed
//! hard and restarted, TLS). Skipped loudly when PostgreSQL is not installed, unless
//! `BADGEDESK_REQUIRE_PG=1`.

mod hub_support;

use std::fs;
use std::process::Command;

use badgedesk::hub::cluster::{Cluster, ClusterError, ClusterOptions, SETTINGS_FILE};
use hub_support::TestCluster;

fn select_one(url: &str) -> Result<i32, postgres::Error> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let row = client.query_one("SELECT 1", &[])?;
    Ok(row.get(0))
}

fn show(client: &mut postgres::Client, setting: &str) -> String {
    let row = client
        .query_one(&format!("SHOW {setting}"), &[])
        .unwrap_or_else(|e| panic!("SHOW {setting}: {e}"));
    row.get(0)
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_start_connect_stop_reopen() {
    if hub_support::programs().is_none() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    hub_support::open_folder(root.path()).unwrap();
    let dir = root.path().join("event").join("hub");
    let port = hub_support::free_port().unwrap();
    let options = ClusterOptions {
        listen_addresses: vec!["127.0.0.1".to_owned()],
        port,
        superuser: "organiser".to_owned(),
        tls: None,
    };
    let cluster = Cluster::init(&dir, &options).unwrap_or_else(|e| panic!("{e}"));

    // What init leaves: private folders, no password file, password-only access.
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&cluster.data_dir()), 0o700);
        assert_eq!(mode(&dir.join(SETTINGS_FILE)), 0o600);
    }
    let names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("password")),
        "password file left behind: {names:?}"
    );
    let hba = fs::read_to_string(cluster.data_dir().join("pg_hba.conf")).unwrap();
    assert!(!hba.contains("trust"), "{hba}");
    assert_eq!(cluster.port(), port);
    assert_eq!(cluster.password().len(), 32);

    assert!(!cluster.is_running().unwrap());
    cluster.start().unwrap_or_else(|e| panic!("{e}"));
    assert!(cluster.is_running().unwrap());
    // Starting a running cluster does nothing.
    cluster.start().unwrap();

    assert_eq!(select_one(&cluster.superuser_url()).unwrap(), 1);
    let mut client = postgres::Client::connect(&cluster.superuser_url(), postgres::NoTls).unwrap();
    assert_eq!(show(&mut client, "password_encryption"), "scram-sha-256");
    assert_eq!(show(&mut client, "listen_addresses"), "127.0.0.1");
    assert_eq!(show(&mut client, "server_encoding"), "UTF8");
    assert_eq!(show(&mut client, "ssl"), "off");
    #[cfg(unix)]
    {
        let sockets = show(&mut client, "unix_socket_directories");
        assert!(
            sockets.is_empty() || std::path::Path::new(&sockets).starts_with(&dir),
            "socket outside the cluster: {sockets}"
        );
    }
    let stored: String = client
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'organiser'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
    drop(client);

    // A wrong password is refused.
    let wrong = format!("postgres://organiser:nope@127.0.0.1:{port}/postgres");
    let refused = select_one(&wrong).unwrap_err();
    assert_eq!(
        refused.code(),
        Some(&postgres::error::SqlState::INVALID_PASSWORD),
        "{refused:?}"
    );

    // Reopened from its folder, it says the same and reaches the same server.
    let reopened = Cluster::open(&dir).unwrap();
    assert_eq!(reopened.port(), port);
    assert_eq!(reopened.superuser_url(), cluster.superuser_url());
    assert!(reopened.is_running().unwrap());

    reopened.stop().unwrap_or_else(|e| panic!("{e}"));
    assert!(!cluster.is_running().unwrap());
    assert!(select_one(&cluster.superuser_url()).is_err());
    // Stopping a stopped cluster does nothing.
    cluster.stop().unwrap();

    // Started again, the data is still there.
    cluster.start().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        select_one(&cluster.superuser_url_for("template1")).unwrap(),
        1
    );
    cluster.stop().unwrap();
    assert!(fs::read_to_string(cluster.log_file()).is_ok());
}

#[test]
fn init_refuses_a_folder_in_use_and_leaves_it_alone() {
    if hub_support::programs().is_none() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    hub_support::open_folder(root.path()).unwrap();
    fs::write(root.path().join("notes.txt"), "keep me").unwrap();
    let port = hub_support::free_port().unwrap();
    let err = Cluster::init(root.path(), &ClusterOptions::new(port)).unwrap_err();
    assert!(matches!(err, ClusterError::AlreadyExists { .. }), "{err}");
    assert_eq!(
        fs::read_to_string(root.path().join("notes.txt")).unwrap(),
        "keep me"
    );
    let err = Cluster::open(root.path()).unwrap_err();
    assert!(matches!(err, ClusterError::NotACluster { .. }), "{err}");
}

#[test]
fn a_failed_start_names_the_folder_and_the_log() {
    if hub_support::programs().is_none() {
        return;
    }
    // The port is held by someone else: PostgreSQL cannot bind it and says so in its log.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let root = tempfile::tempdir().unwrap();
    hub_support::open_folder(root.path()).unwrap();
    let dir = root.path().join("hub");
    let cluster = Cluster::init(&dir, &ClusterOptions::new(port)).unwrap_or_else(|e| panic!("{e}"));
    let err = cluster.start().unwrap_err();
    match &err {
        ClusterError::StartFailed {
            dir: d, log, tail, ..
        } => {
            assert_eq!(d, &dir);
            assert_eq!(log, &cluster.log_file());
            assert!(tail.contains("could not"), "{tail}");
        }
        other => panic!("expected StartFailed, got {other}"),
    }
    assert!(err.to_string().contains("postgres.log"), "{err}");
    assert!(!cluster.is_running().unwrap());
}

/// As root, PostgreSQL runs as another user, who must be able to reach the folder: a 0700
/// parent (a fresh temporary folder, /root) is named in the error.
#[cfg(unix)]
#[test]
fn a_closed_parent_folder_is_named_when_root() {
    if hub_support::programs().is_none() || !rustix::process::geteuid().is_root() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    fs::set_permissions(root.path(), fs::Permissions::from_mode(0o700)).unwrap();
    let err = Cluster::init(&root.path().join("hub"), &ClusterOptions::new(5999)).unwrap_err();
    match &err {
        ClusterError::NotTraversable { folder, mode, .. } => {
            assert_eq!(folder, &root.path().canonicalize().unwrap());
            assert_eq!(*mode, 0o700);
        }
        other => panic!("expected NotTraversable, got {other}"),
    }
    assert!(!root.path().join("hub").exists());
}

#[test]
fn harness_survives_a_hard_kill_and_restarts_on_the_same_port() {
    let Some(mut pg) = TestCluster::start() else {
        return;
    };
    let port = pg.port();
    let mut client = pg.client();
    client
        .batch_execute("CREATE TABLE ticks (id int PRIMARY KEY); INSERT INTO ticks VALUES (1)")
        .unwrap();
    for round in 2..4 {
        pg.kill_hard();
        assert!(!pg.is_running());
        assert!(client.query_one("SELECT 1", &[]).is_err());
        pg.restart();
        assert!(pg.is_running());
        assert_eq!(pg.port(), port);
        client = pg.client();
        client
            .execute("INSERT INTO ticks VALUES ($1)", &[&round])
            .unwrap();
    }
    // A graceful restart keeps everything too.
    pg.restart();
    let mut client = pg.client();
    let count: i64 = client
        .query_one("SELECT count(*) FROM ticks", &[])
        .unwrap()
        .get(0);
    assert_eq!(count, 3);
}

#[test]
fn harness_drop_stops_the_server_and_removes_the_folder() {
    let Some(pg) = TestCluster::start() else {
        return;
    };
    let url = pg.url();
    let folder = pg.folder().to_path_buf();
    assert_eq!(select_one(&url).unwrap(), 1);
    drop(pg);
    assert!(select_one(&url).is_err());
    assert!(!folder.exists());
}

#[test]
fn tls_cluster_serves_sslmode_require() {
    let Some(pg) = TestCluster::start_tls() else {
        return;
    };
    let mut client = pg.client();
    assert_eq!(show(&mut client, "ssl"), "on");
    assert!(
        pg.cert_pem()
            .is_some_and(|pem| pem.starts_with("-----BEGIN CERTIFICATE-----"))
    );
    drop(client);

    // libpq's own client proves the handshake: the session reports TLS.
    let psql = pg.cluster().programs().program("psql");
    if !psql.exists() {
        eprintln!("psql not found next to initdb: TLS handshake not checked");
        return;
    }
    let conninfo = format!(
        "host=127.0.0.1 port={} user={} dbname=postgres sslmode=require",
        pg.port(),
        pg.cluster().superuser()
    );
    let out = Command::new(&psql)
        .arg(&conninfo)
        .args([
            "-X",
            "-At",
            "-c",
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ])
        .env("PGPASSWORD", pg.cluster().password())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "t");
}
