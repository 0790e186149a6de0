//! Labels as data, keyboard-only tagging, the live region, touch and the
//! narrow layout, in headless Chromium against the real app component.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use surligneur::core::span::Look;
use surligneur::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use surligneur::format::v1;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

const LYON: &str = "Réunion à Lyon\n\nPatrick Starck (Cloudwatt) est venu à Lyon hier.\n";
const PLACE_COLOUR: &str = "#009e73";

fn label(id: &str, name: &str, color: &str, key: &str) -> LabelDef {
    LabelDef {
        id: id.into(),
        name: name.into(),
        color: color.into(),
        key: key.into(),
        look: Look::Fill,
    }
}

/// The default labels plus "place" (key 4, its own colour).
fn four_labels() -> LabelSet {
    let mut l = LabelSet::default();
    l.0.push(label("place", "Place", PLACE_COLOUR, "4"));
    l
}

/// A v1 file of `text` with `labels` and annotations (start, end, label, id).
fn file(text: &str, labels: &LabelSet, spans: &[(usize, usize, &str, &str)]) -> String {
    let doc = Document::from_plain_text(text);
    let t = Timestamp::from_millis(1_700_000_000_000);
    let anns: Vec<Annotation> = spans
        .iter()
        .map(|&(s, e, l, id)| Annotation::at(&doc, id, s, e, l, t).unwrap())
        .collect();
    v1::to_json(&doc, labels, anns.iter())
}

/// Code-point range of the `nth` occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let mut from = 0;
    let mut byte = 0;
    for _ in 0..=nth {
        byte = from + text[from..].find(needle).expect("needle in text");
        from = byte + needle.len();
    }
    let s = text[..byte].chars().count();
    (s, s + needle.chars().count())
}

async fn import(app: &Mounted, json: &str) {
    let input: HtmlInputElement = app
        .query("input[type=file][data-action=import]")
        .unwrap()
        .unchecked_into();
    choose_file(&input, "labels.surligneur.json", json.as_bytes()).await;
}

/// `#rrggbb` as the computed `rgb(r, g, b)`.
fn rgb(hex: &str) -> String {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    format!("rgb({}, {}, {})", c(1), c(3), c(5))
}

fn computed(el: &web_sys::Element, prop: &str) -> String {
    window()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
        .get_property_value(prop)
        .unwrap()
}

fn live_text(app: &Mounted) -> String {
    app.query("[role=status][aria-live=polite]")
        .expect("a polite live region")
        .text_content()
        .unwrap_or_default()
}

fn picker_labels(app: &Mounted) -> Vec<String> {
    app.query_all(".picker button[data-label]")
        .iter()
        .map(|b| b.get_attribute("data-label").unwrap())
        .collect()
}

