//! Property tests: `import::read` and `import::plan` never panic, whatever the bytes, and
//! reading is deterministic.

use badgedesk::import::{self, ImportOptions};
use proptest::prelude::*;

const FIXTURES: &[&[u8]] = &[
    include_bytes!("fixtures/import/festirobot-utf8-bom-crlf.csv"),
    include_bytes!("fixtures/import/workshop-en-quoted.csv"),
    include_bytes!("fixtures/import/excel-windows1252-semicolon.csv"),
    include_bytes!("fixtures/import/excel-unicode-utf16le-tab.txt"),
    include_bytes!("fixtures/import/helloasso.csv"),
    include_bytes!("fixtures/import/pretix.csv"),
    include_bytes!("fixtures/import/broken-quotes.csv"),
    include_bytes!("fixtures/import/multiline-then-errors.csv"),
    include_bytes!("fixtures/import/broken-nul-bytes.csv"),
];

/// Bytes that matter to the parser, plus anything.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b';'),
        Just(b'\t'),
        Just(b'|'),
        Just(b'\r'),
        Just(b'\n'),
        Just(0u8),
        Just(0xFFu8),
        Just(0xFEu8),
        Just(0xC3u8),
        any::<u8>(),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            any::<usize>(),
            prop::collection::vec(interesting_byte(), 1..8)
        )
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1usize..20).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), interesting_byte()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Insert(at, b) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Replace(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x = *b;
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
        }
    }
    bytes
}

fn check(bytes: &[u8]) {
    let options = ImportOptions::default();
    let first = import::read(bytes, "p.csv", &options);
    let second = import::read(bytes, "p.csv", &options);
    assert_eq!(
        format!("{first:?}"),
        format!("{second:?}"),
        "reading is deterministic"
    );
    if let Ok(parsed) = first {
        assert!(parsed.records.len() <= parsed.rows);
        for r in &parsed.records {
            assert!(!r.display_name().is_empty());
            assert!(r.source.line >= 1);
        }
        let records = parsed.records.clone();
        let plan = import::plan(parsed, &[]);
        assert!(plan.to_add.len() <= records.len());
        assert!(plan.to_update.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(interesting_byte(), 0..600)) {
        check(&bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let base = FIXTURES.get(which).copied().unwrap_or_default().to_vec();
        check(&apply(base, &mutations));
    }

    #[test]
    fn fast_fold_equals_text_fold(s in "\\PC{0,24}", t in "[a-zA-ZÀ-ž\u{300}-\u{36f}\u{1e00}-\u{1eff}’Œœ ]{0,24}") {
        prop_assert_eq!(import::dedupe::fold_fast(&s), badgedesk::text::fold(&s));
        prop_assert_eq!(import::dedupe::fold_fast(&t), badgedesk::text::fold(&t));
    }

    #[test]
    fn forced_options_never_panic(
        bytes in prop::collection::vec(interesting_byte(), 0..300),
        enc in prop::sample::select(vec!["utf-8", "windows-1252", "utf-16le", "utf-16be", "latin1"]),
        delim in prop::sample::select(vec![b',', b';', b'\t', b'|', b'"', b'a']),
    ) {
        let options = ImportOptions { encoding: Some(enc.to_string()), delimiter: Some(delim), map: vec![] };
        let _ = import::read(&bytes, "p.csv", &options).map(|p| import::plan(p, &[]));
    }
}
