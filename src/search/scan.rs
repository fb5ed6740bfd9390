//! Scoring every candidate of a query, split across cores when there are many.

use super::query::Scorer;
use super::{Hit, SearchIndex, bigram_bits, hay_in};

/// Scans of at least this many attendees run on several cores (below, starting threads costs
/// more than it saves).
const PARALLEL_SCAN_FROM: usize = 20_000;

impl SearchIndex {
    /// Scores `candidates` (everyone when None); large scans are split across cores, so the
    /// first keystrokes on a big roster, which read the most text, keep the frame on time.
    pub(super) fn scan(&self, words: &[&str], candidates: Option<&[Hit]>, fuzzy: bool) -> Vec<Hit> {
        let count = candidates.map_or(self.entries.len(), <[Hit]>::len);
        let threads = if count >= PARALLEL_SCAN_FROM {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        } else {
            1
        };
        self.scan_on(threads, words, candidates, fuzzy)
    }

    /// `scan` on `threads` threads; the hits come back in candidate order whatever the count.
    pub(super) fn scan_on(
        &self,
        threads: usize,
        words: &[&str],
        candidates: Option<&[Hit]>,
        fuzzy: bool,
    ) -> Vec<Hit> {
        let count = candidates.map_or(self.entries.len(), <[Hit]>::len);
        let threads = threads.max(1);
        let part = count.div_ceil(threads).max(1);
        // Only the text and the entries go to other threads (the cache stays on this one).
        let (entries, text) = (&self.entries, self.text.as_str());
        // An exact match contains every query word, so every bigram of it (a typo need not).
        let need = if fuzzy {
            0
        } else {
            words.iter().fold(0, |m, w| m | bigram_bits(w.as_bytes()))
        };
        let scan_range = |from: usize, to: usize| -> Vec<Hit> {
            let mut scorer = Scorer::new(words, fuzzy);
            let mut hits = Vec::new();
            for i in from..to {
                let pos = match candidates {
                    Some(list) => match list.get(i) {
                        Some(h) => h.pos,
                        None => break,
                    },
                    None => i as u32,
                };
                if let Some(e) = entries.get(pos as usize)
                    && e.bigrams & need == need
                    && let Some(score) = scorer.score(e, || hay_in(text, e))
                {
                    hits.push(Hit { pos, score });
                }
            }
            hits
        };
        if threads == 1 {
            return scan_range(0, count);
        }
        std::thread::scope(|scope| {
            let scan_range = &scan_range;
            let parts: Vec<_> = (0..threads)
                .map(|t| {
                    let (from, to) = (t * part, ((t + 1) * part).min(count));
                    scope.spawn(move || scan_range(from, to))
                })
                .collect();
            let mut hits = Vec::new();
            for p in parts {
                match p.join() {
                    Ok(part) => hits.extend(part),
                    // Scoring does not panic on any text; if it ever did, re-raise it here.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            hits
        })
    }
}
