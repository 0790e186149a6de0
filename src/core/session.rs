//! An editing session: one document, its labels, its annotations and the
//! undo history. Everything the user does goes through [`Session::apply`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::rc::Rc;

use thiserror::Error;

use super::anchor::{self, Evidence, Outcome};
use super::document::Document;
use super::history::{apply_edits, Edit, EditError, Entry, History, Records};
use super::revision::{sha256, DocMeta, Orphan, Revision};
use super::span::{Annotation, LabelDef, LabelError, LabelSet};
use super::spans::{AnnotationSet, SpanError};
use super::time::Timestamp;

/// How imported annotations combine with those already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ImportMode {
    /// Union by id: the newer `modified` wins (ties keep the current one);
    /// an annotation with the same range and label as an existing one
    /// under another id is skipped.
    #[default]
    Merge,
    /// Remove everything, then insert the imported annotations.
    Replace,
}

/// Something the user does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Tag `[start, end)` (trimmed of whitespace at both ends) with `label`.
    Add {
        /// Id of the new annotation (the shell makes a UUID).
        id: String,
        /// Selection start, code points.
        start: usize,
        /// Selection end, code points.
        end: usize,
        /// Label id.
        label: String,
        /// Creation time.
        now: Timestamp,
    },
    /// Delete an annotation.
    Delete {
        /// Its id.
        id: String,
    },
    /// Change an annotation's label.
    Relabel {
        /// Its id.
        id: String,
        /// New label id.
        label: String,
        /// Modification time.
        now: Timestamp,
    },
    /// Change an annotation's note.
    EditNote {
        /// Its id.
        id: String,
        /// New note (may be empty).
        note: String,
        /// Modification time.
        now: Timestamp,
    },
    /// Bring in annotations from a file. All or nothing: if any is
    /// invalid, nothing changes and all problems are reported.
    Import {
        /// The annotations, in file order.
        annotations: Vec<Annotation>,
        /// Merge with or replace the current ones.
        mode: ImportMode,
        /// The file's labels, if it has its own: those this document lacks
        /// are added in the same step (a label both have keeps this
        /// document's definition; [`LabelSet::union`] names them).
        labels: Option<LabelSet>,
    },
    /// Bring in another copy of this document's state (another tab's
    /// save): annotations plus their causal lengths (see
    /// [`Session::causal_length`]). For every id the longer causal length
    /// wins, so a deletion made elsewhere removes the annotation here and a
    /// deletion made here is not undone by an older copy; content present
    /// on both sides merges as in [`ImportMode::Merge`]; the same span and
    /// label under two ids keeps one (newer `modified`, then smaller id).
    /// All or nothing. Not an undoable step: undo reverts only this user's
    /// own steps, and steps about annotations the sync changed are dropped
    /// from the history.
    Sync {
        /// The other copy's live annotations.
        annotations: Vec<Annotation>,
        /// Its causal lengths other than the default (1 for a live
        /// annotation, 0 for an unknown id).
        lengths: BTreeMap<String, u32>,
        /// Its labels: those this copy lacks are added (a label both have
        /// keeps this copy's definition), so its annotations always find
        /// their label.
        labels: LabelSet,
    },
    /// Add a label at the end of the set.
    AddLabel {
        /// The new label (its id must be new, its key free or empty).
        label: LabelDef,
    },
    /// Rename, recolour, re-key or restyle a label (same id).
    UpdateLabel {
        /// The label's id.
        id: String,
        /// Its new definition.
        label: LabelDef,
    },
    /// Move a label to another position of the set.
    MoveLabel {
        /// The label's id.
        id: String,
        /// Its new position (0 is first).
        to: usize,
    },
    /// Remove a label. If annotations use it, `fate` says what becomes of
    /// them; without one the removal is refused ([`CoreError::LabelInUse`]),
    /// so nothing is ever dropped silently.
    RemoveLabel {
        /// The label's id.
        id: String,
        /// What happens to its annotations.
        fate: Option<LabelFate>,
        /// Modification time for relabelled annotations.
        now: Timestamp,
    },
    /// Replace the text by a new version of it, carrying every
    /// annotation to its words in the new text or making it an orphan (see
    /// [`Session::plan_revision`], which makes the plan). One undoable step.
    Revise {
        /// The plan, made on the current text.
        plan: RevisionPlan,
    },
    /// Put an orphan back on the text at `[start, end)` (its quote becomes
    /// the text there).
    Reattach {
        /// The orphan's id.
        id: String,
        /// Start, code points.
        start: usize,
        /// End, code points.
        end: usize,
        /// Modification time.
        now: Timestamp,
    },
    /// Delete an orphan for good (undoable).
    DeleteOrphan {
        /// Its id.
        id: String,
    },
    /// Clear the mark an annotation edited by a revision carries.
    MarkReviewed {
        /// The annotation's id.
        id: String,
    },
    /// Revert the last operation.
    Undo,
    /// Reapply the last undone operation.
    Redo,
}

/// A revision worked out on the current text, to apply with
/// [`Action::Revise`] (or to show the user first: how many annotations it
/// would keep).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionPlan {
    /// The text it was made on (its hash): the plan applies to that text
    /// only.
    pub base: String,
    /// The new text.
    pub doc: Rc<Document>,
    /// The new revision.
    pub revision: Revision,
    /// Each annotation's evidence on the current text, document order.
    pub evidence: Vec<(String, Evidence)>,
    /// Where each went.
    pub outcomes: Vec<Outcome>,
    /// The counts.
    pub summary: anchor::Summary,
}

/// What becomes of the annotations of a removed label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelFate {
    /// They take this other label.
    Relabel(String),
    /// They are deleted (undoably, with the removal).
    Delete,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// New annotations.
    pub added: usize,
    /// Existing annotations replaced by a newer version.
    pub updated: usize,
    /// Annotations already present (same or newer version kept).
    pub unchanged: usize,
    /// Skipped: same range and label as an existing annotation with
    /// another id (merge only).
    pub skipped_duplicates: usize,
    /// Annotations removed (replace only).
    pub removed: usize,
}

