//! The fast issuing path: the RDF triples of an `AchievementCredential` written directly from the
//! typed model (no JSON-LD context processing), then the same RDFC-1.0 step as the general path.
//! It knows the term definitions of the VC 2.0 + OB 3.0.3 (+ extensions) contexts for exactly the
//! fields of `model.rs`; anything outside that (another context, an unknown type, an IRI that a
//! JSON-LD processor might treat differently) is `Unsupported`, and callers fall back to the
//! general path. Property tests (tests/credential_fastpath.rs) prove both paths byte-identical.

use std::borrow::Cow;

use oxrdf::vocab::rdf;
use oxrdf::{NamedNode, NamedNodeRef};

use super::contexts::{OB_EXTENSIONS, OB_V3P0_3_0_3, VC_V2};
use super::model::{
    Achievement, AchievementCredential, AchievementSubject, CredentialStatus, Evidence,
    IdentityObject, Image, Profile, Proof,
};
use super::triples::{Node, Object, Triples};

/// A vocabulary IRI as a static `NamedNodeRef` (no allocation per quad).
macro_rules! iri {
    (OB, $local:literal) => {
        iri!(@ "https://purl.imsglobal.org/spec/vc/ob/vocab.html#", $local)
    };
    (CRED, $local:literal) => {
        iri!(@ "https://www.w3.org/2018/credentials#", $local)
    };
    (SCHEMA, $local:literal) => {
        iri!(@ "https://schema.org/", $local)
    };
    (SEC, $local:literal) => {
        iri!(@ "https://w3id.org/security#", $local)
    };
    (XSD_HTTP, $local:literal) => {
        iri!(@ "http://www.w3.org/2001/XMLSchema#", $local)
    };
    (XSD_HTTPS, $local:literal) => {
        iri!(@ "https://www.w3.org/2001/XMLSchema#", $local)
    };
    (STATUS, $local:literal) => {
        iri!(@ "https://www.w3.org/ns/credentials/status#", $local)
    };
    (@ $base:literal, $local:literal) => {
        NamedNodeRef::new_unchecked(concat!($base, $local))
    };
}

/// Why the fast path declined a credential (the general path can still process it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fast path does not cover this credential: {0}")]
pub struct Unsupported(pub String);

fn unsupported(what: impl Into<String>) -> Unsupported {
    Unsupported(what.into())
}

/// Canonical N-Quads of the unsecured credential (its proofs are ignored).
pub fn canonical_document(credential: &AchievementCredential) -> Result<String, Unsupported> {
    Ok(document_triples(credential)?.canonical_nquads())
}

/// Canonical N-Quads of the proof configuration (`proof` options + `context`).
pub fn canonical_proof_config(proof: &Proof, context: &[String]) -> Result<String, Unsupported> {
    Ok(proof_config_triples(proof, context)?.canonical_nquads())
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
/// escaping or that IRI parsers disagree on. Returns `value`.
pub fn check_iri(value: &str) -> Result<&str, Unsupported> {
    if recently_valid(value) {
        return Ok(value);
    }
    let scheme_ok = ["https://", "http://", "urn:", "did:", "data:"]
        .iter()
        .any(|s| value.len() > s.len() && value.starts_with(s));
    let chars_ok = value
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b"<>\"{}|^`\\".contains(&b));
    if !(scheme_ok && chars_ok && iref::Iri::new(value).is_ok()) {
        return Err(unsupported(format!("IRI '{value}'")));
    }
    NamedNode::new(value).map_err(|_| unsupported(format!("IRI '{value}'")))?;
    remember_valid(value);
    Ok(value)
}

/// IRIs that passed `check_iri` lately on this thread, most recent last. Every credential of a
/// batch repeats the issuer's, the achievement's, the schema's and the status list's IRIs, and
/// validating them with two IRI parsers was a tenth of the time to build and sign one.
const REMEMBERED_IRIS: usize = 16;
thread_local! {
    static VALID_IRIS: std::cell::RefCell<std::collections::VecDeque<Box<str>>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Whether `value` passed lately (a hit becomes the most recent).
fn recently_valid(value: &str) -> bool {
    VALID_IRIS.with_borrow_mut(|iris| match iris.iter().position(|v| &**v == value) {
        Some(i) => {
            if let Some(hit) = iris.remove(i) {
                iris.push_back(hit);
            }
            true
        }
        None => false,
    })
}

fn remember_valid(value: &str) {
    VALID_IRIS.with_borrow_mut(|iris| {
        if iris.len() >= REMEMBERED_IRIS {
            iris.pop_front();
        }
        iris.push_back(value.into());
    });
}

struct Builder<'a> {
    triples: Triples<'a>,
}

