//! Writing an import: the plan's additions and updates in one transaction. Kept fast without
//! giving anything up: each row is bound by index into one prepared statement and its JSON
//! columns are written into reused buffers on a second thread while SQLite works. The table
//! keeps no index beyond the ticket's UNIQUE one (migration 006), so a row costs one B-tree
//! insert besides the ticket's.

use std::borrow::Borrow;
use std::fmt::Write as _;
use std::sync::mpsc;

use rusqlite::{OptionalExtension, Statement, Transaction};
use time::OffsetDateTime;

use super::super::{Store, StoreError};
use super::{ImportSummary, original, ticket_key};
use crate::clock::rfc3339;
use crate::model::{AttendeeRecord, Extra};

/// Both statements take the record's columns as ?1..?12 in the same order (see [`bind`]).
const INSERT: &str = "INSERT INTO attendees (ticket, ticket_key, given_name, family_name, email,
     contact_email, organisation, extra, import_id, source_line, original, created_at, updated_at)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)";
const UPDATE: &str = "UPDATE attendees SET ticket = ?1, ticket_key = ?2, given_name = ?3,
     family_name = ?4, email = ?5, contact_email = ?6, organisation = ?7, extra = ?8,
     import_id = ?9, source_line = ?10, original = ?11, updated_at = ?12
 WHERE id = ?13";

