//! Issuance: the preview of who gets what, bulk issuing (crash-safe), the desk's one-key issue,
//! re-issuing, revocation and the Bitstring Status List (writing it, and checking credentials
//! against a status list file).
//!
//! Library entry points: [`Issuer::new`]`(event, key, now)` prepares an event once;
//! [`Issuer::at`]`(now)` re-times it cheaply. Then [`Issuer::issue`] (bulk),
//! [`Issuer::issue_attendee`] (desk: one attendee, returns claim links), [`reissue()`],
//! [`revoke::revoke`], [`Issuer::repair_files`] (`rebuild`), [`repair_issued`] (the keyless
//! repair every command runs before reading `issued/`), and
//! [`status_check::StatusListFile`] for `verify --status-list`.

mod build;
pub mod desk;
pub mod engine;
pub mod files;
mod pipeline;
pub mod plan;
pub mod reissue;
mod repair;
pub mod reserve;
pub mod revoke;
pub mod status_check;
pub mod status_list;

pub use build::attended_from_history;
pub use desk::{Choice, DeskCredential};
pub use engine::{IssueError, IssueReport, Issuer, Progress, Step};
pub use reissue::{Reissued, reissue};
pub use repair::{Repaired, rebuild_issued, repair_issued};
pub use reserve::{Grant, Reservations};
