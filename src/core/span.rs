//! Labels and annotations: the data a journalist creates.

use serde::{Deserialize, Serialize};

use super::document::Document;
use super::time::Timestamp;

/// One kind of tag. The label set is data so that it can grow later; the
/// three defaults are `person`, `organisation` and `claim`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    /// Stable identifier written into annotations (`"person"`).
    pub id: String,
    /// Name shown to the user (`"Person"`).
    pub name: String,
    /// CSS colour, `#rrggbb`.
    pub color: String,
    /// Keyboard shortcut, one character (`"1"`).
    pub key: String,
}

/// The labels a document can use, in display order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LabelSet(pub Vec<LabelDef>);

impl Default for LabelSet {
    /// Person, organisation, claim — Okabe–Ito colours, distinguishable
    /// with the common colour-vision deficiencies.
    fn default() -> Self {
        let def = |id: &str, name: &str, color: &str, key: &str| LabelDef {
            id: id.into(),
            name: name.into(),
            color: color.into(),
            key: key.into(),
        };
        LabelSet(vec![
            def("person", "Person", "#e69f00", "1"),
            def("organisation", "Organisation", "#56b4e9", "2"),
            def("claim", "Claim", "#cc79a7", "3"),
        ])
    }
}

impl LabelSet {
    /// The label with this id.
    pub fn get(&self, id: &str) -> Option<&LabelDef> {
        self.0.iter().find(|l| l.id == id)
    }

    /// The label whose shortcut is `key`.
    pub fn by_key(&self, key: &str) -> Option<&LabelDef> {
        self.0.iter().find(|l| l.key == key)
    }

    /// Labels in display order.
    pub fn iter(&self) -> impl Iterator<Item = &LabelDef> {
        self.0.iter()
    }

    /// Whether `id` names a label of this set.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

/// One tagged span of the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// Unique within a document (UUID v4 when made by Surligneur).
    pub id: String,
    /// First code point covered.
    pub start: usize,
    /// One past the last code point covered (half-open).
    pub end: usize,
    /// Id of a [`LabelDef`].
    pub label: String,
    /// The exact text at `[start, end)`.
    pub quote: String,
    /// Free text, may be empty.
    pub note: String,
    /// When it was made.
    pub created: Timestamp,
    /// When it last changed (label or note).
    pub modified: Timestamp,
}

impl Annotation {
    /// A new annotation of `[start, end)` in `doc`: its quote is the text
    /// there, its note empty, made and modified at `now`. `None` if the
    /// range is reversed or outside the text. No other check (label, block,
    /// duplicates): the annotation set does those when it is inserted.
    pub fn at(
        doc: &Document,
        id: impl Into<String>,
        start: usize,
        end: usize,
        label: impl Into<String>,
        now: Timestamp,
    ) -> Option<Annotation> {
        Some(Annotation {
            id: id.into(),
            start,
            end,
            label: label.into(),
            quote: doc.slice(start, end)?.to_owned(),
            note: String::new(),
            created: now,
            modified: now,
        })
    }

    /// Document order: by start, longer (enclosing) spans first, then id.
    pub fn order_key(&self) -> (usize, std::cmp::Reverse<usize>, &str) {
        (self.start, std::cmp::Reverse(self.end), &self.id)
    }
}

/// A fresh random annotation id (UUID v4, hyphenated).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
