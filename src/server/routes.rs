//! Which bytes answer which request: the same paths as the published static site, rendered
//! from a [`ClaimSource`] and cached per claim. No file system access, so no path can escape.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hyper::body::Bytes;

use crate::claim::html;
use crate::claim::page::OB2_IMAGE_FILE;
use crate::claim::site::{self, content_type};
use crate::claim::{ClaimInput, ClaimToken, SiteMeta};
use crate::server::source::{ClaimSource, token_key};

/// An answer before it becomes an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    /// Whether the body is a claim's own data (never cached by browsers).
    pub private: bool,
    /// Extra header (name, value).
    pub extra: Option<(&'static str, String)>,
}

type FileMap = HashMap<String, Bytes>;
/// A claim's files rendered so far (pages and JSON, each when first asked for), for the
/// source's `Arc` they were rendered from.
type ClaimFiles = (Arc<ClaimInput>, Arc<Mutex<FileMap>>);
/// Rendered claim files by token hash.
type ClaimCache = HashMap<[u8; 32], ClaimFiles>;

/// Rendered files, cached per `Arc` handed out by the source.
pub struct Router {
    source: Arc<dyn ClaimSource>,
    site: Mutex<Option<(Arc<SiteMeta>, Arc<FileMap>)>>,
    claims: Mutex<ClaimCache>,
}

const CACHE_MAX: usize = 20_000;

impl Router {
    pub fn new(source: Arc<dyn ClaimSource>) -> Router {
        Router {
            source,
            site: Mutex::new(None),
            claims: Mutex::new(HashMap::new()),
        }
    }

    fn site(&self) -> Arc<FileMap> {
        let meta = self.source.meta();
        if let Ok(guard) = self.site.lock()
            && let Some((m, files)) = &*guard
            && Arc::ptr_eq(m, &meta)
        {
            return files.clone();
        }
        let files: FileMap = site::site_files(&meta)
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.path, Bytes::from(f.bytes)))
            .collect();
        let files = Arc::new(files);
        if let Ok(mut guard) = self.site.lock() {
            *guard = Some((meta, files.clone()));
        }
        files
    }

    /// A claim and the files of it rendered so far (kept while the source hands out the same
    /// `Arc`). Most visitors open the page in one language and nothing else, so each file is
    /// rendered when first asked for: a rush of first visits renders a page each, not a
    /// folder each, and the cache holds what was asked for.
    fn claim(&self, token: &ClaimToken) -> Option<ClaimFiles> {
        let claim = self.source.claim(token)?;
        let key = token_key(token);
        let mut cache = self.claims.lock().ok()?;
        if let Some((c, files)) = cache.get(&key)
            && Arc::ptr_eq(c, &claim)
        {
            return Some((claim, files.clone()));
        }
        if cache.len() >= CACHE_MAX {
            cache.clear();
        }
        let files = Arc::new(Mutex::new(FileMap::new()));
        cache.insert(key, (claim.clone(), files.clone()));
        Some((claim, files))
    }

    /// A page or JSON file of a claim: from the cache, or rendered now (outside the lock).
    fn page_or_json(
        &self,
        claim: &ClaimInput,
        files: &Mutex<FileMap>,
        name: &str,
    ) -> Option<Bytes> {
        if let Ok(files) = files.lock()
            && let Some(body) = files.get(name)
        {
            return Some(body.clone());
        }
        let meta = self.source.meta();
        let body = match site::claim_page_or_json(&meta, claim, name) {
            Ok(body) => Bytes::from(body?),
            Err(e) => {
                eprintln!("badgedesk serve: claim {}: {e}", claim.page.token);
                return None;
            }
        };
        if let Ok(mut files) = files.lock() {
            files.insert(name.to_string(), body.clone());
        }
        Some(body)
    }

    /// The body of one of a claim's files.
    fn claim_file(&self, claim: &ClaimInput, files: &Mutex<FileMap>, name: &str) -> Option<Bytes> {
        if name == claim.page.image.file_name() {
            return match claim.baked_image.bytes() {
                Ok(bytes) => Some(Bytes::from(bytes.into_owned())),
                Err(e) => {
                    eprintln!("badgedesk serve: {e}");
                    None
                }
            };
        }
        if name == OB2_IMAGE_FILE {
            let meta = self.source.meta();
            return match site::ob2_image(&meta, claim)?.bytes() {
                Ok(bytes) => Some(Bytes::from(bytes.into_owned())),
                Err(e) => {
                    eprintln!("badgedesk serve: claim {}: {e}", claim.page.token);
                    None
                }
            };
        }
        self.page_or_json(claim, files, name)
    }

    fn not_found(&self) -> Reply {
        let body = self
            .site()
            .get("404.html")
            .cloned()
            .unwrap_or_else(|| Bytes::from(html::not_found_page(self.source.meta().lang)));
        Reply {
            status: 404,
            content_type: content_type("404.html"),
            body,
            private: false,
            extra: None,
        }
    }

    fn ok(path: &str, body: Bytes, private: bool) -> Reply {
        let extra = path
            .ends_with(".json")
            .then(|| ("access-control-allow-origin", "*".to_string()));
        Reply {
            status: 200,
            content_type: content_type(path),
            body,
            private,
            extra,
        }
    }

    /// Answer a GET (or HEAD) for `path` (no query). `mark` says whether a claim hit counts
    /// as a visit.
    pub fn get(&self, path: &str, mark: bool) -> Reply {
        let Some(rel) = path.strip_prefix('/') else {
            return self.not_found();
        };
        if let Some(rest) = rel.strip_prefix("c/") {
            let (token, file) = rest.split_once('/').unwrap_or((rest, ""));
            let Ok(token) = ClaimToken::parse(token) else {
                return self.not_found();
            };
            let Some((claim, files)) = self.claim(&token) else {
                return self.not_found();
            };
            if !rest.contains('/') {
                // `/c/<token>` → the folder, as static hosts do.
                let location = format!("/c/{token}/");
                return Reply {
                    status: 308,
                    content_type: "text/plain; charset=utf-8",
                    body: Bytes::new(),
                    private: true,
                    extra: Some(("location", location)),
                };
            }
            let file = if file.is_empty() { "index.html" } else { file };
            return match self.claim_file(&claim, &files, file) {
                Some(body) => {
                    if mark && let Err(e) = self.source.mark_claimed(&token) {
                        eprintln!("badgedesk serve: could not record a claim: {e}");
                    }
                    Router::ok(file, body, true)
                }
                None => self.not_found(),
            };
        }
        let rel = if rel.is_empty() { "index.html" } else { rel };
        match self.site().get(rel) {
            Some(body) => Router::ok(rel, body.clone(), false),
            None => self.not_found(),
        }
    }
}
