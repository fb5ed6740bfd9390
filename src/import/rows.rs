//! Rows → attendee records: header row, mapping, then per row the structural checks (ragged,
//! quotes, NUL, invalid bytes), normalisation and validation (names, e-mails). A row with any
//! problem is reported and left out; the others become [`AttendeeRecord`]s.

use std::borrow::Cow;

use crate::model::{AttendeeRecord, Cells, Extra, SourceRef};

use super::decode::Decoded;
use super::mapping::{self, Field, Mapping};
use super::normalise::{clean_cell, email};
use super::pieces::Piece;
use super::problems::{ColumnRef, Problem, ProblemKind};
use super::split::{RawIssue, RawRow, Splitter};
use super::{DelimiterBy, ImportError, ImportOptions, ParsedFile};

/// Read every row of `text` into records and problems.
pub fn read_rows(
    text: &str,
    decoded: &Decoded<'_>,
    (delimiter, delimiter_by): (u8, DelimiterBy),
    skip_first_line: bool,
    file: &str,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let mut splitter = Splitter::new(text, delimiter);
    let mut row = RawRow::default();
    if skip_first_line {
        splitter.next_row(&mut row);
    }
    let header_line = loop {
        if !splitter.next_row(&mut row) {
            return Err(ImportError::Empty {
                file: file.to_string(),
            });
        }
        if !row.is_blank() {
            break row.line;
        }
    };
    let headers: Vec<String> = row.cells.iter().map(|c| clean_cell(c)).collect();
    let mapping = mapping::decide(&headers, &options.map)?;
    if !mapping.has_name() {
        return Err(ImportError::NoNameColumn {
            file: file.to_string(),
            headers: headers.join(" | "),
        });
    }
    let ctx = RowContext {
        file,
        headers: &headers,
        mapping: &mapping,
        encoding: decoded.encoding,
        check_invalid: decoded.had_errors,
        check_nul: text.as_bytes().contains(&0),
        min_width: headers.len() - headers.iter().rev().take_while(|h| h.is_empty()).count(),
    };
    let body = super::pieces::read_body(text, delimiter, splitter.position(), |piece| {
        ctx.read_piece(piece)
    });
    Ok(ParsedFile {
        file: file.to_string(),
        encoding: decoded.encoding,
        encoding_by: decoded.by,
        delimiter,
        delimiter_by,
        headers,
        header_line,
        mapping,
        rows: body.rows,
        records: body.records,
        problems: body.problems,
    })
}

struct RowContext<'c> {
    file: &'c str,
    headers: &'c [String],
    mapping: &'c Mapping,
    encoding: &'static str,
    check_invalid: bool,
    check_nul: bool,
    /// Header width without trailing unnamed columns: shorter rows than this are ragged.
    min_width: usize,
}

