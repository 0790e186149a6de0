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
use web_sys::{HtmlInputElement, HtmlSelectElement};
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

fn input_value(e: &Event) -> Option<String> {
    Some(e.target()?.dyn_into::<HtmlInputElement>().ok()?.value())
}

fn select_value(e: &Event) -> Option<String> {
    Some(e.target()?.dyn_into::<HtmlSelectElement>().ok()?.value())
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

/// The label editor dialog.
#[function_component(LabelEditor)]
pub fn label_editor(props: &LabelEditorProps) -> Html {
    // The label whose removal waits for a choice.
    let removing = use_state(|| None::<String>);
    let new_name = use_node_ref();
    let labels = &props.labels;
    let n = labels.len();
    let free = labels.free_keys();

    let rows = labels.iter().enumerate().map(|(i, l)| {
        let update = {
            let (cb, l) = (props.on_action.clone(), l.clone());
            move |f: &dyn Fn(&mut LabelDef)| {
                let mut new = l.clone();
                f(&mut new);
                if new != l {
                    cb.emit(Action::UpdateLabel {
                        id: l.id.clone(),
                        label: new,
                    });
                }
            }
        };
        let on_name = {
            let (update, old) = (update.clone(), l.name.clone());
            Callback::from(move |e: Event| {
                let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                else {
                    return;
                };
                let v = input.value().trim().to_owned();
                if v.is_empty() {
                    // A label needs a name: put the old one back.
                    input.set_value(&old);
                } else {
                    update(&|l| l.name = v.clone());
                }
            })
        };
        let on_key = {
            let update = update.clone();
            Callback::from(move |e: Event| {
                if let Some(v) = select_value(&e) {
                    update(&|l| l.key = v.clone());
                }
            })
        };
        let on_look = {
            let update = update.clone();
            Callback::from(move |e: Event| {
                if let Some(v) = select_value(&e).and_then(|v| Look::parse(&v)) {
                    update(&|l| l.look = v);
                }
            })
        };
        let on_colour = {
            let update = update.clone();
            Callback::from(move |e: Event| {
                if let Some(v) = input_value(&e) {
                    update(&|l| l.color = v.clone());
                }
            })
        };
        let mover = |to: usize| {
            let (cb, id) = (props.on_action.clone(), l.id.clone());
            Callback::from(move |_: MouseEvent| {
                cb.emit(Action::MoveLabel {
                    id: id.clone(),
                    to,
                })
            })
        };
        let used = props.counts.get(&l.id).copied().unwrap_or(0);
        let on_remove = {
            let (cb, id, removing) = (props.on_action.clone(), l.id.clone(), removing.clone());
            Callback::from(move |_: MouseEvent| {
                if used == 0 {
                    cb.emit(Action::RemoveLabel {
                        id: id.clone(),
                        fate: None,
                        now: web::now(),
                    });
                } else {
                    removing.set(Some(id.clone()));
                }
            })
        };
        let mut colours: Vec<(String, String)> = PALETTE
            .iter()
            .map(|(name, hex)| ((*name).to_owned(), (*hex).to_owned()))
            .collect();
        if !colours.iter().any(|(_, h)| h.eq_ignore_ascii_case(&l.color)) {
            colours.push((format!("This file's colour {}", l.color), l.color.clone()));
        }
        let mut keys: Vec<String> = free.clone();
        if !l.key.is_empty() {
            keys.push(l.key.clone());
            keys.sort();
        }
        let group = format!("label-colour-{i}");
        let asking = removing.as_deref() == Some(l.id.as_str());
        html! {
            <li key={l.id.clone()} class="label-row" data-label-row={l.id.clone()}>
                <span class="swatch" data-label={l.id.clone()}></span>
                <input type="text" data-field="label-name" value={l.name.clone()}
                    aria-label={format!("Name of the label {}", l.name)} onchange={on_name} />
                <select data-field="label-key" aria-label={format!("Key of {}", l.name)} onchange={on_key}>
                    <option value="" selected={l.key.is_empty()}>{ "no key" }</option>
                    { for keys.iter().map(|k| html! {
                        <option key={k.clone()} value={k.clone()} selected={*k == l.key}>{ format!("key {k}") }</option>
                    }) }
                </select>
                <select data-field="label-look" aria-label={format!("Look of {}", l.name)} onchange={on_look}>
                    <option value="fill" selected={l.look == Look::Fill}>{ "filled" }</option>
                    <option value="underline" selected={l.look == Look::Underline}>{ "underlined" }</option>
                </select>
                <button data-action="label-up" disabled={i == 0} onclick={mover(i.saturating_sub(1))}
                    aria-label={format!("Move {} up", l.name)}>{ "↑" }</button>
                <button data-action="label-down" disabled={i + 1 == n} onclick={mover(i + 1)}
                    aria-label={format!("Move {} down", l.name)}>{ "↓" }</button>
                <button data-action="label-remove" disabled={n == 1} onclick={on_remove}
                    aria-label={format!("Remove {}", l.name)}>{ "Remove" }</button>
                <fieldset class="colours">
                    <legend class="vh">{ format!("Colour of {}", l.name) }</legend>
                    { for colours.iter().map(|(name, hex)| html! {
                        <label key={hex.clone()} class="chip" title={name.clone()}>
                            <input type="radio" name={group.clone()} data-field="label-color" value={hex.clone()}
                                checked={hex.eq_ignore_ascii_case(&l.color)} onchange={on_colour.clone()} />
                            <span class="chip-colour" data-colour={hex.to_ascii_lowercase()}></span>
                            <span class="vh">{ name.clone() }</span>
                        </label>
                    }) }
                </fieldset>
                if asking {
                    { remove_choice(l, used, labels, &props.on_action, &removing) }
                }
            </li>
        }
    });

    let on_add = {
        let (cb, labels, new_name) = (props.on_action.clone(), labels.clone(), new_name.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(input) = new_name.cast::<HtmlInputElement>() else {
                return;
            };
            let name = input.value().trim().to_owned();
            if name.is_empty() {
                let _ = input.focus();
                return;
            }
            input.set_value("");
            cb.emit(Action::AddLabel {
                label: LabelDef {
                    id: labels.fresh_id(&name),
                    name,
                    color: free_colour(&labels),
                    key: labels.free_keys().into_iter().next().unwrap_or_default(),
                    look: Look::Fill,
                },
            });
        })
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="dialog labels-editor" role="dialog" aria-label="Labels" data-dialog="labels">
            <h2>{ "Labels" }</h2>
            <p class="hint">{ format!("{} of the keys 1–9 are free. A label without a key is tagged from the picker.", free.len()) }</p>
            <ol class="label-rows">{ for rows }</ol>
            <div class="label-new">
                <input type="text" ref={new_name} data-field="new-label-name" aria-label="New label's name" placeholder="New label…" />
                <button data-action="label-add" onclick={on_add}>{ "Add label" }</button>
            </div>
            <button data-action="labels-close" onclick={on_close}>{ "Close" }</button>
        </div>
    }
}

