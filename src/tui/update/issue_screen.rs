//! The closing-time issue screen: preview → one confirmation → progress (rate, time left,
//! cancel between chunks) → summary → optional print of the cards just issued.

use std::time::{Duration, Instant};

use super::super::action::Command;
use super::super::app::{App, FlashKind, Overlay};
use super::super::effect::Effect;
use super::super::issuing::{
    IssueMsg, IssueOverlay, IssueRequest, IssueScreen, PrintState, ScreenStage,
};
use super::flash;

/// Handles a key on the screen; true when the screen closes.
pub fn on_command(
    screen: &mut IssueScreen,
    cmd: Command,
    at: Instant,
    fx: &mut Vec<Effect>,
) -> bool {
    match &mut screen.stage {
        ScreenStage::Loading | ScreenStage::Failed(_) => {
            matches!(cmd, Command::Cancel | Command::Submit)
        }
        ScreenStage::Preview { rows, scroll } => match cmd {
            Command::Up => {
                *scroll = scroll.saturating_sub(1);
                false
            }
            Command::Down => {
                *scroll = (*scroll + 1).min(rows.len().saturating_sub(1));
                false
            }
            Command::Submit => {
                let awards: Vec<(i64, String)> = rows
                    .iter()
                    .flat_map(|r| r.to_issue.iter().map(|id| (*id, r.key.clone())))
                    .collect();
                if awards.is_empty() {
                    // Nothing to do: Enter just closes.
                    return true;
                }
                let blocked = rows.iter().map(|r| r.blocked.len()).sum();
                screen.stage = ScreenStage::Running {
                    done: 0,
                    total: awards.len(),
                    started: at,
                    rate: None,
                    remaining: None,
                    cancelling: false,
                };
                fx.push(Effect::Issue(IssueRequest::Bulk { awards, blocked }));
                false
            }
            Command::Cancel => true,
            _ => false,
        },
        ScreenStage::Running { cancelling, .. } => {
            if cmd == Command::Cancel && !*cancelling {
                *cancelling = true;
                fx.push(Effect::Issue(IssueRequest::Cancel));
            }
            false
        }
        ScreenStage::Done(summary) => match cmd {
            Command::Print
                if !summary.issued.is_empty() && screen.print != Some(PrintState::Running) =>
            {
                screen.print = Some(PrintState::Running);
                fx.push(Effect::Issue(IssueRequest::PrintCredentials(
                    summary.issued.clone(),
                )));
                false
            }
            Command::Cancel | Command::Submit => screen.print != Some(PrintState::Running),
            _ => false,
        },
    }
}

fn screen(app: &mut App) -> Option<&mut IssueScreen> {
    match &mut app.overlay {
        Overlay::Issue(o) => match o.as_mut() {
            IssueOverlay::Screen(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Credentials per second and the time left, from the progress so far.
pub fn pace(done: usize, total: usize, elapsed: Duration) -> (Option<f64>, Option<Duration>) {
    let secs = elapsed.as_secs_f64();
    if done == 0 || secs <= 0.0 {
        return (None, None);
    }
    let rate = done as f64 / secs;
    let left = total.saturating_sub(done) as f64 / rate;
    (Some(rate), Some(Duration::from_secs_f64(left.max(0.0))))
}

/// The worker's reports about the screen's work.
pub fn on_msg(app: &mut App, msg: IssueMsg) {
    let Some(screen) = screen(app) else {
        // The screen was closed (only possible before confirming): tell the result anyway.
        if let IssueMsg::BulkDone(s) = msg {
            let text = app
                .cat
                .fmt("issue-summary-issued", &[("count", s.issued.len().into())]);
            flash(app, FlashKind::Info, text);
        } else {
            app.dirty = false;
        }
        return;
    };
    match msg {
        IssueMsg::Plan(rows) if screen.stage == ScreenStage::Loading => {
            screen.stage = ScreenStage::Preview { rows, scroll: 0 };
        }
        IssueMsg::PlanFailed(e) => screen.stage = ScreenStage::Failed(e),
        IssueMsg::Progress {
            done: d,
            total: t,
            at,
        } => {
            if let ScreenStage::Running {
                done,
                total,
                started,
                rate,
                remaining,
                ..
            } = &mut screen.stage
            {
                *done = d;
                *total = t;
                (*rate, *remaining) = pace(d, t, at.saturating_duration_since(*started));
            }
        }
        IssueMsg::BulkDone(summary) => screen.stage = ScreenStage::Done(summary),
        IssueMsg::Printed { path, count, .. } => {
            screen.print = Some(PrintState::Done { path, count });
        }
        IssueMsg::PrintFailed { error, .. } => screen.print = Some(PrintState::Failed(error)),
        _ => {}
    }
}
