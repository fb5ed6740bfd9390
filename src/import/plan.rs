//! The merge plan: the file's records compared with the attendees already stored, as data the
//! store applies in one transaction. Identity rules: see the `import` module docs.

use crate::i18n::Lang;
use crate::model::{Attendee, AttendeeRecord};

use super::ParsedFile;
use super::dedupe::dedupe;
pub use super::dedupe::{Duplicate, SameBy};
use super::keys::{Index, KeyKind, Keys, Parts};
use super::mapping::Field;
use super::problems::{ColumnRef, Problem};
use super::stored::{Stored, StoredAttendees};

/// What importing a file will do. Plain data: the store applies `to_add` and `to_update` in one
/// transaction and writes nothing else.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportPlan {
    /// The file name as given by the user.
    pub file: String,
    /// Data rows read (blank lines not counted).
    pub rows: usize,
    /// New attendees, in file order.
    pub to_add: Vec<AttendeeRecord>,
    /// Stored attendees whose fields change.
    pub to_update: Vec<Update>,
    /// Stored attendees the file matches without any change.
    pub unchanged: Vec<Unchanged>,
    /// Rows merged into an earlier row of the same file.
    pub duplicates_in_file: Vec<Duplicate>,
    /// Rows not imported, and why, sorted by line.
    pub problems: Vec<Problem>,
}

/// A stored attendee to update.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Update {
    pub attendee_id: i64,
    /// The complete new state to store: the file's values, with the stored values kept where
    /// the file's cell is empty and stored extras merged key by key. `source` and `original`
    /// are the new row's.
    pub record: AttendeeRecord,
    /// What differs from the stored attendee (never empty).
    pub changed: Vec<ChangedField>,
}

/// One changed field: `ticket`, `given_name`, `family_name`, `email`, `contact_email`,
/// `organisation`, or `extra:HEADER` for an extra column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangedField {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl ChangedField {
    /// The field's name for people, in the interface language; an extra column is named by
    /// its header.
    pub fn label(&self, lang: Lang) -> String {
        let field = match self.field.as_str() {
            "ticket" => Field::Ticket,
            "given_name" => Field::GivenName,
            "family_name" => Field::FamilyName,
            "email" => Field::Email,
            "contact_email" => Field::ContactEmail,
            "organisation" => Field::Organisation,
            other => return other.strip_prefix("extra:").unwrap_or(other).to_string(),
        };
        field.label(lang).to_string()
    }
}

/// A stored attendee the file matches as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Unchanged {
    pub attendee_id: i64,
    pub line: u64,
}

impl ImportPlan {
    /// Whether the file had problems (the command then exits with 1).
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Number of distinct rows with at least one problem.
    pub fn problem_rows(&self) -> usize {
        let mut lines: Vec<(u64, &str)> = Vec::new();
        for p in &self.problems {
            lines.push((p.line, p.file.as_str()));
        }
        lines.sort_unstable();
        lines.dedup();
        lines.len()
    }
}

/// Compare a parsed file with the stored attendees.
pub fn plan(parsed: ParsedFile, existing: &[Attendee]) -> ImportPlan {
    plan_against(parsed, existing)
}

/// [`plan`] against the stored attendees as the store packs them for an import (a fraction of
/// the memory of full [`Attendee`] rows); the same plan.
pub fn plan_stored(parsed: ParsedFile, stored: &StoredAttendees) -> ImportPlan {
    plan_against(parsed, stored)
}

fn plan_against<S: Stored + ?Sized>(parsed: ParsedFile, existing: &S) -> ImportPlan {
    let ticket_column = parsed.mapping.column(Field::Ticket).map(|i| ColumnRef {
        index: i + 1,
        header: parsed.headers.get(i).cloned().unwrap_or_default(),
    });
    let deduped = dedupe(parsed.records, ticket_column);
    let mut problems = parsed.problems;
    problems.extend(deduped.problems);
    problems.sort_by_key(|p| p.line);
    let mut out = ImportPlan {
        file: parsed.file,
        rows: parsed.rows,
        duplicates_in_file: deduped.duplicates,
        problems,
        ..ImportPlan::default()
    };

    if existing.count() == 0 {
        out.to_add = deduped.records;
        return out;
    }
    // Tickets first for every record, then names: a name match never takes someone whose
    // ticket another row of the file claims.
    let mut keys = Keys::default();
    let stored = StoredIndex::new(existing, &mut keys);
    let mut used = vec![false; existing.count()];
    let mut matched: Vec<Option<usize>> = deduped
        .records
        .iter()
        .map(|r| {
            let i = stored.by_ticket(r, &used, &mut keys)?;
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
            Some(i)
        })
        .collect();
    for (r, m) in deduped.records.iter().zip(matched.iter_mut()) {
        if m.is_none() {
            *m = stored.by_name(r, &used, &mut keys);
            if let Some(u) = m.and_then(|i| used.get_mut(i)) {
                *u = true;
            }
        }
    }
    // Matched records leave the vector one at a time and are settled at once (an unchanged one
    // is freed there); what stays is `to_add`, without copying 100,000 rows.
    let mut records = deduped.records;
    let mut targets = matched
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<usize>>()
        .into_iter();
    let mut flags = matched.into_iter();
    let mut unmatched = Vec::new();
    for record in records.extract_if(.., |_| flags.next().flatten().is_some()) {
        let Some(a) = targets.next().and_then(|i| existing.attendee(i)) else {
            unmatched.push(record);
            continue;
        };
        let changed = merge_changes(&a, &record);
        if changed.is_empty() {
            out.unchanged.push(Unchanged {
                attendee_id: a.id,
                line: record.source.line,
            });
        } else {
            let merged = merge(&a, record);
            out.to_update.push(Update {
                attendee_id: a.id,
                record: merged,
                changed,
            });
        }
    }
    records.append(&mut unmatched);
    out.to_add = records;
    out
}

