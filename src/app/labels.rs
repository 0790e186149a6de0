//! The label editor: add, rename, recolour, re-key, restyle, reorder and
//! remove the document's labels. Every change is one undoable core action;
//! removing a label that annotations use first asks what becomes of them.
//!
//! Hooks (stable, for tests and outside checks): the dialog is
//! `[data-dialog="labels"]`, opened by `[data-action="labels"]` and closed
//! by `[data-action="labels-close"]`. One `[data-label-row=ID]` per label,
//! in order, holding `input[data-field="label-name"]`, radios
//! `input[type=radio][data-field="label-color"]` (values `#rrggbb`),
//! `select[data-field="label-key"]` (`""` for no key),
//! `select[data-field="label-look"]` (`fill`, `underline`),
//! `button[data-action="label-up"]`, `button[data-action="label-down"]`
//! and `button[data-action="label-remove"]`. A removal that needs a choice
//! shows `select[data-field="label-fate"]` (another label's id) with
//! `button[data-action="label-remove-relabel"]`,
//! `button[data-action="label-remove-delete"]` and
//! `button[data-action="label-remove-cancel"]`. A new label:
//! `input[data-field="new-label-name"]`, then
//! `button[data-action="label-add"]` (first free colour and key, filled).

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::session::{Action, LabelFate};
use crate::core::span::{Look, PALETTE};
use crate::core::{LabelDef, LabelSet};
use crate::web;

/// Props of the editor.
#[derive(Properties, PartialEq, Clone)]
pub struct LabelEditorProps {
    /// The document's labels.
    pub labels: Rc<LabelSet>,
    /// Annotations per label id.
    pub counts: Rc<BTreeMap<String, usize>>,
    /// Apply a core action (the shell announces its summary).
    pub on_action: Callback<Action>,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// The first palette colour no label uses (or the first colour).
fn free_colour(labels: &LabelSet) -> String {
    PALETTE
        .iter()
        .map(|(_, hex)| *hex)
        .find(|hex| !labels.iter().any(|l| l.color.eq_ignore_ascii_case(hex)))
        .or_else(|| PALETTE.first().map(|(_, hex)| *hex))
        .unwrap_or("#7f7f7f")
        .to_owned()
}

/// The event's target element and the id of the label row it is in.
fn target_row(e: &Event, selector: &str) -> Option<(Element, Option<String>)> {
    let el = e
        .target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()??;
    let row = el
        .closest("[data-label-row]")
        .ok()
        .flatten()
        .and_then(|r| r.get_attribute("data-label-row"));
    Some((el, row))
}

/// The label editor dialog. Two delegated handlers (one `change`, one
/// `click`) read the control's `data-field` / `data-action` and its row's
/// label id: far less code than a closure per control.
#[function_component(LabelEditor)]
pub fn label_editor(props: &LabelEditorProps) -> Html {
    // The label whose removal waits for a choice.
    let removing = use_state(|| None::<String>);
    let labels = &props.labels;
    let n = labels.len();
    let free = labels.free_keys();

    let onchange = {
        let (cb, labels) = (props.on_action.clone(), labels.clone());
        Callback::from(move |e: Event| {
            let Some((el, Some(id))) = target_row(&e, "[data-field]") else {
                return;
            };
            let Some(old) = labels.get(&id) else { return };
            let value = match el.dyn_ref::<HtmlInputElement>() {
                Some(i) => i.value(),
                None => el
                    .dyn_ref::<HtmlSelectElement>()
                    .map_or_else(String::new, |s| s.value()),
            };
            let mut new = old.clone();
            match el.get_attribute("data-field").as_deref() {
                Some("label-name") => {
                    let name = value.trim();
                    if name.is_empty() {
                        // A label needs a name: put the old one back.
                        if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                            i.set_value(&old.name);
                        }
                        return;
                    }
                    new.name = name.to_owned();
                }
                Some("label-key") => new.key = value,
                Some("label-color") => new.color = value,
                Some("label-look") => match Look::parse(&value) {
                    Some(look) => new.look = look,
                    None => return,
                },
                _ => return,
            }
            if &new != old {
                cb.emit(Action::UpdateLabel { id, label: new });
            }
        })
    };