impl RowContext<'_> {
    /// Every row of one piece of the body, in order.
    fn read_piece(&self, mut splitter: Splitter<'_>) -> Piece {
        let mut piece = Piece {
            records: Vec::with_capacity(splitter.rows_at_most()),
            ..Piece::default()
        };
        let mut row = RawRow::default();
        let mut row_problems = Vec::new();
        while splitter.next_row(&mut row) {
            if row.is_blank() && row.issues.is_empty() {
                continue;
            }
            piece.rows += 1;
            row_problems.clear();
            if let Some(record) = self.record(&row, &mut row_problems) {
                piece.records.push(record);
            }
            piece.problems.append(&mut row_problems);
        }
        piece.end = splitter.position();
        piece
    }

    fn column(&self, index: usize) -> ColumnRef {
        ColumnRef {
            index: index + 1,
            header: self.headers.get(index).cloned().unwrap_or_default(),
        }
    }

    fn problem(&self, line: u64, column: Option<usize>, kind: ProblemKind) -> Problem {
        Problem {
            file: self.file.to_string(),
            line,
            column: column.map(|c| self.column(c)),
            kind,
        }
    }

    fn cell_problem(&self, row: &RawRow<'_>, col: usize, kind: ProblemKind) -> Problem {
        let line = row.cell_lines.get(col).copied().unwrap_or(row.line);
        self.problem(line, Some(col), kind)
    }

    /// The record for `row`, or `None` with its problems pushed to `out`.
    fn record(&self, row: &RawRow<'_>, out: &mut Vec<Problem>) -> Option<AttendeeRecord> {
        if row.issues.contains(&RawIssue::UnclosedQuote) {
            out.push(self.problem(row.line, None, ProblemKind::UnclosedQuote));
            return None;
        }
        for issue in &row.issues {
            if let RawIssue::StrayQuote { cell } = issue {
                out.push(self.cell_problem(row, *cell, ProblemKind::StrayQuote));
            }
        }
        let width = self.headers.len();
        let found = row.cells.len();
        let extra_filled = row.cells.iter().skip(width).any(|c| !c.trim().is_empty());
        if found < self.min_width || extra_filled {
            let kind = ProblemKind::Ragged {
                found,
                expected: width,
            };
            out.push(self.problem(row.line, None, kind));
        }
        for (col, cell) in row.cells.iter().enumerate() {
            if self.check_nul && cell.contains('\0') {
                out.push(self.cell_problem(row, col, ProblemKind::NulByte));
            }
            if self.check_invalid && cell.contains('\u{FFFD}') {
                let kind = ProblemKind::InvalidBytes {
                    encoding: self.encoding.to_string(),
                };
                out.push(self.cell_problem(row, col, kind));
            }
        }
        let get = |field: Field| -> Option<(usize, &Cow<'_, str>)> {
            let col = self.mapping.column(field)?;
            row.cells.get(col).map(|c| (col, c))
        };
        let text = |field: Field| get(field).map(|(_, c)| clean_cell(c)).unwrap_or_default();
        let (given_name, family_name) = match self.mapping.column(Field::FullName) {
            Some(_) => (text(Field::FullName), String::new()),
            None => (text(Field::GivenName), text(Field::FamilyName)),
        };
        if given_name.is_empty() && family_name.is_empty() && found >= self.min_width {
            let col = [Field::FullName, Field::FamilyName, Field::GivenName]
                .iter()
                .find_map(|f| self.mapping.column(*f));
            let line = col
                .and_then(|c| row.cell_lines.get(c).copied())
                .unwrap_or(row.line);
            out.push(self.problem(line, col, ProblemKind::EmptyName));
        }
        let mut mail = |field: Field| -> Option<String> {
            let (col, raw) = get(field)?;
            if raw.trim().is_empty() {
                return None;
            }
            let ok = email(raw);
            if ok.is_none() {
                let value = clean_cell(raw);
                out.push(self.cell_problem(row, col, ProblemKind::BadEmail { value }));
            }
            ok
        };
        let email_value = mail(Field::Email);
        let contact_email = mail(Field::ContactEmail);
        if !out.is_empty() {
            return None;
        }
        let optional = |field: Field| Some(text(field)).filter(|s| !s.is_empty());
        let mut extra = Extra::new();
        for (col, name) in &self.mapping.extras {
            if let Some(cell) = row.cells.get(*col) {
                let value = clean_cell(cell);
                if !value.is_empty() {
                    extra.insert(name.clone(), value);
                }
            }
        }
        Some(AttendeeRecord {
            ticket: optional(Field::Ticket),
            given_name,
            family_name,
            email: email_value,
            contact_email,
            organisation: optional(Field::Organisation),
            extra,
            source: SourceRef {
                file: self.file.to_string(),
                line: row.line,
            },
            original: {
                let bytes = row.cells.iter().map(|c| c.len()).sum();
                let mut cells = Cells::with_capacity(row.cells.len(), bytes);
                for cell in &row.cells {
                    cells.push(cell);
                }
                cells
            },
        })
    }
}
