//! The desk's model: everything the screen shows, as plain data. Only `update` changes it;
//! views only read it.

use std::collections::HashMap;
use std::time::Instant;

use time::{OffsetDateTime, UtcOffset};

use crate::i18n::{Catalog, Lang};
use crate::model::Attendee;
use crate::search::{SearchIndex, SearchResult};

use super::hub_link::HubLink;
use super::import::ImportState;
use super::issuing::{IssueOverlay, IssuingState};
use super::theme::Theme;

/// How many ranked hits a query keeps (the list scrolls within them; the count shows all).
pub const RESULT_LIMIT: usize = 1000;

/// An activity people are ticked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityItem {
    pub key: String,
    pub name: String,
}

/// Everything loaded from the event at start (built off the UI thread).
#[derive(Debug, Default)]
pub struct Loaded {
    pub activities: Vec<ActivityItem>,
    pub attendees: Vec<Attendee>,
    /// (attendee id, activity key, since)
    pub presence: Vec<(i64, String, OffsetDateTime)>,
    pub index: SearchIndex,
    /// How many attendees the event has: more than `attendees` in the first page sent ahead
    /// of the full roster (0: as many as `attendees`).
    pub total: usize,
    /// The presence came with the first page already: keep it (`presence` is empty).
    pub presence_sent: bool,
}

/// The roster and who is present where.
#[derive(Debug, Default)]
pub struct Roster {
    pub attendees: Vec<Attendee>,
    pub index: SearchIndex,
    pub by_id: HashMap<i64, usize>,
    /// How many attendees the event has (more than `attendees` while only the first page is
    /// loaded).
    pub total: usize,
    /// (attendee id, activity) → since; activities by their position in `activity_keys`, so
    /// 100,000 ticks cost no string each.
    presence: HashMap<(i64, u16), OffsetDateTime>,
    activity_keys: Vec<String>,
    /// attendee id → at how many activities they are present.
    present_at: HashMap<i64, u16>,
    /// activity key → number present
    pub counts: HashMap<String, usize>,
}

impl Roster {
    pub fn new(attendees: Vec<Attendee>, index: SearchIndex) -> Roster {
        let by_id = attendees
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();
        Roster {
            total: attendees.len(),
            attendees,
            index,
            by_id,
            ..Roster::default()
        }
    }

    fn activity(&self, key: &str) -> Option<u16> {
        self.activity_keys
            .iter()
            .position(|k| k == key)
            .map(|i| i as u16)
    }

    pub fn since(&self, id: i64, activity: &str) -> Option<OffsetDateTime> {
        let a = self.activity(activity)?;
        self.presence.get(&(id, a)).copied()
    }

    pub fn mark_present(&mut self, id: i64, activity: &str, since: OffsetDateTime) {
        let a = match self.activity(activity) {
            Some(a) => a,
            None => {
                self.activity_keys.push(activity.to_string());
                (self.activity_keys.len() - 1) as u16
            }
        };
        if self.presence.insert((id, a), since).is_none() {
            *self.present_at.entry(id).or_default() += 1;
            match self.counts.get_mut(activity) {
                Some(n) => *n += 1,
                None => {
                    self.counts.insert(activity.to_string(), 1);
                }
            }
        }
    }

    pub fn mark_absent(&mut self, id: i64, activity: &str) {
        let Some(a) = self.activity(activity) else {
            return;
        };
        if self.presence.remove(&(id, a)).is_some() {
            if let Some(n) = self.counts.get_mut(activity) {
                *n = n.saturating_sub(1);
            }
            if let Some(n) = self.present_at.get_mut(&id) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.present_at.remove(&id);
                }
            }
        }
    }

    /// The activities `id` is present at (checked in and not undone).
    pub fn activities_of(&self, id: i64) -> Vec<&str> {
        if !self.present_at.contains_key(&id) {
            return Vec::new();
        }
        self.activity_keys
            .iter()
            .enumerate()
            .filter(|(i, _)| self.presence.contains_key(&(id, *i as u16)))
            .map(|(_, k)| k.as_str())
            .collect()
    }

    /// Replaces who is present where (facts arrived from other desks).
    pub fn reset_presence(&mut self, presence: Vec<(i64, String, OffsetDateTime)>) {
        self.presence.clear();
        self.present_at.clear();
        self.counts.clear();
        for (id, key, since) in presence {
            self.mark_present(id, &key, since);
        }
    }

    /// Takes over who is present where from `other` (the first page's roster).
    pub fn adopt_presence(&mut self, other: &mut Roster) {
        self.presence = std::mem::take(&mut other.presence);
        self.activity_keys = std::mem::take(&mut other.activity_keys);
        self.present_at = std::mem::take(&mut other.present_at);
        self.counts = std::mem::take(&mut other.counts);
    }

    /// People present at one activity at least.
    pub fn present_anywhere(&self) -> usize {
        self.present_at.len()
    }

    pub fn get(&self, pos: usize) -> Option<&Attendee> {
        self.attendees.get(pos)
    }

    pub fn by_id(&self, id: i64) -> Option<&Attendee> {
        self.by_id.get(&id).and_then(|&p| self.attendees.get(p))
    }

    pub fn add(&mut self, attendee: Attendee) {
        self.total += 1;
        self.index.push(&attendee);
        self.by_id.insert(attendee.id, self.attendees.len());
        self.attendees.push(attendee);
    }

    /// Replaces the whole roster (after an import), keeping who is present where.
    pub fn replace_all(&mut self, attendees: Vec<Attendee>, index: SearchIndex) {
        self.by_id = attendees
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();
        self.total = attendees.len();
        self.attendees = attendees;
        self.index = index;
    }
}

/// Which part of the roster the list shows, for the current activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    CheckedIn,
    NotYet,
}

