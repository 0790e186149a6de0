//! JSONL for NLP pipelines, in doccano's shape: one JSON object per line,
//! one line per document:
//!
//! ```json
//! {"text": "…", "label": [[0, 14, "person"], …], "title": "…", "ids": ["…"], "notes": ["…"]}
//! ```
//!
//! `label` lists `[start, end, label]` in code points, in document order;
//! `ids` and `notes` (extra keys that doccano keeps and other readers
//! ignore) hold each annotation's id and note at the same index. An export
//! is the current document on one line, with a final newline.
//!
//! Import opens each line as a document (blank lines skipped); `label` may
//! also be doccano's `entities` (`{"start_offset", "end_offset", "label"}`).
//! Offsets are checked against the line's text (CR LF line ends in the text
//! become LF, and the offsets follow).

use serde_json::{json, Value};

use super::interop::{
    characters, json_error, text_input, Foreign, Format, InteropError, Plan, Snapshot,
};
use crate::core::document::{normalise_newlines, title_of};
use crate::core::offsets::OffsetIndex;
use crate::core::Document;

const F: Format = Format::Jsonl;

/// Most documents read from one file.
pub const MAX_DOCS: usize = 1_000;

/// The document as one JSON value (one line of the export).
pub fn to_value(s: &Snapshot) -> Value {
    let sorted = s.sorted();
    json!({
        "text": s.doc.text(),
        "label": sorted.iter().map(|a| json!([a.start, a.end, a.label])).collect::<Vec<_>>(),
        "title": s.doc.title(),
        "ids": sorted.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        "notes": sorted.iter().map(|a| a.note.as_str()).collect::<Vec<_>>(),
    })
}

/// One line with the current document, and a final newline. Deterministic.
pub fn export(s: &Snapshot) -> Vec<u8> {
    let mut out = serde_json::to_vec(&to_value(s)).unwrap_or_default();
    out.push(b'\n');
    out
}

fn strings(
    v: &Value,
    key: &str,
    n: usize,
    place: &str,
) -> Result<Vec<Option<String>>, InteropError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(vec![None; n]),
        Some(Value::Array(l)) => {
            if l.len() != n {
                return Err(InteropError::new(
                    F,
                    sub(place, key),
                    format!("{} {key} for {n} labels", l.len()),
                ));
            }
            l.iter()
                .enumerate()
                .map(|(i, x)| match x {
                    Value::String(s) => Ok(Some(s.clone())),
                    Value::Null => Ok(None),
                    _ => Err(InteropError::new(
                        F,
                        sub(place, &format!("{key}[{i}]")),
                        "not text",
                    )),
                })
                .collect()
        }
        Some(_) => Err(InteropError::new(F, sub(place, key), "not a list")),
    }
}

/// `line 3, label[2]` (a JSONL line), `[0].label[2]` (a JSON list).
fn sub(place: &str, path: &str) -> String {
    if place.is_empty() {
        path.to_owned()
    } else if place.starts_with('[') {
        format!("{place}.{path}")
    } else {
        format!("{place}, {path}")
    }
}

/// `(start, end, label)` of each span, with its path.
fn spans(v: &Value, place: &str) -> Result<Vec<(String, u64, u64, String)>, InteropError> {
    let bad = |path: String, what: &str| InteropError::new(F, path, what.to_owned());
    let num = |x: Option<&Value>, path: String| {
        x.and_then(Value::as_u64)
            .ok_or_else(|| bad(path, "not a whole number ≥ 0"))
    };
    let text = |x: Option<&Value>, path: String| {
        x.and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| bad(path, "the label is not a non-empty text"))
    };
    let mut out = Vec::new();
    match (v.get("label"), v.get("entities")) {
        (Some(Value::Array(l)), _) => {
            for (i, s) in l.iter().enumerate() {
                let p = sub(place, &format!("label[{i}]"));
                match s.as_array().map(Vec::as_slice) {
                    Some([a, b, c]) => out.push((
                        p.clone(),
                        num(Some(a), format!("{p}[0]"))?,
                        num(Some(b), format!("{p}[1]"))?,
                        text(Some(c), format!("{p}[2]"))?,
                    )),
                    _ => return Err(bad(p, "not [start, end, label]")),
                }
            }
        }
        (Some(Value::Null) | None, Some(Value::Array(l))) => {
            for (i, s) in l.iter().enumerate() {
                let p = sub(place, &format!("entities[{i}]"));
                out.push((
                    p.clone(),
                    num(s.get("start_offset"), format!("{p}.start_offset"))?,
                    num(s.get("end_offset"), format!("{p}.end_offset"))?,
                    text(s.get("label"), format!("{p}.label"))?,
                ));
            }
        }
        (Some(Value::Null) | None, None | Some(Value::Null)) => {}
        (Some(_), _) => return Err(bad(sub(place, "label"), "not a list")),
        (_, Some(_)) => return Err(bad(sub(place, "entities"), "not a list")),
    }
    Ok(out)
}

