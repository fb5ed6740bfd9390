//! The closing-time issue screen: the preview per achievement (will be issued / already issued /
//! blocked with the reason), then the progress bar with rate and time left, then the summary
//! and the offer to print the claim cards just issued.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::issuing::{IssueScreen, PlanRow, PrintState, ScreenStage, Summary};
use super::super::widgets::text::{fit, pad, sanitize, width};

/// Blocked people listed by name before "and N more".
const BLOCKED_SHOWN: usize = 5;

pub fn render(app: &App, screen: &IssueScreen, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(Span::styled(
            format!(" {} ", app.cat.get("issue-title")),
            app.theme.header(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    match &screen.stage {
        ScreenStage::Loading => {
            Line::styled(app.cat.get("issue-planning"), app.theme.info()).render(inner, buf)
        }
        ScreenStage::Failed(e) => Paragraph::new(vec![
            Line::styled(
                app.cat
                    .fmt("issue-plan-failed", &[("error", sanitize(e).into())]),
                app.theme.error(),
            ),
            Line::raw(""),
            Line::styled(app.cat.get("issue-close"), app.theme.dim()),
        ])
        .wrap(Wrap { trim: false })
        .render(inner, buf),
        ScreenStage::Preview { rows, scroll } => preview(app, rows, *scroll, inner, buf),
        ScreenStage::Running {
            done,
            total,
            rate,
            remaining,
            cancelling,
            ..
        } => running(
            app,
            (*done, *total),
            *rate,
            *remaining,
            *cancelling,
            inner,
            buf,
        ),
        ScreenStage::Done(summary) => done(app, summary, screen.print.as_ref(), inner, buf),
    }
}

fn preview(app: &App, rows: &[PlanRow], scroll: usize, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    let num = 9;
    let name_w = w.saturating_sub(3 * (num + 1));
    let cols = |a: &str, b: &str, c: &str, d: &str| {
        format!(
            "{}{}{}{}",
            pad(a, name_w),
            right(b, num + 1),
            right(c, num + 1),
            right(d, num + 1)
        )
    };
    let mut lines = vec![Line::styled(
        cols(
            &app.cat.get("issue-col-badge"),
            &app.cat.get("issue-col-new"),
            &app.cat.get("issue-col-already"),
            &app.cat.get("issue-col-blocked"),
        ),
        app.theme.header(),
    )];
    for r in rows {
        let style = if r.to_issue.is_empty() {
            app.theme.dim()
        } else {
            app.theme.base()
        };
        lines.push(Line::styled(
            cols(
                &r.name,
                &r.to_issue.len().to_string(),
                &r.already.to_string(),
                &r.blocked.len().to_string(),
            ),
            style,
        ));
    }
    let total: usize = rows.iter().map(|r| r.to_issue.len()).sum();
    let mut details: Vec<Line> = Vec::new();
    for r in rows.iter().filter(|r| !r.blocked.is_empty()) {
        details.push(Line::styled(
            app.cat.fmt(
                "issue-blocked-title",
                &[
                    ("badge", sanitize(&r.name).into()),
                    ("count", r.blocked.len().into()),
                ],
            ),
            app.theme.info(),
        ));
        for (name, why) in r.blocked.iter().take(BLOCKED_SHOWN) {
            details.push(Line::raw(format!(
                "  {} — {}",
                sanitize(name),
                sanitize(why)
            )));
        }
        if r.blocked.len() > BLOCKED_SHOWN {
            details.push(Line::styled(
                app.cat.fmt(
                    "issue-blocked-more",
                    &[("count", (r.blocked.len() - BLOCKED_SHOWN).into())],
                ),
                app.theme.dim(),
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(details.into_iter().skip(scroll));
    let footer = if total == 0 {
        Line::styled(app.cat.get("issue-nothing"), app.theme.info())
    } else {
        Line::styled(
            app.cat.fmt("issue-confirm", &[("count", total.into())]),
            app.theme.key(),
        )
    };
    let body = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(body, buf);
    if area.height >= 2 {
        footer.render(Rect::new(area.x, area.bottom() - 1, area.width, 1), buf);
    }
}

/// `s` right-aligned in `cols` columns.
fn right(s: &str, cols: usize) -> String {
    let s = fit(s, cols);
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(&s))))
}

/// "42 s", "3 min 05 s".
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

fn running(
    app: &App,
    (done, total): (usize, usize),
    rate: Option<f64>,
    remaining: Option<Duration>,
    cancelling: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut lines = vec![Line::styled(
        app.cat.fmt(
            "issue-progress",
            &[("done", done.into()), ("total", total.into())],
        ),
        app.theme.header(),
    )];
    let pace = match (rate, remaining) {
        (Some(r), Some(left)) => app.cat.fmt(
            "issue-rate",
            &[
                ("rate", format!("{r:.0}").into()),
                ("left", duration(left).into()),
            ],
        ),
        _ => app.cat.get("issue-rate-unknown"),
    };
    lines.push(Line::raw(""));
    lines.push(Line::raw(pace));
    lines.push(Line::raw(""));
    lines.push(if cancelling {
        Line::styled(app.cat.get("issue-cancelling"), app.theme.info())
    } else {
        Line::styled(app.cat.get("issue-cancel-hint"), app.theme.dim())
    });
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
    if area.height >= 2 {
        super::super::widgets::progress_bar(done, total, app.theme.ok())
            .render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
    }
}

fn done(app: &App, s: &Summary, print: Option<&PrintState>, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut lines = Vec::new();
    let n = s.issued.len();
    let head = if s.cancelled {
        app.cat
            .fmt("issue-summary-cancelled", &[("count", n.into())])
    } else {
        app.cat.fmt(
            "issue-summary-done",
            &[("count", n.into()), ("time", duration(s.elapsed).into())],
        )
    };
    lines.push(Line::styled(
        head,
        if s.cancelled { t.info() } else { t.ok() },
    ));
    if let Some(e) = &s.error {
        lines.push(Line::styled(
            app.cat
                .fmt("issue-summary-error", &[("error", sanitize(e).into())]),
            t.error(),
        ));
    }
    if s.skipped > 0 {
        lines.push(Line::raw(
            app.cat
                .fmt("issue-summary-skipped", &[("count", s.skipped.into())]),
        ));
    }
    if s.blocked > 0 {
        lines.push(Line::raw(
            app.cat
                .fmt("issue-summary-blocked", &[("count", s.blocked.into())]),
        ));
    }
    lines.push(Line::raw(""));
    match print {
        None if n > 0 => lines.push(Line::styled(
            app.cat.fmt("issue-print-offer", &[("count", n.into())]),
            t.key(),
        )),
        None => {}
        Some(PrintState::Running) => {
            lines.push(Line::styled(app.cat.get("issue-printing"), t.info()))
        }
        Some(PrintState::Done { path, count }) => lines.push(Line::styled(
            app.cat.fmt(
                "issue-printed",
                &[
                    ("count", (*count).into()),
                    ("path", sanitize(&path.display().to_string()).into()),
                ],
            ),
            t.ok(),
        )),
        Some(PrintState::Failed(e)) => lines.push(Line::styled(
            app.cat
                .fmt("print-failed", &[("error", sanitize(e).into())]),
            t.error(),
        )),
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(app.cat.get("issue-close"), t.dim()));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