impl<'a> Builder<'a> {
    fn new() -> Self {
        Self {
            triples: Triples::new(),
        }
    }

    fn blank(&mut self) -> Node<'a> {
        self.triples.blank()
    }

    fn node(&mut self, id: Option<&'a str>) -> Result<Node<'a>, Unsupported> {
        match id {
            Some(id) => Ok(Node::Iri(check_iri(id)?)),
            None => Ok(self.blank()),
        }
    }

    fn add(&mut self, s: Node<'a>, p: NamedNodeRef<'static>, o: Node<'a>) {
        self.triples.add(s, p, Object::Node(o));
    }

    fn literal(
        &mut self,
        s: Node<'a>,
        p: NamedNodeRef<'static>,
        value: Cow<'a, str>,
        datatype: Option<NamedNodeRef<'static>>,
    ) {
        self.triples.add(s, p, Object::Literal { value, datatype });
    }

    fn string(&mut self, s: Node<'a>, p: NamedNodeRef<'static>, value: Option<&'a str>) {
        if let Some(v) = value {
            self.literal(s, p, Cow::Borrowed(v), None);
        }
    }

    fn typed(
        &mut self,
        s: Node<'a>,
        p: NamedNodeRef<'static>,
        value: Option<&'a str>,
        ty: NamedNodeRef<'static>,
    ) {
        if let Some(v) = value {
            self.literal(s, p, Cow::Borrowed(v), Some(ty));
        }
    }

    fn rdf_type(&mut self, s: Node<'a>, ty: NamedNodeRef<'static>) {
        self.add(s, rdf::TYPE, Node::Iri(ty.as_str()));
    }

    /// A node whose `type` must be exactly `[expected]` (an OB class).
    fn only_type(
        &mut self,
        s: Node<'a>,
        types: &[String],
        expected: &str,
    ) -> Result<(), Unsupported> {
        match (types, ob_class(expected)) {
            ([t], Some(class)) if t == expected => {
                self.rdf_type(s, class);
                Ok(())
            }
            _ => Err(unsupported(format!(
                "type {types:?} (expected [\"{expected}\"])"
            ))),
        }
    }
}

/// The OB vocabulary IRI of the classes `only_type` checks.
fn ob_class(name: &str) -> Option<NamedNodeRef<'static>> {
    Some(match name {
        "Profile" => iri!(OB, "Profile"),
        "AchievementSubject" => iri!(OB, "AchievementSubject"),
        "Achievement" => iri!(OB, "Achievement"),
        "Evidence" => iri!(OB, "Evidence"),
        _ => return None,
    })
}

/// The triples of the unsecured credential.
pub fn document_triples(c: &AchievementCredential) -> Result<Triples<'_>, Unsupported> {
    let extensions = check_context(&c.context)?;
    let mut b = Builder::new();
    let cred = b.node(Some(&c.id))?;
    if !c.types.iter().any(|t| t == "VerifiableCredential") {
        return Err(unsupported("credential type without VerifiableCredential"));
    }
    for t in &c.types {
        let ty = match t.as_str() {
            "VerifiableCredential" => iri!(CRED, "VerifiableCredential"),
            "OpenBadgeCredential" | "AchievementCredential" => iri!(OB, "OpenBadgeCredential"),
            other => return Err(unsupported(format!("credential type '{other}'"))),
        };
        b.rdf_type(cred, ty);
    }
    let issuer = profile(&mut b, &c.issuer)?;
    b.add(cred, iri!(CRED, "issuer"), issuer);
    let dt = iri!(XSD_HTTP, "dateTime");
    b.typed(cred, iri!(CRED, "validFrom"), Some(&c.valid_from), dt);
    b.typed(cred, iri!(CRED, "validUntil"), c.valid_until.as_deref(), dt);
    b.string(cred, iri!(SCHEMA, "name"), c.name.as_deref());
    b.string(cred, iri!(SCHEMA, "description"), c.description.as_deref());
    let subject = subject(&mut b, &c.credential_subject)?;
    b.add(cred, iri!(CRED, "credentialSubject"), subject);
    for e in &c.evidence {
        let node = evidence(&mut b, e)?;
        b.add(cred, iri!(CRED, "evidence"), node);
    }
    for s in &c.credential_schema {
        if !extensions || s.type_ != super::model::SCHEMA_VALIDATOR_TYPE {
            return Err(unsupported(format!("credentialSchema type '{}'", s.type_)));
        }
        let node = b.node(Some(&s.id))?;
        b.rdf_type(
            node,
            NamedNodeRef::new_unchecked(
                "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019",
            ),
        );
        b.add(cred, iri!(CRED, "credentialSchema"), node);
    }
    if let Some(status) = &c.credential_status {
        let node = status_entry(&mut b, status)?;
        b.add(cred, iri!(CRED, "credentialStatus"), node);
    }
    Ok(b.triples)
}

