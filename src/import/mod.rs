//! Attendee import: turn whatever CSV an organiser brings into normalised attendee records and a
//! merge plan against the attendees already stored. Pure: bytes in, values out; no database,
//! no printing, no clock. The store applies an [`ImportPlan`] in one transaction.
//!
//! Pipeline: [`decode`] (encoding) → [`sniff`] (separator) → [`split`] (cells with physical
//! line numbers) → [`headers`] + [`mapping`] (header → field) → [`rows`] (normalise, validate,
//! problems) → [`dedupe`] (same person twice in the file) → [`plan`](mod@plan) (add / update /
//! unchanged); [`keys`] builds the identity keys both of the last two use.
//!
//! # Normalisation
//! Names, tickets and organisations are trimmed, put in Unicode NFC and inner runs of white
//! space collapsed to one space (`crate::text::clean`). E-mails get the same treatment and are
//! then lowercased as a whole; that lowercased form is what is stored and compared. The cells
//! exactly as written stay in `AttendeeRecord::original`. A single name column ("Name",
//! "Nom complet") is kept whole in `given_name` with an empty `family_name`: splitting names is
//! wrong too often ("Nguyễn Thị Ngọc", "Le Gall").
//!
//! # Identity: when two rows, or a row and a stored attendee, are the same person
//! 1. **Ticket first.** Two records with the same ticket number (trimmed, compared ignoring case and accents) are
//!    the same person. The same ticket on a row with a different name is a problem, not a merge.
//! 2. **Otherwise name + e-mail.** Without a ticket match, records with the same folded name
//!    (`crate::text::fold`: case, accents and ligatures ignored) *and* the same e-mail are the
//!    same person. A stored attendee that already has another ticket is never taken this way.
//!    Siblings sharing a family e-mail have different names, so they stay distinct people.
//! 3. **No ticket and no e-mail.** The folded name and organisation must match. Inside one file
//!    such rows are merged only when they are identical in every field; two "Léa Martin" rows
//!    that differ elsewhere stay two people. Against the store, each stored attendee is matched
//!    at most once per import, preferring one whose fields are all equal, then the one imported
//!    from the same line — so re-importing a file matches everyone back to themselves.
//!
//! A matched attendee is *updated* when a non-empty cell of the file differs from what is stored;
//! empty cells never erase stored values, and extra columns are merged key by key. Re-importing
//! the same file therefore gives no additions and no updates. Check-ins and badges belong to
//! the stored attendee id, which an update keeps.

pub mod decode;
pub mod dedupe;
pub mod headers;
pub mod keys;
pub mod mapping;
pub mod normalise;
mod pieces;
pub mod plan;
pub mod problems;
pub mod rows;
pub mod sniff;
pub mod split;
pub mod stored;

pub use decode::{DecodedBy, Encoding};
pub use mapping::{Field, FieldMapping, MapOverride, MappedBy, Mapping};
pub use plan::{ChangedField, Duplicate, ImportPlan, SameBy, Unchanged, Update, plan, plan_stored};
pub use problems::{ColumnRef, Problem, ProblemKind};
pub use stored::{StoredAttendees, StoredRow};

use crate::i18n::Lang;
use crate::model::AttendeeRecord;

/// What the user told the import; everything is detected when left empty.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Forced encoding (`--encoding`), e.g. `windows-1252`, `utf-8`, `utf-16le`.
    pub encoding: Option<String>,
    /// Forced separator (`--delimiter`).
    pub delimiter: Option<u8>,
    /// `--map FIELD=COLUMN` overrides, applied before detection.
    pub map: Vec<MapOverride>,
}

/// How the separator was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DelimiterBy {
    Sniffed,
    /// An Excel `sep=;` first line (skipped).
    ExcelHint,
    Option,
}

/// A file read and checked, before it is compared with the store.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParsedFile {
    /// The file name as given by the user, used in every problem and source reference.
    pub file: String,
    pub encoding: Encoding,
    pub encoding_by: DecodedBy,
    pub delimiter: u8,
    pub delimiter_by: DelimiterBy,
    /// The header cells (cleaned) and the physical line they were on.
    pub headers: Vec<String>,
    pub header_line: u64,
    pub mapping: Mapping,
    /// Data rows read (not counting blank lines), good or not.
    pub rows: usize,
    /// The good rows, in file order.
    pub records: Vec<AttendeeRecord>,
    /// Rows that are not imported, and why.
    pub problems: Vec<Problem>,
}

