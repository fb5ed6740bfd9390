//! `hub start` / `hub stop`: the PostgreSQL cluster inside the event folder (`hub/`).

use std::path::Path;

use anyhow::Context as _;
use badgedesk::hub::HubUrl;
use badgedesk::hub::cluster::{Cluster, ClusterError, ClusterOptions};

use super::Ctx;

/// The hub's folder in an event folder.
const HUB_DIR: &str = "hub";
/// The database the organiser's hub holds the event in.
const DATABASE: &str = "badgedesk";

/// Start (creating it the first time) the event's cluster and its database; the owner's
/// address on this laptop.
pub fn start(event_dir: &Path, port: u16, listen: &str, ctx: &Ctx) -> anyhow::Result<HubUrl> {
    let dir = event_dir.join(HUB_DIR);
    let cluster = match Cluster::open(&dir) {
        Ok(cluster) => cluster,
        Err(ClusterError::NotACluster { .. }) => {
            let mut options = ClusterOptions::new(port);
            options.listen_addresses = listen
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
            println!(
                "{} {}",
                ctx.tr("Création du hub dans", "Creating the hub in"),
                dir.display()
            );
            Cluster::init(&dir, &options)?
        }
        Err(e) => return Err(e.into()),
    };
    cluster.start()?;
    println!(
        "{} {} ({} {})",
        ctx.tr("Hub démarré sur le port", "Hub running on port"),
        cluster.port(),
        ctx.tr("journal :", "log:"),
        cluster.log_file().display()
    );
    let mut client = HubUrl::parse(&cluster.superuser_url()).and_then(|url| url.connect())?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .context("PostgreSQL")?
        .is_some();
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .context("PostgreSQL")?;
    }
    Ok(HubUrl::parse(&cluster.superuser_url_for(DATABASE))?)
}

pub fn stop(event_dir: &Path, ctx: &Ctx) -> anyhow::Result<()> {
    let cluster = Cluster::open(&event_dir.join(HUB_DIR))?;
    cluster.stop()?;
    println!("{}", ctx.tr("Hub arrêté.", "Hub stopped."));
    Ok(())
}
