//! The application model, natively: saving, restoring, imports, merges,
//! storage faults. The browser tests drive the same model through the DOM.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use surligneur::core::session::{Action, ImportMode};
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::v1;
use surligneur::model::{slug, AlertKind, AppModel, SaveState, DEFAULT_ARTICLE};
use surligneur::store::{self, KeyValue, KvError, MemoryKv};

fn t(ms: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + ms)
}

fn boot(kv: &Rc<MemoryKv>) -> AppModel {
    AppModel::boot(kv.clone(), None, t(0))
}

fn find(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).expect("needle");
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn add(m: &mut AppModel, needle: &str, label: &str, id: &str) {
    let (start, end) = find(DEFAULT_ARTICLE, needle);
    assert!(m.apply(Action::Add {
        id: id.into(),
        start,
        end,
        label: label.into(),
        now: t(1)
    }));
}

#[test]
fn first_start_opens_the_default_article() {
    let kv = Rc::new(MemoryKv::default());
    let m = boot(&kv);
    assert_eq!(
        m.doc().title(),
        "Patrick Starck cède la présidence de Cloudwatt"
    );
    assert_eq!(m.doc().text(), DEFAULT_ARTICLE);
    assert_eq!(m.docs().len(), 1);
    assert!(m.alerts().is_empty());
}

#[test]
fn changes_are_saved_and_restored_on_reboot() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Patrick Starck", "person", "p1");
    add(&mut m, "Cloudwatt", "organisation", "o1");
    assert_eq!(m.save_state(), &SaveState::Pending);
    m.save_now(t(100));
    assert_eq!(m.save_state(), &SaveState::Saved);
    let m2 = boot(&kv);
    let a: Vec<&Annotation> = m.session().annotations().iter().collect();
    let b: Vec<&Annotation> = m2.session().annotations().iter().collect();
    assert_eq!(a, b);
    assert_eq!(m2.docs()[0].count, 2);
}

#[test]
fn only_touched_blocks_get_new_views() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    let before: Vec<_> = m.views().to_vec();
    add(&mut m, "Orange", "organisation", "o1");
    let changed: Vec<usize> = before
        .iter()
        .zip(m.views().iter())
        .enumerate()
        .filter(|(_, (a, b))| !Rc::ptr_eq(a, b))
        .map(|(i, _)| i)
        .collect();
    let (s, _) = find(DEFAULT_ARTICLE, "Orange");
    assert_eq!(changed, vec![m.doc().block_at_or_after(s).unwrap()]);
}

#[test]
fn corrupt_stored_value_is_backed_up_not_lost() {
    let kv = Rc::new(MemoryKv::default());
    let id = Document::from_plain_text(DEFAULT_ARTICLE).id().to_owned();
    kv.set(&store::doc_key(&id), "{ garbage").unwrap();
    let mut m = boot(&kv);
    let alert = m
        .alerts()
        .iter()
        .find(|a| a.kind == AlertKind::Error)
        .expect("an alert");
    let backup = alert.backup_key.clone().expect("backup offered");
    assert_eq!(kv.get(&backup).unwrap().as_deref(), Some("{ garbage"));
    // Work goes on, and saving now writes a valid value; the backup stays.
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert!(
        surligneur::format::stored::parse(&kv.get(&store::doc_key(&id)).unwrap().unwrap()).is_ok()
    );
    assert_eq!(kv.get(&backup).unwrap().as_deref(), Some("{ garbage"));
}

#[test]
fn a_value_from_a_newer_version_is_left_untouched() {
    let kv = Rc::new(MemoryKv::default());
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let newer =
        v1::to_json(&doc, &LabelSet::default(), []).replace("\"version\": 2", "\"version\": 9");
    assert!(newer.contains("\"version\": 9"));
    kv.set(&store::doc_key(doc.id()), &newer).unwrap();
    let mut m = boot(&kv);
    assert!(m.alerts().iter().any(|a| a.text.contains("newer")));
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert_eq!(
        kv.get(&store::doc_key(doc.id())).unwrap().as_deref(),
        Some(newer.as_str())
    );
}

fn full() -> KvError {
    KvError::QuotaExceeded
}

#[test]
fn quota_exceeded_keeps_work_in_memory_then_saves_when_possible() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    kv.fail_writes.set(Some(full));
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert!(matches!(m.save_state(), SaveState::Failing(_)));
    assert!(m
        .alerts()
        .iter()
        .any(|a| a.text.contains("not being saved")));
    assert_eq!(m.session().annotations().len(), 1, "nothing dropped");
    add(&mut m, "Thalès", "organisation", "o2");
    kv.fail_writes.set(None);
    m.save_now(t(100));
    assert_eq!(m.save_state(), &SaveState::Saved);
    assert!(m.alerts().iter().any(|a| a.text.contains("works again")));
    assert_eq!(boot(&kv).session().annotations().len(), 2);
}

