//! The application model: everything the UI does, as plain Rust.
//!
//! The Yew shell owns one [`AppModel`], forwards user intents to it and
//! renders what it exposes; browser specifics (selection, files, timers,
//! focus) stay in the shell. Storage goes through the [`KeyValue`] trait,
//! so this whole module — saving, restoring, imports, merges, alerts — is
//! tested natively.

use std::rc::Rc;

use crate::core::revision::DocMeta;
use crate::core::segments::segments;
use crate::core::session::{Action, Change, CoreError, ImportMode, Session};
use crate::core::span::new_id;
use crate::core::spans::SpanError;
use crate::core::{Annotation, Document, LabelSet, Timestamp};
use crate::format::stored::{self, StoredError};
use crate::format::v1;
use crate::store::{self, DocSummary, KeyValue, KvError, Loaded};

mod interop;
mod revise;
pub use interop::{Download, ExportFormat};
pub use revise::{PendingOpen, PendingRevision};

/// The article shown on first start (the seed article, shipped under www/).
pub const DEFAULT_ARTICLE: &str = include_str!("../www/default-article.txt");

/// Largest file accepted for import or opening, checked before reading.
pub const MAX_FILE_BYTES: u64 = v1::MAX_BYTES as u64;

/// What a highlight needs to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkInfo {
    /// Annotation id.
    pub id: Rc<str>,
    /// Label id.
    pub label: Rc<str>,
    /// Whether this piece holds the annotation's first character (the
    /// piece that takes the tab stop).
    pub first: bool,
    /// Tooltip: label name and note.
    pub title: Rc<str>,
    /// A new version of the article changed its words (not yet reviewed).
    pub edited: bool,
}

/// A run of text with the highlights covering it, outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// Covering highlights, outermost first.
    pub marks: Vec<MarkInfo>,
}

/// One block ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockView {
    /// Block index.
    pub index: usize,
    /// The title block (rendered as a heading).
    pub heading: bool,
    /// Its text split by highlight coverage.
    pub pieces: Vec<Piece>,
    /// The text between the previous block (or the start) and this one:
    /// blank lines, kept so the article's text is exactly the document's.
    pub before: Rc<str>,
    /// For the last block, the text after it (trailing newlines); else "".
    pub after: Rc<str>,
}

/// How bad an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// Something failed.
    Error,
    /// For information.
    Notice,
}

/// A message for the `role="alert"` region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// For dismissing.
    pub id: u64,
    /// Error or notice.
    pub kind: AlertKind,
    /// Plain words.
    pub text: String,
    /// A backup the user can download, if the alert is about one.
    pub backup_key: Option<String>,
}

/// An import waiting for the user to choose merge or replace.
#[derive(Debug)]
pub struct PendingImport {
    /// The parsed file.
    pub file: v1::V1File,
    /// How many annotations the document has now.
    pub existing: usize,
}

/// Whether changes reach storage.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SaveState {
    /// Everything is saved.
    #[default]
    Saved,
    /// Changes wait for the debounce timer.
    Pending,
    /// The last save failed; changes live in memory only.
    Failing(String),
    /// The stored value was written by a newer Surligneur; this document is
    /// not saved so that it is not overwritten.
    Blocked(String),
    /// The browser refuses storage altogether: work lives in this tab only.
    Unavailable(String),
}

/// The whole app state.
pub struct AppModel {
    kv: Rc<dyn KeyValue>,
    session: Session,
    views: Rc<Vec<Rc<BlockView>>>,
    docs: Vec<DocSummary>,
    alerts: Vec<Alert>,
    next_alert: u64,
    save: SaveState,
    pending_import: Option<PendingImport>,
    pending_revision: Option<PendingRevision>,
    pending_open: Option<PendingOpen>,
    rev: u64,
    /// The stored value of the current document as last read or written
    /// here; a different stored value means another tab saved.
    synced: Option<String>,
    /// The default article, built once.
    default: Rc<Document>,
}

