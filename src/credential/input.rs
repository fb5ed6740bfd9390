//! Getting the credential JSON out of a file given to `verify`: plain JSON (UTF-8, optional
//! BOM) here; baked PNG and SVG through the `bake` module once it is merged.

use super::verify::{InvalidReason, Verdict};

/// Get the credential JSON out of a file's bytes. JSON is returned as is.
///
/// Baked PNG and SVG are read with `bake::unbake`; a 2.0 assertion or a JWS inside is answered
/// with `CouldNotCheck`.
pub fn extract_credential_json(bytes: &[u8], file_name: Option<&str>) -> Result<String, Verdict> {
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = body.trim_ascii_start();
    let looks_baked = body.starts_with(b"\x89PNG\r\n\x1a\n")
        || name.ends_with(".png")
        || trimmed.starts_with(b"<")
        || name.ends_with(".svg");
    if looks_baked {
        let baked = crate::bake::unbake(bytes).map_err(|e| {
            Verdict::invalid(
                InvalidReason::Malformed,
                format!("no credential could be read: {e}"),
            )
        })?;
        if baked.version != crate::bake::Version::Ob3 {
            return Err(Verdict::cannot(
                "this badge carries an Open Badges 2.0 assertion; badgedesk verifies 3.0 credentials",
            ));
        }
        if !baked.payload.trim_start().starts_with('{') {
            return Err(Verdict::cannot(
                "this badge carries a VC-JWT; badgedesk checks eddsa-rdfc-2022 proofs only",
            ));
        }
        return Ok(baked.payload);
    }
    match std::str::from_utf8(body) {
        Ok(text) if text.trim_start().starts_with('{') => Ok(text.to_string()),
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
