//! Exports in every format, and imports of every format the one import
//! input recognises by content: each becomes a v1-shaped file (document,
//! labels, annotations) and takes the paths Surligneur's own files take, so
//! a merge asks before it changes annotations that exist, and a bad file
//! changes nothing.

use crate::core::anchor::{self, Evidence};
use crate::core::span::{new_id, Look, PALETTE};
use crate::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use crate::format::interop::{self, Foreign, Format, Plan, Snapshot};
use crate::format::{brat, csv, jsonl, v1, w3c};

use super::{slug, AlertKind, AppModel};

/// A format the current document can be exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Surligneur JSON (lossless).
    Surligneur,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// brat standoff in a zip.
    Brat,
    /// CSV for spreadsheets.
    Csv,
    /// JSONL (doccano) for NLP pipelines.
    Jsonl,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Surligneur,
        ExportFormat::W3c,
        ExportFormat::Brat,
        ExportFormat::Csv,
        ExportFormat::Jsonl,
    ];

    /// The contract's `data-format` value.
    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Surligneur => "surligneur",
            ExportFormat::W3c => "w3c",
            ExportFormat::Brat => "brat",
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }

    /// The format's name in the menu.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Surligneur => "Surligneur JSON",
            ExportFormat::W3c => "W3C Web Annotation",
            ExportFormat::Brat => "brat (zip)",
            ExportFormat::Csv => "CSV (spreadsheet)",
            ExportFormat::Jsonl => "JSONL (doccano)",
        }
    }

    /// The format with this `data-format` value.
    pub fn from_id(id: &str) -> Option<ExportFormat> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }
}

/// A file to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// File name.
    pub name: String,
    /// MIME type.
    pub mime: &'static str,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A name for a label id brought by a file: its words, capitalised.
fn label_name(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        match c {
            '_' | '-' => out.push(' '),
            c if i == 0 => out.extend(c.to_uppercase()),
            c => out.push(c),
        }
    }
    out
}

/// `labels` with a new label for every id in `used` it lacks: a palette
/// colour not yet taken (if any is left) and a free key (or none).
fn with_labels_for(labels: &LabelSet, used: &[String]) -> (LabelSet, Vec<String>) {
    let mut out = labels.clone();
    let mut added = Vec::new();
    for id in used {
        if id.is_empty() || out.contains(id) {
            continue;
        }
        let color = PALETTE
            .iter()
            .map(|(_, hex)| *hex)
            .find(|hex| !out.iter().any(|l| l.color == *hex))
            .unwrap_or(PALETTE[added.len() % PALETTE.len()].1);
        let key = out.free_keys().into_iter().next().unwrap_or_default();
        let name = label_name(id);
        out.0.push(LabelDef {
            id: id.clone(),
            name: name.clone(),
            color: color.to_owned(),
            key,
            look: Look::default_for(id),
        });
        added.push(name);
    }
    (out, added)
}

/// Foreign annotations as annotations of `doc`: checked offsets where the
/// format's positions are ours, else placed by quote and context through
/// the anchoring engine. Returns the annotations and the quotes of those
/// that could not be placed (never guessed).
fn place_foreign(
    doc: &Document,
    items: Vec<Foreign>,
    now: Timestamp,
) -> (Vec<Annotation>, Vec<String>) {
    let mut out = Vec::with_capacity(items.len());
    let mut orphans = Vec::new();
    let (ours, hinted): (Vec<Foreign>, Vec<Foreign>) = items
        .into_iter()
        .partition(|f| f.positions_refer_to_this_text);
    let make = |f: &Foreign, start: usize, end: usize| {
        let id =
            f.id.clone()
                .filter(|i| !i.is_empty())
                .unwrap_or_else(new_id);
        let modified = f.modified.unwrap_or(now);
        Annotation::at(doc, id, start, end, f.label.clone(), modified).map(|a| Annotation {
            note: f.note.clone(),
            created: f.created.unwrap_or(modified),
            ..a
        })
    };
    for f in &ours {
        match f.start.zip(f.end).and_then(|(s, e)| make(f, s, e)) {
            Some(a) => out.push(a),
            None => orphans.push(f.quote.clone().unwrap_or_default()),
        }
    }
    let evidence: Vec<Evidence> = hinted
        .iter()
        .map(|f| Evidence {
            start: f.start.unwrap_or(0),
            end: f.end.unwrap_or(0),
            quote: f.quote.clone().unwrap_or_default(),
            prefix: f.prefix.clone().unwrap_or_default(),
            suffix: f.suffix.clone().unwrap_or_default(),
        })
        .collect();
    let outcomes = anchor::place(doc.text(), &evidence, false);
    for (f, o) in hinted.iter().zip(outcomes) {
        let placed = o.span().and_then(|(start, end)| make(f, start, end));
        match placed {
            Some(a) => out.push(a),
            None => orphans.push(f.quote.clone().unwrap_or_default()),
        }
    }
    (out, orphans)
}

/// `“a”, “b” and 3 more`.
fn some_quotes(quotes: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = quotes
        .iter()
        .take(SHOWN)
        .map(|q| {
            let short: String = q.chars().take(40).collect();
            format!("“{short}”")
        })
        .collect();
    if quotes.len() > SHOWN {
        parts.push(format!("and {} more", quotes.len() - SHOWN));
    }
    parts.join(", ")
}

