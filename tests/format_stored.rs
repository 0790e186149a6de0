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
    serde_json::from_str(
        &stored::to_json(&d, &LabelSet::default(), [&starck(&d)], &lengths).unwrap(),
    )
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
    let json = stored::to_json(&d, &LabelSet::default(), [&starck(&d)], &lengths).unwrap();
    assert!(
        json.starts_with(r#"{"format":"surligneur-store","version":3,"#),
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
    )
    .unwrap();
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
    v["version"] = json!(4);
    assert_eq!(
        stored::parse(&v.to_string()).unwrap_err(),
        StoredError::Newer { found: 4 }
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
    let edited = |f: &dyn Fn(&mut Value)| {
        let mut v = stored_value();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"format": "surligneur-store", "version": 0}),
            "version",
        ),
        (
            json!({"format": "surligneur-store", "version": "2"}),
            "version",
        ),
        (
            edited(&|v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("document")
                    .map(drop)
                    .unwrap()
            }),
            "document",
        ),
        (
            edited(&|v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("lengths")
                    .map(drop)
                    .unwrap()
            }),
            "lengths",
        ),
        (edited(&|v| v["lengths"] = json!([])), "lengths"),
        (edited(&|v| v["lengths"] = json!({"x": -1})), "lengths.x"),
        (edited(&|v| v["lengths"] = json!({"x": 1.5})), "lengths.x"),
        (
            edited(&|v| v["lengths"] = json!({"x": 5_000_000_000u64})),
            "lengths.x",
        ),
        (
            edited(&|v| v["lengths"] = json!({"x": 2_000_000_000u64})),
            "\"x\" is too large",
        ),
        (edited(&|v| v["extra"] = json!(1)), "extra"),
        (
            edited(&|v| v["document"]["text"] = json!("Another text")),
            "the last revision's hash is not that of the text",
        ),
        (
            edited(&|v| v["labels"][0]["color"] = json!("red")),
            "labels[0].color",
        ),
        (
            edited(&|v| v["annotations"][0][1] = json!(-3)),
            "annotations[0][1]",
        ),
        (
            edited(&|v| v["annotations"][0][2] = json!(1_000_000)),
            "annotations[0] is outside the text",
        ),
        (
            edited(&|v| v["annotations"][0][2] = json!(0)),
            "annotations[0] is empty",
        ),
        (
            edited(&|v| v["annotations"][0][3] = json!("villain")),
            "annotations[0] has an unknown label",
        ),
        (
            edited(&|v| v["annotations"][0][6] = json!(i64::MAX)),
            "annotations[0] has a date",
        ),
        (
            edited(&|v| v["annotations"][0] = json!(["a", 0, 14])),
            "annotations[0]",
        ),
        (
            edited(&|v| {
                let first = v["annotations"][0].clone();
                v["annotations"].as_array_mut().unwrap().push(first);
            }),
            "annotations[1] has an empty or repeated id",
        ),
        (
            edited(&|v| {
                let mut twin = v["annotations"][0].clone();
                twin[0] = json!("b");
                v["annotations"].as_array_mut().unwrap().push(twin);
            }),
            "annotations[1] repeats the span",
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
    // Not JSON at all.
    for raw in ["{ garbage", "", "\u{0}"] {
        assert!(
            matches!(stored::parse(raw), Err(StoredError::Unreadable(_))),
            "{raw:?}"
        );
    }
}

#[test]
fn the_stored_form_does_not_repeat_quotes_and_is_much_smaller_than_an_export() {
    let d = doc();
    let anns: Vec<Annotation> = (0..40)
        .map(|i| {
            Annotation::at(
                &d,
                format!("{i:036}"),
                2 * i,
                2 * i + 1,
                "person",
                Timestamp(i as i64),
            )
            .unwrap()
        })
        .filter(|a| !a.quote.trim().is_empty())
        .collect();
    let stored = stored::to_json(&d, &LabelSet::default(), &anns, &BTreeMap::new()).unwrap();
    let export = v1::to_json_compact(&d, &LabelSet::default(), &anns);
    let per_annotation = |json: &str| (json.len() - d.text().len()) / anns.len();
    assert!(
        per_annotation(&stored) * 2 < per_annotation(&export),
        "stored {} vs export {} bytes per annotation",
        per_annotation(&stored),
        per_annotation(&export)
    );
    assert!(!stored.contains("\"quote\""));
    assert_eq!(stored::parse(&stored).unwrap().file.annotations, anns);
}

