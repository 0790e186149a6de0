//! Format v1, example by example: the writer's exact output, one test per
//! error kind (path and sentence), leniencies, and the JSON Schema.
//! Properties (round trips, no panics) are in `format_props.rs`.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use surligneur::core::span::Look;
use surligneur::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use surligneur::format::v1::{self, ErrorKind, FormatError};

const SEED: &str = include_str!("../www/default-article.txt");
const MB: usize = 1024 * 1024;

fn t0() -> Timestamp {
    Timestamp::parse("2013-11-29T10:00:00.000Z").unwrap()
}

fn ann(doc: &Document, id: &str, start: usize, end: usize, label: &str) -> Annotation {
    Annotation::at(doc, id, start, end, label, t0()).unwrap()
}

/// The seed article with three annotations. Written in document order:
/// `c` [0, 46) claim, `a` [0, 14) person, `b` [37, 46) organisation.
fn seed_export() -> String {
    let doc = Document::from_plain_text(SEED);
    let anns = [
        ann(&doc, "a", 0, 14, "person"),
        ann(&doc, "b", 37, 46, "organisation"),
        ann(&doc, "c", 0, 46, "claim"),
    ];
    v1::to_json(&doc, &LabelSet::default(), anns.iter())
}

fn valid() -> Value {
    serde_json::from_str(&seed_export()).unwrap()
}

fn parse_value(v: &Value) -> Result<v1::V1File, FormatError> {
    v1::parse(serde_json::to_string_pretty(v).unwrap().as_bytes())
}

fn expect_err(v: &Value) -> FormatError {
    parse_value(v).expect_err("should be refused")
}

/// Navigate `"annotations/2/start"`.
fn at<'v>(v: &'v mut Value, path: &str) -> &'v mut Value {
    v.pointer_mut(&format!("/{path}"))
        .unwrap_or_else(|| panic!("no {path}"))
}

/// The valid file with the value at `path` (a JSON pointer without the
/// leading `/`; the last step may be a new key) replaced.
fn with(path: &str, value: Value) -> Value {
    let mut v = valid();
    let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
    let obj = if parent.is_empty() {
        &mut v
    } else {
        at(&mut v, parent)
    };
    match last.parse::<usize>() {
        Ok(i) => obj[i] = value,
        Err(_) => obj[last] = value,
    }
    v
}

fn without(path: &str) -> Value {
    let mut v = valid();
    let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
    let obj = if parent.is_empty() {
        &mut v
    } else {
        at(&mut v, parent)
    };
    obj.as_object_mut()
        .unwrap()
        .remove(last)
        .expect("field present");
    v
}

/// Path, kind and sentence: one sentence (capital, final full stop, one
/// line) that names the path and contains `words`.
#[track_caller]
fn check(e: FormatError, path: &str, kind: impl Fn(&ErrorKind) -> bool, words: &str) {
    let s = e.to_string();
    assert_eq!(e.path, path, "{s}");
    assert!(kind(&e.kind), "unexpected kind {:?}: {s}", e.kind);
    assert!(s.contains(words), "{s:?} should contain {words:?}");
    assert!(s.ends_with('.') && !s.contains('\n'), "one sentence: {s:?}");
    assert!(s.starts_with(char::is_uppercase), "{s:?}");
    if !path.is_empty() {
        assert!(
            s.contains(&format!("({path})")) || s.contains(&format!("In {path}:")),
            "{s:?} names {path}"
        );
    }
}

// ----- writing -----------------------------------------------------------

#[test]
fn writer_output_is_pinned() {
    let doc = Document::from_plain_text("Titre\n\nUn « test » 😀.");
    let labels = LabelSet(vec![LabelDef {
        id: "person".into(),
        name: "Person".into(),
        color: "#e69f00".into(),
        key: "1".into(),
        look: Look::Fill,
    }]);
    let mut a = ann(&doc, "x", 10, 16, "person");
    a.note = "dit \"oui\"".into();
    a.modified = Timestamp::parse("2013-11-29T11:30:00.5+01:00").unwrap();
    let expected = r##"{
  "format": "surligneur",
  "version": 1,
  "document": {
    "id": "ID",
    "title": "Titre",
    "text": "Titre\n\nUn « test » 😀."
  },
  "labels": [
    {
      "id": "person",
      "name": "Person",
      "color": "#e69f00",
      "key": "1",
      "look": "fill"
    }
  ],
  "annotations": [
    {
      "id": "x",
      "start": 10,
      "end": 16,
      "label": "person",
      "quote": "« test",
      "note": "dit \"oui\"",
      "created": "2013-11-29T10:00:00.000Z",
      "modified": "2013-11-29T10:30:00.500Z"
    }
  ]
}
"##
    .replace("ID", doc.id());
    assert_eq!(v1::to_json(&doc, &labels, [&a]), expected);
}

