//! The import screen: the file chooser, the preview (detection, mapping, counts, problem rows)
//! and the progress of the running steps.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::import::{ImportStage, ImportState, Preview, STEPS};
use super::super::widgets::text::{pad, sanitize};
use super::layout::centered;
use super::overlays::import_frame;

/// Problem rows listed on the preview (the count shows them all).
const LISTED_PROBLEMS: usize = 6;

pub fn render(app: &App, s: &ImportState, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} › ", app.cat.get("import-path")), t.key()),
        Span::raw(sanitize(&s.path)),
        Span::styled("▏", t.key()),
    ])];
    lines.push(Line::raw(""));
    let mut gauge = None;
    match &s.stage {
        ImportStage::Choose => {
            lines.push(Line::styled(app.cat.get("import-files"), t.header()));
            if s.files.is_empty() {
                lines.push(Line::styled(app.cat.get("import-no-files"), t.dim()));
            }
            for (i, f) in s.files.iter().enumerate() {
                let style = if s.selected == Some(i) {
                    t.selected()
                } else {
                    t.base()
                };
                lines.push(Line::styled(pad(&format!("  {}", sanitize(f)), 60), style));
            }
        }
        ImportStage::Working { step, what } => {
            lines.push(Line::styled(what.clone(), t.info()));
            gauge = Some(*step);
        }
        ImportStage::Preview { preview, column } => {
            preview_lines(app, preview, *column, &mut lines)
        }
        ImportStage::Failed(e) => lines.push(Line::styled(
            app.cat
                .fmt("import-failed", &[("error", sanitize(e).into())]),
            t.error(),
        )),
    }
    let extra = u16::from(gauge.is_some());
    let popup = centered(area, 78, lines.len() as u16 + 2 + extra);
    Clear.render(popup, buf);
    let block = import_frame(app);
    let inner = block.inner(popup);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(popup, buf);
    if let Some(step) = gauge
        && inner.height >= 1
    {
        let row = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
        super::super::widgets::progress_bar(step, STEPS, t.ok())
            .label(format!("{step}/{STEPS}"))
            .render(row, buf);
    }
}

fn preview_lines(app: &App, p: &Preview, cursor: usize, lines: &mut Vec<Line<'static>>) {
    let t = &app.theme;
    let separator = match p.delimiter {
        b'\t' => "Tab".to_string(),
        d => format!("'{}'", char::from(d)),
    };
    lines.push(Line::raw(app.cat.fmt(
        "import-encoding",
        &[
            ("encoding", p.encoding.as_str().into()),
            ("separator", separator.into()),
        ],
    )));
    lines.push(Line::styled(app.cat.get("import-mapping"), t.header()));
    for (i, header) in p.headers.iter().enumerate() {
        let field = p.columns.get(i).copied().flatten().map_or_else(
            || app.cat.get("import-ignored"),
            |f| f.label(app.cat.lang()).to_string(),
        );
        let text = app.cat.fmt(
            "import-column",
            &[("header", sanitize(header).into()), ("field", field.into())],
        );
        let style = if i == cursor { t.selected() } else { t.base() };
        lines.push(Line::styled(pad(&format!("  {text}"), 60), style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        app.cat.fmt(
            "import-plan",
            &[
                ("add", p.plan.to_add.len().into()),
                ("update", p.plan.to_update.len().into()),
                ("skip", p.skipped().into()),
            ],
        ),
        t.ok(),
    ));
    if !p.plan.problems.is_empty() {
        lines.push(Line::styled(
            app.cat.fmt(
                "import-problems",
                &[("count", p.plan.problems.len().into())],
            ),
            t.error(),
        ));
        for problem in p.plan.problems.iter().take(LISTED_PROBLEMS) {
            lines.push(Line::styled(
                app.cat.fmt(
                    "import-problem",
                    &[
                        ("line", problem.line.into()),
                        ("reason", sanitize(&problem.reason(app.cat.lang())).into()),
                    ],
                ),
                t.info(),
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(app.cat.get("import-confirm"), t.dim()));
}
