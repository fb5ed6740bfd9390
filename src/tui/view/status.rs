//! The status bar: current activity, counts (here and overall), the hub's state at an event
//! with several desks, and the main keys, the keys taken from the same table that handles them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
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
    // Before the keys, so it stays when they do not fit: offline must always be visible.
    if let Some((hub, style)) = hub_text(app) {
        let piece = format!(" {hub} ");
        text.push_str(&piece);
        spans.push(Span::styled(piece, style));
    }
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

/// "hub ✔ 2 s ago", "hub offline since 10:42 · 12 to send", "hub: connecting…" (None: no hub).
pub fn hub_text(app: &App) -> Option<(String, Style)> {
    let link = app.hub.as_ref()?;
    let state = &link.state;
    let t = &app.theme;
    let (mut text, style) = match (state.online, state.last_ok, state.offline_since) {
        (true, Some(ok), _) => {
            let secs = (link.now - ok).whole_seconds().max(0);
            let text = if secs < 60 {
                app.cat.fmt("hub-online", &[("secs", secs.into())])
            } else {
                app.cat
                    .fmt("hub-online-min", &[("mins", (secs / 60).into())])
            };
            (text, t.ok())
        }
        (false, _, Some(since)) if state.syncs > 0 => {
            let time = app.clock_time(since);
            (
                app.cat.fmt("hub-offline", &[("time", time.into())]),
                t.error(),
            )
        }
        _ => (app.cat.get("hub-connecting"), t.info()),
    };
    if state.unsent > 0 {
        let count = app
            .cat
            .fmt("hub-to-send", &[("count", state.unsent.into())]);
        text = format!("{text} · {count}");
    }
    if let Some(ms) = state.skew_ms
        && ms.abs() > crate::hub::SKEW_LIMIT_MS
    {
        let mins = (ms.unsigned_abs()).div_ceil(60_000);
        let skew = app.cat.fmt("hub-skew", &[("mins", mins.into())]);
        text = format!("{text} · {skew}");
    }
    Some((text, style))
}