impl Store {
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
        let updates = to_update.iter().map(|(id, r)| (*id, r));
        self.write_rows(to_add.iter(), updates, file, (actor, at))
    }

    /// [`Store::write_import`], taking the records and freeing each once written, so SQLite's
    /// page cache grows into the memory the records leave (a 100,000-row import stays within
    /// its memory budget).
    pub fn write_import_owned(
        &mut self,
        to_add: Vec<AttendeeRecord>,
        to_update: Vec<(i64, AttendeeRecord)>,
        file: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<ImportSummary, StoreError> {
        self.write_rows(to_add.into_iter(), to_update, file, (actor, at))
    }

    fn write_rows<A, U>(
        &mut self,
        to_add: impl Iterator<Item = A> + Send,
        to_update: impl IntoIterator<Item = (i64, U), IntoIter: Send>,
        file: &str,
        (actor, at): (&str, OffsetDateTime),
    ) -> Result<ImportSummary, StoreError>
    where
        A: Borrow<AttendeeRecord> + Send,
        U: Borrow<AttendeeRecord> + Send,
    {
        let now = rfc3339(at);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut imports = Imports::default();
        let (mut added, mut updated) = (0, 0);
        {
            let mut insert = tx.prepare_cached(INSERT)?;
            each_prepared(to_add, added_record::<A>, |a, row| {
                let record = a.borrow();
                let import_id = imports.id(&tx, &record.source.file, &now)?;
                bind(&mut insert, record, row, (import_id, &now))?;
                insert
                    .raw_execute()
                    .map_err(|e| ticket_conflict(&tx, e, record))?;
                added += 1;
                Ok(())
            })?;
            let mut update = tx.prepare_cached(UPDATE)?;
            each_prepared(
                to_update.into_iter(),
                updated_record::<U>,
                |(id, u), row| {
                    let record = u.borrow();
                    let import_id = imports.id(&tx, &record.source.file, &now)?;
                    bind(&mut update, record, row, (import_id, &now))?;
                    update.raw_bind_parameter(13, id)?;
                    let changed = update
                        .raw_execute()
                        .map_err(|e| ticket_conflict(&tx, e, record))?;
                    if changed == 0 {
                        return Err(StoreError::NoSuchAttendee(*id));
                    }
                    updated += 1;
                    Ok(())
                },
            )?;
        }
        let summary = ImportSummary { added, updated };
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

/// Rows handed to the writer in chunks of this many.
const CHUNK: usize = 256;

/// Calls `write` on every item in order with its record's derived columns, filled on another
/// thread meanwhile (the JSON and folding are a fifth of a big import's write phase, and the
/// writing thread is busy in SQLite). Written items go back to that thread to be freed, and
/// their buffers refilled. Stops at the first error; the filling thread stops with it.
fn each_prepared<T: Send>(
    items: impl Iterator<Item = T> + Send,
    record_of: fn(&T) -> &AttendeeRecord,
    mut write: impl FnMut(&T, &RowText) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    std::thread::scope(|scope| {
        let (to_writer, filled) = mpsc::sync_channel::<Vec<(T, RowText)>>(4);
        let (to_filler, spent) = mpsc::channel::<Vec<(T, RowText)>>();
        scope.spawn(move || {
            let mut items = items.peekable();
            let mut buffers: Vec<RowText> = Vec::new();
            while items.peek().is_some() {
                for (item, row) in spent.try_iter().flatten() {
                    drop(item);
                    buffers.push(row);
                }
                let chunk: Vec<(T, RowText)> = items
                    .by_ref()
                    .take(CHUNK)
                    .map(|item| {
                        let mut row = buffers.pop().unwrap_or_default();
                        row.fill(record_of(&item));
                        (item, row)
                    })
                    .collect();
                if to_writer.send(chunk).is_err() {
                    // The writer stopped on an error.
                    return;
                }
            }
        });
        for chunk in filled {
            for (item, row) in &chunk {
                write(item, row)?;
            }
            // Gone only if the filler is done: then the chunk is freed here.
            let _ = to_filler.send(chunk);
        }
        Ok(())
    })
}

fn added_record<A: Borrow<AttendeeRecord>>(a: &A) -> &AttendeeRecord {
    a.borrow()
}

fn updated_record<U: Borrow<AttendeeRecord>>((_, u): &(i64, U)) -> &AttendeeRecord {
    u.borrow()
}

/// The derived columns of one record, in buffers reused from row to row.
#[derive(Debug, Default)]
struct RowText {
    ticket_key: String,
    extra: String,
    original: String,
}

impl RowText {
    fn fill(&mut self, record: &AttendeeRecord) {
        self.ticket_key.clear();
        if let Some(ticket) = &record.ticket {
            crate::import::keys::fold_into(&mut self.ticket_key, ticket.trim());
        }
        self.extra.clear();
        json_object(&mut self.extra, &record.extra);
        self.original.clear();
        let values = original::Values {
            fixed: [
                record.ticket.as_deref(),
                Some(record.given_name.as_str()),
                Some(record.family_name.as_str()),
                record.email.as_deref(),
                record.contact_email.as_deref(),
                record.organisation.as_deref(),
            ],
            extra: &record.extra,
        };
        original::encode(&mut self.original, record.original.iter(), &values);
    }
}

/// The `imports` rows this write points its attendees at: one per source file (an import has
/// one), added when first needed.
#[derive(Debug, Default)]
struct Imports {
    ids: Vec<(String, i64)>,
}

impl Imports {
    fn id(&mut self, tx: &Transaction<'_>, file: &str, at: &str) -> Result<i64, StoreError> {
        if let Some((_, id)) = self.ids.iter().find(|(f, _)| f == file) {
            return Ok(*id);
        }
        tx.execute("INSERT INTO imports (file, at) VALUES (?1, ?2)", [file, at])?;
        let id = tx.last_insert_rowid();
        self.ids.push((file.to_owned(), id));
        Ok(id)
    }
}

/// Bind ?1..?12: the record's columns, its derived columns, its import and the timestamp.
fn bind(
    stmt: &mut Statement<'_>,
    record: &AttendeeRecord,
    row: &RowText,
    (import_id, now): (i64, &str),
) -> rusqlite::Result<()> {
    let ticket_key = Some(row.ticket_key.as_str()).filter(|k| !k.is_empty());
    stmt.raw_bind_parameter(1, record.ticket.as_deref())?;
    stmt.raw_bind_parameter(2, ticket_key)?;
    stmt.raw_bind_parameter(3, record.given_name.as_str())?;
    stmt.raw_bind_parameter(4, record.family_name.as_str())?;
    stmt.raw_bind_parameter(5, record.email.as_deref())?;
    stmt.raw_bind_parameter(6, record.contact_email.as_deref())?;
    stmt.raw_bind_parameter(7, record.organisation.as_deref())?;
    stmt.raw_bind_parameter(8, row.extra.as_str())?;
    stmt.raw_bind_parameter(9, import_id)?;
    stmt.raw_bind_parameter(10, record.source.line as i64)?;
    stmt.raw_bind_parameter(11, row.original.as_str())?;
    stmt.raw_bind_parameter(12, now)
}

/// A JSON string, escaped exactly as `serde_json` does (so stored values read back the same).
pub(super) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is an ASCII byte, so a char boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
fn json_array(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(out, item);
    }
    out.push(']');
}

fn json_object(out: &mut String, map: &Extra) {
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(out, k);
        out.push(':');
        json_str(out, v);
    }
    out.push('}');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_matches_serde_json() {
        let mut tricky: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        tricky.extend(
            [
                "",
                "Hélène \"Lena\" Œuvray",
                "a\\b/c",
                "l1\r\nl2\tx",
                "Nguyễn Thị Ngọc",
                "用户@例子.中国",
                "\u{2028}\u{FFFD}\u{7f}",
            ]
            .map(String::from),
        );
        let mut out = String::new();
        json_array(&mut out, &tricky);
        assert_eq!(out, serde_json::to_string(&tricky).unwrap());
        let map: Extra = tricky
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("k{i}{s}"), s.clone()))
            .collect();
        out.clear();
        json_object(&mut out, &map);
        assert_eq!(out, serde_json::to_string(&map).unwrap());
        out.clear();
        json_object(&mut out, &Extra::new());
        json_array(&mut out, &[]);
        assert_eq!(out, "{}[]");
    }

    fn record(ticket: &str, email: &str, line: u64) -> AttendeeRecord {
        AttendeeRecord {
            ticket: Some(ticket.into()),
            given_name: "Zoé".into(),
            family_name: "N'Diaye".into(),
            email: Some(email.into()),
            contact_email: None,
            organisation: None,
            extra: Extra::from_iter([("Niveau".to_string(), "6e".to_string())]),
            source: crate::model::SourceRef {
                file: "big.csv".into(),
                line,
            },
            original: vec![ticket, "Zoé", "l1\nl2 \"q\""].into(),
        }
    }

    #[test]
    fn an_import_is_written_whole_or_not_at_all() {
        let mut store = Store::open_in_memory().unwrap();
        let at = time::macros::datetime!(2026-05-16 08:00 UTC);
        let n = 1_005;
        let mut records: Vec<_> = (0..n)
            .map(|i| record(&format!("T-{i}"), &format!("p{i}@x.fr"), i + 2))
            .collect();
        // A duplicate ticket at the very end: nothing at all is written.
        records.push(record("t-3", "late@x.fr", n + 2));
        let err = store
            .write_import(&records, &[], "big.csv", "test", at)
            .unwrap_err();
        assert!(
            matches!(err, StoreError::TicketTaken { attendee_id: 4, .. }),
            "{err}"
        );
        assert_eq!(store.attendee_count().unwrap(), 0);
        assert!(store.text_column("SELECT file FROM imports").is_empty());
        records.pop();
        let summary = store
            .write_import(&records, &[], "big.csv", "test", at)
            .unwrap();
        assert_eq!(summary.added, n as usize);
        let back = store.find_by_ticket("t-7").unwrap().unwrap();
        assert_eq!(back.email.as_deref(), Some("p7@x.fr"));
        assert_eq!(back.extra, records[7].extra);
        let original = store.attendee_original(back.id).unwrap();
        assert_eq!(original, Some(records[7].original.to_vec()));
    }
}
