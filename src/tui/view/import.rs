//! The import screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::import::{ImportStage, ImportState};
use super::super::widgets::text::{pad, sanitize};
use super::layout::centered;
use super::overlays::import_frame;

pub fn render(app: &App, s: &ImportState, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} › ", app.cat.get("import-path")), t.key()),
        Span::raw(sanitize(&s.path)),
        Span::styled("▏", t.key()),
    ])];
    lines.push(Line::raw(""));
    match &s.stage {
        ImportStage::Choose => {
            lines.push(Line::styled(app.cat.get("import-files"), t.header()));
            if s.files.is_empty() {
                lines.push(Line::styled(app.cat.get("import-no-files"), t.dim()));
            }
            for (i, f) in s.files.iter().enumerate() {
                let style = if s.selected == Some(i) { t.selected() } else { t.base() };
                lines.push(Line::styled(pad(&format!("  {f}"), 60), style));
            }
        }
        ImportStage::Working(what) => lines.push(Line::styled(what.clone(), t.info())),
        ImportStage::Failed(e) => lines.push(Line::styled(
            app.cat.fmt("import-failed", &[("error", sanitize(e).into())]),
            t.error(),
        )),
    }
    let popup = centered(area, 76, lines.len() as u16 + 2);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(import_frame(app))
        .render(popup, buf);
}
