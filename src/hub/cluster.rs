//! A PostgreSQL cluster kept inside the event folder, for `badgedesk hub start` / `hub stop`:
//! PostgreSQL's own programs create it (`initdb`), start and stop it (`pg_ctl`). Only password
//! logins (scram-sha-256) are accepted, over TCP and over the private Unix socket.
//!
//! Layout of a cluster folder (mode 0700):
//!
//! ```text
//! DIR/cluster.toml   port, listen addresses, superuser and its password (mode 0600)
//! DIR/data/          the data folder (PGDATA)
//! DIR/run/           the Unix socket, private to the cluster (not /var/run)
//! DIR/postgres.log   the server log
//! ```
//!
//! PostgreSQL refuses to run as root. When badgedesk runs as root, the programs run as
//! `$BADGEDESK_PG_USER`, else `postgres`, and the cluster folder belongs to that user.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// The settings file inside a cluster folder.
pub const SETTINGS_FILE: &str = "cluster.toml";
/// The user PostgreSQL runs as when badgedesk runs as root, unless `BADGEDESK_PG_USER` says.
pub const DEFAULT_PG_USER: &str = "postgres";
/// Names another user to run PostgreSQL as when badgedesk runs as root.
pub const PG_USER_ENV: &str = "BADGEDESK_PG_USER";
/// A folder holding `initdb`, `pg_ctl` and `postgres`, searched before anything else.
pub const PG_BIN_ENV: &str = "BADGEDESK_PG_BIN";

const DATA_DIR: &str = "data";
const RUN_DIR: &str = "run";
const LOG_FILE: &str = "postgres.log";
const PWFILE: &str = ".initdb-password";
/// What `pg_ctl start` says, kept in a file rather than a pipe: the server it leaves running
/// could inherit a pipe and keep it open (on Windows it does).
const PG_CTL_OUT: &str = "pg_ctl-start.out";
const SERVER_CERT: &str = "server.crt";
const SERVER_KEY: &str = "server.key";
/// Seconds `pg_ctl` waits for a start or a stop.
const PG_CTL_WAIT_SECS: &str = "60";
/// Lines of the server log shown when a start fails.
const LOG_TAIL_LINES: usize = 20;
/// Longest Unix socket path we let PostgreSQL create: `sun_path` holds 104 bytes on macOS and
/// 108 on Linux, and a longer path stops the server from starting.
#[cfg(unix)]
const MAX_SOCKET_PATH: usize = 100;

#[cfg(windows)]
const INSTALL_HINT: &str = "the EDB installer from postgresql.org";
#[cfg(target_os = "macos")]
const INSTALL_HINT: &str = "brew install postgresql";
#[cfg(not(any(windows, target_os = "macos")))]
const INSTALL_HINT: &str = "the 'postgresql' package on Debian/Ubuntu: apt-get install postgresql";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL's programs (initdb, pg_ctl, postgres) were not found on PATH nor in {searched}: install PostgreSQL ({INSTALL_HINT})"
    )]
    NotInstalled { searched: String },
    #[error(
        "PostgreSQL does not run as root: create a '{user}' user (useradd --system {user}) or run badgedesk as a normal user"
    )]
    NoUnprivilegedUser { user: String },
    #[error(
        "PostgreSQL runs as the '{user}' user, who cannot enter the folder '{}' (mode {mode:o}): allow it (chmod o+x '{}') or put the event folder elsewhere",
        folder.display(),
        folder.display()
    )]
    NotTraversable {
        user: String,
        folder: PathBuf,
        mode: u32,
    },
    #[error("'{}' is not empty: a cluster is only created in a new or empty folder", dir.display())]
    AlreadyExists { dir: PathBuf },
    #[error("'{}' holds no PostgreSQL cluster made by badgedesk ({SETTINGS_FILE} is missing)", dir.display())]
    NotACluster { dir: PathBuf },
    #[error("the cluster settings '{}' are unreadable: {message}", path.display())]
    Settings { path: PathBuf, message: String },
    #[error("invalid {what} '{value}': {why}")]
    Invalid {
        what: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("cannot {action} '{}': {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("cannot run '{}': {source}", program.display())]
    Spawn { program: PathBuf, source: io::Error },
    #[error("{program} failed for the cluster in '{}' ({status}): {output}", dir.display())]
    Failed {
        program: &'static str,
        dir: PathBuf,
        status: String,
        output: String,
    },
    #[error(
        "PostgreSQL did not start for the cluster in '{}' (pg_ctl: {output}); the end of its log '{}':\n{tail}",
        dir.display(),
        log.display()
    )]
    StartFailed {
        dir: PathBuf,
        log: PathBuf,
        output: String,
        tail: String,
    },
}

