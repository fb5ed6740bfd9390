//! Problems found while reading an import file: what went wrong, where (file, physical line,
//! column) and why, in French and English. A row with a problem is not imported.

use crate::i18n::Lang;

/// The column a problem is about: 1-based position and header as written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnRef {
    pub index: usize,
    pub header: String,
}

/// What is wrong with a row (or a cell of it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    /// The row has a different number of cells than the header.
    Ragged { found: usize, expected: usize },
    /// A quote inside an unquoted cell, or text right after a closing quote.
    StrayQuote,
    /// A quoted cell opened on this line is never closed before the end of the file.
    UnclosedQuote,
    /// A NUL byte (often a sign of a UTF-16 file or of corruption).
    NulByte,
    /// Bytes that are not valid in the file's encoding (shown as U+FFFD).
    InvalidBytes { encoding: String },
    /// Neither a given name nor a family name.
    EmptyName,
    /// Not a usable e-mail address.
    BadEmail { value: String },
    /// The same ticket as an earlier row, but a different person.
    TicketConflict { ticket: String, first_line: u64 },
}

/// One problem, with everything needed to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based physical line (where the cell starts, for a cell problem; where the row starts
    /// otherwise).
    pub line: u64,
    pub column: Option<ColumnRef>,
    pub kind: ProblemKind,
}

impl Problem {
    /// `file:line[:column]`, the position as editors and compilers print it.
    pub fn position(&self) -> String {
        match &self.column {
            Some(c) => format!("{}:{}:{}", self.file, self.line, c.index),
            None => format!("{}:{}", self.file, self.line),
        }
    }

    /// The reason, in the interface language.
    pub fn reason(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let col = self
            .column
            .as_ref()
            .map(|c| {
                if fr {
                    format!(" (colonne {} « {} »)", c.index, c.header)
                } else {
                    format!(" (column {} '{}')", c.index, c.header)
                }
            })
            .unwrap_or_default();
        let what = match (&self.kind, fr) {
            (ProblemKind::Ragged { found, expected }, true) => {
                format!("la ligne a {found} cellules, l'en-tête en a {expected}")
            }
            (ProblemKind::Ragged { found, expected }, false) => {
                format!("the row has {found} cells, the header has {expected}")
            }
            (ProblemKind::StrayQuote, true) => {
                "guillemet mal placé : entourez la cellule de guillemets et doublez ceux du texte"
                    .into()
            }
            (ProblemKind::StrayQuote, false) => {
                "stray quote: quote the whole cell and double the quotes inside it".into()
            }
            (ProblemKind::UnclosedQuote, true) => {
                "guillemet ouvert jamais refermé ; la ligne est ignorée".into()
            }
            (ProblemKind::UnclosedQuote, false) => {
                "quote opened here is never closed; the row is skipped".into()
            }
            (ProblemKind::NulByte, true) => "octet NUL dans la cellule".into(),
            (ProblemKind::NulByte, false) => "NUL byte in the cell".into(),
            (ProblemKind::InvalidBytes { encoding }, true) => {
                format!("octets invalides en {encoding} (essayez --encoding)")
            }
            (ProblemKind::InvalidBytes { encoding }, false) => {
                format!("bytes not valid in {encoding} (try --encoding)")
            }
            (ProblemKind::EmptyName, true) => "ni prénom ni nom".into(),
            (ProblemKind::EmptyName, false) => "no given name and no family name".into(),
            (ProblemKind::BadEmail { value }, true) => {
                format!("adresse e-mail invalide « {value} »")
            }
            (ProblemKind::BadEmail { value }, false) => format!("invalid e-mail address '{value}'"),
            (ProblemKind::TicketConflict { ticket, first_line }, true) => format!(
                "le billet « {ticket} » est déjà celui d'une autre personne (ligne {first_line})"
            ),
            (ProblemKind::TicketConflict { ticket, first_line }, false) => {
                format!("ticket '{ticket}' already belongs to another person (line {first_line})")
            }
        };
        format!("{what}{col}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_and_reason_name_the_column() {
        let p = Problem {
            file: "a.csv".into(),
            line: 7,
            column: Some(ColumnRef {
                index: 3,
                header: "Courriel".into(),
            }),
            kind: ProblemKind::BadEmail { value: "x@".into() },
        };
        assert_eq!(p.position(), "a.csv:7:3");
        assert_eq!(
            p.reason(Lang::En),
            "invalid e-mail address 'x@' (column 3 'Courriel')"
        );
        assert!(p.reason(Lang::Fr).contains("colonne 3 « Courriel »"));
    }
}
