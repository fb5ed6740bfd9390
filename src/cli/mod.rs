//! Argument parsing (clap derive) and dispatch to one file per command. Errors become a message
//! on stderr and exit code 1; bad usage is exit code 2.

mod attendees;
mod bake;
mod checkin;
mod claims;
mod demo;
mod desk;
mod export;
mod hub;
mod hub_cluster;
mod import;
mod init;
mod issue;
mod issue_watch;
mod keys;
mod passphrase;
mod print;
mod publish;
mod reissue;
mod serve;
mod shell;
mod table;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use badgedesk::event::EventDir;
use badgedesk::i18n::Lang;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "badgedesk",
    version,
    about = "Offline badge desk: check attendees in, issue signed Open Badges",
    long_about = "Offline badge desk: check attendees in, issue signed Open Badges.\n\nWithout a command, opens the desk for the event folder."
)]
pub struct Cli {
    /// The event folder (default: $BADGEDESK_EVENT, else the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub event: Option<PathBuf>,
    /// Interface language (default: from LANG).
    #[arg(long, global = true, value_name = "fr|en")]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new event folder (event.toml, database, keys, badge images).
    Init(init::InitArgs),
    /// Create the built-in demo event (a robotics festival) and open the desk.
    Demo(demo::DemoArgs),
    /// List attendees.
    Attendees(attendees::AttendeesArgs),
    /// Tick (or untick) attendees at an activity, by ticket number or name.
    Checkin(checkin::CheckinArgs),
    /// Import or update attendees from a CSV file (preview with --dry-run).
    Import(import::ImportArgs),
    /// Bake a credential into a PNG or SVG badge image.
    Bake(bake::BakeArgs),
    /// Print the credential baked into a PNG or SVG badge.
    Unbake(bake::UnbakeArgs),
    /// The issuer key: show the DID and public key, or generate it.
    Keys {
        #[command(subcommand)]
        action: keys::KeysAction,
    },
    /// Verify credentials (JSON, baked PNG or SVG); exit 0 only if all are valid.
    Verify(verify::VerifyArgs),
    /// Issue badges: preview (--dry-run), then sign, bake and store them.
    Issue(issue::IssueArgs),
    /// List issued credentials.
    Credentials(issue::CredentialsArgs),
    /// Rewrite every file under issued/ from the database.
    Rebuild,
    /// Revoke a credential and regenerate the signed status list.
    Revoke(issue::RevokeArgs),
    /// Revoke a credential and issue its replacement in one step (e.g. after a name fix).
    Reissue(reissue::ReissueArgs),
    /// Write the static claim site (one page per credential) into a folder for any web host.
    Publish(publish::PublishArgs),
    /// Serve the claim pages on the event's Wi-Fi (prints the address and its QR code).
    Serve(serve::ServeArgs),
    /// A PDF of claim cards (name, badge, QR code, short link) to print and hand out.
    Print(print::PrintArgs),
    /// Export data for other tools (`export claims`: claim links for a mail merge).
    Export {
        #[command(subcommand)]
        what: export::ExportWhat,
    },
    /// Several desks: run or fill the PostgreSQL hub where desks meet, and see its state.
    Hub {
        #[command(subcommand)]
        action: hub::HubAction,
    },
    /// Make a new desk folder from a hub (event, badge images, attendees, the log; never the
    /// signing key).
    Join(hub::JoinArgs),
    /// Send this desk's new rows to the hub and take the others' (once); `sync export|import`
    /// carries them on a USB stick instead.
    Sync(hub::SyncArgs),
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the man page (or write every page into a folder with --out-dir).
    Man(shell::ManArgs),
}

/// What every command gets: where the event is and which language to speak.
pub struct Ctx {
    pub event_dir: PathBuf,
    pub lang: Lang,
}

