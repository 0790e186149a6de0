//! W3C Web Annotation (JSON-LD, `.jsonld`).
//!
//! **Export**: one `AnnotationCollection` with its `AnnotationPage`
//! embedded (`first.items`), `@context` `http://www.w3.org/ns/anno.jsonld`
//! (once, at the top: the items are embedded nodes). Each annotation has
//! an IRI id (`urn:uuid:…`: the annotation's own id when it is a UUID, else
//! a name-based UUID derived from the document and annotation ids),
//! `created`/`modified` in UTC, a `generator` (Surligneur and its version),
//! a `body` list with a `TextualBody` of purpose `tagging` whose value is
//! the label id, and the note (if any) as a second `TextualBody` of purpose
//! `commenting`, and one `target` whose `source` is the document's IRI (its
//! URL when known, else `urn:sha256:<text hash>`) with both a
//! `TextQuoteSelector` (`exact`, and `prefix`/`suffix` of up to 32 code
//! points when not empty) and a `TextPositionSelector` (`start`/`end` in code
//! points, §4.2.5). Checked against the Working Group's own schemas in
//! `tests/format_w3c.rs`.
//!
//! **Import** ([`import`]): one annotation, a list, a page or a collection
//! with embedded pages (text-annotator's output too). Each annotation needs
//! a target with a `TextQuoteSelector`; a `TextPositionSelector` is kept as a
//! hint (its numbers refer to the page the annotation was made on, and
//! text-annotator counts them in UTF-16). Each `tagging` body becomes an
//! annotation with that tag (one annotation with three tags gives three);
//! an annotation without a tag gets the label [`UNTAGGED`]. Notes come from
//! `commenting` (or purpose-less) `TextualBody`s and `bodyValue`, joined by a
//! blank line.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::interop::{
    at_hint, join, json_input, quoted, Foreign, Format, InteropError, Loose, Plan, Snapshot,
};
use crate::core::{Annotation, Document, Timestamp};

/// The JSON-LD context of the Web Annotation vocabulary.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Code points of context written in `prefix` and `suffix`.
pub const CONTEXT_CHARS: usize = 32;
/// The label given to an imported annotation without a `tagging` body.
pub const UNTAGGED: &str = "untagged";
/// Most pages followed through embedded `next` links.
const MAX_PAGES: usize = 10_000;

const F: Format = Format::W3c;

// ----- writing -------------------------------------------------------------

/// The document's IRI: its URL when known, else `urn:sha256:<text hash>`.
pub fn source_iri(s: &Snapshot) -> String {
    match s.source_url {
        Some(u) if !u.trim().is_empty() => u.trim().to_owned(),
        _ => format!("urn:sha256:{}", s.doc.id()),
    }
}

/// `urn:uuid:<id>` when `id` is a UUID, else a name-based UUID (version 8,
/// from SHA-256 of the document id and `id`), so that ids from older files
/// still become valid, stable IRIs.
pub fn annotation_iri(doc_id: &str, id: &str) -> String {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if id.len() == 36 => format!("urn:uuid:{}", u.hyphenated()),
        _ => format!("urn:uuid:{}", derived_uuid(&[doc_id, "\u{0}", id])),
    }
}

fn derived_uuid(parts: &[&str]) -> uuid::Uuid {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8 (custom)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    uuid::Uuid::from_bytes(b)
}

/// Up to `n` code points of `doc` before `start` and after `end`.
pub(crate) fn context(doc: &Document, start: usize, end: usize, n: usize) -> (&str, &str) {
    let before = doc.slice(start.saturating_sub(n), start).unwrap_or("");
    let after = doc
        .slice(end, end.saturating_add(n).min(doc.len_chars()))
        .unwrap_or("");
    (before, after)
}

