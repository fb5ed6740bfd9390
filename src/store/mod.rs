//! The event database: one SQLite file per event, in WAL mode, with numbered migrations. This is
//! the only module that uses rusqlite. Every tick, undo and import is its own transaction, so a
//! crash or a full disk leaves the database as it was before the operation.

mod attendees;
mod checkins;
mod credentials;
mod sync;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use crate::i18n::Lang;

pub use attendees::{ImportSummary, WalkIn};
pub use checkins::{CheckInAction, CheckInEvent, CheckInOutcome, Presence, UndoneCheckIn};
pub use credentials::{IssuedCredential, NewCredential};
pub use sync::{ApplyReport, DeskIdentity, DeskRow, DoubleTick, Fact};

/// The migrations, in order; `PRAGMA user_version` counts how many were applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_credentials.sql"),
    include_str!("migrations/003_claim_token_key.sql"),
    include_str!("migrations/004_attendee_name_order.sql"),
    include_str!("migrations/005_compact_attendees.sql"),
    include_str!("migrations/006_drop_name_order.sql"),
    include_str!("migrations/007_desks.sql"),
];
/// Page size of new event databases: a WAL commit writes each page with two system calls and a
/// checkpoint reads and writes it again, so bigger pages mean a quarter of the calls for a
/// 100,000-row import (write phase ~530 → ~400 ms). Existing databases keep theirs (changing
/// it in WAL mode needs a VACUUM).
const PAGE_SIZE: i64 = 16384;
/// Index in [`MIGRATIONS`] of the one that adds `credentials.token_key` (backfilled from Rust).
const TOKEN_KEY_MIGRATION: usize = 2;
/// Index in [`MIGRATIONS`] of the one that compacts attendee rows (`original` rewritten from Rust).
const COMPACT_MIGRATION: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the event database '{}': {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the event database '{}' was written by a newer badgedesk (schema {found}, this one knows {known}); update badgedesk",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the event database is busy (another badgedesk is writing); try again")]
    Busy,
    #[error("the disk is full: nothing was saved; free some space and try again")]
    DiskFull,
    #[error("no attendee with id {0}")]
    NoSuchAttendee(i64),
    #[error("no credential '{0}' (see `badgedesk credentials`)")]
    NoSuchCredential(String),
    #[error("no activity '{0}' in this event (see [[activities]] in event.toml)")]
    NoSuchActivity(String),
    #[error("ticket '{ticket}' already belongs to attendee {attendee_id}")]
    TicketTaken { ticket: String, attendee_id: i64 },
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error("corrupt value in the database ({what}): {message}")]
    Corrupt { what: &'static str, message: String },
}

impl StoreError {
    /// The message in the interface language (`Display` is the English one). Every variant has
    /// its French (no catch-all arm), so a new one cannot be left in English by accident.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Busy => {
                "la base de l’évènement est occupée (un autre badgedesk y écrit) ; réessayez".into()
            }
            StoreError::DiskFull => {
                "le disque est plein : rien n’a été enregistré ; libérez de la place puis réessayez"
                    .into()
            }
            StoreError::NoSuchAttendee(id) => format!("aucun participant n° {id}"),
            StoreError::NoSuchCredential(id) => {
                format!("aucun badge « {id} » (voir `badgedesk credentials`)")
            }
            StoreError::NoSuchActivity(key) => format!(
                "aucune activité « {key} » dans cet évènement (voir [[activities]] dans event.toml)"
            ),
            StoreError::TicketTaken {
                ticket,
                attendee_id,
            } => format!("le billet « {ticket} » appartient déjà au participant {attendee_id}"),
            StoreError::Empty { field } => format!("{field} ne doit pas être vide"),
            StoreError::Open { path, source } => format!(
                "impossible d’ouvrir la base de l’évènement « {} » : {source}",
                path.display()
            ),
            StoreError::TooNew { path, found, known } => format!(
                "la base de l’évènement « {} » a été écrite par un badgedesk plus récent (schéma {found}, celui-ci connaît {known}) ; mettez badgedesk à jour",
                path.display()
            ),
            StoreError::Sql(e) => format!("erreur de la base de données : {e}"),
            StoreError::Corrupt { what, message } => {
                format!("valeur illisible dans la base ({what}) : {message}")
            }
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sql(e),
        }
    }
}

