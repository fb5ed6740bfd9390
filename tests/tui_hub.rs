//! Screen tests of the desk at an event with several desks, on ratatui's TestBackend, in French
//! and English: the hub's state in the status bar (online, offline with rows to send,
//! connecting), which desk ticked in the detail pane, and the claim card of a desk without the
//! key while it waits for the issuing desk, then with the QR once the credential came. The hub
//! link's readings are given directly: no PostgreSQL.

use std::path::PathBuf;
use std::time::Instant;

use badgedesk::event::AwardRule;
use badgedesk::hub::{HubState, SyncReport};
use badgedesk::i18n::Lang;
use badgedesk::model::{Attendee, Extra};
use badgedesk::search::SearchIndex;
use badgedesk::store::ApplyReport;
use badgedesk::tui::action::Action;
use badgedesk::tui::app::{ActivityItem, App, HistoryLine, Loaded};
use badgedesk::tui::effect::Effect;
use badgedesk::tui::hub_link::HubMsg;
use badgedesk::tui::issuing::{AchievementItem, IssueMsg, IssueRequest, ReadyItem};
use badgedesk::tui::theme::Theme;
use badgedesk::tui::update::update;
use time::macros::datetime;
use time::{Duration, OffsetDateTime, UtcOffset};

mod tui_support;
use tui_support::{render, row, screen};

fn person(id: i64, given: &str, family: &str) -> Attendee {
    Attendee {
        id,
        ticket: Some(format!("T-{id:03}")),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        contact_email: None,
        organisation: Some("FabLab".into()),
        extra: Extra::new(),
        source: None,
    }
}

/// A desk in `lang`, two hours ahead of UTC (the times shown are local).
fn desk(lang: Lang) -> App {
    let mut app = App::new(
        lang,
        Theme { color: true },
        UtcOffset::from_hms(2, 0, 0).expect("offset"),
        "FestiRobot 2026".into(),
    );
    app.size = (80, 24);
    app.issuing.achievements = vec![AchievementItem {
        key: "participation".into(),
        name: "Participation".into(),
        rule: AwardRule::MinActivities(1),
    }];
    let people = vec![person(1, "Hélène", "Dupont"), person(2, "Loïc", "Dupont")];
    let index = SearchIndex::build(&people, &mut |_, _| {});
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded {
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
            attendees: people,
            presence: vec![(1, "accueil".into(), datetime!(2026-05-16 08:05 UTC))],
            index,
            ..Loaded::default()
        })),
    );
    app
}

fn reading(app: &mut App, state: HubState, now: OffsetDateTime) {
    update(app, Action::Hub(HubMsg::State { state, now }));
}

fn status(app: &App) -> String {
    row(&render(app, 80, 24), 23)
}

#[test]
fn a_single_desk_shows_no_hub() {
    let app = desk(Lang::En);
    assert!(!status(&app).contains("hub"), "{}", status(&app));
}

#[test]
fn online_says_how_long_ago_the_last_sync_worked() {
    let ok = datetime!(2026-05-16 08:42:10 UTC);
    for (lang, expected, later) in [
        (Lang::En, "hub ✔ 2 s ago", "hub ✔ 3 min ago"),
        (Lang::Fr, "hub ✔ il y a 2\u{a0}s", "hub ✔ il y a 3\u{a0}min"),
    ] {
        let mut app = desk(lang);
        let state = HubState {
            online: true,
            last_ok: Some(ok),
            syncs: 4,
            ..HubState::default()
        };
        reading(&mut app, state.clone(), ok + Duration::seconds(2));
        let bar = status(&app);
        assert!(bar.contains(expected), "{bar}");
        // The counts stay first; the keys come after the hub, as many as fit.
        assert!(bar.starts_with(" 1/2 "), "{bar}");
        assert!(bar.find("hub") < bar.find("F1"), "{bar}");
        // Each reading moves "ago" on, so it stays true.
        reading(&mut app, state, ok + Duration::seconds(200));
        let bar = status(&app);
        assert!(bar.contains(later), "{bar}");
    }
}

#[test]
fn offline_says_since_when_and_how_many_rows_wait() {
    for (lang, expected) in [
        (Lang::En, "hub offline since 10:42 · 12 to send"),
        (
            Lang::Fr,
            "hub hors ligne depuis 10\u{a0}h\u{a0}42 · 12 à envoyer",
        ),
    ] {
        let mut app = desk(lang);
        let since = datetime!(2026-05-16 08:42:30 UTC);
        let state = HubState {
            online: false,
            last_ok: Some(since - Duration::seconds(5)),
            offline_since: Some(since),
            unsent: 12,
            last_error: Some("connection refused".into()),
            syncs: 9,
            ..HubState::default()
        };
        reading(&mut app, state, since + Duration::seconds(30));
        let buf = render(&app, 80, 24);
        let bar = row(&buf, 23);
        assert!(bar.contains(expected), "{bar}");
        // Offline is the desk's red, to be seen from across the table.
        let x = bar
            .find("hub")
            .map(|b| bar[..b].chars().count())
            .unwrap_or(0) as u16;
        assert_eq!(buf[(x, 23)].bg, ratatui::style::Color::Red, "{bar}");
    }
}

