//! The claim card after a desk issue: the claim QR in half blocks (black ink on white paper set
//! explicitly, so it scans on dark and light terminals, even with NO_COLOR: the colours are what
//! makes it a QR code), the badge, the claim link; the link alone when the terminal is too small,
//! and the badge file (with the reason) when the event has no claim address.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::issuing::ReadyCard;
use super::super::keymap::{self, Context};
use super::super::widgets::text::sanitize;
use crate::qr::{self, QrMatrix};

/// The QR's colours: ink and paper, as `qr::INK_ANSI256` / `qr::PAPER_ANSI256` ask.
pub fn qr_style() -> Style {
    Style::new()
        .fg(Color::Indexed(qr::INK_ANSI256))
        .bg(Color::Indexed(qr::PAPER_ANSI256))
}

/// Narrowest text column beside the QR.
const TEXT_MIN: u16 = 24;
/// Smallest quiet zone drawn when the full one does not fit (phones read 2 modules well).
pub const MIN_QUIET: usize = 2;

/// Where the QR goes: the quiet zone kept, its size in cells, and whether text goes beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrFit {
    pub quiet: usize,
    pub cols: u16,
    pub rows: u16,
    pub beside: bool,
}

/// The largest quiet zone (4 down to 2 modules) with which the QR fits in `area` with its text
/// beside it or below it; None when it cannot fit at all.
pub fn fit(m: &QrMatrix, area: Rect) -> Option<QrFit> {
    let inner = m.width().saturating_sub(2 * qr::QUIET_ZONE);
    (MIN_QUIET..=qr::QUIET_ZONE).rev().find_map(|quiet| {
        let side = inner + 2 * quiet;
        let cols = u16::try_from(side).ok()?;
        let rows = u16::try_from(side.div_ceil(2)).ok()?;
        if rows <= area.height && cols.saturating_add(TEXT_MIN + 1) <= area.width {
            Some(QrFit {
                quiet,
                cols,
                rows,
                beside: true,
            })
        } else if cols <= area.width && rows.saturating_add(4) <= area.height {
            Some(QrFit {
                quiet,
                cols,
                rows,
                beside: false,
            })
        } else {
            None
        }
    })
}

