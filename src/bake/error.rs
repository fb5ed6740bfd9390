//! Errors of baking, unbaking and image checks: one enum per format plus the umbrella
//! [`BakeError`]; every variant says where the problem is and, when it helps, what to do.

use super::ImageFormat;
use super::payload::PayloadError;

/// Anything that can go wrong while baking, unbaking or checking a badge image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    #[error("not a PNG or SVG image (it starts with {start}); badge images must be PNG or SVG")]
    UnknownFormat { start: String },
    #[error(transparent)]
    Png(#[from] PngError),
    #[error(transparent)]
    Svg(#[from] SvgError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("this {format} image carries no baked credential")]
    NotBaked { format: ImageFormat },
    #[error(
        "this {format} image carries {count} credentials ({found}); a baked badge must carry \
         exactly one: bake it again to replace them"
    )]
    MultipleCredentials {
        format: ImageFormat,
        count: usize,
        found: String,
    },
    #[error("the {format} badge image already carries a baked credential; use the plain image")]
    AlreadyBaked { format: ImageFormat },
    #[error("the badge image is {width}×{height}; it must be square")]
    NotSquare { width: u32, height: u32 },
}

/// Problems with PNG bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PngError {
    #[error("not a PNG file (the 8-byte PNG signature is missing)")]
    NotPng,
    #[error(
        "the PNG is truncated: the chunk at byte {offset} needs {needed} bytes, only {available} remain"
    )]
    Truncated {
        offset: usize,
        needed: u64,
        available: usize,
    },
    #[error(
        "the PNG chunk at byte {offset} declares {length} bytes, more than PNG allows (2^31-1)"
    )]
    ChunkTooLong { offset: usize, length: u32 },
    #[error("the PNG chunk at byte {offset} has an invalid type {name}")]
    BadChunkType { offset: usize, name: String },
    #[error("the PNG chunk {name} at byte {offset} is damaged (CRC mismatch)")]
    BadCrc { offset: usize, name: String },
    #[error("the PNG does not start with a valid IHDR chunk (found {found})")]
    BadHeader { found: String },
    #[error("the PNG ends without an IEND chunk (truncated file?)")]
    MissingIend,
    #[error("the {name} chunk at byte {offset} is malformed: {reason}")]
    BadTextChunk {
        offset: usize,
        name: String,
        reason: &'static str,
    },
    #[error(
        "the {name} chunk at byte {offset} inflates to more than {limit} bytes; refusing it \
         (a badge credential is far smaller)"
    )]
    TextTooLarge {
        offset: usize,
        name: String,
        limit: usize,
    },
    #[error("cannot write the credential chunk: {0}")]
    Encode(String),
    #[error("the PNG image data cannot be decoded: {0}")]
    Decode(String),
}

/// Problems with SVG documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SvgError {
    #[error("the SVG is not UTF-8 (invalid byte at {offset}); save it as UTF-8")]
    NotUtf8 { offset: usize },
    #[error("the SVG is not well-formed XML near byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("the document's root element is '{found}', not <svg>")]
    NotSvg { found: String },
    #[error("the SVG has no root element")]
    NoRoot,
    #[error(
        "the credential contains U+{code:04X} at character {index}, which XML 1.0 forbids; \
         bake it into a PNG instead"
    )]
    ForbiddenChar { code: u32, index: usize },
    #[error(
        "the baked credential uses the entity '&{name};', which is not allowed (no DTD entities)"
    )]
    UnknownEntity { name: String },
    #[error("the <svg> has no usable size: give it width and height in px, or a viewBox")]
    SizeUnknown,
}
