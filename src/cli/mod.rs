//! Argument parsing (clap derive) and dispatch to one file per command.

mod keys;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use badgedesk::i18n::Lang;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "badgedesk",
    version,
    about = "Offline badge desk: check attendees in, issue signed Open Badges"
)]
pub struct Cli {
    /// The event folder (default: the current folder).
    #[arg(long, global = true, env = "BADGEDESK_EVENT", value_name = "DIR")]
    pub event: Option<PathBuf>,
    /// Interface language (default: from LANG).
    #[arg(long, global = true, value_name = "fr|en")]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The issuer key: show the DID and public key, or generate it.
    Keys {
        #[command(subcommand)]
        action: keys::KeysAction,
    },
    /// Verify credentials (JSON, baked PNG or SVG); exit 0 only if all are valid.
    Verify(verify::VerifyArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let event_dir = cli.event.clone().unwrap_or_else(|| PathBuf::from("."));
    let result = match &cli.command {
        None => Ok(ExitCode::SUCCESS),
        Some(Command::Keys { action }) => keys::run(&event_dir, action),
        Some(Command::Verify(args)) => verify::run(args, cli.lang.unwrap_or_else(Lang::from_env)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
