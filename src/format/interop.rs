//! What the interoperability formats share: the [`Snapshot`] an exporter
//! reads, the [`Plan`] an importer returns, its [`InteropError`], and
//! [`sniff`], which recognises a format by content.
//!
//! Every format lives in one file of `src/format/` (`w3c`, `hypothesis`,
//! `brat`, `csv`, `jsonl`) with `export(&Snapshot) -> Vec<u8>` (except
//! Hypothesis, read only) and `import(bytes, current) -> Result<Plan, _>`.
//! Exports are deterministic (same state, same bytes). Imports validate the
//! whole input before returning anything and never panic; an error names
//! the format, the place (`line 3`, `rows[2].target[0]`, `row 5`,
//! `NAME.ann line 7`) and the problem.
//!
//! Offsets are Unicode code points everywhere; W3C and Hypothesis positions
//! refer to the page they were made on, so they come back only as hints
//! ([`Foreign::positions_refer_to_this_text`] is false) for the anchoring
//! engine, together with the quote and its context.
//!
//! Bundle cost, measured 2026-12-01 on a probe `cdylib` (wasm32, opt-level
//! "z", LTO, wasm-bindgen 0.2.130, `wasm-opt -Oz`, gzip -9) that calls each
//! module, against one that calls only `v1`: all five formats and `sniff`
//! +41.0 KB gzip (+95 KB raw); alone, each with the shared code here: W3C
//! +10.8 KB, brat +19.6 KB (of which inflating deflated zips, `miniz_oxide`,
//! 5.7 KB), CSV +7.4 KB, JSONL +8.9 KB, Hypothesis +6.2 KB, `sniff` +2.5 KB.

use std::fmt;

use crate::core::{Annotation, Document, LabelSet, Timestamp};

/// Largest input any importer reads, in bytes (as for v1); checked first.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// What an exporter reads: the current document and its annotations.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot<'a> {
    /// The document (title, text, content id).
    pub doc: &'a Document,
    /// Where the article came from, when known (the W3C target's source).
    pub source_url: Option<&'a str>,
    /// Its labels.
    pub labels: &'a LabelSet,
    /// Its annotations (any order: exporters sort them into document order).
    pub annotations: &'a [Annotation],
    /// Surligneur's version, `env!("CARGO_PKG_VERSION")` (W3C `generator`).
    pub generator_version: &'a str,
}

impl Snapshot<'_> {
    /// The annotations in document order ([`Annotation::order_key`]).
    pub fn sorted(&self) -> Vec<&Annotation> {
        let mut v: Vec<&Annotation> = self.annotations.iter().collect();
        v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        v
    }
}

/// A file format, as recognised by [`sniff`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Surligneur's own JSON (`format::v1`, or a stored value).
    Surligneur,
    /// W3C Web Annotation JSON-LD (annotation, list, collection or page;
    /// text-annotator's output too).
    W3c,
    /// Hypothesis API JSON (`{"rows": […]}`, or the client's export).
    Hypothesis,
    /// brat standoff: a zip with `NAME.txt` and `NAME.ann`, or a `.ann`.
    Brat,
    /// CSV, one row per annotation.
    Csv,
    /// JSONL in doccano's shape, one document per line.
    Jsonl,
    /// None of these.
    Unknown,
}

