//! Effects: what `update` asks the outside world to do, as data. The executor lives in
//! `jobs.rs` (a store worker thread); nothing else performs I/O.

use std::path::PathBuf;

use crate::store::WalkIn;

use super::import::ImportRequest;
use super::issuing::IssueRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Commit one tick; answers `TickSaved` or `TickFailed`.
    CheckIn {
        attendee_id: i64,
        activity_key: String,
        scanned: bool,
    },
    /// Take back the most recent tick at this activity; answers `Undone` or `UndoFailed`.
    Undo { activity_key: Option<String> },
    /// Read an attendee's check-in history; answers `HistoryLoaded`.
    LoadHistory(i64),
    /// Add a walk-in and tick them; answers `WalkInSaved` or `WalkInFailed`.
    AddWalkIn {
        walk_in: WalkIn,
        activity_key: Option<String>,
    },
    /// The import screen's work (read a file, plan, apply), run as a job.
    Import(ImportRequest),
    /// List the CSV files of a folder for the import screen.
    ListCsv(PathBuf),
    /// Issuing, printing, revoking, watching badges: the issue worker's work.
    Issue(IssueRequest),
    /// Read presence again after facts arrived from other desks, and the roster too when the
    /// store holds another number of people than `attendees` or `people` were edited elsewhere;
    /// answers `Resynced`.
    Resync { attendees: usize, people: bool },
}
