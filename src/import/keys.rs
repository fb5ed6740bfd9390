//! Identity keys (see the `import` module docs) without a `String` per key: the key text is
//! folded into a reused buffer and hashed to 64 bits; indexes map hashes to chains of rows, and
//! every hit is confirmed by comparing the key texts, so a hash collision can never merge two
//! people.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::model::{Attendee, AttendeeRecord};

/// Which identity key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The ticket, trimmed and folded.
    Ticket,
    /// Folded name + e-mail.
    NameEmail,
    /// Folded name + folded organisation (for people without ticket and e-mail).
    NameOrg,
}

/// The fields the keys are made of, from a record or a stored attendee.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub ticket: Option<&'a str>,
    pub given: &'a str,
    pub family: &'a str,
    pub email: Option<&'a str>,
    pub organisation: Option<&'a str>,
}

impl<'a> Parts<'a> {
    pub fn of_record(r: &'a AttendeeRecord) -> Self {
        Parts {
            ticket: r.ticket.as_deref(),
            given: &r.given_name,
            family: &r.family_name,
            email: r.email.as_deref(),
            organisation: r.organisation.as_deref(),
        }
    }

    pub fn of_attendee(a: &'a Attendee) -> Self {
        Parts {
            ticket: a.ticket.as_deref(),
            given: &a.given_name,
            family: &a.family_name,
            email: a.email.as_deref(),
            organisation: a.organisation.as_deref(),
        }
    }
}

/// `text::fold` appended to `out`, with the same result, but the Unicode machinery only for
/// non-ASCII characters and no allocation: folding works character by character (NFKD
/// decomposes each character on its own, and the combining marks whose order NFKD would fix
/// are all dropped).
pub fn fold_into(out: &mut String, s: &str) {
    let mut rest = s;
    while !rest.is_empty() {
        // A run of ASCII is copied and lowercased in one go (names are mostly ASCII).
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(ascii);
        push_ascii_lowercase(out, run);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            decompose_compatible(c, |d| fold_char(d, out));
        }
        rest = chars.as_str();
    }
}

/// Append ASCII text lowercased.
fn push_ascii_lowercase(out: &mut String, run: &str) {
    let start = out.len();
    out.push_str(run);
    if let Some(added) = out.get_mut(start..) {
        added.make_ascii_lowercase();
    }
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

/// `text::fold` as a new string (see [`fold_into`]).
pub fn fold_fast(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(&mut out, s);
    out
}

/// Folded display name ("given family").
pub fn write_name(out: &mut String, given: &str, family: &str) {
    fold_into(out, given);
    if !family.is_empty() {
        if !given.is_empty() {
            out.push(' ');
        }
        fold_into(out, family);
    }
}

/// Write the key text of `kind`; false when the parts have no such key (no ticket, no e-mail).
fn write_key(out: &mut String, p: Parts<'_>, kind: KeyKind) -> bool {
    out.clear();
    match kind {
        KeyKind::Ticket => match p.ticket.map(str::trim) {
            Some(t) if !t.is_empty() => fold_into(out, t),
            _ => return false,
        },
        KeyKind::NameEmail => {
            let Some(e) = p.email else { return false };
            write_name(out, p.given, p.family);
            out.push('\0');
            if e.is_ascii() {
                push_ascii_lowercase(out, e);
            } else {
                out.extend(e.chars().flat_map(char::to_lowercase));
            }
        }
        KeyKind::NameOrg => {
            write_name(out, p.given, p.family);
            out.push('\0');
            fold_into(out, p.organisation.unwrap_or(""));
        }
    }
    true
}

/// Reused buffers for building and comparing keys.
#[derive(Debug, Default)]
pub struct Keys {
    a: String,
    b: String,
}

impl Keys {
    /// The 64-bit hash of the key, or `None` when the parts have no such key.
    pub fn hash(&mut self, p: Parts<'_>, kind: KeyKind) -> Option<u64> {
        if !write_key(&mut self.a, p, kind) {
            return None;
        }
        // SipHash with fixed keys: deterministic from run to run.
        let mut h = std::hash::DefaultHasher::new();
        self.a.hash(&mut h);
        Some(h.finish())
    }

    /// Whether `x` and `y` have the same key of this kind (both must have one).
    pub fn equal(&mut self, x: Parts<'_>, y: Parts<'_>, kind: KeyKind) -> bool {
        write_key(&mut self.a, x, kind) && write_key(&mut self.b, y, kind) && self.a == self.b
    }

    /// Whether the folded names are equal.
    pub fn same_name(&mut self, x: Parts<'_>, y: Parts<'_>) -> bool {
        self.a.clear();
        self.b.clear();
        write_name(&mut self.a, x.given, x.family);
        write_name(&mut self.b, y.given, y.family);
        self.a == self.b
    }
}

/// Hashes are already well mixed: the map uses them as they are.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

const END: usize = usize::MAX;

/// Key hash → rows with that hash, in insertion order.
#[derive(Debug, Default)]
pub struct Index {
    heads: HashMap<u64, (usize, usize), BuildHasherDefault<PassThrough>>,
    next: Vec<usize>,
}

impl Index {
    pub fn with_capacity(n: usize) -> Self {
        Index {
            heads: HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
            next: Vec::new(),
        }
    }

    /// Add row `i` under `hash` (each row at most once per index).
    pub fn insert(&mut self, hash: u64, i: usize) {
        if self.next.len() <= i {
            self.next.resize(i + 1, END);
        }
        match self.heads.get_mut(&hash) {
            Some((_, tail)) => {
                if let Some(slot) = self.next.get_mut(*tail) {
                    *slot = i;
                }
                *tail = i;
            }
            None => {
                self.heads.insert(hash, (i, i));
            }
        }
    }

    /// The rows under `hash`, first inserted first.
    pub fn rows(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let mut i = self.heads.get(&hash).map(|h| h.0).unwrap_or(END);
        std::iter::from_fn(move || {
            if i == END {
                return None;
            }
            let row = i;
            i = self.next.get(i).copied().unwrap_or(END);
            Some(row)
        })
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

    #[test]
    fn index_keeps_insertion_order_per_hash() {
        let mut ix = Index::with_capacity(4);
        ix.insert(7, 0);
        ix.insert(9, 1);
        ix.insert(7, 3);
        assert_eq!(ix.rows(7).collect::<Vec<_>>(), [0, 3]);
        assert_eq!(ix.rows(9).collect::<Vec<_>>(), [1]);
        assert_eq!(ix.rows(8).count(), 0);
    }

    #[test]
    fn keys_compare_folded_text() {
        let mut k = Keys::default();
        let a = Parts {
            ticket: Some(" fr-1 "),
            given: "Hélène",
            family: "Œuvray",
            email: Some("h@x.fr"),
            organisation: None,
        };
        let b = Parts {
            ticket: Some("FR-1"),
            given: "HELENE",
            family: "oeuvray",
            email: Some("H@X.FR"),
            organisation: Some(""),
        };
        assert_eq!(k.hash(a, KeyKind::Ticket), k.hash(b, KeyKind::Ticket));
        assert!(k.equal(a, b, KeyKind::NameEmail));
        assert!(k.equal(a, b, KeyKind::NameOrg));
        assert!(k.same_name(a, b));
        let c = Parts { email: None, ..a };
        assert_eq!(k.hash(c, KeyKind::NameEmail), None);
    }
}
