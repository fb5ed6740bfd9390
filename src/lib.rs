//! badgedesk: the library behind the badge desk.
//!
//! The core modules (`import`, `store`, `credential`, `bake`, `event`) are synchronous and know
//! nothing about the terminal; `tui` is a thin layer on top of them, and the binary (`main.rs`)
//! is only the command-line edge.

pub mod bake;
pub mod claim;
pub mod clock;
pub mod credential;
pub mod demo;
pub mod event;
pub mod hub;
pub mod i18n;
pub mod import;
pub mod issue;
pub mod model;
pub mod print;
pub mod qr;
pub mod rules;
pub mod search;
pub mod server;
pub mod store;
pub mod text;
pub mod tui;
