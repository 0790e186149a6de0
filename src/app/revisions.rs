//! After a new version of the article: the orphans (annotations whose
//! words are gone, kept with their words) and the annotations whose words
//! the new version edited, until reviewed.

use std::rc::Rc;

use yew::prelude::*;

/// One orphan as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrphanRow {
    /// Annotation id.
    pub id: String,
    /// Label id.
    pub label: String,
    /// Label name.
    pub label_name: String,
    /// The words it covered.
    pub quote: String,
    /// Its note.
    pub note: String,
}

/// One edited annotation: (id, words before, words now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditedRow {
    /// Annotation id.
    pub id: String,
    /// Its words before the new version.
    pub before: String,
    /// Its words now.
    pub now: String,
}

/// Properties of [`Revisions`].
#[derive(Properties, PartialEq)]
pub struct RevisionsProps {
    /// The orphans, by id.
    pub orphans: Rc<Vec<OrphanRow>>,
    /// The edited annotations.
    pub edited: Rc<Vec<EditedRow>>,
    /// Re-attach an orphan to the text selected in the article.
    pub on_reattach: Callback<String>,
    /// Delete an orphan.
    pub on_delete: Callback<String>,
    /// Mark an edited annotation reviewed.
    pub on_review: Callback<String>,
    /// Show an annotation in the article.
    pub on_focus: Callback<String>,
    /// The revise file input's `change`.
    pub on_revise: Callback<Event>,
    /// Each version of the text, oldest first: (source, loaded).
    pub versions: Rc<Vec<(String, crate::core::Timestamp)>>,
}

/// The orphans and edited-annotations panels.
#[function_component(Revisions)]
pub fn revisions(p: &RevisionsProps) -> Html {
    // Keep the article's selection when a button is pressed: re-attaching
    // reads it.
    let keep = Callback::from(|e: MouseEvent| e.prevent_default());
    let n = p.versions.len();
    html! {
        <>
            <section class="panel versions" data-panel="versions" aria-labelledby="versions-h">
                <h2 id="versions-h">{ if n == 1 { "Version".to_owned() } else { format!("Versions ({n})") } }</h2>
                if n > 1 {
                    <ol class="versions-list">
                        { for p.versions.iter().map(|(source, loaded)| html! {
                            <li>{ if source.is_empty() { "first version".to_owned() } else { source.clone() } }
                                { " — " }{ loaded.to_rfc3339().get(..16).unwrap_or("").replace('T', " ") }</li>
                        }) }
                    </ol>
                }
                <label class="button">{ "Load a new version of this article…" }
                    <input type="file" data-action="revise" accept=".txt,.md,text/plain,text/markdown" onchange={p.on_revise.clone()} />
                </label>
            </section>
            <section class="panel orphans" data-panel="orphans" aria-labelledby="orphans-h">
                <h2 id="orphans-h">{ format!("Orphans ({})", p.orphans.len()) }</h2>
                if p.orphans.is_empty() {
                    <p class="empty">{ "None: every annotation is on its words." }</p>
                } else {
                    <p class="help">{ "Their words are not in this version of the article. Select the right text in the article and re-attach, or delete." }</p>
                    <ul>
                        { for p.orphans.iter().map(|o| {
                            let (a, d) = (o.id.clone(), o.id.clone());
                            let (on_reattach, on_delete) = (p.on_reattach.clone(), p.on_delete.clone());
                            html! {
                                <li key={o.id.clone()} class="entry" data-orphan-id={o.id.clone()}>
                                    <span class="swatch" data-label={o.label.clone()}></span>
                                    <span class="label-name">{ o.label_name.clone() }</span>
                                    <q class="quote">{ o.quote.clone() }</q>
                                    if !o.note.is_empty() { <p class="note">{ o.note.clone() }</p> }
                                    <div class="entry-tools">
                                        <button data-action="reattach" onmousedown={keep.clone()}
                                            onclick={Callback::from(move |_| on_reattach.emit(a.clone()))}>{ "Re-attach to selection" }</button>
                                        <button data-action="delete-orphan"
                                            onclick={Callback::from(move |_| on_delete.emit(d.clone()))}>{ "Delete" }</button>
                                    </div>
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
            if !p.edited.is_empty() {
                <section class="panel edited" data-panel="edited" aria-labelledby="edited-h">
                    <h2 id="edited-h">{ format!("Edited by the new version ({})", p.edited.len()) }</h2>
                    <ul>
                        { for p.edited.iter().map(|e| {
                            let (f, r) = (e.id.clone(), e.id.clone());
                            let (on_focus, on_review) = (p.on_focus.clone(), p.on_review.clone());
                            html! {
                                <li key={e.id.clone()} class="entry" data-edited-id={e.id.clone()}>
                                    <button class="quote" onclick={Callback::from(move |_| on_focus.emit(f.clone()))}>
                                        <del>{ e.before.clone() }</del>{ " → " }<ins>{ e.now.clone() }</ins>
                                    </button>
                                    <button data-action="reviewed"
                                        onclick={Callback::from(move |_| on_review.emit(r.clone()))}>{ "Reviewed" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }
        </>
    }
}
