//! brat standoff: a `.zip` holding `NAME.txt` (the text) and `NAME.ann`.
//!
//! `.ann` lines, tab-separated (brat's own format; `⇥` is a tab):
//!
//! ```text
//! T1⇥person 0 14⇥Patrick Starck
//! T2⇥claim 20 31;32 40⇥first line second line
//! #1⇥AnnotatorNotes T1⇥a note, on one line
//! ```
//!
//! * `T` lines: the label (whitespace in a label id becomes `_`), code point
//!   offsets (brat counts Python characters), and the covered text. A span
//!   that crosses a line break is written as fragments joined by `;`, one
//!   per line, and its text is the fragments' texts joined by a space, as
//!   brat requires.
//! * Notes are `AnnotatorNotes` comment lines, made single-line (line
//!   breaks and tabs become spaces).
//! * Annotation ids and dates have no place in brat and are not written.
//! * A span that starts or ends with a line break loses it (a fragment
//!   cannot hold one); Surligneur's own spans never do (selections are
//!   trimmed).
//!
//! Import takes the zip (each `NAME.ann` with its `NAME.txt` opens as a
//! document; a zip with only `.ann` files goes onto the current text) or a
//! `.ann` alone onto the current text. Every offset is checked against the
//! text and every `T` line's text against the text at its offsets. A `T`
//! line whose fragments are separated by more than line breaks (a truly
//! discontinuous brat span) becomes one annotation per fragment. Relations,
//! events, attributes and normalisations (`R`, `E`, `A`, `M`, `N`, `*`) are
//! skipped; other lines are refused.

pub mod zip;

use super::interop::{
    characters, quoted, text_input, Foreign, Format, InteropError, Plan, Snapshot,
};
use crate::core::document::{normalise_newlines, title_of};
use crate::core::{Annotation, Document};

const F: Format = Format::Brat;

/// A file name for the document: its title in lower-case ASCII letters,
/// digits and `-` (at most 60), or `document`. (ASCII only: Unicode case
/// and letter tables would cost kilobytes of wasm for a file name.)
pub fn base_name(doc: &Document) -> String {
    let mut out = String::new();
    for c in doc.title().chars() {
        if out.chars().count() >= 60 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "document".to_owned()
    } else {
        out.to_owned()
    }
}

/// `[start, end)` split at line breaks, each piece without its `\n`;
/// empty pieces (blank lines) dropped.
fn fragments(doc: &Document, a: &Annotation) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = a.start;
    for (i, c) in a.quote.chars().enumerate() {
        if c == '\n' {
            let here = a.start + i;
            if here > s {
                out.push((s, here));
            }
            s = here + 1;
        }
    }
    if a.end > s {
        out.push((s, a.end));
    }
    // A quote that is not the text (never for a valid annotation) would
    // make offsets lie: fall back to the whole span.
    if doc.slice(a.start, a.end) != Some(a.quote.as_str()) {
        return vec![(a.start, a.end)];
    }
    out
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The `.ann` file of the snapshot (annotations in document order).
pub fn export_ann(s: &Snapshot) -> String {
    let mut out = String::new();
    let mut notes = String::new();
    let mut note_count = 0;
    for (i, a) in s.sorted().into_iter().enumerate() {
        let n = i + 1;
        let frags = fragments(s.doc, a);
        let offsets: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let texts: Vec<&str> = frags
            .iter()
            .map(|&(st, e)| s.doc.slice(st, e).unwrap_or(""))
            .collect();
        let label: String = a
            .label
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        out.push_str(&format!(
            "T{n}\t{label} {}\t{}\n",
            offsets.join(";"),
            one_line(&texts.join(" "))
        ));
        if !a.note.is_empty() {
            note_count += 1;
            notes.push_str(&format!(
                "#{note_count}\tAnnotatorNotes T{n}\t{}\n",
                one_line(&a.note)
            ));
        }
    }
    out.push_str(&notes);
    out
}

/// The zip: `NAME.txt` (the text, exactly) then `NAME.ann`, stored.
pub fn export(s: &Snapshot) -> Vec<u8> {
    let name = base_name(s.doc);
    let ann = export_ann(s);
    zip::write(&[
        (&format!("{name}.txt"), s.doc.text().as_bytes()),
        (&format!("{name}.ann"), ann.as_bytes()),
    ])
}

/// Whether `text` has a line that only brat writes (for `sniff`).
pub fn looks_like_ann(text: &str) -> bool {
    text.lines().take(20).any(|l| {
        let mut parts = l.split('\t');
        let (Some(id), Some(_)) = (parts.next(), parts.next()) else {
            return false;
        };
        let mut cs = id.chars();
        matches!(cs.next(), Some('T' | 'R' | 'E' | 'A' | 'M' | 'N' | '#'))
            && cs.clone().next().is_some()
            && cs.all(|c| c.is_ascii_digit())
    })
}

/// Map code point offsets of a text with CR LF line ends to the same text
/// with LF only (what a [`Document`] holds): each `\r` before a `\n` goes.
struct CrLf {
    /// Code point positions (in the raw text) of the removed `\r`s.
    removed: Vec<usize>,
}

