//! "Tag all occurrences": where else the same words appear.

use super::names::{is_apostrophe, normalise_word};
use super::small::order;
use crate::core::{Annotation, Document};

/// A letter or digit of a word (or a combining accent on one).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Whether the word ending just before `pos` would continue across it:
/// a letter, or a hyphen joining two letters ("Jean-Pierre",
/// "patrick-stark-quitte" are single words; an apostrophe is not a joiner,
/// so "Cloudwatt" is a whole word in "d’Cloudwatt" as "affaires" is in
/// "d’affaires").
fn joined_before(chars: &[char], pos: usize) -> bool {
    let Some(&c) = pos.checked_sub(1).and_then(|i| chars.get(i)) else {
        return false;
    };
    if is_word_char(c) {
        return true;
    }
    c == '-'
        && pos
            .checked_sub(2)
            .and_then(|i| chars.get(i))
            .is_some_and(|&p| is_word_char(p))
}

fn joined_after(chars: &[char], end: usize) -> bool {
    let Some(&c) = chars.get(end) else {
        return false;
    };
    if is_word_char(c) {
        return true;
    }
    c == '-' && chars.get(end + 1).is_some_and(|&n| is_word_char(n))
}

/// `[start, end)` is a whole word (or run of words): it does not start or
/// end inside a word. An edge that is itself punctuation ("« Je … »")
/// needs no check on that side.
fn whole_words(chars: &[char], start: usize, end: usize) -> bool {
    let first_is_word = chars.get(start).is_some_and(|&c| is_word_char(c));
    let last_is_word = end
        .checked_sub(1)
        .and_then(|i| chars.get(i))
        .is_some_and(|&c| is_word_char(c));
    !(first_is_word && joined_before(chars, start) || last_is_word && joined_after(chars, end))
}

/// A separator between two words of a name: white space of any kind
/// (not a line break), hyphens and apostrophes; no sentence punctuation.
fn name_separator(s: &[char]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&c| (c.is_whitespace() && c != '\n') || c == '-' || is_apostrophe(c))
}

struct Word {
    start: usize,
    end: usize,
    key: String,
}

fn words(chars: &[char], from: usize, to: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if chars.get(i).is_some_and(|&c| is_word_char(c)) {
            let s = i;
            while i < to && chars.get(i).is_some_and(|&c| is_word_char(c)) {
                i += 1;
            }
            let text: String = chars.get(s..i).unwrap_or_default().iter().collect();
            out.push(Word {
                start: s,
                end: i,
                key: normalise_word(&text),
            });
        } else {
            i += 1;
        }
    }
    out
}

/// The untagged occurrences of `quote` in `doc`, in document order, as
/// code point ranges `[start, end)`:
///
/// - the exact text (same case) wherever it appears as whole words, and
/// - any run of whole words whose normalised form (case, accents,
///   apostrophes: see [`super::normalise_name`]) is the quote's, with only
///   spaces (NBSP included), hyphens or apostrophes between the words:
///   "CloudWatt" for "Cloudwatt", "Patrick\u{a0}Starck" for "Patrick
///   Starck", "Thales" for "Thalès".
///
/// Never across a blank line (an occurrence lies in one block). No two
/// results overlap: an exact match wins over a match by words, an earlier
/// one over a later one ("de de" in "de de de" is found once). A
/// candidate that overlaps an annotation labelled `label` is left out (it
/// is already tagged, or is part of a longer tag of that label), so the
/// annotation the list is made from is never in it.
pub fn occurrences(
    doc: &Document,
    quote: &str,
    annotations: &[Annotation],
    label: &str,
) -> Vec<(usize, usize)> {
    let chars: Vec<char> = doc.text().chars().collect();
    let q: Vec<char> = quote.chars().collect();
    let q_words: Vec<String> = words(&q, 0, q.len()).into_iter().map(|w| w.key).collect();
    // Both lists come out sorted (blocks in order, positions ascending).
    let mut exact: Vec<(usize, usize)> = Vec::new();
    let mut by_words: Vec<(usize, usize)> = Vec::new();

    for block in doc.blocks() {
        let (from, to) = (block.start.min(chars.len()), block.end.min(chars.len()));
        let Some(text) = chars.get(from..to) else {
            continue;
        };
        // Exact text.
        if let Some(&q0) = q.first() {
            if q.len() <= text.len() {
                for i in 0..=text.len() - q.len() {
                    if text[i] == q0
                        && text.get(i..i + q.len()) == Some(&q[..])
                        && whole_words(&chars, from + i, from + i + q.len())
                    {
                        exact.push((from + i, from + i + q.len()));
                    }
                }
            }
        }
        // Normalised words.
        let k = q_words.len();
        if k == 0 {
            continue;
        }
        let ws = words(&chars, from, to);
        for window in ws.windows(k) {
            let same = window.iter().zip(&q_words).all(|(w, q)| &w.key == q);
            let joined = window
                .windows(2)
                .all(|p| chars.get(p[0].end..p[1].start).is_some_and(name_separator));
            if let (true, true, Some(first), Some(last)) =
                (same, joined, window.first(), window.last())
            {
                if whole_words(&chars, first.start, last.end) {
                    by_words.push((first.start, last.end));
                }
            }
        }
    }

    let tagged: Vec<(usize, usize)> = annotations
        .iter()
        .filter(|a| a.label == label)
        .map(|a| (a.start, a.end))
        .collect();
    let overlaps = |set: &[(usize, usize)], (s, e): (usize, usize)| {
        set.iter().any(|&(ts, te)| ts < e && s < te)
    };
    // Exact matches first, then matches by words; never two overlapping
    // (the earlier wins), so tagging them all makes no duplicates.
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for c in exact.into_iter().chain(by_words) {
        if !overlaps(&tagged, c) && !overlaps(&kept, c) {
            kept.push(c);
        }
    }
    order(kept.len(), &|x, y| kept[x].cmp(&kept[y]))
        .into_iter()
        .map(|k| kept[k])
        .collect()
}
