//! What the last publish into a folder wrote: one digest per claim (of everything its files
//! are made from), so the next publish skips unchanged claims without rendering them. One file
//! at the root of the site instead of a stamp in every claim folder: 10,000 fewer files to
//! create and to upload. It sits in the public folder, so claims are keyed by a hash of their
//! token, never the token itself (the file must not list the claims). Delete it to force every
//! claim to be checked again.

use std::collections::HashMap;
use std::path::Path;

use crate::claim::ClaimError;
use crate::claim::fsio::write_if_changed;

/// The manifest's file name, at the root of the published folder.
pub const MANIFEST_FILE: &str = ".badgedesk-published";
const HEADER: &str = "badgedesk publish manifest 1";

/// (claim key, digest) of a claim as published.
pub type ManifestEntry = (String, String);

/// The digests of the last publish, by claim key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishManifest {
    digests: HashMap<String, String>,
}

impl PublishManifest {
    /// The manifest of `out_dir`; empty when there is none or it is not ours (every claim is
    /// then checked file by file, which is always correct).
    pub fn load(out_dir: &Path) -> Self {
        let Ok(text) = std::fs::read_to_string(out_dir.join(MANIFEST_FILE)) else {
            return Self::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Self::default();
        }
        let digests = lines
            .filter_map(|line| line.split_once(' '))
            .map(|(key, digest)| (key.to_string(), digest.to_string()))
            .collect();
        Self { digests }
    }

    /// The key of a claim in the manifest: a hash of its token.
    pub fn key(token: &str) -> String {
        let hash = blake3::hash(token.as_bytes());
        hash.to_hex()
            .as_str()
            .get(..32)
            .unwrap_or_default()
            .to_string()
    }

    /// Whether the manifest lists the claim at all.
    pub fn knows(&self, key: &str) -> bool {
        self.digests.contains_key(key)
    }

    /// Whether the claim was last published with exactly this digest.
    pub fn is_current(&self, key: &str, digest: &str) -> bool {
        self.digests.get(key).is_some_and(|d| d == digest)
    }

    /// Replace the manifest of `out_dir` with `entries` (atomically; untouched when equal).
    pub fn save(out_dir: &Path, mut entries: Vec<ManifestEntry>) -> Result<(), ClaimError> {
        entries.sort_unstable();
        let mut text = String::with_capacity(32 + entries.len() * 100);
        text.push_str(HEADER);
        text.push('\n');
        for (key, digest) in &entries {
            text.push_str(key);
            text.push(' ');
            text.push_str(digest);
            text.push('\n');
        }
        write_if_changed(&out_dir.join(MANIFEST_FILE), text.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_digests_load_back_by_hashed_token_only() {
        let dir = tempfile::tempdir().unwrap();
        let token = "kq3Zb8xY1mN4pR7tV0wA2c";
        let key = PublishManifest::key(token);
        PublishManifest::save(dir.path(), vec![(key.clone(), "d1".into())]).unwrap();
        let text = std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
        assert!(!text.contains(token), "the manifest names a token");
        let manifest = PublishManifest::load(dir.path());
        assert!(manifest.is_current(&key, "d1"));
        assert!(!manifest.is_current(&key, "d2"));
        assert!(!manifest.is_current(&PublishManifest::key("other"), "d1"));
    }

    #[test]
    fn a_missing_or_foreign_file_is_an_empty_manifest() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            PublishManifest::load(dir.path()),
            PublishManifest::default()
        );
        std::fs::write(dir.path().join(MANIFEST_FILE), "something else\nk d\n").unwrap();
        assert_eq!(
            PublishManifest::load(dir.path()),
            PublishManifest::default()
        );
    }
}
