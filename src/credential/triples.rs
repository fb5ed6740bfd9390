//! The default-graph triples of one document, borrowed from it, and their RDFC-1.0 canonical
//! N-Quads. oxrdf computes the canonical blank node labels from a dataset of only the triples
//! that mention a blank node: RDFC-1.0 never looks at the others (its blank node to quads map is
//! all it hashes), and filling oxrdf's six indexes with every triple of a credential was a
//! quarter of the time to issue one.

use std::borrow::Cow;
use std::ops::Range;

use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::{
    BlankNode, Dataset, GraphNameRef, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef, QuadRef,
    TermRef,
};

use super::nquads::{push_iri, push_literal, sorted_unique_lines};

/// A subject or an IRI/blank object: a checked IRI, or the n-th blank node (n ≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node<'a> {
    Iri(&'a str),
    Blank(u32),
}

/// An object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object<'a> {
    Node(Node<'a>),
    /// A literal; `datatype` is `None` for `xsd:string`.
    Literal {
        value: Cow<'a, str>,
        datatype: Option<NamedNodeRef<'static>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triple<'a> {
    pub subject: Node<'a>,
    pub predicate: NamedNodeRef<'static>,
    pub object: Object<'a>,
}

/// Triples in the order they were added, and how many blank nodes they use (`1..=blanks`).
#[derive(Debug, Default, Clone)]
pub struct Triples<'a> {
    pub triples: Vec<Triple<'a>>,
    pub blanks: u32,
}

impl<'a> Triples<'a> {
    pub fn new() -> Self {
        Self {
            triples: Vec::with_capacity(48),
            blanks: 0,
        }
    }

    /// A new blank node.
    pub fn blank(&mut self) -> Node<'a> {
        self.blanks += 1;
        Node::Blank(self.blanks)
    }

    pub fn add(&mut self, subject: Node<'a>, predicate: NamedNodeRef<'static>, object: Object<'a>) {
        self.triples.push(Triple {
            subject,
            predicate,
            object,
        });
    }

    /// The oxrdf blank nodes standing for `1..=blanks` (index 0 is blank node 1).
    fn blank_nodes(&self) -> Vec<BlankNode> {
        (1..=self.blanks)
            .map(|i| BlankNode::new_from_unique_id(u128::from(i)))
            .collect()
    }

    /// All triples as an oxrdf dataset (tests compare with it).
    pub fn to_dataset(&self) -> Dataset {
        let nodes = self.blank_nodes();
        let mut dataset = Dataset::new();
        for t in &self.triples {
            insert(&mut dataset, t, &nodes);
        }
        dataset
    }

    /// RDFC-1.0 (SHA-256) canonical N-Quads: one `… .\n` line per distinct triple, sorted by
    /// code point; the same bytes as `nquads::canonical_nquads(&self.to_dataset())`.
    pub fn canonical_nquads(&self) -> String {
        let labels = self.canonical_labels();
        let mut text = String::with_capacity(self.triples.len() * 120);
        let mut lines: Vec<Range<usize>> = Vec::with_capacity(self.triples.len());
        let push_node = |text: &mut String, node: Node<'_>| match node {
            Node::Iri(iri) => push_iri(text, NamedNodeRef::new_unchecked(iri)),
            Node::Blank(n) => {
                text.push_str("_:");
                text.push_str(label(&labels, n));
            }
        };
        for t in &self.triples {
            let start = text.len();
            push_node(&mut text, t.subject);
            text.push(' ');
            push_iri(&mut text, t.predicate);
            text.push(' ');
            match &t.object {
                Object::Node(node) => push_node(&mut text, *node),
                Object::Literal { value, datatype } => {
                    push_literal(&mut text, literal(value, *datatype));
                }
            }
            text.push_str(" .\n");
            lines.push(start..text.len());
        }
        sorted_unique_lines(&text, lines)
    }

    /// The canonical label (`c14n…`) of each blank node, index 0 for blank node 1.
    fn canonical_labels(&self) -> Vec<String> {
        if self.blanks == 0 {
            return Vec::new();
        }
        let nodes = self.blank_nodes();
        let mut dataset = Dataset::new();
        for t in self.triples.iter().filter(|t| t.mentions_a_blank_node()) {
            insert(&mut dataset, t, &nodes);
        }
        let labels = dataset.canonicalize_blank_nodes(CanonicalizationAlgorithm::Rdfc10 {
            hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
        });
        nodes
            .iter()
            .map(|n| {
                labels
                    .get(&n.as_ref())
                    .map_or_else(|| n.as_str().to_owned(), |l| l.as_str().to_owned())
            })
            .collect()
    }
}

