//! The `original` column: an imported row's cells as decoded, as a JSON array. A cell written
//! exactly like one of the row's own stored values is stored as that value's number instead of
//! a second copy of its text (in a typical file nearly every cell is: ticket, names, e-mail,
//! organisation, extra columns), so the row is kept whole at a fraction of the space.

use rusqlite::{Transaction, params};

use super::write::json_str;
use crate::model::Extra;
use crate::store::StoreError;

/// Number of fixed values before the extra ones (see [`Values`]).
const FIXED: usize = 6;

/// The stored values a cell may refer to, numbered: 0 ticket, 1 given_name, 2 family_name,
/// 3 email, 4 contact_email, 5 organisation, then the extra values in key order.
pub(super) struct Values<'a> {
    pub fixed: [Option<&'a str>; FIXED],
    pub extra: &'a Extra,
}

impl Values<'_> {
    fn get(&self, k: usize) -> Option<&str> {
        match k.checked_sub(FIXED) {
            None => self.fixed.get(k).copied().flatten(),
            Some(e) => self.extra.values().nth(e).map(String::as_str),
        }
    }

    /// The number of the first value written exactly like `cell`.
    fn position(&self, cell: &str) -> Option<usize> {
        self.fixed
            .iter()
            .position(|v| *v == Some(cell))
            .or_else(|| {
                let e = self.extra.values().position(|v| v == cell)?;
                Some(FIXED + e)
            })
    }
}

/// Append the compact JSON array of `cells` to `out`. Empty cells stay `""` (shorter than a
/// number).
pub(super) fn encode<'c>(
    out: &mut String,
    cells: impl IntoIterator<Item = &'c str>,
    values: &Values<'_>,
) {
    out.push('[');
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match values.position(cell).filter(|_| !cell.is_empty()) {
            Some(k) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{k}");
            }
            None => json_str(out, cell),
        }
    }
    out.push(']');
}

/// The cells back from the stored array (plain strings, or numbers of the row's values).
pub(super) fn decode(text: &str, values: &Values<'_>) -> Result<Vec<String>, StoreError> {
    let corrupt = |message: String| StoreError::Corrupt {
        what: "original",
        message,
    };
    let items: Vec<serde_json::Value> =
        serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
    items
        .into_iter()
        .map(|item| match item {
            serde_json::Value::String(s) => Ok(s),
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|k| values.get(usize::try_from(k).ok()?))
                .map(str::to_owned)
                .ok_or_else(|| corrupt(format!("no value number {n} in this row"))),
            other => Err(corrupt(format!("unexpected {other}"))),
        })
        .collect()
}

/// The columns [`Values`] is read from, in order, then `original`.
pub(super) const VALUE_COLUMNS: &str =
    "ticket, given_name, family_name, email, contact_email, organisation, extra, original";

/// One row's value columns as read (see [`VALUE_COLUMNS`], starting at column `first`).
pub(super) struct RowValues {
    fixed: [Option<String>; FIXED],
    extra: Extra,
    pub original: Option<String>,
}

impl RowValues {
    pub fn read(row: &rusqlite::Row<'_>, first: usize) -> Result<RowValues, StoreError> {
        let mut fixed: [Option<String>; FIXED] = Default::default();
        for (k, v) in fixed.iter_mut().enumerate() {
            *v = row.get(first + k)?;
        }
        let extra: String = row.get(first + FIXED)?;
        let extra = serde_json::from_str(&extra).map_err(|e| StoreError::Corrupt {
            what: "extra",
            message: e.to_string(),
        })?;
        Ok(RowValues {
            fixed,
            extra,
            original: row.get(first + FIXED + 1)?,
        })
    }

    pub fn values(&self) -> Values<'_> {
        Values {
            fixed: self.fixed.each_ref().map(Option::as_deref),
            extra: &self.extra,
        }
    }
}

/// Migration 005: rewrite every stored `original` in the compact form (same cells back).
pub(in crate::store) fn compact_all(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(i64, String)> = {
        let sql = format!("SELECT id, {VALUE_COLUMNS} FROM attendees WHERE original IS NOT NULL");
        let mut stmt = tx.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let stored = RowValues::read(row, 1)?;
            let text = stored.original.as_deref().unwrap_or("[]");
            let cells = decode(text, &stored.values())?;
            let mut compact = String::with_capacity(text.len());
            encode(
                &mut compact,
                cells.iter().map(String::as_str),
                &stored.values(),
            );
            if compact != text {
                out.push((id, compact));
            }
        }
        out
    };
    let mut update = tx.prepare("UPDATE attendees SET original = ?2 WHERE id = ?1")?;
    for (id, compact) in rows {
        update.execute(params![id, compact])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_through_references_and_text() {
        let extra = Extra::from_iter([
            ("Niveau".to_string(), "6e".to_string()),
            ("Remarques".to_string(), "l1\nl2 \"q\"".to_string()),
        ]);
        let values = Values {
            fixed: [
                Some("FR-1"),
                Some("Zoé"),
                Some("N'Diaye"),
                Some("zoe@x.fr"),
                None,
                Some(""),
            ],
            extra: &extra,
        };
        let cells: Vec<String> = [
            "FR-1",
            " Zoé ",
            "N'Diaye",
            "ZOE@x.fr",
            "zoe@x.fr",
            "",
            "6e",
            "l1\nl2 \"q\"",
            "7",
        ]
        .map(String::from)
        .to_vec();
        let mut out = String::new();
        encode(&mut out, cells.iter().map(String::as_str), &values);
        assert_eq!(out, r#"[0," Zoé ",2,"ZOE@x.fr",3,"",6,7,"7"]"#);
        assert_eq!(decode(&out, &values).unwrap(), cells);
        // The plain arrays written before migration 005 read back as they are.
        let plain = serde_json::to_string(&cells).unwrap();
        assert_eq!(decode(&plain, &values).unwrap(), cells);
        for bad in ["[9]", "[-1]", "[1.5]", "[null]", "{}", "x"] {
            assert!(decode(bad, &values).is_err(), "{bad}");
        }
    }
}
