//! Format v1: the export, for people and other tools (the app's own storage
//! has a compact form, `format::stored`). One self-contained file per
//! document:
//!
//! ```json
//! {
//!   "format": "surligneur",
//!   "version": 1,
//!   "document": { "id": "<hex SHA-256 of text>", "title": "…", "text": "…" },
//!   "labels": [ { "id": "person", "name": "Person", "color": "#e69f00", "key": "1" } ],
//!   "annotations": [
//!     { "id": "…", "start": 0, "end": 14, "label": "person", "quote": "Patrick Starck",
//!       "note": "", "created": "2013-11-29T10:00:00.000Z", "modified": "2013-11-29T10:00:00.000Z" }
//!   ]
//! }
//! ```
//!
//! * Offsets are Unicode code points (not bytes, not UTF-16 units) into
//!   `document.text`, half-open `[start, end)`, `start < end`, and the span
//!   must touch a paragraph (not only blank lines). `quote` is exactly the
//!   text at the offsets, so a reader can check the offsets.
//! * `document.text` has LF line ends only; `document.id` is the lower-case
//!   hex SHA-256 of its UTF-8 bytes.
//! * Labels: non-empty unique `id`, any `name`, `color` `#rrggbb`, `key` one
//!   character, unique. Every annotation's `label` is one of the ids.
//! * Annotation ids are non-empty and unique; no two annotations share
//!   span and label. `note` may be empty.
//! * Dates are RFC 3339 (`2013-11-29T10:00:00.000Z`, or with an offset such
//!   as `+01:00`); they are written back in UTC with milliseconds.
//! * Unknown fields are refused, not ignored: a typo in a hand-edited file
//!   (`"colour"`) must not silently lose data, and an export imported back
//!   must lose nothing on the round trip.
//! * Whole numbers may be written `3` or `3.0` (JSON does not distinguish
//!   them); they are written back as `3`.
//!
//! Writing ([`to_json`]) is deterministic: annotations in document order
//! ([`Annotation::order_key`]), fixed key order, two-space indentation and
//! a final newline, so export → parse → export is byte-identical.
//!
//! Reading ([`parse`]) never panics, whatever the bytes, and reports the
//! first problem as a [`FormatError`]: a JSON path and one plain sentence.
//! Checks run in this order: size, UTF-8, JSON syntax and depth, foreign
//! JSON (a W3C Web Annotation, a Recogito export…), `format`, `version`,
//! field names and types, labels, document id, then each annotation.
//!
//! `src/format/schema.json` is the same format as a JSON Schema (2020-12);
//! it cannot express the checks between fields (quote, ids, labels, SHA-256).

mod error;

use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::core::revision::{DocMeta, Orphan, Revision};
use crate::core::span::Look;
use crate::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use std::collections::BTreeMap;

pub use error::{ErrorKind, FormatError};

/// Value of the `format` field.
pub const FORMAT: &str = "surligneur";
/// The version this build writes; it reads this one and every older one.
/// Version 2 added a stable document id with its revisions, label looks,
/// each annotation's context (`prefix`, `suffix`), the quote an edited
/// annotation had before a revision, and the orphans.
pub const VERSION: u64 = 2;
/// Largest file accepted, in bytes; checked before parsing.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A parsed, validated v1 file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1File {
    /// The document (text exactly as in the file).
    pub document: Document,
    /// Its labels, in file (display) order.
    pub labels: LabelSet,
    /// Its annotations, in file order (document order when written by
    /// [`to_json`]).
    pub annotations: Vec<Annotation>,
    /// What a hand-made file lacked and the reader filled in, where that
    /// was unambiguous (empty for a file Surligneur wrote).
    pub filled_in: Vec<FilledIn>,
    /// The document's identity and revisions (a version 1 file: its id is
    /// its text's hash, with that one text).
    pub meta: DocMeta,
    /// Annotations whose words a revision removed (version 2).
    pub orphans: Vec<Orphan>,
    /// Annotations edited by a revision, not yet reviewed: their quote
    /// before (version 2).
    pub edited: BTreeMap<String, String>,
}

impl V1File {
    /// What this file says, to write it again ([`write`]).
    pub fn contents(&self) -> Contents<'_> {
        Contents {
            doc: &self.document,
            meta: &self.meta,
            labels: &self.labels,
            annotations: self.annotations.iter().collect(),
            orphans: self.orphans.iter().collect(),
            edited: &self.edited,
        }
    }

    /// A file of `document` with these labels and annotations, nothing
    /// else: its identity is its text's hash.
    pub fn plain(document: Document, labels: LabelSet, annotations: Vec<Annotation>) -> V1File {
        V1File {
            meta: DocMeta::legacy(&document),
            document,
            labels,
            annotations,
            filled_in: Vec::new(),
            orphans: Vec::new(),
            edited: BTreeMap::new(),
        }
    }
}

