//! Bulk issuing, crash-safe by ordering: a chunk of credentials is built, signed and baked in
//! memory, committed to the database in one durable transaction, and only then written to
//! `issued/` (temporary name, rename, one directory sync per chunk). Files are derived: the next
//! run first repairs the files of rows committed before a kill or a power cut (`repair`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use time::OffsetDateTime;

use super::engine::{IssueError, Issuer, claim_token};
use super::files;
use super::status_list;
use crate::bake::{self, Payload, Version};
use crate::credential::AchievementCredential;
use crate::credential::builder::Randomness;
use crate::credential::sign::parallel_map;
use crate::model::Attendee;
use crate::store::{NewCredential, Store};

/// Credentials per transaction: large enough to amortise the commit and the directory sync,
/// small enough that cancel and progress stay responsive.
const CHUNK: usize = 256;
/// Tries per award when random values (id, claim token, status index) collide with another
/// issuer's at commit.
const MAX_TRIES: u8 = 3;

/// Progress of a run, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// A phase of a chunk that just finished (benchmarks time the gaps between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Built,
    Signed,
    Baked,
    Committed,
    Written,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueReport {
    /// Ids of the credentials stored by this run.
    pub issued: Vec<String>,
    /// Requested awards someone else issued meanwhile (skipped, not duplicated).
    pub skipped: usize,
    pub cancelled: bool,
    /// Files rebuilt from the database (after a crash, or on request).
    pub files_rebuilt: usize,
}

/// A signed and baked credential, ready to store and write.
pub(super) struct Baked {
    pub(super) row: NewCredential,
    pub(super) ext: &'static str,
    pub(super) image: Vec<u8>,
}

/// (attendee, achievement, status index, claim token) of a credential being signed.
type Award = (i64, String, Option<u64>, String);

/// An award about to be signed, with its random parts drawn.
pub(super) struct Draft {
    pub(super) attendee_id: i64,
    pub(super) achievement: String,
    pub(super) status_index: Option<u64>,
    pub(super) claim_token: String,
    pub(super) credential: AchievementCredential,
}

