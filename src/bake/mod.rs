//! Baked badges: put a credential inside a PNG or SVG badge image and read it back, for Open
//! Badges 3.0 (`openbadgecredential` / `<openbadges:credential>`) and 2.0 (`openbadges` /
//! `<openbadges:assertion>`). The format is told from the content, never the file name.
//!
//! Baking never damages the image: PNG chunks are copied byte for byte (no re-encoding) and an
//! SVG keeps every byte outside its root start tag and credential element. Unbaking treats every
//! input as hostile: lengths are checked against the bytes present, compressed text is inflated
//! with a bound, XML entities are never expanded, and nothing panics. Pure: no I/O, no clock.
//!
//! ```
//! use badgedesk::bake::{self, Payload, Version};
//! # let mut image = Vec::new();
//! # let mut enc = png::Encoder::new(&mut image, 1, 1);
//! # enc.set_color(png::ColorType::Grayscale);
//! # let mut w = enc.write_header().unwrap();
//! # w.write_image_data(&[0]).unwrap();
//! # w.finish().unwrap();
//! let payload = Payload::new(Version::Ob3, r#"{"type":["VerifiableCredential"]}"#)?;
//! let baked = bake::bake(&image, &payload)?;
//! let found = bake::unbake(&baked)?;
//! assert_eq!((found.version, found.payload.as_str()), (Version::Ob3, payload.text()));
//! # Ok::<(), bake::BakeError>(())
//! ```

mod check;
mod error;
mod payload;
mod png;
mod png_chunks;
mod svg;
mod svg_scan;

use std::fmt;

pub use check::{ImageReport, ImageWarning, RECOMMENDED_MIN_SIZE, check_badge_image};
pub use error::{BakeError, PngError, SvgError};
pub use payload::{MAX_PAYLOAD_BYTES, Payload, PayloadError, PayloadKind, Version};

/// The two image formats a badge can be baked into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Svg => "SVG",
        })
    }
}

/// A credential read back from a baked image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baked {
    pub format: ImageFormat,
    /// Which version the image says it is (PNG keyword, SVG element and namespace).
    pub version: Version,
    /// The credential JSON, compact JWS or (2.0 only) assertion URL, surrounding whitespace
    /// removed.
    pub payload: String,
    /// Where it was found, for messages: e.g. `iTXt 'openbadgecredential' at byte 33`.
    pub location: String,
}

/// Tells PNG from SVG by content: the PNG signature, or (after an optional UTF-8 BOM and
/// whitespace) a `<` that starts an XML document; the SVG scan then insists on an `<svg>` root.
pub fn detect_format(bytes: &[u8]) -> Result<ImageFormat, BakeError> {
    if png_chunks::is_png(bytes) {
        return Ok(ImageFormat::Png);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.trim_ascii_start().starts_with(b"<") {
        return Ok(ImageFormat::Svg);
    }
    let start = bytes.get(..8).unwrap_or(bytes);
    Err(BakeError::UnknownFormat {
        start: if start.is_empty() {
            "nothing: the file is empty".to_owned()
        } else {
            format!("'{}'", start.escape_ascii())
        },
    })
}

/// Bakes `payload` into a PNG or SVG `image` (format told from the content), replacing any
/// credential the image already carried. Baking twice gives the same bytes as baking once.
pub fn bake(image: &[u8], payload: &Payload) -> Result<Vec<u8>, BakeError> {
    Ok(match detect_format(image)? {
        ImageFormat::Png => png::bake(image, payload)?,
        ImageFormat::Svg => svg::bake(image, payload)?,
    })
}

/// Reads the one credential baked into a PNG or SVG. No credential, or more than one, is an
/// error that says so.
pub fn unbake(bytes: &[u8]) -> Result<Baked, BakeError> {
    let format = detect_format(bytes)?;
    let (version, text, location) = match format {
        ImageFormat::Png => {
            let found = png::find(bytes)?;
            let [one] = found.as_slice() else {
                return Err(too_many_or_none(
                    format,
                    found.iter().map(png::Found::describe).collect(),
                ));
            };
            (one.version, png::text_of(one)?, one.describe())
        }
        ImageFormat::Svg => {
            let mut found = svg::find(bytes)?;
            if found.len() != 1 {
                let described = found
                    .iter()
                    .map(|c| svg_location(c.version, c.span.start))
                    .collect();
                return Err(too_many_or_none(format, described));
            }
            let one = found.remove(0);
            let (version, at) = (one.version, one.span.start);
            (version, svg::text_of(one)?, svg_location(version, at))
        }
    };
    let payload = Payload::new(version, text)?;
    Ok(Baked {
        format,
        version,
        payload: payload.into_text(),
        location,
    })
}

/// Something about a baked file's container that the spec forbids or other readers trip on; it
/// does not change which credential is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerNote {
    /// Where, e.g. `iTXt 'openbadgecredential' at byte 33`.
    pub location: String,
    pub en: String,
    pub fr: String,
}