fn status_entry<'a>(b: &mut Builder<'a>, s: &'a CredentialStatus) -> Result<Node<'a>, Unsupported> {
    if s.type_ != "BitstringStatusListEntry" {
        return Err(unsupported(format!("credentialStatus type '{}'", s.type_)));
    }
    let node = b.node(s.id.as_deref())?;
    b.rdf_type(node, iri!(STATUS, "BitstringStatusListEntry"));
    b.string(node, iri!(STATUS, "statusPurpose"), Some(&s.status_purpose));
    b.string(
        node,
        iri!(STATUS, "statusListIndex"),
        Some(&s.status_list_index),
    );
    let list = Node::Iri(check_iri(&s.status_list_credential)?);
    b.add(node, iri!(STATUS, "statusListCredential"), list);
    Ok(node)
}

fn image<'a>(b: &mut Builder<'a>, img: &'a Image) -> Result<Node<'a>, Unsupported> {
    if img.type_ != "Image" {
        return Err(unsupported(format!("image type '{}'", img.type_)));
    }
    let node = b.node(Some(&img.id))?;
    b.rdf_type(node, iri!(OB, "Image"));
    b.string(node, iri!(SCHEMA, "caption"), img.caption.as_deref());
    Ok(node)
}

fn profile<'a>(b: &mut Builder<'a>, p: &'a Profile) -> Result<Node<'a>, Unsupported> {
    let node = b.node(Some(&p.id))?;
    b.only_type(node, &p.types, "Profile")?;
    b.string(node, iri!(SCHEMA, "name"), p.name.as_deref());
    b.typed(
        node,
        iri!(SCHEMA, "url"),
        p.url.as_deref(),
        iri!(XSD_HTTPS, "anyURI"),
    );
    b.string(node, iri!(SCHEMA, "email"), p.email.as_deref());
    b.string(node, iri!(SCHEMA, "description"), p.description.as_deref());
    if let Some(img) = &p.image {
        let i = image(b, img)?;
        b.add(node, iri!(OB, "image"), i);
    }
    Ok(node)
}

fn subject<'a>(b: &mut Builder<'a>, s: &'a AchievementSubject) -> Result<Node<'a>, Unsupported> {
    let node = b.node(s.id.as_deref())?;
    b.only_type(node, &s.types, "AchievementSubject")?;
    for id in &s.identifier {
        let i = identity(b, id)?;
        b.add(node, iri!(OB, "identifier"), i);
    }
    let a = achievement(b, &s.achievement)?;
    b.add(node, iri!(OB, "achievement"), a);
    Ok(node)
}

fn identity<'a>(b: &mut Builder<'a>, i: &'a IdentityObject) -> Result<Node<'a>, Unsupported> {
    if i.type_ != "IdentityObject" {
        return Err(unsupported(format!("identifier type '{}'", i.type_)));
    }
    let node = b.blank();
    b.rdf_type(node, iri!(OB, "IdentityObject"));
    let hashed = if i.hashed { "true" } else { "false" };
    b.typed(
        node,
        iri!(OB, "hashed"),
        Some(hashed),
        iri!(XSD_HTTPS, "boolean"),
    );
    b.string(node, iri!(OB, "identityHash"), Some(&i.identity_hash));
    b.string(node, iri!(OB, "identityType"), Some(&i.identity_type));
    b.string(node, iri!(OB, "salt"), i.salt.as_deref());
    Ok(node)
}

