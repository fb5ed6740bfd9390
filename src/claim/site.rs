//! The static claim site: every file as (relative path, bytes), shared by `publish` (which
//! writes them into a folder for any web host) and the claim server (which serves the same
//! bytes). Only a claim's own folder holds its data; nothing lists claims.

use std::path::{Path, PathBuf};

use crate::claim::ClaimError;
use crate::claim::fsio::{WriteOutcome, write_if_changed};
use crate::claim::html;
use crate::claim::manifest::{ManifestEntry, PublishManifest};
use crate::claim::ob2::{self, Ob2Assertion, Ob2BadgeClass, Ob2Issuer, Ob2Png};
use crate::claim::page::{CREDENTIAL_FILE, ClaimPage, OB2_ASSERTION_FILE, OB2_IMAGE_FILE};
use crate::credential::sign::parallel_map;
use crate::i18n::Lang;

/// A JSON document hosted at a path relative to the site root (e.g. `issuer.json`,
/// `status/1.json`). Use [`hosted_path`] to derive the path from its public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedJson {
    pub path: String,
    pub json: String,
}

/// Site-wide data: the same for every claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteMeta {
    /// Claim base URL (`https://host/path` or `http://192.168.1.20:8080`).
    pub base_url: String,
    /// The event language: `index.html` pages are in it.
    pub lang: Lang,
    /// The OB 3.0 issuer profile JSON, if published.
    pub issuer_profile: Option<HostedJson>,
    /// The signed status list credential, if the event has one.
    pub status_list: Option<HostedJson>,
    /// `/.well-known/did.json` when the issuer uses did:web.
    pub did_document: Option<String>,
    /// OB 2.0 issuer and badge classes; published only when `base_url` is https.
    pub ob2: Option<Ob2Site>,
    /// Other public files (the plain badge images credentials point at).
    pub files: Vec<SiteFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ob2Site {
    pub issuer: Ob2Issuer,
    pub badges: Vec<Ob2BadgeClass>,
}

impl SiteMeta {
    pub fn ob2_enabled(&self) -> bool {
        self.ob2.is_some() && self.base_url.starts_with("https://")
    }
}

/// One credential to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimInput {
    pub page: ClaimPage,
    /// The signed OB 3.0 credential.
    pub credential_json: String,
    /// The baked image, in the format `page.image` says.
    pub baked_image: BakedImage,
    pub ob2: Option<Ob2Assertion>,
    /// Files that already hold exactly some of these bytes (the event's `issued/` copies).
    pub on_disk: SameBytesOnDisk,
}

/// A claim's baked image: its bytes, or the event's `issued/` file that holds exactly them. A
/// new claim folder hard-links that file, so publishing neither reads nor hashes its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BakedImage {
    Bytes(Vec<u8>),
    Issued(IssuedImage),
}

/// A whole baked image under `issued/`, with what identifies its bytes between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedImage {
    pub path: PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl BakedImage {
    /// The bytes (read from `issued/` when that is where they are).
    pub fn bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, ClaimError> {
        match self {
            BakedImage::Bytes(bytes) => Ok(bytes.as_slice().into()),
            BakedImage::Issued(file) => {
                std::fs::read(&file.path)
                    .map(Into::into)
                    .map_err(|source| ClaimError::Read {
                        path: file.path.clone(),
                        source,
                    })
            }
        }
    }
}

