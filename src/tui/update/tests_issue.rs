//! `update` tests for the badge actions: desk issue, the claim card, choosing a badge, printing,
//! revoking, the issue screen, and the worker's reports. No terminal, no database.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use time::macros::datetime;

use super::tests::ready_app;
use super::*;
use crate::event::AwardRule;
use crate::i18n::Lang;
use crate::tui::issuing::{
    AchievementItem, BadgeLine, Badges, IssueMsg, IssueOverlay, IssueRequest, PlanRow, PrintState,
    ReadyItem, ScreenStage, Summary,
};

fn achievements() -> Vec<AchievementItem> {
    vec![
        AchievementItem {
            key: "participation".into(),
            name: "Participation".into(),
            rule: AwardRule::MinActivities(1),
        },
        AchievementItem {
            key: "sumo".into(),
            name: "Sumo pilot".into(),
            rule: AwardRule::AllOf(vec!["sumo".into()]),
        },
        AchievementItem {
            key: "hand".into(),
            name: "Helper".into(),
            rule: AwardRule::Manual,
        },
    ]
}

/// The desk with badges configured and Zoé (present at accueil, id 4) selected.
fn desk(base: Option<&str>) -> App {
    let mut app = ready_app(Lang::En);
    app.issuing.achievements = achievements();
    app.issuing.claim_base = base.map(str::to_string);
    let _ = select(&mut app, "zoe");
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(4));
    app
}

/// Searches like a person typing and selects the best match.
fn select(app: &mut App, query: &str) -> Vec<Effect> {
    let mut fx = update(app, cmd(Command::ClearSearch));
    let t0 = Instant::now();
    for (i, c) in query.chars().enumerate() {
        fx.extend(update(
            app,
            Action::Type(c, t0 + Duration::from_millis(200 * i as u64)),
        ));
    }
    fx
}

fn cmd(c: Command) -> Action {
    Action::Command(c, Instant::now())
}

fn msg(m: IssueMsg) -> Action {
    Action::Issue(m)
}

fn flash_text(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn overlay(app: &App) -> Option<&IssueOverlay> {
    match &app.overlay {
        Overlay::Issue(o) => Some(o.as_ref()),
        _ => None,
    }
}

fn item(id: &str, name: &str) -> ReadyItem {
    ReadyItem {
        credential_id: id.into(),
        achievement_name: name.into(),
        claim_url: Some(format!("https://b.example.org/c/{id}/")),
        qr: None,
        file: PathBuf::from(format!("issued/{id}.png")),
        already: false,
    }
}

fn badge(id: &str, key: &str, revoked: bool) -> BadgeLine {
    BadgeLine {
        id: id.into(),
        achievement_key: key.into(),
        issued_at: datetime!(2026-05-16 10:42 UTC),
        claimed_at: None,
        revoked_at: revoked.then_some(datetime!(2026-05-16 11:00 UTC)),
        revoked_reason: revoked.then(|| "typo".to_string()),
    }
}

#[test]
fn moving_the_selection_watches_the_new_attendees_badges() {
    let mut app = desk(None);
    assert_eq!(app.issuing.badges, Badges::Loading(4));
    let fx = select(&mut app, "jean");
    assert!(fx.contains(&Effect::Issue(IssueRequest::Watch(Some(3)))));
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(3));
    assert_eq!(app.issuing.badges, Badges::Loading(3));
    // A late answer for someone else is dropped; the selected one's is kept.
    update(
        &mut app,
        msg(IssueMsg::Badges {
            attendee_id: 4,
            lines: vec![badge("a", "participation", false)],
        }),
    );
    assert_eq!(app.issuing.badges, Badges::Loading(3));
    update(
        &mut app,
        msg(IssueMsg::Badges {
            attendee_id: 3,
            lines: vec![],
        }),
    );
    assert_eq!(app.issuing.badges, Badges::Loaded(3, vec![]));
}