#[test]
fn import_of_a_bad_file_changes_nothing() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Orange", "organisation", "o1");
    for bad in [&b""[..], b"{", b"\xff\xfe", br#"{"format":"other"}"#] {
        m.import(bad, t(5));
        assert_eq!(m.session().annotations().len(), 1);
    }
    assert_eq!(
        m.alerts()
            .iter()
            .filter(|a| a.kind == AlertKind::Error)
            .count()
            .min(4),
        4
    );
}

fn file_with(ids: &[(&str, &str, &str, i64)]) -> Vec<u8> {
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let anns: Vec<Annotation> = ids
        .iter()
        .map(|&(id, needle, label, modified)| {
            let (start, end) = find(DEFAULT_ARTICLE, needle);
            Annotation {
                created: t(0),
                ..Annotation::at(&doc, id, start, end, label, t(modified)).unwrap()
            }
        })
        .collect();
    v1::to_json(&doc, &LabelSet::default(), anns.iter()).into_bytes()
}

#[test]
fn import_onto_annotations_waits_for_a_choice() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Orange", "organisation", "o1");
    m.import(&file_with(&[("x", "Thalès", "organisation", 10)]), t(5));
    assert!(m.pending_import().is_some());
    assert_eq!(m.session().annotations().len(), 1);
    m.resolve_import(None);
    assert_eq!(m.session().annotations().len(), 1);
    m.import(&file_with(&[("x", "Thalès", "organisation", 10)]), t(5));
    m.resolve_import(Some(ImportMode::Merge));
    assert_eq!(m.session().annotations().len(), 2);
    m.import(&file_with(&[("x", "Thalès", "claim", 20)]), t(5));
    m.resolve_import(Some(ImportMode::Replace));
    let labels: Vec<&str> = m
        .session()
        .annotations()
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert_eq!(labels, vec!["claim"]);
}

#[test]
fn another_tabs_save_is_merged_not_lost() {
    let kv = Rc::new(MemoryKv::default());
    let mut a = boot(&kv);
    let mut b = boot(&kv);
    add(&mut a, "Orange", "organisation", "from-a");
    a.save_now(t(100));
    add(&mut b, "Thalès", "organisation", "from-b");
    let key = store::doc_key(a.doc().id());
    let value = kv.get(&key).unwrap();
    b.external_change(&key, value.as_deref());
    assert_eq!(b.session().annotations().len(), 2);
    b.save_now(t(100));
    let value = kv.get(&key).unwrap();
    a.external_change(&key, value.as_deref());
    assert_eq!(a.session().annotations().len(), 2);
}

#[test]
fn opening_an_article_adds_it_to_the_documents() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    m.open_article("Mon titre\r\n\r\nUn paragraphe 😀.".as_bytes(), t(3));
    assert_eq!(m.doc().title(), "Mon titre");
    assert_eq!(m.doc().text(), "Mon titre\n\nUn paragraphe 😀.");
    assert_eq!(m.docs().len(), 2);
    let default_id = Document::from_plain_text(DEFAULT_ARTICLE).id().to_owned();
    assert!(m.switch_to(&default_id, t(4)));
    assert_eq!(m.doc().id(), default_id);
    m.open_article(b"\xff\xfe\x00", t(5));
    assert_eq!(m.doc().id(), default_id, "binary refused");
}

#[test]
fn export_name_and_content() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Starck", "person", "p");
    let (name, json) = m.export();
    assert_eq!(
        name,
        "patrick-starck-cède-la-présidence-de-cloudwatt.surligneur.json"
    );
    let f = v1::parse_str(&json).unwrap();
    assert_eq!(f.annotations[0].quote, "Starck");
    assert_eq!(slug("  «  »  "), "document");
}

/// Two tabs over one storage: A tagged "Orange" as `a_id`, B "Thalès" as
/// `b_id`, neither saved yet.
fn two_tabs(a_id: &str, b_id: &str) -> (Rc<MemoryKv>, AppModel, AppModel) {
    let kv = Rc::new(MemoryKv::default());
    let mut a = boot(&kv);
    let mut b = boot(&kv);
    add(&mut a, "Orange", "organisation", a_id);
    add(&mut b, "Thalès", "organisation", b_id);
    (kv, a, b)
}

#[test]
fn two_tabs_saving_in_turn_never_erase_each_other() {
    let (kv, mut a, mut b) = two_tabs("from-a", "from-b");
    a.save_now(t(100));
    b.save_now(t(100)); // B never saw A's save event: it merges before writing.
    let stored =
        surligneur::format::stored::parse(&kv.get(&store::doc_key(a.doc().id())).unwrap().unwrap())
            .unwrap()
            .file;
    let mut ids: Vec<&str> = stored.annotations.iter().map(|x| x.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["from-a", "from-b"]);
    // A's later save keeps B's work too, and a newer edit wins.
    assert!(a.apply(Action::Relabel {
        id: "from-a".into(),
        label: "claim".into(),
        now: t(50)
    }));
    a.save_now(t(100));
    let stored =
        surligneur::format::stored::parse(&kv.get(&store::doc_key(a.doc().id())).unwrap().unwrap())
            .unwrap()
            .file;
    assert_eq!(stored.annotations.len(), 2);
    assert_eq!(
        stored
            .annotations
            .iter()
            .find(|x| x.id == "from-a")
            .unwrap()
            .label,
        "claim"
    );
}

