//! Reusable drawing helpers shared by the screens.

pub mod text;

use ratatui::style::Style;
use ratatui::widgets::Gauge;

/// A progress bar at `done` of `total` (empty when the total is not known yet).
pub fn progress_bar(done: usize, total: usize, style: Style) -> Gauge<'static> {
    let ratio = if total == 0 {
        0.0
    } else {
        done as f64 / total as f64
    };
    Gauge::default()
        .ratio(ratio.clamp(0.0, 1.0))
        .gauge_style(style)
}
