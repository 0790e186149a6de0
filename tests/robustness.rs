//! Robustness in the browser: hostile text stays text, bad input changes
//! nothing, and a long randomised session keeps the DOM equal to the core.
#![cfg(target_arch = "wasm32")]

mod support;

use std::collections::BTreeMap;

use support::*;
use surligneur::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use surligneur::format::v1;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

const PAYLOADS: &[&str] = &[
    "<img src=x onerror=\"window.__xss=1\">",
    "<script>window.__xss=2</script>",
    "<a href=\"javascript:window.__xss=3\">clic</a>",
    "<svg onload=\"window.__xss=4\"><circle/></svg>",
    "&lt;img src=x onerror=window.__xss=5&gt; &amp;lt;b&amp;gt;",
    "\u{202e}gnp.exe\u{202c} <iframe srcdoc=\"<script>parent.__xss=6</script>\">",
    "<style>body{display:none}</style><b onmouseover=alert(1)>gras</b>",
];

fn injected(app: &Mounted) -> Vec<String> {
    let mut found = Vec::new();
    for tag in [
        "img",
        "script",
        "svg",
        "iframe",
        "style",
        "b",
        "a[href^=javascript]",
        "circle",
    ] {
        for el in app.query_all(&format!(".app {tag}")) {
            found.push(el.outer_html());
        }
    }
    found
}

