//! Bytes → text: the encoding is taken from `--encoding`, else a byte-order mark, else UTF-8
//! when the bytes are UTF-8, else UTF-16 guessed from its NUL pattern, else Windows-1252 (what
//! Excel writes for "CSV (séparateur : point-virgule)" on a French Windows).

use std::borrow::Cow;

use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::ImportError;

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecodedBy {
    /// `--encoding`.
    Option,
    /// A byte-order mark at the start of the file.
    Bom,
    /// The whole file is valid UTF-8.
    ValidUtf8,
    /// Mostly UTF-8 with a few invalid bytes (reported as problems on their rows).
    Utf8WithErrors,
    /// No BOM, but every other byte is NUL: UTF-16.
    Utf16Pattern,
    /// Not UTF-8: Windows-1252, which decodes any byte.
    Fallback,
}

/// The encoding's name as encoding_rs spells it ("UTF-8", "windows-1252", "UTF-16LE").
pub type Encoding = &'static str;

/// Decoded text and how it was obtained.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    pub by: DecodedBy,
    /// Some bytes were invalid and replaced by U+FFFD.
    pub had_errors: bool,
}

/// Decode `bytes`, honouring an explicit encoding label.
pub fn decode<'a>(bytes: &'a [u8], label: Option<&str>) -> Result<Decoded<'a>, ImportError> {
    if let Some(label) = label {
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            ImportError::UnknownEncoding {
                label: label.to_string(),
            }
        })?;
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        return Ok(Decoded {
            text,
            encoding: enc.name(),
            by: DecodedBy::Option,
            had_errors,
        });
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, had_errors) = enc.decode_without_bom_handling(rest);
        return Ok(Decoded {
            text,
            encoding: enc.name(),
            by: DecodedBy::Bom,
            had_errors,
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Some(enc) = utf16_pattern(bytes) {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            return Ok(Decoded {
                text,
                encoding: enc.name(),
                by: DecodedBy::Utf16Pattern,
                had_errors,
            });
        }
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8.name(),
            by: DecodedBy::ValidUtf8,
            had_errors: false,
        });
    }
    if let Some(enc) = utf16_pattern(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        return Ok(Decoded {
            text,
            encoding: enc.name(),
            by: DecodedBy::Utf16Pattern,
            had_errors,
        });
    }
    // A UTF-8 file with a few broken bytes keeps its good accents; a Windows-1252 file has
    // next to no valid multi-byte UTF-8 sequences.
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    if multibyte > invalid {
        return Ok(Decoded {
            text: String::from_utf8_lossy(bytes),
            encoding: UTF_8.name(),
            by: DecodedBy::Utf8WithErrors,
            had_errors: true,
        });
    }
    let (text, had_errors) = WINDOWS_1252.decode_without_bom_handling(bytes);
    Ok(Decoded {
        text,
        encoding: WINDOWS_1252.name(),
        by: DecodedBy::Fallback,
        had_errors,
    })
}

/// UTF-16 without a BOM: in the first kilobyte, most bytes on one parity are NUL and almost
/// none on the other (text in Latin scripts).
fn utf16_pattern(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(1024))?;
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        if pair.first() == Some(&0) {
            even += 1;
        }
        if pair.get(1) == Some(&0) {
            odd += 1;
        }
    }
    if odd * 10 >= pairs * 7 && even * 10 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("Nom;Prénom\n".as_bytes(), None).unwrap();
        assert_eq!((d.encoding, d.by), ("UTF-8", DecodedBy::ValidUtf8));
        assert!(matches!(d.text, Cow::Borrowed(_)));
        let d = decode(b"\xEF\xBB\xBFNom;Pr\xC3\xA9nom\n", None).unwrap();
        assert_eq!((d.encoding, d.by), ("UTF-8", DecodedBy::Bom));
        assert_eq!(d.text, "Nom;Prénom\n");
    }

    #[test]
    fn windows_1252_fallback() {
        let d = decode(b"Nom;Pr\xE9nom\n\x8Cuvray;H\xE9l\xE8ne\n", None).unwrap();
        assert_eq!((d.encoding, d.by), ("windows-1252", DecodedBy::Fallback));
        assert_eq!(d.text, "Nom;Prénom\nŒuvray;Hélène\n");
    }

    #[test]
    fn utf16_with_bom_and_by_pattern() {
        let bytes = utf16le("Nom\tPrénom\n", true);
        let d = decode(&bytes, None).unwrap();
        assert_eq!((d.encoding, d.by), ("UTF-16LE", DecodedBy::Bom));
        assert_eq!(d.text, "Nom\tPrénom\n");
        let bytes = utf16le("Nom\tPrénom\nDupont\tHélène\n", false);
        let d = decode(&bytes, None).unwrap();
        assert_eq!((d.encoding, d.by), ("UTF-16LE", DecodedBy::Utf16Pattern));
        assert_eq!(d.text, "Nom\tPrénom\nDupont\tHélène\n");
    }

    #[test]
    fn mostly_utf8_keeps_utf8_and_flags_errors() {
        let d = decode("Hélène;Zoé\nL\u{e9}a;x\n".as_bytes(), None).unwrap();
        assert!(!d.had_errors);
        let d = decode(b"H\xC3\xA9l\xC3\xA8ne;Zo\xC3\xA9\nL\xE9a;x\n", None).unwrap();
        assert_eq!(d.by, DecodedBy::Utf8WithErrors);
        assert_eq!(d.text, "Hélène;Zoé\nL\u{FFFD}a;x\n");
    }

    #[test]
    fn explicit_label() {
        let d = decode(b"H\xE9l\xE8ne", Some("latin1")).unwrap();
        assert_eq!((d.text.as_ref(), d.by), ("Hélène", DecodedBy::Option));
        assert!(decode(b"x", Some("klingon")).is_err());
    }
}
