//! brat standoff: zip with NAME.txt and NAME.ann, code-point offsets,
//! fragments at line breaks, notes; import of the zip (as a document) and
//! of a .ann onto the current text, with every offset and text checked.
#![cfg(not(target_arch = "wasm32"))]

use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::brat::{self, zip};
use surligneur::format::interop::{sniff, Foreign, Format, Plan, Snapshot};

const TEXT: &str = "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀 le 29 novembre.\nSa phrase : « le cloud est l’avenir ».\n\nOrange 😀 et SFR restent.\n";

fn span(doc: &Document, needle: &str) -> (usize, usize) {
    let b = doc.text().find(needle).expect("needle in text");
    let s = doc.text()[..b].chars().count();
    (s, s + needle.chars().count())
}

fn fixture() -> (Document, Vec<Annotation>) {
    let doc = Document::new("Cloudwatt ’ 😀", TEXT);
    let mk = |id: &str, needle: &str, label: &str, note: &str| {
        let (s, e) = span(&doc, needle);
        let mut a = Annotation::at(&doc, id, s, e, label, Timestamp(0)).unwrap();
        a.note = note.to_owned();
        a
    };
    let anns = vec![
        mk("a1", "Patrick Starck", "person", ""),
        mk(
            "a2",
            "Cloudwatt ’ 😀",
            "organisation",
            "avec l’emoji\net\tune ligne",
        ),
        mk("a3", "29 novembre.\nSa phrase", "claim", "coupée"),
        mk("a4", "Orange 😀 et SFR", "claim", ""),
        mk("a5", "SFR", "organisation", ""),
        // Across a blank line: two fragments, the blank line dropped.
        mk("a6", "l’avenir ».\n\nOrange", "claim", ""),
    ];
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

fn sorted(anns: &[Annotation]) -> Vec<&Annotation> {
    let mut v: Vec<&Annotation> = anns.iter().collect();
    v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    v
}

fn same_spans(got: &[Foreign], anns: &[Annotation], notes: bool) {
    let want = sorted(anns);
    assert_eq!(got.len(), want.len());
    for (f, a) in got.iter().zip(want) {
        assert_eq!((f.start, f.end), (Some(a.start), Some(a.end)), "{}", a.id);
        assert_eq!(f.label, a.label);
        assert_eq!(f.quote.as_deref(), Some(a.quote.as_str()));
        assert!(f.positions_refer_to_this_text);
        if notes {
            assert_eq!(f.note, a.note.replace(['\n', '\t'], " "));
        }
    }
}

#[test]
fn ann_lines_have_code_point_offsets_fragments_and_notes() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let ann = brat::export_ann(&snap(&doc, &labels, &anns));
    let lines: Vec<&str> = ann.lines().collect();
    assert_eq!(lines[0], "T1\tperson 0 14\tPatrick Starck");
    // 22..35 in code points (the emoji is one); UTF-16 would say 22..36.
    assert_eq!(lines[1], "T2\torganisation 22 35\tCloudwatt ’ 😀");
    let (s, e) = span(&doc, "29 novembre.\nSa phrase");
    let nl = s + "29 novembre.".chars().count();
    assert_eq!(
        lines[2],
        format!("T3\tclaim {s} {nl};{} {e}\t29 novembre. Sa phrase", nl + 1)
    );
    let (s6, e6) = span(&doc, "l’avenir ».\n\nOrange");
    let a = s6 + "l’avenir ».".chars().count();
    assert!(
        ann.contains(&format!(
            "\tclaim {s6} {a};{} {e6}\tl’avenir ». Orange\n",
            a + 2
        )),
        "{ann}"
    );
    assert!(
        ann.contains("#1\tAnnotatorNotes T2\tavec l’emoji et une ligne\n"),
        "{ann}"
    );
    assert!(ann.contains("#2\tAnnotatorNotes T3\tcoupée\n"));
    assert_eq!(ann.lines().count(), 8);
}

