-- Claim lookups by SHA-256 of the token (see claim::token::lookup_key): the B-tree compares
-- hashes, never the secret token itself, so lookup time tells nothing about how much of a
-- guessed token is right. Rows are backfilled from Rust (SQLite has no SHA-256) in the same
-- transaction; new rows get the key at insert.
ALTER TABLE credentials ADD COLUMN token_key BLOB;
CREATE UNIQUE INDEX credentials_token_key ON credentials(token_key);
