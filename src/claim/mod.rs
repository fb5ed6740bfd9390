//! Claiming: tokens, claim URLs, the claim page model and its HTML (French and English), the
//! OB 2.0 hosted files and the static claim site writer. Pure apart from `publish`, which writes
//! the site into a folder.

pub mod fsio;
pub mod html;
pub mod ob2;
pub mod page;
pub mod site;
pub mod texts;
pub mod token;

use std::path::PathBuf;

pub use page::{ClaimPage, ImageKind, claim_url};
pub use site::{
    ClaimInput, HostedJson, Ob2Site, PublishReport, SiteFile, SiteInput, SiteMeta, publish,
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
}
