//! The roster search index: search as you type over name, organisation, ticket and e-mail.
//!
//! Matching is case- and accent-insensitive (everything goes through `crate::text::fold`), word
//! order free (every query word must match some field), and ranked best first: a whole name word
//! beats a name-word prefix, which beats a substring, which beats an e-mail hit. When the exact
//! pass finds almost nothing, a second typo-tolerant pass (nucleo fuzzy matching plus one-edit
//! word prefixes) fills in, always below the exact hits so typos never flood the list.
//! Pure and synchronous: no terminal, no store.

mod score;

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
}

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
            return SearchResult { hits, total, fuzzy: false };
        }
        let exact = self.scan(&words, keep, false);
        if exact.len() >= FUZZY_FALLBACK_BELOW {
            return self.rank_hits(exact, limit, false);
        }
        let mut all = exact;
        let seen: std::collections::HashSet<u32> = all.iter().map(|h| h.pos).collect();
        let fuzzy = self.scan(&words, keep, true);
        let any_fuzzy = fuzzy.iter().any(|h| !seen.contains(&h.pos));
        all.extend(fuzzy.into_iter().filter(|h| !seen.contains(&h.pos)));
        self.rank_hits(all, limit, any_fuzzy)
    }

    fn scan(&self, words: &[&str], keep: &dyn Fn(usize) -> bool, fuzzy: bool) -> Vec<Hit> {
        let mut matcher = score::Fuzzy::new();
        let mut hits = Vec::new();
        'entries: for (pos, e) in self.entries.iter().enumerate() {
            let mut total = 0u32;
            for w in words {
                let s = if fuzzy {
                    matcher.score(e.name(), w)
                } else {
                    word_score(&e.hay, e.bounds(), w)
                };
                match s {
                    Some(s) => total += s,
                    None => continue 'entries,
                }
            }
            if keep(pos) {
                hits.push(Hit { pos: pos as u32, score: total });
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
        self.hay.get(..self.org_at.saturating_sub(1) as usize).unwrap_or("")
    }

    fn bounds(&self) -> score::Bounds {
        score::Bounds {
            org_at: self.org_at as usize,
            ticket_at: self.ticket_at as usize,
            email_at: self.email_at as usize,
        }
    }
}

fn make_entry(a: &Attendee) -> (Entry, Box<str>) {
    let name = fold(&a.display_name());
    let org = fold(a.organisation.as_deref().unwrap_or(""));
    let ticket = fold(a.ticket.as_deref().unwrap_or(""));
    let email = fold(a.email.as_deref().unwrap_or(""));
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
    let key = format!("{}\0{}", fold(&a.family_name), fold(&a.given_name)).into_boxed_str();
    (
        Entry {
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
