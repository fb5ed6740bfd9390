//! The status bar: current activity, counts (here and overall) and the main keys, the keys
//! taken from the same table that handles them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::super::app::App;
use super::super::keymap::{self, Context};
use super::super::widgets::text::{fit, width};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let total = app.roster.total;
    let here = app
        .activity()
        .and_then(|a| app.roster.counts.get(&a.key))
        .copied()
        .unwrap_or(0);
    let mut text = format!(
        " {} · {} ",
        app.cat.fmt(
            "counts-activity",
            &[("checked", here.into()), ("total", total.into())]
        ),
        app.cat.fmt(
            "counts-overall",
            &[
                ("checked", app.roster.present_anywhere().into()),
                ("total", total.into())
            ]
        ),
    );
    let mut spans = vec![Span::styled(text.clone(), app.theme.header())];
    let fr = app.cat.lang() == crate::i18n::Lang::Fr;
    for binding in keymap::table(Context::Desk) {
        let hint = binding.help.replacen("key-", "hint-", 1);
        if !app.cat.has(&hint) {
            continue;
        }
        let Some(k) = binding.keys.first() else {
            continue;
        };
        let label = keymap::label(k, fr);
        let words = app.cat.get(&hint);
        let piece = format!(" {label} {words} ");
        if width(&text) + width(&piece) > usize::from(area.width) {
            break;
        }
        text.push_str(&piece);
        spans.push(Span::styled(format!(" {label}"), app.theme.key()));
        spans.push(Span::raw(format!(" {words} ")));
    }
    let line = Line::from(spans);
    line.render(area, buf);
    // Very narrow terminals: at least the counts, cut cleanly.
    if width(&text) > usize::from(area.width) {
        Line::styled(fit(&text, usize::from(area.width)), app.theme.header()).render(area, buf);
    }
}