#[test]
fn unavailable_storage_never_claims_to_save() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = AppModel::boot(
        kv.clone(),
        Some(KvError::Unavailable("SecurityError".into())),
        t(0),
    );
    assert!(matches!(m.save_state(), SaveState::Unavailable(_)));
    assert!(m
        .alerts()
        .iter()
        .any(|a| a.text.contains("not being saved")));
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert!(matches!(m.save_state(), SaveState::Unavailable(_)));
    assert!(!m.alerts().iter().any(|a| a.text.contains("works again")));
    assert_eq!(m.session().annotations().len(), 1);
}

#[test]
fn a_stored_file_that_parses_but_cannot_load_is_backed_up_first() {
    let kv = Rc::new(MemoryKv::default());
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    // Valid v1, but the only span lies in the blank line between two blocks,
    // which no block can show: the session refuses it.
    let b0 = doc.blocks()[0];
    let a = Annotation::at(&doc, "gap", b0.end, b0.end + 2, "person", t(0)).unwrap();
    let raw = v1::to_json_compact(&doc, &LabelSet::default(), [&a]);
    kv.set(&store::doc_key(doc.id()), &raw).unwrap();
    let mut m = boot(&kv);
    assert_eq!(
        m.views().len(),
        m.doc().blocks().len(),
        "the article is shown"
    );
    if let Some(alert) = m.alerts().iter().find(|x| x.kind == AlertKind::Error) {
        let key = alert.backup_key.clone().expect("a backup");
        assert_eq!(kv.get(&key).unwrap().as_deref(), Some(raw.as_str()));
    } else {
        // The format refused the file itself: it was backed up as unreadable.
        panic!("no alert about the stored value: {:?}", m.alerts());
    }
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert_eq!(store::backups(&*kv).unwrap().len(), 1);
}

#[test]
fn tagging_an_existing_span_again_says_so() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Orange", "organisation", "o1");
    let (start, end) = find(DEFAULT_ARTICLE, "Orange");
    assert!(!m.apply(Action::Add {
        id: "o2".into(),
        start,
        end,
        label: "organisation".into(),
        now: t(2)
    }));
    assert_eq!(m.session().annotations().len(), 1);
    assert!(
        m.alerts()
            .iter()
            .any(|a| a.text == "This text is already tagged as Organisation."),
        "{:?}",
        m.alerts()
    );
}

#[test]
fn an_unreadable_value_is_never_saved_over_without_a_backup_even_if_the_first_backup_failed() {
    let kv = Rc::new(MemoryKv::default());
    let id = Document::from_plain_text(DEFAULT_ARTICLE).id().to_owned();
    kv.set(&store::doc_key(&id), "{ garbage").unwrap();
    kv.fail_writes.set(Some(full)); // the backup at start-up fails
    let mut m = boot(&kv);
    assert!(store::backups(&*kv).unwrap().is_empty());
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    assert_eq!(
        kv.get(&store::doc_key(&id)).unwrap().as_deref(),
        Some("{ garbage")
    );
    kv.fail_writes.set(None); // storage works again: back up, then write
    m.save_now(t(200));
    let backups = store::backups(&*kv).unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(kv.get(&backups[0]).unwrap().as_deref(), Some("{ garbage"));
    assert!(
        surligneur::format::stored::parse(&kv.get(&store::doc_key(&id)).unwrap().unwrap()).is_ok()
    );
    assert!(m
        .alerts()
        .iter()
        .any(|a| a.backup_key.as_deref() == Some(backups[0].as_str())));
}

#[test]
fn a_newer_version_saved_meanwhile_by_another_tab_is_not_overwritten() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Orange", "organisation", "o1");
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let newer =
        v1::to_json(&doc, &LabelSet::default(), []).replace("\"version\": 2", "\"version\": 3");
    kv.set(&store::doc_key(doc.id()), &newer).unwrap();
    m.save_now(t(100));
    assert_eq!(
        kv.get(&store::doc_key(doc.id())).unwrap().as_deref(),
        Some(newer.as_str())
    );
    assert!(matches!(m.save_state(), SaveState::Blocked(_)));
    assert_eq!(
        m.session().annotations().len(),
        1,
        "the work stays in memory"
    );
}

fn stored_of(kv: &MemoryKv, id: &str) -> surligneur::format::stored::Stored {
    surligneur::format::stored::parse(&kv.get(&store::doc_key(id)).unwrap().unwrap()).unwrap()
}

