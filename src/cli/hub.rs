//! Several desks: `hub push|start|stop|status`, `join`, `sync` (and `sync export|import` for
//! a USB stick), and the sync every writing command tries when it ends.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use badgedesk::clock::{Clock, SystemClock, rfc3339};
use badgedesk::event::EventDir;
use badgedesk::hub::{self, Hub, HubConfig, HubError, HubUrl, SyncReport};
use badgedesk::store::{Fact, Store};

use super::{Ctx, Outcome};

#[derive(Debug, clap::Subcommand)]
pub enum HubAction {
    /// Put this event in a PostgreSQL database someone already runs (a school's or a region's
    /// server): tables, the desk role, the event's files and this desk's rows. Prints the line
    /// to type on each other laptop.
    Push(PushArgs),
    /// Run a hub on this laptop: a PostgreSQL cluster inside the event folder (needs
    /// PostgreSQL's programs), then the same as `hub push`.
    Start(StartArgs),
    /// Stop the hub started with `hub start`.
    Stop,
    /// Desks the hub has seen, when each was last in contact, what each still has to send, and
    /// ticks made with a desk clock off by more than 2 minutes.
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE of a user that owns the database and may
    /// create roles (add ?sslmode=require for TLS).
    pub url: String,
    /// This desk's name, as other desks show it.
    #[arg(long, value_name = "NAME")]
    pub desk: Option<String>,
    /// The host other laptops reach the hub at, when it differs from the URL's.
    #[arg(long, value_name = "HOST")]
    pub public_host: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// TCP port of the hub.
    #[arg(long, default_value_t = 5433)]
    pub port: u16,
    /// Addresses to listen on ('*': every network of this laptop).
    #[arg(long, default_value = "*")]
    pub listen: String,
    /// This desk's name, as other desks show it.
    #[arg(long, value_name = "NAME")]
    pub desk: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct JoinArgs {
    /// The line `hub start` or `hub push` printed: postgres://…
    pub url: String,
    /// The new desk folder (must not exist, or be empty).
    pub dir: PathBuf,
    /// This desk's name, as other desks show it (e.g. the activity it runs).
    #[arg(long, value_name = "NAME")]
    pub desk: String,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub action: Option<SyncAction>,
}

#[derive(Debug, clap::Subcommand)]
pub enum SyncAction {
    /// Write every fact this desk holds to FILE (to carry on a USB stick).
    Export { file: PathBuf },
    /// Take the facts in FILE (written by `sync export` at another desk of this event).
    Import { file: PathBuf },
}

/// The name a desk gets when none is given: the computer's.
fn default_desk_name() -> String {
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "organiser".to_string())
}

pub fn run_hub(action: HubAction, ctx: &Ctx) -> anyhow::Result<Outcome> {
    match action {
        HubAction::Push(args) => {
            let url = HubUrl::parse(&args.url)?;
            let name = args.desk.unwrap_or_else(default_desk_name);
            push(&url, args.public_host.as_deref(), &name, ctx)
        }
        HubAction::Start(args) => start(args, ctx),
        HubAction::Stop => stop(ctx),
        HubAction::Status(args) => status(args, ctx),
    }
}

/// Install the hub in the database `admin` connects to, push the event, make this folder a
/// desk of it and print the join line.
fn push(
    admin: &HubUrl,
    public_host: Option<&str>,
    name: &str,
    ctx: &Ctx,
) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    let mut client = admin.connect()?;
    let installed = hub::install(&mut client)?;
    let files = hub::push_event_files(&mut client, event.root())?;
    drop(client);
    let desk_url = admin.with_user(&installed.desk_user, &installed.desk_password)?;
    let me = store.enable_journal(name, &rfc3339(SystemClock.now()))?;
    let mut hub = Hub::connect(&desk_url)?;
    let report = hub.sync(&mut store)?;
    HubConfig {
        url: desk_url.clone(),
    }
    .save(event.root())?;
    println!(
        "{} {} ({} {files}, {} {})",
        ctx.tr("Évènement envoyé au hub", "Event pushed to the hub"),
        admin.redacted(),
        ctx.tr("fichiers :", "files:"),
        ctx.tr("faits :", "facts:"),
        report.sent
    );
    println!(
        "{}",
        match ctx.lang {
            badgedesk::i18n::Lang::Fr => format!("Ce dossier est le poste « {} ».", me.name),
            badgedesk::i18n::Lang::En => format!("This folder is the desk \"{}\".", me.name),
        }
    );
    let join_url = match public_host {
        Some(host) => replace_host(desk_url.as_str(), host),
        None => desk_url.as_str().to_string(),
    };
    print_join_line(&join_url, ctx);
    Ok(Outcome::Ok)
}

