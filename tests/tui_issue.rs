//! Screen tests of the badge parts of the desk on ratatui's TestBackend, in French and English at
//! 80×24: the detail pane's badges, the claim card (its QR read back from the drawn cells and
//! decoded with rqrr to the exact claim URL), the issue screen's preview, progress and summary,
//! the prompts; and every badge overlay at tiny and huge sizes without panicking.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use badgedesk::event::AwardRule;
use badgedesk::i18n::Lang;
use badgedesk::model::{Attendee, Extra};
use badgedesk::qr::{self, QrMatrix};
use badgedesk::search::SearchIndex;
use badgedesk::tui::action::{Action, Command};
use badgedesk::tui::app::{ActivityItem, App, Loaded};
use badgedesk::tui::issuing::{AchievementItem, BadgeLine, IssueMsg, PlanRow, ReadyItem, Summary};
use badgedesk::tui::theme::Theme;
use badgedesk::tui::update::update;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use time::UtcOffset;
use time::macros::datetime;

mod tui_support;
use tui_support::{render, row, screen};

/// As long as the demo event's claim URLs (88 bytes: a version 6 QR code).
const URL: &str =
    "https://badges.robots-normandie.example.org/festirobot-2026/c/k3v9q2m7x4t8w1z5r6y0p2n8ba/";

fn person(id: i64, given: &str, family: &str) -> Attendee {
    Attendee {
        id,
        ticket: Some(format!("T-{id:03}")),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        contact_email: None,
        organisation: Some("Lycée Curie".into()),
        extra: Extra::new(),
        source: None,
    }
}

fn app(lang: Lang, color: bool) -> App {
    let mut app = App::new(
        lang,
        Theme { color },
        UtcOffset::UTC,
        "FestiRobot 2026".into(),
    );
    app.size = (80, 24);
    let people = vec![person(1, "Hélène", "Dupont"), person(2, "Loïc", "Dupont")];
    let index = SearchIndex::build(&people, &mut |_, _| {});
    app.issuing.achievements = vec![
        AchievementItem {
            key: "participation".into(),
            name: "Participant·e FestiRobot 2026".into(),
            rule: AwardRule::MinActivities(1),
        },
        AchievementItem {
            key: "sumo".into(),
            name: "Pilote de robot sumo".into(),
            rule: AwardRule::AllOf(vec!["sumo".into()]),
        },
        AchievementItem {
            key: "helper".into(),
            name: "Bénévole".into(),
            rule: AwardRule::Manual,
        },
    ];
    app.issuing.claim_base =
        Some("https://badges.robots-normandie.example.org/festirobot-2026".into());
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded {
            activities: vec![ActivityItem {
                key: "accueil".into(),
                name: "Accueil".into(),
            }],
            attendees: people,
            presence: vec![(1, "accueil".into(), datetime!(2026-05-16 08:05 UTC))],
            index,
            ..Loaded::default()
        })),
    );
    app
}

/// The text outside the QR, without line breaks or spaces (wrapped URLs read back whole).
fn flat(buf: &Buffer) -> String {
    let paper = Color::Indexed(qr::PAPER_ANSI256);
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].bg != paper {
                s.push_str(buf[(x, y)].symbol());
            }
        }
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn cmd(c: Command) -> Action {
    Action::Command(c, Instant::now())
}

fn badges(app: &mut App) {
    update(
        app,
        Action::Issue(IssueMsg::Badges {
            attendee_id: 1,
            lines: vec![
                BadgeLine {
                    id: "urn:uuid:1".into(),
                    achievement_key: "participation".into(),
                    issued_at: datetime!(2026-05-16 10:42 UTC),
                    claimed_at: Some(datetime!(2026-05-16 10:45 UTC)),
                    revoked_at: None,
                    revoked_reason: None,
                },
                BadgeLine {
                    id: "urn:uuid:2".into(),
                    achievement_key: "sumo".into(),
                    issued_at: datetime!(2026-05-16 10:42 UTC),
                    claimed_at: None,
                    revoked_at: Some(datetime!(2026-05-16 11:02 UTC)),
                    revoked_reason: Some("wrong person".into()),
                },
                BadgeLine {
                    id: "urn:uuid:3".into(),
                    achievement_key: "helper".into(),
                    issued_at: datetime!(2026-05-16 11:05 UTC),
                    claimed_at: None,
                    revoked_at: None,
                    revoked_reason: None,
                },
            ],
        }),
    );
}

