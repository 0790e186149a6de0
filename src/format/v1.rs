//! Format v1: the export and the unit of storage.
//!
//! ```json
//! {"format":"surligneur","version":1,
//!  "document":{"id":"<hex SHA-256 of text>","title":"…","text":"…"},
//!  "labels":[{"id":"person","name":"Person","color":"#e69f00","key":"1"}],
//!  "annotations":[{"id":"…","start":0,"end":14,"label":"person","quote":"…",
//!                  "note":"","created":"2013-11-29T10:00:00.000Z","modified":"…"}]}
//! ```
//!
//! Offsets are Unicode code points into `document.text`, half-open. The
//! text uses LF line ends only. Unknown fields are refused (a typo in a
//! hand-edited file should not silently lose data). Writing is
//! deterministic (annotations in document order, fixed key order), so
//! export → parse → export is byte-identical.
//!
//! [`parse`] validates everything and never panics; the first problem is
//! returned as a [`FormatError`] with a JSON path and a plain sentence.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::document::content_id;
use crate::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};

/// Value of the `format` field.
pub const FORMAT: &str = "surligneur";
/// The version this build writes and reads.
pub const VERSION: u64 = 1;
/// Largest file accepted, checked before parsing.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A parsed, validated v1 file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1File {
    /// The document (text exactly as in the file).
    pub document: Document,
    /// Its labels.
    pub labels: LabelSet,
    /// Its annotations, in file order.
    pub annotations: Vec<Annotation>,
}

/// What is wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Zero bytes, or only whitespace.
    Empty,
    /// Larger than [`MAX_BYTES`].
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not UTF-8 text (a binary file, or another encoding).
    NotUtf8,
    /// Not JSON: a syntax error at this place.
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON nested deeper than any real file.
    TooDeep,
    /// A number too large to represent.
    NumberTooLarge,
    /// JSON, but from another tool.
    Foreign {
        /// What it looks like, in words.
        what: String,
    },
    /// `format` is not `"surligneur"`.
    WrongFormat {
        /// The value found.
        found: String,
    },
    /// A version newer than this build reads.
    NewerVersion {
        /// The version found.
        found: u64,
    },
    /// A version that never existed (0, negative, not an integer).
    UnsupportedVersion {
        /// The value found, as JSON.
        found: String,
    },
    /// A required field is missing.
    MissingField {
        /// Its name.
        field: String,
    },
    /// A field that v1 does not have.
    UnknownField {
        /// Its name.
        field: String,
    },
    /// A value of the wrong type.
    WrongType {
        /// What was expected, in words.
        expected: String,
    },
    /// A negative offset.
    NegativeOffset {
        /// The value found.
        found: String,
    },
    /// An offset with a fractional part, or too large.
    NotAnOffset {
        /// The value found.
        found: String,
    },
    /// `end` before `start`.
    Reversed {
        /// start
        start: usize,
        /// end
        end: usize,
    },
    /// `end == start`.
    EmptySpan,
    /// An offset past the end of the text.
    OutOfRange {
        /// The offset.
        offset: usize,
        /// Text length in code points.
        len: usize,
    },
    /// `quote` differs from the text at `[start, end)`.
    QuoteMismatch {
        /// The text at the offsets.
        expected: String,
        /// The quote in the file.
        found: String,
    },
    /// A label id not defined in `labels`.
    UnknownLabel {
        /// The label.
        label: String,
    },
    /// Two annotations with one id.
    DuplicateId {
        /// The id.
        id: String,
    },
    /// Two annotations with the same range and label.
    DuplicateSpan,
    /// Two labels with one id or one key.
    DuplicateLabel {
        /// The id or key.
        value: String,
    },
    /// A label definition that is not usable (empty id, bad colour, key).
    BadLabel {
        /// What is wrong.
        why: String,
    },
    /// An empty annotation id.
    EmptyId,
    /// `document.id` is not the SHA-256 of `document.text`.
    DocumentIdMismatch,
    /// `document.text` contains carriage returns.
    CarriageReturn,
    /// A date that is not RFC 3339.
    BadTimestamp {
        /// The value found.
        found: String,
    },
}

/// A problem with a file: where (JSON path, empty for the whole file) and
/// what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// JSON path such as `annotations[3].end`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl std::error::Error for FormatError {}

