//! Several desks: the PostgreSQL hub where desks meet. This is the only module that talks to
//! PostgreSQL. A desk never needs the hub to work: its own SQLite store commits every tick
//! first; [`Hub::sync`] then sends what the hub lacks and takes what the desk lacks (see
//! `store::sync` for the journal and how facts are applied).
//!
//! The hub holds facts, append-only (desks connect with a role that cannot UPDATE or DELETE
//! them, and a trigger refuses it to anyone), the desks it has heard of with how many of each
//! desk's facts it holds, reservations that make "one credential per award" hold across
//! signer desks, and the event's files for desks that join.

pub mod cluster;
mod config;
mod desk;
mod reserve;
mod schema;
mod status;
mod sync;
mod tls;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use config::{HUB_FILE, HubConfig};
pub use desk::{HubState, OnSync, Syncer, sync_once};
pub use reserve::{HubReservations, issuer_for_desk};
pub use schema::{Installed, install, role_names};
pub use status::{DeskStatus, HubStatus, SKEW_LIMIT_MS};
pub use sync::{SyncReport, pull_event_files, push_event_files};

/// How long a desk waits for the hub before it counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(
        "'{0}' is not a hub address: {1} (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
    )]
    BadUrl(String, String),
    #[error("the hub cannot be reached ({0})")]
    Unreachable(String),
    #[error("the hub refused: {0}")]
    Refused(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("this address holds no badgedesk hub (run `badgedesk hub push` first)")]
    NotAHub,
    #[error("the hub was made by a newer badgedesk (schema {0}); update badgedesk")]
    TooNew(i64),
    #[error("this folder has no desk identity: join a hub first (`badgedesk join`)")]
    NoDesk,
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("cannot write '{}': {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
}

impl HubError {
    /// Whether the hub simply could not be reached (the desk goes on offline).
    pub fn is_offline(&self) -> bool {
        matches!(self, HubError::Unreachable(_))
    }

    /// The message in the interface language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            HubError::BadUrl(url, why) => format!(
                "« {url} » n’est pas une adresse de hub : {why} (attendu : postgres://UTILISATEUR:MOT_DE_PASSE@HÔTE:PORT/BASE)"
            ),
            HubError::Unreachable(why) => format!("le hub est injoignable ({why})"),
            HubError::Refused(why) => format!("le hub a refusé : {why}"),
            HubError::Tls(why) => format!("TLS : {why}"),
            HubError::NotAHub => "cette adresse ne contient pas de hub badgedesk (lancez d’abord `badgedesk hub push`)".into(),
            HubError::TooNew(v) => format!("le hub a été créé par un badgedesk plus récent (schéma {v}) ; mettez badgedesk à jour"),
            HubError::NoDesk => "ce dossier n’a pas d’identité de poste : rejoignez d’abord un hub (`badgedesk join`)".into(),
            HubError::Store(e) => e.message(lang),
            HubError::Io { path, source } => {
                format!("impossible d’écrire « {} » : {source}", path.display())
            }
            HubError::Config(why) => why.clone(),
        }
    }
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        if e.is_closed() || e.as_db_error().is_none() && e.code().is_none() {
            // No answer from a server (refused, timed out, dropped): the desk is offline.
            let text = e.to_string();
            let source = std::error::Error::source(&e).map(|s| s.to_string());
            return HubError::Unreachable(match source {
                Some(s) if !text.contains(&s) => format!("{text}: {s}"),
                _ => text,
            });
        }
        HubError::Refused(
            e.as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string()),
        )
    }
}

/// A hub address: a PostgreSQL URL. Besides what PostgreSQL's own URLs say, `sslmode=require`
/// encrypts and `sslrootcert=FILE` checks the server's certificate against FILE.
#[derive(Clone)]
pub struct HubUrl {
    text: String,
    config: postgres::Config,
    root_cert: Option<PathBuf>,
}

