//! Sending and receiving facts, the event's files, and reservations.
//!
//! Sending is per desk of origin and serialised by a row lock on that desk's `desks` row: the
//! sender reads how many of the desk's facts the hub holds (`last_seq`), adds the ones after
//! it, and moves `last_seq` in the same transaction. So the hub holds each desk's facts as an
//! unbroken run 1..last_seq, and a receiver that reads `last_seq` and then the facts up to it
//! (in one snapshot) can never skip a fact that commits late. A fact sent twice is stored once
//! (`ON CONFLICT DO NOTHING`); a sender killed mid-way rolls back and sends again.

use std::path::Path;
use std::time::Instant;

use postgres::IsolationLevel;

use super::{Hub, HubError};
use crate::store::{ApplyReport, Fact, Store};

/// Facts per round trip.
const BATCH: usize = 2000;

/// What one sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Facts the hub took from this desk (its own and others' it carried).
    pub sent: usize,
    pub received: ApplyReport,
    /// This desk's clock minus the hub's, in milliseconds.
    pub skew_ms: i64,
    /// This desk's facts the hub still lacks (0 after a complete sync).
    pub unsent: i64,
}

impl Hub {
    /// Send, then receive. Each half commits on its own, so an interrupted sync keeps what it
    /// did.
    pub fn sync(&mut self, store: &mut Store) -> Result<SyncReport, HubError> {
        let mut report = self.push(store)?;
        report.received = self.pull(store)?;
        report.unsent = store.unsent_count()?;
        Ok(report)
    }

    /// This desk's clock minus the hub's, halfway through a round trip.
    fn measure_skew(&mut self) -> Result<i64, HubError> {
        let before = time::OffsetDateTime::now_utc();
        let started = Instant::now();
        let hub_ms: i64 = self
            .client()
            .query_one(
                "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                &[],
            )?
            .get(0);
        let half = started.elapsed() / 2;
        let desk_ms = ((before + half).unix_timestamp_nanos() / 1_000_000) as i64;
        Ok(desk_ms - hub_ms)
    }