/// A JSON string literal (serde_json's escaping).
fn string(out: &mut String, s: &str) {
    // Writing a string into a String cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// `"key":"value"`, preceded by a comma unless first.
fn field(out: &mut String, first: bool, key: &str, value: &str) {
    if !first {
        out.push(',');
    }
    string(out, key);
    out.push(':');
    string(out, value);
}

/// One annotation on one line (keys in reading order: id, type, dates,
/// generator, body, target).
fn annotation_line(
    out: &mut String,
    s: &Snapshot,
    source: &str,
    generator: &str,
    a: &Annotation,
    units: Units,
) {
    let (prefix, suffix) = context(s.doc, a.start, a.end, CONTEXT_CHARS);
    out.push('{');
    field(out, true, "id", &annotation_iri(s.doc.id(), &a.id));
    field(out, false, "type", "Annotation");
    field(out, false, "created", &a.created.to_rfc3339());
    field(out, false, "modified", &a.modified.to_rfc3339());
    out.push_str(",\"generator\":{\"type\":\"Software\",");
    field(out, true, "name", generator);
    out.push_str("},\"body\":[{\"type\":\"TextualBody\",\"purpose\":\"tagging\",");
    field(out, true, "value", &a.label);
    out.push('}');
    if !a.note.is_empty() {
        out.push_str(",{\"type\":\"TextualBody\",\"purpose\":\"commenting\",");
        field(out, true, "value", &a.note);
        out.push('}');
    }
    out.push_str("],\"target\":{");
    field(out, true, "source", source);
    out.push_str(",\"selector\":[{\"type\":\"TextQuoteSelector\",");
    field(out, true, "exact", &a.quote);
    if !prefix.is_empty() {
        field(out, false, "prefix", prefix);
    }
    if !suffix.is_empty() {
        field(out, false, "suffix", suffix);
    }
    let (start, end) = match units {
        Units::CodePoints => (a.start, a.end),
        Units::Utf16 => {
            let u = |c: usize| s.doc.offsets().char_to_utf16(c).unwrap_or(c);
            (u(a.start), u(a.end))
        }
    };
    out.push_str(&format!(
        "}},{{\"type\":\"TextPositionSelector\",\"start\":{start},\"end\":{end}}}]}}}}"
    ));
}

/// The `.jsonld` file: the collection and its page laid out on lines, each
/// annotation on one line (compact: an XL document's 20,000 annotations
/// stay well under the import size limit), annotations in document order,
/// a final newline. Written by hand in a fixed key order (no intermediate
/// JSON tree: five times faster). Deterministic.
pub fn export(s: &Snapshot) -> Vec<u8> {
    export_in(s, Units::CodePoints)
}

/// What `TextPositionSelector` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// Unicode code points, as the W3C model requires (§4.2.5).
    CodePoints,
    /// UTF-16 code units, as @recogito/text-annotator reads them (it does
    /// not re-anchor by quote, so code points would shift its highlights
    /// after each emoji or other character outside the BMP).
    Utf16,
}

/// The same file with positions in `units` ([`export`] is
/// `Units::CodePoints`); only for a reader known to count UTF-16.
pub fn export_in(s: &Snapshot, units: Units) -> Vec<u8> {
    let source = source_iri(s);
    let generator = format!("Surligneur {}", s.generator_version);
    let sorted = s.sorted();
    let mut out = String::with_capacity(600 * sorted.len() + 512);
    out.push_str("{\n  ");
    field(&mut out, true, "@context", CONTEXT);
    out.push_str(",\n  ");
    let coll = format!(
        "urn:uuid:{}",
        derived_uuid(&["collection\u{0}", s.doc.id()])
    );
    field(&mut out, true, "id", &coll);
    out.push_str(",\n  \"type\":\"AnnotationCollection\",\n  ");
    field(&mut out, true, "label", s.doc.title());
    out.push_str(&format!(
        ",\n  \"total\":{},\n  \"first\":{{\n    ",
        sorted.len()
    ));
    let page = format!("urn:uuid:{}", derived_uuid(&["page\u{0}", s.doc.id()]));
    field(&mut out, true, "id", &page);
    out.push_str(",\n    \"type\":\"AnnotationPage\",\n    \"startIndex\":0,\n    \"items\":[");
    for (i, a) in sorted.into_iter().enumerate() {
        out.push_str(if i == 0 { "\n      " } else { ",\n      " });
        annotation_line(&mut out, s, &source, &generator, a, units);
    }
    out.push_str("\n    ]\n  }\n}\n");
    out.into_bytes()
}

