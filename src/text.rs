//! Text helpers shared by import, search and display: normalisation as stored, and the folded
//! form used for matching ("Hélène" → "helene", "Œuvray" → "oeuvray").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trim, NFC, and collapse runs of white space into one ASCII space.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Case- and accent-insensitive key: NFKD, drop combining marks, expand ligatures, lowercase.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'Œ' | 'œ' => out.push_str("oe"),
            'Æ' | 'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'Ø' | 'ø' => out.push('o'),
            'Đ' | 'đ' => out.push('d'),
            'Ł' | 'ł' => out.push('l'),
            '’' | 'ʼ' | '‘' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_collapses_and_composes() {
        assert_eq!(clean("  He\u{301}le\u{300}ne \t  Dupont "), "Hélène Dupont");
    }

    #[test]
    fn fold_strips_accents_case_and_ligatures() {
        assert_eq!(fold("Hélène"), "helene");
        assert_eq!(fold("ŒUVRAY"), "oeuvray");
        assert_eq!(fold("Nguyễn Thị Ngọc"), "nguyen thi ngoc");
        assert_eq!(fold("N’Diaye"), "n'diaye");
        assert_eq!(fold("Đặng"), "dang");
    }
}
