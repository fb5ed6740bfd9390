//! The derived files of issued credentials under `issued/`: names, atomic writes (an unnamed
//! file then linked, or a temporary name then renamed), directory syncs, telling a complete
//! file from one a power cut truncated, and clearing temporaries left by a crash.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Suffix of files being written; anything with it is left over from a crash.
pub const TMP_SUFFIX: &str = ".partial";

/// File stem of a credential: the UUID of `urn:uuid:…` (colons are not allowed in Windows file
/// names), or the id with unsafe characters replaced.
pub fn stem(credential_id: &str) -> String {
    let id = credential_id
        .strip_prefix("urn:uuid:")
        .unwrap_or(credential_id);
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Paths of the signed JSON and the baked image (`ext` is "png" or "svg").
pub fn paths(issued_dir: &Path, credential_id: &str, image_ext: &str) -> (PathBuf, PathBuf) {
    let stem = stem(credential_id);
    (
        issued_dir.join(format!("{stem}.json")),
        issued_dir.join(format!("{stem}.{image_ext}")),
    )
}

/// Write `bytes` to `path` so that readers see either the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    via_temporary(path, bytes, true)
}

/// Replace `path` atomically (temporary name, then rename) without syncing the data: a killed
/// process leaves the old file or the whole new one; after a power cut the file may be short,
/// which `is_complete` detects and the next run repairs from the database. Bulk issuing syncs
/// the directory once per chunk instead of every file (`sync_dir`).
pub fn write_replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    via_temporary(path, bytes, false)
}

static TEMPORARIES: AtomicU64 = AtomicU64::new(0);

/// A temporary name beside `path`, unique to this process and call: two writers of the same
/// file (the desk and a repairing `publish`, say) never write into one temporary.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(
        ".{}-{}{TMP_SUFFIX}",
        std::process::id(),
        TEMPORARIES.fetch_add(1, Ordering::Relaxed)
    ));
    PathBuf::from(name)
}

/// Write `bytes` to a fresh temporary (synced when `sync`), then rename it to `path`.
fn via_temporary(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let mut tries = 0;
    loop {
        let tmp = temporary(path);
        let result = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            if sync {
                file.sync_all()?;
            }
            drop(file);
            fs::rename(&tmp, path)
        })();
        match result {
            Ok(()) => return Ok(()),
            // Another process repairing the folder cannot tell this temporary from a killed
            // run's and may have removed it: write again.
            Err(e)
                if e.kind() == io::ErrorKind::NotFound
                    && tries < 3
                    && path.parent().is_some_and(Path::is_dir) =>
            {
                tries += 1;
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        }
    }
}

/// Write a file that should not exist yet (a new credential's) so that readers see no file or
/// the whole file. On Linux the bytes go to an unnamed file (`O_TMPFILE`) that then gets its
/// name (`linkat`): one directory update instead of two (create, rename), which matters when
/// two threads write thousands of files into one directory, and a killed process leaves
/// nothing behind. Where that is not available, or the file exists after all: `write_replace`.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(result) = unnamed::write_then_link(path, bytes) {
        return result;
    }
    write_replace(path, bytes)
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat};

    /// `None` when this way is unavailable here (no `O_TMPFILE` on this filesystem, no
    /// `/proc`, the name already taken, or any other refusal): the caller writes the usual
    /// way, which reports real problems (missing folder, permissions) with the path.
    pub fn write_then_link(path: &Path, bytes: &[u8]) -> Option<io::Result<()>> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
        let fd = openat(CWD, dir, flags, Mode::from_raw_mode(0o666)).ok()?;
        let mut file = std::fs::File::from(fd);
        if let Err(e) = file.write_all(bytes) {
            // Out of space while writing: the usual way would fail the same.
            return Some(Err(e));
        }
        // The unnamed file is reachable by name only through /proc (linking it with
        // AT_EMPTY_PATH needs a capability).
        let fd_path = format!("/proc/self/fd/{}", file.as_raw_fd());
        linkat(CWD, fd_path.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW)
            .ok()
            .map(Ok)
    }
}

/// Make the renames in `dir` durable (Unix; on Windows a rename is durable once it returns on
/// NTFS's journal and directories cannot be opened for syncing).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Is the file at `path` whole? JSON: exactly `json_len` bytes when given. Images: they end as
/// a PNG (the `IEND` chunk) or an SVG (`</svg>`, or `</x:svg>` with a prefix) must. Missing → false.
pub fn is_complete(path: &Path, json_len: Option<u64>) -> bool {
    match json_len {
        Some(expected) => fs::metadata(path).is_ok_and(|m| m.len() == expected),
        None => whole_image(path).is_some(),
    }
}

/// The image file at `path`, if it is whole (see [`is_complete`]): its length and modification
/// time, which tell a later run whether it was rewritten without reading it again. `None` when
/// it is missing, unreadable or cut short.
pub fn whole_image(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    const TAIL: u64 = 64;
    let start = meta.len().saturating_sub(TAIL);
    let mut tail = Vec::with_capacity(TAIL as usize);
    file.seek(SeekFrom::Start(start)).ok()?;
    file.read_to_end(&mut tail).ok()?;
    ends_like_a_whole_image(&tail).then(|| (meta.len(), meta.modified().ok()))
}

