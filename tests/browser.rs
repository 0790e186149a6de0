//! The annotator in headless Chromium: real DOM selections, keys, file
//! inputs and localStorage, against the real app component.
#![cfg(target_arch = "wasm32")]

mod support;

use std::sync::atomic::Ordering;

use support::*;
use surligneur::app::block::BLOCK_RENDERS;
use surligneur::format::v1;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

const TITLE: &str = "Patrick Starck cède la présidence de Cloudwatt";
const SEED: &str = include_str!("../www/default-article.txt");

#[wasm_bindgen_test]
async fn shows_the_default_article_title_in_article() {
    let app = fresh().await;
    let text = app.article().text_content().unwrap();
    assert!(text.starts_with(TITLE), "{text:.80}");
    assert_eq!(
        text, SEED,
        "#article's text content is exactly the document text"
    );
    assert_eq!(
        app.query("#article h1").unwrap().text_content().unwrap(),
        TITLE
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn keys_tag_person_organisation_and_claim() {
    let app = fresh().await;
    app.select_text("Patrick Starck", 1).await;
    press("1").await;
    app.select_text("Cloudwatt", 1).await;
    press("2").await;
    app.select_text("Une fonction qu’il avait endossée", 0)
        .await;
    press("3").await;
    let got = app.annotations();
    assert_eq!(
        got.iter()
            .map(|(_, l, t)| (l.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("person", "Patrick Starck"),
            ("organisation", "Cloudwatt"),
            ("claim", "Une fonction qu’il avait endossée"),
        ]
    );
    // Every highlight is focusable.
    for el in app.query_all("#article [data-annotation-id]") {
        assert!(el.get_attribute("tabindex").is_some());
    }
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn picker_buttons_tag_and_escape_cancels() {
    let app = fresh().await;
    app.select_text("Orange", 0).await;
    let button = app
        .query(".picker button[data-label=organisation]")
        .expect("picker shows after a selection");
    click(&button).await;
    assert_eq!(app.annotations()[0].1, "organisation");
    assert_eq!(app.annotations()[0].2, "Orange");
    assert!(
        app.query(".picker").is_none(),
        "picker closes after tagging"
    );

    app.select_text("Thalès", 0).await;
    assert!(app.query(".picker").is_some());
    press("Escape").await;
    assert!(app.query(".picker").is_none());
    press("1").await; // nothing selected any more: no new annotation
    assert_eq!(app.annotations().len(), 1);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn whitespace_only_selection_does_nothing_and_edges_are_trimmed() {
    let app = fresh().await;
    let text = app.article().text_content().unwrap();
    let nl = text.chars().position(|c| c == '\n').unwrap();
    app.select(nl, nl + 2).await;
    assert!(app.query(".picker").is_none());
    press("1").await;
    assert!(app.marks().is_empty());
    // « Dans … » with its NBSPs: the span is trimmed of them.
    app.select_text("\u{a0}Dans le cadre ", 0).await;
    press("3").await;
    assert_eq!(app.annotations()[0].2, "Dans le cadre");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn nested_and_overlapping_spans_are_all_rendered() {
    let app = fresh().await;
    app.select_text("Patrick Starck a annoncé son intention", 0)
        .await;
    press("3").await;
    app.select_text("Patrick Starck", 2).await;
    press("1").await;
    app.select_text("a annoncé son intention de quitter", 0)
        .await;
    press("3").await;
    let got = app.annotations();
    assert_eq!(got.len(), 3, "{got:?}");
    let by_text = |t: &str| {
        got.iter()
            .find(|(_, _, x)| x == t)
            .unwrap_or_else(|| panic!("{t} in {got:?}"))
    };
    assert_eq!(by_text("Patrick Starck a annoncé son intention").1, "claim");
    assert_eq!(by_text("Patrick Starck").1, "person");
    assert_eq!(by_text("a annoncé son intention de quitter").1, "claim");
    // The person is nested inside the claim's element.
    let person = app.query("#article [data-label=person]").unwrap();
    assert_eq!(
        person
            .parent_element()
            .unwrap()
            .get_attribute("data-label")
            .as_deref(),
        Some("claim")
    );
    // The first claim is split by the overlap: several elements, one id.
    let first_claim = &by_text("Patrick Starck a annoncé son intention").0;
    assert!(
        app.marks()
            .iter()
            .filter(|(id, _, _)| id == first_claim)
            .count()
            >= 2
    );
    assert_eq!(app.article().text_content().unwrap(), SEED);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn span_across_blocks() {
    let app = fresh().await;
    app.select_text("souverain.\n\nPatrick Starck a annoncé", 0)
        .await;
    press("3").await;
    let got = app.annotations();
    assert_eq!(got.len(), 1);
    let pieces = app.marks();
    assert!(pieces.len() >= 2, "one element per block: {pieces:?}");
    let blocks: std::collections::HashSet<String> = app
        .query_all("#article [data-annotation-id]")
        .iter()
        .map(|e| {
            e.closest("[data-block]")
                .unwrap()
                .unwrap()
                .get_attribute("data-block")
                .unwrap()
        })
        .collect();
    assert_eq!(blocks.len(), 2);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn undo_redo_by_keys_and_buttons_delete_and_relabel_by_keyboard() {
    let app = fresh().await;
    app.select_text("Pierre Paperon", 0).await;
    press("1").await;
    assert_eq!(app.annotations().len(), 1);
    // The new highlight has focus: 2 relabels it, Delete removes it.
    press("2").await;
    assert_eq!(app.annotations()[0].1, "organisation");
    press("Delete").await;
    assert!(app.annotations().is_empty());
    press_with("z", true, false).await;
    assert_eq!(app.annotations()[0].1, "organisation");
    press_with("z", true, false).await;
    assert_eq!(app.annotations()[0].1, "person");
    press_with("Z", true, true).await;
    assert_eq!(app.annotations()[0].1, "organisation");
    click(&app.query("button[data-action=undo]").unwrap()).await;
    click(&app.query("button[data-action=undo]").unwrap()).await;
    assert!(app.annotations().is_empty());
    click(&app.query("button[data-action=redo]").unwrap()).await;
    assert_eq!(app.annotations()[0].1, "person");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn sidebar_relabel_note_and_delete() {
    let app = fresh().await;
    app.select_text("Cheops Technology", 0).await;
    press("2").await;
    let select: web_sys::HtmlSelectElement = app
        .query(".entry select[data-action=relabel]")
        .unwrap()
        .unchecked_into();
    select.set_value("claim");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(app.annotations()[0].1, "claim");
    let note: web_sys::HtmlTextAreaElement = app
        .query(".entry textarea[data-action=note]")
        .unwrap()
        .unchecked_into();
    note.set_value("Vérifier <b>la</b> date");
    note.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let mark = app.query("#article [data-annotation-id]").unwrap();
    assert!(mark
        .get_attribute("title")
        .unwrap()
        .contains("Vérifier <b>la</b> date"));
    assert!(
        app.query("#article b").is_none(),
        "a note is text, never markup"
    );
    click(&app.query(".entry button[data-action=delete]").unwrap()).await;
    assert!(app.annotations().is_empty());
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn reload_restores_exactly() {
    let app = fresh().await;
    app.select_text("Patrick Stark", 0).await;
    press("1").await;
    app.select_text("LeFigaro", 0).await;
    press("2").await;
    let before = app.annotations();
    pagehide();
    app.unmount().await;
    let app = mount().await;
    assert_eq!(app.annotations(), before);
    // History does not survive reload; state does.
    assert!(app
        .query("button[data-action=undo]")
        .unwrap()
        .has_attribute("disabled"));
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn export_is_v1_with_code_point_offsets() {
    let app = fresh().await;
    let (s, e) = app.select_text("Thalès", 0).await;
    press("2").await;
    click(&app.query("[data-action=export]").unwrap()).await;
    let (name, json) = surligneur::web::files::last_download().expect("a download");
    assert_eq!(
        name,
        "patrick-starck-cède-la-présidence-de-cloudwatt.surligneur.json"
    );
    let file = v1::parse_str(&json).expect("export parses");
    assert_eq!(file.document.text(), SEED);
    assert_eq!(file.annotations.len(), 1);
    let a = &file.annotations[0];
    assert_eq!((a.start, a.end), (s, e));
    assert_eq!(a.quote, "Thalès");
    assert_eq!(
        SEED.chars()
            .skip(a.start)
            .take(a.end - a.start)
            .collect::<String>(),
        "Thalès"
    );
    app.unmount().await;
}

fn seed_file(annotations: &[(usize, usize, &str, &str)]) -> String {
    let doc = surligneur::core::Document::from_plain_text(SEED);
    let labels = surligneur::core::LabelSet::default();
    let anns: Vec<surligneur::core::Annotation> = annotations
        .iter()
        .map(|&(start, end, label, id)| {
            let t = surligneur::core::Timestamp::from_millis(1_700_000_000_000);
            surligneur::core::Annotation::at(&doc, id, start, end, label, t).unwrap()
        })
        .collect();
    v1::to_json(&doc, &labels, anns.iter())
}

#[wasm_bindgen_test]
async fn import_into_fresh_storage_then_merge_or_replace() {
    let app = fresh().await;
    let input: HtmlInputElement = app
        .query("input[type=file][data-action=import]")
        .unwrap()
        .unchecked_into();
    let file = seed_file(&[(0, 14, "person", "a"), (37, 46, "organisation", "b")]);
    choose_file(&input, "x.surligneur.json", file.as_bytes()).await;
    let got = app.annotations();
    assert_eq!(
        got.iter()
            .map(|(_, l, t)| (l.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
        vec![("person", "Patrick Starck"), ("organisation", "Cloudwatt")]
    );

    // Importing onto annotations asks first; Merge keeps both sides.
    app.select_text("Orange", 0).await;
    press("2").await;
    let file2 = seed_file(&[(0, 14, "claim", "c")]);
    choose_file(&input, "y.json", file2.as_bytes()).await;
    assert!(
        app.query("[data-choice=merge]").is_some(),
        "asks merge or replace"
    );
    assert_eq!(
        app.annotations().len(),
        3,
        "nothing changes before the choice"
    );
    click(&app.query("[data-choice=merge]").unwrap()).await;
    assert_eq!(app.annotations().len(), 4);

    choose_file(&input, "y.json", file2.as_bytes()).await;
    click(&app.query("[data-choice=replace]").unwrap()).await;
    let got = app.annotations();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "claim");
    // Replace is undoable.
    press_with("z", true, false).await;
    assert_eq!(app.annotations().len(), 4);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn bad_import_changes_nothing_and_says_why() {
    let app = fresh().await;
    app.select_text("Orange", 0).await;
    press("2").await;
    let input: HtmlInputElement = app
        .query("input[type=file][data-action=import]")
        .unwrap()
        .unchecked_into();
    choose_file(&input, "bad.json", b"{ not json").await;
    assert!(
        app.alert_text().contains("could not be imported"),
        "{}",
        app.alert_text()
    );
    assert_eq!(app.annotations().len(), 1);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn open_own_article_with_emoji_and_tag_exact_offsets() {
    let app = fresh().await;
    let input: HtmlInputElement = app
        .query("input[type=file][data-action=open]")
        .unwrap()
        .unchecked_into();
    assert_eq!(
        app.article().get_attribute("lang").as_deref(),
        Some("fr"),
        "the seed article is French"
    );
    let text = "Titre 😀 du jour\n\nLe maire 👩‍👩‍👧 de Nîmes a dit 🎉 « bonjour ».\nDeuxième ligne.";
    choose_file(&input, "article.md", text.as_bytes()).await;
    assert_eq!(app.article().text_content().unwrap(), text);
    assert_eq!(
        app.article().get_attribute("lang").as_deref(),
        Some(""),
        "an opened article's language is unknown"
    );
    assert_eq!(
        app.query("#article h1").unwrap().text_content().unwrap(),
        "Titre 😀 du jour"
    );
    let (s, e) = app.select_text("Nîmes a dit 🎉", 0).await;
    press("3").await;
    assert_eq!(app.annotations()[0].2, "Nîmes a dit 🎉");
    click(&app.query("[data-action=export]").unwrap()).await;
    let (_, json) = surligneur::web::files::last_download().unwrap();
    let file = v1::parse_str(&json).unwrap();
    assert_eq!((file.annotations[0].start, file.annotations[0].end), (s, e));
    // The documents menu lists both documents; the default is always there.
    let options = app.query_all("select[data-action=documents] option");
    assert_eq!(options.len(), 2);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn adding_a_span_rerenders_only_the_blocks_it_touches() {
    let app = fresh().await;
    let before = BLOCK_RENDERS.load(Ordering::Relaxed);
    app.select_text("Orange", 0).await;
    press("2").await;
    let after = BLOCK_RENDERS.load(Ordering::Relaxed);
    assert_eq!(after - before, 1, "one block re-rendered");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn nbsp_paragraph_offsets_are_exact() {
    let app = fresh().await;
    let needle = "J’avais un accord tacite avec les représentants des actionnaires, consistant à assurer le décollage puis la sortie des services cloud\u{a0}\u{bb}";
    let (s, _) = app.select_text(needle, 0).await;
    press("3").await;
    click(&app.query("[data-action=export]").unwrap()).await;
    let (_, json) = surligneur::web::files::last_download().unwrap();
    let file = v1::parse_str(&json).unwrap();
    let a = &file.annotations[0];
    assert_eq!(a.start, s);
    assert_eq!(a.quote, needle);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn tab_stops_follow_document_order_and_sidebar_reveals() {
    let app = fresh().await;
    // Tag out of order: later text first.
    app.select_text("Orange", 0).await;
    press("2").await;
    app.select_text("Patrick Starck a annoncé", 0).await;
    press("3").await;
    app.select_text("Patrick Starck", 2).await;
    press("1").await;
    // One tab stop per annotation, in reading order (outer span first).
    let stops: Vec<(String, String)> = app
        .query_all("#article [data-annotation-id][tabindex='0']")
        .iter()
        .map(|e| {
            (
                e.get_attribute("data-label").unwrap(),
                e.text_content().unwrap(),
            )
        })
        .collect();
    let labels: Vec<&str> = stops.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["claim", "person", "organisation"]);
    // Hover/focus shows label and note.
    let org = app.query("#article [data-label=organisation]").unwrap();
    assert_eq!(org.get_attribute("title").as_deref(), Some("Organisation"));
    // The side panel groups by label, in document order; clicking a quote
    // focuses and flashes the highlight.
    let groups: Vec<String> = app
        .query_all(".sidebar .group")
        .iter()
        .map(|g| g.get_attribute("data-group").unwrap())
        .collect();
    assert_eq!(groups, ["person", "organisation", "claim"]);
    let entry = app.query(".group[data-group=organisation] .quote").unwrap();
    click(&entry).await;
    assert!(org.class_list().contains("flash"));
    let active = document().active_element().unwrap();
    assert_eq!(
        active.get_attribute("data-label").as_deref(),
        Some("organisation")
    );
    // The legend counts per label.
    let legend = app.query(".legend").unwrap().text_content().unwrap();
    assert!(
        legend.contains("Person (1)")
            && legend.contains("Organisation (1)")
            && legend.contains("Claim (1)"),
        "{legend}"
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn picker_appears_next_to_the_selection() {
    let app = fresh().await;
    app.select_text("Cloudwatt revendique", 0).await;
    let picker = app.query(".picker").unwrap();
    let top: f64 = picker
        .style()
        .get_property_value("top")
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    let rect = window()
        .get_selection()
        .unwrap()
        .unwrap()
        .get_range_at(0)
        .unwrap()
        .get_bounding_client_rect();
    // Below the selection, or above it when the viewport has no room
    // below; inside the viewport either way.
    let height = picker.offset_height() as f64;
    let viewport = window().inner_height().unwrap().as_f64().unwrap();
    let below = (top - rect.bottom()).abs() < 20.0;
    let above = (top + height - rect.top()).abs() < 20.0 && rect.bottom() + 6.0 + height > viewport;
    assert!(
        below || above,
        "picker at {top} ({height} high), selection {}–{}, viewport {viewport}",
        rect.top(),
        rect.bottom()
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn documents_menu_switches_and_keeps_each_documents_annotations() {
    let app = fresh().await;
    app.select_text("Orange", 0).await;
    press("2").await;
    let open: HtmlInputElement = app
        .query("input[data-action=open]")
        .unwrap()
        .unchecked_into();
    choose_file(
        &open,
        "note.txt",
        "Mon article\n\nUn texte à moi.".as_bytes(),
    )
    .await;
    assert_eq!(
        app.query("#article h1").unwrap().text_content().unwrap(),
        "Mon article"
    );
    assert!(app.annotations().is_empty());
    let menu: web_sys::HtmlSelectElement = app
        .query("select[data-action=documents]")
        .unwrap()
        .unchecked_into();
    let options = app.query_all("select[data-action=documents] option");
    let texts: Vec<String> = options.iter().map(|o| o.text_content().unwrap()).collect();
    assert!(texts.iter().any(|t| t == "Mon article (0)"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Patrick Starck cède") && t.ends_with("(1)")),
        "{texts:?}"
    );
    let seed_id = options
        .iter()
        .find(|o| o.text_content().unwrap().starts_with("Patrick"))
        .unwrap()
        .get_attribute("value")
        .unwrap();
    menu.set_value(&seed_id);
    menu.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert!(app
        .article()
        .text_content()
        .unwrap()
        .starts_with("Patrick Starck"));
    assert_eq!(app.annotations()[0].2, "Orange");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn paste_dialog_opens_pasted_text() {
    let app = fresh().await;
    click(&app.query("[data-action=paste]").unwrap()).await;
    let area: web_sys::HtmlTextAreaElement = app
        .query("textarea[data-action=paste-text]")
        .unwrap()
        .unchecked_into();
    area.set_value("Collé 😀\n\nTexte collé.");
    click(&app.query("[data-action=paste-open]").unwrap()).await;
    assert_eq!(
        app.article().text_content().unwrap(),
        "Collé 😀\n\nTexte collé."
    );
    assert!(app.query("textarea[data-action=paste-text]").is_none());
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_selection_starting_outside_the_article_is_clipped_to_it() {
    let app = fresh().await;
    let brand = app.query(".brand").unwrap().first_child().unwrap();
    let (end_node, end_off) = locate(&app.article(), 14, false);
    let range = document().create_range().unwrap();
    range.set_start(&brand, 2).unwrap();
    range.set_end(&end_node, end_off).unwrap();
    let sel = window().get_selection().unwrap().unwrap();
    sel.remove_all_ranges().unwrap();
    sel.add_range(&range).unwrap();
    mouseup(&app.article());
    yew::scheduler::flush().await;
    press("1").await;
    assert_eq!(app.annotations()[0].2, "Patrick Starck");
    // Entirely outside: nothing.
    let range = document().create_range().unwrap();
    range.select_node_contents(&brand).unwrap();
    sel.remove_all_ranges().unwrap();
    sel.add_range(&range).unwrap();
    press("2").await;
    assert_eq!(app.annotations().len(), 1);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_long_group_shows_its_first_entries_then_all() {
    use surligneur::app::sidebar::GROUP_LIMIT;
    let app = fresh().await;
    // 150 one-word person spans, imported.
    let words: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in SEED.chars().enumerate() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    v.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        v
    };
    let spans: Vec<(usize, usize, &str, String)> = words
        .iter()
        .take(150)
        .enumerate()
        .map(|(i, &(s, e))| (s, e, "person", format!("w{i}")))
        .collect();
    let refs: Vec<(usize, usize, &str, &str)> = spans
        .iter()
        .map(|(s, e, l, id)| (*s, *e, *l, id.as_str()))
        .collect();
    let file = seed_file(&refs);
    let input: HtmlInputElement = app
        .query("input[type=file][data-action=import]")
        .unwrap()
        .unchecked_into();
    choose_file(&input, "many.json", file.as_bytes()).await;
    assert_eq!(app.annotations().len(), 150);
    assert_eq!(
        app.query_all(".group[data-group=person] .entry").len(),
        GROUP_LIMIT
    );
    let more = app
        .query(".group[data-group=person] button.more")
        .expect("a Show more button");
    assert_eq!(
        more.text_content().unwrap(),
        format!("Show {} more", 150 - GROUP_LIMIT)
    );
    click(&more).await;
    assert_eq!(app.query_all(".group[data-group=person] .entry").len(), 150);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn an_edit_is_saved_by_itself_shortly_after_without_leaving_the_page() {
    use surligneur::app::SAVE_DELAY_MS;
    let app = fresh().await;
    let key = format!(
        "surligneur/doc/{}",
        surligneur::core::Document::from_plain_text(SEED).id()
    );
    app.select_text("Orange", 0).await;
    press("2").await;
    let stored = || storage().get_item(&key).unwrap().unwrap_or_default();
    let count =
        || surligneur::format::stored::parse(&stored()).map_or(0, |s| s.file.annotations.len());
    assert_eq!(count(), 0, "not at once: saves are debounced");
    let status = || app.query(".save-state").unwrap().text_content().unwrap();
    assert_eq!(status(), "Saving…");
    // The countdown starts after the render; well under a second in all.
    sleep(SAVE_DELAY_MS as i32 + 150).await;
    yew::scheduler::flush().await;
    assert_eq!(count(), 1);
    let saved = surligneur::format::stored::parse(&stored()).expect("a stored value");
    assert_eq!(saved.file.annotations[0].quote, "Orange");
    assert_eq!(status(), "Saved in this browser");
    app.unmount().await;
}