#[test]
fn zip_round_trip_opens_the_document_with_its_annotations() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let z = brat::export(&snap(&doc, &labels, &anns));
    assert_eq!(sniff("cloudwatt.zip", &z), Format::Brat);
    let files = zip::read(&z).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["cloudwatt.txt", "cloudwatt.ann"]);
    assert_eq!(files[0].1, TEXT.as_bytes());
    match brat::import(&z, None).unwrap() {
        Plan::Documents { format, docs } => {
            assert_eq!(format, Format::Brat);
            assert_eq!(docs.len(), 1);
            let (title, text, got) = &docs[0];
            assert_eq!(text, TEXT);
            assert_eq!(
                title,
                "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀 le 29 novembre."
            );
            same_spans(got, &anns, true);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_ann_alone_goes_onto_the_current_text() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let ann = brat::export_ann(&snap(&doc, &labels, &anns));
    assert_eq!(sniff("x.ann", ann.as_bytes()), Format::Brat);
    assert_eq!(sniff("x.ann", b""), Format::Brat);
    assert_eq!(sniff("x.txt", b""), Format::Unknown);
    match brat::import(ann.as_bytes(), Some(&doc)).unwrap() {
        Plan::Onto {
            annotations,
            new_labels,
            ..
        } => {
            same_spans(&annotations, &anns, true);
            assert!(new_labels.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let e = brat::import(ann.as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("needs its text"), "{e}");
}

#[test]
fn export_is_deterministic() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let a = brat::export(&snap(&doc, &labels, &anns));
    let mut rev = anns.clone();
    rev.reverse();
    assert_eq!(a, brat::export(&snap(&doc, &labels, &rev)));
}

#[test]
fn a_zip_made_by_another_tool_with_deflate_and_crlf_is_read() {
    // As an OS "compress" would make it: deflated entries in a folder,
    // the text with CR LF line ends (brat offsets count the \r).
    let raw = "Orange\r\net SFR\r\n";
    let ann = "T1\torganisation 0 6\tOrange\nT2\torganisation 11 14\tSFR\nR1\tRel Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T2\tnote\n";
    let deflated = |d: &[u8]| miniz_oxide::deflate::compress_to_vec(d, 6);
    let z = deflate_zip(
        &[
            ("corpus/", b"", false),
            ("corpus/a.txt", raw.as_bytes(), true),
            ("corpus/a.ann", ann.as_bytes(), true),
        ],
        deflated,
    );
    match brat::import(&z, None).unwrap() {
        Plan::Documents { docs, .. } => {
            let (_, text, got) = &docs[0];
            assert_eq!(text, "Orange\net SFR\n");
            assert_eq!((got[1].start, got[1].end), (Some(10), Some(13)));
            assert_eq!(got[1].quote.as_deref(), Some("SFR"));
            assert_eq!(got[1].note, "note");
        }
        other => panic!("{other:?}"),
    }
}

/// A zip with deflated (method 8) entries, written here independently of
/// the crate's writer.
fn deflate_zip(files: &[(&str, &[u8], bool)], deflate: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for (name, data, pack) in files {
        let body = if *pack { deflate(data) } else { data.to_vec() };
        let method: u16 = if *pack { 8 } else { 0 };
        let off = out.len() as u32;
        let crc = zip::crc32(data);
        let mut h = Vec::new();
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, method, 0, 33] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, body.len() as u32, data.len() as u32] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&body);
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, method, 0, 33] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, body.len() as u32, data.len() as u32] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            cd.extend_from_slice(&v.to_le_bytes());
        }
        cd.extend_from_slice(&0u32.to_le_bytes());
        cd.extend_from_slice(&off.to_le_bytes());
        cd.extend_from_slice(name.as_bytes());
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, files.len() as u16, files.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn discontinuous_brat_spans_become_one_annotation_per_fragment() {
    let doc = Document::new("t", "Orange et SFR restent.");
    let ann = "T1\torganisation 0 6;10 13\tOrange SFR\n";
    match brat::import(ann.as_bytes(), Some(&doc)).unwrap() {
        Plan::Onto { annotations, .. } => {
            let spans: Vec<_> = annotations.iter().map(|a| (a.start, a.end)).collect();
            assert_eq!(spans, [(Some(0), Some(6)), (Some(10), Some(13))]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_ann_and_zip_files_are_refused_with_the_line() {
    let doc = Document::new("t", "Orange 😀 et SFR restent.");
    let n = doc.len_chars();
    let cases = [
        ("T1\torganisation 0 6\tOrange\nT2\tperson 120 130\tX\n", format!("brat standoff, line 2: offsets 120..130 are outside the text ({n} characters)")),
        ("T1\torganisation 0 6\tOrangé\n", "brat standoff, line 1: its text \"Orangé\" disagrees with the text at its offsets, \"Orange\"".to_owned()),
        // 😀 is one code point: counting UTF-16 would put SFR at 13..16.
        ("T1\torganisation 13 16\tSFR\n", "line 1: its text \"SFR\" disagrees with the text at its offsets, \"FR \"".to_owned()),
        ("T1\torganisation 6 2\tx\n", "line 1: the offsets 6..2 are empty or reversed".to_owned()),
        ("T1\torganisation a b\tx\n", "line 1: \"a\" is not a whole number".to_owned()),
        ("T1\torganisation 0 6\n", "line 1: a T line needs three tab-separated parts".to_owned()),
        ("T1\torganisation\tOrange\n", "line 1: \"organisation\" has a label but no offsets".to_owned()),
        ("T1\torganisation 0 6\tOrange\nT1\tperson 12 15\tSFR\n", "line 2: the id T1 is used twice".to_owned()),
        ("hello world\n", "line 1: \"hello world\" is not a brat annotation line".to_owned()),
        ("#1\tAnnotatorNotes T9\tnote\n", "line 1: the note is about T9, which is not in the file".to_owned()),
    ];
    for (ann, want) in cases {
        let e = brat::import(ann.as_bytes(), Some(&doc)).unwrap_err();
        assert_eq!(e.format, Format::Brat);
        assert!(
            e.to_string().contains(&want),
            "{ann:?}\n got: {e}\nwant: {want}"
        );
    }
    // A truncated zip, at every length.
    let labels = LabelSet::default();
    let anns = vec![Annotation::at(&doc, "a", 0, 6, "organisation", Timestamp(0)).unwrap()];
    let z = brat::export(&snap(&doc, &labels, &anns));
    for len in 2..z.len() {
        let e = brat::import(&z[..len], None).unwrap_err();
        assert!(e.to_string().starts_with("brat standoff: "), "{len}: {e}");
    }
    assert!(brat::import(&z[..z.len() - 1], None)
        .unwrap_err()
        .to_string()
        .contains("truncated or damaged"));
    // A zip without .ann, and a .ann inside a zip pointing outside its text.
    let e = brat::import(&zip::write(&[("a.txt", b"x")]), None).unwrap_err();
    assert_eq!(e.to_string(), "brat standoff: the zip holds no .ann file");
    let e = brat::import(
        &zip::write(&[("a.txt", b"Orange"), ("a.ann", b"T1\tclaim 0 9\tOrange\n")]),
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "brat standoff, a.ann line 1: offsets 0..9 are outside the text (6 characters)"
    );
}

mod random {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("a"),
                Just("Bé"),
                Just(" "),
                Just("\n"),
                Just("\n\n"),
                Just("\u{a0}"),
                Just("’"),
                Just("😀"),
                Just("e\u{301}"),
                Just("  \n"),
            ],
            1..40,
        )
        .prop_map(|p| p.concat())
    }

    proptest! {
        /// Any span whose ends are not line breaks comes back from the zip
        /// and from the .ann alone with its offsets, label and note.
        #[test]
        fn brat_round_trips_random_spans(t in text(), picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..3, "[a-z\n\t =]{0,5}"), 0..8)) {
            let doc = Document::new("t", &t);
            let n = doc.len_chars();
            let chars: Vec<char> = doc.text().chars().collect();
            let labels_ = ["person", "organisation", "claim"];
            let mut anns = Vec::new();
            for (k, (a, b, l, note)) in picks.iter().enumerate() {
                let (s, e) = { let (x, y) = (a.index(n), b.index(n) + 1); (x.min(y), x.max(y)) };
                if s >= e || chars[s] == '\n' || chars[e - 1] == '\n' { continue; }
                let mut an = Annotation::at(&doc, format!("a{k}"), s, e, labels_[*l], Timestamp(0)).unwrap();
                an.note = note.clone();
                anns.push(an);
            }
            let labels = LabelSet::default();
            let s = snap(&doc, &labels, &anns);
            let Plan::Documents { docs, .. } = brat::import(&brat::export(&s), None).map_err(|e| TestCaseError::fail(e.to_string()))? else {
                return Err(TestCaseError::fail("not documents"));
            };
            prop_assert_eq!(&docs[0].1, doc.text());
            same_spans(&docs[0].2, &anns, true);
            let Plan::Onto { annotations, .. } = brat::import(brat::export_ann(&s).as_bytes(), Some(&doc)).map_err(|e| TestCaseError::fail(e.to_string()))? else {
                return Err(TestCaseError::fail("not onto"));
            };
            same_spans(&annotations, &anns, true);
        }
    }
}