impl ClusterError {
    /// The message in the interface language (`Display` is the English one). The errors people
    /// act on are translated; program output and system errors stay as they are.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ClusterError::NotInstalled { searched } => format!(
                "les programmes de PostgreSQL (initdb, pg_ctl, postgres) sont introuvables dans le PATH et dans {searched} : installez PostgreSQL ({INSTALL_HINT})"
            ),
            ClusterError::NoUnprivilegedUser { user } => format!(
                "PostgreSQL ne tourne pas en root : créez un utilisateur « {user} » (useradd --system {user}) ou lancez badgedesk avec un utilisateur normal"
            ),
            ClusterError::NotTraversable { user, folder, mode } => format!(
                "PostgreSQL tourne avec l’utilisateur « {user} », qui ne peut pas entrer dans le dossier « {} » (mode {mode:o}) : autorisez-le (chmod o+x '{}') ou placez le dossier de l’évènement ailleurs",
                folder.display(),
                folder.display()
            ),
            ClusterError::AlreadyExists { dir } => format!(
                "« {} » n’est pas vide : un cluster ne se crée que dans un dossier nouveau ou vide",
                dir.display()
            ),
            ClusterError::NotACluster { dir } => format!(
                "« {} » ne contient pas de cluster PostgreSQL créé par badgedesk ({SETTINGS_FILE} manque)",
                dir.display()
            ),
            ClusterError::Settings { path, message } => format!(
                "les réglages du cluster « {} » sont illisibles : {message}",
                path.display()
            ),
            ClusterError::Invalid { what, value, why } => {
                format!("{what} invalide « {value} » : {why}")
            }
            ClusterError::Io {
                action,
                path,
                source,
            } => format!("impossible de {action} « {} » : {source}", path.display()),
            ClusterError::Spawn { program, source } => {
                format!("impossible de lancer « {} » : {source}", program.display())
            }
            ClusterError::Failed {
                program,
                dir,
                status,
                output,
            } => format!(
                "{program} a échoué pour le cluster de « {} » ({status}) : {output}",
                dir.display()
            ),
            ClusterError::StartFailed {
                dir,
                log,
                output,
                tail,
            } => format!(
                "PostgreSQL n’a pas démarré pour le cluster de « {} » (pg_ctl : {output}) ; la fin de son journal « {} » :\n{tail}",
                dir.display(),
                log.display()
            ),
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ClusterError {
    let path = path.to_path_buf();
    move |source| ClusterError::Io {
        action,
        path,
        source,
    }
}

/// Where PostgreSQL's programs are: one folder holding `initdb`, `pg_ctl` and `postgres` (all
/// three from the same installation, so from the same major version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgPrograms {
    bin_dir: PathBuf,
}

impl PgPrograms {
    /// `$BADGEDESK_PG_BIN`, else the first folder on PATH holding the three programs, else the
    /// newest versioned installation folder (`/usr/lib/postgresql/*/bin` on Debian,
    /// `/usr/pgsql-*/bin` on Red Hat, `C:\Program Files\PostgreSQL\*\bin` on Windows).
    pub fn find() -> Result<PgPrograms, ClusterError> {
        let mut candidates = Vec::new();
        if let Some(dir) = std::env::var_os(PG_BIN_ENV).filter(|d| !d.is_empty()) {
            candidates.push(PathBuf::from(dir));
        }
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path));
        }
        let roots = install_roots();
        for (parent, prefix, suffix) in &roots {
            candidates.extend(versioned_dirs(Path::new(parent), prefix, suffix));
        }
        candidates
            .into_iter()
            .find_map(|dir| PgPrograms::in_dir(&dir))
            .ok_or_else(|| ClusterError::NotInstalled {
                searched: roots
                    .iter()
                    .map(|(parent, prefix, suffix)| {
                        Path::new(parent)
                            .join(format!("{prefix}*"))
                            .join(suffix)
                            .display()
                            .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The programs in `dir`, when it holds all three.
    pub fn in_dir(dir: &Path) -> Option<PgPrograms> {
        let programs = PgPrograms {
            bin_dir: dir.to_path_buf(),
        };
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|name| is_executable(&programs.program(name)))
            .then_some(programs)
    }

    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// Any program of the installation by its name without extension (`psql`, `pg_dump` …).
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin_dir
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }

    pub fn initdb(&self) -> PathBuf {
        self.program("initdb")
    }

    pub fn pg_ctl(&self) -> PathBuf {
        self.program("pg_ctl")
    }

    pub fn postgres(&self) -> PathBuf {
        self.program("postgres")
    }
}

/// (parent folder, folder name prefix before the version, subfolder): where installers put
/// PostgreSQL outside PATH.
fn install_roots() -> Vec<(String, &'static str, &'static str)> {
    #[cfg(windows)]
    {
        let program_files = std::env::var("ProgramFiles")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| r"C:\Program Files".to_owned());
        vec![(format!(r"{program_files}\PostgreSQL"), "", "bin")]
    }
    #[cfg(not(windows))]
    {
        vec![
            ("/usr/lib/postgresql".to_owned(), "", "bin"),
            ("/usr".to_owned(), "pgsql-", "bin"),
        ]
    }
}

