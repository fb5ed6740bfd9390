//! The desk's side of several desks: the journal of facts shared through a hub, and how facts
//! from other desks change this desk's tables.
//!
//! Once an event has a hub, triggers (created by [`Store::enable_journal`]) write a fact into
//! `journal` for every row this desk creates or changes, in the same transaction as the row: a
//! tick, an undo, an attendee added or edited, an import, an audit entry, a credential, a claim,
//! a revocation, an issue request. Facts get consecutive sequence numbers per desk, so "what
//! the hub lacks" and "what this desk lacks" are each a number per desk, and a desk never holds
//! a fact of a desk without all that desk's earlier facts (see [`Store::apply_facts`]).
//!
//! State is derived from facts so that every desk ends the same whatever order facts arrive
//! in: presence is "some tick not undone" (the earliest one gives the time), an attendee's
//! field takes the value of the latest edit of that field (desk time, then fact id), a claim
//! keeps its earliest time.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;

use super::attendees::ticket_key;
use super::{Store, StoreError};

/// A fact as the journal and the hub hold it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    pub origin: String,
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub subject: Option<String>,
    /// The origin desk's clock (RFC 3339).
    pub at: String,
    /// The hub's clock when it received the fact (RFC 3339), once known.
    pub hub_at: Option<String>,
    /// The origin desk's clock minus the hub's when the fact was sent, once known.
    pub skew_ms: Option<i64>,
    /// JSON.
    pub body: String,
}

/// This folder's own desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskIdentity {
    pub id: String,
    pub name: String,
}

/// A desk this folder knows, with what the journal says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRow {
    pub id: String,
    pub name: String,
    pub me: bool,
    /// Facts of this desk held here.
    pub held: i64,
    /// Facts of this desk the hub held when last heard.
    pub hub_seq: i64,
    pub skew_ms: Option<i64>,
}

/// What applying facts did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Facts new to this desk.
    pub received: usize,
    /// Facts already held (sent twice).
    pub duplicates: usize,
    /// Facts not taken because an earlier fact of their desk is missing (asked again later).
    pub out_of_order: usize,
    /// Facts held but not yet applied: they refer to a fact that has not arrived.
    pub waiting: usize,
    /// Ticks of an attendee already present at that activity through another tick.
    pub double_ticks: Vec<DoubleTick>,
    /// Attendees added or edited at other desks (the desk reads its roster again).
    pub attendees: usize,
    /// Credentials that arrived or changed (the desk refreshes claim cards).
    pub credentials: usize,
    /// Issue requests that arrived.
    pub requests: usize,
}

/// A tick made at another desk for someone this desk already had present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoubleTick {
    pub attendee_id: i64,
    pub activity_key: String,
    /// The desk whose tick arrived, and its time.
    pub desk: String,
    pub at: String,
}

/// Connection functions the capture triggers call. Registered on every connection, so a
/// journal-enabled database works from any of them.
pub(super) fn register_functions(
    conn: &Connection,
    capture: Arc<AtomicBool>,
) -> rusqlite::Result<()> {
    conn.create_scalar_function("bd_uuid7", 0, FunctionFlags::SQLITE_UTF8, |_| {
        Ok(uuid::Uuid::now_v7().to_string())
    })?;
    conn.create_scalar_function("bd_capturing", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(capture.load(Ordering::Relaxed))
    })?;
    Ok(())
}

/// The origin and next sequence number of a fact this desk makes, as a SELECT's first
/// columns (`FROM desks d WHERE d.me = 1` must follow).
const NEXT: &str = "d.id, (SELECT coalesce(max(seq), 0) + 1 FROM journal WHERE origin = d.id)";

const ATTENDEE_BODY: &str = "json_object('uid', a.uid, 'fields', json_object(
    'ticket', a.ticket, 'given_name', a.given_name, 'family_name', a.family_name,
    'email', a.email, 'contact_email', a.contact_email, 'organisation', a.organisation,
    'extra', json(a.extra), 'source_line', a.source_line, 'original', json(a.original),
    'import', (SELECT j.id FROM journal j WHERE j.kind = 'import' AND j.row = a.import_id)))";
const CHECKIN_BODY: &str =
    "json_object('attendee', (SELECT uid FROM attendees WHERE id = c.attendee_id),
    'activity', c.activity_key, 'actor', c.actor,
    'undoes', (SELECT j.id FROM journal j WHERE j.kind = 'tick' AND j.row = c.undoes))";
const AUDIT_BODY: &str =
    "json_object('actor', x.actor, 'action', x.action, 'detail', json(x.detail))";
const CREDENTIAL_BODY: &str =
    "json_object('id', c.id, 'attendee', (SELECT uid FROM attendees WHERE id = c.attendee_id),
    'achievement', c.achievement_key, 'issued_at', c.issued_at, 'json', c.json,
    'claim_token', c.claim_token, 'status_index', c.status_index, 'replaces', c.replaces)";
const REQUEST_BODY: &str =
    "json_object('attendee', (SELECT uid FROM attendees WHERE id = r.attendee_id),
    'achievement', r.achievement_key, 'actor', r.actor)";

