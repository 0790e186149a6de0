//! Long, bounded property runs ("fuzzing" without a nightly toolchain):
//! the importer and the selection → offset mapping must never panic on
//! any input. The test command runs them with FUZZ_CASES (default 1,500
//! cases each, a few seconds); raise it for a longer hunt.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::Document;
use surligneur::format::v1;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

fn json_like() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("\"format\"".to_string()),
        Just("\"surligneur\"".to_string()),
        Just("\"version\"".to_string()),
        Just("1".to_string()),
        Just("\"document\"".to_string()),
        Just("\"annotations\"".to_string()),
        Just("\"labels\"".to_string()),
        Just("\"start\"".to_string()),
        Just("\"end\"".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("18446744073709551616".to_string()),
        Just("null".to_string()),
        Just("\"\\ud800\"".to_string()),
        "\"[a-z😀\u{a0}]{0,6}\"",
        "[0-9]{1,25}",
    ];
    prop::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("\u{a0}".to_string()),
            Just("’".to_string()),
            Just("😀".to_string()),
            Just("e\u{301}".to_string()),
            Just("\r\n".to_string()),
        ],
        0..60,
    )
    .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn importer_never_panics_on_json_like_input(s in json_like()) {
        if let Err(e) = v1::parse(s.as_bytes()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn selection_mapping_never_panics_and_round_trips(t in text(), block in 0usize..12, utf16 in 0usize..200, pos in 0usize..200) {
        let doc = Document::from_plain_text(&t);
        // Arbitrary DOM offsets: never a panic; a result is inside the block.
        if let Some(c) = doc.block_utf16_to_char(block, utf16) {
            let b = doc.blocks()[block];
            prop_assert!(b.start <= c && c <= b.end);
        }
        // Every code point of a block maps to UTF-16 and back exactly.
        if let Some(b) = doc.blocks().get(block).copied() {
            let c = b.start + pos % (b.end - b.start + 1);
            let u = doc.char_to_block_utf16(block, c).unwrap();
            prop_assert_eq!(doc.block_utf16_to_char(block, u), Some(c));
        }
        let _ = doc.offsets().utf16_to_char(utf16);
        let _ = doc.slice(pos, utf16);
    }
}

proptest! {
    // A fifth of the cases: each parses a whole stored value (about 15 ms
    // in a debug build).
    #![proptest_config(ProptestConfig { cases: cases() / 5, failure_persistence: None, ..ProptestConfig::default() })]

    /// The stored-value reader (what the app reads from localStorage, which
    /// another program or a broken disk may have changed) never panics on a
    /// damaged stored value, and what it accepts writes back to the same.
    #[test]
    fn stored_reader_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, json_like()), 1..5)) {
        use surligneur::format::stored;
        let mut raw = stored_seed().into_bytes();
        for (at, kind, token) in &edits {
            let i = at.index(raw.len() + 1);
            match kind {
                0 => { raw.splice(i..i, token.bytes()); }
                1 => { raw.truncate(i); }
                2 => { let j = (i + token.len()).min(raw.len()); raw.drain(i..j); }
                _ => { if i < raw.len() { raw[i] = token.bytes().next().unwrap_or(b'0'); } }
            }
        }
        let Ok(raw) = String::from_utf8(raw) else { return Ok(()) };
        match stored::parse(&raw) {
            Err(e) => prop_assert!(!e.to_string().is_empty()),
            Ok(s) => {
                let again = stored::to_json(&s.file.document, &s.file.labels, &s.file.annotations, &s.lengths).unwrap();
                let back = stored::parse(&again).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(back.file, s.file);
            }
        }
    }
}

/// A valid stored value of a short article (so that each case is cheap)
/// with overlapping annotations and a tombstone.
fn stored_seed() -> String {
    use surligneur::core::{Annotation, LabelSet, Timestamp};
    let doc = Document::from_plain_text("Cloud « 😀 »\n\nPatrick Starck quitte\u{a0}Cloudwatt.\n");
    let spans = [
        (13, 27, "person"),
        (35, 44, "organisation"),
        (13, 45, "claim"),
    ];
    let anns: Vec<Annotation> = spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e, l))| {
            Annotation::at(&doc, format!("a{i}"), s, e, l, Timestamp(i as i64)).unwrap()
        })
        .collect();
    assert_eq!(anns[0].quote, "Patrick Starck");
    assert_eq!(anns[1].quote, "Cloudwatt");
    let lengths = std::collections::BTreeMap::from([("gone".to_owned(), 2)]);
    surligneur::format::stored::to_json(&doc, &LabelSet::default(), &anns, &lengths).unwrap()
}

// ----- interoperability readers (W3C, Hypothesis, brat, CSV, JSONL) ---------

mod interop {
    use super::{cases, json_like, text};
    use proptest::prelude::*;
    use surligneur::core::{Annotation, Document, LabelSet, Timestamp};
    use surligneur::format::interop::{self, sniff, Format, Plan, Snapshot};
    use surligneur::format::{brat, csv, hypothesis, jsonl, w3c};

    fn current() -> Document {
        Document::from_plain_text("Cloud « 😀 »\n\nPatrick Starck quitte\u{a0}Cloudwatt.\n")
    }

