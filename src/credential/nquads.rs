//! RDFC-1.0 on an oxrdf dataset and its canonical N-Quads text. Both the general and the fast
//! path end here, so the bytes they hash can only differ if the datasets differ.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::vocab::xsd;
use oxrdf::{
    BlankNode, BlankNodeRef, Dataset, GraphNameRef, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef,
    TermRef,
};

/// Canonicalize `dataset` with RDFC-1.0 (SHA-256) and write it as canonical N-Quads: one
/// `… .\n` line per quad, lines sorted by code point.
///
/// oxrdf computes the canonical blank node labels; the quads are then written once with those
/// labels (terms formatted by oxrdf), instead of rebuilding the dataset's six indexes with the
/// new labels (`Dataset::canonicalize`) and allocating a string per line: the same bytes, at
/// about half the cost, on the path every issued credential takes.
pub fn canonical_nquads(dataset: &Dataset) -> String {
    let labels = dataset.canonicalize_blank_nodes(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut text = String::with_capacity(dataset.len() * 120);
    let mut lines: Vec<Range<usize>> = Vec::with_capacity(dataset.len());
    for quad in dataset {
        let start = text.len();
        match quad.subject {
            NamedOrBlankNodeRef::BlankNode(b) => push_blank(&mut text, &labels, b),
            NamedOrBlankNodeRef::NamedNode(n) => push_iri(&mut text, n),
        }
        text.push(' ');
        push_iri(&mut text, quad.predicate);
        text.push(' ');
        match quad.object {
            TermRef::BlankNode(b) => push_blank(&mut text, &labels, b),
            TermRef::NamedNode(n) => push_iri(&mut text, n),
            TermRef::Literal(l) => push_literal(&mut text, l),
            #[allow(unreachable_patterns)] // RDF 1.2 quoted triples, if a crate enables them
            other => push(&mut text, other),
        }
        match quad.graph_name {
            GraphNameRef::DefaultGraph => {}
            GraphNameRef::BlankNode(b) => {
                text.push(' ');
                push_blank(&mut text, &labels, b);
            }
            GraphNameRef::NamedNode(n) => {
                text.push(' ');
                push_iri(&mut text, n);
            }
        }
        text.push_str(" .\n");
        lines.push(start..text.len());
    }
    sorted_unique_lines(&text, lines)
}

/// The `lines` of `text` (byte ranges, one N-Quads line each), sorted by code point and
/// without repeats: the canonical document.
pub(super) fn sorted_unique_lines(text: &str, mut lines: Vec<Range<usize>>) -> String {
    let line = |r: &Range<usize>| text.get(r.clone()).unwrap_or_default();
    lines.sort_unstable_by(|a, b| line(a).cmp(line(b)));
    lines.dedup_by(|a, b| line(a) == line(b));
    let mut out = String::with_capacity(text.len());
    for r in &lines {
        out.push_str(line(r));
    }
    out
}

fn push(text: &mut String, term: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(text, "{term}");
}

// The IRIs and literals of every issued credential are written below: the bytes of oxrdf's
// `Display`, without its formatter's per-character writes (tested against it).

/// `<iri>`, as oxrdf writes a named node.
pub(super) fn push_iri(text: &mut String, iri: NamedNodeRef<'_>) {
    text.push('<');
    text.push_str(iri.as_str());
    text.push('>');
}

/// A literal as oxrdf writes it; values with a character oxrdf escapes go through oxrdf.
pub(super) fn push_literal(text: &mut String, literal: LiteralRef<'_>) {
    let value = literal.value();
    if value.bytes().any(maybe_escaped) {
        push(text, literal);
        return;
    }
    text.push('"');
    text.push_str(value);
    text.push('"');
    if let Some(language) = literal.language() {
        text.push('@');
        text.push_str(language);
    } else if literal.datatype() != xsd::STRING {
        text.push_str("^^");
        push_iri(text, literal.datatype());
    }
}

/// A byte of a character oxrdf escapes in literals: controls, `"`, `\`, DEL, and U+FFFE and
/// U+FFFF (whose UTF-8 starts with 0xEF, like that of other characters, which then merely take
/// the slower way).
fn maybe_escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F || b == 0xEF
}

