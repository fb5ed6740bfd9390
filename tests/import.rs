//! Every file shape organisers bring, read end to end through `import::read` and `import::plan`.

use badgedesk::import::{self, DecodedBy, Field, ImportOptions, ParsedFile, ProblemKind, SameBy};
use badgedesk::model::{Attendee, AttendeeRecord};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> ParsedFile {
    read_with(name, &ImportOptions::default())
}

fn read_with(name: &str, options: &ImportOptions) -> ParsedFile {
    import::read(&fixture(name), name, options).unwrap()
}

fn names(records: &[AttendeeRecord]) -> Vec<String> {
    records.iter().map(|r| r.display_name()).collect()
}

/// (line, column, kind) of every problem.
fn problems(p: &ParsedFile) -> Vec<(u64, Option<usize>, ProblemKind)> {
    p.problems
        .iter()
        .map(|p| (p.line, p.column.as_ref().map(|c| c.index), p.kind.clone()))
        .collect()
}

fn find<'a>(records: &'a [AttendeeRecord], name: &str) -> &'a AttendeeRecord {
    records
        .iter()
        .find(|r| r.display_name() == name)
        .unwrap_or_else(|| panic!("{name} not found in {:?}", names(records)))
}

fn as_stored(records: &[AttendeeRecord]) -> Vec<Attendee> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| Attendee {
            id: 100 + i as i64,
            ticket: r.ticket.clone(),
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            email: r.email.clone(),
            contact_email: r.contact_email.clone(),
            organisation: r.organisation.clone(),
            extra: r.extra.clone(),
            source: Some(r.source.clone()),
        })
        .collect()
}

#[test]
fn festirobot_utf8_bom_semicolon_crlf() {
    let p = read("festirobot-utf8-bom-crlf.csv");
    assert_eq!(
        (p.encoding, p.encoding_by, p.delimiter),
        ("UTF-8", DecodedBy::Bom, b';')
    );
    assert_eq!(p.headers.first().map(String::as_str), Some("N° billet"));
    assert_eq!((p.rows, p.records.len()), (42, 42));
    assert!(p.problems.is_empty());
    let helene = find(&p.records, "Hélène Lefèvre");
    assert_eq!(helene.email.as_deref(), Some("helene.lefevre@exemple.fr"));
    assert_eq!(helene.original.get(5), Some("HELENE.LEFEVRE@EXEMPLE.FR "));
    assert_eq!(
        helene.extra.get("Ateliers").map(String::as_str),
        Some("Thymio; Sumo robot")
    );
    assert_eq!(helene.extra.get("Niveau").map(String::as_str), Some("4e"));
    assert_eq!(helene.source.line, 43);

    let plan = import::plan(p, &[]);
    assert_eq!(plan.to_add.len(), 41);
    let dups: Vec<_> = plan
        .duplicates_in_file
        .iter()
        .map(|d| (d.kept_line, d.dropped_line, d.by))
        .collect();
    assert_eq!(dups, [(5, 42, SameBy::Ticket)]);
    // Siblings sharing the family address stay three people.
    let morel: Vec<_> = plan
        .to_add
        .iter()
        .filter(|r| r.email.as_deref() == Some("famille.morel@exemple.fr"))
        .map(|r| r.given_name.as_str())
        .collect();
    assert_eq!(morel, ["Timothée", "Nolwenn", "Ibrahim"]);
}

#[test]
fn festirobot_reimport_and_update_merge() {
    let bytes = fixture("festirobot-utf8-bom-crlf.csv");
    let first = import::plan(
        import::read(&bytes, "f.csv", &ImportOptions::default()).unwrap(),
        &[],
    );
    let db = as_stored(&first.to_add);
    let again = import::plan(
        import::read(&bytes, "f.csv", &ImportOptions::default()).unwrap(),
        &db,
    );
    assert_eq!(
        (
            again.to_add.len(),
            again.to_update.len(),
            again.unchanged.len()
        ),
        (0, 0, 41)
    );

    let text = String::from_utf8(bytes).unwrap().replace(
        "FR26-0003;Richard;Noé;Collège Camille Claudel",
        "FR26-0003;Richard;Noé;Collège Victor Hugo",
    ) + "FR26-0043;Œuvray;Zoé;Lycée Pierre Corneille;2nde;;Thymio\r\n";
    let p = import::plan(
        import::read(text.as_bytes(), "f.csv", &ImportOptions::default()).unwrap(),
        &db,
    );
    assert_eq!(names(&p.to_add), ["Zoé Œuvray"]);
    assert_eq!(p.to_update.len(), 1);
    let u = &p.to_update[0];
    assert_eq!(u.attendee_id, 102);
    assert_eq!(u.changed.len(), 1);
    assert_eq!(u.changed[0].field, "organisation");
    assert_eq!(u.changed[0].old.as_deref(), Some("Collège Camille Claudel"));
    assert_eq!(
        u.record.organisation.as_deref(),
        Some("Collège Victor Hugo")
    );
    assert_eq!(p.unchanged.len(), 40);
}

