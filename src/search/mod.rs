//! The roster search index: search as you type over name, organisation, ticket and e-mail.
//!
//! Matching is case- and accent-insensitive (everything goes through `crate::text::fold`), word
//! order free (every query word must match some field, and two query words never count the
//! same name word twice), and ranked best first: a whole name word beats a name-word prefix,
//! which beats a substring, which beats an e-mail hit. When the exact pass finds almost
//! nothing, a second typo-tolerant pass (nucleo fuzzy matching plus one-edit word prefixes)
//! fills in, always below the exact hits so typos never flood the list.
//!
//! The folded text of every attendee lives in one string (no allocation per attendee), and a
//! query that extends the previous one only rescans the previous matches.
//! Pure and synchronous: no terminal, no store.

mod initials;
mod query;
mod scan;
mod score;

use std::cell::RefCell;
use std::cmp::Ordering;

use crate::model::Attendee;
use crate::text::fold;

use initials::InitialHits;

pub use score::{Tier, word_score};

/// Below this many exact hits the typo-tolerant pass runs.
const FUZZY_FALLBACK_BELOW: usize = 5;

/// The fields of one attendee the index reads (it folds and keeps its own copy).
#[derive(Debug, Clone, Copy, Default)]
pub struct Person<'a> {
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub organisation: &'a str,
    pub ticket: &'a str,
    pub email: &'a str,
}

impl<'a> From<&'a Attendee> for Person<'a> {
    fn from(a: &'a Attendee) -> Person<'a> {
        Person {
            given_name: &a.given_name,
            family_name: &a.family_name,
            organisation: a.organisation.as_deref().unwrap_or(""),
            ticket: a.ticket.as_deref().unwrap_or(""),
            email: a.email.as_deref().unwrap_or(""),
        }
    }
}

/// One attendee as the index sees it: where its folded haystack
/// (`given family \0 organisation \0 ticket \0 email`) sits in the shared text, so each query
/// word costs one scan. Offsets after `at` are relative to it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Bit per ASCII letter or digit that starts a word of the name (`initials`) or of another
    /// field (`other_initials`): one-character queries, the first keystroke and the only full
    /// scan, are answered without reading the text.
    initials: u64,
    other_initials: u64,
    /// A bit per pair of adjacent bytes of the haystack (hashed): an entry missing a bit of a
    /// query word cannot contain it, and is passed over without reading its text.
    bigrams: u128,
    at: u32,
    len: u32,
    family_at: u32,
    org_at: u32,
    ticket_at: u32,
    email_at: u32,
}

/// A match: the attendee's position in the slice the index was built from, and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub pos: u32,
    pub score: u32,
}

/// The ranked answer to a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResult {
    /// Best first, at most the requested limit.
    pub hits: Vec<Hit>,
    /// How many attendees matched in all (before the limit).
    pub total: usize,
    /// True when the hits come from the typo-tolerant pass.
    pub fuzzy: bool,
}

/// The search index over a roster. Positions are indexes into the roster slice, in the order
/// attendees were added.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Every entry's folded haystack, one after the other.
    text: String,
    entries: Vec<Entry>,
    /// Alphabetical rank (family name, given name) of each entry: the tie-breaker, and the order
    /// of the empty query.
    rank: Vec<u32>,
    /// Positions in alphabetical order.
    order: Vec<u32>,
    /// Positions that have a ticket, sorted by folded ticket (binary search, no map of copies).
    tickets: Vec<u32>,
    /// The ranked hits of every one-character query (per ASCII letter or digit, as
    /// `initial_bit` numbers them), computed with the index: the first keystroke, which
    /// matches the most people, costs no scan and no sort.
    initial_hits: Vec<InitialHits>,
    /// Recent queries and their unfiltered hits. Adding characters only narrows a search, so
    /// the next keystroke scans the previous hits instead of the whole roster.
    cache: RefCell<Vec<Cached>>,
    /// Two-character queries answered lately, newest last, kept across names: "le" or "ma"
    /// scan most of the roster (every "…@exemple.fr" contains "le"), and a desk types the same
    /// few starts all day.
    pairs: RefCell<Vec<Cached>>,
}

#[derive(Debug, Clone)]
struct Cached {
    query: String,
    hits: Vec<Hit>,
    fuzzy: bool,
}

/// Queries remembered (one per keystroke of the current name).
const CACHE_DEPTH: usize = 24;
/// Two-character queries remembered across names, and at most this many hits in all (8 bytes
/// each: 8 MB), so a huge roster cannot make the memory grow much.
const PAIRS_KEPT: usize = 24;
const PAIR_HITS_KEPT: usize = 1_000_000;