#[test]
fn seed_export_round_trips_byte_for_byte() {
    let json = seed_export();
    let f = v1::parse_str(&json).unwrap();
    assert_eq!(f.document.text(), SEED);
    assert_eq!(f.document, Document::from_plain_text(SEED));
    assert_eq!(f.labels, LabelSet::default());
    assert_eq!(f.annotations.len(), 3);
    assert_eq!(
        v1::to_json(&f.document, &f.labels, f.annotations.iter()),
        json
    );
    // The compact form is the same file.
    let compact = v1::to_json_compact(&f.document, &f.labels, f.annotations.iter());
    assert!(compact.len() < json.len());
    assert_eq!(v1::parse_str(&compact).unwrap(), f);
}

#[test]
fn annotations_are_written_in_document_order() {
    let doc = Document::from_plain_text(SEED);
    let anns = [
        ann(&doc, "z", 37, 46, "organisation"),
        ann(&doc, "y", 0, 14, "person"),
        ann(&doc, "x", 0, 46, "claim"),
        ann(&doc, "w", 37, 46, "claim"),
    ];
    let f = v1::parse_str(&v1::to_json(&doc, &LabelSet::default(), anns.iter())).unwrap();
    let ids: Vec<&str> = f.annotations.iter().map(|a| a.id.as_str()).collect();
    // By start, longer first, then id.
    assert_eq!(ids, ["x", "y", "w", "z"]);
}

#[test]
fn lenient_where_json_cannot_tell_the_difference() {
    // 1.0 is 1 in JSON (and in the schema); -0 is 0.
    let mut v = with("version", json!(1.0));
    *at(&mut v, "annotations/1/start") = json!(0.0);
    *at(&mut v, "annotations/1/end") = json!(14.0);
    let f = parse_value(&v).unwrap();
    assert_eq!((f.annotations[1].start, f.annotations[1].end), (0, 14));
    let minus_zero =
        serde_json::to_string(&valid())
            .unwrap()
            .replacen("\"start\":0", "\"start\":-0", 1);
    assert!(minus_zero.contains("-0"));
    assert_eq!(v1::parse_str(&minus_zero).unwrap().annotations[0].start, 0);
    // A byte-order mark, and keys in any order.
    let mut bom = "\u{feff}".to_owned();
    bom.push_str(&seed_export());
    assert!(v1::parse_str(&bom).is_ok());
    // Dates with an offset are read and written back in UTC.
    let f = parse_value(&with(
        "annotations/0/created",
        json!("2013-11-29t11:00:00.1234+01:00"),
    ))
    .unwrap();
    assert_eq!(
        f.annotations[0].created.to_rfc3339(),
        "2013-11-29T10:00:00.123Z"
    );
}

#[test]
fn the_first_problem_is_reported() {
    // A bad label comes before a bad annotation, a document id before an
    // annotation, and annotation 1 before annotation 2.
    let mut v = with("labels/0/color", json!("red"));
    *at(&mut v, "annotations/0/end") = json!(9000);
    assert_eq!(expect_err(&v).path, "labels[0].color");
    let mut v = with("document/id", json!("00"));
    *at(&mut v, "annotations/0/end") = json!(9000);
    assert_eq!(expect_err(&v).path, "document.id");
    let mut v = with("annotations/0/label", json!("place"));
    *at(&mut v, "annotations/1/end") = json!(9000);
    assert_eq!(expect_err(&v).path, "annotations[0].label");
    // Foreign detection comes before the format field.
    let v = json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "format": "text/plain"});
    assert!(matches!(expect_err(&v).kind, ErrorKind::Foreign { .. }));
}

// ----- one test per error kind --------------------------------------------

