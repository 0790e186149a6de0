//! W3C Web Annotation export and import: the export passes the Working
//! Group's own MUST assertions (vendored under tests/w3c), round-trips, is
//! deterministic and counts code points; foreign files (text-annotator,
//! lists, pages) are read, and malformed ones refused with a place.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::interop::{sniff, Format, Plan, Snapshot};
use surligneur::format::w3c;

const TEXT: &str = "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀 le 29 novembre.\nSa phrase : « le cloud est l’avenir ».\n\nOrange 😀 et SFR restent.";

fn span(doc: &Document, needle: &str) -> (usize, usize) {
    let b = doc.text().find(needle).expect("needle in text");
    let s = doc.text()[..b].chars().count();
    (s, s + needle.chars().count())
}

fn fixture() -> (Document, Vec<Annotation>) {
    let doc = Document::new("Cloudwatt ’ 😀", TEXT);
    let mk = |id: &str, needle: &str, label: &str, note: &str, t: i64| {
        let (s, e) = span(&doc, needle);
        let mut a = Annotation::at(&doc, id, s, e, label, Timestamp(t)).unwrap();
        a.note = note.to_owned();
        a.modified = Timestamp(t + 1000);
        a
    };
    let anns = vec![
        mk(
            "3f0c2a4e-8a1b-4c2d-9e3f-0123456789ab",
            "Patrick Starck",
            "person",
            "",
            1_385_719_200_000,
        ),
        mk(
            "a2",
            "Cloudwatt ’ 😀",
            "organisation",
            "avec l’emoji\net une ligne",
            1_385_719_300_000,
        ),
        // Crosses a line break and contains NBSP-free French quotes.
        mk(
            "a3",
            "29 novembre.\nSa phrase",
            "claim",
            "",
            1_385_719_400_000,
        ),
        mk("a4", "Orange 😀 et SFR", "claim", "=1+1", 1_385_719_500_000),
        mk("a5", "SFR", "organisation", "", 1_385_719_600_000),
    ];
    (doc, anns)
}

fn snapshot<'a>(doc: &'a Document, labels: &'a LabelSet, anns: &'a [Annotation]) -> Snapshot<'a> {
    Snapshot {
        doc,
        source_url: None,
        labels,
        annotations: anns,
        generator_version: "0.1.0",
    }
}

fn export_value(doc: &Document, anns: &[Annotation]) -> Value {
    let labels = LabelSet::default();
    let bytes = w3c::export(&snapshot(doc, &labels, anns));
    serde_json::from_slice(&bytes).unwrap()
}

// ----- the W3C test material -------------------------------------------------

const BASE: &str = "http://w3c.test/";

/// Every vendored schema file, loaded into one compiler under a flat base
/// (the files' relative ids and $refs assume one folder).
struct Suite {
    schemas: boon::Schemas,
    compiler: boon::Compiler,
}

fn schema_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("tests/w3c")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("samples") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out
}

impl Suite {
    fn new() -> Suite {
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        for p in schema_files() {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let name = p.file_name().unwrap().to_str().unwrap();
            compiler.add_resource(&format!("{BASE}{name}"), v).unwrap();
        }
        Suite {
            schemas: boon::Schemas::new(),
            compiler,
        }
    }

