//! The annotations of one document, indexed for the UI.
//!
//! [`AnnotationSet`] validates every annotation against its [`Document`]
//! and keeps four views of the same data consistent:
//!
//! * by id (a `BTreeMap`): [`AnnotationSet::get`] in O(log n);
//! * in document order ([`Annotation::order_key`]): [`AnnotationSet::iter`];
//! * per block: [`AnnotationSet::in_block`] visits only the annotations
//!   touching that block, without scanning the others. An annotation that
//!   crosses blocks is registered in each block it touches;
//! * by exact span (`start`, `end`, `label`), to refuse exact duplicates.
//!
//! Each block also has a revision counter, [`AnnotationSet::block_rev`],
//! bumped whenever an annotation touching it is inserted, removed or
//! replaced: the UI memoises each rendered block on it so that only the
//! touched blocks render again.
//!
//! Overlapping, nested and cross-block annotations are all allowed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use thiserror::Error;

use super::document::{Block, Document};
use super::span::Annotation;

/// Owned [`Annotation::order_key`]: start, longer first, then id.
type Key = (usize, Reverse<usize>, String);

fn key_of(a: &Annotation) -> Key {
    (a.start, Reverse(a.end), a.id.clone())
}

/// First 60 characters of `s`, for error messages.
fn short(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

/// Why an annotation was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SpanError {
    /// The id is the empty string.
    #[error("the annotation has no id")]
    EmptyId,
    /// `start == end`.
    #[error("the annotation at {start} is empty: it covers no text")]
    Empty {
        /// Where it would be.
        start: usize,
    },
    /// `start > end`.
    #[error("the annotation {start}..{end} ends before it starts")]
    Reversed {
        /// Claimed start.
        start: usize,
        /// Claimed end.
        end: usize,
    },
    /// `end` is past the end of the document.
    #[error("the annotation {start}..{end} goes past the end of the document ({len} characters)")]
    OutOfRange {
        /// Claimed start.
        start: usize,
        /// Claimed end.
        end: usize,
        /// Length of the document in code points.
        len: usize,
    },
    /// The span touches no block: it lies entirely in blank space between
    /// paragraphs, where it could not be shown.
    #[error("the annotation {start}..{end} covers only blank space between paragraphs")]
    OutsideBlocks {
        /// Start.
        start: usize,
        /// End.
        end: usize,
    },
    /// The stored quote is not the document text at the span.
    #[error(
        "the quote {:?} does not match the document text {:?} at {start}..{end}",
        short(found),
        short(expected)
    )]
    QuoteMismatch {
        /// Start.
        start: usize,
        /// End.
        end: usize,
        /// The document text at `[start, end)`.
        expected: String,
        /// The quote carried by the annotation.
        found: String,
    },
    /// Another annotation already has this id.
    #[error("an annotation with id {0:?} already exists")]
    DuplicateId(String),
    /// Another annotation already has exactly this range and label.
    #[error("annotation {existing:?} already tags {start}..{end} as {label:?}")]
    DuplicateSpan {
        /// Start.
        start: usize,
        /// End.
        end: usize,
        /// Label.
        label: String,
        /// Id of the annotation that is already there.
        existing: String,
    },
    /// No annotation has this id.
    #[error("there is no annotation with id {0:?}")]
    NotFound(String),
    /// The label is not in the label set (reported by the session, which
    /// knows the labels; the set itself accepts any label).
    #[error("{0:?} is not one of the labels of this document")]
    UnknownLabel(String),
    /// The set was built for a different document.
    #[error("these annotations belong to a different document")]
    WrongDocument,
}

/// The block indices `[start, end)` touches (non-empty intersection).
fn overlapping(blocks: &[Block], start: usize, end: usize) -> Range<usize> {
    let first = blocks.partition_point(|b| b.end <= start);
    if start >= end {
        return first..first;
    }
    let last = blocks.partition_point(|b| b.start < end);
    first..last.max(first)
}

/// The annotations of one document. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct AnnotationSet {
    doc_id: String,
    len_chars: usize,
    blocks: Vec<Block>,
    /// The annotations themselves.
    by_id: BTreeMap<String, Annotation>,
    /// Document order.
    order: BTreeSet<Key>,
    /// For each block, the annotations touching it, in document order.
    per_block: Vec<BTreeSet<Key>>,
    /// `(start, end, label)` → id, to refuse exact duplicates.
    by_span: BTreeMap<(usize, usize, String), String>,
    block_revs: Vec<u64>,
    rev: u64,
    label_counts: BTreeMap<String, usize>,
}

