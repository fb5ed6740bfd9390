//! The claim site of a real event: event.toml, the stored credentials and the files under
//! `issued/` turned into the [`SiteMeta`] and [`ClaimInput`]s that `publish` writes and the
//! claim server serves. Reads files; never writes, never prints, never reads the clock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ed25519_dalek::VerifyingKey;
use serde_json::{Value, json};
use time::Date;

use crate::bake::{self, ImageFormat, Payload, Version};
use crate::claim::manifest::PublishManifest;
use crate::claim::ob2::{self, Ob2Assertion, Ob2BadgeClass, Ob2Issuer, Ob2Png};
use crate::claim::site::{SiteFile, hosted_path, publish_claim, publish_site};
use crate::claim::{
    BakedImage, ClaimError, ClaimInput, ClaimPage, ClaimToken, HostedJson, ImageKind, IssuedImage,
    Ob2Site, PublishReport, SameBytesOnDisk, SiteMeta,
};
use crate::credential::didkey;
use crate::event::EventDir;
use crate::i18n::Lang;
use crate::issue::engine::status_list_url;
use crate::issue::files;
use crate::issue::revoke::STATUS_LIST_FILE;
use crate::model::Attendee;
use crate::store::{IssuedCredential, Store};

/// Where the OB 3.0 issuer profile is published, relative to the site root.
pub const ISSUER_PROFILE_PATH: &str = "issuer.json";

/// What a claim is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Publish,
    Serve,
}

/// One achievement as the claim pages show it.
#[derive(Debug, Clone)]
struct Achievement {
    name: String,
    description: String,
    criteria: String,
    kind: ImageKind,
    /// The plain (unbaked) badge image.
    image: Arc<Vec<u8>>,
    image_digest: [u8; 32],
}

/// Everything about an event that claim pages need, read once.
#[derive(Debug, Clone)]
pub struct EventSite {
    base_url: String,
    lang: Lang,
    issuer_name: String,
    issuer_url: Option<String>,
    names_on_pages: bool,
    achievements: HashMap<String, Achievement>,
    issued_dir: PathBuf,
    /// (site path, file under issued/) of the signed status list.
    status_list: Option<(String, PathBuf)>,
    issuer_profile: Option<HostedJson>,
    did_document: Option<String>,
    ob2: Option<Ob2Site>,
    files: Vec<SiteFile>,
    /// Things the organiser should know (e.g. why OB 2.0 files are left out).
    pub notes: Vec<String>,
}