#[test]
fn a_value_stored_by_the_older_version_is_migrated_and_its_old_copy_kept() {
    let kv = Rc::new(MemoryKv::default());
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let (start, end) = find(DEFAULT_ARTICLE, "Patrick Starck");
    let a = Annotation {
        note: "saved by version 1".into(),
        ..Annotation::at(&doc, "old", start, end, "person", t(0)).unwrap()
    };
    // What the previous Surligneur stored: a bare v1 file.
    let old = v1::to_json_compact(&doc, &LabelSet::default(), [&a]);
    kv.set(&store::doc_key(doc.id()), &old).unwrap();
    let m = boot(&kv);
    assert_eq!(m.session().annotations().to_vec(), vec![a.clone()]);
    let now = stored_of(&kv, doc.id());
    assert_eq!(
        now.version,
        surligneur::format::stored::VERSION,
        "written in the new form at once"
    );
    assert_eq!(now.file.annotations, vec![a]);
    let backups = store::backups(&*kv).unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        kv.get(&backups[0]).unwrap().as_deref(),
        Some(old.as_str()),
        "old bytes kept"
    );
    let notice = m
        .alerts()
        .iter()
        .find(|x| x.backup_key.is_some())
        .expect("a notice");
    assert_eq!(notice.kind, AlertKind::Notice);
    assert!(notice.text.contains("upgraded"), "{}", notice.text);
    assert_eq!(m.save_state(), &SaveState::Saved);
    // Migrated once: the next start reads the new form without a notice.
    let again = boot(&kv);
    assert!(again.alerts().is_empty());
    assert_eq!(store::backups(&*kv).unwrap().len(), 1);
}

#[test]
fn a_migration_whose_backup_fails_writes_nothing_yet_and_loses_nothing() {
    let kv = Rc::new(MemoryKv::default());
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let old = v1::to_json_compact(&doc, &LabelSet::default(), []);
    kv.set(&store::doc_key(doc.id()), &old).unwrap();
    kv.fail_writes.set(Some(full));
    let mut m = boot(&kv);
    assert_eq!(
        kv.get(&store::doc_key(doc.id())).unwrap().as_deref(),
        Some(old.as_str())
    );
    assert!(m
        .alerts()
        .iter()
        .any(|x| x.text.contains("older storage version")));
    kv.fail_writes.set(None);
    add(&mut m, "Orange", "organisation", "o1");
    m.save_now(t(100));
    let now = stored_of(&kv, doc.id());
    assert_eq!(now.version, surligneur::format::stored::VERSION);
    assert_eq!(now.file.annotations.len(), 1);
}

#[test]
fn a_deletion_in_one_tab_is_not_undone_by_the_other_tabs_save() {
    let kv = Rc::new(MemoryKv::default());
    let mut a = boot(&kv);
    add(&mut a, "Orange", "organisation", "shared");
    add(&mut a, "Thalès", "organisation", "kept");
    a.save_now(t(100));
    let mut b = boot(&kv); // B opens with both
    assert_eq!(b.session().annotations().len(), 2);
    assert!(a.apply(Action::Delete {
        id: "shared".into()
    }));
    a.save_now(t(200));
    // B never got the storage event and edits something else, then saves:
    // it reconciles with A's value first, so "shared" stays deleted.
    assert!(b.apply(Action::EditNote {
        id: "kept".into(),
        note: "from B".into(),
        now: t(250)
    }));
    b.save_now(t(300));
    let ids: Vec<String> = b
        .session()
        .annotations()
        .iter()
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(ids, ["kept"], "B dropped the deleted annotation");
    let stored = stored_of(&kv, a.doc().id());
    assert_eq!(stored.file.annotations.len(), 1);
    assert_eq!(stored.file.annotations[0].note, "from B");
    assert_eq!(stored.lengths.get("shared"), Some(&2));
    // A hears about B's save: it keeps the deletion and takes the note.
    let raw = kv.get(&store::doc_key(a.doc().id())).unwrap();
    a.external_change(&store::doc_key(a.doc().id()), raw.as_deref());
    let ids: Vec<String> = a
        .session()
        .annotations()
        .iter()
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(ids, ["kept"]);
    assert_eq!(
        a.session().annotations().get("kept").unwrap().note,
        "from B"
    );
    // A reload sees the same.
    let c = boot(&kv);
    assert_eq!(c.session().annotations().len(), 1);
}

#[test]
fn undo_after_another_tabs_change_undoes_only_this_tabs_own_step() {
    let (kv, mut a, mut b) = two_tabs("mine", "theirs");
    b.save_now(t(100));
    let key = store::doc_key(a.doc().id());
    let raw = kv.get(&key).unwrap();
    a.external_change(&key, raw.as_deref());
    assert_eq!(a.session().annotations().len(), 2);
    assert!(a.apply(Action::Undo));
    let ids: Vec<String> = a
        .session()
        .annotations()
        .iter()
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(
        ids,
        ["theirs"],
        "the other tab's work is not this tab's to undo"
    );
    assert!(!a.session().can_undo());
}

