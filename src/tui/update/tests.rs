//! `update` tests for the desk actions: state in, action, state and effects out. No terminal,
//! no database.

use std::time::{Duration, Instant};

use time::UtcOffset;
use time::macros::datetime;

use super::*;
use crate::i18n::Lang;
use crate::model::{Attendee, Extra};
use crate::search::SearchIndex;
use crate::tui::action::Undone;
use crate::tui::app::{ActivityItem, Filter, HistoryLine, Loaded};
use crate::tui::theme::Theme;

pub fn person(id: i64, given: &str, family: &str, ticket: &str) -> Attendee {
    Attendee {
        id,
        ticket: (!ticket.is_empty()).then(|| ticket.to_string()),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        contact_email: None,
        organisation: Some("Lycée Curie".into()),
        extra: Extra::new(),
        source: None,
    }
}

pub fn ready_app(lang: Lang) -> App {
    let mut app = App::new(
        lang,
        Theme { color: true },
        UtcOffset::UTC,
        "FestiRobot".into(),
    );
    let attendees = vec![
        person(1, "Hélène", "Dupont", "FR26-0001"),
        person(2, "Loïc", "Dupont", "FR26-0002"),
        person(3, "Jean", "Œuvray", "FR26-0003"),
        person(4, "Zoé", "Martin", "FR26-0004"),
    ];
    let index = SearchIndex::build(&attendees, &mut |_, _| {});
    let loaded = Loaded {
        activities: vec![
            ActivityItem {
                key: "accueil".into(),
                name: "Accueil".into(),
            },
            ActivityItem {
                key: "sumo".into(),
                name: "Sumo".into(),
            },
        ],
        attendees,
        presence: vec![(4, "accueil".into(), datetime!(2026-05-16 08:05 UTC))],
        index,
        ..Loaded::default()
    };
    let fx = update(&mut app, Action::Loaded(Box::new(loaded)));
    assert_eq!(
        fx,
        vec![
            Effect::LoadHistory(1),
            Effect::Issue(crate::tui::issuing::IssueRequest::Watch(Some(1)))
        ],
        "the first person's history and badges are asked for"
    );
    app
}

pub fn cmd(c: Command) -> Action {
    Action::Command(c, Instant::now())
}

/// Types like a person: 200 ms between keys.
pub fn type_slowly(app: &mut App, text: &str) -> Vec<Effect> {
    let start = Instant::now();
    let mut fx = Vec::new();
    for (i, c) in text.chars().enumerate() {
        fx.extend(update(
            app,
            Action::Type(c, start + Duration::from_millis(200 * i as u64)),
        ));
    }
    fx
}

fn selected_name(app: &App) -> String {
    app.selected_attendee()
        .map(|a| a.display_name())
        .unwrap_or_default()
}

#[test]
fn loading_progress_then_loaded_then_failure() {
    let mut app = App::new(Lang::En, Theme { color: true }, UtcOffset::UTC, "E".into());
    update(&mut app, Action::LoadProgress { done: 5, total: 10 });
    assert_eq!(app.phase, Phase::Loading { done: 5, total: 10 });
    // Keys do nothing while loading.
    assert!(update(&mut app, cmd(Command::Tick)).is_empty());
    update(&mut app, Action::LoadFailed("disk gone".into()));
    assert_eq!(app.phase, Phase::Failed("disk gone".into()));
    let app = ready_app(Lang::En);
    assert_eq!(app.phase, Phase::Ready);
    assert_eq!(app.results.total, 4);
    assert_eq!(app.roster.counts.get("accueil"), Some(&1));
}

#[test]
fn typing_searches_and_selects_the_best_match() {
    let mut app = ready_app(Lang::En);
    let fx = type_slowly(&mut app, "dupont loic");
    assert_eq!(app.query, "dupont loic");
    assert_eq!(app.results.total, 1);
    assert_eq!(selected_name(&app), "Loïc Dupont");
    assert!(fx.contains(&Effect::LoadHistory(2)));
    update(&mut app, cmd(Command::Backspace));
    assert_eq!(app.query, "dupont loi");
    update(&mut app, cmd(Command::DeleteWord));
    assert_eq!(app.query, "dupont ");
    update(&mut app, cmd(Command::ClearSearch));
    assert_eq!(app.query, "");
    assert_eq!(app.results.total, 4);
}

