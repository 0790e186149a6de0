//! Labels and annotations: the data a journalist creates.

use serde::{Deserialize, Serialize};

use super::anchor::{self, Evidence};
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
    /// Keyboard shortcut, one character (`"1"`), or empty: a label with
    /// no free key still works from the picker.
    pub key: String,
    /// How its highlights are drawn.
    #[serde(default)]
    pub look: Look,
}

/// How a label's highlights are drawn. Entities are filled and claims
/// underlined by default, so that a person inside a claim stays legible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Look {
    /// A tinted background.
    #[default]
    Fill,
    /// A line under the text, stepping down per nesting level.
    Underline,
}

impl Look {
    /// The name written in files (`"fill"`, `"underline"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Look::Fill => "fill",
            Look::Underline => "underline",
        }
    }

    /// Read a name written by [`Look::as_str`].
    pub fn parse(s: &str) -> Option<Look> {
        match s {
            "fill" => Some(Look::Fill),
            "underline" => Some(Look::Underline),
            _ => None,
        }
    }

    /// The look a label gets when a file does not say: claims are
    /// underlined, everything else filled.
    pub fn default_for(label_id: &str) -> Look {
        if label_id == "claim" {
            Look::Underline
        } else {
            Look::Fill
        }
    }
}

/// The colours offered for labels: the Okabe–Ito palette (distinguishable
/// with the common colour-vision deficiencies) without its black, plus two
/// darker tones. Each keeps dark text readable when used as a fill (the
/// fill is mixed at 35 % over the paper) and stands out at least 2:1 as a
/// line (see [`contrast_ratio`]).
pub const PALETTE: &[(&str, &str)] = &[
    ("Orange", "#e69f00"),
    ("Sky blue", "#56b4e9"),
    ("Bluish green", "#009e73"),
    ("Yellow", "#f0e442"),
    ("Blue", "#0072b2"),
    ("Vermilion", "#d55e00"),
    ("Reddish purple", "#cc79a7"),
    ("Grey", "#7f7f7f"),
    ("Brown", "#8c564b"),
];

