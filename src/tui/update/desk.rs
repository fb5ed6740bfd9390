//! The check-in screen's actions: typing and searching, moving, ticking (and scanner bursts),
//! undo, activity and filter switches, mouse.

use std::time::Instant;

use ratatui::layout::Rect;

use super::super::action::{Action, Command};
use super::super::app::{
    App, Filter, FlashKind, History, Overlay, Pending, RESULT_LIMIT, SCAN_GAP, SCAN_MIN_LEN,
};
use super::super::effect::Effect;
use super::super::issuing::{Badges, IssueRequest};
use super::super::view::layout;
use super::{flash, forms};

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Type(c, at) => type_char(app, c, at, fx),
        Action::Space(at) => {
            if app.navigated {
                tick_selected(app, fx);
            } else if !app.query.is_empty() && !app.query.ends_with(' ') {
                type_char(app, ' ', at, fx);
            }
        }
        Action::Paste(text) => {
            let clean: String = text.chars().filter(|c| !c.is_control()).collect();
            app.query.push_str(&clean);
            app.scan.burst = 0;
            app.navigated = false;
            refresh(app, fx);
        }
        Action::Click { column, row } => click(app, column, row, fx),
        Action::ScrollUp => move_by(app, -3, fx),
        Action::ScrollDown => move_by(app, 3, fx),
        Action::Command(cmd, at) => command(app, cmd, at, fx),
        _ => app.dirty = false,
    }
}

fn command(app: &mut App, cmd: Command, at: Instant, fx: &mut Vec<Effect>) {
    let page = page_rows(app) as isize;
    match cmd {
        Command::Tick => enter(app, at, fx),
        Command::Undo => match app.activity() {
            Some(a) => fx.push(Effect::Undo {
                activity_key: Some(a.key.clone()),
            }),
            None => no_activity(app),
        },
        Command::NextActivity | Command::PreviousActivity if !app.activities.is_empty() => {
            let n = app.activities.len();
            app.current = if cmd == Command::NextActivity {
                (app.current + 1) % n
            } else {
                (app.current + n - 1) % n
            };
            refresh_keep_selection(app, fx);
        }
        Command::NextActivity | Command::PreviousActivity | Command::PickActivity
            if app.activities.is_empty() =>
        {
            no_activity(app)
        }
        Command::PickActivity => {
            app.overlay = Overlay::Picker {
                selected: app.current,
            }
        }
        Command::CycleFilter => {
            app.filter = app.filter.next();
            refresh(app, fx);
        }
        Command::WalkIn => forms::open_walk_in(app),
        Command::Import => super::super::import::open(app, fx),
        Command::Help => app.overlay = Overlay::Help,
        Command::IssueEarned
        | Command::IssuePick
        | Command::IssueScreen
        | Command::Print
        | Command::Revoke => super::issue::command(app, cmd, at, fx),
        Command::Up => move_by(app, -1, fx),
        Command::Down => move_by(app, 1, fx),
        Command::PageUp => move_by(app, -page.max(1), fx),
        Command::PageDown => move_by(app, page.max(1), fx),
        Command::Home => move_by(app, isize::MIN / 2, fx),
        Command::End => move_by(app, isize::MAX / 2, fx),
        Command::ClearSearch => {
            app.query.clear();
            app.scan.burst = 0;
            refresh(app, fx);
        }
        Command::DeleteWord => {
            let trimmed = app.query.trim_end().len();
            let cut = app.query[..trimmed].rfind(' ').map_or(0, |i| i + 1);
            app.query.truncate(cut);
            app.scan.burst = 0;
            refresh(app, fx);
        }
        Command::Backspace => {
            app.query.pop();
            app.scan.burst = app.scan.burst.saturating_sub(1);
            refresh(app, fx);
        }
        _ => app.dirty = false,
    }
}

fn type_char(app: &mut App, c: char, at: Instant, fx: &mut Vec<Effect>) {
    let fast = app
        .scan
        .last
        .is_some_and(|last| at.saturating_duration_since(last) <= SCAN_GAP);
    app.scan.burst = if fast { app.scan.burst + 1 } else { 1 };
    app.scan.last = Some(at);
    app.query.push(c);
    app.navigated = false;
    refresh(app, fx);
}

/// Enter: a scanner burst ticks by ticket; otherwise the selected row is ticked.
fn enter(app: &mut App, at: Instant, fx: &mut Vec<Effect>) {
    let burst_ended_now = app
        .scan
        .last
        .is_some_and(|last| at.saturating_duration_since(last) <= SCAN_GAP * 3);
    if app.scan.burst >= SCAN_MIN_LEN && burst_ended_now {
        let chars: Vec<char> = app.query.chars().collect();
        let start = chars.len().saturating_sub(app.scan.burst);
        let code: String = chars.get(start..).unwrap_or(&[]).iter().collect();
        app.scan.burst = 0;
        app.query.clear();
        match app.roster.index.ticket(&code) {
            Some(pos) => {
                if let Some(id) = app.roster.get(pos).map(|a| a.id) {
                    send_tick(app, id, true, fx);
                }
            }
            None => {
                let code = super::super::widgets::text::sanitize(code.trim());
                let text = app.cat.fmt("flash-scan-unknown", &[("code", code.into())]);
                flash(app, FlashKind::Error, text);
            }
        }
        refresh(app, fx);
        return;
    }
    tick_selected(app, fx);
}

