//! Format v1 properties: round trips are exact, nothing panics, and every
//! file the parser accepts also satisfies the JSON Schema.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use surligneur::core::{Annotation, Document, LabelDef, LabelSet, Timestamp};
use surligneur::format::v1;

const SEED: &str = include_str!("../www/default-article.txt");

/// 0000-01-01T00:00:00.000Z ..= 9999-12-31T23:59:59.999Z in milliseconds.
const MIN_MS: i64 = -62_167_219_200_000;
const MAX_MS: i64 = 253_402_300_799_999;

fn seed_export() -> String {
    let doc = Document::from_plain_text(SEED);
    let t = Timestamp::parse("2013-11-29T10:00:00.000Z").unwrap();
    let anns: Vec<Annotation> = [
        ("a", 0, 14, "person"),
        ("b", 37, 46, "organisation"),
        ("c", 0, 46, "claim"),
    ]
    .into_iter()
    .map(|(id, start, end, label)| Annotation {
        id: id.into(),
        start,
        end,
        label: label.into(),
        quote: doc.slice(start, end).unwrap().into(),
        note: "une note « 😀 »".into(),
        created: t,
        modified: t,
    })
    .collect();
    v1::to_json(&doc, &LabelSet::default(), anns.iter())
}

fn schema() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static SCHEMA: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../src/format/schema.json")).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("https://surligneur.invalid/schema/v1.json", schema)
            .unwrap();
        let idx = compiler
            .compile("https://surligneur.invalid/schema/v1.json", &mut schemas)
            .unwrap();
        (schemas, idx)
    })
}

fn schema_errors(json: &str) -> Option<String> {
    let v: Value = serde_json::from_str(json).ok()?;
    let (schemas, idx) = schema();
    schemas.validate(&v, *idx).err().map(|e| format!("{e}"))
}