#[test]
fn label_looks_and_keyless_labels_survive_storage() {
    use surligneur::core::span::Look;
    let d = doc();
    let mut labels = LabelSet::default();
    labels.0[0].look = Look::Underline;
    labels.0[1].key = String::new();
    let json = stored::to_json(&d, &labels, [&starck(&d)], &BTreeMap::new()).unwrap();
    assert_eq!(stored::parse(&json).unwrap().file.labels, labels);
    // Written before looks were stored: each label gets its default look.
    let mut v: Value = serde_json::from_str(&json).unwrap();
    for l in v["labels"].as_array_mut().unwrap() {
        l.as_object_mut().unwrap().remove("look");
    }
    let read = stored::parse(&v.to_string()).unwrap().file.labels;
    assert_eq!(read.0[0].look, Look::Fill);
    assert_eq!(read.0[2].look, Look::Underline);
    let mut bad = v.clone();
    bad["labels"][0]["look"] = json!("bold");
    assert_eq!(unreadable(&bad), "labels[0].look is not fill or underline");
}

#[test]
fn version_3_keeps_identity_revisions_orphans_and_marks_and_version_2_still_reads() {
    use surligneur::core::revision::{DocMeta, Orphan, Revision};
    let d = doc();
    let meta = DocMeta {
        id: "stable-1".into(),
        revisions: vec![
            Revision {
                id: "r1".into(),
                sha256: "00".into(),
                loaded: Timestamp(5),
                source: "v1.txt".into(),
            },
            Revision {
                id: "r2".into(),
                sha256: d.id().into(),
                loaded: Timestamp(9),
                source: "pasted".into(),
            },
        ],
    };
    let gone = Orphan {
        annotation: Annotation {
            id: "o".into(),
            quote: "Quiz".into(),
            ..starck(&d)
        },
        prefix: "« a".into(),
        suffix: "b »".into(),
        revision: "r2".into(),
    };
    let marks = BTreeMap::from([("a".to_owned(), "Patrick Stark".to_owned())]);
    let json = stored::write(
        &d,
        &meta,
        &LabelSet::default(),
        [&starck(&d)],
        &BTreeMap::new(),
        [&gone],
        &marks,
    )
    .unwrap();
    let s = stored::parse(&json).unwrap();
    assert_eq!(
        (s.version, &s.meta, &s.orphans, &s.edited),
        (3, &meta, &vec![gone.clone()], &marks)
    );
    // An orphan that is also a live annotation is refused.
    let mut twin = gone.clone();
    twin.annotation.id = "a".into();
    let bad = stored::write(
        &d,
        &meta,
        &LabelSet::default(),
        [&starck(&d)],
        &BTreeMap::new(),
        [&twin],
        &marks,
    )
    .unwrap();
    assert!(unreadable(&serde_json::from_str(&bad).unwrap()).contains("orphans[0] has an empty id"));
    // Version 2 (no revisions): its id is its text's hash, one revision.
    let mut v2 = stored_value();
    v2["version"] = json!(2);
    for k in ["orphans", "edited"] {
        v2.as_object_mut().unwrap().remove(k);
    }
    v2["document"].as_object_mut().unwrap().remove("revisions");
    let s = stored::parse(&v2.to_string()).unwrap();
    assert_eq!(s.version, 2);
    assert_eq!(s.meta, DocMeta::legacy(&d));
    assert_eq!(s.file.annotations, vec![starck(&d)]);
}