/// Files on disk with exactly the bytes of a claim's credential JSON: a new claim folder
/// hard-links them instead of writing the bytes again (publishing then allocates fewer files
/// and writes less; any failure, e.g. another drive, falls back to writing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SameBytesOnDisk {
    pub credential_json: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInput {
    pub meta: SiteMeta,
    pub claims: Vec<ClaimInput>,
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

fn file(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> SiteFile {
    SiteFile {
        path: path.into(),
        bytes: bytes.into(),
    }
}

/// The path of `url` relative to `base_url`, if `url` lies under it and is a safe path.
pub fn hosted_path(base_url: &str, url: &str) -> Option<String> {
    let base = base_url.trim_end_matches('/');
    let rest = url.strip_prefix(base)?.strip_prefix('/')?;
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    check_path(rest).ok().map(|()| rest.to_string())
}

/// A relative path we are willing to write: segments of `A-Za-z0-9._-`, none empty, none
/// starting with a dot except `.well-known`, and not inside `c/` (claims own that).
pub fn check_path(path: &str) -> Result<(), ClaimError> {
    let bad = |reason: &str| {
        Err(ClaimError::BadPath {
            path: path.to_string(),
            reason: reason.to_string(),
        })
    };
    if path.is_empty() || path.len() > 200 {
        return bad("empty or longer than 200 characters");
    }
    for seg in path.split('/') {
        if seg.is_empty() || (seg.starts_with('.') && seg != ".well-known") {
            return bad("empty segment, or a segment starting with a dot");
        }
        if !seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return bad("only letters, digits, '.', '_' and '-' are allowed");
        }
    }
    if path.starts_with("c/") {
        return bad("'c/' is reserved for claim pages");
    }
    Ok(())
}

/// Files that do not belong to one claim.
pub fn site_files(meta: &SiteMeta) -> Result<Vec<SiteFile>, ClaimError> {
    let mut files = vec![
        file("index.html", html::home_page(meta.lang)),
        file("404.html", html::not_found_page(meta.lang)),
        file("robots.txt", "User-agent: *\nDisallow: /\n"),
        file(html::CSS_PATH, html::CSS),
    ];
    for hosted in [&meta.issuer_profile, &meta.status_list]
        .into_iter()
        .flatten()
    {
        check_path(&hosted.path)?;
        files.push(file(hosted.path.clone(), hosted.json.clone()));
    }
    for f in &meta.files {
        check_path(&f.path)?;
        files.push(f.clone());
    }
    if let Some(did) = &meta.did_document {
        files.push(file(".well-known/did.json", did.clone()));
    }
    if let (true, Some(o)) = (meta.ob2_enabled(), &meta.ob2) {
        files.push(file(
            "ob2/issuer.json",
            ob2::issuer_json(&meta.base_url, &o.issuer),
        ));
        for b in &o.badges {
            files.push(file(
                ob2::badge_class_path(&b.key),
                ob2::badge_class_json(&meta.base_url, b),
            ));
            files.push(file(
                ob2::badge_image_path(&b.key, b.image_kind),
                b.image.clone(),
            ));
        }
    }
    Ok(files)
}

/// Files in `c/<token>/`.
pub fn claim_files(meta: &SiteMeta, claim: &ClaimInput) -> Result<Vec<SiteFile>, ClaimError> {
    let mut files = claim_files_but_the_image(meta, claim)?;
    files.push(file(
        format!("c/{}/{}", claim.page.token, claim.page.image.file_name()),
        claim.baked_image.bytes()?.into_owned(),
    ));
    Ok(files)
}

/// Files in `c/<token>/` except the baked image (see [`claim_files`]; publishing hard-links
/// the image from `issued/`).
pub fn claim_files_but_the_image(
    meta: &SiteMeta,
    claim: &ClaimInput,
) -> Result<Vec<SiteFile>, ClaimError> {
    let dir = format!("c/{}/", claim.page.token);
    let mut files = Vec::with_capacity(6);
    // Both pages at once: they share one encoding of the wallet QR.
    let offer = ob2_offer(meta, claim);
    for (name, page) in html::claim_pages(&claim.page, page_links(claim, &offer))? {
        files.push(file(format!("{dir}{name}"), page));
    }
    for name in [CREDENTIAL_FILE, OB2_ASSERTION_FILE] {
        if let Some(bytes) = claim_page_or_json(meta, claim, name)? {
            files.push(file(format!("{dir}{name}"), bytes));
        }
    }
    if let Some(a) = ob2_assertion(meta, claim)
        && let Some(png) = &a.baked_png
    {
        // The same badge image and an assertion URL for every claim of the badge: a failure
        // is the badge's, not this credential's.
        let bytes = png.bytes().map_err(|e| {
            ClaimError::Event(format!(
                "badge '{}': its image cannot be baked for Open Badges 2.0: {e}",
                a.badge_key
            ))
        })?;
        files.push(file(format!("{dir}{OB2_IMAGE_FILE}"), bytes.into_owned()));
    }
    Ok(files)
}

/// One file of `c/<token>/` but the baked images (see [`claim_files_but_the_image`]), by its
/// name in the folder: the claim server renders what is asked for, not the whole folder.
/// `None` when the claim has no such file.
pub fn claim_page_or_json(
    meta: &SiteMeta,
    claim: &ClaimInput,
    name: &str,
) -> Result<Option<Vec<u8>>, ClaimError> {
    let page = &claim.page;
    if let Some(lang) = [Lang::Fr, Lang::En]
        .into_iter()
        .find(|&lang| html::page_file(page.lang, lang) == name)
    {
        let offer = ob2_offer(meta, claim);
        return Ok(Some(
            html::claim_page(page, lang, page_links(claim, &offer))?.into_bytes(),
        ));
    }
    Ok(match name {
        CREDENTIAL_FILE => Some(claim.credential_json.clone().into_bytes()),
        OB2_ASSERTION_FILE => ob2_assertion(meta, claim)
            .map(|a| ob2::assertion_json(&meta.base_url, &page.token, a).into_bytes()),
        _ => None,
    })
}

/// What the claim page offers 2.0 backpacks.
fn ob2_offer(meta: &SiteMeta, claim: &ClaimInput) -> html::Ob2Offer {
    match ob2_assertion(meta, claim) {
        Some(a) => html::Ob2Offer::Assertion {
            url: ob2::assertion_url(&meta.base_url, &claim.page.token),
            image: a.baked_png.is_some(),
        },
        // 2.0 needs an e-mail recipient: a claim without an assertion has none.
        None if meta.ob2_enabled() => html::Ob2Offer::NoEmail,
        None => html::Ob2Offer::None,
    }
}

fn page_links<'a>(claim: &'a ClaimInput, offer: &'a html::Ob2Offer) -> html::PageLinks<'a> {
    html::PageLinks {
        credential_json: &claim.credential_json,
        ob2: offer,
    }
}

/// The claim's 2.0 assertion, when the site publishes 2.0 files and the claim has one.
fn ob2_assertion<'a>(meta: &SiteMeta, claim: &'a ClaimInput) -> Option<&'a Ob2Assertion> {
    claim.ob2.as_ref().filter(|_| meta.ob2_enabled())
}

