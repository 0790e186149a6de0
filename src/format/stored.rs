//! The stored form of one document: what Surligneur keeps in the browser's
//! storage, as opposed to the export ([`super::v1`]), which is for other
//! tools and people.
//!
//! ```json
//! {
//!   "format": "surligneur-store",
//!   "version": 2,
//!   "lengths": { "<annotation id>": 2 },
//!   "file": { "format": "surligneur", "version": 1, "document": …, "labels": …, "annotations": … }
//! }
//! ```
//!
//! * `file` is a complete v1 file: the document, its labels and its live
//!   annotations, validated exactly as an import is.
//! * `lengths` holds the causal length of every annotation id whose length
//!   is above 1 (see `core::Session::causal_length`): an even length is a
//!   deletion ("tombstone"), an odd one above 1 an annotation deleted and
//!   brought back. It is what lets two tabs merge without a deletion in one
//!   being undone by the other's older copy.
//!
//! Version history of the stored form:
//! * **1** (Surligneur before tombstones): the v1 export file itself, with
//!   no envelope. Read as version 2 with no `lengths`; the app then backs
//!   the old value up and writes version 2 (a migration, see
//!   `model::AppModel`).
//! * **2**: this envelope.
//!
//! A stored value from a newer version is reported as [`StoredError::Newer`]
//! and must be left untouched.

use std::collections::BTreeMap;

use serde_json::Value;

use super::v1::{self, V1File};
use crate::core::{Annotation, Document, LabelSet};

/// Value of the `format` field of the envelope.
pub const FORMAT: &str = "surligneur-store";
/// The version this build writes.
pub const VERSION: u64 = 2;
/// Largest causal length accepted (far beyond any real use; keeps the
/// arithmetic away from overflow).
pub const MAX_LENGTH: u32 = 1 << 30;

/// A stored document, read.
#[derive(Debug)]
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

/// The stored form of a document: compact JSON.
pub fn to_json<'a>(
    doc: &Document,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
    lengths: &BTreeMap<String, u32>,
) -> String {
    let file = v1::to_json_compact(doc, labels, annotations);
    // A map of strings to integers always serialises.
    let lengths = serde_json::to_string(lengths).unwrap_or_else(|_| "{}".to_owned());
    format!(r#"{{"format":"{FORMAT}","version":{VERSION},"lengths":{lengths},"file":{file}}}"#)
}

/// Read a stored value of any version this build knows. Never panics.
pub fn parse(raw: &str) -> Result<Stored, StoredError> {
    let value: Value = match serde_json::from_str(raw) {
        Ok(v) => v,
        // The v1 reader explains bad JSON best (line, column, path).
        Err(_) => return Err(from_v1_error(v1::parse_str(raw).err())),
    };
    let is_envelope = value.get("format").and_then(Value::as_str) == Some(FORMAT);
    if !is_envelope {
        return match v1::from_value(&value) {
            Ok(file) => Ok(Stored {
                file,
                lengths: BTreeMap::new(),
                version: 1,
            }),
            Err(e) => Err(from_v1_error(Some(e))),
        };
    }
    let version = match value.get("version").and_then(Value::as_u64) {
        Some(VERSION) => VERSION,
        Some(found) if found > VERSION => return Err(StoredError::Newer { found }),
        _ => {
            return Err(StoredError::Unreadable(
                "its storage version is missing or unknown".to_owned(),
            ))
        }
    };
    let lengths = match value.get("lengths").map(lengths_of) {
        Some(Ok(l)) => l,
        Some(Err(why)) => return Err(StoredError::Unreadable(why)),
        None => return Err(StoredError::Unreadable("it has no \"lengths\"".to_owned())),
    };
    let Some(file) = value.get("file") else {
        return Err(StoredError::Unreadable("it has no \"file\"".to_owned()));
    };
    let file = v1::from_value(file).map_err(|e| from_v1_error(Some(e)))?;
    Ok(Stored {
        file,
        lengths,
        version,
    })
}

fn lengths_of(v: &Value) -> Result<BTreeMap<String, u32>, String> {
    let Value::Object(map) = v else {
        return Err("\"lengths\" is not an object".to_owned());
    };
    let mut out = BTreeMap::new();
    for (id, n) in map {
        match n.as_u64() {
            Some(n) if n <= u64::from(MAX_LENGTH) => {
                // `n <= MAX_LENGTH` fits in u32.
                out.insert(id.clone(), u32::try_from(n).unwrap_or(MAX_LENGTH));
            }
            _ => {
                return Err(format!(
                    "\"lengths\" of {id:?} is not a whole number up to {MAX_LENGTH}"
                ))
            }
        }
    }
    Ok(out)
}

fn from_v1_error(e: Option<v1::FormatError>) -> StoredError {
    match e {
        Some(e) => match e.kind {
            v1::ErrorKind::NewerVersion { found } => StoredError::Newer { found },
            _ => StoredError::Unreadable(e.to_string()),
        },
        None => StoredError::Unreadable("it is not JSON".to_owned()),
    }
}
