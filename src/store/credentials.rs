//! Issued credentials: insert (idempotent per attendee and achievement), list, claim, revoke.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashSet};

use rusqlite::{OptionalExtension, Row, params};
use time::OffsetDateTime;

use super::{Store, StoreError, parse_time};
use crate::claim::token::lookup_key;
use crate::clock::rfc3339;

/// A credential ready to be stored (already signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub id: String,
    pub attendee_id: i64,
    pub achievement_key: String,
    pub issued_at: OffsetDateTime,
    pub json: String,
    pub claim_token: String,
    pub status_index: Option<u64>,
}

/// A stored credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredential {
    pub id: String,
    pub attendee_id: i64,
    pub achievement_key: String,
    pub issued_at: OffsetDateTime,
    pub json: String,
    pub claim_token: String,
    pub status_index: Option<u64>,
    pub claimed_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_reason: Option<String>,
    pub replaces: Option<String>,
}

const COLUMNS: &str = "id, attendee_id, achievement_key, issued_at, json, claim_token, status_index, claimed_at, revoked_at, revoked_reason, replaces";

type RawRow = (
    String,
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Set `claimed_at` unless already set; whether the token is known.
fn mark_claimed_in(
    conn: &rusqlite::Connection,
    claim_token: &str,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let key = lookup_key(claim_token);
    let n = conn
        .prepare_cached(
            "UPDATE credentials SET claimed_at = ?2 WHERE token_key = ?1 AND claimed_at IS NULL",
        )?
        .execute(params![key, rfc3339(at)])?;
    if n == 1 {
        return Ok(true);
    }
    let known: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM credentials WHERE token_key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(known.is_some())
}

fn raw(row: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
    ))
}

fn cook(r: RawRow) -> Result<IssuedCredential, StoreError> {
    let opt_time = |t: Option<String>| t.as_deref().map(parse_time).transpose();
    Ok(IssuedCredential {
        id: r.0,
        attendee_id: r.1,
        achievement_key: r.2,
        issued_at: parse_time(&r.3)?,
        json: r.4,
        claim_token: r.5,
        status_index: r.6.map(|i| i.max(0) as u64),
        claimed_at: opt_time(r.7)?,
        revoked_at: opt_time(r.8)?,
        revoked_reason: r.9,
        replaces: r.10,
    })
}

impl Store {
    /// Store signed credentials in one transaction. A credential for an (attendee, achievement)
    /// that already has a live one is skipped, not an error: issuing is idempotent. Returns the
    /// ids actually stored.
    /// The commit is durable (synchronous = FULL), because files under `issued/` are written
    /// after it and must never outlive their row.
    pub fn insert_credentials<C: Borrow<NewCredential>>(
        &mut self,
        credentials: &[C],
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        self.durably(|store| store.insert_credentials_tx(credentials, actor, at))
    }

    fn insert_credentials_tx<C: Borrow<NewCredential>>(
        &mut self,
        credentials: &[C],
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut stored = Vec::with_capacity(credentials.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token, status_index, token_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?;
            for c in credentials {
                let c = c.borrow();
                let n = insert.execute(params![
                    c.id,
                    c.attendee_id,
                    c.achievement_key,
                    rfc3339(c.issued_at),
                    c.json,
                    c.claim_token,
                    c.status_index.map(|i| i as i64),
                    lookup_key(&c.claim_token)
                ])?;
                if n == 1 {
                    stored.push(c.id.clone());
                }
            }
        }
        if !stored.is_empty() {
            Store::audit(
                &tx,
                at,
                actor,
                "issue",
                &serde_json::json!({ "count": stored.len() }),
            )?;
        }
        tx.commit()?;
        Ok(stored)
    }

    /// Revoke `old_id` and store `new` in its place, atomically and durably (e.g. after a
    /// name fix).
    pub fn reissue(
        &mut self,
        old_id: &str,
        new: &NewCredential,
        reason: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.durably(|store| store.reissue_tx(old_id, new, reason, actor, at))
    }