/// The claim's 2.0-baked image, when the site publishes 2.0 files and the claim has one.
pub fn ob2_image<'a>(meta: &SiteMeta, claim: &'a ClaimInput) -> Option<&'a Ob2Png> {
    ob2_assertion(meta, claim).and_then(|a| a.baked_png.as_ref())
}

/// The MIME type the server (and a well-configured host) sends for a site path.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "css" => "text/css; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What `publish` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishReport {
    pub claims: usize,
    pub written: usize,
    pub unchanged: usize,
    /// Credentials that could not be published, with the reason (the rest are).
    pub skipped: Vec<String>,
    /// Half-made folders and temporaries of a killed publish, removed.
    pub leftovers: usize,
}

/// Write the whole site into `out_dir`: atomic per file, unchanged files untouched, safe to run
/// again. Claims are rendered on all cores.
pub fn publish(out_dir: &Path, input: &SiteInput) -> Result<PublishReport, ClaimError> {
    let leftovers = crate::claim::fsio::begin_publish(out_dir)?;
    let mut report = publish_site(out_dir, &input.meta)?;
    let claims = publish_claims(out_dir, &input.meta, &input.claims)?;
    report.claims = claims.claims;
    report.written += claims.written;
    report.unchanged += claims.unchanged;
    report.leftovers = leftovers;
    crate::claim::fsio::end_publish(out_dir)?;
    Ok(report)
}

