//! The review panel: annotations grouped by label in document order, with
//! quote, note editor, relabel and delete; and the legend with counts.

use std::collections::HashSet;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::core::LabelSet;

/// One annotation as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Annotation id.
    pub id: String,
    /// Label id.
    pub label: String,
    /// The quote, shortened for the list.
    pub quote: String,
    /// The note.
    pub note: String,
}

/// Entries shown per label before "Show all".
pub const GROUP_LIMIT: usize = 20;

/// One label's section of the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Label id.
    pub label: String,
    /// Label name.
    pub name: String,
    /// How many annotations carry the label.
    pub count: usize,
    /// The entries shown (the first [`GROUP_LIMIT`] unless expanded), in
    /// document order.
    pub shown: Vec<Entry>,
}

/// Build the panel's groups from annotations in document order. Only the
/// entries shown are built, so a change costs O(annotations) iteration,
/// not O(annotations) allocations.
pub fn groups<'a>(
    labels: &LabelSet,
    annotations: impl Iterator<Item = &'a crate::core::Annotation>,
    expanded: &HashSet<String>,
) -> Vec<Group> {
    let mut groups: Vec<Group> = labels
        .iter()
        .map(|l| Group {
            label: l.id.clone(),
            name: l.name.clone(),
            count: 0,
            shown: Vec::new(),
        })
        .collect();
    for a in annotations {
        let Some(g) = groups.iter_mut().find(|g| g.label == a.label) else {
            continue;
        };
        g.count += 1;
        if g.shown.len() < GROUP_LIMIT || expanded.contains(&g.label) {
            g.shown.push(Entry {
                id: a.id.clone(),
                label: a.label.clone(),
                quote: shorten(&a.quote, 120),
                note: a.note.clone(),
            });
        }
    }
    groups
}

/// Sidebar props. `groups` changes only when annotations change.
#[derive(Properties, PartialEq, Clone)]
pub struct SidebarProps {
    /// The groups, by label.
    pub groups: Rc<Vec<Group>>,
    /// The label set.
    pub labels: Rc<LabelSet>,
    /// Scroll to and flash a highlight.
    pub on_focus: Callback<String>,
    /// Delete an annotation.
    pub on_delete: Callback<String>,
    /// Relabel: (id, label).
    pub on_relabel: Callback<(String, String)>,
    /// Edit a note: (id, note).
    pub on_note: Callback<(String, String)>,
    /// Show every entry of a label.
    pub on_expand: Callback<String>,
}

/// The review panel.
#[function_component(Sidebar)]
pub fn sidebar(props: &SidebarProps) -> Html {
    let total: usize = props.groups.iter().map(|g| g.count).sum();
    let groups = props.groups.iter().map(|g| {
        let more = g.count - g.shown.len();
        let toggle = {
            let (cb, id) = (props.on_expand.clone(), g.label.clone());
            Callback::from(move |_| cb.emit(id.clone()))
        };
        html! {
            <section class="group" data-group={g.label.clone()} key={g.label.clone()}>
                <h3><span class="swatch" data-label={g.label.clone()}></span>{ format!("{} ({})", g.name, g.count) }</h3>
                <ul>
                    { for g.shown.iter().map(|e| html! {
                        <EntryRow key={e.id.clone()} entry={e.clone()} labels={props.labels.clone()}
                            on_focus={props.on_focus.clone()} on_delete={props.on_delete.clone()}
                            on_relabel={props.on_relabel.clone()} on_note={props.on_note.clone()} />
                    }) }
                </ul>
                if more > 0 {
                    <button class="more" onclick={toggle}>{ format!("Show {more} more") }</button>
                }
            </section>
        }
    });
    html! {
        <aside class="sidebar" aria-label="Annotations">
            <h2>{ "Annotations" }</h2>
            if total == 0 {
                <p class="empty">{ "Select text in the article, then press a label's key or pick a label." }</p>
            }
            { for groups }
        </aside>
    }
}

/// Props of one entry; equal props skip the entry's render.
#[derive(Properties, PartialEq, Clone)]
pub struct EntryProps {
    /// The entry.
    pub entry: Entry,
    /// The label set.
    pub labels: Rc<LabelSet>,
    /// See [`SidebarProps`].
    pub on_focus: Callback<String>,
    /// See [`SidebarProps`].
    pub on_delete: Callback<String>,
    /// See [`SidebarProps`].
    pub on_relabel: Callback<(String, String)>,
    /// See [`SidebarProps`].
    pub on_note: Callback<(String, String)>,
}

/// One annotation in the panel: quote, relabel, delete, note.
#[function_component(EntryRow)]
pub fn entry_row(props: &EntryProps) -> Html {
    let e = &props.entry;
    let id = e.id.clone();
    let on_focus = {
        let (cb, id) = (props.on_focus.clone(), id.clone());
        Callback::from(move |_| cb.emit(id.clone()))
    };
    let on_delete = {
        let (cb, id) = (props.on_delete.clone(), id.clone());
        Callback::from(move |_| cb.emit(id.clone()))
    };
    let on_relabel = {
        let (cb, id, label) = (props.on_relabel.clone(), id.clone(), e.label.clone());
        Callback::from(move |ev: Event| {
            if let Some(sel) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                cb.emit((id.clone(), sel.value()));
                // The menu shows the data, not the wish: back to the label
                // the entry has. A relabel that is done renders the entry
                // again with its new label; one that is refused (the same
                // span already has that label) leaves it as it was.
                sel.set_value(&label);
            }
        })
    };
    let on_note = {
        let (cb, id) = (props.on_note.clone(), id.clone());
        Callback::from(move |ev: Event| {
            if let Some(t) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                cb.emit((id.clone(), t.value()));
            }
        })
    };
    html! {
        <li class="entry" data-entry-id={e.id.clone()}>
            <button class="quote" data-action="goto" onclick={on_focus} title="Show in the article">{ format!("« {} »", e.quote) }</button>
            <div class="entry-tools">
                <select data-action="relabel" aria-label="Label" onchange={on_relabel}>
                    { for props.labels.iter().map(|l| html! {
                        <option key={l.id.clone()} value={l.id.clone()} selected={l.id == e.label}>{ l.name.clone() }</option>
                    }) }
                </select>
                <button data-action="delete" aria-label="Delete annotation" onclick={on_delete}>{ "Delete" }</button>
            </div>
            <textarea data-action="note" aria-label="Note" placeholder="Note…" rows="2"
                value={e.note.clone()} onchange={on_note} />
        </li>
    }
}

/// Shorten a quote for the list: at most `max` characters, with "…".
pub fn shorten(quote: &str, max: usize) -> String {
    let flat: String = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut s: String = flat.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}
