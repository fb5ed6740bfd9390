//! Text → rows of cells, in one pass, borrowing from the text where possible. Knows RFC 4180
//! quoting, CRLF / LF / lone CR line ends, and the physical line each row and cell starts on.
//! Lenient where it is safe and reports the rest: a stray quote is kept as text and flagged; a
//! quote never closed is flagged and reading resumes on the next line.

use std::borrow::Cow;

/// Something odd met while splitting a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawIssue {
    /// A quote inside an unquoted cell, or text after a closing quote (0-based cell).
    StrayQuote { cell: usize },
    /// A quoted cell runs to the end of the file; the row is cut at its first line end.
    UnclosedQuote,
}

/// One row as split, reused between calls to avoid allocating per row.
#[derive(Debug, Default)]
pub struct RawRow<'a> {
    /// 1-based physical line where the row starts.
    pub line: u64,
    pub cells: Vec<Cow<'a, str>>,
    /// 1-based physical line where each cell starts.
    pub cell_lines: Vec<u64>,
    pub issues: Vec<RawIssue>,
}

impl RawRow<'_> {
    /// Blank line, or only separators (Excel writes `;;;;` for an empty row).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Splits a text into rows.
pub struct Splitter<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    delim: u8,
    /// No row starts at or after this byte (a row begun before it is read whole).
    end: usize,
}

impl<'a> Splitter<'a> {
    pub fn new(text: &'a str, delim: u8) -> Self {
        Splitter {
            text,
            pos: 0,
            line: 1,
            delim,
            end: text.len(),
        }
    }

    /// A splitter reading the rows that start in `from.0..end`, the first one on line `from.1`.
    /// `from.0` must be where a row starts (a previous splitter's [`Splitter::position`]).
    pub fn piece(text: &'a str, delim: u8, from: (usize, u64), end: usize) -> Self {
        Splitter {
            text,
            pos: from.0,
            line: from.1,
            delim,
            end: end.min(text.len()),
        }
    }

    /// An upper bound on the rows left (one per line end, plus one): a capacity hint.
    pub fn rows_at_most(&self) -> usize {
        let rest = self
            .text
            .as_bytes()
            .get(self.pos..self.end)
            .unwrap_or_default();
        let count = |b: u8| rest.iter().filter(|&&x| x == b).count();
        count(b'\n').max(count(b'\r')) + 1
    }

