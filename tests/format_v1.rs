//! Format v1: every validation error, round trips, schema, and no panics.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::v1::{self, ErrorKind, FormatError};

const SEED: &str = include_str!("../www/default-article.txt");

fn ann(doc: &Document, id: &str, start: usize, end: usize, label: &str) -> Annotation {
    Annotation {
        id: id.into(),
        start,
        end,
        label: label.into(),
        quote: doc.slice(start, end).unwrap().into(),
        note: String::new(),
        created: Timestamp::parse("2013-11-29T10:00:00.000Z").unwrap(),
        modified: Timestamp::parse("2013-11-29T10:00:00.000Z").unwrap(),
    }
}

fn seed_export() -> String {
    let doc = Document::from_plain_text(SEED);
    let anns = [ann(&doc, "a", 0, 14, "person"), ann(&doc, "b", 37, 46, "organisation"), ann(&doc, "c", 0, 46, "claim")];
    v1::to_json(&doc, &LabelSet::default(), anns.iter())
}

fn valid() -> Value {
    serde_json::from_str(&seed_export()).unwrap()
}

fn parse_value(v: &Value) -> Result<v1::V1File, FormatError> {
    v1::parse(serde_json::to_string(v).unwrap().as_bytes())
}

fn expect_err(v: &Value) -> FormatError {
    parse_value(v).expect_err("should be refused")
}

#[test]
fn seed_export_parses_and_round_trips_byte_for_byte() {
    let json = seed_export();
    let f = v1::parse_str(&json).unwrap();
    assert_eq!(f.document.text(), SEED);
    assert_eq!(f.annotations.len(), 3);
    assert_eq!(v1::to_json(&f.document, &f.labels, f.annotations.iter()), json);
    assert!(json.ends_with("}\n"));
    // Compact and pretty are the same file.
    let compact = v1::to_json_compact(&f.document, &f.labels, f.annotations.iter());
    assert_eq!(v1::parse_str(&compact).unwrap(), f);
}

#[test]
fn annotations_are_written_in_document_order() {
    let doc = Document::from_plain_text(SEED);
    let anns = [ann(&doc, "z", 37, 46, "organisation"), ann(&doc, "y", 0, 14, "person"), ann(&doc, "x", 0, 46, "claim")];
    let f = v1::parse_str(&v1::to_json(&doc, &LabelSet::default(), anns.iter())).unwrap();
    let ids: Vec<&str> = f.annotations.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["x", "y", "z"]);
}

fn check(e: FormatError, path: &str, kind: fn(&ErrorKind) -> bool, words: &str) {
    assert_eq!(e.path, path, "{e}");
    assert!(kind(&e.kind), "{:?}", e.kind);
    let s = e.to_string();
    assert!(s.contains(words), "{s:?} should contain {words:?}");
    if !path.is_empty() {
        assert!(s.contains(path), "{s:?} names {path}");
    }
}

#[test]
fn whole_file_errors() {
    check(v1::parse(b"").unwrap_err(), "", |k| *k == ErrorKind::Empty, "empty");
    check(v1::parse(b"  \n ").unwrap_err(), "", |k| *k == ErrorKind::Empty, "empty");
    check(v1::parse(&[0xff, 0xfe, 0, 1, 2]).unwrap_err(), "", |k| *k == ErrorKind::NotUtf8, "not text");
    check(v1::parse(b"{\"format\": ").unwrap_err(), "", |k| matches!(k, ErrorKind::NotJson { line: 1, .. }), "not valid JSON");
    check(v1::parse(b"hello").unwrap_err(), "", |k| matches!(k, ErrorKind::NotJson { .. }), "line 1");
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    check(v1::parse(deep.as_bytes()).unwrap_err(), "", |k| *k == ErrorKind::TooDeep, "too deeply");
    let big = vec![b' '; v1::MAX_BYTES + 1];
    check(v1::parse(&big).unwrap_err(), "", |k| matches!(k, ErrorKind::TooLarge { .. }), "limit is 20 MB");
    check(v1::parse(b"[1e400]").unwrap_err(), "", |k| *k == ErrorKind::NumberTooLarge, "too large");
    check(v1::parse(b"42").unwrap_err(), "", |k| matches!(k, ErrorKind::Foreign { .. }), "not a Surligneur file");
}

