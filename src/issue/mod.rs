//! Issuance: the preview of who gets what, the revocation status list, and (with the credential
//! and baking modules) signing, baking and storing credentials.

pub mod engine;
pub mod files;
pub mod plan;
pub mod revoke;
pub mod status_list;