/// Something a hand-made file lacked and the reader filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilledIn {
    /// `document.id` was missing: computed from the text.
    DocumentId,
    /// `labels` was missing: the three defaults.
    Labels,
    /// Annotations used these default labels (ids), which `labels` lacked.
    DefaultLabels(Vec<String>),
}

impl std::fmt::Display for FilledIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilledIn::DocumentId => write!(f, "the document id (computed from its text)"),
            FilledIn::Labels => write!(
                f,
                "the labels (the three defaults: person, organisation, claim)"
            ),
            FilledIn::DefaultLabels(ids) => write!(f, "the default labels {}", ids.join(", ")),
        }
    }
}

/// A hand-made file's gaps filled in where that is unambiguous: the
/// document id computed from its text, the default labels where `labels`
/// is missing or lacks default labels that annotations use. `None` when
/// nothing needed filling. Anything else wrong is left for the checks.
fn fill_in(value: &Value) -> Option<(Value, Vec<FilledIn>)> {
    let obj = value.as_object()?;
    // What is missing is worked out on the value as it is: a file
    // Surligneur wrote needs nothing, and the (possibly large) value is
    // copied only when something must be filled in.
    let computed_id = obj
        .get("document")
        .and_then(Value::as_object)
        .filter(|d| !d.contains_key("id"))
        .and_then(|d| d.get("text")?.as_str())
        .map(crate::core::document::content_id);
    let defaults = LabelSet::default();
    // The default labels to add, each with the key it gets (its own, or
    // none if another label has it); `true` when `labels` is missing.
    let (no_labels, added): (bool, Vec<(&LabelDef, &str)>) = match obj.get("labels") {
        None => (true, defaults.iter().map(|l| (l, l.key.as_str())).collect()),
        Some(Value::Array(labels)) => {
            let field = |l: &Value, k: &str| l.get(k).and_then(Value::as_str).map(str::to_owned);
            let ids: std::collections::HashSet<String> =
                labels.iter().filter_map(|l| field(l, "id")).collect();
            let keys: std::collections::HashSet<String> =
                labels.iter().filter_map(|l| field(l, "key")).collect();
            let used: std::collections::HashSet<&str> = obj
                .get("annotations")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|a| a.get("label")?.as_str()).collect())
                .unwrap_or_default();
            let added = defaults
                .iter()
                .filter(|d| !ids.contains(&d.id) && used.contains(d.id.as_str()))
                .map(|d| {
                    (
                        d,
                        if keys.contains(&d.key) {
                            ""
                        } else {
                            d.key.as_str()
                        },
                    )
                })
                .collect();
            (false, added)
        }
        Some(_) => (false, Vec::new()),
    };
    if computed_id.is_none() && added.is_empty() {
        return None;
    }
    let mut out = value.clone();
    let mut filled = Vec::new();
    if let Some(id) = computed_id {
        out["document"]["id"] = Value::String(id);
        filled.push(FilledIn::DocumentId);
    }
    if !added.is_empty() {
        let label_json = |(l, key): &(&LabelDef, &str)| serde_json::json!({ "id": l.id, "name": l.name, "color": l.color, "key": key });
        if no_labels {
            out["labels"] = Value::Array(added.iter().map(label_json).collect());
            filled.push(FilledIn::Labels);
        } else {
            if let Some(Value::Array(list)) = out.get_mut("labels") {
                list.extend(added.iter().map(label_json));
            }
            filled.push(FilledIn::DefaultLabels(
                added.iter().map(|(d, _)| d.id.clone()).collect(),
            ));
        }
    }
    Some((out, filled))
}

// ----- writing -------------------------------------------------------------

// Own output structs, so the written key order is fixed here and does not
// depend on how the core derives its serialisation.

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    document: DocOut<'a>,
    labels: Vec<LabelOut<'a>>,
    annotations: Vec<AnnOut<'a>>,
    orphans: Vec<OrphanOut<'a>>,
}

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
    sha256: &'a str,
    revisions: Vec<RevOut<'a>>,
}

#[derive(Serialize)]
struct RevOut<'a> {
    id: &'a str,
    sha256: &'a str,
    loaded: String,
    source: &'a str,
}

#[derive(Serialize)]
struct OrphanOut<'a> {
    id: &'a str,
    label: &'a str,
    quote: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    note: &'a str,
    start: usize,
    end: usize,
    revision: &'a str,
    created: String,
    modified: String,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    id: &'a str,
    name: &'a str,
    color: &'a str,
    key: &'a str,
    look: &'static str,
}