/// Write the site-wide files only (see [`publish`]).
pub fn publish_site(out_dir: &Path, meta: &SiteMeta) -> Result<PublishReport, ClaimError> {
    let mut report = PublishReport::default();
    for f in site_files(meta)? {
        match write_if_changed(&out_dir.join(&f.path), &f.bytes)? {
            WriteOutcome::Written => report.written += 1,
            WriteOutcome::Unchanged => report.unchanged += 1,
        }
    }
    Ok(report)
}

/// Write the folders of `claims` only, on all cores, then the manifest of what was written
/// (see [`publish`]).
pub fn publish_claims(
    out_dir: &Path,
    meta: &SiteMeta,
    claims: &[ClaimInput],
) -> Result<PublishReport, ClaimError> {
    let mut report = PublishReport {
        claims: claims.len(),
        ..Default::default()
    };
    let manifest = PublishManifest::load(out_dir);
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    let results = parallel_map(claims, threads, |claim| {
        publish_claim(out_dir, meta, claim, &manifest)
    });
    let mut entries = Vec::with_capacity(claims.len());
    for r in results {
        let (r, entry) = r?;
        report.written += r.written;
        report.unchanged += r.unchanged;
        entries.push(entry);
    }
    PublishManifest::save(out_dir, entries)?;
    Ok(report)
}

/// Bump when the claim page templates change, so digests from older runs no longer match.
const RENDER_REVISION: &str = "2";
/// The per-claim stamp of earlier versions (replaced by the manifest): removed when seen.
const LEGACY_STAMP_FILE: &str = ".published";

/// The digest of everything a claim's files are made from.
fn claim_digest(meta: &SiteMeta, c: &ClaimInput) -> String {
    let mut h = blake3::Hasher::new();
    let mut put = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    let p = &c.page;
    for s in [
        env!("CARGO_PKG_VERSION"),
        RENDER_REVISION,
        &meta.base_url,
        meta.lang.code(),
        &p.base_url,
        p.lang.code(),
        p.token.as_str(),
        &p.badge_name,
        &p.badge_description,
        &p.criteria,
        &p.issuer_name,
        p.image.extension(),
    ] {
        put(s.as_bytes());
    }
    for s in [&p.recipient_name, &p.issuer_url] {
        put(s.as_deref().unwrap_or("\0none").as_bytes());
    }
    put(p.issued_on.to_string().as_bytes());
    put(p
        .valid_until
        .map(|d| d.to_string())
        .unwrap_or_default()
        .as_bytes());
    put(&[u8::from(p.revoked), u8::from(meta.ob2_enabled())]);
    put(c.credential_json.as_bytes());
    match &c.baked_image {
        BakedImage::Bytes(bytes) => put(bytes),
        // The issued file's identity stands for its bytes: it is only ever replaced whole (a
        // new name, then a rename), which changes its modification time.
        BakedImage::Issued(file) => {
            put(file.path.as_os_str().as_encoded_bytes());
            put(&file.len.to_le_bytes());
            let modified = file
                .modified
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            put(&modified.to_le_bytes());
        }
    }
    if let Some(a) = &c.ob2 {
        for s in [&a.badge_key, &a.recipient_email, &a.salt, &a.issued_on] {
            put(s.as_bytes());
        }
        for s in [&a.expires, &a.revocation_reason] {
            put(s.as_deref().unwrap_or("\0none").as_bytes());
        }
        match &a.baked_png {
            None => put(b"\0none"),
            Some(Ob2Png::Baked(bytes)) => put(bytes),
            Some(Ob2Png::OnRequest {
                image_digest,
                assertion_url,
                ..
            }) => {
                put(image_digest);
                put(assertion_url.as_bytes());
            }
        }
    }
    // 128 bits are plenty to notice a change (the manifest holds one per claim).
    h.finalize()
        .to_hex()
        .as_str()
        .get(..32)
        .unwrap_or_default()
        .to_string()
}