    /// The assertion files a `.test` file lists.
    fn listed(test: &str) -> Vec<String> {
        let t: Value =
            serde_json::from_str(&std::fs::read_to_string(format!("tests/w3c/{test}")).unwrap())
                .unwrap();
        t["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().rsplit('/').next().unwrap().to_owned())
            .collect()
    }

    /// Names of the assertions `instance` fails (every vendored assertion
    /// expects "valid").
    fn failures(&mut self, assertions: &[String], instance: &Value) -> Vec<String> {
        let mut failed = Vec::new();
        for a in assertions {
            let idx = self
                .compiler
                .compile(&format!("{BASE}{a}"), &mut self.schemas)
                .unwrap_or_else(|e| panic!("{a}: {e:#}"));
            if let Err(e) = self.schemas.validate(instance, idx) {
                failed.push(format!("{a}: {e}"));
            }
        }
        failed
    }
}

fn musts() -> Vec<String> {
    Suite::listed("annotations/annotationMusts.test")
}

/// An item of the page as a standalone annotation (the context is given
/// once, on the collection).
fn standalone(item: &Value) -> Value {
    let mut a = item.clone();
    a["@context"] = json!(w3c::CONTEXT);
    a
}

#[test]
fn export_passes_every_w3c_must_assertion() {
    let (doc, anns) = fixture();
    let v = export_value(&doc, &anns);
    let mut suite = Suite::new();
    let collection = Suite::listed("collections/collectionMusts.test");
    let page = Suite::listed("collections/pages/pageMusts.test");
    assert_eq!(collection.len(), 10);
    assert_eq!(page.len(), 15);
    assert!(musts().len() > 50);
    assert_eq!(suite.failures(&collection, &v), Vec::<String>::new());
    assert_eq!(suite.failures(&page, &v), Vec::<String>::new());
    let items = v["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), anns.len());
    for item in items {
        assert_eq!(
            suite.failures(&musts(), &standalone(item)),
            Vec::<String>::new()
        );
    }
}

#[test]
fn export_implements_the_optional_features_it_claims() {
    let (doc, anns) = fixture();
    let v = export_value(&doc, &anns);
    let mut suite = Suite::new();
    let claimed: Vec<String> = [
        "3.3.1-annotationCreatedImplemented.json",
        "3.3.1-annotationModifiedImplemented.json",
        "3.3.1-annotationGeneratorImplemented.json",
        "3.3.5-bodyPurpose.json",
        "3.2.4-bodyETBTypeTextualBody.json",
        "4.2.4-textQuoteSelector.json",
        "4.2.5-textPositionSelector.json",
    ]
    .map(String::from)
    .to_vec();
    for item in v["first"]["items"].as_array().unwrap() {
        assert_eq!(
            suite.failures(&claimed, &standalone(item)),
            Vec::<String>::new()
        );
    }
    let coll = [
        "5.1-collectionFirstImplemented.json",
        "5.1-collectionTotalImplemented.json",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(suite.failures(&coll, &v), Vec::<String>::new());
}

#[test]
fn the_vendored_suite_refuses_bad_annotations() {
    let mut suite = Suite::new();
    let musts = musts();
    // The Working Group's incorrect samples each fail some MUST.
    let mut checked = 0;
    for e in std::fs::read_dir("tests/w3c/tools/samples/incorrect").unwrap() {
        let p = e.unwrap().path();
        let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(&p).unwrap()) else {
            continue; // "this is not json"
        };
        assert!(
            !suite.failures(&musts, &v).is_empty(),
            "{} passed",
            p.display()
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");
    // And so do broken versions of our own export.
    let (doc, anns) = fixture();
    let item = standalone(&export_value(&doc, &anns)["first"]["items"][0]);
    let broken = [
        ("target", Value::Null),
        ("created", json!("29 November 2013")),
        ("id", json!("not an iri")),
        ("@context", json!("http://example.org/other.jsonld")),
    ];
    for (key, value) in broken {
        let mut b = item.clone();
        if value.is_null() {
            b.as_object_mut().unwrap().remove(key);
        } else {
            b[key] = value;
        }
        assert!(
            !suite.failures(&musts, &b).is_empty(),
            "without a valid {key}"
        );
    }
}

#[test]
fn correct_samples_pass_the_musts() {
    let mut suite = Suite::new();
    let musts = musts();
    for n in [1, 2, 3, 10, 20, 41] {
        let name = if n == 41 {
            "anno41-example44".to_owned()
        } else {
            format!("anno{n}")
        };
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("tests/w3c/tools/samples/correct/{name}.json"))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(suite.failures(&musts, &v), Vec::<String>::new(), "{name}");
    }
}

// ----- the shape of the export ----------------------------------------------

#[test]
fn export_shape_selectors_in_code_points_bodies_and_iris() {
    let (doc, anns) = fixture();
    let v = export_value(&doc, &anns);
    assert_eq!(v["@context"], w3c::CONTEXT);
    assert_eq!(v["type"], "AnnotationCollection");
    assert_eq!(v["total"], 5);
    assert_eq!(v["first"]["type"], "AnnotationPage");
    let items = v["first"]["items"].as_array().unwrap();
    let by_id = |id: &str| {
        items
            .iter()
            .find(|i| i["id"] == w3c::annotation_iri(doc.id(), id))
            .unwrap_or_else(|| panic!("{id}"))
    };
    let a1 = by_id("3f0c2a4e-8a1b-4c2d-9e3f-0123456789ab");
    assert_eq!(a1["id"], "urn:uuid:3f0c2a4e-8a1b-4c2d-9e3f-0123456789ab");
    assert_eq!(a1["created"], "2013-11-29T10:00:00.000Z");
    assert_eq!(a1["modified"], "2013-11-29T10:00:01.000Z");
    assert_eq!(a1["generator"]["name"], "Surligneur 0.1.0");
    assert_eq!(a1["target"]["source"], format!("urn:sha256:{}", doc.id()));
    assert_eq!(
        a1["body"],
        json!([{"type": "TextualBody", "purpose": "tagging", "value": "person"}])
    );
    // The emoji annotation: positions in code points, not UTF-16 units.
    let a2 = by_id("a2");
    let (s, e) = span(&doc, "Cloudwatt ’ 😀");
    let sel = a2["target"]["selector"].as_array().unwrap();
    assert_eq!(sel[0]["type"], "TextQuoteSelector");
    assert_eq!(sel[0]["exact"], "Cloudwatt ’ 😀");
    assert_eq!(sel[0]["prefix"], "Patrick Starck quitte\u{a0}");
    assert_eq!(sel[0]["suffix"].as_str().unwrap().chars().count(), 32);
    assert_eq!(
        sel[1],
        json!({"type": "TextPositionSelector", "start": s, "end": e})
    );
    assert_eq!((s, e), (22, 35));
    assert_eq!(
        a2["body"][1],
        json!({"type": "TextualBody", "purpose": "commenting", "value": "avec l’emoji\net une ligne"})
    );
    // After the first emoji, UTF-16 and code points differ by one.
    let (s, _) = span(&doc, "Orange");
    assert_eq!(by_id("a4")["target"]["selector"][1]["start"], s);
    assert_eq!(doc.offsets().char_to_utf16(s), Some(s + 1));
    // A source URL replaces the hash when known.
    let labels = LabelSet::default();
    let mut snap = snapshot(&doc, &labels, &anns);
    snap.source_url = Some("https://example.org/article");
    let v: Value = serde_json::from_slice(&w3c::export(&snap)).unwrap();
    assert_eq!(
        v["first"]["items"][0]["target"]["source"],
        "https://example.org/article"
    );
}

#[test]
fn export_is_deterministic_and_in_document_order() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let a = w3c::export(&snapshot(&doc, &labels, &anns));
    let mut reversed = anns.clone();
    reversed.reverse();
    let b = w3c::export(&snapshot(&doc, &labels, &reversed));
    assert_eq!(a, b);
    assert!(a.ends_with(b"}\n"));
    let v: Value = serde_json::from_slice(&a).unwrap();
    let starts: Vec<u64> = v["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["target"]["selector"][1]["start"].as_u64().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn an_empty_document_exports_an_empty_page() {
    let doc = Document::new("t", "");
    let v = export_value(&doc, &[]);
    assert_eq!(v["total"], 0);
    assert_eq!(v["first"]["items"], json!([]));
    let mut suite = Suite::new();
    let collection = Suite::listed("collections/collectionMusts.test");
    assert_eq!(suite.failures(&collection, &v), Vec::<String>::new());
}

// ----- import ----------------------------------------------------------------

fn onto(plan: Plan) -> (Vec<surligneur::format::interop::Foreign>, Vec<String>) {
    match plan {
        Plan::Onto {
            format,
            annotations,
            new_labels,
        } => {
            assert_eq!(format, Format::W3c);
            (annotations, new_labels)
        }
        other => panic!("expected Onto, got {other:?}"),
    }
}

#[test]
fn round_trip_gives_the_same_spans_labels_notes_ids_and_dates() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let bytes = w3c::export(&snapshot(&doc, &labels, &anns));
    assert_eq!(sniff("x.jsonld", &bytes), Format::W3c);
    let (got, new_labels) = onto(w3c::import(&bytes, Some(&doc)).unwrap());
    assert!(new_labels.is_empty());
    let mut want: Vec<&Annotation> = anns.iter().collect();
    want.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    assert_eq!(got.len(), want.len());
    for (f, a) in got.iter().zip(want) {
        assert_eq!(f.start, Some(a.start), "{}", a.id);
        assert_eq!(f.end, Some(a.end));
        assert_eq!(f.quote.as_deref(), Some(a.quote.as_str()));
        assert_eq!(f.label, a.label);
        assert_eq!(f.note, a.note);
        assert_eq!(f.created, Some(a.created));
        assert_eq!(f.modified, Some(a.modified));
        assert!(!f.positions_refer_to_this_text);
        let (p, s) = (
            f.prefix.as_deref().unwrap_or(""),
            f.suffix.as_deref().unwrap_or(""),
        );
        assert!(doc.text().contains(&format!("{p}{}{s}", a.quote)));
        if a.id.len() == 36 {
            assert_eq!(f.id.as_deref(), Some(a.id.as_str()));
        }
    }
}

/// What @recogito/text-annotator 4.1.1 writes: a list of annotations with
/// plain ids, UTF-16 positions, and a `tagging` body.
fn text_annotator_sample(doc: &Document) -> String {
    let (s, e) = span(doc, "Orange 😀 et SFR");
    let (us, ue) = (
        doc.offsets().char_to_utf16(s).unwrap(),
        doc.offsets().char_to_utf16(e).unwrap(),
    );
    json!([{
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "0f3e5a0e-1f5c-4b8a-9a50-5b4d2d0c1e77",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "organisation"},
            {"type": "TextualBody", "purpose": "commenting", "value": "deux opérateurs"}
        ],
        "creator": {"id": "mailto:someone@example.org"},
        "created": "2026-11-29T10:00:00.000Z",
        "target": {
            "source": "article",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "Orange 😀 et SFR"},
                {"type": "TextPositionSelector", "start": us, "end": ue}
            ]
        }
    }])
    .to_string()
}