fn print_join_line(url: &str, ctx: &Ctx) {
    println!();
    println!(
        "{}",
        ctx.tr(
            "Sur chaque autre ordinateur, tapez (remplacez DOSSIER et le nom du poste) :",
            "On each other laptop, type (choose the FOLDER and the desk's name):"
        )
    );
    println!(
        "  badgedesk join '{url}' {} --desk \"{}\"",
        ctx.tr("DOSSIER", "FOLDER"),
        ctx.tr("Poste 2", "Desk 2")
    );
    println!(
        "{}",
        ctx.tr(
            "Cette ligne contient un mot de passe : ne l’affichez pas en public.",
            "This line holds a password: do not show it in public."
        )
    );
}

/// `postgres://u:p@OLD:5433/db` with another host.
fn replace_host(url: &str, host: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, after) = match rest.split_once('@') {
        Some((auth, after)) => (format!("{auth}@"), after),
        None => (String::new(), rest),
    };
    let port_and_path = after.find([':', '/', '?']).map_or("", |i| &after[i..]);
    format!("{scheme}://{auth}{host}{port_and_path}")
}

fn start(args: StartArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let started = super::hub_cluster::start(event.root(), args.port, &args.listen, ctx)?;
    let host = badgedesk::server::lan_ip()
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "127.0.0.1".to_string());
    let name = args.desk.unwrap_or_else(default_desk_name);
    push(&started, Some(&host), &name, ctx)
}

fn stop(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    super::hub_cluster::stop(event.root(), ctx)?;
    Ok(Outcome::Ok)
}

/// What a hub command says in a single-desk event.
fn no_hub(ctx: &Ctx) -> String {
    ctx.tr(
        "cet évènement n’a pas de hub (voir `badgedesk hub start` ou `badgedesk join`)",
        "this event has no hub (see `badgedesk hub start` or `badgedesk join`)",
    )
    .to_string()
}

fn status(args: StatusArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let config = HubConfig::load(&ctx.event_dir)?.with_context(|| no_hub(ctx))?;
    let mut hub = Hub::connect(&config.url)?;
    let status = hub.status()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(Outcome::Ok);
    }
    println!("{} {}", ctx.tr("Hub :", "Hub:"), config.url.redacted());
    let header = [
        ctx.tr("poste", "desk"),
        ctx.tr("faits", "facts"),
        ctx.tr("à envoyer", "to send"),
        ctx.tr("dernier contact", "last contact"),
        ctx.tr("horloge", "clock"),
        ctx.tr("passages", "ticks"),
        ctx.tr("passages, horloge fausse", "ticks, clock off"),
    ];
    let mut rows = Vec::new();
    let mut skewed = false;
    for d in &status.desks {
        let ago = d
            .seconds_since_contact
            .map_or_else(|| "—".to_string(), |s| ago_text(s, ctx));
        let clock = match d.skew_ms {
            Some(ms) if ms.abs() > hub::SKEW_LIMIT_MS => {
                skewed = true;
                format!("⚠ {:+} s", ms / 1000)
            }
            Some(ms) => format!("{:+} s", ms / 1000),
            None => "—".into(),
        };
        if d.ticks_skewed > 0 {
            skewed = true;
        }
        rows.push(vec![
            if d.name.is_empty() {
                d.id.clone()
            } else {
                d.name.clone()
            },
            d.facts.to_string(),
            d.to_send.to_string(),
            ago,
            clock,
            d.ticks.to_string(),
            d.ticks_skewed.to_string(),
        ]);
    }
    print!("{}", super::table::render(&header, &rows));
    println!(
        "{} {} · {} {} ({} {})",
        status.facts,
        ctx.tr("faits", "facts"),
        status.reservations,
        ctx.tr("badges réservés", "badges reserved"),
        status.reservations_open,
        ctx.tr("sans badge signé encore", "not signed yet"),
    );
    if skewed {
        println!(
            "{}",
            ctx.tr(
                "⚠ L’horloge d’un poste a plus de 2 minutes d’écart avec le hub : ses heures de passage sont celles du poste ; réglez son horloge.",
                "⚠ A desk's clock is more than 2 minutes off the hub's: its tick times are the desk's own; set its clock."
            )
        );
    }
    Ok(Outcome::Ok)
}

