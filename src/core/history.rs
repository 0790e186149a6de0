//! Undo and redo.
//!
//! Every user operation is recorded as one [`Entry`]: a list of primitive
//! [`Edit`]s, each the state of one annotation before and after. Edits are
//! applied in order; undoing applies their inverses in reverse order, so
//! undo and redo are exact inverses whatever the operation was (an add, a
//! relabel, or an import touching hundreds of annotations).
//!
//! The undo stack is bounded ([`HISTORY_LIMIT`]): past it the oldest entry
//! is dropped. Recording a new entry clears the redo stack.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use super::document::Document;
use super::revision::{DocMeta, Orphan};
use super::span::{Annotation, LabelSet};
use super::spans::{AnnotationSet, SpanError};

/// How many operations can be undone.
pub const HISTORY_LIMIT: usize = 500;

/// One primitive change to one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanEdit {
    /// The annotation's id.
    pub id: String,
    /// Before the edit (`None`: it did not exist).
    pub before: Option<Annotation>,
    /// After the edit (`None`: it no longer exists).
    pub after: Option<Annotation>,
}

impl SpanEdit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> SpanEdit {
        SpanEdit {
            id: self.id.clone(),
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// One primitive change to one record of a document. Every kind of record
/// goes through this one type, so one history undoes any mix of them and
/// one rule (an entry is the edits in order, undone in reverse) holds for
/// all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a log of small edits; boxing buys nothing here
pub enum Edit {
    /// An annotation came, went or changed.
    Span(SpanEdit),
    /// The label set changed (added, renamed, recoloured, re-keyed,
    /// reordered or removed labels). The whole set before and after: it is
    /// small, and its order is part of it.
    Labels {
        /// The set before.
        before: LabelSet,
        /// The set after.
        after: LabelSet,
    },
    /// The text changed (a new revision, or its undo). Every annotation
    /// must have been removed before (the annotation set is per text), and
    /// is inserted again after by span edits.
    Text {
        /// The text before.
        before: Rc<Document>,
        /// The text after.
        after: Rc<Document>,
        /// The identity before (its revisions).
        meta_before: DocMeta,
        /// The identity after.
        meta_after: DocMeta,
    },
    /// An orphan came, went or changed.
    Orphan {
        /// The annotation's id.
        id: String,
        /// Before (`None`: not an orphan).
        before: Option<Orphan>,
        /// After.
        after: Option<Orphan>,
    },
    /// An annotation's "edited by a revision, not yet reviewed" mark,
    /// holding its quote before the revision.
    Edited {
        /// The annotation's id.
        id: String,
        /// Before (`None`: not marked).
        before: Option<String>,
        /// After.
        after: Option<String>,
    },
}

impl Edit {
    /// A change to annotation `id`.
    pub fn span(
        id: impl Into<String>,
        before: Option<Annotation>,
        after: Option<Annotation>,
    ) -> Edit {
        Edit::Span(SpanEdit {
            id: id.into(),
            before,
            after,
        })
    }

    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self {
            Edit::Span(e) => Edit::Span(e.inverse()),
            Edit::Labels { before, after } => Edit::Labels {
                before: after.clone(),
                after: before.clone(),
            },
            Edit::Text {
                before,
                after,
                meta_before,
                meta_after,
            } => Edit::Text {
                before: Rc::clone(after),
                after: Rc::clone(before),
                meta_before: meta_after.clone(),
                meta_after: meta_before.clone(),
            },
            Edit::Orphan { id, before, after } => Edit::Orphan {
                id: id.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Edit::Edited { id, before, after } => Edit::Edited {
                id: id.clone(),
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// The annotation edit, if this is one.
    pub fn as_span(&self) -> Option<&SpanEdit> {
        match self {
            Edit::Span(e) => Some(e),
            _ => None,
        }
    }
}

/// One user operation: what it was, and its edits in the order applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Plain-English description (`Tagged “Patrick Starck” as Person`).
    pub summary: String,
    /// The primitive edits, in application order.
    pub edits: Vec<Edit>,
}

impl Entry {
    /// The edits that undo this entry, in application order.
    pub fn inverse_edits(&self) -> Vec<Edit> {
        self.edits.iter().rev().map(Edit::inverse).collect()
    }
}

/// Why a list of edits could not be applied: the records are not in the
/// state the edits expect.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The annotation is not as the edit expects to find it.
    #[error("annotation {id:?} is not in the expected state")]
    Mismatch {
        /// Its id.
        id: String,
    },
    /// The labels are not as the edit expects to find them.
    #[error("the labels are not in the expected state")]
    LabelsMismatch,
    /// The text (or its orphans and marks) is not as the edit expects.
    #[error("the text is not in the expected state")]
    TextMismatch,
    /// The set refused the new state.
    #[error(transparent)]
    Span(#[from] SpanError),
}

/// The records edits apply to.
pub struct Records<'a> {
    /// The document's text.
    pub doc: &'a mut Rc<Document>,
    /// Its identity and revisions.
    pub meta: &'a mut DocMeta,
    /// The label set.
    pub labels: &'a mut LabelSet,
    /// The annotations.
    pub set: &'a mut AnnotationSet,
    /// Orphans, by annotation id.
    pub orphans: &'a mut BTreeMap<String, Orphan>,
    /// Edited marks (quote before the revision), by annotation id.
    pub edited: &'a mut BTreeMap<String, String>,
}

/// Replace `map[id]`, expected to be `before`, by `after`.
fn swap<T: PartialEq + Clone>(
    map: &mut BTreeMap<String, T>,
    id: &str,
    before: &Option<T>,
    after: &Option<T>,
) -> Result<(), EditError> {
    if map.get(id) != before.as_ref() {
        return Err(EditError::TextMismatch);
    }
    match after {
        Some(v) => {
            map.insert(id.to_owned(), v.clone());
        }
        None => {
            map.remove(id);
        }
    }
    Ok(())
}

fn apply_span(set: &mut AnnotationSet, doc: &Document, e: &SpanEdit) -> Result<(), EditError> {
    let mismatch = || EditError::Mismatch { id: e.id.clone() };
    if e.before.as_ref().is_some_and(|b| b.id != e.id)
        || e.after.as_ref().is_some_and(|a| a.id != e.id)
    {
        return Err(mismatch());
    }
    if set.get(&e.id) != e.before.as_ref() {
        return Err(mismatch());
    }
    match (&e.before, &e.after) {
        (None, None) => {}
        (Some(_), None) => {
            set.remove(&e.id).ok_or_else(mismatch)?;
        }
        (None, Some(a)) => set.insert(doc, a.clone())?,
        (Some(b), Some(a)) => {
            if a != b {
                set.replace(doc, a.clone())?;
            }
        }
    }
    Ok(())
}

fn apply_one(r: &mut Records<'_>, e: &Edit) -> Result<(), EditError> {
    match e {
        Edit::Span(e) => apply_span(r.set, r.doc, e),
        Edit::Text {
            before,
            after,
            meta_before,
            meta_after,
        } => {
            if !r.set.is_empty() || r.doc.text() != before.text() || r.meta != meta_before {
                return Err(EditError::TextMismatch);
            }
            *r.doc = Rc::clone(after);
            *r.set = AnnotationSet::new(after);
            meta_after.clone_into(r.meta);
            Ok(())
        }
        Edit::Orphan { id, before, after } => swap(r.orphans, id, before, after),
        Edit::Edited { id, before, after } => swap(r.edited, id, before, after),
        Edit::Labels { before, after } => {
            if r.labels != before {
                return Err(EditError::LabelsMismatch);
            }
            after.clone_into(r.labels);
            Ok(())
        }
    }
}

/// Apply `edits` in order. All or nothing: if one fails, those already
/// applied are undone and the records are as before.
pub fn apply_edits(r: &mut Records<'_>, edits: &[Edit]) -> Result<(), EditError> {
    for (i, e) in edits.iter().enumerate() {
        if let Err(err) = apply_one(r, e) {
            for done in edits.iter().take(i).rev() {
                // Exact inverses of edits just applied: cannot fail.
                let _ = apply_one(r, &done.inverse());
            }
            return Err(err);
        }
    }
    Ok(())
}

/// The undo and redo stacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    undo: VecDeque<Entry>,
    redo: Vec<Entry>,
    limit: usize,
}

impl Default for History {
    fn default() -> Self {
        Self::new()
    }
}

impl History {
    /// Empty, keeping up to [`HISTORY_LIMIT`] entries.
    pub fn new() -> Self {
        Self::with_limit(HISTORY_LIMIT)
    }

    /// Empty, keeping up to `limit` entries (at least one).
    pub fn with_limit(limit: usize) -> Self {
        History {
            undo: VecDeque::new(),
            redo: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Record a new operation: clears the redo stack and drops the oldest
    /// entry past the limit.
    pub fn record(&mut self, entry: Entry) {
        self.redo.clear();
        self.push_undo(entry);
    }

    fn push_undo(&mut self, entry: Entry) {
        self.undo.push_back(entry);
        while self.undo.len() > self.limit {
            self.undo.pop_front();
        }
    }

    /// Take the entry to undo; hand it back with [`History::undone`] once
    /// its edits are reverted. An entry whose edits no longer apply is not
    /// handed back: it is dropped.
    pub fn take_undo(&mut self) -> Option<Entry> {
        self.undo.pop_back()
    }

    /// `entry` was undone: it becomes the next redo.
    pub fn undone(&mut self, entry: Entry) {
        self.redo.push(entry);
    }

    /// Take the entry to redo; hand it back with [`History::redone`] once
    /// its edits are reapplied (or drop it, as for undo).
    pub fn take_redo(&mut self) -> Option<Entry> {
        self.redo.pop()
    }

    /// `entry` was redone: it becomes the next undo (redo stack kept).
    pub fn redone(&mut self, entry: Entry) {
        self.push_undo(entry);
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Number of undoable entries.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Number of redoable entries.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// Summary of what undo would revert.
    pub fn undo_summary(&self) -> Option<&str> {
        self.undo.back().map(|e| e.summary.as_str())
    }

    /// Summary of what redo would reapply.
    pub fn redo_summary(&self) -> Option<&str> {
        self.redo.last().map(|e| e.summary.as_str())
    }

    /// The depth limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Drop every entry (undo and redo) that edits one of `ids`: their
    /// recorded states are no longer what those annotations are (another
    /// copy changed them), so they could not be applied. Returns how many
    /// were dropped. Entries about other annotations stay.
    pub fn forget(&mut self, ids: &std::collections::BTreeSet<String>) -> usize {
        self.forget_where(|x| x.as_span().is_some_and(|x| ids.contains(&x.id)))
    }

    /// Drop every entry that edits the label set (another copy changed
    /// it, so their recorded states no longer match). Returns how many.
    pub fn forget_labels(&mut self) -> usize {
        self.forget_where(|x| matches!(x, Edit::Labels { .. }))
    }

    /// Drop every entry (undo and redo) with an edit that is `stale`;
    /// returns how many.
    fn forget_where(&mut self, stale: impl Fn(&Edit) -> bool) -> usize {
        let keep = |e: &Entry| !e.edits.iter().any(&stale);
        let before = self.undo.len() + self.redo.len();
        self.undo.retain(keep);
        self.redo.retain(keep);
        before - self.undo.len() - self.redo.len()
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Timestamp;

    fn entry(n: usize) -> Entry {
        Entry {
            summary: format!("op {n}"),
            edits: Vec::new(),
        }
    }

    #[test]
    fn bounded_and_redo_cleared() {
        let mut h = History::with_limit(3);
        for i in 0..5 {
            h.record(entry(i));
        }
        assert_eq!(h.undo_len(), 3);
        assert_eq!(h.undo_summary(), Some("op 4"));
        let e = h.take_undo().unwrap();
        h.undone(e);
        assert_eq!(h.redo_summary(), Some("op 4"));
        assert!(h.can_redo());
        h.record(entry(9));
        assert!(!h.can_redo());
        let mut seen = Vec::new();
        while let Some(e) = h.take_undo() {
            seen.push(e.summary);
        }
        assert_eq!(seen, ["op 9", "op 3", "op 2"]);
        assert_eq!(History::with_limit(0).limit(), 1);
    }

    #[test]
    fn failed_edit_list_rolls_back() {
        let d = Document::from_plain_text("Alice and Bob");
        let mut set = AnnotationSet::new(&d);
        let mut labels = LabelSet::default();
        let mut doc = Rc::new(d.clone());
        let mut meta = DocMeta::legacy(&d);
        let (mut orphans, mut edited) = (BTreeMap::new(), BTreeMap::new());
        let a = |id: &str, s: usize, e: usize| Annotation {
            id: id.into(),
            start: s,
            end: e,
            label: "person".into(),
            quote: d.slice(s, e).unwrap().into(),
            note: String::new(),
            created: Timestamp(0),
            modified: Timestamp(0),
        };
        macro_rules! recs {
            () => {
                Records {
                    doc: &mut doc,
                    meta: &mut meta,
                    labels: &mut labels,
                    set: &mut set,
                    orphans: &mut orphans,
                    edited: &mut edited,
                }
            };
        }
        let edits = vec![
            Edit::span("x", None, Some(a("x", 0, 5))),
            Edit::span("y", None, Some(a("y", 10, 13))),
            // Expects "x" to be absent: it is not.
            Edit::span("x", None, Some(a("x", 0, 5))),
        ];
        assert_eq!(
            apply_edits(&mut recs!(), &edits),
            Err(EditError::Mismatch { id: "x".into() })
        );
        assert!(set.is_empty());
        let good = &edits[..2];
        apply_edits(&mut recs!(), good).unwrap();
        assert_eq!(set.len(), 2);
        let inverse = Entry {
            summary: String::new(),
            edits: good.to_vec(),
        }
        .inverse_edits();
        apply_edits(&mut recs!(), &inverse).unwrap();
        assert!(set.is_empty());
        set.assert_invariants(&d);
    }
}