/// What an applied action changed, for the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Blocks to re-render: sorted, no duplicates. Empty when nothing
    /// changed.
    pub touched_blocks: Vec<usize>,
    /// Annotation to focus afterwards (the new one after an add, the
    /// edited one after a relabel, the restored one after undoing a
    /// delete…).
    pub focus: Option<String>,
    /// Plain-English description for a status line.
    pub summary: String,
    /// For imports: the counts.
    pub import: Option<ImportStats>,
    /// Whether any record changed (an annotation, a label…). A change to
    /// records shown outside the article (a label's colour) may touch no
    /// block and still has to be saved and shown.
    pub edited: bool,
    /// Whether the label set changed.
    pub labels_changed: bool,
    /// Whether the text changed (a revision or its undo): every block is
    /// new.
    pub text_changed: bool,
    /// For a revision: where the annotations went.
    pub revision: Option<anchor::Summary>,
}

impl Change {
    /// Whether the action changed nothing (and left no history entry).
    pub fn is_noop(&self) -> bool {
        !self.edited
    }

    fn of(session: &Session, edits: &[Edit], focus: Option<String>, summary: String) -> Change {
        Change {
            touched_blocks: session.touched(edits),
            focus,
            summary,
            import: None,
            edited: !edits.is_empty(),
            labels_changed: edits.iter().any(|e| matches!(e, Edit::Labels { .. })),
            text_changed: edits.iter().any(|e| matches!(e, Edit::Text { .. })),
            revision: None,
        }
    }
}

/// One refused annotation of an import or load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAnnotation {
    /// Position in the list given.
    pub index: usize,
    /// Its id.
    pub id: String,
    /// Why.
    pub error: SpanError,
}

impl fmt::Display for InvalidAnnotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "annotation #{} ({:?}): {}",
            self.index + 1,
            self.id,
            self.error
        )
    }
}

/// A list of refused annotations, displayed as a sentence.
fn describe_invalid(list: &[InvalidAnnotation]) -> String {
    const SHOWN: usize = 3;
    let n = list.len();
    let mut s = if n == 1 {
        "1 annotation is invalid, nothing was changed: ".to_owned()
    } else {
        format!("{n} annotations are invalid, nothing was changed: ")
    };
    let parts: Vec<String> = list.iter().take(SHOWN).map(ToString::to_string).collect();
    s.push_str(&parts.join("; "));
    if n > SHOWN {
        s.push_str(&format!("; and {} more", n - SHOWN));
    }
    s
}

/// Why an action was refused. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CoreError {
    /// The annotation set refused the result (unknown id, duplicate…).
    #[error(transparent)]
    Span(#[from] SpanError),
    /// The selection is past the end of the document.
    #[error("the selection {start}..{end} is outside the document ({len} characters)")]
    OutOfRange {
        /// Selection start.
        start: usize,
        /// Selection end.
        end: usize,
        /// Document length in code points.
        len: usize,
    },
    /// Nothing is selected.
    #[error("nothing is selected")]
    EmptySelection,
    /// The selection is only whitespace.
    #[error("the selection contains only spaces")]
    BlankSelection,
    /// The label set refused the change.
    #[error(transparent)]
    Label(#[from] LabelError),
    /// A label that annotations use was to be removed without saying what
    /// becomes of them.
    #[error("{count} annotations use the label {name}: say whether to relabel or delete them")]
    LabelInUse {
        /// The label's name.
        name: String,
        /// How many annotations use it.
        count: usize,
    },
    /// A revision plan made on another text than the current one.
    #[error("the new version was compared with another text than the one shown; load it again")]
    StalePlan,
    /// No orphan with this id.
    #[error("there is no orphaned annotation {0:?}")]
    NoOrphan(String),
    /// Undo with an empty undo stack.
    #[error("there is nothing to undo")]
    NothingToUndo,
    /// Redo with an empty redo stack.
    #[error("there is nothing to redo")]
    NothingToRedo,
    /// Some annotations of an import or load are invalid.
    #[error("{}", describe_invalid(.0))]
    Invalid(Vec<InvalidAnnotation>),
    /// An undo or redo step no longer fits the annotations (changed in
    /// another tab meanwhile): the step was dropped from the history, so
    /// the next undo goes on with the step before; nothing changed.
    #[error("this step can no longer be undone or redone, because the annotations changed meanwhile ({0}); it was dropped from the history and nothing was changed")]
    History(EditError),
}

/// One document being annotated.
#[derive(Clone, Debug)]
pub struct Session {
    doc: Rc<Document>,
    meta: DocMeta,
    labels: LabelSet,
    set: AnnotationSet,
    orphans: BTreeMap<String, Orphan>,
    edited: BTreeMap<String, String>,
    history: History,
    /// Causal lengths that differ from the default (see
    /// [`Session::causal_length`]).
    lengths: BTreeMap<String, u32>,
}

/// Whether edits are this user's undoable step.
#[derive(Clone, Copy)]
enum Step {
    /// Yes: recorded in the history.
    Recorded,
    /// No: another copy's changes brought in.
    FromElsewhere,
}

/// The smallest causal length `>= n` that says `live`: odd for a live
/// annotation, even for a deleted one.
fn agree(n: u32, live: bool) -> u32 {
    if (n % 2 == 1) == live {
        n
    } else {
        n.saturating_add(1)
    }
}

/// `“quote”`, shortened.
fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    let mut q: String = s.chars().take(MAX).collect();
    if s.chars().nth(MAX).is_some() {
        q.push('…');
    }
    format!("“{q}”")
}

impl Session {
    /// A session with no annotations.
    pub fn new(doc: impl Into<Rc<Document>>, labels: LabelSet) -> Self {
        let doc = doc.into();
        let set = AnnotationSet::new(&doc);
        Session {
            meta: DocMeta::legacy(&doc),
            doc,
            labels,
            set,
            orphans: BTreeMap::new(),
            edited: BTreeMap::new(),
            history: History::new(),
            lengths: BTreeMap::new(),
        }
    }

