//! `badgedesk import FILE [--dry-run] [--map FIELD=COLUMN]... [--encoding E] [--delimiter C]`:
//! read the file, show what was detected and what will change, then write the good rows in one
//! transaction (unless `--dry-run`). Exit 1 when some rows have problems.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use badgedesk::clock::{Clock, SystemClock};
use badgedesk::import::{
    self, DecodedBy, DelimiterBy, Field, ImportOptions, ImportPlan, MapOverride, MappedBy,
    ParsedFile, SameBy,
};
use badgedesk::model::{AttendeeRecord, display_name};

use super::{Ctx, Outcome, actor};

/// Adds listed one by one in the report; the rest are counted.
const LISTED_ADDS: usize = 30;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The attendee file (CSV or tab-separated text, any usual encoding).
    pub file: PathBuf,
    /// Show the full report and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Map a field to a column: ticket, given_name, family_name, name, email, contact_email,
    /// organisation = header text or column number (1 = first); `FIELD=` unmaps the field.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<MapOverride>,
    /// Force the encoding (utf-8, windows-1252, utf-16le, utf-16be, iso-8859-15…).
    #[arg(long, value_name = "E", value_parser = import::decode::check_label)]
    pub encoding: Option<String>,
    /// Force the separator: one character, or `tab`.
    #[arg(long, value_name = "C", value_parser = import::parse_delimiter)]
    pub delimiter: Option<u8>,
}

pub fn run(args: ImportArgs, ctx: &Ctx) -> anyhow::Result<Outcome> {
    let file_name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("{} {file_name}", ctx.tr("lecture de", "reading")))?;
    let options = ImportOptions {
        encoding: args.encoding.clone(),
        delimiter: args.delimiter,
        map: args.map.clone(),
    };
    let event = ctx.open_event()?;
    let mut store = event.store()?;
    let existing = store.attendees_for_import()?;
    let parsed = import::read(&bytes, &file_name, &options)?;
    drop(bytes);
    let mut out = String::new();
    render_detection(&mut out, &parsed, ctx);
    let mut plan = import::plan_stored(parsed, &existing);
    render_plan(&mut out, &plan, ctx, &existing);
    drop(existing);
    print!("{out}");
    drop(out);
    if args.dry_run {
        println!(
            "{}",
            ctx.tr(
                "Simulation (--dry-run) : rien n’a été écrit.",
                "Dry run: nothing was written."
            )
        );
    } else {
        // Moved out, not cloned: the plan's records are not needed after the report.
        let updates: Vec<(i64, AttendeeRecord)> = std::mem::take(&mut plan.to_update)
            .into_iter()
            .map(|u| (u.attendee_id, u.record))
            .collect();
        let summary = store
            .write_import_owned(
                std::mem::take(&mut plan.to_add),
                updates,
                &plan.file,
                &actor(),
                SystemClock.now(),
            )
            .context(ctx.tr(
                "l’import a échoué ; la base est inchangée",
                "the import failed; the database is unchanged",
            ))?;
        println!(
            "{} {} {}, {} {}.",
            ctx.tr("Importé :", "Imported:"),
            summary.added,
            ctx.tr("ajout(s)", "added"),
            summary.updated,
            ctx.tr("mise(s) à jour", "updated"),
        );
    }
    if plan.has_problems() {
        println!(
            "{}",
            ctx.tr(
                "Des lignes ont des problèmes et n’ont pas été importées : corrigez le fichier et réimportez-le.",
                "Some rows have problems and were not imported: fix the file and import it again."
            )
        );
        Ok(Outcome::Problems)
    } else {
        Ok(Outcome::Ok)
    }
}

/// «text» in French, 'text' in English.
fn quote(ctx: &Ctx, s: &str) -> String {
    match ctx.lang {
        badgedesk::i18n::Lang::Fr => format!("« {s} »"),
        badgedesk::i18n::Lang::En => format!("'{s}'"),
    }
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        d => format!("'{}'", char::from(d)),
    }
}

