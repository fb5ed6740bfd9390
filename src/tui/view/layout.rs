//! Where each part of the desk goes, as a pure function of the screen size. Shared by the views
//! and by `update` (page size, mouse rows) so both agree.

use ratatui::layout::{Constraint, Layout, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskAreas {
    pub title: Rect,
    pub search: Rect,
    pub flash: Rect,
    /// The roster table, header row included.
    pub list: Rect,
    pub detail: Rect,
    pub status: Rect,
}

pub fn desk(area: Rect) -> DeskAreas {
    let [title, search, flash, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    // The detail pane sits on the right when there is room for both.
    let detail_w = if body.width >= 60 {
        (body.width * 2 / 5).clamp(26, 64)
    } else {
        0
    };
    let [list, detail] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(detail_w)]).areas(body);
    DeskAreas {
        title,
        search,
        flash,
        list,
        detail,
        status,
    }
}

/// A popup of at most `w`×`h` centred in `area` (never larger than `area`).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_fit_at_every_size() {
        for (w, h) in [(1, 1), (20, 5), (80, 24), (300, 80), (0, 0)] {
            let area = Rect::new(0, 0, w, h);
            let a = desk(area);
            for r in [a.title, a.search, a.flash, a.list, a.detail, a.status] {
                assert!(area.contains(r.as_position()) || r.area() == 0 || area.area() == 0);
                assert!(
                    r.right() <= area.right() && r.bottom() <= area.bottom(),
                    "{w}x{h} {r:?}"
                );
            }
        }
        let a = desk(Rect::new(0, 0, 80, 24));
        assert_eq!(a.list.height, 20);
        assert_eq!(a.detail.width, 32);
        assert_eq!(
            centered(Rect::new(0, 0, 10, 4), 40, 12),
            Rect::new(0, 0, 10, 4)
        );
    }
}