#[test]
fn enter_ticks_only_after_the_database_says_so() {
    let mut app = ready_app(Lang::En);
    type_slowly(&mut app, "oeuvray");
    let fx = update(&mut app, cmd(Command::Tick));
    assert_eq!(
        fx.first(),
        Some(&Effect::CheckIn {
            attendee_id: 3,
            activity_key: "accueil".into(),
            scanned: false
        })
    );
    assert_eq!(app.query, "", "cleared for the next person");
    assert!(app.is_pending(3, "accueil"));
    assert_eq!(
        app.roster.since(3, "accueil"),
        None,
        "not shown as done before the commit"
    );
    let at = datetime!(2026-05-16 09:30 UTC);
    update(
        &mut app,
        Action::TickSaved {
            attendee_id: 3,
            activity_key: "accueil".into(),
            outcome: TickOutcome::Ticked { at },
            scanned: false,
        },
    );
    assert!(!app.is_pending(3, "accueil"));
    assert_eq!(app.roster.since(3, "accueil"), Some(at));
    assert_eq!(app.roster.counts.get("accueil"), Some(&2));
    let flash = app.flash.clone().expect("flash");
    assert_eq!(flash.kind, FlashKind::Ok);
    assert!(flash.text.contains("Jean Œuvray"), "{}", flash.text);
}

#[test]
fn second_tick_says_already_checked_in_and_counts_once() {
    let mut app = ready_app(Lang::En);
    let since = datetime!(2026-05-16 08:05 UTC);
    update(
        &mut app,
        Action::TickSaved {
            attendee_id: 4,
            activity_key: "accueil".into(),
            outcome: TickOutcome::AlreadyCheckedIn { since },
            scanned: false,
        },
    );
    assert_eq!(app.roster.counts.get("accueil"), Some(&1));
    let flash = app.flash.clone().expect("flash");
    assert_eq!(flash.kind, FlashKind::Info);
    assert_eq!(flash.text, "Zoé Martin is already checked in at 08:05");
}

#[test]
fn a_failed_tick_is_shown_and_not_done() {
    let mut app = ready_app(Lang::Fr);
    update(&mut app, cmd(Command::Tick));
    update(
        &mut app,
        Action::TickFailed {
            attendee_id: 1,
            activity_key: "accueil".into(),
            error: "the disk is full".into(),
        },
    );
    assert!(app.pending.is_empty());
    assert_eq!(app.roster.since(1, "accueil"), None);
    let flash = app.flash.clone().expect("flash");
    assert_eq!(flash.kind, FlashKind::Error);
    assert_eq!(
        flash.text,
        "Pointage de Hélène Dupont NON enregistré\u{202f}: the disk is full"
    );
}

#[test]
fn scanner_burst_ticks_by_ticket_and_unknown_codes_are_reported() {
    let mut app = ready_app(Lang::En);
    let t0 = Instant::now();
    let mut at = t0;
    for c in "FR26-0002".chars() {
        update(&mut app, Action::Type(c, at));
        at += Duration::from_millis(4);
    }
    let fx = update(&mut app, Action::Command(Command::Tick, at));
    assert!(fx.contains(&Effect::CheckIn {
        attendee_id: 2,
        activity_key: "accueil".into(),
        scanned: true
    }));
    assert_eq!(app.query, "");
    for c in "XX-999".chars() {
        update(&mut app, Action::Type(c, at));
        at += Duration::from_millis(4);
    }
    let fx = update(&mut app, Action::Command(Command::Tick, at));
    assert!(!fx.iter().any(|e| matches!(e, Effect::CheckIn { .. })));
    let flash = app.flash.clone().expect("flash");
    assert_eq!(flash.kind, FlashKind::Error);
    assert!(flash.text.contains("XX-999"));
    // The same characters typed by a person tick the selected row instead.
    type_slowly(&mut app, "FR26-0003");
    let fx = update(&mut app, cmd(Command::Tick));
    assert!(fx.contains(&Effect::CheckIn {
        attendee_id: 3,
        activity_key: "accueil".into(),
        scanned: false
    }));
}

#[test]
fn space_ticks_after_moving_otherwise_types() {
    let mut app = ready_app(Lang::En);
    assert!(
        update(&mut app, Action::Space(Instant::now())).is_empty(),
        "nothing on an empty line"
    );
    type_slowly(&mut app, "dupont");
    update(&mut app, Action::Space(Instant::now()));
    assert_eq!(app.query, "dupont ");
    update(&mut app, cmd(Command::Down));
    assert_eq!(selected_name(&app), "Loïc Dupont");
    let fx = update(&mut app, Action::Space(Instant::now()));
    assert!(fx.contains(&Effect::CheckIn {
        attendee_id: 2,
        activity_key: "accueil".into(),
        scanned: false
    }));
}

#[test]
fn moving_paging_and_mouse() {
    let mut app = ready_app(Lang::En);
    update(&mut app, Action::Resize(80, 24));
    update(&mut app, cmd(Command::End));
    assert_eq!(app.selected, 3);
    update(&mut app, cmd(Command::Up));
    assert_eq!(app.selected, 2);
    update(&mut app, cmd(Command::Home));
    assert_eq!(app.selected, 0);
    update(&mut app, cmd(Command::PageDown));
    assert_eq!(app.selected, 3, "clamped to the last row");
    update(&mut app, cmd(Command::PageUp));
    assert_eq!(app.selected, 0);
    update(&mut app, Action::ScrollDown);
    assert_eq!(app.selected, 3);
    update(&mut app, Action::ScrollUp);
    assert_eq!(app.selected, 0);
    // Row 3 is the table header; row 5 is the second attendee.
    let fx = update(&mut app, Action::Click { column: 5, row: 5 });
    assert_eq!(app.selected, 1);
    assert!(app.navigated);
    assert_eq!(
        fx,
        vec![
            Effect::LoadHistory(2),
            Effect::Issue(crate::tui::issuing::IssueRequest::Watch(Some(2)))
        ]
    );
    update(&mut app, Action::Click { column: 5, row: 0 });
    assert_eq!(app.selected, 1, "a click outside the list changes nothing");
}