impl std::fmt::Debug for HubUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl HubUrl {
    pub fn parse(text: &str) -> Result<HubUrl, HubError> {
        let text = text.trim();
        if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
            return Err(HubError::BadUrl(
                redact(text),
                "it must start with postgres://".into(),
            ));
        }
        // Take out what tokio-postgres does not know; keep the rest of the query as written.
        let (base, query) = text.split_once('?').unwrap_or((text, ""));
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslrootcert", value)) => root_cert = Some(PathBuf::from(value)),
                _ => kept.push(pair),
            }
        }
        let cleaned = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config = postgres::Config::from_str(&cleaned)
            .map_err(|e| HubError::BadUrl(redact(text), e.to_string()))?;
        if config.get_dbname().is_none() {
            return Err(HubError::BadUrl(
                redact(text),
                "it names no database".into(),
            ));
        }
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("badgedesk");
        Ok(HubUrl {
            text: text.to_string(),
            config,
            root_cert,
        })
    }

    /// The address as given (it holds the password: never print it, see [`HubUrl::redacted`]).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The address with the password hidden, for messages.
    pub fn redacted(&self) -> String {
        redact(&self.text)
    }

    pub fn database(&self) -> &str {
        self.config.get_dbname().unwrap_or_default()
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// The same server and database as another user.
    pub fn with_user(&self, user: &str, password: &str) -> Result<HubUrl, HubError> {
        let (scheme, rest) = self
            .text
            .split_once("://")
            .unwrap_or(("postgres", &self.text));
        let host_part = rest.split_once('@').map_or(rest, |(_, h)| h);
        HubUrl::parse(&format!(
            "{scheme}://{}:{}@{host_part}",
            percent_encode(user),
            percent_encode(password)
        ))
    }

    /// Connect, with TLS when the address asks for it.
    pub fn connect(&self) -> Result<postgres::Client, HubError> {
        match self.config.get_ssl_mode() {
            postgres::config::SslMode::Disable => Ok(self.config.connect(postgres::NoTls)?),
            _ => {
                let tls = tls::connector(self.root_cert.as_deref())?;
                Ok(self.config.connect(tls)?)
            }
        }
    }
}

/// `user:password@` → `user:***@`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((auth, host)) => match auth.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A password for a hub role: 128 random bits, URL-safe.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 16];
    // The OS generator cannot fail on a working system; a zeroed password would be refused
    // below by its length check, so fall back loudly instead.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = rand::random();
    }
    hex::encode(bytes)
}

/// A connection to the hub as a desk.
pub struct Hub {
    client: postgres::Client,
}

impl Hub {
    /// Connect and check that the address holds a hub this version understands.
    pub fn connect(url: &HubUrl) -> Result<Hub, HubError> {
        let mut client = url.connect()?;
        schema::check(&mut client)?;
        Ok(Hub { client })
    }

    pub(crate) fn client(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_their_password_out_of_messages() {
        let url =
            HubUrl::parse("postgres://desk:s3cret@10.0.0.2:5433/fest?sslmode=require").unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://desk:***@10.0.0.2:5433/fest?sslmode=require"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.database(), "fest");
        assert_eq!(url.user(), "desk");
    }

    #[test]
    fn sslrootcert_is_ours_and_the_rest_goes_to_postgres() {
        let url =
            HubUrl::parse("postgres://d:p@h:1/db?sslmode=require&sslrootcert=/tmp/ca.pem").unwrap();
        assert_eq!(
            url.root_cert.as_deref(),
            Some(std::path::Path::new("/tmp/ca.pem"))
        );
        assert_eq!(
            url.config.get_ssl_mode(),
            postgres::config::SslMode::Require
        );
    }

    #[test]
    fn bad_urls_say_what_is_expected() {
        for bad in [
            "mysql://x@y/z",
            "postgres://u:p@host:5432",
            "postgres://u:p@h:notaport/db",
        ] {
            let e = HubUrl::parse(bad).unwrap_err();
            assert!(matches!(e, HubError::BadUrl(..)), "{bad}: {e}");
            assert!(
                e.to_string()
                    .contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            );
        }
    }

    #[test]
    fn another_user_keeps_host_and_database() {
        let url = HubUrl::parse("postgres://admin:a@h:5433/fest?sslmode=require").unwrap();
        let desk = url.with_user("fest_desk", "p@ss").unwrap();
        assert_eq!(desk.user(), "fest_desk");
        assert_eq!(desk.database(), "fest");
        assert!(desk.as_str().contains("p%40ss@h:5433/fest?sslmode=require"));
    }
}
