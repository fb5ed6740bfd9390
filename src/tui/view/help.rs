//! The help overlay, built from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::super::app::App;
use super::super::keymap::{self, Context};
use super::super::widgets::text::pad;
use super::layout::centered;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let fr = app.cat.lang() == crate::i18n::Lang::Fr;
    let entries = keymap::help_lines(Context::Desk, fr);
    let key_w = entries
        .iter()
        .map(|(k, _)| super::super::widgets::text::width(k))
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = entries
        .iter()
        .map(|(keys, help)| {
            Line::from(vec![
                Span::styled(pad(keys, key_w + 2), app.theme.key()),
                Span::raw(app.cat.get(help)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(app.cat.get("help-close"), app.theme.dim()));
    let h = lines.len() as u16 + 2;
    let popup = centered(area, 72, h);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.border())
                .title(Span::styled(
                    format!(" {} ", app.cat.get("help-title")),
                    app.theme.header(),
                )),
        )
        .render(popup, buf);
}
