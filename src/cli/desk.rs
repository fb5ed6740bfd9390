//! `badgedesk` with no command: open the full-screen desk on the event folder.

use std::io::IsTerminal;

use anyhow::bail;
use badgedesk::event::EventDir;
use badgedesk::tui::{self, DeskOptions};
use time::UtcOffset;

use super::passphrase::desk_key;
use super::{Ctx, Outcome};

pub fn run(event: &EventDir, ctx: &Ctx) -> anyhow::Result<Outcome> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "{}",
            ctx.tr(
                "le bureau a besoin d’un terminal ; pour un script, utilisez `badgedesk attendees` ou `badgedesk checkin`",
                "the desk needs a terminal; in a script, use `badgedesk attendees` or `badgedesk checkin`"
            )
        );
    }
    // Read the local offset now, while the process has a single thread (the `time` crate
    // refuses to read it later on Unix); times are shown in local time, stored in UTC.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let actor = super::actor().replacen("cli", "desk", 1);
    // Asked before the screen is taken: the desk ticks without the key, it only issues with it.
    let key = desk_key(event.root(), ctx)?;
    tui::run(DeskOptions {
        event: event.clone(),
        lang: ctx.lang,
        actor,
        offset,
        key,
    })?;
    Ok(Outcome::Ok)
}
