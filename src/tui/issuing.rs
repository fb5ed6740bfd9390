//! Badges at the desk, as data: the selected attendee's credentials (detail pane), the one-key
//! issue and its claim QR card, the closing-time issue screen (preview, progress, summary,
//! printing), and the revoke prompt. The work itself runs in `issue_job.rs`; `update/issue.rs`
//! changes this state; the views in `view/badges.rs`, `view/qr.rs` and `view/issue.rs` draw it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::event::AwardRule;
use crate::qr::QrMatrix;

/// An achievement of the event (from `event.toml`), as the desk needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchievementItem {
    pub key: String,
    pub name: String,
    pub rule: AwardRule,
}

/// One credential of the selected attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeLine {
    pub id: String,
    pub achievement_key: String,
    pub issued_at: OffsetDateTime,
    pub claimed_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_reason: Option<String>,
}

impl BadgeLine {
    pub fn live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// The detail pane's badges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Badges {
    #[default]
    None,
    Loading(i64),
    Loaded(i64, Vec<BadgeLine>),
}

impl Badges {
    pub fn attendee(&self) -> Option<i64> {
        match self {
            Badges::None => None,
            Badges::Loading(id) | Badges::Loaded(id, _) => Some(*id),
        }
    }

    /// The lines, when loaded for `attendee_id`.
    pub fn of(&self, attendee_id: i64) -> Option<&[BadgeLine]> {
        match self {
            Badges::Loaded(id, lines) if *id == attendee_id => Some(lines),
            _ => None,
        }
    }
}

/// Everything about badges the desk keeps between overlays.
#[derive(Debug, Default)]
pub struct IssuingState {
    pub achievements: Vec<AchievementItem>,
    /// `[claim] base_url` of event.toml; without it there is no claim link, only files.
    pub claim_base: Option<String>,
    pub badges: Badges,
    /// A desk issue under way: the attendee and when the key was pressed.
    pub desk_busy: Option<(i64, Instant)>,
    /// Key press → QR card drawn, of the last desk issue (measured by the event loop).
    pub last_ready: Option<Duration>,
}

impl IssuingState {
    /// The achievements and claim address of an event.
    pub fn for_event(config: &crate::event::EventConfig) -> IssuingState {
        IssuingState {
            achievements: config
                .achievements
                .iter()
                .map(|a| AchievementItem {
                    key: a.key().to_string(),
                    name: a.name.clone(),
                    rule: a.rule.get_ref().clone(),
                })
                .collect(),
            claim_base: config.claim.base_url.clone(),
            ..IssuingState::default()
        }
    }

    pub fn achievement_name(&self, key: &str) -> String {
        self.achievements
            .iter()
            .find(|a| a.key == key)
            .map_or_else(|| key.to_string(), |a| a.name.clone())
    }

    /// Keys of the achievements an attendee present at `activities` has earned by the rules
    /// (manual ones never), in event.toml order.
    pub fn earned(&self, activities: &BTreeSet<&str>) -> Vec<String> {
        self.achievements
            .iter()
            .filter(|a| crate::rules::qualifies(&a.rule, activities))
            .map(|a| a.key.clone())
            .collect()
    }
}

/// A badge ready to be claimed, as the QR card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyItem {
    pub credential_id: String,
    pub achievement_name: String,
    /// `<base>/c/<token>/` when the event has a claim base URL.
    pub claim_url: Option<String>,
    pub qr: Option<QrMatrix>,
    /// The baked badge image under `issued/`.
    pub file: PathBuf,
    /// It was held before this key press (shown again, not issued twice).
    pub already: bool,
}

/// The card shown after a desk issue: one badge at a time, ←/→ for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyCard {
    pub attendee_id: i64,
    pub name: String,
    pub items: Vec<ReadyItem>,
    pub shown: usize,
    /// When the key was pressed; taken by the event loop once the card is drawn.
    pub started: Option<Instant>,
    /// A print of this attendee's card: its outcome.
    pub printed: Option<Result<PathBuf, String>>,
    /// Achievement keys requested from the issuing desk and not arrived yet (a desk without
    /// the key, at an event with a hub).
    pub waiting: Vec<String>,
}

/// The choice of one achievement to issue to the selected attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickState {
    pub attendee_id: i64,
    pub selected: usize,
}

