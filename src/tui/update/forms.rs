//! The small overlays: the activity picker and the walk-in form.

use crate::model::Attendee;
use crate::store::WalkIn;

use super::super::action::{Action, Command, TickOutcome};
use super::super::app::{App, FlashKind, Overlay, WalkInForm};
use super::super::effect::Effect;
use super::desk::{refresh, refresh_keep_selection};
use super::flash;

pub fn on_picker(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let Overlay::Picker { selected } = &mut app.overlay else {
        return;
    };
    let n = app.activities.len().max(1);
    match action {
        Action::Command(Command::Up, _) => *selected = (*selected + n - 1) % n,
        Action::Command(Command::Down, _) => *selected = (*selected + 1) % n,
        Action::Command(Command::Submit, _) => {
            app.current = (*selected).min(app.activities.len().saturating_sub(1));
            app.overlay = Overlay::None;
            refresh_keep_selection(app, fx);
        }
        Action::Command(Command::Cancel, _) => app.overlay = Overlay::None,
        _ => app.dirty = false,
    }
}

/// Opens the walk-in form, pre-filled from the search line ("jean dupont" → Jean / Dupont).
pub fn open_walk_in(app: &mut App) {
    let mut form = WalkInForm::default();
    let words: Vec<&str> = app.query.split_whitespace().collect();
    if let Some((first, rest)) = words.split_first()
        && !app.query.chars().any(|c| c.is_ascii_digit() || c == '@')
    {
        form.fields[0] = capitalise(first);
        form.fields[1] = rest
            .iter()
            .map(|w| capitalise(w))
            .collect::<Vec<_>>()
            .join(" ");
    }
    app.overlay = Overlay::WalkIn(form);
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn on_walk_in(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let activity_key = app.activity().map(|a| a.key.clone());
    let need_name = app.cat.get("walk-in-need-name");
    let Overlay::WalkIn(form) = &mut app.overlay else {
        return;
    };
    if form.saving {
        // Waiting for the database: only Esc would be confusing here, so keys wait too.
        app.dirty = false;
        return;
    }
    let n = form.fields.len();
    match action {
        Action::Type(c, _) => {
            if let Some(f) = form.fields.get_mut(form.focus) {
                f.push(c);
            }
            form.error = None;
        }
        Action::Paste(text) => {
            if let Some(f) = form.fields.get_mut(form.focus) {
                f.extend(text.chars().filter(|c| !c.is_control()));
            }
        }
        Action::Command(Command::Backspace, _) => {
            if let Some(f) = form.fields.get_mut(form.focus) {
                f.pop();
            }
        }
        Action::Command(Command::NextField, _) => form.focus = (form.focus + 1) % n,
        Action::Command(Command::PreviousField, _) => form.focus = (form.focus + n - 1) % n,
        Action::Command(Command::Cancel, _) => app.overlay = Overlay::None,
        Action::Command(Command::Submit, _) => {
            let [given, family, email, org] = form.fields.clone().map(|f| f.trim().to_string());
            if given.is_empty() && family.is_empty() {
                form.error = Some(need_name);
                form.focus = 0;
                return;
            }
            form.saving = true;
            form.error = None;
            fx.push(Effect::AddWalkIn {
                walk_in: WalkIn {
                    given_name: given,
                    family_name: family,
                    email: (!email.is_empty()).then_some(email),
                    organisation: (!org.is_empty()).then_some(org),
                },
                activity_key,
            });
        }
        _ => app.dirty = false,
    }
}

pub fn walk_in_saved(
    app: &mut App,
    attendee: Attendee,
    tick: Option<(String, TickOutcome)>,
    fx: &mut Vec<Effect>,
) {
    let id = attendee.id;
    let name = attendee.display_name();
    app.roster.add(attendee);
    let mut activity = String::new();
    if let Some((key, outcome)) = tick {
        let at = match outcome {
            TickOutcome::Ticked { at } => at,
            TickOutcome::AlreadyCheckedIn { since } => since,
        };
        app.roster.mark_present(id, &key, at);
        activity = app.activity_name(&key);
    }
    if matches!(app.overlay, Overlay::WalkIn(_)) {
        app.overlay = Overlay::None;
    }
    app.query.clear();
    refresh(app, fx);
    // Select the newcomer so the detail pane shows them.
    if let Some(i) = app
        .results
        .hits
        .iter()
        .position(|h| app.roster.get(h.pos as usize).is_some_and(|a| a.id == id))
    {
        app.selected = i;
        refresh_keep_selection(app, fx);
    }
    let text = app.cat.fmt(
        "flash-walk-in",
        &[("name", name.into()), ("activity", activity.into())],
    );
    flash(app, FlashKind::Ok, text);
}

pub fn walk_in_failed(app: &mut App, error: String) {
    if let Overlay::WalkIn(form) = &mut app.overlay {
        form.saving = false;
        form.error = Some(error);
    } else {
        flash(app, FlashKind::Error, error);
    }
}
