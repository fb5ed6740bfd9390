//! Atomic, incremental file writes for the static site: a file whose bytes are already on disk
//! is left alone; otherwise the bytes go to a temporary name in the same folder and are renamed
//! over the target, so a web server never serves half a file.

use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::claim::ClaimError;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    Unchanged,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn io(path: &Path, source: std::io::Error) -> ClaimError {
    ClaimError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Write `bytes` to `path` unless it already holds exactly them. Creates parent folders.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<WriteOutcome, ClaimError> {
    match fs::metadata(path) {
        Ok(meta) if meta.len() == bytes.len() as u64 => {
            if fs::read(path).map_err(|e| io(path, e))? == bytes {
                return Ok(WriteOutcome::Unchanged);
            }
        }
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(io(path, e)),
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io(path, e));
    }
    Ok(WriteOutcome::Written)
}

/// Present in a published folder while a publish runs into it: found at the start of the
/// next publish, it says the last one was killed, and its temporaries are removed then.
pub const IN_PROGRESS_FILE: &str = ".badgedesk-publishing";

/// Start publishing into `out_dir`: after a killed publish (its marker is still there),
/// remove what it left half-made — claim folders being assembled (`.new-*`) and temporary
/// files (`.NAME.tmp-*`) — so the folder can be uploaded as is. Returns how many were removed.
/// Without a marker nothing is walked: an ordinary publish costs no more.
pub fn begin_publish(out_dir: &Path) -> Result<usize, ClaimError> {
    let marker = out_dir.join(IN_PROGRESS_FILE);
    let removed = if marker.exists() {
        remove_leftovers(out_dir)?
    } else {
        0
    };
    fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    fs::write(&marker, b"").map_err(|e| io(&marker, e))?;
    Ok(removed)
}

/// A publish finished: the folder is whole.
pub fn end_publish(out_dir: &Path) -> Result<(), ClaimError> {
    let marker = out_dir.join(IN_PROGRESS_FILE);
    match fs::remove_file(&marker) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(&marker, e)),
    }
}

fn remove_leftovers(dir: &Path) -> Result<usize, ClaimError> {
    let mut removed = 0;
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        if kind.is_dir() {
            if name.starts_with(".new-") {
                fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
                removed += 1;
            } else {
                removed += remove_leftovers(&path)?;
            }
        } else if name.starts_with('.') && name.contains(".tmp-") {
            fs::remove_file(&path).map_err(|e| io(&path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_killed_midway_leaves_nothing_after_the_next_one_begins() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        assert_eq!(begin_publish(&site).unwrap(), 0);
        // What a kill leaves: a claim folder being assembled and a temporary file.
        fs::create_dir_all(site.join("c/.new-TOKEN-42")).unwrap();
        fs::write(site.join("c/.new-TOKEN-42/index.html"), b"half").unwrap();
        fs::create_dir_all(site.join("c/TOKEN2")).unwrap();
        fs::write(site.join("c/TOKEN2/.index.html.tmp-42-7"), b"half").unwrap();
        fs::write(site.join("c/TOKEN2/index.html"), b"whole").unwrap();
        assert_eq!(begin_publish(&site).unwrap(), 2);
        assert!(!site.join("c/.new-TOKEN-42").exists());
        assert!(!site.join("c/TOKEN2/.index.html.tmp-42-7").exists());
        assert_eq!(
            fs::read(site.join("c/TOKEN2/index.html")).unwrap(),
            b"whole"
        );
        end_publish(&site).unwrap();
        assert!(!site.join(IN_PROGRESS_FILE).exists());
        // A finished publish: the next one walks nothing (a leftover-looking file stays).
        fs::write(site.join(".x.tmp-1-1"), b"").unwrap();
        assert_eq!(begin_publish(&site).unwrap(), 0);
        end_publish(&site).unwrap();
    }

    #[test]
    fn writes_then_skips_then_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/x.txt");
        assert_eq!(write_if_changed(&p, b"one").unwrap(), WriteOutcome::Written);
        assert_eq!(
            write_if_changed(&p, b"one").unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(write_if_changed(&p, b"two").unwrap(), WriteOutcome::Written);
        assert_eq!(
            write_if_changed(&p, b"three").unwrap(),
            WriteOutcome::Written
        );
        assert_eq!(fs::read(&p).unwrap(), b"three");
        let names: Vec<_> = fs::read_dir(dir.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.txt")]);
    }

    #[test]
    fn a_folder_in_the_way_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        fs::create_dir(&p).unwrap();
        let err = write_if_changed(&p, b"1").unwrap_err();
        assert!(err.to_string().contains(&p.display().to_string()), "{err}");
    }
}
