//! The stored form (`format::stored`): round trip, the older version read
//! for migration, newer versions recognised, and every broken value
//! refused with a reason.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use serde_json::{json, Value};
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::stored::{self, StoredError};
use surligneur::format::v1;

const SEED: &str = include_str!("../www/default-article.txt");

fn doc() -> Document {
    Document::from_plain_text(SEED)
}

fn starck(d: &Document) -> Annotation {
    Annotation {
        note: "« 😀 »".into(),
        created: Timestamp(1),
        ..Annotation::at(d, "a", 0, 14, "person", Timestamp(2)).unwrap()
    }
}

fn stored_value() -> Value {
    let d = doc();
    let lengths = BTreeMap::from([("gone".to_owned(), 2), ("a".to_owned(), 3)]);
    serde_json::from_str(&stored::to_json(
        &d,
        &LabelSet::default(),
        [&starck(&d)],
        &lengths,
    ))
    .unwrap()
}

fn unreadable(v: &Value) -> String {
    match stored::parse(&v.to_string()) {
        Err(StoredError::Unreadable(why)) => why,
        other => panic!("expected unreadable, got {other:?}"),
    }
}

#[test]
fn the_stored_form_round_trips_with_its_lengths() {
    let d = doc();
    let lengths = BTreeMap::from([("gone".to_owned(), 2), ("a".to_owned(), 3)]);
    let json = stored::to_json(&d, &LabelSet::default(), [&starck(&d)], &lengths);
    assert!(
        json.starts_with(r#"{"format":"surligneur-store","version":2,"#),
        "{json}"
    );
    let s = stored::parse(&json).unwrap();
    assert_eq!(s.version, stored::VERSION);
    assert_eq!(s.lengths, lengths);
    assert_eq!(s.file.annotations, vec![starck(&d)]);
    assert_eq!(s.file.document.id(), d.id());
    // Writing what was read gives the same bytes.
    let again = stored::to_json(
        &s.file.document,
        &s.file.labels,
        &s.file.annotations,
        &s.lengths,
    );
    assert_eq!(again, json);
}

#[test]
fn a_bare_v1_file_is_the_older_stored_version_and_reads_for_migration() {
    let d = doc();
    for json in [
        v1::to_json_compact(&d, &LabelSet::default(), [&starck(&d)]),
        v1::to_json(&d, &LabelSet::default(), [&starck(&d)]),
    ] {
        let s = stored::parse(&json).unwrap();
        assert_eq!(s.version, 1);
        assert!(s.lengths.is_empty());
        assert_eq!(s.file.annotations, vec![starck(&d)]);
    }
}

#[test]
fn newer_versions_are_recognised_in_both_layouts() {
    let mut v = stored_value();
    v["version"] = json!(3);
    assert_eq!(
        stored::parse(&v.to_string()).unwrap_err(),
        StoredError::Newer { found: 3 }
    );
    let message = stored::parse(&v.to_string()).unwrap_err().to_string();
    assert!(message.contains("newer Surligneur"), "{message}");
    let d = doc();
    let mut bare: Value = serde_json::from_str(&v1::to_json_compact(
        &d,
        &LabelSet::default(),
        [&starck(&d)],
    ))
    .unwrap();
    bare["version"] = json!(7);
    assert_eq!(
        stored::parse(&bare.to_string()).unwrap_err(),
        StoredError::Newer { found: 7 }
    );
}

#[test]
fn broken_stored_values_are_refused_with_a_reason() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"format": "surligneur-store", "version": 0, "lengths": {}, "file": {}}),
            "version",
        ),
        (
            json!({"format": "surligneur-store", "version": "2", "lengths": {}, "file": {}}),
            "version",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "lengths": {}}),
            "file",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "file": stored_value()["file"]}),
            "lengths",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "lengths": [], "file": stored_value()["file"]}),
            "lengths",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "lengths": {"x": -1}, "file": stored_value()["file"]}),
            "\"x\"",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "lengths": {"x": 1.5}, "file": stored_value()["file"]}),
            "\"x\"",
        ),
        (
            json!({"format": "surligneur-store", "version": 2, "lengths": {"x": 4_000_000_000u64}, "file": stored_value()["file"]}),
            "\"x\"",
        ),
        (
            json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}),
            "W3C",
        ),
    ];
    for (v, needle) in cases {
        let why = unreadable(&v);
        assert!(
            why.contains(needle),
            "{why:?} should mention {needle:?} for {v}"
        );
    }
    // The file inside is validated as an import is, with its path.
    let mut v = stored_value();
    v["file"]["annotations"][0]["quote"] = json!("Patrick Stark");
    let why = unreadable(&v);
    assert!(
        why.contains("annotations[0]") && why.contains("quote"),
        "{why}"
    );
    // Not JSON at all.
    for raw in ["{ garbage", "", "\u{0}"] {
        assert!(
            matches!(stored::parse(raw), Err(StoredError::Unreadable(_))),
            "{raw:?}"
        );
    }
}
