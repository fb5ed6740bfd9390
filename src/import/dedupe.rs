//! The same person twice in one file becomes one record (identity rules in the module docs of
//! `import`): same ticket; else same folded name and e-mail; else, without ticket and e-mail,
//! identical rows. The first row is kept and its empty fields are filled from the later one.

use std::collections::HashMap;

use crate::model::AttendeeRecord;
use crate::text::fold;

use super::normalise::ticket_key;
use super::problems::{ColumnRef, Problem, ProblemKind};

/// Why two rows were taken for the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SameBy {
    Ticket,
    NameAndEmail,
    IdenticalRow,
}

/// A row left out because an earlier row is the same person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Duplicate {
    /// Line of the row kept.
    pub kept_line: u64,
    /// Line of the row merged into it.
    pub dropped_line: u64,
    pub by: SameBy,
}

/// Records with in-file duplicates merged, plus what was merged and the conflicts found.
#[derive(Debug, Default)]
pub struct Deduped {
    pub records: Vec<AttendeeRecord>,
    pub duplicates: Vec<Duplicate>,
    pub problems: Vec<Problem>,
}

/// Folded display name: the name part of every identity key.
pub fn name_key(given: &str, family: &str) -> String {
    fold(&crate::model::display_name(given, family))
}

/// Merge the duplicates of `records` (file order kept). `ticket_column` names the ticket column
/// in conflict reports.
pub fn dedupe(records: Vec<AttendeeRecord>, ticket_column: Option<ColumnRef>) -> Deduped {
    let mut out = Deduped::default();
    let mut by_ticket: HashMap<String, usize> = HashMap::new();
    let mut by_name_email: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut by_name_org: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for r in records {
        let name = name_key(&r.given_name, &r.family_name);
        let tkey = r.ticket.as_deref().map(ticket_key);
        let mut same: Option<(usize, SameBy)> = None;
        if let Some(&i) = tkey.as_ref().and_then(|k| by_ticket.get(k)) {
            {
                let Some(kept) = out.records.get(i) else {
                    continue;
                };
                if name_key(&kept.given_name, &kept.family_name) != name {
                    out.problems.push(Problem {
                        file: r.source.file.clone(),
                        line: r.source.line,
                        column: ticket_column.clone(),
                        kind: ProblemKind::TicketConflict {
                            ticket: r.ticket.clone().unwrap_or_default(),
                            first_line: kept.source.line,
                        },
                    });
                    continue;
                }
                same = Some((i, SameBy::Ticket));
            }
        }
        if same.is_none() {
            if let Some(e) = &r.email {
                let found = by_name_email.get(&(name.clone(), e.clone())).and_then(|v| {
                    v.iter().copied().find(|&i| {
                        tkey.is_none() || out.records.get(i).is_some_and(|k| k.ticket.is_none())
                    })
                });
                same = found.map(|i| (i, SameBy::NameAndEmail));
            } else if tkey.is_none() {
                let key = (name.clone(), fold(r.organisation.as_deref().unwrap_or("")));
                let found = by_name_org.get(&key).and_then(|v| {
                    v.iter()
                        .copied()
                        .find(|&i| out.records.get(i).is_some_and(|k| same_fields(k, &r)))
                });
                same = found.map(|i| (i, SameBy::IdenticalRow));
            }
        }
        if let Some((i, by)) = same {
            if let Some(kept) = out.records.get_mut(i) {
                out.duplicates.push(Duplicate {
                    kept_line: kept.source.line,
                    dropped_line: r.source.line,
                    by,
                });
                fill_missing(kept, &r);
                if let (Some(k), Some(_)) = (&tkey, &kept.ticket) {
                    by_ticket.entry(k.clone()).or_insert(i);
                }
            }
            continue;
        }
        let i = out.records.len();
        if let Some(k) = tkey {
            by_ticket.insert(k, i);
        }
        match &r.email {
            Some(e) => by_name_email.entry((name, e.clone())).or_default().push(i),
            None => {
                let key = (name, fold(r.organisation.as_deref().unwrap_or("")));
                by_name_org.entry(key).or_default().push(i);
            }
        }
        out.records.push(r);
    }
    out
}

/// Every normalised field equal (the source line aside).
pub fn same_fields(a: &AttendeeRecord, b: &AttendeeRecord) -> bool {
    a.ticket == b.ticket
        && a.given_name == b.given_name
        && a.family_name == b.family_name
        && a.email == b.email
        && a.contact_email == b.contact_email
        && a.organisation == b.organisation
        && a.extra == b.extra
}

fn fill_missing(kept: &mut AttendeeRecord, other: &AttendeeRecord) {
    for (mine, theirs) in [
        (&mut kept.ticket, &other.ticket),
        (&mut kept.email, &other.email),
        (&mut kept.contact_email, &other.contact_email),
        (&mut kept.organisation, &other.organisation),
    ] {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    }
    for (k, v) in &other.extra {
        kept.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
}