/// `#rrggbb` as three bytes.
pub fn parse_hex_colour(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG contrast ratio between two `#rrggbb` colours (1 to 21), `None`
/// if either is not such a colour.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    fn luminance(c: [u8; 3]) -> f64 {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    }
    let (la, lb) = (
        luminance(parse_hex_colour(a)?),
        luminance(parse_hex_colour(b)?),
    );
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// Why a label or a change to the label set is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// The id is empty.
    #[error("a label needs an id")]
    EmptyId,
    /// The name is empty.
    #[error("a label needs a name")]
    EmptyName,
    /// Another label has this id.
    #[error("there is already a label with the id {0:?}")]
    DuplicateId(String),
    /// Not `#rrggbb`.
    #[error("the colour {0:?} is not of the form #rrggbb")]
    BadColour(String),
    /// Not one character (or empty).
    #[error("the key {0:?} is not a single character")]
    BadKey(String),
    /// Another label has this key.
    #[error("the key {key} is already used by {name}")]
    KeyTaken {
        /// The key.
        key: String,
        /// The other label's name.
        name: String,
    },
    /// No label with this id.
    #[error("there is no label {0:?}")]
    NotFound(String),
    /// A position past the end of the set.
    #[error("position {to} is outside the label list ({len} labels)")]
    BadPosition {
        /// Position asked for.
        to: usize,
        /// Number of labels.
        len: usize,
    },
    /// Relabelling to the label being removed.
    #[error("the annotations of a removed label cannot be moved to that same label")]
    RelabelToSelf,
    /// Removing the last label.
    #[error("a document needs at least one label")]
    LastLabel,
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
            look: Look::default_for(id),
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

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Position of label `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.0.iter().position(|l| l.id == id)
    }

    /// The keys `1`–`9` no label uses, in order.
    pub fn free_keys(&self) -> Vec<String> {
        ('1'..='9')
            .map(String::from)
            .filter(|k| self.by_key(k).is_none())
            .collect()
    }

    /// Check one label on its own (not against the others).
    pub fn check_def(l: &LabelDef) -> Result<(), LabelError> {
        if l.id.is_empty() {
            return Err(LabelError::EmptyId);
        }
        if l.name.trim().is_empty() {
            return Err(LabelError::EmptyName);
        }
        if parse_hex_colour(&l.color).is_none() {
            return Err(LabelError::BadColour(l.color.clone()));
        }
        if l.key.chars().count() > 1 {
            return Err(LabelError::BadKey(l.key.clone()));
        }
        Ok(())
    }

    /// Whether `l`'s key is free of every label but `except`.
    fn check_key(&self, l: &LabelDef, except: Option<&str>) -> Result<(), LabelError> {
        match self.by_key(&l.key) {
            Some(o) if !l.key.is_empty() && Some(o.id.as_str()) != except => {
                Err(LabelError::KeyTaken {
                    key: l.key.clone(),
                    name: o.name.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// This set with `l` appended.
    pub fn with_added(&self, l: LabelDef) -> Result<LabelSet, LabelError> {
        Self::check_def(&l)?;
        if self.contains(&l.id) {
            return Err(LabelError::DuplicateId(l.id));
        }
        self.check_key(&l, None)?;
        let mut out = self.clone();
        out.0.push(l);
        Ok(out)
    }

    /// This set with label `id` replaced by `l` (same id; name, colour,
    /// key and look may change).
    pub fn with_updated(&self, id: &str, l: LabelDef) -> Result<LabelSet, LabelError> {
        let i = self
            .position(id)
            .ok_or_else(|| LabelError::NotFound(id.to_owned()))?;
        if l.id != id {
            return Err(LabelError::DuplicateId(l.id));
        }
        Self::check_def(&l)?;
        self.check_key(&l, Some(id))?;
        let mut out = self.clone();
        out.0[i] = l;
        Ok(out)
    }

    /// This set with label `id` moved to position `to`.
    pub fn with_moved(&self, id: &str, to: usize) -> Result<LabelSet, LabelError> {
        let i = self
            .position(id)
            .ok_or_else(|| LabelError::NotFound(id.to_owned()))?;
        if to >= self.0.len() {
            return Err(LabelError::BadPosition {
                to,
                len: self.0.len(),
            });
        }
        let mut out = self.clone();
        let l = out.0.remove(i);
        out.0.insert(to, l);
        Ok(out)
    }

    /// This set without label `id`.
    pub fn with_removed(&self, id: &str) -> Result<LabelSet, LabelError> {
        let i = self
            .position(id)
            .ok_or_else(|| LabelError::NotFound(id.to_owned()))?;
        if self.0.len() == 1 {
            return Err(LabelError::LastLabel);
        }
        let mut out = self.clone();
        out.0.remove(i);
        Ok(out)
    }

    /// The union of `self` and `other` by id: every label of `self` as it
    /// is, then those of `other` that `self` lacks, in `other`'s order.
    /// A label of `other` whose key is taken here comes without a key.
    /// Also returns the ids that both have but define differently (kept
    /// as `self` has them).
    pub fn union(&self, other: &LabelSet) -> (LabelSet, Vec<String>) {
        let mut out = self.clone();
        let mut differing = Vec::new();
        for l in other.iter() {
            match self.get(&l.id) {
                Some(mine) => {
                    if mine != l {
                        differing.push(l.id.clone());
                    }
                }
                None => {
                    let mut l = l.clone();
                    if out.by_key(&l.key).is_some() {
                        l.key = String::new();
                    }
                    out.0.push(l);
                }
            }
        }
        (out, differing)
    }

    /// A fresh label id for a name: lower-case letters and digits of the
    /// name joined by `-`, made unique with a number.
    pub fn fresh_id(&self, name: &str) -> String {
        let mut base = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                base.push(c);
            } else if !base.is_empty() && !base.ends_with('-') {
                base.push('-');
            }
        }
        let base = base.trim_end_matches('-');
        let base = if base.is_empty() { "label" } else { base };
        if !self.contains(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !self.contains(id))
            .unwrap_or_default()
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

    /// This annotation at `[start, end)` of `doc` (a new version of its
    /// text): its quote is the text there; id, label, note and dates stay.
    /// `None` if the range is reversed or outside the text.
    pub fn moved_to(&self, doc: &Document, start: usize, end: usize) -> Option<Annotation> {
        Some(Annotation {
            start,
            end,
            quote: doc.slice(start, end)?.to_owned(),
            ..self.clone()
        })
    }

    /// The evidence of each annotation in `text` (quote and 32 code points
    /// of context, for re-anchoring), in the order given; an annotation
    /// whose span does not fit `text` keeps its quote without context.
    pub fn evidence(text: &str, anns: &[&Annotation]) -> Vec<Evidence> {
        let spans: Vec<(usize, usize)> = anns.iter().map(|a| (a.start, a.end)).collect();
        anns.iter()
            .zip(anchor::evidence_for(text, &spans))
            .map(|(a, e)| {
                e.unwrap_or_else(|| Evidence {
                    start: a.start,
                    end: a.end,
                    quote: a.quote.clone(),
                    prefix: String::new(),
                    suffix: String::new(),
                })
            })
            .collect()
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
