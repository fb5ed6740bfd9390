//! Signing, baking, storing and writing credentials. Crash-safe by ordering: a chunk of
//! credentials is signed and baked in memory, committed to the database in one transaction, and
//! only then written to `issued/` (atomically). Files are derived: a run that was killed after the
//! commit gets its missing files back from the database on the next run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::files;
use super::status_list;
use crate::bake::{self, Payload, Version};
use crate::clock::rfc3339;
use crate::credential::builder::{self, Randomness};
use crate::credential::model::CredentialStatus;
use crate::credential::sign::parallel_map;
use crate::credential::{
    AchievementCredential, AchievementInfo, BatchSigner, CredentialInputs, EvidenceInfo,
    IssuerBinding, IssuerInfo, IssuerKey,
};
use crate::event::{BadgeImage, EventDir};
use crate::i18n::Lang;
use crate::model::Attendee;
use crate::store::{IssuedCredential, NewCredential, Store};

/// Credentials per transaction: large enough to amortise the commit, small enough that cancel
/// and progress stay responsive.
const CHUNK: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("achievement '{0}' is not in event.toml")]
    UnknownAchievement(String),
    #[error("no attendee with id {0}")]
    UnknownAttendee(i64),
    #[error("{0}")]
    Image(crate::event::ImageIssue),
    #[error("cannot build the credential of attendee {attendee} for '{achievement}': {source}")]
    Build {
        attendee: i64,
        achievement: String,
        source: builder::BuildError,
    },
    #[error(transparent)]
    Sign(#[from] crate::credential::SignError),
    #[error("cannot bake the credential into the badge image of '{achievement}': {source}")]
    Bake {
        achievement: String,
        source: bake::BakeError,
    },
    #[error("cannot write '{}': {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("event.toml: {0}")]
    Config(String),
    #[error(transparent)]
    Status(#[from] status_list::StatusListError),
}

/// One achievement, ready to go into credentials.
struct Prepared {
    info: AchievementInfo,
    image: BadgeImage,
    evidence: Vec<EvidenceInfo>,
    evidence_column: Option<String>,
    valid_for: Option<Duration>,
    valid_until: Option<OffsetDateTime>,
}

/// Progress of a run, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
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

/// Everything shared by the credentials of one run.
pub struct Issuer {
    event: EventDir,
    signer: BatchSigner,
    issuer: IssuerInfo,
    achievements: BTreeMap<String, Prepared>,
    names_in_badges: bool,
    status_list_url: Option<String>,
    lang: Lang,
    now: OffsetDateTime,
}

/// The URL the status list credential is published at, when the event has a public address.
pub fn status_list_url(event: &EventDir) -> Option<String> {
    event
        .config()
        .claim
        .base_url
        .as_deref()
        .map(|base| format!("{}/status/1.json", base.trim_end_matches('/')))
}

impl Issuer {
    /// Prepare issuing for an event: issuer identity, achievements and badge images (an
    /// unusable image refuses the run before anything is signed).
    pub fn new(
        event: &EventDir,
        key: IssuerKey,
        now: OffsetDateTime,
    ) -> Result<Issuer, IssueError> {
        let config = event.config();
        let binding = issuer_binding(event, &key)?;
        let base = config
            .claim
            .base_url
            .as_deref()
            .map(|b| b.trim_end_matches('/').to_string());
        let issuer = IssuerInfo {
            id: binding.issuer_id.clone(),
            name: config.issuer.name.clone(),
            url: config.issuer.url.clone(),
            email: config.issuer.email.clone(),
            description: None,
            image: None,
        };
        let mut achievements = BTreeMap::new();
        for a in &config.achievements {
            let key_name = a.key();
            let (image, _warnings) = event.badge_image(key_name).map_err(IssueError::Image)?;
            let image_url = match &base {
                Some(base) => format!("{base}/badges/{key_name}.{}", image.format.extension()),
                None => data_uri(&image),
            };
            let id = match &base {
                Some(base) => format!("{base}/achievements/{key_name}"),
                None => stable_urn(&binding.issuer_id, key_name),
            };
            let mut evidence = Vec::new();
            if a.evidence_narrative.is_some() || a.evidence_url.is_some() {
                evidence.push(EvidenceInfo {
                    id: a.evidence_url.clone(),
                    narrative: a.evidence_narrative.clone(),
                    ..Default::default()
                });
            }
            let valid_until = a.valid_until.map(|d| {
                let date = time::Date::from_calendar_date(
                    d.year as i32,
                    time::Month::try_from(d.month).unwrap_or(time::Month::December),
                    d.day,
                );
                date.map(|date| {
                    date.with_hms(23, 59, 59)
                        .unwrap_or(date.midnight())
                        .assume_utc()
                })
            });
            let valid_until = match valid_until {
                Some(Ok(at)) => Some(at),
                Some(Err(e)) => {
                    return Err(IssueError::Config(format!(
                        "achievement '{key_name}': valid_until: {e}"
                    )));
                }
                None => None,
            };
            achievements.insert(
                key_name.to_string(),
                Prepared {
                    info: AchievementInfo {
                        id,
                        name: a.name.clone(),
                        description: a.description.clone(),
                        criteria_narrative: Some(a.criteria.clone()),
                        criteria_url: None,
                        image: Some(image_url),
                        image_caption: Some(a.name.clone()),
                        achievement_type: Some("Badge".to_string()),
                        credits_available: None,
                    },
                    image,
                    evidence,
                    evidence_column: a.evidence_column.clone(),
                    valid_for: a.valid_for_days.map(|d| Duration::days(i64::from(d))),
                    valid_until,
                },
            );
        }
        let context = builder::context_list(true);
        let signer = BatchSigner::new(key, binding, &rfc3339(now), &context)?;
        Ok(Issuer {
            event: event.clone(),
            signer,
            issuer,
            achievements,
            names_in_badges: config.event.names_in_badges,
            status_list_url: status_list_url(event),
            lang: config.event.language.unwrap_or(Lang::Fr),
            now,
        })
    }

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
        let mut report = IssueReport {
            files_rebuilt: self.repair_files(store, false)?,
            ..Default::default()
        };
        let attendees: HashMap<i64, Attendee> =
            store.attendees()?.into_iter().map(|a| (a.id, a)).collect();
        let activity_names: HashMap<String, String> = store
            .activities()?
            .into_iter()
            .map(|a| (a.key, a.name))
            .collect();
        let mut attended: HashMap<i64, Vec<(String, OffsetDateTime)>> = HashMap::new();
        for p in store.presence()? {
            attended
                .entry(p.attendee_id)
                .or_default()
                .push((p.activity_key, p.since));
        }
        let live = store.live_awards()?;
        let todo: Vec<&(i64, String)> = awards.iter().filter(|a| !live.contains(a)).collect();
        report.skipped = awards.len() - todo.len();
        let mut used_indices = store.used_status_indices()?;
        let total = todo.len();
        let mut done = 0;
        progress(Progress { done, total });
        for chunk in todo.chunks(CHUNK) {
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                break;
            }
            // (attendee, achievement, status index, claim token) beside the unsigned credential.
            let mut pending = Vec::with_capacity(chunk.len());
            let mut credentials = Vec::with_capacity(chunk.len());
            for (attendee_id, achievement) in chunk.iter().map(|a| (a.0, &a.1)) {
                let attendee = attendees
                    .get(&attendee_id)
                    .ok_or(IssueError::UnknownAttendee(attendee_id))?;
                let status_index = match &self.status_list_url {
                    Some(_) => {
                        let index = status_list::pick_index(&used_indices, || random_u64(rng))?;
                        used_indices.insert(index);
                        Some(index)
                    }
                    None => None,
                };
                let attended = attended
                    .get(&attendee_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let credential = self.build(
                    attendee,
                    achievement,
                    attended,
                    &activity_names,
                    status_index,
                    rng,
                )?;
                credentials.push(credential);
                pending.push((
                    attendee_id,
                    achievement.clone(),
                    status_index,
                    claim_token(rng),
                ));
            }
            let signed = self
                .signer
                .sign_all(&credentials, 0)
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
            let to_bake: Vec<(&AchievementCredential, &str)> = signed
                .iter()
                .zip(&pending)
                .map(|(c, p)| (c, p.1.as_str()))
                .collect();
            let baked = parallel_map(&to_bake, threads(), |(c, key)| self.bake(c, key));
            let mut rows = Vec::with_capacity(signed.len());
            let mut images = HashMap::with_capacity(signed.len());
            for ((p, credential), image) in pending.iter().zip(&signed).zip(baked) {
                let (json, image) = image?;
                images.insert(credential.id.clone(), image);
                rows.push(NewCredential {
                    id: credential.id.clone(),
                    attendee_id: p.0,
                    achievement_key: p.1.clone(),
                    issued_at: self.now,
                    json,
                    claim_token: p.3.clone(),
                    status_index: p.2,
                });
            }
            let stored: BTreeSet<String> = store
                .insert_credentials(&rows, actor, self.now)?
                .into_iter()
                .collect();
            report.skipped += rows.len() - stored.len();
            let to_write: Vec<&NewCredential> =
                rows.iter().filter(|r| stored.contains(&r.id)).collect();
            let written = parallel_map(&to_write, threads(), |row| {
                let ext = images.get(&row.id).map(|(ext, _)| *ext).unwrap_or("png");
                let bytes = images
                    .get(&row.id)
                    .map(|(_, b)| b.as_slice())
                    .unwrap_or_default();
                self.write_files(&row.id, &row.json, ext, bytes)
            });
            for w in written {
                w?;
            }
            report.issued.extend(to_write.iter().map(|r| r.id.clone()));
            done += chunk.len();
            progress(Progress { done, total });
        }
        Ok(report)
    }

    fn build(
        &self,
        attendee: &Attendee,
        achievement: &str,
        attended: &[(String, OffsetDateTime)],
        activity_names: &HashMap<String, String>,
        status_index: Option<u64>,
        rng: &mut dyn Randomness,
    ) -> Result<AchievementCredential, IssueError> {
        let prepared = self
            .achievements
            .get(achievement)
            .ok_or_else(|| IssueError::UnknownAchievement(achievement.to_string()))?;
        let mut evidence = prepared.evidence.clone();
        if let Some(column) = &prepared.evidence_column
            && let Some(value) = attendee.extra.get(column).filter(|v| !v.is_empty())
        {
            evidence.push(EvidenceInfo {
                name: Some(column.clone()),
                narrative: Some(value.clone()),
                ..Default::default()
            });
        }
        if !attended.is_empty() {
            let mut lines: Vec<(OffsetDateTime, String)> = attended
                .iter()
                .map(|(key, at)| {
                    let name = activity_names
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| key.clone());
                    (*at, format!("{name} ({})", at.date()))
                })
                .collect();
            lines.sort();
            let title = match self.lang {
                Lang::Fr => "Activités suivies",
                Lang::En => "Activities attended",
            };
            let narrative = lines
                .into_iter()
                .map(|(_, l)| l)
                .collect::<Vec<_>>()
                .join("\n");
            evidence.push(EvidenceInfo {
                name: Some(title.to_string()),
                narrative: Some(narrative),
                ..Default::default()
            });
        }
        let name = attendee.display_name();
        let salt = rng.salt();
        let credential_id = rng.credential_id();
        let valid_until = prepared
            .valid_until
            .or(prepared.valid_for.map(|d| self.now + d));
        let inputs = CredentialInputs {
            issuer: &self.issuer,
            achievement: &prepared.info,
            recipient_email: attendee.email.as_deref(),
            recipient_name: self.names_in_badges.then_some(name.as_str()),
            credential_id,
            salt: &salt,
            valid_from: self.now,
            valid_until,
            name: None,
            evidence: &evidence,
            with_schema: true,
        };
        let mut credential =
            builder::build(&inputs, self.now).map_err(|source| IssueError::Build {
                attendee: attendee.id,
                achievement: achievement.to_string(),
                source,
            })?;
        if let (Some(url), Some(index)) = (&self.status_list_url, status_index) {
            credential.credential_status = Some(CredentialStatus::revocation(url, index));
        }
        Ok(credential)
    }

    /// The signed JSON and the baked image (extension, bytes) of a credential.
    fn bake(
        &self,
        credential: &AchievementCredential,
        achievement: &str,
    ) -> Result<(String, (&'static str, Vec<u8>)), IssueError> {
        let json = credential.to_json();
        let image = self.baked_image(achievement, &json)?;
        Ok((json, image))
    }

    fn baked_image(
        &self,
        achievement: &str,
        json: &str,
    ) -> Result<(&'static str, Vec<u8>), IssueError> {
        let prepared = self
            .achievements
            .get(achievement)
            .ok_or_else(|| IssueError::UnknownAchievement(achievement.to_string()))?;
        let bake_err = |source| IssueError::Bake {
            achievement: achievement.to_string(),
            source,
        };
        let payload =
            Payload::new(Version::Ob3, json).map_err(|e| bake_err(bake::BakeError::from(e)))?;
        let bytes = bake::bake(&prepared.image.bytes, &payload).map_err(bake_err)?;
        Ok((prepared.image.format.extension(), bytes))
    }

    fn write_files(&self, id: &str, json: &str, ext: &str, image: &[u8]) -> Result<(), IssueError> {
        let dir = self.event.issued_dir();
        std::fs::create_dir_all(&dir).map_err(|source| IssueError::Write {
            path: dir.clone(),
            source,
        })?;
        let (json_path, image_path) = files::paths(&dir, id, ext);
        files::write_atomic(&json_path, json.as_bytes()).map_err(|source| IssueError::Write {
            path: json_path.clone(),
            source,
        })?;
        files::write_atomic(&image_path, image).map_err(|source| IssueError::Write {
            path: image_path.clone(),
            source,
        })?;
        Ok(())
    }

    /// Write the files of stored credentials: the missing ones, or all of them (`force`).
    /// Temporaries from a killed run are removed first. Returns how many were written.
    pub fn repair_files(&self, store: &Store, force: bool) -> Result<usize, IssueError> {
        let dir = self.event.issued_dir();
        files::remove_partials(&dir).map_err(|source| IssueError::Write {
            path: dir.clone(),
            source,
        })?;
        let mut written = 0;
        for credential in store.credentials()? {
            if self.write_if_needed(&credential, force)? {
                written += 1;
            }
        }
        Ok(written)
    }

    fn write_if_needed(
        &self,
        credential: &IssuedCredential,
        force: bool,
    ) -> Result<bool, IssueError> {
        let Some(prepared) = self.achievements.get(&credential.achievement_key) else {
            return Ok(false);
        };
        let ext = prepared.image.format.extension();
        let (json_path, image_path) = files::paths(&self.event.issued_dir(), &credential.id, ext);
        if !force && json_path.exists() && image_path.exists() {
            return Ok(false);
        }
        let (_, image) = self.baked_image(&credential.achievement_key, &credential.json)?;
        self.write_files(&credential.id, &credential.json, ext, &image)?;
        Ok(true)
    }
}

