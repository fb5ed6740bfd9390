//! Check-ins: an append-only log of ticks and undos, and the presence table derived from it in
//! the same transaction.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{Store, StoreError, parse_time};
use crate::clock::rfc3339;

/// Result of a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInOutcome {
    /// Newly checked in, committed at `at`.
    Ticked { at: OffsetDateTime },
    /// Was already present since `since`: nothing was written.
    AlreadyCheckedIn { since: OffsetDateTime },
}

/// A tick that an undo took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoneCheckIn {
    pub attendee_id: i64,
    pub activity_key: String,
    pub ticked_at: OffsetDateTime,
}

/// Someone currently checked in at an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub attendee_id: i64,
    pub activity_key: String,
    pub since: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckInAction {
    Tick,
    Undo,
}

/// One line of an attendee's check-in history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInEvent {
    pub activity_key: String,
    pub action: CheckInAction,
    pub at: OffsetDateTime,
    pub actor: String,
}

impl Store {
    /// Tick an attendee at an activity. Idempotent: a second tick reports the first one.
    pub fn check_in(
        &mut self,
        attendee_id: i64,
        activity_key: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<CheckInOutcome, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let outcome = tick(&tx, attendee_id, activity_key, actor, &rfc3339(at))?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Take back one check-in: of `attendee_id` at `activity_key`. Returns `None` if absent.
    pub fn undo_check_in(
        &mut self,
        attendee_id: i64,
        activity_key: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Option<UndoneCheckIn>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: Option<(i64, String)> = tx
            .query_row(
                "SELECT tick_id, since FROM presence WHERE attendee_id = ?1 AND activity_key = ?2",
                params![attendee_id, activity_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((tick_id, since)) = found else {
            return Ok(None);
        };
        undo_tick(&tx, tick_id, attendee_id, activity_key, actor, at)?;
        tx.commit()?;
        Ok(Some(UndoneCheckIn {
            attendee_id,
            activity_key: activity_key.to_string(),
            ticked_at: parse_time(&since)?,
        }))
    }

    /// Take back the most recent check-in still standing (at one activity, or any). Repeated
    /// calls walk further back; this survives restarts because it reads the database.
    pub fn undo_last(
        &mut self,
        activity_key: Option<&str>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Option<UndoneCheckIn>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: Option<(i64, i64, String, String)> = tx
            .query_row(
                "SELECT tick_id, attendee_id, activity_key, since FROM presence
                 WHERE ?1 IS NULL OR activity_key = ?1 ORDER BY tick_id DESC LIMIT 1",
                params![activity_key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((tick_id, attendee_id, activity, since)) = found else {
            return Ok(None);
        };
        undo_tick(&tx, tick_id, attendee_id, &activity, actor, at)?;
        tx.commit()?;
        Ok(Some(UndoneCheckIn {
            attendee_id,
            activity_key: activity,
            ticked_at: parse_time(&since)?,
        }))
    }

    /// Everyone present, at every activity, by attendee then activity (the table's own order:
    /// ordering by tick cost the desk's start-up a lookup per row, 50 ms for 120,000).
    pub fn presence(&self) -> Result<Vec<Presence>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT attendee_id, activity_key, since FROM presence ORDER BY attendee_id, activity_key",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (attendee_id, activity_key, since) = row?;
            out.push(Presence {
                attendee_id,
                activity_key,
                since: parse_time(&since)?,
            });
        }
        Ok(out)
    }

    /// An attendee's ticks and undos, oldest first.
    pub fn history(&self, attendee_id: i64) -> Result<Vec<CheckInEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT activity_key, action, at, actor FROM checkin_log WHERE attendee_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([attendee_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (activity_key, action, at, actor) = row?;
            let action = match action.as_str() {
                "tick" => CheckInAction::Tick,
                "undo" => CheckInAction::Undo,
                other => {
                    return Err(StoreError::Corrupt {
                        what: "checkin_log.action",
                        message: other.to_string(),
                    });
                }
            };
            out.push(CheckInEvent {
                activity_key,
                action,
                at: parse_time(&at)?,
                actor,
            });
        }
        Ok(out)
    }

    /// Tick many attendees at once (scanner exports): all or nothing. Returns, per id, whether
    /// it was newly ticked.
    pub fn check_in_many(
        &mut self,
        attendee_ids: &[i64],
        activity_key: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Vec<CheckInOutcome>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = rfc3339(at);
        let outcomes = attendee_ids
            .iter()
            .map(|&attendee_id| tick(&tx, attendee_id, activity_key, actor, &now))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(outcomes)
    }
}

/// Tick inside an open transaction; a second tick reports the first one and writes nothing.
fn tick(
    tx: &rusqlite::Transaction<'_>,
    attendee_id: i64,
    activity_key: &str,
    actor: &str,
    now: &str,
) -> Result<CheckInOutcome, StoreError> {
    let since: Option<String> = tx
        .query_row(
            "SELECT since FROM presence WHERE attendee_id = ?1 AND activity_key = ?2",
            params![attendee_id, activity_key],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(since) = since {
        return Ok(CheckInOutcome::AlreadyCheckedIn {
            since: parse_time(&since)?,
        });
    }
    check_exists(tx, attendee_id, activity_key)?;
    tx.execute(
        "INSERT INTO checkin_log (attendee_id, activity_key, action, at, actor) VALUES (?1, ?2, 'tick', ?3, ?4)",
        params![attendee_id, activity_key, now, actor],
    )?;
    let tick_id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO presence (attendee_id, activity_key, tick_id, since) VALUES (?1, ?2, ?3, ?4)",
        params![attendee_id, activity_key, tick_id, now],
    )?;
    // Read back the stored text so the caller shows exactly what was committed.
    Ok(CheckInOutcome::Ticked {
        at: parse_time(now)?,
    })
}

fn check_exists(
    tx: &rusqlite::Transaction<'_>,
    attendee_id: i64,
    activity_key: &str,
) -> Result<(), StoreError> {
    let activity: Option<i64> = tx
        .query_row(
            "SELECT retired FROM activities WHERE key = ?1",
            [activity_key],
            |r| r.get(0),
        )
        .optional()?;
    if activity != Some(0) {
        return Err(StoreError::NoSuchActivity(activity_key.to_string()));
    }
    let attendee: Option<i64> = tx
        .query_row(
            "SELECT id FROM attendees WHERE id = ?1",
            [attendee_id],
            |r| r.get(0),
        )
        .optional()?;
    if attendee.is_none() {
        return Err(StoreError::NoSuchAttendee(attendee_id));
    }
    Ok(())
}

/// Undo a presence: one undo per tick that stands for it (with several desks, two desks may
/// have ticked the same person; the undo takes back every tick this desk knows of).
fn undo_tick(
    tx: &rusqlite::Transaction<'_>,
    tick_id: i64,
    attendee_id: i64,
    activity_key: &str,
    actor: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let standing: Vec<i64> = {
        let mut stmt = tx.prepare_cached(
            "SELECT t.id FROM checkin_log t
             WHERE t.attendee_id = ?1 AND t.activity_key = ?2 AND t.action = 'tick' AND t.id <> ?3
               AND NOT EXISTS (SELECT 1 FROM checkin_log u WHERE u.undoes = t.id)",
        )?;
        let rows = stmt.query_map(params![attendee_id, activity_key, tick_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let at = rfc3339(at);
    for tick in std::iter::once(tick_id).chain(standing) {
        tx.execute(
            "INSERT INTO checkin_log (attendee_id, activity_key, action, undoes, at, actor) VALUES (?1, ?2, 'undo', ?3, ?4, ?5)",
            params![attendee_id, activity_key, tick, at, actor],
        )?;
    }
    tx.execute(
        "DELETE FROM presence WHERE attendee_id = ?1 AND activity_key = ?2",
        params![attendee_id, activity_key],
    )?;
    Ok(())
}
