//! Loading a new version of the current article: checks, the plan, and a
//! confirmation when the new text would orphan most annotations.

use crate::core::session::{Action, RevisionPlan};
use crate::core::span::new_id;
use crate::core::Timestamp;

use super::{AlertKind, AppModel, MAX_FILE_BYTES};

/// The share of `old`'s distinct words (lower-cased) that `new` still
/// has: near 1 for a corrected article, near 0 for another one.
fn word_share(old: &str, new: &str) -> f64 {
    use std::collections::HashSet;
    let words = |t: &str| -> HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (o, n) = (words(old), words(new));
    if o.is_empty() {
        return 1.0;
    }
    o.intersection(&n).count() as f64 / o.len() as f64
}

/// A revision that would orphan most annotations, waiting for the user.
#[derive(Debug)]
pub struct PendingRevision {
    /// The plan, made on the current text.
    pub plan: RevisionPlan,
    /// Annotations it would keep.
    pub kept: usize,
    /// Annotations now.
    pub total: usize,
}

impl AppModel {
    /// Load `bytes` (a `.txt` / `.md` file named `source`, or `pasted`) as
    /// a new version of the current article. A bad file (too large, not
    /// text, empty) changes nothing and says why. Each annotation follows
    /// its words or becomes an orphan; a notice sums it up. A text that
    /// shares less than half of the article's words, or that would orphan
    /// more than half of three or more annotations, waits for
    /// [`AppModel::resolve_revision`].
    pub fn revise(&mut self, bytes: &[u8], source: &str, now: Timestamp) {
        let refuse = |m: &mut AppModel, why: &str| {
            m.alert(
                AlertKind::Error,
                format!(
                    "This new version could not be loaded: {why} The article was left as it is."
                ),
            );
        };
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let limit = MAX_FILE_BYTES / 1_048_576;
            return refuse(self, &format!("it is larger than {limit} MB."));
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return refuse(
                self,
                "it is not text (not valid UTF-8): give a .txt or .md file.",
            );
        };
        if text.contains('\u{0}') {
            return refuse(
                self,
                "it is not text (it contains NUL bytes): give a .txt or .md file.",
            );
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return refuse(self, "it is empty.");
        }
        let plan = self.session().plan_revision(text, new_id(), source, now);
        let total = plan.evidence.len();
        let kept = total - plan.summary.orphaned;
        let unrelated = word_share(self.doc().text(), plan.doc.text()) < 0.5;
        let most_orphaned = total >= 3 && plan.summary.orphaned * 2 > total;
        if unrelated || most_orphaned {
            self.pending_revision = Some(PendingRevision { plan, kept, total });
            self.rev += 1;
            return;
        }
        self.apply_revision(plan);
    }

    /// A revision waiting for confirmation, if any.
    pub fn pending_revision(&self) -> Option<&PendingRevision> {
        self.pending_revision.as_ref()
    }

    /// Confirm (`true`) or cancel a pending revision.
    pub fn resolve_revision(&mut self, confirm: bool) {
        let Some(p) = self.pending_revision.take() else {
            return;
        };
        self.rev += 1;
        if confirm {
            self.apply_revision(p.plan);
        } else {
            self.alert(
                AlertKind::Notice,
                "The new version was not loaded: nothing was changed.",
            );
        }
    }

    fn apply_revision(&mut self, plan: RevisionPlan) {
        let Some(change) = self.apply_change(Action::Revise { plan }) else {
            return;
        };
        let Some(s) = change.revision else {
            return;
        };
        let mut text = format!(
            "New version loaded: {} unchanged, {} moved, {} edited, {} orphaned.",
            s.unchanged, s.moved, s.edited, s.orphaned
        );
        if s.orphaned > 0 {
            text.push_str(" Orphans keep their words and notes in the Orphans panel: re-attach them to the right text, or delete them.");
        }
        if s.edited > 0 {
            text.push_str(" Edited annotations are marked until you review them.");
        }
        text.push_str(" Undo with Ctrl+Z.");
        self.alert(AlertKind::Notice, text);
        self.refresh_docs();
    }
}

/// An article being opened that looks like a stored document (same title,
/// or most of the open article's words): a new version of it, or a
/// separate article? Waits for [`AppModel::resolve_open`].
#[derive(Debug)]
pub struct PendingOpen {
    /// The text being opened.
    pub text: String,
    /// Where it came from (file name or `pasted`).
    pub source: String,
    /// The stored document it looks like.
    pub candidate: String,
    /// That document's title.
    pub title: String,
}

/// A title as compared: lower case, letters and digits only, single spaces.
fn title_key(t: &str) -> String {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl AppModel {
    /// A stored document that `doc` (not stored yet) looks like a new
    /// version of: the open one if the texts share most of their words,
    /// else one with the same title.
    pub(super) fn looks_like(&self, doc: &crate::core::Document) -> Option<(String, String)> {
        let open = self.session();
        if !open.annotations().is_empty() && word_share(open.doc().text(), doc.text()) >= 0.6 {
            return Some((open.doc_id().to_owned(), open.doc().title().to_owned()));
        }
        let key = title_key(doc.title());
        if key.is_empty() {
            return None;
        }
        self.docs()
            .iter()
            .find(|d| d.count > 0 && title_key(&d.title) == key)
            .map(|d| (d.id.clone(), d.title.clone()))
    }

    /// An article open waiting for the user's choice, if any.
    pub fn pending_open(&self) -> Option<&PendingOpen> {
        self.pending_open.as_ref()
    }

    /// Answer a pending open: `Some(true)` loads it as a new version of
    /// the stored document, `Some(false)` opens it as a separate article,
    /// `None` cancels.
    pub fn resolve_open(&mut self, as_version: Option<bool>, now: Timestamp) {
        let Some(p) = self.pending_open.take() else {
            return;
        };
        self.rev += 1;
        match as_version {
            None => {
                self.alert(AlertKind::Notice, "Nothing was opened.");
            }
            Some(false) => self.open_new(&p.text, &p.source, now),
            Some(true) => {
                if self.session().doc_id() != p.candidate && !self.switch_to(&p.candidate, now) {
                    self.alert(
                        AlertKind::Error,
                        "That document is no longer stored in this browser: nothing was opened.",
                    );
                    return;
                }
                self.revise(p.text.as_bytes(), &p.source, now);
            }
        }
    }
}
