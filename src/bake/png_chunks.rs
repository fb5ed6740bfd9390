//! A checking walker over PNG chunks: signature, lengths against the bytes really present,
//! chunk types, CRCs, IHDR first and IEND last. It only borrows slices of the input, so a hostile
//! length field can never make us allocate.

use super::error::PngError;

pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// PNG §5.3: a chunk length is at most 2^31 - 1.
const MAX_CHUNK_LEN: u32 = 0x7FFF_FFFF;

/// One chunk, borrowed from the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk<'a> {
    /// Byte offset of the chunk's length field in the file.
    pub offset: usize,
    pub kind: [u8; 4],
    pub data: &'a [u8],
    /// The whole chunk: length, type, data and CRC, ready to copy.
    pub raw: &'a [u8],
}

impl Chunk<'_> {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// Iterates the chunks up to and including IEND; yields an error (then stops) on the first
/// problem. [`Chunks::trailing`] gives what follows IEND.
pub(crate) struct Chunks<'a> {
    bytes: &'a [u8],
    pos: usize,
    done: bool,
}

/// Starts walking `bytes`, which must begin with the PNG signature.
pub(crate) fn chunks(bytes: &[u8]) -> Result<Chunks<'_>, PngError> {
    if !bytes.starts_with(&SIGNATURE) {
        return Err(PngError::NotPng);
    }
    Ok(Chunks {
        bytes,
        pos: SIGNATURE.len(),
        done: false,
    })
}

/// True when `bytes` starts with the PNG signature.
pub(crate) fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

impl<'a> Chunks<'a> {
    /// Bytes after IEND (some tools append data there); empty until the walk has finished.
    pub fn trailing(&self) -> &'a [u8] {
        if self.done {
            self.bytes.get(self.pos..).unwrap_or_default()
        } else {
            &[]
        }
    }

    fn next_chunk(&mut self) -> Result<Chunk<'a>, PngError> {
        let offset = self.pos;
        let rest = self.bytes.get(offset..).unwrap_or_default();
        if rest.is_empty() {
            return Err(PngError::MissingIend);
        }
        let truncated = |needed: u64| PngError::Truncated {
            offset,
            needed,
            available: rest.len(),
        };
        let header = rest.get(..8).ok_or_else(|| truncated(12))?;
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(header.get(..4).unwrap_or_default());
        let mut kind = [0u8; 4];
        kind.copy_from_slice(header.get(4..8).unwrap_or_default());
        let length = u32::from_be_bytes(len_bytes);
        if length > MAX_CHUNK_LEN {
            return Err(PngError::ChunkTooLong { offset, length });
        }
        // Compare with what is present before touching the data: never trust the length field.
        let total = 12 + u64::from(length);
        let raw = usize::try_from(total)
            .ok()
            .and_then(|t| rest.get(..t))
            .ok_or_else(|| truncated(total))?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(PngError::BadChunkType {
                offset,
                name: format!("{:02X?}", kind),
            });
        }
        let data_end = raw.len() - 4;
        let data = raw.get(8..data_end).unwrap_or_default();
        let mut crc = [0u8; 4];
        crc.copy_from_slice(raw.get(data_end..).unwrap_or_default());
        let chunk = Chunk {
            offset,
            kind,
            data,
            raw,
        };
        let typed_data = raw.get(4..data_end).unwrap_or_default();
        if crc32fast::hash(typed_data) != u32::from_be_bytes(crc) {
            return Err(PngError::BadCrc {
                offset,
                name: chunk.name(),
            });
        }
        if offset == SIGNATURE.len() && (&kind != b"IHDR" || length != 13) {
            return Err(PngError::BadHeader {
                found: chunk.name(),
            });
        }
        self.pos = offset + raw.len();
        if &kind == b"IEND" {
            self.done = true;
        }
        Ok(chunk)
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, PngError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = self.next_chunk();
        if result.is_err() {
            // Stop after the first error; `trailing` stays empty.
            self.done = true;
            self.pos = self.bytes.len();
        }
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal chunk built by hand for the walker's own tests.
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[4..]);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    fn tiny() -> Vec<u8> {
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(chunk(b"IDAT", b"x"));
        png.extend(chunk(b"IEND", b""));
        png
    }

    fn walk(bytes: &[u8]) -> Result<Vec<String>, PngError> {
        chunks(bytes)?.map(|c| c.map(|c| c.name())).collect()
    }

    #[test]
    fn walks_a_valid_file_and_keeps_trailing_bytes() {
        let mut png = tiny();
        png.extend_from_slice(b"junk");
        assert_eq!(walk(&png).unwrap(), ["IHDR", "IDAT", "IEND"]);
        let mut it = chunks(&png).unwrap();
        for c in it.by_ref() {
            c.unwrap();
        }
        assert_eq!(it.trailing(), b"junk");
    }

    #[test]
    fn every_truncation_is_an_error() {
        let png = tiny();
        for cut in 8..png.len() {
            assert!(walk(&png[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(walk(&png[..7]), Err(PngError::NotPng));
    }

    #[test]
    fn hostile_lengths_and_crcs() {
        let mut png = tiny();
        png[8..12].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        assert!(matches!(walk(&png), Err(PngError::ChunkTooLong { .. })));
        png[8..12].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
        assert!(matches!(walk(&png), Err(PngError::Truncated { .. })));
        let mut png = tiny();
        png[20] ^= 1;
        assert!(matches!(walk(&png), Err(PngError::BadCrc { .. })));
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk(b"IDAT", b"x"));
        assert!(matches!(walk(&png), Err(PngError::BadHeader { .. })));
        let mut png = tiny();
        png.truncate(png.len() - 12);
        assert_eq!(walk(&png), Err(PngError::MissingIend));
    }
}