#[test]
fn the_same_unreadable_value_met_at_every_start_is_backed_up_once() {
    let kv = Rc::new(MemoryKv::default());
    let id = Document::from_plain_text(DEFAULT_ARTICLE).id().to_owned();
    // Another document, unreadable, and the one open last: it cannot be
    // opened, so it stays as it is and is met again at the next start.
    let other = "0".repeat(64);
    kv.set(&store::doc_key(&other), "{ broken").unwrap();
    store::set_current(&*kv, &other).unwrap();
    for _ in 0..3 {
        let m = boot(&kv);
        assert_eq!(m.doc().id(), id, "falls back to the default article");
        store::set_current(&*kv, &other).unwrap();
    }
    let backups = store::backups(&*kv).unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(kv.get(&backups[0]).unwrap().as_deref(), Some("{ broken"));
    assert_eq!(
        kv.get(&store::doc_key(&other)).unwrap().as_deref(),
        Some("{ broken"),
        "never overwritten"
    );
    // Different bytes are a different backup.
    kv.set(&store::doc_key(&other), "{ broken differently")
        .unwrap();
    boot(&kv);
    assert_eq!(store::backups(&*kv).unwrap().len(), 2);
}

#[test]
fn merging_a_file_with_its_own_labels_unites_the_sets_and_says_what_differed() {
    use surligneur::core::span::Look;
    use surligneur::core::LabelDef;
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Orange", "organisation", "o1");
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let mut labels = LabelSet::default();
    labels.0[0].color = "#000000".into(); // person, recoloured there
    labels.0.push(LabelDef {
        id: "place".into(),
        name: "Place".into(),
        color: "#009e73".into(),
        key: "4".into(),
        look: Look::Fill,
    });
    let (start, end) = find(DEFAULT_ARTICLE, "Thalès");
    let lyon = Annotation::at(&doc, "l1", start, end, "place", t(3)).unwrap();
    let bytes = v1::to_json(&doc, &labels, [&lyon]).into_bytes();
    m.import(&bytes, t(5));
    m.resolve_import(Some(ImportMode::Merge));
    let ids: Vec<&str> = m.session().labels().iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["person", "organisation", "claim", "place"]);
    assert_eq!(m.session().labels().get("person").unwrap().color, "#e69f00");
    assert_eq!(m.session().annotations().get("l1").unwrap().label, "place");
    let texts: Vec<&str> = m.alerts().iter().map(|a| a.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("defines the label “Person” differently")
                && t.contains("this document's definition was kept")),
        "{texts:?}"
    );
    // One undo takes back the annotation and the label it brought.
    assert!(m.apply(Action::Undo));
    assert!(!m.session().labels().contains("place"));
    assert!(m.session().annotations().get("l1").is_none());
    // Saved and restored with the labels.
    assert!(m.apply(Action::Redo));
    m.save_now(t(10));
    let m2 = boot(&kv);
    assert!(m2.session().labels().contains("place"));
}

#[test]
fn a_hand_made_file_is_read_leniently_with_a_notice() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    let (start, end) = find(DEFAULT_ARTICLE, "Patrick Starck");
    let file = serde_json::json!({
        "format": "surligneur", "version": 1,
        "document": { "title": "T", "text": DEFAULT_ARTICLE },
        "annotations": [{ "id": "p", "start": start, "end": end, "label": "person",
            "quote": "Patrick Starck", "note": "", "created": "2026-01-01T00:00:00Z",
            "modified": "2026-01-01T00:00:00Z" }]
    });
    m.import(file.to_string().as_bytes(), t(5));
    let texts: Vec<&str> = m.alerts().iter().map(|a| a.text.as_str()).collect();
    assert!(
        texts.iter().any(|t| t.starts_with(
            "The file lacked the document id (computed from its text) and the labels"
        )),
        "{texts:?}"
    );
    assert!(m.session().annotations().get("p").is_some());
}

// ----- every format through the model -------------------------------------

