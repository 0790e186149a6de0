//! Hypothesis annotations (read only): the API's search result
//! `{"rows": […]}`, the client's export `{"annotations": […], …}`, a list of
//! rows or one row.
//!
//! A row's `target[].selector` holds a `TextQuoteSelector` (`exact`,
//! `prefix`, `suffix`) and usually a `TextPositionSelector`, whose numbers
//! refer to the page it was made on (in UTF-16 units): they come back as a
//! hint, and the quote places the annotation. Each of its `tags` becomes an
//! annotation with that tag (none: the label [`super::w3c::UNTAGGED`]); its
//! `text` is the note; `created` and `updated` are kept.
//!
//! Replies (rows with `references`) and page notes (a target without a
//! selector) are not about a passage of the text and are left out.

use serde_json::Value;

use super::interop::{join, json_input, quoted, Foreign, Format, InteropError, Plan};
use super::w3c::{check_quote, date, selectors, UNTAGGED};
use crate::core::Document;

const F: Format = Format::Hypothesis;

fn is_row(v: &Value) -> bool {
    v.get("uri").is_some_and(Value::is_string) && v.get("target").is_some_and(Value::is_array)
}

/// Whether a JSON value looks like Hypothesis annotations (for `sniff`).
pub fn looks_like(v: &Value) -> bool {
    match v {
        Value::Object(o) => {
            o.get("rows").is_some_and(Value::is_array)
                || (o.get("annotations").is_some_and(|a| match a {
                    Value::Array(l) => l.first().is_none_or(is_row),
                    _ => false,
                }) && o.contains_key("export_date"))
                || is_row(v)
        }
        Value::Array(l) => !l.is_empty() && l.iter().all(is_row),
        _ => false,
    }
}

fn listed<'a>(key: &str, l: &'a [Value]) -> Vec<(String, &'a Value)> {
    l.iter()
        .enumerate()
        .map(|(i, r)| (format!("{key}[{i}]"), r))
        .collect()
}

fn rows(root: &Value) -> Result<Vec<(String, &Value)>, InteropError> {
    match root {
        Value::Object(o) => match (o.get("rows"), o.get("annotations")) {
            (Some(Value::Array(l)), _) => Ok(listed("rows", l)),
            (Some(_), _) => Err(InteropError::new(F, "rows", "\"rows\" is not a list")),
            (None, Some(Value::Array(l))) => Ok(listed("annotations", l)),
            _ if is_row(root) => Ok(vec![(String::new(), root)]),
            _ => Err(InteropError::new(
                F,
                "",
                "expected {\"rows\": […]} as the Hypothesis API returns it",
            )),
        },
        Value::Array(l) => Ok(listed("", l)),
        _ => Err(InteropError::new(
            F,
            "",
            "expected {\"rows\": […]} as the Hypothesis API returns it",
        )),
    }
}

/// Read Hypothesis annotations onto `current` (see the module
/// documentation). With `current`, every quote must occur in its text.
pub fn import(bytes: &[u8], current: Option<&Document>) -> Result<Plan, InteropError> {
    let root = json_input(F, bytes)?;
    let mut out = Vec::new();
    let mut loose = super::interop::Loose::default();
    for (path, row) in rows(&root)? {
        let at = |k: &str| join(&path, k);
        let Value::Object(_) = row else {
            return Err(InteropError::new(F, path, "the row is not an object"));
        };
        if row
            .get("references")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty())
        {
            continue; // a reply
        }
        let targets = match row.get("target") {
            Some(Value::Array(t)) => t,
            Some(_) => {
                return Err(InteropError::new(
                    F,
                    at("target"),
                    "\"target\" is not a list",
                ))
            }
            None => return Err(InteropError::new(F, path, "the row has no \"target\"")),
        };
        let mut located = None;
        let mut any_selector = false;
        for (k, t) in targets.iter().enumerate() {
            let tp = at(&format!("target[{k}]"));
            if let Some(sel) = t.get("selector") {
                any_selector = true;
                if let Some(l) = selectors(F, sel, &format!("{tp}.selector"))? {
                    located = Some((tp, l));
                    break;
                }
            }
        }
        let Some((tp, mut loc)) = located else {
            if any_selector {
                return Err(InteropError::new(
                    F,
                    at("target"),
                    "the target has no TextQuoteSelector, so it cannot be placed on this text",
                ));
            }
            continue; // a page note
        };
        if let Some(doc) = current {
            loc.hint = check_quote(F, doc, &loc, &tp, &mut loose)?;
        }
        let note = match row.get("text") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(InteropError::new(F, at("text"), "\"text\" is not text")),
        };
        let mut tags: Vec<String> = Vec::new();
        match row.get("tags") {
            None | Some(Value::Null) => {}
            Some(Value::Array(l)) => {
                for (j, t) in l.iter().enumerate() {
                    match t.as_str().map(str::trim) {
                        Some("") => {}
                        Some(t) if tags.iter().any(|x| x == t) => {}
                        Some(t) => tags.push(t.to_owned()),
                        None => {
                            return Err(InteropError::new(
                                F,
                                at(&format!("tags[{j}]")),
                                "the tag is not text",
                            ))
                        }
                    }
                }
            }
            Some(_) => return Err(InteropError::new(F, at("tags"), "\"tags\" is not a list")),
        }
        if tags.is_empty() {
            tags.push(UNTAGGED.to_owned());
        }
        let id = match row.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(InteropError::new(
                    F,
                    at("id"),
                    format!("the id {} is not text", quoted(&other.to_string())),
                ))
            }
        };
        let created = date(F, row, "created", &path)?;
        let modified = date(F, row, "updated", &path)?.or(created);
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
