//! The claim links as a CSV for a mail merge, made to open right in Excel: UTF-8 with a byte
//! order mark, and `;` as separator when the event is French (French Excel expects it).

use crate::i18n::Lang;

/// One row of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub name: String,
    pub email: Option<String>,
    pub achievement: String,
    pub claim_url: String,
}

/// The CSV bytes (header in the event language, CRLF line ends as Excel writes them).
pub fn export_claims_csv(lang: Lang, rows: &[ClaimRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(if lang == Lang::Fr { b';' } else { b',' })
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(match lang {
            Lang::Fr => ["Nom", "E-mail", "Badge", "Lien de réception"],
            Lang::En => ["Name", "E-mail", "Badge", "Claim URL"],
        })?;
        for r in rows {
            // A leading = + - @ would be read as a formula by spreadsheets: quote it away.
            let cells = [
                defuse(&r.name),
                defuse(r.email.as_deref().unwrap_or("")),
                defuse(&r.achievement),
                r.claim_url.clone(),
            ];
            w.write_record(&cells)?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<ClaimRow> {
        vec![
            ClaimRow {
                name: "Hélène « Lulu » Dupont; fille".into(),
                email: Some("h@example.org".into()),
                achievement: "Atelier Sumo".into(),
                claim_url: "https://b.example.org/c/abc/".into(),
            },
            ClaimRow {
                name: "=HYPERLINK(\"x\")".into(),
                email: None,
                achievement: "Présence".into(),
                claim_url: "https://b.example.org/c/def/".into(),
            },
        ]
    }

    #[test]
    fn french_uses_semicolons_and_a_bom_and_reads_back() {
        let bytes = export_claims_csv(Lang::Fr, &rows()).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.starts_with("Nom;E-mail;Badge;Lien de réception\r\n"));
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(&recs[0][0], "Hélène « Lulu » Dupont; fille");
        assert_eq!(&recs[0][3], "https://b.example.org/c/abc/");
        assert_eq!(&recs[1][0], "'=HYPERLINK(\"x\")");
        assert_eq!(&recs[1][1], "");
    }

    #[test]
    fn english_uses_commas() {
        let bytes = export_claims_csv(Lang::En, &rows()).unwrap();
        assert!(
            std::str::from_utf8(&bytes[3..])
                .unwrap()
                .starts_with("Name,E-mail,Badge,Claim URL\r\n")
        );
    }
}
