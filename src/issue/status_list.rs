//! Bitstring Status List (W3C): the revocation bits of an event, encoded as the spec says
//! (`"u"` + base64url-no-padding(GZIP(bits)), bit 0 = most significant bit of byte 0).

use std::collections::BTreeSet;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

/// The spec's minimum list length (16 KiB of bits), so a list says little about one person.
pub const MIN_ENTRIES: u64 = 131_072;
/// Largest list we decode (4× the minimum): a bound against decompression bombs.
const MAX_DECODED_BYTES: u64 = 4 * MIN_ENTRIES / 8;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatusListError {
    #[error("encodedList must start with 'u' (multibase base64url)")]
    NotMultibase,
    #[error("encodedList is not valid base64url: {0}")]
    Base64(String),
    #[error("encodedList is not valid GZIP: {0}")]
    Gzip(String),
    #[error("the status list has {found} entries, fewer than the {MIN_ENTRIES} the spec requires")]
    TooShort { found: u64 },
    #[error("the status list is larger than {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    #[error("status index {index} is outside the list ({len} entries)")]
    OutOfRange { index: u64, len: u64 },
    #[error("the list is full: all {0} indices are used")]
    Full(u64),
}

/// A revocation bitstring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusBits {
    bytes: Vec<u8>,
}

impl Default for StatusBits {
    fn default() -> Self {
        StatusBits {
            bytes: vec![0; (MIN_ENTRIES / 8) as usize],
        }
    }
}

impl StatusBits {
    /// A list with these indices set (revoked).
    pub fn with_revoked(
        revoked: impl IntoIterator<Item = u64>,
    ) -> Result<StatusBits, StatusListError> {
        let mut bits = StatusBits::default();
        for index in revoked {
            bits.set(index)?;
        }
        Ok(bits)
    }

    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn set(&mut self, index: u64) -> Result<(), StatusListError> {
        let len = self.len();
        let byte = self
            .bytes
            .get_mut((index / 8) as usize)
            .ok_or(StatusListError::OutOfRange { index, len })?;
        *byte |= 0x80 >> (index % 8);
        Ok(())
    }

    pub fn get(&self, index: u64) -> Result<bool, StatusListError> {
        let byte = self
            .bytes
            .get((index / 8) as usize)
            .ok_or(StatusListError::OutOfRange {
                index,
                len: self.len(),
            })?;
        Ok(byte & (0x80 >> (index % 8)) != 0)
    }

    /// The `encodedList` value.
    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(&self.bytes);
        let compressed = gz.finish().unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Parse an `encodedList` value, refusing lists below the spec's minimum or absurdly large.
    pub fn decode(encoded: &str) -> Result<StatusBits, StatusListError> {
        let b64 = encoded
            .strip_prefix('u')
            .ok_or(StatusListError::NotMultibase)?;
        let compressed = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|e| StatusListError::Base64(e.to_string()))?;
        let mut bytes = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StatusListError::Gzip(e.to_string()))?;
        if bytes.len() as u64 > MAX_DECODED_BYTES {
            return Err(StatusListError::TooLarge);
        }
        let found = bytes.len() as u64 * 8;
        if found < MIN_ENTRIES {
            return Err(StatusListError::TooShort { found });
        }
        Ok(StatusBits { bytes })
    }
}

/// Pick an unused index at random (the spec asks for random assignment, so an index says
/// nothing about issuing order). `random` yields uniformly random u64s.
pub fn pick_index(
    used: &BTreeSet<u64>,
    mut random: impl FnMut() -> u64,
) -> Result<u64, StatusListError> {
    if used.len() as u64 >= MIN_ENTRIES {
        return Err(StatusListError::Full(MIN_ENTRIES));
    }
    loop {
        let candidate = random() % MIN_ENTRIES;
        if !used.contains(&candidate) {
            return Ok(candidate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_spec_example_of_an_empty_list() {
        let bits = StatusBits::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        )
        .unwrap();
        assert_eq!(bits.len(), MIN_ENTRIES);
        assert!(!bits.get(0).unwrap() && !bits.get(MIN_ENTRIES - 1).unwrap());
    }

    #[test]
    fn bit_order_and_round_trip() {
        let bits = StatusBits::with_revoked([0, 9, MIN_ENTRIES - 1]).unwrap();
        assert_eq!(bits.bytes[0], 0x80);
        assert_eq!(bits.bytes[1], 0x40);
        assert_eq!(bits.bytes[(MIN_ENTRIES / 8 - 1) as usize], 0x01);
        let decoded = StatusBits::decode(&bits.encode()).unwrap();
        assert_eq!(decoded, bits);
        assert!(decoded.get(9).unwrap() && !decoded.get(10).unwrap());
        assert_eq!(
            bits.get(MIN_ENTRIES),
            Err(StatusListError::OutOfRange {
                index: MIN_ENTRIES,
                len: MIN_ENTRIES
            })
        );
    }

    #[test]
    fn refuses_bad_lists() {
        assert_eq!(
            StatusBits::decode("zabc"),
            Err(StatusListError::NotMultibase)
        );
        assert!(matches!(
            StatusBits::decode("u!!"),
            Err(StatusListError::Base64(_))
        ));
        assert!(matches!(
            StatusBits::decode("uAAAA"),
            Err(StatusListError::Gzip(_))
        ));
        let short = StatusBits {
            bytes: vec![0; 100],
        }
        .encode();
        assert_eq!(
            StatusBits::decode(&short),
            Err(StatusListError::TooShort { found: 800 })
        );
        let bomb = StatusBits {
            bytes: vec![0; 10 * MIN_ENTRIES as usize / 8],
        }
        .encode();
        assert_eq!(StatusBits::decode(&bomb), Err(StatusListError::TooLarge));
    }

    #[test]
    fn picks_unused_indices() {
        let used: BTreeSet<u64> = [5, 6].into();
        let mut seq = [5u64, 6, 7].into_iter();
        assert_eq!(pick_index(&used, || seq.next().unwrap_or(0)), Ok(7));
    }
}
