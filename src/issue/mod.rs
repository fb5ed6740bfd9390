//! Issuance: the preview of who gets what, the revocation status list, and (with the credential
//! and baking modules) signing, baking and storing credentials.

pub mod files;
pub mod plan;
pub mod status_list;