#[test]
fn activities_switch_and_filters() {
    let mut app = ready_app(Lang::En);
    update(&mut app, cmd(Command::NextActivity));
    assert_eq!(app.activity().map(|a| a.key.as_str()), Some("sumo"));
    update(&mut app, cmd(Command::PreviousActivity));
    assert_eq!(app.current, 0);
    update(&mut app, cmd(Command::CycleFilter));
    assert_eq!(app.filter, Filter::CheckedIn);
    assert_eq!(app.results.total, 1);
    update(&mut app, cmd(Command::CycleFilter));
    assert_eq!(app.filter, Filter::NotYet);
    assert_eq!(app.results.total, 3);
    update(&mut app, cmd(Command::CycleFilter));
    assert_eq!(app.filter, Filter::All);
}

#[test]
fn undo_goes_to_the_database_and_comes_back() {
    let mut app = ready_app(Lang::En);
    let fx = update(&mut app, cmd(Command::Undo));
    assert_eq!(
        fx,
        vec![Effect::Undo {
            activity_key: Some("accueil".into())
        }]
    );
    update(
        &mut app,
        Action::Undone(Some(Undone {
            attendee_id: 4,
            activity_key: "accueil".into(),
        })),
    );
    assert_eq!(app.roster.since(4, "accueil"), None);
    assert_eq!(app.roster.counts.get("accueil"), Some(&0));
    assert_eq!(
        app.flash.as_ref().map(|f| f.text.as_str()),
        Some("Undone: Zoé Martin (Accueil)")
    );
    update(&mut app, Action::Undone(None));
    assert_eq!(
        app.flash.as_ref().map(|f| f.text.as_str()),
        Some("Nothing to undo.")
    );
    update(&mut app, Action::UndoFailed("busy".into()));
    assert_eq!(app.flash.as_ref().map(|f| f.kind), Some(FlashKind::Error));
}

#[test]
fn history_answers_for_someone_else_are_dropped() {
    let mut app = ready_app(Lang::En);
    let line = HistoryLine {
        at: datetime!(2026-05-16 08:05 UTC),
        activity_key: "accueil".into(),
        undo: false,
        actor: "desk".into(),
        desk: None,
    };
    let record = |id: i64| {
        let mut a = person(id, "Full", "Record", "T");
        a.extra.insert("Niveau".into(), "5e".into());
        Some(Box::new(a))
    };
    update(
        &mut app,
        Action::HistoryLoaded {
            attendee_id: 3,
            record: record(3),
            lines: vec![line.clone()],
        },
    );
    assert_eq!(app.history, History::Loading(1));
    assert_eq!(app.record, None);
    update(
        &mut app,
        Action::HistoryLoaded {
            attendee_id: 1,
            record: record(1),
            lines: vec![line.clone()],
        },
    );
    assert_eq!(app.history, History::Loaded(1, vec![line]));
    assert_eq!(app.record.as_ref().map(|r| r.extra.len()), Some(1));
}

#[test]
fn quit_terminate_resize_paste_help() {
    let mut app = ready_app(Lang::En);
    update(&mut app, Action::Paste("Mar\ntin".into()));
    assert_eq!(app.query, "Martin");
    update(&mut app, Action::Resize(120, 40));
    assert_eq!(app.size, (120, 40));
    update(&mut app, cmd(Command::Help));
    assert!(matches!(app.overlay, Overlay::Help));
    update(&mut app, cmd(Command::Cancel));
    assert!(matches!(app.overlay, Overlay::None));
    update(&mut app, cmd(Command::Quit));
    assert!(app.quit);
    let mut app = ready_app(Lang::En);
    update(&mut app, Action::Terminate);
    assert!(app.quit);
}

#[test]
fn without_activities_ticking_explains_why() {
    let mut app = ready_app(Lang::En);
    app.activities.clear();
    let fx = update(&mut app, cmd(Command::Tick));
    assert!(fx.is_empty());
    assert_eq!(app.flash.as_ref().map(|f| f.kind), Some(FlashKind::Error));
    update(&mut app, cmd(Command::NextActivity));
    update(&mut app, cmd(Command::PickActivity));
    assert!(matches!(app.overlay, Overlay::None));
    assert!(update(&mut app, cmd(Command::Undo)).is_empty());
}