fn ago_text(seconds: i64, ctx: &Ctx) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {:02}", s / 3600, (s % 3600) / 60),
    }
    .replace(
        ' ',
        if ctx.lang == badgedesk::i18n::Lang::Fr {
            "\u{a0}"
        } else {
            " "
        },
    )
}

pub fn run_join(args: JoinArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let url = HubUrl::parse(&args.url)?;
    if args.dir.exists()
        && std::fs::read_dir(&args.dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} « {} » {}",
            ctx.tr("le dossier", "the folder"),
            args.dir.display(),
            ctx.tr(
                "n’est pas vide : choisissez un nouveau dossier pour ce poste",
                "is not empty: choose a new folder for this desk"
            )
        );
    }
    let mut hub = Hub::connect(&url)?;
    std::fs::create_dir_all(&args.dir).with_context(|| format!("{}", args.dir.display()))?;
    let result = (|| -> anyhow::Result<(EventDir, SyncReport)> {
        let files = hub::pull_event_files(&mut hub, &args.dir)?;
        if files == 0 {
            return Err(HubError::NotAHub.into());
        }
        let event = EventDir::open(&args.dir)?;
        let mut store = event.store()?;
        store.enable_journal(&args.desk, &rfc3339(SystemClock.now()))?;
        let report = hub.sync(&mut store)?;
        HubConfig { url: url.clone() }.save(&args.dir)?;
        Ok((event, report))
    })();
    let (event, report) = match result {
        Ok(done) => done,
        Err(e) => {
            // Nothing half-made is left behind: the folder was empty.
            let _ = std::fs::remove_dir_all(&args.dir);
            return Err(e);
        }
    };
    let store = event.store()?;
    let desk = match ctx.lang {
        badgedesk::i18n::Lang::Fr => format!("Poste « {} »", args.desk),
        badgedesk::i18n::Lang::En => format!("Desk \"{}\"", args.desk),
    };
    println!(
        "{desk} {} {} ({} {}, {} {}).",
        ctx.tr("créé dans", "created in"),
        args.dir.display(),
        store.attendee_count()?,
        ctx.tr("participants", "attendees"),
        report.received.received,
        ctx.tr("faits reçus", "facts received"),
    );
    println!(
        "{} badgedesk --event {}",
        ctx.tr("Ouvrez le poste :", "Open the desk:"),
        args.dir.display()
    );
    Ok(Outcome::Ok)
}

pub fn run_sync(args: SyncArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    match args.action {
        None => {
            match hub::sync_once(event.root(), &mut store) {
                Ok(Some(report)) => print_report(&report, ctx),
                Ok(None) => bail!(no_hub(ctx)),
                Err(e) => return Err(e.into()),
            }
            Ok(Outcome::Ok)
        }
        Some(SyncAction::Export { file }) => {
            if store.desk_identity()?.is_none() {
                return Err(HubError::NoDesk.into());
            }
            let facts = store.journal_all()?;
            write_facts(&file, &facts)?;
            println!(
                "{} {} → {}",
                facts.len(),
                ctx.tr("faits écrits", "facts written"),
                file.display()
            );
            Ok(Outcome::Ok)
        }
        Some(SyncAction::Import { file }) => {
            if store.desk_identity()?.is_none() {
                return Err(HubError::NoDesk.into());
            }
            let facts = read_facts(&file, ctx)?;
            let report = store.apply_facts(&facts)?;
            println!(
                "{} {} ({} {}, {} {})",
                report.received,
                ctx.tr("faits nouveaux", "new facts"),
                report.duplicates,
                ctx.tr("déjà là", "already here"),
                report.waiting,
                ctx.tr(
                    "en attente d’un fait manquant",
                    "waiting for a missing fact"
                ),
            );
            after_write(&event, &mut store, ctx);
            Ok(Outcome::Ok)
        }
    }
}

const FACTS_HEADER: &str = "badgedesk-facts 1";

