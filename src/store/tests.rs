use time::macros::datetime;

use super::*;
use crate::i18n::Lang;
use crate::model::{AttendeeRecord, Extra, SourceRef};

fn record(ticket: &str, given: &str, family: &str, line: u64) -> AttendeeRecord {
    AttendeeRecord {
        ticket: (!ticket.is_empty()).then(|| ticket.to_string()),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        contact_email: None,
        organisation: Some("Collège Camille Claudel".into()),
        extra: Extra::from_iter([("Niveau".to_string(), "6e".to_string())]),
        source: SourceRef {
            file: "inscriptions.csv".into(),
            line,
        },
        original: vec![ticket, family, given].into(),
    }
}

fn store_with_people() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store
        .sync_activities(&[
            ("sumo".into(), "Sumo".into()),
            ("scratch".into(), "Scratch".into()),
        ])
        .unwrap();
    let at = datetime!(2026-05-16 08:00 UTC);
    store
        .write_import(
            &[
                record("FR-1", "Hélène", "Œuvray", 2),
                record("FR-2", "Nguyễn Thị", "Ngọc", 3),
            ],
            &[],
            "inscriptions.csv",
            "test",
            at,
        )
        .unwrap();
    store
}

#[test]
fn migrations_set_user_version_and_refuse_newer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("event.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let pragma = |name: &str| -> String {
        store
            .conn
            .query_row(&format!("PRAGMA {name}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| format!("{v:?}"))
            .unwrap()
    };
    assert_eq!(pragma("page_size"), format!("Integer({PAGE_SIZE})"));
    assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
    store.conn.pragma_update(None, "user_version", 99).unwrap();
    drop(store);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer badgedesk"));
    let french = err.message(Lang::Fr);
    assert!(
        french.contains("badgedesk plus récent") && french.contains("schéma 99"),
        "{french}"
    );
    assert_eq!(err.message(Lang::En), err.to_string());
}

#[test]
fn every_store_error_has_a_french_message() {
    let errors = [
        StoreError::Open {
            path: "/x/event.db".into(),
            source: rusqlite::Error::InvalidQuery,
        },
        StoreError::TooNew {
            path: "/x/event.db".into(),
            found: 9,
            known: 4,
        },
        StoreError::Busy,
        StoreError::DiskFull,
        StoreError::NoSuchAttendee(3),
        StoreError::NoSuchCredential("urn:uuid:1".into()),
        StoreError::NoSuchActivity("robots".into()),
        StoreError::TicketTaken {
            ticket: "T1".into(),
            attendee_id: 2,
        },
        StoreError::Empty {
            field: "given_name",
        },
        StoreError::Sql(rusqlite::Error::InvalidQuery),
        StoreError::Corrupt {
            what: "time",
            message: "bad".into(),
        },
    ];
    for e in &errors {
        assert_ne!(e.message(Lang::Fr), e.to_string(), "untranslated: {e}");
    }
}

#[test]
fn import_round_trips_diacritics_and_extras() {
    let store = store_with_people();
    let people = store.attendees().unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0].display_name(), "Hélène Œuvray");
    assert_eq!(people[1].family_name, "Ngọc");
    assert_eq!(
        people[0].extra.get("Niveau").map(String::as_str),
        Some("6e")
    );
    assert_eq!(people[0].source.as_ref().map(|s| s.line), Some(2));
    assert_eq!(
        store.find_by_ticket(" fr-2 ").unwrap().map(|a| a.id),
        Some(people[1].id)
    );
    assert!(store.find_by_ticket("FR-9").unwrap().is_none());
}

#[test]
fn summaries_and_first_page_are_the_roster_without_extra_fields_and_source() {
    let store = store_with_people();
    let full = store.attendees().unwrap();
    let light = store.attendee_summaries().unwrap();
    assert_eq!(light.len(), full.len());
    for (l, f) in light.iter().zip(&full) {
        assert!(l.extra.is_empty() && l.source.is_none());
        let mut f = f.clone();
        f.extra.clear();
        f.source = None;
        assert_eq!(*l, f);
    }
    let page = store.attendee_page(1).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].family_name, "Ngọc");
    assert!(page[0].extra.is_empty() && page[0].source.is_none());
    // One person's full record is still there for the detail pane.
    let one = store.attendee(full[0].id).unwrap().unwrap();
    assert_eq!(one, full[0]);
}

#[test]
fn duplicate_ticket_is_refused_and_nothing_is_written() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 09:00 UTC);
    let err = store
        .write_import(
            &[
                record("FR-3", "Zoé", "Martin", 4),
                record("fr-1", "Other", "Person", 5),
            ],
            &[],
            "b.csv",
            "test",
            at,
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::TicketTaken { ref ticket, .. } if ticket == "fr-1"),
        "{err}"
    );
    assert_eq!(
        store.attendee_count().unwrap(),
        2,
        "the whole import was rolled back"
    );
}