impl CrLf {
    fn new(raw: &str) -> Self {
        let mut removed = Vec::new();
        let mut prev_cr = None;
        for (i, c) in raw.chars().enumerate() {
            if c == '\n' {
                if let Some(p) = prev_cr {
                    removed.push(p);
                }
            }
            prev_cr = (c == '\r').then_some(i);
        }
        CrLf { removed }
    }
    fn map(&self, raw: usize) -> usize {
        raw - self.removed.partition_point(|&p| p < raw)
    }
}

/// Read a `.ann` file against `doc`. `place` names it in errors
/// (`NAME.ann ` inside a zip). `crlf` maps offsets of a CR LF `.txt`.
fn read_ann(
    ann: &str,
    doc: &Document,
    raw_text: &str,
    place: &str,
    crlf: Option<&CrLf>,
) -> Result<Vec<Foreign>, InteropError> {
    let raw_len = raw_text.chars().count();
    let raw_index = crlf.map(|_| crate::core::offsets::OffsetIndex::new(raw_text));
    let raw_slice = |s: usize, e: usize| -> Option<&str> {
        match &raw_index {
            Some(ix) => raw_text.get(ix.char_to_byte(s)?..ix.char_to_byte(e)?),
            None => doc.slice(s, e),
        }
    };
    let mut out: Vec<Foreign> = Vec::new();
    // T id → indices in `out` of its annotations (for notes).
    let mut by_id: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    let mut notes: Vec<(usize, &str, &str)> = Vec::new();
    for (i, line) in ann.lines().enumerate() {
        let here = format!("{place}line {}", i + 1);
        let err = |problem: String| InteropError::new(F, here.clone(), problem);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let id = cols.next().unwrap_or("");
        let middle = cols.next();
        let text = cols.next();
        match id.chars().next() {
            Some('T') => {
                let (Some(middle), Some(text)) = (middle, text) else {
                    return Err(err(
                        "a T line needs three tab-separated parts: id, label with offsets, text"
                            .into(),
                    ));
                };
                let (label, offs) = middle
                    .split_once(' ')
                    .ok_or_else(|| err(format!("{} has a label but no offsets", quoted(middle))))?;
                if label.is_empty() {
                    return Err(err("the label is empty".into()));
                }
                let mut frags = Vec::new();
                for frag in offs.split(';') {
                    let mut nums = frag.split(' ').filter(|p| !p.is_empty());
                    let (Some(s), Some(e), None) = (nums.next(), nums.next(), nums.next()) else {
                        return Err(err(format!(
                            "{} is not offsets such as \"0 14\" or \"0 5;6 10\"",
                            quoted(offs)
                        )));
                    };
                    let num = |x: &str| {
                        x.parse::<usize>()
                            .map_err(|_| err(format!("{} is not a whole number ≥ 0", quoted(x))))
                    };
                    let (s, e) = (num(s)?, num(e)?);
                    if s >= e {
                        return Err(err(format!("the offsets {s}..{e} are empty or reversed")));
                    }
                    if e > raw_len {
                        return Err(err(format!(
                            "offsets {s}..{e} are outside the text ({})",
                            characters(raw_len)
                        )));
                    }
                    frags.push((s, e));
                }
                let texts: Vec<&str> = frags
                    .iter()
                    .map(|&(s, e)| raw_slice(s, e).unwrap_or(""))
                    .collect();
                let expected = texts.join(" ");
                if one_line(&expected) != one_line(text) {
                    return Err(err(format!(
                        "its text {} disagrees with the text at its offsets, {}",
                        quoted(text),
                        quoted(&expected)
                    )));
                }
                let map = |o: usize| crlf.map_or(o, |m| m.map(o));
                let frags: Vec<(usize, usize)> =
                    frags.into_iter().map(|(s, e)| (map(s), map(e))).collect();
                // Fragments separated only by whitespace (line breaks) are
                // one span; others stay separate annotations.
                let mut spans: Vec<(usize, usize)> = Vec::new();
                for (s, e) in frags {
                    match spans.last_mut() {
                        Some(last)
                            if last.1 <= s
                                && doc.slice(last.1, s).is_some_and(|g| g.trim().is_empty()) =>
                        {
                            last.1 = e;
                        }
                        _ => spans.push((s, e)),
                    }
                }
                let slots = by_id.entry(id).or_default();
                if !slots.is_empty() {
                    return Err(err(format!("the id {id} is used twice")));
                }
                for (s, e) in spans {
                    slots.push(out.len());
                    out.push(Foreign {
                        id: None,
                        label: label.to_owned(),
                        start: Some(s),
                        end: Some(e),
                        quote: doc.slice(s, e).map(str::to_owned),
                        positions_refer_to_this_text: true,
                        ..Foreign::default()
                    });
                }
            }
            Some('#') => {
                let Some(middle) = middle else {
                    return Err(err("a # line needs a type and a target id".into()));
                };
                let mut m = middle.split(' ');
                if m.next() == Some("AnnotatorNotes") {
                    let target = m.next().unwrap_or("");
                    notes.push((i, target, text.unwrap_or("")));
                }
            }
            Some('R' | 'E' | 'A' | 'M' | 'N' | '*') => {}
            _ => {
                return Err(err(format!(
                    "{} is not a brat annotation line (T, R, E, A, M, N, * or #)",
                    quoted(line)
                )))
            }
        }
    }
    for (i, target, note) in notes {
        // Notes on relations or events have nothing to attach to.
        if !target.starts_with('T') {
            continue;
        }
        let Some(slots) = by_id.get(target) else {
            return Err(InteropError::new(
                F,
                format!("{place}line {}", i + 1),
                format!("the note is about {target}, which is not in the file"),
            ));
        };
        for &k in slots {
            if let Some(a) = out.get_mut(k) {
                if !a.note.is_empty() {
                    a.note.push(' ');
                }
                a.note.push_str(note);
            }
        }
    }
    Ok(out)
}