/// `parent/{prefix}{version}/{suffix}` for every version found, newest first.
fn versioned_dirs(parent: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = parse_version(name.to_str()?.strip_prefix(prefix)?)?;
            Some((version, entry.path().join(suffix)))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, dir)| dir).collect()
}

/// "15" → [15], "9.6" → [9, 6]; anything else is not a version.
fn parse_version(text: &str) -> Option<Vec<u32>> {
    text.split('.').map(|part| part.parse().ok()).collect()
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The unprivileged user PostgreSQL runs as when badgedesk runs as root.
#[cfg(unix)]
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunAs {
    name: String,
    uid: u32,
    gid: u32,
}

#[cfg(unix)]
fn run_as() -> Result<Option<RunAs>, ClusterError> {
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    let name = std::env::var(PG_USER_ENV)
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_PG_USER.to_owned());
    // A missing or unreadable /etc/passwd is the same as no such user for the person reading
    // the message: create one.
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    match lookup_user(&passwd, &name) {
        Some((uid, gid)) if uid != 0 => Ok(Some(RunAs { name, uid, gid })),
        _ => Err(ClusterError::NoUnprivilegedUser { user: name }),
    }
}

/// (uid, gid) of `name` in the text of an /etc/passwd file.
#[cfg(unix)]
fn lookup_user(passwd: &str, name: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != name {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}

/// Checks that `user` can enter `folder` and each folder above it: PostgreSQL opens its data
/// folder by absolute path. Supplementary groups and ACLs are not looked at.
#[cfg(unix)]
fn check_traversable(folder: &Path, user: &RunAs) -> Result<(), ClusterError> {
    use std::os::unix::fs::MetadataExt;
    for folder in folder.ancestors() {
        let meta = fs::metadata(folder).map_err(io_error("inspect", folder))?;
        let mode = meta.mode();
        let bit = if meta.uid() == user.uid {
            0o100
        } else if meta.gid() == user.gid {
            0o010
        } else {
            0o001
        };
        if mode & bit == 0 {
            return Err(ClusterError::NotTraversable {
                user: user.name.clone(),
                folder: folder.to_path_buf(),
                mode: mode & 0o7777,
            });
        }
    }
    Ok(())
}

/// What `init` is asked for.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// PostgreSQL's `listen_addresses`: `*` for every interface, or addresses and host names.
    /// 127.0.0.1 is added when the list does not cover it, so [`Cluster::superuser_url`] works.
    pub listen_addresses: Vec<String>,
    pub port: u16,
    /// The superuser's name (lower-case letters, digits and `_`).
    pub superuser: String,
    /// Turns `ssl = on` with this certificate and key (PEM files, copied into the cluster);
    /// connections from other machines must then use TLS.
    pub tls: Option<TlsFiles>,
}

impl ClusterOptions {
    /// Loopback only, superuser `badgedesk`, no TLS.
    pub fn new(port: u16) -> ClusterOptions {
        ClusterOptions {
            listen_addresses: vec!["127.0.0.1".to_owned()],
            port,
            superuser: "badgedesk".to_owned(),
            tls: None,
        }
    }
}

/// A server certificate and its private key, both PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// What `cluster.toml` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    port: u16,
    listen_addresses: Vec<String>,
    superuser: String,
    password: String,
    ssl: bool,
    /// The programs that created the cluster: a newer major version installed later cannot
    /// start it.
    bin_dir: PathBuf,
}

/// A cluster folder made by [`Cluster::init`].
#[derive(Debug, Clone)]
pub struct Cluster {
    dir: PathBuf,
    programs: PgPrograms,
    stored: Stored,
    #[cfg(unix)]
    run_as: Option<RunAs>,
}

