//! Cell normalisation (trim, NFC, collapsed spaces: `crate::text::clean`, with a fast path for
//! cells that are already clean) and e-mail validation and normalisation.

use unicode_normalization::{IsNormalized, is_nfc_quick};

use crate::text::clean;

/// `text::clean`, without re-allocating twice for the common already-clean cell.
pub fn clean_cell(s: &str) -> String {
    if is_clean(s) { s.to_owned() } else { clean(s) }
}

fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
        } else if c.is_whitespace() {
            return false;
        } else {
            prev_space = false;
        }
    }
    s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// The form an e-mail is stored and compared in: cleaned, a `mailto:` prefix dropped, then
/// lowercased as a whole. `None` when it is not a usable address.
///
/// Accepted: one `@`; a local part of at most 64 bytes without spaces, controls, `()<>[]\,;:"`,
/// or leading, trailing or doubled dots; a domain of at least two dot-separated labels of
/// letters (any script), digits and inner hyphens. International addresses
/// (`zoé@exemple.fr`, `用户@例子.中国`) pass.
pub fn email(raw: &str) -> Option<String> {
    let cleaned = clean_cell(raw);
    let s = cleaned
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| cleaned.get(7..))
        .unwrap_or(&cleaned);
    let (local, domain) = s.split_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.len() > 253 {
        return None;
    }
    let bad_local = |c: char| c.is_whitespace() || c.is_control() || "()<>[]\\,;:\"@".contains(c);
    if local.chars().any(bad_local)
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return None;
    }
    let mut labels = 0;
    for label in domain.split('.') {
        labels += 1;
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return None;
        }
    }
    if labels < 2 {
        return None;
    }
    Some(s.to_lowercase())
}

/// The key a ticket number is compared by: trimmed and folded (case and accents ignored), the
/// same key the store's unique index uses.
pub fn ticket_key(ticket: &str) -> String {
    super::dedupe::fold_fast(ticket.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_cell_matches_text_clean() {
        for s in [
            "Hélène",
            " a  b ",
            "He\u{301}le\u{300}ne",
            "x\ty",
            "",
            "Nguyễn Thị Ngọc",
        ] {
            assert_eq!(clean_cell(s), clean(s), "{s:?}");
        }
    }

    #[test]
    fn emails_international_and_normalised() {
        assert_eq!(
            email(" HELENE.LEFEVRE@EXEMPLE.FR ").as_deref(),
            Some("helene.lefevre@exemple.fr")
        );
        assert_eq!(
            email("maël.lefèvre@exemple.fr").as_deref(),
            Some("maël.lefèvre@exemple.fr")
        );
        assert_eq!(email("用户@例子.中国").as_deref(), Some("用户@例子.中国"));
        assert_eq!(email("mailto:a+tag@x.org").as_deref(), Some("a+tag@x.org"));
        assert_eq!(
            email("O'Neil@x-y.co.uk").as_deref(),
            Some("o'neil@x-y.co.uk")
        );
        for bad in [
            "",
            "a",
            "a@",
            "@b.c",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a..b@c.d",
            "a@-b.c",
            "a@b.c;d@e.f",
            "a@b@c.d",
            ".a@b.c",
        ] {
            assert_eq!(email(bad), None, "{bad:?}");
        }
    }
}