/// Adding an `ErrorKind` variant fails to compile here until it has a test.
#[test]
fn every_error_kind_has_a_test() {
    fn test_name(k: &ErrorKind) -> &'static str {
        match k {
            ErrorKind::Empty => "empty",
            ErrorKind::TooLarge { .. } => "too_large",
            ErrorKind::NotUtf8 => "not_utf8",
            ErrorKind::NotJson { .. } => "not_json",
            ErrorKind::Truncated { .. } => "truncated",
            ErrorKind::TooDeep => "too_deep",
            ErrorKind::NumberTooLarge => "number_too_large",
            ErrorKind::Foreign { .. } => "foreign",
            ErrorKind::WrongFormat { .. } => "wrong_format",
            ErrorKind::NewerVersion { .. } => "newer_version",
            ErrorKind::UnsupportedVersion { .. } => "unsupported_version",
            ErrorKind::MissingField { .. } => "missing_field",
            ErrorKind::UnknownField { .. } => "unknown_field",
            ErrorKind::WrongType { .. } => "wrong_type",
            ErrorKind::NegativeOffset { .. } => "negative_offset",
            ErrorKind::NotAnOffset { .. } => "not_an_offset",
            ErrorKind::OffsetTooLarge { .. } => "offset_too_large",
            ErrorKind::OutOfRange { .. } => "out_of_range",
            ErrorKind::Reversed { .. } => "reversed",
            ErrorKind::EmptySpan => "empty_span",
            ErrorKind::OutsideBlocks { .. } => "outside_blocks",
            ErrorKind::QuoteMismatch { .. } => "quote_mismatch",
            ErrorKind::UnknownLabel { .. } => "unknown_label",
            ErrorKind::DuplicateId { .. } => "duplicate_id",
            ErrorKind::DuplicateSpan { .. } => "duplicate_span",
            ErrorKind::DuplicateLabel { .. } => "duplicate_label",
            ErrorKind::EmptyId => "empty_id",
            ErrorKind::BadColor { .. } => "bad_color",
            ErrorKind::BadKey { .. } => "bad_key",
            ErrorKind::BadLook { .. } => "bad_look",
            ErrorKind::DocumentIdMismatch => "document_id_mismatch",
            ErrorKind::CarriageReturn => "carriage_return",
            ErrorKind::BadTimestamp { .. } => "bad_timestamp",
        }
    }
    assert_eq!(test_name(&ErrorKind::Empty), "empty");
}

#[test]
fn empty() {
    for bytes in [&b""[..], b"  \n\t ", "\u{feff}".as_bytes()] {
        check(
            v1::parse(bytes).unwrap_err(),
            "",
            |k| *k == ErrorKind::Empty,
            "The file is empty.",
        );
    }
}

#[test]
fn too_large() {
    // 21 MB is refused by its size alone, whatever it contains.
    for fill in [b' ', 0xff] {
        let big = vec![fill; 21 * MB];
        check(
            v1::parse(&big).unwrap_err(),
            "",
            |k| {
                *k == ErrorKind::TooLarge {
                    size: 21 * MB,
                    limit: v1::MAX_BYTES,
                }
            },
            "too large (21.0 MB); Surligneur opens files of up to 20 MB.",
        );
    }
    // One byte over never reads as "20.0 MB".
    let big = vec![b' '; v1::MAX_BYTES + 1];
    check(
        v1::parse(&big).unwrap_err(),
        "",
        |k| matches!(k, ErrorKind::TooLarge { .. }),
        "(20.1 MB)",
    );
    // Exactly the limit is read.
    let mut at_limit = seed_export().into_bytes();
    at_limit.resize(v1::MAX_BYTES, b' ');
    assert!(v1::parse(&at_limit).is_ok());
}

#[test]
fn not_utf8() {
    check(
        v1::parse(&[0xff, 0xfe, 0, 1, 2]).unwrap_err(),
        "",
        |k| *k == ErrorKind::NotUtf8,
        "not text",
    );
    // A Latin-1 "é" in an otherwise valid file.
    let mut latin1 = seed_export().into_bytes();
    let i = latin1.iter().position(|&b| b == 0xc3).unwrap();
    latin1.splice(i..i + 2, [0xe9]);
    check(
        v1::parse(&latin1).unwrap_err(),
        "",
        |k| *k == ErrorKind::NotUtf8,
        "UTF-8",
    );
}

#[test]
fn not_json() {
    check(
        v1::parse(b"hello").unwrap_err(),
        "",
        |k| matches!(k, ErrorKind::NotJson { line: 1, column: 1 }),
        "not valid JSON",
    );
    // A missing comma in annotation 1: the path says where too.
    let json = seed_export().replacen("\"end\": 46,", "\"end\": 46", 1);
    let line = 1
        + json
            .lines()
            .position(|l| l.contains("\"end\": 46"))
            .unwrap()
        + 1;
    check(
        v1::parse_str(&json).unwrap_err(),
        "annotations[0]",
        |k| matches!(k, ErrorKind::NotJson { line: l, .. } if *l == line),
        &format!("Annotation 1 (annotations[0]): the file is not valid JSON (the problem is at line {line}, column"),
    );
    // Something after the end.
    let json = seed_export() + "}";
    check(
        v1::parse_str(&json).unwrap_err(),
        "",
        |k| matches!(k, ErrorKind::NotJson { .. }),
        "not valid JSON",
    );
}

