//! CSV for spreadsheets: RFC 4180 (comma-separated, CR LF line ends, cells
//! quoted with `"` when they hold a comma, a quote or a line break), UTF-8
//! with a byte-order mark so that Excel reads it as UTF-8. One row per
//! annotation, in document order, under the header
//! `id,label,start,end,quote,note,created,modified` ([`HEADER`]); more
//! columns go after these ([`export_with`], for fields added later).
//!
//! A cell that a spreadsheet would run as a formula (starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return, possibly after apostrophes) gets
//! an apostrophe in front; reading removes exactly that one, so every text
//! comes back unchanged.
//!
//! Import reads such a file onto the current text: the header names the
//! columns (any order, any case; `label`, `start` and `end` are needed,
//! unknown columns are kept in [`Foreign::extra`](super::interop::Foreign::extra)); `start`/`end` are code
//! points and must fit the text, and a `quote` must be the text there. A
//! header separated by semicolons (Excel in many European locales) is read
//! with `;`. Rows whose cells are all empty are skipped.

use std::collections::HashMap;

use super::interop::{
    characters, quoted, text_input, Foreign, Format, InteropError, Plan, Snapshot,
};
use crate::core::{Annotation, Document, Timestamp};

const F: Format = Format::Csv;

/// The columns every export starts with.
pub const HEADER: [&str; 8] = [
    "id", "label", "start", "end", "quote", "note", "created", "modified",
];

/// One more column of an export: its header and the cell of each row.
pub struct Column<'a> {
    /// Header cell.
    pub name: &'a str,
    /// The cell for an annotation.
    pub cell: &'a dyn Fn(&Annotation) -> String,
}

fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// The cell as written: an apostrophe before a would-be formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(is_trigger) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The inverse of [`neutralise`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(is_trigger) => rest,
        _ => cell,
    }
}

fn push_cell(out: &mut String, cell: &str) {
    let cell = neutralise(cell);
    if cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&cell);
    }
}

fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, c);
    }
    out.push_str("\r\n");
}

/// The CSV file ([`HEADER`] columns). Deterministic.
pub fn export(s: &Snapshot) -> Vec<u8> {
    export_with(s, &[])
}

/// The CSV file with `extra` columns after the [`HEADER`] ones.
pub fn export_with(s: &Snapshot, extra: &[Column<'_>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    push_row(
        &mut out,
        HEADER.iter().copied().chain(extra.iter().map(|c| c.name)),
    );
    for a in s.sorted() {
        let (start, end) = (a.start.to_string(), a.end.to_string());
        let (created, modified) = (a.created.to_rfc3339(), a.modified.to_rfc3339());
        let more: Vec<String> = extra.iter().map(|c| (c.cell)(a)).collect();
        push_row(
            &mut out,
            [
                a.id.as_str(),
                &a.label,
                &start,
                &end,
                &a.quote,
                &a.note,
                &created,
                &modified,
            ]
            .into_iter()
            .chain(more.iter().map(String::as_str)),
        );
    }
    out.into_bytes()
}

fn separator(header: &str) -> char {
    if !header.contains(',') && header.contains(';') {
        ';'
    } else {
        ','
    }
}

fn header_names(first_line: &str) -> Vec<String> {
    let sep = separator(first_line);
    first_line
        .split(sep)
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect()
}

/// Whether a first line is a header this reader takes (for `sniff`).
pub fn looks_like_header(first_line: &str) -> bool {
    let line = first_line.strip_prefix('\u{feff}').unwrap_or(first_line);
    let names = header_names(line);
    ["label", "start", "end"]
        .iter()
        .all(|n| names.iter().any(|h| h == n))
}

