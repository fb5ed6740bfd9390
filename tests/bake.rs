//! Baking against real files: the 1EdTech validator fixtures, pixel identity after baking, and
//! hostile PNG and SVG input (every failure a typed error, never a panic).

use badgedesk::bake::{self, BakeError, ImageFormat, Payload, PngError, SvgError, Version};
use png::text_metadata::{EncodableTextChunk, ITXtChunk, TEXtChunk};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/baking/1edtech-validator-fixtures"
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// The badge shipped for the desk: a real, compressed, square PNG without a credential.
fn plain_png() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/badges/workshop.png"
    ))
    .unwrap()
}

fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info, buf)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

const PROOF_VALUE: &str =
    "z76jrNcyxHg5fV17h96yCRwqUaTQZD2QQivyNqHyLSvqu3aWGC3nLShzZEGbH3LnVFodwov9rPQxi3QRP7adCrzV";

#[test]
fn fixtures_unbake_to_their_json_and_jwt() {
    let png = bake::unbake(&fixture("simple-json.png")).unwrap();
    assert_eq!((png.format, png.version), (ImageFormat::Png, Version::Ob3));
    let credential = json(&png.payload);
    assert_eq!(credential["id"], "http://example.com/credentials/3527");
    assert_eq!(credential["proof"][0]["proofValue"], PROOF_VALUE);

    let svg = bake::unbake(&fixture("simple-json.svg")).unwrap();
    assert_eq!((svg.format, svg.version), (ImageFormat::Svg, Version::Ob3));
    assert_eq!(
        json(&svg.payload),
        credential,
        "the SVG carries the same credential"
    );

    for name in ["simple-jwt.png", "simple-jwt.svg"] {
        let jwt = bake::unbake(&fixture(name)).unwrap();
        assert_eq!(jwt.version, Version::Ob3);
        let parts: Vec<&str> = jwt.payload.split('.').collect();
        assert_eq!(parts.len(), 3, "{name}: compact JWS");
        assert!(jwt.payload.starts_with("eyJhbGciOiJSUzI1NiIs"), "{name}");
        assert_eq!(jwt.payload.len(), 2263, "{name}");
        assert_eq!(
            Payload::detect(jwt.payload.clone()).unwrap().version(),
            Version::Ob3,
            "{name}: the JWS payload says 3.0"
        );
    }
}

#[test]
fn rebaking_a_fixture_moves_the_chunk_and_keeps_everything_else() {
    let original = fixture("simple-json.png");
    let payload =
        Payload::detect(std::fs::read_to_string(format!("{FIXTURES}/simple.json")).unwrap())
            .unwrap();
    let baked = bake::bake(&original, &payload).unwrap();
    assert_eq!(bake::unbake(&baked).unwrap().payload, payload.text());
    // Same pixels, same 16-bit RGBA frame.
    assert_eq!(decode(&original), decode(&baked));
    // The old chunk is gone: one credential, at byte 33 (right after IHDR).
    assert_eq!(
        bake::unbake(&baked).unwrap().location,
        "iTXt 'openbadgecredential' at byte 33"
    );
    let info = png::Decoder::new(std::io::Cursor::new(&baked))
        .read_info()
        .unwrap();
    let texts = &info.info().utf8_text;
    assert_eq!(texts.len(), 1);
    assert!(!texts[0].compressed);
    assert_eq!(texts[0].keyword, "openbadgecredential");
}

#[test]
fn baking_keeps_pixels_and_is_idempotent() {
    let plain = plain_png();
    let payload = Payload::new(Version::Ob2, "https://example.org/assertions/42").unwrap();
    let baked = bake::bake(&plain, &payload).unwrap();
    assert_eq!(decode(&plain), decode(&baked));
    assert_eq!(bake::bake(&baked, &payload).unwrap(), baked);
    // Only the new chunk was added: 12 bytes of framing + 5 of iTXt header + keyword + text.
    assert_eq!(
        baked.len(),
        plain.len() + 12 + 5 + "openbadges".len() + payload.text().len()
    );
}