#[test]
fn truncated() {
    check(
        v1::parse(b"{\"format\": ").unwrap_err(),
        "format",
        |k| matches!(k, ErrorKind::Truncated { line: 1, .. }),
        "stops in the middle",
    );
    let json = seed_export();
    let half = &json[..json.len() / 2];
    let e = v1::parse_str(half).unwrap_err();
    check(
        e,
        "document.text",
        |k| matches!(k, ErrorKind::Truncated { .. }),
        "probably incomplete",
    );
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    // Half a browser's (wasm's 1 MiB), in a debug build: the depth is
    // bounded (serde_json's limit of 128), not driven by the input.
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn too_deep() {
    const N: usize = 100_000;
    let inputs = [
        "[".repeat(N),
        "[".repeat(N) + &"]".repeat(N),
        "{\"a\":".repeat(N),
        format!(
            "{{\"format\": \"surligneur\", \"version\": 1, \"x\": {}{}}}",
            "[".repeat(N),
            "]".repeat(N)
        ),
    ];
    for input in inputs {
        let e = on_small_stack(move || v1::parse_str(&input).unwrap_err());
        check(e, "", |k| *k == ErrorKind::TooDeep, "too deeply");
    }
    // 100 levels are fine for JSON (and then the shape is wrong).
    let e = v1::parse_str(&("[".repeat(100) + &"]".repeat(100))).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Foreign { .. }), "{e}");
}

#[test]
fn number_too_large() {
    check(
        v1::parse(b"[1e400]").unwrap_err(),
        "[0]",
        |k| *k == ErrorKind::NumberTooLarge,
        "too large to read",
    );
    let json = seed_export().replacen("\"end\": 14,", "\"end\": 1e400,", 1);
    check(
        v1::parse_str(&json).unwrap_err(),
        "annotations[1].end",
        |k| *k == ErrorKind::NumberTooLarge,
        "Annotation 2 (annotations[1].end): the file contains a number too large to read.",
    );
}

#[test]
fn foreign() {
    let foreign = |v: &Value, words: &str| {
        check(
            expect_err(v),
            "",
            |k| matches!(k, ErrorKind::Foreign { .. }),
            words,
        );
    };
    let w3c = json!({"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno1", "type": "Annotation",
        "body": {"type": "TextualBody", "value": "CEO", "format": "text/plain"},
        "target": {"source": "http://example.org/article", "selector": {"type": "TextQuoteSelector", "exact": "Patrick Starck"}}});
    foreign(&w3c, "This is a W3C Web Annotation, not a Surligneur file.");
    foreign(
        &json!([w3c.clone(), w3c.clone()]),
        "This is a list of W3C Web Annotations",
    );
    foreign(
        &json!({"type": "Annotation", "body": "x"}),
        "a W3C Web Annotation",
    );
    foreign(
        &json!({"@context": ["http://www.w3.org/ns/anno.jsonld", {"x": "y"}], "id": "1"}),
        "a W3C Web Annotation",
    );
    foreign(
        &json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "first": {"items": [w3c]}}),
        "a collection of W3C Web Annotations",
    );
    let recogito = json!({"id": "5c1c6b41", "bodies": [], "target": {"annotation": "5c1c6b41",
        "selector": [{"quote": "Cloudwatt", "start": 37, "end": 46}], "created": "2024-01-01T00:00:00Z"}});
    foreign(
        &json!([recogito.clone()]),
        "This is a list of annotations from Recogito or text-annotator",
    );
    foreign(&recogito, "an annotation from Recogito or text-annotator");
    foreign(
        &json!({"name": "x"}),
        "This is JSON from another program, not a Surligneur file.",
    );
    foreign(&json!({}), "JSON from another program");
    foreign(&json!([1, 2]), "a JSON list");
    foreign(&json!("surligneur"), "a single JSON value");
    foreign(&json!(42), "a single JSON value");
}

#[test]
fn wrong_format() {
    check(
        expect_err(&with("format", json!("hypothesis"))),
        "format",
        |k| matches!(k, ErrorKind::WrongFormat { found } if found == "hypothesis"),
        "In format: the format is \"hypothesis\", not \"surligneur\"",
    );
}