    /// Run `f` with commits synced to disk (the connection stays NORMAL otherwise: ticks need
    /// no fsync).
    fn durably<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let result = f(self);
        let restored = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let value = result?;
        restored?;
        Ok(value)
    }

    fn reissue_tx(
        &mut self,
        old_id: &str,
        new: &NewCredential,
        reason: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE credentials SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
            params![old_id, rfc3339(at), reason],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchCredential(old_id.to_string()));
        }
        tx.execute(
            "INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token, status_index, replaces, token_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                new.id,
                new.attendee_id,
                new.achievement_key,
                rfc3339(new.issued_at),
                new.json,
                new.claim_token,
                new.status_index.map(|i| i as i64),
                old_id,
                lookup_key(&new.claim_token)
            ],
        )?;
        Store::audit(
            &tx,
            at,
            actor,
            "reissue",
            &serde_json::json!({ "old": old_id, "new": new.id, "reason": reason }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Revoke a live credential. Returns false if it was already revoked.
    pub fn revoke(
        &mut self,
        id: &str,
        reason: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: Option<Option<String>> = tx
            .query_row(
                "SELECT revoked_at FROM credentials WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match exists {
            None => return Err(StoreError::NoSuchCredential(id.to_string())),
            Some(Some(_)) => return Ok(false),
            Some(None) => {}
        }
        tx.execute(
            "UPDATE credentials SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1",
            params![id, rfc3339(at), reason],
        )?;
        Store::audit(
            &tx,
            at,
            actor,
            "revoke",
            &serde_json::json!({ "id": id, "reason": reason }),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Record the first visit of a claim page (found by the token's hash, never by comparing
    /// the token). Returns false if the token is unknown.
    pub fn mark_claimed(
        &mut self,
        claim_token: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        mark_claimed_in(&self.conn, claim_token, at)
    }

    /// [`Store::mark_claimed`] for many visits in one transaction (the claim server queues the
    /// visits that arrive while it writes). Returns how many tokens were known.
    pub fn mark_claimed_all(
        &mut self,
        visits: &[(&str, OffsetDateTime)],
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut known = 0;
        for (token, at) in visits {
            known += usize::from(mark_claimed_in(&tx, token, *at)?);
        }
        tx.commit()?;
        Ok(known)
    }

    /// Every credential, oldest first.
    pub fn credentials(&self) -> Result<Vec<IssuedCredential>, StoreError> {
        let mut all = Vec::new();
        self.credentials_in_chunks(1024, |part| {
            all.extend(part);
            true
        })?;
        Ok(all)
    }

    /// Every credential, oldest first, handed to `each` in chunks of up to `chunk` as they are
    /// read, so the caller can work on the first ones while the others are read. `each`
    /// returns false to stop reading.
    pub fn credentials_in_chunks(
        &self,
        chunk: usize,
        mut each: impl FnMut(Vec<IssuedCredential>) -> bool,
    ) -> Result<(), StoreError> {
        let chunk = chunk.max(1);
        let sql = format!("SELECT {COLUMNS} FROM credentials ORDER BY issued_at, id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map([], raw)?;
        loop {
            let mut part = Vec::with_capacity(chunk);
            for row in rows.by_ref().take(chunk) {
                part.push(cook(row?)?);
            }
            if part.is_empty() {
                return Ok(());
            }
            let last = part.len() < chunk;
            if !each(part) || last {
                return Ok(());
            }
        }
    }

    pub fn credential(&self, id: &str) -> Result<Option<IssuedCredential>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE id = ?1");
        self.conn
            .query_row(&sql, [id], raw)
            .optional()?
            .map(cook)
            .transpose()
    }

    /// The credential of a claim token: looked up by the token's hash, then the token itself
    /// compared in constant time, so timing says nothing about a guessed token.
    pub fn credential_by_token(
        &self,
        claim_token: &str,
    ) -> Result<Option<IssuedCredential>, StoreError> {
        use subtle::ConstantTimeEq as _;
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE token_key = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let row = stmt.query_row([lookup_key(claim_token)], raw).optional()?;
        match row {
            Some(r) if bool::from(r.5.as_bytes().ct_eq(claim_token.as_bytes())) => {
                cook(r).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Credentials of one attendee, oldest first.
    pub fn credentials_of(&self, attendee_id: i64) -> Result<Vec<IssuedCredential>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credentials WHERE attendee_id = ?1 ORDER BY issued_at, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([attendee_id], raw)?;
        rows.map(|r| cook(r?)).collect()
    }

    /// (attendee, achievement) pairs that already hold a live credential.
    pub fn live_awards(&self) -> Result<HashSet<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT attendee_id, achievement_key FROM credentials WHERE revoked_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// SQLite's `PRAGMA data_version`: changes when another connection (the claim server, the
    /// CLI, another desk) commits. Polled by the desk to show claims within a second.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Status-list indices already given out (never reused, even after revocation).
    pub fn used_status_indices(&self) -> Result<BTreeSet<u64>, StoreError> {
        self.status_indices("SELECT status_index FROM credentials WHERE status_index IS NOT NULL")
    }

    /// The status-list indices a `SELECT status_index …` query returns.
    fn status_indices(&self, sql: &str) -> Result<BTreeSet<u64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        let mut out = BTreeSet::new();
        for r in rows {
            out.insert(r?.max(0) as u64);
        }
        Ok(out)
    }

    /// The live credential of an award, if any.
    pub fn live_award(
        &self,
        attendee_id: i64,
        achievement_key: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM credentials WHERE attendee_id = ?1 AND achievement_key = ?2 AND revoked_at IS NULL",
            )?
            .query_row(params![attendee_id, achievement_key], |r| r.get(0))
            .optional()?)
    }

    /// Is this status-list index given out already? (One indexed lookup.)
    pub fn status_index_used(&self, index: u64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM credentials WHERE status_index = ?1")?
            .query_row([index as i64], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Status-list indices of revoked credentials (the bits of the status list).
    pub fn revoked_status_indices(&self) -> Result<BTreeSet<u64>, StoreError> {
        self.status_indices(
            "SELECT status_index FROM credentials WHERE status_index IS NOT NULL AND revoked_at IS NOT NULL",
        )
    }

    /// (id, achievement, length of the signed JSON in bytes) of every credential, without
    /// reading the JSON: enough to check the files under `issued/`.
    pub fn credential_file_index(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, achievement_key, length(CAST(json AS BLOB)) FROM credentials ORDER BY issued_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Fill `token_key` for rows stored before migration 003 (inside that migration's transaction).
pub(super) fn backfill_token_keys(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let tokens: Vec<(String, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, claim_token FROM credentials WHERE token_key IS NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut update = tx.prepare("UPDATE credentials SET token_key = ?2 WHERE id = ?1")?;
    for (id, token) in tokens {
        update.execute(params![id, lookup_key(&token)])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::ClaimToken;
    use time::macros::datetime;

    #[test]
    fn rows_from_before_migration_003_get_their_token_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.db");
        let token = ClaimToken::from_random_bytes([9; 16]).to_string();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &super::super::MIGRATIONS[..super::super::TOKEN_KEY_MIGRATION] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute(
                "INSERT INTO attendees (id, given_name, family_name, created_at, updated_at)
                 VALUES (1, 'Zoé', 'Martin', '2026-11-26T09:00:00Z', '2026-11-26T09:00:00Z')",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token)
                 VALUES ('urn:uuid:1', 1, 'sumo', '2026-11-26T10:00:00Z', '{}', ?1)",
                [&token],
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            crate::store::MIGRATIONS.len() as i64
        );
        let found = store.credential_by_token(&token).unwrap().unwrap();
        assert_eq!(found.id, "urn:uuid:1");
        // A token one character off is unknown, not a prefix match.
        let mut other = token.clone();
        other.replace_range(0..1, if token.starts_with('a') { "b" } else { "a" });
        assert!(store.credential_by_token(&other).unwrap().is_none());
        let at = datetime!(2026-11-26 11:00 UTC);
        assert!(store.mark_claimed(&token, at).unwrap());
        assert!(!store.mark_claimed(&other, at).unwrap());
        assert_eq!(
            store.credential(&found.id).unwrap().unwrap().claimed_at,
            Some(at)
        );
    }
}