impl AppModel {
    /// Start: open the document used last (or the default article) and
    /// restore its annotations. Storage problems become alerts, never
    /// failures.
    pub fn boot(kv: Rc<dyn KeyValue>, storage_problem: Option<KvError>, now: Timestamp) -> Self {
        let default = Rc::new(Document::from_plain_text(DEFAULT_ARTICLE));
        let session = Session::new(default.clone(), LabelSet::default());
        let mut m = AppModel {
            default,
            kv,
            views: Rc::new(Vec::new()),
            session,
            docs: Vec::new(),
            alerts: Vec::new(),
            next_alert: 0,
            save: SaveState::Saved,
            pending_import: None,
            pending_revision: None,
            pending_open: None,
            rev: 0,
            synced: None,
        };
        if let Some(e) = storage_problem {
            m.save = SaveState::Unavailable(e.to_string());
            m.alert(
                AlertKind::Error,
                format!("Changes are not being saved: {e}. Your work stays in this tab; use Export to keep a copy."),
            );
        }
        let current = store::current(&*m.kv).ok().flatten();
        let default_id = m.default.id().to_owned();
        let wanted = current.unwrap_or(default_id.clone());
        if !m.open_stored(&wanted, now) && wanted != default_id {
            m.open_stored(&default_id, now);
        }
        if m.views.len() != m.session.doc().blocks().len() {
            // Nothing could be opened: show the default article, unsaved
            // state untouched.
            let session = m.session.clone();
            m.install(session);
        }
        m.refresh_docs();
        m
    }

    // ----- reading -------------------------------------------------------

