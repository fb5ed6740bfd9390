//! `badgedesk print [--layout …] [--achievement KEY] [--only-unclaimed] --out FILE.pdf [--send]`:
//! a PDF of claim cards, optionally sent to the system printer.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use badgedesk::print::{Layout, claim_cards, render_pdf};

use super::{Ctx, Outcome, claims};

#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// a4-cards (2 × 4 cards with cut marks), a4-labels-3x7 (label sheets) or label-62mm (tape).
    #[arg(long, default_value = "a4-cards", value_name = "LAYOUT")]
    pub layout: Layout,
    /// Only this achievement (its key in event.toml).
    #[arg(long, value_name = "KEY")]
    pub achievement: Option<String>,
    /// Leave out badges already claimed.
    #[arg(long)]
    pub only_unclaimed: bool,
    /// The PDF to write.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
    /// Then print it with the system's `lp`.
    #[arg(long)]
    pub send: bool,
    /// Claim address on the cards (default: [claim] base_url of event.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(args: PrintArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    claims::repair_issued(&event, &store, ctx)?;
    let base = claims::base_url(&event, args.base_url.as_deref(), ctx)?;
    let filter = claims::filter(args.achievement.as_deref(), args.only_unclaimed);
    let cards = claim_cards(&event, &store, &base, &filter)?;
    let pdf = render_pdf(args.layout, event.language(ctx.lang), &cards)?;
    claims::write_output(&args.out, &pdf, ctx)?;
    println!(
        "{} {} ({}) → {}",
        cards.len(),
        ctx.tr("carte(s)", "card(s)"),
        args.layout,
        args.out.display()
    );
    if args.send {
        send(&args.out, ctx)?;
    }
    Ok(Outcome::Ok)
}

/// Hand the PDF to `lp` (CUPS), the one place badgedesk starts another program.
fn send(pdf: &Path, ctx: &Ctx) -> anyhow::Result<()> {
    match std::process::Command::new("lp").arg("--").arg(pdf).status() {
        Ok(status) if status.success() => {
            println!(
                "{}",
                ctx.tr("Envoyé à l'imprimante.", "Sent to the printer.")
            );
            Ok(())
        }
        Ok(status) => anyhow::bail!(
            "{} ({status}); {} {}",
            ctx.tr("lp a refusé l'impression", "lp refused to print"),
            ctx.tr("ouvrez et imprimez", "open and print"),
            pdf.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "{} {}",
                ctx.tr(
                    "Pas de commande « lp » sur cet ordinateur : ouvrez et imprimez",
                    "No 'lp' command on this computer: open and print"
                ),
                pdf.display()
            );
            Ok(())
        }
        Err(e) => Err(e).context(ctx.tr("lancement de lp", "starting lp")),
    }
}