impl Format {
    /// The format's name in messages ("W3C Web Annotation").
    pub fn name(self) -> &'static str {
        match self {
            Format::Surligneur => "Surligneur JSON",
            Format::W3c => "W3C Web Annotation",
            Format::Hypothesis => "Hypothesis JSON",
            Format::Brat => "brat standoff",
            Format::Csv => "CSV",
            Format::Jsonl => "JSONL (doccano)",
            Format::Unknown => "unrecognised file",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An annotation read from a foreign file, before it is placed on our text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Foreign {
    /// Its id in the file, if it has one (`urn:uuid:` stripped).
    pub id: Option<String>,
    /// The tag: a label id, or a new label's name (see [`Plan`]).
    pub label: String,
    /// The note (may be empty).
    pub note: String,
    /// First code point, if the format gives positions.
    pub start: Option<usize>,
    /// One past the last code point.
    pub end: Option<usize>,
    /// The exact text covered, if the format gives it.
    pub quote: Option<String>,
    /// Text just before it, if given.
    pub prefix: Option<String>,
    /// Text just after it, if given.
    pub suffix: Option<String>,
    /// True when `start`/`end` are checked offsets into the text this plan
    /// is for (brat, CSV, JSONL); false when they are hints from the page
    /// the annotation was made on (W3C, Hypothesis), to anchor by quote.
    pub positions_refer_to_this_text: bool,
    /// When it was made, if given.
    pub created: Option<Timestamp>,
    /// When it last changed, if given.
    pub modified: Option<Timestamp>,
    /// Columns (CSV) this reader does not interpret, `(header, cell)` in
    /// column order: room for fields added later (a claim's speaker, a
    /// verdict). Empty cells are left out. See [`Foreign::extra`].
    pub extra: Vec<(String, String)>,
}

impl Foreign {
    /// The cell of the extra column `name` (lower case), if not empty.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What an import would do, once the user agrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Annotations to bring onto the current document (after placing them:
    /// by quote for W3C/Hypothesis, as checked offsets otherwise).
    Onto {
        /// The format read.
        format: Format,
        /// The annotations, in file order.
        annotations: Vec<Foreign>,
        /// Labels the annotations use that are not among the default
        /// labels, first-seen order; [`Plan::missing_labels`] gives those
        /// missing from a particular label set.
        new_labels: Vec<String>,
    },
    /// Whole documents to open (a brat zip with its text, JSONL lines).
    Documents {
        /// The format read.
        format: Format,
        /// `(title, text, annotations)` per document; the annotations'
        /// offsets are checked against that text.
        docs: Vec<(String, String, Vec<Foreign>)>,
    },
}

impl Plan {
    /// An `Onto` plan, with `new_labels` worked out against the defaults.
    pub fn onto(format: Format, annotations: Vec<Foreign>) -> Plan {
        let new_labels = distinct_labels(&annotations, &LabelSet::default());
        Plan::Onto {
            format,
            annotations,
            new_labels,
        }
    }

    /// The format read.
    pub fn format(&self) -> Format {
        match self {
            Plan::Onto { format, .. } | Plan::Documents { format, .. } => *format,
        }
    }

    /// Every annotation of the plan, whichever document it is for.
    pub fn annotations(&self) -> Box<dyn Iterator<Item = &Foreign> + '_> {
        match self {
            Plan::Onto { annotations, .. } => Box::new(annotations.iter()),
            Plan::Documents { docs, .. } => Box::new(docs.iter().flat_map(|d| d.2.iter())),
        }
    }

    /// Labels used by the plan's annotations that `labels` does not define
    /// (by id), in first-seen order: the new labels to offer the user.
    pub fn missing_labels(&self, labels: &LabelSet) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in self.annotations() {
            if !labels.contains(&a.label) && !out.contains(&a.label) {
                out.push(a.label.clone());
            }
        }
        out
    }

    /// Map each tag that names a label of `labels` (its name, or its id,
    /// ignoring ASCII case: `Person`, `PERSON`) to that label's id, so that only
    /// truly new tags remain in [`Plan::missing_labels`]; `new_labels` is
    /// recomputed against `labels`.
    pub fn resolve_labels(&mut self, labels: &LabelSet) {
        let resolve = |a: &mut Foreign| {
            if labels.contains(&a.label) {
                return;
            }
            let t = a.label.trim();
            if let Some(l) = labels
                .iter()
                .find(|l| l.id.eq_ignore_ascii_case(t) || l.name.eq_ignore_ascii_case(t))
            {
                a.label = l.id.clone();
            }
        };
        match self {
            Plan::Onto {
                annotations,
                new_labels,
                ..
            } => {
                annotations.iter_mut().for_each(resolve);
                *new_labels = distinct_labels(annotations, labels);
            }
            Plan::Documents { docs, .. } => {
                docs.iter_mut()
                    .for_each(|d| d.2.iter_mut().for_each(resolve));
            }
        }
    }
}

fn distinct_labels(annotations: &[Foreign], known: &LabelSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in annotations {
        if !known.contains(&a.label) && !out.contains(&a.label) {
            out.push(a.label.clone());
        }
    }
    out
}

