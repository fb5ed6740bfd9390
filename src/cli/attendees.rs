//! `badgedesk attendees [--format table|csv|json]`

use std::collections::BTreeMap;
use std::io::Write;

use badgedesk::model::Attendee;

use super::{Ctx, Outcome, table};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct AttendeesArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(serde::Serialize)]
struct AttendeeJson<'a> {
    id: i64,
    ticket: Option<&'a str>,
    given_name: &'a str,
    family_name: &'a str,
    email: Option<&'a str>,
    contact_email: Option<&'a str>,
    organisation: Option<&'a str>,
    checked_in: &'a [String],
    extra: &'a badgedesk::model::Extra,
    source: Option<String>,
}

pub fn run(args: AttendeesArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let event = ctx.open_event()?;
    let store = event.store()?;
    let attendees = store.attendees()?;
    let activity_order: Vec<String> = store.activities()?.into_iter().map(|a| a.key).collect();
    let mut present: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for p in store.presence()? {
        present
            .entry(p.attendee_id)
            .or_default()
            .push(p.activity_key);
    }
    for keys in present.values_mut() {
        keys.sort_by_key(|k| {
            activity_order
                .iter()
                .position(|a| a == k)
                .unwrap_or(usize::MAX)
        });
    }
    let none: Vec<String> = Vec::new();
    let checked_in = |a: &Attendee| present.get(&a.id).unwrap_or(&none);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let rows: Vec<AttendeeJson<'_>> = attendees
                .iter()
                .map(|a| AttendeeJson {
                    id: a.id,
                    ticket: a.ticket.as_deref(),
                    given_name: &a.given_name,
                    family_name: &a.family_name,
                    email: a.email.as_deref(),
                    contact_email: a.contact_email.as_deref(),
                    organisation: a.organisation.as_deref(),
                    checked_in: checked_in(a),
                    extra: &a.extra,
                    source: a.source.as_ref().map(|s| format!("{}:{}", s.file, s.line)),
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "ticket",
                "given_name",
                "family_name",
                "email",
                "contact_email",
                "organisation",
                "checked_in",
            ])?;
            for a in &attendees {
                w.write_record([
                    a.id.to_string().as_str(),
                    a.ticket.as_deref().unwrap_or(""),
                    &a.given_name,
                    &a.family_name,
                    a.email.as_deref().unwrap_or(""),
                    a.contact_email.as_deref().unwrap_or(""),
                    a.organisation.as_deref().unwrap_or(""),
                    &checked_in(a).join(" "),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let header = [
                "id",
                ctx.tr("billet", "ticket"),
                ctx.tr("nom", "name"),
                ctx.tr("courriel", "e-mail"),
                ctx.tr("établissement", "organisation"),
                ctx.tr("présent à", "checked in"),
            ];
            let rows: Vec<Vec<String>> = attendees
                .iter()
                .map(|a| {
                    vec![
                        a.id.to_string(),
                        a.ticket.clone().unwrap_or_default(),
                        a.display_name(),
                        a.email.clone().unwrap_or_default(),
                        a.organisation.clone().unwrap_or_default(),
                        checked_in(a).join(" "),
                    ]
                })
                .collect();
            out.write_all(table::render(&header, &rows).as_bytes())?;
            let total = attendees.len();
            let arrived = present.len();
            writeln!(
                out,
                "{arrived}/{total} {}",
                ctx.tr("présents", "checked in")
            )?;
        }
    }
    Ok(Outcome::Ok)
}
