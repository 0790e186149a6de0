//! Text preparation for anchoring: the code point table, the word tokens and
//! the normalisation of differences that do not change meaning.
//!
//! A *token* is a maximal run of letters, digits and combining marks (a
//! word), or one punctuation or symbol character. Whitespace (including
//! NBSP, line breaks, CR) separates tokens and is never one. Punctuation is
//! folded before it is compared: typographic apostrophes and quotes become
//! `'` and `"` (French guillemets included), dashes become `-`, and `…`
//! becomes three `.` tokens; soft hyphens, zero-width spaces and variation
//! selectors are ignored.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small multiplicative hasher (the FxHash recipe) for the token maps:
/// the keys are the article's own words, so no untrusted party picks
/// collisions, and SipHash was a tenth of re-anchoring time.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One token: its code point range in the text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
}

/// Token ids shared by every text tokenised with the same interner.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    map: FxMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    /// Id of `key`, added if new.
    pub fn intern(&mut self, key: &'a str) -> u32 {
        let next = self.map.len() as u32;
        *self.map.entry(key).or_insert(next)
    }
    /// Id of `key` if some interned text has it.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.map.get(key).copied()
    }
    /// Number of distinct tokens.
    pub fn len(&self) -> u32 {
        self.map.len() as u32
    }
}

/// A text ready for anchoring: its characters and its tokens.
pub(crate) struct Prepared {
    pub chars: Vec<char>,
    pub toks: Vec<Tok>,
    pub ids: Vec<u32>,
    /// Index of the first token of each paragraph (blank-line separated).
    pub paras: Vec<usize>,
}

impl Prepared {
    /// Tokenise `text`, interning its tokens.
    pub fn new<'a>(text: &'a str, interner: &mut Interner<'a>) -> Prepared {
        let mut chars = Vec::with_capacity(text.len());
        let mut toks = Vec::with_capacity(text.len() / 5);
        let mut ids = Vec::with_capacity(text.len() / 5);
        tokenize(
            text,
            |c| chars.push(c),
            |start, end, key| {
                toks.push(Tok { start, end });
                ids.push(interner.intern(key));
            },
        );
        let mut paras = vec![0];
        for (i, w) in toks.windows(2).enumerate() {
            let gap = chars.get(w[0].end..w[1].start).unwrap_or(&[]);
            if gap.len() >= 2 && blank_line(gap) {
                paras.push(i + 1);
            }
        }
        Prepared {
            chars,
            toks,
            ids,
            paras,
        }
    }

    /// Tokens overlapping `[start, end)`: index range `a..b`.
    pub fn tokens_in(&self, start: usize, end: usize) -> (usize, usize) {
        let a = self.toks.partition_point(|t| t.end <= start);
        let b = self.toks.partition_point(|t| t.start < end);
        (a, b.max(a))
    }

    /// The characters `[start, end)`, clamped to the text.
    pub fn slice(&self, start: usize, end: usize) -> &[char] {
        let end = end.min(self.chars.len());
        self.chars.get(start.min(end)..end).unwrap_or(&[])
    }

    /// Raw text of token `i` (empty if out of range).
    pub fn tok_chars(&self, i: usize) -> &[char] {
        match self.toks.get(i) {
            Some(t) => self.slice(t.start, t.end),
            None => &[],
        }
    }
}

/// Does `gap` hold a line break, only whitespace, and another line break?
fn blank_line(gap: &[char]) -> bool {
    let mut nl = false;
    for &c in gap {
        if c == '\n' {
            if nl {
                return true;
            }
            nl = true;
        } else if !c.is_whitespace() {
            nl = false;
        }
    }
    false
}

/// Token ids of a short string (evidence) looked up in `interner`; `None`
/// for a token no prepared text has.
pub(crate) fn lookup_tokens(s: &str, interner: &Interner<'_>) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    tokenize(s, |_| {}, |_, _, key| out.push(interner.get(key)));
    out
}

