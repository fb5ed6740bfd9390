//! Plain-text tables for the terminal, aligned by display width (accents, CJK, emoji).

use unicode_width::UnicodeWidthStr;

/// Render rows under a header, columns separated by two spaces; control characters escaped.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| {
        s.chars()
            .flat_map(char::escape_debug_if_control)
            .collect::<String>()
    };
    let header: Vec<String> = header.iter().map(|h| clean(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.width())
                    + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `escape_debug` only for control characters, so names stay readable.
trait EscapeControl {
    fn escape_debug_if_control(self) -> Vec<char>;
}

impl EscapeControl for char {
    fn escape_debug_if_control(self) -> Vec<char> {
        if self.is_control() {
            self.escape_default().collect()
        } else {
            vec![self]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_by_display_width_and_escapes_controls() {
        let out = render(
            &["Nom", "Billet"],
            &[
                vec!["Élodie Ñúñez 🎉".into(), "A1".into()],
                vec!["Bo\tb".into(), "B2".into()],
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "Élodie Ñúñez 🎉  A1");
        assert_eq!(lines[2], "Bo\\tb            B2");
        assert_eq!(lines[0], "Nom              Billet");
    }
}