fn tick_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected_attendee().map(|a| a.id) else {
        let text = app.cat.get("flash-no-selection");
        flash(app, FlashKind::Info, text);
        return;
    };
    if send_tick(app, id, false, fx) {
        // Ready for the next person in the queue.
        app.query.clear();
        app.navigated = false;
        app.scan.burst = 0;
        refresh(app, fx);
    }
}

/// Sends a tick to the database; it shows as done only when `TickSaved` comes back.
fn send_tick(app: &mut App, id: i64, scanned: bool, fx: &mut Vec<Effect>) -> bool {
    let Some(key) = app.activity().map(|a| a.key.clone()) else {
        no_activity(app);
        return false;
    };
    if !app.is_pending(id, &key) {
        app.pending.push(Pending {
            attendee_id: id,
            activity_key: key.clone(),
        });
        fx.push(Effect::CheckIn {
            attendee_id: id,
            activity_key: key,
            scanned,
        });
    }
    let name = super::name_of(app, id);
    let text = app.cat.fmt("flash-saving", &[("name", name.into())]);
    flash(app, FlashKind::Info, text);
    true
}

fn no_activity(app: &mut App) {
    let text = app.cat.get("flash-no-activity");
    flash(app, FlashKind::Error, text);
}

fn click(app: &mut App, column: u16, row: u16, fx: &mut Vec<Effect>) {
    let areas = layout::desk(Rect::new(0, 0, app.size.0, app.size.1));
    let list = areas.list;
    let inside = column >= list.x
        && column < list.x + list.width
        && row > list.y
        && row < list.y + list.height;
    if !inside {
        app.dirty = false;
        return;
    }
    let index = app.scroll + usize::from(row - list.y - 1);
    if index < app.results.hits.len() {
        app.selected = index;
        app.navigated = true;
        after_selection(app, fx);
    }
}

fn move_by(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    let n = app.results.hits.len();
    if n == 0 {
        return;
    }
    let target = (app.selected as isize)
        .saturating_add(delta)
        .clamp(0, n as isize - 1);
    app.selected = target as usize;
    app.navigated = true;
    after_selection(app, fx);
}

/// Rows of attendees the list shows at the current size.
pub fn page_rows(app: &App) -> usize {
    let areas = layout::desk(Rect::new(0, 0, app.size.0, app.size.1));
    usize::from(areas.list.height.saturating_sub(1))
}

pub fn keep_visible(app: &mut App) {
    let rows = page_rows(app).max(1);
    if app.selected < app.scroll {
        app.scroll = app.selected;
    } else if app.selected >= app.scroll + rows {
        app.scroll = app.selected + 1 - rows;
    }
}

fn after_selection(app: &mut App, fx: &mut Vec<Effect>) {
    keep_visible(app);
    let id = app.selected_attendee().map(|a| a.id);
    let current = match app.history {
        History::Loading(h) | History::Loaded(h, _) => Some(h),
        History::None => None,
    };
    if id != current {
        match id {
            Some(id) => {
                app.history = History::Loading(id);
                fx.push(Effect::LoadHistory(id));
            }
            None => app.history = History::None,
        }
    }
    // The issue worker keeps the selected attendee's badges fresh (claims by other processes).
    if id != app.issuing.badges.attendee() {
        app.issuing.badges = id.map_or(Badges::None, Badges::Loading);
        fx.push(Effect::Issue(IssueRequest::Watch(id)));
    }
}

/// Runs the search again (query, filter or activity changed) and selects the best match.
pub fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    run_search(app);
    app.selected = 0;
    app.scroll = 0;
    after_selection(app, fx);
}

/// Runs the search again but keeps the same person selected when still listed.
pub fn refresh_keep_selection(app: &mut App, fx: &mut Vec<Effect>) {
    let before = app.selected_pos();
    let old = app.selected;
    run_search(app);
    let found = before.and_then(|p| app.results.hits.iter().position(|h| h.pos as usize == p));
    app.selected = found.unwrap_or(old.min(app.results.hits.len().saturating_sub(1)));
    after_selection(app, fx);
}

/// Runs the search again and keeps `id` selected when still listed (the roster was read again
/// and positions may have moved).
pub fn refresh_keep_person(app: &mut App, id: Option<i64>, fx: &mut Vec<Effect>) {
    let old = app.selected;
    run_search(app);
    let roster = &app.roster;
    let found = id.and_then(|id| {
        app.results
            .hits
            .iter()
            .position(|h| roster.get(h.pos as usize).is_some_and(|a| a.id == id))
    });
    app.selected = found.unwrap_or(old.min(app.results.hits.len().saturating_sub(1)));
    after_selection(app, fx);
}

fn run_search(app: &mut App) {
    let key = app.activity().map(|a| a.key.clone()).unwrap_or_default();
    let roster = &app.roster;
    let filter = app.filter;
    let keep = |pos: usize| -> bool {
        if filter == Filter::All {
            return true;
        }
        let present = roster
            .get(pos)
            .is_some_and(|a| roster.since(a.id, &key).is_some());
        present == (filter == Filter::CheckedIn)
    };
    app.results = roster.index.search(&app.query, &keep, RESULT_LIMIT);
}