impl SearchIndex {
    /// Builds the index, calling `progress(done, total)` every few thousand attendees.
    pub fn build(attendees: &[Attendee], progress: &mut dyn FnMut(usize, usize)) -> SearchIndex {
        SearchIndex::build_from(
            attendees.iter().map(Person::from),
            attendees.len(),
            progress,
        )
    }

    /// Builds the index from borrowed fields (`total` is only for the progress reports).
    pub fn build_from<'a>(
        people: impl IntoIterator<Item = Person<'a>>,
        total: usize,
        progress: &mut dyn FnMut(usize, usize),
    ) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.entries.reserve(total);
        // Folded fields run about 60 bytes per attendee.
        index.text.reserve(total.saturating_mul(64));
        for (i, p) in people.into_iter().enumerate() {
            if i % 4096 == 0 {
                progress(i, total);
            }
            index.push_entry(p);
        }
        index.text.shrink_to_fit();
        let mut tickets: Vec<u32> = (0..index.entries.len() as u32)
            .filter(|&p| !index.ticket_of(p).is_empty())
            .collect();
        tickets.sort_by(|&a, &b| index.ticket_of(a).cmp(index.ticket_of(b)));
        // Tickets are unique in the store; should two ever fold alike, the newest wins.
        tickets.reverse();
        tickets.dedup_by(|a, b| index.ticket_of(*a) == index.ticket_of(*b));
        tickets.reverse();
        index.tickets = tickets;
        index.reorder();
        progress(index.len(), total.max(index.len()));
        index
    }

    /// Adds one attendee (a walk-in) at the next position.
    pub fn push(&mut self, attendee: &Attendee) {
        self.push_person(Person::from(attendee));
    }

    /// Adds one attendee at the next position.
    pub fn push_person(&mut self, person: Person<'_>) {
        let pos = self.entries.len() as u32;
        self.push_entry(person);
        let at = self
            .order
            .partition_point(|&p| self.cmp_keys(p, pos) == Ordering::Less);
        self.order.insert(at, pos);
        self.rerank();
        self.insert_ticket(pos);
        self.add_initial_hits(pos);
    }

    /// Replaces the attendee at `pos` (after an import updated them). The old folded text
    /// stays in the shared string until the next full build.
    pub fn replace(&mut self, pos: usize, attendee: &Attendee) {
        if pos >= self.entries.len() {
            return;
        }
        self.tickets.retain(|&p| p as usize != pos);
        let entry = self.fold_entry(Person::from(attendee));
        if let Some(slot) = self.entries.get_mut(pos) {
            *slot = entry;
        }
        self.insert_ticket(pos as u32);
        self.forget_queries();
        self.reorder();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of the attendee whose ticket is exactly `code` (case-insensitive).
    pub fn ticket(&self, code: &str) -> Option<usize> {
        let key = fold(code.trim());
        if key.is_empty() {
            return None;
        }
        let i = self
            .tickets
            .partition_point(|&p| self.ticket_of(p) < key.as_str());
        let &pos = self.tickets.get(i)?;
        (self.ticket_of(pos) == key).then_some(pos as usize)
    }

    /// Positions in alphabetical order.
    pub fn alphabetical(&self) -> &[u32] {
        &self.order
    }

    /// Ranks the attendees for `query`, keeping only positions `keep` accepts, best first, at
    /// most `limit` hits. The empty query lists everyone alphabetically.
    pub fn search(&self, query: &str, keep: &dyn Fn(usize) -> bool, limit: usize) -> SearchResult {
        let folded = fold(query);
        let words: Vec<&str> = folded.split_whitespace().collect();
        if words.is_empty() {
            let everyone = self.order.iter().map(|&pos| Hit { pos, score: 0 });
            return take_ranked(everyone, keep, limit);
        }
        // The cache key ignores extra spaces: "dupont  h" narrows "dupont h".
        let key = words.join(" ");
        if let [w] = words.as_slice()
            && let Some(list) = self.initial_list(w)
            && list.ranked.len() >= FUZZY_FALLBACK_BELOW
        {
            // Already ranked; remembered so that the next keystroke narrows it.
            if !self.cache.borrow().iter().any(|c| c.query == key) {
                self.remember(&key, list.by_pos.clone(), false);
            }
            return take_ranked(list.ranked.iter().copied(), keep, limit);
        }
        self.fill_cache(&key, &words);
        let cache = self.cache.borrow();
        let Some(c) = cache.iter().rev().find(|c| c.query == key) else {
            return SearchResult::default();
        };
        let kept: Vec<Hit> = c
            .hits
            .iter()
            .filter(|h| keep(h.pos as usize))
            .copied()
            .collect();
        self.rank_hits(kept, limit, c.fuzzy)
    }

    /// Makes sure the cache holds the unfiltered hits of `key`, narrowing the longest cached
    /// query it extends.
    fn fill_cache(&self, key: &str, words: &[&str]) {
        let found = {
            let cache = self.cache.borrow();
            if cache.iter().any(|c| c.query == key) {
                return;
            }
            // Whatever matches "dupont h" or "dupontel" also matches "dupont": a query that
            // extends a cached one only needs the cached hits rescanned.
            if let Some(pair) = self.remembered_pair(key) {
                drop(cache);
                self.remember(key, pair.hits, pair.fuzzy);
                return;
            }
            let base = cache
                .iter()
                .filter(|c| key.starts_with(c.query.as_str()))
                .max_by_key(|c| c.query.len());
            let candidates = base.map(|c| c.hits.as_slice());
            let exact = self.scan(words, candidates, false);
            if exact.len() >= FUZZY_FALLBACK_BELOW {
                (exact, false)
            } else {
                let seen: std::collections::HashSet<u32> = exact.iter().map(|h| h.pos).collect();
                let guesses = self.scan(words, candidates, true);
                let any = guesses.iter().any(|h| !seen.contains(&h.pos));
                let mut all = exact;
                all.extend(guesses.into_iter().filter(|h| !seen.contains(&h.pos)));
                (all, any)
            }
        };
        let (hits, fuzzy) = found;
        if key.chars().count() == 2 {
            let mut pairs = self.pairs.borrow_mut();
            pairs.push(Cached {
                query: key.to_string(),
                hits: hits.clone(),
                fuzzy,
            });
            while pairs.len() > PAIRS_KEPT
                || (pairs.len() > 1
                    && pairs.iter().map(|c| c.hits.len()).sum::<usize>() > PAIR_HITS_KEPT)
            {
                pairs.remove(0);
            }
        }
        self.remember(key, hits, fuzzy);
    }

    /// The remembered answer to the two-character query `key`, made the newest.
    fn remembered_pair(&self, key: &str) -> Option<Cached> {
        let mut pairs = self.pairs.borrow_mut();
        let i = pairs.iter().position(|c| c.query == key)?;
        let pair = pairs.remove(i);
        pairs.push(pair.clone());
        Some(pair)
    }

    /// Remembers the unfiltered hits of `key` as the newest of the chain of queries typed.
    fn remember(&self, key: &str, hits: Vec<Hit>, fuzzy: bool) {
        let mut cache = self.cache.borrow_mut();
        // Keep only the chain of prefixes of this query, newest last.
        cache.retain(|c| key.starts_with(c.query.as_str()));
        if cache.len() >= CACHE_DEPTH {
            cache.remove(0);
        }
        cache.push(Cached {
            query: key.to_string(),
            hits,
            fuzzy,
        });
    }

    /// The ranking order: best score first, then alphabetical.
    pub(super) fn hit_key(&self, h: &Hit) -> (std::cmp::Reverse<u32>, u32) {
        let r = self.rank.get(h.pos as usize).copied().unwrap_or(u32::MAX);
        (std::cmp::Reverse(h.score), r)
    }

    fn rank_hits(&self, mut hits: Vec<Hit>, limit: usize, fuzzy: bool) -> SearchResult {
        let total = hits.len();
        let key = |h: &Hit| self.hit_key(h);
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by_key(limit - 1, key);
            hits.truncate(limit);
        } else if limit == 0 {
            hits.clear();
        }
        hits.sort_unstable_by_key(key);
        SearchResult { hits, total, fuzzy }
    }

    fn hay(&self, e: &Entry) -> &str {
        hay_in(&self.text, e)
    }

    /// (family, given) of the entry at `pos`, folded: the alphabetical key.
    fn key(&self, pos: u32) -> (&str, &str) {
        let Some(e) = self.entries.get(pos as usize) else {
            return ("", "");
        };
        let hay = self.hay(e);
        let family_at = e.family_at as usize;
        let given = hay.get(..family_at.saturating_sub(1)).unwrap_or("");
        let family = hay
            .get(family_at..(e.org_at as usize).saturating_sub(1))
            .unwrap_or("");
        (family, given)
    }

    fn cmp_keys(&self, a: u32, b: u32) -> Ordering {
        self.key(a).cmp(&self.key(b)).then(a.cmp(&b))
    }

    fn ticket_of(&self, pos: u32) -> &str {
        let Some(e) = self.entries.get(pos as usize) else {
            return "";
        };
        self.hay(e)
            .get(e.ticket_at as usize..(e.email_at as usize).saturating_sub(1))
            .unwrap_or("")
    }

    fn insert_ticket(&mut self, pos: u32) {
        let t = self.ticket_of(pos);
        if t.is_empty() {
            return;
        }
        let i = self.tickets.partition_point(|&p| self.ticket_of(p) < t);
        // Tickets are unique in the store; should two ever fold alike, the newest wins.
        if self.tickets.get(i).is_some_and(|&p| self.ticket_of(p) == t) {
            self.tickets.remove(i);
        }
        self.tickets.insert(i, pos);
    }

    fn push_entry(&mut self, p: Person<'_>) {
        let entry = self.fold_entry(p);
        self.entries.push(entry);
        self.forget_queries();
    }

    /// Drops every remembered answer (the roster changed).
    fn forget_queries(&self) {
        self.cache.borrow_mut().clear();
        self.pairs.borrow_mut().clear();
    }

    /// Appends the folded haystack of `p` to the shared text and describes where it is.
    fn fold_entry(&mut self, p: Person<'_>) -> Entry {
        let at = self.text.len();
        let given = p.given_name.trim();
        let family = p.family_name.trim();
        push_folded(&mut self.text, given);
        if !given.is_empty() && !family.is_empty() {
            self.text.push(' ');
        }
        let family_at = self.text.len() - at;
        push_folded(&mut self.text, family);
        let name_end = self.text.len();
        // '\0' never comes from the keyboard, so no query word can match across two fields.
        self.text.push('\0');
        let org_at = self.text.len() - at;
        push_folded(&mut self.text, p.organisation);
        self.text.push('\0');
        let ticket_at = self.text.len() - at;
        push_folded(&mut self.text, p.ticket.trim());
        self.text.push('\0');
        let email_at = self.text.len() - at;
        push_folded(&mut self.text, p.email);
        let hay = self.text.get(at..).unwrap_or("");
        let initials = word_bits(hay.get(..name_end - at).unwrap_or(""));
        let other_initials = word_bits(hay.get(org_at..).unwrap_or(""));
        Entry {
            initials,
            other_initials,
            bigrams: bigram_bits(hay.as_bytes()),
            at: at as u32,
            len: (self.text.len() - at) as u32,
            family_at: family_at as u32,
            org_at: org_at as u32,
            ticket_at: ticket_at as u32,
            email_at: email_at as u32,
        }
    }

    fn reorder(&mut self) {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.cmp_keys(a, b));
        self.order = order;
        self.rerank();
        self.build_initial_lists();
    }

    fn rerank(&mut self) {
        let mut rank = vec![0u32; self.order.len()];
        for (r, &p) in self.order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(p as usize) {
                *slot = r as u32;
            }
        }
        self.rank = rank;
    }
}

