use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::model::{AttendeeRecord, Extra, SourceRef};
use crate::store::WalkIn;

const ACTIVITIES: [&str; 3] = ["accueil", "sumo", "lego"];

fn desk_store(name: Option<&str>) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let list: Vec<(String, String)> = ACTIVITIES
        .iter()
        .map(|k| (k.to_string(), k.to_uppercase()))
        .collect();
    store.sync_activities(&list).unwrap();
    if let Some(name) = name {
        store.enable_journal(name, "2026-05-16T08:00:00Z").unwrap();
    }
    store
}

fn record(ticket: &str, given: &str, family: &str, org: &str) -> AttendeeRecord {
    AttendeeRecord {
        ticket: Some(ticket.to_string()),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        contact_email: None,
        organisation: Some(org.into()),
        extra: Extra::from_iter([("Niveau".to_string(), "6e".to_string())]),
        source: SourceRef {
            file: "inscriptions.csv".into(),
            line: 2,
        },
        original: vec![ticket, family, given].into(),
    }
}

/// Give `to` every fact of `from`'s journal it lacks (as a pull would).
fn exchange(from: &Store, to: &mut Store) -> ApplyReport {
    let facts = from.journal_all().unwrap();
    to.apply_facts(&facts).unwrap()
}

fn ids_by_uid(store: &Store) -> Vec<(i64, String)> {
    let mut stmt = store
        .conn
        .prepare("SELECT id, uid FROM attendees ORDER BY uid")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn local_id(store: &Store, uid: &str) -> i64 {
    store
        .conn
        .query_row("SELECT id FROM attendees WHERE uid = ?1", [uid], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn a_tick_reaches_another_desk_with_its_desk_and_both_clocks() {
    let mut a = desk_store(Some("Accueil"));
    let mut b = desk_store(Some("Sumo"));
    let at = datetime!(2026-05-16 09:00 UTC);
    let p = a
        .add_walk_in(
            &WalkIn {
                given_name: "Zoé".into(),
                family_name: "Martin".into(),
                ..Default::default()
            },
            "desk",
            at,
        )
        .unwrap();
    a.check_in(p.id, "sumo", "desk", at).unwrap();
    let report = exchange(&a, &mut b);
    assert_eq!(report.received as i64, a.journal_heads().unwrap()[0].1);
    let uid = &ids_by_uid(&a)[0].1;
    let there = local_id(&b, uid);
    let presence = b.presence().unwrap();
    assert_eq!(presence.len(), 1);
    assert_eq!(presence[0].attendee_id, there);
    assert_eq!(presence[0].since, at);
    assert_eq!(
        b.checkin_desks(there).unwrap(),
        vec![Some("Accueil".to_string())]
    );
    assert_eq!(
        b.presence_origin(there, "sumo").unwrap(),
        Some((Some("Accueil".into()), "2026-05-16T09:00:00Z".into()))
    );
    // Sent twice: stored once.
    let again = exchange(&a, &mut b);
    assert_eq!(again.received, 0);
    assert!(again.duplicates > 0);
    // B's own rows are journaled, A's are not journaled again as B's.
    let heads = b.journal_heads().unwrap();
    let mine = b.desk_identity().unwrap().unwrap().id;
    assert_eq!(heads.iter().find(|(o, _)| *o == mine).unwrap().1, 1);
}

#[test]
fn two_desks_ticking_one_person_give_one_presence_two_entries_and_one_undo_clears_both() {
    let mut a = desk_store(Some("Accueil"));
    let mut b = desk_store(Some("Sumo"));
    let at = datetime!(2026-05-16 10:42 UTC);
    let p = a
        .add_walk_in(
            &WalkIn {
                given_name: "Léa".into(),
                family_name: "Roux".into(),
                ..Default::default()
            },
            "desk",
            at,
        )
        .unwrap();
    exchange(&a, &mut b);
    let uid = ids_by_uid(&a)[0].1.clone();
    let pb = local_id(&b, &uid);
    a.check_in(p.id, "sumo", "a", at).unwrap();
    b.check_in(pb, "sumo", "b", at + time::Duration::minutes(1))
        .unwrap();
    let to_b = exchange(&a, &mut b);
    assert_eq!(to_b.double_ticks.len(), 1);
    assert_eq!(to_b.double_ticks[0].desk, "Accueil");
    assert_eq!(to_b.double_ticks[0].at, "2026-05-16T10:42:00Z");
    exchange(&b, &mut a);
    for (store, id) in [(&a, p.id), (&b, pb)] {
        assert_eq!(store.presence().unwrap().len(), 1);
        assert_eq!(
            store.presence().unwrap()[0].since,
            at,
            "earliest tick stands"
        );
        assert_eq!(store.history(id).unwrap().len(), 2);
    }
    assert_eq!(a.shared_state().unwrap(), b.shared_state().unwrap());
    // An undo at B names both ticks it knows of: A clears too.
    b.undo_check_in(pb, "sumo", "b", at + time::Duration::minutes(2))
        .unwrap()
        .unwrap();
    exchange(&b, &mut a);
    assert!(a.presence().unwrap().is_empty());
    assert!(b.presence().unwrap().is_empty());
    assert_eq!(a.shared_state().unwrap(), b.shared_state().unwrap());
}

#[test]
fn an_undo_that_arrives_before_its_tick_waits_for_it() {
    let mut a = desk_store(Some("Accueil"));
    let mut b = desk_store(Some("Sumo"));
    let mut c = desk_store(None);
    let at = datetime!(2026-05-16 10:00 UTC);
    let p = a
        .add_walk_in(
            &WalkIn {
                given_name: "Inès".into(),
                family_name: "Petit".into(),
                ..Default::default()
            },
            "desk",
            at,
        )
        .unwrap();
    a.check_in(p.id, "lego", "a", at).unwrap();
    exchange(&a, &mut b);
    let pb = local_id(&b, &ids_by_uid(&a)[0].1);
    b.undo_check_in(pb, "lego", "b", at).unwrap().unwrap();
    // C hears of B's own facts first (the undo), then A's (the walk-in and the tick).
    let b_id = b.desk_identity().unwrap().unwrap().id;
    let b_own: Vec<Fact> = b
        .journal_all()
        .unwrap()
        .into_iter()
        .filter(|f| f.origin == b_id)
        .collect();
    let first = c.apply_facts(&b_own).unwrap();
    assert!(first.waiting > 0);
    assert_eq!(c.waiting_count().unwrap(), first.waiting as i64);
    let second = exchange(&a, &mut c);
    assert_eq!(second.waiting, 0);
    assert!(c.presence().unwrap().is_empty());
    exchange(&b, &mut a);
    assert_eq!(a.shared_state().unwrap(), c.shared_state().unwrap());
}

#[test]
fn a_gap_in_a_desks_facts_is_not_taken() {
    let mut a = desk_store(Some("Accueil"));
    let mut b = desk_store(None);
    for i in 0..3 {
        a.add_walk_in(
            &WalkIn {
                given_name: format!("P{i}"),
                family_name: "X".into(),
                ..Default::default()
            },
            "desk",
            datetime!(2026-05-16 10:00 UTC),
        )
        .unwrap();
    }
    let facts = a.journal_all().unwrap();
    let report = b.apply_facts(&facts[2..]).unwrap();
    assert_eq!(report.received, 0);
    assert_eq!(report.out_of_order, facts.len() - 2);
    let report = b.apply_facts(&facts).unwrap();
    assert_eq!(report.received, facts.len());
}

#[test]
fn an_attendee_edited_at_two_desks_ends_the_same_field_by_field() {
    let mut a = desk_store(Some("Accueil"));
    let mut b = desk_store(Some("Sumo"));
    let t0 = datetime!(2026-05-16 08:00 UTC);
    a.write_import(
        &[record("T-1", "Jean", "Dupond", "Lycée A")],
        &[],
        "f.csv",
        "a",
        t0,
    )
    .unwrap();
    exchange(&a, &mut b);
    let uid = ids_by_uid(&a)[0].1.clone();
    let (ia, ib) = (local_id(&a, &uid), local_id(&b, &uid));
    // A fixes the given name at 09:00, B the organisation at 09:05 and the given name at 08:30.
    a.write_import(
        &[],
        &[(ia, record("T-1", "Jean-Paul", "Dupond", "Lycée A"))],
        "f.csv",
        "a",
        t0 + time::Duration::hours(1),
    )
    .unwrap();
    b.write_import(
        &[],
        &[(ib, record("T-1", "Jehan", "Dupond", "Lycée B"))],
        "g.csv",
        "b",
        t0 + time::Duration::minutes(30),
    )
    .unwrap();
    exchange(&a, &mut b);
    exchange(&b, &mut a);
    for (store, id) in [(&a, ia), (&b, ib)] {
        let p = store.attendee(id).unwrap().unwrap();
        assert_eq!(p.given_name, "Jean-Paul", "the later edit of the name wins");
        assert_eq!(
            p.organisation.as_deref(),
            Some("Lycée B"),
            "B's organisation stands"
        );
    }
    assert_eq!(a.shared_state().unwrap(), b.shared_state().unwrap());
}

/// Random ticks, undos, walk-ins and edits at three desks with partial exchanges; then every
/// fact delivered to fresh desks in random interleavings (each desk's facts in order, batches
/// of random size, duplicates and early arrivals thrown in): every desk ends identical.
#[test]
fn random_interleavings_of_the_same_facts_give_identical_desks() {
    for seed in 0..12u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut desks = vec![
            desk_store(Some("Accueil")),
            desk_store(Some("Sumo")),
            desk_store(Some("Lego")),
        ];
        let t0 = datetime!(2026-05-16 08:00 UTC);
        let people: Vec<AttendeeRecord> = (0..12)
            .map(|i| record(&format!("T-{i}"), &format!("P{i}"), "Nom", "Org"))
            .collect();
        desks[0]
            .write_import(&people, &[], "f.csv", "a", t0)
            .unwrap();
        let first = desks[0].journal_all().unwrap();
        for d in desks.iter_mut().skip(1) {
            d.apply_facts(&first).unwrap();
        }
        let mut clock = t0;
        for _ in 0..120 {
            clock += time::Duration::seconds(rng.random_range(0..40));
            let d = rng.random_range(0..3);
            let uids: Vec<String> = ids_by_uid(&desks[d]).into_iter().map(|(_, u)| u).collect();
            let uid = &uids[rng.random_range(0..uids.len())];
            let id = local_id(&desks[d], uid);
            let activity = ACTIVITIES[rng.random_range(0..ACTIVITIES.len())];
            // Skewed desk clocks: facts still converge on their own times.
            let at: OffsetDateTime = clock + time::Duration::seconds(d as i64 * 7 - 7);
            match rng.random_range(0..10) {
                0..=4 => {
                    desks[d].check_in(id, activity, "x", at).unwrap();
                }
                5..=6 => {
                    desks[d].undo_check_in(id, activity, "x", at).unwrap();
                }
                7 => {
                    desks[d]
                        .add_walk_in(
                            &WalkIn {
                                given_name: format!("W{}", rng.random_range(0..1000)),
                                family_name: "Sur place".into(),
                                ..Default::default()
                            },
                            "x",
                            at,
                        )
                        .unwrap();
                }
                8 => {
                    let n = rng.random_range(0..3);
                    let edit = record(
                        &format!("E-{n}-{d}"),
                        &format!("Ed{n}"),
                        "Nom",
                        &format!("Org{d}"),
                    );
                    match desks[d].write_import(&[], &[(id, edit)], "e.csv", "x", at) {
                        Ok(_) | Err(StoreError::TicketTaken { .. }) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                _ => {
                    let from = rng.random_range(0..3);
                    if from != d {
                        let (src, dst) = pick(&mut desks, from, d);
                        exchange(src, dst);
                    }
                }
            }
        }
        // Everyone hears from everyone.
        for _ in 0..2 {
            for from in 0..3 {
                for to in 0..3 {
                    if from != to {
                        let (src, dst) = pick(&mut desks, from, to);
                        exchange(src, dst);
                    }
                }
            }
        }
        let expected = desks[0].shared_state().unwrap();
        assert_eq!(desks[1].shared_state().unwrap(), expected, "seed {seed}");
        assert_eq!(desks[2].shared_state().unwrap(), expected, "seed {seed}");
        // Fresh desks, facts in random interleavings.
        let by_desk: Vec<Vec<Fact>> = desks
            .iter()
            .map(|d| {
                let me = d.desk_identity().unwrap().unwrap().id;
                d.journal_all()
                    .unwrap()
                    .into_iter()
                    .filter(|f| f.origin == me)
                    .collect()
            })
            .collect();
        for round in 0..3 {
            let mut fresh = desk_store(None);
            let mut next = [0usize; 3];
            while next.iter().zip(&by_desk).any(|(n, f)| *n < f.len()) {
                let d = rng.random_range(0..3);
                if next[d] >= by_desk[d].len() {
                    continue;
                }
                let len = rng.random_range(1..=40).min(by_desk[d].len() - next[d]);
                let mut batch: Vec<Fact> = by_desk[d][next[d]..next[d] + len].to_vec();
                if rng.random_bool(0.2) && next[d] > 0 {
                    batch.insert(0, by_desk[d][rng.random_range(0..next[d])].clone());
                }
                if rng.random_bool(0.1) && next[d] + len + 3 < by_desk[d].len() {
                    // An early fact of the same desk: refused until its turn.
                    batch.push(by_desk[d][next[d] + len + 2].clone());
                }
                fresh.apply_facts(&batch).unwrap();
                next[d] += len;
            }
            let state = fresh.shared_state().unwrap();
            // A fresh desk holds no facts of its own: compare all but the journal's `applied`.
            assert_eq!(state, expected, "seed {seed}, round {round}");
        }
    }
}

fn pick(desks: &mut [Store], from: usize, to: usize) -> (&Store, &mut Store) {
    assert_ne!(from, to);
    if from < to {
        let (left, right) = desks.split_at_mut(to);
        (&left[from], &mut right[0])
    } else {
        let (left, right) = desks.split_at_mut(from);
        (&right[0], &mut left[to])
    }
}
