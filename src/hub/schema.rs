//! The hub's tables and roles. Installed by the organiser (`hub start`, `hub push`) with a
//! role that owns the database; desks then connect as the desk role, which may add facts but
//! never change or delete them.

use super::{HubError, generate_password};

/// Version of the hub's tables; a desk refuses a hub made by a newer badgedesk.
const SCHEMA: i64 = 1;

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS badgedesk_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
-- Only the owner reads this one (the desk role's password, for the organiser's next push).
CREATE TABLE IF NOT EXISTS badgedesk_secrets (
    key   text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS desks (
    id           text PRIMARY KEY,
    name         text NOT NULL DEFAULT '',
    last_seq     bigint NOT NULL DEFAULT 0,   -- facts of this desk the hub holds: 1..last_seq
    held         bigint NOT NULL DEFAULT 0,   -- facts the desk said it held at its last contact
    last_contact timestamptz,
    skew_ms      bigint                       -- the desk's clock minus the hub's
);
CREATE TABLE IF NOT EXISTS facts (
    origin   text NOT NULL,
    seq      bigint NOT NULL,
    id       text NOT NULL UNIQUE,
    kind     text NOT NULL,
    subject  text,
    at       text NOT NULL,                   -- the desk's clock, RFC 3339, as the desk wrote it
    hub_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    skew_ms  bigint,
    sent_by  text NOT NULL,
    body     text NOT NULL,
    PRIMARY KEY (origin, seq)
);
CREATE INDEX IF NOT EXISTS facts_kind ON facts (kind);
-- One credential per award: (attendee, achievement, the credential it follows or '') is
-- reserved once, by one desk, before that desk signs.
CREATE TABLE IF NOT EXISTS reservations (
    attendee    text NOT NULL,
    achievement text NOT NULL,
    after       text NOT NULL,
    desk        text NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (attendee, achievement, after)
);
CREATE TABLE IF NOT EXISTS status_indices (
    idx  bigint PRIMARY KEY,
    desk text NOT NULL
);
CREATE TABLE IF NOT EXISTS event_files (
    path       text PRIMARY KEY,
    content    bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION badgedesk_facts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'facts are append-only';
END $$;
DROP TRIGGER IF EXISTS facts_append_only ON facts;
CREATE TRIGGER facts_append_only BEFORE UPDATE OR DELETE ON facts
    FOR EACH STATEMENT EXECUTE FUNCTION badgedesk_facts_append_only();
";

/// The desk role of a hub database: `<database>_desk`.
pub fn role_names(database: &str) -> String {
    format!("{database}_desk")
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// What [`install`] set up: the desk role and its password (made once, kept in the hub for
/// the organiser's later pushes; desks cannot read it).
#[derive(Debug, Clone)]
pub struct Installed {
    pub desk_user: String,
    pub desk_password: String,
}

/// Create (or bring up to date) the hub's tables and the desk role in the database the client
/// is connected to. The client must own the database and may create roles.
pub fn install(client: &mut postgres::Client) -> Result<Installed, HubError> {
    let database: String = client.query_one("SELECT current_database()", &[])?.get(0);
    let desk_user = role_names(&database);
    let mut tx = client.transaction()?;
    // Two organisers pushing at once: one installs, the other waits.
    tx.execute("SELECT pg_advisory_xact_lock(4242001)", &[])?;
    tx.batch_execute(TABLES)?;
    let found: Option<String> = tx
        .query_opt("SELECT value FROM badgedesk_meta WHERE key = 'schema'", &[])?
        .map(|r| r.get(0));
    if let Some(v) = found.and_then(|v| v.parse::<i64>().ok())
        && v > SCHEMA
    {
        return Err(HubError::TooNew(v));
    }
    tx.execute(
        "INSERT INTO badgedesk_meta (key, value) VALUES ('schema', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&SCHEMA.to_string()],
    )?;
    let password: Option<String> = tx
        .query_opt(
            "SELECT value FROM badgedesk_secrets WHERE key = 'desk_password'",
            &[],
        )?
        .map(|r| r.get(0));
    let desk_password = password.unwrap_or_else(generate_password);
    tx.execute(
        "INSERT INTO badgedesk_secrets (key, value) VALUES ('desk_password', $1)
         ON CONFLICT (key) DO NOTHING",
        &[&desk_password],
    )?;
    let exists = tx
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&desk_user])?
        .is_some();
    let role = quote_ident(&desk_user);
    let verb = if exists { "ALTER" } else { "CREATE" };
    tx.batch_execute(&format!(
        "{verb} ROLE {role} LOGIN PASSWORD {}",
        quote_literal(&desk_password)
    ))
    .map_err(|e| match e.code() {
        Some(c) if *c == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => HubError::Refused(
            "this user may not create roles: connect as the database's owner with CREATEROLE"
                .into(),
        ),
        _ => e.into(),
    })?;
    tx.batch_execute(&format!(
        "GRANT CONNECT ON DATABASE {db} TO {role};
         GRANT USAGE ON SCHEMA public TO {role};
         REVOKE ALL ON badgedesk_meta, badgedesk_secrets, desks, facts, reservations, status_indices, event_files FROM {role};
         GRANT SELECT ON badgedesk_meta TO {role};
         GRANT SELECT, INSERT ON facts TO {role};
         GRANT SELECT, INSERT, UPDATE ON desks TO {role};
         GRANT SELECT, INSERT ON reservations, status_indices TO {role};
         GRANT SELECT ON event_files TO {role};",
        db = quote_ident(&database),
    ))?;
    tx.commit()?;
    Ok(Installed {
        desk_user,
        desk_password,
    })
}

/// Check that the connected database is a hub this version understands.
pub(super) fn check(client: &mut postgres::Client) -> Result<(), HubError> {
    let table: Option<String> = client
        .query_one("SELECT to_regclass('facts')::text", &[])?
        .get(0);
    if table.is_none() {
        return Err(HubError::NotAHub);
    }
    let version: Option<String> = client
        .query_opt("SELECT value FROM badgedesk_meta WHERE key = 'schema'", &[])?
        .map(|r| r.get(0));
    match version.and_then(|v| v.parse::<i64>().ok()) {
        Some(v) if v > SCHEMA => Err(HubError::TooNew(v)),
        Some(_) => Ok(()),
        None => Err(HubError::NotAHub),
    }
}