/// Draws the QR at (x, y) with `quiet` modules of quiet zone.
pub fn draw_qr(m: &QrMatrix, quiet: usize, f: QrFit, x: u16, y: u16, buf: &mut Buffer) {
    let skip = qr::QUIET_ZONE.saturating_sub(quiet);
    let style = qr_style();
    for line in 0..f.rows {
        for col in 0..f.cols {
            let mx = usize::from(col) + skip;
            let my = 2 * usize::from(line) + skip;
            // Past the crop, modules are quiet zone: light.
            let inside = |v: usize| v < skip + usize::from(f.cols);
            let top = inside(my) && m.is_dark(mx, my);
            let bottom = inside(my + 1) && m.is_dark(mx, my + 1);
            let symbol = match (top, bottom) {
                (true, true) => "█",
                (true, false) => "▀",
                (false, true) => "▄",
                (false, false) => " ",
            };
            if let Some(cell) = buf.cell_mut((x + col, y + line)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}

pub fn render(app: &App, card: &ReadyCard, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let Some(item) = card.items.get(card.shown).or(card.items.first()) else {
        return waiting(app, card, area, buf);
    };
    let t = &app.theme;
    let mut text: Vec<Line> = Vec::new();
    text.push(Line::styled(app.cat.get("card-title"), t.header()));
    text.push(Line::raw(sanitize(&card.name)));
    let mut badge = vec![Span::styled(sanitize(&item.achievement_name), t.ok())];
    if card.items.len() > 1 {
        let of = app.cat.fmt(
            "card-count",
            &[
                ("n", (card.shown + 1).into()),
                ("total", card.items.len().into()),
            ],
        );
        badge.push(Span::styled(format!(" ({of})"), t.dim()));
    }
    text.push(Line::from(badge));
    if item.already {
        text.push(Line::styled(app.cat.get("card-already"), t.info()));
    }
    if !card.waiting.is_empty() {
        let more = app
            .cat
            .fmt("card-waiting-more", &[("count", card.waiting.len().into())]);
        text.push(Line::styled(more, t.info()));
    }
    text.push(Line::raw(""));
    let placed = item.qr.as_ref().and_then(|m| fit(m, area).map(|f| (m, f)));
    match (&item.claim_url, placed) {
        (Some(url), Some(_)) => {
            text.push(Line::styled(app.cat.get("card-scan"), t.base()));
            text.push(Line::raw(""));
            text.push(Line::styled(sanitize(url), t.key()));
        }
        (Some(url), None) => {
            text.push(Line::styled(app.cat.get("card-too-small"), t.info()));
            text.push(Line::raw(""));
            text.push(Line::styled(sanitize(url), t.key()));
        }
        (None, _) => {
            text.push(Line::styled(app.cat.get("card-no-base-url"), t.info()));
            text.push(Line::raw(""));
            text.push(Line::styled(
                sanitize(&item.file.display().to_string()),
                t.key(),
            ));
        }
    }
    text.push(Line::raw(""));
    match &card.printed {
        Some(Ok(path)) => text.push(Line::styled(
            app.cat.fmt(
                "card-printed",
                &[("path", sanitize(&path.display().to_string()).into())],
            ),
            t.ok(),
        )),
        Some(Err(e)) => text.push(Line::styled(sanitize(e), t.error())),
        None => {}
    }
    text.extend(key_lines(app, card));
    if let Some(took) = app.issuing.last_ready {
        text.push(Line::styled(
            app.cat.fmt(
                "card-ready-in",
                &[("ms", took.as_millis().to_string().into())],
            ),
            t.dim(),
        ));
    }
    let text_area = match placed {
        Some((m, f)) => {
            let y = area.y + (area.height - f.rows.min(area.height)) / 2;
            draw_qr(
                m,
                f.quiet,
                f,
                area.x,
                if f.beside { y } else { area.y },
                buf,
            );
            if f.beside {
                Rect::new(
                    area.x + f.cols + 1,
                    area.y,
                    area.width - f.cols - 1,
                    area.height,
                )
            } else {
                Rect::new(area.x, area.y + f.rows, area.width, area.height - f.rows)
            }
        }
        None => area,
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .render(text_area, buf);
}

/// The card's keys, those that apply to it.
fn key_lines(app: &App, card: &ReadyCard) -> Vec<Line<'static>> {
    let t = &app.theme;
    let fr = app.cat.lang() == crate::i18n::Lang::Fr;
    keymap::help_lines(Context::IssueCard, fr)
        .into_iter()
        .filter(|(_, help)| {
            !((*help == "key-other-badge" && card.items.len() < 2)
                || *help == "key-quit"
                || (*help == "key-print" && card.items.is_empty()))
        })
        .map(|(keys, help)| {
            Line::from(vec![
                Span::styled(keys, t.key()),
                Span::styled(format!(" {}", app.cat.get(help)), t.dim()),
            ])
        })
        .collect()
}

/// A card with nothing to claim yet: the badges asked of the issuing desk (a desk without the
/// key); the QR replaces this when the credential comes through the hub.
fn waiting(app: &App, card: &ReadyCard, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut text: Vec<Line> = vec![
        Line::styled(app.cat.get("card-title"), t.header()),
        Line::raw(sanitize(&card.name)),
    ];
    for key in &card.waiting {
        text.push(Line::styled(
            sanitize(&app.issuing.achievement_name(key)),
            t.ok(),
        ));
    }
    text.push(Line::raw(""));
    text.push(Line::styled(app.cat.get("card-waiting"), t.info()));
    text.push(Line::raw(""));
    text.extend(key_lines(app, card));
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