impl EventSite {
    /// Prepare the site of `event` served or published at `base_url`. `issuer_key` (the public
    /// half is enough) adds the issuer profile and, for did:web issuers, `did.json`.
    pub fn new(
        event: &EventDir,
        base_url: &str,
        issuer_key: Option<&VerifyingKey>,
    ) -> Result<EventSite, ClaimError> {
        let config = event.config();
        let base_url = base_url.trim_end_matches('/').to_string();
        let mut notes = Vec::new();
        let mut achievements = HashMap::new();
        let mut files = Vec::new();
        for a in &config.achievements {
            let (image, _) = event
                .badge_image(a.key())
                .map_err(|e| ClaimError::Event(e.to_string()))?;
            let kind = match image.format {
                ImageFormat::Png => ImageKind::Png,
                ImageFormat::Svg => ImageKind::Svg,
            };
            // Credentials name `<base>/badges/<key>.<ext>` as the achievement image.
            files.push(SiteFile {
                path: format!("badges/{}.{}", a.key(), kind.extension()),
                bytes: image.bytes.clone(),
            });
            achievements.insert(
                a.key().to_string(),
                Achievement {
                    name: a.name.clone(),
                    description: a.description.clone(),
                    criteria: a.criteria.clone(),
                    kind,
                    image_digest: *blake3::hash(&image.bytes).as_bytes(),
                    image: Arc::new(image.bytes),
                },
            );
        }
        // Hosted paths come from the public base URL of event.toml (what credentials point at),
        // whatever address this copy of the site is served from.
        let public_base = config.claim.base_url.as_deref();
        let status_list = match (public_base, status_list_url(event)) {
            (Some(public), Some(url)) => hosted_path(public, &url)
                .map(|path| (path, event.issued_dir().join(STATUS_LIST_FILE))),
            _ => None,
        };
        let (issuer_profile, did_document) = match issuer_key {
            Some(key) => issuer_documents(event, key)?,
            None => (None, None),
        };
        let ob2 = match (&config.issuer.url, &config.issuer.email) {
            (Some(url), Some(email)) => Some(Ob2Site {
                issuer: Ob2Issuer {
                    name: config.issuer.name.clone(),
                    url: url.clone(),
                    email: email.clone(),
                },
                badges: config
                    .achievements
                    .iter()
                    .filter_map(|a| {
                        let ach = achievements.get(a.key())?;
                        Some(Ob2BadgeClass {
                            key: a.key().to_string(),
                            name: ach.name.clone(),
                            description: ach.description.clone(),
                            criteria: ach.criteria.clone(),
                            image_kind: ach.kind,
                            image: ach.image.to_vec(),
                        })
                    })
                    .collect(),
            }),
            _ => {
                if base_url.starts_with("https://") {
                    notes.push(
                        "Open Badges 2.0 files left out: event.toml needs issuer.url and issuer.email"
                            .to_string(),
                    );
                }
                None
            }
        };
        Ok(EventSite {
            base_url,
            lang: config.event.language.unwrap_or(Lang::Fr),
            issuer_name: config.issuer.name.clone(),
            issuer_url: config.issuer.url.clone(),
            names_on_pages: config.event.names_in_badges,
            achievements,
            issued_dir: event.issued_dir(),
            status_list,
            issuer_profile,
            did_document,
            ob2,
            files,
            notes,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The status list file this site publishes, if any (the server watches it).
    pub fn status_list_file(&self) -> Option<&PathBuf> {
        self.status_list.as_ref().map(|(_, f)| f)
    }

    /// The site-wide data, with the status list as it is on disk now.
    pub fn meta(&self) -> Result<SiteMeta, ClaimError> {
        let status_list = match &self.status_list {
            Some((path, file)) => match std::fs::read_to_string(file) {
                Ok(json) => Some(HostedJson {
                    path: path.clone(),
                    json,
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(ClaimError::Read {
                        path: file.clone(),
                        source,
                    });
                }
            },
            None => None,
        };
        Ok(SiteMeta {
            base_url: self.base_url.clone(),
            lang: self.lang,
            issuer_profile: self.issuer_profile.clone(),
            status_list,
            did_document: self.did_document.clone(),
            ob2: self.ob2.clone(),
            files: self.files.clone(),
        })
    }

    /// The claim of one stored credential, to publish. `attendee` gives the name shown on the
    /// page (when the event shows names) and the e-mail of the OB 2.0 assertion.
    pub fn claim(
        &self,
        c: &IssuedCredential,
        attendee: Option<&Attendee>,
    ) -> Result<ClaimInput, ClaimError> {
        self.claim_for(c, attendee, Purpose::Publish)
    }

    /// The claim of one stored credential, for the claim server: the same pages, without what
    /// only publishing needs (whether `issued/` holds the JSON's exact bytes, to hard-link it).
    pub fn claim_to_serve(
        &self,
        c: &IssuedCredential,
        attendee: Option<&Attendee>,
    ) -> Result<ClaimInput, ClaimError> {
        self.claim_for(c, attendee, Purpose::Serve)
    }

    fn claim_for(
        &self,
        c: &IssuedCredential,
        attendee: Option<&Attendee>,
        purpose: Purpose,
    ) -> Result<ClaimInput, ClaimError> {
        let corrupt = |what: &str| ClaimError::Credential {
            id: c.id.clone(),
            reason: what.to_string(),
        };
        let token = ClaimToken::parse(&c.claim_token).map_err(|e| corrupt(&e.to_string()))?;
        let a = self.achievements.get(&c.achievement_key).ok_or_else(|| {
            corrupt(&format!(
                "achievement '{}' is no longer in event.toml",
                c.achievement_key
            ))
        })?;
        let credential: Value =
            serde_json::from_str(&c.json).map_err(|e| corrupt(&e.to_string()))?;
        let valid_until = credential
            .get("validUntil")
            .and_then(Value::as_str)
            .and_then(parse_date);
        let (baked_image, on_disk) = self.issued_files(c, a, purpose)?;
        let ob2 = self.ob2_assertion(c, a, &credential, &token, attendee)?;
        Ok(ClaimInput {
            page: ClaimPage {
                lang: self.lang,
                base_url: self.base_url.clone(),
                token,
                recipient_name: attendee
                    .filter(|_| self.names_on_pages)
                    .map(Attendee::display_name),
                badge_name: a.name.clone(),
                badge_description: a.description.clone(),
                criteria: a.criteria.clone(),
                issuer_name: self.issuer_name.clone(),
                issuer_url: self.issuer_url.clone(),
                issued_on: c.issued_at.date(),
                valid_until,
                image: a.kind,
                revoked: c.revoked_at.is_some(),
            },
            credential_json: c.json.clone(),
            baked_image,
            ob2,
            on_disk,
        })
    }

    /// The baked image, and whether the `issued/` JSON file holds exactly the claim's bytes (only
    /// when it equals the database's, which is the truth).
    fn issued_files(
        &self,
        c: &IssuedCredential,
        a: &Achievement,
        purpose: Purpose,
    ) -> Result<(BakedImage, SameBytesOnDisk), ClaimError> {
        let (json_path, image_path) = files::paths(&self.issued_dir, &c.id, a.kind.extension());
        let json_matches =
            purpose == Purpose::Publish && files::holds_exactly(&json_path, c.json.as_bytes());
        Ok((
            self.baked_image(c, a, image_path)?,
            SameBytesOnDisk {
                credential_json: json_matches.then_some(json_path),
            },
        ))
    }

    /// The baked image in `issued/`, or baked again from the JSON when the file is missing,
    /// unreadable or cut short: a power cut can leave a short image that the next `badgedesk
    /// issue` would repair, and the site must not publish (or hard-link) it meanwhile.
    fn baked_image(
        &self,
        c: &IssuedCredential,
        a: &Achievement,
        path: PathBuf,
    ) -> Result<BakedImage, ClaimError> {
        match files::whole_image(&path) {
            Some((len, modified)) => Ok(BakedImage::Issued(IssuedImage {
                path,
                len,
                modified,
            })),
            None => Ok(BakedImage::Bytes(self.bake_again(c, a)?)),
        }
    }

    /// The credential's baked image, made again from its JSON and the badge image.
    fn bake_again(&self, c: &IssuedCredential, a: &Achievement) -> Result<Vec<u8>, ClaimError> {
        let corrupt = |reason: String| ClaimError::Credential {
            id: c.id.clone(),
            reason,
        };
        let payload =
            Payload::new(Version::Ob3, c.json.as_str()).map_err(|e| corrupt(e.to_string()))?;
        bake::bake(&a.image, &payload).map_err(|e| corrupt(e.to_string()))
    }

    /// The OB 2.0 assertion: only for an https site, a recipient with an e-mail and a
    /// credential that hashes it (the 2.0 hash reuses the credential's salt, so both versions
    /// name the recipient the same way).
    fn ob2_assertion(
        &self,
        c: &IssuedCredential,
        a: &Achievement,
        credential: &Value,
        token: &ClaimToken,
        attendee: Option<&Attendee>,
    ) -> Result<Option<Ob2Assertion>, ClaimError> {
        if self.ob2.is_none() || !self.base_url.starts_with("https://") {
            return Ok(None);
        }
        let Some(email) = attendee
            .and_then(|p| p.email.as_deref())
            .filter(|e| !e.trim().is_empty())
        else {
            return Ok(None);
        };
        let Some(salt) = email_salt(credential) else {
            return Ok(None);
        };
        // Baked when written or served: an unchanged claim is never baked again.
        let baked_png = match a.kind {
            ImageKind::Png => Some(Ob2Png::OnRequest {
                image: a.image.clone(),
                image_digest: a.image_digest,
                assertion_url: ob2::assertion_url(&self.base_url, token),
            }),
            ImageKind::Svg => None,
        };
        Ok(Some(Ob2Assertion {
            badge_key: c.achievement_key.clone(),
            recipient_email: crate::credential::builder::normalize_email(email),
            salt,
            issued_on: crate::clock::rfc3339(c.issued_at),
            expires: credential
                .get("validUntil")
                .and_then(Value::as_str)
                .map(str::to_string),
            revocation_reason: c.revoked_at.map(|_| {
                c.revoked_reason
                    .clone()
                    .unwrap_or_else(|| "revoked".to_string())
            }),
            baked_png,
        }))
    }
}

impl EventSite {
    /// Publish the whole site of the event into `out_dir`: site-wide files, then one folder per
    /// stored credential, built and written on all cores while the next credentials are read
    /// from the database (in chunks, so memory stays flat for any number of claims). A
    /// credential that cannot be published is listed in the report's `skipped`, the others
    /// are written.
    pub fn publish(&self, out_dir: &Path, store: &Store) -> Result<PublishReport, ClaimError> {
        let meta = self.meta()?;
        let leftovers = crate::claim::fsio::begin_publish(out_dir)?;
        let mut report = publish_site(out_dir, &meta)?;
        report.leftovers = leftovers;
        let attendees: HashMap<i64, Attendee> =
            store.attendees()?.into_iter().map(|a| (a.id, a)).collect();
        let manifest = PublishManifest::load(out_dir);
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let publish_one = |c: &IssuedCredential| match self.claim(c, attendees.get(&c.attendee_id))
        {
            Ok(claim) => publish_claim(out_dir, &meta, &claim, &manifest).map(Ok),
            Err(e) => Ok(Err(e.to_string())),
        };
        let (chunks, incoming) =
            std::sync::mpsc::sync_channel::<(usize, Vec<IssuedCredential>)>(threads * 2);
        let incoming: Chunks = std::sync::Mutex::new(incoming);
        let (read, mut results) = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let _drain = DrainOnPanic(&incoming);
                        let mut done = Vec::new();
                        loop {
                            let next = incoming.lock().ok().and_then(|rx| rx.recv().ok());
                            let Some((first, chunk)) = next else {
                                return done;
                            };
                            for (i, c) in chunk.iter().enumerate() {
                                done.push((first + i, publish_one(c)));
                            }
                        }
                    })
                })
                .collect();
            let mut sent = 0;
            let read = store.credentials_in_chunks(PUBLISH_CHUNK, |chunk| {
                let first = sent;
                sent += chunk.len();
                chunks.send((first, chunk)).is_ok()
            });
            drop(chunks);
            let mut results = Vec::new();
            for w in workers {
                match w.join() {
                    Ok(done) => results.extend(done),
                    // A panic while publishing is a bug; re-raise it here.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            (read, results)
        });
        read?;
        // In the database's order, whichever thread published what.
        results.sort_unstable_by_key(|(i, _)| *i);
        let mut entries = Vec::with_capacity(results.len());
        for (_, r) in results {
            match r? {
                Ok((one, entry)) => {
                    report.claims += 1;
                    report.written += one.written;
                    report.unchanged += one.unchanged;
                    entries.push(entry);
                }
                Err(skipped) => report.skipped.push(skipped),
            }
        }
        PublishManifest::save(out_dir, entries)?;
        crate::claim::fsio::end_publish(out_dir)?;
        Ok(report)
    }
}

