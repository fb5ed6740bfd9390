//! The activity picker and the walk-in form.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::super::app::{App, WalkInForm};
use super::super::widgets::text::{pad, sanitize};
use super::layout::centered;

fn frame<'a>(app: &App, title: &str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(Span::styled(format!(" {title} "), app.theme.header()))
}

pub fn picker(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let total = app.roster.total;
    let lines: Vec<Line> = app
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let n = app.roster.counts.get(&a.key).copied().unwrap_or(0);
            let text = format!(
                " {} {}  {n}/{total}",
                if i == app.current { "●" } else { " " },
                sanitize(&a.name)
            );
            let style = if i == selected {
                app.theme.selected()
            } else {
                app.theme.base()
            };
            Line::styled(pad(&text, 44), style)
        })
        .collect();
    let popup = centered(area, 48, lines.len() as u16 + 2);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(frame(app, &app.cat.get("picker-title")))
        .render(popup, buf);
}

pub fn walk_in(app: &App, form: &WalkInForm, area: Rect, buf: &mut Buffer) {
    let mut lines = Vec::new();
    for (i, (label, value)) in WalkInForm::LABELS
        .iter()
        .zip(form.fields.iter())
        .enumerate()
    {
        let focused = i == form.focus;
        let label = pad(&app.cat.get(label), 24);
        let mut spans = vec![
            Span::styled(label, app.theme.dim()),
            Span::raw(sanitize(value)),
        ];
        if focused {
            spans.push(Span::styled("▏", app.theme.key()));
        }
        let line = Line::from(spans);
        lines.push(if focused {
            line.style(app.theme.header())
        } else {
            line
        });
    }
    lines.push(Line::raw(""));
    if let Some(e) = &form.error {
        lines.push(Line::styled(sanitize(e), app.theme.error()));
    } else if form.saving {
        lines.push(Line::styled(app.cat.get("saving"), app.theme.info()));
    }
    let fr = app.cat.lang() == crate::i18n::Lang::Fr;
    let hints: Vec<String> =
        super::super::keymap::help_lines(super::super::keymap::Context::WalkIn, fr)
            .iter()
            .filter(|(_, h)| *h != "key-clear")
            .map(|(k, h)| format!("{k} {}", app.cat.get(h)))
            .collect();
    lines.push(Line::styled(hints.join(" · "), app.theme.dim()));
    let popup = centered(area, 64, lines.len() as u16 + 2);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .block(frame(app, &app.cat.get("walk-in-title")))
        .render(popup, buf);
}

pub fn import_frame<'a>(app: &App) -> Block<'a> {
    frame(app, &app.cat.get("import-title"))
}
