//! The prepared issuer of an event: identity, key, achievements with their badge images and
//! evidence, and the batch signer for one issuing time. Bulk issuing, the desk's one-key issue
//! and re-issuing all go through it (see `pipeline`, `desk`, `reissue`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::reserve::{Grant, Reservations};
use super::status_list;
use crate::bake;
use crate::clock::rfc3339;
use crate::credential::builder;
use crate::credential::{
    AchievementInfo, BatchSigner, EvidenceInfo, IssuerBinding, IssuerInfo, IssuerKey,
};
use crate::event::{AchievementConfig, AwardRule, BadgeImage, EventDir};
use crate::i18n::Lang;
use crate::store::{NewCredential, Store};

pub use super::pipeline::{IssueReport, Progress, Step};

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
    #[error("attendee {attendee} cannot receive '{achievement}': {why}")]
    Blocked {
        attendee: i64,
        achievement: String,
        why: &'static str,
    },
    #[error(
        "credential '{0}' is already revoked: re-issue the live one (see `badgedesk credentials`)"
    )]
    AlreadyRevoked(String),
    #[error(
        "could not store the credential of attendee {attendee} for '{achievement}' after several tries (random values kept colliding)"
    )]
    Collisions { attendee: i64, achievement: String },
    #[error(
        "attendee {attendee}'s '{achievement}' is being issued at another desk: it shows here when it arrives through the hub"
    )]
    ReservedElsewhere { attendee: i64, achievement: String },
    #[error("the hub must reserve each badge before it is signed, and it cannot: {0}")]
    Hub(String),
}

impl IssueError {
    /// The message in the interface language where the store has the words for it
    /// (`Display` is English).
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match (self, lang) {
            (IssueError::Store(e), _) => e.message(lang),
            (
                IssueError::ReservedElsewhere {
                    attendee,
                    achievement,
                },
                Lang::Fr,
            ) => format!(
                "le badge « {achievement} » du participant {attendee} est en cours d’émission à un autre poste : il s’affichera ici quand il arrivera par le hub"
            ),
            (IssueError::Hub(why), Lang::Fr) => format!(
                "le hub doit réserver chaque badge avant sa signature, et il ne peut pas : {why}"
            ),
            (other, _) => other.to_string(),
        }
    }
}

/// One achievement, ready to go into credentials.
pub(super) struct Prepared {
    pub(super) info: AchievementInfo,
    pub(super) image: BadgeImage,
    pub(super) rule: AwardRule,
    pub(super) evidence: Vec<EvidenceInfo>,
    pub(super) evidence_column: Option<String>,
    pub(super) valid_for: Option<Duration>,
    pub(super) valid_until: Option<OffsetDateTime>,
}

/// What does not change with the issuing time (shared by `Issuer::at` copies).
pub(super) struct Shared {
    pub(super) event: EventDir,
    pub(super) key: IssuerKey,
    pub(super) binding: IssuerBinding,
    pub(super) issuer: IssuerInfo,
    pub(super) achievements: BTreeMap<String, Prepared>,
    pub(super) activity_names: HashMap<String, String>,
    pub(super) names_in_badges: bool,
    pub(super) status_list_url: Option<String>,
    pub(super) claim_base: Option<String>,
    pub(super) lang: Lang,
}