/// The reason prompt of a revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokePrompt {
    pub attendee_id: i64,
    /// Live credentials: (id, badge name).
    pub choices: Vec<(String, String)>,
    pub selected: usize,
    pub reason: String,
    pub busy: bool,
    pub error: Option<String>,
}

/// One achievement of the closing-time preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub key: String,
    pub name: String,
    pub to_issue: Vec<i64>,
    pub already: usize,
    /// (attendee name, reason)
    pub blocked: Vec<(String, String)>,
}

/// What a bulk run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub issued: Vec<String>,
    pub skipped: usize,
    pub blocked: usize,
    pub cancelled: bool,
    pub elapsed: Duration,
    pub error: Option<String>,
}

/// The issue screen's stages.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenStage {
    /// The preview is being computed.
    Loading,
    Preview {
        rows: Vec<PlanRow>,
        scroll: usize,
    },
    Running {
        done: usize,
        total: usize,
        started: Instant,
        /// Credentials per second, once known.
        rate: Option<f64>,
        remaining: Option<Duration>,
        cancelling: bool,
    },
    Done(Summary),
    Failed(String),
}

/// A print job of the issue screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintState {
    Running,
    Done { path: PathBuf, count: usize },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IssueScreen {
    pub stage: ScreenStage,
    pub print: Option<PrintState>,
}

/// The issue overlays.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueOverlay {
    Pick(PickState),
    Ready(ReadyCard),
    Screen(IssueScreen),
    Revoke(RevokePrompt),
}

/// Work for the issue worker (`issue_job.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueRequest {
    /// Keep this attendee's badges up to date in the detail pane (None: nobody selected).
    Watch(Option<i64>),
    /// Issue these achievements to one attendee now and report the claim card.
    Desk {
        attendee_id: i64,
        achievements: Vec<String>,
        started: Instant,
    },
    /// The claim card of these achievements as held now (the hub brought credentials).
    Card {
        attendee_id: i64,
        achievements: Vec<String>,
    },
    /// Issue what desks without the key asked for, when this desk holds it.
    ServeRequests,
    /// Compute the closing-time preview.
    Plan,
    /// Issue these awards (attendee, achievement) on a job thread, with progress.
    Bulk {
        awards: Vec<(i64, String)>,
        blocked: usize,
    },
    /// Stop the bulk run between chunks.
    Cancel,
    /// The claim card of one attendee's live badges (label-62mm).
    PrintAttendee(i64),
    /// The claim cards of these credentials (A4 cards), after a bulk run.
    PrintCredentials(Vec<String>),
    Revoke {
        attendee_id: i64,
        credential_id: String,
        reason: String,
    },
}

/// What the issue worker reports.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueMsg {
    Badges {
        attendee_id: i64,
        lines: Vec<BadgeLine>,
    },
    DeskIssued {
        attendee_id: i64,
        started: Instant,
        items: Vec<ReadyItem>,
    },
    DeskFailed {
        attendee_id: i64,
        error: String,
    },
    /// A desk without the key asked the issuing desk for `waiting` (keys); `items`: held already.
    DeskWaiting {
        attendee_id: i64,
        started: Instant,
        items: Vec<ReadyItem>,
        waiting: Vec<String>,
    },
    /// A claim card as held now, after credentials arrived through the hub.
    Card {
        attendee_id: i64,
        items: Vec<ReadyItem>,
        waiting: Vec<String>,
    },
    /// Requests of other desks issued here.
    Served {
        count: usize,
        error: Option<String>,
    },
    Plan(Vec<PlanRow>),
    PlanFailed(String),
    Progress {
        done: usize,
        total: usize,
        at: Instant,
    },
    BulkDone(Summary),
    /// A PDF was written (`attendee`: the desk print of one attendee, else the issue screen's).
    Printed {
        attendee: Option<i64>,
        path: PathBuf,
        count: usize,
    },
    PrintFailed {
        attendee: Option<i64>,
        error: String,
    },
    Revoked {
        attendee_id: i64,
        credential_id: String,
        changed: bool,
    },
    RevokeFailed(String),
    /// When the desk opened: the files of this many credentials were missing or incomplete
    /// (an earlier run was killed) and were written again.
    FilesRepaired(usize),
    /// The status list lacked a revocation (a revoke was killed) and was written again.
    StatusListRepaired,
    /// The repair at opening failed.
    RepairFailed(String),
}
