//! SVG baking: bind the `openbadges` prefix on the root `<svg>` and put one
//! `<openbadges:credential>` (3.0) or `<openbadges:assertion>` (2.0) right after the root start
//! tag, removing earlier ones; every other byte of the document stays as it was.

use super::error::SvgError;
use super::payload::{Payload, PayloadKind, Version};
use super::svg_scan::{Credential, scan};

/// Bakes `payload` into the SVG document `image`.
pub(crate) fn bake(image: &[u8], payload: &Payload) -> Result<Vec<u8>, SvgError> {
    let element = element_for(payload)?;
    let doc = scan(image)?;
    let text = doc.text;
    let root = &doc.root;
    let ns = payload.version().svg_namespace();
    let mut out = String::with_capacity(text.len() + element.len() + 64);

    // The root start tag: bind the prefix (insert, or rewrite only the old value's bytes).
    let head = text.get(..root.span.end).unwrap_or_default();
    match &root.openbadges_ns {
        Some((_, value)) if value == ns => out.push_str(head),
        Some((range, _)) => {
            out.push_str(text.get(..range.start).unwrap_or_default());
            out.push_str(ns);
            out.push_str(text.get(range.end..root.span.end).unwrap_or_default());
        }
        None => {
            let after_name = root.span.start + 1 + root.name.len();
            out.push_str(text.get(..after_name).unwrap_or_default());
            out.push_str(&format!(" xmlns:openbadges=\"{ns}\""));
            out.push_str(text.get(after_name..root.span.end).unwrap_or_default());
        }
    }
    if root.empty {
        // `<svg …/>` becomes `<svg …>` + element + `</svg>`.
        let without_slash = out
            .trim_end_matches('>')
            .trim_end_matches('/')
            .trim_end()
            .len();
        out.truncate(without_slash);
        out.push('>');
        out.push_str(&element);
        out.push_str(&format!("</{}>", root.name));
    } else {
        out.push_str(&element);
    }

    // The rest, minus earlier credential elements.
    let mut at = root.span.end;
    for old in &doc.credentials {
        out.push_str(text.get(at..old.span.start).unwrap_or_default());
        at = old.span.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Ok(out.into_bytes())
}

/// Credential elements of the document, decoded.
pub(crate) fn find(bytes: &[u8]) -> Result<Vec<Credential>, SvgError> {
    Ok(scan(bytes)?.credentials)
}

/// The payload of one credential element: the body when it has one, else `verify`.
pub(crate) fn text_of(found: Credential) -> Result<String, SvgError> {
    let body = found.body?;
    if !body.trim().is_empty() {
        return Ok(body);
    }
    match found.verify {
        Some(verify) => verify,
        None => Ok(String::new()),
    }
}

/// The element for `payload`: a JWS (or 2.0 URL) in `verify`, anything else in CDATA; a 2.0
/// JSON assertion also gets `verify` = its hosted `id`, which some backpacks read alone.
fn element_for(payload: &Payload) -> Result<String, SvgError> {
    check_xml_chars(payload.text())?;
    let version = payload.version();
    let name = format!("openbadges:{}", version.svg_element());
    let text = payload.text();
    let verify = match (payload.kind(), version) {
        (PayloadKind::Jws, _) | (PayloadKind::Url, Version::Ob2) => {
            return Ok(format!(
                "<{name} verify=\"{}\"></{name}>",
                escape_attr(text)
            ));
        }
        (PayloadKind::Json, Version::Ob2) => hosted_id(text)
            .map(|id| format!(" verify=\"{}\"", escape_attr(&id)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Ok(format!("<{name}{verify}>{}</{name}>", cdata(text)))
}

fn hosted_id(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let id = value.get("id")?.as_str()?;
    (id.starts_with("https://") || id.starts_with("http://")).then(|| id.to_owned())
}

/// XML 1.0 §2.2 `Char`: tab, LF, CR, and U+0020 up, minus U+FFFE and U+FFFF (Rust `char`
/// already excludes surrogates). Such characters cannot appear even as character references.
fn check_xml_chars(text: &str) -> Result<(), SvgError> {
    match text.chars().enumerate().find(|&(_, c)| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }) {
        Some((index, c)) => Err(SvgError::ForbiddenChar {
            code: u32::from(c),
            index,
        }),
        None => Ok(()),
    }
}

/// CDATA that survives any text: `]]>` is split across two sections, and CR goes out as a
/// character reference because parsers turn a literal CR into LF.
fn cdata(text: &str) -> String {
    let body = text
        .replace("]]>", "]]]]><![CDATA[>")
        .replace('\r', "]]>&#13;<![CDATA[");
    format!("<![CDATA[{body}]]>")
}

fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"\n     viewBox=\"0 0 10 10\">\n  <circle r=\"5\"/>\n</svg>\n";

    fn unbake(doc: &[u8]) -> (Version, String) {
        let mut found = find(doc).unwrap();
        assert_eq!(found.len(), 1);
        let c = found.remove(0);
        (c.version, text_of(c).unwrap())
    }

    #[test]
    fn bake_adds_namespace_and_first_child_and_keeps_the_rest() {
        let p = Payload::new(Version::Ob3, "{\"a\":\"]]>\r\n<&>\"}").unwrap();
        let baked = String::from_utf8(bake(DOC.as_bytes(), &p).unwrap()).unwrap();
        let expected_head = "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" xmlns=\"http://www.w3.org/2000/svg\"\n     viewBox=\"0 0 10 10\"><openbadges:credential><![CDATA[";
        assert!(baked.starts_with(expected_head), "{baked}");
        assert!(baked.ends_with("</openbadges:credential>\n  <circle r=\"5\"/>\n</svg>\n"));
        assert_eq!(
            unbake(baked.as_bytes()),
            (Version::Ob3, p.text().to_owned())
        );
        assert_eq!(bake(baked.as_bytes(), &p).unwrap(), baked.as_bytes());
    }

    #[test]
    fn rebaking_another_version_rebinds_the_prefix() {
        let p3 = Payload::new(Version::Ob3, "h.p.s").unwrap();
        let p2 = Payload::new(Version::Ob2, "https://example.org/assertion/1").unwrap();
        let once = bake(DOC.as_bytes(), &p3).unwrap();
        let twice = String::from_utf8(bake(&once, &p2).unwrap()).unwrap();
        assert!(twice.contains("xmlns:openbadges=\"http://openbadges.org\""));
        assert!(!twice.contains("v3p0"));
        assert!(twice.contains("<openbadges:assertion verify=\"https://example.org/assertion/1\"></openbadges:assertion>"));
        assert_eq!(
            unbake(twice.as_bytes()),
            (Version::Ob2, p2.text().to_owned())
        );
        assert_eq!(
            twice,
            String::from_utf8(bake(DOC.as_bytes(), &p2).unwrap()).unwrap()
        );
    }

    #[test]
    fn self_closing_root_and_other_prefixes() {
        let p = Payload::new(Version::Ob2, "{\"id\":\"https://x.org/a?b=1&c=2\"}").unwrap();
        let baked =
            String::from_utf8(bake(b"<svg width=\"300\" height=\"300\" />", &p).unwrap()).unwrap();
        assert!(baked.starts_with("<svg xmlns:openbadges=\"http://openbadges.org\" width=\"300\" height=\"300\"><openbadges:assertion verify=\"https://x.org/a?b=1&amp;c=2\"><![CDATA["));
        assert!(baked.ends_with("</openbadges:assertion></svg>"));
        assert_eq!(unbake(baked.as_bytes()).1, p.text());
        let other = "<svg><ob:credential xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\">&#x41;&lt;B</ob:credential></svg>";
        assert_eq!(unbake(other.as_bytes()), (Version::Ob3, "A<B".to_owned()));
    }

    #[test]
    fn rejects_what_xml_cannot_carry_or_read() {
        let p = Payload::new(Version::Ob3, "a\u{1}b").unwrap();
        assert_eq!(
            bake(DOC.as_bytes(), &p),
            Err(SvgError::ForbiddenChar { code: 1, index: 1 })
        );
        let entity = "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion>&x;</openbadges:assertion></svg>";
        let c = find(entity.as_bytes()).unwrap().remove(0);
        assert_eq!(
            text_of(c),
            Err(SvgError::UnknownEntity {
                name: "x".to_owned()
            })
        );
        assert!(matches!(scan(b"<svg><g></svg>"), Err(SvgError::Xml { .. })));
        assert!(matches!(scan(b"<svg><g>"), Err(SvgError::Xml { .. })));
        assert!(matches!(scan(b"<html/>"), Err(SvgError::NotSvg { .. })));
        assert!(matches!(
            scan(b"<svg>\xff</svg>"),
            Err(SvgError::NotUtf8 { offset: 5 })
        ));
        assert_eq!(scan(b"<!-- nothing -->").err(), Some(SvgError::NoRoot));
    }
}