#[test]
fn f6_issues_what_the_rules_earned_and_shows_the_card() {
    let mut app = desk(Some("https://b.example.org"));
    let at = Instant::now();
    let fx = update(&mut app, Action::Command(Command::IssueEarned, at));
    assert_eq!(
        fx,
        vec![Effect::Issue(IssueRequest::Desk {
            attendee_id: 4,
            achievements: vec!["participation".into()],
            started: at,
        })]
    );
    assert_eq!(app.issuing.desk_busy, Some((4, at)));
    assert!(flash_text(&app).contains("Signing"), "{}", flash_text(&app));
    // One desk issue at a time.
    assert!(update(&mut app, cmd(Command::IssueEarned)).is_empty());
    assert!(flash_text(&app).contains("Still signing"));

    let items = vec![item("c1", "Participation"), item("c2", "Sumo pilot")];
    update(
        &mut app,
        msg(IssueMsg::DeskIssued {
            attendee_id: 4,
            started: at,
            items,
        }),
    );
    assert_eq!(app.issuing.desk_busy, None);
    assert_eq!(flash_text(&app), "✔ 2 badges issued to Zoé Martin.");
    assert_eq!(context(&app), Context::IssueCard);
    assert_eq!(issue::take_card_start(&mut app), Some(at));
    assert_eq!(issue::take_card_start(&mut app), None, "measured once");
    update(&mut app, cmd(Command::Right));
    let Some(IssueOverlay::Ready(card)) = overlay(&app) else {
        panic!("card expected");
    };
    assert_eq!(card.shown, 1);
    update(&mut app, cmd(Command::Right));
    update(&mut app, cmd(Command::Left));
    let Some(IssueOverlay::Ready(card)) = overlay(&app) else {
        panic!("card expected");
    };
    assert_eq!(card.shown, 1, "wraps around both ways");
    update(&mut app, cmd(Command::Cancel));
    assert_eq!(context(&app), Context::Desk);
}

#[test]
fn nothing_earned_and_failures_are_said() {
    let mut app = desk(None);
    let _ = select(&mut app, "helene");
    assert_eq!(app.selected_attendee().map(|a| a.id), Some(1));
    assert!(update(&mut app, cmd(Command::IssueEarned)).is_empty());
    assert!(
        flash_text(&app).contains("has not earned a badge yet"),
        "{}",
        flash_text(&app)
    );
    let _ = select(&mut app, "zoe");
    update(&mut app, cmd(Command::IssueEarned));
    update(
        &mut app,
        msg(IssueMsg::DeskFailed {
            attendee_id: 4,
            error: "disk full".into(),
        }),
    );
    assert_eq!(app.issuing.desk_busy, None);
    assert_eq!(app.flash.as_ref().map(|f| f.kind), Some(FlashKind::Error));
    assert!(flash_text(&app).contains("NOT issued to Zoé Martin: disk full"));
}

#[test]
fn f7_picks_one_badge_manual_ones_included() {
    let mut app = desk(None);
    update(&mut app, cmd(Command::IssuePick));
    assert_eq!(context(&app), Context::IssuePick);
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    update(&mut app, cmd(Command::Down));
    let at = Instant::now();
    let fx = update(&mut app, Action::Command(Command::Submit, at));
    assert_eq!(
        fx,
        vec![Effect::Issue(IssueRequest::Desk {
            attendee_id: 4,
            achievements: vec!["hand".into()],
            started: at,
        })]
    );
    assert_eq!(context(&app), Context::Desk);
    // Esc leaves without issuing.
    app.issuing.desk_busy = None;
    update(&mut app, cmd(Command::IssuePick));
    assert!(update(&mut app, cmd(Command::Cancel)).is_empty());
    assert_eq!(context(&app), Context::Desk);
}

#[test]
fn print_needs_a_claim_address_and_reports_the_file() {
    let mut app = desk(None);
    assert!(update(&mut app, cmd(Command::Print)).is_empty());
    assert!(flash_text(&app).contains("[claim] base_url"));

    let mut app = desk(Some("https://b.example.org"));
    let fx = update(&mut app, cmd(Command::Print));
    assert_eq!(fx, vec![Effect::Issue(IssueRequest::PrintAttendee(4))]);
    update(
        &mut app,
        msg(IssueMsg::Printed {
            attendee: Some(4),
            path: PathBuf::from("/ev/print/claim-card-4.pdf"),
            count: 1,
        }),
    );
    assert_eq!(
        flash_text(&app),
        "Claim card of Zoé Martin written: /ev/print/claim-card-4.pdf"
    );
    update(
        &mut app,
        msg(IssueMsg::PrintFailed {
            attendee: Some(4),
            error: "read-only".into(),
        }),
    );
    assert_eq!(flash_text(&app), "Printing failed: read-only");
}

