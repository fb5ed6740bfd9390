//! The roster search index: search as you type over name, organisation, ticket and e-mail.
//!
//! Matching is case- and accent-insensitive (everything goes through `crate::text::fold`), word
//! order free (every query word must match some field), and ranked best first: a whole name word
//! beats a name-word prefix, which beats a substring, which beats an e-mail hit. When the exact
//! pass finds almost nothing, a second typo-tolerant pass (nucleo fuzzy matching plus one-edit
//! word prefixes) fills in, always below the exact hits so typos never flood the list.
//! Pure and synchronous: no terminal, no store.

mod score;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::Attendee;
use crate::text::fold;

pub use score::{Tier, word_score};

/// Below this many exact hits the typo-tolerant pass runs.
const FUZZY_FALLBACK_BELOW: usize = 5;

/// One attendee as the index sees it: the folded fields in one haystack
/// (`name \0 organisation \0 ticket \0 email`), so each query word costs one scan.
#[derive(Debug, Clone)]
struct Entry {
    /// Bit per ASCII letter or digit that starts a word of the name (`initials`) or of another
    /// field (`other_initials`): one-character queries, the first keystroke and the only full
    /// scan, are answered without reading the text.
    initials: u64,
    other_initials: u64,
    hay: Box<str>,
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
    entries: Vec<Entry>,
    /// Alphabetical rank (family name, given name) of each entry: the tie-breaker, and the order
    /// of the empty query.
    rank: Vec<u32>,
    /// Positions in alphabetical order.
    order: Vec<u32>,
    sort_keys: Vec<Box<str>>,
    tickets: HashMap<String, u32>,
    /// Recent queries and their unfiltered hits. Adding characters only narrows a search, so
    /// the next keystroke scans the previous hits instead of the whole roster.
    cache: RefCell<Vec<Cached>>,
}

#[derive(Debug, Clone)]
struct Cached {
    query: String,
    hits: Vec<Hit>,
    fuzzy: bool,
}

/// Queries remembered (one per keystroke of the current name).
const CACHE_DEPTH: usize = 24;

impl SearchIndex {
    /// Builds the index, calling `progress(done, total)` every few thousand attendees.
    pub fn build(attendees: &[Attendee], progress: &mut dyn FnMut(usize, usize)) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.entries.reserve(attendees.len());
        index.sort_keys.reserve(attendees.len());
        let total = attendees.len();
        for (i, a) in attendees.iter().enumerate() {
            index.push_entry(a);
            if i % 4096 == 0 {
                progress(i, total);
            }
        }
        index.reorder();
        progress(total, total);
        index
    }

    /// Adds one attendee (a walk-in) at the next position.
    pub fn push(&mut self, attendee: &Attendee) {
        self.push_entry(attendee);
        self.reorder();
    }

    /// Replaces the attendee at `pos` (after an import updated them).
    pub fn replace(&mut self, pos: usize, attendee: &Attendee) {
        if pos >= self.entries.len() {
            return;
        }
        let (entry, key) = make_entry(attendee);
        self.tickets.retain(|_, p| *p as usize != pos);
        if let Some(t) = attendee.ticket.as_deref() {
            self.tickets.insert(fold(t.trim()), pos as u32);
        }
        if let Some(slot) = self.entries.get_mut(pos) {
            *slot = entry;
        }
        if let Some(slot) = self.sort_keys.get_mut(pos) {
            *slot = key;
        }
        self.cache.borrow_mut().clear();
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
        self.tickets.get(&fold(code.trim())).map(|&p| p as usize)
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
            let all = self.order.iter().filter(|&&p| keep(p as usize));
            let total = all.clone().count();
            let hits = all.take(limit).map(|&pos| Hit { pos, score: 0 }).collect();
            return SearchResult {
                hits,
                total,
                fuzzy: false,
            };
        }
        let (hits, fuzzy) = self.matches(&folded, &words);
        let kept: Vec<Hit> = hits.into_iter().filter(|h| keep(h.pos as usize)).collect();
        self.rank_hits(kept, limit, fuzzy)
    }

    /// Every attendee matching `words` (no filter), from the cache when possible.
    fn matches(&self, folded: &str, words: &[&str]) -> (Vec<Hit>, bool) {
        let mut cache = self.cache.borrow_mut();
        let base = cache
            .iter()
            .filter(|c| folded.starts_with(c.query.as_str()))
            .max_by_key(|c| c.query.len());
        if let Some(c) = base
            && c.query == folded
        {
            return (c.hits.clone(), c.fuzzy);
        }
        let candidates: Option<Vec<u32>> = base.map(|c| c.hits.iter().map(|h| h.pos).collect());
        let exact = self.scan(words, candidates.as_deref(), false);
        let (hits, fuzzy) = if exact.len() >= FUZZY_FALLBACK_BELOW {
            (exact, false)
        } else {
            let seen: std::collections::HashSet<u32> = exact.iter().map(|h| h.pos).collect();
            let guesses = self.scan(words, candidates.as_deref(), true);
            let any = guesses.iter().any(|h| !seen.contains(&h.pos));
            let mut all = exact;
            all.extend(guesses.into_iter().filter(|h| !seen.contains(&h.pos)));
            (all, any)
        };
        // Keep only the chain of prefixes of this query, newest last.
        cache.retain(|c| folded.starts_with(c.query.as_str()));
        if cache.len() >= CACHE_DEPTH {
            cache.remove(0);
        }
        cache.push(Cached {
            query: folded.to_string(),
            hits: hits.clone(),
            fuzzy,
        });
        (hits, fuzzy)
    }

    fn scan(&self, words: &[&str], candidates: Option<&[u32]>, fuzzy: bool) -> Vec<Hit> {
        let mut matcher = score::Fuzzy::new();
        let mut hits = Vec::new();
        let mut consider = |pos: u32, e: &Entry| {
            let mut total = 0u32;
            for w in words {
                let s = if fuzzy {
                    quick_score(e, w).or_else(|| matcher.score(e.name(), w))
                } else {
                    quick_score(e, w)
                };
                match s {
                    Some(s) => total += s,
                    None => return,
                }
            }
            hits.push(Hit { pos, score: total });
        };
        match candidates {
            Some(list) => {
                for &pos in list {
                    if let Some(e) = self.entries.get(pos as usize) {
                        consider(pos, e);
                    }
                }
            }
            None => {
                for (pos, e) in self.entries.iter().enumerate() {
                    consider(pos as u32, e);
                }
            }
        }
        hits
    }

    fn rank_hits(&self, mut hits: Vec<Hit>, limit: usize, fuzzy: bool) -> SearchResult {
        let total = hits.len();
        let rank = &self.rank;
        let key = |h: &Hit| {
            let r = rank.get(h.pos as usize).copied().unwrap_or(u32::MAX);
            (std::cmp::Reverse(h.score), r)
        };
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by_key(limit - 1, key);
            hits.truncate(limit);
        } else if limit == 0 {
            hits.clear();
        }
        hits.sort_unstable_by_key(key);
        SearchResult { hits, total, fuzzy }
    }

    fn push_entry(&mut self, a: &Attendee) {
        let pos = self.entries.len() as u32;
        let (entry, key) = make_entry(a);
        if let Some(t) = a.ticket.as_deref().filter(|t| !t.trim().is_empty()) {
            self.tickets.insert(fold(t.trim()), pos);
        }
        self.entries.push(entry);
        self.sort_keys.push(key);
        self.cache.borrow_mut().clear();
    }

    fn reorder(&mut self) {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        let keys = &self.sort_keys;
        order.sort_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]).then(a.cmp(&b)));
        let mut rank = vec![0u32; order.len()];
        for (r, &p) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(p as usize) {
                *slot = r as u32;
            }
        }
        self.order = order;
        self.rank = rank;
    }
}

