//! Attendee rows: listing, lookup by ticket, walk-ins; writing imported records is in [`write`].

mod original;
pub(super) use original::compact_all as compact_originals;
mod write;

use rusqlite::{OptionalExtension, Row, params};
use time::OffsetDateTime;

use super::{Store, StoreError};
use crate::clock::rfc3339;
use crate::import::{StoredAttendees, StoredRow};
use crate::model::{Attendee, Extra, SourceRef};

/// A person added at the desk, not from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkIn {
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub organisation: Option<String>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
}

/// The columns [`attendee_from_row`] reads, from [`ATTENDEE_FROM`] (the source file name is
/// kept once per import, see migration 005). A subquery, not a join: SQLite re-prepares a
/// cached join statement whenever its `a.id = ?1` is bound again, which cost every first visit
/// of a claim page a parse of the query.
pub(super) const ATTENDEE_COLUMNS: &str = "a.id, a.ticket, a.given_name, a.family_name, a.email, a.contact_email, a.organisation, a.extra, (SELECT file FROM imports WHERE id = a.import_id), a.source_line";
pub(super) const ATTENDEE_FROM: &str = "attendees a";
/// The columns of a roster row, from `attendees a`: no extra fields and no source (read as
/// empty).
const SUMMARY_COLUMNS: &str = "a.id, a.ticket, a.given_name, a.family_name, a.email, a.contact_email, a.organisation, '{}', NULL, NULL";

/// The key tickets are compared by: trimmed, case-folded.
pub fn ticket_key(ticket: &str) -> String {
    crate::text::fold(ticket.trim())
}

fn attendee_from_row(row: &Row<'_>) -> rusqlite::Result<Attendee> {
    let extra: String = row.get(7)?;
    let extra: Extra = serde_json::from_str(&extra).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let source_file: Option<String> = row.get(8)?;
    let source_line: Option<i64> = row.get(9)?;
    Ok(Attendee {
        id: row.get(0)?,
        ticket: row.get(1)?,
        given_name: row.get(2)?,
        family_name: row.get(3)?,
        email: row.get(4)?,
        contact_email: row.get(5)?,
        organisation: row.get(6)?,
        extra,
        source: source_file.map(|file| SourceRef {
            file,
            line: source_line.unwrap_or(0).max(0) as u64,
        }),
    })
}

/// [`Store::attendee_page`]'s query: a scan keeping the first rows by name (no index, see
/// migration 006).
pub(super) fn page_sql() -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM attendees a
         ORDER BY a.family_name COLLATE NOCASE, a.given_name COLLATE NOCASE, a.id LIMIT ?1"
    )
}

impl Store {
    /// Every attendee, by id.
    pub fn attendees(&self) -> Result<Vec<Attendee>, StoreError> {
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM {ATTENDEE_FROM} ORDER BY a.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], attendee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every attendee, by id, without extra fields and source (`extra` empty, `source` None):
    /// the desk's roster, which shows those for the selected person only ([`Store::attendee`]).
    /// On 100,000 attendees it saves some 60 MB of maps the list never reads.
    pub fn attendee_summaries(&self) -> Result<Vec<Attendee>, StoreError> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM attendees a ORDER BY a.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], attendee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every attendee, by id, packed the way an import compares against them: a re-import of
    /// 100,000 people holds them in a fifth of the memory of [`Store::attendees`].
    pub fn attendees_for_import(&self) -> Result<StoredAttendees, StoreError> {
        let count = usize::try_from(self.attendee_count()?).unwrap_or(0);
        let mut out = StoredAttendees::with_capacity(count);
        {
            let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM {ATTENDEE_FROM} ORDER BY a.id");
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let text = |k: usize| -> rusqlite::Result<Option<&str>> {
                    Ok(row.get_ref(k)?.as_str_or_null()?)
                };
                let extra_json = text(7)?.unwrap_or("{}");
                if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(extra_json) {
                    return Err(StoreError::Corrupt {
                        what: "extra",
                        message: e.to_string(),
                    });
                }
                out.push(StoredRow {
                    id: row.get(0)?,
                    ticket: text(1)?,
                    given_name: text(2)?.unwrap_or_default(),
                    family_name: text(3)?.unwrap_or_default(),
                    email: text(4)?,
                    contact_email: text(5)?,
                    organisation: text(6)?,
                    extra_json,
                    source_file: text(8)?,
                    source_line: row.get(9)?,
                });
            }
        }
        // The scan filled the page cache with the whole table; the import needs none of it.
        self.shrink_memory()?;
        Ok(out)
    }

    /// The first `limit` attendees by family name, then given name (ASCII case ignored): the
    /// top of the desk's alphabetical list, to show before the whole roster is read. Rows are
    /// summaries, as in [`Store::attendee_summaries`].
    pub fn attendee_page(&self, limit: usize) -> Result<Vec<Attendee>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&page_sql())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map([limit], attendee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn attendee(&self, id: i64) -> Result<Option<Attendee>, StoreError> {
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM {ATTENDEE_FROM} WHERE a.id = ?1");
        // Cached: the desk's detail pane and every first visit of a claim page ask for one.
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], attendee_from_row)
            .optional()?)
    }

    /// The cells of the row this attendee was last imported from, exactly as decoded; `None`
    /// for walk-ins and unknown ids.
    pub fn attendee_original(&self, id: i64) -> Result<Option<Vec<String>>, StoreError> {
        let sql = format!(
            "SELECT {} FROM attendees WHERE id = ?1",
            original::VALUE_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let stored = original::RowValues::read(row, 0)?;
        match stored.original.as_deref() {
            Some(text) => Ok(Some(original::decode(text, &stored.values())?)),
            None => Ok(None),
        }
    }

    pub fn attendee_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM attendees", [], |r| r.get(0))?)
    }

    /// The attendee holding this ticket number (case-insensitive, surrounding spaces ignored).
    pub fn find_by_ticket(&self, ticket: &str) -> Result<Option<Attendee>, StoreError> {
        let key = ticket_key(ticket);
        if key.is_empty() {
            return Ok(None);
        }
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM {ATTENDEE_FROM} WHERE a.ticket_key = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([key], attendee_from_row)
            .optional()?)
    }

    /// Add a walk-in and tick nothing (the caller ticks in its own step, so each is undoable).
    pub fn add_walk_in(
        &mut self,
        walk_in: &WalkIn,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Attendee, StoreError> {
        let given_name = crate::text::clean(&walk_in.given_name);
        let family_name = crate::text::clean(&walk_in.family_name);
        if given_name.is_empty() && family_name.is_empty() {
            return Err(StoreError::Empty { field: "name" });
        }
        let clean_opt = |v: &Option<String>| {
            v.as_deref()
                .map(crate::text::clean)
                .filter(|s| !s.is_empty())
        };
        let email = clean_opt(&walk_in.email).map(|e| e.to_lowercase());
        let organisation = clean_opt(&walk_in.organisation);
        let now = rfc3339(at);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO attendees (given_name, family_name, email, organisation, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![given_name, family_name, email, organisation, now],
        )?;
        let id = tx.last_insert_rowid();
        Store::audit(
            &tx,
            at,
            actor,
            "walk_in",
            &serde_json::json!({ "attendee_id": id }),
        )?;
        tx.commit()?;
        self.attendee(id)?.ok_or(StoreError::NoSuchAttendee(id))
    }
}