    /// Byte offset and line number where the next row starts.
    pub fn position(&self) -> (usize, u64) {
        (self.pos, self.line)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// Consume a line end at `pos` if there is one.
    fn line_end(&mut self) -> bool {
        match self.byte(self.pos) {
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                true
            }
            Some(b'\r') => {
                self.pos += 1;
                if self.byte(self.pos) == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    /// Read the next row into `row`; false at the end of the text.
    pub fn next_row(&mut self, row: &mut RawRow<'a>) -> bool {
        if self.pos >= self.end {
            return false;
        }
        row.cells.clear();
        row.cell_lines.clear();
        row.issues.clear();
        row.line = self.line;
        let row_start = self.pos;
        loop {
            let index = row.cells.len();
            row.cell_lines.push(self.line);
            let cell = if self.byte(self.pos) == Some(b'"') {
                match self.quoted(index, &mut row.issues) {
                    Some(cell) => cell,
                    None => {
                        row.issues.push(RawIssue::UnclosedQuote);
                        self.resume_after_line_of(row_start, row.line);
                        return true;
                    }
                }
            } else {
                Cow::Borrowed(self.unquoted(index, &mut row.issues))
            };
            row.cells.push(cell);
            match self.byte(self.pos) {
                None => return true,
                Some(b) if b == self.delim => self.pos += 1,
                _ => {
                    self.line_end();
                    return true;
                }
            }
        }
    }

    fn unquoted(&mut self, index: usize, issues: &mut Vec<RawIssue>) -> &'a str {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while let Some(&b) = bytes.get(self.pos) {
            if b == self.delim || b == b'\n' || b == b'\r' {
                break;
            }
            if b == b'"' && !issues.contains(&RawIssue::StrayQuote { cell: index }) {
                issues.push(RawIssue::StrayQuote { cell: index });
            }
            self.pos += 1;
        }
        self.slice(start, self.pos)
    }

    /// A quoted cell starting at `pos`; `None` if it is never closed.
    fn quoted(&mut self, index: usize, issues: &mut Vec<RawIssue>) -> Option<Cow<'a, str>> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut seg = start;
        let end = loop {
            match bytes.get(self.pos).copied() {
                None => return None,
                Some(b'"') => {
                    if self.byte(self.pos + 1) == Some(b'"') {
                        owned
                            .get_or_insert_with(String::new)
                            .push_str(self.slice(seg, self.pos + 1));
                        self.pos += 2;
                        seg = self.pos;
                    } else {
                        let end = self.pos;
                        self.pos += 1;
                        break end;
                    }
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(b'\r') => {
                    self.line += 1;
                    self.pos += 1;
                    if self.byte(self.pos) == Some(b'\n') {
                        self.pos += 1;
                    }
                }
                Some(_) => self.pos += 1,
            }
        };
        let mut cell = match owned {
            Some(mut s) => {
                s.push_str(self.slice(seg, end));
                Cow::Owned(s)
            }
            None => Cow::Borrowed(self.slice(start, end)),
        };
        // `"abc"def`: keep the tail as text, but say so.
        let tail_start = self.pos;
        let tail = self.unquoted(index, issues);
        if self.pos > tail_start {
            if !issues.contains(&RawIssue::StrayQuote { cell: index }) {
                issues.push(RawIssue::StrayQuote { cell: index });
            }
            cell.to_mut().push_str(tail);
        }
        Some(cell)
    }

    /// After an unclosed quote, carry on at the line after the one the row started on.
    fn resume_after_line_of(&mut self, row_start: usize, row_line: u64) {
        let bytes = self.text.as_bytes();
        self.pos = row_start;
        self.line = row_line;
        while let Some(&b) = bytes.get(self.pos) {
            if b == b'\n' || b == b'\r' {
                self.line_end();
                return;
            }
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, delim: u8) -> Vec<(u64, Vec<String>, Vec<RawIssue>)> {
        let mut s = Splitter::new(text, delim);
        let mut row = RawRow::default();
        let mut out = Vec::new();
        while s.next_row(&mut row) {
            let cells = row.cells.iter().map(|c| c.to_string()).collect();
            out.push((row.line, cells, row.issues.clone()));
        }
        out
    }

    #[test]
    fn quoted_cells_with_separators_quotes_and_line_breaks() {
        let r = rows(
            "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"l1\r\nl2\",z\r\nlast,1",
            b',',
        );
        assert_eq!(r.len(), 4);
        assert_eq!(r[1].1, ["x, y", "say \"hi\""]);
        assert_eq!(r[2].1, ["l1\r\nl2", "z"]);
        assert_eq!((r[2].0, r[3].0), (3, 5));
        assert!(r.iter().all(|x| x.2.is_empty()));
    }

    #[test]
    fn line_ends_lf_cr_and_trailing_separator() {
        let r = rows("a;b\nc;\rd;e", b';');
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(r[1].1, ["c", ""]);
    }

    #[test]
    fn stray_quotes_are_kept_and_flagged() {
        let r = rows("Jean \"Jojo\" D,x\n\"ab\"cd,y\n", b',');
        assert_eq!(r[0].1, ["Jean \"Jojo\" D", "x"]);
        assert_eq!(r[0].2, [RawIssue::StrayQuote { cell: 0 }]);
        assert_eq!(r[1].1, ["abcd", "y"]);
        assert_eq!(r[1].2, [RawIssue::StrayQuote { cell: 0 }]);
    }

    #[test]
    fn pieces_read_the_same_rows_as_one_pass() {
        let text = "h1,h2\n\"a\r\nb\",1\r\nc,2\rd,\"e\"\"\"\n,\n";
        let whole = rows(text, b',');
        let mut s = Splitter::new(text, b',');
        let mut row = RawRow::default();
        let mut cut = Vec::new();
        while s.next_row(&mut row) {
            cut.push(s.position());
        }
        for &(at, line) in &cut {
            let mut got = Vec::new();
            let mut first = Splitter::piece(text, b',', (0, 1), at);
            while first.next_row(&mut row) {
                got.push((row.line, row.cells.len()));
            }
            assert_eq!(first.position(), (at, line));
            let mut second = Splitter::piece(text, b',', (at, line), usize::MAX);
            while second.next_row(&mut row) {
                got.push((row.line, row.cells.len()));
            }
            let want: Vec<_> = whole.iter().map(|r| (r.0, r.1.len())).collect();
            assert_eq!(got, want, "cut at {at}");
        }
    }

    #[test]
    fn unclosed_quote_resumes_on_next_line() {
        let r = rows("a,b\n\"oops,x\nc,d\ne,f\n", b',');
        assert_eq!(r.len(), 4);
        assert_eq!(r[1].0, 2);
        assert_eq!(r[1].2, [RawIssue::UnclosedQuote]);
        assert_eq!((r[2].0, r[2].1.clone()), (3, vec!["c".into(), "d".into()]));
    }
}