#[test]
fn foreign_json_is_recognised_and_named() {
    let w3c = json!({"@context": "http://www.w3.org/ns/anno.jsonld", "id": "x", "type": "Annotation",
        "body": "note", "target": {"source": "http://example.org", "selector": {"type": "TextQuoteSelector", "exact": "Cloudwatt"}}});
    check(expect_err(&w3c), "", |k| matches!(k, ErrorKind::Foreign { what } if what.contains("W3C")), "W3C Web Annotation");
    check(expect_err(&json!([w3c])), "", |k| matches!(k, ErrorKind::Foreign { what } if what.contains("W3C")), "list of W3C");
    let coll = json!({"type": "AnnotationCollection", "items": []});
    check(expect_err(&coll), "", |k| matches!(k, ErrorKind::Foreign { .. }), "collection");
    let recogito = json!([{"id": "1", "target": {"annotation": "1", "selector": [{"quote": "x", "start": 0, "end": 1}]}}]);
    check(expect_err(&recogito), "", |k| matches!(k, ErrorKind::Foreign { .. }), "Recogito");
    check(expect_err(&json!({"name": "x"})), "", |k| matches!(k, ErrorKind::Foreign { .. }), "another program");
}

fn with(path: &[&str], value: Value) -> Value {
    let mut v = valid();
    let mut cur = &mut v;
    for (i, p) in path.iter().enumerate() {
        if i + 1 == path.len() {
            if let Ok(n) = p.parse::<usize>() {
                cur[n] = value.clone();
            } else {
                cur[*p] = value.clone();
            }
            break;
        }
        cur = match p.parse::<usize>() {
            Ok(n) => &mut cur[n],
            Err(_) => &mut cur[*p],
        };
    }
    v
}

fn without(path: &[&str]) -> Value {
    let mut v = valid();
    let (last, parents) = path.split_last().unwrap();
    let mut cur = &mut v;
    for p in parents {
        cur = match p.parse::<usize>() {
            Ok(n) => &mut cur[n],
            Err(_) => &mut cur[*p],
        };
    }
    cur.as_object_mut().unwrap().remove(*last);
    v
}

#[test]
fn envelope_errors() {
    check(expect_err(&with(&["format"], json!("other"))), "format", |k| matches!(k, ErrorKind::WrongFormat { .. }), "not \"surligneur\"");
    check(expect_err(&with(&["format"], json!(1))), "format", |k| matches!(k, ErrorKind::WrongType { .. }), "expected");
    check(expect_err(&with(&["version"], json!(2))), "version", |k| matches!(k, ErrorKind::NewerVersion { found: 2 }), "newer Surligneur");
    for bad in [json!(0), json!(-1), json!(1.5), json!("1")] {
        check(expect_err(&with(&["version"], bad)), "version", |k| matches!(k, ErrorKind::UnsupportedVersion { .. }), "does not exist");
    }
    check(expect_err(&without(&["version"])), "", |k| matches!(k, ErrorKind::MissingField { .. }), "\"version\" is missing");
}

#[test]
fn field_and_type_errors_carry_paths() {
    check(expect_err(&without(&["document", "text"])), "document", |k| matches!(k, ErrorKind::MissingField { field } if field == "text"), "\"text\" is missing");
    check(expect_err(&without(&["annotations", "1", "quote"])), "annotations[1]", |k| matches!(k, ErrorKind::MissingField { .. }), "Annotation 2");
    check(expect_err(&with(&["annotations", "0", "colour"], json!("x"))), "annotations[0].colour", |k| matches!(k, ErrorKind::UnknownField { .. }), "not part of the format");
    check(expect_err(&with(&["annotations", "0", "label"], json!(3))), "annotations[0].label", |k| matches!(k, ErrorKind::WrongType { .. }), "expected");
    check(expect_err(&with(&["annotations"], json!({}))), "annotations", |k| matches!(k, ErrorKind::WrongType { .. }), "expected");
}