impl Cluster {
    /// Creates a cluster in `dir`, which must be new or empty (its parent folders are created
    /// as needed). Nothing is left behind when it fails.
    pub fn init(dir: &Path, options: &ClusterOptions) -> Result<Cluster, ClusterError> {
        validate(options)?;
        let programs = PgPrograms::find()?;
        #[cfg(unix)]
        let run_as = run_as()?;
        let dir = absolute_new_dir(dir)?;
        #[cfg(unix)]
        if let (Some(user), Some(parent)) = (&run_as, dir.parent()) {
            check_traversable(parent, user)?;
        }
        let created = !dir.exists();
        if !created && !is_empty_dir(&dir)? {
            return Err(ClusterError::AlreadyExists { dir });
        }
        let cluster = Cluster {
            stored: Stored {
                port: options.port,
                listen_addresses: with_loopback(&options.listen_addresses),
                superuser: options.superuser.clone(),
                password: generate_password(&dir)?,
                ssl: options.tls.is_some(),
                bin_dir: programs.bin_dir.clone(),
            },
            programs,
            #[cfg(unix)]
            run_as,
            dir,
        };
        let result = cluster.create(options.tls.as_ref(), created);
        if result.is_err() {
            // Best effort: the error being returned says more than a failed clean-up would.
            if created {
                let _ = fs::remove_dir_all(&cluster.dir);
            } else if let Ok(entries) = fs::read_dir(&cluster.dir) {
                for entry in entries.filter_map(Result::ok) {
                    let _ =
                        fs::remove_dir_all(entry.path()).or_else(|_| fs::remove_file(entry.path()));
                }
            }
        }
        result.map(|()| cluster)
    }

    fn create(&self, tls: Option<&TlsFiles>, created: bool) -> Result<(), ClusterError> {
        if created {
            create_private_dir(&self.dir)?;
        } else {
            set_private(&self.dir)?;
        }
        self.give_to_pg_user(&self.dir)?;
        self.run_initdb()?;
        let data = self.data_dir();
        if let Some(tls) = tls {
            self.copy_private(&tls.cert, &data.join(SERVER_CERT))?;
            self.copy_private(&tls.key, &data.join(SERVER_KEY))?;
        }
        let run = self.dir.join(RUN_DIR);
        create_private_dir(&run)?;
        self.give_to_pg_user(&run)?;
        let conf = data.join("postgresql.conf");
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(io_error("open", &conf))?;
        file.write_all(self.settings_text().as_bytes())
            .map_err(io_error("write", &conf))?;
        let hba = data.join("pg_hba.conf");
        // fs::write truncates: the file keeps its owner and mode.
        fs::write(&hba, hba_text(self.stored.ssl)).map_err(io_error("write", &hba))?;
        self.write_stored()
    }

    fn run_initdb(&self) -> Result<(), ClusterError> {
        let pwfile = self.dir.join(PWFILE);
        let written = write_private(&pwfile, format!("{}\n", self.stored.password).as_bytes())
            .and_then(|()| self.give_to_pg_user(&pwfile));
        let result = written.and_then(|()| {
            let mut cmd = self.command(&self.programs.initdb());
            cmd.arg("-D")
                .arg(self.data_dir())
                .arg("-U")
                .arg(&self.stored.superuser)
                .arg(pwfile_arg(&pwfile))
                .args(["--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"]);
            self.check("initdb", &self.programs.initdb(), cmd)
        });
        // The password file must not outlive initdb, whatever happened.
        let _ = fs::remove_file(&pwfile);
        result
    }

