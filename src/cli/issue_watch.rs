//! `badgedesk issue --watch`: a signer desk that issues what keyless desks ask for. Each
//! request becomes a credential here (reserved in the hub first), which goes back through the
//! hub to the desk that asked, where its claim QR appears.

use std::time::Duration;

use anyhow::bail;
use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::builder::OsRandomness;
use badgedesk::hub::{self, Hub, HubConfig, HubError};
use badgedesk::issue::{Choice, IssueError, Issuer};

use super::passphrase::unlock_key;
use super::{Ctx, Outcome, actor};

/// Between two looks at the hub when nothing happens.
const POLL: Duration = Duration::from_millis(300);

pub fn run(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    let Some(config) = HubConfig::load(event.root())? else {
        bail!(
            "{}",
            ctx.tr(
                "--watch sert aux évènements à plusieurs postes : cet évènement n’a pas de hub",
                "--watch is for events with several desks: this event has no hub"
            )
        );
    };
    let key = unlock_key(event.root(), ctx)?;
    let prepared = Issuer::new(&event, key, SystemClock.now())?;
    let prepared = hub::issuer_for_desk(prepared, event.root(), &store, ctx.lang)?;
    println!(
        "{}",
        ctx.tr(
            "En attente des demandes des postes sans clé (Ctrl-C pour arrêter)…",
            "Waiting for requests from desks without the key (Ctrl-C to stop)…"
        )
    );
    let mut link: Option<Hub> = None;
    let mut offline_said = false;
    loop {
        let synced = (|| -> Result<(), HubError> {
            if link.is_none() {
                link = Some(Hub::connect(&config.url)?);
            }
            if let Some(hub) = link.as_mut() {
                hub.sync(&mut store)?;
            }
            Ok(())
        })();
        match synced {
            Ok(()) => offline_said = false,
            Err(e) => {
                link = None;
                if !offline_said {
                    eprintln!(
                        "{} ({})",
                        ctx.tr("hub injoignable", "hub unreachable"),
                        e.message(ctx.lang)
                    );
                    offline_said = true;
                }
                std::thread::sleep(POLL * 3);
                continue;
            }
        }
        let pending = store.pending_requests()?;
        let mut issued = 0;
        for (attendee_id, achievement) in pending {
            let issuer = prepared.at(SystemClock.now())?;
            let name = store
                .attendee(attendee_id)?
                .map(|a| a.display_name())
                .unwrap_or_default();
            match issuer.issue_attendee(
                &mut store,
                attendee_id,
                Choice::Achievement(&achievement),
                &mut OsRandomness,
                &actor(),
            ) {
                Ok(done) => {
                    issued += done.iter().filter(|c| c.newly_issued).count();
                    println!("✓ {name} : {achievement}");
                }
                // Another signer took it: its credential answers the request.
                Err(IssueError::ReservedElsewhere { .. }) => {}
                Err(e) => eprintln!("{name} ({achievement}) : {}", e.message(ctx.lang)),
            }
        }
        if issued == 0 {
            std::thread::sleep(POLL);
        }
    }
}
