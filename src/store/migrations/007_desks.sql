-- Several desks (see store::sync). Nothing here costs a single-desk event anything: the journal
-- is only written once the event has a hub (the capture triggers are created then).

-- This desk and the desks it has heard of. `me` marks this folder's own desk.
CREATE TABLE desks (
    id       TEXT PRIMARY KEY,             -- UUID, made once where the desk was set up
    name     TEXT NOT NULL,
    me       INTEGER NOT NULL DEFAULT 0,
    hub_seq  INTEGER NOT NULL DEFAULT 0,   -- how many of its facts the hub holds, last we heard
    skew_ms  INTEGER                       -- its clock minus the hub's, as last measured
) STRICT;

-- Facts shared through the hub. A fact is made once, where it happened, and never changes:
-- `origin` and `seq` (1, 2, 3 … per desk, no gaps) say where it stands in its desk's history,
-- `id` (UUIDv7) names it everywhere. `row` is the local row it made or describes.
CREATE TABLE journal (
    origin   TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    id       TEXT NOT NULL UNIQUE,
    kind     TEXT NOT NULL,
    subject  TEXT,                         -- the attendee's uid, for attendee and check-in facts
    row      INTEGER,
    at       TEXT NOT NULL,                -- the desk's clock
    hub_at   TEXT,                         -- the hub's clock when it received the fact
    skew_ms  INTEGER,                      -- the origin desk's clock minus the hub's, when sent
    body     TEXT NOT NULL,                -- JSON
    applied  INTEGER NOT NULL DEFAULT 1,   -- 0: waits for a fact it refers to
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX journal_subject ON journal(subject) WHERE subject IS NOT NULL;
CREATE INDEX journal_row ON journal(kind, row);
CREATE INDEX journal_waiting ON journal(applied) WHERE applied = 0;

-- An attendee's id on every desk (local ids differ from desk to desk). Partial: a single-desk
-- import (uid NULL) pays no index insert for it.
ALTER TABLE attendees ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX attendees_uid ON attendees(uid) WHERE uid IS NOT NULL;

-- The desk that made a check-in (NULL: this desk).
ALTER TABLE checkin_log ADD COLUMN origin TEXT;
-- An undo names its tick; finding a tick's undos must not scan the log.
CREATE INDEX checkin_log_undoes ON checkin_log(undoes) WHERE undoes IS NOT NULL;

-- A desk without the signing key asks a signer desk to issue a badge.
CREATE TABLE issue_requests (
    id              INTEGER PRIMARY KEY,
    attendee_id     INTEGER NOT NULL REFERENCES attendees(id),
    achievement_key TEXT NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    origin          TEXT                   -- NULL: this desk
) STRICT;
CREATE INDEX issue_requests_award ON issue_requests(attendee_id, achievement_key);
