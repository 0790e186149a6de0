//! Keyboard caret keys and touch selection: the DOM events that drive the
//! selection without a mouse, turned into [`Msg`]s for the root component.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::html::Scope;
use yew::NodeRef;

use super::{App, Msg, Source};
use crate::web::{self, caret};

/// The element with focus, if it is `article` or inside it.
fn focus_in(article: &Element) -> Option<Element> {
    let active = web::document()?.active_element()?;
    article.contains(Some(&active)).then_some(active)
}

/// Handle the article's caret keys: `Ctrl+←/→` move a caret word by word,
/// `Shift+Ctrl+←/→` extend the selection; `Tab` from the article goes to
/// the open picker. Returns whether the key was used.
pub fn caret_key(e: &KeyboardEvent, article: &NodeRef, link: &Scope<App>) -> bool {
    let Some(art) = article.cast::<Element>() else {
        return false;
    };
    let Some(active) = focus_in(&art) else {
        return back_from_picker(e, &art);
    };
    let key = e.key();
    if key == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() {
        // The picker is shown for a selection: the next stop after the
        // article is its first label.
        let first = art
            .parent_element()
            .and_then(|p| {
                p.query_selector(".picker button[data-label]")
                    .ok()
                    .flatten()
            })
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
        return match first {
            Some(button) => {
                e.prevent_default();
                let _ = button.focus();
                true
            }
            None => false,
        };
    }
    let forward = match key.as_str() {
        "ArrowRight" => true,
        "ArrowLeft" => false,
        _ => return false,
    };
    if !e.ctrl_key() || e.alt_key() || e.meta_key() {
        return false;
    }
    e.prevent_default();
    let from = (!active.is_same_node(Some(art.as_ref()))).then_some(&active);
    if caret::step_word(&art, from, forward, e.shift_key()) {
        if from.is_some() {
            // The caret now lives in the article's text: keep focus on the
            // article so that the next step starts from the caret.
            if let Some(a) = art.dyn_ref::<web_sys::HtmlElement>() {
                let _ = a.focus();
            }
        }
        link.send_message(Msg::SelectionMaybeChanged(Source::Keyboard));
    }
    true
}

/// `Shift+Tab` on the picker's first label goes back to the article (the
/// picker sits elsewhere in the page's order).
fn back_from_picker(e: &KeyboardEvent, art: &Element) -> bool {
    if e.key() != "Tab" || !e.shift_key() {
        return false;
    }
    let first = web::document()
        .and_then(|d| d.active_element())
        .filter(|a| {
            a.closest(".picker").ok().flatten().is_some() && a.previous_element_sibling().is_none()
        });
    match (first, art.dyn_ref::<web_sys::HtmlElement>()) {
        (Some(_), Some(a)) => {
            e.prevent_default();
            let _ = a.focus();
            true
        }
        _ => false,
    }
}

/// Touch: a long press and drag selects text with the system's handles,
/// firing `selectionchange` but no `mouseup`. While a finger is (or was
/// just) on the page, each selection change shows the picker, placed for
/// a finger; a touch that starts on the picker or another control does not
/// count, so tapping a label does not close the picker first.
pub fn touch_listeners(document: &web_sys::Document, link: &Scope<App>) -> Vec<EventListener> {
    // Touch mode: set by a touch on the page, cleared by a mouse press
    // that is not the compatibility event of a tap.
    let touching = Rc::new(Cell::new(false));
    let on_ui = Rc::new(Cell::new(false));
    let last_touch = Rc::new(Cell::new(f64::NEG_INFINITY));
    let passive = EventListenerOptions::run_in_capture_phase();
    let mut out = Vec::new();
    {
        let (touching, on_ui, last) = (touching.clone(), on_ui.clone(), last_touch.clone());
        out.push(EventListener::new_with_options(
            document,
            "touchstart",
            passive,
            move |e| {
                touching.set(true);
                last.set(js_sys::Date::now());
                on_ui.set(
                    e.target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .and_then(|el| {
                            el.closest(".picker, .toolbar, .sidebar, .dialog")
                                .ok()
                                .flatten()
                        })
                        .is_some(),
                );
            },
        ));
    }
    {
        let last = last_touch.clone();
        out.push(EventListener::new_with_options(
            document,
            "touchend",
            passive,
            move |_| last.set(js_sys::Date::now()),
        ));
    }
    {
        let (touching, last) = (touching.clone(), last_touch.clone());
        out.push(EventListener::new(document, "mousedown", move |_| {
            if js_sys::Date::now() - last.get() > 1_000.0 {
                touching.set(false);
            }
        }));
    }
    let l = link.clone();
    out.push(EventListener::new(document, "selectionchange", move |_| {
        if touching.get() && !on_ui.get() {
            l.send_message(Msg::SelectionMaybeChanged(Source::Touch));
        }
    }));
    out
}
