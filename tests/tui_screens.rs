//! Screen tests on ratatui's TestBackend: what the desk shows at 80×24 (text and the style of
//! the cells that carry meaning), in French and English, with hostile names, and at tiny and
//! huge sizes without panicking.

use std::time::{Duration, Instant};

use badgedesk::i18n::Lang;
use badgedesk::model::{Attendee, Extra};
use badgedesk::search::SearchIndex;
use badgedesk::tui::action::{Action, Command};
use badgedesk::tui::app::{ActivityItem, App, Loaded, Phase};
use badgedesk::tui::import::ImportMsg;
use badgedesk::tui::theme::Theme;
use badgedesk::tui::update::update;
use ratatui::style::{Color, Modifier};
use time::UtcOffset;
use time::macros::datetime;

mod tui_support;
use tui_support::{render, row, screen};

fn person(id: i64, given: &str, family: &str, org: &str) -> Attendee {
    Attendee {
        id,
        ticket: Some(format!("T-{id:03}")),
        given_name: given.into(),
        family_name: family.into(),
        email: Some(format!("p{id}@example.org")),
        contact_email: None,
        organisation: Some(org.into()),
        extra: Extra::new(),
        source: None,
    }
}

fn app_with(lang: Lang, color: bool, people: Vec<Attendee>) -> App {
    let mut app = App::new(
        lang,
        Theme { color },
        UtcOffset::UTC,
        "FestiRobot 2026".into(),
    );
    app.size = (80, 24);
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
            presence: vec![(2, "accueil".into(), datetime!(2026-05-16 08:05 UTC))],
            index,
            ..Loaded::default()
        })),
    );
    app
}

fn roster() -> Vec<Attendee> {
    vec![
        person(1, "Hélène", "Dupont", "Lycée Curie"),
        person(2, "Loïc", "Dupont", "Collège Jaurès"),
        person(3, "Jean", "Œuvray", "FabLab"),
    ]
}

fn type_slowly(app: &mut App, text: &str) {
    let t0 = Instant::now();
    for (i, c) in text.chars().enumerate() {
        update(
            app,
            Action::Type(c, t0 + Duration::from_millis(200 * i as u64)),
        );
    }
}

#[test]
fn english_desk_at_80x24() {
    let app = app_with(Lang::En, true, roster());
    let buf = render(&app, 80, 24);
    let text = screen(&buf);
    assert!(
        row(&buf, 0).starts_with(" badgedesk · FestiRobot 2026"),
        "{text}"
    );
    assert!(
        row(&buf, 0).contains("Activity: Accueil · Show: all"),
        "{text}"
    );
    assert!(row(&buf, 1).starts_with("Search › ▏name, e-mail"), "{text}");
    assert!(row(&buf, 3).starts_with("  Name"), "{text}");
    assert!(row(&buf, 4).starts_with("  Hélène Dupont"), "{text}");
    assert!(row(&buf, 5).starts_with("✔ Loïc Dupont"), "{text}");
    assert!(
        row(&buf, 23).starts_with(" 1/3 here · 1/3 present"),
        "{text}"
    );
    assert!(row(&buf, 23).contains("Enter tick"), "{text}");
    // The detail pane shows the selected person's fields and the badges section.
    assert!(text.contains("Given name: Hélène"), "{text}");
    assert!(text.contains("Ticket: T-001"), "{text}");
    assert!(text.contains("Badges"), "{text}");
    // The selected row is reverse video across the list; the others are not.
    assert!(buf[(2, 4)].modifier.contains(Modifier::REVERSED));
    assert!(buf[(40, 4)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(2, 6)].modifier.contains(Modifier::REVERSED));
    // Checked-in rows are green.
    assert_eq!(buf[(2, 5)].fg, Color::Green);
}

#[test]
fn detail_pane_shows_extra_fields_and_source_once_the_record_is_read() {
    let mut app = app_with(Lang::En, true, roster());
    // The roster holds no extra fields: nothing to show, and no wrong "walk-in" either.
    let text = screen(&render(&app, 80, 24));
    assert!(
        !text.contains("Level") && !text.contains("walk-in"),
        "{text}"
    );
    let mut record = person(1, "Hélène", "Dupont", "Lycée Curie");
    record.extra.insert("Level".into(), "5e".into());
    record.source = Some(badgedesk::model::SourceRef {
        file: "inscrits.csv".into(),
        line: 7,
    });
    update(
        &mut app,
        Action::HistoryLoaded {
            attendee_id: 1,
            record: Some(Box::new(record)),
            lines: vec![],
        },
    );
    let text = screen(&render(&app, 80, 24));
    assert!(text.contains("Level: 5e"), "{text}");
    assert!(text.contains("inscrits.csv:7"), "{text}");
}

