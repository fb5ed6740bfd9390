//! `badgedesk publish OUTDIR`: write the static claim site for any web host.

use std::path::PathBuf;

use badgedesk::claim::EventSite;

use super::{Ctx, Outcome, claims};

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Folder to write the site into (created if needed; safe to publish into again).
    pub out_dir: PathBuf,
    /// Public address of the site (default: [claim] base_url of event.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(args: PublishArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    claims::repair_issued(&event, &store, ctx)?;
    let base = claims::base_url(&event, args.base_url.as_deref(), ctx)?;
    let key = claims::public_key(&event, &store)?;
    claims::ensure_status_list(&event, &store, ctx)?;
    let site = EventSite::new(&event, &base, key.as_ref())?;
    for note in &site.notes {
        eprintln!("{}: {note}", ctx.tr("note", "note"));
    }
    let report = site.publish(&args.out_dir, &store)?;
    if report.leftovers > 0 {
        println!(
            "{} {}",
            report.leftovers,
            ctx.tr(
                "reste(s) d’une publication interrompue supprimé(s)",
                "leftover(s) of an interrupted publish removed"
            )
        );
    }
    println!(
        "{} {} {}: {} {}, {} {}",
        report.claims,
        ctx.tr("page(s) de réception dans", "claim page(s) in"),
        args.out_dir.display(),
        report.written,
        ctx.tr("fichier(s) écrit(s)", "file(s) written"),
        report.unchanged,
        ctx.tr("inchangé(s)", "unchanged"),
    );
    println!(
        "{} {base}/",
        ctx.tr(
            "À mettre en ligne tel quel à l'adresse",
            "Upload the folder as is, to be served at"
        )
    );
    if key.is_none() {
        eprintln!(
            "{}",
            ctx.tr(
                "note : clé de l'émetteur illisible, profil de l'émetteur non publié",
                "note: issuer key unreadable, the issuer profile is not published"
            )
        );
    }
    for s in &report.skipped {
        eprintln!("{}: {s}", ctx.tr("non publié", "not published"));
    }
    Ok(if report.skipped.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
