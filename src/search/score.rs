//! Scoring one query word against one attendee: exact tiers first, then the typo-tolerant pass.

use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Where the fields start inside an entry's haystack (the name starts at 0).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub org_at: usize,
    pub ticket_at: usize,
    pub email_at: usize,
}

/// How well a query word matched, from best to worst. The numbers are the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Tier {
    Typo = 10,
    EmailSubstring = 20,
    OrgSubstring = 25,
    TicketSubstring = 30,
    EmailWord = 32,
    EmailStart = 35,
    NameSubstring = 40,
    OrgPrefix = 50,
    OrgWord = 55,
    TicketPrefix = 70,
    NamePrefix = 80,
    NameWord = 100,
    Ticket = 101,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Org,
    Ticket,
    Email,
}

/// The best exact tier of `word` (folded, non-empty) in `hay`, as a score. A name-word prefix
/// also gets up to 8 points for how much of the word it covers ("dupon" fits "Dupont" better
/// than "Dupontel"), so near-complete words rise first.
pub fn word_score(hay: &str, b: Bounds, word: &str) -> Option<u32> {
    let mut best: Option<u32> = None;
    let other = matches(hay, b, word, &mut |_, s| best = best.max(Some(s)));
    best.max(other)
}

/// Every way `word` matches: each name word it starts goes to `name_hits` (the word's index
/// among the name's words, and the score), and the best other match (inside a name word, or
/// in organisation, ticket or e-mail) is returned. Multi-word queries need the name words
/// apart so that two query words never count the same name word twice.
pub fn word_options(
    hay: &str,
    b: Bounds,
    word: &str,
    name_hits: &mut Vec<(u8, u32)>,
) -> Option<u32> {
    name_hits.clear();
    matches(hay, b, word, &mut |k, s| name_hits.push((k, s)))
}

/// Calls `on_name(word index, score)` for each name word `word` starts and returns the best
/// other match; once a name word matched, only a whole ticket still counts as other.
fn matches(hay: &str, b: Bounds, word: &str, on_name: &mut dyn FnMut(u8, u32)) -> Option<u32> {
    // Most entries do not contain the word at all: one search says so.
    memchr::memmem::find(hay.as_bytes(), word.as_bytes())?;
    let ticket = hay.get(b.ticket_at..b.email_at - 1).unwrap_or("");
    let whole_ticket = (ticket == word).then_some(Tier::Ticket as u32);
    let name = hay.get(..b.org_at - 1).unwrap_or("");
    let (mut inside, mut named) = (false, false);
    for i in find_all(name, word) {
        let before = name.get(..i).unwrap_or("");
        if is_word_char(before.chars().next_back()) {
            inside = true;
            continue;
        }
        // Which name word this is: counted only on a hit, most entries never get here.
        let k = word_starts(before).count().min(usize::from(u8::MAX)) as u8;
        on_name(k, prefix_score(name.get(i..).unwrap_or(""), word));
        named = true;
    }
    if named {
        // A name-word match beats any other field (a whole ticket stays the best).
        return whole_ticket;
    }
    let inside = inside.then_some(Tier::NameSubstring as u32);
    whole_ticket.max(inside).max(other_score(hay, b, word))
}

/// NameWord when `word` covers the name word `rest` starts with up to its end; otherwise
/// NamePrefix plus up to 8 points for how much of the last name word it reaches into it
/// covers ("saint-r" is a prefix of "Saint-Rocheet", not all of "Saint").
fn prefix_score(rest: &str, word: &str) -> u32 {
    let after = rest.get(word.len()..).unwrap_or("");
    let tail = after
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(after.len());
    if tail == 0 {
        return Tier::NameWord as u32;
    }
    // The query's last part against the whole name word it lands in.
    let part_start = word
        .rfind(|c: char| !c.is_alphanumeric())
        .map_or(0, |i| i + 1);
    let typed = word.len() - part_start;
    let whole = typed + tail;
    Tier::NamePrefix as u32 + (8 * typed / whole.max(1)) as u32
}

/// Byte offsets where a word of `name` starts.
pub fn word_starts(name: &str) -> impl Iterator<Item = usize> + '_ {
    let mut prev_word = false;
    name.char_indices().filter_map(move |(i, c)| {
        let w = c.is_alphanumeric();
        let start = w && !prev_word;
        prev_word = w;
        start.then_some(i)
    })
}