#[test]
fn offset_errors() {
    let p = "annotations[2].start";
    check(expect_err(&with(&["annotations", "2", "start"], json!(-3))), p, |k| matches!(k, ErrorKind::NegativeOffset { .. }), "negative");
    check(expect_err(&with(&["annotations", "2", "start"], json!(-3.5))), p, |k| matches!(k, ErrorKind::NegativeOffset { .. }), "negative");
    check(expect_err(&with(&["annotations", "2", "start"], json!(1.5))), p, |k| matches!(k, ErrorKind::NotAnOffset { .. }), "whole number");
    check(expect_err(&with(&["annotations", "2", "start"], json!("3"))), p, |k| matches!(k, ErrorKind::WrongType { .. }), "whole number");
    let huge: Value = serde_json::from_str("18446744073709551616").unwrap();
    check(expect_err(&with(&["annotations", "2", "start"], huge)), p, |k| matches!(k, ErrorKind::NotAnOffset { .. }), "whole number");
    let e = "annotations[2].end";
    check(expect_err(&with(&["annotations", "2", "end"], json!(9000))), e, |k| matches!(k, ErrorKind::OutOfRange { offset: 9000, len: 2531 }), "past the end of the text (2531 characters)");
    check(expect_err(&with(&["annotations", "2", "end"], json!(30))), e, |k| matches!(k, ErrorKind::Reversed { .. }), "before it starts");
    check(expect_err(&with(&["annotations", "2", "end"], json!(37))), e, |k| *k == ErrorKind::EmptySpan, "empty");
    check(expect_err(&with(&["annotations", "2", "start"], json!(9000))), p, |k| matches!(k, ErrorKind::OutOfRange { .. }), "past the end");
}

#[test]
fn content_errors() {
    check(expect_err(&with(&["annotations", "0", "quote"], json!("Patrick Stark"))), "annotations[0].quote", |k| matches!(k, ErrorKind::QuoteMismatch { .. }), "does not match the text");
    check(expect_err(&with(&["annotations", "0", "label"], json!("place"))), "annotations[0].label", |k| matches!(k, ErrorKind::UnknownLabel { .. }), "\"place\" is not defined");
    check(expect_err(&with(&["annotations", "1", "id"], json!("c"))), "annotations[1].id", |k| matches!(k, ErrorKind::DuplicateId { .. }), "used by another annotation");
    check(expect_err(&with(&["annotations", "1", "id"], json!(""))), "annotations[1].id", |k| *k == ErrorKind::EmptyId, "empty");
    check(expect_err(&with(&["annotations", "1", "created"], json!("yesterday"))), "annotations[1].created", |k| matches!(k, ErrorKind::BadTimestamp { .. }), "RFC 3339");
    let mut dup = valid();
    let first = dup["annotations"][1].clone();
    let mut copy = first.clone();
    copy["id"] = json!("d");
    dup["annotations"].as_array_mut().unwrap().push(copy);
    check(expect_err(&dup), "annotations[3]", |k| *k == ErrorKind::DuplicateSpan, "same span and label");
    check(expect_err(&with(&["document", "id"], json!("00"))), "document.id", |k| *k == ErrorKind::DocumentIdMismatch, "does not match its text");
    let mut cr = valid();
    let text = cr["document"]["text"].as_str().unwrap().replacen('\n', "\r\n", 1);
    cr["document"]["text"] = json!(text);
    check(expect_err(&cr), "document.text", |k| *k == ErrorKind::CarriageReturn, "carriage returns");
}