#[test]
fn detail_pane_lists_badges_with_claimed_and_revoked_state() {
    let mut en = app(Lang::En, true);
    badges(&mut en);
    let buf = render(&en, 80, 24);
    let text = screen(&buf);
    assert!(text.contains("Badges"), "{text}");
    assert!(text.contains("✔ Participant·e FestiRobot"), "{text}");
    assert!(text.contains("issued 10:42 · claimed 10:45"), "{text}");
    assert!(text.contains("✗ Pilote de robot sumo"), "{text}");
    assert!(text.contains("  revoked 11:02: wrong person"), "{text}");
    assert!(text.contains("  issued 11:05 · not claimed"), "{text}");
    // Claimed is green; revoked is dim.
    let (y, x) = find(&buf, "issued 10:42 · claimed").expect("claimed line");
    assert_eq!(buf[(x, y)].fg, Color::Green);
    let (y, x) = find(&buf, "revoked 11:02").expect("revoked line");
    assert_eq!(buf[(x, y)].fg, Color::DarkGray);

    let mut fr = app(Lang::Fr, true);
    badges(&mut fr);
    let text = screen(&render(&fr, 80, 24));
    assert!(text.contains("émis 10:42 · récupéré 10:45"), "{text}");
    assert!(
        text.contains("révoqué 11:02\u{202f}: wrong person"),
        "{text}"
    );
    assert!(text.contains("émis 11:05 · non récupéré"), "{text}");
}

/// (row, column) of the first cell of `needle`, when all of it is on one row.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let r = row(buf, y);
        r.find(needle).map(|i| (y, r[..i].chars().count() as u16))
    })
}

fn ready(app: &mut App, claim_url: Option<&str>) {
    update(app, cmd(Command::IssueEarned));
    update(
        app,
        Action::Issue(IssueMsg::DeskIssued {
            attendee_id: 1,
            started: Instant::now(),
            items: vec![ReadyItem {
                credential_id: "urn:uuid:1".into(),
                achievement_name: "Participant·e FestiRobot 2026".into(),
                claim_url: claim_url.map(str::to_string),
                qr: claim_url.map(|u| qr::encode(u).expect("qr")),
                file: PathBuf::from("/ev/issued/1.png"),
                already: false,
            }],
        }),
    );
}

