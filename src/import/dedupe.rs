//! The same person twice in one file becomes one record (identity rules in the module docs of
//! `import`): same ticket; else same folded name and e-mail; else, without ticket and e-mail,
//! identical rows. The first row is kept and its empty fields are filled from the later one.

use std::collections::HashMap;

use crate::model::AttendeeRecord;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

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
    let mut key = fold_fast(given);
    if !family.is_empty() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&fold_fast(family));
    }
    key
}

/// `text::fold`, with the same result, but the Unicode machinery only for non-ASCII characters:
/// folding works character by character (NFKD decomposes each character on its own, and the
/// combining marks whose order NFKD would fix are all dropped).
pub fn fold_fast(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            decompose_compatible(c, |d| fold_char(d, &mut out));
        }
    }
    out
}

/// One character of an NFKD decomposition, as `text::fold` treats it.
fn fold_char(c: char, out: &mut String) {
    if is_combining_mark(c) {
        return;
    }
    match c {
        'Œ' | 'œ' => out.push_str("oe"),
        'Æ' | 'æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        'Ø' | 'ø' => out.push('o'),
        'Đ' | 'đ' => out.push('d'),
        'Ł' | 'ł' => out.push('l'),
        '’' | 'ʼ' | '‘' => out.push('\''),
        c => out.extend(c.to_lowercase()),
    }
}

/// `name \0 second` as one map key.
pub fn pair_key(name: &str, second: &str) -> String {
    let mut k = String::with_capacity(name.len() + second.len() + 1);
    k.push_str(name);
    k.push('\0');
    k.push_str(second);
    k
}

const NONE: usize = usize::MAX;

/// Merge the duplicates of `records` in place (file order kept). `ticket_column` names the
/// ticket column in conflict reports.
pub fn dedupe(mut records: Vec<AttendeeRecord>, ticket_column: Option<ColumnRef>) -> Deduped {
    let mut out = Deduped::default();
    let n = records.len();
    let mut keep = vec![true; n];
    let mut by_ticket: HashMap<String, usize> = HashMap::with_capacity(n);
    // Head of a chain of kept rows with the same key; `next` links the chain.
    let mut by_name_email: HashMap<String, usize> = HashMap::with_capacity(n);
    let mut by_name_org: HashMap<String, usize> = HashMap::new();
    let mut next = vec![NONE; n];
    for j in 0..n {
        let Some(r) = records.get(j) else { break };
        let name = name_key(&r.given_name, &r.family_name);
        let tkey = r.ticket.as_deref().map(ticket_key);
        let chain = |head: Option<&usize>, next: &[usize]| {
            let mut v = Vec::new();
            let mut i = head.copied().unwrap_or(NONE);
            while i != NONE {
                v.push(i);
                i = next.get(i).copied().unwrap_or(NONE);
            }
            v.reverse();
            v
        };
        let mut same: Option<(usize, SameBy)> = None;
        if let Some(&i) = tkey.as_ref().and_then(|k| by_ticket.get(k)) {
            let kept_name = records
                .get(i)
                .map(|k| name_key(&k.given_name, &k.family_name));
            if kept_name.as_ref() != Some(&name) {
                let first_line = records.get(i).map(|k| k.source.line).unwrap_or(0);
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
            same = Some((i, SameBy::Ticket));
        }
        let email_key = r.email.as_deref().map(|e| pair_key(&name, e));
        let org_key = || pair_key(&name, &fold_fast(r.organisation.as_deref().unwrap_or("")));
        if same.is_none() {
            if let Some(k) = &email_key {
                same = chain(by_name_email.get(k), &next)
                    .into_iter()
                    .find(|&i| tkey.is_none() || records.get(i).is_some_and(|k| k.ticket.is_none()))
                    .map(|i| (i, SameBy::NameAndEmail));
            } else if tkey.is_none() {
                same = chain(by_name_org.get(&org_key()), &next)
                    .into_iter()
                    .find(|&i| records.get(i).is_some_and(|k| same_fields(k, r)))
                    .map(|i| (i, SameBy::IdenticalRow));
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
                fill_missing(kept, &dup);
                if let (Some(k), Some(_)) = (tkey, &kept.ticket) {
                    by_ticket.entry(k).or_insert(i);
                }
            }
            continue;
        }
        if let Some(k) = tkey {
            by_ticket.insert(k, j);
        }
        let (map, key) = match email_key {
            Some(k) => (&mut by_name_email, k),
            None => (&mut by_name_org, org_key()),
        };
        let head = map.insert(key, j).unwrap_or(NONE);
        if let Some(slot) = next.get_mut(j) {
            *slot = head;
        }
    }
    let mut flags = keep.into_iter();
    records.retain(|_| flags.next().unwrap_or(true));
    out.records = records;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn fold_fast_equals_fold() {
        for s in [
            "Hélène",
            "ŒUVRAY",
            "Nguyễn Thị Ngọc",
            "N’Diaye",
            "Đặng",
            "He\u{301}le\u{300}ne",
            "ﬁn ½ Ⅻ",
            "ΣΊΣΥΦΟΣ",
            "한국어",
            "Straße",
            "ǅemal",
            "x\u{0327}\u{0301}y",
            "FR26-0001",
        ] {
            assert_eq!(fold_fast(s), fold(s), "{s:?}");
        }
    }
}
