//! `update` tests for the hub link (an event with several desks): state readings, what a sync
//! brought (double ticks, facts to read again, credentials for a waiting card, requests to
//! serve). No terminal, no database, no PostgreSQL.

use std::time::Instant;

use time::macros::datetime;

use super::tests::ready_app;
use super::*;
use crate::hub::{HubState, SyncReport};
use crate::i18n::Lang;
use crate::store::{ApplyReport, DoubleTick};
use crate::tui::hub_link::HubMsg;
use crate::tui::issuing::{IssueMsg, IssueRequest};

fn synced(received: ApplyReport) -> Action {
    Action::Hub(HubMsg::Synced {
        at: datetime!(2026-05-16 10:45 UTC),
        report: Box::new(SyncReport {
            received,
            ..SyncReport::default()
        }),
    })
}

fn double_tick(attendee_id: i64, desk: &str, at: &str) -> DoubleTick {
    DoubleTick {
        attendee_id,
        activity_key: "accueil".into(),
        desk: desk.into(),
        at: at.into(),
    }
}

#[test]
fn a_single_desk_has_no_hub_until_the_link_reports() {
    let mut app = ready_app(Lang::En);
    assert!(app.hub.is_none());
    let now = datetime!(2026-05-16 10:00 UTC);
    update(
        &mut app,
        Action::Hub(HubMsg::State {
            state: HubState::default(),
            now,
        }),
    );
    let link = app.hub.as_ref().expect("a link");
    assert_eq!(link.now, now);
    assert!(app.dirty, "each reading redraws (\"2 s ago\" stays true)");
}

#[test]
fn a_double_tick_from_another_desk_is_flashed_in_local_time() {
    for (lang, expected) in [
        (Lang::En, "Loïc Dupont — already ticked at Sumo, 10:42"),
        (
            Lang::Fr,
            "Loïc Dupont — déjà enregistré·e à Sumo, 10\u{a0}h\u{a0}42",
        ),
    ] {
        let mut app = ready_app(lang);
        update(
            &mut app,
            synced(ApplyReport {
                received: 1,
                double_ticks: vec![double_tick(2, "Sumo", "2026-05-16T10:42:00Z")],
                ..ApplyReport::default()
            }),
        );
        let flash = app.flash.as_ref().expect("a flash");
        assert_eq!(flash.kind, FlashKind::Info);
        assert_eq!(flash.text, expected);
    }
}

#[test]
fn the_double_tick_about_the_selected_person_wins() {
    let mut app = ready_app(Lang::En);
    // Hélène (id 1) is selected first.
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(1));
    app.offset = time::UtcOffset::from_hms(2, 0, 0).expect("offset");
    update(
        &mut app,
        synced(ApplyReport {
            received: 2,
            double_ticks: vec![
                double_tick(1, "Accueil", "2026-05-16T08:05:00Z"),
                double_tick(2, "", "2026-05-16T10:42:00Z"),
            ],
            ..ApplyReport::default()
        }),
    );
    let text = &app.flash.as_ref().expect("a flash").text;
    assert_eq!(text, "Hélène Dupont — already ticked at Accueil, 10:05");
    // Without a desk name the flash still says where, in words.
    let mut app = ready_app(Lang::Fr);
    update(
        &mut app,
        synced(ApplyReport {
            received: 1,
            double_ticks: vec![double_tick(2, "", "not a time")],
            ..ApplyReport::default()
        }),
    );
    let text = &app.flash.as_ref().expect("a flash").text;
    assert_eq!(
        text,
        "Loïc Dupont — déjà enregistré·e à un autre poste, not a time"
    );
}

#[test]
fn people_edited_at_another_desk_make_the_roster_read_again() {
    let mut app = ready_app(Lang::En);
    let fx = update(
        &mut app,
        synced(ApplyReport {
            received: 1,
            attendees: 1,
            ..ApplyReport::default()
        }),
    );
    assert!(
        fx.contains(&Effect::Resync {
            attendees: 4,
            people: true
        }),
        "{fx:?}"
    );
    assert!(!app.hub.as_ref().expect("link").people, "asked for once");
}