/// The collection as a JSON value (what [`export`] writes).
pub fn to_value(s: &Snapshot) -> Value {
    serde_json::from_slice(&export(s)).unwrap_or(Value::Null)
}

// ----- reading -------------------------------------------------------------

fn has_type(v: &Value, name: &str) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(name)),
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

fn has_selector_target(v: &Value) -> bool {
    match v.get("target") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t.get("selector").is_some()),
        Some(t) => t.get("selector").is_some(),
        None => false,
    }
}

/// Whether a JSON value looks like W3C annotations (for `sniff`).
pub fn looks_like(v: &Value) -> bool {
    let one = |v: &Value| {
        has_anno_context(v)
            || has_type(v, "Annotation")
            || has_type(v, "AnnotationCollection")
            || has_type(v, "AnnotationPage")
            || has_selector_target(v)
    };
    match v {
        Value::Array(items) => items.iter().any(one),
        v => one(v),
    }
}

/// The annotations of the input with their JSON paths.
fn items(root: &Value) -> Result<Vec<(String, &Value)>, InteropError> {
    let mut out = Vec::new();
    match root {
        Value::Array(list) => {
            for (i, a) in list.iter().enumerate() {
                out.push((format!("[{i}]"), a));
            }
        }
        Value::Object(_) if has_type(root, "AnnotationCollection") => match root.get("first") {
            None => {
                if root.get("total").and_then(Value::as_u64).unwrap_or(0) > 0 {
                    return Err(InteropError::new(
                        F,
                        "first",
                        "the collection has no embedded page (no \"first\")",
                    ));
                }
            }
            Some(Value::String(iri)) => {
                return Err(InteropError::new(
                    F,
                    "first",
                    format!(
                    "the collection's page is only a link ({}), not embedded: save the page itself",
                    quoted(iri)
                ),
                ))
            }
            Some(page) => pages(page, "first", &mut out)?,
        },
        Value::Object(_) if has_type(root, "AnnotationPage") => pages(root, "", &mut out)?,
        Value::Object(_) => out.push((String::new(), root)),
        _ => {
            return Err(InteropError::new(
                F,
                "",
                "expected an annotation, a list of annotations, a page or a collection",
            ))
        }
    }
    Ok(out)
}

fn pages<'a>(
    mut page: &'a Value,
    path: &str,
    out: &mut Vec<(String, &'a Value)>,
) -> Result<(), InteropError> {
    let mut path = path.to_owned();
    for _ in 0..MAX_PAGES {
        let at = |k: &str| join(&path, k);
        match page.get("items") {
            Some(Value::Array(list)) => {
                for (i, a) in list.iter().enumerate() {
                    out.push((format!("{}[{i}]", at("items")), a));
                }
            }
            Some(_) => return Err(InteropError::new(F, at("items"), "\"items\" is not a list")),
            None => {
                return Err(InteropError::new(
                    F,
                    path.clone(),
                    "the page has no \"items\"",
                ))
            }
        }
        match page.get("next") {
            Some(next @ Value::Object(_)) => {
                path = at("next");
                page = next;
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(list) => list.iter().collect(),
        v => vec![v],
    }
}

fn string_at<'a>(v: &'a Value, key: &str, path: &str) -> Result<Option<&'a str>, InteropError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(InteropError::new(
            F,
            join(path, key),
            format!("\"{key}\" is not text"),
        )),
    }
}

pub(crate) fn date(
    format: Format,
    v: &Value,
    key: &str,
    path: &str,
) -> Result<Option<Timestamp>, InteropError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Timestamp::parse(s).map(Some).ok_or_else(|| {
            InteropError::new(
                format,
                join(path, key),
                format!("{} is not a date such as 2013-11-29T10:00:00Z", quoted(s)),
            )
        }),
        Some(_) => Err(InteropError::new(
            format,
            join(path, key),
            "the date is not text",
        )),
    }
}