    /// Reads back a cluster made by [`Cluster::init`].
    pub fn open(dir: &Path) -> Result<Cluster, ClusterError> {
        let dir = std::path::absolute(dir).map_err(io_error("find", dir))?;
        let path = dir.join(SETTINGS_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ClusterError::NotACluster { dir });
            }
            Err(e) => return Err(io_error("read", &path)(e)),
        };
        let stored: Stored = toml::from_str(&text).map_err(|e| ClusterError::Settings {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let programs = match PgPrograms::in_dir(&stored.bin_dir) {
            Some(programs) => programs,
            None => PgPrograms::find()?,
        };
        Ok(Cluster {
            #[cfg(unix)]
            run_as: run_as()?,
            dir,
            programs,
            stored,
        })
    }

    /// Starts the server and waits until it accepts connections. Does nothing when it runs.
    pub fn start(&self) -> Result<(), ClusterError> {
        #[cfg(unix)]
        if let (Some(user), Some(parent)) = (&self.run_as, self.dir.parent()) {
            check_traversable(parent, user)?;
        }
        if self.is_running()? {
            return Ok(());
        }
        let log = self.log_file();
        let mut cmd = self.command(&self.programs.pg_ctl());
        cmd.arg("start")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", PG_CTL_WAIT_SECS, "-s"]);
        let out_path = self.dir.join(PG_CTL_OUT);
        let out = fs::File::create(&out_path).map_err(io_error("create", &out_path))?;
        let err = out.try_clone().map_err(io_error("open", &out_path))?;
        cmd.stdout(out).stderr(err);
        let status = cmd.status().map_err(|source| ClusterError::Spawn {
            program: self.programs.pg_ctl(),
            source,
        });
        let said = log_tail(&out_path, LOG_TAIL_LINES);
        // Best effort: a leftover file is overwritten at the next start.
        let _ = fs::remove_file(&out_path);
        if status?.success() {
            return Ok(());
        }
        Err(ClusterError::StartFailed {
            dir: self.dir.clone(),
            log: log.clone(),
            output: if said.is_empty() {
                "no output".to_owned()
            } else {
                said
            },
            tail: log_tail(&log, LOG_TAIL_LINES),
        })
    }

    /// Stops the server (fast shutdown: open sessions are ended, committed work is kept) and
    /// waits until it is gone. Does nothing when it is not running.
    pub fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_running()? {
            return Ok(());
        }
        let mut cmd = self.command(&self.programs.pg_ctl());
        cmd.arg("stop").arg("-D").arg(self.data_dir()).args([
            "-m",
            "fast",
            "-w",
            "-t",
            PG_CTL_WAIT_SECS,
            "-s",
        ]);
        self.check("pg_ctl stop", &self.programs.pg_ctl(), cmd)
    }

    /// Whether a server runs on this data folder (`pg_ctl status`).
    pub fn is_running(&self) -> Result<bool, ClusterError> {
        let mut cmd = self.command(&self.programs.pg_ctl());
        cmd.arg("status").arg("-D").arg(self.data_dir());
        let out = self.run(&self.programs.pg_ctl(), cmd)?;
        match out.status.code() {
            Some(0) => Ok(true),
            // 3: no server runs on this data folder.
            Some(3) => Ok(false),
            _ => Err(self.failed("pg_ctl status", &out)),
        }
    }

    /// `postgres -D DATA` ready to spawn as the right user, for callers that keep the server as
    /// their own child process (tests that kill it hard). Its output is the caller's to direct.
    pub fn postgres_command(&self) -> Command {
        let mut cmd = self.command(&self.programs.postgres());
        cmd.arg("-D").arg(self.data_dir());
        cmd
    }

    /// `postgres://SUPERUSER:PASSWORD@127.0.0.1:PORT/postgres`.
    pub fn superuser_url(&self) -> String {
        self.superuser_url_for("postgres")
    }

    /// The superuser's URL for `database` (a plain name: no escaping is done).
    pub fn superuser_url_for(&self, database: &str) -> String {
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{database}",
            self.stored.superuser, self.stored.password, self.stored.port
        )
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.join(DATA_DIR)
    }

    pub fn log_file(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
    }

    /// The last `lines` lines of the server log ("" when there is none).
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log_file(), lines)
    }

    pub fn port(&self) -> u16 {
        self.stored.port
    }

    pub fn listen_addresses(&self) -> &[String] {
        &self.stored.listen_addresses
    }

    pub fn superuser(&self) -> &str {
        &self.stored.superuser
    }

    pub fn password(&self) -> &str {
        &self.stored.password
    }

    pub fn ssl(&self) -> bool {
        self.stored.ssl
    }

    pub fn programs(&self) -> &PgPrograms {
        &self.programs
    }

    /// The name of the user the programs run as, when badgedesk runs as root.
    pub fn run_as_user(&self) -> Option<&str> {
        #[cfg(unix)]
        {
            self.run_as.as_ref().map(|u| u.name.as_str())
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// A command for one of PostgreSQL's programs: as the unprivileged user when root, in the
    /// cluster folder (the current folder may be one that user cannot read, like /root).
    fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.dir).stdin(Stdio::null());
        #[cfg(unix)]
        if let Some(user) = &self.run_as {
            use std::os::unix::process::CommandExt;
            // std drops the supplementary groups before setuid when it runs as root.
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd
    }

    fn run(&self, program: &Path, mut cmd: Command) -> Result<Output, ClusterError> {
        cmd.output().map_err(|source| ClusterError::Spawn {
            program: program.to_path_buf(),
            source,
        })
    }

    /// Runs `cmd` and turns a failure into an error naming `name`.
    fn check(&self, name: &'static str, program: &Path, cmd: Command) -> Result<(), ClusterError> {
        let out = self.run(program, cmd)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(self.failed(name, &out))
        }
    }

    fn failed(&self, program: &'static str, out: &Output) -> ClusterError {
        ClusterError::Failed {
            program,
            dir: self.dir.clone(),
            status: out.status.to_string(),
            output: output_text(out),
        }
    }

    fn give_to_pg_user(&self, path: &Path) -> Result<(), ClusterError> {
        #[cfg(unix)]
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
                .map_err(io_error("change the owner of", path))?;
        }
        #[cfg(not(unix))]
        let _ = path;
        Ok(())
    }

    /// Copies a certificate or key into the data folder, readable by its owner only (PostgreSQL
    /// refuses a key others can read).
    fn copy_private(&self, from: &Path, to: &Path) -> Result<(), ClusterError> {
        let bytes = fs::read(from).map_err(io_error("read", from))?;
        write_private(to, &bytes)?;
        self.give_to_pg_user(to)
    }

    /// The lines appended to `postgresql.conf` (later lines override earlier ones).
    fn settings_text(&self) -> String {
        let s = &self.stored;
        let mut text = String::from("\n# Set by badgedesk: these override the defaults above.\n");
        text += &format!(
            "listen_addresses = {}\n",
            conf_quote(&s.listen_addresses.join(","))
        );
        text += &format!("port = {}\n", s.port);
        text += "password_encryption = 'scram-sha-256'\n";
        #[cfg(unix)]
        {
            let run = self.dir.join(RUN_DIR);
            let socket = run.join(format!(".s.PGSQL.{}", s.port));
            // No socket at all rather than a server that cannot start: TCP is what we use.
            let dirs = if socket.as_os_str().len() <= MAX_SOCKET_PATH {
                run.to_string_lossy().into_owned()
            } else {
                String::new()
            };
            text += &format!("unix_socket_directories = {}\n", conf_quote(&dirs));
        }
        if s.ssl {
            text += "ssl = on\n";
            text += &format!("ssl_cert_file = {}\n", conf_quote(SERVER_CERT));
            text += &format!("ssl_key_file = {}\n", conf_quote(SERVER_KEY));
        }
        text
    }

    fn write_stored(&self) -> Result<(), ClusterError> {
        let path = self.dir.join(SETTINGS_FILE);
        let body = toml::to_string(&self.stored).map_err(|e| ClusterError::Settings {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let text = format!(
            "# The PostgreSQL cluster of this event, written by badgedesk (holds the superuser's password).\n{body}"
        );
        write_private(&path, text.as_bytes())
    }
}

/// `pg_hba.conf`: passwords (scram-sha-256) for everyone, on the socket and over TCP; with TLS,
/// other machines must use it and only loopback may go without.
fn hba_text(ssl: bool) -> String {
    let mut text = String::from(
        "# Set by badgedesk: password (scram-sha-256) logins only.\n\
         # TYPE  DATABASE USER ADDRESS       METHOD\n\
         local   all      all                scram-sha-256\n",
    );
    if ssl {
        text += "host    all      all  127.0.0.1/32  scram-sha-256\n\
                 host    all      all  ::1/128       scram-sha-256\n\
                 hostssl all      all  0.0.0.0/0     scram-sha-256\n\
                 hostssl all      all  ::/0          scram-sha-256\n";
    } else {
        text += "host    all      all  0.0.0.0/0     scram-sha-256\n\
                 host    all      all  ::/0          scram-sha-256\n";
    }
    text
}

/// A string in `postgresql.conf`: single quotes, with `'` doubled and `\` escaped.
fn conf_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

fn validate(options: &ClusterOptions) -> Result<(), ClusterError> {
    let name = &options.superuser;
    let name_ok = name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !name_ok {
        return Err(ClusterError::Invalid {
            what: "superuser name",
            value: name.clone(),
            why: "use lower-case letters, digits and _ (63 at most, not starting with a digit)",
        });
    }
    if options.port == 0 {
        return Err(ClusterError::Invalid {
            what: "port",
            value: "0".to_owned(),
            why: "choose a port between 1 and 65535",
        });
    }
    if options.listen_addresses.is_empty() {
        return Err(ClusterError::Invalid {
            what: "listen address list",
            value: String::new(),
            why: "give at least one address, or * for every interface",
        });
    }
    for address in &options.listen_addresses {
        let ok = !address.is_empty()
            && address
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-_*%".contains(c));
        if !ok {
            return Err(ClusterError::Invalid {
                what: "listen address",
                value: address.clone(),
                why: "give an IP address, a host name or *",
            });
        }
    }
    Ok(())
}

/// The addresses plus 127.0.0.1 unless they already cover it.
fn with_loopback(addresses: &[String]) -> Vec<String> {
    let mut list = addresses.to_vec();
    let covered = addresses
        .iter()
        .any(|a| matches!(a.as_str(), "*" | "0.0.0.0" | "127.0.0.1" | "localhost"));
    if !covered {
        list.push("127.0.0.1".to_owned());
    }
    list
}

/// `dir` made absolute, with its parent created and resolved (symbolic links followed, so the
/// folders checked for access are the real ones).
fn absolute_new_dir(dir: &Path) -> Result<PathBuf, ClusterError> {
    let abs = std::path::absolute(dir).map_err(io_error("find", dir))?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(ClusterError::Invalid {
            what: "cluster folder",
            value: dir.display().to_string(),
            why: "give a folder below a parent folder",
        });
    };
    fs::create_dir_all(parent).map_err(io_error("create", parent))?;
    let parent = parent.canonicalize().map_err(io_error("find", parent))?;
    Ok(parent.join(name))
}