/// Reads the QR back from the cells drawn in paper colour, and decodes it with rqrr.
fn decode_screen_qr(buf: &Buffer) -> Vec<String> {
    let paper = Color::Indexed(qr::PAPER_ANSI256);
    let ink = Color::Indexed(qr::INK_ANSI256);
    let lines: Vec<String> = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .filter(|&x| buf[(x, y)].bg == paper)
                .map(|x| {
                    assert_eq!(buf[(x, y)].fg, ink, "ink colour at {x},{y}");
                    buf[(x, y)].symbol().chars().next().unwrap_or(' ')
                })
                .collect::<String>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let m = QrMatrix::from_half_blocks(&lines);
    let scale = 4;
    let side = m.width() * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        if m.is_dark(x / scale, y / scale) {
            0
        } else {
            255
        }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[test]
fn claim_card_qr_decodes_to_the_claim_url_at_80x24() {
    for (lang, title, scan) in [
        (Lang::En, "Claim your badge", "Scan with a phone camera"),
        (Lang::Fr, "Récupérez votre badge", "Scannez avec"),
    ] {
        for color in [true, false] {
            let mut a = app(lang, color);
            ready(&mut a, Some(URL));
            let buf = render(&a, 80, 24);
            let text = screen(&buf);
            assert_eq!(decode_screen_qr(&buf), vec![URL.to_string()], "{text}");
            assert!(text.contains(title), "{text}");
            assert!(text.contains(scan), "{text}");
            assert!(flat(&buf).contains(URL), "the link is written too: {text}");
            assert!(text.contains("Hélène Dupont"), "{text}");
        }
    }
}

#[test]
fn claim_card_on_a_big_terminal_keeps_the_full_quiet_zone() {
    let mut a = app(Lang::En, true);
    ready(&mut a, Some(URL));
    let buf = render(&a, 300, 80);
    assert_eq!(decode_screen_qr(&buf), vec![URL.to_string()]);
    let paper = Color::Indexed(qr::PAPER_ANSI256);
    let width = (0..300).filter(|&x| buf[(x, 40)].bg == paper).count();
    let m = qr::encode(URL).expect("qr");
    assert_eq!(width, m.width(), "4-module quiet zone kept");
}

#[test]
fn claim_card_too_small_shows_the_link_and_no_base_url_shows_the_file() {
    let mut a = app(Lang::En, true);
    ready(&mut a, Some(URL));
    let buf = render(&a, 60, 20);
    let text = screen(&buf);
    assert!(decode_screen_qr(&buf).is_empty());
    assert!(text.contains("too small for the QR code"), "{text}");
    assert!(flat(&buf).contains(URL), "{text}");

    let mut a = app(Lang::Fr, true);
    ready(&mut a, None);
    let buf = render(&a, 80, 24);
    let text = screen(&buf);
    assert!(text.contains("Pas de QR code"), "{text}");
    assert!(flat(&buf).contains("[claim]base_url"), "{text}");
    assert!(flat(&buf).contains("/ev/issued/1.png"), "{text}");
}

fn plan_rows() -> Vec<PlanRow> {
    vec![
        PlanRow {
            key: "participation".into(),
            name: "Participant·e FestiRobot 2026".into(),
            to_issue: (1..=152).collect(),
            already: 10,
            blocked: vec![
                ("Zoé Martin".into(), "no recipient identity".into()),
                ("Jean Œuvray".into(), "no recipient identity".into()),
            ],
        },
        PlanRow {
            key: "sumo".into(),
            name: "Pilote de robot sumo".into(),
            to_issue: (1..=28).collect(),
            already: 0,
            blocked: vec![],
        },
    ]
}

#[test]
fn issue_screen_preview_progress_and_summary_in_both_languages() {
    for lang in [Lang::En, Lang::Fr] {
        let fr = lang == Lang::Fr;
        let mut a = app(lang, true);
        update(&mut a, cmd(Command::IssueScreen));
        let text = screen(&render(&a, 80, 24));
        assert!(
            text.contains(if fr { "Calcul de qui" } else { "Checking who" }),
            "{text}"
        );
        update(&mut a, Action::Issue(IssueMsg::Plan(plan_rows())));
        let buf = render(&a, 80, 24);
        let text = screen(&buf);
        let header = if fr { "à émettre" } else { "to issue" };
        assert!(text.contains(header), "{text}");
        let line = text
            .lines()
            .find(|l| l.contains("Participant·e"))
            .expect("row");
        let numbers: Vec<&str> = line
            .trim_matches('│')
            .split_whitespace()
            .rev()
            .take(3)
            .collect();
        assert_eq!(numbers, vec!["2", "10", "152"], "{line}");
        assert!(
            text.contains("Zoé Martin — no recipient identity"),
            "{text}"
        );
        let confirm = if fr {
            "Entrée émet 180 badges maintenant"
        } else {
            "Enter issues 180 badges now"
        };
        assert!(text.contains(confirm), "{text}");

        let t0 = Instant::now();
        update(&mut a, Action::Command(Command::Submit, t0));
        update(
            &mut a,
            Action::Issue(IssueMsg::Progress {
                done: 90,
                total: 180,
                at: t0 + Duration::from_secs(3),
            }),
        );
        let buf = render(&a, 80, 24);
        let text = screen(&buf);
        let progress = if fr {
            "Émission\u{202f}: 90 / 180"
        } else {
            "Issuing: 90 / 180"
        };
        assert!(text.contains(progress), "{text}");
        let rate = if fr {
            "30 par seconde · encore 3 s environ"
        } else {
            "30 per second · about 3 s left"
        };
        assert!(text.contains(rate), "{text}");
        // The gauge is half full.
        assert!(text.contains("50%"), "{text}");

        update(
            &mut a,
            Action::Issue(IssueMsg::BulkDone(Summary {
                issued: (0..180).map(|i| format!("c{i}")).collect(),
                skipped: 1,
                blocked: 2,
                cancelled: false,
                elapsed: Duration::from_millis(6200),
                error: None,
            })),
        );
        let text = screen(&render(&a, 80, 24));
        let done = if fr {
            "Terminé\u{202f}: 180 badges émis en 6 s."
        } else {
            "Done: 180 badges issued in 6 s."
        };
        assert!(text.contains(done), "{text}");
        let offer = if fr {
            "P imprime les 180 cartes"
        } else {
            "P prints the 180 claim cards"
        };
        assert!(text.contains(offer), "{text}");
        let blocked = if fr {
            "2 personnes bloquées"
        } else {
            "2 people were blocked"
        };
        assert!(text.contains(blocked), "{text}");
    }
}

#[test]
fn prompts_render_and_help_lists_the_badge_keys() {
    let mut a = app(Lang::En, true);
    badges(&mut a);
    update(&mut a, cmd(Command::IssuePick));
    let text = screen(&render(&a, 80, 24));
    assert!(text.contains("Issue a badge to Hélène Dupont"), "{text}");
    assert!(text.contains("issued 10:42"), "held ones say so: {text}");
    assert!(text.contains("by hand"), "{text}");
    update(&mut a, cmd(Command::Cancel));
    update(&mut a, cmd(Command::Revoke));
    for c in "typo".chars() {
        update(&mut a, Action::Type(c, Instant::now()));
    }
    let text = screen(&render(&a, 80, 24));
    assert!(text.contains("Revoke a badge of Hélène Dupont"), "{text}");
    assert!(text.contains("Reason › typo"), "{text}");
    update(&mut a, cmd(Command::Cancel));
    update(&mut a, cmd(Command::Help));
    let text = screen(&render(&a, 80, 24));
    for key in ["F6", "F7", "F9", "Ctrl-P", "Ctrl-R"] {
        assert!(text.contains(key), "{key}: {text}");
    }
}

#[test]
fn badge_overlays_survive_any_size() {
    let mut states: Vec<App> = Vec::new();
    for lang in [Lang::En, Lang::Fr] {
        let mut a = app(lang, true);
        badges(&mut a);
        states.push(a);
        let mut a = app(lang, false);
        ready(&mut a, Some(URL));
        states.push(a);
        let mut a = app(lang, true);
        ready(&mut a, None);
        states.push(a);
        let mut a = app(lang, true);
        update(&mut a, cmd(Command::IssueScreen));
        update(&mut a, Action::Issue(IssueMsg::Plan(plan_rows())));
        states.push(a);
        let mut a = app(lang, true);
        update(&mut a, cmd(Command::IssueScreen));
        update(&mut a, Action::Issue(IssueMsg::Plan(plan_rows())));
        update(&mut a, cmd(Command::Submit));
        states.push(a);
        let mut a = app(lang, true);
        update(&mut a, cmd(Command::IssuePick));
        states.push(a);
        let mut a = app(lang, true);
        badges(&mut a);
        update(&mut a, cmd(Command::Revoke));
        states.push(a);
    }
    for a in &states {
        for (w, h) in [(1, 1), (20, 5), (300, 80), (80, 24), (2, 30), (120, 3)] {
            render(a, w, h);
        }
    }
}