    /// A session starting from saved annotations (load, reload); the
    /// history starts empty. All or nothing: every invalid annotation
    /// (unknown label, wrong quote, duplicate…) is reported.
    pub fn with_annotations(
        doc: impl Into<Rc<Document>>,
        labels: LabelSet,
        annotations: Vec<Annotation>,
    ) -> Result<Self, CoreError> {
        let mut s = Self::new(doc, labels);
        let mut errors = Vec::new();
        for (index, a) in annotations.into_iter().enumerate() {
            let id = a.id.clone();
            let r = if s.labels.contains(&a.label) {
                s.set.insert(&s.doc, a)
            } else {
                Err(SpanError::UnknownLabel(a.label))
            };
            if let Err(error) = r {
                errors.push(InvalidAnnotation { index, id, error });
            }
        }
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(CoreError::Invalid(errors))
        }
    }

    /// [`Session::with_annotations`], with the causal lengths saved with
    /// them. A length that contradicts the annotations (even for a live
    /// annotation, odd for a missing one) is corrected upwards to the next
    /// length that agrees: the annotations as stored always win, and no
    /// length ever decreases.
    pub fn restore(
        doc: impl Into<Rc<Document>>,
        labels: LabelSet,
        annotations: Vec<Annotation>,
        lengths: BTreeMap<String, u32>,
    ) -> Result<Self, CoreError> {
        let mut s = Self::with_annotations(doc, labels, annotations)?;
        for (id, n) in lengths {
            let live = s.set.contains(&id);
            let n = agree(n, live);
            if n > 1 {
                s.lengths.insert(id, n);
            }
        }
        Ok(s)
    }

    /// How many times annotation `id` came into or went out of existence:
    /// odd while it exists, even once deleted, 0 for an id never seen
    /// (a causal-length set). Copies of one document merge by keeping the
    /// longer length per id, which needs no clock.
    pub fn causal_length(&self, id: &str) -> u32 {
        self.lengths
            .get(id)
            .copied()
            .unwrap_or(u32::from(self.set.contains(id)))
    }

    /// Every causal length above 1 (deleted, or deleted and restored), by
    /// id: what must be saved besides the live annotations.
    pub fn causal_lengths(&self) -> &BTreeMap<String, u32> {
        &self.lengths
    }

    /// Count the annotations that `edits` (just applied) brought into or
    /// out of existence.
    fn count_lifecycles(&mut self, edits: &[Edit]) {
        let mut first: BTreeMap<&str, bool> = BTreeMap::new();
        let mut last: BTreeMap<&str, bool> = BTreeMap::new();
        for e in edits.iter().filter_map(Edit::as_span) {
            first.entry(e.id.as_str()).or_insert(e.before.is_some());
            last.insert(e.id.as_str(), e.after.is_some());
        }
        for (id, was) in first {
            let is = last.get(id).copied().unwrap_or(was);
            if was != is {
                let before = self.lengths.get(id).copied().unwrap_or(u32::from(was));
                self.lengths.insert(id.to_owned(), before.saturating_add(1));
            }
        }
        self.lengths.retain(|_, n| *n > 1);
    }

    /// The document.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The document, shared.
    pub fn doc_rc(&self) -> Rc<Document> {
        Rc::clone(&self.doc)
    }

    /// The labels.
    pub fn labels(&self) -> &LabelSet {
        &self.labels
    }

    /// The annotations.
    pub fn annotations(&self) -> &AnnotationSet {
        &self.set
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Whether [`Action::Undo`] would do something.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether [`Action::Redo`] would do something.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Display name of a label id.
    fn label_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.labels.get(id).map_or(id, |l| l.name.as_str())
    }

    fn touched(&self, edits: &[Edit]) -> Vec<usize> {
        let mut blocks = BTreeSet::new();
        for e in edits {
            match e {
                Edit::Span(e) => {
                    for a in e.before.iter().chain(e.after.iter()) {
                        blocks.extend(self.set.touched_blocks(a));
                    }
                }
                // A label's name is in its highlights' tooltips and its
                // look in their classes: their blocks render again. Its
                // colour is in the generated stylesheet only.
                Edit::Labels { before, after } => {
                    let differs = |id: &str| {
                        let (b, a) = (before.get(id), after.get(id));
                        b.map(|l| (&l.name, l.look)) != a.map(|l| (&l.name, l.look))
                    };
                    for a in self.set.iter().filter(|a| differs(&a.label)) {
                        blocks.extend(self.set.touched_blocks(a));
                    }
                }
                // A new text: every block is new.
                Edit::Text { .. } => return (0..self.doc.blocks().len()).collect(),
                // An edited mark shows on its highlight.
                Edit::Edited { id, .. } => {
                    if let Some(a) = self.set.get(id) {
                        blocks.extend(self.set.touched_blocks(a));
                    }
                }
                Edit::Orphan { .. } => {}
            }
        }
        blocks.into_iter().collect()
    }

    /// Apply `edits` to this session's records, all or nothing.
    fn apply_all(&mut self, edits: &[Edit]) -> Result<(), EditError> {
        apply_edits(
            &mut Records {
                doc: &mut self.doc,
                meta: &mut self.meta,
                labels: &mut self.labels,
                set: &mut self.set,
                orphans: &mut self.orphans,
                edited: &mut self.edited,
            },
            edits,
        )
    }

    /// Record an operation whose edits are already applied.
    fn commit(&mut self, summary: String, edits: Vec<Edit>, focus: Option<String>) -> Change {
        let change = Change::of(self, &edits, focus, summary);
        self.count_lifecycles(&edits);
        if !edits.is_empty() {
            self.history.record(Entry {
                summary: change.summary.clone(),
                edits,
            });
        }
        change
    }

    fn noop(summary: String) -> Change {
        Change {
            summary,
            ..Change::default()
        }
    }

    /// Do `action`. On error nothing changed.
    pub fn apply(&mut self, action: Action) -> Result<Change, CoreError> {
        match action {
            Action::Add {
                id,
                start,
                end,
                label,
                now,
            } => self.add(id, start, end, label, now),
            Action::Delete { id } => self.delete(&id),
            Action::Relabel { id, label, now } => self.relabel(&id, label, now),
            Action::EditNote { id, note, now } => self.edit_note(&id, note, now),
            Action::Import {
                annotations,
                mode,
                labels,
            } => {
                let labels = self.unite_labels(labels.as_ref());
                let r = match mode {
                    ImportMode::Merge => self.import_merge(annotations, labels.clone()),
                    ImportMode::Replace => self.import_replace(annotations, labels.clone()),
                };
                if r.is_err() {
                    if let Some(Edit::Labels { before, .. }) = labels.first() {
                        self.labels = before.clone();
                    }
                }
                r
            }
            Action::Sync {
                annotations,
                lengths,
                labels,
            } => self.sync(annotations, lengths, &labels),
            Action::AddLabel { label } => self.add_label(label),
            Action::UpdateLabel { id, label } => self.update_label(&id, label),
            Action::MoveLabel { id, to } => self.move_label(&id, to),
            Action::RemoveLabel { id, fate, now } => self.remove_label(&id, fate, now),
            Action::Revise { plan } => self.revise(plan),
            Action::Reattach {
                id,
                start,
                end,
                now,
            } => self.reattach(&id, start, end, now),
            Action::DeleteOrphan { id } => self.delete_orphan(&id),
            Action::MarkReviewed { id } => self.mark_reviewed(&id),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
        }
    }

    fn add(
        &mut self,
        id: String,
        start: usize,
        end: usize,
        label: String,
        now: Timestamp,
    ) -> Result<Change, CoreError> {
        let len = self.doc.len_chars();
        if start > end {
            return Err(SpanError::Reversed { start, end }.into());
        }
        if end > len {
            return Err(CoreError::OutOfRange { start, end, len });
        }
        if start == end {
            return Err(CoreError::EmptySelection);
        }
        let text = self
            .doc
            .slice(start, end)
            .ok_or(CoreError::OutOfRange { start, end, len })?;
        let lead = text.chars().take_while(|c| c.is_whitespace()).count();
        let trail = text.chars().rev().take_while(|c| c.is_whitespace()).count();
        let (start, end) = (start + lead, end.saturating_sub(trail));
        if start >= end {
            return Err(CoreError::BlankSelection);
        }
        if !self.labels.contains(&label) {
            return Err(SpanError::UnknownLabel(label).into());
        }
        let a = Annotation::at(&self.doc, id.clone(), start, end, label, now)
            .ok_or(CoreError::OutOfRange { start, end, len })?;
        let summary = format!(
            "Tagged {} as {}",
            quoted(&a.quote),
            self.label_name(&a.label)
        );
        self.set.insert(&self.doc, a.clone())?;
        let edits = vec![Edit::span(id.clone(), None, Some(a))];
        Ok(self.commit(summary, edits, Some(id)))
    }

    fn delete(&mut self, id: &str) -> Result<Change, CoreError> {
        let a = self
            .set
            .remove(id)
            .ok_or_else(|| SpanError::NotFound(id.to_owned()))?;
        let summary = format!(
            "Deleted {} ({})",
            quoted(&a.quote),
            self.label_name(&a.label)
        );
        let edits = vec![Edit::span(id.to_owned(), Some(a), None)];
        Ok(self.commit(summary, edits, None))
    }

    /// Replace `old` by `new` (same id) and record it.
    fn modify(
        &mut self,
        old: Annotation,
        new: Annotation,
        summary: String,
    ) -> Result<Change, CoreError> {
        self.set.replace(&self.doc, new.clone())?;
        let id = new.id.clone();
        let edits = vec![Edit::span(id.clone(), Some(old), Some(new))];
        Ok(self.commit(summary, edits, Some(id)))
    }

    fn relabel(&mut self, id: &str, label: String, now: Timestamp) -> Result<Change, CoreError> {
        let old = self
            .set
            .get(id)
            .cloned()
            .ok_or_else(|| SpanError::NotFound(id.to_owned()))?;
        if !self.labels.contains(&label) {
            return Err(SpanError::UnknownLabel(label).into());
        }
        if old.label == label {
            let s = format!(
                "{} is already {}",
                quoted(&old.quote),
                self.label_name(&label)
            );
            return Ok(Self::noop(s));
        }
        let summary = format!(
            "Relabelled {} as {}",
            quoted(&old.quote),
            self.label_name(&label)
        );
        let new = Annotation {
            label,
            modified: now,
            ..old.clone()
        };
        self.modify(old, new, summary)
    }

    fn edit_note(&mut self, id: &str, note: String, now: Timestamp) -> Result<Change, CoreError> {
        let old = self
            .set
            .get(id)
            .cloned()
            .ok_or_else(|| SpanError::NotFound(id.to_owned()))?;
        if old.note == note {
            return Ok(Self::noop(format!(
                "The note on {} is unchanged",
                quoted(&old.quote)
            )));
        }
        let summary = format!("Edited the note on {}", quoted(&old.quote));
        let new = Annotation {
            note,
            modified: now,
            ..old.clone()
        };
        self.modify(old, new, summary)
    }

    /// Checks on an imported annotation that do not depend on the others.
    fn check_import(&self, a: &Annotation) -> Result<(), SpanError> {
        if !self.labels.contains(&a.label) {
            return Err(SpanError::UnknownLabel(a.label.clone()));
        }
        self.set.check(&self.doc, a)
    }

    /// Finish an import or a sync: all or nothing. An import is this
    /// user's step and enters the undo history. A sync is not (undo must
    /// not revert another tab's work): it leaves the history alone, except
    /// that the steps about annotations it changed are forgotten, since
    /// they no longer apply.
    fn finish_import(
        &mut self,
        edits: Vec<Edit>,
        errors: Vec<InvalidAnnotation>,
        stats: ImportStats,
        summary: String,
        step: Step,
    ) -> Result<Change, CoreError> {
        if !errors.is_empty() {
            let undo: Vec<Edit> = edits.iter().rev().map(Edit::inverse).collect();
            self.apply_all(&undo).map_err(CoreError::History)?;
            return Err(CoreError::Invalid(errors));
        }
        let mut change = match step {
            Step::Recorded => self.commit(summary, edits, None),
            Step::FromElsewhere => {
                let change = Change::of(self, &edits, None, summary);
                self.count_lifecycles(&edits);
                let changed: BTreeSet<String> = edits
                    .iter()
                    .filter_map(Edit::as_span)
                    .map(|e| e.id.clone())
                    .collect();
                self.history.forget(&changed);
                change
            }
        };
        change.import = Some(stats);
        Ok(change)
    }

    /// Add the labels of `other` that this document lacks, now, returning
    /// the edit (to begin the step's edits), if any.
    fn unite_labels(&mut self, other: Option<&LabelSet>) -> Vec<Edit> {
        let Some(other) = other else {
            return Vec::new();
        };
        let (union, _) = self.labels.union(other);
        if union == self.labels {
            return Vec::new();
        }
        let before = std::mem::replace(&mut self.labels, union.clone());
        vec![Edit::Labels {
            before,
            after: union,
        }]
    }

    fn import_merge(
        &mut self,
        incoming: Vec<Annotation>,
        mut edits: Vec<Edit>,
    ) -> Result<Change, CoreError> {
        let mut errors = Vec::new();
        let mut stats = ImportStats::default();
        self.merge_into(incoming, &mut edits, &mut errors, &mut stats);
        let mut summary = format!("Imported: {} added, {} updated", stats.added, stats.updated);
        if stats.unchanged > 0 {
            summary.push_str(&format!(", {} already present", stats.unchanged));
        }
        if stats.skipped_duplicates > 0 {
            summary.push_str(&format!(
                ", {} duplicates skipped",
                stats.skipped_duplicates
            ));
        }
        self.finish_import(edits, errors, stats, summary, Step::Recorded)
    }

    /// Remove annotation `id`, recording the edit; false if there is none.
    fn remove_recorded(&mut self, id: &str, edits: &mut Vec<Edit>) -> bool {
        let Some(old) = self.set.remove(id) else {
            return false;
        };
        edits.push(Edit::span(id.to_owned(), Some(old), None));
        true
    }

    /// Merge `incoming` into the set (union by id, newer `modified` wins,
    /// same span and label under another id skipped), recording edits,
    /// refusals and counts.
    fn merge_into(
        &mut self,
        incoming: Vec<Annotation>,
        edits: &mut Vec<Edit>,
        errors: &mut Vec<InvalidAnnotation>,
        stats: &mut ImportStats,
    ) {
        for (index, a) in incoming.into_iter().enumerate() {
            let fail = |error| InvalidAnnotation {
                index,
                id: a.id.clone(),
                error,
            };
            if let Err(e) = self.check_import(&a) {
                errors.push(fail(e));
                continue;
            }
            let clash = self
                .set
                .find_span(a.start, a.end, &a.label)
                .is_some_and(|o| o.id != a.id);
            match self.set.get(&a.id).cloned() {
                Some(cur) if a.modified > cur.modified && a != cur => {
                    if clash {
                        stats.skipped_duplicates += 1;
                        continue;
                    }
                    match self.set.replace(&self.doc, a.clone()) {
                        Ok(old) => {
                            edits.push(Edit::span(a.id.clone(), Some(old), Some(a)));
                            stats.updated += 1;
                        }
                        Err(e) => errors.push(fail(e)),
                    }
                }
                Some(_) => stats.unchanged += 1,
                None if clash => stats.skipped_duplicates += 1,
                None => match self.set.insert(&self.doc, a.clone()) {
                    Ok(()) => {
                        edits.push(Edit::span(a.id.clone(), None, Some(a)));
                        stats.added += 1;
                    }
                    Err(e) => errors.push(fail(e)),
                },
            }
        }
    }

    fn sync(
        &mut self,
        incoming: Vec<Annotation>,
        mut lengths: BTreeMap<String, u32>,
        labels: &LabelSet,
    ) -> Result<Change, CoreError> {
        let mut edits = Vec::new();
        let (union, _) = self.labels.union(labels);
        if union != self.labels {
            let e = Edit::Labels {
                before: self.labels.clone(),
                after: union,
            };
            self.apply_all(std::slice::from_ref(&e))
                .map_err(CoreError::History)?;
            edits.push(e);
            self.history.forget_labels();
        }
        // That copy's own lengths, made to agree with its annotations as
        // `restore` does.
        for a in &incoming {
            let n = lengths.entry(a.id.clone()).or_insert(1);
            *n = agree(*n, true);
        }
        let remote_live: BTreeSet<String> = incoming.iter().map(|a| a.id.clone()).collect();
        for (id, n) in lengths.iter_mut() {
            if !remote_live.contains(id) {
                *n = agree(*n, false);
            }
        }
        let remote_length = |a: &Annotation| lengths.get(&a.id).copied().unwrap_or(1);
        // Deletions made elsewhere after this copy last saw the annotation.
        let mut stats = ImportStats::default();
        for (id, &n) in &lengths {
            // Even: deleted there (and so not among its live annotations).
            if n % 2 == 0 && n > self.causal_length(id) && self.remove_recorded(id, &mut edits) {
                stats.removed += 1;
            }
        }
        // Live annotations: content merges when both sides have it; one
        // missing here comes back only if that copy's length is longer
        // (made or restored there after it was deleted here).
        let incoming: Vec<Annotation> = incoming
            .into_iter()
            .filter(|a| self.set.contains(&a.id) || remote_length(a) > self.causal_length(&a.id))
            .collect();
        // The same span and label tagged in both copies under two ids: one
        // annotation must remain, the same on both sides. The newer
        // `modified` wins, then the smaller id; the loser is deleted (here)
        // or marked deleted (there, through its length). Only for an
        // annotation new here: an update of one alive here that would clash
        // is skipped by the merge, as an import's is.
        let mut beaten: Vec<(String, u32)> = Vec::new();
        let mut kept = Vec::with_capacity(incoming.len());
        for a in incoming {
            let rival = self
                .set
                .find_span(a.start, a.end, &a.label)
                .filter(|o| {
                    o.id != a.id && !remote_live.contains(&o.id) && !self.set.contains(&a.id)
                })
                .cloned();
            match rival {
                Some(o)
                    if (o.modified, std::cmp::Reverse(&a.id))
                        > (a.modified, std::cmp::Reverse(&o.id)) =>
                {
                    beaten.push((a.id.clone(), remote_length(&a).saturating_add(1)));
                }
                Some(o) => {
                    if self.remove_recorded(&o.id, &mut edits) {
                        stats.removed += 1;
                    }
                    kept.push(a);
                }
                None => kept.push(a),
            }
        }
        let mut errors = Vec::new();
        self.merge_into(kept, &mut edits, &mut errors, &mut stats);
        let summary = format!(
            "Merged changes saved elsewhere: {} added, {} updated, {} removed",
            stats.added, stats.updated, stats.removed
        );
        let change = self.finish_import(edits, errors, stats, summary, Step::FromElsewhere)?;
        for (id, n) in lengths.into_iter().chain(beaten) {
            if n > self.causal_length(&id) {
                self.lengths.insert(id, n);
            }
        }
        self.lengths.retain(|_, n| *n > 1);
        Ok(change)
    }

    fn import_replace(
        &mut self,
        incoming: Vec<Annotation>,
        label_edits: Vec<Edit>,
    ) -> Result<Change, CoreError> {
        let mut errors = Vec::new();
        let mut wanted: BTreeMap<String, Annotation> = BTreeMap::new();
        for (index, a) in incoming.iter().enumerate() {
            let r = self.check_import(a).and_then(|()| {
                if wanted.contains_key(&a.id) {
                    Err(SpanError::DuplicateId(a.id.clone()))
                } else {
                    Ok(())
                }
            });
            match r {
                Ok(()) => {
                    wanted.insert(a.id.clone(), a.clone());
                }
                Err(error) => errors.push(InvalidAnnotation {
                    index,
                    id: a.id.clone(),
                    error,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(CoreError::Invalid(errors));
        }
        // Only the differences become edits: first every removal (so that
        // no exact-span clash can occur), then every insertion.
        let mut edits = label_edits;
        let mut stats = ImportStats::default();
        let mut taken_out: BTreeSet<String> = BTreeSet::new();
        for cur in self.set.to_vec() {
            match wanted.get(&cur.id) {
                Some(w) if *w == cur => stats.unchanged += 1,
                other => {
                    if other.is_some() {
                        stats.updated += 1;
                    } else {
                        stats.removed += 1;
                    }
                    if self.remove_recorded(&cur.id, &mut edits) {
                        taken_out.insert(cur.id.clone());
                    }
                }
            }
        }
        for (index, a) in incoming.into_iter().enumerate() {
            if self.set.get(&a.id) == Some(&a) {
                continue; // unchanged, counted above
            }
            match self.set.insert(&self.doc, a.clone()) {
                Ok(()) => {
                    if !taken_out.contains(&a.id) {
                        stats.added += 1;
                    }
                    edits.push(Edit::span(a.id.clone(), None, Some(a)));
                }
                Err(error) => errors.push(InvalidAnnotation {
                    index,
                    id: a.id.clone(),
                    error,
                }),
            }
        }
        let summary = format!(
            "Replaced the annotations: {} added, {} updated, {} removed",
            stats.added, stats.updated, stats.removed
        );
        self.finish_import(edits, errors, stats, summary, Step::Recorded)
    }

    /// The annotation to focus after `edits` took the set to their final
    /// state: the one annotation concerned, if it still exists.
    fn focus_after(&self, edits: &[Edit]) -> Option<String> {
        let first = edits.first()?.as_span()?;
        if edits
            .iter()
            .all(|e| e.as_span().is_some_and(|e| e.id == first.id))
            && self.set.contains(&first.id)
        {
            Some(first.id.clone())
        } else {
            None
        }
    }

    /// Replace the label set by `after` (already checked), with `spans`
    /// (edits of annotations) applied around it: annotations leaving a
    /// label are edited before it goes, so every state in between is valid.
    fn change_labels(
        &mut self,
        after: LabelSet,
        spans: Vec<Edit>,
        summary: String,
    ) -> Result<Change, CoreError> {
        if after == self.labels && spans.is_empty() {
            return Ok(Self::noop(format!("{summary}: nothing changed")));
        }
        let mut edits = spans;
        edits.push(Edit::Labels {
            before: self.labels.clone(),
            after,
        });
        // Labels edited last: the span edits must see the label they go to,
        // which every label operation keeps (a removal's target stays).
        self.apply_all(&edits).map_err(CoreError::History)?;
        Ok(self.commit(summary, edits, None))
    }

    fn add_label(&mut self, label: LabelDef) -> Result<Change, CoreError> {
        let summary = format!("Added the label {}", label.name);
        let after = self.labels.with_added(label)?;
        self.change_labels(after, Vec::new(), summary)
    }

    fn update_label(&mut self, id: &str, label: LabelDef) -> Result<Change, CoreError> {
        let old = self
            .labels
            .get(id)
            .cloned()
            .ok_or_else(|| LabelError::NotFound(id.to_owned()))?;
        let summary = if old.name != label.name {
            format!("Renamed the label {} to {}", old.name, label.name)
        } else if old.color != label.color {
            format!("Recoloured the label {}", label.name)
        } else if old.key != label.key {
            if label.key.is_empty() {
                format!("The label {} has no key now", label.name)
            } else {
                format!("The label {} now has the key {}", label.name, label.key)
            }
        } else {
            format!("Changed how the label {} looks", label.name)
        };
        let after = self.labels.with_updated(id, label)?;
        self.change_labels(after, Vec::new(), summary)
    }

    fn move_label(&mut self, id: &str, to: usize) -> Result<Change, CoreError> {
        let after = self.labels.with_moved(id, to)?;
        let summary = format!("Moved the label {}", self.label_name(id));
        self.change_labels(after, Vec::new(), summary)
    }

    fn remove_label(
        &mut self,
        id: &str,
        fate: Option<LabelFate>,
        now: Timestamp,
    ) -> Result<Change, CoreError> {
        let after = self.labels.with_removed(id)?;
        let name = self.label_name(id).to_owned();
        let users: Vec<Annotation> = self.set.iter().filter(|a| a.label == id).cloned().collect();
        let mut spans = Vec::with_capacity(users.len());
        let summary = match (&fate, users.is_empty()) {
            (_, true) => format!("Removed the label {name}"),
            (None, false) => {
                return Err(CoreError::LabelInUse {
                    name,
                    count: users.len(),
                })
            }
            (Some(LabelFate::Delete), false) => {
                for a in users.iter().cloned() {
                    spans.push(Edit::span(a.id.clone(), Some(a), None));
                }
                format!(
                    "Removed the label {name} and its {} annotations",
                    users.len()
                )
            }
            (Some(LabelFate::Relabel(to)), false) => {
                if to == id {
                    return Err(LabelError::RelabelToSelf.into());
                }
                if !self.labels.contains(to) {
                    return Err(LabelError::NotFound(to.clone()).into());
                }
                for a in users.iter().cloned() {
                    // One already tagged the same way: the two become one.
                    let twin = self.set.find_span(a.start, a.end, to).is_some();
                    let after = (!twin).then(|| Annotation {
                        label: to.clone(),
                        modified: now,
                        ..a.clone()
                    });
                    spans.push(Edit::span(a.id.clone(), Some(a), after));
                }
                format!(
                    "Removed the label {name}; its {} annotations are now {}",
                    users.len(),
                    self.label_name(to)
                )
            }
        };
        self.change_labels(after, spans, summary)
    }

    /// Work out where every annotation would go if the text became
    /// `text` (line ends normalised to LF): nothing changes yet. The
    /// revision gets `revision_id`, `source` and `now`.
    pub fn plan_revision(
        &self,
        text: &str,
        revision_id: String,
        source: &str,
        now: Timestamp,
    ) -> RevisionPlan {
        let doc = Rc::new(Document::from_plain_text(text));
        let anns: Vec<&Annotation> = self.set.iter().collect();
        let evidence: Vec<(String, Evidence)> = anns
            .iter()
            .map(|a| a.id.clone())
            .zip(Annotation::evidence(self.doc.text(), &anns))
            .collect();
        let items: Vec<Evidence> = evidence.iter().map(|(_, e)| e.clone()).collect();
        let outcomes = anchor::reanchor(self.doc.text(), doc.text(), &items);
        let summary = anchor::summarise(&items, &outcomes);
        RevisionPlan {
            base: self.doc.id().to_owned(),
            revision: Revision {
                id: revision_id,
                sha256: sha256(doc.text()),
                loaded: now,
                source: source.to_owned(),
            },
            doc,
            evidence,
            outcomes,
            summary,
        }
    }

    fn revise(&mut self, plan: RevisionPlan) -> Result<Change, CoreError> {
        if plan.base != self.doc.id() {
            return Err(CoreError::StalePlan);
        }
        if plan.doc.text() == self.doc.text() {
            return Ok(Self::noop(
                "The new version is the same text: nothing changed".to_owned(),
            ));
        }
        let old: BTreeMap<String, Annotation> =
            self.set.iter().map(|a| (a.id.clone(), a.clone())).collect();
        // Every annotation leaves the old text, the text changes, then
        // each comes back where it was placed, or becomes an orphan.
        let mut edits: Vec<Edit> = old
            .values()
            .map(|a| Edit::span(a.id.clone(), Some(a.clone()), None))
            .collect();
        edits.push(Edit::Text {
            before: Rc::clone(&self.doc),
            after: Rc::clone(&plan.doc),
            meta_before: self.meta.clone(),
            meta_after: self.meta.with_revision(plan.revision.clone()),
        });
        self.apply_all(&edits).map_err(CoreError::History)?;
        let mut summary = anchor::Summary::default();
        let mut placed = Vec::new();
        let mut marks = Vec::new();
        for ((id, ev), outcome) in plan.evidence.iter().zip(&plan.outcomes) {
            let Some(a) = old.get(id) else { continue };
            let landed = outcome
                .span()
                .and_then(|(start, end)| a.moved_to(&plan.doc, start, end));
            // Two annotations carried onto one span and label: the second
            // is an orphan rather than lost.
            let landed = landed.filter(|n| self.set.insert(&plan.doc, n.clone()).is_ok());
            let had_mark = self.edited.get(id).cloned();
            match landed {
                Some(n) => {
                    if n.quote != a.quote {
                        summary.edited += 1;
                        if had_mark.is_none() {
                            marks.push(Edit::Edited {
                                id: id.clone(),
                                before: None,
                                after: Some(a.quote.clone()),
                            });
                        }
                    } else if (n.start, n.end) == (a.start, a.end) {
                        summary.unchanged += 1;
                    } else {
                        summary.moved += 1;
                    }
                    placed.push(Edit::span(id.clone(), None, Some(n)));
                }
                None => {
                    summary.orphaned += 1;
                    if had_mark.is_some() {
                        marks.push(Edit::Edited {
                            id: id.clone(),
                            before: had_mark,
                            after: None,
                        });
                    }
                    placed.push(Edit::Orphan {
                        id: id.clone(),
                        before: self.orphans.get(id).cloned(),
                        after: Some(Orphan {
                            annotation: a.clone(),
                            prefix: ev.prefix.clone(),
                            suffix: ev.suffix.clone(),
                            revision: plan.revision.id.clone(),
                        }),
                    });
                }
            }
        }
        // Spans are in; orphans and marks apply now.
        let rest: Vec<Edit> = placed
            .iter()
            .filter(|e| !matches!(e, Edit::Span(_)))
            .chain(marks.iter())
            .cloned()
            .collect();
        if let Err(e) = self.apply_all(&rest) {
            // Cannot happen (fresh records); undo everything rather than
            // leave half a revision.
            let mut all = edits.clone();
            all.extend(
                placed
                    .iter()
                    .filter(|e| matches!(e, Edit::Span(_)))
                    .cloned(),
            );
            let undo: Vec<Edit> = all.iter().rev().map(Edit::inverse).collect();
            let _ = self.apply_all(&undo);
            return Err(CoreError::History(e));
        }
        edits.extend(placed);
        edits.extend(marks);
        let text = format!(
            "New version of the article: {} unchanged, {} moved, {} edited, {} orphaned",
            summary.unchanged, summary.moved, summary.edited, summary.orphaned
        );
        let mut change = self.commit(text, edits, None);
        change.revision = Some(summary);
        Ok(change)
    }

    fn reattach(
        &mut self,
        id: &str,
        start: usize,
        end: usize,
        now: Timestamp,
    ) -> Result<Change, CoreError> {
        let o = self
            .orphans
            .get(id)
            .cloned()
            .ok_or_else(|| CoreError::NoOrphan(id.to_owned()))?;
        let len = self.doc.len_chars();
        if start >= end {
            return Err(CoreError::EmptySelection);
        }
        let a = Annotation::at(&self.doc, id, start, end, o.annotation.label.clone(), now)
            .ok_or(CoreError::OutOfRange { start, end, len })?;
        let a = Annotation {
            note: o.annotation.note.clone(),
            created: o.annotation.created,
            ..a
        };
        if !self.labels.contains(&a.label) {
            return Err(SpanError::UnknownLabel(a.label).into());
        }
        self.set.check(&self.doc, &a)?;
        let summary = format!(
            "Re-attached the orphan {} to {}",
            quoted(&o.annotation.quote),
            quoted(&a.quote)
        );
        let edits = vec![
            Edit::Orphan {
                id: id.to_owned(),
                before: Some(o),
                after: None,
            },
            Edit::span(id, None, Some(a)),
        ];
        self.apply_all(&edits).map_err(|e| match e {
            EditError::Span(s) => CoreError::Span(s),
            e => CoreError::History(e),
        })?;
        Ok(self.commit(summary, edits, Some(id.to_owned())))
    }

    fn delete_orphan(&mut self, id: &str) -> Result<Change, CoreError> {
        let o = self
            .orphans
            .get(id)
            .cloned()
            .ok_or_else(|| CoreError::NoOrphan(id.to_owned()))?;
        let summary = format!("Deleted the orphan {}", quoted(&o.annotation.quote));
        let edits = vec![Edit::Orphan {
            id: id.to_owned(),
            before: Some(o),
            after: None,
        }];
        self.apply_all(&edits).map_err(CoreError::History)?;
        Ok(self.commit(summary, edits, None))
    }

    fn mark_reviewed(&mut self, id: &str) -> Result<Change, CoreError> {
        let Some(old) = self.edited.get(id).cloned() else {
            return Ok(Self::noop("Nothing to review".to_owned()));
        };
        let quote = self.set.get(id).map_or(String::new(), |a| a.quote.clone());
        let edits = vec![Edit::Edited {
            id: id.to_owned(),
            before: Some(old),
            after: None,
        }];
        self.apply_all(&edits).map_err(CoreError::History)?;
        Ok(self.commit(
            format!("Reviewed {}", quoted(&quote)),
            edits,
            Some(id.to_owned()),
        ))
    }

    /// The document's identity and revisions.
    pub fn meta(&self) -> &DocMeta {
        &self.meta
    }

    /// The stable document id (the storage key).
    pub fn doc_id(&self) -> &str {
        &self.meta.id
    }

    /// Annotations whose words are gone, by id.
    pub fn orphans(&self) -> &BTreeMap<String, Orphan> {
        &self.orphans
    }

    /// Annotations a revision edited, not yet reviewed: their quote
    /// before, by id.
    pub fn edited(&self) -> &BTreeMap<String, String> {
        &self.edited
    }

    /// This session with its identity, orphans and edited marks (a
    /// document restored from storage or a file). The identity must fit
    /// the text, and an orphan's id must not be a live annotation's; marks
    /// of annotations that do not exist are dropped.
    pub fn with_records(
        mut self,
        meta: DocMeta,
        orphans: Vec<Orphan>,
        edited: BTreeMap<String, String>,
    ) -> Result<Self, String> {
        meta.fits(&self.doc).map_err(str::to_owned)?;
        self.meta = meta;
        for o in orphans {
            let id = o.annotation.id.clone();
            if self.set.contains(&id) || self.orphans.contains_key(&id) {
                return Err(format!(
                    "the orphan {id:?} is also an annotation, or repeated"
                ));
            }
            self.orphans.insert(id, o);
        }
        for (id, q) in edited {
            if self.set.contains(&id) {
                self.edited.insert(id, q);
            }
        }
        Ok(self)
    }

    /// `entry` no longer applies and is dropped: so is every other step
    /// about the records it edits, since each was recorded on top of a
    /// state that can no longer come back.
    fn drop_entry(&mut self, entry: &Entry, e: EditError) -> CoreError {
        let ids: BTreeSet<String> = entry
            .edits
            .iter()
            .filter_map(Edit::as_span)
            .map(|e| e.id.clone())
            .collect();
        self.history.forget(&ids);
        if entry.edits.iter().any(|x| matches!(x, Edit::Labels { .. })) {
            self.history.forget_labels();
        }
        CoreError::History(e)
    }

    fn undo(&mut self) -> Result<Change, CoreError> {
        let entry = self.history.take_undo().ok_or(CoreError::NothingToUndo)?;
        let edits = entry.inverse_edits();
        // A step that no longer applies is dropped, not put back: put back,
        // it would block every undo after it.
        self.apply_all(&edits)
            .map_err(|e| self.drop_entry(&entry, e))?;
        self.count_lifecycles(&edits);
        let focus = self.focus_after(&edits);
        let change = Change::of(self, &edits, focus, format!("Undone: {}", entry.summary));
        self.history.undone(entry);
        Ok(change)
    }

    fn redo(&mut self) -> Result<Change, CoreError> {
        let entry = self.history.take_redo().ok_or(CoreError::NothingToRedo)?;
        self.apply_all(&entry.edits)
            .map_err(|e| self.drop_entry(&entry, e))?;
        self.count_lifecycles(&entry.edits);
        let focus = self.focus_after(&entry.edits);
        let change = Change::of(
            self,
            &entry.edits,
            focus,
            format!("Redone: {}", entry.summary),
        );
        self.history.redone(entry);
        Ok(change)
    }
}
