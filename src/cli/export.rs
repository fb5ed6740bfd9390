//! `badgedesk export claims --out FILE.csv`: claim links for a mail merge.

use std::path::PathBuf;

use badgedesk::print::{claim_rows, export_claims_csv};

use super::{Ctx, Outcome, claims};

#[derive(Debug, clap::Subcommand)]
pub enum ExportWhat {
    /// Name, e-mail, badge and claim URL of every live credential (UTF-8 with BOM; `;` for a
    /// French event, as French Excel expects).
    Claims(ExportClaimsArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportClaimsArgs {
    /// The CSV file to write.
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Only this achievement (its key in event.toml).
    #[arg(long, value_name = "KEY")]
    pub achievement: Option<String>,
    /// Leave out badges already claimed.
    #[arg(long)]
    pub only_unclaimed: bool,
    /// Claim address in the links (default: [claim] base_url of event.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(what: ExportWhat, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let ExportWhat::Claims(args) = what;
    let event = ctx.open_event()?;
    let store = event.store()?;
    let base = claims::base_url(&event, args.base_url.as_deref(), ctx)?;
    let filter = claims::filter(args.achievement.as_deref(), args.only_unclaimed);
    let rows = claim_rows(&event, &store, &base, &filter)?;
    let bytes = export_claims_csv(event.language(ctx.lang), &rows)?;
    claims::write_output(&args.out, &bytes, ctx)?;
    println!(
        "{} {} → {}",
        rows.len(),
        ctx.tr("lien(s)", "link(s)"),
        args.out.display()
    );
    Ok(Outcome::Ok)
}