#[test]
fn label_errors() {
    check(expect_err(&with(&["labels", "0", "id"], json!(""))), "labels[0].id", |k| matches!(k, ErrorKind::BadLabel { .. }), "cannot be empty");
    check(expect_err(&with(&["labels", "0", "color"], json!("orange"))), "labels[0].color", |k| matches!(k, ErrorKind::BadLabel { .. }), "#rrggbb");
    check(expect_err(&with(&["labels", "0", "key"], json!("12"))), "labels[0].key", |k| matches!(k, ErrorKind::BadLabel { .. }), "one character");
    check(expect_err(&with(&["labels", "1", "id"], json!("person"))), "labels[1].id", |k| matches!(k, ErrorKind::DuplicateLabel { .. }), "used by two labels");
    check(expect_err(&with(&["labels", "1", "key"], json!("1"))), "labels[1].key", |k| matches!(k, ErrorKind::DuplicateLabel { .. }), "used by two labels");
}

fn schema_validates(instance: &Value) -> bool {
    let schema: Value = serde_json::from_str(include_str!("../src/format/schema.json")).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("schema.json", schema).unwrap();
    let idx = compiler.compile("schema.json", &mut schemas).unwrap();
    schemas.validate(instance, idx).is_ok()
}

#[test]
fn exports_validate_against_the_json_schema() {
    assert!(schema_validates(&valid()));
    // An export with emoji, notes and a note-less file too.
    let doc = Document::from_plain_text("Titre 😀\n\nUn « exemple » 🎉 ici.");
    let mut a = ann(&doc, "e", 9, 20, "claim");
    a.note = "à vérifier".into();
    let json = v1::to_json(&doc, &LabelSet::default(), [&a]);
    assert!(schema_validates(&serde_json::from_str(&json).unwrap()));
    // And the schema is not vacuous.
    assert!(!schema_validates(&with(&["annotations", "0", "start"], json!(-1))));
    assert!(!schema_validates(&without(&["labels"])));
    assert!(!schema_validates(&with(&["format"], json!("other"))));
    assert!(!schema_validates(&with(&["annotations", "0", "created"], json!("yesterday"))));
}

fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("Patrick ".to_string()),
            Just("« Cloudwatt »".to_string()),
            Just("\u{a0}".to_string()),
            Just("’".to_string()),
            Just("😀".to_string()),
            Just("e\u{301}".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            "[a-zé ]{1,8}",
        ],
        1..40,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_is_byte_identical(text in text_strategy(), spans in prop::collection::vec((0usize..400, 1usize..30, 0usize..3), 0..20)) {
        let doc = Document::from_plain_text(&text);
        let len = doc.len_chars();
        let labels = LabelSet::default();
        let mut anns = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, (s, l, lab)) in spans.into_iter().enumerate() {
            if len == 0 { break; }
            let start = s % len;
            let end = (start + l).min(len);
            let label = ["person", "organisation", "claim"][lab];
            if end > start && seen.insert((start, end, label)) {
                let mut a = ann(&doc, &format!("id-{i}"), start, end, label);
                a.note = format!("note {i} 😀");
                anns.push(a);
            }
        }
        let json = v1::to_json(&doc, &labels, anns.iter());
        let parsed = v1::parse_str(&json).unwrap();
        prop_assert_eq!(parsed.document.text(), doc.text());
        prop_assert_eq!(parsed.annotations.len(), anns.len());
        prop_assert_eq!(v1::to_json(&parsed.document, &parsed.labels, parsed.annotations.iter()), json);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = v1::parse(&bytes);
    }

    #[test]
    fn mutated_valid_files_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..6, any::<u8>()), 1..8)) {
        let mut bytes = seed_export().into_bytes();
        for (at, how, b) in edits {
            let i = at.index(bytes.len().max(1));
            match how {
                0 => { if i < bytes.len() { bytes[i] = b; } }
                1 => bytes.insert(i.min(bytes.len()), b),
                2 => { if i < bytes.len() { bytes.remove(i); } }
                3 => bytes = String::from_utf8_lossy(&bytes).replacen("\"start\": 0", "\"start\": -1", 1).into_bytes(),
                4 => bytes = String::from_utf8_lossy(&bytes).replacen("\"end\": 14", "\"end\": 1e400", 1).into_bytes(),
                _ => bytes = String::from_utf8_lossy(&bytes).replacen("\"end\": 46", "\"end\": 18446744073709551616", 1).into_bytes(),
            }
        }
        if let Err(e) = v1::parse(&bytes) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
