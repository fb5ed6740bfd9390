//! Paper layouts for claim cards: page size and the grid of cells, in PDF points (1/72 inch).

use std::fmt;
use std::str::FromStr;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A4, 2 × 4 cards of 90 × 62 mm with cut marks.
    A4Cards,
    /// A4 label sheets with 3 × 7 labels of 70 × 42.3 mm (no margins).
    A4Labels3x7,
    /// Continuous 62 mm tape (Brother QL and similar), one 62 × 100 mm label per page.
    Label62mm,
}

/// How a cell is arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStyle {
    /// QR on the left, text on the right.
    Side,
    /// QR on top, text below.
    Stacked,
}

/// Page geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub page_w: f32,
    pub page_h: f32,
    pub cols: usize,
    pub rows: usize,
    pub cell_w: f32,
    pub cell_h: f32,
    pub origin_x: f32,
    pub origin_y: f32,
    /// Inner padding of a cell.
    pub pad: f32,
    pub style: CellStyle,
    /// Draw a thin cutting frame around cells.
    pub frame: bool,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::A4Cards, Layout::A4Labels3x7, Layout::Label62mm];

    pub fn name(self) -> &'static str {
        match self {
            Layout::A4Cards => "a4-cards",
            Layout::A4Labels3x7 => "a4-labels-3x7",
            Layout::Label62mm => "label-62mm",
        }
    }

    pub fn geometry(self) -> Geometry {
        let (a4w, a4h) = (mm(210.0), mm(297.0));
        match self {
            Layout::A4Cards => Geometry {
                page_w: a4w,
                page_h: a4h,
                cols: 2,
                rows: 4,
                cell_w: mm(90.0),
                cell_h: mm(62.0),
                origin_x: mm(15.0),
                origin_y: mm(24.5),
                pad: mm(4.0),
                style: CellStyle::Side,
                frame: true,
            },
            Layout::A4Labels3x7 => Geometry {
                page_w: a4w,
                page_h: a4h,
                cols: 3,
                rows: 7,
                cell_w: mm(70.0),
                cell_h: mm(297.0 / 7.0),
                origin_x: 0.0,
                origin_y: 0.0,
                pad: mm(2.5),
                style: CellStyle::Side,
                frame: false,
            },
            Layout::Label62mm => Geometry {
                page_w: mm(62.0),
                page_h: mm(100.0),
                cols: 1,
                rows: 1,
                cell_w: mm(62.0),
                cell_h: mm(100.0),
                origin_x: 0.0,
                origin_y: 0.0,
                pad: mm(3.0),
                style: CellStyle::Stacked,
                frame: false,
            },
        }
    }

    pub fn per_page(self) -> usize {
        let g = self.geometry();
        g.cols * g.rows
    }
}

impl Geometry {
    /// Top-left corner of cell `i` on its page.
    pub fn cell_origin(&self, i: usize) -> (f32, f32) {
        let (col, row) = (
            i % self.cols.max(1),
            (i / self.cols.max(1)) % self.rows.max(1),
        );
        (
            self.origin_x + col as f32 * self.cell_w,
            self.origin_y + row as f32 * self.cell_h,
        )
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layout::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                format!("unknown layout '{s}': use a4-cards, a4-labels-3x7 or label-62mm")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_fit_on_the_page() {
        for l in Layout::ALL {
            let g = l.geometry();
            let (x, y) = g.cell_origin(l.per_page() - 1);
            assert!(x + g.cell_w <= g.page_w + 0.01, "{l}");
            assert!(y + g.cell_h <= g.page_h + 0.01, "{l}");
            assert_eq!(l.name().parse::<Layout>(), Ok(l));
        }
        assert!("a5".parse::<Layout>().is_err());
    }
}
