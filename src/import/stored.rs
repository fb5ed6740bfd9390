//! The stored attendees as an import compares against them, packed: one allocation per person
//! (the text fields side by side, extras as their stored JSON) instead of a dozen strings and
//! a map each. A full [`Attendee`] is built only for the people the file matches, one at a
//! time, which keeps a re-import of 100,000 people well inside its memory budget.

use std::borrow::Cow;

use crate::model::{Attendee, Extra, SourceRef};

use super::keys::Parts;

/// One stored attendee's columns, borrowed from the database row being read.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoredRow<'a> {
    pub id: i64,
    pub ticket: Option<&'a str>,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub email: Option<&'a str>,
    pub contact_email: Option<&'a str>,
    pub organisation: Option<&'a str>,
    /// The `extra` column: a JSON object of strings.
    pub extra_json: &'a str,
    pub source_file: Option<&'a str>,
    pub source_line: Option<i64>,
}

const TICKET: usize = 0;
const GIVEN: usize = 1;
const FAMILY: usize = 2;
const EMAIL: usize = 3;
const CONTACT: usize = 4;
const ORGANISATION: usize = 5;
const SOURCE_FILE: usize = 6;
const EXTRA: usize = 7;
const FIELDS: usize = 8;

#[derive(Debug, Clone)]
struct Packed {
    id: i64,
    line: u64,
    text: Box<str>,
    /// End of each field in `text` (field `k` runs from `ends[k - 1]`, or 0, to `ends[k]`).
    ends: [u32; FIELDS],
    /// Bit `k` set: field `k` is present (tells `None` from an empty string).
    present: u8,
}

impl Packed {
    fn field(&self, k: usize) -> Option<&str> {
        if self.present & (1 << k) == 0 {
            return None;
        }
        let start = match k.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(k).copied().unwrap_or(0);
        self.text.get(start as usize..end as usize)
    }

    fn text(&self, k: usize) -> &str {
        self.field(k).unwrap_or("")
    }
}

/// The stored attendees, in the order they were pushed (the store pushes them by id).
#[derive(Debug, Clone, Default)]
pub struct StoredAttendees {
    people: Vec<Packed>,
}

impl StoredAttendees {
    pub fn with_capacity(n: usize) -> Self {
        StoredAttendees {
            people: Vec::with_capacity(n),
        }
    }

    /// Pack one stored attendee.
    pub fn push(&mut self, row: StoredRow<'_>) {
        let fields = [
            row.ticket,
            Some(row.given_name),
            Some(row.family_name),
            row.email,
            row.contact_email,
            row.organisation,
            row.source_file,
            Some(row.extra_json),
        ];
        let mut text = String::with_capacity(fields.iter().flatten().map(|f| f.len()).sum());
        let mut ends = [0u32; FIELDS];
        let mut present = 0u8;
        for (k, (field, end)) in fields.iter().zip(ends.iter_mut()).enumerate() {
            if let Some(f) = field {
                present |= 1 << k;
                text.push_str(f);
            }
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        self.people.push(Packed {
            id: row.id,
            line: row.source_line.unwrap_or(0).max(0) as u64,
            text: text.into_boxed_str(),
            ends,
            present,
        });
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// "Given Family" of the attendee with this id.
    pub fn display_name(&self, id: i64) -> Option<String> {
        let p = self.by_id(id)?;
        Some(crate::model::display_name(p.text(GIVEN), p.text(FAMILY)))
    }

    fn by_id(&self, id: i64) -> Option<&Packed> {
        match self.people.binary_search_by_key(&id, |p| p.id) {
            Ok(i) => self.people.get(i),
            // Not pushed in id order: look everywhere.
            Err(_) => self.people.iter().find(|p| p.id == id),
        }
    }
}

/// What the plan needs to know of the stored attendees, however they are held.
pub(crate) trait Stored {
    fn count(&self) -> usize;
    fn parts(&self, i: usize) -> Option<Parts<'_>>;
    fn has_ticket(&self, i: usize) -> bool;
    /// Source file and line, for attendees that came from a file.
    fn source(&self, i: usize) -> Option<(&str, u64)>;
    fn attendee(&self, i: usize) -> Option<Cow<'_, Attendee>>;
}

impl Stored for [Attendee] {
    fn count(&self) -> usize {
        self.len()
    }
    fn parts(&self, i: usize) -> Option<Parts<'_>> {
        self.get(i).map(Parts::of_attendee)
    }
    fn has_ticket(&self, i: usize) -> bool {
        self.get(i).is_some_and(|a| a.ticket.is_some())
    }
    fn source(&self, i: usize) -> Option<(&str, u64)> {
        let s = self.get(i)?.source.as_ref()?;
        Some((s.file.as_str(), s.line))
    }
    fn attendee(&self, i: usize) -> Option<Cow<'_, Attendee>> {
        self.get(i).map(Cow::Borrowed)
    }
}

