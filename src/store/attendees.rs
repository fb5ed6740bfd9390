//! Attendee rows: listing, lookup by ticket, walk-ins, and writing imported records.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, Transaction, params};
use time::OffsetDateTime;

use super::{Store, StoreError};
use crate::clock::rfc3339;
use crate::model::{Attendee, AttendeeRecord, SourceRef};

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

const ATTENDEE_COLUMNS: &str = "id, ticket, given_name, family_name, email, contact_email, organisation, extra, source_file, source_line";

/// The key tickets are compared by: trimmed, case-folded.
pub fn ticket_key(ticket: &str) -> String {
    crate::text::fold(ticket.trim())
}

fn attendee_from_row(row: &Row<'_>) -> rusqlite::Result<Attendee> {
    let extra: String = row.get(7)?;
    let extra: BTreeMap<String, String> = serde_json::from_str(&extra).map_err(|e| {
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

impl Store {
    /// Every attendee, by id.
    pub fn attendees(&self) -> Result<Vec<Attendee>, StoreError> {
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM attendees ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], attendee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The first `limit` attendees by family name, then given name (ASCII case ignored): the
    /// top of the desk's alphabetical list, to show before the whole roster is read.
    pub fn attendee_page(&self, limit: usize) -> Result<Vec<Attendee>, StoreError> {
        let sql = format!(
            "SELECT {ATTENDEE_COLUMNS} FROM attendees
             ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id LIMIT ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map([limit], attendee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn attendee(&self, id: i64) -> Result<Option<Attendee>, StoreError> {
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM attendees WHERE id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id], attendee_from_row)
            .optional()?)
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
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM attendees WHERE ticket_key = ?1");
        Ok(self
            .conn
            .query_row(&sql, [key], attendee_from_row)
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
        let tx = self.conn.transaction()?;
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

    /// Add imported records as new attendees and update existing ones, all in one transaction:
    /// either every row is written or none is. Check-ins and issued badges are never touched.
    pub fn write_import(
        &mut self,
        to_add: &[AttendeeRecord],
        to_update: &[(i64, AttendeeRecord)],
        file: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportSummary, StoreError> {
        let now = rfc3339(at);
        let tx = self.conn.transaction()?;
        {
            // Both statements take the record's columns as ?1..?12 in the same order.
            let mut insert = tx.prepare_cached(
                "INSERT INTO attendees (ticket, ticket_key, given_name, family_name, email, contact_email,
                     organisation, extra, source_file, source_line, original, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
            )?;
            for record in to_add {
                let fields = RecordFields::of(record)?;
                insert
                    .execute(fields.params(record, &now, None).as_slice())
                    .map_err(|e| ticket_conflict(&tx, e, record))?;
            }
            let mut update = tx.prepare_cached(
                "UPDATE attendees SET ticket = ?1, ticket_key = ?2, given_name = ?3, family_name = ?4, email = ?5,
                     contact_email = ?6, organisation = ?7, extra = ?8, source_file = ?9, source_line = ?10,
                     original = ?11, updated_at = ?12
                 WHERE id = ?13",
            )?;
            for (id, record) in to_update {
                let fields = RecordFields::of(record)?;
                let changed = update
                    .execute(fields.params(record, &now, Some(id)).as_slice())
                    .map_err(|e| ticket_conflict(&tx, e, record))?;
                if changed == 0 {
                    return Err(StoreError::NoSuchAttendee(*id));
                }
            }
        }
        let summary = ImportSummary {
            added: to_add.len(),
            updated: to_update.len(),
        };
        Store::audit(
            &tx,
            at,
            actor,
            "import",
            &serde_json::json!({ "file": file, "added": summary.added, "updated": summary.updated }),
        )?;
        tx.commit()?;
        Ok(summary)
    }
}

/// The derived columns of a record.
struct RecordFields {
    ticket_key: Option<String>,
    extra: String,
    original: String,
    source_line: i64,
}

impl RecordFields {
    /// The row's columns, in the order both import statements use; `id` last for UPDATE.
    fn params<'a>(
        &'a self,
        record: &'a AttendeeRecord,
        now: &'a dyn rusqlite::ToSql,
        id: Option<&'a i64>,
    ) -> Vec<&'a dyn rusqlite::ToSql> {
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![
            &record.ticket,
            &self.ticket_key,
            &record.given_name,
            &record.family_name,
            &record.email,
            &record.contact_email,
            &record.organisation,
            &self.extra,
            &record.source.file,
            &self.source_line,
            &self.original,
            now,
        ];
        if let Some(id) = id {
            values.push(id);
        }
        values
    }

    fn of(record: &AttendeeRecord) -> Result<RecordFields, StoreError> {
        let json = |e: serde_json::Error| StoreError::Corrupt {
            what: "record",
            message: e.to_string(),
        };
        Ok(RecordFields {
            ticket_key: record
                .ticket
                .as_deref()
                .map(ticket_key)
                .filter(|k| !k.is_empty()),
            extra: serde_json::to_string(&record.extra).map_err(json)?,
            original: serde_json::to_string(&record.original).map_err(json)?,
            source_line: record.source.line as i64,
        })
    }
}

/// Turn a UNIQUE violation on the ticket into an error naming the ticket and its holder.
fn ticket_conflict(
    tx: &Transaction<'_>,
    e: rusqlite::Error,
    record: &AttendeeRecord,
) -> StoreError {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
        && let Some(ticket) = &record.ticket
    {
        let holder: Option<i64> = tx
            .query_row(
                "SELECT id FROM attendees WHERE ticket_key = ?1",
                [ticket_key(ticket)],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        if let Some(attendee_id) = holder {
            return StoreError::TicketTaken {
                ticket: ticket.clone(),
                attendee_id,
            };
        }
    }
    StoreError::from(e)
}