#[test]
fn the_card_prints_its_attendee() {
    let mut app = desk(Some("https://b.example.org"));
    update(&mut app, cmd(Command::IssueEarned));
    update(
        &mut app,
        msg(IssueMsg::DeskIssued {
            attendee_id: 4,
            started: Instant::now(),
            items: vec![item("c1", "Participation")],
        }),
    );
    let fx = update(&mut app, cmd(Command::Print));
    assert_eq!(fx, vec![Effect::Issue(IssueRequest::PrintAttendee(4))]);
    let path = PathBuf::from("/ev/print/claim-card-4.pdf");
    update(
        &mut app,
        msg(IssueMsg::Printed {
            attendee: Some(4),
            path: path.clone(),
            count: 1,
        }),
    );
    let Some(IssueOverlay::Ready(card)) = overlay(&app) else {
        panic!("card expected");
    };
    assert_eq!(card.printed, Some(Ok(path)));
}

#[test]
fn revoke_asks_which_badge_and_why() {
    let mut app = desk(None);
    assert!(update(&mut app, cmd(Command::Revoke)).is_empty());
    assert!(flash_text(&app).contains("no badge to revoke"));
    update(
        &mut app,
        msg(IssueMsg::Badges {
            attendee_id: 4,
            lines: vec![
                badge("old", "sumo", true),
                badge("c1", "participation", false),
                badge("c2", "sumo", false),
            ],
        }),
    );
    update(&mut app, cmd(Command::Revoke));
    let Some(IssueOverlay::Revoke(p)) = overlay(&app) else {
        panic!("prompt expected");
    };
    assert_eq!(p.choices.len(), 2, "revoked ones are not offered");
    update(&mut app, cmd(Command::Down));
    assert!(update(&mut app, cmd(Command::Submit)).is_empty());
    let Some(IssueOverlay::Revoke(p)) = overlay(&app) else {
        panic!("prompt expected");
    };
    assert!(
        p.error
            .as_deref()
            .unwrap_or("")
            .contains("reason is needed")
    );
    for c in "wrong personx".chars() {
        update(&mut app, Action::Type(c, Instant::now()));
    }
    update(&mut app, cmd(Command::Backspace));
    let fx = update(&mut app, cmd(Command::Submit));
    assert_eq!(
        fx,
        vec![Effect::Issue(IssueRequest::Revoke {
            attendee_id: 4,
            credential_id: "c2".into(),
            reason: "wrong person".into(),
        })]
    );
    // While it runs, keys do nothing; a failure is shown in the prompt.
    assert!(update(&mut app, cmd(Command::Submit)).is_empty());
    update(&mut app, msg(IssueMsg::RevokeFailed("busy".into())));
    let Some(IssueOverlay::Revoke(p)) = overlay(&app) else {
        panic!("prompt expected");
    };
    assert_eq!((p.busy, p.error.as_deref()), (false, Some("busy")));
    update(&mut app, cmd(Command::Submit));
    update(
        &mut app,
        msg(IssueMsg::Revoked {
            attendee_id: 4,
            credential_id: "c2".into(),
            changed: true,
        }),
    );
    assert_eq!(context(&app), Context::Desk);
    assert_eq!(flash_text(&app), "Badge of Zoé Martin revoked.");
}

fn rows() -> Vec<PlanRow> {
    vec![
        PlanRow {
            key: "participation".into(),
            name: "Participation".into(),
            to_issue: vec![1, 2, 3],
            already: 1,
            blocked: vec![("Zoé Martin".into(), "no recipient identity".into())],
        },
        PlanRow {
            key: "sumo".into(),
            name: "Sumo pilot".into(),
            to_issue: vec![2],
            already: 0,
            blocked: vec![],
        },
    ]
}

fn stage(app: &App) -> Option<&ScreenStage> {
    match overlay(app) {
        Some(IssueOverlay::Screen(s)) => Some(&s.stage),
        _ => None,
    }
}

