//! The same person twice in one file becomes one record (identity rules in the module docs of
//! `import`): same ticket; else same folded name and e-mail; else, without ticket and e-mail,
//! identical rows. The first row is kept and its empty fields are filled from the later one.

use crate::model::AttendeeRecord;

use super::keys::{Index, KeyKind, Keys, Parts};
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

/// Merge the duplicates of `records` in place (file order kept). `ticket_column` names the
/// ticket column in conflict reports.
pub fn dedupe(mut records: Vec<AttendeeRecord>, ticket_column: Option<ColumnRef>) -> Deduped {
    let mut out = Deduped::default();
    let n = records.len();
    let mut keep = vec![true; n];
    let hashes = row_hashes(&records);
    let mut keys = Keys::default();
    let mut by_ticket = Index::with_capacity(n);
    let mut by_name_email = Index::with_capacity(n);
    let mut by_name_org = Index::with_capacity(0);
    for j in 0..n {
        let Some(r) = records.get(j) else { break };
        let p = Parts::of_record(r);
        let RowHashes {
            ticket: t_hash,
            name_email: e_hash,
            name_org,
        } = hashes.get(j).copied().unwrap_or_default();
        let mut same: Option<(usize, SameBy)> = None;
        let mut conflict: Option<u64> = None;
        if let Some(h) = t_hash {
            let held = by_ticket.rows(h).find(|&i| {
                records
                    .get(i)
                    .is_some_and(|k| keys.equal(Parts::of_record(k), p, KeyKind::Ticket))
            });
            if let Some(kept) = held.and_then(|i| records.get(i).map(|k| (i, k))) {
                if keys.same_name(Parts::of_record(kept.1), p) {
                    same = Some((kept.0, SameBy::Ticket));
                } else {
                    conflict = Some(kept.1.source.line);
                }
            }
        }
        if let Some(first_line) = conflict {
            out.problems.push(Problem {
                file: r.source.file.clone(),
                line: r.source.line,
                column: ticket_column.clone(),
                kind: ProblemKind::TicketConflict {
                    ticket: r.ticket.clone().unwrap_or_default(),
                    first_line,
                },
            });
            if let Some(k) = keep.get_mut(j) {
                *k = false;
            }
            continue;
        }
        let mut o_hash = None;
        if same.is_none() {
            if let Some(h) = e_hash {
                same = by_name_email
                    .rows(h)
                    .find(|&i| {
                        records.get(i).is_some_and(|k| {
                            (t_hash.is_none() || k.ticket.is_none())
                                && keys.equal(Parts::of_record(k), p, KeyKind::NameEmail)
                        })
                    })
                    .map(|i| (i, SameBy::NameAndEmail));
            } else if t_hash.is_none() {
                let h = name_org;
                o_hash = h;
                same = h
                    .and_then(|h| {
                        by_name_org
                            .rows(h)
                            .find(|&i| records.get(i).is_some_and(|k| same_fields(k, r)))
                    })
                    .map(|i| (i, SameBy::IdenticalRow));
            } else {
                o_hash = name_org;
            }
        }
        if let Some((i, by)) = same {
            let dup = r.clone();
            if let Some(k) = keep.get_mut(j) {
                *k = false;
            }
            if let Some(kept) = records.get_mut(i) {
                out.duplicates.push(Duplicate {
                    kept_line: kept.source.line,
                    dropped_line: dup.source.line,
                    by,
                });
                let had_ticket = kept.ticket.is_some();
                fill_missing(kept, &dup);
                if let (false, Some(h)) = (had_ticket, t_hash) {
                    by_ticket.insert(h, i);
                }
            }
            continue;
        }
        if let Some(h) = t_hash {
            by_ticket.insert(h, j);
        }
        match (e_hash, o_hash) {
            (Some(h), _) => by_name_email.insert(h, j),
            (None, Some(h)) => by_name_org.insert(h, j),
            (None, None) => {}
        }
    }
    let mut flags = keep.into_iter();
    records.retain(|_| flags.next().unwrap_or(true));
    out.records = records;
    out
}

/// The identity-key hashes of one record (name + organisation only for rows without e-mail,
/// the only ones that use it).
#[derive(Debug, Clone, Copy, Default)]
struct RowHashes {
    ticket: Option<u64>,
    name_email: Option<u64>,
    name_org: Option<u64>,
}

/// Below this many records, hashing on one thread is cheaper than starting others.
const PARALLEL_FROM: usize = 20_000;

/// Every record's key hashes. Each depends on its record alone, so large files are hashed in
/// chunks on every core; the merging pass that uses them stays sequential.
fn row_hashes(records: &[AttendeeRecord]) -> Vec<RowHashes> {
    fn hash_all(chunk: &[AttendeeRecord]) -> Vec<RowHashes> {
        let mut keys = Keys::default();
        chunk
            .iter()
            .map(|r| {
                let p = Parts::of_record(r);
                let name_email = keys.hash(p, KeyKind::NameEmail);
                RowHashes {
                    ticket: keys.hash(p, KeyKind::Ticket),
                    name_email,
                    name_org: match name_email {
                        Some(_) => None,
                        None => keys.hash(p, KeyKind::NameOrg),
                    },
                }
            })
            .collect()
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if records.len() < PARALLEL_FROM || threads < 2 {
        return hash_all(records);
    }
    let size = records.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(size)
            .skip(1)
            .map(|chunk| {
                let handle = std::thread::Builder::new()
                    .spawn_scoped(scope, move || hash_all(chunk))
                    .ok();
                (handle, chunk)
            })
            .collect();
        let mut out = hash_all(records.get(..size).unwrap_or(records));
        for (handle, chunk) in handles {
            match handle.and_then(|h| h.join().ok()) {
                Some(hashes) => out.extend(hashes),
                None => out.extend(hash_all(chunk)),
            }
        }
        out
    })
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
