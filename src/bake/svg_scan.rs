//! One pass of quick-xml over an SVG document: where the root `<svg>` start tag is, how it binds
//! the `openbadges` prefix, its size attributes, and every baked credential element (by
//! namespace, so any prefix works) with its byte span and decoded content. No DTD entity is
//! ever expanded and nothing is fetched.

use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::error::SvgError;
use super::payload::Version;

/// What the scanner learned about a document.
#[derive(Debug)]
pub(crate) struct Scan<'a> {
    pub text: &'a str,
    pub root: Root,
    pub credentials: Vec<Credential>,
}

/// The root `<svg>` start tag.
#[derive(Debug)]
pub(crate) struct Root {
    /// The whole start tag, `<` to `>`.
    pub span: Range<usize>,
    /// Qualified name as written (`svg`, or `svg:svg` with a prefix).
    pub name: String,
    /// `<svg …/>`: the root has no content and no end tag.
    pub empty: bool,
    /// Value span and value of an `xmlns:openbadges` attribute on the root.
    pub openbadges_ns: Option<(Range<usize>, String)>,
    pub width: Option<String>,
    pub height: Option<String>,
    pub view_box: Option<String>,
}

/// A baked credential element found in the document.
#[derive(Debug)]
pub(crate) struct Credential {
    pub version: Version,
    /// The whole element, start tag to end tag.
    pub span: Range<usize>,
    /// Text and CDATA content, entities resolved; an error if it used a non-XML entity.
    pub body: Result<String, SvgError>,
    /// The `verify` attribute, if present.
    pub verify: Option<Result<String, SvgError>>,
}

struct Open {
    version: Version,
    start: usize,
    depth: usize,
    body: Result<String, SvgError>,
    verify: Option<Result<String, SvgError>>,
}

/// Scans a whole document; it must be UTF-8 and well-formed.
pub(crate) fn scan(bytes: &[u8]) -> Result<Scan<'_>, SvgError> {
    let text = std::str::from_utf8(bytes).map_err(|e| SvgError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut reader = NsReader::from_str(text);
    let mut root: Option<Root> = None;
    let mut depth = 0usize;
    let mut open: Option<Open> = None;
    let mut credentials = Vec::new();
    loop {
        let start = position(&reader);
        let event = reader.read_event().map_err(|e| SvgError::Xml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        let end = position(&reader);
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if root.is_none() {
                    root = Some(read_root(text, e, start..end, empty)?);
                } else if open.is_none() && depth > 0 {
                    let (ns, local) = reader.resolver().resolve_element(e.name());
                    if let Some(version) = credential_version(&ns, local.as_ref()) {
                        open = Some(Open {
                            version,
                            start,
                            depth,
                            body: Ok(String::new()),
                            verify: verify_attribute(e),
                        });
                    }
                }
                if empty {
                    if let Some(o) = open.take_if(|o| o.depth == depth) {
                        credentials.push(o.close(end));
                    }
                } else {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some(o) = open.take_if(|o| o.depth == depth) {
                    credentials.push(o.close(end));
                }
            }
            Event::Text(t) => append(&mut open, |s| s.push_str(&t.xml_content(XML10))),
            Event::CData(c) => append(&mut open, |s| s.push_str(&c.xml_content(XML10))),
            Event::GeneralRef(r) => {
                if let Some(o) = open.as_mut() {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(ch)) => Ok(ch.to_string()),
                        Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                            .map(str::to_owned)
                            .ok_or_else(|| SvgError::UnknownEntity {
                                name: r.to_string(),
                            }),
                        Err(e) => Err(SvgError::Xml {
                            position: start as u64,
                            message: e.to_string(),
                        }),
                    };
                    if let Ok(body) = o.body.as_mut() {
                        match resolved {
                            Ok(s) => body.push_str(&s),
                            Err(e) => o.body = Err(e),
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if depth != 0 {
        return Err(SvgError::Xml {
            position: text.len() as u64,
            message: "the document ends inside an element".to_owned(),
        });
    }
    let root = root.ok_or(SvgError::NoRoot)?;
    Ok(Scan {
        text,
        root,
        credentials,
    })
}

const XML10: XmlVersion = XmlVersion::Implicit1_0;

impl Open {
    fn close(self, end: usize) -> Credential {
        Credential {
            version: self.version,
            span: self.start..end,
            body: self.body,
            verify: self.verify,
        }
    }
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn append(open: &mut Option<Open>, f: impl FnOnce(&mut String)) {
    if let Some(Ok(body)) = open.as_mut().map(|o| o.body.as_mut()) {
        f(body);
    }
}

/// A baked element is `credential` in the 3.0 namespace or `assertion` in the 2.0 one; an
/// undeclared `openbadges:` prefix is accepted too, as lenient readers in the wild do.
fn credential_version(ns: &ResolveResult<'_>, local: &str) -> Option<Version> {
    [Version::Ob3, Version::Ob2].into_iter().find(|v| {
        local == v.svg_element()
            && match ns {
                ResolveResult::Bound(n) => n.0 == v.svg_namespace(),
                ResolveResult::Unknown(prefix) => prefix == "openbadges",
                ResolveResult::Unbound => false,
            }
    })
}

fn verify_attribute(e: &BytesStart<'_>) -> Option<Result<String, SvgError>> {
    let attr = e
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "verify")?;
    Some(
        attr.normalized_value(XML10)
            .map(|v| v.into_owned())
            .map_err(|e| SvgError::Xml {
                position: 0,
                message: format!("bad verify attribute: {e}"),
            }),
    )
}

fn read_root(
    text: &str,
    e: &BytesStart<'_>,
    span: Range<usize>,
    empty: bool,
) -> Result<Root, SvgError> {
    let name = e.name().as_ref().to_owned();
    if e.local_name().as_ref() != "svg" {
        return Err(SvgError::NotSvg { found: name });
    }
    let mut root = Root {
        span,
        name,
        empty,
        openbadges_ns: None,
        width: None,
        height: None,
        view_box: None,
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|err| SvgError::Xml {
            position: root.span.start as u64,
            message: err.to_string(),
        })?;
        let value = || {
            attr.normalized_value(XML10)
                .map(|v| v.into_owned())
                .unwrap_or_default()
        };
        match attr.key.as_ref() {
            "xmlns:openbadges" => {
                // The value borrows the document, so its address gives its span; this is what
                // lets baking rewrite only those bytes.
                let at = (attr.value.as_ptr() as usize).checked_sub(text.as_ptr() as usize);
                let range = at.map(|a| a..a + attr.value.len());
                match range.filter(|r| r.end <= root.span.end && r.start >= root.span.start) {
                    Some(r) => root.openbadges_ns = Some((r, value())),
                    None => {
                        return Err(SvgError::Xml {
                            position: root.span.start as u64,
                            message: "cannot locate the xmlns:openbadges attribute".to_owned(),
                        });
                    }
                }
            }
            "width" => root.width = Some(value()),
            "height" => root.height = Some(value()),
            "viewBox" => root.view_box = Some(value()),
            _ => {}
        }
    }
    Ok(root)
}