fn spans_of(m: &AppModel) -> Vec<(usize, usize, String, String)> {
    let mut v: Vec<_> = m
        .session()
        .annotations()
        .iter()
        .map(|a| (a.start, a.end, a.label.clone(), a.note.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_export_format_imports_back_onto_a_fresh_copy_of_the_article() {
    use surligneur::model::ExportFormat;
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Patrick Starck", "person", "p1");
    add(
        &mut m,
        "«\u{a0}Dans le cadre d’un accord tacite avec les actionnaires\u{a0}»",
        "claim",
        "c1",
    );
    add(&mut m, "CloudWatt", "organisation", "o1");
    assert!(m.apply(Action::EditNote {
        id: "p1".into(),
        note: "=HYPERLINK(\"x\") « 😀 »".into(),
        now: t(2)
    }));
    let want = spans_of(&m);
    for f in ExportFormat::ALL {
        let d = m.export_as(f);
        // Deterministic.
        assert_eq!(d.bytes, m.export_as(f).bytes, "{f:?}");
        let fresh = Rc::new(MemoryKv::default());
        let mut other = boot(&fresh);
        other.import_any(&d.name, &d.bytes, t(50));
        let errors: Vec<&str> = other
            .alerts()
            .iter()
            .filter(|a| a.kind == AlertKind::Error)
            .map(|a| a.text.as_str())
            .collect();
        assert!(errors.is_empty(), "{f:?}: {errors:?}");
        let mut got = spans_of(&other);
        if f == ExportFormat::Jsonl
            || f == ExportFormat::Brat
            || f == ExportFormat::W3c
            || f == ExportFormat::Csv
        {
            // Every one of these carries notes too.
            got.sort();
        }
        assert_eq!(got, want, "{f:?} ({})", d.name);
    }
}

#[test]
fn a_bad_file_of_another_format_is_refused_naming_the_format_and_place() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Patrick Starck", "person", "p1");
    let before = spans_of(&m);
    m.import_any(
        "x.csv",
        "\u{feff}id,label,begin\r\nx,person,0\r\n".as_bytes(),
        t(5),
    );
    let last = m.alerts().last().unwrap();
    assert_eq!(last.kind, AlertKind::Error);
    assert!(last.text.contains("CSV"), "{}", last.text);
    assert!(last.text.ends_with("Nothing was changed."), "{}", last.text);
    assert_eq!(spans_of(&m), before);
}

#[test]
fn w3c_annotations_are_placed_by_quote_and_an_absent_quote_is_left_out_not_guessed() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    let anno = |id: &str, exact: &str, prefix: &str, suffix: &str, start: usize| {
        serde_json::json!({
            "@context": "http://www.w3.org/ns/anno.jsonld", "id": format!("urn:uuid:{id}"), "type": "Annotation",
            "body": [{ "type": "TextualBody", "purpose": "tagging", "value": "place" }],
            "target": { "source": "https://example.org/a", "selector": [
                { "type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix },
                { "type": "TextPositionSelector", "start": start, "end": start + exact.chars().count() } ] }
        })
    };
    // A quote that is nowhere in the text: made on another article.
    let file = serde_json::json!([anno("b", "Jean Martin", "", "", 3)]);
    m.import_any("a.jsonld", file.to_string().as_bytes(), t(5));
    let last = &m.alerts().last().unwrap().text;
    assert!(
        last.contains("W3C Web Annotation, [0].target") && last.contains("Nothing was changed"),
        "{last}"
    );
    assert!(m.session().annotations().is_empty());
    // "Patrick Starck" is in the text three times and the file gives no
    // context and a wrong position: it is left out, not put on one of them.
    // 32 code points of context, as W3C exporters (ours, Hypothesis) write.
    let (s, e) = find(DEFAULT_ARTICLE, "Pierre Paperon");
    let ev = surligneur::core::anchor::Evidence::from_text(DEFAULT_ARTICLE, s, e).unwrap();
    let file = serde_json::json!([
        anno("a", &ev.quote, &ev.prefix, &ev.suffix, 9999),
        anno("b", "Patrick Starck", "", "", 9999),
    ]);
    m.import_any("a.jsonld", file.to_string().as_bytes(), t(5));
    let texts: Vec<&str> = m.alerts().iter().map(|a| a.text.as_str()).collect();
    let a = m
        .session()
        .annotations()
        .iter()
        .next()
        .unwrap_or_else(|| panic!("{texts:?}"))
        .clone();
    assert_eq!(a.quote, "Pierre Paperon");
    assert_eq!(a.label, "place");
    assert!(m.session().labels().contains("place"));
    assert_eq!(m.session().annotations().len(), 1);
    let texts: Vec<&str> = m.alerts().iter().map(|a| a.text.as_str()).collect();
    assert!(
        texts.iter().any(
            |t| t.starts_with("1 of the file's 2 annotations could not be placed")
                && t.contains("“Patrick Starck”")
        ),
        "{texts:?}"
    );
}

// ----- revisions -------------------------------------------------------------

#[test]
fn a_new_version_keeps_the_document_and_its_annotations_across_reloads() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    add(&mut m, "Quiz : Connaissez-vous", "claim", "quiz");
    m.save_now(t(10));
    let id = m.session().doc_id().to_owned();
    let new = DEFAULT_ARTICLE
        .replace("Pierre Paperon", "Pierre Papperon")
        .replace(
            "Quiz : Connaissez-vous les sous-traitants des géants de la high-tech ?\n\n",
            "",
        );
    m.revise(new.as_bytes(), "v2.txt", t(20));
    assert_eq!(m.doc().text(), new);
    assert_eq!(m.session().doc_id(), id, "the same document");
    let last = &m.alerts().last().unwrap().text;
    assert!(
        last.starts_with("New version loaded: 0 unchanged, 0 moved, 1 edited, 1 orphaned."),
        "{last}"
    );
    assert_eq!(
        m.session().annotations().get("pp").unwrap().quote,
        "Pierre Papperon"
    );
    assert!(m.session().orphans().contains_key("quiz"));
    assert_eq!(m.views().len(), m.doc().blocks().len());
    m.save_now(t(30));
    // Reload: the new text, the edited mark and the orphan are all there.
    let m2 = boot(&kv);
    assert_eq!(m2.doc().text(), new);
    assert_eq!(m2.session().meta().revisions.len(), 2);
    assert_eq!(m2.session().meta().current().unwrap().source, "v2.txt");
    assert!(m2.session().orphans().contains_key("quiz"));
    assert_eq!(
        m2.session().edited().get("pp").map(String::as_str),
        Some("Pierre Paperon")
    );
    // Undo restores the previous text exactly, and saves it.
    assert!(m.apply(Action::Undo));
    assert_eq!(m.doc().text(), DEFAULT_ARTICLE);
    assert_eq!(
        m.session().annotations().get("pp").unwrap().quote,
        "Pierre Paperon"
    );
    assert!(m.session().orphans().is_empty());
}

#[test]
fn a_bad_new_version_changes_nothing() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    let before = spans_of(&m);
    for (bytes, why) in [
        (&b""[..], "it is empty."),
        (b"  \n ", "it is empty."),
        (b"\xff\xfe", "not valid UTF-8"),
        (b"a\x00b", "NUL bytes"),
    ] {
        m.revise(bytes, "x.txt", t(5));
        let last = &m.alerts().last().unwrap();
        assert_eq!(last.kind, AlertKind::Error);
        assert!(
            last.text.contains(why) && last.text.ends_with("The article was left as it is."),
            "{}",
            last.text
        );
        assert_eq!(m.doc().text(), DEFAULT_ARTICLE);
        assert_eq!(spans_of(&m), before);
    }
    let big = vec![b'a'; 21 * 1024 * 1024];
    m.revise(&big, "big.txt", t(5));
    assert!(m
        .alerts()
        .last()
        .unwrap()
        .text
        .contains("larger than 20 MB"));
}

