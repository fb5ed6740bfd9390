//! Claiming: tokens, claim URLs, the claim page model and its HTML (French and English), the
//! OB 2.0 hosted files and the static claim site writer. Pure apart from `publish`, which writes
//! the site into a folder, and `event_site`, which reads an event's files to fill the site.

pub mod event_site;
pub mod fsio;
pub mod html;
pub mod manifest;
pub mod ob2;
pub mod page;
pub mod site;
pub mod texts;
pub mod token;

use std::path::PathBuf;

pub use event_site::EventSite;
pub use page::{ClaimPage, ImageKind, claim_url};
pub use site::{
    BakedImage, ClaimInput, HostedJson, IssuedImage, Ob2Site, PublishReport, SameBytesOnDisk,
    SiteFile, SiteInput, SiteMeta, publish, publish_claim, publish_claims, publish_site,
};
pub use token::{ClaimToken, TokenError};

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot publish a file at '{path}': {reason}")]
    BadPath { path: String, reason: String },
    #[error(transparent)]
    Qr(#[from] crate::qr::QrError),
    #[error("a publishing thread stopped unexpectedly; run publish again")]
    Worker,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("event.toml: {0}")]
    Event(String),
    #[error("credential '{id}' cannot be published: {reason}")]
    Credential { id: String, reason: String },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ClaimError {
    /// The message in the interface language where the store has the words for it
    /// (`Display` is English), as `IssueError::message`.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match self {
            ClaimError::Store(e) => e.message(lang),
            other => other.to_string(),
        }
    }
}
