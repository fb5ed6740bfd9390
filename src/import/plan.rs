//! The merge plan: the file's records compared with the attendees already stored, as data the
//! store applies in one transaction. Identity rules: see the `import` module docs.

use std::collections::HashMap;

use crate::model::{Attendee, AttendeeRecord};

use super::ParsedFile;
pub use super::dedupe::{Duplicate, SameBy};
use super::dedupe::{dedupe, fold_fast, name_key, pair_key};
use super::mapping::Field;
use super::normalise::ticket_key;
use super::problems::{ColumnRef, Problem};

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

    if existing.is_empty() {
        out.to_add = deduped.records;
        return out;
    }
    // Tickets first for every record, then names: a name match never takes someone whose
    // ticket another row of the file claims.
    let stored = StoredIndex::new(existing);
    let mut used = vec![false; existing.len()];
    let mut matched: Vec<Option<usize>> = deduped
        .records
        .iter()
        .map(|r| {
            let i = stored.by_ticket(r, &used)?;
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
            Some(i)
        })
        .collect();
    for (r, m) in deduped.records.iter().zip(matched.iter_mut()) {
        if m.is_none() {
            *m = stored.by_name(r, &used);
            if let Some(u) = m.and_then(|i| used.get_mut(i)) {
                *u = true;
            }
        }
    }
    // Matched records leave the vector; what stays is `to_add`, without copying 100,000 rows.
    let mut records = deduped.records;
    let targets: Vec<usize> = matched.iter().flatten().copied().collect();
    let mut flags = matched.into_iter();
    let found: Vec<(AttendeeRecord, usize)> = records
        .extract_if(.., |_| flags.next().flatten().is_some())
        .zip(targets)
        .collect();
    out.to_add = records;
    for (record, i) in found {
        let Some(a) = existing.get(i) else {
            out.to_add.push(record);
            continue;
        };
        let (merged, changed) = merge(a, record);
        if changed.is_empty() {
            out.unchanged.push(Unchanged {
                attendee_id: a.id,
                line: merged.source.line,
            });
        } else {
            out.to_update.push(Update {
                attendee_id: a.id,
                record: merged,
                changed,
            });
        }
    }
    out
}

struct StoredIndex<'a> {
    existing: &'a [Attendee],
    by_ticket: HashMap<String, Vec<usize>>,
    by_name_email: HashMap<String, Vec<usize>>,
    by_name_org: HashMap<String, Vec<usize>>,
}

impl<'a> StoredIndex<'a> {
    fn new(existing: &'a [Attendee]) -> Self {
        let mut s = StoredIndex {
            existing,
            by_ticket: HashMap::with_capacity(existing.len()),
            by_name_email: HashMap::with_capacity(existing.len()),
            by_name_org: HashMap::new(),
        };
        for (i, a) in existing.iter().enumerate() {
            let name = name_key(&a.given_name, &a.family_name);
            if let Some(t) = &a.ticket {
                s.by_ticket.entry(ticket_key(t)).or_default().push(i);
            }
            match &a.email {
                Some(e) => s.by_name_email.entry(pair_key(&name, &e.to_lowercase())),
                None => s.by_name_org.entry(pair_key(
                    &name,
                    &fold_fast(a.organisation.as_deref().unwrap_or("")),
                )),
            }
            .or_default()
            .push(i);
        }
        s
    }

    fn by_ticket(&self, r: &AttendeeRecord, used: &[bool]) -> Option<usize> {
        let free = |i: &usize| !used.get(*i).copied().unwrap_or(true);
        let t = r.ticket.as_ref()?;
        self.by_ticket
            .get(&ticket_key(t))
            .and_then(|v| v.iter().copied().find(|i| free(i)))
    }

    fn by_name(&self, r: &AttendeeRecord, used: &[bool]) -> Option<usize> {
        let free = |i: &usize| !used.get(*i).copied().unwrap_or(true);
        // Without a ticket match, never take someone who holds another ticket.
        let ticket_ok = |i: &usize| {
            r.ticket.is_none() || self.existing.get(*i).is_some_and(|a| a.ticket.is_none())
        };
        let name = name_key(&r.given_name, &r.family_name);
        let candidates = match &r.email {
            Some(e) => self.by_name_email.get(&pair_key(&name, e)),
            None => self.by_name_org.get(&pair_key(
                &name,
                &fold_fast(r.organisation.as_deref().unwrap_or("")),
            )),
        }?;
        let open: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|i| free(i) && ticket_ok(i))
            .collect();
        let equal = |i: &usize| {
            self.existing
                .get(*i)
                .is_some_and(|a| merge_changes(a, r).is_empty())
        };
        let same_line = |i: &usize| {
            self.existing.get(*i).is_some_and(|a| {
                a.source
                    .as_ref()
                    .is_some_and(|s| s.line == r.source.line && s.file == r.source.file)
            })
        };
        open.iter()
            .find(|i| equal(i))
            .or_else(|| open.iter().find(|i| same_line(i)))
            .or_else(|| open.first())
            .copied()
    }
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
    if a.display_name() != r.display_name() {
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

/// The record to store for `a` updated from `r`, and the changes.
fn merge(a: &Attendee, mut r: AttendeeRecord) -> (AttendeeRecord, Vec<ChangedField>) {
    let changed = merge_changes(a, &r);
    if a.display_name() == r.display_name() {
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
    (r, changed)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
