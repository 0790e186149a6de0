//! JSONL in doccano's shape: one document per line, code-point offsets,
//! ids and notes in extra keys; multi-document files open each document.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::interop::{sniff, Format, Plan, Snapshot};
use surligneur::format::jsonl;

const TEXT: &str = "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀.\n\nOrange 😀 et SFR.";

fn fixture() -> (Document, Vec<Annotation>) {
    let doc = Document::new("Cloudwatt", TEXT);
    let mk = |id: &str, s: usize, e: usize, label: &str, note: &str| {
        let mut a = Annotation::at(&doc, id, s, e, label, Timestamp(0)).unwrap();
        a.note = note.to_owned();
        a
    };
    let anns = vec![
        mk("a3", 50, 53, "organisation", ""),
        mk("a1", 0, 14, "person", "le PDG"),
        mk("a2", 22, 35, "organisation", "avec 😀\nsur deux lignes"),
        mk("a4", 0, 35, "claim", ""),
    ];
    assert_eq!(anns[0].quote, "SFR");
    assert_eq!(anns[2].quote, "Cloudwatt ’ 😀");
    (doc, anns)
}

fn snap<'a>(doc: &'a Document, labels: &'a LabelSet, anns: &'a [Annotation]) -> Snapshot<'a> {
    Snapshot {
        doc,
        source_url: None,
        labels,
        annotations: anns,
        generator_version: "0.1.0",
    }
}

#[test]
fn export_is_one_doccano_line_in_code_points() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let bytes = jsonl::export(&snap(&doc, &labels, &anns));
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(bytes.ends_with(b"}\n"));
    assert_eq!(sniff("x.jsonl", &bytes), Format::Jsonl);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["text"], TEXT);
    assert_eq!(
        v["label"],
        json!([
            [0, 35, "claim"],
            [0, 14, "person"],
            [22, 35, "organisation"],
            [50, 53, "organisation"]
        ])
    );
    assert_eq!(v["ids"], json!(["a4", "a1", "a2", "a3"]));
    assert_eq!(v["notes"][2], "avec 😀\nsur deux lignes");
    assert_eq!(v["title"], "Cloudwatt");
    let mut rev = anns.clone();
    rev.reverse();
    assert_eq!(bytes, jsonl::export(&snap(&doc, &labels, &rev)));
}

#[test]
fn round_trip_and_multi_document_files() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let one = jsonl::export(&snap(&doc, &labels, &anns));
    let other = Document::new("Autre", "Une autre dépêche 😀 sur SFR.");
    let o = [Annotation::at(&other, "b1", 24, 27, "organisation", Timestamp(0)).unwrap()];
    let two = jsonl::export(&snap(&other, &labels, &o));
    let file = [one.as_slice(), b"\n", two.as_slice()].concat();
    match jsonl::import(&file, None).unwrap() {
        Plan::Documents { format, docs } => {
            assert_eq!(format, Format::Jsonl);
            assert_eq!(docs.len(), 2);
            let (title, text, got) = &docs[0];
            assert_eq!((title.as_str(), text.as_str()), ("Cloudwatt", TEXT));
            let mut want: Vec<&Annotation> = anns.iter().collect();
            want.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
            for (f, a) in got.iter().zip(want) {
                assert_eq!((f.start, f.end), (Some(a.start), Some(a.end)));
                assert_eq!(f.label, a.label);
                assert_eq!(f.id.as_deref(), Some(a.id.as_str()));
                assert_eq!(f.note, a.note);
                assert_eq!(f.quote.as_deref(), Some(a.quote.as_str()));
                assert!(f.positions_refer_to_this_text);
            }
            assert_eq!(docs[1].2[0].quote.as_deref(), Some("SFR"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn plain_doccano_lines_entities_and_crlf_are_read() {
    let file = concat!(
        r#"{"id": 1, "text": "Orange et SFR", "label": [[0, 6, "ORG"]], "Comments": []}"#,
        "\n",
        r#"{"text": "Orange\r\net SFR", "entities": [{"id": 3, "start_offset": 11, "end_offset": 14, "label": "ORG"}]}"#,
        "\n",
        r#"{"text": "Sans étiquette."}"#,
        "\n"
    );
    assert_eq!(sniff("corpus.jsonl", file.as_bytes()), Format::Jsonl);
    let Plan::Documents { docs, .. } = jsonl::import(file.as_bytes(), None).unwrap() else {
        panic!()
    };
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].0, "Orange et SFR");
    assert_eq!(docs[0].2[0].label, "ORG");
    assert_eq!(docs[1].1, "Orange\net SFR");
    assert_eq!((docs[1].2[0].start, docs[1].2[0].end), (Some(10), Some(13)));
    assert_eq!(docs[1].2[0].quote.as_deref(), Some("SFR"));
    assert!(docs[2].2.is_empty());
}

#[test]
fn malformed_lines_are_refused_with_the_line_and_path() {
    let ok = r#"{"text": "Orange 😀 et SFR", "label": [[0, 6, "ORG"]]}"#;
    let cases = [
        (format!("{ok}\n{{\"text\": \"x\", \"label\": [[0, 9, \"ORG\"]]}}"), "JSONL (doccano), line 2, label[0]: offsets 0..9 are outside the text (1 character)"),
        (format!("{ok}\n{{\"text\": \"Orange\", \"label\": [[4, 2, \"ORG\"]]}}"), "line 2, label[0]: the offsets 4..2 are empty or reversed"),
        (format!("{ok}\n{{\"text\": \"Orange\", \"label\": [[0, 2]]}}"), "line 2, label[0]: not [start, end, label]"),
        (format!("{ok}\n{{\"text\": \"Orange\", \"label\": [[-1, 2, \"X\"]]}}"), "line 2, label[0][0]: not a whole number"),
        (format!("{ok}\n{{\"text\": \"Orange\", \"label\": [[0, 2, \"\"]]}}"), "line 2, label[0][2]: the label is not a non-empty text"),
        (format!("{ok}\n{{\"label\": []}}"), "line 2: the line has no \"text\""),
        (format!("{ok}\n{{\"text\": 3}}"), "line 2, text: \"text\" is not text"),
        (format!("{ok}\n{{\"text\": \"Orange\", \"label\": [[0, 2, \"X\"]], \"ids\": [\"a\", \"b\"]}}"), "line 2, ids: 2 ids for 1 labels"),
        (format!("{ok}\n{{\"text\": \"Ora"), "line 2, column 13: the JSON stops in the middle"),
        (format!("{ok}\n[1, 2]"), "line 2: the line is not a JSON object"),
        ("\n\n".to_owned(), "the file has no document"),
    ];
    for (raw, want) in cases {
        let e = jsonl::import(raw.as_bytes(), None).unwrap_err();
        assert_eq!(e.format, Format::Jsonl);
        assert!(
            e.to_string().contains(want),
            "{raw:?}\n got: {e}\nwant: {want}"
        );
    }
}