fn xss_flag() -> bool {
    js_sys::Reflect::get(&window(), &"__xss".into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

#[wasm_bindgen_test]
async fn hostile_article_title_notes_and_labels_stay_text() {
    let app = fresh().await;
    // An article made of payloads, opened as a .txt file.
    let text = format!("{}\n\n{}", PAYLOADS[0], PAYLOADS.join("\n\n"));
    let open: HtmlInputElement = app
        .query("input[data-action=open]")
        .unwrap()
        .unchecked_into();
    choose_file(&open, "evil.txt", text.as_bytes()).await;
    assert_eq!(app.article().text_content().unwrap(), text);
    // Tag a payload and give it a hostile note.
    app.select_text("<script>window.__xss=2</script>", 0).await;
    press("3").await;
    let note: web_sys::HtmlTextAreaElement = app
        .query("textarea[data-action=note]")
        .unwrap()
        .unchecked_into();
    note.set_value(PAYLOADS[3]);
    note.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;

    // An imported file whose title, labels and notes are payloads.
    let doc = Document::new(PAYLOADS[1], &text);
    let mut labels = LabelSet::default();
    labels.0.push(LabelDef {
        id: "x<b>".into(),
        name: PAYLOADS[0].into(),
        color: "#123456".into(),
        key: "9".into(),
        look: surligneur::core::span::Look::Fill,
    });
    let quote = "<img src=x onerror=\"window.__xss=1\">";
    let a = Annotation {
        id: "<img src=x onerror=window.__xss=7>".into(),
        start: 0,
        end: quote.chars().count(),
        label: "person".into(),
        quote: quote.into(),
        note: PAYLOADS[2].into(),
        created: Timestamp::from_millis(0),
        modified: Timestamp::from_millis(0),
    };
    let json = v1::to_json(&doc, &labels, [&a]);
    let import: HtmlInputElement = app
        .query("input[data-action=import]")
        .unwrap()
        .unchecked_into();
    choose_file(&import, "evil.json", json.as_bytes()).await;
    if app.query("[data-choice=merge]").is_some() {
        click(&app.query("[data-choice=merge]").unwrap()).await;
    }
    sleep(50).await;
    assert!(
        injected(&app).is_empty(),
        "injected elements: {:?}",
        injected(&app)
    );
    assert!(!xss_flag(), "a payload ran");
    assert!(app.article().text_content().unwrap().contains("<script>"));
    app.unmount().await;
}

/// Tiny deterministic PRNG (xorshift64*), so a failure names its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The core's state as exported, and the DOM's, must agree.
async fn check_dom_matches_core(
    app: &Mounted,
    seed: u64,
    step: usize,
    op: &str,
) -> Vec<Annotation> {
    click(&app.query("[data-action=export]").unwrap()).await;
    let (_, json) = surligneur::web::files::last_download().unwrap();
    let file = v1::parse_str(&json)
        .unwrap_or_else(|e| panic!("seed {seed} step {step} ({op}): export invalid: {e}"));
    let mut dom: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (id, label, text) in app.marks() {
        let e = dom.entry(id).or_insert((label.clone(), String::new()));
        assert_eq!(
            e.0, label,
            "seed {seed} step {step} ({op}): one id, two labels"
        );
        e.1.push_str(&text);
    }
    let core: BTreeMap<String, (String, String)> = file
        .annotations
        .iter()
        .map(|a| (a.id.clone(), (a.label.clone(), a.quote.clone())))
        .collect();
    // Quotes that cross blocks lose the separator between their pieces.
    let squash = |m: &BTreeMap<String, (String, String)>| -> BTreeMap<String, (String, String)> {
        m.iter()
            .map(|(k, (l, q))| {
                (
                    k.clone(),
                    (l.clone(), q.split_whitespace().collect::<String>()),
                )
            })
            .collect()
    };
    assert_eq!(
        squash(&dom),
        squash(&core),
        "seed {seed} step {step} ({op}): DOM differs from the core"
    );
    assert_eq!(
        app.article().text_content().unwrap(),
        file.document.text(),
        "seed {seed} step {step}: text changed"
    );
    file.annotations
}

#[wasm_bindgen_test]
async fn a_thousand_random_operations_keep_dom_core_and_storage_in_step() {
    let seed: u64 = 0x5eed_2013_c10d;
    let mut rng = Rng(seed);
    let mut app = fresh().await;
    let len = app.article().text_content().unwrap().chars().count();
    let mut exported: Option<String> = None;
    for step in 0..1_000 {
        let op = match rng.below(100) {
            0..=39 => "tag",
            40..=49 => "relabel",
            50..=57 => "note",
            58..=67 => "delete",
            68..=79 => "undo",
            80..=87 => "redo",
            88..=92 => "reload",
            _ => "import-merge",
        };
        if step % 100 == 0 {
            web_sys::console::log_1(
                &format!(
                    "random run: step {step}, {} annotations",
                    app.annotations().len()
                )
                .into(),
            );
        }
        let ids: Vec<String> = app.annotations().into_iter().map(|(id, _, _)| id).collect();
        match op {
            "tag" => {
                let start = rng.below(len - 1);
                let end = (start + 1 + rng.below(40)).min(len);
                app.select(start, end).await;
                press(["1", "2", "3"][rng.below(3)]).await;
            }
            "relabel" | "delete" if !ids.is_empty() => {
                let id = &ids[rng.below(ids.len())];
                let el = app
                    .query_all("#article [data-annotation-id]")
                    .into_iter()
                    .find(|e| e.get_attribute("data-annotation-id").as_deref() == Some(id.as_str()))
                    .unwrap();
                el.focus().unwrap();
                press(if op == "delete" {
                    "Delete"
                } else {
                    ["1", "2", "3"][rng.below(3)]
                })
                .await;
            }
            "note" if !ids.is_empty() => {
                let areas = app.query_all("textarea[data-action=note]");
                if let Some(t) = areas.get(rng.below(areas.len())) {
                    let t: &web_sys::HtmlTextAreaElement = t.unchecked_ref();
                    t.set_value(&format!("note {step} « test » 😀"));
                    t.dispatch_event(&web_sys::Event::new("change").unwrap())
                        .unwrap();
                    yew::scheduler::flush().await;
                }
            }
            "undo" => press_with("z", true, false).await,
            "redo" => press_with("Z", true, true).await,
            "reload" => {
                let before = check_dom_matches_core(&app, seed, step, op).await;
                pagehide();
                app.unmount().await;
                app = mount().await;
                let after = check_dom_matches_core(&app, seed, step, op).await;
                assert_eq!(
                    before, after,
                    "seed {seed} step {step}: reload changed the state"
                );
            }
            "import-merge" => {
                if let Some(json) = exported.clone() {
                    let input: HtmlInputElement = app
                        .query("input[data-action=import]")
                        .unwrap()
                        .unchecked_into();
                    choose_file(&input, "merge.json", json.as_bytes()).await;
                    if let Some(b) = app.query("[data-choice=merge]") {
                        click(&b).await;
                    }
                }
                exported = surligneur::web::files::last_download().map(|(_, j)| j);
            }
            _ => {}
        }
        check_dom_matches_core(&app, seed, step, op).await;
    }
    app.unmount().await;
}

/// A valid file for the seed article with one annotation, as JSON.
fn seed_file_value() -> serde_json::Value {
    let doc = Document::from_plain_text(include_str!("../www/default-article.txt"));
    let a = Annotation::at(&doc, "imp", 0, 14, "person", Timestamp::from_millis(0)).unwrap();
    serde_json::from_str(&v1::to_json(&doc, &LabelSet::default(), [&a])).unwrap()
}

fn edited(f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v = seed_file_value();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

#[wasm_bindgen_test]
async fn every_bad_import_leaves_the_document_untouched_and_says_why() {
    use serde_json::json;
    let app = fresh().await;
    app.select_text("Orange", 0).await;
    press("2").await;
    let before = app.annotations();
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not JSON", b"Bonjour".to_vec(), "not valid JSON"),
        ("empty", Vec::new(), "empty"),
        ("binary", vec![0x89, b'P', b'N', b'G', 0xff, 0x00, 0xfe], "not text"),
        ("deep", deep.into_bytes(), "too deeply"),
        ("wrong format", edited(|v| v["format"] = json!("autre")), "not \"surligneur\""),
        ("newer", edited(|v| v["version"] = json!(3)), "newer Surligneur"),
        ("missing field", edited(|v| { v["annotations"][0].as_object_mut().unwrap().remove("quote"); }), "\"quote\" is missing"),
        ("negative", edited(|v| v["annotations"][0]["start"] = json!(-1)), "negative"),
        ("fractional", edited(|v| v["annotations"][0]["end"] = json!(13.5)), "whole number"),
        ("reversed", edited(|v| { v["annotations"][0]["start"] = json!(20); v["annotations"][0]["end"] = json!(10); }), "before it starts"),
        ("out of range", edited(|v| v["annotations"][0]["end"] = json!(99_999)), "past the end"),
        ("quote", edited(|v| v["annotations"][0]["quote"] = json!("Patrick Stark!")), "does not match"),
        ("label", edited(|v| v["annotations"][0]["label"] = json!("lieu")), "not one of the file's labels"),
        ("duplicate id", edited(|v| { let a = v["annotations"][0].clone(); let mut b = a.clone(); b["end"] = json!(7); b["quote"] = json!("Patrick"); v["annotations"].as_array_mut().unwrap().push(b); }), "already used by annotation"),
        ("w3c", br#"{"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","body":"x","target":"http://example.org"}"#.to_vec(), "W3C Web Annotation"),
    ];
    let input: HtmlInputElement = app
        .query("input[data-action=import]")
        .unwrap()
        .unchecked_into();
    for (name, bytes, words) in cases {
        choose_file(&input, &format!("{name}.json"), &bytes).await;
        let alert = app.alert_text();
        assert!(
            alert.contains(words),
            "{name}: alert {alert:?} should say {words:?}"
        );
        assert!(alert.contains("Nothing was changed"), "{name}: {alert:?}");
        assert_eq!(app.annotations(), before, "{name} changed the annotations");
        assert!(
            app.query("[data-choice]").is_none(),
            "{name}: no merge question for a bad file"
        );
        for b in app.query_all(".alert .dismiss") {
            click(&b).await;
        }
    }
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_file_over_the_limit_is_refused_before_reading() {
    let app = fresh().await;
    let input: HtmlInputElement = app
        .query("input[data-action=import]")
        .unwrap()
        .unchecked_into();
    let big = vec![b' '; 50 * 1024 * 1024];
    choose_file(&input, "huge.json", &big).await;
    let alert = app.alert_text();
    assert!(
        alert.contains("too large") && alert.contains("limit is 20 MB"),
        "{alert}"
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn corrupted_storage_is_backed_up_and_downloadable() {
    storage().clear().unwrap();
    let id = Document::from_plain_text(include_str!("../www/default-article.txt"))
        .id()
        .to_owned();
    let key = format!("surligneur/doc/{id}");
    storage()
        .set_item(&key, "{\"format\":\"surligneur\", oops")
        .unwrap();
    let app = mount().await;
    assert!(
        app.alert_text().contains("could not be read"),
        "{}",
        app.alert_text()
    );
    assert!(app
        .article()
        .text_content()
        .unwrap()
        .starts_with("Patrick Starck"));
    let mut backups = Vec::new();
    for i in 0..storage().length().unwrap() {
        let k = storage().key(i).unwrap().unwrap();
        if k.starts_with("surligneur/backup/") {
            backups.push(k);
        }
    }
    assert_eq!(backups.len(), 1);
    assert_eq!(
        storage().get_item(&backups[0]).unwrap().as_deref(),
        Some("{\"format\":\"surligneur\", oops")
    );
    click(
        &app.query("[data-action=download-backup]")
            .expect("a download button"),
    )
    .await;
    let (_, body) = surligneur::web::files::last_download().unwrap();
    assert_eq!(body, "{\"format\":\"surligneur\", oops");
    // Working on does not touch the backup.
    app.select_text("Orange", 0).await;
    press("2").await;
    pagehide();
    assert_eq!(
        storage().get_item(&backups[0]).unwrap().as_deref(),
        Some("{\"format\":\"surligneur\", oops")
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn unavailable_local_storage_keeps_the_app_working_in_memory() {
    storage().clear().unwrap();
    // Make `window.localStorage` throw, as some privacy modes do.
    let win = window();
    let w: &js_sys::Object = win.unchecked_ref();
    let original = js_sys::Object::get_own_property_descriptor(w, &"localStorage".into());
    let thrower = js_sys::Function::new_no_args(
        "throw new DOMException('The operation is insecure.', 'SecurityError')",
    );
    let desc = js_sys::Object::new();
    js_sys::Reflect::set(&desc, &"get".into(), &thrower).unwrap();
    js_sys::Reflect::set(&desc, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(w, &"localStorage".into(), &desc);
    assert!(window().local_storage().is_err(), "the override works");

    let app = mount().await;
    let alert = app.alert_text();
    app.select_text("Orange", 0).await;
    press("2").await;
    assert_eq!(app.annotations().len(), 1);
    pagehide();
    yew::scheduler::flush().await;
    let state = app.query(".save-state").unwrap().text_content().unwrap();
    let alert_after = app.alert_text();

    // Restore the real localStorage before asserting (so a failure cannot
    // break the other tests).
    if original.is_undefined() {
        js_sys::Reflect::delete_property(w, &"localStorage".into()).unwrap();
    } else {
        js_sys::Object::define_property(w, &"localStorage".into(), original.unchecked_ref());
    }
    assert!(window().local_storage().is_ok());
    assert!(
        alert.contains("not being saved") && alert.contains("Export"),
        "{alert}"
    );
    assert!(state.contains("Not saved"), "{state}");
    assert!(!alert_after.contains("works again"), "{alert_after}");
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_full_storage_is_reported_then_saving_resumes() {
    let app = fresh().await;
    // Fill localStorage to its quota.
    let mut n = 0;
    for size in [256 * 1024, 16 * 1024, 1024, 64, 1] {
        let chunk = "x".repeat(size);
        while storage().set_item(&format!("filler/{n}"), &chunk).is_ok() {
            n += 1;
            assert!(n < 2_000, "quota never reached");
        }
    }
    app.select_text("Orange", 0).await;
    press("2").await;
    pagehide();
    yew::scheduler::flush().await;
    assert!(app.alert_text().contains("full"), "{}", app.alert_text());
    assert_eq!(app.annotations().len(), 1, "nothing dropped");
    for i in 0..n {
        storage().remove_item(&format!("filler/{i}")).unwrap();
    }
    app.select_text("Thalès", 0).await;
    press("2").await;
    pagehide();
    yew::scheduler::flush().await;
    assert!(
        app.alert_text().contains("works again"),
        "{}",
        app.alert_text()
    );
    app.unmount().await;
    let again = mount().await;
    assert_eq!(again.annotations().len(), 2);
    again.unmount().await;
}

#[wasm_bindgen_test]
async fn two_tabs_on_one_document_merge_instead_of_erasing() {
    let a = fresh().await;
    let b = mount().await;
    a.select_text("Orange", 0).await;
    press("2").await;
    // Two instances share this page's keyboard: take the focus off A's new
    // highlight so that B's key below cannot relabel it.
    if let Some(el) = document().active_element() {
        el.unchecked_into::<web_sys::HtmlElement>().blur().unwrap();
    }
    // The selection helpers work on whichever article they are given.
    select_in(&b.article(), 0, 14);
    mouseup(&b.article());
    yew::scheduler::flush().await;
    press("1").await;
    assert_eq!(b.annotations().len(), 1, "B has its own");
    pagehide(); // both save; the second merges the first's value before writing
                // Tell both about the stored value, as the browser's `storage` event would.
    storage_event(&seed_key());
    yew::scheduler::flush().await;
    assert_eq!(a.annotations().len(), 2, "A sees B's annotation");
    assert_eq!(b.annotations().len(), 2, "B sees A's annotation");
    // Undo in A undoes A's own tag, not the one that came from B (A's
    // button: a key press would reach both instances on this page).
    click(&a.query("[data-action=undo]").unwrap()).await;
    let texts: Vec<String> = a.annotations().into_iter().map(|x| x.2).collect();
    assert_eq!(texts, ["Patrick Starck"], "{}", a.alert_text());
    assert!(a
        .query("[data-action=undo]")
        .unwrap()
        .has_attribute("disabled"));
    a.unmount().await;
    b.unmount().await;
}

/// Tell every mounted instance that `key` changed, as the browser's
/// `storage` event does in the other tabs.
fn storage_event(key: &str) {
    let value = storage().get_item(key).unwrap();
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(key));
    init.set_new_value(value.as_deref());
    window()
        .dispatch_event(&web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap())
        .unwrap();
}

fn seed_key() -> String {
    let id = Document::from_plain_text(include_str!("../www/default-article.txt"))
        .id()
        .to_owned();
    format!("surligneur/doc/{id}")
}

#[wasm_bindgen_test]
async fn a_deletion_in_one_tab_reaches_the_other_and_is_not_brought_back() {
    let a = fresh().await;
    a.select_text("Orange", 0).await;
    press("2").await; // the new highlight has focus in A
    pagehide();
    let b = mount().await;
    assert_eq!(b.annotations().len(), 1, "B opens with A's annotation");
    press("Delete").await;
    assert!(a.annotations().is_empty(), "deleted in A");
    assert_eq!(b.annotations().len(), 1, "B does not know yet");
    pagehide();
    storage_event(&seed_key());
    yew::scheduler::flush().await;
    assert!(b.annotations().is_empty(), "the deletion reached B");
    // B works on and saves: its save does not bring the annotation back.
    select_in(&b.article(), 0, 14);
    mouseup(&b.article());
    yew::scheduler::flush().await;
    press("1").await;
    pagehide();
    storage_event(&seed_key());
    yew::scheduler::flush().await;
    let shown = |m: &Mounted| m.annotations().into_iter().map(|x| x.2).collect::<Vec<_>>();
    assert_eq!(shown(&a), ["Patrick Starck"]);
    assert_eq!(shown(&b), ["Patrick Starck"]);
    a.unmount().await;
    b.unmount().await;
    let reloaded = mount().await;
    assert_eq!(shown(&reloaded), ["Patrick Starck"], "and after a reload");
    reloaded.unmount().await;
}

#[wasm_bindgen_test]
async fn a_value_stored_by_the_older_version_is_migrated_and_the_old_copy_kept() {
    storage().clear().unwrap();
    // What Surligneur stored before storage version 2: the bare v1 file.
    let old = serde_json::to_string(&seed_file_value()).unwrap();
    storage().set_item(&seed_key(), &old).unwrap();
    let app = mount().await;
    assert_eq!(
        app.annotations(),
        [(
            "imp".to_owned(),
            "person".to_owned(),
            "Patrick Starck".to_owned()
        )]
    );
    assert!(
        app.alert_text().contains("upgraded"),
        "{}",
        app.alert_text()
    );
    let now = storage().get_item(&seed_key()).unwrap().unwrap();
    let parsed = surligneur::format::stored::parse(&now).unwrap();
    assert_eq!(
        parsed.version,
        surligneur::format::stored::VERSION,
        "rewritten in the current form: {now}"
    );
    assert_eq!(parsed.file.annotations.len(), 1);
    click(
        &app.query("[data-action=download-backup]")
            .expect("the old copy offered"),
    )
    .await;
    let (_, body) = surligneur::web::files::last_download().unwrap();
    assert_eq!(body, old, "the old bytes, unchanged");
    app.unmount().await;
    let again = mount().await;
    assert_eq!(again.annotations().len(), 1);
    assert!(!again.alert_text().contains("upgraded"), "migrated once");
    again.unmount().await;
}

#[wasm_bindgen_test]
async fn a_stored_value_from_a_newer_version_is_left_untouched() {
    storage().clear().unwrap();
    let mut v = seed_file_value();
    v["version"] = serde_json::json!(7);
    let newer = serde_json::to_string(&v).unwrap();
    let key = format!("surligneur/doc/{}", v["document"]["id"].as_str().unwrap());
    storage().set_item(&key, &newer).unwrap();
    let app = mount().await;
    assert!(
        app.alert_text().contains("newer Surligneur"),
        "{}",
        app.alert_text()
    );
    app.select_text("Orange", 0).await;
    press("2").await;
    pagehide();
    yew::scheduler::flush().await;
    assert_eq!(
        storage().get_item(&key).unwrap().as_deref(),
        Some(newer.as_str()),
        "not saved over"
    );
    assert!(app
        .query(".save-state")
        .unwrap()
        .text_content()
        .unwrap()
        .contains("newer version"));
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn an_internal_error_is_reported_in_the_alert_region() {
    let app = fresh().await;
    // What the panic hook does after logging to the console (a real panic
    // would end this test too).
    surligneur::web::report_fatal_error();
    assert!(
        app.alert_text().contains("internal error"),
        "{}",
        app.alert_text()
    );
    assert!(app.alert_text().contains("reload"));
    app.unmount().await;
}