/// Everything shared by the credentials issued at one time.
pub struct Issuer {
    pub(super) shared: Arc<Shared>,
    pub(super) signer: BatchSigner,
    pub(super) now: OffsetDateTime,
    /// Who grants awards when several desks sign (the hub); None: this database alone.
    pub(super) reservations: Option<Arc<dyn Reservations>>,
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
        let claim_base = config
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
            let prepared = prepare(event, a, &binding.issuer_id, claim_base.as_deref())?;
            achievements.insert(a.key().to_string(), prepared);
        }
        let shared = Shared {
            event: event.clone(),
            key,
            binding,
            issuer,
            achievements,
            activity_names: config
                .activities
                .iter()
                .map(|a| (a.key().to_string(), a.name.clone()))
                .collect(),
            names_in_badges: config.event.names_in_badges,
            status_list_url: status_list_url(event),
            claim_base,
            lang: config.event.language.unwrap_or(Lang::Fr),
        };
        Self::with_shared(Arc::new(shared), now)
    }

    fn with_shared(shared: Arc<Shared>, now: OffsetDateTime) -> Result<Issuer, IssueError> {
        let context = builder::context_list(true);
        let signer = BatchSigner::new(
            shared.key.clone(),
            shared.binding.clone(),
            &rfc3339(now),
            &context,
        )?;
        Ok(Issuer {
            shared,
            signer,
            now,
            reservations: None,
        })
    }

    /// The same issuer at another time (the desk issues hours after it prepared): only the
    /// signer is rebuilt; images and achievements are shared.
    pub fn at(&self, now: OffsetDateTime) -> Result<Issuer, IssueError> {
        let mut issuer = Self::with_shared(Arc::clone(&self.shared), now)?;
        issuer.reservations = self.reservations.clone();
        Ok(issuer)
    }

    /// Reserve every award with `reservations` before storing it (an event with a hub).
    pub fn with_reservations(mut self, reservations: Arc<dyn Reservations>) -> Issuer {
        self.reservations = Some(reservations);
        self
    }

    /// What the authority says of a re-issue's new row; granted without one.
    pub(super) fn reserve_replacement(
        &self,
        store: &Store,
        row: &NewCredential,
        replaces: &str,
    ) -> Result<Grant, IssueError> {
        match &self.reservations {
            Some(r) => r.reserve_replacement(store, row, replaces),
            None => Ok(Grant::Granted),
        }
    }

    /// What the authority says of each row; everything is granted without one.
    pub(super) fn reserve(
        &self,
        store: &Store,
        rows: &[&NewCredential],
    ) -> Result<Vec<Grant>, IssueError> {
        match &self.reservations {
            Some(r) => r.reserve(store, rows),
            None => Ok(vec![Grant::Granted; rows.len()]),
        }
    }

    /// The issuing time (`validFrom` and proof `created`).
    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    pub fn event(&self) -> &EventDir {
        &self.shared.event
    }

    /// The claim page URL of a claim token, when the event has a public address.
    pub fn claim_url(&self, claim_token: &str) -> Option<String> {
        let base = self.shared.claim_base.as_deref()?;
        let token = crate::claim::ClaimToken::parse(claim_token).ok()?;
        Some(crate::claim::claim_url(base, &token))
    }

    pub(super) fn prepared(&self, achievement: &str) -> Result<&Prepared, IssueError> {
        self.shared
            .achievements
            .get(achievement)
            .ok_or_else(|| IssueError::UnknownAchievement(achievement.to_string()))
    }

    /// File extension of an achievement's baked image ("png" or "svg").
    pub fn image_extension(&self, achievement: &str) -> Result<&'static str, IssueError> {
        Ok(self.prepared(achievement)?.image.format.extension())
    }
}

fn prepare(
    event: &EventDir,
    a: &AchievementConfig,
    issuer_id: &str,
    base: Option<&str>,
) -> Result<Prepared, IssueError> {
    let key = a.key();
    let (image, _warnings) = event.badge_image(key).map_err(IssueError::Image)?;
    let (image_url, id) = match base {
        Some(base) => (
            format!("{base}/badges/{key}.{}", image.format.extension()),
            format!("{base}/achievements/{key}"),
        ),
        None => (data_uri(&image), stable_urn(issuer_id, key)),
    };
    let mut evidence = Vec::new();
    if a.evidence_narrative.is_some() || a.evidence_url.is_some() {
        evidence.push(EvidenceInfo {
            id: a.evidence_url.clone(),
            narrative: a.evidence_narrative.clone(),
            ..Default::default()
        });
    }
    let valid_until = match a.valid_until {
        None => None,
        Some(d) => Some(end_of_day(d).ok_or_else(|| {
            IssueError::Config(format!(
                "achievement '{key}': valid_until {d} is not a date"
            ))
        })?),
    };
    Ok(Prepared {
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
        rule: a.rule.get_ref().clone(),
        evidence,
        evidence_column: a.evidence_column.clone(),
        valid_for: a.valid_for_days.map(|d| Duration::days(i64::from(d))),
        valid_until,
    })
}

/// A `valid_until` date means "valid through that day" (UTC).
fn end_of_day(d: toml::value::Date) -> Option<OffsetDateTime> {
    let month = time::Month::try_from(d.month).ok()?;
    let date = time::Date::from_calendar_date(i32::from(d.year), month, d.day).ok()?;
    Some(date.with_hms(23, 59, 59).ok()?.assume_utc())
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

/// A claim token (128 random bits, the claim site's format) from the run's randomness.
pub fn claim_token(rng: &mut dyn builder::Randomness) -> String {
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
    use crate::credential::builder::Randomness;

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

    #[test]
    fn valid_until_dates_run_to_the_end_of_the_day() {
        let d = toml::value::Date {
            year: 2027,
            month: 6,
            day: 30,
        };
        assert_eq!(
            end_of_day(d).map(rfc3339).as_deref(),
            Some("2027-06-30T23:59:59Z")
        );
        let bad = toml::value::Date {
            year: 2027,
            month: 2,
            day: 30,
        };
        assert!(end_of_day(bad).is_none());
    }
}