#[derive(Serialize)]
struct AnnOut<'a> {
    id: &'a str,
    start: usize,
    end: usize,
    label: &'a str,
    quote: &'a str,
    prefix: String,
    suffix: String,
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_quote: Option<&'a str>,
    created: String,
    modified: String,
}

/// What a whole file says: the document with its identity, labels,
/// annotations (any order), orphans and edited marks.
pub struct Contents<'a> {
    /// The text.
    pub doc: &'a Document,
    /// Its identity and revisions.
    pub meta: &'a DocMeta,
    /// Its labels.
    pub labels: &'a LabelSet,
    /// Its annotations.
    pub annotations: Vec<&'a Annotation>,
    /// Its orphans.
    pub orphans: Vec<&'a Orphan>,
    /// Edited marks.
    pub edited: &'a BTreeMap<String, String>,
}

fn file_out<'a>(c: &'a Contents<'a>, contexts: &'a [(String, String)]) -> FileOut<'a> {
    let doc = c.doc;
    let labels = c.labels;
    let sorted = &c.annotations;
    FileOut {
        format: FORMAT,
        version: VERSION,
        document: DocOut {
            id: &c.meta.id,
            title: doc.title(),
            text: doc.text(),
            sha256: doc.id(),
            revisions: c
                .meta
                .revisions
                .iter()
                .map(|r| RevOut {
                    id: &r.id,
                    sha256: &r.sha256,
                    loaded: r.loaded.to_rfc3339(),
                    source: &r.source,
                })
                .collect(),
        },
        labels: labels
            .iter()
            .map(|l| LabelOut {
                id: &l.id,
                name: &l.name,
                color: &l.color,
                key: &l.key,
                look: l.look.as_str(),
            })
            .collect(),
        annotations: sorted
            .iter()
            .zip(contexts)
            .map(|(a, (prefix, suffix))| AnnOut {
                id: &a.id,
                start: a.start,
                end: a.end,
                label: &a.label,
                quote: &a.quote,
                prefix: prefix.clone(),
                suffix: suffix.clone(),
                note: &a.note,
                previous_quote: c.edited.get(&a.id).map(String::as_str),
                created: a.created.to_rfc3339(),
                modified: a.modified.to_rfc3339(),
            })
            .collect(),
        orphans: c
            .orphans
            .iter()
            .map(|o| OrphanOut {
                id: &o.annotation.id,
                label: &o.annotation.label,
                quote: &o.annotation.quote,
                prefix: &o.prefix,
                suffix: &o.suffix,
                note: &o.annotation.note,
                start: o.annotation.start,
                end: o.annotation.end,
                revision: &o.revision,
                created: o.annotation.created.to_rfc3339(),
                modified: o.annotation.modified.to_rfc3339(),
            })
            .collect(),
    }
}

/// The file of a whole session: identity and revisions, labels,
/// annotations with their context, orphans and edited marks. Pretty,
/// deterministic, byte-identical after a [`parse`] round trip.
pub fn of_session(s: &crate::core::Session) -> String {
    write(&Contents {
        doc: s.doc(),
        meta: s.meta(),
        labels: s.labels(),
        annotations: s.annotations().iter().collect(),
        orphans: s.orphans().values().collect(),
        edited: s.edited(),
    })
}

/// The file of `c`: pretty, annotations in document order.
pub fn write(c: &Contents<'_>) -> String {
    let mut s = serialise(c, true);
    s.push('\n');
    s
}

/// `c` as JSON, pretty (two-space indentation) or compact, annotations
/// in document order, each with its context.
fn serialise(c: &Contents<'_>, pretty: bool) -> String {
    let mut sorted = c.annotations.clone();
    sorted.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut orphans = c.orphans.clone();
    orphans.sort_by(|a, b| a.annotation.id.cmp(&b.annotation.id));
    let c = Contents {
        annotations: sorted,
        orphans,
        ..*c
    };
    let spans: Vec<(usize, usize)> = c.annotations.iter().map(|a| (a.start, a.end)).collect();
    let contexts: Vec<(String, String)> = crate::core::anchor::evidence_for(c.doc.text(), &spans)
        .into_iter()
        .map(|e| e.map(|e| (e.prefix, e.suffix)).unwrap_or_default())
        .collect();
    // Serialising strings and integers into a String cannot fail.
    let out = file_out(&c, &contexts);
    if pretty {
        serde_json::to_string_pretty(&out)
    } else {
        serde_json::to_string(&out)
    }
    .unwrap_or_default()
}