fn selection_text() -> String {
    window()
        .get_selection()
        .unwrap()
        .unwrap()
        .to_string()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_fourth_label_from_a_file_has_its_colour_button_key_menu_and_legend() {
    let app = fresh().await;
    let lyon = find(LYON, "Lyon", 1);
    let json = file(LYON, &four_labels(), &[(lyon.0, lyon.1, "place", "p1")]);
    import(&app, &json).await;
    assert_eq!(
        app.annotations(),
        [("p1".into(), "place".into(), "Lyon".into())]
    );

    // Its colour, from a generated stylesheet (the page has no styles.css
    // here: every colour comes from the label set).
    let mark = app.query("#article mark[data-label=place]").unwrap();
    assert_eq!(computed(&mark, "border-bottom-color"), rgb(PLACE_COLOUR));
    assert_ne!(computed(&mark, "background-color"), "rgba(0, 0, 0, 0)");
    let person_colour = &LabelSet::default().0[0].color;

    // The side panel: a Place group with a coloured swatch, and the
    // entry's menu showing Place among the four labels.
    let swatch = app.query(".group[data-group=place] .swatch").unwrap();
    assert_eq!(computed(&swatch, "border-bottom-color"), rgb(PLACE_COLOUR));
    let menu: HtmlSelectElement = app
        .query("[data-entry-id=p1] select[data-action=relabel]")
        .unwrap()
        .unchecked_into();
    assert_eq!(menu.value(), "place");
    let options: Vec<String> = app
        .query_all("[data-entry-id=p1] select[data-action=relabel] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    assert_eq!(options, ["person", "organisation", "claim", "place"]);

    // The picker: one button per label, in order; key 4 tags.
    app.select_text("Lyon", 0).await;
    assert_eq!(
        picker_labels(&app),
        ["person", "organisation", "claim", "place"]
    );
    press("4").await;
    app.select_text("Patrick Starck", 0).await;
    press("1").await;
    let got: Vec<(String, String)> = app
        .annotations()
        .into_iter()
        .map(|(_, l, t)| (l, t))
        .collect();
    assert_eq!(
        got,
        [
            ("place".to_string(), "Lyon".to_string()),
            ("person".into(), "Patrick Starck".into()),
            ("place".into(), "Lyon".into()),
        ]
    );
    let person = app.query("#article mark[data-label=person]").unwrap();
    assert_eq!(computed(&person, "border-bottom-color"), rgb(person_colour));

    // The legend counts every label.
    let legend = app.query(".legend").unwrap().text_content().unwrap();
    assert!(
        legend.contains("4 Place (2)") && legend.contains("1 Person (1)"),
        "{legend}"
    );
    assert_eq!(app.query_all(".legend li").len(), 4);

    // Relabel through the menu, then undo: the menu follows the data back.
    menu.set_value("claim");
    menu.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    let p1 = |app: &Mounted| {
        app.annotations()
            .into_iter()
            .find(|a| a.0 == "p1")
            .unwrap()
            .1
    };
    assert_eq!(p1(&app), "claim");
    blur();
    press_with("z", true, false).await;
    assert_eq!(p1(&app), "place");
    let menu: HtmlSelectElement = app
        .query("[data-entry-id=p1] select[data-action=relabel]")
        .unwrap()
        .unchecked_into();
    assert_eq!(menu.value(), "place", "the menu shows the real label");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn switching_back_to_the_seed_brings_back_its_three_labels() {
    let app = fresh().await;
    let json = file(LYON, &four_labels(), &[]);
    import(&app, &json).await;
    app.select_text("Lyon", 0).await;
    assert_eq!(picker_labels(&app).len(), 4);
    press("Escape").await;
    let menu: HtmlSelectElement = app
        .query("select[data-action=documents]")
        .unwrap()
        .unchecked_into();
    let seed = app
        .query_all("select[data-action=documents] option")
        .iter()
        .find(|o| o.text_content().unwrap().starts_with("Patrick"))
        .unwrap()
        .get_attribute("value")
        .unwrap();
    menu.set_value(&seed);
    menu.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    app.select_text("Orange", 0).await;
    assert_eq!(picker_labels(&app), ["person", "organisation", "claim"]);
    press("4").await;
    assert!(app.annotations().is_empty(), "4 is no label here");
    assert_eq!(app.query_all(".legend li").len(), 3);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn odd_label_ids_are_escaped_into_the_generated_styles() {
    let app = fresh().await;
    let mut labels = LabelSet::default();
    labels.0.push(label("a\"b] CL{}", "Odd", "#d55e00", "5"));
    let (s, e) = find(LYON, "Lyon", 0);
    import(&app, &file(LYON, &labels, &[(s, e, "a\"b] CL{}", "o1")])).await;
    let mark = app.query("#article mark[data-annotation-id=o1]").unwrap();
    assert_eq!(computed(&mark, "border-bottom-color"), rgb("#d55e00"));
    // The other labels' rules survived the odd one.
    app.select_text("Patrick Starck", 0).await;
    press("2").await;
    let org = app.query("#article mark[data-label=organisation]").unwrap();
    assert_eq!(computed(&org, "border-bottom-color"), rgb("#56b4e9"));
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_refused_relabel_leaves_the_menu_on_the_real_label() {
    let app = fresh().await;
    tag(&app, "Orange", "1").await;
    tag(&app, "Orange", "2").await;
    let person = app
        .annotations()
        .into_iter()
        .find(|a| a.1 == "person")
        .unwrap()
        .0;
    let sel = format!("[data-entry-id='{person}'] select[data-action=relabel]");
    set_field(&app, &sel, "organisation").await;
    assert!(
        app.alert_text().contains("already tagged"),
        "{}",
        app.alert_text()
    );
    let menu: HtmlSelectElement = app.query(&sel).unwrap().unchecked_into();
    assert_eq!(menu.value(), "person", "the menu shows the data");
    // A relabel that is done shows its new label.
    set_field(&app, &sel, "claim").await;
    let menu: HtmlSelectElement = app.query(&sel).unwrap().unchecked_into();
    assert_eq!(menu.value(), "claim");
    assert!(app
        .annotations()
        .iter()
        .any(|a| a.0 == person && a.1 == "claim"));
    app.unmount().await;
}

/// The article, focused as `Tab` would (a synthetic Tab key does not move
/// focus, so the test checks that it is a tab stop and focuses it).
fn focus_article(app: &Mounted) {
    let article = app.article();
    assert_eq!(article.tab_index(), 0, "#article is reachable with Tab");
    article.focus().unwrap();
    assert!(document()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(&article))));
}

async fn press_with_shift_tab() {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_shift_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document()
        .active_element()
        .unwrap()
        .dispatch_event(&ev)
        .unwrap();
    yew::scheduler::flush().await;
}

async fn ctrl(key: &str, shift: bool) {
    press_with(key, true, shift).await
}

#[wasm_bindgen_test]
async fn keyboard_only_tagging_across_an_nbsp_and_an_emoji() {
    let app = fresh().await;
    let text = "Fête\u{a0}🎉 à Nîmes\n\nLe maire 👩‍👩‍👧 de Nîmes\u{a0}🎉 a dit bonjour.\n";
    let open: HtmlInputElement = app
        .query("input[type=file][data-action=open]")
        .unwrap()
        .unchecked_into();
    choose_file(&open, "fete.txt", text.as_bytes()).await;
    focus_article(&app);

    // The first Ctrl+→ puts a caret at the first word, drawn (not typed:
    // the article's text stays the document's).
    ctrl("ArrowRight", false).await;
    let sel = window().get_selection().unwrap().unwrap();
    assert!(sel.is_collapsed());
    assert!(app.query(".caret").is_some(), "a visible caret");
    assert_eq!(app.article().text_content().unwrap(), text);
    let caret_at = |app: &Mounted| {
        let sel = window().get_selection().unwrap().unwrap();
        surligneur::web::selection::boundary_to_char(
            &app.article(),
            &Document::from_plain_text(text),
            &sel.focus_node().unwrap(),
            sel.focus_offset(),
        )
        .unwrap()
    };
    assert_eq!(caret_at(&app), 0);

    // Move to the second paragraph's "de" word by word, then extend over
    // "de Nîmes 🎉" (Chromium's word steps; the NBSP and the emoji are
    // inside the selection).
    let target = find(text, "de Nîmes\u{a0}🎉", 0);
    let mut guard = 0;
    while caret_at(&app) < target.0 - 1 {
        ctrl("ArrowRight", false).await;
        guard += 1;
        assert!(guard < 20, "caret stuck at {}", caret_at(&app));
    }
    let mut guard = 0;
    while !selection_text().contains('🎉') {
        ctrl("ArrowRight", true).await;
        guard += 1;
        assert!(guard < 10, "selection stuck: {:?}", selection_text());
    }
    let selected = selection_text();
    assert!(selected.contains("Nîmes\u{a0}🎉"), "{selected:?}");
    assert!(
        app.query(".picker").is_some(),
        "the picker shows for a keyboard selection"
    );
    press("3").await;
    let got = app.annotations();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "claim");
    assert_eq!(got[0].2, selected.trim());
    assert!(got[0].2.ends_with("Nîmes\u{a0}🎉"), "{:?}", got[0].2);
    // Offsets in code points: the export's quote is the text there.
    click(&app.query("[data-action=export]").unwrap()).await;
    let (_, json) = surligneur::web::files::last_download().unwrap();
    let f = v1::parse_str(&json).unwrap();
    let a = &f.annotations[0];
    let at: String = text.chars().skip(a.start).take(a.end - a.start).collect();
    assert_eq!(at, got[0].2);
    assert_eq!(a.end, target.1);
    assert_eq!(
        live_text(&app),
        format!("Tagged “{}” as Claim", got[0].2),
        "the live region says what happened"
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn keyboard_words_back_and_escape_cancels() {
    let app = fresh().await;
    focus_article(&app);
    ctrl("ArrowRight", false).await; // caret before "Patrick"
    ctrl("ArrowRight", true).await;
    ctrl("ArrowRight", true).await;
    assert_eq!(selection_text().trim(), "Patrick Starck");
    ctrl("ArrowLeft", true).await;
    assert_eq!(selection_text().trim(), "Patrick");
    // The drawn caret sits at the selection's moving end.
    let caret = app.query(".caret").expect("a caret while selecting");
    let px = |p: &str| -> f64 {
        caret
            .style()
            .get_property_value(p)
            .unwrap()
            .trim_end_matches("px")
            .parse()
            .unwrap()
    };
    let sel = window().get_selection().unwrap().unwrap();
    let at = document().create_range().unwrap();
    at.set_start(&sel.focus_node().unwrap(), sel.focus_offset())
        .unwrap();
    let r = at.get_bounding_client_rect();
    let scroll_y = window().scroll_y().unwrap();
    assert!(
        (px("left") - r.left()).abs() < 2.0,
        "{} vs {}",
        px("left"),
        r.left()
    );
    assert!((px("top") - (r.top() + scroll_y)).abs() < 2.0);
    assert!(px("height") > 0.0);
    press("Escape").await;
    assert!(app.query(".picker").is_none());
    assert!(app.query(".caret").is_none());
    press("1").await;
    assert!(app.annotations().is_empty(), "Esc cancelled the selection");
    // Again, then tag with the key.
    ctrl("ArrowRight", false).await;
    ctrl("ArrowRight", true).await;
    ctrl("ArrowRight", true).await;
    press("1").await;
    assert_eq!(app.annotations()[0].2, "Patrick Starck");
    // Focus is on the new highlight; Ctrl+→ goes on from its end.
    ctrl("ArrowRight", true).await;
    assert_eq!(selection_text().trim(), "cède");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn the_picker_is_reachable_and_operable_by_keyboard() {
    let app = fresh().await;
    focus_article(&app);
    ctrl("ArrowRight", false).await;
    ctrl("ArrowRight", true).await;
    // Tab from the article goes to the picker's first label.
    press("Tab").await;
    let active = document().active_element().unwrap();
    assert_eq!(
        active.get_attribute("data-label").as_deref(),
        Some("person")
    );
    assert!(active.closest(".picker").unwrap().is_some());
    // Shift+Tab goes back to the article, Tab again to the picker.
    press_with_shift_tab().await;
    assert!(document()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(&app.article()))));
    press("Tab").await;
    assert!(document()
        .active_element()
        .unwrap()
        .closest(".picker")
        .unwrap()
        .is_some());
    // Escape from the picker returns to the article, selection cleared.
    press("Escape").await;
    assert!(document()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(&app.article()))));
    assert!(app.query(".picker").is_none());
    // Once more; activate a label (Enter/Space on a button is a click).
    ctrl("ArrowRight", false).await;
    ctrl("ArrowRight", true).await;
    press("Tab").await;
    let org: HtmlElement = app
        .query(".picker button[data-label=organisation]")
        .unwrap();
    org.focus().unwrap();
    click(&org).await;
    assert_eq!(app.annotations()[0].1, "organisation");
    assert_eq!(app.annotations()[0].2, "Patrick");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn the_live_region_announces_tag_relabel_delete_undo_redo() {
    let app = fresh().await;
    let region = app.query("[role=status]").unwrap();
    assert_eq!(region.get_attribute("aria-live").as_deref(), Some("polite"));
    assert!(
        region.closest("[role=alert]").unwrap().is_none(),
        "separate from the alert region"
    );
    app.select_text("Patrick Starck", 0).await;
    press("1").await;
    assert_eq!(live_text(&app), "Tagged “Patrick Starck” as Person");
    press("2").await; // the new highlight has focus
    assert_eq!(
        live_text(&app),
        "Relabelled “Patrick Starck” as Organisation"
    );
    press("Delete").await;
    assert_eq!(live_text(&app), "Deleted “Patrick Starck” (Organisation)");
    press_with("z", true, false).await;
    assert_eq!(
        live_text(&app),
        "Undone: Deleted “Patrick Starck” (Organisation)"
    );
    // A repeated message is a new node, so it is heard again.
    let node = app.query("[role=status] p").unwrap();
    press_with("Z", true, true).await;
    assert_eq!(
        live_text(&app),
        "Redone: Deleted “Patrick Starck” (Organisation)"
    );
    press_with("z", true, false).await;
    let again = app.query("[role=status] p").unwrap();
    assert_eq!(
        live_text(&app),
        "Undone: Deleted “Patrick Starck” (Organisation)"
    );
    assert!(!node.is_same_node(Some(&again)));
    app.unmount().await;
}

fn touch(target: &web_sys::EventTarget, kind: &str) {
    let init = web_sys::TouchEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev: web_sys::Event = web_sys::TouchEvent::new_with_event_init_dict(kind, &init)
        .map(Into::into)
        .expect("TouchEvent");
    target.dispatch_event(&ev).unwrap();
}

/// Fire `selectionchange` as the browser does while handles are dragged.
async fn selection_changed() {
    document()
        .dispatch_event(&web_sys::Event::new("selectionchange").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn touch_a_long_press_selection_shows_the_picker_below_and_a_tap_tags() {
    let app = fresh().await;
    // Long press on a word, then drag a handle: touches and selection
    // changes, no mouseup.
    touch(app.article().as_ref(), "touchstart");
    let (s, e) = {
        let text = app.article().text_content().unwrap();
        find(&text, "Cloudwatt", 0)
    };
    select_in(&app.article(), s, s + 5);
    selection_changed().await;
    assert!(app.query(".picker").is_some(), "picker during the drag");
    select_in(&app.article(), s, e);
    selection_changed().await;
    touch(app.article().as_ref(), "touchend");
    yew::scheduler::flush().await;
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
    assert!(
        top >= rect.bottom() + 20.0,
        "below the selection and its handles: {top} vs {}",
        rect.bottom()
    );
    // Tapping a label: the touch on the picker may collapse the selection
    // first; the picker stays and tags what was selected.
    let button = app
        .query(".picker button[data-label=organisation]")
        .unwrap();
    touch(button.as_ref(), "touchstart");
    window()
        .get_selection()
        .unwrap()
        .unwrap()
        .remove_all_ranges()
        .unwrap();
    selection_changed().await;
    assert!(
        app.query(".picker").is_some(),
        "a tap on the picker keeps it"
    );
    touch(button.as_ref(), "touchend");
    click(&button).await;
    assert_eq!(
        app.annotations(),
        [(
            app.annotations()[0].0.clone(),
            "organisation".into(),
            "Cloudwatt".into()
        )]
    );
    app.unmount().await;
}

/// A 390 px wide page: an iframe with the app's stylesheet, the app
/// mounted in it.
async fn phone() -> (
    web_sys::HtmlIFrameElement,
    yew::AppHandle<surligneur::app::App>,
) {
    let frame: web_sys::HtmlIFrameElement = document()
        .create_element("iframe")
        .unwrap()
        .unchecked_into();
    frame.set_width("390");
    frame.set_height("844");
    document().body().unwrap().append_child(&frame).unwrap();
    let doc = frame.content_document().expect("same-origin frame");
    let meta = doc.create_element("meta").unwrap();
    meta.set_attribute("name", "viewport").unwrap();
    meta.set_attribute("content", "width=device-width, initial-scale=1")
        .unwrap();
    doc.head().unwrap().append_child(&meta).unwrap();
    let style = doc.create_element("style").unwrap();
    // A phone's scrollbars overlay the page; the desktop test browser's
    // would take 15 px of the 390.
    let css = format!(
        "{}\nhtml {{ scrollbar-width: none; }}",
        include_str!("../www/styles.css")
    );
    style.set_text_content(Some(&css));
    doc.head().unwrap().append_child(&style).unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<surligneur::app::App>::with_root(root).render();
    yew::scheduler::flush().await;
    (frame, handle)
}

#[wasm_bindgen_test]
async fn at_390_px_no_horizontal_scroll_and_the_toolbar_takes_two_lines_at_most() {
    storage().clear().unwrap();
    let (frame, handle) = phone().await;
    let doc = frame.content_document().unwrap();
    let win = frame.content_window().unwrap();
    assert_eq!(win.inner_width().unwrap().as_f64(), Some(390.0));
    let scroller = doc.scrolling_element().unwrap();
    let wide: Vec<String> = {
        let all = doc.query_selector_all("body *").unwrap();
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok())
            .filter(|e| e.get_bounding_client_rect().right() > 391.0)
            .map(|e| format!("{}.{}", e.tag_name(), e.class_name()))
            .take(8)
            .collect()
    };
    assert!(
        scroller.scroll_width() <= scroller.client_width(),
        "horizontal scroll: {} > {}, past the edge: {wide:?}",
        scroller.scroll_width(),
        scroller.client_width()
    );
    // Lines of the toolbar: distinct tops of its visible items.
    let toolbar = doc.query_selector(".toolbar").unwrap().unwrap();
    let kids = toolbar.children();
    let mut tops: Vec<i32> = Vec::new();
    for i in 0..kids.length() {
        let r = kids.item(i).unwrap().get_bounding_client_rect();
        if r.width() > 0.0 && !tops.iter().any(|t| (t - r.top() as i32).abs() < 8) {
            tops.push(r.top() as i32);
        }
    }
    let widths: Vec<String> = (0..kids.length())
        .map(|i| {
            let k = kids.item(i).unwrap();
            let r = k.get_bounding_client_rect();
            format!("{}:{}@{}", k.tag_name(), r.width() as i32, r.top() as i32)
        })
        .collect();
    assert!(tops.len() <= 2, "toolbar lines at {tops:?}: {widths:?}");
    let height = toolbar.get_bounding_client_rect().height();
    assert!(height <= 844.0 / 8.0, "toolbar {height} px high");
    // The article keeps the width: nearly all of it.
    let article = doc.query_selector("#article").unwrap().unwrap();
    let w = article.get_bounding_client_rect().width();
    assert!(w >= 340.0, "article {w} px wide");
    handle.destroy();
    yew::scheduler::flush().await;
    frame.remove();
}

fn change(el: &web_sys::Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

async fn set_field(app: &Mounted, sel: &str, value: &str) {
    let el = app.query(sel).unwrap_or_else(|| panic!("{sel}"));
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
    } else {
        el.unchecked_ref::<HtmlSelectElement>().set_value(value);
    }
    change(&el);
    yew::scheduler::flush().await;
}

async fn undo(app: &Mounted) {
    click(&app.query("button[data-action=undo]").unwrap()).await;
}

async fn redo(app: &Mounted) {
    click(&app.query("button[data-action=redo]").unwrap()).await;
}

fn rows(app: &Mounted) -> Vec<String> {
    app.query_all("[data-label-row]")
        .iter()
        .map(|r| r.get_attribute("data-label-row").unwrap())
        .collect()
}

fn legend(app: &Mounted) -> Vec<String> {
    app.query_all(".legend li")
        .iter()
        .map(|r| r.text_content().unwrap())
        .collect()
}

/// Focus nothing, as after a click on the page's background.
fn blur() {
    if let Some(a) = document().active_element() {
        a.unchecked_into::<HtmlElement>().blur().unwrap();
    }
}

/// Tag `needle` with key `key` (nothing focused, as after a click away).
async fn tag(app: &Mounted, needle: &str, key: &str) {
    blur();
    app.select_text(needle, 0).await;
    press(key).await;
}

#[wasm_bindgen_test]
async fn the_label_editor_adds_renames_recolours_rekeys_restyles_and_moves_undoably() {
    let app = fresh().await;
    click(&app.query("[data-action=labels]").unwrap()).await;
    assert!(app.query("[data-dialog=labels][role=dialog]").is_some());
    assert_eq!(rows(&app), ["person", "organisation", "claim"]);

    // Add.
    let name: HtmlInputElement = app
        .query("[data-field=new-label-name]")
        .unwrap()
        .unchecked_into();
    name.set_value("Place");
    click(&app.query("[data-action=label-add]").unwrap()).await;
    assert_eq!(rows(&app), ["person", "organisation", "claim", "place"]);
    assert_eq!(live_text(&app), "Added the label Place");
    undo(&app).await;
    assert_eq!(rows(&app), ["person", "organisation", "claim"]);
    assert_eq!(live_text(&app), "Undone: Added the label Place");
    redo(&app).await;
    assert_eq!(rows(&app), ["person", "organisation", "claim", "place"]);
    // Its key is the first free one, and only free keys are offered.
    let key = |app: &Mounted| -> String {
        app.query("[data-label-row=place] [data-field=label-key]")
            .unwrap()
            .unchecked_into::<HtmlSelectElement>()
            .value()
    };
    assert_eq!(key(&app), "4");
    let keys: Vec<String> = app
        .query_all("[data-label-row=place] [data-field=label-key] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    assert_eq!(
        keys,
        ["", "4", "5", "6", "7", "8", "9"],
        "never a taken key"
    );
    // The first palette colour no label has; filled.
    let checked = app
        .query("[data-label-row=place] input[data-field=label-color]:checked")
        .unwrap()
        .unchecked_into::<HtmlInputElement>()
        .value();
    assert_eq!(checked, "#009e73");
    tag(&app, "Orange", "4").await;
    assert_eq!(app.annotations()[0].1, "place");
    let mark = app.query("#article mark[data-label=place]").unwrap();
    assert_eq!(computed(&mark, "border-bottom-color"), rgb("#009e73"));
    assert!(
        legend(&app).contains(&"4 Place (1)".to_string()),
        "{:?}",
        legend(&app)
    );

    // Rename.
    set_field(
        &app,
        "[data-label-row=place] [data-field=label-name]",
        "Lieu",
    )
    .await;
    assert_eq!(live_text(&app), "Renamed the label Place to Lieu");
    assert!(legend(&app).contains(&"4 Lieu (1)".to_string()));
    let mark = app.query("#article mark[data-label=place]").unwrap();
    assert!(mark.get_attribute("title").unwrap().contains("Lieu"));
    undo(&app).await;
    assert!(legend(&app).contains(&"4 Place (1)".to_string()));
    assert_eq!(live_text(&app), "Undone: Renamed the label Place to Lieu");
    let name: HtmlInputElement = app
        .query("[data-label-row=place] [data-field=label-name]")
        .unwrap()
        .unchecked_into();
    assert_eq!(name.value(), "Place", "the editor shows the undone name");

    // An empty name is refused and the field shows the name again.
    set_field(&app, "[data-label-row=place] [data-field=label-name]", "  ").await;
    assert_eq!(name.value(), "Place");
    assert!(legend(&app).contains(&"4 Place (1)".to_string()));

    // Recolour through the swatch radios.
    let vermilion: HtmlElement = app
        .query("[data-label-row=place] input[data-field=label-color][value='#d55e00']")
        .unwrap();
    click(&vermilion).await;
    assert_eq!(computed(&mark, "border-bottom-color"), rgb("#d55e00"));
    let swatch = app.query(".group[data-group=place] .swatch").unwrap();
    assert_eq!(computed(&swatch, "border-bottom-color"), rgb("#d55e00"));
    undo(&app).await;
    assert_eq!(computed(&mark, "border-bottom-color"), rgb("#009e73"));
    redo(&app).await;
    assert_eq!(computed(&mark, "border-bottom-color"), rgb("#d55e00"));

    // Re-key: 7 tags, 4 no longer does.
    set_field(&app, "[data-label-row=place] [data-field=label-key]", "7").await;
    tag(&app, "Thalès", "4").await;
    assert_eq!(app.annotations().len(), 1);
    tag(&app, "Thalès", "7").await;
    assert_eq!(
        app.annotations()[1],
        (
            app.annotations()[1].0.clone(),
            "place".into(),
            "Thalès".into()
        )
    );
    undo(&app).await; // the tag
    undo(&app).await; // the key
    assert_eq!(key(&app), "4");
    tag(&app, "Thalès", "4").await;
    assert_eq!(app.annotations()[1].1, "place");

    // Look: underlined, no tint.
    set_field(
        &app,
        "[data-label-row=place] [data-field=label-look]",
        "underline",
    )
    .await;
    let mark = app.query("#article mark[data-label=place]").unwrap();
    assert_eq!(computed(&mark, "background-color"), "rgba(0, 0, 0, 0)");
    assert_eq!(computed(&mark, "border-bottom-width"), "3px");
    undo(&app).await;
    let mark = app.query("#article mark[data-label=place]").unwrap();
    assert_ne!(computed(&mark, "background-color"), "rgba(0, 0, 0, 0)");

    // Reorder: up to first; picker, legend and panel follow.
    click(
        &app.query("[data-label-row=place] [data-action=label-up]")
            .unwrap(),
    )
    .await;
    click(
        &app.query("[data-label-row=place] [data-action=label-up]")
            .unwrap(),
    )
    .await;
    click(
        &app.query("[data-label-row=place] [data-action=label-up]")
            .unwrap(),
    )
    .await;
    assert_eq!(rows(&app), ["place", "person", "organisation", "claim"]);
    assert!(app
        .query("[data-label-row=place] [data-action=label-up]")
        .unwrap()
        .has_attribute("disabled"));
    let groups: Vec<String> = app
        .query_all(".sidebar .group")
        .iter()
        .map(|g| g.get_attribute("data-group").unwrap())
        .collect();
    assert_eq!(groups, ["place", "person", "organisation", "claim"]);
    assert!(legend(&app)[0].contains("Place"));
    blur();
    app.select_text("Cloudwatt", 0).await;
    assert_eq!(
        picker_labels(&app),
        ["place", "person", "organisation", "claim"]
    );
    press("Escape").await;
    undo(&app).await;
    assert_eq!(rows(&app), ["person", "place", "organisation", "claim"]);
    // Esc closes the editor.
    press("Escape").await;
    assert!(app.query("[data-dialog=labels]").is_none());
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn removing_a_label_in_use_asks_then_relabels_or_deletes_undoably() {
    let app = fresh().await;
    tag(&app, "Orange", "2").await;
    tag(&app, "Thalès", "2").await;
    tag(&app, "Patrick Starck", "1").await;
    click(&app.query("[data-action=labels]").unwrap()).await;
    click(
        &app.query("[data-label-row=organisation] [data-action=label-remove]")
            .unwrap(),
    )
    .await;
    // Asks; nothing changed yet.
    assert!(app
        .query("[data-label-row=organisation] [data-field=label-fate]")
        .is_some());
    assert_eq!(rows(&app).len(), 3);
    assert_eq!(app.annotations().len(), 3);
    click(&app.query("[data-action=label-remove-cancel]").unwrap()).await;
    assert!(app.query("[data-field=label-fate]").is_none());
    assert_eq!(rows(&app).len(), 3);

    // Relabel them to claim, then remove.
    click(
        &app.query("[data-label-row=organisation] [data-action=label-remove]")
            .unwrap(),
    )
    .await;
    let options: Vec<String> = app
        .query_all("[data-field=label-fate] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    assert_eq!(options, ["person", "claim"], "only the other labels");
    set_field(&app, "[data-field=label-fate]", "claim").await;
    click(&app.query("[data-action=label-remove-relabel]").unwrap()).await;
    assert_eq!(rows(&app), ["person", "claim"]);
    let labels: Vec<String> = app.annotations().into_iter().map(|a| a.1).collect();
    assert_eq!(labels, ["person", "claim", "claim"]);
    assert!(
        live_text(&app).contains("Organisation"),
        "{}",
        live_text(&app)
    );
    undo(&app).await;
    assert_eq!(rows(&app), ["person", "organisation", "claim"]);
    let labels: Vec<String> = app.annotations().into_iter().map(|a| a.1).collect();
    assert_eq!(labels, ["person", "organisation", "organisation"]);

    // Delete them with the label, then undo.
    click(
        &app.query("[data-label-row=organisation] [data-action=label-remove]")
            .unwrap(),
    )
    .await;
    click(&app.query("[data-action=label-remove-delete]").unwrap()).await;
    assert_eq!(rows(&app), ["person", "claim"]);
    assert_eq!(app.annotations().len(), 1);
    undo(&app).await;
    assert_eq!(app.annotations().len(), 3);
    assert_eq!(rows(&app).len(), 3);

    // A label no annotation uses goes at once (and comes back by undo).
    click(
        &app.query("[data-label-row=claim] [data-action=label-remove]")
            .unwrap(),
    )
    .await;
    assert_eq!(rows(&app), ["person", "organisation"]);
    undo(&app).await;
    assert_eq!(rows(&app), ["person", "organisation", "claim"]);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn merging_a_file_with_other_labels_brings_them_in_one_undoable_step() {
    let app = fresh().await;
    tag(&app, "Orange", "2").await;
    // The seed article, from a colleague who added "place" and calls
    // persons "Personne" in another colour.
    let seed = app.article().text_content().unwrap();
    let mut theirs = four_labels();
    theirs.0[0].name = "Personne".into();
    theirs.0[0].color = "#0072b2".into();
    let (s, e) = find(&seed, "Cloudwatt", 0);
    let (ps, pe) = find(&seed, "Patrick Starck", 0);
    import(
        &app,
        &file(
            &seed,
            &theirs,
            &[(s, e, "place", "x1"), (ps, pe, "person", "x2")],
        ),
    )
    .await;
    click(&app.query("[data-choice=merge]").expect("merge or replace?")).await;
    assert_eq!(app.annotations().len(), 3);
    // Their new label is here, everywhere; ours keeps its definition.
    let place = app.query("#article mark[data-label=place]").unwrap();
    assert_eq!(computed(&place, "border-bottom-color"), rgb(PLACE_COLOUR));
    let person = app.query("#article mark[data-label=person]").unwrap();
    assert_eq!(computed(&person, "border-bottom-color"), rgb("#e69f00"));
    assert!(
        legend(&app).iter().any(|l| l == "1 Person (1)"),
        "{:?}",
        legend(&app)
    );
    assert!(legend(&app).iter().any(|l| l == "4 Place (1)"));
    assert!(app.alert_text().contains("Person"), "{}", app.alert_text());
    blur();
    app.select_text("Thalès", 0).await;
    assert_eq!(picker_labels(&app).len(), 4);
    press("Escape").await;
    // One undo takes the file's annotations and its label away.
    press_with("z", true, false).await;
    assert_eq!(app.annotations().len(), 1);
    assert_eq!(app.query_all(".legend li").len(), 3);
    assert!(app.query("#article mark[data-label=place]").is_none());
    app.unmount().await;
}

/// A hand-made file (no document id, no labels) is read leniently: the id
/// is computed, the default labels filled in, and a notice says so.
#[wasm_bindgen_test]
async fn a_hand_made_file_without_id_or_labels_is_read_with_a_notice() {
    let app = fresh().await;
    let (start, end) = find(LYON, "Patrick Starck", 0);
    let json = serde_json::json!({
        "format": "surligneur", "version": 1,
        "document": { "title": "Réunion à Lyon", "text": LYON },
        "annotations": [{ "id": "p", "start": start, "end": end, "label": "person",
            "quote": "Patrick Starck", "note": "", "created": "2026-01-01T00:00:00Z",
            "modified": "2026-01-01T00:00:00Z" }]
    })
    .to_string();
    import(&app, &json).await;
    let alert = app.alert_text();
    assert!(
        alert.contains("The file lacked the document id (computed from its text) and the labels"),
        "{alert}"
    );
    assert_eq!(app.article().text_content().unwrap(), LYON);
    let marks = app.marks();
    assert!(
        marks
            .iter()
            .any(|(id, label, _)| id == "p" && label == "person"),
        "{marks:?}"
    );
    assert_eq!(
        picker_labels_after_select(&app).await,
        ["person", "organisation", "claim"]
    );
    app.unmount().await;
}

async fn picker_labels_after_select(app: &Mounted) -> Vec<String> {
    app.select_text("Lyon", 1).await;
    picker_labels(app)
}
