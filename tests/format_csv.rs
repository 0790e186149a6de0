//! CSV: RFC 4180 with a BOM, formula cells neutralised and restored, extra
//! columns, round trip onto the current text, malformed files refused with
//! the row.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
use surligneur::format::csv::{self, Column};
use surligneur::format::interop::{sniff, Foreign, Format, Plan, Snapshot};

const TEXT: &str =
    "Patrick Starck quitte\u{a0}Cloudwatt ’ 😀, \"dit-il\".\n\n-5 % pour Orange 😀 et SFR.";

fn span(doc: &Document, needle: &str) -> (usize, usize) {
    let b = doc.text().find(needle).expect("needle in text");
    let s = doc.text()[..b].chars().count();
    (s, s + needle.chars().count())
}

fn fixture() -> (Document, Vec<Annotation>) {
    let doc = Document::new("t", TEXT);
    let mk = |id: &str, needle: &str, label: &str, note: &str, t: i64| {
        let (s, e) = span(&doc, needle);
        let mut a = Annotation::at(&doc, id, s, e, label, Timestamp(t)).unwrap();
        a.note = note.to_owned();
        a.modified = Timestamp(t + 1);
        a
    };
    let anns = vec![
        mk(
            "a1",
            "Patrick Starck",
            "person",
            "=HYPERLINK(\"http://evil\")",
            1_385_719_200_000,
        ),
        mk(
            "a2",
            "Cloudwatt ’ 😀, \"dit-il\"",
            "claim",
            "two\nlines, and \"quotes\"",
            1_385_719_300_000,
        ),
        mk("a3", "-5 % pour Orange", "claim", "@cmd", 1_385_719_400_000),
        mk(
            "+4",
            "SFR",
            "organisation",
            "'=already quoted",
            1_385_719_500_000,
        ),
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

fn onto(plan: Plan) -> Vec<Foreign> {
    match plan {
        Plan::Onto {
            format,
            annotations,
            ..
        } => {
            assert_eq!(format, Format::Csv);
            annotations
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn export_is_rfc_4180_with_bom_crlf_and_neutralised_formulas() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let bytes = csv::export(&snap(&doc, &labels, &anns));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("\u{feff}id,label,start,end,quote,note,created,modified\r\n"));
    assert_eq!(sniff("x.csv", &bytes), Format::Csv);
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(rows[1], "a1,person,0,14,Patrick Starck,\"'=HYPERLINK(\"\"http://evil\"\")\",2013-11-29T10:00:00.000Z,2013-11-29T10:00:00.001Z");
    // Code points: the emoji and the NBSP count one each.
    let (s, e) = span(&doc, "Cloudwatt ’ 😀, \"dit-il\"");
    assert_eq!((s, e), (22, 45));
    assert!(
        rows[2].starts_with(
            "a2,claim,22,45,\"Cloudwatt ’ 😀, \"\"dit-il\"\"\",\"two\nlines, and \"\"quotes\"\"\","
        ),
        "{}",
        rows[2]
    );
    assert!(text.contains(",'-5 % pour Orange,'@cmd,"), "{text}");
    assert!(text.contains("'+4,organisation,"));
    assert!(text.contains(",SFR,''=already quoted,"));
    assert!(text.ends_with("\r\n"));
    // No cell of any row starts a formula.
    for cell in text.split(['\r', '\n', ',']) {
        let c = cell.trim_start_matches('"');
        assert!(!c.starts_with(['=', '+', '-', '@']), "{cell:?}");
    }
}

#[test]
fn round_trip_restores_every_cell() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let bytes = csv::export(&snap(&doc, &labels, &anns));
    let got = onto(csv::import(&bytes, Some(&doc)).unwrap());
    let mut want: Vec<&Annotation> = anns.iter().collect();
    want.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    assert_eq!(got.len(), want.len());
    for (f, a) in got.iter().zip(want) {
        assert_eq!(f.id.as_deref(), Some(a.id.as_str()));
        assert_eq!((f.start, f.end), (Some(a.start), Some(a.end)));
        assert_eq!(f.label, a.label);
        assert_eq!(f.quote.as_deref(), Some(a.quote.as_str()));
        assert_eq!(f.note, a.note);
        assert_eq!((f.created, f.modified), (Some(a.created), Some(a.modified)));
        assert!(f.positions_refer_to_this_text);
    }
}

#[test]
fn export_is_deterministic() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let a = csv::export(&snap(&doc, &labels, &anns));
    let mut rev = anns.clone();
    rev.reverse();
    assert_eq!(a, csv::export(&snap(&doc, &labels, &rev)));
}

#[test]
fn extra_columns_are_written_after_and_read_back_as_extra() {
    let (doc, anns) = fixture();
    let labels = LabelSet::default();
    let speaker = |a: &Annotation| {
        if a.label == "claim" {
            "Patrick Starck".to_owned()
        } else {
            String::new()
        }
    };
    let verdict = |a: &Annotation| {
        if a.label == "claim" {
            "-false".to_owned()
        } else {
            String::new()
        }
    };
    let bytes = csv::export_with(
        &snap(&doc, &labels, &anns),
        &[
            Column {
                name: "speaker",
                cell: &speaker,
            },
            Column {
                name: "verdict",
                cell: &verdict,
            },
        ],
    );
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text
        .starts_with("\u{feff}id,label,start,end,quote,note,created,modified,speaker,verdict\r\n"));
    let got = onto(csv::import(&bytes, Some(&doc)).unwrap());
    let claim = got.iter().find(|f| f.label == "claim").unwrap();
    assert_eq!(claim.extra("speaker"), Some("Patrick Starck"));
    assert_eq!(claim.extra("verdict"), Some("-false"));
    let person = got.iter().find(|f| f.label == "person").unwrap();
    assert!(person.extra.is_empty());
}

