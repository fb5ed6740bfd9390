//! Migration 005 (compact attendee rows): a database written with the schema before it, with
//! imported people, a walk-in, check-ins and a credential, reads back exactly the same after.

use time::macros::datetime;

use super::*;
use crate::model::{Attendee, Extra, SourceRef};

/// Schema version before migration 005.
const BEFORE: usize = COMPACT_MIGRATION;

struct OldRow {
    attendee: Attendee,
    original: Option<Vec<String>>,
}

fn old_rows() -> Vec<OldRow> {
    let imported =
        |id: i64, ticket: &str, given: &str, family: &str, file: &str, line: u64| Attendee {
            id,
            ticket: Some(ticket.into()),
            given_name: given.into(),
            family_name: family.into(),
            email: Some(format!("p{id}@exemple.fr")),
            contact_email: None,
            organisation: Some("Collège \"Camille\" Claudel".into()),
            extra: Extra::from_iter([
                ("Niveau".to_string(), "6e".to_string()),
                ("Remarques".to_string(), "l1\nl2".to_string()),
            ]),
            source: Some(SourceRef {
                file: file.into(),
                line,
            }),
        };
    let walk_in = Attendee {
        id: 4,
        ticket: None,
        given_name: "Zoé".into(),
        family_name: "N'Diaye".into(),
        email: None,
        contact_email: None,
        organisation: None,
        extra: Extra::new(),
        source: None,
    };
    vec![
        OldRow {
            original: Some(vec![
                "FR-1".into(),
                "Œuvray".into(),
                " Hélène ".into(),
                "P1@EXEMPLE.FR".into(),
                "Collège \"Camille\" Claudel".into(),
                "6e".into(),
                "l1\nl2".into(),
                String::new(),
            ]),
            attendee: imported(1, "FR-1", "Hélène", "Œuvray", "inscriptions.csv", 2),
        },
        OldRow {
            original: Some(vec![
                "FR-2".into(),
                "Ngọc".into(),
                "Nguyễn Thị".into(),
                "p2@exemple.fr".into(),
            ]),
            attendee: imported(2, "FR-2", "Nguyễn Thị", "Ngọc", "inscriptions.csv", 3),
        },
        OldRow {
            original: Some(vec!["FR-3".into(), "Müller".into(), "Gaëlle".into()]),
            attendee: imported(3, "FR-3", "Gaëlle", "Müller", "autre;fichier.csv", 7),
        },
        OldRow {
            original: None,
            attendee: walk_in,
        },
    ]
}

/// A database at the schema before 005, filled the way that schema's code wrote it.
fn old_database(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    for sql in &MIGRATIONS[..BEFORE] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", BEFORE as i64)
        .unwrap();
    for OldRow {
        attendee: a,
        original,
    } in old_rows()
    {
        conn.execute(
            "INSERT INTO attendees (id, ticket, ticket_key, given_name, family_name, email,
                 contact_email, organisation, extra, source_file, source_line, original,
                 created_at, updated_at)
             VALUES (?1, ?2, lower(?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                 '2026-05-16T08:00:00Z', '2026-05-16T08:00:00Z')",
            params![
                a.id,
                a.ticket,
                a.given_name,
                a.family_name,
                a.email,
                a.contact_email,
                a.organisation,
                serde_json::to_string(&a.extra).unwrap(),
                a.source.as_ref().map(|s| s.file.as_str()),
                a.source.as_ref().map(|s| s.line as i64),
                original.map(|o| serde_json::to_string(&o).unwrap()),
            ],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO activities (key, name, position) VALUES ('sumo', 'Sumo', 0);
         INSERT INTO checkin_log (id, attendee_id, activity_key, action, at, actor)
             VALUES (1, 2, 'sumo', 'tick', '2026-05-16T09:00:00Z', 'desk1');
         INSERT INTO presence (attendee_id, activity_key, tick_id, since)
             VALUES (2, 'sumo', 1, '2026-05-16T09:00:00Z');
         INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token,
             token_key) VALUES ('urn:uuid:1', 3, 'explorer', '2026-05-16T10:00:00Z', '{}', 'tok', x'01');",
    )
    .unwrap();
}

