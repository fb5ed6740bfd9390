//! `badgedesk demo [DIR] [--no-tui] [--seed N]`, and opening the desk.

use std::path::PathBuf;

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::demo;
use badgedesk::event::EventDir;

use super::{Ctx, Outcome};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where to create the demo event (reused if it already exists).
    #[arg(default_value = "festirobot-demo")]
    pub dir: PathBuf,
    /// Only create the event; don't open the desk.
    #[arg(long)]
    pub no_tui: bool,
    /// Seed of the generated attendees: the same seed gives the same event.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Number of attendees.
    #[arg(long, default_value_t = demo::DEFAULT_SIZE)]
    pub size: usize,
}

pub fn run(args: DemoArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = match EventDir::open(&args.dir) {
        Ok(event) => {
            println!(
                "{} {}",
                ctx.tr(
                    "Événement de démonstration existant :",
                    "Existing demo event:"
                ),
                args.dir.display()
            );
            event
        }
        Err(badgedesk::event::EventError::NotAnEvent { .. }) => {
            let event = demo::create(&args.dir, args.seed, args.size, SystemClock.now())?;
            println!(
                "{} {}",
                ctx.tr("Événement de démonstration créé :", "Demo event created:"),
                args.dir.display()
            );
            event
        }
        Err(e) => return Err(e.into()),
    };
    if args.no_tui {
        print_summary(&event, ctx)?;
        return Ok(Outcome::Ok);
    }
    open_desk(&event, ctx)
}

/// Open the desk on an event.
pub fn open_desk(event: &EventDir, ctx: &Ctx) -> anyhow::Result<Outcome> {
    super::desk::run(event, ctx)
}

fn print_summary(event: &EventDir, ctx: &Ctx) -> anyhow::Result<()> {
    let store = event.store()?;
    let total = store.attendee_count()?;
    let presence = store.presence()?;
    println!("{}", event.config().event.name);
    println!("  {} {total}", ctx.tr("participants :", "attendees:"));
    for activity in store.activities()? {
        let n = presence
            .iter()
            .filter(|p| p.activity_key == activity.key)
            .count();
        println!("  {:<28} {n}/{total}", activity.name);
    }
    for achievement in &event.config().achievements {
        println!("  {} {}", ctx.tr("badge :", "badge:"), achievement.name);
    }
    println!();
    println!("  badgedesk --event {} attendees", event.root().display());
    println!(
        "  badgedesk --event {} checkin --activity sumo FR26-0001",
        event.root().display()
    );
    Ok(())
}