/// Walk `text`: every character goes to `on_char`, every token (code
/// point range and comparison key) to `on_token`.
fn tokenize<'a>(
    text: &'a str,
    mut on_char: impl FnMut(char),
    mut on_token: impl FnMut(usize, usize, &'a str),
) {
    let mut cp = 0usize;
    let mut word: Option<(usize, usize)> = None; // (start cp, start byte)
    for (b, c) in text.char_indices() {
        on_char(c);
        if is_word(c) {
            if word.is_none() {
                word = Some((cp, b));
            }
            cp += 1;
            continue;
        }
        if let Some((ws, wb)) = word.take() {
            on_token(ws, cp, text.get(wb..b).unwrap_or(""));
        }
        if !c.is_whitespace() && !is_ignorable(c) {
            if c == '…' {
                for _ in 0..3 {
                    on_token(cp, cp + 1, ".");
                }
            } else {
                let key =
                    fold_punct(c).unwrap_or_else(|| text.get(b..b + c.len_utf8()).unwrap_or(""));
                on_token(cp, cp + 1, key);
            }
        }
        cp += 1;
    }
    if let Some((ws, wb)) = word {
        on_token(ws, cp, text.get(wb..).unwrap_or(""));
    }
}

/// Letters, digits and combining marks make words.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric()
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Characters that carry no meaning for anchoring.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}'
    )
}

/// The folded form of a punctuation character that has typographic twins.
fn fold_punct(c: char) -> Option<&'static str> {
    match c {
        '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}'
        | '`' | '\u{02BC}' => Some("'"),
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' | '\u{2039}' | '\u{203A}' => Some("\""),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2E3A}' | '\u{2E3B}' => Some("-"),
        _ => None,
    }
}

/// Normalised form of some characters, for comparing quotes and contexts:
/// punctuation folded as for tokens, `…` as `...`, whitespace runs as one
/// space, ignorable characters dropped, no space at either end.
pub(crate) fn normalise(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut space = false;
    for &c in chars {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if is_ignorable(c) {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if c == '…' {
            out.extend(['.', '.', '.']);
        } else {
            out.push(match fold_punct(c) {
                Some(s) => s.chars().next().unwrap_or(c),
                None => c,
            });
        }
    }
    out
}

/// Levenshtein distance between `a` and `b`, or `None` when it is above
/// `max` (computed in a band of width `2 max + 1`: O(len · max)).
pub(crate) fn levenshtein(a: &[char], b: &[char], max: usize) -> Option<usize> {
    // Common ends cost nothing.
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (a.get(head..).unwrap_or(&[]), b.get(head..).unwrap_or(&[]));
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (
        a.get(..a.len() - tail).unwrap_or(&[]),
        b.get(..b.len() - tail).unwrap_or(&[]),
    );
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    if n == 0 || m == 0 {
        return Some(n.max(m));
    }
    const INF: usize = usize::MAX / 2;
    let mut prev = vec![INF; m + 1];
    let mut cur = vec![INF; m + 1];
    for (j, p) in prev.iter_mut().enumerate().take(max.min(m) + 1) {
        *p = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        cur.iter_mut().for_each(|c| *c = INF);
        if i <= max {
            cur[0] = i;
        }
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(target_arch = "wasm32"))]
    fn naive(a: &[char], b: &[char]) -> usize {
        let mut d: Vec<Vec<usize>> = (0..=a.len()).map(|i| vec![i; b.len() + 1]).collect();
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let c = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j - 1] + c)
                    .min(d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1);
            }
        }
        d[a.len()][b.len()]
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn banded_levenshtein_matches_the_full_table(a in "[abc]{0,12}", b in "[abc]{0,12}", max in 0usize..14) {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let full = naive(&a, &b);
            let banded = levenshtein(&a, &b, max);
            proptest::prop_assert_eq!(banded, (full <= max).then_some(full));
        }
    }

    #[test]
    fn normalises_typography() {
        let n: String = normalise(&"  « l’État »\u{a0}…\r\n– fin ".chars().collect::<Vec<_>>())
            .into_iter()
            .collect();
        assert_eq!(n, "\" l'État \" ... - fin");
    }

    #[test]
    fn tokens_are_words_and_folded_punctuation() {
        let mut i = Interner::default();
        let p = Prepared::new("l’État…\u{a0}🚀 x", &mut i);
        assert_eq!(p.toks.len(), 8); // l ' État . . . 🚀 x
        assert_eq!(p.ids[1], i.get("'").unwrap_or(u32::MAX));
        assert_eq!(p.toks[6], Tok { start: 8, end: 9 });
        assert_eq!(p.toks[7], Tok { start: 10, end: 11 });
    }
}
