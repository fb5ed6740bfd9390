//! What gets baked: the payload text, which Open Badges version it belongs to, and how to tell
//! the version from the content (credential JSON, compact JWS or, for 2.0 only, a URL).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The largest payload we bake or accept when unbaking: a credential is a few KB; 4 MiB leaves
/// room for embedded images while bounding what a hostile file can make us hold.
pub const MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

/// Open Badges version a baked payload belongs to; it picks the PNG keyword and the SVG element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// Open Badges 3.0: PNG keyword `openbadgecredential`, SVG `<openbadges:credential>`.
    Ob3,
    /// Open Badges 2.0: PNG keyword `openbadges`, SVG `<openbadges:assertion>`.
    Ob2,
}

impl Version {
    /// The PNG text-chunk keyword for this version.
    pub fn png_keyword(self) -> &'static str {
        match self {
            Version::Ob3 => "openbadgecredential",
            Version::Ob2 => "openbadges",
        }
    }

    /// The XML namespace bound to the `openbadges` prefix in a baked SVG.
    pub fn svg_namespace(self) -> &'static str {
        match self {
            Version::Ob3 => "https://purl.imsglobal.org/ob/v3p0",
            Version::Ob2 => "http://openbadges.org",
        }
    }

    /// The local name of the SVG element carrying the payload.
    pub fn svg_element(self) -> &'static str {
        match self {
            Version::Ob3 => "credential",
            Version::Ob2 => "assertion",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::Ob3 => "Open Badges 3.0",
            Version::Ob2 => "Open Badges 2.0",
        })
    }
}

/// The shape of a payload, which decides how an SVG carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// A JSON document (credential or assertion).
    Json,
    /// A compact JWS (`header.payload.signature`, base64url).
    Jws,
    /// A hosted-assertion URL (Open Badges 2.0 only).
    Url,
    /// Anything else: baked as text, never produced by badgedesk itself.
    Text,
}

/// A payload that can be baked: trimmed, non-empty, free of NUL, at most [`MAX_PAYLOAD_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    version: Version,
    text: String,
}

/// Why a payload cannot be baked (or why its version cannot be told).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the credential is empty")]
    Empty,
    #[error(
        "the credential contains a NUL character at byte {offset}; PNG and SVG text cannot carry it"
    )]
    ContainsNul { offset: usize },
    #[error("the credential is {len} bytes; the limit is {limit} bytes")]
    TooLarge { len: usize, limit: usize },
    #[error(
        "cannot tell which Open Badges version this credential is ({why}); expected an Open Badges 3.0 \
         credential (JSON or JWS) or an Open Badges 2.0 assertion (JSON, JWS or URL)"
    )]
    UnknownVersion { why: String },
}

impl Payload {
    /// A payload for `version`; surrounding whitespace is dropped (it carries no meaning in JSON,
    /// a JWS or a URL, and SVG unbaking cannot keep it).
    pub fn new(version: Version, text: impl Into<String>) -> Result<Payload, PayloadError> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(PayloadError::Empty);
        }
        if trimmed.len() > MAX_PAYLOAD_BYTES {
            return Err(PayloadError::TooLarge {
                len: trimmed.len(),
                limit: MAX_PAYLOAD_BYTES,
            });
        }
        if let Some(offset) = trimmed.bytes().position(|b| b == 0) {
            return Err(PayloadError::ContainsNul { offset });
        }
        let text = if trimmed.len() == text.len() {
            text
        } else {
            trimmed.to_owned()
        };
        Ok(Payload { version, text })
    }

    /// A payload whose version is read from its content: the JSON-LD `@context` of a JSON
    /// document or of a JWS payload; a bare URL is a hosted 2.0 assertion.
    pub fn detect(text: impl Into<String>) -> Result<Payload, PayloadError> {
        let text = text.into();
        let version = detect_version(text.trim())?;
        Payload::new(version, text)
    }

    pub fn version(&self) -> Version {
        self.version
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    pub fn kind(&self) -> PayloadKind {
        kind_of(&self.text)
    }
}

