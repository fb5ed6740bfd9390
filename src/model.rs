//! Plain data shared by the core modules: what an attendee is, as imported and as stored.

use std::collections::BTreeMap;

/// Where a record came from: the file (as given by the user) and the 1-based physical line of
/// the first line of its row (a quoted cell may span several lines).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub line: u64,
}

/// One attendee as read from an import file, already normalised (trimmed, NFC, inner spaces
/// collapsed; e-mail validated). This is what the import hands to the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttendeeRecord {
    /// Ticket or registration number, as written (compared case-insensitively).
    pub ticket: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// The participant's own e-mail, normalised for comparison (see `import` for the rule).
    pub email: Option<String>,
    /// Someone to reach when the participant has no address of their own (the buyer of a
    /// ticketing order, a parent).
    pub contact_email: Option<String>,
    pub organisation: Option<String>,
    /// Every column that was not mapped to a field above, by its header, never dropped.
    pub extra: BTreeMap<String, String>,
    pub source: SourceRef,
    /// The row's cells exactly as decoded from the file, before normalisation.
    pub original: Vec<String>,
}

impl AttendeeRecord {
    /// "Given Family", or whichever part exists.
    pub fn display_name(&self) -> String {
        display_name(&self.given_name, &self.family_name)
    }
}

/// An attendee as stored in the event database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attendee {
    pub id: i64,
    pub ticket: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub contact_email: Option<String>,
    pub organisation: Option<String>,
    pub extra: BTreeMap<String, String>,
    /// Where the attendee was last imported from; `None` for walk-ins added at the desk.
    pub source: Option<SourceRef>,
}

impl Attendee {
    pub fn display_name(&self) -> String {
        display_name(&self.given_name, &self.family_name)
    }
}

pub fn display_name(given: &str, family: &str) -> String {
    match (given.is_empty(), family.is_empty()) {
        (false, false) => format!("{given} {family}"),
        (false, true) => given.to_string(),
        (true, false) => family.to_string(),
        (true, true) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_joins_present_parts() {
        assert_eq!(display_name("Hélène", "Dupont"), "Hélène Dupont");
        assert_eq!(display_name("", "Dupont"), "Dupont");
        assert_eq!(display_name("Zoé", ""), "Zoé");
    }
}
