//! Untrusted text made safe for the terminal: control characters shown escaped, and truncation
//! by display width (never by bytes), with an ellipsis.

use unicode_width::UnicodeWidthChar;

/// Replaces control characters (C0, DEL, C1, and bidi overrides) by a visible escape such as
/// `\u{1b}` so names from a CSV can never move the cursor or recolour the screen.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Display width of `s` (zero-width characters count 0, wide ones 2).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` sanitised and cut to at most `max` columns; a cut ends with `…`.
pub fn fit(s: &str, max: usize) -> String {
    let clean = sanitize(s);
    if width(&clean) <= max {
        return clean;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    // "Élodie …" reads worse than "Élodie…".
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    out
}

/// `s` fitted and padded with spaces to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = fit(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("Bob\u{1b}[31m"), "Bob\\u{1b}[31m");
        assert_eq!(sanitize("a\tb\nc"), "a\\u{9}b\\u{a}c");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(sanitize("Élodie"), "Élodie");
    }

    #[test]
    fn truncation_is_by_display_width() {
        let name = "Élodie Ñúñez 🎉";
        assert_eq!(width(name), 15);
        assert_eq!(fit(name, 15), name);
        assert_eq!(fit(name, 14), "Élodie Ñúñez…");
        assert_eq!(width(&fit(name, 14)), 13);
        assert_eq!(fit(name, 7), "Élodie…");
        assert_eq!(fit(name, 1), "…");
        assert_eq!(fit(name, 0), "");
        // A wide character never straddles the limit.
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(width(&pad("日本語", 4)), 4);
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