/// The choice shown before removing a label that annotations use.
fn remove_choice(
    l: &LabelDef,
    used: usize,
    labels: &LabelSet,
    on_action: &Callback<Action>,
    removing: &UseStateHandle<Option<String>>,
) -> Html {
    let others: Vec<&LabelDef> = labels.iter().filter(|o| o.id != l.id).collect();
    // Not a hook: this part is rendered conditionally.
    let target = NodeRef::default();
    let relabel = {
        let (cb, id, target, removing) = (
            on_action.clone(),
            l.id.clone(),
            target.clone(),
            removing.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if let Some(to) = target.cast::<HtmlSelectElement>().map(|s| s.value()) {
                removing.set(None);
                cb.emit(Action::RemoveLabel {
                    id: id.clone(),
                    fate: Some(LabelFate::Relabel(to)),
                    now: web::now(),
                });
            }
        })
    };
    let delete = {
        let (cb, id, removing) = (on_action.clone(), l.id.clone(), removing.clone());
        Callback::from(move |_: MouseEvent| {
            removing.set(None);
            cb.emit(Action::RemoveLabel {
                id: id.clone(),
                fate: Some(LabelFate::Delete),
                now: web::now(),
            });
        })
    };
    let cancel = {
        let removing = removing.clone();
        Callback::from(move |_: MouseEvent| removing.set(None))
    };
    html! {
        <div class="label-remove" role="group" aria-label={format!("Remove {}", l.name)}>
            <p>{ format!("{used} annotation{} use{} {}. Relabel them, or delete them with the label (both can be undone):",
                if used == 1 { "" } else { "s" }, if used == 1 { "s" } else { "" }, l.name) }</p>
            <select ref={target} data-field="label-fate" aria-label="Relabel them as">
                { for others.iter().map(|o| html! { <option key={o.id.clone()} value={o.id.clone()}>{ o.name.clone() }</option> }) }
            </select>
            <button data-action="label-remove-relabel" onclick={relabel}>{ "Relabel and remove" }</button>
            <button data-action="label-remove-delete" onclick={delete}>{ format!("Delete the {used} and remove") }</button>
            <button data-action="label-remove-cancel" onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