#[test]
fn text_annotator_output_is_read_and_its_utf16_hint_converted() {
    let (doc, _) = fixture();
    let raw = text_annotator_sample(&doc);
    assert_eq!(sniff("annotations.json", raw.as_bytes()), Format::W3c);
    let (got, _) = onto(w3c::import(raw.as_bytes(), Some(&doc)).unwrap());
    assert_eq!(got.len(), 1);
    let (s, e) = span(&doc, "Orange 😀 et SFR");
    assert_eq!((got[0].start, got[0].end), (Some(s), Some(e)));
    assert_eq!(got[0].label, "organisation");
    assert_eq!(got[0].note, "deux opérateurs");
    assert_eq!(
        got[0].id.as_deref(),
        Some("0f3e5a0e-1f5c-4b8a-9a50-5b4d2d0c1e77")
    );
    assert_eq!(got[0].created, Timestamp::parse("2026-11-29T10:00:00Z"));
    assert_eq!(got[0].modified, got[0].created);
}

#[test]
fn single_annotations_pages_tags_and_untagged() {
    let (doc, _) = fixture();
    let one = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno1",
        "type": "Annotation",
        "bodyValue": "a comment",
        "target": {"source": "http://example.org/page", "selector": {"type": "TextQuoteSelector", "exact": "SFR"}}
    });
    let (got, new) = onto(w3c::import(one.to_string().as_bytes(), Some(&doc)).unwrap());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].label, w3c::UNTAGGED);
    assert_eq!(got[0].note, "a comment");
    assert_eq!(got[0].id.as_deref(), Some("http://example.org/anno1"));
    assert_eq!((got[0].start, got[0].end), (None, None));
    assert_eq!(new, vec![w3c::UNTAGGED.to_owned()]);

    let tagged = |tags: &[&str]| {
        json!({
            "type": "Annotation",
            "body": tags.iter().map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t})).collect::<Vec<_>>(),
            "target": {"selector": [{"type": "TextQuoteSelector", "exact": "Orange"}]}
        })
    };
    let page = json!({
        "type": "AnnotationPage",
        "items": [tagged(&["person", "Politician"])],
        "next": {"type": "AnnotationPage", "items": [tagged(&["claim"])]}
    });
    let plan = w3c::import(page.to_string().as_bytes(), Some(&doc)).unwrap();
    assert_eq!(
        plan.missing_labels(&LabelSet::default()),
        vec!["Politician".to_owned()]
    );
    let (got, new) = onto(plan);
    let labels: Vec<&str> = got.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["person", "Politician", "claim"]);
    assert_eq!(new, vec!["Politician".to_owned()]);
    // Only the first of several tags keeps the id (ids stay unique).
    assert!(got[1].id.is_none());
}

