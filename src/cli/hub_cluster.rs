//! `hub start` / `hub stop`: the PostgreSQL cluster inside the event folder.

use std::path::Path;

use badgedesk::hub::HubUrl;

use super::Ctx;

pub fn start(_event_dir: &Path, _port: u16, _listen: &str, _ctx: &Ctx) -> anyhow::Result<HubUrl> {
    anyhow::bail!("hub start: not built yet")
}

pub fn stop(_event_dir: &Path, _ctx: &Ctx) -> anyhow::Result<()> {
    anyhow::bail!("hub stop: not built yet")
}