pub(crate) fn position(
    format: Format,
    sel: &Value,
    path: &str,
) -> Result<Option<(usize, usize)>, InteropError> {
    let num = |k: &str| -> Result<usize, InteropError> {
        sel.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                InteropError::new(
                    format,
                    join(path, k),
                    format!("the position's \"{k}\" is not a whole number ≥ 0"),
                )
            })
    };
    let (s, e) = (num("start")?, num("end")?);
    if s >= e {
        return Err(InteropError::new(
            format,
            path,
            format!("the position {s}..{e} is empty or reversed"),
        ));
    }
    Ok(Some((s, e)))
}

/// Quote selector fields (exact, prefix, suffix) and the position hint of
/// one target, if it has a quote selector.
pub(crate) struct Located {
    pub exact: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub hint: Option<(usize, usize)>,
}

/// The first quote selector (and position selector) among `selectors`
/// (an object or a list). `Ok(None)` when there is no quote selector.
pub(crate) fn selectors(
    format: Format,
    selectors: &Value,
    path: &str,
) -> Result<Option<Located>, InteropError> {
    let list = one_or_many(selectors);
    let many = matches!(selectors, Value::Array(_));
    let mut found: Option<Located> = None;
    let mut hint = None;
    for (j, sel) in list.into_iter().enumerate() {
        let sp = if many {
            format!("{path}[{j}]")
        } else {
            path.to_owned()
        };
        if has_type(sel, "TextQuoteSelector") && found.is_none() {
            let text = |k: &str| match sel.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(InteropError::new(
                    format,
                    format!("{sp}.{k}"),
                    format!("\"{k}\" is not text"),
                )),
            };
            let exact = text("exact")?.unwrap_or_default();
            if exact.is_empty() {
                return Err(InteropError::new(
                    format,
                    format!("{sp}.exact"),
                    "the quote selector has no \"exact\" text",
                ));
            }
            found = Some(Located {
                exact,
                prefix: text("prefix")?,
                suffix: text("suffix")?,
                hint: None,
            });
        } else if has_type(sel, "TextPositionSelector") && hint.is_none() {
            hint = position(format, sel, &sp)?;
        }
    }
    Ok(found.map(|mut l| {
        l.hint = hint;
        l
    }))
}

/// Check that a quote read from a foreign page occurs in `doc` (exactly,
/// or with whitespace laid out differently); returns the hint to keep: the
/// place found when the hint pointed at it (possibly converted from
/// UTF-16), else the hint as given.
pub(crate) fn check_quote(
    format: Format,
    doc: &Document,
    loc: &Located,
    path: &str,
    loose: &mut Loose,
) -> Result<Option<(usize, usize)>, InteropError> {
    if let Some(at) = loc.hint.and_then(|h| at_hint(doc, &loc.exact, h)) {
        return Ok(Some(at));
    }
    if doc.text().contains(loc.exact.as_str()) || loose.occurs(doc.text(), &loc.exact) {
        return Ok(loc.hint);
    }
    Err(InteropError::new(
        format,
        path,
        format!(
            "the quote {} is nowhere in the current text: these annotations were made on another text",
            quoted(&loc.exact)
        ),
    ))
}

struct Bodies {
    tags: Vec<String>,
    notes: Vec<String>,
}

