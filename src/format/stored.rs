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

use serde_json::Value;

use super::v1::{self, V1File};
use crate::core::revision::{DocMeta, Orphan, Revision};
use crate::core::span::Look;
use crate::core::Session;
use crate::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};

/// Value of the `format` field.
pub const FORMAT: &str = "surligneur-store";
/// The version this build writes.
pub const VERSION: u64 = 3;
/// Largest causal length accepted (far beyond any real use; keeps the
/// arithmetic away from overflow).
pub const MAX_LENGTH: u32 = 1 << 30;

/// A stored document, read.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    /// The document, its labels and its live annotations.
    pub file: V1File,
    /// Its identity and revisions (before version 3: its text's hash and
    /// that one text).
    pub meta: DocMeta,
    /// Annotations whose words a revision removed.
    pub orphans: Vec<Orphan>,
    /// Annotations a revision edited, not yet reviewed: quote before.
    pub edited: BTreeMap<String, String>,
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

/// The stored form of a document: compact JSON, annotations in document
/// order. Written by hand (strings escaped by serde_json): a derived
/// serialiser for this one shape cost several kilobytes of wasm. Errors
/// cannot happen in practice (escaping a string does not fail); one is
/// passed on rather than ever writing something incomplete.
pub fn to_json<'a>(
    doc: &Document,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
    lengths: &BTreeMap<String, u32>,
) -> Result<String, serde_json::Error> {
    let meta = DocMeta::legacy(doc);
    write(
        doc,
        &meta,
        labels,
        annotations,
        lengths,
        [],
        &BTreeMap::new(),
    )
}

/// What a session keeps, in the stored form.
pub fn of_session(s: &Session) -> Result<String, serde_json::Error> {
    write(
        s.doc(),
        s.meta(),
        s.labels(),
        s.annotations().iter(),
        s.causal_lengths(),
        s.orphans().values(),
        s.edited(),
    )
}

