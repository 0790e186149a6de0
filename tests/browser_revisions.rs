//! New versions of the article and every export format, in headless
//! Chromium through the contract's hooks: `input[data-action=revise]`, the
//! orphans panel, `[data-action=export][data-format=F]` and the one import
//! input.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use surligneur::format::v1;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

const SEED: &str = include_str!("../www/default-article.txt");
const QUIZ: &str = "Quiz : Connaissez-vous les sous-traitants des géants de la high-tech ?\n\n";

fn input(app: &Mounted, action: &str) -> HtmlInputElement {
    app.query(&format!("input[type=file][data-action={action}]"))
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Give `text` to the revise input and wait until it is compared (the
/// progress line goes away).
async fn revise(app: &Mounted, name: &str, bytes: &[u8]) {
    let before = app.alert_text();
    choose_file(&input(app, "revise"), name, bytes).await;
    // Reading the file and the comparison (after the progress line has
    // painted) are asynchronous: wait for their outcome, a notice or the
    // confirmation dialog.
    for _ in 0..300 {
        let done = app.query("[data-busy]").is_none()
            && (app.alert_text() != before || app.query("[data-choice=revise-confirm]").is_some());
        if done {
            break;
        }
        sleep(10).await;
        yew::scheduler::flush().await;
    }
}

fn id_of(app: &Mounted, quote: &str) -> String {
    app.annotations()
        .into_iter()
        .find(|(_, _, t)| t == quote)
        .map(|(id, _, _)| id)
        .unwrap_or_else(|| panic!("no annotation on {quote:?}"))
}

async fn export_json(app: &Mounted) -> serde_json::Value {
    click(
        &app.query("[data-action=export][data-format=surligneur]")
            .unwrap(),
    )
    .await;
    let (_, json) = surligneur::web::files::last_download().expect("a download");
    serde_json::from_str(&json).unwrap()
}

#[wasm_bindgen_test]
async fn a_new_version_moves_annotations_orphans_the_gone_and_undoes_exactly() {
    let app = fresh().await;
    app.select_text("Pierre Paperon", 0).await;
    press("1").await;
    app.select_text("Quiz : Connaissez-vous", 0).await;
    press("3").await;
    app.select_text("Cheops Technology", 0).await;
    press("2").await;
    let (pp, quiz, cheops) = (
        id_of(&app, "Pierre Paperon"),
        id_of(&app, "Quiz : Connaissez-vous"),
        id_of(&app, "Cheops Technology"),
    );
    let new = SEED
        .replace("Pierre Paperon", "Pierre Papperon")
        .replace(QUIZ, "");
    // Given with Windows line ends: normalised to LF, as when opening.
    revise(&app, "v2.txt", new.replace('\n', "\r\n").as_bytes()).await;
    assert_eq!(app.article().text_content().unwrap(), new);
    assert!(
        app.alert_text()
            .contains("New version loaded: 0 unchanged, 1 moved, 1 edited, 1 orphaned."),
        "{}",
        app.alert_text()
    );
    let orphans = app.query_all("[data-panel=orphans] [data-orphan-id]");
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].get_attribute("data-orphan-id").unwrap(), quiz);
    assert!(orphans[0]
        .text_content()
        .unwrap()
        .contains("Quiz : Connaissez-vous"));
    // The edited one is marked on its highlight and listed.
    let edited = app.query_all(&format!("#article mark.edited")).len();
    assert!(edited >= 1);
    assert!(app.query("[data-panel=edited] [data-edited-id]").is_some());
    // The export: every id once, in annotations or orphans.
    let v = export_json(&app).await;
    assert_eq!(v["document"]["text"], serde_json::json!(new));
    let ids = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut live = ids("annotations");
    live.sort();
    let mut want = vec![pp.clone(), cheops.clone()];
    want.sort();
    assert_eq!(live, want);
    assert_eq!(ids("orphans"), [quiz.clone()]);
    assert_eq!(
        v["orphans"][0]["quote"],
        serde_json::json!("Quiz : Connaissez-vous")
    );
    // Ctrl+Z: the previous text and annotations exactly.
    press_with("z", true, false).await;
    assert_eq!(app.article().text_content().unwrap(), SEED);
    assert_eq!(
        app.query_all("[data-panel=orphans] [data-orphan-id]").len(),
        0
    );
    let quotes: Vec<String> = app.annotations().into_iter().map(|(_, _, t)| t).collect();
    assert!(
        quotes.contains(&"Pierre Paperon".to_owned())
            && quotes.contains(&"Quiz : Connaissez-vous".to_owned())
    );
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn an_orphan_is_reattached_to_the_selected_text_or_deleted() {
    let app = fresh().await;
    app.select_text("Quiz : Connaissez-vous les sous-traitants", 0)
        .await;
    press("3").await;
    let quiz = id_of(&app, "Quiz : Connaissez-vous les sous-traitants");
    let new = SEED.replace(
        "Quiz : Connaissez-vous les sous-traitants",
        "Quiz : qui fournit",
    );
    revise(&app, "v2.txt", new.as_bytes()).await;
    assert!(
        app.query("[data-orphan-id]").is_some(),
        "{} {:?}",
        app.alert_text(),
        app.annotations()
    );
    // Without a selection it says what to do.
    click(&app.query("[data-action=reattach]").unwrap()).await;
    assert!(
        app.alert_text().contains("Select the orphan's text"),
        "{}",
        app.alert_text()
    );
    app.select_text("Quiz : qui fournit", 0).await;
    click(&app.query("[data-action=reattach]").unwrap()).await;
    assert!(app.query("[data-orphan-id]").is_none());
    assert_eq!(id_of(&app, "Quiz : qui fournit"), quiz);
    press_with("z", true, false).await;
    assert!(app.query("[data-orphan-id]").is_some());
    click(&app.query("[data-action=delete-orphan]").unwrap()).await;
    assert!(app.query("[data-orphan-id]").is_none());
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn a_bad_or_unrelated_new_version_changes_nothing() {
    let app = fresh().await;
    app.select_text("Pierre Paperon", 0).await;
    press("1").await;
    revise(&app, "x.txt", b"\xff\xfe\x00binary").await;
    assert!(
        app.alert_text().contains("not valid UTF-8"),
        "{}",
        app.alert_text()
    );
    assert_eq!(app.article().text_content().unwrap(), SEED);
    // A text sharing nothing asks first; cancelling changes nothing.
    revise(
        &app,
        "other.txt",
        "Un tout autre article.\n\nRien à voir.".as_bytes(),
    )
    .await;
    assert!(app.query("[data-choice=revise-confirm]").is_some());
    // Esc cancels it, as it does the other dialogs.
    press("Escape").await;
    assert!(app.query("[data-choice=revise-confirm]").is_none());
    assert!(
        app.alert_text().contains("The new version was not loaded"),
        "{}",
        app.alert_text()
    );
    assert_eq!(app.article().text_content().unwrap(), SEED);
    assert_eq!(app.annotations().len(), 1);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn every_export_format_downloads_and_imports_back() {
    let app = fresh().await;
    app.select_text("Patrick Starck", 0).await;
    press("1").await;
    app.select_text(
        "«\u{a0}Dans le cadre d’un accord tacite avec les actionnaires\u{a0}»",
        0,
    )
    .await;
    press("3").await;
    let want = app.annotations();
    for (format, ext) in [
        ("surligneur", ".surligneur.json"),
        ("w3c", ".jsonld"),
        ("brat", ".zip"),
        ("csv", ".csv"),
        ("jsonl", ".jsonl"),
    ] {
        let control = app
            .query(&format!("[data-action=export][data-format={format}]"))
            .unwrap_or_else(|| panic!("no export control for {format}"));
        click(&control).await;
        let (name, bytes) = surligneur::web::files::last_download_bytes().expect("a download");
        assert!(name.ends_with(ext), "{format}: {name}");
        // Into a fresh copy of the app: the same spans and labels.
        let other = fresh().await;
        choose_file(&input(&other, "import"), &name, &bytes).await;
        let mut got: Vec<(String, String)> = other
            .annotations()
            .into_iter()
            .map(|(_, l, t)| (l, t))
            .collect();
        let mut exp: Vec<(String, String)> = want
            .iter()
            .map(|(_, l, t)| (l.clone(), t.clone()))
            .collect();
        got.sort();
        exp.sort();
        assert_eq!(got, exp, "{format}: {}", other.alert_text());
        other.unmount().await;
    }
    // The Surligneur export is the lossless one: it parses as the format.
    click(
        &app.query("[data-action=export][data-format=surligneur]")
            .unwrap(),
    )
    .await;
    let (_, json) = surligneur::web::files::last_download().unwrap();
    assert_eq!(v1::parse_str(&json).unwrap().annotations.len(), 2);
    app.unmount().await;
}

#[wasm_bindgen_test]
async fn opening_a_corrected_copy_asks_whether_it_is_a_new_version() {
    let app = fresh().await;
    app.select_text("Pierre Paperon", 0).await;
    press("1").await;
    let pp = id_of(&app, "Pierre Paperon");
    let corrected = SEED.replace("Pierre Paperon", "Pierre Papperon");
    choose_file(&input(&app, "open"), "corrige.txt", corrected.as_bytes()).await;
    let ask = app.query("[data-choice=open-as-version]").expect("asks");
    assert_eq!(
        app.article().text_content().unwrap(),
        SEED,
        "nothing opened yet"
    );
    click(&ask).await;
    for _ in 0..100 {
        if app.article().text_content().unwrap() == corrected {
            break;
        }
        sleep(10).await;
        yew::scheduler::flush().await;
    }
    assert_eq!(app.article().text_content().unwrap(), corrected);
    assert_eq!(id_of(&app, "Pierre Papperon"), pp);
    app.unmount().await;
}
