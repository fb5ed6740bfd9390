//! The JSON-LD contexts badgedesk knows, compiled into the binary, and the document loader that
//! serves them. Any other URL is refused: signing or verifying never touches the network, and a
//! credential that needs an unknown context cannot be checked rather than checked wrongly.

use std::collections::HashMap;
use std::sync::OnceLock;

use iref::{Iri, IriBuf};
use json_ld::{LoadError, Loader, RemoteDocument};

/// VC Data Model 2.0 context (first item of every credential we issue).
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// Open Badges 3.0.3 context (second item).
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// 1EdTech extensions (third item, only when 1EdTech type names are used).
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// URL → file contents. The files are copies of the published contexts (see
/// `assets/contexts/SOURCES.md` for provenance and hashes).
const CONTEXTS: &[(&str, &str)] = &[
    (VC_V2, include_str!("../../assets/contexts/credentials-v2.jsonld")),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("../../assets/contexts/credentials-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("../../assets/contexts/credentials-examples-v2.jsonld"),
    ),
    (
        OB_V3P0_3_0_3,
        include_str!("../../assets/contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("../../assets/contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("../../assets/contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_str!("../../assets/contexts/ob-v3p0-context.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
        include_str!("../../assets/contexts/ob-v3p0-context.json"),
    ),
    (
        OB_EXTENSIONS,
        include_str!("../../assets/contexts/ob-v3p0-extensions.json"),
    ),
    (
        "https://www.w3.org/ns/did/v1",
        include_str!("../../assets/contexts/did-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("../../assets/contexts/security-multikey-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("../../assets/contexts/security-data-integrity-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("../../assets/contexts/security-suites-ed25519-2020-v1.jsonld"),
    ),
    (
        "https://w3id.org/citizenship/v4rc1",
        include_str!("../../assets/contexts/citizenship-v4rc1.jsonld"),
    ),
];

/// Whether `url` is one of the compiled-in contexts.
pub fn is_known(url: &str) -> bool {
    CONTEXTS.iter().any(|(u, _)| *u == url)
}

/// The URLs of every compiled-in context.
pub fn known_urls() -> impl Iterator<Item = &'static str> {
    CONTEXTS.iter().map(|(u, _)| *u)
}

/// Why a context could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error(
    "context '{0}' is not one badgedesk ships; it refuses to fetch contexts from the network"
)]
pub struct UnknownContext(pub String);

/// A loader over the compiled-in contexts only.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaticLoader;

fn parsed() -> &'static HashMap<IriBuf, json_syntax::Value> {
    static MAP: OnceLock<HashMap<IriBuf, json_syntax::Value>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for (url, text) in CONTEXTS {
            // The files are ours and checked by a unit test; a broken one is simply absent.
            if let (Ok(iri), Ok((value, _))) = (
                IriBuf::new(url.to_string()),
                <json_syntax::Value as json_syntax::Parse>::parse_str(text),
            ) {
                map.insert(iri, value);
            }
        }
        map
    })
}

impl Loader for StaticLoader {
    async fn load(&self, url: &Iri) -> Result<RemoteDocument<IriBuf>, LoadError> {
        match parsed().get(url) {
            Some(doc) => Ok(RemoteDocument::new(
                Some(url.to_owned()),
                None,
                doc.clone(),
            )),
            None => Err(LoadError::new(
                url.to_owned(),
                UnknownContext(url.as_str().to_string()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_context_parses() {
        assert_eq!(parsed().len(), CONTEXTS.len());
    }

    #[test]
    fn unknown_url_is_refused() {
        let iri = IriBuf::new("https://example.org/evil.jsonld".to_string()).unwrap();
        let err = futures::executor::block_on(StaticLoader.load(&iri)).unwrap_err();
        assert!(err.to_string().contains("example.org") || format!("{err:?}").contains("evil"));
        assert!(!is_known("https://example.org/evil.jsonld"));
        assert!(is_known(VC_V2));
    }
}
