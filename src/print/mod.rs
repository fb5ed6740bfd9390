//! Paper and spreadsheet output of claims: PDF claim cards in three layouts, and the CSV of
//! claim links for a mail merge; `cards` picks an event's cards and rows from the store.

pub mod cards;
pub mod csv;
pub mod layout;
pub mod pdf;
pub mod text;

pub use self::csv::{ClaimRow, export_claims_csv};
pub use cards::{CardFilter, cards_for, cards_for_credentials, claim_cards, claim_rows};
pub use layout::Layout;
pub use pdf::{Card, render_pdf, short_url};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the embedded font could not be read (the binary is damaged)")]
    Font,
    #[error("the page size of this layout is invalid")]
    Geometry,
    #[error("the image of badge '{badge}' is not a PNG that can be printed: {reason}")]
    Image { badge: String, reason: String },
    #[error(transparent)]
    Qr(#[from] crate::qr::QrError),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("achievement '{0}' is not in event.toml")]
    UnknownAchievement(String),
    #[error("credential '{id}': {reason}")]
    Credential { id: String, reason: String },
}