/// The fields of an attendee fact, in the order the `changed` list names them.
const ATTENDEE_FIELDS: &[&str] = &[
    "ticket",
    "given_name",
    "family_name",
    "email",
    "contact_email",
    "organisation",
    "extra",
    "source_line",
    "original",
    "import",
];

/// Capture triggers: one fact per row this desk writes (not rows written while applying other
/// desks' facts: `bd_capturing()` is off then).
fn capture_triggers() -> String {
    let changed = [
        ("ticket", "ticket"),
        ("given_name", "given_name"),
        ("family_name", "family_name"),
        ("email", "email"),
        ("contact_email", "contact_email"),
        ("organisation", "organisation"),
        ("extra", "extra"),
        ("source_line", "source_line"),
        ("original", "original"),
        ("import", "import_id"),
    ];
    let changed_list = changed
        .iter()
        .map(|(name, col)| {
            format!("(CASE WHEN OLD.{col} IS NOT NEW.{col} THEN '{name},' ELSE '' END)")
        })
        .collect::<Vec<_>>()
        .join(" || ");
    let any_changed = changed
        .iter()
        .map(|(_, col)| format!("OLD.{col} IS NOT NEW.{col}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let columns: Vec<&str> = changed.iter().map(|(_, col)| *col).collect();
    format!(
        "
CREATE TRIGGER IF NOT EXISTS journal_attendee_insert AFTER INSERT ON attendees WHEN bd_capturing()
BEGIN
    UPDATE attendees SET uid = bd_uuid7() WHERE id = NEW.id AND uid IS NULL;
    INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'attendee', a.uid, a.id, a.updated_at,
        json_set({ATTENDEE_BODY}, '$.changed', '*')
    FROM desks d, attendees a WHERE d.me = 1 AND a.id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS journal_attendee_update AFTER UPDATE OF {cols} ON attendees
WHEN bd_capturing() AND ({any_changed})
BEGIN
    INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'attendee', a.uid, a.id, a.updated_at,
        json_set({ATTENDEE_BODY}, '$.changed', rtrim({changed_list}, ','))
    FROM desks d, attendees a WHERE d.me = 1 AND a.id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS journal_import AFTER INSERT ON imports WHEN bd_capturing()
BEGIN
    INSERT INTO journal (origin, seq, id, kind, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'import', NEW.id, NEW.at, json_object('file', NEW.file)
    FROM desks d WHERE d.me = 1;
END;
CREATE TRIGGER IF NOT EXISTS journal_checkin AFTER INSERT ON checkin_log WHEN bd_capturing()
BEGIN
    INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
    SELECT {NEXT}, bd_uuid7(), c.action, (SELECT uid FROM attendees WHERE id = c.attendee_id),
        c.id, c.at, {CHECKIN_BODY}
    FROM desks d, checkin_log c WHERE d.me = 1 AND c.id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS journal_audit AFTER INSERT ON audit WHEN bd_capturing()
BEGIN
    INSERT INTO journal (origin, seq, id, kind, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'audit', x.id, x.at, {AUDIT_BODY}
    FROM desks d, audit x WHERE d.me = 1 AND x.id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS journal_credential AFTER INSERT ON credentials WHEN bd_capturing()
BEGIN
    INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'credential', (SELECT uid FROM attendees WHERE id = c.attendee_id),
        c.rowid, c.issued_at, {CREDENTIAL_BODY}
    FROM desks d, credentials c WHERE d.me = 1 AND c.id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS journal_revoke AFTER UPDATE OF revoked_at ON credentials
WHEN bd_capturing() AND OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO journal (origin, seq, id, kind, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'revoke', NEW.rowid, NEW.revoked_at,
        json_object('credential', NEW.id, 'reason', NEW.revoked_reason)
    FROM desks d WHERE d.me = 1;
END;
CREATE TRIGGER IF NOT EXISTS journal_claim AFTER UPDATE OF claimed_at ON credentials
WHEN bd_capturing() AND OLD.claimed_at IS NULL AND NEW.claimed_at IS NOT NULL
BEGIN
    INSERT INTO journal (origin, seq, id, kind, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'claim', NEW.rowid, NEW.claimed_at,
        json_object('credential', NEW.id)
    FROM desks d WHERE d.me = 1;
END;
CREATE TRIGGER IF NOT EXISTS journal_request AFTER INSERT ON issue_requests WHEN bd_capturing()
BEGIN
    INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
    SELECT {NEXT}, bd_uuid7(), 'request', (SELECT uid FROM attendees WHERE id = r.attendee_id),
        r.id, r.at, {REQUEST_BODY}
    FROM desks d, issue_requests r WHERE d.me = 1 AND r.id = NEW.id;
END;
",
        cols = columns.join(", "),
    )
}

/// The journal facts of the rows a desk already held when its event got a hub, in an order
/// where every fact comes after the facts it refers to. Each statement numbers its rows after
/// the desk's last fact.
fn snapshot_statements() -> Vec<String> {
    let base = "(SELECT coalesce(max(seq), 0) FROM journal WHERE origin = d.id)";
    vec![
        format!(
            "INSERT INTO journal (origin, seq, id, kind, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY i.id), bd_uuid7(), 'import', i.id, i.at,
                json_object('file', i.file)
             FROM desks d, imports i WHERE d.me = 1 ORDER BY i.id"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY a.id), bd_uuid7(), 'attendee', a.uid, a.id,
                a.updated_at, json_set({ATTENDEE_BODY}, '$.changed', '*')
             FROM desks d, attendees a WHERE d.me = 1 ORDER BY a.id"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY c.id), bd_uuid7(), 'tick',
                (SELECT uid FROM attendees WHERE id = c.attendee_id), c.id, c.at, {CHECKIN_BODY}
             FROM desks d, checkin_log c WHERE d.me = 1 AND c.action = 'tick' ORDER BY c.id"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY c.id), bd_uuid7(), 'undo',
                (SELECT uid FROM attendees WHERE id = c.attendee_id), c.id, c.at, {CHECKIN_BODY}
             FROM desks d, checkin_log c WHERE d.me = 1 AND c.action = 'undo' ORDER BY c.id"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY x.id), bd_uuid7(), 'audit', x.id, x.at, {AUDIT_BODY}
             FROM desks d, audit x WHERE d.me = 1 ORDER BY x.id"
        ),
        // Replaced credentials first: a credential's `replaces` names one issued before it.
        format!(
            "INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY c.issued_at, c.rowid), bd_uuid7(), 'credential',
                (SELECT uid FROM attendees WHERE id = c.attendee_id), c.rowid, c.issued_at, {CREDENTIAL_BODY}
             FROM desks d, credentials c WHERE d.me = 1 ORDER BY c.issued_at, c.rowid"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY c.rowid), bd_uuid7(), 'revoke', c.rowid, c.revoked_at,
                json_object('credential', c.id, 'reason', c.revoked_reason)
             FROM desks d, credentials c WHERE d.me = 1 AND c.revoked_at IS NOT NULL ORDER BY c.rowid"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY c.rowid), bd_uuid7(), 'claim', c.rowid, c.claimed_at,
                json_object('credential', c.id)
             FROM desks d, credentials c WHERE d.me = 1 AND c.claimed_at IS NOT NULL ORDER BY c.rowid"
        ),
        format!(
            "INSERT INTO journal (origin, seq, id, kind, subject, row, at, body)
             SELECT d.id, {base} + row_number() OVER (ORDER BY r.id), bd_uuid7(), 'request',
                (SELECT uid FROM attendees WHERE id = r.attendee_id), r.id, r.at, {REQUEST_BODY}
             FROM desks d, issue_requests r WHERE d.me = 1 ORDER BY r.id"
        ),
    ]
}

impl Store {
    /// This folder's own desk, once the event has a hub.
    pub fn desk_identity(&self) -> Result<Option<DeskIdentity>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id, name FROM desks WHERE me = 1", [], |r| {
                Ok(DeskIdentity {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Start journaling this desk's rows (the event gets a hub, or this folder joins one):
    /// make the desk's identity, give every attendee its uid, record what the desk already
    /// holds as its first facts, and create the capture triggers. All in one transaction; a
    /// second call only renames the desk.
    pub fn enable_journal(&mut self, name: &str, at: &str) -> Result<DeskIdentity, StoreError> {
        let name = crate::text::clean(name);
        if name.is_empty() {
            return Err(StoreError::Empty { field: "desk name" });
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<String> = tx
            .query_row("SELECT id FROM desks WHERE me = 1", [], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE desks SET name = ?2 WHERE id = ?1",
                    params![id, name],
                )?;
                id
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                tx.execute(
                    "INSERT INTO desks (id, name, me) VALUES (?1, ?2, 1)",
                    params![id, name],
                )?;
                tx.execute(
                    "UPDATE attendees SET uid = bd_uuid7() WHERE uid IS NULL",
                    [],
                )?;
                tx.execute(
                    "INSERT INTO journal (origin, seq, id, kind, at, body)
                     VALUES (?1, 1, ?2, 'desk', ?3, json_object('name', ?4))",
                    params![id, uuid::Uuid::now_v7().to_string(), at, name],
                )?;
                for sql in snapshot_statements() {
                    tx.execute(&sql, [])?;
                }
                tx.execute_batch(&capture_triggers())?;
                id
            }
        };
        tx.commit()?;
        Ok(DeskIdentity { id, name })
    }

    /// Every desk known here, this one first.
    pub fn desks(&self) -> Result<Vec<DeskRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.name, d.me, (SELECT coalesce(max(seq), 0) FROM journal WHERE origin = d.id),
                    d.hub_seq, d.skew_ms
             FROM desks d ORDER BY d.me DESC, d.name, d.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DeskRow {
                id: r.get(0)?,
                name: r.get(1)?,
                me: r.get::<_, i64>(2)? == 1,
                held: r.get(3)?,
                hub_seq: r.get(4)?,
                skew_ms: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many facts of each desk are held here: `(desk id, last seq)`.
    pub fn journal_heads(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT origin, max(seq) FROM journal GROUP BY origin")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Facts of `origin` after `after`, in order, at most `limit`.
    pub fn journal_after(
        &self,
        origin: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Fact>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FACT_COLUMNS} FROM journal
             WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![origin, after, limit as i64], fact_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every fact held, desk by desk in sequence order (a file for a USB stick).
    pub fn journal_all(&self) -> Result<Vec<Fact>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {FACT_COLUMNS} FROM journal
             ORDER BY origin, seq"
        ))?;
        let rows = stmt.query_map([], fact_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Remember what the hub holds of a desk's facts. Every sync calls this (four times a
    /// second at an open desk): it writes only when the number grew, so an idle desk takes no
    /// write lock away from its ticks.
    pub fn note_hub_seq(&mut self, origin: &str, hub_seq: i64) -> Result<(), StoreError> {
        let known: Option<i64> = self
            .conn
            .prepare_cached("SELECT hub_seq FROM desks WHERE id = ?1")?
            .query_row([origin], |r| r.get(0))
            .optional()?;
        if known.is_some_and(|k| k < hub_seq) {
            self.conn
                .prepare_cached("UPDATE desks SET hub_seq = ?2 WHERE id = ?1")?
                .execute(params![origin, hub_seq])?;
        }
        Ok(())
    }

    /// Remember this desk's clock offset to the hub, as the hub measured it (written only
    /// when it changed, like [`Store::note_hub_seq`]).
    pub fn note_skew(&mut self, origin: &str, skew_ms: i64) -> Result<(), StoreError> {
        let known: Option<Option<i64>> = self
            .conn
            .prepare_cached("SELECT skew_ms FROM desks WHERE id = ?1")?
            .query_row([origin], |r| r.get(0))
            .optional()?;
        if known.is_some_and(|k| k != Some(skew_ms)) {
            self.conn
                .prepare_cached("UPDATE desks SET skew_ms = ?2 WHERE id = ?1")?
                .execute(params![origin, skew_ms])?;
        }
        Ok(())
    }

    /// Facts this desk made that the hub did not hold when last heard.
    pub fn unsent_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT coalesce((SELECT max(seq) FROM journal WHERE origin = d.id), 0) - d.hub_seq
                 FROM desks d WHERE d.me = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0)
            .max(0))
    }

    /// Take in facts from other desks (pulled from the hub or read from a file): store each
    /// in the journal and apply it, in one transaction. Facts of a desk are taken only in that
    /// desk's order with no gap (a later one waits for the next pull); facts already held are
    /// counted and left alone; a fact that refers to one not yet here is kept and applied when
    /// that one arrives.
    pub fn apply_facts(&mut self, facts: &[Fact]) -> Result<ApplyReport, StoreError> {
        let mut report = ApplyReport::default();
        let capture = Arc::clone(&self.capture);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let _off = CaptureOff::new(&capture);
        let mut heads: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for fact in facts {
            let head = match heads.get(&fact.origin) {
                Some(&h) => h,
                None => {
                    let h: i64 = tx.query_row(
                        "SELECT coalesce(max(seq), 0) FROM journal WHERE origin = ?1",
                        [&fact.origin],
                        |r| r.get(0),
                    )?;
                    heads.insert(fact.origin.clone(), h);
                    h
                }
            };
            if fact.seq <= head {
                report.duplicates += 1;
                continue;
            }
            if fact.seq != head + 1 {
                report.out_of_order += 1;
                continue;
            }
            heads.insert(fact.origin.clone(), fact.seq);
            let inserted = tx.execute(
                "INSERT INTO journal (origin, seq, id, kind, subject, at, hub_at, skew_ms, body, applied)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0) ON CONFLICT DO NOTHING",
                params![
                    fact.origin,
                    fact.seq,
                    fact.id,
                    fact.kind,
                    fact.subject,
                    fact.at,
                    fact.hub_at,
                    fact.skew_ms,
                    fact.body
                ],
            )?;
            if inserted == 0 {
                // The same id under another number: a desk that sent a fact twice as two.
                report.duplicates += 1;
                continue;
            }
            report.received += 1;
            apply_one(&tx, fact, &mut report)?;
        }
        // Facts that waited for one that has now arrived: retry until nothing moves.
        loop {
            let waiting = waiting_facts(&tx)?;
            let mut moved = false;
            for fact in &waiting {
                if apply_one(&tx, fact, &mut report)? {
                    moved = true;
                }
            }
            if !moved {
                report.waiting = waiting.len();
                break;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Facts of another desk kept but not applied yet.
    pub fn waiting_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM journal WHERE applied = 0", [], |r| {
                r.get(0)
            })?)
    }

    /// The state desks share, written out without local ids (attendees by uid, the log by
    /// fact id): two desks that hold the same facts give the same text. For comparing desks.
    pub fn shared_state(&self) -> Result<String, StoreError> {
        let queries = [
            "SELECT 'attendee ' || uid || ' ' || json_array(ticket, ticket_key, given_name, family_name,
                    email, contact_email, organisation, extra, source_line, original,
                    (SELECT file FROM imports WHERE id = import_id))
             FROM attendees ORDER BY uid",
            "SELECT 'present ' || a.uid || ' ' || p.activity_key || ' ' || p.since
             FROM presence p JOIN attendees a ON a.id = p.attendee_id ORDER BY 1",
            "SELECT 'log ' || j.id || ' ' || a.uid || ' ' || c.activity_key || ' ' || c.action || ' ' || c.at
                    || ' ' || coalesce((SELECT u.id FROM journal u WHERE u.kind = 'tick' AND u.row = c.undoes), '-')
             FROM checkin_log c JOIN attendees a ON a.id = c.attendee_id
             JOIN journal j ON j.kind = c.action AND j.row = c.id ORDER BY 1",
            "SELECT 'credential ' || c.id || ' ' || a.uid || ' ' || c.achievement_key || ' '
                    || coalesce(c.revoked_at, '-') || ' ' || coalesce(c.claimed_at, '-')
             FROM credentials c JOIN attendees a ON a.id = c.attendee_id ORDER BY 1",
            "SELECT 'fact ' || origin || ' ' || seq || ' ' || id || ' ' || applied FROM journal ORDER BY 1",
        ];
        let mut out = String::new();
        for sql in queries {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
            for row in rows {
                out.push_str(row?.as_deref().unwrap_or("?"));
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// An attendee's id on every desk (None before the event has a hub).
    pub fn attendee_uid(&self, attendee_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT uid FROM attendees WHERE id = ?1")?
            .query_row([attendee_id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The most recent credential of an award, live or revoked (what a new one would follow).
    pub fn latest_credential_id(
        &self,
        attendee_id: i64,
        achievement_key: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM credentials WHERE attendee_id = ?1 AND achievement_key = ?2
                 ORDER BY issued_at DESC, rowid DESC LIMIT 1",
            )?
            .query_row(params![attendee_id, achievement_key], |r| r.get(0))
            .optional()?)
    }

    /// Ask a signer desk to issue an award (this desk has no key).
    pub fn request_issue(
        &mut self,
        attendee_id: i64,
        achievement_key: &str,
        actor: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO issue_requests (attendee_id, achievement_key, at, actor) VALUES (?1, ?2, ?3, ?4)",
            params![attendee_id, achievement_key, at, actor],
        )?;
        Ok(())
    }

    /// Requested awards with no live credential yet, oldest request first.
    pub fn pending_requests(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.attendee_id, r.achievement_key FROM issue_requests r
             WHERE NOT EXISTS (SELECT 1 FROM credentials c WHERE c.attendee_id = r.attendee_id
                 AND c.achievement_key = r.achievement_key AND c.revoked_at IS NULL)
             GROUP BY r.attendee_id, r.achievement_key ORDER BY min(r.id)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the award was requested and not issued yet (the desk says "waiting").
    pub fn is_requested(
        &self,
        attendee_id: i64,
        achievement_key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM issue_requests r WHERE r.attendee_id = ?1 AND r.achievement_key = ?2
                 AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.attendee_id = r.attendee_id
                     AND c.achievement_key = r.achievement_key AND c.revoked_at IS NULL)",
            )?
            .query_row(params![attendee_id, achievement_key], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The desk that made a check-in log entry (its name), for the detail pane.
    pub fn checkin_desks(&self, attendee_id: i64) -> Result<Vec<Option<String>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT (SELECT name FROM desks WHERE id = coalesce(c.origin, (SELECT id FROM desks WHERE me = 1)))
             FROM checkin_log c WHERE c.attendee_id = ?1 ORDER BY c.id",
        )?;
        let rows = stmt.query_map([attendee_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Who stands as the tick of a presence: the desk's name (when another desk) and the time.
    pub fn presence_origin(
        &self,
        attendee_id: i64,
        activity_key: &str,
    ) -> Result<Option<(Option<String>, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT (SELECT name FROM desks WHERE id = c.origin), p.since
                 FROM presence p JOIN checkin_log c ON c.id = p.tick_id
                 WHERE p.attendee_id = ?1 AND p.activity_key = ?2",
                params![attendee_id, activity_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}

/// The columns [`fact_from_row`] reads, in its order.
const FACT_COLUMNS: &str = "origin, seq, id, kind, subject, at, hub_at, skew_ms, body";

fn fact_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Fact> {
    Ok(Fact {
        origin: r.get(0)?,
        seq: r.get(1)?,
        id: r.get(2)?,
        kind: r.get(3)?,
        subject: r.get(4)?,
        at: r.get(5)?,
        hub_at: r.get(6)?,
        skew_ms: r.get(7)?,
        body: r.get(8)?,
    })
}

fn waiting_facts(tx: &Transaction<'_>) -> Result<Vec<Fact>, StoreError> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {FACT_COLUMNS} FROM journal
         WHERE applied = 0 ORDER BY origin, seq"
    ))?;
    let rows = stmt.query_map([], fact_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Turns capturing off while facts of other desks are applied (their rows are not this
/// desk's facts), and back on when dropped, also on an early return.
struct CaptureOff<'a>(&'a AtomicBool);

impl<'a> CaptureOff<'a> {
    fn new(flag: &'a AtomicBool) -> Self {
        flag.store(false, Ordering::Relaxed);
        CaptureOff(flag)
    }
}

impl Drop for CaptureOff<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// What applying one fact found.
enum Applied {
    /// Done; the local row it made, if any.
    Done(Option<i64>),
    /// Refers to a fact that has not arrived.
    Waiting,
}

/// Apply a fact held in the journal with `applied = 0`; true when it was applied now.
fn apply_one(
    tx: &Transaction<'_>,
    fact: &Fact,
    report: &mut ApplyReport,
) -> Result<bool, StoreError> {
    let body: Value = serde_json::from_str(&fact.body).map_err(|e| StoreError::Corrupt {
        what: "fact body",
        message: format!("{} ({}): {e}", fact.id, fact.kind),
    })?;
    let outcome = match fact.kind.as_str() {
        "desk" => {
            let name = text(&body, "name").unwrap_or_default();
            tx.execute(
                "INSERT INTO desks (id, name) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                params![fact.origin, name],
            )?;
            Applied::Done(None)
        }
        "import" => {
            tx.execute(
                "INSERT INTO imports (file, at) VALUES (?1, ?2)",
                params![text(&body, "file").unwrap_or_default(), fact.at],
            )?;
            Applied::Done(Some(tx.last_insert_rowid()))
        }
        "attendee" => {
            let outcome = apply_attendee(tx, fact, &body)?;
            if matches!(outcome, Applied::Done(_)) {
                report.attendees += 1;
            }
            outcome
        }
        "tick" | "undo" => apply_checkin(tx, fact, &body, report)?,
        "audit" => {
            let detail = body.get("detail").cloned().unwrap_or(Value::Null);
            tx.execute(
                "INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
                params![
                    fact.at,
                    text(&body, "actor").unwrap_or_default(),
                    text(&body, "action").unwrap_or_default(),
                    detail.to_string()
                ],
            )?;
            Applied::Done(Some(tx.last_insert_rowid()))
        }
        "credential" => {
            let outcome = apply_credential(tx, &body)?;
            if matches!(outcome, Applied::Done(_)) {
                report.credentials += 1;
            }
            outcome
        }
        "revoke" => {
            let id = text(&body, "credential").unwrap_or_default();
            match credential_rowid(tx, &id)? {
                None => Applied::Waiting,
                Some(rowid) => {
                    tx.execute(
                        "UPDATE credentials SET revoked_at = ?2, revoked_reason = ?3
                         WHERE rowid = ?1 AND revoked_at IS NULL",
                        params![rowid, fact.at, text(&body, "reason")],
                    )?;
                    report.credentials += 1;
                    Applied::Done(Some(rowid))
                }
            }
        }
        "claim" => {
            let id = text(&body, "credential").unwrap_or_default();
            match credential_rowid(tx, &id)? {
                None => Applied::Waiting,
                Some(rowid) => {
                    // The earliest claim stands, whichever desk heard of it first.
                    tx.execute(
                        "UPDATE credentials SET claimed_at = ?2
                         WHERE rowid = ?1 AND (claimed_at IS NULL OR claimed_at > ?2)",
                        params![rowid, fact.at],
                    )?;
                    Applied::Done(Some(rowid))
                }
            }
        }
        "request" => {
            let attendee = text(&body, "attendee").unwrap_or_default();
            match attendee_id(tx, &attendee)? {
                None => Applied::Waiting,
                Some(attendee_id) => {
                    tx.execute(
                        "INSERT INTO issue_requests (attendee_id, achievement_key, at, actor, origin)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            attendee_id,
                            text(&body, "achievement").unwrap_or_default(),
                            fact.at,
                            text(&body, "actor").unwrap_or_default(),
                            fact.origin
                        ],
                    )?;
                    report.requests += 1;
                    Applied::Done(Some(tx.last_insert_rowid()))
                }
            }
        }
        // A kind this version does not know (a newer desk): kept, applied by a newer version.
        _ => Applied::Waiting,
    };
    match outcome {
        Applied::Done(row) => {
            tx.execute(
                "UPDATE journal SET applied = 1, row = ?3 WHERE origin = ?1 AND seq = ?2",
                params![fact.origin, fact.seq, row],
            )?;
            Ok(true)
        }
        Applied::Waiting => Ok(false),
    }
}

fn text(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_string)
}

fn attendee_id(tx: &Transaction<'_>, uid: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT id FROM attendees WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?)
}

fn credential_rowid(tx: &Transaction<'_>, id: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT rowid FROM credentials WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The local row a fact made (`journal.row`), by the fact's id.
fn fact_row(tx: &Transaction<'_>, id: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT row FROM journal WHERE id = ?1 AND applied = 1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// An attendee's fields from all the attendee facts held for them: each field takes the value
/// of the latest fact that set it (desk time, then fact id), so the result is the same on
/// every desk whatever order the facts came in.
fn apply_attendee(tx: &Transaction<'_>, fact: &Fact, body: &Value) -> Result<Applied, StoreError> {
    let Some(uid) = fact.subject.clone().or_else(|| text(body, "uid")) else {
        return Err(StoreError::Corrupt {
            what: "attendee fact",
            message: format!("{} names no attendee", fact.id),
        });
    };
    let mut stmt = tx.prepare_cached(
        // `+kind`: the subject's index, not the kind's (which would scan every attendee fact
        // for each one, quadratic in a join).
        "SELECT body FROM journal WHERE subject = ?1 AND +kind = 'attendee'
         AND (applied = 1 OR id = ?2) ORDER BY at, id",
    )?;
    let bodies: Vec<String> = stmt
        .query_map(params![uid, fact.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut fields = serde_json::Map::new();
    for text in &bodies {
        let Ok(b) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let changed = b.get("changed").and_then(Value::as_str).unwrap_or("*");
        let set: BTreeSet<&str> = if changed == "*" {
            ATTENDEE_FIELDS.iter().copied().collect()
        } else {
            changed.split(',').filter(|s| !s.is_empty()).collect()
        };
        if let Some(Value::Object(values)) = b.get("fields") {
            for name in set {
                fields.insert(
                    name.to_string(),
                    values.get(name).cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    let import_id = match fields.get("import").and_then(Value::as_str) {
        Some(import) => match fact_row(tx, import)? {
            Some(row) => Some(row),
            None => return Ok(Applied::Waiting),
        },
        None => None,
    };
    let field = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_string);
    let json_text = |name: &str, empty: &str| match fields.get(name) {
        None | Some(Value::Null) => empty.to_string(),
        Some(v) => v.to_string(),
    };
    let ticket = field("ticket");
    let key = ticket.as_deref().map(ticket_key).filter(|k| !k.is_empty());
    let extra = json_text("extra", "{}");
    let original = match fields.get("original") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.to_string()),
    };
    let source_line = fields.get("source_line").and_then(Value::as_i64);
    let existing = attendee_id(tx, &uid)?;
    // A ticket held by two attendees (imported at two desks): the smaller uid keeps it, the
    // other keeps the ticket's text without the lookup key. Same outcome in any order.
    let key = match &key {
        Some(k) => {
            let holder: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, uid FROM attendees WHERE ticket_key = ?1",
                    [k],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match holder {
                Some((id, _)) if Some(id) == existing => Some(k.clone()),
                Some((id, other))
                    if other
                        .as_deref()
                        .is_none_or(|o| o.as_bytes() > uid.as_bytes()) =>
                {
                    tx.execute("UPDATE attendees SET ticket_key = NULL WHERE id = ?1", [id])?;
                    Some(k.clone())
                }
                Some(_) => None,
                None => Some(k.clone()),
            }
        }
        None => None,
    };
    let old_key: Option<String> = match existing {
        Some(id) => tx
            .query_row(
                "SELECT ticket_key FROM attendees WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten(),
        None => None,
    };
    let given = field("given_name").unwrap_or_default();
    let family = field("family_name").unwrap_or_default();
    // One statement for a new attendee and an edited one: the uid decides.
    let row: i64 = tx
        .prepare_cached(
            "INSERT INTO attendees (uid, ticket, ticket_key, given_name, family_name, email,
                contact_email, organisation, extra, import_id, source_line, original, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)
             ON CONFLICT (uid) WHERE uid IS NOT NULL DO UPDATE SET ticket = excluded.ticket,
                ticket_key = excluded.ticket_key, given_name = excluded.given_name,
                family_name = excluded.family_name, email = excluded.email,
                contact_email = excluded.contact_email, organisation = excluded.organisation,
                extra = excluded.extra, import_id = excluded.import_id,
                source_line = excluded.source_line, original = excluded.original,
                updated_at = max(updated_at, excluded.updated_at)
             RETURNING id",
        )?
        .query_row(
            params![
                uid,
                ticket,
                key,
                given,
                family,
                field("email"),
                field("contact_email"),
                field("organisation"),
                extra,
                import_id,
                source_line,
                original,
                fact.at
            ],
            |r| r.get(0),
        )?;
    if let Some(freed) = old_key.filter(|k| Some(k) != key.as_ref()) {
        hand_over_ticket(tx, &freed)?;
    }
    Ok(Applied::Done(Some(row)))
}

/// A ticket key no longer held: the attendee with the smallest uid whose ticket folds to it
/// (one that lost it in a clash) takes it, as it would have had the clash never happened.
fn hand_over_ticket(tx: &Transaction<'_>, key: &str) -> Result<(), StoreError> {
    let waiting: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT id, uid, ticket FROM attendees
             WHERE ticket_key IS NULL AND ticket IS NOT NULL AND uid IS NOT NULL ORDER BY uid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    if let Some((id, _, _)) = waiting.iter().find(|(_, _, t)| ticket_key(t) == key) {
        tx.execute(
            "UPDATE attendees SET ticket_key = ?2 WHERE id = ?1",
            params![id, key],
        )?;
    }
    Ok(())
}

fn apply_checkin(
    tx: &Transaction<'_>,
    fact: &Fact,
    body: &Value,
    report: &mut ApplyReport,
) -> Result<Applied, StoreError> {
    let Some(attendee) = attendee_id(tx, &text(body, "attendee").unwrap_or_default())? else {
        return Ok(Applied::Waiting);
    };
    let activity = text(body, "activity").unwrap_or_default();
    let undoes = match (fact.kind.as_str(), text(body, "undoes")) {
        ("undo", Some(tick)) => match fact_row(tx, &tick)? {
            Some(row) => Some(row),
            None => return Ok(Applied::Waiting),
        },
        _ => None,
    };
    // An activity this desk's event.toml does not list (yet): kept, retired, so the tick
    // counts and the log stays whole.
    tx.execute(
        "INSERT INTO activities (key, name, position, retired) VALUES (?1, ?1, 1000000, 1)
         ON CONFLICT(key) DO NOTHING",
        [&activity],
    )?;
    let before: Option<i64> = tx
        .query_row(
            "SELECT tick_id FROM presence WHERE attendee_id = ?1 AND activity_key = ?2",
            params![attendee, activity],
            |r| r.get(0),
        )
        .optional()?;
    tx.execute(
        "INSERT INTO checkin_log (attendee_id, activity_key, action, undoes, at, actor, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            attendee,
            activity,
            fact.kind,
            undoes,
            fact.at,
            text(body, "actor").unwrap_or_default(),
            fact.origin
        ],
    )?;
    let row = tx.last_insert_rowid();
    // Record the row before presence is derived: the tie-break reads fact ids through it.
    tx.execute(
        "UPDATE journal SET row = ?3 WHERE origin = ?1 AND seq = ?2",
        params![fact.origin, fact.seq, row],
    )?;
    derive_presence(tx, attendee, &activity)?;
    if fact.kind == "tick" && before.is_some() {
        let desk: Option<String> = tx
            .query_row(
                "SELECT name FROM desks WHERE id = ?1",
                [&fact.origin],
                |r| r.get(0),
            )
            .optional()?;
        report.double_ticks.push(DoubleTick {
            attendee_id: attendee,
            activity_key: activity,
            desk: desk.unwrap_or_default(),
            at: fact.at.clone(),
        });
    }
    Ok(Applied::Done(Some(row)))
}

/// Presence of one attendee at one activity from the log: present while some tick is not
/// undone; the earliest such tick (desk time, then fact id) stands. Returns it.
pub(super) fn derive_presence(
    tx: &Transaction<'_>,
    attendee_id: i64,
    activity_key: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    let standing: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT t.id, t.at FROM checkin_log t
             WHERE t.attendee_id = ?1 AND t.activity_key = ?2 AND t.action = 'tick'
               AND NOT EXISTS (SELECT 1 FROM checkin_log u WHERE u.undoes = t.id)
             ORDER BY t.at, (SELECT j.id FROM journal j WHERE j.kind = 'tick' AND j.row = t.id), t.id
             LIMIT 1",
        )?
        .query_row(params![attendee_id, activity_key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    tx.execute(
        "DELETE FROM presence WHERE attendee_id = ?1 AND activity_key = ?2",
        params![attendee_id, activity_key],
    )?;
    if let Some((tick, since)) = &standing {
        tx.execute(
            "INSERT INTO presence (attendee_id, activity_key, tick_id, since) VALUES (?1, ?2, ?3, ?4)",
            params![attendee_id, activity_key, tick, since],
        )?;
    }
    Ok(standing)
}

fn apply_credential(tx: &Transaction<'_>, body: &Value) -> Result<Applied, StoreError> {
    let id = text(body, "id").unwrap_or_default();
    if let Some(rowid) = credential_rowid(tx, &id)? {
        return Ok(Applied::Done(Some(rowid)));
    }
    let Some(attendee) = attendee_id(tx, &text(body, "attendee").unwrap_or_default())? else {
        return Ok(Applied::Waiting);
    };
    let replaces = text(body, "replaces");
    if let Some(old) = &replaces
        && credential_rowid(tx, old)?.is_none()
    {
        return Ok(Applied::Waiting);
    }
    let token = text(body, "claim_token").unwrap_or_default();
    let inserted = tx.execute(
        "INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token,
            status_index, replaces, token_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
        params![
            id,
            attendee,
            text(body, "achievement").unwrap_or_default(),
            text(body, "issued_at").unwrap_or_default(),
            text(body, "json").unwrap_or_default(),
            token,
            body.get("status_index").and_then(Value::as_i64),
            replaces,
            crate::claim::token::lookup_key(&token).to_vec()
        ],
    )?;
    if inserted == 0 {
        // Another live credential for the same award (two signers without a hub reservation):
        // kept in the journal, not applied; `hub status` shows it.
        return Ok(Applied::Waiting);
    }
    Ok(Applied::Done(credential_rowid(tx, &id)?))
}

#[cfg(test)]
mod tests;