fn bodies(a: &Value, path: &str) -> Result<Bodies, InteropError> {
    let mut out = Bodies {
        tags: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(v) = string_at(a, "bodyValue", path)? {
        if !v.trim().is_empty() {
            out.notes.push(v.to_owned());
        }
    }
    let Some(body) = a.get("body") else {
        return Ok(out);
    };
    let many = matches!(body, Value::Array(_));
    for (j, b) in one_or_many(body).into_iter().enumerate() {
        let bp = if many {
            join(path, &format!("body[{j}]"))
        } else {
            join(path, "body")
        };
        // A body given as an IRI (a link) carries no text for us.
        let Value::Object(_) = b else { continue };
        let textual = has_type(b, "TextualBody") || b.get("value").is_some();
        if !textual {
            continue;
        }
        let value = string_at(b, "value", &bp)?.unwrap_or("");
        let purposes: Vec<&str> = match b.get("purpose") {
            Some(p) => one_or_many(p)
                .into_iter()
                .filter_map(Value::as_str)
                .collect(),
            None => Vec::new(),
        };
        if purposes.contains(&"tagging") {
            let tag = value.trim();
            if tag.is_empty() {
                return Err(InteropError::new(
                    F,
                    format!("{bp}.value"),
                    "the tag is empty",
                ));
            }
            if !out.tags.iter().any(|t| t == tag) {
                out.tags.push(tag.to_owned());
            }
        } else if !value.trim().is_empty() {
            out.notes.push(value.to_owned());
        }
    }
    Ok(out)
}

/// Read W3C annotations onto `current` (see the module documentation).
/// With `current`, every quote must occur in its text.
pub fn import(bytes: &[u8], current: Option<&Document>) -> Result<Plan, InteropError> {
    let root = json_input(F, bytes)?;
    let list = items(&root)?;
    let mut out = Vec::new();
    let mut loose = Loose::default();
    for (path, a) in list {
        let here = |p: &str| join(&path, p);
        let Value::Object(_) = a else {
            return Err(InteropError::new(
                F,
                path,
                "the annotation is not an object (a link?)",
            ));
        };
        let id =
            string_at(a, "id", &path)?.map(|s| s.strip_prefix("urn:uuid:").unwrap_or(s).to_owned());
        let Some(target) = a.get("target") else {
            return Err(InteropError::new(
                F,
                path,
                "the annotation has no \"target\"",
            ));
        };
        let many = matches!(target, Value::Array(_));
        let mut located = None;
        for (k, t) in one_or_many(target).into_iter().enumerate() {
            let tp = if many {
                here(&format!("target[{k}]"))
            } else {
                here("target")
            };
            if let Some(sel) = t.get("selector") {
                if let Some(l) = selectors(F, sel, &format!("{tp}.selector"))? {
                    located = Some((tp, l));
                    break;
                }
            }
        }
        let Some((tp, mut loc)) = located else {
            return Err(InteropError::new(
                F,
                here("target"),
                "the target has no TextQuoteSelector, so it cannot be placed on this text",
            ));
        };
        if let Some(doc) = current {
            loc.hint = check_quote(F, doc, &loc, &tp, &mut loose)?;
        }
        let b = bodies(a, &path)?;
        let created = date(F, a, "created", &path)?;
        let modified = date(F, a, "modified", &path)?.or(created);
        let note = b.notes.join("\n\n");
        let tags = if b.tags.is_empty() {
            vec![UNTAGGED.to_owned()]
        } else {
            b.tags
        };
        for (n, tag) in tags.into_iter().enumerate() {
            out.push(Foreign {
                id: if n == 0 { id.clone() } else { None },
                label: tag,
                note: note.clone(),
                start: loc.hint.map(|h| h.0),
                end: loc.hint.map(|h| h.1),
                quote: Some(loc.exact.clone()),
                prefix: loc.prefix.clone(),
                suffix: loc.suffix.clone(),
                positions_refer_to_this_text: false,
                created,
                modified,
                extra: Default::default(),
            });
        }
    }
    Ok(Plan::onto(F, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_ids_are_kept_and_others_derived_stably() {
        let u = "3f0c2a4e-8a1b-4c2d-9e3f-0123456789ab";
        assert_eq!(annotation_iri("d", u), format!("urn:uuid:{u}"));
        let a = annotation_iri("d", "a0");
        assert_eq!(a, annotation_iri("d", "a0"));
        assert_ne!(a, annotation_iri("e", "a0"));
        assert!(uuid::Uuid::parse_str(a.trim_start_matches("urn:uuid:")).is_ok());
    }

    #[test]
    fn context_is_cut_at_the_text_ends() {
        let doc = Document::new("t", "ab😀cd");
        assert_eq!(context(&doc, 2, 3, 32), ("ab", "cd"));
        assert_eq!(context(&doc, 2, 3, 1), ("b", "c"));
        assert_eq!(context(&doc, 0, 5, 3), ("", ""));
    }
}