/// Why a file cannot be read at all (row-level trouble is a [`Problem`] instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: the file is empty (no header row)")]
    Empty { file: String },
    #[error(
        "unknown encoding '{label}': try utf-8, windows-1252, iso-8859-1, utf-16le or utf-16be"
    )]
    UnknownEncoding { label: String },
    #[error(
        "{file}: no column holds a name (headers: {headers}); say which with --map name=COLUMN or --map family_name=COLUMN"
    )]
    NoNameColumn { file: String, headers: String },
    #[error(
        "unknown field '{field}' in --map: use ticket, given_name, family_name, name, email, contact_email or organisation"
    )]
    UnknownField { field: String },
    #[error("'{arg}' is not FIELD=COLUMN (for example --map email=Courriel)")]
    BadMapSyntax { arg: String },
    #[error("no column '{column}' in the header ({})", headers.join(" | "))]
    UnknownColumn {
        column: String,
        headers: Vec<String>,
    },
    #[error("several columns are called '{column}': give its number instead (1 = first)")]
    AmbiguousColumn { column: String },
    #[error(
        "the separator must be one ASCII character such as ',' ';' '|' or 'tab', not '{given}'"
    )]
    BadDelimiter { given: String },
}

impl ImportError {
    /// The message in the interface language (`Display` is the English one).
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ImportError::Empty { file } => {
                format!("{file} : le fichier est vide (pas de ligne d’en-tête)")
            }
            ImportError::UnknownEncoding { label } => format!(
                "encodage inconnu « {label} » : essayez utf-8, windows-1252, iso-8859-1, utf-16le ou utf-16be"
            ),
            ImportError::NoNameColumn { file, headers } => format!(
                "{file} : aucune colonne ne contient de nom (en-têtes : {headers}) ; indiquez laquelle avec --map name=COLONNE ou --map family_name=COLONNE"
            ),
            ImportError::UnknownField { field } => format!(
                "champ inconnu « {field} » dans --map : utilisez ticket, given_name, family_name, name, email, contact_email ou organisation"
            ),
            ImportError::BadMapSyntax { arg } => format!(
                "« {arg} » n’est pas de la forme CHAMP=COLONNE (par exemple --map email=Courriel)"
            ),
            ImportError::UnknownColumn { column, headers } => format!(
                "pas de colonne « {column} » dans l’en-tête ({})",
                headers.join(" | ")
            ),
            ImportError::AmbiguousColumn { column } => format!(
                "plusieurs colonnes s’appellent « {column} » : donnez plutôt son numéro (1 = la première)"
            ),
            ImportError::BadDelimiter { given } => format!(
                "le séparateur doit être un seul caractère ASCII comme ',' ';' '|' ou 'tab', pas « {given} »"
            ),
        }
    }
}

/// Parse a `--delimiter` value: one ASCII character, or `tab` / `\t`.
pub fn parse_delimiter(s: &str) -> Result<u8, ImportError> {
    match s {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && !matches!(s, "\"" | "\n" | "\r") => {
            Ok(s.as_bytes().first().copied().unwrap_or(b','))
        }
        _ => Err(ImportError::BadDelimiter {
            given: s.to_string(),
        }),
    }
}

/// Read an import file: decode, split, map, normalise and check every row. Never panics.
pub fn read(
    bytes: &[u8],
    file_name: &str,
    options: &ImportOptions,
) -> Result<ParsedFile, ImportError> {
    let decoded = decode::decode(bytes, options.encoding.as_deref())?;
    let text: &str = &decoded.text;
    let hint = sniff::excel_hint(text);
    let (delimiter, delimiter_by) = match (options.delimiter, hint) {
        (Some(d), _) => (d, DelimiterBy::Option),
        (None, Some((d, _))) => (d, DelimiterBy::ExcelHint),
        (None, None) => (sniff::delimiter(text), DelimiterBy::Sniffed),
    };
    let skip_first_line = hint.is_some();
    rows::read_rows(
        text,
        &decoded,
        (delimiter, delimiter_by),
        skip_first_line,
        file_name,
        options,
    )
}
