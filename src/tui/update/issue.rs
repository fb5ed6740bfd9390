//! Badges at the desk: issue what the selected attendee earned (or one chosen badge), the claim
//! card that follows, printing, revoking, the closing-time issue screen, and what the issue
//! worker reports. No I/O: requests go out as `Effect::Issue`.

use std::collections::BTreeSet;
use std::time::Instant;

use super::super::action::{Action, Command};
use super::super::app::{App, FlashKind, Overlay};
use super::super::effect::Effect;
use super::super::issuing::{
    IssueMsg, IssueOverlay, IssueRequest, IssueScreen, PickState, ReadyCard, RevokePrompt,
    ScreenStage,
};
use super::{flash, name_of};

/// The desk's badge commands.
pub fn command(app: &mut App, cmd: Command, at: Instant, fx: &mut Vec<Effect>) {
    match cmd {
        Command::IssueScreen => {
            app.overlay = Overlay::Issue(Box::new(IssueOverlay::Screen(IssueScreen {
                stage: ScreenStage::Loading,
                print: None,
            })));
            fx.push(Effect::Issue(IssueRequest::Plan));
        }
        _ => {
            let Some(id) = app.selected_attendee().map(|a| a.id) else {
                let text = app.cat.get("flash-no-selection");
                return flash(app, FlashKind::Info, text);
            };
            match cmd {
                Command::IssueEarned => issue_earned(app, id, at, fx),
                Command::IssuePick if app.issuing.achievements.is_empty() => {
                    let text = app.cat.get("issue-no-achievements");
                    flash(app, FlashKind::Error, text);
                }
                Command::IssuePick => {
                    app.overlay = Overlay::Issue(Box::new(IssueOverlay::Pick(PickState {
                        attendee_id: id,
                        selected: 0,
                    })));
                }
                Command::Print => print_card(app, id, fx),
                Command::Revoke => open_revoke(app, id),
                _ => app.dirty = false,
            }
        }
    }
}

/// The achievements `id` has earned by the rules, from the presence the desk knows.
pub fn earned(app: &App, id: i64) -> Vec<String> {
    let activities: BTreeSet<&str> = app.roster.activities_of(id).into_iter().collect();
    app.issuing.earned(&activities)
}

fn issue_earned(app: &mut App, id: i64, at: Instant, fx: &mut Vec<Effect>) {
    let keys = earned(app, id);
    if keys.is_empty() {
        let name = name_of(app, id);
        let text = app
            .cat
            .fmt("issue-nothing-earned", &[("name", name.into())]);
        return flash(app, FlashKind::Info, text);
    }
    // Badges already held come back as their claim card again (nothing is issued twice).
    send_desk(app, id, keys, at, fx);
}

fn send_desk(app: &mut App, id: i64, achievements: Vec<String>, at: Instant, fx: &mut Vec<Effect>) {
    if app.issuing.desk_busy.is_some() {
        let text = app.cat.get("issue-busy");
        return flash(app, FlashKind::Info, text);
    }
    app.issuing.desk_busy = Some((id, at));
    let name = name_of(app, id);
    let text = app.cat.fmt("issue-signing", &[("name", name.into())]);
    flash(app, FlashKind::Info, text);
    fx.push(Effect::Issue(IssueRequest::Desk {
        attendee_id: id,
        achievements,
        started: at,
    }));
}

fn print_card(app: &mut App, id: i64, fx: &mut Vec<Effect>) {
    if app.issuing.claim_base.is_none() {
        let text = app.cat.get("print-no-base-url");
        return flash(app, FlashKind::Error, text);
    }
    let name = name_of(app, id);
    let text = app.cat.fmt("print-running", &[("name", name.into())]);
    flash(app, FlashKind::Info, text);
    fx.push(Effect::Issue(IssueRequest::PrintAttendee(id)));
}

fn open_revoke(app: &mut App, id: i64) {
    let choices: Vec<(String, String)> = app
        .issuing
        .badges
        .of(id)
        .unwrap_or_default()
        .iter()
        .filter(|b| b.live())
        .map(|b| {
            (
                b.id.clone(),
                app.issuing.achievement_name(&b.achievement_key),
            )
        })
        .collect();
    if choices.is_empty() {
        let name = name_of(app, id);
        let text = app.cat.fmt("revoke-nothing", &[("name", name.into())]);
        return flash(app, FlashKind::Info, text);
    }
    app.overlay = Overlay::Issue(Box::new(IssueOverlay::Revoke(RevokePrompt {
        attendee_id: id,
        choices,
        selected: 0,
        reason: String::new(),
        busy: false,
        error: None,
    })));
}