/// The stored form of a document with its identity, orphans and edited
/// marks.
pub fn write<'a, 'o>(
    doc: &Document,
    meta: &DocMeta,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
    lengths: &BTreeMap<String, u32>,
    orphans: impl IntoIterator<Item = &'o Orphan>,
    edited: &BTreeMap<String, String>,
) -> Result<String, serde_json::Error> {
    use std::fmt::Write;
    let q = |s: &str| serde_json::to_string(s);
    let mut annotations: Vec<&Annotation> = annotations.into_iter().collect();
    annotations.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut out = String::with_capacity(doc.text().len() + 96 * annotations.len() + 512);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        r#"{{"format":"{FORMAT}","version":{VERSION},"lengths":{{"#
    );
    for (i, (id, n)) in lengths.iter().enumerate() {
        let _ = write!(out, "{}{}:{n}", if i == 0 { "" } else { "," }, q(id)?);
    }
    let _ = write!(
        out,
        r#"}},"document":{{"id":{},"title":{},"text":{},"revisions":["#,
        q(&meta.id)?,
        q(doc.title())?,
        q(doc.text())?
    );
    for (i, r) in meta.revisions.iter().enumerate() {
        let _ = write!(
            out,
            "{}[{},{},{},{}]",
            if i == 0 { "" } else { "," },
            q(&r.id)?,
            q(&r.sha256)?,
            r.loaded.millis(),
            q(&r.source)?
        );
    }
    out.push_str(r#"]},"labels":["#);
    for (i, l) in labels.iter().enumerate() {
        let _ = write!(
            out,
            r#"{}{{"id":{},"name":{},"color":{},"key":{},"look":"{}"}}"#,
            if i == 0 { "" } else { "," },
            q(&l.id)?,
            q(&l.name)?,
            q(&l.color)?,
            q(&l.key)?,
            l.look.as_str()
        );
    }
    out.push_str(r#"],"annotations":["#);
    for (i, a) in annotations.iter().enumerate() {
        let _ = write!(
            out,
            "{}[{},{},{},{},{},{},{}]",
            if i == 0 { "" } else { "," },
            q(&a.id)?,
            a.start,
            a.end,
            q(&a.label)?,
            q(&a.note)?,
            a.created.millis(),
            a.modified.millis()
        );
    }
    out.push_str(r#"],"orphans":["#);
    for (i, o) in orphans.into_iter().enumerate() {
        let a = &o.annotation;
        let _ = write!(
            out,
            "{}[{},{},{},{},{},{},{},{},{},{},{}]",
            if i == 0 { "" } else { "," },
            q(&a.id)?,
            a.start,
            a.end,
            q(&a.label)?,
            q(&a.note)?,
            a.created.millis(),
            a.modified.millis(),
            q(&a.quote)?,
            q(&o.prefix)?,
            q(&o.suffix)?,
            q(&o.revision)?
        );
    }
    out.push_str(r#"],"edited":{"#);
    for (i, (id, quote)) in edited.iter().enumerate() {
        let _ = write!(
            out,
            "{}{}:{}",
            if i == 0 { "" } else { "," },
            q(id)?,
            q(quote)?
        );
    }
    out.push_str("}}");
    Ok(out)
}

/// Read a stored value of any version this build knows. Never panics.
pub fn parse(raw: &str) -> Result<Stored, StoredError> {
    let Ok(value) = serde_json::from_str::<Value>(raw) else {
        // The v1 reader explains broken JSON best (line, column, path).
        return Err(v1::parse_str(raw).err().map_or_else(
            || StoredError::Unreadable("it is not JSON".to_owned()),
            from_v1_error,
        ));
    };
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        // Version 1 (a bare v1 file), or not ours at all: the v1 reader
        // says which, and why in plain words.
        return match v1::from_value(&value) {
            Ok(file) => Ok(Stored {
                meta: DocMeta::legacy(&file.document),
                file,
                lengths: BTreeMap::new(),
                version: 1,
                orphans: Vec::new(),
                edited: BTreeMap::new(),
            }),
            Err(e) => Err(from_v1_error(e)),
        };
    }
    let version = value.get("version").and_then(Value::as_u64);
    match version {
        Some(2 | VERSION) => {}
        Some(found) if found > VERSION => return Err(StoredError::Newer { found }),
        _ => {
            return Err(StoredError::Unreadable(
                "its storage version is missing or unknown".to_owned(),
            ))
        }
    }
    validate(&value, version.unwrap_or(VERSION)).map_err(StoredError::Unreadable)
}

/// `v`'s fields, which must be exactly `names`.
fn fields<'v, const N: usize>(
    v: Option<&'v Value>,
    at: &str,
    names: [&str; N],
) -> Result<[&'v Value; N], String> {
    let Some(Value::Object(map)) = v else {
        return Err(format!("{at} is missing or not an object"));
    };
    if let Some(k) = map.keys().find(|k| !names.contains(&k.as_str())) {
        return Err(format!("{at} has an unknown field {k:?}"));
    }
    let mut out = [&Value::Null; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = map
            .get(name)
            .ok_or_else(|| format!("{at} has no {name:?}"))?;
    }
    Ok(out)
}

fn text(v: &Value, at: impl Fn() -> String) -> Result<&str, String> {
    v.as_str().ok_or_else(|| format!("{} is not text", at()))
}

fn whole<T: TryFrom<i64> + TryFrom<u64>>(v: &Value, at: impl Fn() -> String) -> Result<T, String> {
    let n = match v {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| T::try_from(n).ok())
            .or_else(|| n.as_i64().and_then(|n| T::try_from(n).ok())),
        _ => None,
    };
    n.ok_or_else(|| format!("{} is not a whole number in range", at()))
}

