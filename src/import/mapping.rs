//! Which column holds which attendee field: recognised from French and English headers
//! (Google Forms, HelloAsso, Eventbrite, pretix shapes included), overridable with `--map`.
//! Participant columns win over buyer columns; buyer and parent e-mails become contacts;
//! every column left unmapped is kept as an extra field.

use std::fmt;
use std::str::FromStr;

use crate::i18n::Lang;
use crate::text::fold;

use super::ImportError;
use super::headers::{Kind, Role, classify};

/// An attendee field a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Ticket,
    GivenName,
    FamilyName,
    /// One column with the whole name ("Name", "Nom complet"); kept whole in `given_name`.
    FullName,
    Email,
    ContactEmail,
    Organisation,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Ticket,
        Field::GivenName,
        Field::FamilyName,
        Field::FullName,
        Field::Email,
        Field::ContactEmail,
        Field::Organisation,
    ];

    /// The name used by `--map` and in reports.
    pub fn key(self) -> &'static str {
        match self {
            Field::Ticket => "ticket",
            Field::GivenName => "given_name",
            Field::FamilyName => "family_name",
            Field::FullName => "name",
            Field::Email => "email",
            Field::ContactEmail => "contact_email",
            Field::Organisation => "organisation",
        }
    }

    /// The field's name for people, in the interface language (the import screen and report).
    /// `--map` takes it too, so a report's words can be typed back.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Field::Ticket, Lang::Fr) => "Billet",
            (Field::Ticket, Lang::En) => "Ticket",
            (Field::GivenName, Lang::Fr) => "Prénom",
            (Field::GivenName, Lang::En) => "Given name",
            (Field::FamilyName, Lang::Fr) => "Nom",
            (Field::FamilyName, Lang::En) => "Family name",
            (Field::FullName, Lang::Fr) => "Nom complet",
            (Field::FullName, Lang::En) => "Full name",
            (Field::Email, _) => "E-mail",
            (Field::ContactEmail, Lang::Fr) => "E-mail de contact",
            (Field::ContactEmail, Lang::En) => "Contact e-mail",
            (Field::Organisation, Lang::Fr) => "Organisme",
            (Field::Organisation, Lang::En) => "Organisation",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Field {
    type Err = ImportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = fold(s.trim()).replace(['-', ' '], "_");
        Ok(match k.as_str() {
            "ticket" | "billet" => Field::Ticket,
            "given_name" | "given" | "first_name" | "firstname" | "prenom" => Field::GivenName,
            "family_name" | "family" | "last_name" | "lastname" | "surname" | "nom" => {
                Field::FamilyName
            }
            "name" | "full_name" | "nom_complet" => Field::FullName,
            "email" | "e_mail" | "courriel" | "mail" => Field::Email,
            "contact_email" | "contact" | "buyer_email" | "contact_e_mail"
            | "e_mail_de_contact" => Field::ContactEmail,
            "organisation" | "organization" | "org" | "organisme" | "etablissement" | "school"
            | "ecole" => Field::Organisation,
            _ => {
                return Err(ImportError::UnknownField {
                    field: s.to_string(),
                });
            }
        })
    }
}

/// How a field's column was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    /// Recognised from the header text.
    Header,
    /// Given with `--map`.
    Override,
}

/// One mapped field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldMapping {
    pub field: Field,
    /// 0-based column index.
    pub column: usize,
    pub header: String,
    pub by: MappedBy,
}

/// The whole mapping: mapped fields (in `Field` order) and the columns kept as extras.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Mapping {
    pub fields: Vec<FieldMapping>,
    /// 0-based indexes of the columns kept as extra fields, with their (unique) names.
    pub extras: Vec<(usize, String)>,
}

impl Mapping {
    /// The column mapped to `field`, if any.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.fields
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.column)
    }

    /// Whether some column gives a name.
    pub fn has_name(&self) -> bool {
        [Field::GivenName, Field::FamilyName, Field::FullName]
            .iter()
            .any(|f| self.column(*f).is_some())
    }
}

/// A `--map FIELD=COLUMN` override; an empty COLUMN unmaps the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOverride {
    pub field: Field,
    /// Header text (exact, then ignoring case and accents) or 1-based column number.
    pub column: Option<String>,
}

impl FromStr for MapOverride {
    type Err = ImportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((field, column)) = s.split_once('=') else {
            return Err(ImportError::BadMapSyntax { arg: s.to_string() });
        };
        let column = column.trim();
        Ok(MapOverride {
            field: field.parse()?,
            column: (!column.is_empty()).then(|| column.to_string()),
        })
    }
}