#[test]
fn french_desk_uses_french_typography() {
    let mut app = app_with(Lang::Fr, true, roster());
    type_slowly(&mut app, "dupont");
    let buf = render(&app, 80, 24);
    let text = screen(&buf);
    assert!(
        row(&buf, 0).contains("Activité\u{202f}: Accueil · Afficher\u{202f}: tous"),
        "{text}"
    );
    assert!(row(&buf, 1).starts_with("Recherche › dupont▏"), "{text}");
    assert!(row(&buf, 1).trim_end().ends_with("2 personnes"), "{text}");
    assert!(text.contains("Prénom\u{202f}: Hélène"), "{text}");
    assert!(
        row(&buf, 23).starts_with(" 1/3 ici · 1/3 présents"),
        "{text}"
    );
    assert!(row(&buf, 23).contains("Entrée pointer"), "{text}");
}

#[test]
fn errors_are_shown_in_the_error_style() {
    for color in [true, false] {
        let mut app = app_with(Lang::En, color, roster());
        update(&mut app, Action::Command(Command::Tick, Instant::now()));
        update(
            &mut app,
            Action::TickFailed {
                attendee_id: 1,
                activity_key: "accueil".into(),
                error: "the disk is full: nothing was saved".into(),
            },
        );
        let buf = render(&app, 80, 24);
        assert!(
            row(&buf, 2).starts_with("Hélène Dupont NOT checked in: the disk is full"),
            "{}",
            screen(&buf)
        );
        assert!(
            row(&buf, 4).starts_with("  Hélène Dupont"),
            "not ticked on screen"
        );
        let cell = &buf[(0, 2)];
        if color {
            assert_eq!(cell.bg, Color::Red);
            assert!(cell.modifier.contains(Modifier::BOLD));
        } else {
            // NO_COLOR: no colour at all, the error still stands out.
            assert_eq!(cell.bg, Color::Reset);
            assert_eq!(cell.fg, Color::Reset);
            assert!(
                cell.modifier
                    .contains(Modifier::BOLD | Modifier::UNDERLINED)
            );
            assert!(buf[(2, 4)].modifier.contains(Modifier::REVERSED));
            for y in 0..24 {
                for x in 0..80 {
                    assert_eq!(buf[(x, y)].fg, Color::Reset, "colour at {x},{y}");
                }
            }
        }
    }
}

#[test]
fn already_checked_in_shows_the_time() {
    let mut app = app_with(Lang::Fr, true, roster());
    update(
        &mut app,
        Action::TickSaved {
            attendee_id: 2,
            activity_key: "accueil".into(),
            outcome: badgedesk::tui::action::TickOutcome::AlreadyCheckedIn {
                since: datetime!(2026-05-16 08:05 UTC),
            },
            scanned: false,
        },
    );
    let buf = render(&app, 80, 24);
    assert!(
        row(&buf, 2).starts_with("Pointage de Loïc Dupont déjà fait à 08:05"),
        "{}",
        screen(&buf)
    );
}

#[test]
fn control_characters_are_escaped_and_names_truncated_by_width() {
    let people = vec![
        person(1, "Bob\u{1b}[31m", "Evil\u{7}", "Org\r\nX"),
        person(2, "Élodie Ñúñez 🎉 de la", "Fontaine-Saint-Martin", "Lycée"),
    ];
    let mut app = app_with(Lang::En, true, people);
    app.size = (50, 10);
    let buf = render(&app, 50, 10);
    let text = screen(&buf);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'));
    assert!(text.contains("Bob\\u{1b}[31m Evil\\…"), "{text}");
    // Width 50: no detail pane; the name column is 20 columns wide.
    let elodie = (0..10)
        .map(|y| row(&buf, y))
        .find(|r| r.contains("Élodie"))
        .unwrap_or_default();
    assert!(
        elodie.starts_with("✔ Élodie Ñúñez 🎉 de…  Lycée"),
        "{elodie:?}"
    );
}