/// Reads the credential of a baked PNG or SVG as a verifier does: the first 3.0 credential
/// (else the first 2.0 one), with notes on everything odd around it (a second credential, a
/// compressed or non-`iTXt` text chunk, data after `IEND`).
pub fn unbake_leniently(bytes: &[u8]) -> Result<(Baked, Vec<ContainerNote>), BakeError> {
    let format = detect_format(bytes)?;
    let mut notes = Vec::new();
    let (version, text, location) = match format {
        ImageFormat::Png => {
            let found = png::find(bytes)?;
            let pick = found
                .iter()
                .position(|f| f.version == Version::Ob3 && &f.chunk.kind == b"iTXt")
                .or_else(|| found.iter().position(|f| f.version == Version::Ob3))
                .or(if found.is_empty() { None } else { Some(0) })
                .ok_or(BakeError::NotBaked { format })?;
            for (i, f) in found.iter().enumerate() {
                if i != pick {
                    notes.push(ContainerNote {
                        location: f.describe(),
                        en: "another credential chunk: the spec allows one, and readers that take the first may read a different credential".into(),
                        fr: "un autre bloc de badge\u{a0}: la spécification n’en permet qu’un, et un lecteur qui prend le premier peut lire un autre badge".into(),
                    });
                }
            }
            let one = found.get(pick).ok_or(BakeError::NotBaked { format })?;
            notes.extend(png::oddities(one));
            if let Some(n) = png::trailing_len(bytes).filter(|&n| n > 0) {
                notes.push(ContainerNote {
                    location: "IEND".into(),
                    en: format!("{n} bytes after IEND: some readers refuse the file or drop them"),
                    fr: format!("{n} octets après IEND\u{a0}: certains lecteurs refusent le fichier ou les ignorent"),
                });
            }
            (one.version, png::text_of(one)?, one.describe())
        }
        ImageFormat::Svg => {
            let mut found = svg::find(bytes)?;
            let pick = found
                .iter()
                .position(|c| c.version == Version::Ob3)
                .or(if found.is_empty() { None } else { Some(0) })
                .ok_or(BakeError::NotBaked { format })?;
            for (i, c) in found.iter().enumerate() {
                if i != pick {
                    notes.push(ContainerNote {
                        location: svg_location(c.version, c.span.start),
                        en: "another credential element: the spec allows one".into(),
                        fr: "un autre élément de badge\u{a0}: la spécification n’en permet qu’un"
                            .into(),
                    });
                }
            }
            let one = found.swap_remove(pick);
            let (version, at) = (one.version, one.span.start);
            (version, svg::text_of(one)?, svg_location(version, at))
        }
    };
    let payload = Payload::new(version, text)?;
    Ok((
        Baked {
            format,
            version,
            payload: payload.into_text(),
            location,
        },
        notes,
    ))
}

fn svg_location(version: Version, at: usize) -> String {
    format!("<openbadges:{}> at byte {at}", version.svg_element())
}

fn too_many_or_none(format: ImageFormat, found: Vec<String>) -> BakeError {
    if found.is_empty() {
        BakeError::NotBaked { format }
    } else {
        BakeError::MultipleCredentials {
            format,
            count: found.len(),
            found: found.join("; "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_told_by_content() {
        assert_eq!(
            detect_format(b"\xEF\xBB\xBF \n<svg/>").unwrap(),
            ImageFormat::Svg
        );
        assert_eq!(
            detect_format(&png_chunks::SIGNATURE).unwrap(),
            ImageFormat::Png
        );
        let err = detect_format(b"GIF89a\x01\x00\x01").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a PNG or SVG image (it starts with 'GIF89a\\x01\\x00'); badge images must be PNG or SVG"
        );
        assert!(matches!(
            detect_format(b""),
            Err(BakeError::UnknownFormat { .. })
        ));
    }

    #[test]
    fn two_credentials_in_an_svg_is_an_error() {
        let doc = "<svg xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion verify=\"https://a.org/1\"/><openbadges:assertion verify=\"https://a.org/2\"/></svg>";
        match unbake(doc.as_bytes()) {
            Err(BakeError::MultipleCredentials {
                count: 2, found, ..
            }) => {
                assert!(found.contains("at byte 46"), "{found}")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            unbake(b"<svg/>"),
            Err(BakeError::NotBaked {
                format: ImageFormat::Svg
            })
        );
    }
}