    /// Send every fact the hub lacks, of every desk whose facts this desk holds.
    pub fn push(&mut self, store: &mut Store) -> Result<SyncReport, HubError> {
        let me = store.desk_identity()?.ok_or(HubError::NoDesk)?;
        let skew_ms = self.measure_skew()?;
        store.note_skew(&me.id, skew_ms)?;
        let mut sent = 0;
        let known: std::collections::HashMap<String, i64> = store
            .desks()?
            .into_iter()
            .map(|d| (d.id, d.hub_seq))
            .collect();
        let mut my_held = 0;
        for (origin, held) in store.journal_heads()? {
            if origin == me.id {
                my_held = held;
            }
            // The hub held this much when last heard: nothing to send unless there is more.
            if known.get(&origin).is_some_and(|&k| k >= held) {
                continue;
            }
            let mut tx = self.client().transaction()?;
            tx.execute(
                "INSERT INTO desks (id) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&origin],
            )?;
            let mut last: i64 = tx
                .query_one(
                    "SELECT last_seq FROM desks WHERE id = $1 FOR UPDATE",
                    &[&origin],
                )?
                .get(0);
            while last < held {
                let facts = store.journal_after(&origin, last, BATCH)?;
                let Some(end) = facts.last().map(|f| f.seq) else {
                    break;
                };
                let mine = origin == me.id;
                insert_facts(&mut tx, &facts, &me.id, mine.then_some(skew_ms))?;
                sent += facts.len();
                last = end;
            }
            tx.execute(
                "UPDATE desks SET last_seq = greatest(last_seq, $2) WHERE id = $1",
                &[&origin, &last],
            )?;
            tx.commit()?;
            store.note_hub_seq(&origin, last)?;
        }
        // Every sync says the desk is there, how much it holds and how its clock stands.
        self.client().execute(
            "INSERT INTO desks (id, name, held, last_contact, skew_ms)
             VALUES ($1, $2, $3, clock_timestamp(), $4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, held = excluded.held,
                last_contact = excluded.last_contact, skew_ms = excluded.skew_ms",
            &[&me.id, &me.name, &my_held, &skew_ms],
        )?;
        Ok(SyncReport {
            sent,
            skew_ms,
            unsent: store.unsent_count()?,
            ..Default::default()
        })
    }

    /// Take every fact this desk lacks. One snapshot of the hub: a fact is read together with
    /// every fact that was in the hub before it (an undo with its tick, a tick with its
    /// walk-in), whatever desk made them.
    pub fn pull(&mut self, store: &mut Store) -> Result<ApplyReport, HubError> {
        let held: std::collections::HashMap<String, i64> =
            store.journal_heads()?.into_iter().collect();
        let mut report = ApplyReport::default();
        let mut tx = self
            .client()
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let heads: Vec<(String, i64)> = tx
            .query("SELECT id, last_seq FROM desks ORDER BY id", &[])?
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut hub_seqs = Vec::new();
        for (origin, last) in heads {
            let mut from = held.get(&origin).copied().unwrap_or(0);
            hub_seqs.push((origin.clone(), last));
            while from < last {
                let facts = select_facts(&mut tx, &origin, from, last)?;
                let Some(end) = facts.last().map(|f| f.seq) else {
                    break;
                };
                let applied = store.apply_facts(&facts)?;
                merge(&mut report, applied);
                from = end;
            }
        }
        tx.commit()?;
        for (origin, last) in hub_seqs {
            store.note_hub_seq(&origin, last)?;
        }
        Ok(report)
    }

    /// Reserve awards for this desk before it signs them: `(attendee uid, achievement, the
    /// award's latest revoked credential id or "")`. True where this desk holds the
    /// reservation (new, or made by this desk before a crash); false where another desk holds
    /// it.
    pub fn reserve_awards(
        &mut self,
        desk: &str,
        awards: &[(String, String, String)],
    ) -> Result<Vec<bool>, HubError> {
        if awards.is_empty() {
            return Ok(Vec::new());
        }
        let attendees: Vec<&str> = awards.iter().map(|a| a.0.as_str()).collect();
        let achievements: Vec<&str> = awards.iter().map(|a| a.1.as_str()).collect();
        let afters: Vec<&str> = awards.iter().map(|a| a.2.as_str()).collect();
        let mut tx = self.client().transaction()?;
        tx.execute(
            "INSERT INTO reservations (attendee, achievement, after, desk)
             SELECT a, b, c, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(a, b, c)
             ON CONFLICT DO NOTHING",
            &[&attendees, &achievements, &afters, &desk],
        )?;
        let rows = tx.query(
            "SELECT t.n, r.desk FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(a, b, c, n)
             JOIN reservations r ON r.attendee = t.a AND r.achievement = t.b AND r.after = t.c",
            &[&attendees, &achievements, &afters],
        )?;
        tx.commit()?;
        Ok(granted_to(desk, &rows, awards.len()))
    }

    /// Reserve status-list indices for this desk; true where granted.
    pub fn reserve_status_indices(
        &mut self,
        desk: &str,
        indices: &[i64],
    ) -> Result<Vec<bool>, HubError> {
        if indices.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.client().transaction()?;
        tx.execute(
            "INSERT INTO status_indices (idx, desk) SELECT i, $2 FROM unnest($1::bigint[]) AS t(i)
             ON CONFLICT DO NOTHING",
            &[&indices, &desk],
        )?;
        let rows = tx.query(
            "SELECT t.n, s.desk FROM unnest($1::bigint[]) WITH ORDINALITY AS t(i, n)
             JOIN status_indices s ON s.idx = t.i",
            &[&indices],
        )?;
        tx.commit()?;
        Ok(granted_to(desk, &rows, indices.len()))
    }
}

/// Which of `len` asked-for reservations `desk` holds, from rows of (1-based position, holder).
fn granted_to(desk: &str, rows: &[postgres::Row], len: usize) -> Vec<bool> {
    let mut granted = vec![false; len];
    for row in rows {
        let n: i64 = row.get(0);
        let holder: String = row.get(1);
        if let Some(slot) = usize::try_from(n - 1).ok().and_then(|i| granted.get_mut(i)) {
            *slot = holder == desk;
        }
    }
    granted
}

fn merge(into: &mut ApplyReport, more: ApplyReport) {
    into.received += more.received;
    into.duplicates += more.duplicates;
    into.out_of_order += more.out_of_order;
    into.waiting = more.waiting;
    into.double_ticks.extend(more.double_ticks);
    into.attendees += more.attendees;
    into.credentials += more.credentials;
    into.requests += more.requests;
}

fn insert_facts(
    tx: &mut postgres::Transaction<'_>,
    facts: &[Fact],
    sent_by: &str,
    skew_ms: Option<i64>,
) -> Result<(), HubError> {
    let origin: Vec<&str> = facts.iter().map(|f| f.origin.as_str()).collect();
    let seq: Vec<i64> = facts.iter().map(|f| f.seq).collect();
    let id: Vec<&str> = facts.iter().map(|f| f.id.as_str()).collect();
    let kind: Vec<&str> = facts.iter().map(|f| f.kind.as_str()).collect();
    let subject: Vec<Option<&str>> = facts.iter().map(|f| f.subject.as_deref()).collect();
    let at: Vec<&str> = facts.iter().map(|f| f.at.as_str()).collect();
    // A fact carried for another desk keeps the skew it was sent with, if any.
    let skew: Vec<Option<i64>> = facts.iter().map(|f| f.skew_ms.or(skew_ms)).collect();
    let body: Vec<&str> = facts.iter().map(|f| f.body.as_str()).collect();
    tx.execute(
        "INSERT INTO facts (origin, seq, id, kind, subject, at, skew_ms, sent_by, body)
         SELECT o, s, i, k, su, a, sk, $9, b
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[])
              AS t(o, s, i, k, su, a, sk, b)
         ON CONFLICT DO NOTHING",
        &[&origin, &seq, &id, &kind, &subject, &at, &skew, &body, &sent_by],
    )?;
    Ok(())
}

