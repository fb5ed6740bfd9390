//! Which separator a file uses, among `,` `;` tab and `|`: the one that splits the first rows
//! into the same number of cells (more than one), quotes respected.

use super::split::{RawRow, Splitter};

const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
const SAMPLE_BYTES: usize = 64 * 1024;
const SAMPLE_ROWS: usize = 50;

/// The separator of `text` (`,` when nothing splits it).
pub fn delimiter(text: &str) -> u8 {
    let mut cut = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let sample = text.get(..cut).unwrap_or_default();
    let mut best = (b',', 0usize, 0usize);
    for d in CANDIDATES {
        let (consistent, width) = score(sample, d);
        if width >= 2 && (consistent, width) > (best.1, best.2) {
            best = (d, consistent, width);
        }
    }
    best.0
}

/// (per mille of rows with the header's width, header width).
fn score(sample: &str, delim: u8) -> (usize, usize) {
    let mut splitter = Splitter::new(sample, delim);
    let mut row = RawRow::default();
    let (mut width, mut rows, mut same) = (None, 0usize, 0usize);
    while rows < SAMPLE_ROWS && splitter.next_row(&mut row) {
        if row.is_blank() {
            continue;
        }
        let n = row.cells.len();
        match width {
            None => width = Some(n),
            Some(w) => {
                rows += 1;
                if n == w {
                    same += 1;
                }
            }
        }
    }
    let width = width.unwrap_or(0);
    let consistent = (same * 1000).checked_div(rows).unwrap_or(1000);
    (consistent, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_consistent_separator() {
        assert_eq!(
            delimiter("Nom;Prénom;Ville\nA;B;Rouen, France\nC;D;E\n"),
            b';'
        );
        assert_eq!(delimiter("a,b,c\n\"x;y\",2,3\n"), b',');
        assert_eq!(delimiter("a\tb\n1\t2, 3\n"), b'\t');
        assert_eq!(delimiter("a|b|c\n1|2|3\n"), b'|');
        assert_eq!(delimiter("Name\nAda\n"), b',');
        assert_eq!(delimiter(""), b',');
    }
}
