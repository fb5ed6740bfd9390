//! PNG baking at chunk level: the credential goes into one uncompressed `iTXt` chunk right after
//! IHDR and every other chunk is copied byte for byte (pixels are never re-encoded). Unbaking
//! reads the `iTXt`, `tEXt` and `zTXt` forms of both keywords wherever they sit.

use png::text_metadata::{EncodableTextChunk, ITXtChunk};

use super::error::PngError;
use super::payload::{MAX_PAYLOAD_BYTES, Payload, Version};
use super::png_chunks::{Chunk, SIGNATURE, chunks};

/// A credential chunk found in a PNG, not yet decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'a> {
    pub version: Version,
    pub chunk: Chunk<'a>,
}

impl Found<'_> {
    /// How it is described in messages, e.g. `iTXt 'openbadgecredential' at byte 33`.
    pub fn describe(&self) -> String {
        format!(
            "{} '{}' at byte {}",
            self.chunk.name(),
            self.version.png_keyword(),
            self.chunk.offset
        )
    }
}

/// Bakes `payload` into `image`, replacing any credential chunk (of either version) already
/// there, so the result always carries exactly one and baking twice equals baking once.
pub(crate) fn bake(image: &[u8], payload: &Payload) -> Result<Vec<u8>, PngError> {
    let mut walker = chunks(image)?;
    let mut out = Vec::with_capacity(image.len() + payload.text().len() + 64);
    out.extend_from_slice(&SIGNATURE);
    for chunk in walker.by_ref() {
        let chunk = chunk?;
        if credential_version(&chunk).is_some() {
            continue;
        }
        out.extend_from_slice(chunk.raw);
        if &chunk.kind == b"IHDR" {
            // png's encoder: uncompressed, empty language tag and translated keyword, CRC.
            ITXtChunk::new(payload.version().png_keyword(), payload.text())
                .encode(&mut out)
                .map_err(|e| PngError::Encode(e.to_string()))?;
        }
    }
    out.extend_from_slice(walker.trailing());
    Ok(out)
}

/// Every credential chunk in the file, after checking the whole file's structure and CRCs.
pub(crate) fn find(bytes: &[u8]) -> Result<Vec<Found<'_>>, PngError> {
    let mut found = Vec::new();
    for chunk in chunks(bytes)? {
        let chunk = chunk?;
        if let Some(version) = credential_version(&chunk) {
            found.push(Found { version, chunk });
        }
    }
    Ok(found)
}

