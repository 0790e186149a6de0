//! The Yew shell: turns DOM events into [`AppModel`] calls and the model
//! into DOM. It owns no state of its own besides the label picker's
//! position and timers.

pub mod block;
mod input;
pub mod labels;
pub mod revisions;
pub mod sidebar;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::core::session::{Action, ImportMode};
use crate::core::span::new_id;
use crate::core::LabelSet;
use crate::model::{AlertKind, AppModel, ExportFormat, SaveState, MAX_FILE_BYTES};
use crate::store::KeyValue;
use crate::web::{self, files, selection, storage::LocalStorage};
use block::ArticleBody;
use sidebar::{groups, Group, Sidebar};

/// Debounce between a change and its save.
pub const SAVE_DELAY_MS: u32 = 250;
/// Retry interval while saving fails.
pub const SAVE_RETRY_MS: u32 = 5_000;

/// Messages of the root component.
pub enum Msg {
    /// The DOM selection may have changed (mouseup, touchend, keyup,
    /// selectionchange during a touch, a keyboard word step).
    SelectionMaybeChanged(Source),
    /// Focus left the article: hide the keyboard caret.
    HideCaret,
    /// A label key (`1`/`2`/`3`…) was pressed outside any text field.
    LabelKey(String),
    /// Tag the pending selection with this label (picker click).
    Tag(String),
    /// Esc: close the picker, clear the selection.
    Cancel,
    /// Delete an annotation.
    Delete(String),
    /// Relabel (id, label).
    Relabel(String, String),
    /// Edit a note (id, note).
    Note(String, String),
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Scroll to a highlight and flash it.
    Reveal(String),
    /// Download the current document in a format.
    Export(ExportFormat),
    /// A file for import was read (name, bytes): any format, recognised by
    /// content.
    ImportBytes(String, Vec<u8>),
    /// An article file was read, or text pasted (source, bytes).
    OpenBytes(String, Vec<u8>),
    /// A new version of the article was read, or pasted (source, bytes):
    /// show that work is under way, then compare.
    ReviseBytes(String, Vec<u8>),
    /// Compare and load the new version (after the progress shows).
    ReviseNow(String, Vec<u8>),
    /// Confirm or cancel a revision that would orphan most annotations.
    ReviseChoice(bool),
    /// An opened article looks like a stored one: new version of it
    /// (`Some(true)`), separate article (`Some(false)`), or cancel.
    OpenChoice(Option<bool>),
    /// Re-attach an orphan to the article's selection.
    Reattach(String),
    /// Delete an orphan.
    DeleteOrphan(String),
    /// An edited annotation was reviewed.
    Reviewed(String),
    /// The user chose merge / replace / cancel for a pending import.
    ImportChoice(Option<ImportMode>),
    /// Switch document.
    Switch(String),
    /// Show every entry of a label in the side panel.
    Expand(String),
    /// Show or hide the paste dialog.
    TogglePaste,
    /// Show or hide the label editor.
    ToggleLabels,
    /// A label edit from the editor.
    LabelAction(Action),
    /// Save now (debounce timer fired).
    Save,
    /// Another tab changed storage.
    External(String, Option<String>),
    /// Dismiss an alert.
    Dismiss(u64),
    /// Download a backup of an unreadable stored value.
    DownloadBackup(String),
    /// A message for the alert region.
    Notice(AlertKind, String),
    /// The model changed outside `update` (a synchronous flush): redraw.
    Refresh,
}

/// What moved the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Mouse.
    Pointer,
    /// A key released (the caret, if shown, follows the selection).
    KeyUp,
    /// A finger: the picker goes lower, clear of the selection handles
    /// (the system's own menu sits above the selection).
    Touch,
    /// The keyboard caret (Ctrl+arrows): draw the caret too.
    Keyboard,
}

struct Picker {
    start: usize,
    end: usize,
    top: f64,
    left: f64,
    /// The top of the selection, for placing the picker above it when
    /// there is no room below.
    above: f64,
}

/// Gap between a touch selection and the picker: room for the handles.
const TOUCH_GAP: f64 = 34.0;