struct StoredIndex<'a, S: ?Sized> {
    existing: &'a S,
    by_ticket: Index,
    by_name_email: Index,
    by_name_org: Index,
}

impl<'a, S: Stored + ?Sized> StoredIndex<'a, S> {
    fn new(existing: &'a S, keys: &mut Keys) -> Self {
        let n = existing.count();
        let mut s = StoredIndex {
            existing,
            by_ticket: Index::with_capacity(n),
            by_name_email: Index::with_capacity(n),
            by_name_org: Index::with_capacity(0),
        };
        for i in 0..n {
            let Some(p) = existing.parts(i) else { continue };
            if let Some(h) = keys.hash(p, KeyKind::Ticket) {
                s.by_ticket.insert(h, i);
            }
            if let Some(h) = keys.hash(p, KeyKind::NameEmail) {
                s.by_name_email.insert(h, i);
            } else if let Some(h) = keys.hash(p, KeyKind::NameOrg) {
                s.by_name_org.insert(h, i);
            }
        }
        s
    }

    fn by_ticket(&self, r: &AttendeeRecord, used: &[bool], keys: &mut Keys) -> Option<usize> {
        let p = Parts::of_record(r);
        let h = keys.hash(p, KeyKind::Ticket)?;
        self.by_ticket.rows(h).find(|&i| {
            !used.get(i).copied().unwrap_or(true)
                && self
                    .existing
                    .parts(i)
                    .is_some_and(|a| keys.equal(a, p, KeyKind::Ticket))
        })
    }

    fn by_name(&self, r: &AttendeeRecord, used: &[bool], keys: &mut Keys) -> Option<usize> {
        let p = Parts::of_record(r);
        let (index, kind) = if r.email.is_some() {
            (&self.by_name_email, KeyKind::NameEmail)
        } else {
            (&self.by_name_org, KeyKind::NameOrg)
        };
        let h = keys.hash(p, kind)?;
        // Without a ticket match, never take someone who holds another ticket.
        let open: Vec<usize> = index
            .rows(h)
            .filter(|&i| {
                !used.get(i).copied().unwrap_or(true)
                    && (r.ticket.is_none() || !self.existing.has_ticket(i))
                    && self
                        .existing
                        .parts(i)
                        .is_some_and(|a| keys.equal(a, p, kind))
            })
            .collect();
        if open.len() <= 1 {
            return open.first().copied();
        }
        let equal = |i: &usize| {
            self.existing
                .attendee(*i)
                .is_some_and(|a| merge_changes(&a, r).is_empty())
        };
        let same_line = |i: &usize| {
            self.existing
                .source(*i)
                .is_some_and(|(file, line)| line == r.source.line && file == r.source.file)
        };
        open.iter()
            .find(|i| equal(i))
            .or_else(|| open.iter().find(|i| same_line(i)))
            .or_else(|| open.first())
            .copied()
    }
}

/// Whether the names read the same ("Marie Curie" in one column equals "Marie" + "Curie").
fn same_display(a: &Attendee, r: &AttendeeRecord) -> bool {
    (a.given_name == r.given_name && a.family_name == r.family_name)
        || a.display_name() == r.display_name()
}

/// What would change if `r` were merged into `a`.
fn merge_changes(a: &Attendee, r: &AttendeeRecord) -> Vec<ChangedField> {
    let mut changed = Vec::new();
    let mut field = |name: &str, old: &Option<String>, new: &Option<String>| {
        if new.is_some() && new != old {
            changed.push(ChangedField {
                field: name.to_string(),
                old: old.clone(),
                new: new.clone(),
            });
        }
    };
    field("ticket", &a.ticket, &r.ticket);
    // The name is one unit: "Marie Curie" in one column equals given "Marie" + family "Curie".
    if !same_display(a, r) {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        for (name, old, new) in [
            ("given_name", &a.given_name, &r.given_name),
            ("family_name", &a.family_name, &r.family_name),
        ] {
            if old != new {
                changed.push(ChangedField {
                    field: name.to_string(),
                    old: some(old),
                    new: some(new),
                });
            }
        }
    }
    let mut field = |name: &str, old: &Option<String>, new: &Option<String>| {
        if new.is_some() && new != old {
            changed.push(ChangedField {
                field: name.to_string(),
                old: old.clone(),
                new: new.clone(),
            });
        }
    };
    field("email", &a.email, &r.email);
    field("contact_email", &a.contact_email, &r.contact_email);
    field("organisation", &a.organisation, &r.organisation);
    for (k, v) in &r.extra {
        if a.extra.get(k) != Some(v) {
            changed.push(ChangedField {
                field: format!("extra:{k}"),
                old: a.extra.get(k).cloned(),
                new: Some(v.clone()),
            });
        }
    }
    changed
}

/// The record to store for `a` updated from `r`: empty cells keep the stored values.
fn merge(a: &Attendee, mut r: AttendeeRecord) -> AttendeeRecord {
    if same_display(a, &r) {
        r.given_name.clone_from(&a.given_name);
        r.family_name.clone_from(&a.family_name);
    }
    for (mine, stored) in [
        (&mut r.ticket, &a.ticket),
        (&mut r.email, &a.email),
        (&mut r.contact_email, &a.contact_email),
        (&mut r.organisation, &a.organisation),
    ] {
        if mine.is_none() {
            mine.clone_from(stored);
        }
    }
    for (k, v) in &a.extra {
        r.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
    r
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