#[test]
fn connecting_before_the_first_sync_then_online_at_once_when_it_works() {
    for (lang, expected) in [
        (Lang::En, "hub: connecting…"),
        (Lang::Fr, "hub\u{202f}: connexion…"),
    ] {
        let mut app = desk(lang);
        let now = datetime!(2026-05-16 08:00 UTC);
        reading(&mut app, HubState::default(), now);
        let bar = status(&app);
        assert!(bar.contains(expected), "{bar}");
        update(
            &mut app,
            Action::Hub(HubMsg::Synced {
                at: now,
                report: Box::new(SyncReport::default()),
            }),
        );
        let bar = status(&app);
        assert!(bar.contains("hub ✔"), "{bar}");
    }
}

#[test]
fn a_desk_clock_off_by_minutes_is_flagged() {
    let mut app = desk(Lang::En);
    let ok = datetime!(2026-05-16 08:42 UTC);
    let state = HubState {
        online: true,
        last_ok: Some(ok),
        skew_ms: Some(-185_000),
        syncs: 1,
        ..HubState::default()
    };
    reading(&mut app, state, ok);
    let bar = status(&app);
    assert!(
        bar.contains("hub ✔ 0 s ago · ⚠ clock off by 4 min"),
        "{bar}"
    );
}

fn history(app: &mut App) {
    let line = |at, key: &str, undo, desk: Option<&str>| HistoryLine {
        at,
        activity_key: key.into(),
        undo,
        actor: "desk:ana".into(),
        desk: desk.map(str::to_string),
    };
    update(
        app,
        Action::HistoryLoaded {
            attendee_id: 1,
            record: None,
            lines: vec![
                line(
                    datetime!(2026-05-16 08:05 UTC),
                    "accueil",
                    false,
                    Some("Accueil"),
                ),
                line(
                    datetime!(2026-05-16 08:42 UTC),
                    "sumo",
                    false,
                    Some("Atelier B"),
                ),
                line(
                    datetime!(2026-05-16 08:43 UTC),
                    "sumo",
                    true,
                    Some("Atelier B"),
                ),
            ],
        },
    );
}

#[test]
fn the_detail_pane_says_which_desk_ticked() {
    for (lang, tick, undo) in [
        (
            Lang::En,
            "10:05 ✔ Accueil (desk:ana, desk Accueil)",
            "10:43 ↶ Sumo undone (desk:ana, desk Atelier B)",
        ),
        (
            Lang::Fr,
            "10:05 ✔ Accueil (desk:ana, poste Accueil)",
            "10:43 ↶ Sumo annulé (desk:ana, poste Atelier B)",
        ),
    ] {
        let mut app = desk(lang);
        history(&mut app);
        // A single desk: the desk names are not shown (there is only one).
        let text = screen(&render(&app, 160, 30));
        assert!(text.contains("10:05 ✔ Accueil (desk:ana)"), "{text}");
        reading(
            &mut app,
            HubState::default(),
            datetime!(2026-05-16 09:00 UTC),
        );
        let text = screen(&render(&app, 160, 30));
        assert!(text.contains(tick), "{text}");
        assert!(text.contains(undo), "{text}");
    }
}

#[test]
fn a_keyless_desk_waits_for_the_issuing_desk_then_shows_the_qr() {
    for (lang, waiting, flash, scan) in [
        (
            Lang::En,
            "Waiting for the issuing desk…",
            "came from the issuing desk",
            "Scan with a phone camera",
        ),
        (
            Lang::Fr,
            "En attente du poste qui signe…",
            "est arrivé du poste qui signe",
            "Scannez avec l’appareil photo",
        ),
    ] {
        let mut app = desk(lang);
        update(
            &mut app,
            Action::Issue(IssueMsg::DeskWaiting {
                attendee_id: 1,
                started: Instant::now(),
                items: Vec::new(),
                waiting: vec!["participation".into()],
            }),
        );
        let text = screen(&render(&app, 80, 24));
        assert!(text.contains(waiting), "{text}");
        assert!(text.contains("Participation"), "{text}");
        assert!(text.contains("Hélène Dupont"), "{text}");
        // The credential comes through the hub: the card asks for it, then shows its QR.
        let fx = update(
            &mut app,
            Action::Hub(HubMsg::Synced {
                at: datetime!(2026-05-16 08:50 UTC),
                report: Box::new(SyncReport {
                    received: ApplyReport {
                        received: 1,
                        credentials: 1,
                        ..ApplyReport::default()
                    },
                    ..SyncReport::default()
                }),
            }),
        );
        let asked = Effect::Issue(IssueRequest::Card {
            attendee_id: 1,
            achievements: vec!["participation".into()],
        });
        assert!(fx.contains(&asked), "{fx:?}");
        let url = "https://badges.example.org/c/tok123/".to_string();
        update(
            &mut app,
            Action::Issue(IssueMsg::Card {
                attendee_id: 1,
                items: vec![ReadyItem {
                    credential_id: "urn:uuid:1".into(),
                    achievement_name: "Participation".into(),
                    qr: badgedesk::qr::encode(&url).ok(),
                    claim_url: Some(url.clone()),
                    file: PathBuf::from("issued/1.png"),
                    already: false,
                }],
                waiting: Vec::new(),
            }),
        );
        let buf = render(&app, 100, 40);
        let text = screen(&buf);
        assert!(!text.contains(waiting), "{text}");
        assert!(text.contains(scan), "{text}");
        assert!(text.contains(&url), "{text}");
        assert!(text.contains('█'), "the QR is drawn: {text}");
        let said = app
            .flash
            .as_ref()
            .map(|f| f.text.clone())
            .unwrap_or_default();
        assert!(said.contains(flash), "{said}");
    }
}