/// The root component.
pub struct App {
    model: Rc<RefCell<AppModel>>,
    kv: Rc<dyn KeyValue>,
    article: NodeRef,
    picker_ref: NodeRef,
    paste_ref: NodeRef,
    picker: Option<Picker>,
    /// The keyboard caret: (left, top, height), page coordinates.
    caret: Option<(f64, f64, f64)>,
    caret_ref: NodeRef,
    /// The live region's message, numbered so a repeated message is a new
    /// node and is announced again.
    live: (u64, String),
    styles: Option<web::label_style::LabelStyles>,
    paste_open: bool,
    labels_open: bool,
    /// Work under way, for the progress line ("Comparing the versions…").
    busy: Option<&'static str>,
    busy_timer: Option<Timeout>,
    /// Move focus into the label editor when it opens, and back to its
    /// opener when it closes.
    focus_dialog: bool,
    focus_after: Option<String>,
    save_timer: Option<Timeout>,
    entries: (u64, Rc<Vec<Group>>),
    expanded: std::collections::HashSet<String>,
    labels: Rc<LabelSet>,
    callbacks: Callbacks,
    _listeners: Vec<EventListener>,
}

struct Callbacks {
    focus: Callback<String>,
    delete: Callback<String>,
    relabel: Callback<(String, String)>,
    note: Callback<(String, String)>,
    expand: Callback<String>,
    label_action: Callback<Action>,
    labels_close: Callback<()>,
}

/// Is this event target a text field (where keys belong to the field)?
fn in_text_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// The annotation id of the focused highlight, if focus is on one.
/// The id of the highlight that has focus, if it is inside `article`
/// (this instance's article, not just any element with that id).
fn focused_annotation(article: &NodeRef) -> Option<String> {
    let active = web::document()?.active_element()?;
    let article = article.cast::<Element>()?;
    if !article.contains(Some(&active)) {
        return None;
    }
    active.get_attribute("data-annotation-id")
}

impl App {
    fn selection(&self) -> Option<(usize, usize)> {
        let article = self.article.cast::<Element>()?;
        let model = self.model.borrow();
        let (s, e) = selection::selected_range(&article, model.doc())?;
        // Whitespace-only selections do nothing.
        model.doc().slice(s, e).filter(|t| !t.trim().is_empty())?;
        Some((s, e))
    }

    fn add(&mut self, start: usize, end: usize, label: String) -> bool {
        let id = new_id();
        let ok = self.act(Action::Add {
            id: id.clone(),
            start,
            end,
            label,
            now: web::now(),
        });
        self.picker = None;
        self.caret = None;
        selection::clear();
        if ok {
            self.focus_after = Some(id);
        }
        true
    }

    /// Apply an edit and announce what it did in the live region.
    fn act(&mut self, action: Action) -> bool {
        let change = self.model.borrow_mut().apply_change(action);
        match change {
            Some(c) => {
                self.announce(c.summary);
                true
            }
            None => false,
        }
    }

    /// Say `text` through the polite live region.
    fn announce(&mut self, text: String) {
        self.live = (self.live.0 + 1, text);
    }

    fn schedule_save(&mut self, ctx: &Context<Self>) {
        let delay = match self.model.borrow().save_state() {
            SaveState::Pending => SAVE_DELAY_MS,
            SaveState::Failing(_) => SAVE_RETRY_MS,
            _ => return,
        };
        let link = ctx.link().clone();
        self.save_timer = Some(Timeout::new(delay, move || link.send_message(Msg::Save)));
    }

    /// Rebuild the sidebar's groups when the model changed, and follow the
    /// document's labels (another document, an import, a label edit): the
    /// picker, keys, legend, panel and highlight colours all read them.
    fn refresh_entries(&mut self) {
        let model = self.model.borrow();
        let rev = model.rev();
        if self.entries.0 != rev {
            let s = model.session();
            if s.labels() != &*self.labels {
                self.labels = Rc::new(s.labels().clone());
            }
            if let Some(styles) = &mut self.styles {
                styles.set(&self.labels);
            }
            self.entries = (
                rev,
                Rc::new(groups(&self.labels, s.annotations().iter(), &self.expanded)),
            );
        }
    }

