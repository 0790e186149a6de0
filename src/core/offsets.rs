//! The one place where code points, UTF-8 bytes and UTF-16 units meet.
//!
//! The core counts in Unicode code points; Rust strings are indexed by UTF-8
//! bytes; the DOM (`Selection`, `Range`, `Text.length`) counts UTF-16 code
//! units. [`OffsetIndex`] converts between the three.
//!
//! # How it works
//!
//! In an ASCII run every character is one byte and one UTF-16 unit, so the
//! three offsets only drift apart at non-ASCII characters. The index stores
//! one small record per non-ASCII character: its code point position and the
//! number of *extra* UTF-8 bytes and *extra* UTF-16 units contributed by all
//! non-ASCII characters before it. Any offset is then the code point offset
//! plus the extras of the last non-ASCII character before it, found by
//! binary search.
//!
//! # Complexity
//!
//! With `n` the text length and `m` the number of non-ASCII characters:
//!
//! * [`OffsetIndex::new`]: O(n) time, one pass;
//! * memory: O(m) — nothing at all for pure-ASCII text, the text itself is
//!   not kept;
//! * every lookup: O(log m).

/// One non-ASCII character: where it is and what came before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wide {
    /// Code point index of the character.
    pos: usize,
    /// Extra UTF-8 bytes (beyond one per character) before it.
    extra8: usize,
    /// Extra UTF-16 units (beyond one per character) before it.
    extra16: usize,
    /// Its UTF-8 length (2–4).
    len8: u8,
    /// Its UTF-16 length (1–2).
    len16: u8,
}

impl Wide {
    /// Byte offset of the character's first byte.
    fn byte_start(&self) -> usize {
        self.pos + self.extra8
    }
    /// UTF-16 offset of the character's first unit.
    fn utf16_start(&self) -> usize {
        self.pos + self.extra16
    }
    /// Extra bytes up to and including this character.
    fn extra8_after(&self) -> usize {
        self.extra8 + usize::from(self.len8).saturating_sub(1)
    }
    /// Extra UTF-16 units up to and including this character.
    fn extra16_after(&self) -> usize {
        self.extra16 + usize::from(self.len16).saturating_sub(1)
    }
}

/// Index over one text for converting between code points, UTF-8 byte
/// offsets and UTF-16 code units. See the [module docs](self) for the
/// representation and costs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OffsetIndex {
    len_chars: usize,
    len_bytes: usize,
    len_utf16: usize,
    /// Non-ASCII characters in text order.
    wide: Vec<Wide>,
}

impl OffsetIndex {
    /// Prepare the index: O(n) time, O(number of non-ASCII characters)
    /// memory.
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra8 = 0;
        let mut extra16 = 0;
        let mut len_chars = 0;
        for (pos, ch) in text.chars().enumerate() {
            len_chars = pos + 1;
            if !ch.is_ascii() {
                // len_utf8 ≤ 4 and len_utf16 ≤ 2: the casts cannot truncate.
                let len8 = ch.len_utf8() as u8;
                let len16 = ch.len_utf16() as u8;
                let w = Wide {
                    pos,
                    extra8,
                    extra16,
                    len8,
                    len16,
                };
                extra8 = w.extra8_after();
                extra16 = w.extra16_after();
                wide.push(w);
            }
        }
        wide.shrink_to_fit();
        OffsetIndex {
            len_chars,
            len_bytes: text.len(),
            len_utf16: len_chars + extra16,
            wide,
        }
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Length in UTF-8 bytes.
    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }

    /// Length in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    /// Whether the text is pure ASCII (all three offsets coincide).
    pub fn is_ascii(&self) -> bool {
        self.wide.is_empty()
    }

    /// The last non-ASCII character strictly before code point `c`.
    fn wide_before_char(&self, c: usize) -> Option<&Wide> {
        let k = self.wide.partition_point(|w| w.pos < c);
        self.wide.get(k.checked_sub(1)?)
    }

    /// UTF-16 offset of code point `c`; `None` if `c > len_chars`.
    pub fn char_to_utf16(&self, c: usize) -> Option<usize> {
        if c > self.len_chars {
            return None;
        }
        let extra = self.wide_before_char(c).map_or(0, Wide::extra16_after);
        c.checked_add(extra)
    }

    /// Code point at UTF-16 offset `u`; an offset inside a surrogate pair
    /// rounds down to the start of that character. `None` if `u > len_utf16`.
    pub fn utf16_to_char(&self, u: usize) -> Option<usize> {
        if u > self.len_utf16 {
            return None;
        }
        // Last non-ASCII character starting at or before `u`.
        let k = self.wide.partition_point(|w| w.utf16_start() <= u);
        let Some(w) = k.checked_sub(1).and_then(|i| self.wide.get(i)) else {
            return Some(u); // only ASCII before `u`
        };
        if u < w.utf16_start() + usize::from(w.len16) {
            Some(w.pos) // at its start or inside its surrogate pair
        } else {
            u.checked_sub(w.extra16_after()) // ASCII since `w`
        }
    }

    /// UTF-8 byte offset of code point `c`; `None` if `c > len_chars`.
    pub fn char_to_byte(&self, c: usize) -> Option<usize> {
        if c > self.len_chars {
            return None;
        }
        let extra = self.wide_before_char(c).map_or(0, Wide::extra8_after);
        c.checked_add(extra)
    }

    /// Code point index of byte offset `b`; `None` if `b` is past the end
    /// or not on a character boundary.
    pub fn byte_to_char(&self, b: usize) -> Option<usize> {
        if b > self.len_bytes {
            return None;
        }
        let k = self.wide.partition_point(|w| w.byte_start() <= b);
        let Some(w) = k.checked_sub(1).and_then(|i| self.wide.get(i)) else {
            return Some(b);
        };
        if b == w.byte_start() {
            Some(w.pos)
        } else if b < w.byte_start() + usize::from(w.len8) {
            None // inside a multi-byte character
        } else {
            b.checked_sub(w.extra8_after())
        }
    }
}