impl Entry {
    fn bounds(&self) -> score::Bounds {
        score::Bounds {
            org_at: self.org_at as usize,
            ticket_at: self.ticket_at as usize,
            email_at: self.email_at as usize,
        }
    }
}

/// The first `limit` hits of an already ranked sequence that `keep` accepts, and how many it
/// accepts in all (`keep` is asked once per hit).
fn take_ranked(
    ranked: impl Iterator<Item = Hit>,
    keep: &dyn Fn(usize) -> bool,
    limit: usize,
) -> SearchResult {
    let mut hits = Vec::with_capacity(limit.min(ranked.size_hint().0));
    let mut total = 0;
    for h in ranked.filter(|h| keep(h.pos as usize)) {
        if hits.len() < limit {
            hits.push(h);
        }
        total += 1;
    }
    SearchResult {
        hits,
        total,
        fuzzy: false,
    }
}

/// The folded haystack of `e` in the shared `text`.
fn hay_in<'t>(text: &'t str, e: &Entry) -> &'t str {
    let at = e.at as usize;
    text.get(at..at + e.len as usize).unwrap_or("")
}

/// The bit of an ASCII lowercase letter or digit.
fn initial_bit(c: u8) -> Option<u64> {
    match c {
        b'a'..=b'z' => Some(1 << (c - b'a')),
        b'0'..=b'9' => Some(1 << (26 + c - b'0')),
        _ => None,
    }
}

/// The bigram bits of `bytes` (see `Entry::bigrams`).
fn bigram_bits(bytes: &[u8]) -> u128 {
    bytes.windows(2).fold(0u128, |bits, pair| {
        let pair = u32::from(pair[0]) << 8 | u32::from(pair[1]);
        bits | 1u128 << (pair.wrapping_mul(0x9E37_79B1) >> 25)
    })
}

/// The bits of the characters that start a word of `text`.
fn word_bits(text: &str) -> u64 {
    score::word_starts(text)
        .filter_map(|i| text.as_bytes().get(i).copied().and_then(initial_bit))
        .fold(0u64, |acc, bit| acc | bit)
}

/// Appends `text::fold(s)` to `out`; for ASCII (most of a roster) that is only lowercasing,
/// done in place without a temporary string.
fn push_folded(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&fold(s));
    }
}

/// `text::fold`, with the ASCII fast path.
#[cfg(test)]
fn fold_fast(s: &str) -> String {
    let mut out = String::new();
    push_folded(&mut out, s);
    out
}

#[cfg(test)]
mod tests;
