//! `badgedesk reissue CREDENTIAL_ID --reason TEXT`: revoke a credential and issue its
//! replacement in one step (e.g. after fixing the attendee's name).

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::builder::OsRandomness;
use badgedesk::issue::{Issuer, reissue};

use super::passphrase::unlock_key;
use super::{Ctx, Outcome, actor};

#[derive(Debug, clap::Args)]
pub struct ReissueArgs {
    /// The credential to replace (`urn:uuid:…`, see `badgedesk credentials`).
    pub credential_id: String,
    /// Why (kept in the database and the audit log).
    #[arg(long)]
    pub reason: String,
}

pub fn run(args: ReissueArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    let issuer = Issuer::new(&event, unlock_key(event.root(), ctx)?, SystemClock.now())?;
    let issuer = badgedesk::hub::issuer_for_desk(issuer, event.root(), &store, ctx.lang)?;
    let done = reissue(
        &issuer,
        &mut store,
        &args.credential_id,
        &args.reason,
        &mut OsRandomness,
        &actor(),
    )?;
    println!("{} {}", ctx.tr("Révoqué :", "Revoked:"), done.old_id);
    println!(
        "{} {}",
        ctx.tr("Nouveau badge :", "New credential:"),
        done.new.credential_id
    );
    if let Some(url) = &done.new.claim_url {
        println!("{} {url}", ctx.tr("Lien de réclamation :", "Claim link:"));
    }
    println!(
        "{} {}, {}",
        ctx.tr("Fichiers :", "Files:"),
        done.new.json_path.display(),
        done.new.image_path.display()
    );
    super::issue::print_status_list_hint(&event, ctx);
    Ok(Outcome::Ok)
}