#[test]
fn workshop_quoted_cells_and_line_numbers() {
    let p = read("workshop-en-quoted.csv");
    assert_eq!((p.delimiter, p.records.len()), (b',', 4));
    let k = find(&p.records, "Katherine Johnson");
    assert_eq!(k.email, None);
    assert_eq!(k.organisation.as_deref(), Some("NASA, Langley"));
    assert_eq!(
        k.extra.get("Notes").map(String::as_str),
        Some("Line one line two")
    );
    assert_eq!(k.original.get(5), Some("Line one\nline two"));
    let g = find(&p.records, "Grace Hopper");
    assert_eq!(
        g.extra.get("Notes").map(String::as_str),
        Some("Speaker, needs \"front row\"")
    );
    assert_eq!(find(&p.records, "Alan Turing").source.line, 6);
    assert_eq!(g.ticket.as_deref(), Some("EB-1002"));
}

#[test]
fn excel_windows_1252_semicolon() {
    let p = read("excel-windows1252-semicolon.csv");
    assert_eq!(
        (p.encoding, p.encoding_by, p.delimiter),
        ("windows-1252", DecodedBy::Fallback, b';')
    );
    assert_eq!(p.records.len(), 5);
    let h = find(&p.records, "Hélène Lefèvre");
    assert_eq!(h.given_name.as_bytes(), "Hélène".as_bytes());
    assert_eq!(
        find(&p.records, "Zoé Œuvray").family_name.as_bytes(),
        "Œuvray".as_bytes()
    );
    assert_eq!(
        find(&p.records, "Mamadou N'Diaye").family_name.as_bytes(),
        b"N'Diaye"
    );
    assert_eq!(
        find(&p.records, "François Müller").organisation.as_deref(),
        Some("Collège Jean Lecanuet; Rouen")
    );
    assert_eq!(
        p.records.first().and_then(|r| r.ticket.as_deref()),
        Some("W-01")
    );
    let plan = import::plan(p, &[]);
    assert_eq!(
        plan.to_add.len(),
        5,
        "the N'Diaye siblings share an address and stay two"
    );
}

#[test]
fn excel_unicode_text_utf16le_tab() {
    let p = read("excel-unicode-utf16le-tab.txt");
    assert_eq!(
        (p.encoding, p.encoding_by, p.delimiter),
        ("UTF-16LE", DecodedBy::Bom, b'\t')
    );
    assert_eq!(
        names(&p.records),
        ["Thị Ngọc Nguyễn", "Hélène Œuvray", "Awa N'Diaye"]
    );
    let n = &p.records[0];
    assert_eq!(n.family_name.as_bytes(), "Nguyễn".as_bytes());
    assert_eq!(n.organisation.as_deref(), Some("Đại học Bách khoa"));
    assert_eq!(p.records[2].source.line, 4);
}

#[test]
fn utf16be_with_bom_and_single_name() {
    let p = read("utf16be-bom-comma.csv");
    assert_eq!((p.encoding, p.delimiter), ("UTF-16BE", b','));
    assert_eq!(names(&p.records), ["Nguyễn Thị Ngọc", "Hélène Œuvray"]);
    assert_eq!(
        p.records[0].given_name.as_bytes(),
        "Nguyễn Thị Ngọc".as_bytes()
    );
}

#[test]
fn utf8_without_bom_lf_comma() {
    let p = read("utf8-nobom-lf-comma.csv");
    assert_eq!((p.encoding_by, p.delimiter), (DecodedBy::ValidUtf8, b','));
    assert_eq!(
        names(&p.records),
        ["Hélène Dupont", "Ngọc Nguyễn Thị", "Awa N'Diaye"]
    );
    assert_eq!(
        p.records[1].organisation.as_deref(),
        Some("Club \"Robots\"")
    );
}

#[test]
fn pipe_and_lone_cr_files() {
    let p = read("pipe-separated.csv");
    assert_eq!((p.delimiter, p.records.len()), (b'|', 2));
    assert_eq!(p.records[1].family_name, "Œuvray");
    assert_eq!(p.mapping.column(Field::Organisation), Some(3));
    let p = read("mac-cr-line-ends.csv");
    assert_eq!(names(&p.records), ["Hélène Dupont", "Léa Martin"]);
    assert_eq!(p.records[1].source.line, 3);
}