#[test]
fn tick_is_idempotent_and_undo_walks_back() {
    let mut store = store_with_people();
    let ids: Vec<i64> = store.attendees().unwrap().iter().map(|a| a.id).collect();
    let t1 = datetime!(2026-05-16 09:15 UTC);
    let t2 = datetime!(2026-05-16 09:16 UTC);
    assert_eq!(
        store.check_in(ids[0], "sumo", "desk1", t1).unwrap(),
        CheckInOutcome::Ticked { at: t1 }
    );
    assert_eq!(
        store.check_in(ids[0], "sumo", "desk1", t2).unwrap(),
        CheckInOutcome::AlreadyCheckedIn { since: t1 }
    );
    store.check_in(ids[1], "sumo", "desk1", t2).unwrap();
    store.check_in(ids[1], "scratch", "desk1", t2).unwrap();
    assert_eq!(store.presence().unwrap().len(), 3);

    let undone = store.undo_last(Some("sumo"), "desk1", t2).unwrap().unwrap();
    assert_eq!(
        (undone.attendee_id, undone.activity_key.as_str()),
        (ids[1], "sumo")
    );
    let undone = store.undo_last(Some("sumo"), "desk1", t2).unwrap().unwrap();
    assert_eq!(undone.attendee_id, ids[0]);
    assert!(
        store
            .undo_last(Some("sumo"), "desk1", t2)
            .unwrap()
            .is_none()
    );
    assert_eq!(store.presence().unwrap().len(), 1, "scratch tick untouched");

    let history = store.history(ids[0]).unwrap();
    let actions: Vec<_> = history.iter().map(|e| e.action).collect();
    assert_eq!(actions, [CheckInAction::Tick, CheckInAction::Undo]);
}

#[test]
fn unknown_activity_or_attendee_is_an_error() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 09:15 UTC);
    assert!(matches!(
        store.check_in(1, "nope", "d", at),
        Err(StoreError::NoSuchActivity(_))
    ));
    assert!(matches!(
        store.check_in(999, "sumo", "d", at),
        Err(StoreError::NoSuchAttendee(999))
    ));
}

#[test]
fn log_and_audit_are_append_only() {
    let mut store = store_with_people();
    store
        .check_in(1, "sumo", "d", datetime!(2026-05-16 09:15 UTC))
        .unwrap();
    assert!(store.conn.execute("DELETE FROM checkin_log", []).is_err());
    assert!(
        store
            .conn
            .execute("UPDATE audit SET actor = 'x'", [])
            .is_err()
    );
    assert_eq!(store.audit_count("import").unwrap(), 1);
}

#[test]
fn retired_activity_keeps_its_checkins_but_refuses_new_ones() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 09:15 UTC);
    store.check_in(1, "scratch", "d", at).unwrap();
    store
        .sync_activities(&[("sumo".into(), "Sumo robot".into())])
        .unwrap();
    assert_eq!(
        store.activities().unwrap(),
        vec![Activity {
            key: "sumo".into(),
            name: "Sumo robot".into()
        }]
    );
    assert_eq!(store.presence().unwrap().len(), 1);
    assert!(matches!(
        store.check_in(2, "scratch", "d", at),
        Err(StoreError::NoSuchActivity(_))
    ));
}

#[test]
fn walk_in_is_cleaned_and_audited() {
    let mut store = store_with_people();
    let walk_in = WalkIn {
        given_name: "  Maël ".into(),
        family_name: "Le  Goff".into(),
        email: Some(" Mael@Example.FR ".into()),
        organisation: None,
    };
    let added = store
        .add_walk_in(&walk_in, "desk1", datetime!(2026-05-16 10:00 UTC))
        .unwrap();
    assert_eq!(added.display_name(), "Maël Le Goff");
    assert_eq!(added.email.as_deref(), Some("mael@example.fr"));
    assert!(added.source.is_none());
    assert!(matches!(
        store.add_walk_in(&WalkIn::default(), "d", datetime!(2026-05-16 10:00 UTC)),
        Err(StoreError::Empty { .. })
    ));
}

fn new_credential(id: &str, attendee_id: i64, achievement: &str) -> NewCredential {
    NewCredential {
        id: id.into(),
        attendee_id,
        achievement_key: achievement.into(),
        issued_at: datetime!(2026-05-16 17:00 UTC),
        json: format!("{{\"id\":\"{id}\"}}"),
        claim_token: format!("token-{id}"),
        status_index: None,
    }
}

#[test]
fn credentials_are_idempotent_per_attendee_and_achievement() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 17:00 UTC);
    let stored = store
        .insert_credentials(
            &[
                new_credential("a", 1, "p"),
                new_credential("b", 1, "p"),
                new_credential("c", 2, "p"),
            ],
            "t",
            at,
        )
        .unwrap();
    assert_eq!(stored, vec!["a".to_string(), "c".to_string()]);
    assert!(
        store
            .insert_credentials(&[new_credential("d", 1, "p")], "t", at)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.credentials().unwrap().len(), 2);
    assert!(store.live_awards().unwrap().contains(&(1, "p".to_string())));
}

