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

#[cfg(test)]
mod tests {
    use super::*;

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
