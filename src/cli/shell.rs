//! `badgedesk completions SHELL` and `badgedesk man`: generated from the clap definitions, so
//! they always list the commands and options this binary has.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::CommandFactory as _;

use super::{Cli, Outcome};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A command's own page (`badgedesk man import`); without it, the page of badgedesk.
    pub command: Option<String>,
    /// Write every page (badgedesk.1, badgedesk-import.1, …) into this folder instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<PathBuf>,
}

pub fn run_completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "badgedesk", &mut out);
    out.flush()?;
    Ok(Outcome::Ok)
}

pub fn run_man(args: &ManArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create '{}'", dir.display()))?;
        clap_mangen::generate_to(Cli::command(), dir)
            .with_context(|| format!("cannot write the man pages into '{}'", dir.display()))?;
        return Ok(Outcome::Ok);
    }
    // Built first so subcommands get their page names (badgedesk-import) as in `--out-dir`.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => bail!("no command '{name}' (see `badgedesk --help`)"),
        },
    };
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    out.flush()?;
    Ok(Outcome::Ok)
}
