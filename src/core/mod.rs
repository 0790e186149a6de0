//! The pure core: everything that can be plain Rust. No web-sys, no yew.
//!
//! Offsets everywhere in the core are Unicode code points into the
//! document text exactly as stored, half-open `[start, end)`. UTF-16 (the
//! DOM's unit) appears only in [`offsets`].

pub mod anchor;
pub mod chart;
pub mod document;
pub mod factcheck;
pub mod history;
pub mod offsets;
pub mod revision;
pub mod segments;
pub mod session;
pub mod span;
pub mod spans;
pub mod time;

pub use document::{Block, Document};
pub use history::{History, HISTORY_LIMIT};
pub use segments::{segments, Segment};
pub use session::{Action, Change, CoreError, ImportMode, ImportStats, InvalidAnnotation, Session};
pub use span::{Annotation, LabelDef, LabelSet};
pub use spans::{AnnotationSet, SpanError};
pub use time::Timestamp;