fn short(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX - 1).collect();
        t.push('…');
        t
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Empty => write!(f, "the file is empty."),
            TooLarge { size, limit } => write!(
                f,
                "the file is too large ({:.1} MB); the limit is {} MB.",
                *size as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            NotUtf8 => write!(f, "the file is not text (it is binary or not UTF-8), so it cannot be a Surligneur file."),
            NotJson { line, column } => write!(f, "the file is not valid JSON (problem at line {line}, column {column})."),
            TooDeep => write!(f, "the file nests lists or objects too deeply to be a Surligneur file."),
            NumberTooLarge => write!(f, "the file contains a number too large to be an offset."),
            Foreign { what } => write!(f, "this is {what}, not a Surligneur file."),
            WrongFormat { found } => write!(f, "the format is {:?}, not \"surligneur\".", short(found)),
            NewerVersion { found } => write!(
                f,
                "the file was made by a newer Surligneur (format version {found}; this one reads version {VERSION}). Update Surligneur to open it."
            ),
            UnsupportedVersion { found } => write!(f, "the format version {} does not exist (expected {VERSION}).", short(found)),
            MissingField { field } => write!(f, "the field \"{field}\" is missing."),
            UnknownField { field } => write!(f, "the field \"{}\" is not part of the format.", short(field)),
            WrongType { expected } => write!(f, "expected {expected}."),
            NegativeOffset { found } => write!(f, "the offset {} is negative.", short(found)),
            NotAnOffset { found } => write!(f, "the offset {} is not a whole number of characters.", short(found)),
            Reversed { start, end } => write!(f, "the span ends ({end}) before it starts ({start})."),
            EmptySpan => write!(f, "the span is empty (it starts where it ends)."),
            OutOfRange { offset, len } => write!(f, "the offset {offset} is past the end of the text ({len} characters)."),
            QuoteMismatch { expected, found } => write!(
                f,
                "the quote \"{}\" does not match the text at its offsets (\"{}\").",
                short(found),
                short(expected)
            ),
            UnknownLabel { label } => write!(f, "the label \"{}\" is not defined in \"labels\".", short(label)),
            DuplicateId { id } => write!(f, "the id \"{}\" is used by another annotation.", short(id)),
            DuplicateSpan => write!(f, "another annotation has the same span and label."),
            DuplicateLabel { value } => write!(f, "\"{}\" is used by two labels.", short(value)),
            BadLabel { why } => write!(f, "{why}."),
            EmptyId => write!(f, "the id is empty."),
            DocumentIdMismatch => write!(f, "the document id does not match its text (the text was changed after export)."),
            CarriageReturn => write!(f, "the text contains carriage returns; Surligneur files use LF line ends."),
            BadTimestamp { found } => write!(f, "the date {:?} is not an RFC 3339 date such as 2013-11-29T10:00:00.000Z.", short(found)),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            return write!(f, "{}", capitalise(&self.kind.to_string()));
        }
        let ann = self
            .path
            .strip_prefix("annotations[")
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok());
        match ann {
            Some(i) => write!(f, "Annotation {} ({}): {}", i + 1, self.path, self.kind),
            None => write!(f, "At {}: {}", self.path, self.kind),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn err(path: impl Into<String>, kind: ErrorKind) -> FormatError {
    FormatError { path: path.into(), kind }
}

// ----- writing -------------------------------------------------------------

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    document: DocOut<'a>,
    labels: &'a LabelSet,
    annotations: Vec<&'a Annotation>,
}

fn file_out<'a>(doc: &'a Document, labels: &'a LabelSet, annotations: impl IntoIterator<Item = &'a Annotation>) -> FileOut<'a> {
    let mut annotations: Vec<&Annotation> = annotations.into_iter().collect();
    annotations.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    FileOut {
        format: FORMAT,
        version: VERSION,
        document: DocOut { id: doc.id(), title: doc.title(), text: doc.text() },
        labels,
        annotations,
    }
}

/// The file for a document: pretty-printed (2 spaces), annotations in
/// document order, ending with a newline. Deterministic.
pub fn to_json<'a>(doc: &'a Document, labels: &'a LabelSet, annotations: impl IntoIterator<Item = &'a Annotation>) -> String {
    // Serialising plain strings and integers cannot fail.
    let mut s = serde_json::to_string_pretty(&file_out(doc, labels, annotations)).unwrap_or_default();
    s.push('\n');
    s
}

/// The same file without whitespace (for storage, where size matters).
pub fn to_json_compact<'a>(
    doc: &'a Document,
    labels: &'a LabelSet,
    annotations: impl IntoIterator<Item = &'a Annotation>,
) -> String {
    serde_json::to_string(&file_out(doc, labels, annotations)).unwrap_or_default()
}