#[test]
fn newer_version() {
    for v in [json!(2), json!(2.0)] {
        check(
            expect_err(&with("version", v)),
            "version",
            |k| *k == ErrorKind::NewerVersion { found: 2 },
            "made by a newer Surligneur (format version 2, this one reads version 1), so update Surligneur",
        );
    }
}

#[test]
fn unsupported_version() {
    for (v, shown) in [
        (json!(0), "0"),
        (json!(-1), "-1"),
        (json!(1.5), "1.5"),
        (json!("1"), "\"1\""),
        (Value::Null, "null"),
    ] {
        check(
            expect_err(&with("version", v)),
            "version",
            |k| matches!(k, ErrorKind::UnsupportedVersion { .. }),
            &format!("the format version {shown} does not exist (it should be 1)."),
        );
    }
    let huge = seed_export().replacen("\"version\": 1", "\"version\": 18446744073709551616", 1);
    check(
        v1::parse_str(&huge).unwrap_err(),
        "version",
        |k| matches!(k, ErrorKind::UnsupportedVersion { .. }),
        "18446744073709551616",
    );
}

#[test]
fn missing_field() {
    check(
        expect_err(&without("version")),
        "",
        |k| {
            *k == ErrorKind::MissingField {
                field: "version".into(),
            }
        },
        "The field \"version\" is missing.",
    );
    check(
        expect_err(&without("document/text")),
        "document",
        |k| matches!(k, ErrorKind::MissingField { field } if field == "text"),
        "In document: the field \"text\" is missing.",
    );
    check(
        expect_err(&without("annotations/1/quote")),
        "annotations[1]",
        |k| matches!(k, ErrorKind::MissingField { field } if field == "quote"),
        "Annotation 2 (annotations[1]): the field \"quote\" is missing.",
    );
    check(
        expect_err(&without("labels/2/key")),
        "labels[2]",
        |k| matches!(k, ErrorKind::MissingField { .. }),
        "Label 3 (labels[2]): the field \"key\"",
    );
}

#[test]
fn unknown_field() {
    check(
        expect_err(&with("annotations/0/colour", json!("x"))),
        "annotations[0].colour",
        |k| matches!(k, ErrorKind::UnknownField { field } if field == "colour"),
        "Annotation 1 (annotations[0].colour): the field \"colour\" is not part of the Surligneur format.",
    );
    check(
        expect_err(&with("generator", json!("x"))),
        "generator",
        |k| matches!(k, ErrorKind::UnknownField { .. }),
        "In generator:",
    );
    // A key with a newline stays on one line in the sentence.
    let e = expect_err(&with("document/a\nb", json!(1)));
    assert_eq!(e.path, "document.a\nb");
    assert!(!e.to_string().contains('\n'), "{e}");
}

#[test]
fn wrong_type() {
    let wrong = |path: &str, v: Value, at: &str, words: &str| {
        check(
            expect_err(&with(path, v)),
            at,
            |k| matches!(k, ErrorKind::WrongType { .. }),
            words,
        );
    };
    wrong(
        "format",
        json!(1),
        "format",
        "In format: the value should be the text \"surligneur\", but it is the number 1.",
    );
    wrong(
        "annotations/0/label",
        json!(3),
        "annotations[0].label",
        "Annotation 1 (annotations[0].label): the value should be text, but it is the number 3.",
    );
    wrong(
        "annotations/0/note",
        Value::Null,
        "annotations[0].note",
        "should be text, but it is null.",
    );
    wrong(
        "annotations/2/start",
        json!("37"),
        "annotations[2].start",
        "the start offset should be a whole number, but it is the text \"37\".",
    );
    wrong(
        "annotations",
        json!({}),
        "annotations",
        "In annotations: the value should be a list, but it is an object.",
    );
    wrong(
        "document",
        json!("text"),
        "document",
        "should be an object, but it is the text \"text\".",
    );
    wrong(
        "labels/1",
        json!(true),
        "labels[1]",
        "Label 2 (labels[1]): the value should be an object, but it is the value true.",
    );
}

#[test]
fn negative_offset() {
    for v in [json!(-3), json!(-3.5), json!(-1e300)] {
        check(
            expect_err(&with("annotations/2/start", v)),
            "annotations[2].start",
            |k| matches!(k, ErrorKind::NegativeOffset { .. }),
            "Annotation 3 (annotations[2].start): the start offset -",
        );
    }
}