#[test]
fn spreadsheet_variants_are_read() {
    let doc = Document::new("t", "Orange et SFR");
    // Reordered columns, upper case, semicolons, LF, no id/quote, blank rows.
    let raw = "END;Start;Label;Note\n6;0;organisation;\"a; b\"\n;;;\n13;10;organisation;\n";
    assert_eq!(sniff("x.csv", raw.as_bytes()), Format::Csv);
    let got = onto(csv::import(raw.as_bytes(), Some(&doc)).unwrap());
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].start, got[0].end, got[0].note.as_str()),
        (Some(0), Some(6), "a; b")
    );
    assert_eq!(got[1].quote.as_deref(), Some("SFR"));
    assert_eq!(got[1].id, None);
    assert_eq!(got[1].created, None);
}

#[test]
fn malformed_files_are_refused_with_the_row() {
    let doc = Document::new("t", "Orange 😀 et SFR.");
    let h = "id,label,start,end,quote,note,created,modified\r\n";
    let cases: Vec<(String, &str)> = vec![
        (
            "name,begin,finish\r\nx,0,6\r\n".into(),
            "CSV, row 1: the header has no column label, start, end",
        ),
        (
            "label,start,start,end\r\n".into(),
            "CSV, row 1: the header names the column \"start\" twice",
        ),
        (
            format!("{h}a,person,0,6,Orange,,,,extra\r\n"),
            "CSV, row 2: the row has 9 cells, the header 8",
        ),
        (
            format!("{h}a,person,0,99,Orange,,,\r\n"),
            "CSV, row 2: offsets 0..99 are outside the text (16 characters)",
        ),
        (
            format!("{h}a,person,6,0,Orange,,,\r\n"),
            "CSV, row 2: the offsets 6..0 are empty or reversed",
        ),
        (
            format!("{h}a,person,x,6,Orange,,,\r\n"),
            "CSV, row 2: start \"x\" is not a whole number",
        ),
        (
            format!("{h}a,person,-1,6,Orange,,,\r\n"),
            "CSV, row 2: start \"-1\" is not a whole number",
        ),
        // UTF-16 offsets (SFR at 13..16) do not match the quote in code points.
        (
            format!("{h}a,organisation,13,16,SFR,,,\r\n"),
            "CSV, row 2: the quote \"SFR\" is not the text at 13..16, \"FR.\"",
        ),
        (
            format!("{h}a,,0,6,Orange,,,\r\n"),
            "CSV, row 2: the label is empty",
        ),
        (
            format!("{h}a,person,0,6,Orange,,yesterday,\r\n"),
            "CSV, row 2: created \"yesterday\" is not a date",
        ),
        (
            format!("{h}a,person,0,6,Orange,,,\r\na,person,12,15,SFR,,,\r\n"),
            "CSV, row 3: the id \"a\" is already used in row 2",
        ),
        (
            format!("{h}a,person,0,6,\"Orange,,,\r\n"),
            "CSV, row 2: a quoted cell is never closed",
        ),
        (
            format!("{h}a,person,0,6,\"Orange\"x,,,\r\n"),
            "CSV, row 2: \"x\" follows a closing quote",
        ),
        ("".into(), "CSV: the file is empty"),
    ];
    for (raw, want) in cases {
        let e = csv::import(raw.as_bytes(), Some(&doc)).unwrap_err();
        assert_eq!(e.format, Format::Csv);
        assert!(
            e.to_string().starts_with(want),
            "{raw:?}\n got: {e}\nwant: {want}"
        );
    }
    let e = csv::import(format!("{h}a,person,0,6,Orange,,,\r\n").as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("open its article first"), "{e}");
    assert!(csv::import(b"label,start,end\r\n\xff,0,1\r\n", Some(&doc))
        .unwrap_err()
        .to_string()
        .contains("not UTF-8"));
}

proptest! {
    /// Any cell text survives export → import: quotes, commas, line breaks,
    /// formula starts, apostrophes.
    #[test]
    fn any_note_round_trips(note in "['=+@\\t\\r\\n\",;a-z😀\u{a0} -]{0,12}") {
        let doc = Document::new("t", "Orange 😀 et SFR");
        let mut a = Annotation::at(&doc, "a", 0, 6, "organisation", Timestamp(0)).unwrap();
        a.note = note.clone();
        let labels = LabelSet::default();
        let anns = [a];
        let bytes = csv::export(&snap(&doc, &labels, &anns));
        let got = onto(csv::import(&bytes, Some(&doc)).map_err(|e| TestCaseError::fail(e.to_string()))?);
        prop_assert_eq!(&got[0].note, &note);
    }
}
