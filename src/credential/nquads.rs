//! RDFC-1.0 on an oxrdf dataset and its canonical N-Quads text. Both the general and the fast
//! path end here, so the bytes they hash can only differ if the datasets differ.

use oxrdf::Dataset;
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};

/// Canonicalize `dataset` with RDFC-1.0 (SHA-256) and write it as canonical N-Quads: one
/// `… .\n` line per quad, lines sorted by code point.
pub fn canonical_nquads(mut dataset: Dataset) -> String {
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|q| format!("{q} .\n")).collect();
    lines.sort_unstable();
    lines.dedup();
    lines.concat()
}