#[test]
fn not_an_offset() {
    check(
        expect_err(&with("annotations/2/end", json!(40.5))),
        "annotations[2].end",
        |k| matches!(k, ErrorKind::NotAnOffset { found } if found == "40.5"),
        "the end offset 40.5 is not a whole number of characters.",
    );
}

#[test]
fn offset_too_large() {
    let json = seed_export().replacen("\"end\": 46,", "\"end\": 18446744073709551616,", 1);
    check(
        v1::parse_str(&json).unwrap_err(),
        "annotations[0].end",
        |k| matches!(k, ErrorKind::OffsetTooLarge { .. }),
        "Annotation 1 (annotations[0].end): the end offset 18446744073709551616 is far past the end of the text (2531 characters).",
    );
    check(
        expect_err(&with("annotations/0/start", json!(1e300))),
        "annotations[0].start",
        |k| matches!(k, ErrorKind::OffsetTooLarge { .. }),
        "start offset 1e+300 is far past",
    );
}

#[test]
fn out_of_range() {
    // A fourth annotation, so the path is annotations[3] as in the brief.
    let mut v = valid();
    let mut extra = v["annotations"][2].clone();
    extra["id"] = json!("d");
    extra["end"] = json!(9000);
    v["annotations"].as_array_mut().unwrap().push(extra);
    let e = expect_err(&v);
    check(
        e,
        "annotations[3].end",
        |k| *k == ErrorKind::OutOfRange { offset: 9000, len: 2531 },
        "Annotation 4 (annotations[3].end): the end offset 9000 is past the end of the text (2531 characters).",
    );
    check(
        expect_err(&with("annotations/0/start", json!(2532))),
        "annotations[0].start",
        |k| matches!(k, ErrorKind::OutOfRange { offset: 2532, .. }),
        "start offset 2532 is past the end",
    );
}

#[test]
fn reversed() {
    check(
        expect_err(&with("annotations/2/end", json!(30))),
        "annotations[2].end",
        |k| *k == ErrorKind::Reversed { start: 37, end: 30 },
        "the highlight ends (at 30) before it starts (at 37).",
    );
}

#[test]
fn empty_span() {
    check(
        expect_err(&with("annotations/2/end", json!(37))),
        "annotations[2].end",
        |k| *k == ErrorKind::EmptySpan,
        "the highlight is empty",
    );
}

#[test]
fn outside_blocks() {
    // [46, 48) is the blank line after the title.
    let mut v = with("annotations/2/start", json!(46));
    *at(&mut v, "annotations/2/end") = json!(48);
    *at(&mut v, "annotations/2/quote") = json!("\n\n");
    check(
        expect_err(&v),
        "annotations[2]",
        |k| *k == ErrorKind::OutsideBlocks { start: 46, end: 48 },
        "covers only blank lines between paragraphs",
    );
}

#[test]
fn quote_mismatch() {
    check(
        expect_err(&with("annotations/1/quote", json!("Patrick Stark"))),
        "annotations[1].quote",
        |k| matches!(k, ErrorKind::QuoteMismatch { expected, found } if expected == "Patrick Starck" && found == "Patrick Stark"),
        "the quote \"Patrick Stark\" does not match the text at its offsets, which is \"Patrick Starck\".",
    );
}

#[test]
fn unknown_label() {
    check(
        expect_err(&with("annotations/0/label", json!("place"))),
        "annotations[0].label",
        |k| matches!(k, ErrorKind::UnknownLabel { .. }),
        "the label \"place\" is not one of the file's labels.",
    );
}

#[test]
fn duplicate_id() {
    check(
        expect_err(&with("annotations/2/id", json!("c"))),
        "annotations[2].id",
        |k| {
            *k == ErrorKind::DuplicateId {
                id: "c".into(),
                first: 0,
            }
        },
        "Annotation 3 (annotations[2].id): the id \"c\" is already used by annotation 1.",
    );
}

#[test]
fn duplicate_span() {
    let mut v = valid();
    let mut copy = v["annotations"][1].clone();
    copy["id"] = json!("d");
    copy["note"] = json!("same span, same label");
    v["annotations"].as_array_mut().unwrap().push(copy);
    check(
        expect_err(&v),
        "annotations[3]",
        |k| *k == ErrorKind::DuplicateSpan { first: 1 },
        "annotation 2 already highlights the same text with the same label.",
    );
}