/// The best tier of `word` in organisation, ticket and e-mail.
fn other_score(hay: &str, b: Bounds, word: &str) -> Option<u32> {
    let mut best_tier: Option<Tier> = None;
    let others = hay.get(b.org_at..).unwrap_or("");
    for k in find_all(others, word) {
        let i = k + b.org_at;
        let (field, start, end) = if i >= b.email_at {
            (Field::Email, b.email_at, hay.len())
        } else if i >= b.ticket_at {
            (Field::Ticket, b.ticket_at, b.email_at - 1)
        } else {
            (Field::Org, b.org_at, b.ticket_at - 1)
        };
        let j = i + word.len();
        let at_word_start = i == start || !is_word_char(hay[..i].chars().next_back());
        let at_word_end = j >= end || !is_word_char(hay[j..].chars().next());
        let tier = match field {
            Field::Ticket if i == start => Tier::TicketPrefix,
            Field::Ticket => Tier::TicketSubstring,
            Field::Org if at_word_start && at_word_end => Tier::OrgWord,
            Field::Org if at_word_start => Tier::OrgPrefix,
            Field::Org => Tier::OrgSubstring,
            Field::Email if i == start => Tier::EmailStart,
            Field::Email if at_word_start => Tier::EmailWord,
            Field::Email => Tier::EmailSubstring,
        };
        if best_tier.is_none_or(|b| tier > b) {
            best_tier = Some(tier);
        }
    }
    best_tier.map(|t| t as u32)
}

/// Byte offsets of every occurrence of `needle` (non-empty) in `hay`. A plain byte scan: for
/// the short fields of a roster it beats setting up a substring searcher per entry, and every
/// offset is a char boundary because the needle starts with a UTF-8 leading byte.
fn find_all<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    // memchr jumps to the candidates (SIMD) instead of testing every byte: the second
    // keystroke on a big roster runs this over tens of thousands of entries.
    let first = n.first().copied().unwrap_or(0);
    memchr::memchr_iter(first, h)
        .filter(move |&i| !n.is_empty() && h.get(i..).is_some_and(|rest| rest.starts_with(n)))
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The typo-tolerant pass over the name only: a name word within one edit of the query word
/// (words of 4+ letters), or a nucleo fuzzy match that is tight enough (3+ letters).
pub struct Fuzzy {
    matcher: Matcher,
    hay_buf: Vec<char>,
    needle_buf: Vec<char>,
}

impl Default for Fuzzy {
    fn default() -> Self {
        Self::new()
    }
}

impl Fuzzy {
    pub fn new() -> Fuzzy {
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        Fuzzy {
            matcher: Matcher::new(config),
            hay_buf: Vec::new(),
            needle_buf: Vec::new(),
        }
    }

    pub fn score(&mut self, name: &str, word: &str) -> Option<u32> {
        let len = word.chars().count();
        if len < 3 {
            // Too short to guess a typo: only exact tiers count.
            return name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(word))
                .then_some(Tier::NamePrefix as u32);
        }
        if len >= 4
            && name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| one_edit_prefix(w, word))
        {
            return Some(Tier::Typo as u32 + 5);
        }
        let hay = Utf32Str::new(name, &mut self.hay_buf);
        let needle = Utf32Str::new(word, &mut self.needle_buf);
        let s = self.matcher.fuzzy_match(hay, needle)?;
        // nucleo gives 16 per matched char minus gap penalties: demand most of that, so a few
        // scattered letters do not count as a match.
        (u32::from(s) >= 13 * len as u32).then_some(Tier::Typo as u32 + (u32::from(s) / 64).min(4))
    }
}

/// True when some prefix of `word` is within one edit (substitution, transposition, insertion
/// or deletion) of `typed`.
pub fn one_edit_prefix(word: &str, typed: &str) -> bool {
    if word.is_ascii() && typed.is_ascii() {
        return one_edit_prefix_of(word.as_bytes(), typed.as_bytes());
    }
    let w: Vec<char> = word.chars().collect();
    let t: Vec<char> = typed.chars().collect();
    one_edit_prefix_of(&w, &t)
}

fn one_edit_prefix_of<T: PartialEq>(w: &[T], t: &[T]) -> bool {
    let n = t.len();
    // Compare `t` with the prefixes of `w` of length n-1, n and n+1.
    [n.saturating_sub(1), n, n + 1]
        .iter()
        .filter(|&&l| l <= w.len() && l > 0)
        .any(|&l| within_one_edit(&w[..l], t))
}

fn within_one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a == b {
        return true;
    }
    match a.len() as isize - b.len() as isize {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).take(3).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => (0..a.len()).any(|skip| a[..skip] == b[..skip] && a[skip + 1..] == b[skip..]),
        -1 => within_one_edit(b, a),
        _ => false,
    }
}