/// How the event's issuer is named in credentials and proofs: did:web when `event.toml` gives
/// a domain, else the key's did:key.
pub fn issuer_binding(event: &EventDir, key: &IssuerKey) -> Result<IssuerBinding, IssueError> {
    match &event.config().issuer.did_web_domain {
        Some(domain) => {
            let did = crate::credential::didkey::did_web(domain)
                .map_err(|e| IssueError::Config(format!("issuer.did_web_domain: {e}")))?;
            Ok(IssuerBinding::did_web(&did, key))
        }
        None => Ok(IssuerBinding::did_key(key)),
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn random_u64(rng: &mut dyn Randomness) -> u64 {
    let mut b = [0u8; 8];
    rng.fill(&mut b);
    u64::from_le_bytes(b)
}

/// A claim token (128 random bits, the claim site's format) from the run's randomness.
pub fn claim_token(rng: &mut dyn Randomness) -> String {
    let mut bytes = [0u8; crate::claim::token::TOKEN_BYTES];
    rng.fill(&mut bytes);
    crate::claim::ClaimToken::from_random_bytes(bytes)
        .as_str()
        .to_string()
}

/// A stable `urn:uuid:` for an achievement when the event has no public address.
fn stable_urn(issuer: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{issuer}\n{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    format!(
        "urn:uuid:{}",
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
    )
}

fn data_uri(image: &BadgeImage) -> String {
    use base64::Engine as _;
    let mime = match image.format {
        bake::ImageFormat::Png => "image/png",
        bake::ImageFormat::Svg => "image/svg+xml",
    };
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&image.bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(u8);
    impl Randomness for Counter {
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
        }
    }

    #[test]
    fn claim_tokens_use_the_claim_site_format() {
        let mut rng = Counter(0);
        let a = claim_token(&mut rng);
        let b = claim_token(&mut rng);
        assert_ne!(a, b);
        assert!(crate::claim::ClaimToken::parse(&a).is_ok(), "{a}");
        assert_eq!(a.len(), 26);
    }
}