#[test]
fn duplicate_label() {
    check(
        expect_err(&with("labels/1/id", json!("person"))),
        "labels[1].id",
        |k| matches!(k, ErrorKind::DuplicateLabel { first: 0, .. }),
        "Label 2 (labels[1].id): the id \"person\" is already used by label 1.",
    );
    check(
        expect_err(&with("labels/2/key", json!("1"))),
        "labels[2].key",
        |k| matches!(k, ErrorKind::DuplicateLabel { first: 0, .. }),
        "the key \"1\" is already used by label 1.",
    );
}

#[test]
fn empty_id() {
    check(
        expect_err(&with("annotations/1/id", json!(""))),
        "annotations[1].id",
        |k| *k == ErrorKind::EmptyId,
        "Annotation 2 (annotations[1].id): the id is empty.",
    );
    check(
        expect_err(&with("labels/0/id", json!(""))),
        "labels[0].id",
        |k| *k == ErrorKind::EmptyId,
        "Label 1 (labels[0].id): the id is empty.",
    );
}

#[test]
fn bad_color() {
    for c in ["orange", "#e69f0", "#e69f0g", "#e69f000", "e69f00"] {
        check(
            expect_err(&with("labels/0/color", json!(c))),
            "labels[0].color",
            |k| matches!(k, ErrorKind::BadColor { .. }),
            "is not of the form #rrggbb",
        );
    }
    assert!(parse_value(&with("labels/0/color", json!("#E69F00"))).is_ok());
}

#[test]
fn bad_key() {
    for key in ["12", "e\u{301}"] {
        check(
            expect_err(&with("labels/0/key", json!(key))),
            "labels[0].key",
            |k| matches!(k, ErrorKind::BadKey { .. }),
            "should be one character (or empty for no key).",
        );
    }
    // No key: the label works from the picker only.
    let keyless = parse_value(&with("labels/0/key", json!(""))).unwrap();
    assert_eq!(keyless.labels.0[0].key, "");
    assert!(parse_value(&with("labels/0/key", json!("é"))).is_ok());
    assert!(parse_value(&with("labels/0/key", json!("😀"))).is_ok());
}

#[test]
fn bad_look() {
    check(
        expect_err(&with("labels/0/look", json!("bold"))),
        "labels[0].look",
        |k| matches!(k, ErrorKind::BadLook { .. }),
        "should be \"fill\" or \"underline\".",
    );
    // Absent: claims are underlined, the rest filled.
    let f = parse_value(&valid()).unwrap();
    let looks: Vec<Look> = f.labels.iter().map(|l| l.look).collect();
    assert_eq!(looks, [Look::Fill, Look::Fill, Look::Underline]);
    let f = parse_value(&with("labels/0/look", json!("underline"))).unwrap();
    assert_eq!(f.labels.0[0].look, Look::Underline);
}

#[test]
fn document_id_mismatch() {
    check(
        expect_err(&with("document/id", json!("00"))),
        "document.id",
        |k| *k == ErrorKind::DocumentIdMismatch,
        "In document.id: the document id does not match its text",
    );
    // The text edited by hand after export.
    let v = valid();
    let text = v["document"]["text"]
        .as_str()
        .unwrap()
        .replacen("Starck", "Stark", 1);
    check(
        expect_err(&with("document/text", json!(text))),
        "document.id",
        |k| *k == ErrorKind::DocumentIdMismatch,
        "changed after export",
    );
}

#[test]
fn carriage_return() {
    let text = valid()["document"]["text"]
        .as_str()
        .unwrap()
        .replacen('\n', "\r\n", 1);
    check(
        expect_err(&with("document/text", json!(text))),
        "document.text",
        |k| *k == ErrorKind::CarriageReturn,
        "carriage returns",
    );
}

#[test]
fn bad_timestamp() {
    for (field, date) in [
        ("created", "yesterday"),
        ("modified", "2013-11-29 10:00:00Z"),
        ("created", "2013-02-30T10:00:00Z"),
        ("created", "2013-11-29T10:00:00"),
    ] {
        check(
            expect_err(&with(&format!("annotations/1/{field}"), json!(date))),
            &format!("annotations[1].{field}"),
            |k| matches!(k, ErrorKind::BadTimestamp { found } if found == date),
            "is not a date such as 2013-11-29T10:00:00.000Z.",
        );
    }
}

// ----- JSON Schema ---------------------------------------------------------

fn schema_errors(instance: &Value) -> Option<String> {
    let schema: Value = serde_json::from_str(include_str!("../src/format/schema.json")).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("https://surligneur.invalid/schema/v1.json", schema)
        .unwrap();
    let idx = compiler
        .compile("https://surligneur.invalid/schema/v1.json", &mut schemas)
        .unwrap();
    schemas
        .validate(instance, idx)
        .err()
        .map(|e| format!("{e:#}"))
}

