//! Checks a badge image named in `event.toml` when the event loads: a readable PNG or SVG,
//! square, not already carrying a credential; smaller than 300×300 px is only a warning.

use std::fmt;
use std::io::Cursor;

use super::error::{BakeError, PngError, SvgError};
use super::{ImageFormat, detect_format, png, svg_scan};

/// Backpacks and 1EdTech examples show badges at 300×300 or more.
pub const RECOMMENDED_MIN_SIZE: u32 = 300;

/// Decoding a badge larger than this (in decoded bytes) is refused: 64 MiB is a 4096×4096
/// 16-bit RGBA image, far beyond any badge.
const MAX_DECODED_BYTES: usize = 64 * 1024 * 1024;

/// What loading an event needs to know about a badge image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReport {
    pub format: ImageFormat,
    /// Pixels for PNG; user units (px) for SVG.
    pub width: u32,
    pub height: u32,
    pub warnings: Vec<ImageWarning>,
}

/// Something worth telling the organiser that does not stop the event from loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageWarning {
    /// Smaller than [`RECOMMENDED_MIN_SIZE`] on a side: it will look blurry in backpacks.
    Small { width: u32, height: u32 },
}

impl fmt::Display for ImageWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageWarning::Small { width, height } => write!(
                f,
                "the badge image is {width}×{height} px; at least {RECOMMENDED_MIN_SIZE}×{RECOMMENDED_MIN_SIZE} is recommended"
            ),
        }
    }
}

/// Checks a badge image (see the module docs). Errors: unreadable, not square, already baked.
pub fn check_badge_image(bytes: &[u8]) -> Result<ImageReport, BakeError> {
    let format = detect_format(bytes)?;
    let (width, height) = match format {
        ImageFormat::Png => {
            if !png::find(bytes)?.is_empty() {
                return Err(BakeError::AlreadyBaked { format });
            }
            png_size(bytes)?
        }
        ImageFormat::Svg => {
            let doc = svg_scan::scan(bytes)?;
            if !doc.credentials.is_empty() {
                return Err(BakeError::AlreadyBaked { format });
            }
            svg_size(&doc.root).ok_or(SvgError::SizeUnknown)?
        }
    };
    if width != height {
        return Err(BakeError::NotSquare { width, height });
    }
    let mut warnings = Vec::new();
    // An SVG scales without loss, so only raster images can be too small.
    if format == ImageFormat::Png && width < RECOMMENDED_MIN_SIZE {
        warnings.push(ImageWarning::Small { width, height });
    }
    Ok(ImageReport {
        format,
        width,
        height,
        warnings,
    })
}

/// Decodes the whole frame, so "readable" means the pixels really decode.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), PngError> {
    let decode = |e: ::png::DecodingError| PngError::Decode(e.to_string());
    let limits = ::png::Limits {
        bytes: MAX_DECODED_BYTES,
    };
    let mut reader = ::png::Decoder::new_with_limits(Cursor::new(bytes), limits)
        .read_info()
        .map_err(decode)?;
    let size = reader
        .output_buffer_size()
        .filter(|&n| n <= MAX_DECODED_BYTES)
        .ok_or_else(|| PngError::Decode("the image is too large for a badge".to_owned()))?;
    let mut pixels = vec![0; size];
    reader.next_frame(&mut pixels).map_err(decode)?;
    let info = reader.info();
    Ok((info.width, info.height))
}

/// Size from `width`/`height` in px (or unitless), else from the `viewBox`.
fn svg_size(root: &svg_scan::Root) -> Option<(u32, u32)> {
    let px = |v: &Option<String>| {
        let v = v.as_deref()?.trim();
        v.strip_suffix("px").unwrap_or(v).trim().parse::<f64>().ok()
    };
    let from_attrs = px(&root.width).zip(px(&root.height));
    let from_view_box = || {
        let numbers: Vec<f64> = root
            .view_box
            .as_deref()?
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?;
        match numbers.as_slice() {
            [_, _, w, h] => Some((*w, *h)),
            _ => None,
        }
    };
    let (w, h) = from_attrs.or_else(from_view_box)?;
    let to_u32 = |x: f64| (x.is_finite() && x > 0.0 && x < 1e6).then(|| x.round() as u32);
    Some((to_u32(w)?, to_u32(h)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = ::png::Encoder::new(&mut out, width, height);
        enc.set_color(::png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&vec![200; (width * height) as usize])
            .unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn png_checks() {
        let ok = check_badge_image(&png_of(300, 300)).unwrap();
        assert_eq!(
            (ok.format, ok.width, ok.height),
            (ImageFormat::Png, 300, 300)
        );
        assert!(ok.warnings.is_empty());
        let small = check_badge_image(&png_of(64, 64)).unwrap();
        assert_eq!(
            small.warnings,
            [ImageWarning::Small {
                width: 64,
                height: 64
            }]
        );
        assert_eq!(
            check_badge_image(&png_of(40, 30)),
            Err(BakeError::NotSquare {
                width: 40,
                height: 30
            })
        );
        let p = super::super::Payload::new(super::super::Version::Ob3, "{}").unwrap();
        let baked = super::super::bake(&png_of(8, 8), &p).unwrap();
        assert_eq!(
            check_badge_image(&baked),
            Err(BakeError::AlreadyBaked {
                format: ImageFormat::Png
            })
        );
    }

    #[test]
    fn png_with_broken_pixels_is_unreadable() {
        let mut png = png_of(16, 16);
        // Replace the IDAT payload by garbage with a correct CRC: structure fine, pixels not.
        let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
        let len = u32::from_be_bytes(png[idat - 4..idat].try_into().unwrap()) as usize;
        png[idat + 4..idat + 4 + len].fill(0xAB);
        let crc = crc32fast::hash(&png[idat..idat + 4 + len]);
        png[idat + 4 + len..idat + 8 + len].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            check_badge_image(&png),
            Err(BakeError::Png(PngError::Decode(_)))
        ));
    }

    #[test]
    fn svg_checks() {
        let sized = |attrs: &str| check_badge_image(format!("<svg {attrs}/>").as_bytes());
        assert_eq!(sized("width=\"512px\" height=\"512\"").unwrap().width, 512);
        assert_eq!(
            sized("width=\"100%\" height=\"100%\" viewBox=\"0,0 64 64\"")
                .unwrap()
                .height,
            64
        );
        assert!(sized("viewBox=\"0 0 64 64\"").unwrap().warnings.is_empty());
        assert_eq!(
            sized("viewBox=\"0 0 64 32\""),
            Err(BakeError::NotSquare {
                width: 64,
                height: 32
            })
        );
        assert_eq!(
            sized("width=\"10em\""),
            Err(BakeError::Svg(SvgError::SizeUnknown))
        );
        let baked = "<svg xmlns:openbadges=\"http://openbadges.org\" viewBox=\"0 0 9 9\"><openbadges:assertion verify=\"https://a.org/1\"/></svg>";
        assert_eq!(
            check_badge_image(baked.as_bytes()),
            Err(BakeError::AlreadyBaked {
                format: ImageFormat::Svg
            })
        );
    }
}
