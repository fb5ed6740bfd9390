//! `badgedesk hub status`: what the hub knows of each desk.

use super::{Hub, HubError};

/// A desk's clock may be off by this much before its facts are flagged.
pub const SKEW_LIMIT_MS: i64 = 120_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeskStatus {
    pub id: String,
    pub name: String,
    /// Facts of this desk the hub holds.
    pub facts: i64,
    /// Facts the desk said, at its last contact, it still had to send.
    pub to_send: i64,
    /// RFC 3339, hub clock.
    pub last_contact: Option<String>,
    pub seconds_since_contact: Option<i64>,
    pub skew_ms: Option<i64>,
    pub ticks: i64,
    /// Ticks sent while the desk's clock was off by more than two minutes.
    pub ticks_skewed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HubStatus {
    pub desks: Vec<DeskStatus>,
    pub facts: i64,
    pub reservations: i64,
    /// Reservations with no credential in the hub yet (a signer that reserved and has not
    /// sent, or crashed before signing): only the reserving desk may sign that award now, so
    /// the credential that arrives after a reservation is its own.
    pub reservations_open: i64,
}

impl Hub {
    pub fn status(&mut self) -> Result<HubStatus, HubError> {
        let rows = self.client().query(
            "SELECT d.id, d.name, d.last_seq, greatest(d.held - d.last_seq, 0),
                    to_char(d.last_contact AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    extract(epoch FROM clock_timestamp() - d.last_contact)::bigint,
                    d.skew_ms,
                    (SELECT count(*) FROM facts f WHERE f.origin = d.id AND f.kind = 'tick'),
                    (SELECT count(*) FROM facts f WHERE f.origin = d.id AND f.kind = 'tick'
                        AND abs(f.skew_ms) > $1)
             FROM desks d ORDER BY d.name, d.id",
            &[&super::status::SKEW_LIMIT_MS],
        )?;
        let desks = rows
            .into_iter()
            .map(|r| DeskStatus {
                id: r.get(0),
                name: r.get(1),
                facts: r.get(2),
                to_send: r.get(3),
                last_contact: r.get(4),
                seconds_since_contact: r.get(5),
                skew_ms: r.get(6),
                ticks: r.get(7),
                ticks_skewed: r.get(8),
            })
            .collect();
        let row = self.client().query_one(
            "SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM reservations),
                    (SELECT count(*) FROM reservations r WHERE NOT EXISTS (
                        SELECT 1 FROM facts f WHERE f.kind = 'credential' AND f.subject = r.attendee
                          AND f.body::jsonb ->> 'achievement' = r.achievement
                          AND f.hub_at >= r.at))",
            &[],
        )?;
        Ok(HubStatus {
            desks,
            facts: row.get(0),
            reservations: row.get(1),
            reservations_open: row.get(2),
        })
    }
}