/// Keys while an issue overlay is open.
pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let Overlay::Issue(overlay) = &mut app.overlay else {
        return;
    };
    let (cmd, at) = match action {
        Action::Command(cmd, at) => (cmd, at),
        Action::Type(c, _) => {
            if let IssueOverlay::Revoke(p) = overlay.as_mut()
                && !p.busy
                && !c.is_control()
            {
                p.reason.push(c);
                p.error = None;
            }
            return;
        }
        Action::Paste(text) => {
            if let IssueOverlay::Revoke(p) = overlay.as_mut() {
                p.reason.extend(text.chars().filter(|c| !c.is_control()));
            }
            return;
        }
        _ => {
            app.dirty = false;
            return;
        }
    };
    match overlay.as_mut() {
        IssueOverlay::Pick(pick) => {
            let n = app.issuing.achievements.len();
            match cmd {
                Command::Up => pick.selected = pick.selected.saturating_sub(1),
                Command::Down => pick.selected = (pick.selected + 1).min(n.saturating_sub(1)),
                Command::Submit => {
                    let id = pick.attendee_id;
                    let key = app
                        .issuing
                        .achievements
                        .get(pick.selected)
                        .map(|a| a.key.clone());
                    app.overlay = Overlay::None;
                    if let Some(key) = key {
                        send_desk(app, id, vec![key], at, fx);
                    }
                }
                Command::Cancel => app.overlay = Overlay::None,
                _ => app.dirty = false,
            }
        }
        IssueOverlay::Ready(card) => match cmd {
            Command::Left | Command::Right if !card.items.is_empty() => {
                let n = card.items.len();
                card.shown = if cmd == Command::Right {
                    (card.shown + 1) % n
                } else {
                    (card.shown + n - 1) % n
                };
            }
            Command::Print => {
                let id = card.attendee_id;
                card.printed = None;
                print_card(app, id, fx);
            }
            Command::Cancel => app.overlay = Overlay::None,
            _ => app.dirty = false,
        },
        IssueOverlay::Revoke(p) => match cmd {
            _ if p.busy => app.dirty = false,
            Command::Up => p.selected = p.selected.saturating_sub(1),
            Command::Down => p.selected = (p.selected + 1).min(p.choices.len().saturating_sub(1)),
            Command::Backspace => {
                p.reason.pop();
            }
            Command::Submit => match p.choices.get(p.selected) {
                Some((credential_id, _)) if !p.reason.trim().is_empty() => {
                    p.busy = true;
                    p.error = None;
                    fx.push(Effect::Issue(IssueRequest::Revoke {
                        attendee_id: p.attendee_id,
                        credential_id: credential_id.clone(),
                        reason: p.reason.trim().to_string(),
                    }));
                }
                _ => p.error = Some(app.cat.get("revoke-need-reason")),
            },
            Command::Cancel => app.overlay = Overlay::None,
            _ => app.dirty = false,
        },
        IssueOverlay::Screen(screen) => {
            if super::issue_screen::on_command(screen, cmd, at, fx) {
                app.overlay = Overlay::None;
            }
        }
    }
}

/// When the claim card was asked for, the first time it is drawn (the event loop measures
/// tick-to-ready with it).
pub fn take_card_start(app: &mut App) -> Option<Instant> {
    match &mut app.overlay {
        Overlay::Issue(o) => match o.as_mut() {
            IssueOverlay::Ready(card) => card.started.take(),
            _ => None,
        },
        _ => None,
    }
}

