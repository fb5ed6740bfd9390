//! `badgedesk verify FILE... [--json] [--status-list FILE]`: one verdict per file; exit 0 only
//! if all are valid. Revocation comes from the event database when run in an event folder, and
//! from a signed status list file when one is given.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::verify::{self, InvalidReason, Verdict, VerifyOptions, VerifyReport};
use badgedesk::i18n::Lang;
use badgedesk::issue::status_check::StatusListFile;
use clap::Args;
use serde_json::json;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Credential files: JSON, baked PNG or SVG.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print a JSON array instead of text.
    #[arg(long)]
    pub json: bool,
    /// Check revocation against this signed status list credential (e.g. a downloaded
    /// `status/1.json`); its own signature is verified first.
    #[arg(long, value_name = "FILE")]
    pub status_list: Option<PathBuf>,
}

/// Read and verify the status list file, or explain why it cannot be used.
fn load_status_list(
    path: &std::path::Path,
    now: time::OffsetDateTime,
    lang: Lang,
) -> anyhow::Result<StatusListFile> {
    let what = match lang {
        Lang::Fr => "liste de statut",
        Lang::En => "status list",
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("{what} '{}'", path.display()))?;
    StatusListFile::parse(&text, now).with_context(|| format!("{what} '{}'", path.display()))
}

/// Revocations recorded in the event folder's database, when verify runs in one.
fn event_revocations(event_dir: &std::path::Path) -> Option<badgedesk::store::Store> {
    let event = badgedesk::event::EventDir::open(event_dir).ok()?;
    if !event.db_path().exists() {
        return None;
    }
    event.store().ok()
}

/// A valid credential that the event database knows as revoked is reported revoked, with why.
fn apply_event_status(report: &mut VerifyReport, store: &badgedesk::store::Store) {
    let Some(id) = report.credential_id.as_deref() else {
        return;
    };
    let Ok(Some(stored)) = store.credential(id) else {
        return;
    };
    report.warnings.retain(|w| w != verify::STATUS_NOT_CHECKED);
    if let (true, Some(at)) = (report.verdict.is_valid(), stored.revoked_at) {
        report.verdict = Verdict::Invalid {
            reason: InvalidReason::Revoked,
            detail: format!(
                "revoked on {} ({})",
                badgedesk::clock::rfc3339(at),
                stored.revoked_reason.unwrap_or_default()
            ),
        };
    }
}

pub fn run(args: &VerifyArgs, lang: Lang, event_dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let now = SystemClock.now();
    let status_list = match &args.status_list {
        Some(path) => Some(load_status_list(path, now, lang)?),
        None => None,
    };
    let mut options = VerifyOptions::at(now);
    if let Some(list) = &status_list {
        options.status = Some(list);
    }
    let event_store = event_revocations(event_dir);
    let mut all_valid = true;
    let mut out = Vec::new();
    for file in &args.files {
        let name = file.display().to_string();
        let report = match std::fs::read(file) {
            Ok(bytes) => {
                verify::verify_bytes(&bytes, file.file_name().and_then(|n| n.to_str()), &options)
            }
            Err(e) => VerifyReport::with_verdict(Verdict::CouldNotCheck {
                why: format!("cannot read the file: {e}"),
            }),
        };
        let mut report = report;
        if let Some(store) = &event_store {
            apply_event_status(&mut report, store);
        }
        all_valid &= report.verdict.is_valid();
        if args.json {
            out.push(report_json(&name, &report));
        } else {
            println!("{}", report_text(&name, &report, lang));
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The words of a verdict line; details come from the library (English).
fn labels(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => [
            "valid",
            "invalid",
            "could not check",
            "issued by",
            "note",
            "warning",
        ],
        Lang::Fr => [
            "valide",
            "invalide",
            "vérification impossible",
            "émis par",
            "remarque",
            "attention",
        ],
    }
}

/// How a 2.0 assertion whose structure is right is reported.
fn ob2_structure_only(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Open Badges 2.0, structure only (hosted verification needs the network): the assertion is well formed; its hosted copy, badge class and issuer were not fetched"
        }
        Lang::Fr => {
            "Open Badges 2.0, structure seulement (la vérification hébergée demande le réseau)\u{a0}: l’assertion est bien formée\u{a0}; sa copie hébergée, sa BadgeClass et son émetteur n’ont pas été téléchargés"
        }
    }
}

