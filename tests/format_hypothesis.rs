//! Hypothesis import: API rows and the client's export, quotes checked
//! against the current text, positions kept only as hints, replies and page
//! notes left out, malformed rows refused with their path.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use surligneur::core::{Document, Timestamp};
use surligneur::format::hypothesis;
use surligneur::format::interop::{sniff, Foreign, Format, Plan};
use surligneur::format::w3c::UNTAGGED;

const TEXT: &str = "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀.\n\nOrange 😀 et SFR restent.";

fn doc() -> Document {
    Document::new("t", TEXT)
}

fn row(id: &str, exact: &str, tags: &[&str], text: &str, hint: Option<(usize, usize)>) -> Value {
    let mut sel = vec![
        json!({"type": "RangeSelector", "startContainer": "/p[1]", "startOffset": 0, "endContainer": "/p[1]", "endOffset": 3}),
    ];
    if let Some((s, e)) = hint {
        sel.push(json!({"type": "TextPositionSelector", "start": s, "end": e}));
    }
    sel.push(
        json!({"type": "TextQuoteSelector", "exact": exact, "prefix": "", "suffix": " restent"}),
    );
    json!({
        "id": id, "created": "2026-11-29T10:00:00.123456+00:00", "updated": "2026-11-29T11:00:00+01:00",
        "user": "acct:someone@hypothes.is", "uri": "https://example.org/article",
        "text": text, "tags": tags, "group": "__world__", "permissions": {},
        "target": [{"source": "https://example.org/article", "selector": sel}],
        "document": {"title": ["Article"]}, "links": {}, "flagged": false, "hidden": false
    })
}

