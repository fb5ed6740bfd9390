-- Issued credentials. The signed JSON is the source of truth; files under issued/ are derived.
CREATE TABLE credentials (
    id              TEXT PRIMARY KEY,               -- urn:uuid:…
    attendee_id     INTEGER NOT NULL REFERENCES attendees(id),
    achievement_key TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    json            TEXT NOT NULL,                  -- the signed credential
    claim_token     TEXT NOT NULL UNIQUE,
    status_index    INTEGER UNIQUE,                 -- BitstringStatusList index, when the event publishes one
    claimed_at      TEXT,
    revoked_at      TEXT,
    revoked_reason  TEXT,
    replaces        TEXT REFERENCES credentials(id)
) STRICT;

-- At most one live credential per attendee and achievement, whoever issues and from where.
CREATE UNIQUE INDEX credentials_one_live ON credentials(attendee_id, achievement_key) WHERE revoked_at IS NULL;
CREATE INDEX credentials_attendee ON credentials(attendee_id);

-- A credential is never deleted, and its signed content never changes.
CREATE TRIGGER credentials_no_delete BEFORE DELETE ON credentials
BEGIN SELECT RAISE(ABORT, 'credentials are never deleted: revoke them'); END;
CREATE TRIGGER credentials_frozen BEFORE UPDATE OF id, attendee_id, achievement_key, issued_at, json, claim_token, status_index ON credentials
BEGIN SELECT RAISE(ABORT, 'a signed credential never changes: revoke and re-issue'); END;
