//! The one place where code points, UTF-8 bytes and UTF-16 units meet.
//!
//! PROVISIONAL naive implementation (O(n) per lookup); to be replaced by an
//! O(log n) index with the same API.

/// Index over one text for converting between code points, UTF-8 byte
/// offsets and UTF-16 code units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffsetIndex {
    text: String,
}

impl OffsetIndex {
    /// Prepare the index (O(n)).
    pub fn new(text: &str) -> Self {
        OffsetIndex { text: text.to_owned() }
    }
    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }
    /// Length in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.text.encode_utf16().count()
    }
    /// UTF-16 offset of code point `c`; `None` if `c > len_chars`.
    pub fn char_to_utf16(&self, c: usize) -> Option<usize> {
        if c > self.len_chars() {
            return None;
        }
        Some(self.text.chars().take(c).map(char::len_utf16).sum())
    }
    /// Code point at UTF-16 offset `u`; an offset inside a surrogate pair
    /// rounds down to the start of that character. `None` if `u > len_utf16`.
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
    /// UTF-8 byte offset of code point `c`; `None` if `c > len_chars`.
    pub fn char_to_byte(&self, c: usize) -> Option<usize> {
        if c > self.len_chars() {
            return None;
        }
        Some(self.text.chars().take(c).map(char::len_utf8).sum())
    }
    /// Code point index of byte offset `b`; `None` if `b` is past the end
    /// or not on a character boundary.
    pub fn byte_to_char(&self, b: usize) -> Option<usize> {
        if !self.text.is_char_boundary(b) {
            return None;
        }
        Some(self.text[..b].chars().count())
    }
}