/// One header line, then one fact per line (JSON): readable, and a truncated copy loses only
/// its last facts (each desk's facts are taken in order, so nothing after a gap is taken).
fn write_facts(path: &Path, facts: &[Fact]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp).with_context(|| tmp.display().to_string())?;
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "{FACTS_HEADER}")?;
    for fact in facts {
        serde_json::to_writer(&mut out, fact)?;
        out.write_all(b"\n")?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| path.display().to_string())?;
    Ok(())
}

fn read_facts(path: &Path, ctx: &Ctx) -> anyhow::Result<Vec<Fact>> {
    let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    let mut lines = std::io::BufReader::new(file).lines();
    match lines.next() {
        Some(Ok(first)) if first.trim() == FACTS_HEADER => {}
        _ => bail!(
            "{}: {}",
            path.display(),
            ctx.tr(
                "ce n’est pas un fichier écrit par `badgedesk sync export`",
                "not a file written by `badgedesk sync export`"
            )
        ),
    }
    let mut facts = Vec::new();
    for (n, line) in lines.enumerate() {
        let line = line.with_context(|| path.display().to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let fact: Fact = serde_json::from_str(&line).with_context(|| {
            format!("{}, {} {}", path.display(), ctx.tr("ligne", "line"), n + 2)
        })?;
        facts.push(fact);
    }
    // Each desk's facts in its own order.
    facts.sort_by(|a, b| a.origin.cmp(&b.origin).then(a.seq.cmp(&b.seq)));
    Ok(facts)
}

fn print_report(report: &SyncReport, ctx: &Ctx) {
    println!(
        "{} {} {}, {} {} · {} {}",
        ctx.tr("Hub :", "Hub:"),
        report.sent,
        ctx.tr("faits envoyés", "facts sent"),
        report.received.received,
        ctx.tr("reçus", "received"),
        report.unsent,
        ctx.tr("restent à envoyer", "left to send"),
    );
    for d in &report.received.double_ticks {
        println!(
            "  {} {} {} {}, {}",
            ctx.tr("déjà enregistré·e :", "already ticked:"),
            d.activity_key,
            ctx.tr("à", "at"),
            d.desk,
            d.at
        );
    }
    if report.skew_ms.abs() > hub::SKEW_LIMIT_MS {
        println!(
            "⚠ {} {:+} s",
            ctx.tr(
                "l’horloge de ce poste diffère de celle du hub de",
                "this desk's clock differs from the hub's by"
            ),
            report.skew_ms / 1000
        );
    }
}

/// Before a command reads what all desks did (bulk issuing, reports): one sync, if the event
/// has a hub; unreachable, it says so and the command goes on with what this desk holds.
pub fn before_read(event: &EventDir, store: &mut Store, ctx: &Ctx) {
    if let Err(e) = hub::sync_once(event.root(), store) {
        eprintln!(
            "{} ({}) : {}",
            ctx.tr("hub injoignable", "hub unreachable"),
            e.message(ctx.lang),
            ctx.tr(
                "seuls les passages connus de ce poste comptent",
                "only the ticks this desk knows of count"
            ),
        );
    }
}

/// After a command wrote at a desk with a hub: try one sync, say how it went, never fail.
pub fn after_write(event: &EventDir, store: &mut Store, ctx: &Ctx) {
    match hub::sync_once(event.root(), store) {
        Ok(None) => {}
        Ok(Some(report)) => eprintln!(
            "{} {} {}, {} {}",
            ctx.tr("hub ✔", "hub ✔"),
            report.sent,
            ctx.tr("envoyés", "sent"),
            report.received.received,
            ctx.tr("reçus", "received"),
        ),
        Err(e) => {
            let unsent = store.unsent_count().unwrap_or(0);
            eprintln!(
                "{} ({}) · {unsent} {}",
                ctx.tr("hub injoignable", "hub unreachable"),
                e.message(ctx.lang),
                ctx.tr(
                    "à envoyer : ils partiront à la prochaine synchronisation",
                    "to send: they go with the next sync"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_host;

    #[test]
    fn the_join_line_names_the_lan_host() {
        assert_eq!(
            replace_host("postgres://d:p@127.0.0.1:5433/badgedesk", "192.0.2.7"),
            "postgres://d:p@192.0.2.7:5433/badgedesk"
        );
        assert_eq!(
            replace_host("postgres://d:p@localhost/db?sslmode=require", "h"),
            "postgres://d:p@h/db?sslmode=require"
        );
    }
}