/// `_:` and the canonical label of `b` (every blank node of the dataset has one).
fn push_blank(text: &mut String, labels: &HashMap<BlankNodeRef<'_>, BlankNode>, b: BlankNodeRef) {
    match labels.get(&b) {
        Some(label) => push(text, label),
        None => push(text, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{GraphName, Literal, NamedNode, Quad};

    /// The previous implementation: oxrdf relabels the dataset, then each quad is formatted.
    fn relabel_and_format(mut dataset: Dataset) -> String {
        dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
        });
        let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
        lines.sort_unstable();
        lines.concat()
    }

    #[test]
    fn same_bytes_as_relabelling_the_dataset() {
        let iri = |s: &str| NamedNode::new_unchecked(format!("https://example.org/{s}"));
        let b = |i: u128| BlankNode::new_from_unique_id(i);
        let mut dataset = Dataset::new();
        let quads = [
            Quad::new(b(1), iri("p"), b(2), GraphName::DefaultGraph),
            Quad::new(b(2), iri("p"), b(1), GraphName::DefaultGraph),
            Quad::new(
                b(2),
                iri("name"),
                Literal::new_simple_literal("Hélène \"\n\\"),
                b(3),
            ),
            Quad::new(
                iri("s"),
                iri("q"),
                Literal::new_language_tagged_literal_unchecked("Œuvray", "fr"),
                iri("g"),
            ),
            Quad::new(b(4), iri("p"), b(5), GraphName::DefaultGraph),
            Quad::new(b(5), iri("p"), b(4), GraphName::DefaultGraph),
            Quad::new(
                iri("s"),
                iri("when"),
                Literal::new_typed_literal(
                    "2026-11-27T10:00:00Z",
                    NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#dateTime"),
                ),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                iri("s"),
                iri("t"),
                Literal::new_typed_literal(
                    "Nguyễn Thị Ngọc",
                    NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#string"),
                ),
                GraphName::DefaultGraph,
            ),
        ];
        for q in &quads {
            dataset.insert(q);
        }
        let text = canonical_nquads(&dataset);
        assert_eq!(text, relabel_and_format(dataset));
        assert!(text.contains("_:c14n"), "{text}");
    }

    #[test]
    fn literals_are_written_as_oxrdf_writes_them() {
        let xsd_date = NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#date");
        // Each character oxrdf escapes alone in a value, then mixes and ones it keeps.
        let escaped = [
            '\u{0}', '\u{8}', '\t', '\n', '\u{B}', '\u{C}', '\r', '\u{1F}', '"', '\\', '\u{7F}',
            '\u{FFFE}', '\u{FFFF}',
        ];
        let mut values: Vec<String> = escaped.iter().map(|c| format!("a{c}b")).collect();
        values.extend(
            [
                "",
                "plain",
                "Hélène Œuvray",
                "Nguyễn Thị Ngọc",
                "N'Diaye",
                "quote \" and \\ backslash",
                "\u{FFFD}\u{F000} emoji 🦀",
            ]
            .map(String::from),
        );
        for value in &values {
            let literals = [
                LiteralRef::new_simple_literal(value),
                LiteralRef::new_typed_literal(value, xsd_date.as_ref()),
                LiteralRef::new_language_tagged_literal_unchecked(value, "fr"),
            ];
            for literal in literals {
                let mut text = String::new();
                push_literal(&mut text, literal);
                assert_eq!(text, literal.to_string(), "{value:?}");
            }
        }
        let mut text = String::new();
        push_iri(&mut text, xsd_date.as_ref());
        assert_eq!(text, xsd_date.to_string());
    }
}
