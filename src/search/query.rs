//! Scoring one attendee against a whole query: per word, every name word it starts and its
//! best other match; then the best way to give each query word a name word of its own.

use super::score::{self, Tier, word_score};
use super::{Entry, initial_bit};

/// Per query word: (name word index, score) of each name word it starts, and its best other
/// match.
type WordOptions = (Vec<(u8, u32)>, Option<u32>);

/// A query word whose name words are all taken by other query words still matches (the person
/// stays listed) but only as much as a substring.
const REUSED_WORD: u32 = Tier::NameSubstring as u32;

/// Distinct name words are worked out for queries of up to this many words (more is a paste,
/// not typing: each word then simply takes its best match).
const DISTINCT_WORDS_UP_TO: usize = 4;

/// Scores entries for one query: per word, every name word it starts and its best other
/// match; then the best way to give each query word its own name word.
pub(super) struct Scorer<'w> {
    words: &'w [&'w str],
    fuzzy: Option<score::Fuzzy>,
    /// Per query word: (name word index, score) of each name word it starts, and the best
    /// other match.
    options: Vec<WordOptions>,
}

impl<'w> Scorer<'w> {
    pub(super) fn new(words: &'w [&'w str], fuzzy: bool) -> Scorer<'w> {
        Scorer {
            words,
            fuzzy: fuzzy.then(score::Fuzzy::new),
            options: vec![(Vec::new(), None); words.len()],
        }
    }

    /// Scores one entry; `hay` gives its folded text, read only when the entry's initials do
    /// not decide (a one-character query over 100,000 people then never touches the text).
    pub(super) fn score<'h>(&mut self, e: &Entry, hay: impl FnOnce() -> &'h str) -> Option<u32> {
        if let [w] = self.words
            && w.len() == 1
        {
            return one_char(e, w, hay);
        }
        // Exact pass: a lone character that starts no word of this person rules them out
        // before any text is read ("le g" over 70,000 people who all contain "le").
        if self.fuzzy.is_none()
            && self
                .words
                .iter()
                .any(|w| w.len() == 1 && !may_start_word(e, w))
        {
            return None;
        }
        let hay = hay();
        if let [w] = self.words {
            // One word: its best match, no bookkeeping of name words.
            let exact = word_score(hay, e.bounds(), w);
            return exact.or_else(|| self.guess(hay, e, w));
        }
        for (i, w) in self.words.iter().enumerate() {
            let (hits, other) = self.options.get_mut(i)?;
            *other = if w.len() == 1 && !may_start_word(e, w) {
                hits.clear();
                None
            } else {
                let o = score::word_options(hay, e.bounds(), w, hits);
                if w.len() == 1 {
                    // A lone character only counts at the start of a word.
                    o.filter(|&s| {
                        s != Tier::EmailSubstring as u32 && s != Tier::OrgSubstring as u32
                    })
                } else {
                    o
                }
            };
            if hits.is_empty() && other.is_none() {
                let guess = self
                    .fuzzy
                    .as_mut()
                    .and_then(|f| f.score(name_of(hay, e), w));
                match (guess, self.options.get_mut(i)) {
                    (Some(g), Some(slot)) => slot.1 = Some(g),
                    _ => return None,
                }
            }
        }
        if self.words.len() > DISTINCT_WORDS_UP_TO {
            return self
                .options
                .iter()
                .map(|(hits, other)| hits.iter().map(|h| h.1).max().max(*other))
                .sum();
        }
        best_assignment(&self.options, 0)
    }

    fn guess(&mut self, hay: &str, e: &Entry, w: &str) -> Option<u32> {
        self.fuzzy.as_mut()?.score(name_of(hay, e), w)
    }
}

/// A one-character query: it only counts at the start of a word ("m" alone listing every
/// e-mail with an m in it would help nobody).
pub(super) fn one_char<'h>(e: &Entry, w: &str, hay: impl FnOnce() -> &'h str) -> Option<u32> {
    let bit = w.bytes().next().and_then(initial_bit)?;
    if e.initials & bit != 0 {
        return Some(Tier::NamePrefix as u32);
    }
    if e.other_initials & bit == 0 {
        return None;
    }
    word_score(hay(), e.bounds(), w)
        .filter(|&s| s != Tier::EmailSubstring as u32 && s != Tier::OrgSubstring as u32)
}

/// The best total over the query words (from the first of `options` on) when each word either
/// takes a name word no earlier word took, or its other match; a word whose name words are all
/// taken still counts, as a substring would.
fn best_assignment(options: &[WordOptions], used: u64) -> Option<u32> {
    let Some(((hits, other), rest)) = options.split_first() else {
        return Some(0);
    };
    let mut best: Option<u32> = None;
    let mut free = false;
    for &(k, s) in hits {
        let bit = 1u64 << k.min(63);
        if used & bit == 0 {
            free = true;
            if let Some(r) = best_assignment(rest, used | bit) {
                best = best.max(Some(s + r));
            }
        }
    }
    let fallback = if !hits.is_empty() && !free {
        (*other).max(Some(REUSED_WORD))
    } else {
        *other
    };
    if let Some(o) = fallback
        && let Some(r) = best_assignment(rest, used)
    {
        best = best.max(Some(o + r));
    }
    best
}

/// The folded name part of an entry's haystack.
fn name_of<'h>(hay: &'h str, e: &Entry) -> &'h str {
    hay.get(..(e.org_at as usize).saturating_sub(1))
        .unwrap_or("")
}

/// False when the one-character word `w` starts no word of any field.
fn may_start_word(e: &Entry, w: &str) -> bool {
    match w.bytes().next().and_then(initial_bit) {
        Some(bit) => (e.initials | e.other_initials) & bit != 0,
        // Not an ASCII letter or digit: no shortcut, read the text.
        None => true,
    }
}