#[test]
fn a_text_that_shares_almost_nothing_asks_first_and_names_what_would_be_kept() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    add(&mut m, "Orange", "organisation", "o");
    add(&mut m, "Cloudwatt revendique", "claim", "c");
    m.revise(
        "Un tout autre article.\n\nSur Orange seulement.".as_bytes(),
        "other.txt",
        t(5),
    );
    let p = m.pending_revision().expect("asks first");
    // Even “Orange” is in another context there: nothing would be kept.
    assert_eq!((p.kept, p.total), (0, 3));
    assert_eq!(m.doc().text(), DEFAULT_ARTICLE);
    m.resolve_revision(false);
    assert_eq!(m.doc().text(), DEFAULT_ARTICLE);
    assert_eq!(m.session().annotations().len(), 3);
    m.revise(
        "Un tout autre article.\n\nSur Orange seulement.".as_bytes(),
        "other.txt",
        t(5),
    );
    m.resolve_revision(true);
    assert_eq!(m.session().annotations().len(), 0);
    assert_eq!(m.session().orphans().len(), 3);
}

#[test]
fn storage_version_2_is_migrated_to_3_with_its_bytes_kept() {
    let kv = Rc::new(MemoryKv::default());
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let (start, end) = find(DEFAULT_ARTICLE, "Patrick Starck");
    let a = Annotation::at(&doc, "old", start, end, "person", t(0)).unwrap();
    // A version-2 value as the previous build wrote it.
    let v3 =
        surligneur::format::stored::to_json(&doc, &LabelSet::default(), [&a], &Default::default())
            .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&v3).unwrap();
    v["version"] = 2.into();
    v.as_object_mut().unwrap().remove("orphans");
    v.as_object_mut().unwrap().remove("edited");
    v["document"].as_object_mut().unwrap().remove("revisions");
    for l in v["labels"].as_array_mut().unwrap() {
        l.as_object_mut().unwrap().remove("look");
    }
    let old = v.to_string();
    kv.set(&store::doc_key(doc.id()), &old).unwrap();
    let m = boot(&kv);
    assert_eq!(m.session().annotations().to_vec(), vec![a]);
    assert_eq!(
        m.session().doc_id(),
        doc.id(),
        "its id is kept: its first text's hash"
    );
    assert_eq!(stored_of(&kv, doc.id()).version, 3);
    let backups = store::backups(&*kv).unwrap();
    assert_eq!(kv.get(&backups[0]).unwrap().as_deref(), Some(old.as_str()));
    assert!(m
        .alerts()
        .iter()
        .any(|x| x.text.contains("upgraded from storage version 2 to 3")));
}

