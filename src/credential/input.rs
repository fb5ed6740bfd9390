//! Getting the credential JSON out of a file given to `verify`: plain JSON (UTF-8, optional
//! BOM) here; baked PNG and SVG through the `bake` module once it is merged.

use super::verify::{InvalidReason, Verdict};

/// Get the credential JSON out of a file's bytes. JSON is returned as is.
///
/// MERGE POINT: baked PNG and SVG are read by `bake::unbake` (branch `bake`); until it is
/// plugged in here, they are answered with `CouldNotCheck`.
pub fn extract_credential_json(bytes: &[u8], file_name: Option<&str>) -> Result<String, Verdict> {
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = body.trim_ascii_start();
    if body.starts_with(b"\x89PNG\r\n\x1a\n") || name.ends_with(".png") {
        return Err(Verdict::cannot(
            "reading baked PNG badges is not available in this build yet (bake::unbake)",
        ));
    }
    if trimmed.starts_with(b"<") || name.ends_with(".svg") {
        return Err(Verdict::cannot(
            "reading baked SVG badges is not available in this build yet (bake::unbake)",
        ));
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
