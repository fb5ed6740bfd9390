//! The embedded fonts (DejaVu Sans, covers French and Vietnamese) and text measuring, so names
//! shrink or wrap to fit a card instead of running off it.

use rustybuzz::{Face, UnicodeBuffer};

pub const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A font face for measuring.
pub struct Measure {
    face: Face<'static>,
}

impl Measure {
    pub fn new(data: &'static [u8]) -> Option<Measure> {
        Face::from_slice(data, 0).map(|face| Measure { face })
    }

    /// Advance width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut buf = UnicodeBuffer::new();
        buf.push_str(text);
        let out = rustybuzz::shape(&self.face, &[], buf);
        let units: i64 = out
            .glyph_positions()
            .iter()
            .map(|p| i64::from(p.x_advance))
            .sum();
        units as f32 * size / self.face.units_per_em().max(1) as f32
    }

    /// The largest size from `size` down to `min` at which `text` fits `max_w`; at `min`,
    /// the text is cut and ends with `…`.
    pub fn fit(&self, text: &str, mut size: f32, min: f32, max_w: f32) -> (String, f32) {
        while size > min && self.width(text, size) > max_w {
            size -= 0.5;
        }
        let size = size.max(min);
        if self.width(text, size) <= max_w {
            return (text.to_string(), size);
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let cut: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if self.width(&cut, size) <= max_w {
                return (cut, size);
            }
        }
        ("…".to_string(), size)
    }

    /// Greedy word wrap into at most `max_lines` lines; the last line is cut with `…`.
    pub fn wrap(&self, text: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        for word in text.split_whitespace() {
            let candidate = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            if self.width(&candidate, size) <= max_w || cur.is_empty() {
                cur = candidate;
            } else {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        if lines.len() > max_lines {
            let rest = lines.split_off(max_lines.saturating_sub(1)).join(" ");
            lines.push(rest);
        }
        lines
            .into_iter()
            .map(|l| self.fit(&l, size, size, max_w).0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_cover_french_and_vietnamese() {
        let face = Face::from_slice(REGULAR, 0).unwrap();
        let bold = Face::from_slice(BOLD, 0).unwrap();
        for c in "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ«»’ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ…".chars() {
            assert!(face.glyph_index(c).is_some(), "regular lacks {c}");
            assert!(bold.glyph_index(c).is_some(), "bold lacks {c}");
        }
    }

    #[test]
    fn fit_shrinks_then_cuts() {
        let m = Measure::new(REGULAR).unwrap();
        let (t, s) = m.fit("Nguyễn Thị Ngọc Ánh", 12.0, 7.0, 1000.0);
        assert_eq!((t.as_str(), s), ("Nguyễn Thị Ngọc Ánh", 12.0));
        let (t, s) = m.fit("Nguyễn Thị Ngọc Ánh", 12.0, 7.0, 60.0);
        assert!(s < 12.0 && m.width(&t, s) <= 60.0);
        let (t, _) = m.fit(&"W".repeat(200), 12.0, 7.0, 60.0);
        assert!(t.ends_with('…') && m.width(&t, 7.0) <= 60.0);
    }

    #[test]
    fn wrap_respects_width_and_line_count() {
        let m = Measure::new(REGULAR).unwrap();
        let lines = m.wrap(
            "Atelier de robotique : construire un robot sumo en équipe de quatre",
            9.0,
            80.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| m.width(l, 9.0) <= 80.0));
        assert!(lines[1].ends_with('…'));
    }
}
