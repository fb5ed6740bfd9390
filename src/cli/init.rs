//! `badgedesk init DIR [--name NAME]`

use std::path::PathBuf;

use badgedesk::event::{EventDir, InitOptions};

use super::{Ctx, Outcome};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder to create the event in (created if missing).
    pub dir: PathBuf,
    /// Event name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(args: InitArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = args.name.clone().unwrap_or_else(|| {
        args.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Event".into())
    });
    let event = EventDir::create(
        &args.dir,
        &InitOptions {
            name,
            lang: ctx.lang,
        },
    )?;
    let dir = event.root().display();
    println!(
        "{} {dir}",
        ctx.tr("Événement créé dans", "Event created in")
    );
    println!();
    println!("{}", ctx.tr("Et maintenant :", "Next:"));
    println!(
        "  1. {} {dir}/event.toml {}",
        ctx.tr("modifiez", "edit"),
        ctx.tr(
            "(émetteur, activités, badges)",
            "(issuer, activities, badges)"
        )
    );
    println!(
        "  2. badgedesk --event {dir} import {}",
        ctx.tr(
            "inscriptions.csv    # la liste des participants",
            "attendees.csv    # the attendee list"
        )
    );
    println!(
        "  3. badgedesk --event {dir}    {}",
        ctx.tr("# ouvrir le bureau d’accueil", "# open the desk")
    );
    Ok(Outcome::Ok)
}
