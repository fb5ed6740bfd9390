//! The import screen's state and update: choose a CSV file (a path field with completion and
//! the event folder's CSV files), preview what the import would do (encoding, separator, the
//! column mapping — each changeable with ←/→ —, rows to add / update / skip, problem rows with
//! their line numbers), confirm once, watch the steps, and back to the desk with the new
//! people searchable. The work runs on a job thread (`import_job.rs`); nothing is written
//! before the confirmation.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::import::{Field, ImportPlan, MapOverride};
use crate::model::Attendee;
use crate::search::SearchIndex;

use super::action::{Action, Command};
use super::app::{App, FlashKind, Overlay};
use super::effect::Effect;

#[derive(Debug, Clone, Default)]
pub struct ImportState {
    /// The path field.
    pub path: String,
    /// CSV files of the event folder (relative names).
    pub files: Vec<String>,
    pub selected: Option<usize>,
    /// Column overrides chosen on the preview: field → 0-based column (None: unmapped).
    pub overrides: BTreeMap<FieldKey, Option<usize>>,
    pub stage: ImportStage,
}

/// `Field` as an ordered map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldKey(pub u8);

impl FieldKey {
    pub fn of(f: Field) -> FieldKey {
        FieldKey(Field::ALL.iter().position(|x| *x == f).unwrap_or(0) as u8)
    }
    pub fn field(self) -> Field {
        Field::ALL
            .get(usize::from(self.0))
            .copied()
            .unwrap_or(Field::Ticket)
    }
}

#[derive(Debug, Clone, Default)]
pub enum ImportStage {
    #[default]
    Choose,
    /// A job is running: step k of `STEPS`, and what it does.
    Working {
        step: usize,
        what: String,
    },
    Preview {
        preview: Box<Preview>,
        /// The column under the cursor.
        column: usize,
    },
    Failed(String),
}

/// Steps of an import, for the progress bar: read, check and plan, write, index.
pub const STEPS: usize = 4;

/// What the file would do, shown before anything is written.
#[derive(Debug, Clone)]
pub struct Preview {
    pub path: PathBuf,
    pub encoding: String,
    pub delimiter: u8,
    pub headers: Vec<String>,
    /// For each column, the field it fills (None: kept as an extra column).
    pub columns: Vec<Option<Field>>,
    pub plan: ImportPlan,
}

impl Preview {
    /// Rows that will be neither added nor updated (unchanged, merged duplicates, problems).
    pub fn skipped(&self) -> usize {
        self.plan.unchanged.len() + self.plan.duplicates_in_file.len() + self.plan.problems.len()
    }
}

/// What the import job reports.
#[derive(Debug)]
pub enum ImportMsg {
    Files(Vec<String>),
    Step { step: usize, what: String },
    Preview(Box<Preview>),
    Done(Box<Imported>),
    Failed(String),
}

/// The result of a written import: the whole roster again, with its new index.
#[derive(Debug)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
    pub attendees: Vec<Attendee>,
    pub index: SearchIndex,
}

/// What the import screen asks the job runner to do.
#[derive(Debug, Clone)]
pub enum ImportRequest {
    Read {
        path: PathBuf,
        map: Vec<MapOverride>,
    },
    Apply {
        plan: Box<ImportPlan>,
    },
}

impl PartialEq for ImportRequest {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Read { path: a, map: m }, Self::Read { path: b, map: n }) => a == b && m == n,
            (Self::Apply { plan: a }, Self::Apply { plan: b }) => {
                a.file == b.file && a.to_add == b.to_add && a.to_update == b.to_update
            }
            _ => false,
        }
    }
}

impl Eq for ImportRequest {}

pub fn open(app: &mut App, fx: &mut Vec<Effect>) {
    app.overlay = Overlay::Import(Box::default());
    fx.push(Effect::ListCsv(app.event_root.clone()));
}

fn state(app: &mut App) -> Option<&mut ImportState> {
    match &mut app.overlay {
        Overlay::Import(s) => Some(s),
        _ => None,
    }
}

