//! `hub.toml` in an event folder: the hub this desk meets the others in. It holds the desk
//! role's password, so it is written readable by its owner only (on Unix) and never copied by
//! `join` or published.

use std::path::{Path, PathBuf};

use super::{HubError, HubUrl};

pub const HUB_FILE: &str = "hub.toml";

#[derive(Debug, Clone)]
pub struct HubConfig {
    pub url: HubUrl,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct HubFile {
    url: String,
}

impl HubConfig {
    /// The event's hub, or `None` for a single-desk event (no `hub.toml`).
    pub fn load(event_dir: &Path) -> Result<Option<HubConfig>, HubError> {
        let path = event_dir.join(HUB_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(HubError::Io { path, source }),
        };
        let file: HubFile = toml::from_str(&text)
            .map_err(|e| HubError::Config(format!("{}: {}", path.display(), e.message())))?;
        Ok(Some(HubConfig {
            url: HubUrl::parse(&file.url)?,
        }))
    }

    /// Write `hub.toml` (owner-only on Unix), replacing any earlier one.
    pub fn save(&self, event_dir: &Path) -> Result<PathBuf, HubError> {
        let path = event_dir.join(HUB_FILE);
        let text = toml::to_string(&HubFile {
            url: self.url.as_str().to_string(),
        })
        .map_err(|e| HubError::Config(e.to_string()))?;
        let text = format!(
            "# The hub this desk meets the other desks in. Holds a password: keep it private.\n{text}"
        );
        write_private(&path, text.as_bytes()).map_err(|source| HubError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// Write a file only its owner can read, through a temporary name so a crash leaves the old
/// one or the new one.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_config_reads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(HubConfig::load(dir.path()).unwrap().is_none());
        let config = HubConfig {
            url: HubUrl::parse("postgres://d:secret@127.0.0.1:5433/fest").unwrap(),
        };
        let path = config.save(dir.path()).unwrap();
        let back = HubConfig::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.url.as_str(), config.url.as_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
