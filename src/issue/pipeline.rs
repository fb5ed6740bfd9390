//! Bulk issuing, crash-safe by ordering: a chunk of credentials is built, signed and baked in
//! memory, committed to the database in one durable transaction, and only then written to
//! `issued/` (temporary name, rename, one directory sync per chunk). Files are derived: the next
//! run first repairs the files of rows committed before a kill or a power cut (`repair`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use time::OffsetDateTime;

use super::build::Draws;
use super::engine::{IssueError, Issuer};
use super::files;
use super::reserve::Grant;
use super::status_list;
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

/// What the store thread did with one chunk.
struct Committed {
    /// Awards in the chunk.
    count: usize,
    /// Ids of the credentials stored.
    issued: Vec<String>,
    /// Awards someone else issued meanwhile.
    skipped: usize,
    /// Awards whose random values collided with another issuer's: draw again.
    retry: Vec<(i64, String)>,
    /// The status indices in use, when something must be retried.
    used_indices: Option<BTreeSet<u64>>,
}

/// The bookkeeping of a run on the producing thread: what is queued, what was done.
struct RunState {
    report: IssueReport,
    queue: Vec<((i64, String), u8)>,
    used_indices: BTreeSet<u64>,
    done: usize,
    total: usize,
}

impl RunState {
    /// Take in a committed chunk; collided awards go back in the queue (`retry`) unless they
    /// used up their tries.
    fn absorb(&mut self, c: Committed, retry: bool) -> Result<(), IssueError> {
        self.report.issued.extend(c.issued);
        self.report.skipped += c.skipped;
        self.done += c.count;
        if let Some(used) = c.used_indices {
            // Union: the indices drawn for chunks still in flight stay taken.
            self.used_indices.extend(used);
        }
        if !retry {
            return Ok(());
        }
        for award in c.retry {
            let tries = self
                .queue
                .iter()
                .rev()
                .find(|(a, _)| *a == award)
                .map_or(MAX_TRIES, |(_, t)| *t);
            if tries + 1 >= MAX_TRIES {
                return Err(IssueError::Collisions {
                    attendee: award.0,
                    achievement: award.1,
                });
            }
            self.queue.push((award, tries + 1));
        }
        Ok(())
    }