// ----- reading -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: Value,
    document: RawDoc,
    labels: Vec<LabelDef>,
    annotations: Vec<RawAnn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    id: String,
    title: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnn {
    id: String,
    start: Value,
    end: Value,
    label: String,
    quote: String,
    note: String,
    created: String,
    modified: String,
}

/// Parse and validate a file given as text.
pub fn parse_str(s: &str) -> Result<V1File, FormatError> {
    parse(s.as_bytes())
}

/// Parse and validate a file. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8]) -> Result<V1File, FormatError> {
    if bytes.len() > MAX_BYTES {
        return Err(err("", ErrorKind::TooLarge { size: bytes.len(), limit: MAX_BYTES }));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| err("", ErrorKind::NotUtf8))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(err("", ErrorKind::Empty));
    }
    let value: Value = serde_json::from_str(text).map_err(json_error)?;
    check_envelope(&value)?;
    let raw: RawFile = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        err(path, classify_serde(&e.into_inner().to_string()))
    })?;
    validate(raw)
}

fn json_error(e: serde_json::Error) -> FormatError {
    let msg = e.to_string();
    let kind = if msg.contains("recursion limit") {
        ErrorKind::TooDeep
    } else if msg.contains("number out of range") {
        ErrorKind::NumberTooLarge
    } else {
        ErrorKind::NotJson { line: e.line(), column: e.column() }
    };
    err("", kind)
}

/// serde's messages to kinds (`missing field `x``, `unknown field `x``,
/// `invalid type: …, expected …`).
fn classify_serde(msg: &str) -> ErrorKind {
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_owned();
    if msg.starts_with("missing field") {
        ErrorKind::MissingField { field: quoted(msg) }
    } else if msg.starts_with("unknown field") {
        ErrorKind::UnknownField { field: quoted(msg) }
    } else if let Some((_, expected)) = msg.split_once("expected ") {
        let expected = expected.split(" at line").next().unwrap_or(expected);
        ErrorKind::WrongType { expected: expected.replace("struct ", "an object ").replace("a sequence", "a list") }
    } else {
        ErrorKind::WrongType { expected: msg.to_owned() }
    }
}

/// Recognise foreign JSON, then check `format` and `version`.
fn check_envelope(v: &Value) -> Result<(), FormatError> {
    let obj = match v {
        Value::Object(o) => o,
        Value::Array(items) => {
            let what = if items.iter().any(is_web_annotation) {
                "a list of W3C Web Annotations"
            } else if items.iter().any(is_recogito) {
                "a list of annotations from Recogito or text-annotator"
            } else {
                "a JSON list"
            };
            return Err(err("", ErrorKind::Foreign { what: what.into() }));
        }
        _ => return Err(err("", ErrorKind::Foreign { what: "a single JSON value".into() })),
    };
    match obj.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => return Err(err("format", ErrorKind::WrongFormat { found: f.clone() })),
        Some(_) => return Err(err("format", ErrorKind::WrongType { expected: "the string \"surligneur\"".into() })),
        None => {
            let what = if is_web_annotation(v) {
                "a W3C Web Annotation"
            } else if obj.get("type").and_then(Value::as_str) == Some("AnnotationCollection")
                || obj.get("type").and_then(Value::as_str) == Some("AnnotationPage")
            {
                "a W3C Web Annotation collection"
            } else if is_recogito(v) {
                "an annotation from Recogito or text-annotator"
            } else {
                "JSON from another program (it has no \"format\": \"surligneur\")"
            };
            return Err(err("", ErrorKind::Foreign { what: what.into() }));
        }
    }
    match obj.get("version") {
        None => Err(err("", ErrorKind::MissingField { field: "version".into() })),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(VERSION) => Ok(()),
            Some(found) if found > VERSION => Err(err("version", ErrorKind::NewerVersion { found })),
            _ => Err(err("version", ErrorKind::UnsupportedVersion { found: n.to_string() })),
        },
        Some(other) => Err(err("version", ErrorKind::UnsupportedVersion { found: other.to_string() })),
    }
}

fn is_web_annotation(v: &Value) -> bool {
    let ctx = v.get("@context").map(|c| c.to_string()).unwrap_or_default();
    ctx.contains("w3.org/ns/anno") || v.get("type").and_then(Value::as_str) == Some("Annotation")
}