fn document(v: &Value, place: &str) -> Result<(String, String, Vec<Foreign>), InteropError> {
    let Value::Object(_) = v else {
        return Err(InteropError::new(F, place, "the line is not a JSON object"));
    };
    let raw = match v.get("text") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(InteropError::new(
                F,
                sub(place, "text"),
                "\"text\" is not text",
            ))
        }
        None => return Err(InteropError::new(F, place, "the line has no \"text\"")),
    };
    let text = normalise_newlines(raw);
    let title = match v.get("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        _ => title_of(&text),
    };
    let raw_index = OffsetIndex::new(raw);
    let raw_len = raw_index.len_chars();
    // Offsets count the raw text; each removed \r (of a \r\n) shifts them.
    let removed: Vec<usize> = if raw.contains('\r') {
        let mut r = Vec::new();
        let mut prev_cr = None;
        for (i, c) in raw.chars().enumerate() {
            if c == '\n' {
                if let Some(p) = prev_cr {
                    r.push(p);
                }
            }
            prev_cr = (c == '\r').then_some(i);
        }
        r
    } else {
        Vec::new()
    };
    let map = |o: usize| o - removed.partition_point(|&p| p < o);
    let doc = Document::new(&title, &text);
    let spans = spans(v, place)?;
    let n = spans.len();
    let ids = strings(v, "ids", n, place)?;
    let notes = strings(v, "notes", n, place)?;
    let mut out = Vec::with_capacity(n);
    for (i, (p, s, e, label)) in spans.into_iter().enumerate() {
        let (s, e) = (
            usize::try_from(s).unwrap_or(usize::MAX),
            usize::try_from(e).unwrap_or(usize::MAX),
        );
        if s >= e {
            return Err(InteropError::new(
                F,
                p,
                format!("the offsets {s}..{e} are empty or reversed"),
            ));
        }
        if e > raw_len {
            return Err(InteropError::new(
                F,
                p,
                format!(
                    "offsets {s}..{e} are outside the text ({})",
                    characters(raw_len)
                ),
            ));
        }
        let (s, e) = (map(s), map(e));
        out.push(Foreign {
            id: ids.get(i).cloned().flatten().filter(|x| !x.is_empty()),
            label,
            note: notes.get(i).cloned().flatten().unwrap_or_default(),
            start: Some(s),
            end: Some(e),
            quote: doc.slice(s, e).map(str::to_owned),
            positions_refer_to_this_text: true,
            ..Foreign::default()
        });
    }
    Ok((title, text, out))
}

/// Read a JSONL file: each line a document (see the module documentation).
/// `current` is not needed (each line carries its text).
pub fn import(bytes: &[u8], _current: Option<&Document>) -> Result<Plan, InteropError> {
    let text = text_input(F, bytes)?;
    let mut docs = Vec::new();
    // One pretty-printed object, or a JSON list of them, is read too.
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        match &v {
            Value::Array(list) if list.len() <= MAX_DOCS => {
                for (i, d) in list.iter().enumerate() {
                    docs.push(document(d, &format!("[{i}]"))?);
                }
            }
            Value::Object(_) => docs.push(document(&v, "")?),
            _ => {}
        }
    }
    let whole = !docs.is_empty();
    for (i, line) in text.lines().enumerate() {
        if whole {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("line {}", i + 1);
        if docs.len() == MAX_DOCS {
            return Err(InteropError::new(
                F,
                place,
                format!("the file holds more than {MAX_DOCS} documents"),
            ));
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            let mut err = json_error(F, "", &e);
            err.place = format!("{place}, column {}", e.column());
            err
        })?;
        docs.push(document(&v, &place)?);
    }
    if docs.is_empty() {
        return Err(InteropError::new(
            F,
            "",
            "the file has no document (no line with JSON)",
        ));
    }
    Ok(Plan::Documents { format: F, docs })
}