    /// The session (document, labels, annotations, history).
    pub fn session(&self) -> &Session {
        &self.session
    }
    /// The document.
    pub fn doc(&self) -> &Document {
        self.session.doc()
    }
    /// The language of the open document's text, as a BCP 47 tag: French
    /// for the shipped article, unknown ("") for any other (the UI around
    /// it is English, so screen readers must not guess from the page).
    pub fn doc_lang(&self) -> &'static str {
        if self.session.doc_id() == self.default.id() {
            "fr"
        } else {
            ""
        }
    }
    /// Render data of every block, shared so unchanged blocks compare equal
    /// by pointer.
    pub fn views(&self) -> &Rc<Vec<Rc<BlockView>>> {
        &self.views
    }
    /// The documents menu.
    pub fn docs(&self) -> &[DocSummary] {
        &self.docs
    }
    /// Alerts, oldest first.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }
    /// Whether changes are being saved.
    pub fn save_state(&self) -> &SaveState {
        &self.save
    }
    /// An import waiting for merge-or-replace.
    pub fn pending_import(&self) -> Option<&PendingImport> {
        self.pending_import.as_ref()
    }
    /// Incremented by every change of what is shown.
    pub fn rev(&self) -> u64 {
        self.rev
    }

    // ----- alerts --------------------------------------------------------

    /// Show a message.
    pub fn alert(&mut self, kind: AlertKind, text: impl Into<String>) -> u64 {
        self.next_alert += 1;
        let id = self.next_alert;
        self.alerts.push(Alert {
            id,
            kind,
            text: text.into(),
            backup_key: None,
        });
        // Keep the region short: the oldest notices go first.
        if self.alerts.len() > 5 {
            if let Some(i) = self.alerts.iter().position(|a| a.kind == AlertKind::Notice) {
                self.alerts.remove(i);
            }
        }
        self.rev += 1;
        id
    }

    /// Dismiss a message.
    pub fn dismiss(&mut self, id: u64) {
        self.alerts.retain(|a| a.id != id);
        self.rev += 1;
    }

    // ----- editing -------------------------------------------------------

    /// Apply an edit; re-render only the blocks it touched. Refusals
    /// (duplicate, unknown id…) become notices; an empty undo stack or a
    /// blank selection is silently nothing. Returns what changed.
    pub fn apply_change(&mut self, action: Action) -> Option<Change> {
        match self.try_apply(action) {
            Ok(change) => change,
            Err(
                CoreError::NothingToUndo
                | CoreError::NothingToRedo
                | CoreError::EmptySelection
                | CoreError::BlankSelection,
            ) => None,
            Err(CoreError::Span(SpanError::DuplicateSpan { label, .. })) => {
                let name = self
                    .session
                    .labels()
                    .get(&label)
                    .map_or(label.as_str(), |l| l.name.as_str());
                let text = format!("This text is already tagged as {name}.");
                self.alert(AlertKind::Notice, text);
                None
            }
            Err(e) => {
                self.alert(AlertKind::Notice, format!("Not done: {e}."));
                None
            }
        }
    }

    /// [`AppModel::apply_change`], reporting only whether anything changed.
    pub fn apply(&mut self, action: Action) -> bool {
        self.apply_change(action).is_some()
    }

    /// Apply an edit and refresh the views of the blocks it touched;
    /// `Ok(None)` when it changed nothing.
    fn try_apply(&mut self, action: Action) -> Result<Option<Change>, CoreError> {
        let change = self.session.apply(action)?;
        if change.is_noop() {
            return Ok(None);
        }
        if change.text_changed {
            // A new text (a revision or its undo): every block is new.
            self.views = Rc::new(
                (0..self.session.doc().blocks().len())
                    .filter_map(|b| build_view(&self.session, b).map(Rc::new))
                    .collect(),
            );
            self.mark_dirty();
            return Ok(Some(change));
        }
        // A new list (pointer copies) so the article sees a change;
        // untouched blocks keep their Rc and do not re-render.
        let views = Rc::make_mut(&mut self.views);
        for &b in &change.touched_blocks {
            if let (Some(v), Some(slot)) = (build_view(&self.session, b), views.get_mut(b)) {
                *slot = Rc::new(v);
            }
        }
        self.mark_dirty();
        Ok(Some(change))
    }

    /// Something must be saved: an edit, or a document just opened from a
    /// file or migrated, which needs a first save.
    fn mark_dirty(&mut self) {
        // Failing stays failing (and blocked stays blocked) until a save
        // succeeds.
        if self.save == SaveState::Saved {
            self.save = SaveState::Pending;
        }
        self.rev += 1;
    }

    /// Whether there are changes not yet in storage.
    pub fn is_dirty(&self) -> bool {
        matches!(self.save, SaveState::Pending | SaveState::Failing(_))
    }

    /// Write the current document to storage now. A stored value this tab
    /// has not seen is reconciled first (see `reconcile_stored`),
    /// so the last writer never erases another tab's work and nothing
    /// unreadable is overwritten. Failures keep the work in memory and say
    /// so once; success after a failure says so too.
    pub fn save_now(&mut self, now: Timestamp) {
        if matches!(self.save, SaveState::Blocked(_) | SaveState::Unavailable(_))
            || !self.is_dirty()
        {
            return;
        }
        let written = self.reconcile_stored(now).and_then(|may_write| {
            if !may_write {
                return Ok(None);
            }
            store::save(&*self.kv, &self.session).map(Some)
        });
        match written {
            Ok(None) => {} // blocked by a newer version: reported by reconcile
            Ok(Some(json)) => {
                self.synced = Some(json);
                let was_failing = matches!(self.save, SaveState::Failing(_));
                self.save = SaveState::Saved;
                let _ = store::set_current(&*self.kv, self.session.doc_id());
                if was_failing {
                    self.alert(
                        AlertKind::Notice,
                        "Saving works again: all your changes are saved.",
                    );
                }
                self.refresh_docs();
            }
            Err(e) => {
                let first = !matches!(self.save, SaveState::Failing(_));
                self.save = SaveState::Failing(e.to_string());
                if first {
                    self.alert(
                        AlertKind::Error,
                        format!("Changes are not being saved: {e}. Nothing is lost while this tab stays open; use Export to keep a copy. Surligneur will keep trying."),
                    );
                }
            }
        }
        self.rev += 1;
    }

    /// Account for a stored value of this document that this tab has not
    /// read or written. Another tab's save is merged in (union by id, newer
    /// `modified` wins). Anything that cannot be merged — unreadable,
    /// another document, annotations the session refuses — is copied to a
    /// backup key first. A value from a newer Surligneur blocks saving.
    /// Returns whether the stored value may now be written over; an error
    /// (the backup failed) means it may not.
    fn reconcile_stored(&mut self, now: Timestamp) -> Result<bool, KvError> {
        let doc_id = self.session.doc_id().to_owned();
        let Some(stored) = self.kv.get(&store::doc_key(&doc_id))? else {
            return Ok(true);
        };
        if self.synced.as_deref() == Some(stored.as_str()) {
            return Ok(true);
        }
        let merged = match stored::parse(&stored) {
            // Another tab loaded a newer version of the text: it wins, and
            // this tab's state is kept as a backup first.
            Ok(s)
                if s.file.meta.id == doc_id
                    && s.file.document.id() != self.session.doc().id()
                    && s.file.meta.revisions.len() > self.session.meta().revisions.len() =>
            {
                let mine = stored::of_session(&self.session).unwrap_or_default();
                let key = store::backup(&*self.kv, &doc_id, &mine, now.millis())?;
                self.open_stored(&doc_id, now);
                self.alert_with_backup(
                    AlertKind::Notice,
                    "Another tab loaded a new version of this article, which this tab now shows. What this tab had not saved was kept as a backup you can download.".to_owned(),
                    key,
                );
                return Ok(false);
            }
            Ok(s)
                if s.file.meta.id == doc_id && s.file.document.id() == self.session.doc().id() =>
            {
                self.try_apply(Action::Sync {
                    annotations: s.file.annotations,
                    lengths: s.lengths,
                    labels: s.file.labels,
                })
                .is_ok()
            }
            Err(e @ StoredError::Newer { .. }) => {
                self.save = SaveState::Blocked(e.to_string());
                self.alert(
                    AlertKind::Error,
                    format!("This document was saved meanwhile by a newer Surligneur ({e}). It was left untouched and this tab no longer saves it; use Export to keep your changes."),
                );
                return Ok(false);
            }
            _ => false,
        };
        if !merged {
            let key = store::backup(&*self.kv, &doc_id, &stored, now.millis())?;
            self.alert_with_backup(
                AlertKind::Error,
                "A stored copy of this document could not be merged with yours. It was kept as a backup you can download; nothing was deleted.".to_owned(),
                key,
            );
        }
        self.synced = Some(stored);
        Ok(true)
    }

    /// An alert that offers the download of a backup key.
    fn alert_with_backup(&mut self, kind: AlertKind, text: String, backup_key: String) {
        let id = self.alert(kind, text);
        if let Some(a) = self.alerts.iter_mut().find(|a| a.id == id) {
            a.backup_key = Some(backup_key);
        }
    }

    // ----- documents -----------------------------------------------------

    /// Open a stored document by id (or the default article). Returns
    /// false if there is no such document.
    pub fn switch_to(&mut self, doc_id: &str, now: Timestamp) -> bool {
        self.save_now(now);
        let ok = self.open_stored(doc_id, now);
        self.refresh_docs();
        ok
    }

    fn open_stored(&mut self, doc_id: &str, now: Timestamp) -> bool {
        let loaded = match store::load(&*self.kv, doc_id, now.millis()) {
            Ok(l) => l,
            Err(e) => {
                self.save = SaveState::Failing(e.to_string());
                Loaded::Missing
            }
        };
        match loaded {
            Loaded::Restored(stored, raw) => {
                let version = stored.version;
                let v1::V1File {
                    document,
                    labels,
                    annotations,
                    ..
                } = stored.file;
                let restored = Session::restore(document, labels, annotations, stored.lengths)
                    .map_err(|e| e.to_string())
                    .and_then(|s| {
                        s.with_records(stored.file.meta, stored.file.orphans, stored.file.edited)
                    });
                match restored {
                    Ok(s) => {
                        self.install(s);
                        self.synced = Some(raw);
                        if version < stored::VERSION {
                            self.migrate(version, now);
                        }
                    }
                    Err(e) => {
                        // Readable but not loadable: keep the bytes before
                        // anything could save over them. If the backup
                        // fails, `synced` stays unset and the next save
                        // tries again before writing (reconcile_stored).
                        let opened = self.install_default_if(doc_id);
                        match store::backup(&*self.kv, doc_id, &raw, now.millis()) {
                            Ok(key) => {
                                self.alert_with_backup(
                                    AlertKind::Error,
                                    format!("Saved annotations could not be restored ({e}). The stored copy was kept as a backup you can download; nothing was deleted."),
                                    key,
                                );
                                if opened {
                                    self.synced = Some(raw);
                                }
                            }
                            Err(k) => {
                                self.alert(
                                    AlertKind::Error,
                                    format!("Saved annotations could not be restored ({e}), and could not be backed up ({k}). They are left as they are and will not be saved over."),
                                );
                            }
                        }
                        return opened;
                    }
                }
                true
            }
            Loaded::Missing => self.install_default_if(doc_id),
            Loaded::Unreadable {
                backup_key,
                reason,
                raw,
            } => {
                let is_default = self.install_default_if(doc_id);
                if is_default {
                    self.synced = Some(raw); // backed up: may be written over
                }
                self.alert_with_backup(
                    AlertKind::Error,
                    format!("Saved annotations could not be read ({reason}). The stored copy was kept as a backup you can download; nothing was deleted."),
                    backup_key,
                );
                is_default
            }
            Loaded::Newer { reason } => {
                self.alert(
                    AlertKind::Error,
                    format!("This document was saved by a newer Surligneur ({reason}). It was left untouched; update Surligneur to open it."),
                );
                let is_default = self.install_default_if(doc_id);
                if is_default {
                    self.save = SaveState::Blocked(reason);
                }
                is_default
            }
        }
    }

    /// The document just opened was stored by an older Surligneur: keep
    /// the old value as a backup (so an older version can still be used
    /// with it), then write it in this version's form. If the backup
    /// cannot be made, nothing is written now; the old value is complete,
    /// so the next save may write over it.
    fn migrate(&mut self, from: u64, now: Timestamp) {
        let Some(raw) = self.synced.clone() else {
            return;
        };
        let doc_id = self.session.doc_id().to_owned();
        match store::backup(&*self.kv, &doc_id, &raw, now.millis()) {
            Ok(key) => {
                let text = format!("Your saved annotations were upgraded from storage version {from} to {}. The previous copy was kept as a backup you can download.", stored::VERSION);
                self.alert_with_backup(AlertKind::Notice, text, key);
                self.mark_dirty();
                self.save_now(now);
            }
            Err(e) => {
                self.alert(
                    AlertKind::Notice,
                    format!("Your saved annotations are in an older storage version; they will be upgraded at the next save (a backup of the old copy could not be made: {e})."),
                );
            }
        }
    }

    /// Open the default article with no annotations if `doc_id` is its id.
    fn install_default_if(&mut self, doc_id: &str) -> bool {
        let is_default = self.default.id() == doc_id;
        if is_default {
            self.install(Session::new(self.default.clone(), LabelSet::default()));
        }
        is_default
    }

    fn install(&mut self, session: Session) {
        self.session = session;
        self.synced = None;
        self.views = Rc::new(
            (0..self.session.doc().blocks().len())
                .filter_map(|b| build_view(&self.session, b).map(Rc::new))
                .collect(),
        );
        self.save = match &self.save {
            SaveState::Failing(e) => SaveState::Failing(e.clone()),
            SaveState::Unavailable(e) => SaveState::Unavailable(e.clone()),
            _ => SaveState::Saved,
        };
        self.pending_import = None;
        self.pending_revision = None;
        let _ = store::set_current(&*self.kv, self.session.doc_id());
        self.rev += 1;
    }

    fn refresh_docs(&mut self) {
        let mut docs = store::list(&*self.kv).unwrap_or_default();
        let here = self.session.doc_id().to_owned();
        for (id, title) in [
            (here.as_str(), self.session.doc().title()),
            (self.default.id(), self.default.title()),
        ] {
            if !docs.iter().any(|s| s.id == id) {
                let count = if id == here {
                    self.session.annotations().len()
                } else {
                    0
                };
                docs.push(DocSummary {
                    id: id.to_owned(),
                    title: title.to_owned(),
                    count,
                    hashes: Vec::new(),
                });
            }
        }
        if let Some(cur) = docs.iter_mut().find(|s| s.id == here) {
            cur.count = self.session.annotations().len();
        }
        docs.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
        self.docs = docs;
        self.rev += 1;
    }

    /// Open an article the user chose or pasted (.txt / .md): first line is
    /// the title. An article already stored reopens with its annotations.
    pub fn open_article(&mut self, bytes: &[u8], now: Timestamp) {
        self.open_article_from(bytes, "", now);
    }

    /// [`AppModel::open_article`], saying where the text came from (a file
    /// name, or `pasted`), as its first revision records.
    pub fn open_article_from(&mut self, bytes: &[u8], source: &str, now: Timestamp) {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            self.alert(
                AlertKind::Error,
                format!(
                    "This file is too large to open (the limit is {} MB).",
                    MAX_FILE_BYTES / 1_048_576
                ),
            );
            return;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.alert(
                AlertKind::Error,
                "This file is not text (it is not valid UTF-8): open a .txt or .md file.",
            );
            return;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            self.alert(
                AlertKind::Error,
                "This file is empty: there is nothing to annotate.",
            );
            return;
        }
        self.save_now(now);
        let doc = Document::from_plain_text(text);
        let known = store::find_by_text(&*self.kv, doc.id()).ok().flatten();
        let reopened = known.is_some_and(|id| self.open_stored(&id, now));
        if reopened {
            let title = self.doc().title().to_owned();
            self.alert(AlertKind::Notice, format!("Opened “{title}”."));
            self.refresh_docs();
            return;
        }
        if let Some((candidate, title)) = self.looks_like(&doc) {
            self.pending_open = Some(PendingOpen {
                text: doc.text().to_owned(),
                source: source.to_owned(),
                candidate,
                title,
            });
            self.rev += 1;
            return;
        }
        self.open_new(doc.text(), source, now);
    }

    /// Open `text` as a document of its own (a new stable id).
    fn open_new(&mut self, text: &str, source: &str, now: Timestamp) {
        let doc = Document::from_plain_text(text);
        let is_default = doc.id() == self.default.id();
        let mut session = Session::new(doc, LabelSet::default());
        if !is_default {
            let meta = DocMeta::first(new_id(), session.doc(), now, source);
            session = session
                .with_records(meta, Vec::new(), Default::default())
                .unwrap_or_else(|_| Session::new(self.default.clone(), LabelSet::default()));
        }
        self.install(session);
        // Saved by the shell's debounce, not inside the open itself.
        self.mark_dirty();
        let title = self.doc().title().to_owned();
        self.alert(AlertKind::Notice, format!("Opened “{title}”."));
        self.refresh_docs();
    }

    // ----- import / export -----------------------------------------------

    /// The current document as a v1 file: (file name, JSON).
    pub fn export(&self) -> (String, String) {
        let s = &self.session;
        let json = v1::of_session(s);
        (format!("{}.surligneur.json", slug(s.doc().title())), json)
    }

    /// Import a v1 file. A bad file changes nothing and says why. A file for
    /// a document that already has annotations waits for
    /// [`AppModel::resolve_import`]; otherwise it opens at once.
    pub fn import(&mut self, bytes: &[u8], now: Timestamp) {
        let file = match v1::parse(bytes) {
            Ok(f) => f,
            Err(e) => {
                self.alert(
                    AlertKind::Error,
                    format!("This file could not be imported: {e} Nothing was changed."),
                );
                return;
            }
        };
        self.import_file(file, now);
    }

    /// Bring in a parsed file: its document is opened (stored or new), or,
    /// for the current document, its annotations are merged after asking
    /// (see [`AppModel::import`]).
    fn import_file(&mut self, mut file: v1::V1File, now: Timestamp) {
        if !file.filled_in.is_empty() {
            let what: Vec<String> = file.filled_in.iter().map(ToString::to_string).collect();
            self.alert(
                AlertKind::Notice,
                format!("The file lacked {}: filled in.", what.join(" and ")),
            );
        }
        let id = file.document.id().to_owned();
        // A file made on another version of this document (or of a stored
        // one) finds it: by its stable id (version 2), else by its text's
        // hash among the revisions.
        let elsewhere = file.meta.id != self.session.doc_id()
            && id != self.session.doc().id()
            && !self.session.meta().has_text(&id);
        if elsewhere {
            self.save_now(now);
        }
        let by_id = elsewhere
            && file.meta.id != id
            && self
                .kv
                .get(&store::doc_key(&file.meta.id))
                .ok()
                .flatten()
                .is_some();
        let target = if by_id {
            Some(file.meta.id.clone())
        } else if elsewhere {
            store::find_by_text(&*self.kv, &id).ok().flatten()
        } else {
            None
        };
        let found = !elsewhere || target.is_some_and(|t| self.open_stored(&t, now));
        if found && id != self.session.doc().id() {
            file = self.carry_onto_current(file);
        }
        if id != self.session.doc().id() && !found {
            {
                // A new document: nothing to merge with.
                let v1::V1File {
                    document,
                    labels,
                    annotations,
                    meta,
                    orphans,
                    edited,
                    ..
                } = file;
                let n = annotations.len();
                let made = Session::with_annotations(document, labels, annotations)
                    .map_err(|e| e.to_string())
                    .and_then(|s| {
                        s.with_records(meta, orphans, edited)
                            .map_err(|e| format!("{e}."))
                    });
                match made {
                    Ok(s) => {
                        self.install(s);
                        self.mark_dirty();
                        self.alert(
                            AlertKind::Notice,
                            format!("Imported “{}” with {n} annotations.", self.doc().title()),
                        );
                    }
                    Err(e) => {
                        self.alert(
                            AlertKind::Error,
                            format!("This file could not be imported: {e} Nothing was changed."),
                        );
                    }
                }
                self.refresh_docs();
                return;
            }
        }
        let existing = self.session.annotations().len();
        if existing == 0 {
            self.pending_import = Some(PendingImport { file, existing });
            self.resolve_import(Some(ImportMode::Replace));
        } else {
            self.pending_import = Some(PendingImport { file, existing });
            self.rev += 1;
        }
    }

    /// A file made on another version of the current text, its
    /// annotations carried to their words in the current text by the
    /// anchoring engine; those whose words are gone are left out, and a
    /// notice names them (never guessed).
    fn carry_onto_current(&mut self, file: v1::V1File) -> v1::V1File {
        let old = file.document.text();
        let anns: Vec<&Annotation> = file.annotations.iter().collect();
        let evidence = Annotation::evidence(old, &anns);
        let doc = self.session.doc().clone();
        let outcomes = crate::core::anchor::reanchor(old, doc.text(), &evidence);
        let mut annotations = Vec::with_capacity(file.annotations.len());
        let mut lost = Vec::new();
        for (a, o) in file.annotations.iter().zip(outcomes) {
            match o
                .span()
                .and_then(|(start, end)| a.moved_to(&doc, start, end))
            {
                Some(p) => annotations.push(p),
                None => lost.push(a.quote.clone()),
            }
        }
        if !lost.is_empty() {
            let shown: Vec<String> = lost.iter().take(3).map(|q| format!("“{q}”")).collect();
            self.alert(
                AlertKind::Notice,
                format!(
                    "The file was made on another version of this article: {} of its annotations have no words in this version and were left out ({}).",
                    lost.len(),
                    shown.join(", ")
                ),
            );
        }
        v1::V1File {
            document: doc,
            annotations,
            ..file
        }
    }

    /// Finish a pending import: merge, replace, or (None) cancel.
    pub fn resolve_import(&mut self, mode: Option<ImportMode>) {
        let Some(p) = self.pending_import.take() else {
            return;
        };
        self.rev += 1;
        let Some(mode) = mode else {
            self.alert(AlertKind::Notice, "Import cancelled: nothing was changed.");
            return;
        };
        let n = p.file.annotations.len();
        let (_, differing) = self.session.labels().union(&p.file.labels);
        if !differing.is_empty() {
            let names: Vec<String> = differing
                .iter()
                .map(|id| {
                    let name = self
                        .session
                        .labels()
                        .get(id)
                        .map_or(id.as_str(), |l| l.name.as_str());
                    format!("“{name}”")
                })
                .collect();
            self.alert(
                AlertKind::Notice,
                format!(
                    "The file defines the label{} {} differently (name, colour, key or look): this document's definition was kept.",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ),
            );
        }
        match self.apply_change(Action::Import {
            annotations: p.file.annotations,
            mode,
            labels: Some(p.file.labels),
        }) {
            Some(Change {
                import: Some(st), ..
            }) => {
                let text = match mode {
                    ImportMode::Merge => format!(
                        "Merged {n} imported annotations: {} added, {} updated, {} already here, {} duplicates skipped (undo with Ctrl+Z).",
                        st.added, st.updated, st.unchanged, st.skipped_duplicates
                    ),
                    ImportMode::Replace => format!(
                        "Replaced {} annotations with the file's {n} (undo with Ctrl+Z).",
                        st.removed
                    ),
                };
                self.alert(AlertKind::Notice, text);
            }
            Some(_) => {}
            None if n == 0 => {
                self.alert(
                    AlertKind::Notice,
                    "The file has no annotations: nothing to import.",
                );
            }
            None => {}
        }
        self.refresh_docs();
    }

    /// Another tab saved `key`: merge its annotations into ours (union by
    /// id, newer `modified` wins) so neither tab erases the other's work.
    pub fn external_change(&mut self, key: &str, value: Option<&str>) {
        if store::doc_id_of_key(key) != Some(self.session.doc_id()) {
            if key.starts_with(store::PREFIX) {
                self.refresh_docs();
            }
            return;
        }
        let Some(value) = value else { return };
        let Ok(s) = stored::parse(value) else {
            return;
        };
        if s.file.meta.id != self.session.doc_id() {
            return;
        }
        if s.file.document.id() != self.session.doc().id() {
            // Another version of the text: the next save (due now)
            // reconciles it; the newer version wins and nothing is lost.
            if s.file.meta.revisions.len() > self.session.meta().revisions.len() {
                self.mark_dirty();
            }
            return;
        }
        self.apply(Action::Sync {
            annotations: s.file.annotations,
            lengths: s.lengths,
            labels: s.file.labels,
        });
        self.refresh_docs();
    }
}

