//! Rendering the desk into a TestBackend and reading the buffer back as text, for the TUI
//! screen tests.

use badgedesk::tui::app::App;
use badgedesk::tui::view::DeskView;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| f.render_widget(DeskView(app), f.area()))
        .expect("draw");
    term.backend().buffer().clone()
}

/// The text of one row; the filler cell after a wide character is skipped.
pub fn row(buf: &Buffer, y: u16) -> String {
    let mut s = String::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        let sym = buf[(x, y)].symbol();
        if skip > 0 {
            skip -= 1;
            continue;
        }
        skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        s.push_str(sym);
    }
    s
}

pub fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}