/// Text with what trips offset code: emoji (astral), NBSP, combining
/// marks, French punctuation, CR/CRLF (normalised by the document), blank
/// lines, and anything at all.
fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Patrick ".to_owned()),
        Just("« Cloudwatt »".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("’".to_owned()),
        Just("😀".to_owned()),
        Just("🇫🇷".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("\u{2028}".to_owned()),
        Just("\\\"".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r\n".to_owned()),
        "[a-zé ]{1,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

fn labels_strategy() -> impl Strategy<Value = LabelSet> {
    let label = (
        "[a-z😀é_ -]{1,10}",
        any::<String>(),
        any::<[u8; 3]>(),
        any::<char>(),
        any::<bool>(),
    );
    prop::collection::vec(label, 1..6).prop_map(|ls| {
        let (mut ids, mut keys) = (HashSet::new(), HashSet::new());
        let labels = ls
            .into_iter()
            .filter(|(id, _, _, key, _)| ids.insert(id.clone()) && keys.insert(*key))
            .map(|(id, name, [r, g, b], key, upper)| {
                let color = format!("#{r:02x}{g:02x}{b:02x}");
                LabelDef {
                    id,
                    name,
                    color: if upper { color.to_uppercase() } else { color },
                    key: key.to_string(),
                    look: surligneur::core::span::Look::default_for(""),
                }
            })
            .collect();
        LabelSet(labels)
    })
}

type RawAnn = (Index, usize, Index, String, String, i64, i64);

fn ann_strategy() -> impl Strategy<Value = RawAnn> {
    (
        any::<Index>(),
        1usize..40,
        any::<Index>(),
        "[a-z0-9-]{1,12}",
        any::<String>(),
        MIN_MS..=MAX_MS,
        MIN_MS..=MAX_MS,
    )
}

/// Valid annotations from raw draws: spans touching a block, unique ids,
/// unique (span, label).
fn build(doc: &Document, labels: &LabelSet, raw: Vec<RawAnn>) -> Vec<Annotation> {
    let len = doc.len_chars();
    let (mut ids, mut spans) = (HashSet::new(), HashSet::new());
    let mut out = Vec::new();
    for (at, width, label, id, note, created, modified) in raw {
        if len == 0 || labels.0.is_empty() {
            break;
        }
        let start = at.index(len);
        let end = (start + width).min(len);
        let label = labels.0[label.index(labels.0.len())].id.clone();
        if doc.blocks_overlapping(start, end).is_empty()
            || !ids.insert(id.clone())
            || !spans.insert((start, end, label.clone()))
        {
            continue;
        }
        out.push(Annotation {
            note,
            created: Timestamp(created),
            ..Annotation::at(doc, id, start, end, label, Timestamp(modified)).unwrap()
        });
    }
    out
}

/// Byte offsets of the numbers in a JSON text (outside strings).
fn number_positions(json: &str) -> Vec<(usize, usize)> {
    let b = json.as_bytes();
    let (mut out, mut in_string, mut i) = (Vec::new(), false, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' | b'0'..=b'9' if !in_string => {
                let s = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push((s, i));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// RFC 3339 date-times in all the forms the parser reads, years 0001-9998
/// so that any offset stays in range.
fn date_strategy() -> impl Strategy<Value = String> {
    (
        (
            1u32..=9998,
            1u32..=12,
            1u32..=28,
            prop::sample::select(vec!["T", "t"]),
        ),
        (0u32..24, 0u32..60, 0u32..60, "(\\.[0-9]{1,12})?"),
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (prop::sample::select(vec!["+", "-"]), 0u32..24, 0u32..60)
                .prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}"))
        ],
    )
        .prop_map(|((y, mo, d, t), (h, mi, s, frac), tz)| {
            format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{frac}{tz}")
        })
}

const NASTY_NUMBERS: &[&str] = &[
    "-1",
    "1.5",
    "1e400",
    "-1e400",
    "18446744073709551616",
    "0",
    "-0",
    "3.0",
    "1e2",
    "99999999999",
    "2",
    "-0.0",
];

#[derive(Clone, Debug)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Number(Index, usize),
    Splice(Index, &'static str),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let tokens = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "null",
        "\"x\"",
        "\"label\": \"x\"",
        "\"start\": 3,",
        "\u{feff}",
        "\"2013-11-29T10:00:00Z\"",
        "\"\\u0000\"",
        "\"\\ud800\"",
    ]);
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), 0..NASTY_NUMBERS.len()).prop_map(|(i, n)| Edit::Number(i, n)),
        (any::<Index>(), tokens).prop_map(|(i, t)| Edit::Splice(i, t)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |i: &Index, n: usize| i.index(n.max(1)).min(n);
    match edit {
        Edit::Flip(i, b) if !bytes.is_empty() => {
            let i = at(i, bytes.len() - 1);
            bytes[i] ^= b | 1;
        }
        Edit::Insert(i, b) => {
            let i = at(i, bytes.len());
            bytes.insert(i, *b);
        }
        Edit::Delete(i) if !bytes.is_empty() => {
            let i = at(i, bytes.len() - 1);
            bytes.remove(i);
        }
        Edit::Number(i, n) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let nums = number_positions(&text);
            if !nums.is_empty() {
                let (s, e) = nums[i.index(nums.len())];
                *bytes = format!("{}{}{}", &text[..s], NASTY_NUMBERS[*n], &text[e..]).into_bytes();
            }
        }
        Edit::Splice(i, t) => {
            let i = at(i, bytes.len());
            bytes.splice(i..i, t.bytes());
        }
        _ => {}
    }
}

