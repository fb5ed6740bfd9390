//! `badgedesk serve [--bind ADDR:PORT]`: the claim server for the event's Wi-Fi.

use std::net::SocketAddr;
use std::sync::Arc;

use badgedesk::claim::EventSite;
use badgedesk::clock::SystemClock;
use badgedesk::server::{self, ServerConfig, StoreSource};

use super::{Ctx, Outcome, claims};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (all interfaces by default, so phones on the Wi-Fi reach it).
    #[arg(long, default_value = "0.0.0.0:8080", value_name = "ADDR:PORT")]
    pub bind: SocketAddr,
    /// Address phones use, when it is not this machine's LAN address (e.g. behind a proxy).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(args: ServeArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    claims::repair_issued(&event, &store, ctx)?;
    let key = claims::public_key(&event, &store)?;
    claims::ensure_status_list(&event, &store, ctx)?;
    let server = server::bind(ServerConfig {
        bind: args.bind,
        ..Default::default()
    })?;
    let bound = server.local_addr().unwrap_or(args.bind);
    let url = match &args.base_url {
        Some(given) => claims::base_url(&event, Some(given), ctx)?,
        None => server::public_url(bound),
    };
    let site = EventSite::new(&event, &url, key.as_ref())?;
    let count = store.credentials()?.len();
    // First visits are written through a second connection, off the request path.
    let source =
        StoreSource::new(site, store, Arc::new(SystemClock))?.record_visits_with(event.store()?)?;
    let source = Arc::new(source);
    println!(
        "{} {count} {}",
        ctx.tr("Pages de réception de", "Claim pages of"),
        ctx.tr(
            "badge(s), sur le Wi-Fi de l'événement :",
            "credential(s), on the event's Wi-Fi:"
        ),
    );
    print!("{}", server::banner(&url));
    println!(
        "{}",
        ctx.tr(
            "Cartes pour cette adresse : badgedesk print --base-url <adresse ci-dessus>. Ctrl-C pour arrêter.",
            "Cards for this address: badgedesk print --base-url <address above>. Ctrl-C stops."
        )
    );
    // Several desks: claims recorded here reach the other desks, and credentials signed
    // elsewhere become claimable here, through a sync every second.
    let hub = badgedesk::hub::HubConfig::load(event.root())?.map(|config| {
        badgedesk::hub::Syncer::start(
            event.db_path(),
            config,
            std::time::Duration::from_secs(1),
            Box::new(|_| {}),
        )
    });
    server.run(source, server::shutdown_signal())?;
    drop(hub);
    println!("{}", ctx.tr("Serveur arrêté.", "Server stopped."));
    Ok(Outcome::Ok)
}