/// Write one claim's folder on the calling thread (callers run many at once). A claim the
/// manifest knows with the same digest is skipped without rendering. Returns its manifest entry.
pub fn publish_claim(
    out_dir: &Path,
    meta: &SiteMeta,
    claim: &ClaimInput,
    manifest: &PublishManifest,
) -> Result<(PublishReport, ManifestEntry), ClaimError> {
    let mut report = PublishReport {
        claims: 1,
        ..Default::default()
    };
    let dir = claim_dir(out_dir, &claim.page);
    let key = PublishManifest::key(claim.page.token.as_str());
    let digest = claim_digest(meta, claim);
    if manifest.is_current(&key, &digest) && dir.is_dir() {
        report.unchanged += claim_file_count(meta, claim);
        return Ok((report, (key, digest)));
    }
    // A claim the manifest does not list is new unless the folder turns out to exist (a site
    // published before the manifest, or whose manifest was lost): no lookup for every claim of
    // a first publish.
    if !manifest.knows(&key) || !dir.exists() {
        // Fill a hidden folder, then rename it into place, so the claim appears whole at once
        // and costs one rename instead of one per file.
        if let Some(written) = publish_new_claim(&dir, meta, claim)? {
            report.written += written;
            return Ok((report, (key, digest)));
        }
    }
    for f in claim_files(meta, claim)? {
        match write_if_changed(&out_dir.join(&f.path), &f.bytes)? {
            WriteOutcome::Written => report.written += 1,
            WriteOutcome::Unchanged => report.unchanged += 1,
        }
    }
    let legacy = dir.join(LEGACY_STAMP_FILE);
    if legacy.exists() {
        std::fs::remove_file(&legacy).map_err(|source| ClaimError::Io {
            path: legacy,
            source,
        })?;
    }
    Ok((report, (key, digest)))
}

/// Write a new claim's folder. `None` when `dir` turns out to exist already (nothing in it is
/// changed then).
fn publish_new_claim(
    dir: &Path,
    meta: &SiteMeta,
    claim: &ClaimInput,
) -> Result<Option<usize>, ClaimError> {
    let io = |path: &Path, source| ClaimError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parent = dir.parent().unwrap_or(dir);
    let tmp = parent.join(format!(".new-{}-{}", claim.page.token, std::process::id()));
    fresh_dir(&tmp).map_err(|e| io(&tmp, e))?;
    let result = (|| {
        let files = claim_files_but_the_image(meta, claim)?;
        for f in &files {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let target = tmp.join(name);
            let same = claim
                .on_disk
                .credential_json
                .as_ref()
                .filter(|_| name == CREDENTIAL_FILE);
            if same.is_none_or(|source| std::fs::hard_link(source, &target).is_err()) {
                std::fs::write(&target, &f.bytes).map_err(|e| io(&target, e))?;
            }
        }
        let image = tmp.join(claim.page.image.file_name());
        let linked = match &claim.baked_image {
            BakedImage::Issued(file) => std::fs::hard_link(&file.path, &image).is_ok(),
            BakedImage::Bytes(_) => false,
        };
        if !linked {
            let bytes = claim.baked_image.bytes()?;
            std::fs::write(&image, bytes).map_err(|e| io(&image, e))?;
        }
        match std::fs::rename(&tmp, dir) {
            Ok(()) => Ok(Some(files.len() + 1)),
            // Renaming onto an existing folder fails (when it has files; on Windows always),
            // whatever the platform calls it: the caller updates that folder file by file.
            Err(_) if dir.is_dir() => Ok(None),
            Err(e) => Err(io(dir, e)),
        }
    })();
    if !matches!(result, Ok(Some(_))) {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// An empty folder at `path`: created (with its parents), or emptied when a killed run left it.
fn fresh_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_dir_all(path)?;
            std::fs::create_dir(path)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(path),
        other => other,
    }
}

fn claim_file_count(meta: &SiteMeta, c: &ClaimInput) -> usize {
    4 + usize::from(ob2_assertion(meta, c).is_some()) + usize::from(ob2_image(meta, c).is_some())
}

/// Where a claim's folder is in a published site.
pub fn claim_dir(out_dir: &Path, page: &ClaimPage) -> PathBuf {
    out_dir.join("c").join(page.token.as_str())
}
