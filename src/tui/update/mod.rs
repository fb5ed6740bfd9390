//! `update(&mut App, Action) -> Vec<Effect>`: the only place the model changes. No I/O here:
//! anything that touches the database or the disk goes out as an `Effect`.

mod desk;
mod forms;
pub mod hub;
pub mod issue;
mod issue_screen;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_forms;
#[cfg(test)]
mod tests_hub;
#[cfg(test)]
mod tests_issue;

use std::collections::HashMap;

use super::action::{Action, Command, TickOutcome};
use super::app::{App, Flash, FlashKind, History, Overlay, Phase, Roster};
use super::effect::Effect;
use super::issuing::IssueOverlay;
use super::keymap::Context;

pub use desk::refresh;

/// Applies one action; returns the effects to perform.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    app.dirty = true;
    let mut fx = Vec::new();
    match action {
        Action::Terminate => app.quit = true,
        Action::Command(Command::Quit, _) => app.quit = true,
        Action::Resize(w, h) => {
            app.size = (w, h);
            desk::keep_visible(app);
        }
        Action::LoadProgress { done, total } => app.phase = Phase::Loading { done, total },
        Action::FirstPage(page) => {
            // Only before the whole roster arrived: the desk shows this page meanwhile.
            if matches!(app.phase, Phase::Loading { .. }) {
                install(app, *page, &mut fx);
            }
        }
        Action::LoadFailed(msg) => app.phase = Phase::Failed(msg),
        Action::Loaded(loaded) => {
            app.phase = Phase::Ready;
            install(app, *loaded, &mut fx);
        }
        Action::TickSaved {
            attendee_id,
            activity_key,
            outcome,
            scanned,
        } => tick_saved(app, attendee_id, &activity_key, outcome, scanned, &mut fx),
        Action::TickFailed {
            attendee_id,
            activity_key,
            error,
        } => {
            app.pending
                .retain(|p| !(p.attendee_id == attendee_id && p.activity_key == activity_key));
            let name = name_of(app, attendee_id);
            let text = app.cat.fmt(
                "flash-db-error",
                &[("name", name.into()), ("error", error.into())],
            );
            flash(app, FlashKind::Error, text);
        }
        Action::Undone(Some(u)) => {
            app.roster.mark_absent(u.attendee_id, &u.activity_key);
            let name = name_of(app, u.attendee_id);
            let activity = app.activity_name(&u.activity_key);
            let text = app.cat.fmt(
                "flash-undone",
                &[("name", name.into()), ("activity", activity.into())],
            );
            flash(app, FlashKind::Info, text);
            reload_history_of(app, u.attendee_id, &mut fx);
            desk::refresh_keep_selection(app, &mut fx);
        }
        Action::Undone(None) => {
            let text = app.cat.get("flash-nothing-to-undo");
            flash(app, FlashKind::Info, text);
        }
        Action::UndoFailed(error) => {
            let text = app.cat.fmt("flash-undo-failed", &[("error", error.into())]);
            flash(app, FlashKind::Error, text);
        }
        Action::HistoryLoaded {
            attendee_id,
            record,
            lines,
        } => {
            // Drop stale answers: only the selected attendee's history is kept.
            if app.selected_attendee().map(|a| a.id) == Some(attendee_id) {
                app.history = History::Loaded(attendee_id, lines);
                app.record = record.map(|r| *r);
            }
        }
        Action::WalkInSaved { attendee, tick } => {
            forms::walk_in_saved(app, *attendee, tick, &mut fx)
        }
        Action::WalkInFailed(error) => forms::walk_in_failed(app, error),
        Action::Import(msg) => super::import::on_msg(app, msg, &mut fx),
        Action::Issue(msg) => issue::on_msg(app, msg),
        Action::Hub(msg) => hub::on_msg(app, msg, &mut fx),
        Action::Resynced { presence, roster } => hub::resynced(app, presence, roster, &mut fx),
        action if app.phase != Phase::Ready => {
            // While loading (or after a failure) only quitting means something.
            let _ = action;
            app.dirty = false;
        }
        action => match context(app) {
            Context::Desk => desk::on_action(app, action, &mut fx),
            Context::Help => {
                if matches!(action, Action::Command(Command::Cancel, _)) {
                    app.overlay = Overlay::None;
                }
            }
            Context::Picker => forms::on_picker(app, action, &mut fx),
            Context::WalkIn => forms::on_walk_in(app, action, &mut fx),
            Context::Import => super::import::on_action(app, action, &mut fx),
            Context::IssuePick | Context::IssueCard | Context::IssueScreen | Context::Revoke => {
                issue::on_action(app, action, &mut fx)
            }
        },
    }
    fx
}

