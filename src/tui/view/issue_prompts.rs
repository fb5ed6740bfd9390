//! The two small issue prompts: choosing one badge for the selected attendee (manual ones
//! too), and the revoke prompt (which badge, and why).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::issuing::{PickState, RevokePrompt};
use super::super::keymap::{self, Context};
use super::super::widgets::text::{pad, sanitize};
use super::layout::centered;

fn frame<'a>(app: &App, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(Span::styled(format!(" {title} "), app.theme.header()))
}

/// A framed popup of `width` columns centred in `area`, as tall as its lines.
fn modal(app: &App, title: String, width: u16, lines: Vec<Line>, area: Rect, buf: &mut Buffer) {
    let popup = centered(area, width, lines.len() as u16 + 3);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(frame(app, title))
        .render(popup, buf);
}

/// The style of a choice row: highlighted when selected.
fn row_style(app: &App, selected: bool) -> ratatui::style::Style {
    if selected {
        app.theme.selected()
    } else {
        app.theme.base()
    }
}

fn hints(app: &App, ctx: Context) -> Line<'static> {
    let fr = app.cat.lang() == crate::i18n::Lang::Fr;
    let text: Vec<String> = keymap::help_lines(ctx, fr)
        .iter()
        .filter(|(_, h)| !matches!(*h, "key-quit" | "key-clear" | "key-move"))
        .map(|(k, h)| format!("{k} {}", app.cat.get(h)))
        .collect();
    Line::styled(text.join(" · "), app.theme.dim())
}

pub fn pick(app: &App, pick: &PickState, area: Rect, buf: &mut Buffer) {
    let name = super::super::update::name_of(app, pick.attendee_id);
    let earned = super::super::update::issue::earned(app, pick.attendee_id);
    let held = app.issuing.badges.of(pick.attendee_id).unwrap_or_default();
    let w: u16 = 64;
    let mut lines: Vec<Line> = Vec::new();
    for (i, a) in app.issuing.achievements.iter().enumerate() {
        let state = if let Some(b) = held.iter().find(|b| b.live() && b.achievement_key == a.key) {
            app.cat
                .fmt("pick-held", &[("time", app.hhmm(b.issued_at).into())])
        } else if earned.contains(&a.key) {
            app.cat.get("pick-earned")
        } else if crate::issue::plan::is_manual(&a.rule) {
            app.cat.get("pick-manual")
        } else {
            app.cat.get("pick-by-hand")
        };
        let state_w = super::super::widgets::text::width(&state);
        let name_w = usize::from(w.saturating_sub(4)).saturating_sub(state_w + 1);
        let text = format!(" {} {state}", pad(&a.name, name_w));
        lines.push(Line::styled(text, row_style(app, i == pick.selected)));
    }
    lines.push(Line::raw(""));
    lines.push(hints(app, Context::IssuePick));
    let title = app
        .cat
        .fmt("pick-title", &[("name", sanitize(&name).into())]);
    modal(app, title, w, lines, area, buf);
}

pub fn revoke(app: &App, p: &RevokePrompt, area: Rect, buf: &mut Buffer) {
    let name = super::super::update::name_of(app, p.attendee_id);
    let mut lines: Vec<Line> = p
        .choices
        .iter()
        .enumerate()
        .map(|(i, (_, badge))| {
            Line::styled(
                format!(" {}", pad(badge, 58)),
                row_style(app, i == p.selected),
            )
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(
            format!("{} › ", app.cat.get("revoke-reason")),
            app.theme.key(),
        ),
        Span::raw(sanitize(&p.reason)),
        Span::styled("▏", app.theme.key()),
    ]));
    if let Some(e) = &p.error {
        lines.push(Line::styled(sanitize(e), app.theme.error()));
    } else if p.busy {
        lines.push(Line::styled(
            app.cat.get("revoke-running"),
            app.theme.info(),
        ));
    } else {
        lines.push(Line::styled(app.cat.get("revoke-warning"), app.theme.dim()));
    }
    lines.push(hints(app, Context::Revoke));
    let title = app
        .cat
        .fmt("revoke-title", &[("name", sanitize(&name).into())]);
    modal(app, title, 64, lines, area, buf);
}