/// The v1 file for a document: pretty-printed with two-space indentation,
/// annotations in document order, a final newline. Deterministic, and
/// byte-identical after a [`parse`] round trip.
pub fn to_json<'a>(
    doc: &Document,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
) -> String {
    let meta = DocMeta::legacy(doc);
    write(&Contents {
        doc,
        meta: &meta,
        labels,
        annotations: annotations.into_iter().collect(),
        orphans: Vec::new(),
        edited: &BTreeMap::new(),
    })
}

/// The same file without whitespace (for storage, where size matters).
/// [`parse`] reads both.
pub fn to_json_compact<'a>(
    doc: &Document,
    labels: &LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
) -> String {
    let meta = DocMeta::legacy(doc);
    let c = Contents {
        doc,
        meta: &meta,
        labels,
        annotations: annotations.into_iter().collect(),
        orphans: Vec::new(),
        edited: &BTreeMap::new(),
    };
    serialise(&c, false)
}

// ----- reading -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile<'a> {
    // Checked on the untyped value before.
    #[allow(dead_code)]
    format: IgnoredAny,
    #[allow(dead_code)]
    version: IgnoredAny,
    #[serde(borrow)]
    document: RawDoc<'a>,
    #[serde(borrow)]
    labels: Vec<RawLabel<'a>>,
    #[serde(borrow)]
    annotations: Vec<RawAnn<'a>>,
    #[serde(default, borrow)]
    orphans: Vec<RawOrphan<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRev<'a> {
    id: &'a str,
    sha256: &'a str,
    loaded: &'a str,
    source: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrphan<'a> {
    id: &'a str,
    label: &'a str,
    quote: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    note: &'a str,
    start: usize,
    end: usize,
    revision: &'a str,
    created: &'a str,
    modified: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
    #[serde(default, borrow)]
    sha256: Option<&'a str>,
    #[serde(default, borrow)]
    revisions: Vec<RawRev<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel<'a> {
    id: &'a str,
    name: &'a str,
    color: &'a str,
    key: &'a str,
    #[serde(default, borrow)]
    look: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnn<'a> {
    id: &'a str,
    // Numbers are checked by hand for sentences about negative, fractional
    // and huge offsets.
    start: Value,
    end: Value,
    label: &'a str,
    quote: &'a str,
    // Context, for re-anchoring elsewhere: read, not checked (the quote
    // and offsets are).
    #[serde(default)]
    #[allow(dead_code)]
    prefix: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    suffix: Option<IgnoredAny>,
    #[serde(default, borrow)]
    previous_quote: Option<&'a str>,
    note: &'a str,
    created: &'a str,
    modified: &'a str,
}

/// Parse and validate a file given as text. Same as [`parse`].
pub fn parse_str(s: &str) -> Result<V1File, FormatError> {
    parse(s.as_bytes())
}

/// Parse and validate a file. Never panics, whatever the bytes; reports
/// the first problem (see the module documentation for the order).
pub fn parse(bytes: &[u8]) -> Result<V1File, FormatError> {
    if bytes.len() > MAX_BYTES {
        return Err(FormatError::new(
            "",
            ErrorKind::TooLarge {
                size: bytes.len(),
                limit: MAX_BYTES,
            },
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FormatError::new("", ErrorKind::NotUtf8))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FormatError::new("", ErrorKind::Empty));
    }
    let value = parse_json(text)?;
    from_value(&value)
}

/// Validate an already parsed JSON value as a v1 file (for a v1 file
/// nested in another value, such as the stored form in `format::stored`).
pub fn from_value(value: &Value) -> Result<V1File, FormatError> {
    check_envelope(value)?;
    let filled = fill_in(value);
    let (value, filled_in) = match &filled {
        Some((v, f)) => (v, f.clone()),
        None => (value, Vec::new()),
    };
    // Paths are tracked only to explain a failure: tracking costs a string
    // per key, so the fast untracked pass goes first.
    let raw = match RawFile::deserialize(value) {
        Ok(raw) => raw,
        Err(plain) => {
            return Err(
                match serde_path_to_error::deserialize::<_, RawFile<'_>>(value) {
                    Err(e) => type_error(value, e),
                    // Cannot happen (same input); keep the untracked error.
                    Ok(_) => type_error_at(value, String::new(), String::new(), plain.to_string()),
                },
            );
        }
    };
    let mut file = validate(raw)?;
    file.filled_in = filled_in;
    Ok(file)
}