/// Why an import was refused: the format recognised, where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteropError {
    /// The format the input was recognised (or read) as.
    pub format: Format,
    /// Where: `line 3`, `rows[2].target[0]`, `row 5`, `NAME.ann line 7`;
    /// empty for the whole input.
    pub place: String,
    /// What is wrong, one plain sentence without final full stop.
    pub problem: String,
}

impl InteropError {
    /// An error at `place`.
    pub fn new(format: Format, place: impl Into<String>, problem: impl Into<String>) -> Self {
        InteropError {
            format,
            place: place.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for InteropError {
    /// `brat standoff, NAME.ann line 7: offsets 120..130 are outside the
    /// text (98 characters)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.format, self.problem)
        } else {
            write!(f, "{}, {}: {}", self.format, self.place, self.problem)
        }
    }
}

impl std::error::Error for InteropError {}

/// The checks every importer starts with: size, then UTF-8 (a leading BOM
/// dropped). Returns the text.
pub(crate) fn text_input(format: Format, bytes: &[u8]) -> Result<&str, InteropError> {
    if bytes.len() > MAX_BYTES {
        return Err(InteropError::new(
            format,
            "",
            format!(
                "the file is {} MB, more than the {} MB limit",
                bytes.len().div_ceil(1024 * 1024),
                MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InteropError::new(
            format,
            format!("byte {}", e.valid_up_to()),
            "the file is not UTF-8 text",
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Parse JSON text, or say where it breaks.
pub(crate) fn json_input(format: Format, bytes: &[u8]) -> Result<serde_json::Value, InteropError> {
    let text = text_input(format, bytes)?;
    if text.trim().is_empty() {
        return Err(InteropError::new(format, "", "the file is empty"));
    }
    serde_json::from_str(text).map_err(|e| json_error(format, "", &e))
}

/// A serde_json syntax error as an [`InteropError`] (`line 3, column 7`).
pub(crate) fn json_error(format: Format, prefix: &str, e: &serde_json::Error) -> InteropError {
    let msg = e.to_string();
    let problem = if msg.starts_with("recursion limit exceeded") {
        "the JSON nests too deeply".to_owned()
    } else if e.is_eof() {
        "the JSON stops in the middle (is the file complete?)".to_owned()
    } else {
        // serde_json's message without its own " at line L column C".
        let core = msg.split(" at line ").next().unwrap_or(&msg);
        format!("not valid JSON ({core})")
    };
    let place = format!("{prefix}line {}, column {}", e.line(), e.column());
    InteropError::new(format, place, problem)
}

/// `path.key`, or `key` at the root.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `1 character`, `98 characters`.
pub(crate) fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}

/// A short quotation of `s` for a message: at most 40 characters, in
/// double quotes, control characters escaped.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where `hint` puts `quote` in `doc`, in code points: read as code
/// points, else as UTF-16 units (which text-annotator writes). `None` when
/// the quote is not there either way.
pub(crate) fn at_hint(doc: &Document, quote: &str, hint: (usize, usize)) -> Option<(usize, usize)> {
    let (s, e) = hint;
    if doc.slice(s, e) == Some(quote) {
        return Some((s, e));
    }
    let idx = doc.offsets();
    let (s, e) = (idx.utf16_to_char(s)?, idx.utf16_to_char(e)?);
    (doc.slice(s, e) == Some(quote)).then_some((s, e))
}

/// Runs of whitespace (NBSP too) made one space.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// Whether a quote occurs in a text once runs of whitespace (NBSP too)
/// are made one space on both sides: a quote copied from a page whose
/// layout differs. The squashed text is made once, on the first call.
#[derive(Default)]
pub(crate) struct Loose {
    text: Option<String>,
}

impl Loose {
    pub(crate) fn occurs(&mut self, text: &str, quote: &str) -> bool {
        let q = squash(quote);
        let q = q.trim();
        !q.is_empty() && self.text.get_or_insert_with(|| squash(text)).contains(q)
    }
}

/// Recognise a format by content. `name` (the file name) only breaks a
/// tie: a `.ann` file with no line brat would recognise (an empty one) is
/// brat. Cheap checks first; JSON is parsed once to look at its shape.
pub fn sniff(name: &str, bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Brat;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Format::Unknown;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return sniff_json(text);
    }
    let first = text.lines().next().unwrap_or("");
    if crate::format::csv::looks_like_header(first) {
        return Format::Csv;
    }
    if crate::format::brat::looks_like_ann(text) {
        return Format::Brat;
    }
    if name.to_ascii_lowercase().ends_with(".ann") {
        return Format::Brat;
    }
    Format::Unknown
}

/// Inputs above this size are sniffed by their head only.
const SNIFF_PARSE_LIMIT: usize = 1024 * 1024;

/// A large JSON input by the first of its telling keys in the first
/// 64 KB (each format puts them early): parsing 20 MB to choose a reader
/// would cost as much as reading it.
fn sniff_json_head(text: &str) -> Format {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end).unwrap_or("");
    let at = |needles: &[&str]| needles.iter().filter_map(|n| head.find(n)).min();
    let candidates = [
        (at(&["\"surligneur"]), Format::Surligneur),
        (at(&["\"rows\"", "\"export_date\""]), Format::Hypothesis),
        (
            at(&["w3.org/ns/anno", "\"Annotation", "\"selector\""]),
            Format::W3c,
        ),
    ];
    if let Some((_, f)) = candidates
        .iter()
        .filter_map(|(p, f)| p.map(|p| (p, *f)))
        .min_by_key(|(p, _)| *p)
    {
        return f;
    }
    let first = text.lines().next().unwrap_or("");
    match serde_json::from_str::<serde_json::Value>(first) {
        Ok(v) if v.get("text").is_some_and(serde_json::Value::is_string) => Format::Jsonl,
        _ => Format::Unknown,
    }
}

fn sniff_json(text: &str) -> Format {
    use serde_json::Value;
    if text.len() > SNIFF_PARSE_LIMIT {
        return sniff_json_head(text);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v) => json_shape(&v),
        // Not one JSON value: several lines, each an object (JSONL)?
        Err(_) => {
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            match serde_json::from_str::<Value>(first) {
                Ok(v) if v.get("text").is_some_and(Value::is_string) => Format::Jsonl,
                Ok(v) => match json_shape(&v) {
                    Format::Unknown => Format::Unknown,
                    // A broken file of a known shape: let its reader say where.
                    f => f,
                },
                Err(_) => {
                    // Truncated or broken JSON: guess by its keys so that the
                    // right reader reports the syntax error.
                    if text.contains("\"surligneur") {
                        Format::Surligneur
                    } else if text.contains("\"rows\"") {
                        Format::Hypothesis
                    } else if text.contains("w3.org/ns/anno")
                        || text.contains("\"selector\"")
                        || text.contains("\"Annotation")
                    {
                        Format::W3c
                    } else {
                        Format::Unknown
                    }
                }
            }
        }
    }
}

/// The format of one parsed JSON value.
pub(crate) fn json_shape(v: &serde_json::Value) -> Format {
    use serde_json::Value;
    let fmt = v.get("format").and_then(Value::as_str);
    if matches!(fmt, Some("surligneur" | "surligneur-store")) {
        return Format::Surligneur;
    }
    if crate::format::hypothesis::looks_like(v) {
        return Format::Hypothesis;
    }
    if crate::format::w3c::looks_like(v) {
        return Format::W3c;
    }
    if v.get("text").is_some_and(Value::is_string) {
        return Format::Jsonl;
    }
    Format::Unknown
}

/// Read `bytes` as `format` (one of the interoperability formats) onto
/// `current`: a dispatcher for [`sniff`]'s answer. Surligneur's own files
/// are read by `format::v1`; for them and for unknown input this says so.
pub fn import(
    format: Format,
    bytes: &[u8],
    current: Option<&Document>,
) -> Result<Plan, InteropError> {
    use crate::format::{brat, csv, hypothesis, jsonl, w3c};
    match format {
        Format::W3c => w3c::import(bytes, current),
        Format::Hypothesis => hypothesis::import(bytes, current),
        Format::Brat => brat::import(bytes, current),
        Format::Csv => csv::import(bytes, current),
        Format::Jsonl => jsonl::import(bytes, current),
        Format::Surligneur => Err(InteropError::new(
            format,
            "",
            "a Surligneur file is read by the Surligneur importer",
        )),
        Format::Unknown => Err(InteropError::new(
            format,
            "",
            "not a format Surligneur reads (W3C Web Annotation, Hypothesis, brat, CSV, JSONL or Surligneur JSON)",
        )),
    }
}