#[test]
fn issue_screen_previews_confirms_runs_cancels_and_prints() {
    let mut app = desk(None);
    let fx = update(&mut app, cmd(Command::IssueScreen));
    assert_eq!(fx, vec![Effect::Issue(IssueRequest::Plan)]);
    assert_eq!(stage(&app), Some(&ScreenStage::Loading));
    update(&mut app, msg(IssueMsg::Plan(rows())));
    assert!(matches!(stage(&app), Some(ScreenStage::Preview { .. })));
    let t0 = Instant::now();
    let fx = update(&mut app, Action::Command(Command::Submit, t0));
    let awards: Vec<(i64, String)> = vec![
        (1, "participation".into()),
        (2, "participation".into()),
        (3, "participation".into()),
        (2, "sumo".into()),
    ];
    assert_eq!(
        fx,
        vec![Effect::Issue(IssueRequest::Bulk { awards, blocked: 1 })]
    );
    update(
        &mut app,
        msg(IssueMsg::Progress {
            done: 2,
            total: 4,
            at: t0 + Duration::from_secs(1),
        }),
    );
    let Some(ScreenStage::Running {
        done,
        rate,
        remaining,
        ..
    }) = stage(&app)
    else {
        panic!("running expected");
    };
    assert_eq!(
        (*done, *rate, *remaining),
        (2, Some(2.0), Some(Duration::from_secs(1)))
    );
    // Esc cancels (once), and the screen stays until the run reports.
    assert_eq!(
        update(&mut app, cmd(Command::Cancel)),
        vec![Effect::Issue(IssueRequest::Cancel)]
    );
    assert!(update(&mut app, cmd(Command::Cancel)).is_empty());
    assert_eq!(context(&app), Context::IssueScreen);
    let summary = Summary {
        issued: vec!["c1".into(), "c2".into()],
        cancelled: true,
        ..Summary::default()
    };
    update(&mut app, msg(IssueMsg::BulkDone(summary.clone())));
    assert_eq!(stage(&app), Some(&ScreenStage::Done(summary)));
    let fx = update(&mut app, cmd(Command::Print));
    assert_eq!(
        fx,
        vec![Effect::Issue(IssueRequest::PrintCredentials(vec![
            "c1".into(),
            "c2".into()
        ]))]
    );
    assert!(
        update(&mut app, cmd(Command::Print)).is_empty(),
        "one print at a time"
    );
    update(&mut app, cmd(Command::Cancel));
    assert_eq!(context(&app), Context::IssueScreen, "not while printing");
    let path = PathBuf::from("/ev/print/claim-cards.pdf");
    update(
        &mut app,
        msg(IssueMsg::Printed {
            attendee: None,
            path: path.clone(),
            count: 2,
        }),
    );
    let Some(IssueOverlay::Screen(s)) = overlay(&app) else {
        panic!("screen expected");
    };
    assert_eq!(s.print, Some(PrintState::Done { path, count: 2 }));
    update(&mut app, cmd(Command::Submit));
    assert_eq!(context(&app), Context::Desk);
}

#[test]
fn issue_screen_with_nothing_to_issue_or_a_failure_just_closes() {
    let mut app = desk(None);
    update(&mut app, cmd(Command::IssueScreen));
    let mut nothing = rows();
    for r in &mut nothing {
        r.to_issue.clear();
    }
    update(&mut app, msg(IssueMsg::Plan(nothing)));
    assert!(update(&mut app, cmd(Command::Submit)).is_empty());
    assert_eq!(context(&app), Context::Desk);

    update(&mut app, cmd(Command::IssueScreen));
    update(&mut app, msg(IssueMsg::PlanFailed("locked".into())));
    assert_eq!(stage(&app), Some(&ScreenStage::Failed("locked".into())));
    update(&mut app, cmd(Command::Cancel));
    assert_eq!(context(&app), Context::Desk);
}

#[test]
fn pace_gives_rate_and_time_left() {
    use super::issue_screen::pace;
    assert_eq!(pace(0, 10, Duration::from_secs(1)), (None, None));
    assert_eq!(pace(5, 10, Duration::ZERO), (None, None));
    assert_eq!(
        pace(250, 1000, Duration::from_millis(500)),
        (Some(500.0), Some(Duration::from_millis(1500)))
    );
}
