//! `badgedesk verify FILE... [--json]`: one verdict per file; exit 0 only if all are valid.

use std::path::PathBuf;
use std::process::ExitCode;

use badgedesk::clock::{Clock, SystemClock};
use badgedesk::credential::verify::{self, Verdict, VerifyOptions, VerifyReport};
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
}

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let options = VerifyOptions::at(SystemClock.now());
    let mut all_valid = true;
    let mut out = Vec::new();
    for file in &args.files {
        let name = file.display().to_string();
        let report = match std::fs::read(file) {
            Ok(bytes) => verify::verify_bytes(&bytes, file.file_name().and_then(|n| n.to_str()), &options),
            Err(e) => VerifyReport {
                verdict: Verdict::CouldNotCheck {
                    why: format!("cannot read the file: {e}"),
                },
                credential_id: None,
                issuer_id: None,
                issuer_name: None,
                achievement_name: None,
                warnings: Vec::new(),
            },
        };
        all_valid &= report.verdict.is_valid();
        if args.json {
            out.push(report_json(&name, &report));
        } else {
            println!("{}", report_text(&name, &report));
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn report_text(name: &str, r: &VerifyReport) -> String {
    let what = match (&r.achievement_name, &r.issuer_name, &r.issuer_id) {
        (Some(a), Some(n), Some(i)) => format!(" — {a}, issued by {n} ({i})"),
        (Some(a), None, Some(i)) => format!(" — {a}, issued by {i}"),
        _ => String::new(),
    };
    let mut line = match &r.verdict {
        Verdict::Valid => format!("valid: {name}{what}"),
        Verdict::Invalid { reason, detail } => format!("invalid ({}): {name}: {detail}", reason.as_str()),
        Verdict::CouldNotCheck { why } => format!("could not check: {name}: {why}"),
    };
    for w in &r.warnings {
        line.push_str(&format!("\n  note: {w}"));
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
        "warnings": r.warnings,
    })
}