#[cfg(test)]
mod naive {
    //! The obvious O(n)-per-lookup implementation, kept as a test oracle.

    /// Same API as [`super::OffsetIndex`], computed by walking the text.
    pub struct NaiveIndex {
        text: String,
    }

    impl NaiveIndex {
        pub fn new(text: &str) -> Self {
            NaiveIndex {
                text: text.to_owned(),
            }
        }
        pub fn len_chars(&self) -> usize {
            self.text.chars().count()
        }
        pub fn len_utf16(&self) -> usize {
            self.text.encode_utf16().count()
        }
        pub fn char_to_utf16(&self, c: usize) -> Option<usize> {
            if c > self.len_chars() {
                return None;
            }
            Some(self.text.chars().take(c).map(char::len_utf16).sum())
        }
        pub fn utf16_to_char(&self, u: usize) -> Option<usize> {
            if u > self.len_utf16() {
                return None;
            }
            let mut acc = 0;
            for (i, ch) in self.text.chars().enumerate() {
                if acc + ch.len_utf16() > u {
                    return Some(i);
                }
                acc += ch.len_utf16();
            }
            Some(self.len_chars())
        }
        pub fn char_to_byte(&self, c: usize) -> Option<usize> {
            if c > self.len_chars() {
                return None;
            }
            Some(self.text.chars().take(c).map(char::len_utf8).sum())
        }
        pub fn byte_to_char(&self, b: usize) -> Option<usize> {
            if !self.text.is_char_boundary(b) {
                return None;
            }
            Some(self.text[..b].chars().count())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::naive::NaiveIndex;
    use super::*;

    fn seed() -> String {
        let raw = include_str!("../../www/default-article.txt");
        super::super::document::normalise_newlines(raw)
    }

    #[test]
    fn empty_text() {
        let ix = OffsetIndex::new("");
        assert_eq!((ix.len_chars(), ix.len_utf16(), ix.len_bytes()), (0, 0, 0));
        assert_eq!(ix.char_to_utf16(0), Some(0));
        assert_eq!(ix.char_to_utf16(1), None);
        assert_eq!(ix.utf16_to_char(0), Some(0));
        assert_eq!(ix.utf16_to_char(1), None);
        assert_eq!(ix.char_to_byte(0), Some(0));
        assert_eq!(ix.byte_to_char(0), Some(0));
        assert_eq!(ix.byte_to_char(1), None);
        assert!(ix.is_ascii());
    }

    #[test]
    fn emoji_is_two_utf16_units_and_four_bytes() {
        let ix = OffsetIndex::new("a😀b");
        assert_eq!(ix.len_chars(), 3);
        assert_eq!(ix.len_utf16(), 4);
        assert_eq!(ix.len_bytes(), 6);
        assert_eq!(ix.char_to_utf16(1), Some(1));
        assert_eq!(ix.char_to_utf16(2), Some(3));
        assert_eq!(ix.char_to_utf16(3), Some(4));
        // Inside the surrogate pair rounds down to the emoji.
        assert_eq!(ix.utf16_to_char(2), Some(1));
        assert_eq!(ix.utf16_to_char(3), Some(2));
        assert_eq!(ix.utf16_to_char(4), Some(3));
        assert_eq!(ix.utf16_to_char(5), None);
        assert_eq!(ix.char_to_byte(2), Some(5));
        assert_eq!(ix.byte_to_char(5), Some(2));
        for b in 2..5 {
            assert_eq!(ix.byte_to_char(b), None, "byte {b} is inside 😀");
        }
        assert!(!ix.is_ascii());
    }

    #[test]
    fn seed_article_patrick_starck() {
        let text = seed();
        let ix = OffsetIndex::new(&text);
        // The title starts the text and is ASCII up to "cède".
        assert!(text.starts_with("Patrick Starck cède"));
        assert_eq!(ix.char_to_byte(14), Some(14));
        // "è" is code point 16, two bytes.
        assert_eq!(ix.char_to_byte(16), Some(16));
        assert_eq!(ix.char_to_byte(17), Some(18));
        assert_eq!(ix.byte_to_char(17), None);
        // BMP text: UTF-16 == code points.
        assert_eq!(ix.len_utf16(), ix.len_chars());
        assert_eq!(ix.len_chars(), text.chars().count());
        assert_eq!(ix.len_bytes(), text.len());

        // Every "Patrick Starck" occurrence maps back and forth.
        let mut found = 0;
        for (byte, _) in text.match_indices("Patrick Starck") {
            let c = ix.byte_to_char(byte).unwrap();
            assert_eq!(ix.char_to_byte(c), Some(byte));
            let cs: String = text.chars().skip(c).take(14).collect();
            assert_eq!(cs, "Patrick Starck");
            found += 1;
        }
        assert_eq!(found, 3);
    }

    #[test]
    fn seed_article_guillemet_paragraph_with_nbsp() {
        let text = seed();
        let ix = OffsetIndex::new(&text);
        let needle = "«\u{a0}Dans le cadre d’un accord tacite avec les actionnaires\u{a0}»";
        let byte = text.find(needle).expect("paragraph present");
        let c = ix.byte_to_char(byte).unwrap();
        let n = needle.chars().count();
        let end_byte = ix.char_to_byte(c + n).unwrap();
        assert_eq!(&text[byte..end_byte], needle);
        // Extra bytes over the code point count: « +1, NBSP +1, ’ +2,
        // NBSP +1, » +1.
        assert_eq!(end_byte - byte, n + 1 + 1 + 2 + 1 + 1);
        // All BMP: UTF-16 offsets equal code points.
        assert_eq!(ix.char_to_utf16(c), Some(c));
        assert_eq!(ix.utf16_to_char(c + n), Some(c + n));
    }

    #[test]
    fn index_is_small_for_ascii() {
        let ix = OffsetIndex::new(&"abc ".repeat(1000));
        assert!(ix.wide.is_empty());
        assert_eq!(ix.len_chars(), 4000);
        assert_eq!(ix.char_to_utf16(4000), Some(4000));
        assert_eq!(ix.utf16_to_char(4001), None);
    }

    fn check_against_oracle(text: &str) {
        let fast = OffsetIndex::new(text);
        let slow = NaiveIndex::new(text);
        assert_eq!(fast.len_chars(), slow.len_chars());
        assert_eq!(fast.len_utf16(), slow.len_utf16());
        assert_eq!(fast.len_bytes(), text.len());
        for c in 0..=slow.len_chars() + 2 {
            assert_eq!(
                fast.char_to_utf16(c),
                slow.char_to_utf16(c),
                "char_to_utf16({c}) in {text:?}"
            );
            assert_eq!(
                fast.char_to_byte(c),
                slow.char_to_byte(c),
                "char_to_byte({c}) in {text:?}"
            );
        }
        for u in 0..=slow.len_utf16() + 2 {
            assert_eq!(
                fast.utf16_to_char(u),
                slow.utf16_to_char(u),
                "utf16_to_char({u}) in {text:?}"
            );
        }
        for b in 0..=text.len() + 2 {
            assert_eq!(
                fast.byte_to_char(b),
                slow.byte_to_char(b),
                "byte_to_char({b}) in {text:?}"
            );
        }
    }

    #[test]
    fn oracle_on_hand_picked_strings() {
        for s in [
            "",
            "a",
            "é",
            "😀",
            "a😀b",
            "😀😀",
            "e\u{301}",         // e + combining acute
            "«\u{a0}x\u{a0}»",  // guillemets with NBSP
            "l’un",             // typographic apostrophe
            "l´auteur",         // acute accent U+00B4
            "👩\u{200d}💻 dev", // ZWJ sequence
            "\u{10ffff}\u{ffff}\u{80}",
        ] {
            check_against_oracle(s);
        }
        check_against_oracle(&seed());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod prop {
        use super::check_against_oracle;
        use proptest::prelude::*;

        fn interesting_char() -> impl Strategy<Value = char> {
            prop_oneof![
                4 => proptest::char::range('a', 'z'),
                1 => Just(' '),
                1 => Just('\n'),
                1 => prop::sample::select(vec![
                    'é', 'è', 'ç', 'à', '\u{a0}', '’', '´', '«', '»', '…',
                    '\u{301}', '\u{308}', '😀', '🇫', '👩', '\u{200d}', '\u{10ffff}',
                ]),
                1 => any::<char>(),
            ]
        }

        proptest! {
            #[test]
            fn fast_index_matches_naive_oracle(chars in prop::collection::vec(interesting_char(), 0..80)) {
                let s: String = chars.into_iter().collect();
                check_against_oracle(&s);
            }

            #[test]
            fn fast_index_matches_naive_oracle_any_string(s in any::<String>()) {
                check_against_oracle(&s);
            }
        }
    }
}