fn reason_label(reason: InvalidReason, lang: Lang) -> &'static str {
    match (lang, reason) {
        (Lang::En, r) => r.as_str(),
        (Lang::Fr, InvalidReason::Tampered) => "modifié après signature",
        (Lang::Fr, InvalidReason::WrongKey) => "mauvaise clé",
        (Lang::Fr, InvalidReason::IssuerMismatch) => "émetteur différent",
        (Lang::Fr, InvalidReason::Expired) => "expiré",
        (Lang::Fr, InvalidReason::NotYetValid) => "pas encore valide",
        (Lang::Fr, InvalidReason::Revoked) => "révoqué",
        (Lang::Fr, InvalidReason::Malformed) => "mal formé",
        (Lang::Fr, InvalidReason::NotOpenBadge) => "pas un Open Badge",
    }
}

fn report_text(name: &str, r: &VerifyReport, lang: Lang) -> String {
    let [valid, invalid, cannot, issued_by, note, warning] = labels(lang);
    // French typography: a (non-breaking) space before the colon.
    let colon = if lang == Lang::Fr { "\u{a0}:" } else { ":" };
    let what = match (&r.achievement_name, &r.issuer_name, &r.issuer_id) {
        (Some(a), Some(n), Some(i)) => format!(" — {a}, {issued_by} {n} ({i})"),
        (Some(a), None, Some(i)) => format!(" — {a}, {issued_by} {i}"),
        _ => String::new(),
    };
    let mut line = match &r.verdict {
        Verdict::Valid => format!("{valid}{colon} {name}{what}"),
        // `invalid (not an Open Badge: PATH — what is wrong): FILE`, other problems below.
        Verdict::Invalid {
            reason: reason @ InvalidReason::NotOpenBadge,
            detail,
        } => {
            let mut problems = r.problems().map(|p| p.line(lang));
            let first = problems.next().unwrap_or_else(|| detail.clone());
            let mut line = format!(
                "{invalid} ({}{colon} {first}){colon} {name}",
                reason_label(*reason, lang)
            );
            for more in problems {
                line.push_str(&format!("\n  {more}"));
            }
            line
        }
        Verdict::Invalid { reason, detail } => {
            format!(
                "{invalid} ({}){colon} {name}{colon} {detail}",
                reason_label(*reason, lang)
            )
        }
        // A baked 2.0 URL alone: no structure to check.
        Verdict::CouldNotCheck { .. } if r.ob2_structure_only && r.checks.is_empty() => {
            let url = r.credential_id.as_deref().unwrap_or("");
            match lang {
                Lang::En => format!(
                    "{cannot}: {name}: Open Badges 2.0, hosted verification needs the network: this badge carries only its assertion URL {url}"
                ),
                Lang::Fr => format!(
                    "{cannot}{colon} {name}{colon} Open Badges 2.0, la vérification hébergée demande le réseau\u{a0}: ce badge ne contient que l’adresse de son assertion, {url}"
                ),
            }
        }
        Verdict::CouldNotCheck { .. } if r.ob2_structure_only => {
            format!("{cannot}{colon} {name}{colon} {}", ob2_structure_only(lang))
        }
        Verdict::CouldNotCheck { why } => format!("{cannot}{colon} {name}{colon} {why}"),
    };
    for n in &r.notes {
        line.push_str(&format!("\n  {warning}{colon} {}", n.line(lang)));
    }
    for w in &r.warnings {
        line.push_str(&format!("\n  {note}{colon} {w}"));
    }
    line
}

fn report_json(name: &str, r: &VerifyReport) -> serde_json::Value {
    let (verdict, reason, detail) = match &r.verdict {
        Verdict::Valid => ("valid", None, None),
        Verdict::Invalid { reason, detail } => ("invalid", Some(*reason), Some(detail.clone())),
        Verdict::CouldNotCheck { why } => ("could_not_check", None, Some(why.clone())),
    };
    json!({
        "file": name,
        "verdict": verdict,
        "reason": reason,
        "detail": detail,
        "credentialId": r.credential_id,
        "issuer": r.issuer_id,
        "issuerName": r.issuer_name,
        "achievement": r.achievement_name,
        "openBadgesVersion": if r.ob2_structure_only { "2.0" } else { "3.0" },
        "structureOnly": r.ob2_structure_only,
        "warnings": r
            .notes
            .iter()
            .map(|n| n.line(Lang::En))
            .chain(r.warnings.iter().cloned())
            .collect::<Vec<_>>(),
        "notes": r.notes,
        "problems": r.problems().collect::<Vec<_>>(),
        "checks": r.checks,
    })
}