/// Puts a loaded roster (the first page or all of it) in place and lists it.
fn install(app: &mut App, loaded: super::app::Loaded, fx: &mut Vec<Effect>) {
    let mut roster = Roster::new(loaded.attendees, loaded.index);
    roster.total = roster.total.max(loaded.total);
    if loaded.presence_sent {
        roster.adopt_presence(&mut app.roster);
    }
    for (id, key, since) in loaded.presence {
        roster.mark_present(id, &key, since);
    }
    app.roster = roster;
    app.activities = loaded.activities;
    app.current = app.current.min(app.activities.len().saturating_sub(1));
    desk::refresh(app, fx);
}

/// Where keys go now.
pub fn context(app: &App) -> Context {
    match &app.overlay {
        Overlay::None => Context::Desk,
        Overlay::Help => Context::Help,
        Overlay::Picker { .. } => Context::Picker,
        Overlay::WalkIn(_) => Context::WalkIn,
        Overlay::Import(_) => Context::Import,
        Overlay::Issue(o) => match o.as_ref() {
            IssueOverlay::Pick(_) => Context::IssuePick,
            IssueOverlay::Ready(_) => Context::IssueCard,
            IssueOverlay::Screen(_) => Context::IssueScreen,
            IssueOverlay::Revoke(_) => Context::Revoke,
        },
    }
}

fn tick_saved(
    app: &mut App,
    id: i64,
    key: &str,
    outcome: TickOutcome,
    scanned: bool,
    fx: &mut Vec<Effect>,
) {
    app.pending
        .retain(|p| !(p.attendee_id == id && p.activity_key == key));
    let name = name_of(app, id);
    let activity = app.activity_name(key);
    match outcome {
        TickOutcome::Ticked { at } => {
            app.roster.mark_present(id, key, at);
            let msg = if scanned {
                "flash-scanned"
            } else {
                "flash-ticked"
            };
            let text = app
                .cat
                .fmt(msg, &[("name", name.into()), ("activity", activity.into())]);
            flash(app, FlashKind::Ok, text);
        }
        TickOutcome::AlreadyCheckedIn { since } => {
            app.roster.mark_present(id, key, since);
            let time = app.hhmm(since);
            let text = app.cat.fmt(
                "flash-already",
                &[("name", name.into()), ("time", time.into())],
            );
            flash(app, FlashKind::Info, text);
        }
    }
    reload_history_of(app, id, fx);
    desk::refresh_keep_selection(app, fx);
}

pub(super) fn reload_history_of(app: &mut App, id: i64, fx: &mut Vec<Effect>) {
    if app.selected_attendee().map(|a| a.id) == Some(id) {
        app.history = History::Loading(id);
        fx.push(Effect::LoadHistory(id));
    }
}

pub(in crate::tui) fn flash(app: &mut App, kind: FlashKind, text: String) {
    app.flash = Some(Flash { kind, text });
}

pub(in crate::tui) fn name_of(app: &App, id: i64) -> String {
    app.roster
        .by_id(id)
        .map_or_else(|| format!("#{id}"), |a| a.display_name())
}

/// Counts per activity key, for views and tests.
pub fn counts(app: &App) -> &HashMap<String, usize> {
    &app.roster.counts
}
