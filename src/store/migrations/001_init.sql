-- Attendees: one row per person. ticket_key is the folded ticket number used for lookups.
CREATE TABLE attendees (
    id            INTEGER PRIMARY KEY,
    ticket        TEXT,
    ticket_key    TEXT UNIQUE,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    email         TEXT,
    contact_email TEXT,
    organisation  TEXT,
    extra         TEXT NOT NULL DEFAULT '{}',   -- JSON object: unmapped columns, by header
    source_file   TEXT,                         -- NULL for walk-ins
    source_line   INTEGER,
    original      TEXT,                         -- JSON array: the row's cells as decoded
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX attendees_email ON attendees(email);

-- Activities mirror event.toml; a removed activity is retired, never deleted (check-ins keep it).
CREATE TABLE activities (
    key      TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Every tick and undo, in order. Append-only: triggers below refuse UPDATE and DELETE.
CREATE TABLE checkin_log (
    id           INTEGER PRIMARY KEY,
    attendee_id  INTEGER NOT NULL REFERENCES attendees(id),
    activity_key TEXT NOT NULL REFERENCES activities(key),
    action       TEXT NOT NULL CHECK (action IN ('tick', 'undo')),
    undoes       INTEGER REFERENCES checkin_log(id),
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL
) STRICT;

CREATE INDEX checkin_log_attendee ON checkin_log(attendee_id);

-- Current presence, derived from checkin_log in the same transaction as each entry.
CREATE TABLE presence (
    attendee_id  INTEGER NOT NULL REFERENCES attendees(id),
    activity_key TEXT NOT NULL REFERENCES activities(key),
    tick_id      INTEGER NOT NULL UNIQUE REFERENCES checkin_log(id),
    since        TEXT NOT NULL,
    PRIMARY KEY (attendee_id, activity_key)
) STRICT, WITHOUT ROWID;

-- Who did what when. Append-only.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TRIGGER checkin_log_no_update BEFORE UPDATE ON checkin_log
BEGIN SELECT RAISE(ABORT, 'checkin_log is append-only'); END;
CREATE TRIGGER checkin_log_no_delete BEFORE DELETE ON checkin_log
BEGIN SELECT RAISE(ABORT, 'checkin_log is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