#[test]
fn seed_export_validates_against_the_json_schema() {
    let v = valid();
    assert_eq!(v["annotations"].as_array().unwrap().len(), 3);
    assert_eq!(schema_errors(&v), None);
    // Emoji, notes, several labels, an empty document.
    let doc = Document::from_plain_text("Titre 😀\n\nUn « exemple » 🎉 ici.");
    let mut a = ann(&doc, "e", 9, 20, "claim");
    a.note = "à vérifier\n« oui »".into();
    let json = v1::to_json(&doc, &LabelSet::default(), [&a]);
    assert_eq!(schema_errors(&serde_json::from_str(&json).unwrap()), None);
    let empty = v1::to_json(&Document::new("", ""), &LabelSet(vec![]), []);
    assert!(v1::parse_str(&empty).is_ok());
    assert_eq!(schema_errors(&serde_json::from_str(&empty).unwrap()), None);
}

#[test]
fn invalid_files_fail_the_json_schema() {
    let bad = [
        with("annotations/0/start", json!(-1)),
        with("annotations/0/end", json!(1.5)),
        with("annotations/0/end", json!("14")),
        without("annotations/0/note"),
        with("format", json!("other")),
        with("version", json!(2)),
        with("annotations/0/created", json!("yesterday")),
        with("annotations/0/created", json!("2013-11-29 10:00:00Z")),
        with("annotations/0/colour", json!("x")),
        with("generator", json!("x")),
        with("labels/0/color", json!("orange")),
        with("labels/0/key", json!("12")),
        with("labels/0/id", json!("")),
        with("annotations/0/id", json!("")),
        with("document/id", json!("ABC")),
        with("document/text", json!("a\r\nb")),
        json!([]),
    ];
    for v in bad {
        assert!(schema_errors(&v).is_some(), "schema accepts {v}");
        assert!(parse_value(&v).is_err(), "parser accepts {v}");
    }
    assert_eq!(schema_errors(&with("labels/0/key", json!("😀"))), None);
    // What Surligneur writes always has labels; a hand-made file without
    // them is read leniently (see `lenient_hand_made_files`).
    assert!(schema_errors(&without("labels")).is_some());
    assert!(parse_value(&without("labels")).is_ok());
}

#[test]
fn lenient_hand_made_files() {
    use v1::FilledIn;
    // No document id: computed from the text.
    let f = parse_value(&without("document/id")).unwrap();
    assert_eq!(f.filled_in, [FilledIn::DocumentId]);
    assert_eq!(
        f.document.id(),
        parse_value(&valid()).unwrap().document.id()
    );
    // No labels: the three defaults.
    let f = parse_value(&without("labels")).unwrap();
    assert_eq!(f.filled_in, [FilledIn::Labels]);
    assert_eq!(f.labels, LabelSet::default());
    // Labels lacking defaults that annotations use: those are added, after
    // the file's own, without a key another label has.
    let mut v = valid();
    v["labels"] = json!([{ "id": "place", "name": "Place", "color": "#009e73", "key": "3" }]);
    let f = parse_value(&v).unwrap();
    assert_eq!(
        f.filled_in,
        [FilledIn::DefaultLabels(vec![
            "person".into(),
            "organisation".into(),
            "claim".into()
        ])]
    );
    let ids: Vec<(&str, &str)> = f
        .labels
        .iter()
        .map(|l| (l.id.as_str(), l.key.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("place", "3"),
            ("person", "1"),
            ("organisation", "2"),
            ("claim", "")
        ]
    );
    assert_eq!(
        FilledIn::DefaultLabels(vec!["person".into()]).to_string(),
        "the default labels person"
    );
    // Both at once.
    let mut v = without("labels");
    v["document"].as_object_mut().unwrap().remove("id");
    assert_eq!(parse_value(&v).unwrap().filled_in.len(), 2);
    // A file Surligneur wrote needs nothing.
    assert!(parse_value(&valid()).unwrap().filled_in.is_empty());
    // Still refused for a real reason: a label that is not a default.
    let mut v = valid();
    v["labels"] = json!([]);
    v["annotations"][0]["label"] = json!("place");
    assert!(matches!(
        expect_err(&v).kind,
        ErrorKind::UnknownLabel { .. }
    ));
    // A wrong id is still wrong (the text changed after export).
    assert!(matches!(
        expect_err(&with("document/id", json!("00"))).kind,
        ErrorKind::DocumentIdMismatch
    ));
}