fn select_facts(
    tx: &mut postgres::Transaction<'_>,
    origin: &str,
    after: i64,
    upto: i64,
) -> Result<Vec<Fact>, HubError> {
    let rows = tx.query(
        "SELECT origin, seq, id, kind, subject, at,
                to_char(hub_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), skew_ms, body
         FROM facts WHERE origin = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
        &[&origin, &after, &upto, &(BATCH as i64)],
    )?;
    Ok(rows
        .into_iter()
        .map(|r| Fact {
            origin: r.get(0),
            seq: r.get(1),
            id: r.get(2),
            kind: r.get(3),
            subject: r.get(4),
            at: r.get(5),
            hub_at: r.get(6),
            skew_ms: r.get(7),
            body: r.get(8),
        })
        .collect())
}

/// The event's files a desk needs, relative to the event folder: `event.toml` and the badge
/// images. Never the keys, the database, `issued/` or `hub.toml`.
fn event_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, HubError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| HubError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut files = vec![(
        crate::event::CONFIG_FILE.to_string(),
        read(&dir.join(crate::event::CONFIG_FILE))?,
    )];
    let badges = dir.join("badges");
    if let Ok(entries) = std::fs::read_dir(&badges) {
        let mut names: Vec<_> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names {
            let Some(name) = name.to_str().map(str::to_string) else {
                continue;
            };
            files.push((format!("badges/{name}"), read(&badges.join(&name))?));
        }
    }
    Ok(files)
}

/// Put the event's files in the hub (organiser): what `join` copies into a new desk folder.
pub fn push_event_files(client: &mut postgres::Client, dir: &Path) -> Result<usize, HubError> {
    let files = event_files(dir)?;
    let mut tx = client.transaction()?;
    for (path, content) in &files {
        tx.execute(
            "INSERT INTO event_files (path, content) VALUES ($1, $2)
             ON CONFLICT (path) DO UPDATE SET content = excluded.content, updated_at = now()",
            &[path, content],
        )?;
    }
    tx.commit()?;
    Ok(files.len())
}

/// Write the hub's event files into `dir` (a new desk folder). Paths are checked: only
/// `event.toml` and `badges/NAME`.
pub fn pull_event_files(hub: &mut Hub, dir: &Path) -> Result<usize, HubError> {
    let rows = hub
        .client()
        .query("SELECT path, content FROM event_files ORDER BY path", &[])?;
    let mut written = 0;
    for row in rows {
        let path: String = row.get(0);
        let content: Vec<u8> = row.get(1);
        let safe = path == crate::event::CONFIG_FILE
            || path.strip_prefix("badges/").is_some_and(|name| {
                !name.is_empty() && !name.contains(['/', '\\']) && name != ".." && name != "."
            });
        if !safe {
            continue;
        }
        let target = dir.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| HubError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&target, &content).map_err(|source| HubError::Io {
            path: target.clone(),
            source,
        })?;
        written += 1;
    }
    Ok(written)
}