fn stem(name: &str) -> (&str, &str) {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((s, ext)) => (s, ext),
        None => (base, ""),
    }
}

/// Read a brat zip or `.ann` (see the module documentation).
pub fn import(bytes: &[u8], current: Option<&Document>) -> Result<Plan, InteropError> {
    if bytes.starts_with(b"PK") {
        return import_zip(bytes, current);
    }
    let ann = text_input(F, bytes)?;
    let Some(doc) = current else {
        return Err(InteropError::new(
            F,
            "",
            "a .ann file alone needs its text: open the article first, or import the brat zip with its .txt",
        ));
    };
    let out = read_ann(ann, doc, doc.text(), "", None)?;
    Ok(Plan::onto(F, out))
}

fn import_zip(bytes: &[u8], current: Option<&Document>) -> Result<Plan, InteropError> {
    if bytes.len() > super::interop::MAX_BYTES {
        text_input(F, bytes)?; // the size error
    }
    let files = zip::read(bytes).map_err(|e| InteropError::new(F, "", e))?;
    let visible = |n: &str| !n.starts_with("__MACOSX/") && !stem(n).0.starts_with('.');
    let anns: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| visible(n) && stem(n).1.eq_ignore_ascii_case("ann"))
        .collect();
    if anns.is_empty() {
        return Err(InteropError::new(F, "", "the zip holds no .ann file"));
    }
    let mut docs = Vec::new();
    let mut onto = Vec::new();
    for (name, ann_bytes) in anns {
        let base = name.rsplit('/').next().unwrap_or(name);
        let place = format!("{base} ");
        let ann = std::str::from_utf8(ann_bytes)
            .map_err(|_| InteropError::new(F, base, "the .ann file is not UTF-8 text"))?;
        let ann = ann.strip_prefix('\u{feff}').unwrap_or(ann);
        let (s, _) = stem(name);
        let dir = &name[..name.len() - base.len()];
        let txt = files.iter().find(|(n, _)| {
            n.starts_with(dir) && n.len() == dir.len() + s.len() + 4 && stem(n) == (s, "txt")
        });
        match txt {
            Some((tname, raw)) => {
                let tbase = tname.rsplit('/').next().unwrap_or(tname);
                let raw = std::str::from_utf8(raw)
                    .map_err(|_| InteropError::new(F, tbase, "the text is not UTF-8"))?;
                let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
                let doc = Document::new(&title_of(raw), &normalise_newlines(raw));
                let crlf = raw.contains('\r').then(|| CrLf::new(raw));
                let anns = read_ann(ann, &doc, raw, &place, crlf.as_ref())?;
                docs.push((doc.title().to_owned(), doc.text().to_owned(), anns));
            }
            None => {
                let Some(doc) = current else {
                    return Err(InteropError::new(
                        F,
                        base,
                        format!("the zip has no {s}.txt beside {base}, and no article is open"),
                    ));
                };
                onto.extend(read_ann(ann, doc, doc.text(), &place, None)?);
            }
        }
    }
    if !docs.is_empty() {
        if !onto.is_empty() {
            return Err(InteropError::new(
                F,
                "",
                "the zip mixes .ann files with their .txt and .ann files without: import them separately",
            ));
        }
        return Ok(Plan::Documents { format: F, docs });
    }
    Ok(Plan::onto(F, onto))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_offsets_map_to_lf() {
        let m = CrLf::new("a\r\nb\rc\r\nd");
        // raw: a \r \n b \r c \r \n d ; LF text: a \n b \n c \n d
        assert_eq!(m.map(0), 0);
        assert_eq!(m.map(3), 2); // b
        assert_eq!(m.map(5), 4); // c
        assert_eq!(m.map(8), 6); // d
    }

    #[test]
    fn base_names() {
        assert_eq!(
            base_name(&Document::new("Élection à Paris !", "x")),
            "lection-paris"
        );
        assert_eq!(base_name(&Document::new("😀", "x")), "document");
    }
}
