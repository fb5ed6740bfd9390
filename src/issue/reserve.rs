//! Reserving awards before signing them, when several desks may sign: an authority outside
//! this desk's database (the hub) grants each award and each status-list index to one desk
//! only, so no badge is ever issued twice even by two laptops holding the key at once.
//! Without one (a single desk), the database's own unique index is the authority.

use crate::store::{NewCredential, Store};

use super::engine::IssueError;

/// What the authority answered for one credential about to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// This desk may store it.
    Granted,
    /// Another desk holds the award: its credential arrives through the hub.
    AwardTaken,
    /// Another desk holds the status-list index: draw another.
    IndexTaken,
}

/// An authority that grants awards and status-list indices to one desk each.
pub trait Reservations: Send + Sync {
    /// One answer per row, in order. `store` gives what the desk knows of the award (its
    /// attendee's shared id, the credential it would follow).
    fn reserve(&self, store: &Store, rows: &[&NewCredential]) -> Result<Vec<Grant>, IssueError>;

    /// The same for a credential that replaces the live one `replaces` (a re-issue): granted
    /// to the first desk that asks to replace it.
    fn reserve_replacement(
        &self,
        store: &Store,
        row: &NewCredential,
        replaces: &str,
    ) -> Result<Grant, IssueError>;
}