fn validate(value: &Value, version: u64) -> Result<Stored, String> {
    let (lengths, doc, labels, rows, orphans, edited) = if version >= 3 {
        let [_, _, lengths, doc, labels, rows, orphans, edited] = fields(
            Some(value),
            "the stored value",
            [
                "format",
                "version",
                "lengths",
                "document",
                "labels",
                "annotations",
                "orphans",
                "edited",
            ],
        )?;
        (lengths, doc, labels, rows, Some(orphans), Some(edited))
    } else {
        let [_, _, lengths, doc, labels, rows] = fields(
            Some(value),
            "the stored value",
            [
                "format",
                "version",
                "lengths",
                "document",
                "labels",
                "annotations",
            ],
        )?;
        (lengths, doc, labels, rows, None, None)
    };
    let Value::Object(lengths) = lengths else {
        return Err("lengths is not an object".to_owned());
    };
    let lengths = lengths
        .iter()
        .map(|(id, n)| {
            let n: u32 = whole(n, || format!("lengths.{id}"))?;
            if n > MAX_LENGTH {
                return Err(format!("the length of {id:?} is too large"));
            }
            Ok((id.clone(), n))
        })
        .collect::<Result<BTreeMap<String, u32>, String>>()?;
    let (id, title, body, revisions) = if version >= 3 {
        let [id, title, body, revisions] =
            fields(Some(doc), "document", ["id", "title", "text", "revisions"])?;
        (id, title, body, Some(revisions))
    } else {
        let [id, title, body] = fields(Some(doc), "document", ["id", "title", "text"])?;
        (id, title, body, None)
    };
    let (id, title, body) = (
        text(id, || "document.id".into())?,
        text(title, || "document.title".into())?,
        text(body, || "document.text".into())?,
    );
    if body.contains('\r') {
        return Err("the text has carriage returns".to_owned());
    }
    let document = Document::new(title, body);
    let meta = match revisions {
        None => {
            if document.id() != id {
                return Err("the document id does not match its text".to_owned());
            }
            DocMeta::legacy(&document)
        }
        Some(revisions) => {
            let meta = DocMeta {
                id: id.to_owned(),
                revisions: read_revisions(revisions)?,
            };
            meta.fits(&document).map_err(str::to_owned)?;
            meta
        }
    };
    let Value::Array(labels) = labels else {
        return Err("labels is not a list".to_owned());
    };
    let labels = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = format!("labels[{i}]");
            // `look` came later within version 2: absent, it is the default.
            let look = match l.get("look") {
                None => None,
                Some(v) => Some(
                    v.as_str()
                        .and_then(Look::parse)
                        .ok_or_else(|| format!("{at}.look is not fill or underline"))?,
                ),
            };
            let mut l = l.clone();
            if let Value::Object(m) = &mut l {
                m.remove("look");
            }
            let [id, name, color, key] = fields(Some(&l), &at, ["id", "name", "color", "key"])?;
            let t = |v, f: &str| text(v, || format!("{at}.{f}")).map(str::to_owned);
            let id = t(id, "id")?;
            Ok(LabelDef {
                look: look.unwrap_or_else(|| Look::default_for(&id)),
                id,
                name: t(name, "name")?,
                color: t(color, "color")?,
                key: t(key, "key")?,
            })
        })
        .collect::<Result<Vec<LabelDef>, String>>()?;
    let known = v1::check_labels(
        labels
            .iter()
            .map(|l| (l.id.as_str(), l.color.as_str(), l.key.as_str())),
    )
    .map_err(|e| e.to_string())?;
    let Value::Array(rows) = rows else {
        return Err("annotations is not a list".to_owned());
    };
    let mut ids = HashSet::with_capacity(rows.len());
    let mut spans = HashSet::with_capacity(rows.len());
    let mut annotations = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let at = format!("annotations[{i}]");
        let Some([id, start, end, label, note, created, modified]) = row
            .as_array()
            .and_then(|r| <&[Value; 7]>::try_from(r.as_slice()).ok())
        else {
            return Err(format!("{at} is not a list of 7 values"));
        };
        let at = at.as_str();
        let cell = |k: usize| move || format!("{at}[{k}]");
        let (id, label, note) = (
            text(id, cell(0))?,
            text(label, cell(3))?,
            text(note, cell(4))?,
        );
        let (start, end): (usize, usize) = (whole(start, cell(1))?, whole(end, cell(2))?);
        let (Some(created), Some(modified)) = (
            Timestamp::checked(whole(created, cell(5))?),
            Timestamp::checked(whole(modified, cell(6))?),
        ) else {
            return Err(format!("{at} has a date outside the years 0000 to 9999"));
        };
        if id.is_empty() || !ids.insert(id) {
            return Err(format!("{at} has an empty or repeated id"));
        }
        if !known.contains_key(label) {
            return Err(format!("{at} has an unknown label"));
        }
        if !spans.insert((start, end, label)) {
            return Err(format!(
                "{at} repeats the span and label of another annotation"
            ));
        }
        let Some(a) = Annotation::at(&document, id, start, end, label, modified) else {
            return Err(format!("{at} is outside the text"));
        };
        if start >= end || document.blocks_overlapping(start, end).is_empty() {
            return Err(format!("{at} is empty or outside the paragraphs"));
        }
        annotations.push(Annotation {
            note: note.to_owned(),
            created,
            ..a
        });
    }
    let orphans = match orphans {
        Some(o) => read_orphans(o, &known, &ids)?,
        None => Vec::new(),
    };
    let edited = match edited {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(id, q)| Ok((id.clone(), text(q, || format!("edited.{id}"))?.to_owned())))
            .collect::<Result<BTreeMap<String, String>, String>>()?,
        Some(_) => return Err("edited is not an object".to_owned()),
        None => BTreeMap::new(),
    };
    Ok(Stored {
        meta,
        orphans,
        edited,
        file: V1File {
            document,
            labels: LabelSet(labels),
            annotations,
            filled_in: Vec::new(),
        },
        lengths,
        version,
    })
}