#[test]
fn many_claim_visits_in_one_write_keep_the_first_time() {
    let mut store = store_with_people();
    let (first, later) = (
        datetime!(2026-05-16 17:00 UTC),
        datetime!(2026-05-16 17:05 UTC),
    );
    store
        .insert_credentials(
            &[new_credential("a", 1, "p"), new_credential("b", 2, "p")],
            "t",
            first,
        )
        .unwrap();
    assert!(store.mark_claimed("token-a", first).unwrap());
    let known = store
        .mark_claimed_all(&[("token-a", later), ("nope", later), ("token-b", later)])
        .unwrap();
    assert_eq!(known, 2, "the unknown token is not counted");
    assert_eq!(
        store.credential("a").unwrap().unwrap().claimed_at,
        Some(first)
    );
    assert_eq!(
        store.credential("b").unwrap().unwrap().claimed_at,
        Some(later)
    );
    assert_eq!(store.mark_claimed_all(&[]).unwrap(), 0);
}

#[test]
fn revoke_reissue_claim() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 17:00 UTC);
    store
        .insert_credentials(&[new_credential("a", 1, "p")], "t", at)
        .unwrap();
    assert!(store.mark_claimed("token-a", at).unwrap());
    assert!(
        store.mark_claimed("token-a", at).unwrap(),
        "second visit is fine"
    );
    assert!(!store.mark_claimed("nope", at).unwrap());
    assert_eq!(store.credential("a").unwrap().unwrap().claimed_at, Some(at));

    store
        .reissue("a", &new_credential("a2", 1, "p"), "name fixed", "t", at)
        .unwrap();
    let old = store.credential("a").unwrap().unwrap();
    assert_eq!(old.revoked_reason.as_deref(), Some("name fixed"));
    assert_eq!(
        store.credential("a2").unwrap().unwrap().replaces.as_deref(),
        Some("a")
    );
    assert!(matches!(
        store.reissue("a", &new_credential("a3", 1, "p"), "x", "t", at),
        Err(StoreError::NoSuchCredential(_))
    ));
    assert!(store.revoke("a2", "mistake", "t", at).unwrap());
    assert!(!store.revoke("a2", "mistake", "t", at).unwrap());
    assert!(store.live_awards().unwrap().is_empty());
    assert!(
        store
            .conn
            .execute("UPDATE credentials SET json = '{}' WHERE id = 'a2'", [])
            .is_err(),
        "signed content is frozen"
    );
    assert!(store.conn.execute("DELETE FROM credentials", []).is_err());
}

#[test]
fn looking_attendees_up_again_reuses_the_prepared_statements() {
    let store = store_with_people();
    for _ in 0..5 {
        for id in [1, 2, 3] {
            store.attendee(id).unwrap();
        }
        store.find_by_ticket(" fr-2 ").unwrap();
    }
    let person = store.attendee(1).unwrap().unwrap();
    assert_eq!(
        person.source.map(|s| s.file).as_deref(),
        Some("inscriptions.csv")
    );
    assert_eq!(
        store.find_by_ticket(" fr-2 ").unwrap().map(|p| p.id),
        Some(2)
    );
    for key in ["a.id = ?1", "a.ticket_key = ?1"] {
        let sql = format!(
            "SELECT {} FROM {} WHERE {key}",
            attendees::ATTENDEE_COLUMNS,
            attendees::ATTENDEE_FROM
        );
        let stmt = store.conn.prepare_cached(&sql).unwrap();
        assert_eq!(
            stmt.get_status(rusqlite::StatementStatus::RePrepare),
            0,
            "{key}"
        );
    }
}

#[test]
fn credentials_in_chunks_are_all_credentials_in_order() {
    let mut store = store_with_people();
    let at = datetime!(2026-05-16 17:00 UTC);
    let rows: Vec<NewCredential> = (0..7)
        .map(|i| new_credential(&format!("c{i}"), 1 + i % 2, &format!("a{i}")))
        .collect();
    store.insert_credentials(&rows, "t", at).unwrap();
    let all: Vec<String> = store
        .credentials()
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(all.len(), 7);
    // Same issue time: by id.
    assert_eq!(all, (0..7).map(|i| format!("c{i}")).collect::<Vec<_>>());
    for chunk in [1, 3, 7, 10] {
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        store
            .credentials_in_chunks(chunk, |part| {
                sizes.push(part.len());
                seen.extend(part.into_iter().map(|c| c.id));
                true
            })
            .unwrap();
        assert_eq!(seen, all, "chunks of {chunk}");
        assert!(sizes.iter().all(|&n| n >= 1 && n <= chunk), "{sizes:?}");
    }
    // Stopping early reads no further.
    let mut calls = 0;
    store
        .credentials_in_chunks(2, |_| {
            calls += 1;
            false
        })
        .unwrap();
    assert_eq!(calls, 1);
}