    fn reveal(&self, id: &str) {
        let Some(article) = self.article.cast::<Element>() else {
            return;
        };
        let pieces = highlights_of(&article, "[data-annotation-id]", id);
        for el in &pieces {
            let _ = el.class_list().remove_1("flash");
            let _ = el.offset_width(); // restart the animation
            let _ = el.class_list().add_1("flash");
        }
        if let Some(el) = pieces.first() {
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
            let _ = el.focus();
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (kv, problem): (Rc<dyn KeyValue>, _) = match LocalStorage::open() {
            Ok(ls) => (Rc::new(ls), None),
            Err(e) => (Rc::new(crate::store::MemoryKv::default()), Some(e)),
        };
        let model = Rc::new(RefCell::new(AppModel::boot(
            kv.clone(),
            problem,
            web::now(),
        )));
        let labels = Rc::new(model.borrow().session().labels().clone());
        let link = ctx.link();
        let callbacks = Callbacks {
            focus: link.callback(Msg::Reveal),
            delete: link.callback(Msg::Delete),
            relabel: link.callback(|(id, l)| Msg::Relabel(id, l)),
            note: link.callback(|(id, n)| Msg::Note(id, n)),
            expand: link.callback(Msg::Expand),
            label_action: link.callback(Msg::LabelAction),
            labels_close: link.callback(|()| Msg::ToggleLabels),
        };

        let article = NodeRef::default();
        let mut listeners = Vec::new();
        if let (Some(window), Some(document)) = (web_sys::window(), web::document()) {
            let l = link.clone();
            let art = article.clone();
            listeners.push(EventListener::new(&document, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if e.default_prevented() || e.is_composing() {
                    return;
                }
                if input::caret_key(e, &art, &l) {
                    return;
                }
                let key = e.key();
                let ctrl = e.ctrl_key() || e.meta_key();
                let field = in_text_field(e.target());
                if ctrl && !e.alt_key() && (key == "z" || key == "Z" || key == "y") {
                    if field {
                        return; // the field's own undo
                    }
                    e.prevent_default();
                    l.send_message(if e.shift_key() || key == "y" {
                        Msg::Redo
                    } else {
                        Msg::Undo
                    });
                    return;
                }
                if key == "Escape" {
                    l.send_message(Msg::Cancel);
                    return;
                }
                if field || ctrl || e.alt_key() {
                    return;
                }
                match key.as_str() {
                    "Delete" | "Backspace" => {
                        if let Some(id) = focused_annotation(&art) {
                            e.prevent_default();
                            l.send_message(Msg::Delete(id));
                        }
                    }
                    k if k.chars().count() == 1 => l.send_message(Msg::LabelKey(k.to_owned())),
                    _ => {}
                }
            }));
            listeners.extend(input::touch_listeners(&document, link));
            for (ev, source) in [
                ("mouseup", Source::Pointer),
                ("touchend", Source::Touch),
                ("keyup", Source::KeyUp),
            ] {
                let l = link.clone();
                listeners.push(EventListener::new(&document, ev, move |e| {
                    let in_ui = e
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .and_then(|el| {
                            el.closest(".picker, .toolbar, .sidebar, .dialog")
                                .ok()
                                .flatten()
                        })
                        .is_some();
                    if !in_ui {
                        l.send_message(Msg::SelectionMaybeChanged(source));
                    }
                }));
            }
            // Flush unsaved work synchronously: after pagehide there may be
            // no later turn of the event loop.
            for (target, ev) in [
                (window.as_ref(), "pagehide"),
                (document.as_ref(), "visibilitychange"),
            ] {
                let m = model.clone();
                let l = link.clone();
                listeners.push(EventListener::new(target, ev, move |_| {
                    if let Ok(mut m) = m.try_borrow_mut() {
                        web::measured("surligneur:save", || m.save_now(web::now()));
                    }
                    l.send_message(Msg::Refresh);
                }));
            }
            let l = link.clone();
            listeners.push(EventListener::new(&window, "storage", move |e| {
                if let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() {
                    if let Some(key) = e.key() {
                        l.send_message(Msg::External(key, e.new_value()));
                    }
                }
            }));
        }

        let mut app = App {
            model,
            kv,
            article,
            picker_ref: NodeRef::default(),
            paste_ref: NodeRef::default(),
            picker: None,
            caret: None,
            caret_ref: NodeRef::default(),
            live: (0, String::new()),
            styles: web::label_style::LabelStyles::new(),
            paste_open: false,
            labels_open: false,
            busy: None,
            busy_timer: None,
            focus_dialog: false,
            focus_after: None,
            save_timer: None,
            entries: (u64::MAX, Rc::new(Vec::new())),
            expanded: Default::default(),
            labels,
            callbacks,
            _listeners: listeners,
        };
        app.refresh_entries();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let rev_before = self.model.borrow().rev();
        let render = match msg {
            Msg::SelectionMaybeChanged(source) => {
                if let (Source::Keyboard, Some(a)) = (source, self.article.cast::<Element>()) {
                    // First scroll, then measure: the caret and the picker
                    // go where the text now is.
                    web::caret::reveal_focus(&a);
                }
                let gap = if source == Source::Touch {
                    TOUCH_GAP
                } else {
                    6.0
                };
                let next = self.selection().and_then(|(start, end)| {
                    let rect = web_sys::window()?
                        .get_selection()
                        .ok()??
                        .get_range_at(0)
                        .ok()?
                        .get_bounding_client_rect();
                    Some(Picker {
                        start,
                        end,
                        top: rect.bottom() + gap,
                        left: rect.left(),
                        above: rect.top() - gap,
                    })
                });
                let follow =
                    source == Source::Keyboard || (source == Source::KeyUp && self.caret.is_some());
                let caret = match self.article.cast::<Element>() {
                    Some(a) if follow => web::caret::caret_box(&a),
                    _ => None,
                };
                let changed = next.is_some() || self.picker.is_some() || caret != self.caret;
                self.picker = next;
                self.caret = caret;
                changed
            }
            Msg::HideCaret => self.caret.take().is_some(),
            Msg::LabelKey(k) => {
                let label = self.labels.by_key(&k).map(|l| l.id.clone());
                let Some(label) = label else { return false };
                if let Some((s, e)) = self.selection() {
                    self.add(s, e, label)
                } else if let Some(p) = self.picker.take() {
                    self.add(p.start, p.end, label)
                } else if let Some(id) = focused_annotation(&self.article) {
                    self.focus_after = Some(id.clone());
                    self.act(Action::Relabel {
                        id,
                        label,
                        now: web::now(),
                    })
                } else {
                    false
                }
            }
            Msg::Tag(label) => {
                let range = self
                    .picker
                    .take()
                    .map(|p| (p.start, p.end))
                    .or_else(|| self.selection());
                match range {
                    Some((s, e)) => self.add(s, e, label),
                    None => true,
                }
            }
            Msg::Cancel => {
                // The innermost thing first: a selection (its picker, the
                // caret), then the dialogs.
                let in_picker = web::document()
                    .and_then(|d| d.active_element())
                    .and_then(|a| a.closest(".picker").ok().flatten())
                    .is_some();
                let had_caret = self.caret.take().is_some();
                if self.picker.take().is_some() || had_caret {
                    selection::clear();
                    if in_picker {
                        if let Some(a) = self.article.cast::<HtmlElement>() {
                            let _ = a.focus();
                        }
                    }
                    return true;
                }
                self.paste_open = false;
                if self.labels_open {
                    self.labels_open = false;
                    self.focus_dialog = true;
                }
                let mut model = self.model.borrow_mut();
                model.resolve_import(None);
                model.resolve_revision(false);
                model.resolve_open(None, web::now());
                true
            }
            Msg::Delete(id) => self.act(Action::Delete { id }),
            Msg::Relabel(id, label) => self.act(Action::Relabel {
                id,
                label,
                now: web::now(),
            }),
            Msg::Note(id, note) => self.act(Action::EditNote {
                id,
                note,
                now: web::now(),
            }),
            Msg::Undo => self.act(Action::Undo),
            Msg::Redo => self.act(Action::Redo),
            Msg::Reveal(id) => {
                self.reveal(&id);
                false
            }
            Msg::Export(format) => {
                let d = self.model.borrow().export_as(format);
                if files::download_bytes(&d.name, &d.bytes, d.mime).is_err() {
                    self.model.borrow_mut().alert(
                        AlertKind::Error,
                        "The export could not be downloaded by this browser.",
                    );
                }
                true
            }
            Msg::ImportBytes(name, bytes) => {
                web::measured("surligneur:import", || {
                    self.model
                        .borrow_mut()
                        .import_any(&name, &bytes, web::now())
                });
                true
            }
            Msg::OpenBytes(source, bytes) => {
                self.paste_open = false;
                self.model
                    .borrow_mut()
                    .open_article_from(&bytes, &source, web::now());
                true
            }
            Msg::ReviseBytes(source, bytes) => {
                self.paste_open = false;
                self.busy = Some("Comparing the new version with this one…");
                let link = ctx.link().clone();
                // Let the progress line paint before the work starts.
                self.busy_timer = Some(Timeout::new(16, move || {
                    link.send_message(Msg::ReviseNow(source, bytes))
                }));
                true
            }
            Msg::ReviseNow(source, bytes) => {
                self.busy = None;
                web::measured("surligneur:revise", || {
                    self.model.borrow_mut().revise(&bytes, &source, web::now())
                });
                true
            }
            Msg::OpenChoice(choice) => {
                self.model.borrow_mut().resolve_open(choice, web::now());
                true
            }
            Msg::ReviseChoice(confirm) => {
                self.model.borrow_mut().resolve_revision(confirm);
                true
            }
            Msg::Reattach(id) => match self.selection() {
                Some((start, end)) => {
                    selection::clear();
                    self.picker = None;
                    self.focus_after = Some(id.clone());
                    self.act(Action::Reattach {
                        id,
                        start,
                        end,
                        now: web::now(),
                    })
                }
                None => {
                    self.model.borrow_mut().alert(
                        AlertKind::Notice,
                        "Select the orphan's text in the article first, then press Re-attach.",
                    );
                    true
                }
            },
            Msg::DeleteOrphan(id) => self.act(Action::DeleteOrphan { id }),
            Msg::Reviewed(id) => self.act(Action::MarkReviewed { id }),
            Msg::ImportChoice(mode) => {
                self.model.borrow_mut().resolve_import(mode);
                true
            }
            Msg::Switch(id) => {
                self.picker = None;
                self.caret = None;
                if !self.model.borrow_mut().switch_to(&id, web::now()) {
                    self.model.borrow_mut().alert(
                        AlertKind::Error,
                        "That document is no longer stored in this browser.",
                    );
                }
                true
            }
            Msg::TogglePaste => {
                self.paste_open = !self.paste_open;
                true
            }
            Msg::ToggleLabels => {
                self.labels_open = !self.labels_open;
                self.focus_dialog = true;
                true
            }
            Msg::LabelAction(action) => {
                self.act(action);
                true
            }
            Msg::Save => {
                web::measured("surligneur:save", || {
                    self.model.borrow_mut().save_now(web::now())
                });
                true
            }
            Msg::External(key, value) => {
                self.model
                    .borrow_mut()
                    .external_change(&key, value.as_deref());
                true
            }
            Msg::Dismiss(id) => {
                self.model.borrow_mut().dismiss(id);
                true
            }
            Msg::DownloadBackup(key) => {
                match self.kv.get(&key) {
                    Ok(Some(raw)) => {
                        let name = format!("{}.txt", key.replace('/', "_"));
                        let _ = files::download(&name, &raw, "text/plain");
                    }
                    _ => {
                        self.model.borrow_mut().alert(
                            AlertKind::Error,
                            "The backup could not be read from storage.",
                        );
                    }
                }
                false
            }
            Msg::Refresh => true,
            Msg::Expand(label) => {
                self.expanded.insert(label);
                self.entries.0 = u64::MAX;
                self.refresh_entries();
                true
            }
            Msg::Notice(kind, text) => {
                self.model.borrow_mut().alert(kind, text);
                true
            }
        };
        if self.model.borrow().rev() != rev_before {
            self.refresh_entries();
            self.schedule_save(ctx);
            return true;
        }
        render
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        if let (Some(p), Some(el)) = (&self.picker, self.picker_ref.cast::<HtmlElement>()) {
            // Below the selection (a touch device's own menu sits above
            // it), kept inside the viewport: above the selection when there
            // is no room below, never past the right edge.
            let (w, h) = (el.offset_width() as f64, el.offset_height() as f64);
            let (vw, vh) = web_sys::window()
                .map(|w| {
                    let f = |v: Result<wasm_bindgen::JsValue, _>| {
                        v.ok().and_then(|v| v.as_f64()).unwrap_or(f64::INFINITY)
                    };
                    (f(w.inner_width()), f(w.inner_height()))
                })
                .unwrap_or((f64::INFINITY, f64::INFINITY));
            let top = if p.top + h > vh && p.above - h >= 0.0 {
                p.above - h
            } else {
                p.top
            };
            let left = p.left.min(vw - w - 8.0).max(0.0);
            let style = el.style();
            let _ = style.set_property("top", &format!("{}px", top.max(0.0)));
            let _ = style.set_property("left", &format!("{left}px"));
        }
        if let (Some((x, y, h)), Some(el)) = (self.caret, self.caret_ref.cast::<HtmlElement>()) {
            let style = el.style();
            let _ = style.set_property("left", &format!("{x}px"));
            let _ = style.set_property("top", &format!("{y}px"));
            let _ = style.set_property("height", &format!("{h}px"));
        }
        if let Some(id) = self.focus_after.take() {
            self.reveal_focus(&id);
        }
        if std::mem::take(&mut self.focus_dialog) {
            let target = if self.labels_open {
                "[data-dialog=labels] input, [data-dialog=labels] button"
            } else {
                "[data-action=labels]"
            };
            if let Some(el) = self
                .article
                .cast::<Element>()
                .and_then(|a| a.closest(".app").ok().flatten())
                .and_then(|app| app.query_selector(target).ok().flatten())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let model = self.model.borrow();
        let link = ctx.link();
        let doc = model.doc();
        let session = model.session();

        let on_import = file_input_handler(link, Msg::ImportBytes);
        let on_open = file_input_handler(link, Msg::OpenBytes);
        let on_revise = file_input_handler(link, Msg::ReviseBytes);
        let on_switch = link.batch_callback(|e: Event| {
            e.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| Msg::Switch(s.value()))
        });
        let counts = session.annotations().counts_by_label();
        // (first words, the rest): on a phone only the first words show
        // (screen readers hear all of it).
        let (save_short, save_more) = match model.save_state() {
            SaveState::Saved => ("Saved", " in this browser"),
            SaveState::Pending => ("Saving…", ""),
            SaveState::Failing(_) => ("Not saved", " — export to keep a copy"),
            SaveState::Blocked(_) => ("Not saved", " (stored by a newer version)"),
            SaveState::Unavailable(_) => (
                "Not saved",
                " — this browser blocks storage; export to keep a copy",
            ),
        };
        let article = self.article.clone();
        let on_article_blur = link.batch_callback(move |e: FocusEvent| {
            let to = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = article
                .cast::<Element>()
                .is_some_and(|a| to.is_some_and(|t| a.contains(Some(&t))));
            (!inside).then_some(Msg::HideCaret)
        });
        let paste_ref = self.paste_ref.clone();
        let paste_ref2 = self.paste_ref.clone();
        let on_paste_open = link.batch_callback(move |_| {
            paste_ref
                .cast::<web_sys::HtmlTextAreaElement>()
                .map(|t| Msg::OpenBytes("pasted".into(), t.value().into_bytes()))
        });
        let on_paste_revise = link.batch_callback(move |_| {
            paste_ref2
                .cast::<web_sys::HtmlTextAreaElement>()
                .map(|t| Msg::ReviseBytes("pasted".into(), t.value().into_bytes()))
        });
        let orphans: Rc<Vec<revisions::OrphanRow>> = Rc::new(
            session
                .orphans()
                .values()
                .map(|o| revisions::OrphanRow {
                    id: o.annotation.id.clone(),
                    label: o.annotation.label.clone(),
                    label_name: self
                        .labels
                        .get(&o.annotation.label)
                        .map_or_else(|| o.annotation.label.clone(), |l| l.name.clone()),
                    quote: o.annotation.quote.clone(),
                    note: o.annotation.note.clone(),
                })
                .collect(),
        );
        let edited: Rc<Vec<revisions::EditedRow>> = Rc::new(
            session
                .edited()
                .iter()
                .filter_map(|(id, before)| {
                    Some(revisions::EditedRow {
                        id: id.clone(),
                        before: before.clone(),
                        now: session.annotations().get(id)?.quote.clone(),
                    })
                })
                .collect(),
        );

        html! {
            <div class="app">
                <header class="toolbar">
                    <strong class="brand">{ "Surligneur" }</strong>
                    <label class="docs"><span class="docs-name">{ "Document " }</span>
                        <select data-action="documents" aria-label="Document" onchange={on_switch}>
                            { for model.docs().iter().map(|d| html! {
                                <option key={d.id.clone()} value={d.id.clone()} selected={d.id == doc.id()}>
                                    { format!("{} ({})", d.title, if d.id == doc.id() { session.annotations().len() } else { d.count }) }
                                </option>
                            }) }
                        </select>
                    </label>
                    <label class="button">{ "Open" }<span class="more">{ " article" }</span>{ "…" }
                        <input type="file" data-action="open" accept=".txt,.md,text/plain,text/markdown" onchange={on_open} />
                    </label>
                    <button data-action="paste" onclick={link.callback(|_| Msg::TogglePaste)}>{ "Paste" }<span class="more">{ " text" }</span>{ "…" }</button>
                    <label class="button">{ "Import…" }
                        <input type="file" data-action="import" accept=".json,.jsonld,.jsonl,.csv,.ann,.zip,application/json,text/csv,application/zip" onchange={on_import} />
                    </label>
                    <details class="menu export-menu">
                        <summary data-action="export-menu">{ "Export…" }</summary>
                        <div class="menu-items" role="group" aria-label="Export as">
                            { for ExportFormat::ALL.into_iter().map(|f| html! {
                                <button key={f.id()} data-action="export" data-format={f.id()}
                                    onclick={link.callback(move |_| Msg::Export(f))}>{ f.name() }</button>
                            }) }
                        </div>
                    </details>
                    <button data-action="labels" aria-haspopup="dialog" onclick={link.callback(|_| Msg::ToggleLabels)}>{ "Labels…" }</button>
                    <button data-action="undo" disabled={!session.can_undo()} title="Undo (Ctrl+Z)" onclick={link.callback(|_| Msg::Undo)}>{ "↶" }<span class="more">{ " Undo" }</span></button>
                    <button data-action="redo" disabled={!session.can_redo()} title="Redo (Ctrl+Shift+Z)" onclick={link.callback(|_| Msg::Redo)}>{ "↷" }<span class="more">{ " Redo" }</span></button>
                    // A tab stop: on a phone it scrolls sideways, and keyboard
                    // users must be able to scroll it too.
                    <ul class="legend" aria-label="Legend" tabindex="0">
                        { for self.labels.iter().map(|l| html! {
                            <li key={l.id.clone()} data-label={l.id.clone()}>
                                <span class="swatch" data-label={l.id.clone()}></span>
                                <kbd>{ l.key.clone() }</kbd>{ " " }
                                <span class="name">{ l.name.clone() }</span>
                                { format!(" ({})", counts.get(&l.id).copied().unwrap_or(0)) }
                            </li>
                        }) }
                    </ul>
                    <span class="save-state" data-save={format!("{:?}", model.save_state()).split('(').next().unwrap_or("").to_lowercase()}>{ save_short }<span class="more">{ save_more }</span></span>
                </header>

                <div class="alerts" role="alert" aria-live="assertive">
                    { for model.alerts().iter().map(|a| {
                        let id = a.id;
                        html! {
                            <div key={a.id} class={classes!("alert", if a.kind == AlertKind::Error { "error" } else { "notice" })}>
                                <span>{ a.text.clone() }</span>
                                if let Some(k) = a.backup_key.clone() {
                                    <button data-action="download-backup" onclick={link.callback(move |_| Msg::DownloadBackup(k.clone()))}>{ "Download backup" }</button>
                                }
                                <button class="dismiss" aria-label="Dismiss" onclick={link.callback(move |_| Msg::Dismiss(id))}>{ "×" }</button>
                            </div>
                        }
                    }) }
                </div>

                if let Some(p) = model.pending_import() {
                    <div class="dialog" role="dialog" aria-label="Import">
                        <p>{ format!("“{}” already has {} annotations; the file has {}. Merge them (keeping the newer version of each) or replace yours with the file's?", doc.title(), p.existing, p.file.annotations.len()) }</p>
                        <button data-choice="merge" onclick={link.callback(|_| Msg::ImportChoice(Some(ImportMode::Merge)))}>{ "Merge" }</button>
                        <button data-choice="replace" onclick={link.callback(|_| Msg::ImportChoice(Some(ImportMode::Replace)))}>{ "Replace" }</button>
                        <button data-choice="cancel" onclick={link.callback(|_| Msg::ImportChoice(None))}>{ "Cancel" }</button>
                    </div>
                }
                if let Some(p) = model.pending_open() {
                    <div class="dialog" role="dialog" aria-label="A new version?">
                        <p>{ format!("This looks like “{}”, which is stored here with its annotations. Is it a new version of that article (its annotations follow their words), or a separate article?", p.title) }</p>
                        <button data-choice="open-as-version" onclick={link.callback(|_| Msg::OpenChoice(Some(true)))}>{ "New version of it" }</button>
                        <button data-choice="open-separate" onclick={link.callback(|_| Msg::OpenChoice(Some(false)))}>{ "Separate article" }</button>
                        <button data-choice="open-cancel" onclick={link.callback(|_| Msg::OpenChoice(None))}>{ "Cancel" }</button>
                    </div>
                }
                if let Some(p) = model.pending_revision() {
                    <div class="dialog" role="dialog" aria-label="New version">
                        <p>{ format!("This text shares little with the article shown: only {} of its {} annotations would keep their words; the other {} would become orphans (kept, with their words, in the Orphans panel). Load it as a new version anyway?", p.kept, p.total, p.total - p.kept) }</p>
                        <button data-choice="revise-confirm" onclick={link.callback(|_| Msg::ReviseChoice(true))}>{ "Load as new version" }</button>
                        <button data-choice="revise-cancel" onclick={link.callback(|_| Msg::ReviseChoice(false))}>{ "Cancel" }</button>
                    </div>
                }
                if let Some(what) = self.busy {
                    <p class="busy" role="status" data-busy="true">{ what }</p>
                }
                if self.labels_open {
                    <labels::LabelEditor labels={self.labels.clone()} counts={Rc::new(counts.clone())}
                        on_action={self.callbacks.label_action.clone()} on_close={self.callbacks.labels_close.clone()} />
                }
                if self.paste_open {
                    <div class="dialog" role="dialog" aria-label="Paste an article">
                        <p>{ "Paste an article; its first line becomes the title." }</p>
                        <textarea ref={self.paste_ref.clone()} data-action="paste-text" aria-label="Article text" rows="10" cols="60" />
                        <button data-action="paste-open" onclick={on_paste_open}>{ "Open" }</button>
                        <button data-action="paste-revise" onclick={on_paste_revise}>{ "Load as a new version of this article" }</button>
                        <button onclick={link.callback(|_| Msg::TogglePaste)}>{ "Cancel" }</button>
                    </div>
                }

                <div class="live vh" role="status" aria-live="polite">
                    if !self.live.1.is_empty() {
                        <p key={self.live.0}>{ self.live.1.clone() }</p>
                    }
                </div>

                <main class="layout">
                    <p id="article-help" class="vh">{ KEYBOARD_HELP }</p>
                    <article id="article" ref={self.article.clone()} key={doc.id().to_owned()} lang={model.doc_lang()}
                        tabindex="0" aria-describedby="article-help" onfocusout={on_article_blur}>
                        <ArticleBody views={model.views().clone()} />
                    </article>
                    if self.caret.is_some() {
                        <div class="caret" aria-hidden="true" ref={self.caret_ref.clone()}></div>
                    }
                    <div class="side-column">
                    <Sidebar
                        groups={self.entries.1.clone()}
                        labels={self.labels.clone()}
                        on_focus={self.callbacks.focus.clone()}
                        on_delete={self.callbacks.delete.clone()}
                        on_relabel={self.callbacks.relabel.clone()}
                        on_note={self.callbacks.note.clone()}
                        on_expand={self.callbacks.expand.clone()}
                    />
                    <revisions::Revisions orphans={orphans} edited={edited} on_revise={on_revise}
                        versions={Rc::new(session.meta().revisions.iter().map(|r| (r.source.clone(), r.loaded)).collect::<Vec<_>>())}
                        on_reattach={link.callback(Msg::Reattach)}
                        on_delete={link.callback(Msg::DeleteOrphan)}
                        on_review={link.callback(Msg::Reviewed)}
                        on_focus={self.callbacks.focus.clone()} />
                    </div>
                    // Inside <main> so that it belongs to a landmark; it is
                    // position: fixed, so where it sits in the tree does not
                    // move it.
                    if self.picker.is_some() {
                        <div class="picker" role="group" aria-label="Tag the selection" ref={self.picker_ref.clone()}>
                            { for self.labels.iter().map(|l| {
                                let id = l.id.clone();
                                let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
                                html! {
                                    <button key={l.id.clone()} data-label={l.id.clone()} {onmousedown}
                                        onclick={link.callback(move |_| Msg::Tag(id.clone()))}>
                                        <kbd>{ l.key.clone() }</kbd>{ " " }{ l.name.clone() }
                                    </button>
                                }
                            }) }
                        </div>
                    }
                </main>
            </div>
        }
    }
}

