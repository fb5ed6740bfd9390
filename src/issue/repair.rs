//! Files under `issued/` are derived from the database: after a kill or a power cut, rows
//! committed before the files were written (or whose files a power cut truncated) get their
//! files back, and temporaries are removed. `badgedesk rebuild` rewrites everything.

use super::engine::{IssueError, Issuer};
use super::files;
use super::pipeline::{threads, write_pair};
use crate::credential::sign::parallel_map;
use crate::store::Store;

impl Issuer {
    /// Write the files of stored credentials: the missing or incomplete ones, or all of them
    /// (`force`). Temporaries from a killed run are removed first. Returns how many
    /// credentials got their files written.
    pub fn repair_files(&self, store: &Store, force: bool) -> Result<usize, IssueError> {
        let dir = self.shared.event.issued_dir();
        let io_err = |source| IssueError::Write {
            path: dir.clone(),
            source,
        };
        files::remove_partials(&dir).map_err(io_err)?;
        let index = store.credential_file_index()?;
        if index.is_empty() {
            return Ok(0);
        }
        // Achievements removed from event.toml have no image to bake into: left alone.
        let known: Vec<&(String, String, u64)> = index
            .iter()
            .filter(|(_, achievement, _)| self.prepared(achievement).is_ok())
            .collect();
        let needs = parallel_map(&known, threads(), |(id, achievement, json_len)| {
            force || !self.files_complete(id, achievement, *json_len)
        });
        let todo: Vec<&str> = known
            .iter()
            .zip(needs)
            .filter(|(_, needed)| *needed)
            .map(|((id, _, _), _)| id.as_str())
            .collect();
        if todo.is_empty() {
            return Ok(0);
        }
        std::fs::create_dir_all(&dir).map_err(io_err)?;
        for part in todo.chunks(256) {
            let mut rows = Vec::with_capacity(part.len());
            for id in part {
                if let Some(row) = store.credential(id)? {
                    rows.push(row);
                }
            }
            let written = parallel_map(&rows, threads(), |row| {
                let (ext, image) = self.baked_image(&row.achievement_key, &row.json)?;
                write_pair(&dir, &row.id, &row.json, ext, &image, files::write_replace)
            });
            for w in written {
                w?;
            }
            files::sync_dir(&dir).map_err(io_err)?;
        }
        Ok(todo.len())
    }

    fn files_complete(&self, id: &str, achievement: &str, json_len: u64) -> bool {
        let Ok(ext) = self.image_extension(achievement) else {
            return true;
        };
        let (json, image) = files::paths(&self.shared.event.issued_dir(), id, ext);
        files::is_complete(&json, Some(json_len)) && files::is_complete(&image, None)
    }
}