fn is_recogito(v: &Value) -> bool {
    v.get("target").map(|t| t.get("selector").is_some()).unwrap_or(false)
}

fn offset(v: &Value, path: &str) -> Result<usize, FormatError> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                usize::try_from(u).map_err(|_| err(path, ErrorKind::NotAnOffset { found: n.to_string() }))
            } else if n.as_i64().is_some() || n.as_f64().is_some_and(|f| f < 0.0) {
                Err(err(path, ErrorKind::NegativeOffset { found: n.to_string() }))
            } else {
                Err(err(path, ErrorKind::NotAnOffset { found: n.to_string() }))
            }
        }
        _ => Err(err(path, ErrorKind::WrongType { expected: "a whole number (an offset in characters)".into() })),
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn validate(raw: RawFile) -> Result<V1File, FormatError> {
    // Labels.
    let mut ids = HashSet::new();
    let mut keys = HashSet::new();
    for (i, l) in raw.labels.iter().enumerate() {
        let p = |f: &str| format!("labels[{i}].{f}");
        if l.id.trim().is_empty() {
            return Err(err(p("id"), ErrorKind::BadLabel { why: "a label id cannot be empty".into() }));
        }
        if !is_hex_colour(&l.color) {
            return Err(err(p("color"), ErrorKind::BadLabel { why: format!("the colour {:?} is not of the form #rrggbb", short(&l.color)) }));
        }
        if l.key.chars().count() != 1 {
            return Err(err(p("key"), ErrorKind::BadLabel { why: format!("the key {:?} must be one character", short(&l.key)) }));
        }
        if !ids.insert(l.id.as_str()) {
            return Err(err(p("id"), ErrorKind::DuplicateLabel { value: l.id.clone() }));
        }
        if !keys.insert(l.key.as_str()) {
            return Err(err(p("key"), ErrorKind::DuplicateLabel { value: l.key.clone() }));
        }
    }
    // Document.
    if raw.document.text.contains('\r') {
        return Err(err("document.text", ErrorKind::CarriageReturn));
    }
    if raw.document.id != content_id(&raw.document.text) {
        return Err(err("document.id", ErrorKind::DocumentIdMismatch));
    }
    let document = Document::new(&raw.document.title, &raw.document.text);
    let len = document.len_chars();
    // Annotations.
    let mut seen_ids = HashSet::new();
    let mut seen_spans = HashSet::new();
    let mut annotations = Vec::with_capacity(raw.annotations.len());
    for (i, a) in raw.annotations.into_iter().enumerate() {
        let p = |f: &str| format!("annotations[{i}].{f}");
        if a.id.is_empty() {
            return Err(err(p("id"), ErrorKind::EmptyId));
        }
        let start = offset(&a.start, &p("start"))?;
        let end = offset(&a.end, &p("end"))?;
        if start > len {
            return Err(err(p("start"), ErrorKind::OutOfRange { offset: start, len }));
        }
        if end > len {
            return Err(err(p("end"), ErrorKind::OutOfRange { offset: end, len }));
        }
        if end < start {
            return Err(err(p("end"), ErrorKind::Reversed { start, end }));
        }
        if end == start {
            return Err(err(p("end"), ErrorKind::EmptySpan));
        }
        if !ids.contains(a.label.as_str()) {
            return Err(err(p("label"), ErrorKind::UnknownLabel { label: a.label }));
        }
        let actual = document.slice(start, end).unwrap_or_default();
        if actual != a.quote {
            return Err(err(p("quote"), ErrorKind::QuoteMismatch { expected: actual.to_owned(), found: a.quote }));
        }
        let created = Timestamp::parse(&a.created).ok_or_else(|| err(p("created"), ErrorKind::BadTimestamp { found: a.created.clone() }))?;
        let modified = Timestamp::parse(&a.modified).ok_or_else(|| err(p("modified"), ErrorKind::BadTimestamp { found: a.modified.clone() }))?;
        if !seen_ids.insert(a.id.clone()) {
            return Err(err(p("id"), ErrorKind::DuplicateId { id: a.id }));
        }
        if !seen_spans.insert((start, end, a.label.clone())) {
            return Err(err(format!("annotations[{i}]"), ErrorKind::DuplicateSpan));
        }
        annotations.push(Annotation { id: a.id, start, end, label: a.label, quote: a.quote, note: a.note, created, modified });
    }
    Ok(V1File { document, labels: LabelSet(raw.labels), annotations })
}