/// What the issue worker reports.
pub fn on_msg(app: &mut App, msg: IssueMsg) {
    match msg {
        IssueMsg::Badges { attendee_id, lines } => {
            if app.selected_attendee().map(|a| a.id) == Some(attendee_id) {
                app.issuing.badges = super::super::issuing::Badges::Loaded(attendee_id, lines);
            } else {
                app.dirty = false;
            }
        }
        IssueMsg::DeskIssued {
            attendee_id,
            started,
            items,
        } => {
            app.issuing.desk_busy = None;
            let name = name_of(app, attendee_id);
            if items.is_empty() {
                let text = app
                    .cat
                    .fmt("issue-nothing-earned", &[("name", name.into())]);
                return flash(app, FlashKind::Info, text);
            }
            let fresh = items.iter().filter(|i| !i.already).count();
            let text = app.cat.fmt(
                "issue-done",
                &[("name", name.as_str().into()), ("count", fresh.into())],
            );
            flash(app, FlashKind::Ok, text);
            open_card(app, attendee_id, name, items, Vec::new(), started);
        }
        IssueMsg::DeskWaiting {
            attendee_id,
            started,
            items,
            waiting,
        } => {
            app.issuing.desk_busy = None;
            let name = name_of(app, attendee_id);
            let text = app.cat.fmt(
                "issue-requested",
                &[
                    ("name", name.as_str().into()),
                    ("count", waiting.len().into()),
                ],
            );
            flash(app, FlashKind::Info, text);
            open_card(app, attendee_id, name, items, waiting, started);
        }
        IssueMsg::Card {
            attendee_id,
            items,
            waiting,
        } => card_arrived(app, attendee_id, items, waiting),
        IssueMsg::Served { count, error } => {
            if let Some(error) = error {
                let text = app
                    .cat
                    .fmt("issue-serve-failed", &[("error", error.into())]);
                flash(app, FlashKind::Error, text);
            } else {
                let text = app.cat.fmt("issue-served", &[("count", count.into())]);
                flash(app, FlashKind::Ok, text);
            }
        }
        IssueMsg::DeskFailed { attendee_id, error } => {
            app.issuing.desk_busy = None;
            let name = name_of(app, attendee_id);
            let text = app.cat.fmt(
                "issue-failed",
                &[("name", name.into()), ("error", error.into())],
            );
            flash(app, FlashKind::Error, text);
        }
        IssueMsg::Printed {
            attendee: Some(id),
            path,
            count,
        } => {
            let name = name_of(app, id);
            let text = app.cat.fmt(
                "print-done",
                &[
                    ("name", name.into()),
                    ("count", count.into()),
                    ("path", path.display().to_string().into()),
                ],
            );
            flash(app, FlashKind::Ok, text);
            if let Some(card) = card_of(app, id) {
                card.printed = Some(Ok(path));
            }
        }
        IssueMsg::PrintFailed {
            attendee: Some(id),
            error,
        } => {
            let text = app
                .cat
                .fmt("print-failed", &[("error", error.as_str().into())]);
            flash(app, FlashKind::Error, text);
            if let Some(card) = card_of(app, id) {
                card.printed = Some(Err(error));
            }
        }
        IssueMsg::Revoked {
            attendee_id,
            credential_id: _,
            changed,
        } => {
            if matches!(&app.overlay, Overlay::Issue(o) if matches!(o.as_ref(), IssueOverlay::Revoke(_)))
            {
                app.overlay = Overlay::None;
            }
            let name = name_of(app, attendee_id);
            let id = if changed {
                "revoke-done"
            } else {
                "revoke-already"
            };
            let text = app.cat.fmt(id, &[("name", name.into())]);
            flash(app, FlashKind::Ok, text);
        }
        IssueMsg::RevokeFailed(error) => {
            if let Overlay::Issue(o) = &mut app.overlay
                && let IssueOverlay::Revoke(p) = o.as_mut()
            {
                p.busy = false;
                p.error = Some(error);
            } else {
                let text = app.cat.fmt("revoke-failed", &[("error", error.into())]);
                flash(app, FlashKind::Error, text);
            }
        }
        IssueMsg::FilesRepaired(count) => {
            let text = app.cat.fmt("repair-done", &[("count", count.into())]);
            flash(app, FlashKind::Info, text);
        }
        IssueMsg::StatusListRepaired => {
            let text = app.cat.get("repair-status-list");
            flash(app, FlashKind::Info, text);
        }
        IssueMsg::RepairFailed(error) => {
            let text = app.cat.fmt("repair-failed", &[("error", error.into())]);
            flash(app, FlashKind::Error, text);
        }
        other => super::issue_screen::on_msg(app, other),
    }
}

/// The claim card after a desk issue. It replaces the desk or the help, never another screen
/// the user went to.
fn open_card(
    app: &mut App,
    attendee_id: i64,
    name: String,
    items: Vec<super::super::issuing::ReadyItem>,
    waiting: Vec<String>,
    started: Instant,
) {
    if matches!(app.overlay, Overlay::None | Overlay::Help) {
        // A card that only waits has nothing to time: tick-to-ready is for the QR.
        let started = (!items.is_empty()).then_some(started);
        app.overlay = Overlay::Issue(Box::new(IssueOverlay::Ready(ReadyCard {
            attendee_id,
            name,
            items,
            shown: 0,
            started,
            printed: None,
            waiting,
        })));
    }
}

/// Credentials the card was waiting for came through the hub: show the first that arrived.
fn card_arrived(
    app: &mut App,
    id: i64,
    items: Vec<super::super::issuing::ReadyItem>,
    waiting: Vec<String>,
) {
    let name = name_of(app, id);
    let Some(card) = card_of(app, id) else {
        app.dirty = false;
        return;
    };
    let before = card.items.len();
    for item in items {
        if !card
            .items
            .iter()
            .any(|i| i.credential_id == item.credential_id)
        {
            card.items.push(item);
        }
    }
    card.waiting = waiting;
    if card.items.len() > before {
        card.shown = before;
        let count = card.items.len() - before;
        let text = app.cat.fmt(
            "issue-arrived",
            &[("name", name.into()), ("count", count.into())],
        );
        flash(app, FlashKind::Ok, text);
    }
}

/// The card of `id` waiting for the issuing desk: the keys it waits for.
pub fn waiting_card(app: &App) -> Option<(i64, Vec<String>)> {
    match &app.overlay {
        Overlay::Issue(o) => match o.as_ref() {
            IssueOverlay::Ready(card) if !card.waiting.is_empty() => {
                Some((card.attendee_id, card.waiting.clone()))
            }
            _ => None,
        },
        _ => None,
    }
}

fn card_of(app: &mut App, id: i64) -> Option<&mut ReadyCard> {
    match &mut app.overlay {
        Overlay::Issue(o) => match o.as_mut() {
            IssueOverlay::Ready(card) if card.attendee_id == id => Some(card),
            _ => None,
        },
        _ => None,
    }
}