impl Ctx {
    /// Open the event folder; badge images are checked on the way and problems shown on
    /// stderr (issuing refuses an achievement whose image is unusable).
    pub fn open_event(&self) -> anyhow::Result<EventDir> {
        let event = EventDir::open(&self.event_dir)?;
        for issue in event.check_badge_images() {
            let label = if issue.warning_only {
                self.tr("avertissement", "warning")
            } else {
                self.tr("problème", "problem")
            };
            eprintln!("{label}: {issue}");
        }
        Ok(event)
    }

    /// Pick the French or English text.
    pub fn tr<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// Who is acting, for the audit log: the OS user name.
pub fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    if user.is_empty() {
        "cli".to_string()
    } else {
        format!("cli:{user}")
    }
}

/// Result of a command: success, or "ran but found problems" (exit 1 without an error message).
pub enum Outcome {
    Ok,
    Problems,
    /// A command that decides its exit code itself.
    Code(ExitCode),
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
    let ctx = Ctx {
        event_dir: cli
            .event
            .clone()
            .or_else(|| event_dir_from_env(std::env::var_os("BADGEDESK_EVENT")))
            .unwrap_or_else(|| PathBuf::from(".")),
        lang: cli.lang.unwrap_or_else(Lang::from_env),
    };
    match run(cli.command, &ctx) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Ok(Outcome::Code(code)) => code,
        // A closed pipe (`badgedesk attendees | head`) is the reader's choice, not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "{}: {}",
                ctx.tr("erreur", "error"),
                error_text(&e, ctx.lang)
            );
            ExitCode::from(1)
        }
    }
}

/// The error and its causes, "a: b: c", in the interface language where the library has the
/// words (`message(lang)`), leaving out a cause the text already ends with (many library errors
/// name their source in their own message as well).
pub(crate) fn error_text(e: &anyhow::Error, lang: Lang) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let cause = localized(cause, lang);
        if text.is_empty() {
            text = cause;
        } else if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// `e`'s message in `lang` where the library has the words for it. Issue and claim errors wrap a
/// store error transparently (it is their message, not a cause in the chain), so they are asked.
fn localized(e: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    use badgedesk::{claim::ClaimError, issue::engine::IssueError, store::StoreError};
    if let Some(e) = e.downcast_ref::<badgedesk::import::ImportError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<badgedesk::event::EventError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<StoreError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<IssueError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<ClaimError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<badgedesk::hub::HubError>() {
        e.message(lang)
    } else if let Some(e) = e.downcast_ref::<badgedesk::hub::cluster::ClusterError>() {
        e.message(lang)
    } else {
        e.to_string()
    }
}