/// A file name for a title: lowercase letters and digits (accents kept)
/// joined by `-`, at most 60 characters; `document` if nothing is left.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    let out: String = out.chars().take(60).collect();
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "document".to_owned()
    } else {
        out
    }
}

/// The first code point of `a` that is inside a block (an imported span
/// may start in the whitespace between blocks).
fn first_char_shown(doc: &Document, a: &Annotation) -> usize {
    let first_block = doc.blocks_overlapping(a.start, a.end).start;
    doc.blocks()
        .get(first_block)
        .map_or(a.start, |b| b.start.max(a.start))
}

/// Build the render data of block `b` from the core's segmentation.
pub fn build_view(session: &Session, b: usize) -> Option<BlockView> {
    let doc = session.doc();
    let set = session.annotations();
    let labels = session.labels();
    let mut pieces = Vec::new();
    for seg in segments(doc, set, b) {
        let text = doc.slice(seg.start, seg.end)?.to_owned();
        let marks = seg
            .ids
            .iter()
            .filter_map(|id| set.get(id))
            .map(|a: &Annotation| {
                let name = labels
                    .get(&a.label)
                    .map(|l| l.name.as_str())
                    .unwrap_or(&a.label);
                let mut title = if a.note.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name}: {}", a.note)
                };
                let was = session.edited().get(&a.id);
                if let Some(was) = was {
                    title.push_str(&format!(" (edited by the new version; was “{was}”)"));
                }
                MarkInfo {
                    id: Rc::from(a.id.as_str()),
                    label: Rc::from(a.label.as_str()),
                    first: seg.start == first_char_shown(doc, a),
                    title: Rc::from(title.as_str()),
                    edited: was.is_some(),
                }
            })
            .collect();
        pieces.push(Piece { text, marks });
    }
    let blocks = doc.blocks();
    let block = blocks.get(b)?;
    let prev_end = if b == 0 { 0 } else { blocks.get(b - 1)?.end };
    let before = Rc::from(doc.slice(prev_end, block.start).unwrap_or_default());
    let after = if b + 1 == blocks.len() {
        Rc::from(doc.slice(block.end, doc.len_chars()).unwrap_or_default())
    } else {
        Rc::from("")
    };
    Some(BlockView {
        index: b,
        heading: b == 0,
        pieces,
        before,
        after,
    })
}