#[test]
fn facts_from_other_desks_are_read_again_once_at_a_time() {
    let mut app = ready_app(Lang::En);
    let got = || ApplyReport {
        received: 3,
        ..ApplyReport::default()
    };
    let fx = update(&mut app, synced(got()));
    assert!(
        fx.contains(&Effect::Resync {
            attendees: 4,
            people: false
        }),
        "{fx:?}"
    );
    let link = app.hub.as_ref().expect("a sync makes the link");
    assert!(link.state.online);
    assert_eq!(link.state.last_ok, Some(datetime!(2026-05-16 10:45 UTC)));
    // More facts while the first re-read runs: one more re-read, after it.
    let fx = update(&mut app, synced(got()));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Resync { .. })));
    let presence = vec![
        (2, "sumo".to_string(), datetime!(2026-05-16 10:42 UTC)),
        (1, "accueil".to_string(), datetime!(2026-05-16 10:40 UTC)),
    ];
    let fx = update(
        &mut app,
        Action::Resynced {
            presence: presence.clone(),
            roster: None,
        },
    );
    assert!(
        fx.contains(&Effect::Resync {
            attendees: 4,
            people: false
        }),
        "{fx:?}"
    );
    // Zoé's tick (present at start) is gone: the store no longer has it.
    assert_eq!(app.roster.activities_of(4), Vec::<&str>::new());
    assert_eq!(app.roster.activities_of(2), vec!["sumo"]);
    assert_eq!(counts(&app).get("accueil"), Some(&1));
    // The selected person's history is read again (a tick from another desk may be in it).
    assert!(fx.contains(&Effect::LoadHistory(1)), "{fx:?}");
    let fx = update(
        &mut app,
        Action::Resynced {
            presence,
            roster: None,
        },
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Resync { .. })));
}

#[test]
fn people_added_at_another_desk_join_the_list_and_the_selection_stays() {
    let mut app = ready_app(Lang::En);
    update(&mut app, Action::Command(Command::Down, Instant::now()));
    let before = app.selected_attendee().map(|a| a.id);
    let mut people: Vec<_> = app.roster.attendees.clone();
    people.insert(0, super::tests::person(9, "Aaron", "Abel", "FR26-0009"));
    let index = crate::search::SearchIndex::build(&people, &mut |_, _| {});
    update(
        &mut app,
        Action::Resynced {
            presence: Vec::new(),
            roster: Some(Box::new((people, index))),
        },
    );
    assert_eq!(app.roster.total, 5);
    assert!(app.roster.by_id(9).is_some());
    assert_eq!(app.selected_attendee().map(|a| a.id), before);
}

#[test]
fn requests_are_served_at_the_first_sync_and_when_some_arrive() {
    let mut app = ready_app(Lang::En);
    let serve = Effect::Issue(IssueRequest::ServeRequests);
    let fx = update(&mut app, synced(ApplyReport::default()));
    assert!(fx.contains(&serve), "{fx:?}");
    let fx = update(&mut app, synced(ApplyReport::default()));
    assert!(!fx.contains(&serve), "{fx:?}");
    let fx = update(
        &mut app,
        synced(ApplyReport {
            received: 1,
            requests: 1,
            ..ApplyReport::default()
        }),
    );
    assert!(fx.contains(&serve), "{fx:?}");
}

#[test]
fn a_waiting_card_asks_for_its_credentials_when_some_arrive() {
    let mut app = ready_app(Lang::En);
    update(
        &mut app,
        Action::Issue(IssueMsg::DeskWaiting {
            attendee_id: 1,
            started: Instant::now(),
            items: Vec::new(),
            waiting: vec!["participation".into()],
        }),
    );
    assert!(
        app.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("asked of the issuing desk")),
        "{:?}",
        app.flash
    );
    let fx = update(
        &mut app,
        synced(ApplyReport {
            received: 1,
            credentials: 1,
            ..ApplyReport::default()
        }),
    );
    let card = Effect::Issue(IssueRequest::Card {
        attendee_id: 1,
        achievements: vec!["participation".into()],
    });
    assert!(fx.contains(&card), "{fx:?}");
}

#[test]
fn a_failed_hub_file_is_said_and_the_desk_stays_single() {
    let mut app = ready_app(Lang::Fr);
    update(
        &mut app,
        Action::Hub(HubMsg::Unusable("hub.toml: ?".into())),
    );
    assert!(app.hub.is_none());
    let flash = app.flash.as_ref().expect("a flash");
    assert_eq!(flash.kind, FlashKind::Error);
    assert!(flash.text.starts_with("Hub inutilisable"), "{}", flash.text);
}