fn achievement<'a>(b: &mut Builder<'a>, a: &'a Achievement) -> Result<Node<'a>, Unsupported> {
    let node = b.node(Some(&a.id))?;
    b.only_type(node, &a.types, "Achievement")?;
    b.string(
        node,
        iri!(OB, "achievementType"),
        a.achievement_type.as_deref(),
    );
    b.string(node, iri!(SCHEMA, "name"), Some(&a.name));
    b.string(node, iri!(SCHEMA, "description"), Some(&a.description));
    let criteria = b.node(a.criteria.id.as_deref())?;
    b.string(
        criteria,
        iri!(OB, "narrative"),
        a.criteria.narrative.as_deref(),
    );
    b.add(node, iri!(OB, "Criteria"), criteria);
    if let Some(img) = &a.image {
        let i = image(b, img)?;
        b.add(node, iri!(OB, "image"), i);
    }
    if let Some(credits) = a.credits_available {
        let lexical = float_lexical(credits)?;
        b.literal(
            node,
            iri!(OB, "creditsAvailable"),
            Cow::Owned(lexical),
            Some(iri!(XSD_HTTPS, "float")),
        );
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

fn evidence<'a>(b: &mut Builder<'a>, e: &'a Evidence) -> Result<Node<'a>, Unsupported> {
    let node = b.node(e.id.as_deref())?;
    b.only_type(node, &e.types, "Evidence")?;
    b.string(node, iri!(SCHEMA, "name"), e.name.as_deref());
    b.string(node, iri!(SCHEMA, "description"), e.description.as_deref());
    b.string(node, iri!(OB, "narrative"), e.narrative.as_deref());
    b.string(node, iri!(SCHEMA, "genre"), e.genre.as_deref());
    b.string(node, iri!(SCHEMA, "audience"), e.audience.as_deref());
    Ok(node)
}

/// The triples of a proof configuration. The `@context` only has to define the Data
/// Integrity terms, which VC 2.0 does (protected), so the fast path accepts the same contexts
/// as for documents.
pub fn proof_config_triples<'a>(
    p: &'a Proof,
    context: &[String],
) -> Result<Triples<'a>, Unsupported> {
    check_context(context)?;
    if p.type_ != super::proof::PROOF_TYPE || p.proof_purpose != super::proof::PROOF_PURPOSE {
        return Err(unsupported(format!(
            "proof type '{}' / purpose '{}'",
            p.type_, p.proof_purpose
        )));
    }
    let mut b = Builder::new();
    let node = b.blank();
    b.rdf_type(node, iri!(SEC, "DataIntegrityProof"));
    b.typed(
        node,
        NamedNodeRef::new_unchecked("http://purl.org/dc/terms/created"),
        Some(&p.created),
        iri!(XSD_HTTP, "dateTime"),
    );
    b.typed(
        node,
        iri!(SEC, "cryptosuite"),
        Some(&p.cryptosuite),
        iri!(SEC, "cryptosuiteString"),
    );
    b.add(
        node,
        iri!(SEC, "proofPurpose"),
        Node::Iri(iri!(SEC, "assertionMethod").as_str()),
    );
    let vm = Node::Iri(check_iri(&p.verification_method)?);
    b.add(node, iri!(SEC, "verificationMethod"), vm);
    Ok(b.triples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_iris_are_valid_ones_only() {
        let good = "https://example.org/badges/sumo";
        assert!(check_iri(good).is_ok());
        assert!(recently_valid(good));
        assert_eq!(check_iri(good).ok(), Some(good));
        for bad in [
            "https://example.org/a b",
            "https://exa<mple.org/",
            "ftp://x.org/",
            "urn:",
        ] {
            assert!(check_iri(bad).is_err(), "{bad}");
            assert!(check_iri(bad).is_err(), "{bad} (second time)");
            assert!(!recently_valid(bad));
        }
        // The least recently used goes first; the one just used stays.
        for i in 0..REMEMBERED_IRIS - 1 {
            assert!(check_iri(&format!("urn:uuid:{i}")).is_ok());
        }
        assert!(recently_valid(good));
        assert!(check_iri("urn:uuid:last").is_ok());
        assert!(recently_valid(good));
        assert!(!recently_valid("urn:uuid:0"));
    }
}