fn is_empty_dir(dir: &Path) -> Result<bool, ClusterError> {
    let mut entries = fs::read_dir(dir).map_err(io_error("read", dir))?;
    Ok(entries.next().is_none())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), ClusterError> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .mode(0o700)
        .create(dir)
        .map_err(io_error("create", dir))?;
    // The umask may have taken bits away, never added: set exactly 0700 anyway.
    set_private(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), ClusterError> {
    // Windows: the folder inherits the user profile's ACL; there is no mode to set.
    fs::create_dir(dir).map_err(io_error("create", dir))
}

#[cfg(unix)]
fn set_private(dir: &Path) -> Result<(), ClusterError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(io_error("restrict the permissions of", dir))
}

#[cfg(not(unix))]
fn set_private(_dir: &Path) -> Result<(), ClusterError> {
    Ok(())
}

/// Writes a new file only its owner can read (0600 on Unix).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ClusterError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io_error("create", path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_error("write", path))
}

/// `--pwfile=PATH` keeping a non-UTF-8 path as it is.
fn pwfile_arg(path: &Path) -> std::ffi::OsString {
    let mut arg = OsStr::new("--pwfile=").to_os_string();
    arg.push(path.as_os_str());
    arg
}

/// 128 random bits in hex: nothing to escape in a URL or a config file.
fn generate_password(dir: &Path) -> Result<String, ClusterError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ClusterError::Io {
        action: "generate a password for",
        path: dir.to_path_buf(),
        source: io::Error::other(e.to_string()),
    })?;
    Ok(hex::encode(bytes))
}

