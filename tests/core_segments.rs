//! Segments tile each block and reflect exactly the covering annotations.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::segments::segments;
use surligneur::core::{Annotation, AnnotationSet, Document, Timestamp};

const TEXT: &str =
    "Alice 😀 Smith\n\nworks at\nAcme Inc\n \u{a0}\nThe end, l’été.\n\n\n«\u{a0}Quote\u{a0}»";

fn make(d: &Document, id: usize, start: usize, end: usize, label: &str) -> Annotation {
    Annotation {
        id: format!("a{id:02}"),
        start,
        end,
        label: label.to_owned(),
        quote: d.slice(start, end).unwrap_or("").to_owned(),
        note: String::new(),
        created: Timestamp(0),
        modified: Timestamp(0),
    }
}

fn check_block(d: &Document, set: &AnnotationSet, block: usize) -> Result<(), TestCaseError> {
    let b = d.blocks()[block];
    let segs = segments(d, set, block);
    prop_assert!(!segs.is_empty());
    // Tiles the block, in order, no empty segment.
    prop_assert_eq!(segs.first().map(|s| s.start), Some(b.start));
    prop_assert_eq!(segs.last().map(|s| s.end), Some(b.end));
    let mut text = String::new();
    for (i, s) in segs.iter().enumerate() {
        prop_assert!(s.start < s.end, "empty segment {:?}", s);
        if i > 0 {
            prop_assert_eq!(segs[i - 1].end, s.start);
            prop_assert_ne!(&segs[i - 1].ids, &s.ids, "neighbours with the same ids");
        }
        text.push_str(d.slice(s.start, s.end).unwrap());
    }
    prop_assert_eq!(Some(text.as_str()), d.block_text(block));
    // Every code point: the segment's ids are exactly the annotations
    // covering it, outermost first. Hence each annotation covers exactly
    // its range clipped to the block.
    let mut all: Vec<&Annotation> = set.iter().collect();
    all.sort_by(|x, y| x.order_key().cmp(&y.order_key()));
    for s in &segs {
        for pos in s.start..s.end {
            let exp: Vec<&str> = all
                .iter()
                .filter(|a| a.start <= pos && pos < a.end)
                .map(|a| a.id.as_str())
                .collect();
            let got: Vec<&str> = s.ids.iter().map(String::as_str).collect();
            prop_assert_eq!(got, exp, "at {}", pos);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn segments_tile_blocks(spans in prop::collection::vec((0usize..80, 1usize..30, 0usize..3), 0..25)) {
        let d = Document::from_plain_text(TEXT);
        let mut set = AnnotationSet::new(&d);
        for (i, (start, len, label)) in spans.into_iter().enumerate() {
            let label = ["person", "organisation", "claim"][label];
            // Invalid ones (out of range, in a gap, duplicates) are refused.
            let _ = set.insert(&d, make(&d, i, start, start + len, label));
        }
        for block in 0..d.blocks().len() {
            check_block(&d, &set, block)?;
        }
        prop_assert!(segments(&d, &set, d.blocks().len()).is_empty());
    }
}

#[test]
fn seed_article_segments() {
    let d = Document::from_plain_text(include_str!("../www/default-article.txt"));
    let mut set = AnnotationSet::new(&d);
    // "Patrick Starck" in the title, plus a claim from the title into block 1.
    set.insert(&d, make(&d, 1, 0, 14, "person")).unwrap();
    set.insert(&d, make(&d, 2, 8, 52, "claim")).unwrap();
    let s0 = segments(&d, &set, 0);
    let ids: Vec<_> = s0
        .iter()
        .map(|s| (s.start, s.end, s.ids.join(",")))
        .collect();
    assert_eq!(
        ids,
        [
            (0, 8, "a01".into()),
            (8, 14, "a01,a02".into()),
            (14, 46, "a02".to_owned())
        ]
    );
    let s1 = segments(&d, &set, 1);
    assert_eq!(s1.len(), 2);
    assert_eq!((s1[0].start, s1[0].end), (48, 52));
    assert!(s1[1].is_plain());
}
