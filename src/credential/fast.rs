//! The fast issuing path: the RDF dataset of an `AchievementCredential` written directly from the
//! typed model (no JSON-LD context processing), then the same RDFC-1.0 step as the general path.
//! It knows the term definitions of the VC 2.0 + OB 3.0.3 (+ extensions) contexts for exactly the
//! fields of `model.rs`; anything outside that (another context, an unknown type, an IRI that a
//! JSON-LD processor might treat differently) is `Unsupported`, and callers fall back to the
//! general path. Property tests (tests/credential_fastpath.rs) prove both paths byte-identical.

use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use super::contexts::{OB_EXTENSIONS, OB_V3P0_3_0_3, VC_V2};
use super::model::{
    Achievement, AchievementCredential, AchievementSubject, Evidence, IdentityObject, Image,
    Profile, Proof,
};
use super::nquads::canonical_nquads;

const OB: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
const CRED: &str = "https://www.w3.org/2018/credentials#";
const SCHEMA: &str = "https://schema.org/";
const SEC: &str = "https://w3id.org/security#";
const XSD_HTTP: &str = "http://www.w3.org/2001/XMLSchema#";
const XSD_HTTPS: &str = "https://www.w3.org/2001/XMLSchema#";

/// Why the fast path declined a credential (the general path can still process it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fast path does not cover this credential: {0}")]
pub struct Unsupported(pub String);

fn unsupported(what: impl Into<String>) -> Unsupported {
    Unsupported(what.into())
}

/// Canonical N-Quads of the unsecured credential (its proofs are ignored).
pub fn canonical_document(credential: &AchievementCredential) -> Result<String, Unsupported> {
    Ok(canonical_nquads(document_dataset(credential)?))
}

/// Canonical N-Quads of the proof configuration (`proof` options + `context`).
pub fn canonical_proof_config(proof: &Proof, context: &[String]) -> Result<String, Unsupported> {
    Ok(canonical_nquads(proof_config_dataset(proof, context)?))
}

/// Whether `context` is one the fast path knows: VC 2.0, OB 3.0.3, optionally extensions.
/// Returns whether the extensions context is present.
fn check_context(context: &[String]) -> Result<bool, Unsupported> {
    match context {
        [a, b] if a == VC_V2 && b == OB_V3P0_3_0_3 => Ok(false),
        [a, b, c] if a == VC_V2 && b == OB_V3P0_3_0_3 && c == OB_EXTENSIONS => Ok(true),
        _ => Err(unsupported(format!("@context {context:?}"))),
    }
}

/// An IRI every JSON-LD processor keeps verbatim: a known scheme, no characters that need
/// escaping or that IRI parsers disagree on.
pub fn check_iri(value: &str) -> Result<NamedNode, Unsupported> {
    let scheme_ok = ["https://", "http://", "urn:", "did:", "data:"]
        .iter()
        .any(|s| value.len() > s.len() && value.starts_with(s));
    let chars_ok = value
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b"<>\"{}|^`\\".contains(&b));
    if !(scheme_ok && chars_ok && iref::Iri::new(value).is_ok()) {
        return Err(unsupported(format!("IRI '{value}'")));
    }
    NamedNode::new(value).map_err(|_| unsupported(format!("IRI '{value}'")))
}

fn n(base: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{local}"))
}

struct Builder {
    dataset: Dataset,
    next_blank: u64,
}

impl Builder {
    fn new() -> Self {
        Self {
            dataset: Dataset::new(),
            next_blank: 0,
        }
    }

    fn blank(&mut self) -> NamedOrBlankNode {
        self.next_blank += 1;
        NamedOrBlankNode::BlankNode(BlankNode::new_from_unique_id(u128::from(self.next_blank)))
    }

    fn node(&mut self, id: Option<&str>) -> Result<NamedOrBlankNode, Unsupported> {
        match id {
            Some(id) => Ok(check_iri(id)?.into()),
            None => Ok(self.blank()),
        }
    }

    fn add(&mut self, s: &NamedOrBlankNode, p: NamedNode, o: impl Into<Term>) {
        self.dataset
            .insert(&Quad::new(s.clone(), p, o.into(), GraphName::DefaultGraph));
    }

    fn string(&mut self, s: &NamedOrBlankNode, p: NamedNode, value: Option<&str>) {
        if let Some(v) = value {
            self.add(s, p, Literal::new_simple_literal(v));
        }
    }