/// An open event database. `Send` but not `Sync`: each thread opens its own. Write
/// transactions begin IMMEDIATE: a deferred one that reads first would fail at once (not after
/// the busy timeout) when another connection, such as the hub sync's, wrote in between.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Whether rows written now are this desk's facts (off while other desks' facts are
    /// applied); read by the journal's capture triggers.
    capture: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// An activity as stored (mirrors `[[activities]]` in event.toml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    pub key: String,
    pub name: String,
}

impl Store {
    /// Gives back the page cache's memory (after a full-table scan that will not be repeated).
    pub fn shrink_memory(&self) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("PRAGMA shrink_memory")?)
    }

    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        Self::setup(conn, path)
    }

    /// A private in-memory database (tests, benches, dry runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Self::setup(conn, Path::new(":memory:"))
    }

    fn setup(conn: Connection, path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        // Before WAL is set: only a new, empty database takes it.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(open_err)?;
        // WAL: readers never block the writer; NORMAL: durable at checkpoints, no fsync per tick.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        // 64 MiB page cache: a 100k-row import transaction stays in memory instead of spilling
        // (write phase of the 100k-row bench: 730 ms → 565 ms).
        conn.pragma_update(None, "cache_size", -65536)
            .map_err(open_err)?;
        let capture = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        sync::register_functions(&conn, std::sync::Arc::clone(&capture)).map_err(open_err)?;
        let mut store = Store { conn, capture };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&mut self, path: &Path) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as i64;
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            if index == TOKEN_KEY_MIGRATION {
                credentials::backfill_token_keys(&tx)?;
            }
            if index == COMPACT_MIGRATION {
                attendees::compact_originals(&tx)?;
            }
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Make the activities table match event.toml: add and rename; retire the ones removed
    /// (their check-ins stay).
    pub fn sync_activities(&mut self, activities: &[(String, String)]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("UPDATE activities SET retired = 1", [])?;
        for (position, (key, name)) in activities.iter().enumerate() {
            tx.execute(
                "INSERT INTO activities (key, name, position, retired) VALUES (?1, ?2, ?3, 0)
                 ON CONFLICT(key) DO UPDATE SET name = excluded.name, position = excluded.position, retired = 0",
                params![key, name, position as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Current activities, in event.toml order.
    pub fn activities(&self) -> Result<Vec<Activity>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, name FROM activities WHERE retired = 0 ORDER BY position",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Activity {
                key: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn activity_exists(&self, key: &str) -> Result<bool, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT 1 FROM activities WHERE key = ?1 AND retired = 0",
                [key],
                |_| Ok(()),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// Append an audit entry inside an open transaction.
    fn audit(
        tx: &rusqlite::Transaction<'_>,
        at: OffsetDateTime,
        actor: &str,
        action: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        tx.execute(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![crate::clock::rfc3339(at), actor, action, detail.to_string()],
        )?;
        Ok(())
    }

    /// Number of audit entries with this action (for reports and tests).
    pub fn audit_count(&self, action: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM audit WHERE action = ?1",
            [action],
            |r| r.get(0),
        )?)
    }
}

fn parse_time(text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|e| {
        StoreError::Corrupt {
            what: "timestamp",
            message: format!("'{text}': {e}"),
        }
    })
}

#[cfg(test)]
mod migration_tests;
#[cfg(test)]
mod tests;

#[cfg(test)]
impl Store {
    /// The first column of every row `sql` returns, as text (tests read the schema with it).
    pub(crate) fn text_column(&self, sql: &str) -> Vec<String> {
        let mut stmt = self.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}
