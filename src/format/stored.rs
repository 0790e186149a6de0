//! The stored form of one document: what Surligneur keeps in the browser's
//! storage, as opposed to the export ([`super::v1`]), which is for other
//! tools and people. It is compact, because localStorage holds about five
//! million characters for the whole site:
//!
//! ```json
//! {
//!   "format": "surligneur-store",
//!   "version": 2,
//!   "lengths": { "<annotation id>": 2 },
//!   "document": { "id": "<hex SHA-256 of text>", "title": "…", "text": "…" },
//!   "labels": [ { "id": "person", "name": "Person", "color": "#e69f00", "key": "1" } ],
//!   "annotations": [ ["<id>", 0, 14, "person", "<note>", 1385719200000, 1385719200000] ]
//! }
//! ```
//!
//! * An annotation is `[id, start, end, label, note, created, modified]`:
//!   offsets in code points as in v1, times in milliseconds since
//!   1970-01-01 UTC. There is no quote: it is the text at the offsets, and
//!   repeating it (with two RFC 3339 dates and the field names) made a
//!   stored annotation about two and a half times longer. A 200,000-word
//!   document with 20,000 annotations now fits in localStorage.
//! * `lengths` holds the causal length of every annotation id whose length
//!   is above 1 (see `core::Session::causal_length`): an even length is a
//!   deletion ("tombstone"), an odd one above 1 an annotation deleted and
//!   brought back. It is what lets two tabs merge without a deletion in one
//!   being undone by the other's older copy.
//! * Reading checks what v1 checks, except the quote: labels, the document
//!   id against the text, offsets inside the text and touching a block,
//!   known labels, unique ids and spans, dates in years 0000–9999.
//!
//! Version history of the stored form:
//! * **1** (before tombstones): the v1 export file itself, no envelope.
//!   Read as it is (no lengths); the app then backs the old value up and
//!   writes version 2 (a migration, see `model::AppModel`).
//! * **2**: this form.
//!
//! A stored value from a newer version is reported as [`StoredError::Newer`]
//! and must be left untouched.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::v1::{self, V1File};
use crate::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};

/// Value of the `format` field.
pub const FORMAT: &str = "surligneur-store";
/// The version this build writes.
pub const VERSION: u64 = 2;
/// Largest causal length accepted (far beyond any real use; keeps the
/// arithmetic away from overflow).
pub const MAX_LENGTH: u32 = 1 << 30;

/// A stored document, read.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    /// The document, its labels and its live annotations.
    pub file: V1File,
    /// Causal lengths above 1, by annotation id.
    pub lengths: BTreeMap<String, u32>,
    /// The version it was written in (1: needs migrating).
    pub version: u64,
}

/// Why a stored value cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoredError {
    /// Written by a newer Surligneur: leave it as it is.
    #[error("it was saved by a newer Surligneur (storage version {found}; this one reads up to version {VERSION})")]
    Newer {
        /// The version found.
        found: u64,
    },
    /// Anything else, in plain words.
    #[error("{0}")]
    Unreadable(String),
}

/// One annotation as stored: id, start, end, label, note, created and
/// modified in milliseconds.
type Row<S> = (S, usize, usize, S, S, i64, i64);

#[derive(Serialize)]
struct Out<'a> {
    format: &'static str,
    version: u64,
    lengths: &'a BTreeMap<String, u32>,
    document: DocFields<&'a str>,
    labels: &'a [LabelDef],
    annotations: Vec<Row<&'a str>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocFields<S> {
    id: S,
    title: S,
    text: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct In {
    #[allow(dead_code)] // checked by `Head` first
    format: Value,
    #[allow(dead_code)]
    version: Value,
    lengths: BTreeMap<String, u32>,
    document: DocFields<String>,
    labels: Vec<LabelDef>,
    annotations: Vec<Row<String>>,
}

/// Just enough to tell which form and version a value is.
#[derive(Deserialize)]
struct Head {
    format: Option<Value>,
    version: Option<Value>,
}

/// The stored form of a document: compact JSON, annotations in document
/// order. (Serialising strings, integers and maps of them cannot fail; the
/// error is passed on rather than ever writing something empty.)
pub fn to_json<'a>(
    doc: &Document,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
    lengths: &BTreeMap<String, u32>,
) -> Result<String, serde_json::Error> {
    let mut annotations: Vec<&Annotation> = annotations.into_iter().collect();
    annotations.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let out = Out {
        format: FORMAT,
        version: VERSION,
        lengths,
        document: DocFields {
            id: doc.id(),
            title: doc.title(),
            text: doc.text(),
        },
        labels: &labels.0,
        annotations: annotations
            .into_iter()
            .map(|a| {
                (
                    a.id.as_str(),
                    a.start,
                    a.end,
                    a.label.as_str(),
                    a.note.as_str(),
                    a.created.millis(),
                    a.modified.millis(),
                )
            })
            .collect(),
    };
    serde_json::to_string(&out)
}

