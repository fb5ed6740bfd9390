//! Property tests: unbake(bake(x)) == x for arbitrary payloads (unicode, `]]>`, control
//! characters without NUL, 1 MB), baking is idempotent, and the pixels never change.

use badgedesk::bake::{self, Payload, Version};
use proptest::prelude::*;

/// A small RGBA PNG whose pixels come from `seed`, written by the png crate.
fn png_image(width: u32, height: u32, color: png::ColorType, seed: u8) -> Vec<u8> {
    let channels = match color {
        png::ColorType::Grayscale => 1,
        png::ColorType::Rgb => 3,
        _ => 4,
    };
    let pixels: Vec<u8> = (0..width * height * channels)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(color);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&pixels).unwrap();
    w.finish().unwrap();
    out
}

fn svg_image() -> &'static [u8] {
    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\">\n  <circle cx=\"50\" cy=\"50\" r=\"40\" fill=\"#e63\"/>\n</svg>\n"
}

fn decode(png_bytes: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    buf
}

/// Any char but NUL, with the awkward ones (`]]>`, CR, C0 and C1 controls) made likely.
fn png_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
        1 => Just("]]>".to_owned()),
        1 => (1u8..0x20).prop_map(|b| char::from(b).to_string()),
        1 => Just("\r\n".to_owned()),
        1 => Just("é✓🎉".to_owned()),
    ];
    prop::collection::vec(piece, 1..200).prop_map(|v| v.concat())
}

/// Like `png_text`, but only characters XML 1.0 can carry (SVG refuses the others, tested
/// elsewhere): tab, LF, CR and everything from U+0020 except U+FFFE/U+FFFF.
fn svg_text() -> impl Strategy<Value = String> {
    png_text().prop_map(|s| {
        s.chars()
            .filter(|&c| {
                (c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
                    && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
            })
            .collect()
    })
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::Ob3), Just(Version::Ob2)]
}

/// Wraps generated text in the shapes the SVG baker treats differently.
fn shaped(text: String, shape: u8) -> String {
    match shape {
        0 => text,
        1 => format!("{{\"name\":{}}}", serde_json::Value::String(text)),
        _ => format!("{{\"id\":\"https://x.org/a\",\"n\":\"{text}\"}}"),
    }
}

fn round_trip(image: &[u8], payload: &Payload) -> Result<(), TestCaseError> {
    let baked = bake::bake(image, payload).unwrap();
    let back = bake::unbake(&baked).unwrap();
    prop_assert_eq!(back.version, payload.version());
    prop_assert_eq!(back.payload.as_str(), payload.text());
    prop_assert_eq!(bake::bake(&baked, payload).unwrap(), baked);
    Ok(())
}

proptest! {
    #[test]
    fn png_round_trip(text in png_text(), v in version(), shape in 0u8..3) {
        let Ok(payload) = Payload::new(v, shaped(text, shape)) else { return Ok(()) };
        round_trip(&png_image(5, 3, png::ColorType::Rgba, 7), &payload)?;
    }

    #[test]
    fn svg_round_trip(text in svg_text(), v in version(), shape in 0u8..3) {
        let Ok(payload) = Payload::new(v, shaped(text, shape)) else { return Ok(()) };
        round_trip(svg_image(), &payload)?;
    }

    #[test]
    fn jws_and_urls_round_trip_through_svg_attributes(
        parts in prop::collection::vec("[A-Za-z0-9_-]{1,40}", 3),
        path in "[a-z0-9/?=&%._~-]{0,40}",
    ) {
        round_trip(svg_image(), &Payload::new(Version::Ob3, parts.join(".")).unwrap())?;
        round_trip(svg_image(), &Payload::new(Version::Ob2, format!("https://x.org/{path}")).unwrap())?;
    }

    #[test]
    fn pixels_never_change(
        width in 1u32..40, height in 1u32..40, seed in any::<u8>(),
        color in prop_oneof![Just(png::ColorType::Grayscale), Just(png::ColorType::Rgb), Just(png::ColorType::Rgba)],
        text in png_text(),
    ) {
        let Ok(payload) = Payload::new(Version::Ob3, text) else { return Ok(()) };
        let image = png_image(width, height, color, seed);
        let baked = bake::bake(&image, &payload).unwrap();
        prop_assert_eq!(decode(&image), decode(&baked));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// 1 MB payloads, built by repeating a random block (unicode, `]]>`, CR, controls).
    #[test]
    fn one_megabyte_payloads(block in svg_text(), v in version()) {
        let block = format!("{block}]]>\r");
        let text: String = block.repeat(1024 * 1024 / block.len() + 1);
        prop_assert!(text.len() >= 1024 * 1024);
        let payload = Payload::new(v, shaped(text, 1)).unwrap();
        round_trip(&png_image(16, 16, png::ColorType::Rgba, 1), &payload)?;
        round_trip(svg_image(), &payload)?;
    }
}
