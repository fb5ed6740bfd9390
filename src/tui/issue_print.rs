//! Claim-card PDFs from the desk: built with `print::cards_for` and `print::render_pdf`, written
//! atomically into the event folder's `print/` directory. Sending to a printer is the CLI's
//! `print --send`; the desk never shells out.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::Sender;

use crate::clock::{Clock, SystemClock};
use crate::event::EventDir;
use crate::i18n::{Catalog, Lang};
use crate::issue::files::write_atomic;
use crate::print::{Layout, cards_for, render_pdf};
use crate::store::IssuedCredential;

use super::event::Event;
use super::issue_job::say;
use super::issuing::IssueMsg;

/// Folder of the event where the desk writes PDFs.
pub const PRINT_DIR: &str = "print";

/// Writes the claim cards of `credentials` to `print/<file_name>`; returns the path.
pub fn print(
    event: &EventDir,
    lang: Lang,
    layout: Layout,
    credentials: &[IssuedCredential],
    names: &HashMap<i64, String>,
    file_name: &str,
) -> Result<PathBuf, String> {
    let cat = Catalog::new(lang);
    let Some(base) = event.config().claim.base_url.as_deref() else {
        return Err(cat.get("print-no-base-url"));
    };
    if credentials.is_empty() {
        return Err(cat.get("print-nothing"));
    }
    let cards = cards_for(event, base, credentials, names);
    let pdf = render_pdf(layout, event.language(lang), &cards).map_err(|e| e.to_string())?;
    let dir = event.root().join(PRINT_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(file_name);
    write_atomic(&path, &pdf).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Thread body: the A4 claim cards of the credentials `ids` (what a bulk run just issued).
pub fn print_many(event: &EventDir, lang: Lang, ids: &[String], events: &Sender<Event>) {
    let result = (|| {
        let store = event.store().map_err(|e| e.to_string())?;
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let credentials: Vec<IssuedCredential> = store
            .credentials()
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|c| wanted.contains(c.id.as_str()) && c.revoked_at.is_none())
            .collect();
        let names: HashMap<i64, String> = store
            .attendees()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|a| (a.id, a.display_name()))
            .collect();
        let now = SystemClock.now();
        let file = format!(
            "claim-cards-{:04}{:02}{:02}-{:02}{:02}{:02}.pdf",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        print(event, lang, Layout::A4Cards, &credentials, &names, &file)
            .map(|path| (path, credentials.len()))
    })();
    let msg = match result {
        Ok((path, count)) => IssueMsg::Printed {
            attendee: None,
            path,
            count,
        },
        Err(error) => IssueMsg::PrintFailed {
            attendee: None,
            error,
        },
    };
    say(events, msg);
}