/// Whether the file at `path` holds exactly `expected`: at most one byte more than `expected`
/// is read, without asking for the file's size first (publishing checks every issued JSON
/// file this way).
pub fn holds_exactly(path: &Path, expected: &[u8]) -> bool {
    use std::io::Read;
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut held = Vec::with_capacity(expected.len() + 1);
    let limit = u64::try_from(expected.len()).map_or(u64::MAX, |n| n.saturating_add(1));
    file.take(limit).read_to_end(&mut held).is_ok() && held == expected
}

/// Do these bytes (an image file's end, or all of it) end as a whole PNG (its `IEND` chunk) or
/// SVG (`svg>`) does? A file cut short by a power cut does not.
pub fn ends_like_a_whole_image(tail: &[u8]) -> bool {
    const IEND: &[u8] = &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
    tail.ends_with(IEND) || tail.trim_ascii_end().ends_with(b"svg>")
}

/// Remove temporaries a killed run left behind. Returns how many were removed.
pub fn remove_partials(dir: &Path) -> io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        if path.to_string_lossy().ends_with(TMP_SUFFIX) {
            fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_compares_every_byte_and_the_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let bytes = br#"{"id":"urn:uuid:1"}"#;
        fs::write(&path, bytes).unwrap();
        assert!(holds_exactly(&path, bytes));
        assert!(
            !holds_exactly(&path, &bytes[..bytes.len() - 1]),
            "file longer"
        );
        assert!(
            !holds_exactly(&path, b"{\"id\":\"urn:uuid:1\"} "),
            "file shorter"
        );
        assert!(
            !holds_exactly(&path, br#"{"id":"urn:uuid:2"}"#),
            "one byte differs"
        );
        fs::write(&path, b"").unwrap();
        assert!(holds_exactly(&path, b""));
        assert!(!holds_exactly(&dir.path().join("missing.json"), b""));
    }

    #[test]
    fn stems_are_portable_file_names() {
        assert_eq!(stem("urn:uuid:1b2c-3d"), "1b2c-3d");
        assert_eq!(stem("https://x.org/c/1"), "https___x_org_c_1");
    }

    #[test]
    fn atomic_write_and_cleanup() {
        let dir = tempfile::tempdir().unwrap();
        let (json, png) = paths(dir.path(), "urn:uuid:abc", "png");
        write_atomic(&json, b"{}").unwrap();
        write_atomic(&json, b"{\"a\":1}").unwrap();
        assert_eq!(fs::read(&json).unwrap(), b"{\"a\":1}");
        fs::write(format!("{}{TMP_SUFFIX}", png.display()), b"half").unwrap();
        assert_eq!(remove_partials(dir.path()).unwrap(), 1);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(remove_partials(&dir.path().join("missing")).unwrap(), 0);
    }

    #[test]
    fn new_files_appear_whole_and_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (json, png) = paths(dir.path(), "urn:uuid:abc", "png");
        let image = crate::event::DEFAULT_BADGES[0].1;
        write_new(&json, b"{\"a\":1}").unwrap();
        write_new(&png, image).unwrap();
        assert_eq!(fs::read(&json).unwrap(), b"{\"a\":1}");
        assert_eq!(fs::read(&png).unwrap(), image);
        // No temporary is left beside them, whichever way they were written.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        // Already there after all (e.g. a rerun): replaced, not an error.
        write_new(&json, b"{\"a\":2}").unwrap();
        assert_eq!(fs::read(&json).unwrap(), b"{\"a\":2}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        // A missing folder is the usual error.
        let missing = dir.path().join("missing").join("x.json");
        let err = write_new(&missing, b"{}").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    /// The Linux way itself (not the fallback), where the temp folder's filesystem has
    /// O_TMPFILE (ext4, xfs, btrfs, tmpfs do).
    #[cfg(target_os = "linux")]
    #[test]
    fn unnamed_then_linked_on_linux() {
        use rustix::fs::{CWD, Mode, OFlags, openat};
        let dir = tempfile::tempdir().unwrap();
        let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
        if openat(CWD, dir.path(), flags, Mode::from_raw_mode(0o600)).is_err() {
            eprintln!(
                "no O_TMPFILE in {}: only the fallback is tested",
                dir.path().display()
            );
            return;
        }
        let path = dir.path().join("a.json");
        assert!(unnamed::write_then_link(&path, b"{}").unwrap().is_ok());
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        // The name is taken: not this way (the caller replaces the usual way).
        assert!(unnamed::write_then_link(&path, b"[]").is_none());
        assert_eq!(fs::read(&path).unwrap(), b"{}");
    }

    #[test]
    fn complete_files_are_told_from_truncated_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (json, png) = paths(dir.path(), "urn:uuid:abc", "png");
        write_replace(&json, b"{\"a\":1}").unwrap();
        assert!(is_complete(&json, Some(7)));
        assert!(!is_complete(&json, Some(8)));
        let image = crate::event::DEFAULT_BADGES[0].1;
        write_replace(&png, image).unwrap();
        sync_dir(dir.path()).unwrap();
        assert!(is_complete(&png, None));
        fs::write(&png, &image[..image.len() - 5]).unwrap();
        assert!(!is_complete(&png, None));
        fs::write(&png, b"").unwrap();
        assert!(!is_complete(&png, None));
        let svg = dir.path().join("x.svg");
        fs::write(&svg, b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n").unwrap();
        assert!(is_complete(&svg, None));
        fs::write(&svg, b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g/>").unwrap();
        assert!(!is_complete(&svg, None));
        assert!(!is_complete(&dir.path().join("missing.png"), None));
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            3,
            "no temporaries left"
        );
    }
}