#[test]
fn overlays_render() {
    let mut app = app_with(Lang::En, true, roster());
    update(&mut app, Action::Command(Command::Help, Instant::now()));
    let text = screen(&render(&app, 80, 24));
    assert!(text.contains("Keys"), "{text}");
    assert!(text.contains("Enter Space"), "{text}");
    assert!(text.contains("Ctrl-Z F8"), "{text}");
    update(&mut app, Action::Command(Command::Cancel, Instant::now()));
    update(
        &mut app,
        Action::Command(Command::PickActivity, Instant::now()),
    );
    let text = screen(&render(&app, 80, 24));
    assert!(
        text.contains("Current activity") && text.contains("Sumo  0/3"),
        "{text}"
    );
    update(&mut app, Action::Command(Command::Cancel, Instant::now()));
    update(&mut app, Action::Command(Command::WalkIn, Instant::now()));
    update(&mut app, Action::Command(Command::Submit, Instant::now()));
    let buf = render(&app, 80, 24);
    let text = screen(&buf);
    assert!(
        text.contains("Walk-in") && text.contains("Family name"),
        "{text}"
    );
    let y = (0..24).find(|&y| row(&buf, y).contains("A given name or a family name is needed."));
    let y = y.expect("error line");
    let x = row(&buf, y)
        .find("A given")
        .map(|i| row(&buf, y)[..i].chars().count() as u16)
        .unwrap_or(0);
    assert_eq!(buf[(x, y)].bg, Color::Red);
}

#[test]
fn no_panic_at_any_size_on_any_screen() {
    let sizes = [(1, 1), (2, 2), (20, 5), (40, 10), (80, 24), (300, 80)];
    let mut apps: Vec<App> = Vec::new();
    let mut loading = App::new(Lang::Fr, Theme { color: true }, UtcOffset::UTC, "É".into());
    update(&mut loading, Action::LoadProgress { done: 3, total: 7 });
    apps.push(loading);
    let mut failed = App::new(Lang::En, Theme { color: false }, UtcOffset::UTC, "E".into());
    update(
        &mut failed,
        Action::LoadFailed("cannot open 'event.db'".into()),
    );
    assert_eq!(failed.phase, Phase::Failed("cannot open 'event.db'".into()));
    apps.push(failed);
    for command in [
        None,
        Some(Command::Help),
        Some(Command::PickActivity),
        Some(Command::WalkIn),
        Some(Command::Import),
    ] {
        for lang in [Lang::Fr, Lang::En] {
            let mut app = app_with(lang, true, roster());
            type_slowly(&mut app, "du");
            if let Some(c) = command {
                update(&mut app, Action::Command(c, Instant::now()));
            }
            if command == Some(Command::Import) {
                update(
                    &mut app,
                    Action::Import(ImportMsg::Files(vec!["inscrits.csv".into()])),
                );
            }
            apps.push(app);
        }
    }
    for mut app in apps {
        for (w, h) in sizes {
            update(&mut app, Action::Resize(w, h));
            update(&mut app, Action::Command(Command::Down, Instant::now()));
            update(
                &mut app,
                Action::Click {
                    column: w / 2,
                    row: h / 2,
                },
            );
            let buf = render(&app, w, h);
            assert_eq!(buf.area.width, w);
        }
    }
}

#[test]
fn import_preview_names_fields_in_the_interface_language() {
    let csv = "Billet;Prénom;Nom;Courriel;Classe\nFR26-0009;Ana;López;ana@exemple.fr;2nde\n";
    for (lang, words, not) in [
        (
            Lang::Fr,
            ["Billet", "Prénom", "Nom", "E-mail", "(ignorée)"],
            "given_name",
        ),
        (
            Lang::En,
            ["Ticket", "Given name", "Family name", "E-mail", "(ignored)"],
            "given_name",
        ),
    ] {
        let mut app = app_with(lang, true, roster());
        update(&mut app, Action::Command(Command::Import, Instant::now()));
        let parsed =
            badgedesk::import::read(csv.as_bytes(), "in.csv", &Default::default()).unwrap();
        let mut columns = vec![None; parsed.headers.len()];
        for f in &parsed.mapping.fields {
            columns[f.column] = Some(f.field);
        }
        let headers = parsed.headers.clone();
        let plan = badgedesk::import::plan(parsed, &app.roster.attendees);
        let preview = badgedesk::tui::import::Preview {
            path: "/ev/in.csv".into(),
            encoding: "UTF-8".into(),
            delimiter: b';',
            headers,
            columns,
            plan,
        };
        update(
            &mut app,
            Action::Import(ImportMsg::Preview(Box::new(preview))),
        );
        let text = screen(&render(&app, 100, 30));
        for (header, word) in ["Billet", "Prénom", "Nom", "Courriel", "Classe"]
            .into_iter()
            .zip(words)
        {
            assert!(
                text.contains(&format!("{header} → {word}")),
                "{header} → {word}\n{text}"
            );
        }
        assert!(
            !text.contains(not) && !text.contains("family_name"),
            "{text}"
        );
    }
}
