//! Getting the credential out of a file given to `verify`: plain JSON (UTF-8, optional BOM), or
//! a baked PNG/SVG read as a verifier reads it (first 3.0 credential; oddities become notes).

use super::conformance::Problem;
use super::verify::{InvalidReason, Verdict};
use crate::bake::{self, Version};

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An Open Badges 3.0 credential (JSON text).
    Ob3(String),
    /// An Open Badges 2.0 assertion (JSON text).
    Ob2(String),
    /// A 2.0 badge baked with only its hosted assertion URL.
    Ob2Url(String),
}

/// A file's credential, with notes on its container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub kind: Kind,
    pub notes: Vec<Problem>,
}

/// Get the credential JSON out of a file's bytes. JSON is returned as is (2.0 assertions are told
/// apart later, by their content). A JWS, or a 2.0 badge baked with only its hosted URL, is
/// answered with `CouldNotCheck`.
pub fn extract(bytes: &[u8], file_name: Option<&str>) -> Result<Extracted, Verdict> {
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = body.trim_ascii_start();
    let looks_baked = body.starts_with(b"\x89PNG\r\n\x1a\n")
        || name.ends_with(".png")
        || trimmed.starts_with(b"<")
        || name.ends_with(".svg");
    if looks_baked {
        let (baked, notes) = bake::unbake_leniently(bytes).map_err(|e| {
            Verdict::invalid(
                InvalidReason::Malformed,
                format!("no credential could be read: {e}"),
            )
        })?;
        let notes = notes
            .into_iter()
            .map(|n| Problem {
                path: n.location,
                en: n.en,
                fr: n.fr,
            })
            .collect();
        let payload = baked.payload;
        let json = payload.trim_start().starts_with('{');
        let kind = match baked.version {
            Version::Ob3 if json => Kind::Ob3(payload),
            Version::Ob2 if json => Kind::Ob2(payload),
            Version::Ob2 if payload.contains("://") => Kind::Ob2Url(payload),
            Version::Ob3 => {
                return Err(Verdict::cannot(
                    "this badge carries a VC-JWT; badgedesk checks eddsa-rdfc-2022 proofs only",
                ));
            }
            Version::Ob2 => {
                return Err(Verdict::cannot(
                    "this badge carries a signed Open Badges 2.0 assertion (JWS); its key must be fetched from the network",
                ));
            }
        };
        return Ok(Extracted { kind, notes });
    }
    match std::str::from_utf8(body) {
        Ok(text) if text.trim_start().starts_with('{') => Ok(Extracted {
            kind: Kind::Ob3(text.to_string()),
            notes: Vec::new(),
        }),
        Ok(text)
            if text.trim().split('.').count() == 3
                && !text.trim().contains(char::is_whitespace) =>
        {
            Err(Verdict::cannot(
                "this is a VC-JWT; badgedesk checks eddsa-rdfc-2022 proofs only",
            ))
        }
        Ok(_) => Err(Verdict::invalid(
            InvalidReason::Malformed,
            "not a JSON credential, PNG or SVG",
        )),
        Err(_) => Err(Verdict::invalid(
            InvalidReason::Malformed,
            "not UTF-8 text, PNG or SVG",
        )),
    }
}