impl App {
    /// Focus the highlight of annotation `id` (its first piece), looking
    /// only inside the block where it starts.
    fn reveal_focus(&self, id: &str) {
        let Some(article) = self.article.cast::<Element>() else {
            return;
        };
        let block = {
            let model = self.model.borrow();
            let Some(a) = model.session().annotations().get(id) else {
                return;
            };
            model.doc().blocks_overlapping(a.start, a.end).start
        };
        let Ok(Some(block_el)) = article.query_selector(&format!("[data-block='{block}']")) else {
            return;
        };
        if let Some(el) = highlights_of(&block_el, "[data-annotation-id][tabindex='0']", id).first()
        {
            let _ = el.focus();
        }
    }
}

/// What a screen reader hears about the article: how to tag with keys
/// (each label's key is in the legend and the picker).
const KEYBOARD_HELP: &str = "Ctrl+arrow keys move by word, Shift+Ctrl+arrow keys select; then press a label's key, or Tab to the label picker. Escape cancels.";

/// The elements under `root` matching `selector` whose
/// `data-annotation-id` is `id`, in document order. Compared as strings, so
/// an imported id never has to be escaped into a CSS selector.
fn highlights_of(root: &Element, selector: &str, id: &str) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|el| el.get_attribute("data-annotation-id").as_deref() == Some(id))
        .collect()
}

/// A `change` handler for a file input: refuses oversized files before
/// reading, reads the bytes asynchronously, then sends `make(bytes)`.
fn file_input_handler(
    link: &yew::html::Scope<App>,
    make: fn(String, Vec<u8>) -> Msg,
) -> Callback<Event> {
    let link = link.clone();
    Callback::from(move |e: Event| {
        let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = files::first_file(&input) else {
            return;
        };
        input.set_value("");
        if file.size() > MAX_FILE_BYTES as f64 {
            link.send_message(Msg::Notice(
                AlertKind::Error,
                format!(
                    "“{}” is too large ({:.1} MB): the limit is {} MB. Nothing was changed.",
                    file.name(),
                    file.size() / 1_048_576.0,
                    MAX_FILE_BYTES / 1_048_576
                ),
            ));
            return;
        }
        let link = link.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match files::read_bytes(&file).await {
                Ok(bytes) => link.send_message(make(file.name(), bytes)),
                Err(err) => link.send_message(Msg::Notice(
                    AlertKind::Error,
                    format!("The file could not be read: {err}"),
                )),
            }
        });
    })
}
