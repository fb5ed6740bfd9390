//! `badgedesk bake --credential FILE --image IMAGE --out OUT` and `badgedesk unbake FILE`: the
//! file edges around `badgedesk::bake`. The image format comes from the content, not the name.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use badgedesk::bake::{self, MAX_PAYLOAD_BYTES, Payload, Version};
use badgedesk::issue::files::write_atomic;

use super::{Ctx, Outcome};

/// A badge image larger than this is certainly not a badge; refuse before reading it all.
const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct BakeArgs {
    /// The credential: Open Badges 3.0 JSON or compact JWS, or a 2.0 assertion (JSON, JWS, URL).
    #[arg(long, value_name = "FILE")]
    pub credential: PathBuf,
    /// The badge image, PNG or SVG.
    #[arg(long, value_name = "IMAGE")]
    pub image: PathBuf,
    /// Where to write the baked image (may be IMAGE itself).
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Open Badges version, when it cannot be read from the credential's @context.
    #[arg(long = "ob", value_name = "3|2")]
    pub version: Option<ObVersion>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ObVersion {
    #[value(name = "3", alias = "3.0")]
    V3,
    #[value(name = "2", alias = "2.0")]
    V2,
}

#[derive(Debug, clap::Args)]
pub struct UnbakeArgs {
    /// A baked PNG or SVG badge.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run_bake(args: BakeArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let raw = read_limited(&args.credential, MAX_PAYLOAD_BYTES as u64 + 4096, ctx)?;
    let text = String::from_utf8(raw).with_context(|| {
        format!(
            "{} {}",
            args.credential.display(),
            ctx.tr("n'est pas en UTF-8", "is not UTF-8")
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    let payload = match args.version {
        Some(ObVersion::V3) => Payload::new(Version::Ob3, text),
        Some(ObVersion::V2) => Payload::new(Version::Ob2, text),
        None => Payload::detect(text),
    }
    .with_context(|| args.credential.display().to_string())?;
    let image = read_limited(&args.image, MAX_IMAGE_BYTES, ctx)?;
    let baked = bake::bake(&image, &payload).with_context(|| args.image.display().to_string())?;
    write_atomic(&args.out, &baked).with_context(|| {
        format!(
            "{} {}",
            ctx.tr("écriture de", "writing"),
            args.out.display()
        )
    })?;
    let format = bake::detect_format(&baked)?;
    eprintln!(
        "{} ({}, {}) → {} ({format}, {} {})",
        ctx.tr("Badge cuit", "Baked"),
        payload.version(),
        kind_name(&payload),
        args.out.display(),
        baked.len(),
        ctx.tr("octets", "bytes"),
    );
    Ok(Outcome::Ok)
}

pub fn run_unbake(args: UnbakeArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let bytes = read_limited(&args.file, MAX_IMAGE_BYTES, ctx)?;
    let found = bake::unbake(&bytes).with_context(|| args.file.display().to_string())?;
    eprintln!("{} ({}, {})", found.version, found.format, found.location);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", found.payload)?;
    out.flush()?;
    Ok(Outcome::Ok)
}

fn kind_name(payload: &Payload) -> &'static str {
    match payload.kind() {
        bake::PayloadKind::Json => "JSON",
        bake::PayloadKind::Jws => "JWS",
        bake::PayloadKind::Url => "URL",
        bake::PayloadKind::Text => "text",
    }
}

/// Reads a whole file, refusing files larger than `limit` without reading them.
fn read_limited(path: &Path, limit: u64, ctx: &Ctx) -> anyhow::Result<Vec<u8>> {
    let file = File::open(path)
        .with_context(|| format!("{} {}", ctx.tr("ouverture de", "opening"), path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{} {}", ctx.tr("lecture de", "reading"), path.display()))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{}: {} ({} {limit} {})",
            path.display(),
            ctx.tr("fichier trop gros", "file too large"),
            ctx.tr("limite", "limit"),
            ctx.tr("octets", "bytes")
        );
    }
    Ok(bytes)
}