/// What must hold for any input: no panic, a one-line sentence, and an
/// accepted file re-exports to itself, satisfies the schema and is stable.
fn check_any(bytes: &[u8]) -> Result<(), TestCaseError> {
    match v1::parse(bytes) {
        Err(e) => {
            let s = e.to_string();
            prop_assert!(
                s.ends_with('.') && !s.contains('\n') && s.len() < 600,
                "{:?}",
                s
            );
        }
        Ok(f) => {
            let lenient = !f.filled_in.is_empty();
            let json = v1::to_json(&f.document, &f.labels, f.annotations.iter());
            let again = v1::parse_str(&json)
                .map_err(|e| TestCaseError::fail(format!("re-export refused: {e}")))?;
            // What a hand-made file lacked is filled in once; the re-export
            // lacks nothing.
            prop_assert!(again.filled_in.is_empty());
            let f = v1::V1File {
                filled_in: Vec::new(),
                ..f
            };
            prop_assert_eq!(&again, &f);
            prop_assert_eq!(
                v1::to_json(&again.document, &again.labels, again.annotations.iter()),
                json.clone()
            );
            let text = std::str::from_utf8(bytes).unwrap();
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let text = if lenient { json.as_str() } else { text };
            prop_assert_eq!(
                schema_errors(text),
                None,
                "accepted by the parser, refused by the schema"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_is_exact(
        title in any::<String>(),
        text in text_strategy(),
        labels in labels_strategy(),
        raw in prop::collection::vec(ann_strategy(), 0..25),
    ) {
        let doc = Document::new(&title, &text);
        let mut anns = build(&doc, &labels, raw);
        let json = v1::to_json(&doc, &labels, anns.iter());
        let framed = json.ends_with("}\n") && json.starts_with("{\n  \"format\": \"surligneur\",\n  \"version\": 1,\n");
        prop_assert!(framed, "{}", json);
        let parsed = v1::parse_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // The parse result is the input, annotations in document order.
        anns.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        prop_assert_eq!(&parsed.document, &doc);
        prop_assert_eq!(&parsed.labels, &labels);
        prop_assert_eq!(&parsed.annotations, &anns);
        // Export → parse → export is byte-identical, whatever the input order.
        anns.reverse();
        prop_assert_eq!(v1::to_json(&parsed.document, &parsed.labels, anns.iter()), json.clone());
        // The compact form is the same file.
        let compact = v1::to_json_compact(&doc, &labels, anns.iter());
        prop_assert_eq!(&v1::parse_str(&compact).map_err(|e| TestCaseError::fail(e.to_string()))?, &parsed);
        prop_assert_eq!(schema_errors(&json), None);
    }

    #[test]
    fn accepted_variants_satisfy_the_schema(
        dates in prop::collection::vec(date_strategy(), 6),
        whole_as_float in any::<bool>(),
        upper_colours in any::<bool>(),
        compact in any::<bool>(),
    ) {
        // Everything the parser accepts beyond what the writer writes.
        let mut v: Value = serde_json::from_str(&seed_export()).unwrap();
        for (i, d) in dates.into_iter().enumerate() {
            v["annotations"][i / 2][if i % 2 == 0 { "created" } else { "modified" }] = Value::String(d);
        }
        if whole_as_float {
            v["version"] = serde_json::json!(1.0);
            v["annotations"][1]["end"] = serde_json::json!(14.0);
        }
        if upper_colours {
            v["labels"][0]["color"] = serde_json::json!("#E69F00");
        }
        let text = if compact { serde_json::to_string(&v) } else { serde_json::to_string_pretty(&v) }.unwrap();
        prop_assert!(v1::parse_str(&text).is_ok(), "{}", v1::parse_str(&text).unwrap_err());
        check_any(text.as_bytes())?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_any(&bytes)?;
    }

    #[test]
    fn arbitrary_json_like_text_never_panics(tokens in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"format\"", "\"surligneur\"", "\"version\"", "1", "2", "-1", "1.5", "1e400",
        "\"document\"", "\"labels\"", "\"annotations\"", "\"@context\"", "\"type\"", "\"Annotation\"", "\"target\"",
        "\"selector\"", "\"id\"", "\"text\"", "\"\"", "null", "true", " ", "\n",
    ]), 0..60)) {
        check_any(tokens.concat().as_bytes())?;
    }

    #[test]
    fn mutated_valid_files_never_panic(edits in prop::collection::vec(edit_strategy(), 1..6)) {
        let mut bytes = seed_export().into_bytes();
        for edit in &edits {
            apply(&mut bytes, edit);
        }
        check_any(&bytes)?;
    }
}

#[test]
fn every_prefix_of_a_file_says_it_stops_in_the_middle() {
    let full = seed_export();
    let json = full.trim_end();
    for (i, _) in json.char_indices().skip(1) {
        let e = v1::parse_str(&json[..i]).expect_err("a prefix is not a file");
        assert!(
            matches!(e.kind, v1::ErrorKind::Truncated { .. }),
            "{i}: {e}"
        );
    }
}

#[test]
fn nasty_numbers_everywhere_never_panic() {
    let json = seed_export();
    let nums = number_positions(&json);
    assert!(nums.len() >= 7, "{nums:?}");
    for &(s, e) in &nums {
        for n in NASTY_NUMBERS {
            let bytes = format!("{}{}{}", &json[..s], n, &json[e..]).into_bytes();
            check_any(&bytes).unwrap();
        }
    }
}