/// Text to JSON, with a path for errors inside the structure (found by a
/// second, tracked pass over the text, only when there is an error).
fn parse_json(text: &str) -> Result<Value, FormatError> {
    let plain = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let tracked = match serde_path_to_error::deserialize::<_, Value>(&mut de) {
        Err(e) => {
            let path = path_string(e.path());
            json_error(path, e.into_inner())
        }
        Ok(_) => match de.end() {
            Err(e) => json_error(String::new(), e),
            // Cannot happen (same parser, same text).
            Ok(()) => json_error(String::new(), plain),
        },
    };
    Err(tracked)
}

fn json_error(path: String, e: serde_json::Error) -> FormatError {
    let (line, column) = (e.line(), e.column());
    let msg = e.to_string();
    if msg.starts_with("recursion limit exceeded") {
        // The path would be 128 levels of `[0]`.
        return FormatError::new("", ErrorKind::TooDeep);
    }
    let kind = if msg.starts_with("number out of range") {
        ErrorKind::NumberTooLarge
    } else if e.is_eof() {
        ErrorKind::Truncated { line, column }
    } else {
        ErrorKind::NotJson { line, column }
    };
    FormatError::new(path, kind)
}

/// `annotations[3].end`; empty for the root. Stops at a segment the
/// tracker could not name (an error while reading a key).
fn path_string(p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut s = String::new();
    for seg in p.iter() {
        match seg {
            Segment::Seq { index } => s.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    s
}

/// A typed-deserialisation error as a kind, with the path, describing what
/// was found from the value itself.
fn type_error(root: &Value, e: serde_path_to_error::Error<serde_json::Error>) -> FormatError {
    use serde_path_to_error::Segment;
    let path = path_string(e.path());
    let mut pointer = String::new();
    for seg in e.path().iter() {
        match seg {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    type_error_at(root, path, pointer, e.into_inner().to_string())
}

/// serde's message (`missing field `x``, `unknown field `x`, expected …`,
/// `invalid type: …, expected …`) as a kind; `pointer` locates the value.
fn type_error_at(root: &Value, path: String, pointer: String, msg: String) -> FormatError {
    let backquoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_owned();
    let kind = if msg.starts_with("missing field") {
        ErrorKind::MissingField {
            field: backquoted(&msg),
        }
    } else if msg.starts_with("unknown field") {
        ErrorKind::UnknownField {
            field: backquoted(&msg),
        }
    } else {
        let expected = msg
            .rsplit_once("expected ")
            .map_or("something else", |(_, x)| x);
        let expected = match expected {
            "a string" | "a borrowed string" => "text".to_owned(),
            "a sequence" => "a list".to_owned(),
            x if x.starts_with("struct ") || x == "a map" => "an object".to_owned(),
            x => x.to_owned(),
        };
        let found = root
            .pointer(&pointer)
            .map_or_else(|| "something else".to_owned(), describe);
        ErrorKind::WrongType { expected, found }
    };
    FormatError::new(path, kind)
}

/// A JSON value in words, for "but it is …".
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the value {b}"),
        Value::Number(n) => format!("the number {}", number_text(n)),
        Value::String(s) => format!("the text {}", error::quoted(s)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A number as a person would write it (`18446744073709551616`, not
/// `1.8446744073709552e19`).
fn number_text(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// A non-negative whole number, whether written `3` or `3.0`, if exactly
/// representable; `Err(true)` if negative, `Err(false)` if fractional or
/// too large.
fn whole(n: &Number) -> Result<u64, bool> {
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    if n.is_i64() {
        return Err(true);
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if f < 0.0 {
        Err(true)
    } else if f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 {
        // Exact below 2^53; -0.0 is 0.
        Ok(f as u64)
    } else {
        Err(false)
    }
}

const W3C_LIST: &str = "a list of W3C Web Annotations";
const RECOGITO_LIST: &str = "a list of annotations from Recogito or text-annotator";

/// Recognise foreign JSON, then check `format` and `version`.
fn check_envelope(v: &Value) -> Result<(), FormatError> {
    let foreign = |what: &str| {
        Err(FormatError::new(
            "",
            ErrorKind::Foreign {
                what: what.to_owned(),
            },
        ))
    };
    let obj = match v {
        Value::Object(o) => o,
        Value::Array(items) => {
            return if items.iter().any(is_web_annotation) {
                foreign(W3C_LIST)
            } else if items.iter().any(is_recogito) {
                foreign(RECOGITO_LIST)
            } else {
                foreign("a JSON list")
            };
        }
        _ => return foreign("a single JSON value"),
    };
    let format = obj.get("format");
    if format.and_then(Value::as_str) != Some(FORMAT) {
        // Foreign first: a W3C annotation may well have some "format".
        if is_web_collection(v) {
            return foreign("a collection of W3C Web Annotations");
        } else if is_web_annotation(v) {
            return foreign("a W3C Web Annotation");
        } else if is_recogito(v) {
            return foreign("an annotation from Recogito or text-annotator");
        }
        return match format {
            Some(Value::String(f)) => Err(FormatError::new(
                "format",
                ErrorKind::WrongFormat { found: f.clone() },
            )),
            Some(other) => Err(FormatError::new(
                "format",
                ErrorKind::WrongType {
                    expected: "the text \"surligneur\"".into(),
                    found: describe(other),
                },
            )),
            None => foreign("JSON from another program"),
        };
    }
    let unsupported = |found: String| {
        Err(FormatError::new(
            "version",
            ErrorKind::UnsupportedVersion { found },
        ))
    };
    match obj.get("version") {
        None => Err(FormatError::new(
            "",
            ErrorKind::MissingField {
                field: "version".into(),
            },
        )),
        Some(Value::Number(n)) => match whole(n) {
            Ok(1..=VERSION) => Ok(()),
            Ok(found) if found > VERSION => Err(FormatError::new(
                "version",
                ErrorKind::NewerVersion { found },
            )),
            _ => unsupported(number_text(n)),
        },
        Some(other) => unsupported(other.to_string()),
    }
}

fn has_type(v: &Value, names: &[&str]) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => names.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .any(|t| t.as_str().is_some_and(|t| names.contains(&t))),
        _ => false,
    }
}

fn has_anno_context(v: &Value) -> bool {
    let mentions = |c: &Value| c.as_str().is_some_and(|s| s.contains("w3.org/ns/anno"));
    match v.get("@context") {
        Some(Value::Array(cs)) => cs.iter().any(mentions),
        Some(c) => mentions(c),
        None => false,
    }
}

fn is_web_annotation(v: &Value) -> bool {
    has_anno_context(v) || has_type(v, &["Annotation"])
}

fn is_web_collection(v: &Value) -> bool {
    has_type(v, &["AnnotationCollection", "AnnotationPage"])
}

/// Recogito and @recogito/text-annotator: `{"target": {"selector": …}}`
/// (the target may be a list).
fn is_recogito(v: &Value) -> bool {
    match v.get("target") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t.get("selector").is_some()),
        Some(t) => t.get("selector").is_some(),
        None => false,
    }
}

fn offset(v: &Value, path: &str, len: usize) -> Result<usize, FormatError> {
    let e = |kind| Err(FormatError::new(path, kind));
    let Value::Number(n) = v else {
        return e(ErrorKind::WrongType {
            expected: "a whole number".into(),
            found: describe(v),
        });
    };
    let found = number_text(n);
    match whole(n) {
        Ok(u) => match usize::try_from(u) {
            Ok(o) if o <= len => Ok(o),
            Ok(o) => e(ErrorKind::OutOfRange { offset: o, len }),
            Err(_) => e(ErrorKind::OffsetTooLarge { found, len }),
        },
        Err(true) => e(ErrorKind::NegativeOffset { found }),
        Err(false) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            e(ErrorKind::OffsetTooLarge { found, len })
        }
        Err(false) => e(ErrorKind::NotAnOffset { found }),
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
}

/// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)` (T and Z in either case): the
/// shape of an RFC 3339 date-time, as in the schema. The `time` crate
/// alone would also accept a space or any other separator.
fn rfc3339_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt"))
        || !(digits(11..13) && at(13, b":") && digits(14..16) && at(16, b":") && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        i += 1;
        let n = b[i..].iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        i += n;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3) && at(i + 3, b":") && digits(i + 4..i + 6) && i + 6 == b.len()
        }
        _ => false,
    }
}

fn timestamp(s: &str, path: String) -> Result<Timestamp, FormatError> {
    rfc3339_shape(s)
        .then(|| Timestamp::parse(s))
        .flatten()
        .ok_or_else(|| {
            FormatError::new(
                path,
                ErrorKind::BadTimestamp {
                    found: s.to_owned(),
                },
            )
        })
}

/// Check label definitions given as `(id, color, key)`: ids non-empty and
/// unique, colours `#rrggbb`, keys one character and unique. Returns the
/// index of each id. Shared with the stored form.
pub(crate) fn check_labels<'a>(
    labels: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> Result<HashMap<&'a str, usize>, FormatError> {
    let mut label_ids: HashMap<&str, usize> = HashMap::new();
    let mut keys: HashMap<&str, usize> = HashMap::new();
    for (i, (id, color, key)) in labels.enumerate() {
        let e = |field: &str, kind| Err(FormatError::new(format!("labels[{i}].{field}"), kind));
        let dup = |field: &str, value: &str, first: usize| {
            e(
                field,
                ErrorKind::DuplicateLabel {
                    field: field.to_owned(),
                    value: value.to_owned(),
                    first,
                },
            )
        };
        if id.is_empty() {
            return e("id", ErrorKind::EmptyId);
        }
        if let Some(&first) = label_ids.get(id) {
            return dup("id", id, first);
        }
        label_ids.insert(id, i);
        if !is_hex_colour(color) {
            return e(
                "color",
                ErrorKind::BadColor {
                    found: color.to_owned(),
                },
            );
        }
        // No key (""): the label works from the picker only.
        if key.chars().count() > 1 {
            return e(
                "key",
                ErrorKind::BadKey {
                    found: key.to_owned(),
                },
            );
        }
        if key.is_empty() {
            continue;
        }
        if let Some(&first) = keys.get(key) {
            return dup("key", key, first);
        }
        keys.insert(key, i);
    }
    Ok(label_ids)
}