    /// A chunk the store thread reports during the run: counted, its collided awards queued
    /// again, progress reported.
    fn take_committed(
        &mut self,
        result: Result<Committed, IssueError>,
        step: &mut dyn FnMut(Step, usize),
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), IssueError> {
        let c = result?;
        step(Step::Committed, c.count);
        self.absorb(c, true)?;
        progress(self.progress());
        Ok(())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.done.min(self.total),
            total: self.total,
        }
    }
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
    ///
    /// Three threads form a pipeline: this one draws, builds, signs and bakes chunk N+2 (on all
    /// cores) while a store thread commits chunk N+1 and a writer thread writes the files of
    /// chunk N. A chunk's rows are committed before its files are written, so a kill in between
    /// only leaves files for `repair` to rebuild.
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
        let files_rebuilt = self.repair_files(store, false)?;
        let live = store.live_awards()?;
        let queue: Vec<((i64, String), u8)> = awards
            .iter()
            .filter(|a| !live.contains(*a))
            .map(|a| (a.clone(), 0))
            .collect();
        let mut state = RunState {
            report: IssueReport {
                files_rebuilt,
                skipped: awards.len() - queue.len(),
                ..Default::default()
            },
            total: queue.len(),
            queue,
            used_indices: store.used_status_indices()?,
            done: 0,
        };
        if state.queue.is_empty() {
            return Ok(state.report);
        }
        let wanted: HashSet<i64> = state.queue.iter().map(|((id, _), _)| *id).collect();
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
        progress(state.progress());
        let hold = hold_before_files();
        std::thread::scope(|scope| {
            let (to_store, signed_chunks) = std::sync::mpsc::sync_channel::<Vec<Baked>>(1);
            let (committed_tx, committed) =
                std::sync::mpsc::channel::<Result<Committed, IssueError>>();
            let (to_writer, committed_chunks) = std::sync::mpsc::sync_channel::<Vec<Baked>>(1);
            let (written_tx, written) = std::sync::mpsc::channel::<Result<usize, IssueError>>();
            let writer = scope.spawn(move || {
                for chunk in committed_chunks {
                    if let Some(hold) = hold {
                        std::thread::sleep(hold);
                    }
                    let result = self.write_baked(&chunk).map(|()| chunk.len());
                    let failed = result.is_err();
                    if written_tx.send(result).is_err() || failed {
                        break;
                    }
                }
            });
            let committer = scope.spawn(move || {
                for chunk in signed_chunks {
                    match self.commit_chunk(store, chunk, actor) {
                        Ok((outcome, kept)) => {
                            // A stopped writer has its error waiting in `written`.
                            let writer_stopped = to_writer.send(kept).is_err();
                            if committed_tx.send(Ok(outcome)).is_err() || writer_stopped {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = committed_tx.send(Err(e));
                            break;
                        }
                    }
                }
            });
            let mut start = 0;
            let mut in_flight = 0usize;
            let run = (|| {
                loop {
                    while let Ok(result) = written.try_recv() {
                        step(Step::Written, result?);
                    }
                    while let Ok(result) = committed.try_recv() {
                        in_flight -= 1;
                        state.take_committed(result, step, progress)?;
                    }
                    if start < state.queue.len() {
                        if cancel.load(Ordering::Relaxed) {
                            state.report.cancelled = true;
                            break;
                        }
                        let end = (start + CHUNK).min(state.queue.len());
                        let baked = self.produce_chunk(
                            state.queue.get(start..end).unwrap_or_default(),
                            &attendees,
                            &attended,
                            &mut state.used_indices,
                            rng,
                            step,
                        )?;
                        if to_store.send(baked).is_err() {
                            // The store thread stopped on an error: it is waiting in `committed`.
                            break;
                        }
                        in_flight += 1;
                        start = end;
                    } else if in_flight > 0 {
                        // Nothing left to sign unless this chunk brings awards to retry.
                        let Ok(result) = committed.recv() else { break };
                        in_flight -= 1;
                        state.take_committed(result, step, progress)?;
                    } else {
                        break;
                    }
                }
                Ok(())
            })();
            // Let the store and writer threads finish what was signed, also when the run was
            // cancelled or failed: whatever they commit is reported.
            drop(to_store);
            let joined = [committer.join(), writer.join()];
            let mut finish = Ok(());
            let done_before = state.done;
            for result in committed.try_iter() {
                let absorbed = result.and_then(|c| {
                    step(Step::Committed, c.count);
                    state.absorb(c, false)
                });
                if finish.is_ok() {
                    finish = absorbed;
                }
            }
            for result in written.try_iter() {
                if finish.is_ok() {
                    finish = result.map(|n| step(Step::Written, n));
                }
            }
            for j in joined {
                if let Err(panic) = j {
                    std::panic::resume_unwind(panic);
                }
            }
            if state.done != done_before {
                progress(state.progress());
            }
            run.and(finish)
        })?;
        Ok(state.report)
    }

    /// Draw the random parts of a chunk of awards (in order), then build, sign and bake them
    /// on all cores.
    fn produce_chunk(
        &self,
        chunk: &[((i64, String), u8)],
        attendees: &HashMap<i64, Attendee>,
        attended: &HashMap<i64, Vec<(String, OffsetDateTime)>>,
        used_indices: &mut BTreeSet<u64>,
        rng: &mut dyn Randomness,
        step: &mut dyn FnMut(Step, usize),
    ) -> Result<Vec<Baked>, IssueError> {
        let mut jobs = Vec::with_capacity(chunk.len());
        for ((attendee_id, achievement), _) in chunk {
            let attendee = attendees
                .get(attendee_id)
                .ok_or(IssueError::UnknownAttendee(*attendee_id))?;
            let attended = attended.get(attendee_id).map_or(&[][..], Vec::as_slice);
            let index = self.pick_status_index(used_indices, rng)?;
            jobs.push((
                attendee,
                achievement.as_str(),
                attended,
                Draws::new(index, rng),
            ));
        }
        let drafts = parallel_map(
            &jobs,
            threads(),
            |(attendee, achievement, attended, draws)| {
                self.draft(attendee, achievement, attended, draws)
            },
        )
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        step(Step::Built, drafts.len());
        self.sign_and_bake(drafts, step)
    }

    /// Store a chunk in one durable transaction: what was stored (to write), and what happened
    /// to the awards that were not.
    fn commit_chunk(
        &self,
        store: &mut Store,
        chunk: Vec<Baked>,
        actor: &str,
    ) -> Result<(Committed, Vec<Baked>), IssueError> {
        let count = chunk.len();
        // With several signer desks, the hub grants each award first: an award another desk
        // holds is skipped (its credential comes through the hub), a status index another
        // desk drew is drawn again.
        let grants = self.reserve(store, &chunk.iter().map(|b| &b.row).collect::<Vec<_>>())?;
        let mut refused = Vec::new();
        let mut granted = Vec::with_capacity(chunk.len());
        for (b, grant) in chunk.into_iter().zip(grants) {
            match grant {
                Grant::Granted => granted.push(b),
                other => refused.push((b, other)),
            }
        }
        let chunk = granted;
        let stored: BTreeSet<String> = store
            .insert_credentials(
                &chunk.iter().map(|b| &b.row).collect::<Vec<_>>(),
                actor,
                self.now,
            )?
            .into_iter()
            .collect();
        let (kept, lost): (Vec<Baked>, Vec<Baked>) =
            chunk.into_iter().partition(|b| stored.contains(&b.row.id));
        let mut outcome = Committed {
            count,
            issued: kept.iter().map(|b| b.row.id.clone()).collect(),
            skipped: 0,
            retry: Vec::new(),
            used_indices: None,
        };
        for (b, grant) in refused {
            let award = (b.row.attendee_id, b.row.achievement_key);
            if grant == Grant::AwardTaken {
                outcome.skipped += 1;
            } else {
                outcome.retry.push(award);
            }
        }
        // Not stored: someone else issued the award meanwhile (skip), or a random value
        // collided with theirs (try again, with new ones).
        for b in lost {
            let award = (b.row.attendee_id, b.row.achievement_key);
            if store.live_award(award.0, &award.1)?.is_some() {
                outcome.skipped += 1;
            } else {
                outcome.retry.push(award);
            }
        }
        if !outcome.retry.is_empty() {
            outcome.used_indices = Some(store.used_status_indices()?);
        }
        Ok((outcome, kept))
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

    /// Build the unsigned credential of an award from its drawn random parts.
    pub(super) fn draft(
        &self,
        attendee: &Attendee,
        achievement: &str,
        attended: &[(String, OffsetDateTime)],
        draws: &Draws,
    ) -> Result<Draft, IssueError> {
        let credential = self.build(attendee, achievement, attended, draws)?;
        Ok(Draft {
            attendee_id: attendee.id,
            achievement: achievement.to_string(),
            status_index: draws.status_index,
            claim_token: draws.claim_token.clone(),
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
        let bytes = super::repair::bake_into(&prepared.image, achievement, json)?;
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
            write_pair(
                &dir,
                &b.row.id,
                &b.row.json,
                b.ext,
                &b.image,
                files::write_new,
            )
        });
        for w in written {
            w?;
        }
        files::sync_dir(&dir).map_err(|source| IssueError::Write { path: dir, source })
    }
}

