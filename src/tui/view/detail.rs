//! The detail pane: every field of the selected attendee, their badges (issued, claimed,
//! revoked; `badges.rs`) and their check-in history with times (and desks, with a hub).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::super::app::{App, History};
use super::super::widgets::text::sanitize;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let block = Block::default()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(app.theme.border())
        .title(Span::styled(
            format!(" {} ", app.cat.get("detail-title")),
            app.theme.header(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(a) = app.selected_attendee() else {
        return;
    };
    let t = &app.theme;
    // French puts a narrow no-break space before the colon.
    let colon = match app.cat.lang() {
        crate::i18n::Lang::Fr => "\u{202f}: ",
        crate::i18n::Lang::En => ": ",
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut field = |label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            lines.push(Line::from(vec![
                Span::styled(format!("{}{colon}", app.cat.get(label)), t.dim()),
                Span::raw(sanitize(v)),
            ]));
        }
    };
    field("field-given", Some(&a.given_name));
    field("field-family", Some(&a.family_name));
    field("field-ticket", a.ticket.as_deref());
    field("field-email", a.email.as_deref());
    field("field-contact", a.contact_email.as_deref());
    field("field-org", a.organisation.as_deref());
    // Extra fields and source come with the history (the roster does not hold them).
    if let Some(record) = app.record.as_ref().filter(|r| r.id == a.id) {
        for (k, v) in &record.extra {
            field(k, Some(v));
        }
        match &record.source {
            Some(src) => field("field-source", Some(&format!("{}:{}", src.file, src.line))),
            None => lines.push(Line::styled(app.cat.get("field-walk-in"), t.dim())),
        }
    }
    lines.push(Line::raw(""));
    // Badges before the history: the history grows all day, the badges are what the desk asks.
    lines.extend(super::badges::lines(app, a.id));
    lines.push(Line::raw(""));
    lines.push(Line::styled(app.cat.get("history-title"), t.header()));
    match &app.history {
        History::Loaded(id, events) if *id == a.id => {
            if events.is_empty() {
                lines.push(Line::styled(app.cat.get("history-empty"), t.dim()));
            }
            for e in events {
                // With several desks, which desk ticked: the actor alone does not say where.
                let desk = e.desk.as_deref().filter(|_| app.hub.is_some());
                let msg = match (e.undo, desk) {
                    (true, None) => "history-undo",
                    (false, None) => "history-tick",
                    (true, Some(_)) => "history-undo-desk",
                    (false, Some(_)) => "history-tick-desk",
                };
                let text = app.cat.fmt(
                    msg,
                    &[
                        ("time", app.hhmm(e.at).into()),
                        ("activity", app.activity_name(&e.activity_key).into()),
                        ("actor", sanitize(&e.actor).into()),
                        ("desk", sanitize(desk.unwrap_or_default()).into()),
                    ],
                );
                let style = if e.undo { t.dim() } else { t.mark() };
                lines.push(Line::styled(text, style));
            }
        }
        _ => lines.push(Line::styled(app.cat.get("history-loading"), t.dim())),
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}
