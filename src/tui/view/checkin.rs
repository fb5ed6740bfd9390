//! The check-in screen: title bar, search line, message line, roster table; the detail pane
//! and the status bar have their own files.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::super::app::{App, FlashKind};
use super::super::widgets::text::{fit, pad, width};
use super::{detail, layout, status};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let a = layout::desk(area);
    title(app, a.title, buf);
    search(app, a.search, buf);
    message(app, a.flash, buf);
    list(app, a.list, buf);
    detail::render(app, a.detail, buf);
    status::render(app, a.status, buf);
}

fn title(app: &App, area: Rect, buf: &mut Buffer) {
    let style = app.theme.header();
    let activity = app.activity().map_or_else(
        || app.cat.get("no-activity"),
        |a| app.cat.fmt("activity", &[("name", a.name.as_str().into())]),
    );
    let filter_name = app.cat.get(app.filter.msg_id());
    let right = format!(
        "{activity} · {} ",
        app.cat.fmt("filter", &[("name", filter_name.into())])
    );
    let w = usize::from(area.width);
    let right = fit(&right, w);
    let left = fit(
        &format!(" badgedesk · {}", app.event_name),
        w.saturating_sub(width(&right) + 1),
    );
    let gap = w.saturating_sub(width(&left) + width(&right));
    Line::from(vec![
        Span::styled(left, style),
        Span::styled(" ".repeat(gap), style),
        Span::styled(right, style),
    ])
    .style(style)
    .render(area, buf);
}

fn search(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    let count = app
        .cat
        .fmt("matches", &[("count", app.results.total.into())]);
    let count = if app.query.is_empty() && app.filter == super::super::app::Filter::All {
        String::new()
    } else {
        format!(" {count}")
    };
    let label = format!("{} › ", app.cat.get("search-label"));
    let room = w.saturating_sub(width(&label) + width(&count) + 1);
    let mut spans = vec![Span::styled(fit(&label, w), app.theme.key())];
    if app.query.is_empty() {
        spans.push(Span::styled("▏", app.theme.key()));
        spans.push(Span::styled(
            fit(&app.cat.get("search-placeholder"), room),
            app.theme.dim(),
        ));
    } else {
        // Keep the end of a long query visible: that is where the typing happens.
        let q = super::super::widgets::text::sanitize(&app.query);
        let q = tail(&q, room);
        spans.push(Span::raw(q));
        spans.push(Span::styled("▏", app.theme.key()));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::raw(
        " ".repeat(w.saturating_sub(used + width(&count))),
    ));
    spans.push(Span::styled(count, app.theme.dim()));
    Line::from(spans).render(area, buf);
}

/// The last `max` columns of `s`.
fn tail(s: &str, max: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > max {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.iter().rev().collect()
}

fn message(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    let (text, style) = match &app.flash {
        Some(f) => (
            f.text.clone(),
            match f.kind {
                FlashKind::Ok => app.theme.ok(),
                FlashKind::Info => app.theme.info(),
                FlashKind::Error => app.theme.error(),
            },
        ),
        None if app.results.hits.is_empty() && !app.query.is_empty() => (
            app.cat
                .fmt("no-results", &[("query", app.query.as_str().into())]),
            app.theme.info(),
        ),
        None if app.results.fuzzy => (app.cat.get("fuzzy-note"), app.theme.dim()),
        None => (String::new(), Style::new()),
    };
    Line::styled(pad(&text, w), style).render(area, buf);
}

struct Columns {
    name: usize,
    org: usize,
    ticket: usize,
    marks: usize,
}

fn columns(total: usize, activities: usize) -> Columns {
    let marks = if total >= 40 { activities.min(12) } else { 0 };
    let ticket = if total >= 50 { 10 } else { 0 };
    // "✔ " in front, one space between columns.
    let fixed = 2 + marks + ticket + usize::from(marks > 0) + usize::from(ticket > 0);
    let rest = total.saturating_sub(fixed + 1);
    let org = if total >= 36 { rest * 2 / 5 } else { 0 };
    Columns {
        name: rest.saturating_sub(org),
        org,
        ticket,
        marks,
    }
}

fn row_text(c: &Columns, mark: &str, name: &str, org: &str, ticket: &str, marks: &str) -> String {
    let mut s = format!("{} {}", pad(mark, 1), pad(name, c.name));
    if c.org > 0 {
        s.push(' ');
        s.push_str(&pad(org, c.org));
    }
    if c.ticket > 0 {
        s.push(' ');
        s.push_str(&pad(ticket, c.ticket));
    }
    if c.marks > 0 {
        s.push(' ');
        s.push_str(&pad(marks, c.marks));
    }
    s
}

fn list(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let w = usize::from(area.width);
    let c = columns(w, app.activities.len());
    let initials: String = app
        .activities
        .iter()
        .map(|a| {
            a.name
                .chars()
                .next()
                .map_or('?', |ch| ch.to_uppercase().next().unwrap_or(ch))
        })
        .collect();
    let header = row_text(
        &c,
        "",
        &app.cat.get("col-name"),
        &app.cat.get("col-org"),
        &app.cat.get("col-ticket"),
        &initials,
    );
    Line::styled(pad(&header, w), app.theme.header()).render(Rect { height: 1, ..area }, buf);
    let key = app.activity().map(|a| a.key.as_str()).unwrap_or("");
    let rows = usize::from(area.height.saturating_sub(1));
    for (i, hit) in app
        .results
        .hits
        .iter()
        .enumerate()
        .skip(app.scroll)
        .take(rows)
    {
        let Some(a) = app.roster.get(hit.pos as usize) else {
            continue;
        };
        let here = app.roster.since(a.id, key).is_some();
        let mark = if app.is_pending(a.id, key) {
            "…"
        } else if here {
            "✔"
        } else {
            " "
        };
        let marks: String = app
            .activities
            .iter()
            .map(|act| {
                if app.roster.since(a.id, &act.key).is_some() {
                    '✔'
                } else {
                    '·'
                }
            })
            .collect();
        let text = row_text(
            &c,
            mark,
            &a.display_name(),
            a.organisation.as_deref().unwrap_or(""),
            a.ticket.as_deref().unwrap_or(""),
            &marks,
        );
        let y = area.y + 1 + (i - app.scroll) as u16;
        let style = if i == app.selected {
            app.theme.selected()
        } else if here {
            app.theme.mark()
        } else {
            app.theme.base()
        };
        Line::styled(pad(&text, w), style).render(Rect::new(area.x, y, area.width, 1), buf);
    }
}