#[test]
fn google_forms_french_and_english() {
    let p = read("google-forms-fr.csv");
    assert_eq!(p.records.len(), 3);
    let n = find(&p.records, "Lan Nguyễn Thị Ngọc");
    assert_eq!(n.email.as_deref(), Some("nguyen.family@gmail.com"));
    assert_eq!(
        n.extra.get("Horodateur").map(String::as_str),
        Some("2026/11/03 8:01:00 AM UTC+1")
    );
    assert_eq!(
        n.extra.get("Autorisation photo").map(String::as_str),
        Some("Oui")
    );
    let p = read("google-forms-en-fullname.csv");
    assert_eq!(names(&p.records), ["Ada Lovelace", "Awa N'Diaye"]);
    assert_eq!(p.records[1].organisation.as_deref(), Some("Dakar Tech"));
}

#[test]
fn helloasso_order_with_several_participants() {
    let p = read("helloasso.csv");
    assert_eq!(p.mapping.column(Field::ContactEmail), Some(7));
    assert_eq!(p.mapping.column(Field::Email), None);
    let plan = import::plan(p, &[]);
    assert_eq!(
        names(&plan.to_add),
        [
            "Thị Ngọc Nguyễn",
            "Minh Nguyễn",
            "Văn An Nguyễn",
            "Hélène Lefèvre"
        ]
    );
    let child = &plan.to_add[0];
    assert_eq!(child.email, None);
    assert_eq!(
        child.contact_email.as_deref(),
        Some("van.an.nguyen@gmail.com")
    );
    assert_eq!(child.ticket.as_deref(), Some("HA-001"));
    assert_eq!(
        child.extra.get("Prénom payeur").map(String::as_str),
        Some("Văn An")
    );
    assert_eq!(child.extra.get("Classe").map(String::as_str), Some("CM2"));
}

#[test]
fn eventbrite_attendees_not_buyers() {
    let p = read("eventbrite.csv");
    let plan = import::plan(p, &[]);
    assert_eq!(
        names(&plan.to_add),
        ["Ada Lovelace", "Awa N'Diaye", "Ibrahima N'Diaye"]
    );
    let awa = &plan.to_add[1];
    assert_eq!(
        (awa.ticket.as_deref(), awa.email.as_deref()),
        (Some("9002001"), None)
    );
    assert_eq!(awa.contact_email.as_deref(), Some("moussa@example.org"));
    assert_eq!(
        awa.extra.get("Attendee #").map(String::as_str),
        Some("9002")
    );
}

#[test]
fn pretix_positions() {
    let plan = import::plan(read("pretix.csv"), &[]);
    assert_eq!(
        names(&plan.to_add),
        ["Hélène Œuvray", "Awa N'Diaye", "Grace Hopper"]
    );
    let h = &plan.to_add[0];
    assert_eq!(
        (h.email.as_deref(), h.contact_email.as_deref()),
        (None, Some("orders@school.example"))
    );
    assert_eq!(h.ticket.as_deref(), Some("s3cr3tAAA"));
    assert_eq!(plan.to_add[1].email.as_deref(), Some("awa@example.org"));
    assert_eq!(
        h.extra.get("Attendee name").map(String::as_str),
        Some("Hélène Œuvray")
    );
}

#[test]
fn single_name_column_is_kept_whole() {
    let p = read("single-name-column.csv");
    assert_eq!(
        names(&p.records),
        ["Hélène Œuvray", "Nguyễn Thị Ngọc", "N'Diaye Awa"]
    );
    assert!(p.records.iter().all(|r| r.family_name.is_empty()));
    assert_eq!(p.records[2].original.get(0), Some("  N'Diaye   Awa "));
}

#[test]
fn blank_lines_are_skipped_silently() {
    let p = read("empty-lines.csv");
    assert_eq!((p.header_line, p.rows, p.records.len()), (3, 2, 2));
    assert_eq!((p.records[0].source.line, p.records[1].source.line), (5, 8));
    assert!(p.problems.is_empty());
}

#[test]
fn ragged_rows() {
    let p = read("broken-ragged.csv");
    assert_eq!(
        names(&p.records),
        ["Hélène Dupont", "Jean Roux", "Zoé Blanc"]
    );
    assert_eq!(
        problems(&p),
        [
            (
                3,
                None,
                ProblemKind::Ragged {
                    found: 2,
                    expected: 3
                }
            ),
            (
                4,
                None,
                ProblemKind::Ragged {
                    found: 4,
                    expected: 3
                }
            ),
        ]
    );
}

#[test]
fn stray_and_unclosed_quotes() {
    let p = read("broken-quotes.csv");
    assert_eq!(names(&p.records), ["Ada Lovelace", "Katherine Johnson"]);
    assert_eq!(
        problems(&p),
        [
            (3, Some(1), ProblemKind::StrayQuote),
            (4, Some(1), ProblemKind::StrayQuote),
            (5, None, ProblemKind::UnclosedQuote),
        ]
    );
    assert_eq!(p.records[1].source.line, 6);
}