    let onclick = {
        let (cb, close, labels, counts, removing) = (
            props.on_action.clone(),
            props.on_close.clone(),
            labels.clone(),
            props.counts.clone(),
            removing.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            let Some((button, row)) = target_row(&e, "button[data-action]") else {
                return;
            };
            let action = button.get_attribute("data-action").unwrap_or_default();
            let id = row.unwrap_or_default();
            let at = labels.position(&id);
            let remove = |fate| Action::RemoveLabel {
                id: id.clone(),
                fate,
                now: web::now(),
            };
            let query = |sel: &str| {
                button
                    .closest("[data-dialog=labels]")
                    .ok()
                    .flatten()
                    .and_then(|d| d.query_selector(sel).ok().flatten())
            };
            let act = match action.as_str() {
                "label-up" => at.map(|to| Action::MoveLabel {
                    id: id.clone(),
                    to: to.saturating_sub(1),
                }),
                "label-down" => at.map(|to| Action::MoveLabel {
                    id: id.clone(),
                    to: to + 1,
                }),
                "label-remove" if counts.get(&id).copied().unwrap_or(0) > 0 => {
                    removing.set(Some(id.clone()));
                    None
                }
                "label-remove" => Some(remove(None)),
                "label-remove-relabel" => query("[data-field=label-fate]")
                    .and_then(|s| s.dyn_into::<HtmlSelectElement>().ok())
                    .map(|s| remove(Some(LabelFate::Relabel(s.value())))),
                "label-remove-delete" => Some(remove(Some(LabelFate::Delete))),
                "label-remove-cancel" => {
                    removing.set(None);
                    None
                }
                "label-add" => {
                    let input = query("[data-field=new-label-name]")
                        .and_then(|i| i.dyn_into::<HtmlInputElement>().ok());
                    let name = input.as_ref().map(|i| i.value().trim().to_owned());
                    match (input, name) {
                        (Some(input), Some(name)) if !name.is_empty() => {
                            input.set_value("");
                            Some(Action::AddLabel {
                                label: LabelDef {
                                    id: labels.fresh_id(&name),
                                    name,
                                    color: free_colour(&labels),
                                    key: labels.free_keys().into_iter().next().unwrap_or_default(),
                                    look: Look::Fill,
                                },
                            })
                        }
                        _ => None,
                    }
                }
                "labels-close" => {
                    close.emit(());
                    None
                }
                _ => None,
            };
            if let Some(a) = act {
                if matches!(a, Action::RemoveLabel { .. }) {
                    removing.set(None);
                }
                cb.emit(a);
            }
        })
    };

    let rows = labels.iter().enumerate().map(|(i, l)| {
        let used = props.counts.get(&l.id).copied().unwrap_or(0);
        let mut colours: Vec<(&str, &str)> = PALETTE.to_vec();
        let own = format!("this file's {}", l.color);
        if !colours.iter().any(|(_, h)| h.eq_ignore_ascii_case(&l.color)) {
            colours.push((&own, &l.color));
        }
        let mut keys: Vec<String> = free.clone();
        if !l.key.is_empty() {
            keys.push(l.key.clone());
            keys.sort();
        }
        let group = format!("label-colour-{i}");
        let name = &l.name;
        html! {
            <li key={l.id.clone()} data-label-row={l.id.clone()}><div class="label-row" role="group" aria-label={name.clone()}>
                <span class="swatch" data-label={l.id.clone()}></span>
                <input type="text" data-field="label-name" value={name.clone()} aria-label="Name" />
                <select data-field="label-key" aria-label="Key">
                    <option value="" selected={l.key.is_empty()}>{ "no key" }</option>
                    { for keys.iter().map(|k| html! {
                        <option key={k.clone()} value={k.clone()} selected={*k == l.key}>{ format!("key {k}") }</option>
                    }) }
                </select>
                <select data-field="label-look" aria-label="Look">
                    <option value="fill" selected={l.look == Look::Fill}>{ "filled" }</option>
                    <option value="underline" selected={l.look == Look::Underline}>{ "underlined" }</option>
                </select>
                <button data-action="label-up" disabled={i == 0} aria-label="Move up">{ "↑" }</button>
                <button data-action="label-down" disabled={i + 1 == n} aria-label="Move down">{ "↓" }</button>
                <button data-action="label-remove" disabled={n == 1}>{ "Remove" }</button>
                <fieldset class="colours">
                    <legend class="vh">{ "Colour" }</legend>
                    { for colours.iter().map(|&(cname, hex)| html! {
                        <label key={hex} class="chip" title={cname.to_owned()}>
                            <input type="radio" name={group.clone()} data-field="label-color" value={hex.to_owned()}
                                checked={hex.eq_ignore_ascii_case(&l.color)} />
                            <span class="chip-colour" data-colour={hex.to_ascii_lowercase()}></span>
                            <span class="vh">{ cname.to_owned() }</span>
                        </label>
                    }) }
                </fieldset>
                if removing.as_deref() == Some(l.id.as_str()) {
                    <div class="label-remove">
                        <p>{ format!("{used} annotation(s) use {name}. Relabel them, or delete them with the label (both can be undone):") }</p>
                        <select data-field="label-fate" aria-label="Relabel them as">
                            { for labels.iter().filter(|o| o.id != l.id).map(|o| html! {
                                <option key={o.id.clone()} value={o.id.clone()}>{ o.name.clone() }</option>
                            }) }
                        </select>
                        <button data-action="label-remove-relabel">{ "Relabel and remove" }</button>
                        <button data-action="label-remove-delete">{ format!("Delete the {used} and remove") }</button>
                        <button data-action="label-remove-cancel">{ "Cancel" }</button>
                    </div>
                }
            </div></li>
        }
    });

    html! {
        <div class="dialog labels-editor" role="dialog" aria-label="Labels" data-dialog="labels" {onchange} {onclick}>
            <h2>{ "Labels" }</h2>
            <p class="hint">{ format!("{} of the keys 1–9 are free. A label without a key is tagged from the picker.", free.len()) }</p>
            <ol class="label-rows">{ for rows }</ol>
            <div class="label-new">
                <input type="text" data-field="new-label-name" aria-label="New label's name" placeholder="New label…" />
                <button data-action="label-add">{ "Add label" }</button>
            </div>
            <button data-action="labels-close">{ "Close" }</button>
        </div>
    }
}