#[test]
fn tags_naming_a_label_resolve_to_its_id() {
    let (doc, _) = fixture();
    let a = json!([{
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Organisation"}],
        "target": {"selector": {"type": "TextQuoteSelector", "exact": "SFR"}}
    }]);
    let mut plan = w3c::import(a.to_string().as_bytes(), Some(&doc)).unwrap();
    let labels = LabelSet::default();
    assert_eq!(
        plan.missing_labels(&labels),
        vec!["Organisation".to_owned()]
    );
    plan.resolve_labels(&labels);
    assert!(plan.missing_labels(&labels).is_empty());
    assert_eq!(plan.annotations().next().unwrap().label, "organisation");
}

fn refused(raw: &str, doc: Option<&Document>) -> String {
    let e = w3c::import(raw.as_bytes(), doc).expect_err("should be refused");
    assert_eq!(e.format, Format::W3c);
    e.to_string()
}

#[test]
fn malformed_input_is_refused_with_its_place() {
    let (doc, _) = fixture();
    let d = Some(&doc);
    let ann = |target: Value| {
        json!({"@context": w3c::CONTEXT, "type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [
            {"type": "Annotation", "body": [{"type": "TextualBody", "purpose": "tagging", "value": "person"}], "target": target}
        ]}})
        .to_string()
    };
    let cases: Vec<(String, &str)> = vec![
        (
            ann(json!({"source": "x"})),
            "W3C Web Annotation, first.items[0].target: the target has no TextQuoteSelector",
        ),
        (
            ann(json!({"source": "x", "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}})),
            "first.items[0].target: the target has no TextQuoteSelector",
        ),
        (
            ann(json!({"selector": {"type": "TextQuoteSelector", "exact": ""}})),
            "first.items[0].target.selector.exact: the quote selector has no \"exact\"",
        ),
        (
            ann(json!({"selector": [{"type": "TextQuoteSelector", "exact": "SFR"}, {"type": "TextPositionSelector", "start": 5, "end": 2}]})),
            "first.items[0].target.selector[1]: the position 5..2 is empty or reversed",
        ),
        (
            ann(json!({"selector": [{"type": "TextQuoteSelector", "exact": "SFR"}, {"type": "TextPositionSelector", "start": -1, "end": 2}]})),
            "first.items[0].target.selector[1].start: the position's \"start\" is not a whole number",
        ),
        (
            ann(json!({"selector": {"type": "TextQuoteSelector", "exact": "Bouygues Telecom"}})),
            "first.items[0].target: the quote \"Bouygues Telecom\" is nowhere in the current text",
        ),
        (
            json!([{"type": "Annotation", "body": []}]).to_string(),
            "[0]: the annotation has no \"target\"",
        ),
        (
            json!([{"type": "Annotation", "created": "yesterday", "target": {"selector": {"type": "TextQuoteSelector", "exact": "SFR"}}}]).to_string(),
            "[0].created: \"yesterday\" is not a date",
        ),
        (
            json!({"type": "AnnotationCollection", "total": 3, "first": "http://example.org/page1"}).to_string(),
            "first: the collection's page is only a link",
        ),
        (
            json!({"type": "AnnotationPage", "items": 3}).to_string(),
            "items: \"items\" is not a list",
        ),
        ("[{\"type\": \"Annotation\",".to_owned(), "the JSON stops in the middle"),
        ("{\"type\": \"Annotation\" x}".to_owned(), "line 1, column 23: not valid JSON"),
        ("".to_owned(), "W3C Web Annotation: the file is empty"),
        ("42".to_owned(), "expected an annotation"),
    ];
    for (raw, want) in cases {
        let got = refused(&raw, d);
        assert!(got.contains(want), "{raw}\n got: {got}\nwant: {want}");
    }
    // Not UTF-8.
    let e = w3c::import(b"[\xff]", d).unwrap_err();
    assert_eq!(
        e.to_string(),
        "W3C Web Annotation, byte 1: the file is not UTF-8 text"
    );
}

#[test]
fn without_a_current_text_quotes_are_not_checked() {
    let a = json!([{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "elsewhere"}}}]);
    let (got, _) = onto(w3c::import(a.to_string().as_bytes(), None).unwrap());
    assert_eq!(got[0].quote.as_deref(), Some("elsewhere"));
}