impl Entry {
    fn name(&self) -> &str {
        self.hay
            .get(..self.org_at.saturating_sub(1) as usize)
            .unwrap_or("")
    }

    fn bounds(&self) -> score::Bounds {
        score::Bounds {
            org_at: self.org_at as usize,
            ticket_at: self.ticket_at as usize,
            email_at: self.email_at as usize,
        }
    }
}

/// `word_score` with a shortcut for one-letter queries (the first keystroke scans everyone):
/// a name word starting with the letter is a name prefix, whatever else the entry holds.
fn quick_score(e: &Entry, w: &str) -> Option<u32> {
    if let [c] = w.as_bytes()
        && let Some(bit) = initial_bit(*c)
    {
        // One character only counts at the start of a word: "m" alone listing every e-mail
        // with an m in it would help nobody.
        if e.initials & bit != 0 {
            return Some(Tier::NamePrefix as u32);
        }
        if e.other_initials & bit == 0 {
            return None;
        }
        return word_score(&e.hay, e.bounds(), w)
            .filter(|&s| s != Tier::EmailSubstring as u32 && s != Tier::OrgSubstring as u32);
    }
    word_score(&e.hay, e.bounds(), w)
}

/// The bit of an ASCII lowercase letter or digit.
fn initial_bit(c: u8) -> Option<u64> {
    match c {
        b'a'..=b'z' => Some(1 << (c - b'a')),
        b'0'..=b'9' => Some(1 << (26 + c - b'0')),
        _ => None,
    }
}

/// `text::fold`, with a fast path for ASCII (most of a roster), where it is only lowercasing.
fn fold_fast(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        fold(s)
    }
}

fn make_entry(a: &Attendee) -> (Entry, Box<str>) {
    let name = fold_fast(&a.display_name());
    let org = fold_fast(a.organisation.as_deref().unwrap_or(""));
    let ticket = fold_fast(a.ticket.as_deref().unwrap_or(""));
    let email = fold_fast(a.email.as_deref().unwrap_or(""));
    // '\0' never comes from the keyboard, so no query word can match across two fields.
    let mut hay = String::with_capacity(name.len() + org.len() + ticket.len() + email.len() + 3);
    hay.push_str(&name);
    hay.push('\0');
    let org_at = hay.len() as u32;
    hay.push_str(&org);
    hay.push('\0');
    let ticket_at = hay.len() as u32;
    hay.push_str(&ticket);
    hay.push('\0');
    let email_at = hay.len() as u32;
    hay.push_str(&email);
    let key = format!(
        "{}\0{}",
        fold_fast(&a.family_name),
        fold_fast(&a.given_name)
    )
    .into_boxed_str();
    let word_bits = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric())
            .filter_map(|w| w.bytes().next().and_then(initial_bit))
            .fold(0u64, |acc, bit| acc | bit)
    };
    let initials = word_bits(&name);
    let other_initials = word_bits(&org) | word_bits(&ticket) | word_bits(&email);
    (
        Entry {
            initials,
            other_initials,
            hay: hay.into_boxed_str(),
            org_at,
            ticket_at,
            email_at,
        },
        key,
    )
}

#[cfg(test)]
mod tests;
