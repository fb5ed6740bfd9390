//! Views: pure functions of the model, drawn into a buffer. `DeskView(&app)` draws everything;
//! each screen and overlay has its own file. Views never change state and never do I/O.

mod badges;
mod checkin;
mod detail;
mod help;
mod import;
mod issue;
mod issue_prompts;
pub mod layout;
mod overlays;
pub mod qr;
mod status;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::app::{App, Overlay, Phase};
use super::issuing::IssueOverlay;

/// The whole desk.
pub struct DeskView<'a>(pub &'a App);

impl Widget for DeskView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let app = self.0;
        match &app.phase {
            // The first page arrived: the desk, with the progress over the message line.
            Phase::Loading { done, total } if !app.roster.attendees.is_empty() => {
                checkin::render(app, area, buf);
                let flash = layout::desk(area).flash;
                progress(app, *done, *total, flash, buf);
            }
            Phase::Loading { done, total } => {
                progress(app, *done, *total, layout::centered(area, 60, 3), buf)
            }
            Phase::Failed(msg) => {
                let text = app.cat.fmt(
                    "loading-failed",
                    &[("error", super::widgets::text::sanitize(msg).into())],
                );
                Paragraph::new(text)
                    .style(app.theme.error())
                    .wrap(Wrap { trim: false })
                    .render(area, buf);
            }
            Phase::Ready => {
                checkin::render(app, area, buf);
                match &app.overlay {
                    Overlay::None => {}
                    Overlay::Help => help::render(app, area, buf),
                    Overlay::Picker { selected } => overlays::picker(app, *selected, area, buf),
                    Overlay::WalkIn(form) => overlays::walk_in(app, form, area, buf),
                    Overlay::Import(state) => import::render(app, state, area, buf),
                    Overlay::Issue(o) => match o.as_ref() {
                        IssueOverlay::Pick(p) => issue_prompts::pick(app, p, area, buf),
                        IssueOverlay::Ready(card) => qr::render(app, card, area, buf),
                        IssueOverlay::Screen(s) => issue::render(app, s, area, buf),
                        IssueOverlay::Revoke(p) => issue_prompts::revoke(app, p, area, buf),
                    },
                }
            }
        }
    }
}

/// "Loading… done / total" and, with room for it, a gauge on the line below.
fn progress(app: &App, done: usize, total: usize, popup: Rect, buf: &mut Buffer) {
    let popup = popup.intersection(buf.area);
    if popup.is_empty() {
        return;
    }
    let text = if total == 0 {
        app.cat.get("loading")
    } else {
        app.cat.fmt(
            "loading-progress",
            &[("done", done.into()), ("total", total.into())],
        )
    };
    Line::from(super::widgets::text::fit(&text, usize::from(popup.width)))
        .render(Rect { height: 1, ..popup }, buf);
    if popup.height >= 2 {
        super::widgets::progress_bar(done, total, app.theme.ok())
            .render(Rect::new(popup.x, popup.y + 1, popup.width, 1), buf);
    }
}
