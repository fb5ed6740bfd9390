//! Reading a large body on every core: the text is cut into a few pieces at likely row starts,
//! each piece is read on its own thread, and the results are joined in file order. A cut is
//! only a guess (a quote count says whether it falls inside a quoted cell); it is trusted only
//! when the reader of the piece before it stopped exactly there. Otherwise the rest of the file
//! is read again in one pass, so the result is always the one a single pass gives.

use crate::model::AttendeeRecord;

use super::problems::Problem;
use super::split::Splitter;

/// Below this many bytes a body is read in one pass: threads would cost more than they save.
const PARALLEL_FROM: usize = 512 * 1024;
/// More pieces than this gain little: the store writes on one core afterwards anyway.
const MAX_PIECES: usize = 4;

/// What one piece (or the whole body) gave.
#[derive(Debug, Default)]
pub struct Piece {
    pub records: Vec<AttendeeRecord>,
    pub problems: Vec<Problem>,
    /// Data rows read (blank lines not counted).
    pub rows: usize,
    /// Where the reader stopped: the start of the next row.
    pub end: (usize, u64),
}

impl Piece {
    fn append(&mut self, mut other: Piece) {
        if self.records.is_empty() {
            // Take the first piece's vector as it is: no copy of its records.
            std::mem::swap(&mut self.records, &mut other.records);
        } else {
            self.records.append(&mut other.records);
        }
        self.problems.append(&mut other.problems);
        self.rows += other.rows;
        self.end = other.end;
    }
}

/// Read the rows from `start` (offset, line) to the end of `text` with `read`, in pieces on
/// several threads when the body is large; the same result as `read` over the whole body.
pub fn read_body<F>(text: &str, delim: u8, start: (usize, u64), read: F) -> Piece
where
    F: Fn(Splitter<'_>) -> Piece + Sync,
{
    let len = text.len();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pieces = threads
        .min(MAX_PIECES)
        .min(len.saturating_sub(start.0) / (PARALLEL_FROM / 2))
        .max(1);
    let cuts = if pieces > 1 {
        guess_cuts(text, start, pieces)
    } else {
        Vec::new()
    };
    if cuts.is_empty() {
        return read(Splitter::piece(text, delim, start, len));
    }
    let mut bounds = vec![start];
    bounds.extend(cuts.iter().copied());
    let ends: Vec<usize> = cuts.iter().map(|c| c.0).chain([len]).collect();
    let read = &read;
    let results: Vec<Option<Piece>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .iter()
            .zip(&ends)
            .skip(1)
            .map(|(&from, &end)| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || read(Splitter::piece(text, delim, from, end)))
                    .ok()
            })
            .collect();
        let first = read(Splitter::piece(
            text,
            delim,
            start,
            ends.first().copied().unwrap_or(len),
        ));
        let mut results = vec![Some(first)];
        results.extend(handles.into_iter().map(|h| h.and_then(|h| h.join().ok())));
        results
    });
    let mut body = Piece::default();
    let mut at = start;
    for (result, from) in results.into_iter().zip(bounds) {
        match result {
            Some(piece) if from == at => {
                at = piece.end;
                body.append(piece);
            }
            // The cut fell inside a row (or a thread failed): read the rest in one pass.
            _ => {
                body.append(read(Splitter::piece(text, delim, at, len)));
                break;
            }
        }
    }
    body
}

/// Up to `pieces - 1` cuts after `start`, about evenly spaced, each just after a line end with
/// an even number of quotes before it, with the line number the row there starts on (line ends
/// counted as the splitter counts them: CRLF, LF or a lone CR is one).
fn guess_cuts(text: &str, start: (usize, u64), pieces: usize) -> Vec<(usize, u64)> {
    let bytes = text.as_bytes();
    let body = bytes.len().saturating_sub(start.0);
    let mut cuts = Vec::with_capacity(pieces);
    let mut next_target = start.0 + body / pieces;
    let (mut line, mut in_quotes) = (start.1, false);
    let mut i = start.0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' => line += 1,
            b'\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
            }
            _ => continue,
        }
        if b != b'"' && !in_quotes && i >= next_target && i < bytes.len() {
            cuts.push((i, line));
            if cuts.len() + 1 >= pieces {
                break;
            }
            next_target = start.0 + body * (cuts.len() + 1) / pieces;
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::split::RawRow;
    use crate::model::SourceRef;

    /// Each row as a record: its line, and its cells joined (enough to tell rows apart).
    fn rows_as_records(mut splitter: Splitter<'_>) -> Piece {
        let mut piece = Piece::default();
        let mut row = RawRow::default();
        while splitter.next_row(&mut row) {
            piece.rows += 1;
            piece.records.push(AttendeeRecord {
                ticket: None,
                given_name: row.cells.join("|"),
                family_name: format!("{:?}", row.issues),
                email: None,
                contact_email: None,
                organisation: None,
                extra: Default::default(),
                source: SourceRef {
                    file: String::new(),
                    line: row.line,
                },
                original: Default::default(),
            });
        }
        piece.end = splitter.position();
        piece
    }

    fn same_as_one_pass(text: &str) {
        let start = (0, 1);
        let whole = rows_as_records(Splitter::piece(text, b';', start, text.len()));
        let parallel = read_body(text, b';', start, rows_as_records);
        assert_eq!(parallel.rows, whole.rows);
        assert_eq!(parallel.end, whole.end);
        assert!(parallel.records == whole.records, "records differ");
    }

    #[test]
    fn large_bodies_read_in_pieces_give_the_one_pass_result() {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * PARALLEL_FROM {
            let cell = match i % 7 {
                0 => "\"multi\r\nline; \"\"quoted\"\"\"".to_string(),
                1 => "\"a\nb\rc\"".to_string(),
                _ => format!("plain {i}"),
            };
            let end = ["\r\n", "\n", "\r"][i % 3];
            text.push_str(&format!("T-{i};Zoé;{cell}{end}"));
            i += 1;
        }
        same_as_one_pass(&text);
        // A stray quote early on makes every guessed cut wrong: still the one-pass result.
        let mut broken = String::from("x;Jean \"Jojo;y\n");
        broken.push_str(&text);
        same_as_one_pass(&broken);
        // A quote never closed in the middle.
        let mid = text.len() / 2;
        let at = text.get(mid..).and_then(|t| t.find('\n')).unwrap() + mid + 1;
        let mut unclosed = text.clone();
        unclosed.insert_str(at, "u;\"never closed;\n");
        same_as_one_pass(&unclosed);
    }

    #[test]
    fn cuts_fall_after_line_ends_outside_quotes() {
        let text = "a,\"x\ny\"\r\nb,c\rd,e\nf,g\n";
        let cuts = guess_cuts(text, (0, 1), 4);
        assert!(!cuts.is_empty());
        for (at, line) in cuts {
            let before = text.get(..at).unwrap();
            assert!(before.ends_with('\n') || before.ends_with('\r'), "{at}");
            assert_eq!(before.matches('"').count() % 2, 0);
            let ends = before.matches("\r\n").count()
                + before.matches('\n').count()
                + before.matches('\r').count()
                - 2 * before.matches("\r\n").count();
            assert_eq!(line, 1 + ends as u64);
        }
    }
}
