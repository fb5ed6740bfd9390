//! Claim tokens: 128 bits from a CSPRNG, written as 26 lower-case base32 characters
//! (RFC 4648 alphabet, no padding) so they are URL-safe, case-insensitive when typed, and never
//! sequential. Validation checks the shape only; whether a token exists is the store's business.

use std::fmt;

use rand::CryptoRng;

/// Random bytes in a token (128 bits).
pub const TOKEN_BYTES: usize = 16;
/// Characters in a token: ceil(128 / 5).
pub const TOKEN_LEN: usize = 26;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("a claim token has {TOKEN_LEN} characters, this one has {0}")]
    Length(usize),
    #[error("a claim token only uses a-z and 2-7; found {0:?}")]
    Character(char),
    #[error("this claim token's last character has bits that no token sets")]
    Padding,
}

/// A claim token, known to have the right shape.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClaimToken(String);

impl ClaimToken {
    /// A fresh token from the operating system's CSPRNG (via the thread RNG).
    pub fn generate() -> ClaimToken {
        ClaimToken::generate_with(&mut rand::rng())
    }

    /// A fresh token from the given cryptographic RNG (seeded in tests).
    pub fn generate_with<R: CryptoRng + ?Sized>(rng: &mut R) -> ClaimToken {
        let mut bytes = [0u8; TOKEN_BYTES];
        rng.fill_bytes(&mut bytes);
        ClaimToken(base32(&bytes))
    }

    /// A token from random bytes the caller drew from a CSPRNG (issuance draws all its
    /// randomness from one injectable source).
    pub fn from_random_bytes(bytes: [u8; TOKEN_BYTES]) -> ClaimToken {
        ClaimToken(base32(&bytes))
    }

    /// Check the shape of a token read from a URL or a file. Upper case is accepted (people
    /// type short URLs) and folded to lower case.
    pub fn parse(s: &str) -> Result<ClaimToken, TokenError> {
        let n = s.chars().count();
        if n != TOKEN_LEN {
            return Err(TokenError::Length(n));
        }
        let lower = s.to_ascii_lowercase();
        if let Some(c) = lower
            .chars()
            .find(|c| !ALPHABET.contains(&(*c as u8)) || !c.is_ascii())
        {
            return Err(TokenError::Character(c));
        }
        // 26 × 5 = 130 bits: the last character carries 3 data bits and 2 zero bits.
        let last = lower.as_bytes().last().copied().unwrap_or(b'a');
        let value = ALPHABET.iter().position(|&a| a == last).unwrap_or(0);
        if value & 0b11 != 0 {
            return Err(TokenError::Padding);
        }
        Ok(ClaimToken(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Tokens are bearer secrets: keep them out of debug output and logs.
impl fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaimToken({}…)", self.0.get(..4).unwrap_or(""))
    }
}

impl fmt::Display for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ClaimToken {
    type Error = TokenError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClaimToken::parse(&s)
    }
}

impl From<ClaimToken> for String {
    fn from(t: ClaimToken) -> String {
        t.0
    }
}

/// SHA-256 of a token's text: the key claims are looked up by (in memory and in the event
/// database), so a lookup never compares the secret token bytes themselves.
pub fn lookup_key(token: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).into()
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::collections::HashSet;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(&[0xff; 16]), format!("{}4", "7".repeat(25)));
    }

    #[test]
    fn generated_tokens_have_the_shape_and_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut seen = HashSet::new();
        for _ in 0..2000 {
            let t = ClaimToken::generate_with(&mut rng);
            assert_eq!(t.as_str().len(), TOKEN_LEN);
            assert_eq!(ClaimToken::parse(t.as_str()).unwrap(), t);
            assert!(seen.insert(t));
        }
    }

    #[test]
    fn tokens_are_random_not_sequential() {
        // Over many tokens every character position takes many values: no counter inside.
        let tokens: Vec<_> = (0..500).map(|_| ClaimToken::generate()).collect();
        for pos in 0..TOKEN_LEN - 1 {
            let distinct: HashSet<u8> = tokens.iter().map(|t| t.as_str().as_bytes()[pos]).collect();
            assert!(
                distinct.len() > 20,
                "position {pos} has {} values",
                distinct.len()
            );
        }
    }

    #[test]
    fn parse_rejects_bad_shapes_and_folds_case() {
        let t = ClaimToken::generate();
        let upper = t.as_str().to_ascii_uppercase();
        assert_eq!(ClaimToken::parse(&upper).unwrap(), t);
        assert_eq!(ClaimToken::parse("abc"), Err(TokenError::Length(3)));
        let mut bad = t.as_str().to_string();
        bad.replace_range(0..1, "1");
        assert_eq!(ClaimToken::parse(&bad), Err(TokenError::Character('1')));
        let mut bad = t.as_str().to_string();
        bad.replace_range(3..4, "é");
        assert!(ClaimToken::parse(&bad).is_err());
        let mut bad = t.as_str()[..TOKEN_LEN - 1].to_string();
        bad.push('b');
        assert_eq!(ClaimToken::parse(&bad), Err(TokenError::Padding));
        assert!(ClaimToken::parse("../../../../etc/passwd/aaaa").is_err());
    }

    #[test]
    fn debug_does_not_leak_the_token() {
        let t = ClaimToken::generate();
        assert!(!format!("{t:?}").contains(t.as_str()));
    }
}
