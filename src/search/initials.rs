//! The ranked answers to every one-character query, computed with the index: the first
//! keystroke matches the most people (a third of a roster for "m"), so it should cost neither
//! a scan nor a sort. Kept in order when a walk-in is added.

use super::{Entry, Hit, SearchIndex, initial_bit, query};

/// The hits of one one-character query.
#[derive(Debug, Clone, Default)]
pub(super) struct InitialHits {
    /// Best first: what the list shows.
    pub(super) ranked: Vec<Hit>,
    /// By position: what the next keystroke narrows (it reads the entries and their text in
    /// memory order, several times faster than in rank order on a big roster).
    pub(super) by_pos: Vec<Hit>,
}

impl SearchIndex {
    /// The precomputed hits of the one-character query `w`, if it is an ASCII letter or digit.
    pub(super) fn initial_list(&self, w: &str) -> Option<&InitialHits> {
        let mut chars = w.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        let bit = u8::try_from(c).ok().and_then(initial_bit)?;
        self.initial_hits.get(bit.trailing_zeros() as usize)
    }

    /// Ranks the one-character queries of every entry (after `rank` is set).
    pub(super) fn build_initial_lists(&mut self) {
        let mut lists: Vec<Vec<Hit>> = vec![Vec::new(); 36];
        for (pos, e) in self.entries.iter().enumerate() {
            self.initial_hits_of(pos as u32, e, &mut |bit, hit| {
                if let Some(list) = lists.get_mut(bit) {
                    list.push(hit);
                }
            });
        }
        self.initial_hits = lists
            .into_iter()
            .map(|mut by_pos| {
                by_pos.shrink_to_fit();
                let mut ranked = by_pos.clone();
                ranked.sort_unstable_by_key(|h| self.hit_key(h));
                InitialHits { ranked, by_pos }
            })
            .collect();
    }

    /// Each one-character query entry `e` (at `pos`) matches, as (list number, hit).
    fn initial_hits_of(&self, pos: u32, e: &Entry, found: &mut dyn FnMut(usize, Hit)) {
        let mut bits = e.initials | e.other_initials;
        while bits != 0 {
            let n = bits.trailing_zeros();
            bits &= bits - 1;
            let c = if n < 26 {
                b'a' + n as u8
            } else {
                b'0' + (n - 26) as u8
            };
            let word = [c];
            let word = std::str::from_utf8(&word).unwrap_or("");
            if let Some(score) = query::one_char(e, word, || self.hay(e)) {
                found(n as usize, Hit { pos, score });
            }
        }
    }

    /// Files a new entry (at `pos`, ranks already updated) into the one-character lists.
    pub(super) fn add_initial_hits(&mut self, pos: u32) {
        let Some(&e) = self.entries.get(pos as usize) else {
            return;
        };
        let mut found = Vec::new();
        self.initial_hits_of(pos, &e, &mut |bit, hit| found.push((bit, hit)));
        for (bit, hit) in found {
            let key = self.hit_key(&hit);
            let rank = &self.rank;
            let Some(list) = self.initial_hits.get_mut(bit) else {
                continue;
            };
            let at = list.ranked.partition_point(|h| {
                let r = rank.get(h.pos as usize).copied().unwrap_or(u32::MAX);
                (std::cmp::Reverse(h.score), r) < key
            });
            list.ranked.insert(at, hit);
            // The newest position is the largest.
            list.by_pos.push(hit);
        }
    }
}