#[test]
fn old_rows_read_back_the_same_after_migration_005() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("event.db");
    old_database(&path);
    let old_originals: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT sum(length(original)) FROM attendees", [], |r| {
            r.get(0)
        })
        .unwrap();

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let expected: Vec<Attendee> = old_rows().into_iter().map(|r| r.attendee).collect();
    assert_eq!(store.attendees().unwrap(), expected);
    for OldRow { attendee, original } in old_rows() {
        assert_eq!(
            store.attendee(attendee.id).unwrap().as_ref(),
            Some(&attendee)
        );
        assert_eq!(store.attendee_original(attendee.id).unwrap(), original);
    }
    assert_eq!(
        store.find_by_ticket("fr-3").unwrap().map(|a| a.source),
        Some(expected[2].source.clone())
    );
    let page: Vec<i64> = store
        .attendee_page(10)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(page, [3, 4, 2, 1], "Müller, N'Diaye, Ngọc, Œuvray");
    // Migration 006 dropped the name-order index: the ticket's UNIQUE one is left, and 007's
    // partial one on uid (NULL until the event has a hub: single-desk imports pay nothing).
    let indexes = store.text_column(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attendees' ORDER BY name",
    );
    assert_eq!(indexes, ["attendees_uid", "sqlite_autoindex_attendees_1"]);
    // An existing database keeps its page size (new ones get PAGE_SIZE).
    let page_size: i64 = store
        .conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(page_size, 4096);
    // One import row per file, and the originals were rewritten shorter.
    let files = store.text_column("SELECT file FROM imports ORDER BY id");
    assert_eq!(files, ["inscriptions.csv", "autre;fichier.csv"]);
    let new_originals: i64 = store
        .conn
        .query_row("SELECT sum(length(original)) FROM attendees", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(new_originals < old_originals / 2, "{new_originals}");
    // Check-ins and badges are untouched.
    let presence = store.presence().unwrap();
    assert_eq!(presence.len(), 1);
    assert_eq!(
        (presence[0].attendee_id, presence[0].since),
        (2, datetime!(2026-05-16 09:00 UTC))
    );
    assert_eq!(store.credentials_of(3).unwrap().len(), 1);
    let fk: Vec<i64> = {
        let mut stmt = store.conn.prepare("PRAGMA foreign_key_check").unwrap();
        stmt.query_map([], |r| r.get(1))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(fk.is_empty(), "{fk:?}");
}

#[test]
fn imports_after_migration_point_rows_at_one_import_row() {
    let mut store = Store::open_in_memory().unwrap();
    let at = datetime!(2026-05-16 08:00 UTC);
    let record = |ticket: &str, file: &str| crate::model::AttendeeRecord {
        ticket: Some(ticket.into()),
        given_name: "Léa".into(),
        family_name: ticket.into(),
        email: None,
        contact_email: None,
        organisation: None,
        extra: Extra::new(),
        source: SourceRef {
            file: file.into(),
            line: 2,
        },
        original: vec![ticket, "Léa", "x"].into(),
    };
    store
        .write_import(
            &[
                record("A", "a.csv"),
                record("B", "a.csv"),
                record("C", "c.csv"),
            ],
            &[],
            "a.csv",
            "test",
            at,
        )
        .unwrap();
    let imports: i64 = store
        .conn
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(imports, 2, "one per source file");
    let sources: Vec<String> = store
        .attendees()
        .unwrap()
        .into_iter()
        .filter_map(|a| a.source.map(|s| s.file))
        .collect();
    assert_eq!(sources, ["a.csv", "a.csv", "c.csv"]);
    let original = store.attendee_original(1).unwrap().unwrap();
    assert_eq!(original, ["A", "Léa", "x"]);
    let stored: String = store
        .conn
        .query_row("SELECT original FROM attendees WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, r#"[0,1,"x"]"#);
}

/// A single-desk event database at schema 6 (the last before several desks), with an import,
/// a walk-in, ticks and an undo, audit entries and a revoked and reissued credential.
fn schema_6_database(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    for sql in &MIGRATIONS[..6] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn.execute_batch(
        "INSERT INTO imports (id, file, at) VALUES (1, 'inscriptions.csv', '2026-05-16T08:00:00Z');
         INSERT INTO attendees (id, ticket, ticket_key, given_name, family_name, email, extra,
             import_id, source_line, original, created_at, updated_at)
         VALUES (1, 'FR-1', 'fr-1', 'Hélène', 'Œuvray', 'h@exemple.fr', '{\"Niveau\":\"6e\"}', 1, 2,
             '[\"FR-1\",1,0]', '2026-05-16T08:00:00Z', '2026-05-16T08:00:00Z'),
                (2, NULL, NULL, 'Zoé', 'Martin', NULL, '{}', NULL, NULL, NULL,
             '2026-05-16T09:00:00Z', '2026-05-16T09:00:00Z');
         INSERT INTO activities (key, name, position) VALUES ('sumo', 'Sumo', 0);
         INSERT INTO checkin_log (id, attendee_id, activity_key, action, undoes, at, actor) VALUES
             (1, 1, 'sumo', 'tick', NULL, '2026-05-16T09:00:00Z', 'desk'),
             (2, 2, 'sumo', 'tick', NULL, '2026-05-16T09:01:00Z', 'desk'),
             (3, 2, 'sumo', 'undo', 2, '2026-05-16T09:02:00Z', 'desk');
         INSERT INTO presence (attendee_id, activity_key, tick_id, since)
             VALUES (1, 'sumo', 1, '2026-05-16T09:00:00Z');
         INSERT INTO audit (id, at, actor, action, detail) VALUES
             (1, '2026-05-16T08:00:00Z', 'cli', 'import', '{\"file\":\"inscriptions.csv\"}'),
             (2, '2026-05-16T09:00:00Z', 'desk', 'walk_in', '{\"attendee_id\":2}');
         INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token,
             status_index, claimed_at, revoked_at, revoked_reason, token_key)
         VALUES ('urn:uuid:a', 1, 'explorer', '2026-05-16T10:00:00Z', '{}', 'tok-a', 7,
             '2026-05-16T10:30:00Z', '2026-05-16T11:00:00Z', 'name', x'01');
         INSERT INTO credentials (id, attendee_id, achievement_key, issued_at, json, claim_token,
             status_index, replaces, token_key)
         VALUES ('urn:uuid:b', 1, 'explorer', '2026-05-16T11:00:00Z', '{}', 'tok-b', 9,
             'urn:uuid:a', x'02');",
    )
    .unwrap();
}

#[test]
fn a_schema_6_event_keeps_every_row_and_becomes_a_desk_whose_facts_rebuild_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("event.db");
    schema_6_database(&path);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let before = (
        store.attendees().unwrap(),
        store.presence().unwrap(),
        store.history(1).unwrap(),
        store.history(2).unwrap(),
        store.credentials().unwrap(),
        store.audit_count("import").unwrap(),
    );
    // Single desk: no identity, no journal.
    assert!(store.desk_identity().unwrap().is_none());
    assert!(store.journal_heads().unwrap().is_empty());
    let me = store
        .enable_journal("Accueil", "2026-05-16T12:00:00Z")
        .unwrap();
    let after = (
        store.attendees().unwrap(),
        store.presence().unwrap(),
        store.history(1).unwrap(),
        store.history(2).unwrap(),
        store.credentials().unwrap(),
        store.audit_count("import").unwrap(),
    );
    assert_eq!(before, after, "every row kept as it was");
    // desk + import + 2 attendees + 2 ticks + 1 undo + 2 audit + 2 credentials + 1 revoke + 1 claim
    assert_eq!(store.journal_heads().unwrap(), vec![(me.id.clone(), 13)]);
    // A second desk built from those facts alone holds the same event.
    let mut other = Store::open_in_memory().unwrap();
    let facts = store.journal_all().unwrap();
    let report = other.apply_facts(&facts).unwrap();
    assert_eq!((report.received, report.waiting), (13, 0));
    assert_eq!(other.shared_state().unwrap(), store.shared_state().unwrap());
    let moved = other.credentials().unwrap();
    assert_eq!(moved.len(), 2);
    assert!(
        moved
            .iter()
            .any(|c| c.id == "urn:uuid:a" && c.revoked_at.is_some())
    );
    // Rows written from now on are journaled: one walk-in = attendee + audit facts.
    store
        .add_walk_in(
            &crate::store::WalkIn {
                given_name: "Inès".into(),
                family_name: "Petit".into(),
                ..Default::default()
            },
            "desk",
            time::macros::datetime!(2026-05-16 12:05 UTC),
        )
        .unwrap();
    assert_eq!(store.journal_heads().unwrap(), vec![(me.id, 15)]);
}