fn read_revisions(v: &Value) -> Result<Vec<Revision>, String> {
    let Value::Array(rows) = v else {
        return Err("document.revisions is not a list".to_owned());
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let at = format!("document.revisions[{i}]");
            let Some([id, sha, loaded, source]) = row
                .as_array()
                .and_then(|r| <&[Value; 4]>::try_from(r.as_slice()).ok())
            else {
                return Err(format!("{at} is not a list of 4 values"));
            };
            let at = at.as_str();
            let cell = |k: usize| move || format!("{at}[{k}]");
            Ok(Revision {
                id: text(id, cell(0))?.to_owned(),
                sha256: text(sha, cell(1))?.to_owned(),
                loaded: Timestamp::checked(whole(loaded, cell(2))?)
                    .ok_or_else(|| format!("{at} has a date outside the years 0000 to 9999"))?,
                source: text(source, cell(3))?.to_owned(),
            })
        })
        .collect()
}

fn read_orphans(
    v: &Value,
    known: &std::collections::HashMap<&str, usize>,
    live: &HashSet<&str>,
) -> Result<Vec<Orphan>, String> {
    let Value::Array(rows) = v else {
        return Err("orphans is not a list".to_owned());
    };
    let mut seen = HashSet::new();
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let at = format!("orphans[{i}]");
            let Some([id, start, end, label, note, created, modified, quote, prefix, suffix, rev]) =
                row.as_array()
                    .and_then(|r| <&[Value; 11]>::try_from(r.as_slice()).ok())
            else {
                return Err(format!("{at} is not a list of 11 values"));
            };
            let at = at.as_str();
            let cell = |k: usize| move || format!("{at}[{k}]");
            let id = text(id, cell(0))?;
            if id.is_empty() || live.contains(id) || !seen.insert(id.to_owned()) {
                return Err(format!(
                    "{at} has an empty id, or one that is also an annotation or another orphan"
                ));
            }
            let label = text(label, cell(3))?;
            if !known.contains_key(label) {
                return Err(format!("{at} has an unknown label"));
            }
            let (Some(created), Some(modified)) = (
                Timestamp::checked(whole(created, cell(5))?),
                Timestamp::checked(whole(modified, cell(6))?),
            ) else {
                return Err(format!("{at} has a date outside the years 0000 to 9999"));
            };
            Ok(Orphan {
                annotation: Annotation {
                    id: id.to_owned(),
                    start: whole(start, cell(1))?,
                    end: whole(end, cell(2))?,
                    label: label.to_owned(),
                    quote: text(quote, cell(7))?.to_owned(),
                    note: text(note, cell(4))?.to_owned(),
                    created,
                    modified,
                },
                prefix: text(prefix, cell(8))?.to_owned(),
                suffix: text(suffix, cell(9))?.to_owned(),
                revision: text(rev, cell(10))?.to_owned(),
            })
        })
        .collect()
}

fn from_v1_error(e: v1::FormatError) -> StoredError {
    match e.kind {
        v1::ErrorKind::NewerVersion { found } => StoredError::Newer { found },
        _ => StoredError::Unreadable(e.to_string()),
    }
}