/// Read a stored value of any version this build knows. Never panics.
pub fn parse(raw: &str) -> Result<Stored, StoredError> {
    let head = serde_json::from_str::<Head>(raw).ok();
    let is_current = head
        .as_ref()
        .and_then(|h| h.format.as_ref())
        .and_then(Value::as_str)
        == Some(FORMAT);
    if !is_current {
        // Version 1 (a bare v1 file), or not ours at all: the v1 reader
        // says which, and why in plain words.
        return match v1::parse_str(raw) {
            Ok(file) => Ok(Stored {
                file,
                lengths: BTreeMap::new(),
                version: 1,
            }),
            Err(e) => Err(from_v1_error(e)),
        };
    }
    match head
        .and_then(|h| h.version)
        .as_ref()
        .and_then(Value::as_u64)
    {
        Some(VERSION) => {}
        Some(found) if found > VERSION => return Err(StoredError::Newer { found }),
        _ => {
            return Err(StoredError::Unreadable(
                "its storage version is missing or unknown".to_owned(),
            ))
        }
    }
    let stored: In = serde_json::from_str(raw).map_err(|plain| {
        // The path is tracked only to explain a failure.
        let mut de = serde_json::Deserializer::from_str(raw);
        match serde_path_to_error::deserialize::<_, In>(&mut de) {
            Err(e) => {
                StoredError::Unreadable(format!("it is damaged at {}: {}", e.path(), e.inner()))
            }
            Ok(_) => StoredError::Unreadable(format!("it is damaged: {plain}")),
        }
    })?;
    validate(stored)
}

fn validate(stored: In) -> Result<Stored, StoredError> {
    let bad = |at: String, why: &str| Err(StoredError::Unreadable(format!("{at} {why}")));
    let labels = v1::check_labels(
        stored
            .labels
            .iter()
            .map(|l| (l.id.as_str(), l.color.as_str(), l.key.as_str())),
    )
    .map_err(|e| StoredError::Unreadable(e.to_string()))?;
    for (id, &n) in &stored.lengths {
        if n > MAX_LENGTH {
            return bad(format!("the length of {id:?}"), "is too large");
        }
    }
    let DocFields { id, title, text } = stored.document;
    if text.contains('\r') {
        return bad("the text".into(), "has carriage returns");
    }
    let document = Document::new(&title, &text);
    if document.id() != id {
        return bad("the document id".into(), "does not match its text");
    }
    let mut ids = HashSet::with_capacity(stored.annotations.len());
    let mut spans = HashSet::with_capacity(stored.annotations.len());
    let mut annotations = Vec::with_capacity(stored.annotations.len());
    for (i, (id, start, end, label, note, created, modified)) in
        stored.annotations.into_iter().enumerate()
    {
        let at = format!("annotations[{i}]");
        let (Some(created), Some(modified)) =
            (Timestamp::checked(created), Timestamp::checked(modified))
        else {
            return bad(at, "has a date outside the years 0000 to 9999");
        };
        if id.is_empty() || !ids.insert(id.clone()) {
            return bad(at, "has an empty or repeated id");
        }
        if !labels.contains_key(label.as_str()) {
            return bad(at, "has an unknown label");
        }
        if !spans.insert((start, end, label.clone())) {
            return bad(at, "repeats the span and label of another annotation");
        }
        let Some(a) = Annotation::at(&document, id, start, end, label, modified) else {
            return bad(at, "is outside the text");
        };
        if start >= end || document.blocks_overlapping(start, end).is_empty() {
            return bad(at, "is empty or outside the paragraphs");
        }
        annotations.push(Annotation { note, created, ..a });
    }
    Ok(Stored {
        file: V1File {
            document,
            labels: LabelSet(stored.labels),
            annotations,
        },
        lengths: stored.lengths,
        version: VERSION,
    })
}

fn from_v1_error(e: v1::FormatError) -> StoredError {
    match e.kind {
        v1::ErrorKind::NewerVersion { found } => StoredError::Newer { found },
        _ => StoredError::Unreadable(e.to_string()),
    }
}