fn validate(raw: RawFile<'_>) -> Result<V1File, FormatError> {
    let label_ids = check_labels(raw.labels.iter().map(|l| (l.id, l.color, l.key)))?;
    let mut looks = Vec::with_capacity(raw.labels.len());
    for (i, l) in raw.labels.iter().enumerate() {
        looks.push(match l.look {
            None => Look::default_for(l.id),
            Some(s) => Look::parse(s).ok_or_else(|| {
                FormatError::new(
                    format!("labels[{i}].look"),
                    ErrorKind::BadLook {
                        found: s.to_owned(),
                    },
                )
            })?,
        });
    }
    // Document.
    if raw.document.text.contains('\r') {
        return Err(FormatError::new("document.text", ErrorKind::CarriageReturn));
    }
    let document = Document::new(raw.document.title, raw.document.text);
    // Version 1: the id is the text's hash. Version 2: the id is stable
    // and `sha256` is the text's hash.
    match raw.document.sha256 {
        None if raw.document.id != document.id() => {
            return Err(FormatError::new(
                "document.id",
                ErrorKind::DocumentIdMismatch,
            ));
        }
        Some(sha) if sha != document.id() => {
            return Err(FormatError::new(
                "document.sha256",
                ErrorKind::DocumentIdMismatch,
            ));
        }
        _ if raw.document.id.is_empty() => {
            return Err(FormatError::new("document.id", ErrorKind::EmptyId));
        }
        _ => {}
    }
    let meta = if raw.document.revisions.is_empty() {
        DocMeta {
            id: raw.document.id.to_owned(),
            ..DocMeta::legacy(&document)
        }
    } else {
        let mut revisions = Vec::with_capacity(raw.document.revisions.len());
        for (i, r) in raw.document.revisions.iter().enumerate() {
            revisions.push(Revision {
                id: r.id.to_owned(),
                sha256: r.sha256.to_owned(),
                loaded: timestamp(r.loaded, format!("document.revisions[{i}].loaded"))?,
                source: r.source.to_owned(),
            });
        }
        let meta = DocMeta {
            id: raw.document.id.to_owned(),
            revisions,
        };
        if let Err(why) = meta.fits(&document) {
            return Err(FormatError::new(
                "document.revisions",
                ErrorKind::BadRevisions {
                    why: why.to_owned(),
                },
            ));
        }
        meta
    };
    let len = document.len_chars();
    // Annotations.
    let mut ids: HashMap<&str, usize> = HashMap::with_capacity(raw.annotations.len());
    let mut spans: HashMap<(usize, usize, &str), usize> =
        HashMap::with_capacity(raw.annotations.len());
    let mut annotations = Vec::with_capacity(raw.annotations.len());
    let mut edited = BTreeMap::new();
    for (i, a) in raw.annotations.iter().enumerate() {
        if let Some(q) = a.previous_quote {
            edited.insert(a.id.to_owned(), q.to_owned());
        }
        let p = |field: &str| format!("annotations[{i}].{field}");
        let e = |field: &str, kind| Err(FormatError::new(p(field), kind));
        if a.id.is_empty() {
            return e("id", ErrorKind::EmptyId);
        }
        if let Some(&first) = ids.get(a.id) {
            return e(
                "id",
                ErrorKind::DuplicateId {
                    id: a.id.to_owned(),
                    first,
                },
            );
        }
        ids.insert(a.id, i);
        let start = offset(&a.start, &p("start"), len)?;
        let end = offset(&a.end, &p("end"), len)?;
        if end < start {
            return e("end", ErrorKind::Reversed { start, end });
        }
        if end == start {
            return e("end", ErrorKind::EmptySpan);
        }
        if document.blocks_overlapping(start, end).is_empty() {
            return Err(FormatError::new(
                format!("annotations[{i}]"),
                ErrorKind::OutsideBlocks { start, end },
            ));
        }
        if !label_ids.contains_key(a.label) {
            return e(
                "label",
                ErrorKind::UnknownLabel {
                    label: a.label.to_owned(),
                },
            );
        }
        let actual = document.slice(start, end).unwrap_or_default();
        if actual != a.quote {
            return e(
                "quote",
                ErrorKind::QuoteMismatch {
                    expected: actual.to_owned(),
                    found: a.quote.to_owned(),
                },
            );
        }
        let created = timestamp(a.created, p("created"))?;
        let modified = timestamp(a.modified, p("modified"))?;
        if let Some(&first) = spans.get(&(start, end, a.label)) {
            return Err(FormatError::new(
                format!("annotations[{i}]"),
                ErrorKind::DuplicateSpan { first },
            ));
        }
        spans.insert((start, end, a.label), i);
        annotations.push(Annotation {
            id: a.id.to_owned(),
            start,
            end,
            label: a.label.to_owned(),
            quote: a.quote.to_owned(),
            note: a.note.to_owned(),
            created,
            modified,
        });
    }
    let labels = raw
        .labels
        .iter()
        .zip(looks)
        .map(|(l, look)| LabelDef {
            id: l.id.to_owned(),
            name: l.name.to_owned(),
            color: l.color.to_owned(),
            key: l.key.to_owned(),
            look,
        })
        .collect();
    let mut orphans = Vec::with_capacity(raw.orphans.len());
    for (i, o) in raw.orphans.iter().enumerate() {
        let p = |field: &str| format!("orphans[{i}].{field}");
        if o.id.is_empty() {
            return Err(FormatError::new(p("id"), ErrorKind::EmptyId));
        }
        if let Some(&first) = ids.get(o.id) {
            return Err(FormatError::new(
                p("id"),
                ErrorKind::DuplicateId {
                    id: o.id.to_owned(),
                    first,
                },
            ));
        }
        ids.insert(o.id, raw.annotations.len() + i);
        if !label_ids.contains_key(o.label) {
            return Err(FormatError::new(
                p("label"),
                ErrorKind::UnknownLabel {
                    label: o.label.to_owned(),
                },
            ));
        }
        orphans.push(Orphan {
            annotation: Annotation {
                id: o.id.to_owned(),
                start: o.start,
                end: o.end,
                label: o.label.to_owned(),
                quote: o.quote.to_owned(),
                note: o.note.to_owned(),
                created: timestamp(o.created, p("created"))?,
                modified: timestamp(o.modified, p("modified"))?,
            },
            prefix: o.prefix.to_owned(),
            suffix: o.suffix.to_owned(),
            revision: o.revision.to_owned(),
        });
    }
    Ok(V1File {
        document,
        labels: LabelSet(labels),
        annotations,
        filled_in: Vec::new(),
        meta,
        orphans,
        edited,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_shapes() {
        for ok in [
            "2013-11-29T10:00:00.000Z",
            "2013-11-29t10:00:00z",
            "2013-11-29T10:00:00.123456789+01:00",
            "2013-11-29T10:00:00-05:30",
        ] {
            assert!(rfc3339_shape(ok), "{ok}");
            assert!(timestamp(ok, String::new()).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "2013-11-29 10:00:00Z",
            "2013-11-29T10:00:00",
            "2013-11-29T10:00:00.Z",
            "2013-11-29T10:00:00+0100",
            "2013-11-29T10:00:00Z ",
            "٢٠١٣-11-29T10:00:00Z",
        ] {
            assert!(!rfc3339_shape(bad), "{bad}");
        }
        // The shape is right but the calendar is not.
        assert!(timestamp("2013-02-30T10:00:00Z", String::new()).is_err());
    }

    #[test]
    fn whole_numbers() {
        let n = |s: &str| serde_json::from_str::<Number>(s).unwrap();
        assert_eq!(whole(&n("3")), Ok(3));
        assert_eq!(whole(&n("3.0")), Ok(3));
        assert_eq!(whole(&n("-0")), Ok(0));
        assert_eq!(whole(&n("1e2")), Ok(100));
        assert_eq!(whole(&n("-1")), Err(true));
        assert_eq!(whole(&n("-0.5")), Err(true));
        assert_eq!(whole(&n("1.5")), Err(false));
        assert_eq!(whole(&n("18446744073709551616")), Err(false));
        assert_eq!(
            number_text(&n("18446744073709551616")),
            "18446744073709551616"
        );
        assert_eq!(number_text(&n("1.5")), "1.5");
    }
}
