//! `badgedesk checkin --activity KEY QUERY [--undo]` and `--from-file FILE`: for scripts and
//! scanner apps. The desk itself uses the TUI.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use badgedesk::clock::{Clock, SystemClock};
use badgedesk::i18n::Lang;
use badgedesk::model::Attendee;
use badgedesk::store::{CheckInOutcome, Store};
use badgedesk::text::fold;

use super::{Ctx, Outcome, actor};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["query", "from_file"]))]
pub struct CheckinArgs {
    /// Activity key, as in event.toml.
    #[arg(long, short)]
    pub activity: String,
    /// Ticket number (exact), or a name that matches one attendee only.
    pub query: Option<String>,
    /// Take the check-in back instead.
    #[arg(long, conflicts_with = "from_file")]
    pub undo: bool,
    /// Tick every ticket number listed in FILE, one per line (scanner exports), all at once.
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
}

pub fn run(args: CheckinArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    if !store.activity_exists(&args.activity)? {
        let known: Vec<String> = store.activities()?.into_iter().map(|a| a.key).collect();
        bail!(
            "{} '{}' ({} {})",
            ctx.tr("activité inconnue", "unknown activity"),
            args.activity,
            ctx.tr("connues :", "known:"),
            known.join(", ")
        );
    }
    let now = SystemClock.now();
    if let Some(file) = &args.from_file {
        return from_file(&mut store, file, &args.activity, ctx);
    }
    let query = args.query.as_deref().unwrap_or_default();
    let attendee = resolve(&store, query, ctx)?;
    let name = attendee.display_name();
    if args.undo {
        match store.undo_check_in(attendee.id, &args.activity, &actor(), now)? {
            Some(_) => println!(
                "{} {name} ({})",
                ctx.tr("Annulé :", "Undone:"),
                args.activity
            ),
            None => println!(
                "{name} {} '{}'",
                ctx.tr("n’était pas enregistré·e à", "was not checked in at"),
                args.activity
            ),
        }
        return Ok(Outcome::Ok);
    }
    match store.check_in(attendee.id, &args.activity, &actor(), now)? {
        CheckInOutcome::Ticked { .. } => println!("✓ {name} ({})", args.activity),
        CheckInOutcome::AlreadyCheckedIn { since } => println!(
            "{name} {} {}",
            ctx.tr("déjà enregistré·e à", "already checked in at"),
            badgedesk::clock::rfc3339(since)
        ),
    }
    Ok(Outcome::Ok)
}

/// Ticket first (exact, case-insensitive), then an unambiguous name.
fn resolve(store: &Store, query: &str, ctx: &Ctx) -> anyhow::Result<Attendee> {
    if let Some(attendee) = store.find_by_ticket(query)? {
        return Ok(attendee);
    }
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        bail!(
            "{}",
            ctx.tr(
                "indiquez un numéro de billet ou un nom",
                "give a ticket number or a name"
            )
        );
    }
    let attendees = store.attendees()?;
    let full = |a: &Attendee| fold(&a.display_name());
    let wanted = words.join(" ");
    let exact: Vec<&Attendee> = attendees
        .iter()
        .filter(|a| {
            full(a) == wanted || fold(&format!("{} {}", a.family_name, a.given_name)) == wanted
        })
        .collect();
    let candidates: Vec<&Attendee> = if exact.is_empty() {
        attendees
            .iter()
            .filter(|a| {
                let name = full(a);
                let name_words: Vec<&str> = name.split_whitespace().collect();
                words
                    .iter()
                    .all(|w| name_words.iter().any(|n| n.starts_with(w.as_str())))
            })
            .collect()
    } else {
        exact
    };
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "{} '{query}'",
            ctx.tr("aucun participant ne correspond à", "no attendee matches")
        ),
        many => {
            let list: Vec<String> = many
                .iter()
                .take(20)
                .map(|a| {
                    format!(
                        "  {} {}  {}  {}",
                        ctx.tr("billet", "ticket"),
                        a.ticket.as_deref().unwrap_or("-"),
                        a.display_name(),
                        a.organisation.as_deref().unwrap_or("")
                    )
                })
                .collect();
            bail!(
                "{} '{query}' ({}):\n{}",
                ctx.tr(
                    "plusieurs participants correspondent à",
                    "several attendees match"
                ),
                ctx.tr("précisez avec le numéro de billet", "use the ticket number"),
                list.join("\n")
            )
        }
    }
}

fn from_file(
    store: &mut Store,
    file: &PathBuf,
    activity: &str,
    ctx: &Ctx,
) -> anyhow::Result<Outcome> {
    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.trim().trim_start_matches('\u{feff}');
        if code.is_empty() {
            continue;
        }
        match store.find_by_ticket(code)? {
            Some(a) => ids.push(a.id),
            None => unknown.push((index + 1, code.to_string())),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let outcomes = store.check_in_many(&ids, activity, &actor(), SystemClock.now())?;
    let ticked = outcomes
        .iter()
        .filter(|o| matches!(o, CheckInOutcome::Ticked { .. }))
        .count();
    let already = ids.len() - ticked;
    match ctx.lang {
        Lang::Fr => println!(
            "{ticked} {}, {already} déjà {}",
            if ticked > 1 {
                "enregistrés"
            } else {
                "enregistré"
            },
            if already > 1 { "présents" } else { "présent" }
        ),
        Lang::En => println!("{ticked} checked in, {already} already present"),
    }
    for (line, code) in &unknown {
        eprintln!(
            "{}:{line}: {} '{code}'",
            file.display(),
            ctx.tr("billet inconnu", "unknown ticket")
        );
    }
    Ok(if unknown.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