#[test]
fn svg_fixture_rebake_changes_only_the_credential() {
    let original = String::from_utf8(fixture("simple-jwt.svg")).unwrap();
    let payload = Payload::new(Version::Ob3, "{\"replaced\":true}").unwrap();
    let baked = String::from_utf8(bake::bake(original.as_bytes(), &payload).unwrap()).unwrap();
    let old = original.find("<openbadges:credential").unwrap();
    let old_end =
        original.find("</openbadges:credential>").unwrap() + "</openbadges:credential>".len();
    let root_end =
        original.find("xml:space=\"preserve\">").unwrap() + "xml:space=\"preserve\">".len();
    let element = "<openbadges:credential><![CDATA[{\"replaced\":true}]]></openbadges:credential>";
    let expected = format!(
        "{}{element}{}{}",
        &original[..root_end],
        &original[root_end..old],
        &original[old_end..]
    );
    assert_eq!(baked, expected);
    assert_eq!(
        bake::unbake(baked.as_bytes()).unwrap().payload,
        payload.text()
    );
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn encoded(c: &impl EncodableTextChunk) -> Vec<u8> {
    let mut out = Vec::new();
    c.encode(&mut out).unwrap();
    out
}

fn insert_before_iend(png: &[u8], extra: &[u8]) -> Vec<u8> {
    let mut out = png[..png.len() - 12].to_vec();
    out.extend_from_slice(extra);
    out.extend_from_slice(&png[png.len() - 12..]);
    out
}

#[test]
fn every_truncation_of_a_baked_png_is_a_clear_error() {
    let baked = fixture("simple-jwt.png");
    for cut in (0..baked.len())
        .step_by(97)
        .chain(baked.len() - 20..baked.len())
    {
        let err = bake::unbake(&baked[..cut]).unwrap_err();
        let ok = matches!(
            err,
            BakeError::UnknownFormat { .. }
                | BakeError::Png(
                    PngError::NotPng | PngError::Truncated { .. } | PngError::MissingIend
                )
        );
        assert!(ok, "cut at {cut}: {err}");
        assert!(bake::bake(&baked[..cut], &Payload::new(Version::Ob3, "x").unwrap()).is_err());
    }
}

#[test]
fn damaged_chunks_and_lying_lengths() {
    let good = fixture("simple-json.png");
    let mut flipped = good.clone();
    flipped[40_000] ^= 0x20; // inside an IDAT
    let err = bake::unbake(&flipped).unwrap_err();
    assert!(
        matches!(err, BakeError::Png(PngError::BadCrc { ref name, .. }) if name == "IDAT"),
        "{err}"
    );
    assert!(err.to_string().contains("damaged (CRC mismatch)"));

    // The gAMA chunk (at byte 33) claims 2 GB: checked against the file before anything else.
    let mut lying = good.clone();
    lying[33..37].copy_from_slice(&0x7FFF_0000u32.to_be_bytes());
    let err = bake::unbake(&lying).unwrap_err();
    assert_eq!(
        err,
        BakeError::Png(PngError::Truncated {
            offset: 33,
            needed: 0x7FFF_000C,
            available: good.len() - 33
        })
    );
    lying[33..37].copy_from_slice(&0xFFFF_FFFFu32.to_be_bytes());
    assert!(matches!(
        bake::unbake(&lying),
        Err(BakeError::Png(PngError::ChunkTooLong { .. }))
    ));
}

#[test]
fn gigantic_declared_image_is_refused_without_allocating() {
    // IHDR says 2^31-1 × 2^31-1 RGBA16 (with a correct CRC), then one tiny IDAT.
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    ihdr.extend_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    ihdr.extend_from_slice(&[16, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", b""));
    assert!(matches!(
        bake::unbake(&png),
        Err(BakeError::NotBaked { .. })
    ));
    assert!(matches!(
        bake::check_badge_image(&png),
        Err(BakeError::Png(PngError::Decode(_)))
    ));
}

#[test]
fn compressed_itxt_zip_bomb_is_bounded() {
    let mut bomb = ITXtChunk::new("openbadgecredential", "A".repeat(32 * 1024 * 1024));
    bomb.compressed = true;
    let png = insert_before_iend(&plain_png(), &encoded(&bomb));
    assert!(png.len() < 200_000);
    let err = bake::unbake(&png).unwrap_err();
    assert!(
        matches!(
            err,
            BakeError::Png(PngError::TextTooLarge { limit: 4194304, .. })
        ),
        "{err}"
    );
    // Baking over it simply drops the bomb chunk without inflating it.
    let payload = Payload::new(Version::Ob3, "{}").unwrap();
    assert_eq!(
        bake::unbake(&bake::bake(&png, &payload).unwrap())
            .unwrap()
            .payload,
        "{}"
    );
}

#[test]
fn two_credentials_are_an_error_that_says_so() {
    let ob3 = bake::bake(&plain_png(), &Payload::new(Version::Ob3, "{}").unwrap()).unwrap();
    let both = insert_before_iend(
        &ob3,
        &encoded(&TEXtChunk::new("openbadges", "https://a.org/1")),
    );
    let err = bake::unbake(&both).unwrap_err();
    assert!(matches!(
        err,
        BakeError::MultipleCredentials { count: 2, .. }
    ));
    let message = err.to_string();
    assert!(message.contains("carries 2 credentials"), "{message}");
    assert!(
        message.contains("iTXt 'openbadgecredential' at byte 33"),
        "{message}"
    );
    assert!(message.contains("tEXt 'openbadges'"), "{message}");
    // Baking again leaves exactly one.
    let payload = Payload::new(Version::Ob2, "https://a.org/2").unwrap();
    let rebaked = bake::unbake(&bake::bake(&both, &payload).unwrap()).unwrap();
    assert_eq!(
        (rebaked.version, rebaked.payload.as_str()),
        (Version::Ob2, "https://a.org/2")
    );
}

#[test]
fn non_images_are_refused_by_content() {
    for bytes in [
        &b"GIF89a\x01\x00"[..],
        b"\xFF\xD8\xFF\xE0JFIF",
        b"",
        b"{\"a\":1}",
    ] {
        assert!(matches!(
            bake::unbake(bytes),
            Err(BakeError::UnknownFormat { .. })
        ));
    }
    // An SVG renamed .png is still an SVG: the name never matters.
    let svg = fixture("simple-jwt.svg");
    assert_eq!(bake::unbake(&svg).unwrap().format, ImageFormat::Svg);
}

#[test]
fn hostile_svg() {
    // Billion laughs: the entities are never expanded, the reference is refused.
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"{}\">{}]><svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>&j;</openbadges:credential></svg>",
        "lol".repeat(10),
        (b'b'..=b'j')
            .map(|c| format!(
                "<!ENTITY {} \"{}\">",
                c as char,
                format!("&{};", (c - 1) as char).repeat(10)
            ))
            .collect::<String>()
    );
    assert_eq!(
        bake::unbake(laughs.as_bytes()),
        Err(BakeError::Svg(SvgError::UnknownEntity {
            name: "j".to_owned()
        }))
    );
    // Very deep nesting is walked iteratively: no stack overflow.
    let deep = |n| format!("<svg>{}{}</svg>", "<g>".repeat(n), "</g>".repeat(n));
    assert!(matches!(
        bake::unbake(deep(50_000).as_bytes()),
        Err(BakeError::NotBaked { .. })
    ));
    // Deeper than quick-xml's namespace stack allows: a clear error, not a crash.
    let err = bake::unbake(deep(200_000).as_bytes()).unwrap_err();
    assert!(err.to_string().contains("nests elements deeper"), "{err}");
    // Not well-formed, not UTF-16.
    assert!(matches!(
        bake::unbake(b"<svg><a></b></svg>"),
        Err(BakeError::Svg(SvgError::Xml { .. }))
    ));
    assert!(matches!(
        bake::unbake(b"<\0s\0v\0g\0/\0>\0"),
        Err(BakeError::Svg(_))
    ));
}

#[test]
fn svg_payload_with_forbidden_characters_is_refused() {
    let svg = fixture("simple-json.svg");
    let payload = Payload::new(Version::Ob3, "{\"bell\":\"\u{7}\"}").unwrap();
    let err = bake::bake(&svg, &payload).unwrap_err();
    assert_eq!(
        err,
        BakeError::Svg(SvgError::ForbiddenChar { code: 7, index: 9 })
    );
    // The same payload is fine in a PNG.
    let baked = bake::bake(&plain_png(), &payload).unwrap();
    assert_eq!(bake::unbake(&baked).unwrap().payload, payload.text());
}