impl AnnotationSet {
    /// An empty set for `doc`.
    pub fn new(doc: &Document) -> Self {
        let n = doc.blocks().len();
        AnnotationSet {
            doc_id: doc.id().to_owned(),
            len_chars: doc.len_chars(),
            blocks: doc.blocks().to_vec(),
            by_id: BTreeMap::new(),
            order: BTreeSet::new(),
            per_block: vec![BTreeSet::new(); n],
            by_span: BTreeMap::new(),
            block_revs: vec![0; n],
            rev: 0,
            label_counts: BTreeMap::new(),
        }
    }

    /// Number of annotations.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are no annotations.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The annotation with this id, O(log n).
    pub fn get(&self, id: &str) -> Option<&Annotation> {
        self.by_id.get(id)
    }

    /// Whether an annotation has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// All annotations in document order ([`Annotation::order_key`]).
    pub fn iter(&self) -> impl Iterator<Item = &Annotation> + '_ {
        self.order.iter().filter_map(|k| self.by_id.get(&k.2))
    }

    /// All annotations in document order, cloned.
    pub fn to_vec(&self) -> Vec<Annotation> {
        self.iter().cloned().collect()
    }

    /// The annotations touching block `block`, in document order, without
    /// looking at the others. Empty for a block that does not exist.
    pub fn in_block(&self, block: usize) -> impl Iterator<Item = &Annotation> + '_ {
        self.per_block
            .get(block)
            .into_iter()
            .flat_map(|keys| keys.iter())
            .filter_map(|k| self.by_id.get(&k.2))
    }

    /// The annotations covering code point `pos` (`start <= pos < end`),
    /// outermost first (document order). Looks only at the one or two
    /// blocks around `pos`.
    pub fn covering(&self, pos: usize) -> Vec<&Annotation> {
        // Any annotation covering `pos` touches the first block ending after
        // `pos` or the block before it (it must touch some block, and it is
        // an interval containing `pos`).
        let i = self.blocks.partition_point(|b| b.end <= pos);
        let mut out: Vec<&Annotation> = Vec::new();
        for b in [i.checked_sub(1), Some(i)].into_iter().flatten() {
            out.extend(
                self.in_block(b)
                    .take_while(|a| a.start <= pos)
                    .filter(|a| pos < a.end),
            );
        }
        out.sort_by(|x, y| x.order_key().cmp(&y.order_key()));
        out.dedup_by(|x, y| x.id == y.id);
        out
    }

    /// The annotation with exactly this range and label, if any.
    pub fn find_span(&self, start: usize, end: usize, label: &str) -> Option<&Annotation> {
        let id = self.by_span.get(&(start, end, label.to_owned()))?;
        self.by_id.get(id)
    }

    /// Revision of block `block`: bumped whenever an annotation touching it
    /// is inserted, removed or replaced. 0 for a block that does not exist.
    pub fn block_rev(&self, block: usize) -> u64 {
        self.block_revs.get(block).copied().unwrap_or(0)
    }

    /// Revision of the whole set: bumped on every change.
    pub fn rev(&self) -> u64 {
        self.rev
    }

    /// Number of blocks of the document the set was built for.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// How many annotations use each label (labels with none are absent).
    pub fn counts_by_label(&self) -> BTreeMap<String, usize> {
        self.label_counts.clone()
    }

    /// Indices of the blocks `a` touches.
    pub fn touched_blocks(&self, a: &Annotation) -> Range<usize> {
        overlapping(&self.blocks, a.start, a.end)
    }

    /// Everything about `a` that does not depend on the other annotations:
    /// id, range, blocks and quote.
    pub fn check(&self, doc: &Document, a: &Annotation) -> Result<(), SpanError> {
        if doc.id() != self.doc_id || doc.len_chars() != self.len_chars {
            return Err(SpanError::WrongDocument);
        }
        if a.id.is_empty() {
            return Err(SpanError::EmptyId);
        }
        let (start, end) = (a.start, a.end);
        if start > end {
            return Err(SpanError::Reversed { start, end });
        }
        if start == end {
            return Err(SpanError::Empty { start });
        }
        if end > self.len_chars {
            return Err(SpanError::OutOfRange {
                start,
                end,
                len: self.len_chars,
            });
        }
        if overlapping(&self.blocks, start, end).is_empty() {
            return Err(SpanError::OutsideBlocks { start, end });
        }
        let expected = doc.slice(start, end).ok_or(SpanError::OutOfRange {
            start,
            end,
            len: self.len_chars,
        })?;
        if expected != a.quote {
            return Err(SpanError::QuoteMismatch {
                start,
                end,
                expected: expected.to_owned(),
                found: a.quote.clone(),
            });
        }
        Ok(())
    }

    /// Add an annotation. Refused: empty id, empty, reversed or
    /// out-of-range span, span entirely between blocks, quote different
    /// from the document text, id already present, or same range and
    /// label as an existing annotation.
    pub fn insert(&mut self, doc: &Document, a: Annotation) -> Result<(), SpanError> {
        self.check(doc, &a)?;
        if self.by_id.contains_key(&a.id) {
            return Err(SpanError::DuplicateId(a.id));
        }
        if let Some(existing) = self.by_span.get(&(a.start, a.end, a.label.clone())) {
            return Err(SpanError::DuplicateSpan {
                start: a.start,
                end: a.end,
                label: a.label,
                existing: existing.clone(),
            });
        }
        let touched = self.touched_blocks(&a);
        self.link(a);
        self.bump(touched);
        Ok(())
    }

    /// Remove the annotation with this id and return it.
    pub fn remove(&mut self, id: &str) -> Option<Annotation> {
        let a = self.unlink(id)?;
        self.bump(self.touched_blocks(&a));
        Some(a)
    }

    /// Replace the annotation that has `a.id` (new label, note, or even
    /// range) and return the old version. Same checks as
    /// [`AnnotationSet::insert`], except that the id must already exist.
    pub fn replace(&mut self, doc: &Document, a: Annotation) -> Result<Annotation, SpanError> {
        self.check(doc, &a)?;
        if !self.by_id.contains_key(&a.id) {
            return Err(SpanError::NotFound(a.id));
        }
        if let Some(existing) = self.by_span.get(&(a.start, a.end, a.label.clone())) {
            if *existing != a.id {
                return Err(SpanError::DuplicateSpan {
                    start: a.start,
                    end: a.end,
                    label: a.label,
                    existing: existing.clone(),
                });
            }
        }
        let old = self
            .unlink(&a.id)
            .ok_or_else(|| SpanError::NotFound(a.id.clone()))?;
        let before = self.touched_blocks(&old);
        let after = self.touched_blocks(&a);
        self.link(a);
        // Bump the union, once per block.
        self.bump(before.clone());
        self.bump_blocks(after.filter(|b| !before.contains(b)));
        Ok(old)
    }

    /// Register `a` in every index (no checks, no revision bump).
    fn link(&mut self, a: Annotation) {
        let key = key_of(&a);
        for b in self.touched_blocks(&a) {
            if let Some(set) = self.per_block.get_mut(b) {
                set.insert(key.clone());
            }
        }
        self.order.insert(key);
        self.by_span
            .insert((a.start, a.end, a.label.clone()), a.id.clone());
        *self.label_counts.entry(a.label.clone()).or_insert(0) += 1;
        self.by_id.insert(a.id.clone(), a);
    }

    /// Take the annotation out of every index (no revision bump).
    fn unlink(&mut self, id: &str) -> Option<Annotation> {
        let a = self.by_id.remove(id)?;
        let key = key_of(&a);
        for b in self.touched_blocks(&a) {
            if let Some(set) = self.per_block.get_mut(b) {
                set.remove(&key);
            }
        }
        self.order.remove(&key);
        self.by_span.remove(&(a.start, a.end, a.label.clone()));
        if let Some(n) = self.label_counts.get_mut(&a.label) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.label_counts.remove(&a.label);
            }
        }
        Some(a)
    }

    /// One change touching `blocks`.
    fn bump(&mut self, blocks: Range<usize>) {
        self.rev = self.rev.wrapping_add(1);
        self.bump_blocks(blocks);
    }

    fn bump_blocks(&mut self, blocks: impl Iterator<Item = usize>) {
        for b in blocks {
            if let Some(r) = self.block_revs.get_mut(b) {
                *r = r.wrapping_add(1);
            }
        }
    }

    /// Check every internal invariant against `doc`, panicking with a
    /// description of the first one broken. For tests and debugging (like
    /// ropey's `assert_invariants`); O(n log n).
    #[doc(hidden)]
    #[allow(clippy::panic)]
    pub fn assert_invariants(&self, doc: &Document) {
        assert_eq!(self.doc_id, doc.id(), "document id");
        assert_eq!(self.blocks, doc.blocks(), "blocks");
        assert_eq!(
            self.per_block.len(),
            self.blocks.len(),
            "per-block index length"
        );
        assert_eq!(
            self.block_revs.len(),
            self.blocks.len(),
            "block revisions length"
        );
        assert_eq!(self.order.len(), self.by_id.len(), "order index size");
        assert_eq!(self.by_span.len(), self.by_id.len(), "span index size");
        let mut per_block_total = 0;
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (id, a) in &self.by_id {
            assert_eq!(id, &a.id, "annotation stored under another id");
            if let Err(e) = self.check(doc, a) {
                panic!("annotation {id:?} is invalid: {e}");
            }
            assert!(self.order.contains(&key_of(a)), "{id:?} missing from order");
            assert_eq!(
                self.by_span.get(&(a.start, a.end, a.label.clone())),
                Some(id),
                "{id:?} missing from span index"
            );
            let touched = self.touched_blocks(a);
            assert!(!touched.is_empty(), "{id:?} touches no block");
            assert_eq!(touched, doc.blocks_overlapping(a.start, a.end));
            for b in touched.clone() {
                assert!(
                    self.per_block[b].contains(&key_of(a)),
                    "{id:?} missing from block {b}"
                );
            }
            per_block_total += touched.len();
            *counts.entry(a.label.clone()).or_insert(0) += 1;
        }
        let stored: usize = self.per_block.iter().map(BTreeSet::len).sum();
        assert_eq!(stored, per_block_total, "per-block index has extra entries");
        assert_eq!(counts, self.label_counts, "label counts");
        let mut prev: Option<&Annotation> = None;
        for a in self.iter() {
            if let Some(p) = prev {
                assert!(p.order_key() < a.order_key(), "iteration out of order");
            }
            prev = Some(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Timestamp;

    fn doc() -> Document {
        // blocks: [0,11) "Alice Smith", [13,30) "works at\nAcme Inc"
        Document::from_plain_text("Alice Smith\n\nworks at\nAcme Inc\n\n\nThe end.")
    }

    /// Also outside the text (with an empty quote), for the refusals.
    fn ann(d: &Document, id: &str, start: usize, end: usize, label: &str) -> Annotation {
        Annotation::at(d, id, start, end, label, Timestamp(0)).unwrap_or_else(|| Annotation {
            start,
            end,
            ..Annotation::at(d, id, 0, 0, label, Timestamp(0)).expect("an empty range")
        })
    }

    #[test]
    fn insert_get_iterate() {
        let d = doc();
        let mut s = AnnotationSet::new(&d);
        assert!(s.is_empty());
        s.insert(&d, ann(&d, "b", 6, 11, "person")).unwrap();
        s.insert(&d, ann(&d, "a", 0, 11, "person")).unwrap();
        s.insert(&d, ann(&d, "c", 22, 30, "organisation")).unwrap();
        s.assert_invariants(&d);
        assert_eq!(s.len(), 3);
        assert_eq!(s.get("b").unwrap().quote, "Smith");
        assert!(s.contains("c") && !s.contains("z"));
        let order: Vec<_> = s.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        let b0: Vec<_> = s.in_block(0).map(|a| a.id.as_str()).collect();
        assert_eq!(b0, ["a", "b"]);
        let b1: Vec<_> = s.in_block(1).map(|a| a.id.as_str()).collect();
        assert_eq!(b1, ["c"]);
        assert_eq!(s.in_block(2).count(), 0);
        assert_eq!(s.in_block(99).count(), 0);
        let counts = s.counts_by_label();
        assert_eq!(counts.get("person"), Some(&2));
        assert_eq!(counts.get("organisation"), Some(&1));
        assert_eq!(counts.get("claim"), None);
    }

    #[test]
    fn refusals() {
        let d = doc();
        let mut s = AnnotationSet::new(&d);
        s.insert(&d, ann(&d, "a", 0, 5, "person")).unwrap();
        let n = d.len_chars();
        let cases = [
            (ann(&d, "", 0, 5, "x"), SpanError::EmptyId),
            (ann(&d, "e", 3, 3, "x"), SpanError::Empty { start: 3 }),
            (
                ann(&d, "r", 5, 3, "x"),
                SpanError::Reversed { start: 5, end: 3 },
            ),
            (
                ann(&d, "o", 0, n + 1, "x"),
                SpanError::OutOfRange {
                    start: 0,
                    end: n + 1,
                    len: n,
                },
            ),
            (
                ann(&d, "g", 11, 13, "x"),
                SpanError::OutsideBlocks { start: 11, end: 13 },
            ),
            (ann(&d, "a", 6, 11, "x"), SpanError::DuplicateId("a".into())),
            (
                ann(&d, "dup", 0, 5, "person"),
                SpanError::DuplicateSpan {
                    start: 0,
                    end: 5,
                    label: "person".into(),
                    existing: "a".into(),
                },
            ),
        ];
        for (a, e) in cases {
            assert_eq!(s.insert(&d, a), Err(e));
        }
        let mut bad = ann(&d, "q", 0, 5, "x");
        bad.quote = "Bob".into();
        assert!(matches!(
            s.insert(&d, bad),
            Err(SpanError::QuoteMismatch { .. })
        ));
        let other = Document::from_plain_text("Alice Smith\n\nsomething else entirely");
        assert_eq!(
            s.insert(&other, ann(&other, "w", 0, 5, "x")),
            Err(SpanError::WrongDocument)
        );
        // Same range, other label: allowed (overlap).
        s.insert(&d, ann(&d, "b", 0, 5, "claim")).unwrap();
        s.assert_invariants(&d);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn cross_block_annotation_is_in_each_block_and_bumps_each() {
        let d = doc();
        let mut s = AnnotationSet::new(&d);
        let r0 = (s.block_rev(0), s.block_rev(1), s.block_rev(2));
        assert_eq!(r0, (0, 0, 0));
        s.insert(&d, ann(&d, "x", 6, 17, "claim")).unwrap();
        assert_eq!(s.touched_blocks(s.get("x").unwrap()), 0..2);
        assert_eq!(s.in_block(0).count(), 1);
        assert_eq!(s.in_block(1).count(), 1);
        assert_eq!((s.block_rev(0), s.block_rev(1), s.block_rev(2)), (1, 1, 0));
        // Covering a point in the blank gap.
        assert_eq!(s.covering(11).len(), 1);
        assert_eq!(s.covering(12).len(), 1);
        assert_eq!(s.covering(17).len(), 0);
        assert_eq!(s.covering(5).len(), 0);
        // Replace with a range in block 1 only: blocks 0 and 1 bumped once.
        let mut moved = ann(&d, "x", 13, 18, "claim");
        moved.note = "n".into();
        let old = s.replace(&d, moved).unwrap();
        assert_eq!(old.start, 6);
        assert_eq!((s.block_rev(0), s.block_rev(1), s.block_rev(2)), (2, 2, 0));
        // Note-only replace bumps only block 1.
        let mut again = s.get("x").unwrap().clone();
        again.note = "m".into();
        s.replace(&d, again).unwrap();
        assert_eq!((s.block_rev(0), s.block_rev(1), s.block_rev(2)), (2, 3, 0));
        assert!(s.remove("x").is_some());
        assert_eq!((s.block_rev(0), s.block_rev(1), s.block_rev(2)), (2, 4, 0));
        assert!(s.remove("x").is_none());
        assert_eq!(s.block_rev(9), 0);
        s.assert_invariants(&d);
    }

    #[test]
    fn replace_refusals() {
        let d = doc();
        let mut s = AnnotationSet::new(&d);
        s.insert(&d, ann(&d, "a", 0, 5, "person")).unwrap();
        s.insert(&d, ann(&d, "b", 0, 5, "claim")).unwrap();
        assert_eq!(
            s.replace(&d, ann(&d, "z", 0, 5, "person")),
            Err(SpanError::NotFound("z".into()))
        );
        assert!(matches!(
            s.replace(&d, ann(&d, "b", 0, 5, "person")),
            Err(SpanError::DuplicateSpan { .. })
        ));
        let rev = s.rev();
        assert!(s.replace(&d, ann(&d, "b", 3, 3, "claim")).is_err());
        assert_eq!(s.rev(), rev, "failed replace changes nothing");
        s.assert_invariants(&d);
    }

    #[test]
    fn covering_is_outermost_first() {
        let d = doc();
        let mut s = AnnotationSet::new(&d);
        s.insert(&d, ann(&d, "inner", 6, 8, "person")).unwrap();
        s.insert(&d, ann(&d, "outer", 0, 11, "claim")).unwrap();
        s.insert(&d, ann(&d, "mid", 6, 11, "person")).unwrap();
        let ids: Vec<_> = s.covering(7).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["outer", "mid", "inner"]);
        let ids: Vec<_> = s.covering(9).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["outer", "mid"]);
        assert!(s.covering(usize::MAX).is_empty());
        assert_eq!(
            s.find_span(6, 11, "person").map(|a| a.id.as_str()),
            Some("mid")
        );
        assert!(s.find_span(6, 11, "claim").is_none());
    }

    #[test]
    fn errors_read_as_english() {
        let e = SpanError::QuoteMismatch {
            start: 0,
            end: 5,
            expected: "Alice".into(),
            found: "x".repeat(100),
        };
        let msg = e.to_string();
        assert!(msg.contains("does not match"), "{msg}");
        assert!(msg.contains('…') && msg.len() < 160, "{msg}");
    }
}
