//! Everything that can happen to the desk, as data: what the user asks for (from the key
//! table, the mouse) and what background work reports back. `update` consumes these.

use std::time::Instant;

use time::OffsetDateTime;

use crate::model::Attendee;

use super::app::{HistoryLine, Loaded};
use super::hub_link::HubMsg;
use super::import::ImportMsg;
use super::issuing::IssueMsg;

/// A user command that needs no payload: the key table maps keys to these, and the help
/// overlay lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Tick,
    Undo,
    NextActivity,
    PreviousActivity,
    PickActivity,
    CycleFilter,
    WalkIn,
    Import,
    Help,
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    ClearSearch,
    DeleteWord,
    Backspace,
    NextField,
    PreviousField,
    Submit,
    Cancel,
    Left,
    Right,
    /// Issue the selected attendee every badge they have earned (desk).
    IssueEarned,
    /// Choose one badge to issue to the selected attendee (manual ones too).
    IssuePick,
    /// The closing-time issue screen.
    IssueScreen,
    /// Print the selected attendee's claim card (or, on the issue screen, the cards just issued).
    Print,
    /// Revoke one of the selected attendee's badges.
    Revoke,
}

#[derive(Debug)]
pub enum Action {
    Command(Command, Instant),
    /// A printable character typed (into the search line or the focused field).
    Type(char, Instant),
    /// Space: ticks after the selection was moved (or on an empty search), else types a space.
    Space(Instant),
    /// A mouse click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
    Resize(u16, u16),
    /// Text pasted at once (never taken for a scanner burst).
    Paste(String),
    /// SIGTERM / SIGHUP.
    Terminate,
    // What background work reports.
    /// The first page of the alphabetical roster, shown while the whole roster loads.
    FirstPage(Box<Loaded>),
    LoadProgress {
        done: usize,
        total: usize,
    },
    Loaded(Box<Loaded>),
    LoadFailed(String),
    TickSaved {
        attendee_id: i64,
        activity_key: String,
        outcome: TickOutcome,
        scanned: bool,
    },
    TickFailed {
        attendee_id: i64,
        activity_key: String,
        error: String,
    },
    Undone(Option<Undone>),
    UndoFailed(String),
    /// The detail pane's data: check-in history and the full record (extra fields, source),
    /// which the roster does not hold.
    HistoryLoaded {
        attendee_id: i64,
        record: Option<Box<Attendee>>,
        lines: Vec<HistoryLine>,
    },
    WalkInSaved {
        attendee: Box<Attendee>,
        tick: Option<(String, TickOutcome)>,
    },
    WalkInFailed(String),
    Import(ImportMsg),
    Issue(IssueMsg),
    /// The hub link of an event with several desks.
    Hub(HubMsg),
    /// Presence read again after facts arrived from other desks, and the roster when people
    /// were added there.
    Resynced {
        presence: Vec<(i64, String, OffsetDateTime)>,
        roster: Option<Box<(Vec<Attendee>, crate::search::SearchIndex)>>,
    },
}

/// What the database said about a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickOutcome {
    Ticked { at: OffsetDateTime },
    AlreadyCheckedIn { since: OffsetDateTime },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub attendee_id: i64,
    pub activity_key: String,
}