    fn typed(&mut self, s: &NamedOrBlankNode, p: NamedNode, value: Option<&str>, ty: NamedNode) {
        if let Some(v) = value {
            self.add(s, p, Literal::new_typed_literal(v, ty));
        }
    }

    fn rdf_type(&mut self, s: &NamedOrBlankNode, ty: NamedNode) {
        self.add(s, rdf::TYPE.into_owned(), ty);
    }

    /// A node whose `type` must be exactly `[expected]`.
    fn only_type(&mut self, s: &NamedOrBlankNode, types: &[String], expected: &str) -> Result<(), Unsupported> {
        match types {
            [t] if t == expected => {
                self.rdf_type(s, n(OB, expected));
                Ok(())
            }
            _ => Err(unsupported(format!("type {types:?} (expected [\"{expected}\"])"))),
        }
    }
}

/// The RDF dataset of the unsecured credential.
pub fn document_dataset(c: &AchievementCredential) -> Result<Dataset, Unsupported> {
    let extensions = check_context(&c.context)?;
    let mut b = Builder::new();
    let cred = b.node(Some(&c.id))?;
    if !c.types.iter().any(|t| t == "VerifiableCredential") {
        return Err(unsupported("credential type without VerifiableCredential"));
    }
    for t in &c.types {
        let ty = match t.as_str() {
            "VerifiableCredential" => n(CRED, "VerifiableCredential"),
            "OpenBadgeCredential" | "AchievementCredential" => n(OB, "OpenBadgeCredential"),
            other => return Err(unsupported(format!("credential type '{other}'"))),
        };
        b.rdf_type(&cred, ty);
    }
    let issuer = profile(&mut b, &c.issuer)?;
    b.add(&cred, n(CRED, "issuer"), issuer);
    let dt = n(XSD_HTTP, "dateTime");
    b.typed(&cred, n(CRED, "validFrom"), Some(&c.valid_from), dt.clone());
    b.typed(&cred, n(CRED, "validUntil"), c.valid_until.as_deref(), dt);
    b.string(&cred, n(SCHEMA, "name"), c.name.as_deref());
    b.string(&cred, n(SCHEMA, "description"), c.description.as_deref());
    let subject = subject(&mut b, &c.credential_subject)?;
    b.add(&cred, n(CRED, "credentialSubject"), subject);
    for e in &c.evidence {
        let node = evidence(&mut b, e)?;
        b.add(&cred, n(CRED, "evidence"), node);
    }
    for s in &c.credential_schema {
        if !extensions || s.type_ != super::model::SCHEMA_VALIDATOR_TYPE {
            return Err(unsupported(format!("credentialSchema type '{}'", s.type_)));
        }
        let node = b.node(Some(&s.id))?;
        b.rdf_type(
            &node,
            NamedNode::new_unchecked(
                "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019",
            ),
        );
        b.add(&cred, n(CRED, "credentialSchema"), node);
    }
    Ok(b.dataset)
}

fn image(b: &mut Builder, img: &Image) -> Result<NamedOrBlankNode, Unsupported> {
    if img.type_ != "Image" {
        return Err(unsupported(format!("image type '{}'", img.type_)));
    }
    let node = b.node(Some(&img.id))?;
    b.rdf_type(&node, n(OB, "Image"));
    b.string(&node, n(SCHEMA, "caption"), img.caption.as_deref());
    Ok(node)
}

fn profile(b: &mut Builder, p: &Profile) -> Result<NamedOrBlankNode, Unsupported> {
    let node = b.node(Some(&p.id))?;
    b.only_type(&node, &p.types, "Profile")?;
    b.string(&node, n(SCHEMA, "name"), p.name.as_deref());
    b.typed(&node, n(SCHEMA, "url"), p.url.as_deref(), n(XSD_HTTPS, "anyURI"));
    b.string(&node, n(SCHEMA, "email"), p.email.as_deref());
    b.string(&node, n(SCHEMA, "description"), p.description.as_deref());
    if let Some(img) = &p.image {
        let i = image(b, img)?;
        b.add(&node, n(OB, "image"), i);
    }
    Ok(node)
}

fn subject(b: &mut Builder, s: &AchievementSubject) -> Result<NamedOrBlankNode, Unsupported> {
    let node = b.node(s.id.as_deref())?;
    b.only_type(&node, &s.types, "AchievementSubject")?;
    for id in &s.identifier {
        let i = identity(b, id)?;
        b.add(&node, n(OB, "identifier"), i);
    }
    let a = achievement(b, &s.achievement)?;
    b.add(&node, n(OB, "achievement"), a);
    Ok(node)
}