/// `BADGEDESK_EVENT` when it names a folder. Set but empty (`BADGEDESK_EVENT=` in a script
/// whose variable was unset) counts as not set, rather than as a missing `--event` value.
fn event_dir_from_env(value: Option<std::ffi::OsString>) -> Option<PathBuf> {
    value.filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause.downcast_ref::<csv::Error>().is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause.downcast_ref::<serde_json::Error>().is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Commands that write rows other desks need: at a desk with a hub, each tries a sync when it
/// ends (and says so when the hub cannot be reached; it never fails because of it).
fn writes_shared_rows(command: &Command) -> bool {
    match command {
        Command::Checkin(_) | Command::Revoke(_) | Command::Reissue(_) => true,
        Command::Import(args) => !args.dry_run,
        Command::Issue(args) => !args.dry_run,
        _ => false,
    }
}

fn run(command: Option<Command>, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let sync_after = command.as_ref().is_some_and(writes_shared_rows);
    let outcome = run_command(command, ctx)?;
    if sync_after
        && ctx.event_dir.join(badgedesk::hub::HUB_FILE).exists()
        && let Ok(event) = EventDir::open(&ctx.event_dir)
        && let Ok(mut store) = event.store()
    {
        hub::after_write(&event, &mut store, ctx);
    }
    Ok(outcome)
}

fn run_command(command: Option<Command>, ctx: &Ctx) -> anyhow::Result<Outcome> {
    match command {
        None => {
            let event = ctx
                .open_event()
                .context(ctx.tr("ouverture du bureau", "opening the desk"))?;
            desk::run(&event, ctx)
        }
        Some(Command::Init(args)) => init::run(args, ctx),
        Some(Command::Demo(args)) => demo::run(args, ctx),
        Some(Command::Attendees(args)) => attendees::run(args, ctx),
        Some(Command::Checkin(args)) => checkin::run(args, ctx),
        Some(Command::Import(args)) => import::run(args, ctx),
        Some(Command::Bake(args)) => bake::run_bake(args, ctx),
        Some(Command::Unbake(args)) => bake::run_unbake(args, ctx),
        Some(Command::Keys { action }) => keys::run(&ctx.event_dir, &action).map(Outcome::Code),
        Some(Command::Verify(args)) => {
            verify::run(&args, ctx.lang, &ctx.event_dir).map(Outcome::Code)
        }
        Some(Command::Issue(args)) => issue::run_issue(args, ctx),
        Some(Command::Credentials(args)) => issue::run_credentials(args, ctx),
        Some(Command::Rebuild) => issue::run_rebuild(ctx),
        Some(Command::Revoke(args)) => issue::run_revoke(args, ctx),
        Some(Command::Reissue(args)) => reissue::run(args, ctx),
        Some(Command::Publish(args)) => publish::run(args, ctx),
        Some(Command::Serve(args)) => serve::run(args, ctx),
        Some(Command::Print(args)) => print::run(args, ctx),
        Some(Command::Export { what }) => export::run(what, ctx),
        Some(Command::Hub { action }) => hub::run_hub(action, ctx),
        Some(Command::Join(args)) => hub::run_join(args, ctx),
        Some(Command::Sync(args)) => hub::run_sync(args, ctx),
        Some(Command::Completions(args)) => shell::run_completions(&args),
        Some(Command::Man(args)) => shell::run_man(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::{Lang, error_text};

    /// Names its source in its message and also returns it as its source.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot write 'x': {source}")]
    struct Write {
        source: std::io::Error,
    }

    fn not_found() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
    }

    #[test]
    fn a_cause_already_named_is_not_repeated() {
        let named = anyhow::Error::new(Write {
            source: not_found(),
        })
        .context("opening the desk");
        assert_eq!(named.chain().count(), 3);
        assert_eq!(
            error_text(&named, Lang::En),
            "opening the desk: cannot write 'x': no such file"
        );
        let chained = anyhow::Error::new(not_found()).context("cannot read 'x'");
        assert_eq!(
            error_text(&chained, Lang::En),
            "cannot read 'x': no such file"
        );
    }

    #[test]
    fn library_errors_with_words_for_it_speak_the_interface_language() {
        let empty = || {
            anyhow::Error::new(badgedesk::import::ImportError::Empty {
                file: "inscrits.csv".into(),
            })
        };
        assert_eq!(
            error_text(&empty(), Lang::Fr),
            "inscrits.csv : le fichier est vide (pas de ligne d’en-tête)"
        );
        assert_eq!(
            error_text(&empty(), Lang::En),
            "inscrits.csv: the file is empty (no header row)"
        );
        // Hub errors too, wherever the command returned them from.
        let offline = anyhow::Error::new(badgedesk::hub::HubError::Unreachable(
            "connection refused".into(),
        ));
        assert_eq!(
            error_text(&offline, Lang::Fr),
            "le hub est injoignable (connection refused)"
        );
        let not_event = anyhow::Error::new(badgedesk::event::EventError::NotAnEvent {
            dir: "/tmp/x".into(),
        })
        .context("ouverture du bureau");
        let text = error_text(&not_event, Lang::Fr);
        assert!(
            text.starts_with("ouverture du bureau: « /tmp/x » n’est pas un dossier d’évènement"),
            "{text}"
        );
    }
}