fn render_detection(out: &mut String, p: &ParsedFile, ctx: &Ctx) {
    let how_enc = match p.encoding_by {
        DecodedBy::Option => ctx.tr("imposé", "given"),
        DecodedBy::Bom => ctx.tr("marque d’ordre des octets", "byte-order mark"),
        DecodedBy::ValidUtf8 => ctx.tr("détecté", "detected"),
        DecodedBy::Utf8WithErrors => ctx.tr("détecté, octets invalides", "detected, invalid bytes"),
        DecodedBy::Utf16Pattern => ctx.tr("détecté sans BOM", "detected without BOM"),
        DecodedBy::Fallback => ctx.tr("pas de l’UTF-8 : Windows-1252", "not UTF-8: Windows-1252"),
    };
    let how_delim = match p.delimiter_by {
        DelimiterBy::Sniffed => ctx.tr("détecté", "detected"),
        DelimiterBy::ExcelHint => ctx.tr("ligne « sep= » d’Excel", "Excel 'sep=' line"),
        DelimiterBy::Option => ctx.tr("imposé", "given"),
    };
    let _ = writeln!(out, "{} {}", ctx.tr("Fichier :", "File:"), p.file);
    let _ = writeln!(
        out,
        "{} {} ({how_enc}) · {} {} ({how_delim}) · {} {}",
        ctx.tr("Encodage :", "Encoding:"),
        p.encoding,
        ctx.tr("séparateur :", "separator:"),
        delimiter_name(p.delimiter),
        ctx.tr("en-tête ligne", "header on line"),
        p.header_line
    );
    let _ = writeln!(out, "{}", ctx.tr("Colonnes :", "Columns:"));
    for f in &p.mapping.fields {
        let by = match f.by {
            MappedBy::Header => ctx.tr("reconnu", "recognised"),
            MappedBy::Override => "--map",
        };
        let _ = writeln!(
            out,
            "  {:<18} ← {} ({} {}, {by})",
            f.field.label(ctx.lang),
            quote(ctx, &f.header),
            ctx.tr("colonne", "column"),
            f.column + 1
        );
    }
    if p.mapping.column(Field::FullName).is_some() {
        let _ = writeln!(
            out,
            "  {}",
            ctx.tr(
                "(le nom complet est gardé tel quel, sans être coupé en prénom et nom)",
                "(the whole name is kept as written, not split into given and family name)"
            )
        );
    }
    if !p.mapping.extras.is_empty() {
        let extras: Vec<String> = p
            .mapping
            .extras
            .iter()
            .map(|(i, n)| format!("{} ({})", quote(ctx, n), i + 1))
            .collect();
        let _ = writeln!(
            out,
            "  {:<18} ← {}",
            ctx.tr("autres colonnes", "other columns"),
            extras.join(", ")
        );
    }
}

fn render_plan(out: &mut String, plan: &ImportPlan, ctx: &Ctx, existing: &import::StoredAttendees) {
    let _ = writeln!(
        out,
        "{} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
        ctx.tr("Lignes :", "Rows:"),
        plan.rows,
        ctx.tr("à ajouter", "to add"),
        plan.to_add.len(),
        ctx.tr("à mettre à jour", "to update"),
        plan.to_update.len(),
        ctx.tr("inchangées", "unchanged"),
        plan.unchanged.len(),
        ctx.tr("doublons", "duplicates"),
        plan.duplicates_in_file.len(),
        ctx.tr("avec problèmes", "with problems"),
        plan.problem_rows()
    );
    if !plan.to_add.is_empty() {
        let _ = writeln!(out, "{}", ctx.tr("À ajouter :", "To add:"));
        for r in plan.to_add.iter().take(LISTED_ADDS) {
            let ticket = r
                .ticket
                .as_deref()
                .map(|t| format!(" [{t}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}:{} {}{ticket}",
                plan.file,
                r.source.line,
                r.display_name()
            );
        }
        if plan.to_add.len() > LISTED_ADDS {
            let _ = writeln!(
                out,
                "  … {} {}",
                plan.to_add.len() - LISTED_ADDS,
                ctx.tr("de plus", "more")
            );
        }
    }
    if !plan.to_update.is_empty() {
        let _ = writeln!(out, "{}", ctx.tr("À mettre à jour :", "To update:"));
        for u in &plan.to_update {
            let name = existing
                .display_name(u.attendee_id)
                .unwrap_or_else(|| display_name(&u.record.given_name, &u.record.family_name));
            let changes: Vec<String> = u
                .changed
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {}",
                        c.label(ctx.lang),
                        quote(ctx, c.old.as_deref().unwrap_or("")),
                        quote(ctx, c.new.as_deref().unwrap_or(""))
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  {}:{} #{} {name}{} {}",
                plan.file,
                u.record.source.line,
                u.attendee_id,
                ctx.tr(" :", ":"),
                changes.join("; ")
            );
        }
    }
    if !plan.duplicates_in_file.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            ctx.tr("Doublons fusionnés :", "Duplicates merged:")
        );
        for d in &plan.duplicates_in_file {
            let by = match d.by {
                SameBy::Ticket => ctx.tr("même billet", "same ticket"),
                SameBy::NameAndEmail => ctx.tr("même nom et e-mail", "same name and e-mail"),
                SameBy::IdenticalRow => ctx.tr("ligne identique", "identical row"),
            };
            let _ = writeln!(
                out,
                "  {}:{} = {} {} ({by})",
                plan.file,
                d.dropped_line,
                ctx.tr("ligne", "line"),
                d.kept_line
            );
        }
    }
    if !plan.problems.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            ctx.tr("Problèmes (lignes ignorées) :", "Problems (rows skipped):")
        );
        for p in &plan.problems {
            let _ = writeln!(out, "  {}: {}", p.position(), p.reason(ctx.lang));
        }
    }
}