fn identity(b: &mut Builder, i: &IdentityObject) -> Result<NamedOrBlankNode, Unsupported> {
    if i.type_ != "IdentityObject" {
        return Err(unsupported(format!("identifier type '{}'", i.type_)));
    }
    let node = b.blank();
    b.rdf_type(&node, n(OB, "IdentityObject"));
    let hashed = if i.hashed { "true" } else { "false" };
    b.typed(&node, n(OB, "hashed"), Some(hashed), n(XSD_HTTPS, "boolean"));
    b.string(&node, n(OB, "identityHash"), Some(&i.identity_hash));
    b.string(&node, n(OB, "identityType"), Some(&i.identity_type));
    b.string(&node, n(OB, "salt"), i.salt.as_deref());
    Ok(node)
}

fn achievement(b: &mut Builder, a: &Achievement) -> Result<NamedOrBlankNode, Unsupported> {
    let node = b.node(Some(&a.id))?;
    b.only_type(&node, &a.types, "Achievement")?;
    b.string(&node, n(OB, "achievementType"), a.achievement_type.as_deref());
    b.string(&node, n(SCHEMA, "name"), Some(&a.name));
    b.string(&node, n(SCHEMA, "description"), Some(&a.description));
    let criteria = b.node(a.criteria.id.as_deref())?;
    b.string(&criteria, n(OB, "narrative"), a.criteria.narrative.as_deref());
    b.add(&node, n(OB, "Criteria"), criteria);
    if let Some(img) = &a.image {
        let i = image(b, img)?;
        b.add(&node, n(OB, "image"), i);
    }
    if let Some(credits) = a.credits_available {
        let lexical = float_lexical(credits)?;
        b.typed(&node, n(OB, "creditsAvailable"), Some(&lexical), n(XSD_HTTPS, "float"));
    }
    Ok(node)
}

/// The lexical form JSON-LD gives the JSON number badgedesk writes for `x` (model.rs writes
/// whole values as integers): integers as-is, others in canonical xsd:double form (`2.5E0`).
fn float_lexical(x: f64) -> Result<String, Unsupported> {
    if !x.is_finite() {
        return Err(unsupported("non-finite number"));
    }
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return Ok(format!("{}", x as i64));
    }
    Ok(pretty_dtoa::dtoa(
        x,
        pretty_dtoa::FmtFloatConfig::default()
            .force_e_notation()
            .capitalize_e(true),
    ))
}

fn evidence(b: &mut Builder, e: &Evidence) -> Result<NamedOrBlankNode, Unsupported> {
    let node = b.node(e.id.as_deref())?;
    b.only_type(&node, &e.types, "Evidence")?;
    b.string(&node, n(SCHEMA, "name"), e.name.as_deref());
    b.string(&node, n(SCHEMA, "description"), e.description.as_deref());
    b.string(&node, n(OB, "narrative"), e.narrative.as_deref());
    b.string(&node, n(SCHEMA, "genre"), e.genre.as_deref());
    b.string(&node, n(SCHEMA, "audience"), e.audience.as_deref());
    Ok(node)
}

/// The RDF dataset of a proof configuration. The `@context` only has to define the Data
/// Integrity terms, which VC 2.0 does (protected), so the fast path accepts the same contexts
/// as for documents.
pub fn proof_config_dataset(p: &Proof, context: &[String]) -> Result<Dataset, Unsupported> {
    check_context(context)?;
    if p.type_ != super::proof::PROOF_TYPE || p.proof_purpose != super::proof::PROOF_PURPOSE {
        return Err(unsupported(format!("proof type '{}' / purpose '{}'", p.type_, p.proof_purpose)));
    }
    let mut b = Builder::new();
    let node = b.blank();
    b.rdf_type(&node, n(SEC, "DataIntegrityProof"));
    b.typed(
        &node,
        NamedNode::new_unchecked("http://purl.org/dc/terms/created"),
        Some(&p.created),
        n(XSD_HTTP, "dateTime"),
    );
    b.typed(&node, n(SEC, "cryptosuite"), Some(&p.cryptosuite), n(SEC, "cryptosuiteString"));
    b.add(&node, n(SEC, "proofPurpose"), n(SEC, "assertionMethod"));
    let vm = check_iri(&p.verification_method)?;
    b.add(&node, n(SEC, "verificationMethod"), vm);
    Ok(b.dataset)
}
