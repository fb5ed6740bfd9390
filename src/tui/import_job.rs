//! The import job: runs on its own thread with its own store connection so the tick path is
//! never blocked by a large file. Reports each step, then a preview (nothing written) or, after
//! the confirmation, the written result with the rebuilt search index.

use std::path::Path;
use std::sync::mpsc::Sender;
use std::thread;

use crate::clock::Clock;
use crate::event::EventDir;
use crate::i18n::Catalog;
use crate::import::{self, ImportOptions, ImportPlan, MapOverride};
use crate::model::AttendeeRecord;
use crate::search::SearchIndex;

use super::action::Action;
use super::event::Event;
use super::import::{ImportMsg, ImportRequest, Imported, Preview};

fn say(events: &Sender<Event>, msg: ImportMsg) {
    let _ = events.send(Event::App(Action::Import(msg)));
}

/// Starts the job for `request` on a new thread.
pub fn spawn(
    event: EventDir,
    request: ImportRequest,
    actor: String,
    clock: &dyn Clock,
    cat_lang: crate::i18n::Lang,
    events: Sender<Event>,
    hub: super::hub_link::HubWaker,
) {
    let now = clock.now();
    let _ = thread::Builder::new()
        .name("desk-import".into())
        .spawn(move || {
            let cat = Catalog::new(cat_lang);
            let msg = match request {
                ImportRequest::Read { path, map } => read(&event, &path, map, &cat, &events),
                ImportRequest::Apply { plan } => {
                    let msg = apply(&event, &plan, &actor, now, &cat, &events);
                    hub.wake();
                    msg
                }
            };
            say(&events, msg);
        });
}

fn read(
    event: &EventDir,
    path: &Path,
    map: Vec<MapOverride>,
    cat: &Catalog,
    events: &Sender<Event>,
) -> ImportMsg {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let what = cat.fmt("import-reading", &[("file", file.as_str().into())]);
    say(events, ImportMsg::Step { step: 1, what });
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return ImportMsg::Failed(format!("{}: {e}", path.display())),
    };
    let options = ImportOptions {
        map,
        ..ImportOptions::default()
    };
    let parsed = match import::read(&bytes, &file, &options) {
        Ok(p) => p,
        Err(e) => return ImportMsg::Failed(e.message(cat.lang())),
    };
    let mut columns = vec![None; parsed.headers.len()];
    for f in &parsed.mapping.fields {
        if let Some(slot) = columns.get_mut(f.column) {
            *slot = Some(f.field);
        }
    }
    let (encoding, delimiter, headers) = (
        parsed.encoding.to_string(),
        parsed.delimiter,
        parsed.headers.clone(),
    );
    let existing = match event.store().and_then(|s| Ok(s.attendees()?)) {
        Ok(a) => a,
        Err(e) => return ImportMsg::Failed(e.message(cat.lang())),
    };
    let plan = import::plan(parsed, &existing);
    ImportMsg::Preview(Box::new(Preview {
        path: path.to_path_buf(),
        encoding,
        delimiter,
        headers,
        columns,
        plan,
    }))
}

fn apply(
    event: &EventDir,
    plan: &ImportPlan,
    actor: &str,
    now: time::OffsetDateTime,
    cat: &Catalog,
    events: &Sender<Event>,
) -> ImportMsg {
    say(
        events,
        ImportMsg::Step {
            step: 3,
            what: cat.get("import-running"),
        },
    );
    let mut store = match event.store() {
        Ok(s) => s,
        Err(e) => return ImportMsg::Failed(e.message(cat.lang())),
    };
    let updates: Vec<(i64, AttendeeRecord)> = plan
        .to_update
        .iter()
        .map(|u| (u.attendee_id, u.record.clone()))
        .collect();
    let summary = match store.write_import(&plan.to_add, &updates, &plan.file, actor, now) {
        Ok(s) => s,
        Err(e) => return ImportMsg::Failed(e.message(cat.lang())),
    };
    say(
        events,
        ImportMsg::Step {
            step: 4,
            what: cat.get("loading"),
        },
    );
    let attendees = match store.attendee_summaries() {
        Ok(a) => a,
        Err(e) => return ImportMsg::Failed(e.message(cat.lang())),
    };
    let index = SearchIndex::build(&attendees, &mut |_, _| {});
    ImportMsg::Done(Box::new(Imported {
        added: summary.added,
        updated: summary.updated,
        attendees,
        index,
    }))
}