impl Stored for StoredAttendees {
    fn count(&self) -> usize {
        self.people.len()
    }
    fn parts(&self, i: usize) -> Option<Parts<'_>> {
        let p = self.people.get(i)?;
        Some(Parts {
            ticket: p.field(TICKET),
            given: p.text(GIVEN),
            family: p.text(FAMILY),
            email: p.field(EMAIL),
            organisation: p.field(ORGANISATION),
        })
    }
    fn has_ticket(&self, i: usize) -> bool {
        self.people
            .get(i)
            .is_some_and(|p| p.field(TICKET).is_some())
    }
    fn source(&self, i: usize) -> Option<(&str, u64)> {
        let p = self.people.get(i)?;
        Some((p.field(SOURCE_FILE)?, p.line))
    }
    fn attendee(&self, i: usize) -> Option<Cow<'_, Attendee>> {
        let p = self.people.get(i)?;
        let owned = |k: usize| p.field(k).map(str::to_owned);
        // The store checked this JSON when it loaded the row.
        let extra: Extra = serde_json::from_str(p.text(EXTRA)).unwrap_or_default();
        Some(Cow::Owned(Attendee {
            id: p.id,
            ticket: owned(TICKET),
            given_name: p.text(GIVEN).to_owned(),
            family_name: p.text(FAMILY).to_owned(),
            email: owned(EMAIL),
            contact_email: owned(CONTACT),
            organisation: owned(ORGANISATION),
            extra,
            source: p.field(SOURCE_FILE).map(|file| SourceRef {
                file: file.to_owned(),
                line: p.line,
            }),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_fields_round_trip_with_none_and_empty() {
        let mut s = StoredAttendees::with_capacity(2);
        s.push(StoredRow {
            id: 4,
            ticket: Some("FR-1"),
            given_name: "Hélène",
            family_name: "",
            email: None,
            contact_email: Some("parent@x.fr"),
            organisation: Some(""),
            extra_json: r#"{"Niveau":"6e"}"#,
            source_file: Some("a.csv"),
            source_line: Some(7),
        });
        s.push(StoredRow {
            id: 9,
            given_name: "Zoé",
            family_name: "N'Diaye",
            extra_json: "{}",
            ..StoredRow::default()
        });
        let a = s.attendee(0).unwrap().into_owned();
        assert_eq!(a.id, 4);
        assert_eq!(a.ticket.as_deref(), Some("FR-1"));
        assert_eq!(
            (a.given_name.as_str(), a.family_name.as_str()),
            ("Hélène", "")
        );
        assert_eq!(a.email, None);
        assert_eq!(a.contact_email.as_deref(), Some("parent@x.fr"));
        assert_eq!(a.organisation.as_deref(), Some(""));
        assert_eq!(a.extra.get("Niveau").map(String::as_str), Some("6e"));
        assert_eq!(s.source(0), Some(("a.csv", 7)));
        let b = s.attendee(1).unwrap();
        assert_eq!((b.ticket.as_deref(), b.source.as_ref()), (None, None));
        assert!(s.has_ticket(0) && !s.has_ticket(1));
        assert_eq!(s.display_name(9).as_deref(), Some("Zoé N'Diaye"));
        assert_eq!(s.display_name(5), None);
    }
}