/// Credentials read from the database per hand-over to the publishing threads.
const PUBLISH_CHUNK: usize = 64;

/// Chunks of credentials to publish, numbered by the position of their first one.
type Chunks = std::sync::Mutex<std::sync::mpsc::Receiver<(usize, Vec<IssuedCredential>)>>;

/// A publishing thread that panics keeps taking chunks (and drops them) until the reader is
/// done, so the reader never waits forever on a full channel; the panic is re-raised at join.
struct DrainOnPanic<'a>(&'a Chunks);

impl Drop for DrainOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let rx = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while rx.recv().is_ok() {}
        }
    }
}

/// The issuer's public key as the stored credentials' proofs name it (the part after `#` of
/// the verification method is the key's multibase, for did:key and our did:web alike), so
/// publishing never needs the secret key.
pub fn issuer_public_key(credentials: &[IssuedCredential]) -> Option<VerifyingKey> {
    credentials.iter().find_map(|c| {
        let v: Value = serde_json::from_str(&c.json).ok()?;
        let proof = v.get("proof")?;
        let proof = proof.as_array().and_then(|p| p.first()).unwrap_or(proof);
        let vm = proof.get("verificationMethod")?.as_str()?;
        didkey::decode_public_key_multibase(vm.rsplit_once('#')?.1).ok()
    })
}

