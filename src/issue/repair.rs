//! Files under `issued/` are derived from the database: after a kill or a power cut, rows
//! committed before the files were written (or whose files a power cut truncated) get their
//! files back, and temporaries are removed. `badgedesk rebuild` rewrites everything.
//!
//! [`repair_issued`] needs no issuer key (the signed JSON is in the database; baking only needs
//! the badge image), so every command that reads `issued/` can repair it first, whether or not
//! it has anything else to do.

use std::collections::HashMap;
use std::path::Path;

use super::engine::{IssueError, Issuer};
use super::files;
use super::pipeline::{threads, write_pair};
use crate::bake::{self, Payload, Version};
use crate::credential::sign::parallel_map;
use crate::event::{BadgeImage, EventDir};
use crate::store::Store;

/// What a repair of `issued/` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repaired {
    /// Temporaries of a killed run that were removed.
    pub temporaries: usize,
    /// Credentials whose files were missing or incomplete and were written again.
    pub rewritten: usize,
    /// Achievements of stored credentials that have no usable badge image (removed from
    /// event.toml, or the image is unreadable): those credentials' files were left as they are.
    pub unchecked: Vec<String>,
}

/// Remove temporaries under `issued/` and write again the files of stored credentials that are
/// missing or incomplete (a kill between a commit and its files, or a power cut). Without the
/// issuer key: what is written comes from the database and the badge images.
pub fn repair_issued(event: &EventDir, store: &Store) -> Result<Repaired, IssueError> {
    rewrite_from_event(event, store, false)
}

/// Write the files of every stored credential again (`badgedesk rebuild`), without the issuer
/// key: a desk without it (several desks) gets the files of credentials signed elsewhere.
pub fn rebuild_issued(event: &EventDir, store: &Store) -> Result<Repaired, IssueError> {
    rewrite_from_event(event, store, true)
}

fn rewrite_from_event(
    event: &EventDir,
    store: &Store,
    force: bool,
) -> Result<Repaired, IssueError> {
    let images: HashMap<String, BadgeImage> = event
        .config()
        .achievements
        .iter()
        .filter_map(|a| {
            let (image, _warnings) = event.badge_image(a.key()).ok()?;
            Some((a.key().to_string(), image))
        })
        .collect();
    rewrite(&event.issued_dir(), store, force, &|achievement| {
        images.get(achievement)
    })
}

impl Issuer {
    /// Write the files of stored credentials: the missing or incomplete ones, or all of them
    /// (`force`). Temporaries from a killed run are removed first. Returns how many
    /// credentials got their files written.
    pub fn repair_files(&self, store: &Store, force: bool) -> Result<usize, IssueError> {
        let repaired = rewrite(
            &self.shared.event.issued_dir(),
            store,
            force,
            &|achievement| self.prepared(achievement).ok().map(|p| &p.image),
        )?;
        Ok(repaired.rewritten)
    }
}

/// The badge image of an achievement, when it can be baked into (achievements removed from
/// event.toml, or with an unreadable image, have none: their files are left alone).
type Images<'a> = dyn Fn(&str) -> Option<&'a BadgeImage> + Sync + 'a;

fn rewrite(
    dir: &Path,
    store: &Store,
    force: bool,
    image_of: &Images<'_>,
) -> Result<Repaired, IssueError> {
    let io_err = |source| IssueError::Write {
        path: dir.to_path_buf(),
        source,
    };
    let mut repaired = Repaired {
        temporaries: files::remove_partials(dir).map_err(io_err)?,
        ..Repaired::default()
    };
    let index = store.credential_file_index()?;
    if index.is_empty() {
        return Ok(repaired);
    }
    let mut known: Vec<(&str, &BadgeImage, u64)> = Vec::with_capacity(index.len());
    for (id, achievement, json_len) in &index {
        match image_of(achievement) {
            Some(image) => known.push((id.as_str(), image, *json_len)),
            None if !repaired.unchecked.contains(achievement) => {
                repaired.unchecked.push(achievement.clone());
            }
            None => {}
        }
    }
    let needs = parallel_map(&known, threads(), |(id, image, json_len)| {
        force || !files_complete(dir, id, image, *json_len)
    });
    let todo: Vec<&str> = known
        .iter()
        .zip(needs)
        .filter(|(_, needed)| *needed)
        .map(|((id, _, _), _)| *id)
        .collect();
    if todo.is_empty() {
        return Ok(repaired);
    }
    std::fs::create_dir_all(dir).map_err(io_err)?;
    for part in todo.chunks(256) {
        let mut rows = Vec::with_capacity(part.len());
        for id in part {
            if let Some(row) = store.credential(id)? {
                rows.push(row);
            }
        }
        let written = parallel_map(&rows, threads(), |row| {
            let Some(image) = image_of(&row.achievement_key) else {
                return Ok(());
            };
            let baked = bake_into(image, &row.achievement_key, &row.json)?;
            write_pair(
                dir,
                &row.id,
                &row.json,
                image.format.extension(),
                &baked,
                files::write_replace,
            )
        });
        for w in written {
            w?;
        }
        files::sync_dir(dir).map_err(io_err)?;
    }
    repaired.rewritten = todo.len();
    Ok(repaired)
}

fn files_complete(dir: &Path, id: &str, image: &BadgeImage, json_len: u64) -> bool {
    let (json, baked) = files::paths(dir, id, image.format.extension());
    files::is_complete(&json, Some(json_len)) && files::is_complete(&baked, None)
}

/// `json` baked into the badge image of `achievement`.
pub(super) fn bake_into(
    image: &BadgeImage,
    achievement: &str,
    json: &str,
) -> Result<Vec<u8>, IssueError> {
    let bake_err = |source| IssueError::Bake {
        achievement: achievement.to_string(),
        source,
    };
    let payload =
        Payload::new(Version::Ob3, json).map_err(|e| bake_err(bake::BakeError::from(e)))?;
    bake::bake(&image.bytes, &payload).map_err(bake_err)
}