impl Issuer {
    /// Issue `awards` (attendee id, achievement key). Already-held awards are skipped; `cancel`
    /// stops between chunks; `progress` is called after every chunk.
    pub fn issue(
        &self,
        store: &mut Store,
        awards: &[(i64, String)],
        rng: &mut dyn Randomness,
        actor: &str,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IssueReport, IssueError> {
        self.issue_observed(store, awards, rng, actor, cancel, progress, &mut |_, _| {})
    }

    /// `issue`, reporting each finished phase of each chunk (with the chunk's size) to `step`.
    #[allow(clippy::too_many_arguments)]
    pub fn issue_observed(
        &self,
        store: &mut Store,
        awards: &[(i64, String)],
        rng: &mut dyn Randomness,
        actor: &str,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
        step: &mut dyn FnMut(Step, usize),
    ) -> Result<IssueReport, IssueError> {
        let mut report = IssueReport {
            files_rebuilt: self.repair_files(store, false)?,
            ..Default::default()
        };
        let live = store.live_awards()?;
        let mut queue: Vec<((i64, String), u8)> = awards
            .iter()
            .filter(|a| !live.contains(*a))
            .map(|a| (a.clone(), 0))
            .collect();
        report.skipped = awards.len() - queue.len();
        if queue.is_empty() {
            return Ok(report);
        }
        let wanted: HashSet<i64> = queue.iter().map(|((id, _), _)| *id).collect();
        let attendees: HashMap<i64, Attendee> = store
            .attendees()?
            .into_iter()
            .filter(|a| wanted.contains(&a.id))
            .map(|a| (a.id, a))
            .collect();
        let mut attended: HashMap<i64, Vec<(String, OffsetDateTime)>> = HashMap::new();
        for p in store.presence()? {
            if wanted.contains(&p.attendee_id) {
                attended
                    .entry(p.attendee_id)
                    .or_default()
                    .push((p.activity_key, p.since));
            }
        }
        let mut used_indices = store.used_status_indices()?;
        let total = queue.len();
        let mut done = 0;
        progress(Progress { done, total });
        // Files of chunk N are written by a writer thread while chunk N+1 is built and signed
        // (building and committing leave a core idle). Its rows are committed first, so a
        // kill in between only leaves files for `repair` to rebuild.
        std::thread::scope(|scope| {
            let (to_writer, chunks) = std::sync::mpsc::sync_channel::<Vec<Baked>>(1);
            let (written_tx, written) = std::sync::mpsc::channel::<Result<usize, IssueError>>();
            let writer = scope.spawn(move || {
                for chunk in chunks {
                    let result = self.write_baked(&chunk).map(|()| chunk.len());
                    let failed = result.is_err();
                    if written_tx.send(result).is_err() || failed {
                        break;
                    }
                }
            });
            let mut start = 0;
            let run = (|| {
                while start < queue.len() {
                    if cancel.load(Ordering::Relaxed) {
                        report.cancelled = true;
                        break;
                    }
                    while let Ok(result) = written.try_recv() {
                        step(Step::Written, result?);
                    }
                    let end = (start + CHUNK).min(queue.len());
                    let mut drafts = Vec::with_capacity(end - start);
                    for ((attendee_id, achievement), _) in queue.get(start..end).unwrap_or_default()
                    {
                        let attendee = attendees
                            .get(attendee_id)
                            .ok_or(IssueError::UnknownAttendee(*attendee_id))?;
                        let attended = attended.get(attendee_id).map_or(&[][..], Vec::as_slice);
                        let index = self.pick_status_index(&mut used_indices, rng)?;
                        drafts.push(self.draft(attendee, achievement, attended, index, rng)?);
                    }
                    step(Step::Built, drafts.len());
                    let baked = self.sign_and_bake(drafts, step)?;
                    let stored: BTreeSet<String> = store
                        .insert_credentials(
                            &baked.iter().map(|b| &b.row).collect::<Vec<_>>(),
                            actor,
                            self.now,
                        )?
                        .into_iter()
                        .collect();
                    step(Step::Committed, baked.len());
                    let (kept, lost): (Vec<Baked>, Vec<Baked>) =
                        baked.into_iter().partition(|b| stored.contains(&b.row.id));
                    report.issued.extend(kept.iter().map(|b| b.row.id.clone()));
                    if to_writer.send(kept).is_err() {
                        // The writer stopped on an error: it is waiting in `written`.
                        break;
                    }
                    // Not stored: someone else issued the award meanwhile (skip), or a random
                    // value collided with theirs (try again, with new ones).
                    for b in lost {
                        let award = (b.row.attendee_id, b.row.achievement_key);
                        let tries = queue
                            .iter()
                            .rev()
                            .find(|(a, _)| *a == award)
                            .map_or(MAX_TRIES, |(_, t)| *t);
                        if store.live_award(award.0, &award.1)?.is_some() {
                            report.skipped += 1;
                        } else if tries + 1 >= MAX_TRIES {
                            return Err(IssueError::Collisions {
                                attendee: award.0,
                                achievement: award.1,
                            });
                        } else {
                            used_indices = store.used_status_indices()?;
                            queue.push((award, tries + 1));
                        }
                    }
                    done += end - start;
                    progress(Progress {
                        done: done.min(total),
                        total,
                    });
                    start = end;
                }
                Ok(())
            })();
            // Let the writer finish what was committed, also when the run failed.
            drop(to_writer);
            let joined = writer.join();
            let mut written_result = Ok(());
            for result in written.try_iter() {
                if written_result.is_ok() {
                    written_result = result.map(|n| step(Step::Written, n));
                }
            }
            if let Err(panic) = joined {
                std::panic::resume_unwind(panic);
            }
            run.and(written_result)
        })?;
        Ok(report)
    }

    /// A fresh status-list index, when the event publishes a list.
    pub(super) fn pick_status_index(
        &self,
        used: &mut BTreeSet<u64>,
        rng: &mut dyn Randomness,
    ) -> Result<Option<u64>, IssueError> {
        if self.shared.status_list_url.is_none() {
            return Ok(None);
        }
        let index = status_list::pick_index(used, || random_u64(rng))?;
        used.insert(index);
        Ok(Some(index))
    }

    /// Draw the random parts of an award and build its unsigned credential.
    pub(super) fn draft(
        &self,
        attendee: &Attendee,
        achievement: &str,
        attended: &[(String, OffsetDateTime)],
        status_index: Option<u64>,
        rng: &mut dyn Randomness,
    ) -> Result<Draft, IssueError> {
        let credential = self.build(attendee, achievement, attended, status_index, rng)?;
        Ok(Draft {
            attendee_id: attendee.id,
            achievement: achievement.to_string(),
            status_index,
            claim_token: claim_token(rng),
            credential,
        })
    }

    /// Sign (all cores) and bake (all cores) a chunk of drafts.
    pub(super) fn sign_and_bake(
        &self,
        drafts: Vec<Draft>,
        step: &mut dyn FnMut(Step, usize),
    ) -> Result<Vec<Baked>, IssueError> {
        let (awards, credentials): (Vec<Award>, Vec<AchievementCredential>) = drafts
            .into_iter()
            .map(|d| {
                let award = (d.attendee_id, d.achievement, d.status_index, d.claim_token);
                (award, d.credential)
            })
            .unzip();
        let signed = self
            .signer
            .sign_all(&credentials, 0)
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        drop(credentials);
        step(Step::Signed, signed.len());
        let jobs: Vec<(Award, AchievementCredential)> = awards.into_iter().zip(signed).collect();
        let baked = parallel_map(&jobs, threads(), |(award, credential)| {
            let (attendee_id, achievement, status_index, claim_token) = award;
            let json = credential.to_json();
            let (ext, image) = self.baked_image(achievement, &json)?;
            Ok(Baked {
                row: NewCredential {
                    id: credential.id.clone(),
                    attendee_id: *attendee_id,
                    achievement_key: achievement.clone(),
                    issued_at: self.now,
                    json,
                    claim_token: claim_token.clone(),
                    status_index: *status_index,
                },
                ext,
                image,
            })
        })
        .into_iter()
        .collect::<Result<Vec<_>, IssueError>>()?;
        step(Step::Baked, baked.len());
        Ok(baked)
    }

    /// The badge image of `achievement` with `json` baked in: (extension, bytes).
    pub(super) fn baked_image(
        &self,
        achievement: &str,
        json: &str,
    ) -> Result<(&'static str, Vec<u8>), IssueError> {
        let prepared = self.prepared(achievement)?;
        let bake_err = |source| IssueError::Bake {
            achievement: achievement.to_string(),
            source,
        };
        let payload =
            Payload::new(Version::Ob3, json).map_err(|e| bake_err(bake::BakeError::from(e)))?;
        let bytes = bake::bake(&prepared.image.bytes, &payload).map_err(bake_err)?;
        Ok((prepared.image.format.extension(), bytes))
    }

    /// Write the JSON and image of committed credentials (in parallel), then make the new
    /// names durable with one directory sync.
    pub(super) fn write_baked<B: std::borrow::Borrow<Baked> + Sync>(
        &self,
        items: &[B],
    ) -> Result<(), IssueError> {
        if items.is_empty() {
            return Ok(());
        }
        let dir = self.shared.event.issued_dir();
        std::fs::create_dir_all(&dir).map_err(|source| IssueError::Write {
            path: dir.clone(),
            source,
        })?;
        let written = parallel_map(items, threads(), |b| {
            let b = b.borrow();
            write_pair(&dir, &b.row.id, &b.row.json, b.ext, &b.image)
        });
        for w in written {
            w?;
        }
        files::sync_dir(&dir).map_err(|source| IssueError::Write { path: dir, source })
    }
}

/// Write one credential's JSON and baked image under `dir`, each atomically.
pub(super) fn write_pair(
    dir: &std::path::Path,
    id: &str,
    json: &str,
    ext: &str,
    image: &[u8],
) -> Result<(), IssueError> {
    let (json_path, image_path) = files::paths(dir, id, ext);
    for (path, bytes) in [(json_path, json.as_bytes()), (image_path, image)] {
        files::write_replace(&path, bytes).map_err(|source| IssueError::Write { path, source })?;
    }
    Ok(())
}

pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub(super) fn random_u64(rng: &mut dyn Randomness) -> u64 {
    let mut b = [0u8; 8];
    rng.fill(&mut b);
    u64::from_le_bytes(b)
}