/// Write one credential's JSON and baked image under `dir`, each atomically, with `write`
/// (`files::write_new` for a new credential, `files::write_replace` to rewrite one).
pub(super) fn write_pair(
    dir: &std::path::Path,
    id: &str,
    json: &str,
    ext: &str,
    image: &[u8],
    write: fn(&std::path::Path, &[u8]) -> std::io::Result<()>,
) -> Result<(), IssueError> {
    let (json_path, image_path) = files::paths(dir, id, ext);
    for (path, bytes) in [(json_path, json.as_bytes()), (image_path, image)] {
        write(&path, bytes).map_err(|source| IssueError::Write { path, source })?;
    }
    Ok(())
}

/// Debug builds only: `BADGEDESK_TEST_HOLD_FILES_MS=N` holds every committed chunk N ms
/// before its files are written, so crash tests can kill a run in that window.
fn hold_before_files() -> Option<std::time::Duration> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let ms = std::env::var("BADGEDESK_TEST_HOLD_FILES_MS").ok()?;
    ms.parse().ok().map(std::time::Duration::from_millis)
}

pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub(super) fn random_u64(rng: &mut dyn Randomness) -> u64 {
    let mut b = [0u8; 8];
    rng.fill(&mut b);
    u64::from_le_bytes(b)
}
