//! The event database (placeholder until the module lands).