pub fn on_msg(app: &mut App, msg: ImportMsg, fx: &mut Vec<Effect>) {
    if let ImportMsg::Done(done) = msg {
        let done = *done;
        app.roster.replace_all(done.attendees, done.index);
        if matches!(app.overlay, Overlay::Import(_)) {
            app.overlay = Overlay::None;
        }
        let text = app.cat.fmt(
            "flash-imported",
            &[
                ("added", done.added.into()),
                ("updated", done.updated.into()),
            ],
        );
        super::update::flash(app, FlashKind::Ok, text);
        super::update::refresh(app, fx);
        return;
    }
    let Some(s) = state(app) else { return };
    match msg {
        ImportMsg::Files(files) => s.files = files,
        ImportMsg::Step { step, what } => s.stage = ImportStage::Working { step, what },
        ImportMsg::Preview(preview) => {
            let column = match &s.stage {
                ImportStage::Preview { column, .. } => *column,
                _ => 0,
            };
            let column = column.min(preview.headers.len().saturating_sub(1));
            s.stage = ImportStage::Preview { preview, column };
        }
        ImportMsg::Failed(e) => s.stage = ImportStage::Failed(e),
        ImportMsg::Done(_) => {}
    }
}

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let root = app.event_root.clone();
    let Some(s) = state(app) else { return };
    if let ImportStage::Preview { .. } = s.stage {
        on_preview(app, action, fx);
        return;
    }
    if let ImportStage::Working { .. } = s.stage {
        // Running: only quitting (handled before) means something; Esc would leave a job
        // behind whose result could not be shown.
        app.dirty = false;
        return;
    }
    match action {
        Action::Command(Command::Cancel, _) => app.overlay = Overlay::None,
        Action::Type(c, _) => {
            s.path.push(c);
            s.stage = ImportStage::Choose;
        }
        Action::Paste(text) => s.path.extend(text.chars().filter(|c| !c.is_control())),
        Action::Command(Command::Backspace, _) => {
            s.path.pop();
            s.stage = ImportStage::Choose;
        }
        Action::Command(c @ (Command::Up | Command::Down), _) if !s.files.is_empty() => {
            let n = s.files.len();
            let next = match (s.selected, c) {
                (None, Command::Up) => n - 1,
                (None, _) => 0,
                (Some(i), Command::Up) => (i + n - 1) % n,
                (Some(i), _) => (i + 1) % n,
            };
            s.selected = Some(next);
            if let Some(f) = s.files.get(next) {
                s.path = f.clone();
            }
        }
        Action::Command(Command::NextField, _) => complete(s),
        Action::Command(Command::Submit, _) if !s.path.trim().is_empty() => {
            let path = PathBuf::from(s.path.trim());
            let path = if path.is_relative() {
                root.join(path)
            } else {
                path
            };
            s.overrides.clear();
            fx.push(Effect::Import(ImportRequest::Read {
                path,
                map: Vec::new(),
            }));
            s.stage = ImportStage::Working {
                step: 0,
                what: String::new(),
            };
        }
        _ => app.dirty = false,
    }
}

fn on_preview(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let Some(s) = state(app) else { return };
    let ImportStage::Preview { preview, column } = &mut s.stage else {
        return;
    };
    let n = preview.headers.len().max(1);
    match action {
        Action::Command(Command::Cancel, _) => s.stage = ImportStage::Choose,
        Action::Command(Command::Up, _) => *column = (*column + n - 1) % n,
        Action::Command(Command::Down | Command::NextField, _) => *column = (*column + 1) % n,
        Action::Command(c @ (Command::Left | Command::Right), _) => {
            let col = *column;
            let current = preview.columns.get(col).copied().flatten();
            // Cycle: (ignored) → each field → (ignored).
            let mut choices: Vec<Option<Field>> = vec![None];
            choices.extend(Field::ALL.iter().copied().map(Some));
            let at = choices.iter().position(|f| *f == current).unwrap_or(0);
            let k = choices.len();
            let next = if c == Command::Right {
                (at + 1) % k
            } else {
                (at + k - 1) % k
            };
            let next = choices.get(next).copied().flatten();
            if let Some(old) = current {
                s.overrides.insert(FieldKey::of(old), None);
            }
            if let Some(new) = next {
                s.overrides.insert(FieldKey::of(new), Some(col));
            }
            let map = overrides(&s.overrides);
            let path = preview.path.clone();
            fx.push(Effect::Import(ImportRequest::Read { path, map }));
        }
        Action::Command(Command::Submit, _) => {
            let plan = Box::new(preview.plan.clone());
            fx.push(Effect::Import(ImportRequest::Apply { plan }));
            s.stage = ImportStage::Working {
                step: 2,
                what: String::new(),
            };
        }
        _ => app.dirty = false,
    }
}

/// The overrides as the import module takes them (1-based column numbers).
pub fn overrides(map: &BTreeMap<FieldKey, Option<usize>>) -> Vec<MapOverride> {
    map.iter()
        .map(|(k, col)| MapOverride {
            field: k.field(),
            column: col.map(|c| (c + 1).to_string()),
        })
        .collect()
}

/// Tab: extend the path to the longest common prefix of the matching files.
fn complete(s: &mut ImportState) {
    let matching: Vec<&String> = s.files.iter().filter(|f| f.starts_with(&s.path)).collect();
    let Some(first) = matching.first() else {
        return;
    };
    let mut prefix: String = (*first).clone();
    for m in matching.iter().skip(1) {
        let common = prefix
            .chars()
            .zip(m.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        prefix.truncate(common);
    }
    if prefix.len() > s.path.len() {
        s.path = prefix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_extends_to_the_common_prefix() {
        let mut s = ImportState {
            path: "ins".into(),
            files: vec![
                "inscrits-2026.csv".into(),
                "inscrits-2025.csv".into(),
                "autre.csv".into(),
            ],
            ..ImportState::default()
        };
        complete(&mut s);
        assert_eq!(s.path, "inscrits-202");
        s.path = "a".into();
        complete(&mut s);
        assert_eq!(s.path, "autre.csv");
        s.path = "zzz".into();
        complete(&mut s);
        assert_eq!(s.path, "zzz");
    }

    #[test]
    fn overrides_use_one_based_columns() {
        let mut m = BTreeMap::new();
        m.insert(FieldKey::of(Field::Email), Some(2));
        m.insert(FieldKey::of(Field::Ticket), None);
        let o = overrides(&m);
        assert!(o.contains(&MapOverride {
            field: Field::Email,
            column: Some("3".into())
        }));
        assert!(o.contains(&MapOverride {
            field: Field::Ticket,
            column: None
        }));
    }
}
