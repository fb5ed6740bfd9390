//! event.toml (placeholder until the module lands).
