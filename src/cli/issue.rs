//! `badgedesk issue [--achievement KEY] [--all-eligible | --attendee ID] [--dry-run]`,
//! `badgedesk credentials`, `badgedesk rebuild`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use badgedesk::clock::{Clock, SystemClock, rfc3339};
use badgedesk::credential::builder::OsRandomness;
use badgedesk::event::EventDir;
use badgedesk::i18n::Lang;
use badgedesk::issue::engine::{Issuer, Progress};
use badgedesk::issue::files;
use badgedesk::issue::plan::{self, Selection};

use super::passphrase::unlock_key;
use super::{Ctx, Outcome, actor, table};

#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// Only this achievement (default: all of them).
    #[arg(long, value_name = "KEY")]
    pub achievement: Option<String>,
    /// Everyone the award rules qualify (the default).
    #[arg(long, conflicts_with = "attendee")]
    pub all_eligible: bool,
    /// One attendee, by id, whatever the rule says (needs --achievement).
    #[arg(long, value_name = "ID", requires = "achievement")]
    pub attendee: Option<i64>,
    /// Show what would be issued; sign nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Several desks: keep issuing what desks without the key ask for (F6 there), until
    /// Ctrl-C.
    #[arg(long, conflicts_with_all = ["dry_run", "attendee", "all_eligible"])]
    pub watch: bool,
}

pub fn run_issue(args: IssueArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    if args.watch {
        return super::issue_watch::run(ctx);
    }
    let event = ctx.open_event()?;
    if let Some(key) = &args.achievement
        && event.config().achievement(key).is_none()
    {
        anyhow::bail!(
            "{} '{key}'",
            ctx.tr(
                "badge inconnu dans event.toml :",
                "no such achievement in event.toml:"
            )
        );
    }
    let mut store = event.store()?;
    // Several desks: plan from every desk's ticks, not only this one's.
    super::hub::before_read(&event, &mut store, ctx);
    let attendees = store.attendees()?;
    let presence: Vec<(i64, String)> = store
        .presence()?
        .into_iter()
        .map(|p| (p.attendee_id, p.activity_key))
        .collect();
    let selection = match args.attendee {
        Some(id) => Selection::Attendee(id),
        None => Selection::AllEligible,
    };
    let plans = plan::plan(
        event.config(),
        &attendees,
        &presence,
        &store.live_awards()?,
        args.achievement.as_deref(),
        &selection,
    );
    let names: HashMap<i64, String> = attendees.iter().map(|a| (a.id, a.display_name())).collect();
    let mut blocked_any = false;
    let rows: Vec<Vec<String>> = plans
        .iter()
        .map(|p| {
            vec![
                p.achievement.clone(),
                p.to_issue.len().to_string(),
                p.already_issued.len().to_string(),
                p.blocked.len().to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                ctx.tr("badge", "achievement"),
                ctx.tr("à émettre", "to issue"),
                ctx.tr("déjà émis", "already issued"),
                ctx.tr("bloqués", "blocked")
            ],
            &rows
        )
    );
    for p in &plans {
        for (id, why) in &p.blocked {
            blocked_any = true;
            eprintln!(
                "{}: {} (id {id}): {}",
                p.achievement,
                names.get(id).map_or("?", String::as_str),
                why.message(ctx.lang)
            );
        }
    }
    let awards: Vec<(i64, String)> = plans
        .iter()
        .flat_map(|p| p.to_issue.iter().map(|id| (*id, p.achievement.clone())))
        .collect();
    let outcome = if blocked_any {
        Outcome::Problems
    } else {
        Outcome::Ok
    };
    if args.dry_run {
        println!(
            "{}",
            ctx.tr(
                "Simulation (--dry-run) : rien n’a été signé.",
                "Dry run: nothing was signed."
            )
        );
        return Ok(outcome);
    }
    // Before issuing, and also when nothing is left to issue: a run killed after its last
    // commit leaves nothing to issue and files missing.
    let repaired = badgedesk::issue::repair_issued(&event, &store)
        .map_err(|e| failed(0, awards.len(), e.into(), ctx))?;
    super::claims::say_repaired(&event, &repaired, ctx);
    // A revocation killed before its status list was rewritten: the list needs the key.
    let stale_list = !badgedesk::issue::revoke::status_list_current(&event, &store)?;
    if awards.is_empty() && !stale_list {
        return Ok(outcome);
    }
    // The key first: its passphrase may be typed, which the rate must not count.
    let key = unlock_key(event.root(), ctx)?;
    if stale_list {
        badgedesk::issue::revoke::write_status_list(&event, &store, &key, SystemClock.now())?;
        super::claims::say_status_list_rewritten(ctx);
    }
    if awards.is_empty() {
        return Ok(outcome);
    }
    let started = Instant::now();
    let issuer = Issuer::new(&event, key, SystemClock.now())?;
    let issuer = badgedesk::hub::issuer_for_desk(issuer, event.root(), &store, ctx.lang)?;
    let cancel = AtomicBool::new(false);
    let mut err = std::io::stderr();
    let mut stored = 0;
    let run = issuer.issue(
        &mut store,
        &awards,
        &mut OsRandomness,
        &actor(),
        &cancel,
        &mut |p: Progress| {
            stored = p.done;
            let rate = p.done as f64 / started.elapsed().as_secs_f64().max(1e-3);
            let _ = write!(err, "\r{}/{} ({rate:.0}/s)   ", p.done, p.total);
            let _ = err.flush();
        },
    );
    eprintln!();
    // What a failed run already stored stays stored: say so, and how to finish.
    let report = run.map_err(|e| failed(stored, awards.len(), e.into(), ctx))?;
    println!(
        "{} {} ({:.2} s){}",
        report.issued.len(),
        ctx.tr("badge(s) émis", "credential(s) issued"),
        started.elapsed().as_secs_f64(),
        if report.skipped > 0 {
            format!(
                ", {} {}",
                report.skipped,
                ctx.tr("déjà émis ailleurs", "already issued elsewhere")
            )
        } else {
            String::new()
        }
    );
    println!(
        "{} {}",
        ctx.tr("Fichiers :", "Files:"),
        event.issued_dir().display()
    );
    Ok(outcome)
}