/// The salt of the credential's hashed e-mail identifier, if it has one.
fn email_salt(credential: &Value) -> Option<String> {
    let ids = credential.get("credentialSubject")?.get("identifier")?;
    let ids = ids.as_array()?;
    ids.iter()
        .find(|i| i.get("identityType").and_then(Value::as_str) == Some("emailAddress"))
        .and_then(|i| i.get("salt"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The date of an RFC 3339 timestamp.
fn parse_date(s: &str) -> Option<Date> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.date())
}

/// The OB 3.0 issuer profile and, for a did:web issuer, its DID document.
fn issuer_documents(
    event: &EventDir,
    key: &VerifyingKey,
) -> Result<(Option<HostedJson>, Option<String>), ClaimError> {
    let config = event.config();
    let (issuer_id, did_document) = match &config.issuer.did_web_domain {
        Some(domain) => {
            let did = didkey::did_web(domain)
                .map_err(|e| ClaimError::Event(format!("issuer.did_web_domain: {e}")))?;
            let doc = didkey::did_web_document(&did, key);
            (
                did,
                Some(serde_json::to_string_pretty(&doc).unwrap_or_default()),
            )
        }
        None => (didkey::did_key(key), None),
    };
    let mut profile = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": issuer_id,
        "type": ["Profile"],
        "name": config.issuer.name,
    });
    if let Some(obj) = profile.as_object_mut() {
        if let Some(url) = &config.issuer.url {
            obj.insert("url".into(), json!(url));
        }
        if let Some(email) = &config.issuer.email {
            obj.insert("email".into(), json!(email));
        }
    }
    Ok((
        Some(HostedJson {
            path: ISSUER_PROFILE_PATH.to_string(),
            json: serde_json::to_string_pretty(&profile).unwrap_or_default(),
        }),
        did_document,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salt_comes_from_the_email_identifier_only() {
        let c = json!({"credentialSubject": {"identifier": [
            {"identityType": "name", "identityHash": "Zoé"},
            {"identityType": "emailAddress", "identityHash": "sha256$x", "salt": "abc"}
        ]}});
        assert_eq!(email_salt(&c).as_deref(), Some("abc"));
        assert_eq!(email_salt(&json!({"credentialSubject": {}})), None);
        assert_eq!(
            parse_date("2027-01-31T23:59:59Z"),
            Date::from_calendar_date(2027, time::Month::January, 31).ok()
        );
    }
}
