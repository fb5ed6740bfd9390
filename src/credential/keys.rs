//! The issuer's Ed25519 key: generated once per event, stored as `keys/issuer.key` (mode 0600
//! on Unix), optionally encrypted with a passphrase (age, scrypt). The seed never leaves this
//! module in readable form: `Debug` shows only the public DID, errors never carry key bytes.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::didkey;

/// Where the key lives inside an event folder.
pub const KEY_FILE: &str = "keys/issuer.key";
/// Multicodec prefix of an Ed25519 seed in `secretKeyMultibase`.
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("there is already an issuer key at {path}; badgedesk never overwrites a key")]
    Exists { path: PathBuf },
    #[error("no issuer key at {path}; run `badgedesk init` (or `badgedesk keys generate`) first")]
    Missing { path: PathBuf },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the issuer key {path} can be read by other users (mode {mode:03o}); run `chmod 600 {path}` and try again"
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{path} is not a badgedesk issuer key (expected one secretKeyMultibase line)")]
    Malformed { path: PathBuf },
    #[error("the issuer key {path} is protected by a passphrase; give it to unlock the key")]
    PassphraseRequired { path: PathBuf },
    #[error("could not unlock the issuer key {path}: wrong passphrase or damaged file")]
    WrongPassphrase { path: PathBuf },
    #[error("could not encrypt the issuer key: {0}")]
    Encrypt(String),
    #[error("the system random generator failed: {0}")]
    Random(String),
}

/// The issuer's signing key. Cloning is cheap; the seed is wiped when dropped.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("did", &self.did_key())
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl IssuerKey {
    /// A key from a 32-byte Ed25519 seed (tests and vectors; real keys come from `generate`).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// A fresh key from the operating system's random generator.
    pub fn random() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self::from_seed(&seed))
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// `did:key:z6Mk…`
    pub fn did_key(&self) -> String {
        didkey::did_key(&self.verifying_key())
    }

    /// `z6Mk…` (Multikey `publicKeyMultibase`).
    pub fn public_key_multibase(&self) -> String {
        didkey::public_key_multibase(&self.verifying_key())
    }

    /// Ed25519 signature of `message` (pure EdDSA, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }

    fn secret_multibase(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(34));
        bytes.extend_from_slice(&ED25519_PRIV);
        bytes.extend_from_slice(self.signing.as_bytes());
        Zeroizing::new(format!("z{}\n", bs58::encode(bytes.as_slice()).into_string()))
    }

    fn from_secret_multibase(text: &str) -> Option<Self> {
        let b58 = text.trim().strip_prefix('z')?;
        let bytes = Zeroizing::new(bs58::decode(b58).into_vec().ok()?);
        let rest = bytes.strip_prefix(&ED25519_PRIV)?;
        // 32 bytes = seed (current Multikey); 64 = seed ‖ public (older exports).
        let seed: [u8; 32] = rest.get(..32)?.try_into().ok()?;
        let seed = Zeroizing::new(seed);
        let key = Self::from_seed(&seed);
        match rest.len() {
            32 => Some(key),
            64 if rest.get(32..) == Some(key.verifying_key().as_bytes().as_slice()) => Some(key),
            _ => None,
        }
    }
}

/// Options for writing a key.
#[derive(Debug, Clone, Copy)]
pub struct KeyOptions {
    /// scrypt cost `log2(N)` when a passphrase is given; `None` lets age pick (≈1 s).
    pub work_factor: Option<u8>,
}

/// The key file of an event folder.
pub fn key_path(event_dir: &Path) -> PathBuf {
    event_dir.join(KEY_FILE)
}

/// Generate a new issuer key and store it in `<event_dir>/keys/issuer.key` (mode 0600),
/// encrypted when a passphrase is given. Refuses to replace an existing key.
pub fn generate(event_dir: &Path, passphrase: Option<&str>) -> Result<IssuerKey, KeyError> {
    let key = IssuerKey::random()?;
    store(event_dir, &key, passphrase, KeyOptions { work_factor: None })?;
    Ok(key)
}