/// stdout and stderr of a program, trimmed to their last lines.
fn output_text(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = last_lines(&text, LOG_TAIL_LINES);
    if text.is_empty() {
        "no output".to_owned()
    } else {
        text
    }
}

/// The last `lines` lines of a file, reading at most its last 64 KiB.
fn log_tail(path: &Path, lines: usize) -> String {
    const MAX: u64 = 64 * 1024;
    let Ok(mut file) = fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(len.saturating_sub(MAX))).is_err()
        || file.take(MAX).read_to_end(&mut bytes).is_err()
    {
        return String::new();
    }
    last_lines(&String::from_utf8_lossy(&bytes), lines)
}

fn last_lines(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_numerically() {
        let root = tempfile::tempdir().unwrap();
        for name in ["9.6", "15", "16", "main", "10"] {
            fs::create_dir_all(root.path().join(name).join("bin")).unwrap();
        }
        let found = versioned_dirs(root.path(), "", "bin");
        let names: Vec<_> = found
            .iter()
            .map(|d| d.parent().unwrap().file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["16", "15", "10", "9.6"]);
        let found = versioned_dirs(root.path(), "pgsql-", "bin");
        assert!(found.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn programs_need_all_three_executables() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, mode: u32| {
            let path = dir.path().join(name);
            fs::write(&path, "#!/bin/sh\n").unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        };
        make("initdb", 0o755);
        make("pg_ctl", 0o755);
        assert_eq!(PgPrograms::in_dir(dir.path()), None);
        make("postgres", 0o644);
        assert_eq!(PgPrograms::in_dir(dir.path()), None);
        make("postgres2", 0o755);
        fs::rename(dir.path().join("postgres2"), dir.path().join("postgres")).unwrap();
        let programs = PgPrograms::in_dir(dir.path()).unwrap();
        assert_eq!(programs.pg_ctl(), dir.path().join("pg_ctl"));
    }

    #[cfg(unix)]
    #[test]
    fn users_are_found_in_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      # comment\n\
                      postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n\
                      broken:x:notanumber:1::/:/bin/sh\n";
        assert_eq!(lookup_user(passwd, "postgres"), Some((101, 104)));
        assert_eq!(lookup_user(passwd, "root"), Some((0, 0)));
        assert_eq!(lookup_user(passwd, "post"), None);
        assert_eq!(lookup_user(passwd, "broken"), None);
        assert_eq!(lookup_user("", "postgres"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_closed_parent_folder_is_named() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let closed = root.path().join("closed");
        let inner = closed.join("event");
        fs::create_dir_all(&inner).unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o700)).unwrap();
        // A uid and gid that own nothing here.
        let user = RunAs {
            name: "nobody-here".to_owned(),
            uid: 64_999,
            gid: 64_999,
        };
        match check_traversable(&inner, &user) {
            Err(ClusterError::NotTraversable { folder, mode, .. }) => {
                assert_eq!(folder, closed);
                assert_eq!(mode, 0o700);
            }
            other => panic!("expected NotTraversable, got {other:?}"),
        }
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o711)).unwrap();
        // The temp folder's own parents (/tmp, /) are open on any sane machine.
        check_traversable(&inner, &user).unwrap();
    }

    #[test]
    fn options_are_checked() {
        let mut options = ClusterOptions::new(5432);
        assert!(validate(&options).is_ok());
        options.superuser = "Robert'); DROP".to_owned();
        assert!(matches!(
            validate(&options),
            Err(ClusterError::Invalid {
                what: "superuser name",
                ..
            })
        ));
        options.superuser = "hub_admin2".to_owned();
        options.listen_addresses = vec!["127.0.0.1' ssl = off".to_owned()];
        assert!(matches!(
            validate(&options),
            Err(ClusterError::Invalid {
                what: "listen address",
                ..
            })
        ));
        options.listen_addresses =
            vec!["*".to_owned(), "::1".to_owned(), "fe80::1%eth0".to_owned()];
        assert!(validate(&options).is_ok());
        options.port = 0;
        assert!(validate(&options).is_err());
    }

    #[test]
    fn loopback_is_added_when_missing() {
        let list = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(with_loopback(&list(&["*"])), list(&["*"]));
        assert_eq!(
            with_loopback(&list(&["192.168.1.20"])),
            list(&["192.168.1.20", "127.0.0.1"])
        );
        assert_eq!(with_loopback(&list(&["localhost"])), list(&["localhost"]));
    }

    #[test]
    fn config_strings_are_quoted() {
        assert_eq!(conf_quote("a'b"), "'a''b'");
        assert_eq!(conf_quote(r"C:\pg"), r"'C:\\pg'");
    }

    #[test]
    fn hba_asks_every_connection_for_a_password() {
        for ssl in [false, true] {
            let text = hba_text(ssl);
            let rules: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .collect();
            assert!(rules.iter().all(|l| l.ends_with("scram-sha-256")), "{text}");
            assert!(rules.iter().any(|l| l.starts_with("local ")));
            assert_eq!(rules.iter().any(|l| l.starts_with("hostssl ")), ssl);
            assert!(!text.contains("trust") && !text.contains("md5"));
        }
    }

    #[test]
    fn tails_keep_the_last_lines() {
        assert_eq!(last_lines("a\nb\nc\n", 2), "b\nc");
        assert_eq!(last_lines("a\n", 5), "a");
        assert_eq!(last_lines("", 5), "");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let body: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
        fs::write(&log, body).unwrap();
        assert_eq!(log_tail(&log, 2), "line 9998\nline 9999");
        assert_eq!(log_tail(&dir.path().join("missing"), 2), "");
    }

    #[test]
    fn open_names_a_folder_without_settings() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Cluster::open(dir.path()),
            Err(ClusterError::NotACluster { .. })
        ));
        fs::write(dir.path().join(SETTINGS_FILE), "port = 'x'\n").unwrap();
        assert!(matches!(
            Cluster::open(dir.path()),
            Err(ClusterError::Settings { .. })
        ));
    }
}