/// The text of a credential chunk: Latin-1 for `tEXt`/`zTXt`, UTF-8 for `iTXt`; compressed text is
/// inflated with a bound so a zip bomb costs at most [`MAX_PAYLOAD_BYTES`].
pub(crate) fn text_of(found: &Found<'_>) -> Result<String, PngError> {
    let chunk = &found.chunk;
    let bad = |reason: &'static str| PngError::BadTextChunk {
        offset: chunk.offset,
        name: chunk.name(),
        reason,
    };
    // The keyword and its NUL were matched by `credential_version`.
    let after_keyword = chunk
        .data
        .get(found.version.png_keyword().len() + 1..)
        .unwrap_or_default();
    // Uncompressed text is at most what the chunk holds; refuse oversized text before copying.
    if after_keyword.len() > MAX_PAYLOAD_BYTES + 64 {
        return Err(PngError::TextTooLarge {
            offset: chunk.offset,
            name: chunk.name(),
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    match &chunk.kind {
        b"tEXt" => Ok(latin1(after_keyword)),
        b"zTXt" => match after_keyword.split_first() {
            Some((0, compressed)) => inflate(chunk, compressed).map(|raw| latin1(&raw)),
            Some(_) => Err(bad("unknown compression method")),
            None => Err(bad("missing compression method")),
        },
        _ => {
            let [flag, method, rest @ ..] = after_keyword else {
                return Err(bad("missing compression flag"));
            };
            let (_language, rest) =
                split_nul(rest).ok_or_else(|| bad("unterminated language tag"))?;
            let (_translated, text) =
                split_nul(rest).ok_or_else(|| bad("unterminated translated keyword"))?;
            let raw = match (flag, method) {
                (0, _) => text.to_vec(),
                (1, 0) => inflate(chunk, text)?,
                (1, _) => return Err(bad("unknown compression method")),
                _ => return Err(bad("invalid compression flag")),
            };
            String::from_utf8(raw).map_err(|_| bad("the text is not UTF-8"))
        }
    }
}

/// What a verifier should note about the credential chunk it reads: compression (forbidden for
/// 3.0 and unreadable by some readers) and a 3.0 credential outside `iTXt`.
pub(crate) fn oddities(found: &Found<'_>) -> Vec<super::ContainerNote> {
    let mut notes = Vec::new();
    let chunk = &found.chunk;
    let note = |en: &str, fr: &str| super::ContainerNote {
        location: found.describe(),
        en: en.to_owned(),
        fr: fr.to_owned(),
    };
    let after_keyword = chunk
        .data
        .get(found.version.png_keyword().len() + 1..)
        .unwrap_or_default();
    let compressed = match &chunk.kind {
        b"zTXt" => true,
        b"iTXt" => after_keyword.first() == Some(&1),
        _ => false,
    };
    if compressed {
        notes.push(note(
            "compressed text: the spec forbids compressing the credential, and some readers cannot inflate it",
            "texte compressé\u{a0}: la spécification interdit de compresser le badge, et certains lecteurs ne savent pas le décompresser",
        ));
    }
    if found.version == Version::Ob3 && &chunk.kind != b"iTXt" {
        notes.push(note(
            "an Open Badges 3.0 credential must be in an iTXt chunk",
            "un badge Open Badges 3.0 doit être dans un bloc iTXt",
        ));
    }
    notes
}

/// How many bytes follow IEND (`None` when the structure is broken).
pub(crate) fn trailing_len(bytes: &[u8]) -> Option<usize> {
    let mut walker = chunks(bytes).ok()?;
    for chunk in walker.by_ref() {
        chunk.ok()?;
    }
    Some(walker.trailing().len())
}

/// The version of a credential chunk, or `None` for any other chunk.
fn credential_version(chunk: &Chunk<'_>) -> Option<Version> {
    if !matches!(&chunk.kind, b"tEXt" | b"zTXt" | b"iTXt") {
        return None;
    }
    [Version::Ob3, Version::Ob2].into_iter().find(|v| {
        let keyword = v.png_keyword().as_bytes();
        chunk.data.starts_with(keyword) && chunk.data.get(keyword.len()) == Some(&0)
    })
}

fn split_nul(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&b| b == 0)?;
    Some((bytes.get(..at)?, bytes.get(at + 1..)?))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn inflate(chunk: &Chunk<'_>, compressed: &[u8]) -> Result<Vec<u8>, PngError> {
    match fdeflate::decompress_to_vec_bounded(compressed, MAX_PAYLOAD_BYTES) {
        Ok(raw) => Ok(raw),
        Err(fdeflate::BoundedDecompressionError::OutputTooLarge { .. }) => {
            Err(PngError::TextTooLarge {
                offset: chunk.offset,
                name: chunk.name(),
                limit: MAX_PAYLOAD_BYTES,
            })
        }
        Err(_) => Err(PngError::BadTextChunk {
            offset: chunk.offset,
            name: chunk.name(),
            reason: "the compressed text is corrupt",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use png::text_metadata::{TEXtChunk, ZTXtChunk};

    fn tiny_png() -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0, 64, 128, 255]).unwrap();
        w.finish().unwrap();
        out
    }

    /// `tiny_png` with extra encoded chunks inserted before IEND.
    fn with_chunks(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut png = tiny_png();
        let iend = png.split_off(png.len() - 12);
        for c in extra {
            png.extend_from_slice(c);
        }
        png.extend(iend);
        png
    }

    fn encoded(chunk: &impl EncodableTextChunk) -> Vec<u8> {
        let mut out = Vec::new();
        chunk.encode(&mut out).unwrap();
        out
    }

    fn one_text(png: &[u8]) -> (Version, String) {
        let found = find(png).unwrap();
        assert_eq!(found.len(), 1);
        (found[0].version, text_of(&found[0]).unwrap())
    }

    #[test]
    fn bake_puts_one_itxt_right_after_ihdr() {
        let p = Payload::new(Version::Ob3, "{\"é\":\"✓\"}").unwrap();
        let baked = bake(&tiny_png(), &p).unwrap();
        let names: Vec<String> = chunks(&baked).unwrap().map(|c| c.unwrap().name()).collect();
        assert_eq!(names[..2], ["IHDR", "iTXt"]);
        assert_eq!(one_text(&baked), (Version::Ob3, p.text().to_owned()));
        assert_eq!(bake(&baked, &p).unwrap(), baked);
    }

    #[test]
    fn reads_every_text_form_of_both_keywords() {
        let mut compressed = ITXtChunk::new("openbadgecredential", "{\"a\":\"ü\"}");
        compressed.compressed = true;
        let cases = [
            (encoded(&compressed), Version::Ob3, "{\"a\":\"ü\"}"),
            (
                encoded(&TEXtChunk::new("openbadges", "https://x.org/é")),
                Version::Ob2,
                "https://x.org/é",
            ),
            (
                encoded(&ZTXtChunk::new("openbadges", "{\"b\":2}")),
                Version::Ob2,
                "{\"b\":2}",
            ),
        ];
        for (chunk, version, text) in cases {
            let png = with_chunks(&[chunk]);
            assert_eq!(one_text(&png), (version, text.to_owned()));
        }
    }

    #[test]
    fn other_keywords_are_not_credentials() {
        let png = with_chunks(&[
            encoded(&TEXtChunk::new("openbadgesX", "no")),
            encoded(&TEXtChunk::new("Comment", "openbadges")),
        ]);
        assert!(find(&png).unwrap().is_empty());
    }

    #[test]
    fn zip_bomb_is_bounded() {
        let bomb = ZTXtChunk::new("openbadges", "0".repeat(3 * MAX_PAYLOAD_BYTES));
        let png = with_chunks(&[encoded(&bomb)]);
        assert!(
            png.len() < MAX_PAYLOAD_BYTES / 50,
            "the bomb is small on disk"
        );
        let found = find(&png).unwrap();
        assert!(matches!(
            text_of(&found[0]),
            Err(PngError::TextTooLarge { .. })
        ));
    }

    #[test]
    fn oversized_plain_text_is_refused_before_copying() {
        let big = TEXtChunk::new("openbadges", "x".repeat(MAX_PAYLOAD_BYTES + 100));
        let png = with_chunks(&[encoded(&big)]);
        let found = find(&png).unwrap();
        assert!(matches!(
            text_of(&found[0]),
            Err(PngError::TextTooLarge { .. })
        ));
    }

    #[test]
    fn malformed_text_chunks_are_errors() {
        let raw_itxt = |data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(b"iTXt");
            c.extend_from_slice(data);
            let crc = crc32fast::hash(&c[4..]);
            c.extend_from_slice(&crc.to_be_bytes());
            c
        };
        for data in [
            &b"openbadgecredential\0"[..],
            b"openbadgecredential\0\x02\0\0\0x",
            b"openbadgecredential\0\0\0nolangterminator",
            b"openbadgecredential\0\x01\0\0\0not zlib",
            b"openbadgecredential\0\0\0\0\0\xff\xfe",
        ] {
            let png = with_chunks(&[raw_itxt(data)]);
            let found = find(&png).unwrap();
            assert!(
                matches!(text_of(&found[0]), Err(PngError::BadTextChunk { .. })),
                "{data:?}"
            );
        }
    }
}