fn annotations(plan: Plan) -> Vec<Foreign> {
    match plan {
        Plan::Onto {
            format,
            annotations,
            ..
        } => {
            assert_eq!(format, Format::Hypothesis);
            annotations
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn api_rows_become_annotations_with_tags_notes_and_hints() {
    let doc = doc();
    let sfr_s = TEXT.chars().count() - " restent.".chars().count() - 3;
    // Hypothesis counts UTF-16 units: two emoji before SFR.
    let hint = (sfr_s + 2, sfr_s + 5);
    let reply = {
        let mut r = row("r", "SFR", &[], "I agree", None);
        r["references"] = json!(["h1"]);
        r
    };
    let page_note = json!({"id": "p", "uri": "https://example.org/article", "text": "about the page", "tags": [], "target": [{"source": "https://example.org/article"}]});
    let file = json!({"total": 4, "rows": [
        row("h1", "SFR", &["organisation", "telecom"], "**two** words", Some(hint)),
        row("h2", "Orange 😀", &[], "", None),
        reply,
        page_note,
    ]});
    let raw = file.to_string();
    assert_eq!(sniff("hypothesis.json", raw.as_bytes()), Format::Hypothesis);
    let got = annotations(hypothesis::import(raw.as_bytes(), Some(&doc)).unwrap());
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].id.as_deref(), Some("h1"));
    assert_eq!(got[0].label, "organisation");
    assert_eq!(got[1].label, "telecom");
    assert_eq!(got[1].id, None);
    assert_eq!(got[0].note, "**two** words");
    assert_eq!((got[0].start, got[0].end), (Some(sfr_s), Some(sfr_s + 3)));
    assert_eq!(doc.slice(sfr_s, sfr_s + 3), Some("SFR"));
    assert_eq!(got[0].suffix.as_deref(), Some(" restent"));
    assert!(!got[0].positions_refer_to_this_text);
    assert_eq!(got[0].created, Timestamp::parse("2026-11-29T10:00:00.123Z"));
    assert_eq!(got[0].modified, Timestamp::parse("2026-11-29T10:00:00Z"));
    assert_eq!(got[2].label, UNTAGGED);
    assert_eq!((got[2].start, got[2].end), (None, None));
}

#[test]
fn the_client_export_and_bare_lists_are_read() {
    let doc = doc();
    let export = json!({"export_date": "2026-11-29T10:00:00Z", "export_userid": "acct:x@hypothes.is", "client_version": "1.0", "annotations": [row("a", "Cloudwatt", &["organisation"], "", None)]});
    let raw = export.to_string();
    assert_eq!(sniff("x.json", raw.as_bytes()), Format::Hypothesis);
    assert_eq!(
        annotations(hypothesis::import(raw.as_bytes(), Some(&doc)).unwrap()).len(),
        1
    );
    let list = json!([row("a", "Cloudwatt", &[], "", None)]).to_string();
    assert_eq!(sniff("x.json", list.as_bytes()), Format::Hypothesis);
    assert_eq!(
        annotations(hypothesis::import(list.as_bytes(), Some(&doc)).unwrap()).len(),
        1
    );
}

#[test]
fn a_row_whose_quote_is_nowhere_is_refused() {
    let doc = doc();
    let file = json!({"rows": [row("a", "SFR", &[], "", None), row("b", "Bouygues Telecom", &[], "", None)]});
    let e = hypothesis::import(file.to_string().as_bytes(), Some(&doc)).unwrap_err();
    assert_eq!(e.format, Format::Hypothesis);
    assert_eq!(e.place, "rows[1].target[0]");
    assert_eq!(
        e.to_string(),
        "Hypothesis JSON, rows[1].target[0]: the quote \"Bouygues Telecom\" is nowhere in the current text: these annotations were made on another text"
    );
}

#[test]
fn malformed_rows_are_refused_with_their_path() {
    let doc = doc();
    let mut no_quote = row("a", "SFR", &[], "", None);
    no_quote["target"][0]["selector"] = json!([{"type": "RangeSelector"}]);
    let mut bad_tags = row("a", "SFR", &[], "", None);
    bad_tags["tags"] = json!(["ok", 3]);
    let mut bad_date = row("a", "SFR", &[], "", None);
    bad_date["updated"] = json!("2026-13-01");
    let mut bad_target = row("a", "SFR", &[], "", None);
    bad_target["target"] = json!({"source": "x"});
    let cases = [
        (
            json!({"rows": [no_quote]}),
            "rows[0].target: the target has no TextQuoteSelector",
        ),
        (
            json!({"rows": [bad_tags]}),
            "rows[0].tags[1]: the tag is not text",
        ),
        (
            json!({"rows": [bad_date]}),
            "rows[0].updated: \"2026-13-01\" is not a date",
        ),
        (
            json!({"rows": [bad_target]}),
            "rows[0].target: \"target\" is not a list",
        ),
        (json!({"rows": 3}), "rows: \"rows\" is not a list"),
        (json!({"rows": [3]}), "rows[0]: the row is not an object"),
        (json!({"hello": 1}), "expected {\"rows\": […]}"),
    ];
    for (v, want) in cases {
        let got = hypothesis::import(v.to_string().as_bytes(), Some(&doc))
            .unwrap_err()
            .to_string();
        assert!(
            got.starts_with("Hypothesis JSON, ") || got.starts_with("Hypothesis JSON: "),
            "{got}"
        );
        assert!(got.contains(want), "{v}\n got: {got}\nwant: {want}");
    }
    let e = hypothesis::import(b"{\"rows\": [", Some(&doc)).unwrap_err();
    assert!(e.to_string().contains("stops in the middle"), "{e}");
}

#[test]
fn sniff_recognises_each_format_by_content_not_name() {
    use surligneur::core::LabelSet;
    use surligneur::format::v1;
    let doc = doc();
    let v1 = v1::to_json(&doc, &LabelSet::default(), []);
    let cases: Vec<(&str, Vec<u8>, Format)> = vec![
        ("a.json", v1.into_bytes(), Format::Surligneur),
        (
            "a.json",
            br#"{"format": "surligneur-store", "version": 2}"#.to_vec(),
            Format::Surligneur,
        ),
        (
            "a.txt",
            br#"{"rows": [], "total": 0}"#.to_vec(),
            Format::Hypothesis,
        ),
        (
            "a.csv",
            br#"{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}"#.to_vec(),
            Format::W3c,
        ),
        (
            "a.json",
            br#"[{"type": "Annotation", "target": {"selector": []}}]"#.to_vec(),
            Format::W3c,
        ),
        (
            "a.json",
            br#"{"type": "AnnotationCollection""#.to_vec(),
            Format::W3c,
        ),
        ("a.json", br#"{"kind": "other""#.to_vec(), Format::Unknown),
        (
            "a.json",
            b"{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", \"type\": ".to_vec(),
            Format::W3c,
        ),
        (
            "a.json",
            b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n".to_vec(),
            Format::Jsonl,
        ),
        (
            "a.json",
            b"{\"text\": \"a\", \"label\": []}".to_vec(),
            Format::Jsonl,
        ),
        (
            "a.txt",
            b"\xef\xbb\xbfid,label,start,end,quote\r\n".to_vec(),
            Format::Csv,
        ),
        ("a.txt", b"label;start;end\n".to_vec(), Format::Csv),
        ("a.txt", b"T1\tperson 0 3\tabc\n".to_vec(), Format::Brat),
        ("a.zip", b"PK\x05\x06".to_vec(), Format::Brat),
        ("a.ann", b"".to_vec(), Format::Brat),
        ("a.txt", b"Just an article.\n".to_vec(), Format::Unknown),
        ("a.json", b"[1, 2]".to_vec(), Format::Unknown),
        ("a.bin", b"\xff\xfe\x00".to_vec(), Format::Unknown),
    ];
    for (name, bytes, want) in cases {
        assert_eq!(
            sniff(name, &bytes),
            want,
            "{name}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn large_files_are_sniffed_by_their_head() {
    let pad = "x".repeat(1_100_000);
    let big = |head: &str, tail: &str| format!("{head}{pad}{tail}").into_bytes();
    assert_eq!(
        sniff("a", &big(r#"{"total": 3, "rows": [{"note": ""#, r#""}]}"#)),
        Format::Hypothesis
    );
    assert_eq!(
        sniff(
            "a",
            &big(
                r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "label": ""#,
                r#""}"#
            )
        ),
        Format::W3c
    );
    assert_eq!(
        sniff(
            "a",
            &big(
                r#"{"format": "surligneur", "document": {"text": ""#,
                r#""}}"#
            )
        ),
        Format::Surligneur
    );
    assert_eq!(
        sniff("a", &big(r#"{"text": ""#, "\"}\n{\"text\": \"b\"}\n")),
        Format::Jsonl
    );
    assert_eq!(sniff("a", &big(r#"{"other": ""#, r#""}"#)), Format::Unknown);
}