#[test]
fn empty_names_and_bad_emails() {
    let p = read("broken-names-emails.csv");
    assert_eq!(names(&p.records), ["Hélène Dupont", "Zoé Œuvray"]);
    assert_eq!(p.records[1].email.as_deref(), Some("zoe@exemple.fr"));
    assert_eq!(p.records[1].original.get(2), Some("ZOE@EXEMPLE.FR "));
    assert_eq!(
        problems(&p),
        [
            (3, Some(1), ProblemKind::EmptyName),
            (
                4,
                Some(3),
                ProblemKind::BadEmail {
                    value: "lea(at)exemple.fr".into()
                }
            ),
            (
                5,
                Some(3),
                ProblemKind::BadEmail {
                    value: "ines@exemple".into()
                }
            ),
        ]
    );
    assert_eq!(p.problems[1].position(), "broken-names-emails.csv:4:3");
}

#[test]
fn problems_after_a_multiline_cell_use_physical_lines() {
    let p = read("multiline-then-errors.csv");
    assert_eq!(names(&p.records), ["Ada Lovelace", "Grace Hopper"]);
    assert_eq!(p.records[1].source.line, 6);
    assert_eq!(
        problems(&p),
        [
            (
                5,
                Some(2),
                ProblemKind::BadEmail {
                    value: "not-an-address".into()
                }
            ),
            (8, Some(1), ProblemKind::EmptyName),
        ]
    );
}

#[test]
fn nul_bytes_and_invalid_bytes() {
    let p = read("broken-nul-bytes.csv");
    assert_eq!(names(&p.records), ["Hélène Dupont", "Inès Petit"]);
    assert_eq!(problems(&p), [(3, Some(1), ProblemKind::NulByte)]);
    let p = read("broken-invalid-utf8.csv");
    assert_eq!(p.encoding_by, DecodedBy::Utf8WithErrors);
    assert_eq!(names(&p.records), ["Hélène Dupont", "Jean Œuvray"]);
    assert_eq!(
        problems(&p),
        [(
            3,
            Some(1),
            ProblemKind::InvalidBytes {
                encoding: "UTF-8".into()
            }
        )]
    );
}

#[test]
fn options_force_encoding_delimiter_and_mapping() {
    let forced = ImportOptions {
        encoding: Some("utf-8".into()),
        ..ImportOptions::default()
    };
    let p = read_with("excel-windows1252-semicolon.csv", &forced);
    assert_eq!(p.encoding_by, DecodedBy::Option);
    assert!(
        p.problems
            .iter()
            .any(|x| matches!(x.kind, ProblemKind::InvalidBytes { .. }))
    );

    let opts = ImportOptions {
        delimiter: Some(b','),
        map: vec![
            "name=Nom complet".parse().unwrap(),
            "contact_email=Courriel".parse().unwrap(),
        ],
        ..ImportOptions::default()
    };
    let p = import::read(
        "Nom complet,Courriel\nHélène Œuvray,h@ex.fr\n".as_bytes(),
        "x.csv",
        &opts,
    )
    .unwrap();
    assert_eq!(p.records[0].contact_email.as_deref(), Some("h@ex.fr"));
    assert_eq!(p.records[0].email, None);
}

#[test]
fn whole_file_errors() {
    let o = ImportOptions::default();
    assert!(matches!(
        import::read(b"", "e.csv", &o),
        Err(import::ImportError::Empty { .. })
    ));
    assert!(matches!(
        import::read(b"\n,,\n  \n", "e.csv", &o),
        Err(import::ImportError::Empty { .. })
    ));
    assert!(matches!(
        import::read(b"Foo;Bar\n1;2\n", "e.csv", &o),
        Err(import::ImportError::NoNameColumn { .. })
    ));
}

#[test]
fn decomposed_input_is_stored_composed() {
    let p = import::read(
        "Name\nHe\u{301}le\u{300}ne  Œuvray\n".as_bytes(),
        "n.csv",
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        p.records[0].given_name.as_bytes(),
        "Hélène Œuvray".as_bytes()
    );
}

#[test]
fn excel_sep_line_and_unnamed_trailing_columns() {
    let p = read("excel-sep-hint-trailing-columns.csv");
    assert_eq!(
        (p.delimiter, p.delimiter_by),
        (b';', import::DelimiterBy::ExcelHint)
    );
    assert_eq!((p.encoding, p.header_line), ("windows-1252", 2));
    assert_eq!(names(&p.records), ["Hélène Dupont", "Zoé Œuvray"]);
    assert_eq!(
        problems(&p),
        [(
            5,
            None,
            ProblemKind::Ragged {
                found: 1,
                expected: 5
            }
        )]
    );
}