#[test]
fn an_export_of_an_older_revision_finds_its_document_and_follows_the_words() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    let (old_name, old_export) = m.export();
    let new = format!("Mise à jour.\n\n{DEFAULT_ARTICLE}");
    m.revise(new.as_bytes(), "v2.txt", t(20));
    // A colleague's export, made on the first version with one more tag.
    let doc = Document::from_plain_text(DEFAULT_ARTICLE);
    let (start, end) = find(DEFAULT_ARTICLE, "Cheops Technology");
    let extra = Annotation::at(&doc, "cheops", start, end, "organisation", t(3)).unwrap();
    let mut file = v1::parse_str(&old_export).unwrap();
    file.annotations.push(extra);
    let bytes = v1::to_json(&file.document, &file.labels, file.annotations.iter());
    m.import(bytes.as_bytes(), t(30));
    m.resolve_import(Some(ImportMode::Merge));
    assert!(old_name.ends_with(".surligneur.json"));
    assert_eq!(m.doc().text(), new, "still the current version");
    let cheops = m
        .session()
        .annotations()
        .get("cheops")
        .expect("carried to the new text");
    assert_eq!(cheops.quote, "Cheops Technology");
    assert_eq!(
        m.session().annotations().get("pp").unwrap().quote,
        "Pierre Paperon"
    );
}

#[test]
fn after_a_revision_the_export_has_every_id_once_in_annotations_or_orphans() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    add(&mut m, "Quiz : Connaissez-vous", "claim", "quiz");
    add(&mut m, "Cheops Technology", "organisation", "ch");
    let new = DEFAULT_ARTICLE
        .replace(
            "Quiz : Connaissez-vous les sous-traitants des géants de la high-tech ?\n\n",
            "",
        )
        .replace("\r\n", "\n");
    m.revise(new.replace('\n', "\r\n").as_bytes(), "v2.txt", t(20));
    let (_, json) = m.export();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["document"]["text"],
        serde_json::json!(new),
        "line ends normalised to LF"
    );
    let ids = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (mut live, orphans) = (ids("annotations"), ids("orphans"));
    assert_eq!(orphans, ["quiz"]);
    assert_eq!(
        v["orphans"][0]["quote"],
        serde_json::json!("Quiz : Connaissez-vous")
    );
    assert_eq!(v["orphans"][0]["label"], serde_json::json!("claim"));
    live.sort();
    assert_eq!(live, ["ch", "pp"]);
    // The export reads back whole, orphans and revisions included.
    let f = v1::parse_str(&json).unwrap();
    assert_eq!(f.orphans.len(), 1);
    assert_eq!(f.meta.revisions.len(), 2);
    assert_eq!(f.meta.id, m.session().doc_id());
}

#[test]
fn opening_an_article_like_a_stored_one_asks_new_version_or_separate() {
    let kv = Rc::new(MemoryKv::default());
    let mut m = boot(&kv);
    add(&mut m, "Pierre Paperon", "person", "pp");
    m.save_now(t(5));
    let id = m.session().doc_id().to_owned();
    let corrected = DEFAULT_ARTICLE.replace("Pierre Paperon", "Pierre Papperon");
    // Same title, most words shared: asks.
    m.open_article_from(corrected.as_bytes(), "corrige.txt", t(10));
    let p = m.pending_open().expect("asks");
    assert_eq!(p.title, "Patrick Starck cède la présidence de Cloudwatt");
    assert_eq!(m.doc().text(), DEFAULT_ARTICLE, "nothing opened yet");
    m.resolve_open(Some(true), t(11));
    assert_eq!(m.session().doc_id(), id, "the same document");
    assert_eq!(m.doc().text(), corrected);
    assert_eq!(
        m.session().annotations().get("pp").unwrap().quote,
        "Pierre Papperon"
    );
    // Separate: a new document of its own, the first one untouched.
    let other = corrected.replace("Cloudwatt", "Numergy");
    m.open_article_from(other.as_bytes(), "autre.txt", t(20));
    assert!(m.pending_open().is_some());
    m.resolve_open(Some(false), t(21));
    assert_ne!(m.session().doc_id(), id);
    assert!(m.session().annotations().is_empty());
    assert_eq!(m.session().meta().current().unwrap().source, "autre.txt");
    // Cancel: nothing changes.
    let before = m.session().doc_id().to_owned();
    let third = corrected.replace("Patrick Starck a annoncé", "Patrick Starck annonce");
    m.open_article_from(third.as_bytes(), "x.txt", t(30));
    assert!(
        m.pending_open().is_some(),
        "same title as the stored article"
    );
    m.resolve_open(None, t(31));
    assert_eq!(m.session().doc_id(), before);
    // An unrelated article opens at once.
    m.open_article_from("Un autre sujet\n\nRien à voir.".as_bytes(), "n.txt", t(40));
    assert!(m.pending_open().is_none());
    assert_eq!(m.doc().title(), "Un autre sujet");
}