impl AppModel {
    /// The current document in `format`, ready to download.
    /// Deterministic: the same state gives the same bytes.
    pub fn export_as(&self, format: ExportFormat) -> Download {
        let s = self.session();
        let name = slug(s.doc().title());
        if format == ExportFormat::Surligneur {
            let (name, json) = self.export();
            return Download {
                name,
                mime: "application/json",
                bytes: json.into_bytes(),
            };
        }
        let annotations = s.annotations().to_vec();
        let snap = Snapshot {
            doc: s.doc(),
            source_url: None,
            labels: s.labels(),
            annotations: &annotations,
            generator_version: env!("CARGO_PKG_VERSION"),
        };
        let (ext, mime, bytes) = match format {
            ExportFormat::W3c => ("jsonld", "application/ld+json", w3c::export(&snap)),
            ExportFormat::Brat => ("zip", "application/zip", brat::export(&snap)),
            ExportFormat::Csv => ("csv", "text/csv;charset=utf-8", csv::export(&snap)),
            ExportFormat::Jsonl => ("jsonl", "application/jsonl", jsonl::export(&snap)),
            ExportFormat::Surligneur => ("json", "application/json", Vec::new()),
        };
        Download {
            name: format!("{name}.{ext}"),
            mime,
            bytes,
        }
    }

    /// Import a file of any format Surligneur reads, recognised by its
    /// content (`name` only tells a `.ann` from plain text). Surligneur
    /// JSON takes [`AppModel::import`]; the others are read, placed on the
    /// current text (or opened as documents of their own), and then take
    /// the same path. A bad file changes nothing and says which format it
    /// was read as, where and what is wrong.
    pub fn import_any(&mut self, name: &str, bytes: &[u8], now: Timestamp) {
        let mut format = interop::sniff(name, bytes);
        if format == Format::Unknown {
            // Not recognised by content: a name's ending says which reader
            // should explain what is wrong.
            let ext = name
                .rsplit_once('.')
                .map_or("", |(_, e)| e)
                .to_ascii_lowercase();
            format = match ext.as_str() {
                "csv" => Format::Csv,
                "jsonl" => Format::Jsonl,
                "ann" | "zip" => Format::Brat,
                "jsonld" => Format::W3c,
                _ => Format::Unknown,
            };
        }
        if matches!(format, Format::Surligneur | Format::Unknown) {
            return self.import(bytes, now);
        }
        let plan = match interop::import(format, bytes, Some(self.doc())) {
            Ok(p) => p,
            Err(e) => {
                self.alert(
                    AlertKind::Error,
                    format!("This file could not be imported: {e}. Nothing was changed."),
                );
                return;
            }
        };
        match plan {
            Plan::Onto {
                format,
                annotations,
                ..
            } => {
                let doc = self.doc().clone();
                let n = annotations.len();
                let (annotations, orphans) = place_foreign(&doc, annotations, now);
                self.bring(format, doc, annotations, now, Some(n));
                if !orphans.is_empty() {
                    self.alert(
                        AlertKind::Notice,
                        format!(
                            "{} of the file's {n} annotations could not be placed on this article, because their text is not in it or fits several places; they were left out rather than guessed: {}.",
                            orphans.len(),
                            some_quotes(&orphans)
                        ),
                    );
                }
            }
            Plan::Documents { format, docs } => {
                for (title, text, items) in docs {
                    let doc = Document::new(&title, &text);
                    let (annotations, orphans) = place_foreign(&doc, items, now);
                    self.bring(format, doc, annotations, now, None);
                    if !orphans.is_empty() {
                        self.alert(
                            AlertKind::Notice,
                            format!(
                                "{} annotations of “{title}” did not fit its text and were left out: {}.",
                                orphans.len(),
                                some_quotes(&orphans)
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Bring annotations read from `format` onto `doc` (the current one, or
    /// a document of the file's own), adding labels for the tags the
    /// document lacks.
    fn bring(
        &mut self,
        format: Format,
        doc: Document,
        annotations: Vec<Annotation>,
        now: Timestamp,
        _from: Option<usize>,
    ) {
        let current = doc.id() == self.doc().id();
        let base = if current {
            self.session().labels().clone()
        } else {
            LabelSet::default()
        };
        let used: Vec<String> = annotations.iter().map(|a| a.label.clone()).collect();
        let (labels, added) = with_labels_for(&base, &used);
        if !added.is_empty() {
            self.alert(
                AlertKind::Notice,
                format!(
                    "The {format} file brings {} label{} this document did not have: {}. Rename or recolour {} with Labels….",
                    added.len(),
                    if added.len() == 1 { "" } else { "s" },
                    added.join(", "),
                    if added.len() == 1 { "it" } else { "them" }
                ),
            );
        }
        self.import_file(v1::V1File::plain(doc, labels, annotations), now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_and_new_labels() {
        assert_eq!(label_name("place"), "Place");
        assert_eq!(label_name("date_of-birth"), "Date of birth");
        let (set, added) = with_labels_for(
            &LabelSet::default(),
            &[
                "person".into(),
                "place".into(),
                "place".into(),
                "date".into(),
            ],
        );
        assert_eq!(added, ["Place", "Date"]);
        let place = set.get("place").unwrap();
        assert_eq!((place.key.as_str(), place.color.as_str()), ("4", "#009e73"));
        assert_eq!(set.get("date").unwrap().key, "5");
        assert_eq!(set.len(), 5);
    }
}