impl Triple<'_> {
    fn mentions_a_blank_node(&self) -> bool {
        matches!(self.subject, Node::Blank(_))
            || matches!(self.object, Object::Node(Node::Blank(_)))
    }
}

fn label(labels: &[String], n: u32) -> &str {
    labels
        .get((n as usize).wrapping_sub(1))
        .map_or("unlabelled", String::as_str)
}

fn literal<'a>(value: &'a str, datatype: Option<NamedNodeRef<'static>>) -> LiteralRef<'a> {
    match datatype {
        Some(ty) => LiteralRef::new_typed_literal(value, ty),
        None => LiteralRef::new_simple_literal(value),
    }
}

fn insert<'a>(dataset: &mut Dataset, t: &'a Triple<'a>, nodes: &'a [BlankNode]) {
    let node = |n: Node<'a>| -> Option<NamedOrBlankNodeRef<'a>> {
        Some(match n {
            Node::Iri(iri) => NamedOrBlankNodeRef::NamedNode(NamedNodeRef::new_unchecked(iri)),
            Node::Blank(i) => {
                NamedOrBlankNodeRef::BlankNode(nodes.get((i as usize).wrapping_sub(1))?.as_ref())
            }
        })
    };
    let Some(subject) = node(t.subject) else {
        return;
    };
    let object: TermRef<'_> = match &t.object {
        Object::Node(n) => match node(*n) {
            Some(n) => n.into(),
            None => return,
        },
        Object::Literal { value, datatype } => literal(value, *datatype).into(),
    };
    dataset.insert(QuadRef::new(
        subject,
        t.predicate,
        object,
        GraphNameRef::DefaultGraph,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::nquads::canonical_nquads;

    const P: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("https://example.org/p");
    const NAME: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("https://example.org/name");

    fn text(value: &str) -> Object<'_> {
        Object::Literal {
            value: Cow::Borrowed(value),
            datatype: None,
        }
    }

    #[test]
    fn same_bytes_as_canonicalizing_every_triple() {
        let mut t = Triples::new();
        let root = Node::Iri("urn:uuid:root");
        // Two evidence-like nodes with identical first-degree quads (N-degree hashing decides),
        // a chain of blank nodes, a cycle, IRIs and literals that need escaping.
        let a = t.blank();
        let b = t.blank();
        for n in [a, b] {
            t.add(root, P, Object::Node(n));
            t.add(n, NAME, text("même nom"));
        }
        let c = t.blank();
        let d = t.blank();
        t.add(a, P, Object::Node(c));
        t.add(c, P, Object::Node(d));
        t.add(d, P, Object::Node(c));
        t.add(d, NAME, text("quote \" and \\ and\nnewline"));
        t.add(
            root,
            NAME,
            Object::Literal {
                value: Cow::Borrowed("2026-11-27T10:00:00Z"),
                datatype: Some(NamedNodeRef::new_unchecked(
                    "http://www.w3.org/2001/XMLSchema#dateTime",
                )),
            },
        );
        t.add(root, P, Object::Node(Node::Iri("https://example.org/o")));
        // A duplicate triple is written once.
        t.add(root, P, Object::Node(Node::Iri("https://example.org/o")));
        let ours = t.canonical_nquads();
        assert_eq!(ours, canonical_nquads(&t.to_dataset()));
        assert!(ours.contains("_:c14n3"), "{ours}");
        assert_eq!(ours.matches("https://example.org/o>").count(), 1);
    }

    #[test]
    fn without_blank_nodes_no_labels_are_needed() {
        let mut t = Triples::new();
        t.add(Node::Iri("urn:x"), NAME, text("x"));
        assert_eq!(
            t.canonical_nquads(),
            "<urn:x> <https://example.org/name> \"x\" .\n"
        );
        assert_eq!(t.canonical_nquads(), canonical_nquads(&t.to_dataset()));
    }
}