#[test]
fn a_quote_laid_out_differently_is_accepted_for_anchoring() {
    let (doc, _) = fixture();
    // The page had a plain space and a line break where our text has NBSP.
    let a = json!([{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "quitte\nCloudwatt"}}}]);
    let (got, _) = onto(w3c::import(a.to_string().as_bytes(), Some(&doc)).unwrap());
    assert_eq!(got.len(), 1);
}

#[test]
fn a_large_export_is_sniffed_by_its_head_and_read_back() {
    let para = "Orange 😀 et SFR\u{a0}restent, dit l’opérateur.\n\n";
    let text = para.repeat(6_000);
    let doc = Document::new("big", &text);
    let per = para.chars().count();
    let anns: Vec<Annotation> = (0..3_000)
        .map(|i| {
            Annotation::at(
                &doc,
                format!("a{i}"),
                i * per * 2,
                i * per * 2 + 6,
                "organisation",
                Timestamp(0),
            )
            .unwrap()
        })
        .collect();
    let labels = LabelSet::default();
    let bytes = w3c::export(&snapshot(&doc, &labels, &anns));
    assert!(bytes.len() > 1024 * 1024, "{}", bytes.len());
    assert_eq!(sniff("big.jsonld", &bytes), Format::W3c);
    let (got, _) = onto(w3c::import(&bytes, Some(&doc)).unwrap());
    assert_eq!(got.len(), 3_000);
    assert_eq!(
        (got[2_999].start, got[2_999].quote.as_deref()),
        (Some(2_999 * per * 2), Some("Orange"))
    );
}

#[test]
fn a_utf16_variant_exists_for_text_annotator() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let v: Value = serde_json::from_slice(&w3c::export_in(
        &snapshot(&doc, &labels, &anns),
        w3c::Units::Utf16,
    ))
    .unwrap();
    let (s, e) = span(&doc, "Orange 😀 et SFR");
    let item = v["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["target"]["selector"][0]["exact"] == "Orange 😀 et SFR")
        .unwrap();
    // One emoji before it, one inside it.
    assert_eq!(
        item["target"]["selector"][1],
        json!({"type": "TextPositionSelector", "start": s + 1, "end": e + 2})
    );
    // And it reads back to code points on the same text.
    let (got, _) = onto(w3c::import(&serde_json::to_vec(&v).unwrap(), Some(&doc)).unwrap());
    let f = got
        .iter()
        .find(|f| f.quote.as_deref() == Some("Orange 😀 et SFR"))
        .unwrap();
    assert_eq!((f.start, f.end), (Some(s), Some(e)));
}
