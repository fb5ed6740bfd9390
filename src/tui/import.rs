//! The import screen's state and update: choose a CSV file (a path field with completion and
//! the event folder's CSV files), preview what the import would do, confirm, watch progress.
//! The reading, planning and writing run as a job (`jobs.rs`); nothing is written before the
//! confirmation.

use std::path::PathBuf;

use super::action::{Action, Command};
use super::app::{App, Overlay};
use super::effect::Effect;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportState {
    /// The path field.
    pub path: String,
    /// CSV files of the event folder (relative names).
    pub files: Vec<String>,
    pub selected: Option<usize>,
    pub stage: ImportStage,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ImportStage {
    #[default]
    Choose,
    /// A job is running: what it does (already translated).
    Working(String),
    Failed(String),
}

/// What the import job reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportMsg {
    Files(Vec<String>),
    Failed(String),
}

/// What the import screen asks the job runner to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRequest {
    Read { path: PathBuf },
}

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

pub fn on_msg(app: &mut App, msg: ImportMsg, _fx: &mut [Effect]) {
    let Some(s) = state(app) else { return };
    match msg {
        ImportMsg::Files(files) => s.files = files,
        ImportMsg::Failed(e) => s.stage = ImportStage::Failed(e),
    }
}

pub fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let reading = app.cat.get("import-running");
    let root = app.event_root.clone();
    let Some(s) = state(app) else { return };
    match action {
        Action::Command(Command::Cancel, _) => {
            app.overlay = Overlay::None;
        }
        Action::Type(c, _) => {
            s.path.push(c);
            s.stage = ImportStage::Choose;
        }
        Action::Paste(text) => s.path.extend(text.chars().filter(|c| !c.is_control())),
        Action::Command(Command::Backspace, _) => {
            s.path.pop();
            s.stage = ImportStage::Choose;
        }
        Action::Command(Command::Up | Command::Down, _) if !s.files.is_empty() => {
            let n = s.files.len();
            let next = match (s.selected, &action) {
                (None, Action::Command(Command::Up, _)) => n - 1,
                (None, _) => 0,
                (Some(i), Action::Command(Command::Up, _)) => (i + n - 1) % n,
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
            let path = if path.is_relative() { root.join(path) } else { path };
            s.stage = ImportStage::Working(reading);
            fx.push(Effect::Import(ImportRequest::Read { path }));
        }
        _ => app.dirty = false,
    }
}

/// Tab: extend the path to the longest common prefix of the matching files.
fn complete(s: &mut ImportState) {
    let matching: Vec<&String> = s.files.iter().filter(|f| f.starts_with(&s.path)).collect();
    let Some(first) = matching.first() else { return };
    let mut prefix: String = (*first).clone();
    for m in &matching[1..] {
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
            files: vec!["inscrits-2026.csv".into(), "inscrits-2025.csv".into(), "autre.csv".into()],
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
}