    /// Every reader on the same bytes: an error has a message, a plan
    /// checked against a text has offsets inside it.
    fn read_all(bytes: &[u8]) -> Result<(), TestCaseError> {
        let doc = current();
        let f = sniff("fuzz.ann", bytes);
        let _ = sniff("fuzz.csv", bytes);
        let _ = interop::import(f, bytes, Some(&doc));
        type Reader = fn(&[u8], Option<&Document>) -> Result<Plan, interop::InteropError>;
        let readers: [Reader; 5] = [
            w3c::import,
            hypothesis::import,
            brat::import,
            csv::import,
            jsonl::import,
        ];
        for read in readers {
            for cur in [Some(&doc), None] {
                match read(bytes, cur) {
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                    Ok(Plan::Onto { annotations, .. }) => {
                        for a in annotations {
                            if a.positions_refer_to_this_text {
                                let (s, e) = (a.start.unwrap_or(0), a.end.unwrap_or(0));
                                prop_assert!(s < e && e <= doc.len_chars());
                            }
                        }
                    }
                    Ok(Plan::Documents { docs, .. }) => {
                        for (_, text, anns) in docs {
                            let d = Document::new("t", &text);
                            for a in anns {
                                let (s, e) = (a.start.unwrap_or(0), a.end.unwrap_or(0));
                                prop_assert!(s < e && e <= d.len_chars());
                                prop_assert_eq!(d.slice(s, e), a.quote.as_deref());
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// One valid file of each format, for the mutation runs.
    fn seeds() -> Vec<Vec<u8>> {
        let doc = current();
        let spans = [
            (13, 27, "person"),
            (35, 44, "organisation"),
            (13, 45, "claim"),
            (6, 9, "claim"),
        ];
        let anns: Vec<Annotation> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, e, l))| {
                let mut a =
                    Annotation::at(&doc, format!("a{i}"), s, e, l, Timestamp(i as i64)).unwrap();
                a.note = "=note, \"quoted\"\nline".into();
                a
            })
            .collect();
        let labels = LabelSet::default();
        let s = Snapshot {
            doc: &doc,
            source_url: None,
            labels: &labels,
            annotations: &anns,
            generator_version: "0",
        };
        let hyp = serde_json::json!({"rows": [{"id": "h", "uri": "u", "tags": ["person"], "text": "n",
            "target": [{"source": "u", "selector": [{"type": "TextPositionSelector", "start": 13, "end": 27},
            {"type": "TextQuoteSelector", "exact": "Patrick Starck", "prefix": "", "suffix": " quitte"}]}]}]});
        vec![
            w3c::export(&s),
            hyp.to_string().into_bytes(),
            brat::export(&s),
            brat::export_ann(&s).into_bytes(),
            csv::export(&s),
            jsonl::export(&s),
        ]
    }

    proptest! {
        // Half the cases: each runs every reader ten times (with and
        // without a current text).
        #![proptest_config(ProptestConfig { cases: cases() / 2, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn interop_readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            read_all(&bytes)?;
        }

    }

    proptest! {
        // A fifth: four inputs per case.
        #![proptest_config(ProptestConfig { cases: cases() / 5, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn interop_readers_never_panic_on_json_or_text_like_input(s in json_like(), t in text()) {
            read_all(s.as_bytes())?;
            read_all(t.as_bytes())?;
            read_all(format!("T1\tperson {}\t{t}", s.len() % 50).as_bytes())?;
            read_all(format!("label,start,end,quote\r\n{t},{s}").as_bytes())?;
        }
    }

    proptest! {
        // A tenth of the cases: each reads a whole file ten times.
        #![proptest_config(ProptestConfig { cases: cases() / 10, failure_persistence: None, ..ProptestConfig::default() })]

        /// Mutated valid files (inserted tokens, truncation, deletions,
        /// changed bytes): never a panic, and what is accepted is sound.
        #[test]
        fn interop_readers_never_panic_on_mutated_files(seed in 0usize..6, edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, json_like()), 1..5)) {
            static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
            let mut raw = SEEDS.get_or_init(seeds)[seed].clone();
            for (at, kind, token) in &edits {
                let i = at.index(raw.len() + 1);
                match kind {
                    0 => { raw.splice(i..i, token.bytes()); }
                    1 => { raw.truncate(i); }
                    2 => { let j = (i + token.len()).min(raw.len()); raw.drain(i..j); }
                    _ => { if i < raw.len() { raw[i] = token.bytes().next().unwrap_or(b'0'); } }
                }
            }
            read_all(&raw)?;
        }
    }

    #[test]
    fn every_seed_is_read_by_its_sniffed_reader() {
        let doc = current();
        let want = [
            Format::W3c,
            Format::Hypothesis,
            Format::Brat,
            Format::Brat,
            Format::Csv,
            Format::Jsonl,
        ];
        for (bytes, f) in seeds().iter().zip(want) {
            assert_eq!(sniff("seed.ann", bytes), f);
            let plan = interop::import(f, bytes, Some(&doc)).unwrap_or_else(|e| panic!("{e}"));
            assert!(plan.annotations().count() >= 1, "{f:?}");
        }
    }
}