/// Store `key` in `<event_dir>/keys/issuer.key`. Refuses to replace an existing key.
pub fn store(
    event_dir: &Path,
    key: &IssuerKey,
    passphrase: Option<&str>,
    options: KeyOptions,
) -> Result<(), KeyError> {
    let path = key_path(event_dir);
    if path.exists() {
        return Err(KeyError::Exists { path });
    }
    let dir = path.parent().unwrap_or(event_dir).to_path_buf();
    fs::create_dir_all(&dir).map_err(|source| KeyError::Io {
        action: "create",
        path: dir.clone(),
        source,
    })?;
    restrict_dir(&dir);
    let plain = key.secret_multibase();
    let bytes: Zeroizing<Vec<u8>> = match passphrase {
        None => Zeroizing::new(plain.as_bytes().to_vec()),
        Some(p) => {
            let mut recipient = age::scrypt::Recipient::new(SecretString::from(p.to_string()));
            if let Some(w) = options.work_factor.filter(|w| (1..64).contains(w)) {
                recipient.set_work_factor(w);
            }
            let armored = age::encrypt_and_armor(&recipient, plain.as_bytes())
                .map_err(|e| KeyError::Encrypt(e.to_string()))?;
            Zeroizing::new(armored.into_bytes())
        }
    };
    let io = |source| KeyError::Io {
        action: "write",
        path: path.clone(),
        source,
    };
    let mut file = open_private(&path).map_err(io)?;
    file.write_all(&bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(())
}

/// Whether the stored key needs a passphrase.
pub fn is_encrypted(event_dir: &Path) -> Result<bool, KeyError> {
    let path = key_path(event_dir);
    let bytes = read(&path)?;
    Ok(looks_encrypted(&bytes))
}

/// Load the issuer key of an event folder. Refuses a key file that group or others can read
/// (Unix), naming the `chmod` that fixes it.
pub fn load(event_dir: &Path, passphrase: Option<&str>) -> Result<IssuerKey, KeyError> {
    let path = key_path(event_dir);
    let bytes = read(&path)?;
    check_private(&path)?;
    let plain: Zeroizing<Vec<u8>> = if looks_encrypted(&bytes) {
        let p = passphrase.ok_or_else(|| KeyError::PassphraseRequired { path: path.clone() })?;
        let identity = age::scrypt::Identity::new(SecretString::from(p.to_string()));
        Zeroizing::new(
            age::decrypt(&identity, &bytes)
                .map_err(|_| KeyError::WrongPassphrase { path: path.clone() })?,
        )
    } else {
        bytes
    };
    std::str::from_utf8(&plain)
        .ok()
        .and_then(IssuerKey::from_secret_multibase)
        .ok_or(KeyError::Malformed { path })
}

fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") || bytes.starts_with(b"age-encryption.org/")
}

fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    match fs::read(path) {
        Ok(b) => Ok(Zeroizing::new(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(KeyError::Missing {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(KeyError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<fs::File> {
    // Windows: the file inherits the user profile's ACL; there is no mode to set.
    fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: the key file itself is 0600 whatever the folder allows.
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_dir(_dir: &Path) {}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|source| KeyError::Io {
        action: "inspect",
        path: path.to_path_buf(),
        source,
    })?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::TooOpen {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_multibase_matches_w3c_vector() {
        let seed: [u8; 32] =
            hex::decode("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
                .unwrap()
                .try_into()
                .unwrap();
        let key = IssuerKey::from_seed(&seed);
        assert_eq!(
            key.secret_multibase().trim(),
            "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
        );
        let back = IssuerKey::from_secret_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .unwrap();
        assert_eq!(back.did_key(), key.did_key());
    }

    #[test]
    fn debug_hides_the_seed() {
        let key = IssuerKey::from_seed(&[9u8; 32]);
        let dbg = format!("{key:?}");
        assert!(dbg.contains("did:key:z6Mk"));
        assert!(!dbg.contains(&hex::encode([9u8; 32])));
        assert!(!dbg.contains(key.secret_multibase().trim()));
    }
}