/// Decide the mapping for `headers`, applying `overrides` first.
pub fn decide(headers: &[String], overrides: &[MapOverride]) -> Result<Mapping, ImportError> {
    let mut chosen: Vec<Option<(usize, MappedBy)>> = vec![None; Field::ALL.len()];
    let mut taken = vec![false; headers.len()];
    let mut fixed = vec![false; Field::ALL.len()];
    for o in overrides {
        let slot = o.field as usize;
        fixed[slot] = true;
        if let Some(spec) = &o.column {
            let col = find_column(headers, spec)?;
            if let Some(t) = taken.get_mut(col) {
                *t = true;
            }
            chosen[slot] = Some((col, MappedBy::Override));
        } else {
            chosen[slot] = None;
        }
    }
    // A name given explicitly in one shape turns off automatic detection of the other shape.
    let name_split = fixed[Field::GivenName as usize] || fixed[Field::FamilyName as usize];
    if fixed[Field::FullName as usize] {
        fixed[Field::GivenName as usize] = true;
        fixed[Field::FamilyName as usize] = true;
    }
    if name_split {
        fixed[Field::FullName as usize] = true;
    }

    let classes: Vec<Option<(Role, Kind)>> = headers.iter().map(|h| classify(h)).collect();
    let given_exists = classes.iter().any(|c| matches!(c, Some((_, Kind::Given))));
    // (field, rank, column): the lowest rank wins each field.
    let mut candidates: Vec<(Field, u8, usize)> = Vec::new();
    let has_participant_email = classes
        .iter()
        .any(|c| matches!(c, Some((Role::Participant, Kind::Email))));
    for (col, class) in classes.iter().enumerate() {
        let Some((role, kind)) = *class else { continue };
        let p = if role == Role::Participant { 0 } else { 10 };
        match kind {
            Kind::Email => match role {
                Role::Participant => candidates.push((Field::Email, 0, col)),
                Role::Neutral if has_participant_email => {
                    candidates.push((Field::ContactEmail, 10, col))
                }
                Role::Neutral => {
                    candidates.push((Field::Email, 10, col));
                    candidates.push((Field::ContactEmail, 20, col));
                }
                Role::Other => candidates.push((Field::ContactEmail, 0, col)),
            },
            Kind::Ticket(r) => candidates.push((Field::Ticket, r, col)),
            Kind::Org(r) => candidates.push((Field::Organisation, p + r, col)),
            Kind::Given => candidates.push((Field::GivenName, p, col)),
            Kind::Family => candidates.push((Field::FamilyName, p, col)),
            Kind::Nom if given_exists => candidates.push((Field::FamilyName, p + 1, col)),
            Kind::Nom | Kind::Full => candidates.push((Field::FullName, p, col)),
        }
    }
    candidates.sort_by_key(|&(f, r, c)| (f, r, c));
    for (field, _, col) in candidates {
        let slot = field as usize;
        if fixed[slot] || chosen[slot].is_some() || taken.get(col).copied().unwrap_or(true) {
            continue;
        }
        chosen[slot] = Some((col, MappedBy::Header));
        if let Some(t) = taken.get_mut(col) {
            *t = true;
        }
    }
    // The split name wins over a whole-name column when both were recognised.
    let split =
        chosen[Field::GivenName as usize].is_some() || chosen[Field::FamilyName as usize].is_some();
    if split
        && !fixed[Field::FullName as usize]
        && let Some((col, _)) = chosen[Field::FullName as usize].take()
        && let Some(t) = taken.get_mut(col)
    {
        *t = false;
    }

    let mut mapping = Mapping::default();
    for field in Field::ALL {
        if let Some((column, by)) = chosen[field as usize] {
            mapping.fields.push(FieldMapping {
                field,
                column,
                header: headers.get(column).cloned().unwrap_or_default(),
                by,
            });
        }
    }
    let mut used_names: Vec<String> = Vec::new();
    for (col, h) in headers.iter().enumerate() {
        if taken.get(col).copied().unwrap_or(false) {
            continue;
        }
        let base = if h.is_empty() {
            format!("column {}", col + 1)
        } else {
            h.clone()
        };
        let mut name = base.clone();
        let mut n = 2;
        while used_names.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        used_names.push(name.clone());
        mapping.extras.push((col, name));
    }
    Ok(mapping)
}

fn find_column(headers: &[String], spec: &str) -> Result<usize, ImportError> {
    if let Some(i) = headers.iter().position(|h| h == spec) {
        return Ok(i);
    }
    let folded = fold(spec.trim());
    let matches: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| fold(h) == folded)
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        _ => {
            return Err(ImportError::AmbiguousColumn {
                column: spec.to_string(),
            });
        }
    }
    match spec.trim().parse::<usize>() {
        Ok(n) if n >= 1 && n <= headers.len() => Ok(n - 1),
        _ => Err(ImportError::UnknownColumn {
            column: spec.to_string(),
            headers: headers.to_vec(),
        }),
    }
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
