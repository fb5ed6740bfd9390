//! The general path: any JSON-LD document → RDF (json-ld 0.21, compiled-in contexts only,
//! undefined terms rejected) → RDFC-1.0 canonical N-Quads (oxrdf). Slow (the contexts are
//! processed again for every document) but it makes no assumption about the document's shape:
//! verification of foreign credentials and the cross-check of the fast path use it.

use json_ld::expansion::{Action, Policy};
use json_ld::{JsonLdProcessor, Options, RemoteDocument};
use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use rdf_types::{Id, LiteralType};

use super::contexts::StaticLoader;
use super::nquads::canonical_nquads;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// Why a document could not be canonicalized.
#[derive(Debug, thiserror::Error)]
pub enum CanonError {
    #[error("the document is not valid JSON: {0}")]
    Json(String),
    #[error(
        "JSON-LD processing failed: {0} (every property must be defined by a known context, and only compiled-in contexts can be used)"
    )]
    JsonLd(String),
    #[error("the document produced an RDF term badgedesk cannot canonicalize: {0}")]
    Term(String),
}

fn options() -> Options {
    Options {
        expansion_policy: Policy {
            invalid: Action::Reject,
            vocab: Action::Keep,
            allow_undefined: false,
        },
        ..Options::default()
    }
}

/// Parse JSON text into the json-ld crate's value type (keeps number spellings as written).
pub fn parse(text: &str) -> Result<json_syntax::Value, CanonError> {
    <json_syntax::Value as json_syntax::Parse>::parse_str(text)
        .map(|(v, _)| v)
        .map_err(|e| CanonError::Json(e.to_string()))
}

/// Canonical N-Quads of a JSON-LD document given as text.
pub fn canonicalize_str(text: &str) -> Result<String, CanonError> {
    canonicalize(parse(text)?)
}

/// Canonical N-Quads of a serde_json value (serialized then parsed, so numbers keep the
/// spelling serde_json gives them, as they will appear in the published file).
pub fn canonicalize_serde(value: &serde_json::Value) -> Result<String, CanonError> {
    let text = serde_json::to_string(value).map_err(|e| CanonError::Json(e.to_string()))?;
    canonicalize_str(&text)
}

/// Canonical N-Quads of a parsed JSON-LD document.
pub fn canonicalize(document: json_syntax::Value) -> Result<String, CanonError> {
    Ok(canonical_nquads(&to_dataset(document)?))
}

/// The RDF dataset of a JSON-LD document (not canonicalized).
pub fn to_dataset(document: json_syntax::Value) -> Result<Dataset, CanonError> {
    let remote = RemoteDocument::new(None, None, document);
    let mut generator = rdf_types::generator::Blank::new();
    let mut rdf =
        futures::executor::block_on(remote.to_rdf_using(&mut generator, &StaticLoader, options()))
            .map_err(|e| CanonError::JsonLd(e.to_string()))?;
    let mut dataset = Dataset::new();
    for rdf_types::Quad(s, p, o, g) in rdf.quads() {
        let subj = subject(s.as_ref())?;
        let predicate = match p.as_ref() {
            Id::Iri(iri) => NamedNode::new_unchecked(iri.as_str()),
            Id::Blank(b) => return Err(CanonError::Term(format!("blank predicate {b}"))),
        };
        let object = match o {
            rdf_types::Term::Id(id) => Term::from(subject(&id)?),
            rdf_types::Term::Literal(lit) => Term::from(literal(lit)?),
        };
        let graph = match g {
            None => GraphName::DefaultGraph,
            Some(Id::Iri(iri)) => GraphName::NamedNode(NamedNode::new_unchecked(iri.as_str())),
            Some(Id::Blank(b)) => GraphName::BlankNode(blank(b.as_str())?),
        };
        dataset.insert(&Quad::new(subj, predicate, object, graph));
    }
    Ok(dataset)
}

fn blank(label: &str) -> Result<BlankNode, CanonError> {
    let suffix = label.strip_prefix("_:").unwrap_or(label);
    BlankNode::new(suffix).map_err(|e| CanonError::Term(format!("blank node '{label}': {e}")))
}

fn subject(id: &Id) -> Result<NamedOrBlankNode, CanonError> {
    Ok(match id {
        Id::Iri(iri) => NamedOrBlankNode::NamedNode(
            NamedNode::new(iri.as_str())
                .map_err(|e| CanonError::Term(format!("IRI '{iri}': {e}")))?,
        ),
        Id::Blank(b) => NamedOrBlankNode::BlankNode(blank(b.as_str())?),
    })
}

fn literal(lit: rdf_types::Literal) -> Result<Literal, CanonError> {
    Ok(match lit.type_ {
        LiteralType::Any(ty) if ty.as_str() == XSD_STRING => Literal::new_simple_literal(lit.value),
        LiteralType::Any(ty) => Literal::new_typed_literal(
            lit.value,
            NamedNode::new(ty.as_str())
                .map_err(|e| CanonError::Term(format!("datatype '{ty}': {e}")))?,
        ),
        LiteralType::LangString(tag) => {
            Literal::new_language_tagged_literal(lit.value, tag.as_str())
                .map_err(|e| CanonError::Term(format!("language tag '{tag}': {e}")))?
        }
    })
}