impl Filter {
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::CheckedIn,
            Filter::CheckedIn => Filter::NotYet,
            Filter::NotYet => Filter::All,
        }
    }

    pub fn msg_id(self) -> &'static str {
        match self {
            Filter::All => "filter-all",
            Filter::CheckedIn => "filter-in",
            Filter::NotYet => "filter-out",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Ok,
    Info,
    Error,
}

/// The one-line message under the search line (the last thing that happened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

/// The detail pane's check-in history of the selected attendee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum History {
    #[default]
    None,
    Loading(i64),
    Loaded(i64, Vec<HistoryLine>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub at: OffsetDateTime,
    pub activity_key: String,
    pub undo: bool,
    pub actor: String,
    /// The desk that ticked, when the event has a hub.
    pub desk: Option<String>,
}

/// Detects a barcode scanner: characters arriving much faster than anyone types.
#[derive(Debug, Clone, Default)]
pub struct ScanDetector {
    /// Characters at the end of the query that arrived as one fast burst.
    pub burst: usize,
    pub last: Option<Instant>,
}

/// Gap between characters below which they count as one scanner burst.
pub const SCAN_GAP: std::time::Duration = std::time::Duration::from_millis(30);
/// A burst shorter than this is just fast typing.
pub const SCAN_MIN_LEN: usize = 3;

/// The walk-in form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WalkInForm {
    /// given, family, e-mail, organisation
    pub fields: [String; 4],
    pub focus: usize,
    pub error: Option<String>,
    pub saving: bool,
}

impl WalkInForm {
    pub const LABELS: [&'static str; 4] = [
        "walk-in-given",
        "walk-in-family",
        "walk-in-email",
        "walk-in-org",
    ];
}

/// What is drawn over the desk.
#[derive(Debug, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Picker {
        selected: usize,
    },
    WalkIn(WalkInForm),
    Import(Box<ImportState>),
    /// Issuing, the claim card, the issue screen, revoking (`issuing.rs`).
    Issue(Box<IssueOverlay>),
}

/// The start-up phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Loading { done: usize, total: usize },
    Ready,
    Failed(String),
}

/// A tick sent to the database and not yet confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub attendee_id: i64,
    pub activity_key: String,
}

/// The whole desk.
#[derive(Debug)]
pub struct App {
    pub cat: Catalog,
    pub theme: Theme,
    pub offset: UtcOffset,
    pub event_name: String,
    /// The event folder (the import screen lists its CSV files).
    pub event_root: std::path::PathBuf,
    pub phase: Phase,
    pub overlay: Overlay,
    pub roster: Roster,
    pub activities: Vec<ActivityItem>,
    pub current: usize,
    pub filter: Filter,
    pub query: String,
    pub results: SearchResult,
    pub selected: usize,
    pub scroll: usize,
    /// Set by arrow keys and clicks: a following Space ticks instead of typing a space.
    pub navigated: bool,
    pub history: History,
    /// The full record (extra fields, source) of the attendee whose history is loaded; the
    /// roster keeps only what the list and the search need.
    pub record: Option<Attendee>,
    pub flash: Option<Flash>,
    pub pending: Vec<Pending>,
    pub scan: ScanDetector,
    /// Badges: the detail pane's credentials, desk issue, the issue screen.
    pub issuing: IssuingState,
    /// The hub of an event with several desks (None: a single desk).
    pub hub: Option<HubLink>,
    /// Terminal size, from resize events (the list's page size and mouse rows depend on it).
    pub size: (u16, u16),
    pub quit: bool,
    pub dirty: bool,
}

impl App {
    pub fn new(lang: Lang, theme: Theme, offset: UtcOffset, event_name: String) -> App {
        App {
            cat: Catalog::new(lang),
            theme,
            offset,
            event_name,
            event_root: std::path::PathBuf::from("."),
            phase: Phase::Loading { done: 0, total: 0 },
            overlay: Overlay::None,
            roster: Roster::default(),
            activities: Vec::new(),
            current: 0,
            filter: Filter::All,
            query: String::new(),
            results: SearchResult::default(),
            selected: 0,
            scroll: 0,
            navigated: false,
            history: History::None,
            record: None,
            flash: None,
            pending: Vec::new(),
            scan: ScanDetector::default(),
            issuing: IssuingState::default(),
            hub: None,
            size: (80, 24),
            quit: false,
            dirty: true,
        }
    }

    pub fn activity(&self) -> Option<&ActivityItem> {
        self.activities.get(self.current)
    }

    /// Roster position of the selected row.
    pub fn selected_pos(&self) -> Option<usize> {
        self.results.hits.get(self.selected).map(|h| h.pos as usize)
    }

    pub fn selected_attendee(&self) -> Option<&Attendee> {
        self.selected_pos().and_then(|p| self.roster.get(p))
    }

    pub fn is_pending(&self, id: i64, activity: &str) -> bool {
        self.pending
            .iter()
            .any(|p| p.attendee_id == id && p.activity_key == activity)
    }

    /// "HH:MM" in the desk's local time.
    pub fn hhmm(&self, at: OffsetDateTime) -> String {
        let t = at.to_offset(self.offset);
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    /// A time of day as people say it: "10:42", or in French "10 h 42".
    pub fn clock_time(&self, at: OffsetDateTime) -> String {
        let t = at.to_offset(self.offset);
        match self.cat.lang() {
            Lang::Fr => format!("{}\u{a0}h\u{a0}{:02}", t.hour(), t.minute()),
            Lang::En => format!("{:02}:{:02}", t.hour(), t.minute()),
        }
    }

    pub fn activity_name(&self, key: &str) -> String {
        self.activities
            .iter()
            .find(|a| a.key == key)
            .map_or_else(|| key.to_string(), |a| a.name.clone())
    }
}