/// The shape of `text` (already trimmed).
pub fn kind_of(text: &str) -> PayloadKind {
    if text.starts_with('{') {
        PayloadKind::Json
    } else if is_compact_jws(text) {
        PayloadKind::Jws
    } else if (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(char::is_whitespace)
    {
        PayloadKind::Url
    } else {
        PayloadKind::Text
    }
}

fn is_compact_jws(text: &str) -> bool {
    let b64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3 && !parts[..2].iter().any(|p| p.is_empty()) && parts.iter().all(|p| b64url(p))
}

fn detect_version(text: &str) -> Result<Version, PayloadError> {
    let unknown = |why: &str| PayloadError::UnknownVersion {
        why: why.to_owned(),
    };
    match kind_of(text) {
        PayloadKind::Url => Ok(Version::Ob2),
        PayloadKind::Json => {
            let value: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| unknown(&format!("the JSON does not parse: {e}")))?;
            version_of_json(&value).ok_or_else(|| unknown("no Open Badges @context"))
        }
        PayloadKind::Jws => {
            let claims = text.split('.').nth(1).unwrap_or_default();
            let bytes = URL_SAFE_NO_PAD
                .decode(claims)
                .map_err(|_| unknown("the JWS payload is not base64url"))?;
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|_| unknown("the JWS payload is not JSON"))?;
            // VC-JWT 1.1 wraps the credential in a `vc` claim; VC-JOSE 2.0 does not.
            version_of_json(&value)
                .or_else(|| value.get("vc").and_then(version_of_json))
                .ok_or_else(|| unknown("no Open Badges @context in the JWS payload"))
        }
        PayloadKind::Text => Err(unknown("it is neither JSON, a compact JWS nor a URL")),
    }
}

fn version_of_json(value: &serde_json::Value) -> Option<Version> {
    let context = value.get("@context")?;
    let urls: Vec<&str> = match context {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    if urls
        .iter()
        .any(|u| u.contains("purl.imsglobal.org/spec/ob/v3p0"))
    {
        Some(Version::Ob3)
    } else if urls.iter().any(|u| {
        u.starts_with("https://w3id.org/openbadges/v2") || u.contains("openbadgespec.org/v2")
    }) {
        Some(Version::Ob2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_trims_and_rejects_bad_text() {
        let p = Payload::new(Version::Ob3, "  {\"a\":1}\n").unwrap();
        assert_eq!(p.text(), "{\"a\":1}");
        assert_eq!(
            Payload::new(Version::Ob3, " \n\t"),
            Err(PayloadError::Empty)
        );
        assert_eq!(
            Payload::new(Version::Ob2, "ab\0c"),
            Err(PayloadError::ContainsNul { offset: 2 })
        );
        let big = "x".repeat(MAX_PAYLOAD_BYTES + 1);
        assert!(matches!(
            Payload::new(Version::Ob3, big),
            Err(PayloadError::TooLarge { .. })
        ));
    }

    #[test]
    fn detects_versions_from_content() {
        let ob3 = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}"#;
        let ob2 = r#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion"}"#;
        assert_eq!(Payload::detect(ob3).unwrap().version(), Version::Ob3);
        assert_eq!(Payload::detect(ob2).unwrap().version(), Version::Ob2);
        assert_eq!(
            Payload::detect("https://example.org/a/1")
                .unwrap()
                .version(),
            Version::Ob2
        );
        let jws2 = format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(ob2));
        assert_eq!(Payload::detect(jws2).unwrap().kind(), PayloadKind::Jws);
        let vc = format!(r#"{{"vc":{ob3}}}"#);
        let jws3 = format!("eyJhbGciOiJFZERTQSJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(vc));
        assert_eq!(Payload::detect(jws3).unwrap().version(), Version::Ob3);
        for bad in ["hello", "{not json", r#"{"@context":"https://schema.org"}"#] {
            assert!(matches!(
                Payload::detect(bad),
                Err(PayloadError::UnknownVersion { .. })
            ));
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("{}"), PayloadKind::Json);
        assert_eq!(kind_of("a.b.c"), PayloadKind::Jws);
        assert_eq!(kind_of("a.b."), PayloadKind::Jws);
        assert_eq!(kind_of("a..c"), PayloadKind::Text);
        assert_eq!(kind_of("a.b"), PayloadKind::Text);
        assert_eq!(kind_of("https://x.org/a"), PayloadKind::Url);
        assert_eq!(kind_of("https://x.org/a b"), PayloadKind::Text);
    }
}
