//! Document: newline normalisation, blocks, title, content id, slicing and
//! block-relative UTF-16 offsets.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::document::{content_id, normalise_newlines};
use surligneur::core::{Block, Document};

const SEED: &str = include_str!("../www/default-article.txt");

fn seed() -> Document {
    Document::from_plain_text(SEED)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

#[test]
fn crlf_and_lone_cr_become_lf() {
    assert_eq!(normalise_newlines("a\r\nb\rc\n\r\nd"), "a\nb\nc\n\nd");
    assert_eq!(normalise_newlines("\r\r\n"), "\n\n");
    assert_eq!(normalise_newlines("no newline"), "no newline");
    let d = Document::from_plain_text("Title\r\n\r\nBody one\rline two\r\n");
    assert_eq!(d.text(), "Title\n\nBody one\nline two\n");
    assert_eq!(d.blocks().len(), 2);
    assert_eq!(d.block_text(1), Some("Body one\nline two"));
    // Same article with either convention: same id.
    assert_eq!(
        d.id(),
        Document::from_plain_text("Title\n\nBody one\nline two\n").id()
    );
    let explicit = Document::new("T", "x\r\ny");
    assert_eq!(explicit.text(), "x\ny");
    assert_eq!(explicit.title(), "T");
}

#[test]
fn seed_title_is_first_line_and_part_of_the_text() {
    let d = seed();
    assert_eq!(d.title(), "Patrick Starck cède la présidence de Cloudwatt");
    assert!(d.text().starts_with(d.title()));
    assert_eq!(d.block_text(0), Some(d.title()));
    assert_eq!(
        d.blocks()[0],
        Block {
            start: 0,
            end: chars(d.title())
        }
    );
}

#[test]
fn seed_blocks() {
    let d = seed();
    // A single newline stays inside a block.
    assert_eq!(
        d.block_text(1),
        Some("Cloud\npatrick-stark-quitte-cloudwatt")
    );
    assert!(d
        .block_text(2)
        .unwrap()
        .starts_with("«\u{a0}Dans le cadre d’un accord tacite avec les actionnaires\u{a0}»"));
    let last = d.blocks().len() - 1;
    assert_eq!(
        d.block_text(last),
        Some("Lire la biographie de l´auteur\u{a0} Masquer la biographie de l´auteur")
    );
    // No trailing newline in the seed: the last block ends the text.
    assert_eq!(d.blocks()[last].end, d.len_chars());
    assert_eq!(d.blocks().len(), 14);
    assert_eq!(d.block_text(last + 1), None);
}

#[test]
fn seed_content_id_is_sha256_of_the_text() {
    let d = seed();
    assert_eq!(d.id().len(), 64);
    assert!(d
        .id()
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(d.id(), content_id(d.text()));
    // Known vector.
    assert_eq!(
        content_id("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        content_id(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    // The title is not part of the id.
    assert_eq!(
        Document::new("A", "same").id(),
        Document::new("B", "same").id()
    );
}

#[test]
fn titles() {
    assert_eq!(
        Document::from_plain_text("\n\n  # Hello  \nworld").title(),
        "Hello"
    );
    assert_eq!(Document::from_plain_text("").title(), "Untitled");
    assert_eq!(Document::from_plain_text("   \n\t\n").title(), "Untitled");
    assert_eq!(Document::from_plain_text("###").title(), "Untitled");
}

#[test]
fn slice_in_code_points() {
    let d = seed();
    assert_eq!(d.slice(0, 14), Some("Patrick Starck"));
    assert_eq!(d.slice(15, 19), Some("cède"));
    assert_eq!(d.slice(5, 5), Some(""));
    assert_eq!(d.slice(5, 4), None);
    let n = d.len_chars();
    assert_eq!(d.slice(n, n), Some(""));
    assert_eq!(d.slice(n - 6, n), Some("auteur"));
    assert_eq!(d.slice(0, n + 1), None);
    assert_eq!(d.slice(usize::MAX, usize::MAX), None);

    let e = Document::from_plain_text("a😀b");
    assert_eq!(e.slice(1, 2), Some("😀"));
    assert_eq!(e.slice(2, 3), Some("b"));
}

#[test]
fn block_lookups() {
    // blocks: [0,3) "one", [5,8) "two", [11,16) "three"
    let d = Document::from_plain_text("one\n\ntwo\n \nthree\n");
    assert_eq!(
        d.blocks(),
        &[
            Block { start: 0, end: 3 },
            Block { start: 5, end: 8 },
            Block { start: 11, end: 16 }
        ]
    );
    assert_eq!(d.block_at_or_after(0), Some(0));
    assert_eq!(d.block_at_or_after(2), Some(0));
    assert_eq!(d.block_at_or_after(3), Some(1));
    assert_eq!(d.block_at_or_after(4), Some(1));
    assert_eq!(d.block_at_or_after(5), Some(1));
    assert_eq!(d.block_at_or_after(8), Some(2));
    assert_eq!(d.block_at_or_after(15), Some(2));
    assert_eq!(d.block_at_or_after(16), None);
    assert_eq!(d.block_at_or_after(usize::MAX), None);

    assert_eq!(d.block_containing(0), Some(0));
    assert_eq!(d.block_containing(3), None);
    assert_eq!(d.block_containing(9), None);
    assert_eq!(d.block_containing(11), Some(2));
    assert_eq!(d.block_containing(16), None);

    assert_eq!(d.blocks_overlapping(0, 1), 0..1);
    assert_eq!(d.blocks_overlapping(0, 3), 0..1);
    assert_eq!(d.blocks_overlapping(2, 6), 0..2);
    assert_eq!(d.blocks_overlapping(3, 5), 1..1); // only the blank gap
    assert_eq!(d.blocks_overlapping(3, 12), 1..3);
    assert_eq!(d.blocks_overlapping(0, 100), 0..3);
    assert_eq!(d.blocks_overlapping(16, 100), 3..3);
    // Empty and reversed ranges touch nothing.
    assert!(d.blocks_overlapping(1, 1).is_empty());
    assert!(d.blocks_overlapping(6, 2).is_empty());
}

#[test]
fn block_utf16_with_emoji() {
    // Block 1 is "x😀y é😀": code points 9.. ; UTF-16 units differ after 😀.
    let d = Document::from_plain_text("Title 😀\n\nx😀y é😀");
    assert_eq!(d.block_text(1), Some("x😀y é😀"));
    let b = d.blocks()[1];
    assert_eq!(b, Block { start: 9, end: 15 });
    // Within the block: x=0, 😀=1..3, y=3, ' '=4, é=5, 😀=6..8, end=8.
    let expect = [(9, 0), (10, 1), (11, 3), (12, 4), (13, 5), (14, 6), (15, 8)];
    for (c, u) in expect {
        assert_eq!(d.char_to_block_utf16(1, c), Some(u), "char {c}");
        assert_eq!(d.block_utf16_to_char(1, u), Some(c), "utf16 {u}");
    }
    // Inside a surrogate pair rounds down.
    assert_eq!(d.block_utf16_to_char(1, 2), Some(10));
    assert_eq!(d.block_utf16_to_char(1, 7), Some(14));
    // Past the block or outside it.
    assert_eq!(d.block_utf16_to_char(1, 9), None);
    assert_eq!(d.block_utf16_to_char(2, 0), None);
    assert_eq!(d.block_utf16_to_char(1, usize::MAX), None);
    assert_eq!(d.char_to_block_utf16(1, 8), None);
    assert_eq!(d.char_to_block_utf16(1, 16), None);
    assert_eq!(d.char_to_block_utf16(9, 0), None);
    // Block 0 "Title 😀" : 😀 at 6, end 7 → UTF-16 8.
    assert_eq!(d.char_to_block_utf16(0, 7), Some(8));
    assert_eq!(d.block_utf16_to_char(0, 8), Some(7));
    // UTF-16 offset 9 of block 0 lands in the blank gap: past the block.
    assert_eq!(d.block_utf16_to_char(0, 9), None);
}

#[test]
fn whitespace_only_lines_separate_blocks() {
    let d = Document::from_plain_text("a\n\u{a0}\nb\n\t \nc\n\n\n\nd");
    let texts: Vec<_> = (0..d.blocks().len())
        .map(|i| d.block_text(i).unwrap())
        .collect();
    assert_eq!(texts, ["a", "b", "c", "d"]);
    assert!(Document::from_plain_text("").blocks().is_empty());
    assert!(Document::from_plain_text(" \n\n \u{a0}")
        .blocks()
        .is_empty());
}

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "Patrick", "é", "’", "😀", "e\u{301}", " ", " ", "\t", "\u{a0}", "\n", "\n", "\n\n",
        "\r\n", "\r", "\u{2028}", "#",
    ])
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn block_invariants(raw in text()) {
        let d = Document::from_plain_text(&raw);
        let t: Vec<char> = d.text().chars().collect();
        prop_assert!(!d.text().contains('\r'));
        prop_assert_eq!(d.len_chars(), t.len());
        let mut covered = vec![false; t.len()];
        let mut prev_end: Option<usize> = None;
        for (i, b) in d.blocks().iter().enumerate() {
            // Non-empty, ordered, disjoint (with at least a blank line between).
            prop_assert!(b.start < b.end, "empty block {:?}", b);
            prop_assert!(b.end <= t.len());
            if let Some(pe) = prev_end {
                prop_assert!(pe < b.start);
            }
            prev_end = Some(b.end);
            let bt = d.block_text(i).unwrap();
            prop_assert!(!bt.trim().is_empty(), "blank block {:?}", bt);
            // Starts at a line start, ends at a line end.
            prop_assert!(b.start == 0 || t[b.start - 1] == '\n');
            prop_assert!(b.end == t.len() || t[b.end] == '\n');
            // No blank line inside a block.
            for line in bt.split('\n') {
                prop_assert!(!line.trim().is_empty(), "blank line inside {:?}", bt);
            }
            for c in covered.iter_mut().take(b.end).skip(b.start) {
                *c = true;
            }
            prop_assert_eq!(d.blocks_overlapping(b.start, b.end), i..i + 1);
            for pos in b.start..b.end {
                prop_assert_eq!(d.block_containing(pos), Some(i));
                prop_assert_eq!(d.block_at_or_after(pos), Some(i));
                let u = d.char_to_block_utf16(i, pos).unwrap();
                prop_assert_eq!(d.block_utf16_to_char(i, u), Some(pos));
            }
            let u_end = d.char_to_block_utf16(i, b.end).unwrap();
            prop_assert_eq!(u_end, bt.encode_utf16().count());
            prop_assert_eq!(d.block_utf16_to_char(i, u_end), Some(b.end));
        }
        // Everything outside blocks is whitespace.
        for (pos, ch) in t.iter().enumerate() {
            if !covered[pos] {
                prop_assert!(ch.is_whitespace(), "{:?} at {} outside blocks", ch, pos);
                prop_assert_eq!(d.block_containing(pos), None);
            }
        }
        prop_assert_eq!(d.id(), content_id(d.text()));
    }

    #[test]
    fn slice_agrees_with_chars(raw in text(), a in 0usize..80, b in 0usize..80) {
        let d = Document::from_plain_text(&raw);
        let t: Vec<char> = d.text().chars().collect();
        match d.slice(a, b) {
            Some(s) => {
                prop_assert!(a <= b && b <= t.len());
                let expect: String = t[a..b].iter().collect();
                prop_assert_eq!(s, expect);
            }
            None => prop_assert!(a > b || b > t.len()),
        }
    }
}