/// RFC 4180 records of `text` separated by `sep`; `Err((row, problem))`.
fn records(text: &str, sep: char) -> Result<Vec<Vec<String>>, (usize, String)> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted_cell = false; // the cell started with a quote
    let mut in_quotes = false;
    let mut after_quote = false; // a closing quote was seen
    while let Some(c) = chars.next() {
        let n = rows.len() + 1;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            c if c == sep => {
                row.push(std::mem::take(&mut cell));
                (quoted_cell, after_quote) = (false, false);
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                (quoted_cell, after_quote) = (false, false);
            }
            '"' if cell.is_empty() && !quoted_cell => {
                quoted_cell = true;
                in_quotes = true;
            }
            c if after_quote => {
                return Err((
                    n,
                    format!(
                        "{} follows a closing quote; a quote inside a quoted cell is written \"\"",
                        quoted(&c.to_string())
                    ),
                ));
            }
            c => cell.push(c),
        }
    }
    if in_quotes {
        return Err((
            rows.len() + 1,
            "a quoted cell is never closed (is the file complete?)".to_owned(),
        ));
    }
    if !cell.is_empty() || !row.is_empty() || quoted_cell {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

/// Read a CSV file onto `current` (see the module documentation).
pub fn import(bytes: &[u8], current: Option<&Document>) -> Result<Plan, InteropError> {
    let text = text_input(F, bytes)?;
    let first = text.lines().next().unwrap_or("");
    let rows = records(text, separator(first))
        .map_err(|(n, p)| InteropError::new(F, format!("row {n}"), p))?;
    let Some((header, body)) = rows.split_first() else {
        return Err(InteropError::new(F, "", "the file is empty"));
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut col: HashMap<&str, usize> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        if col.insert(n.as_str(), i).is_some() {
            return Err(InteropError::new(
                F,
                "row 1",
                format!("the header names the column {} twice", quoted(n)),
            ));
        }
    }
    let missing: Vec<&str> = ["label", "start", "end"]
        .into_iter()
        .filter(|n| !col.contains_key(n))
        .collect();
    if !missing.is_empty() {
        return Err(InteropError::new(
            F,
            "row 1",
            format!(
                "the header has no column {} (it should start {})",
                missing.join(", "),
                HEADER.join(",")
            ),
        ));
    }
    let Some(doc) = current else {
        return Err(InteropError::new(
            F,
            "",
            "a CSV file has no text: open its article first, then import the CSV onto it",
        ));
    };
    let len = doc.len_chars();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (r, row) in body.iter().enumerate() {
        let n = r + 2;
        let err = |p: String| InteropError::new(F, format!("row {n}"), p);
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            return Err(err(format!(
                "the row has {} cells, the header {}",
                row.len(),
                header.len()
            )));
        }
        let get = |name: &str| col.get(name).and_then(|&i| row.get(i)).map(|c| restore(c));
        let num = |name: &str| -> Result<usize, InteropError> {
            let v = get(name).unwrap_or("").trim();
            let v = v.strip_suffix(".0").unwrap_or(v);
            v.parse::<usize>()
                .map_err(|_| err(format!("{name} {} is not a whole number ≥ 0", quoted(v))))
        };
        let (start, end) = (num("start")?, num("end")?);
        if start >= end {
            return Err(err(format!(
                "the offsets {start}..{end} are empty or reversed"
            )));
        }
        if end > len {
            return Err(err(format!(
                "offsets {start}..{end} are outside the text ({})",
                characters(len)
            )));
        }
        let at = doc.slice(start, end).unwrap_or("");
        if let Some(q) = get("quote") {
            if q != at {
                return Err(err(format!(
                    "the quote {} is not the text at {start}..{end}, {}",
                    quoted(q),
                    quoted(at)
                )));
            }
        }
        let label = get("label").unwrap_or("").trim();
        if label.is_empty() {
            return Err(err("the label is empty".into()));
        }
        let id = get("id")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), n) {
                return Err(err(format!(
                    "the id {} is already used in row {first}",
                    quoted(id)
                )));
            }
        }
        let date = |name: &str| -> Result<Option<Timestamp>, InteropError> {
            match get(name).map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => Timestamp::parse(s).map(Some).ok_or_else(|| {
                    err(format!(
                        "{name} {} is not a date such as 2013-11-29T10:00:00.000Z",
                        quoted(s)
                    ))
                }),
            }
        };
        let created = date("created")?;
        let modified = date("modified")?.or(created);
        let extra = names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty() && !HEADER.contains(&n.as_str()))
            .filter_map(|(i, n)| {
                let v = restore(row.get(i)?);
                (!v.is_empty()).then(|| (n.clone(), v.to_owned()))
            })
            .collect();
        out.push(Foreign {
            id,
            label: label.to_owned(),
            note: get("note").unwrap_or("").to_owned(),
            start: Some(start),
            end: Some(end),
            quote: Some(at.to_owned()),
            prefix: None,
            suffix: None,
            positions_refer_to_this_text: true,
            created,
            modified,
            extra,
        });
    }
    Ok(Plan::onto(F, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralise_and_restore_are_inverse() {
        for s in [
            "=1+1", "'=1", "''@x", "-5 %", "plain", "'quoted'", "", "'", "\tx",
        ] {
            assert_eq!(restore(&neutralise(s)), s, "{s:?}");
        }
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise("it's"), "it's");
    }

    #[test]
    fn records_follow_rfc_4180() {
        let r = records("a,\"b,\"\"c\"\"\"\r\n\"x\ny\",\r\n", ',').unwrap();
        assert_eq!(r, vec![vec!["a", "b,\"c\""], vec!["x\ny", ""]]);
        assert!(records("a,\"b", ',').is_err());
        assert!(records("\"a\"b,c", ',').is_err());
    }
}
