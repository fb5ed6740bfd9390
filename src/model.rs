//! Plain data shared by the core modules: what an attendee is, as imported and as stored.

/// Unmapped columns by header, sorted by header: a flat sorted vector, because a B-tree's
/// node alone takes ~500 bytes per record (50 MB more on a 100,000-row import).
pub type Extra = litemap::LiteMap<String, String>;

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
    pub extra: Extra,
    pub source: SourceRef,
    /// The row's cells exactly as decoded from the file, before normalisation.
    pub original: Cells,
}

/// A row's cells, held in one string (a 100,000-row import would otherwise allocate a string
/// per cell and keep 30 MB more). Serialised as a list of strings.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    text: String,
    /// End of each cell in `text` (cell `i` starts where cell `i - 1` ends).
    ends: Vec<u32>,
}

impl Cells {
    /// Room for `cells` cells of `bytes` bytes in all, allocated once.
    pub fn with_capacity(cells: usize, bytes: usize) -> Self {
        Cells {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let start = match i.checked_sub(1) {
            Some(prev) => *self.ends.get(prev)?,
            None => 0,
        };
        let end = *self.ends.get(i)?;
        self.text.get(start as usize..end as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut cells = Cells::default();
        for cell in iter {
            cells.push(cell.as_ref());
        }
        cells
    }
}

impl<S: AsRef<str>> From<Vec<S>> for Cells {
    fn from(cells: Vec<S>) -> Self {
        cells.iter().collect()
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Cells {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Cells {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<String>::deserialize(deserializer)?.into())
    }
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
    pub extra: Extra,
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
    fn cells_keep_every_cell_and_serialise_as_a_list() {
        let cells = Cells::from(vec!["FR-1", "", "Hélène \"Lena\"", "l1\nl2", ""]);
        assert_eq!(cells.len(), 5);
        assert_eq!(cells.get(2), Some("Hélène \"Lena\""));
        assert_eq!(
            (cells.get(1), cells.get(4), cells.get(5)),
            (Some(""), Some(""), None)
        );
        assert_eq!(
            cells.to_vec(),
            ["FR-1", "", "Hélène \"Lena\"", "l1\nl2", ""]
        );
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(json, serde_json::to_string(&cells.to_vec()).unwrap());
        assert_eq!(serde_json::from_str::<Cells>(&json).unwrap(), cells);
        assert_eq!(format!("{cells:?}"), format!("{:?}", cells.to_vec()));
        assert!(Cells::default().is_empty());
        assert_ne!(Cells::from(vec!["ab", ""]), Cells::from(vec!["a", "b"]));
    }

    #[test]
    fn display_name_joins_present_parts() {
        assert_eq!(display_name("Hélène", "Dupont"), "Hélène Dupont");
        assert_eq!(display_name("", "Dupont"), "Dupont");
        assert_eq!(display_name("Zoé", ""), "Zoé");
    }
}