/// A run that failed: the cause, then what it had stored and how to finish (the same command
/// again).
fn failed(stored: usize, total: usize, e: anyhow::Error, ctx: &Ctx) -> anyhow::Error {
    let advice = if ctx.lang == Lang::Fr {
        format!(
            "{stored} badge(s) sur {total} étaient enregistrés avant l’erreur ; corrigez-la puis relancez la même commande : elle émet le reste et réécrit les fichiers manquants, sans rien émettre deux fois."
        )
    } else {
        format!(
            "{stored} of {total} credential(s) were stored before the error; fix it and run the same command again: it issues the rest and rewrites missing files, never issuing twice."
        )
    };
    anyhow::anyhow!("{}\n{advice}", super::error_text(&e, ctx.lang))
}

#[derive(Debug, clap::Args)]
pub struct CredentialsArgs {
    #[arg(long, value_enum, default_value_t = super::attendees::Format::Table)]
    pub format: super::attendees::Format,
}

#[derive(serde::Serialize)]
struct CredentialJson {
    id: String,
    attendee_id: i64,
    achievement: String,
    issued_at: String,
    claim_url: Option<String>,
    claimed_at: Option<String>,
    revoked_at: Option<String>,
    revoked_reason: Option<String>,
    files: Vec<String>,
}

pub fn run_credentials(args: CredentialsArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    let base = event
        .config()
        .claim
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/').to_string());
    let rows: Vec<CredentialJson> = store
        .credentials()?
        .into_iter()
        .map(|c| {
            let ext = event
                .config()
                .achievement(&c.achievement_key)
                .map_or("png", |a| {
                    if a.image.to_ascii_lowercase().ends_with(".svg") {
                        "svg"
                    } else {
                        "png"
                    }
                });
            let (json, image) = files::paths(&event.issued_dir(), &c.id, ext);
            CredentialJson {
                claim_url: base
                    .as_deref()
                    .map(|b| badgedesk::print::cards::link(b, &c.claim_token)),
                attendee_id: c.attendee_id,
                achievement: c.achievement_key,
                issued_at: rfc3339(c.issued_at),
                claimed_at: c.claimed_at.map(rfc3339),
                revoked_at: c.revoked_at.map(rfc3339),
                revoked_reason: c.revoked_reason,
                files: vec![json.display().to_string(), image.display().to_string()],
                id: c.id,
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        super::attendees::Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        super::attendees::Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "attendee_id",
                "achievement",
                "issued_at",
                "claim_url",
                "claimed_at",
                "revoked_at",
            ])?;
            for r in &rows {
                w.write_record([
                    r.id.as_str(),
                    &r.attendee_id.to_string(),
                    &r.achievement,
                    &r.issued_at,
                    r.claim_url.as_deref().unwrap_or(""),
                    r.claimed_at.as_deref().unwrap_or(""),
                    r.revoked_at.as_deref().unwrap_or(""),
                ])?;
            }
            w.flush()?;
        }
        super::attendees::Format::Table => {
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.attendee_id.to_string(),
                        r.achievement.clone(),
                        r.issued_at.clone(),
                        r.claimed_at.clone().unwrap_or_default(),
                        r.revoked_at.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = [
                "id",
                ctx.tr("participant", "attendee"),
                ctx.tr("badge", "achievement"),
                ctx.tr("émis", "issued"),
                ctx.tr("réclamé", "claimed"),
                ctx.tr("révoqué", "revoked"),
            ];
            out.write_all(table::render(&header, &table_rows).as_bytes())?;
        }
    }
    Ok(Outcome::Ok)
}

pub fn run_rebuild(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    // No key needed: the signed credentials are in the database.
    let written = badgedesk::issue::rebuild_issued(&event, &store)?.rewritten;
    println!(
        "{written} {}",
        ctx.tr("badge(s) réécrit(s)", "credential(s) rewritten")
    );
    Ok(Outcome::Ok)
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The credential id (`urn:uuid:…`, see `badgedesk credentials`).
    pub credential_id: String,
    /// Why (kept in the database and the audit log).
    #[arg(long)]
    pub reason: String,
}

pub fn run_revoke(args: RevokeArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    let key = unlock_key(event.root(), ctx)?;
    let changed = badgedesk::issue::revoke::revoke(
        &event,
        &mut store,
        &key,
        &args.credential_id,
        &args.reason,
        &actor(),
        SystemClock.now(),
    )?;
    if changed {
        println!("{} {}", ctx.tr("Révoqué :", "Revoked:"), args.credential_id);
    } else {
        println!(
            "{} {}",
            ctx.tr("Déjà révoqué :", "Already revoked:"),
            args.credential_id
        );
    }
    print_status_list_hint(&event, ctx);
    Ok(Outcome::Ok)
}

/// After a revocation: where the regenerated status list is, when the event publishes one.
pub fn print_status_list_hint(event: &EventDir, ctx: &Ctx) {
    if badgedesk::issue::engine::status_list_url(event).is_some() {
        println!(
            "{} {}",
            ctx.tr("Liste de statut à publier :", "Status list to publish:"),
            event
                .issued_dir()
                .join(badgedesk::issue::revoke::STATUS_LIST_FILE)
                .display()
        );
    }
}
