//! Cutting a block into runs of text covered by the same annotations.
//!
//! Overlapping and nested annotations cannot be rendered as nested HTML
//! elements in general (`<a>..<b>..</a>..</b>`), so the UI renders each
//! block as a flat list of [`Segment`]s: maximal runs of text over which the
//! set of covering annotations does not change.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::document::Document;
use super::span::Annotation;
use super::spans::AnnotationSet;

/// A maximal run of a block covered by the same annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// First code point (global, in the whole text).
    pub start: usize,
    /// One past the last code point (global).
    pub end: usize,
    /// Ids of the covering annotations, outermost first (by
    /// [`Annotation::order_key`]). Empty for plain text.
    pub ids: Vec<String>,
}

impl Segment {
    /// Length in code points (never 0 for segments from [`segments`]).
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the segment covers nothing (never true for segments from
    /// [`segments`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether no annotation covers this segment.
    pub fn is_plain(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The segments of block `block`: they tile `[b.start, b.end)` exactly, in
/// order, none empty, and two neighbours never have the same ids.
/// Annotations reaching outside the block are clipped to it. Empty for a
/// block that does not exist.
///
/// `set` must have been built for `doc`.
///
/// Sweep line over the k annotations touching the block, found through the
/// per-block index (the others are not looked at): O(k log k) plus the size
/// of the output.
pub fn segments(doc: &Document, set: &AnnotationSet, block: usize) -> Vec<Segment> {
    let Some(b) = doc.blocks().get(block).copied() else {
        return Vec::new();
    };
    // (clipped start, clipped end, order key), in document order.
    type Key<'a> = (usize, Reverse<usize>, &'a str);
    type Item<'a> = (usize, usize, Key<'a>);
    let mut starts: Vec<Item<'_>> = set
        .in_block(block)
        .filter_map(|a: &Annotation| {
            let s = a.start.max(b.start);
            let e = a.end.min(b.end);
            (s < e).then(|| (s, e, a.order_key()))
        })
        .collect();
    // Already sorted by start (document order); the stable sort is a
    // linear-time no-op then, and a guarantee otherwise.
    starts.sort_by_key(|it| it.0);
    let mut ends: Vec<(usize, Key<'_>)> = starts.iter().map(|&(_, e, k)| (e, k)).collect();
    ends.sort_unstable();

    let mut out: Vec<Segment> = Vec::with_capacity(2 * starts.len() + 1);
    let mut active: BTreeSet<Key<'_>> = BTreeSet::new();
    let mut si = starts.iter().peekable();
    let mut ei = ends.iter().peekable();
    let mut pos = b.start;
    while pos < b.end {
        while let Some((_, k)) = ei.next_if(|(e, _)| *e <= pos) {
            active.remove(k);
        }
        while let Some((_, _, k)) = si.next_if(|(s, _, _)| *s <= pos) {
            active.insert(*k);
        }
        let next_start = si.peek().map_or(b.end, |it| it.0);
        let next_end = ei.peek().map_or(b.end, |it| it.0);
        let next = next_start.min(next_end).min(b.end);
        if next <= pos {
            break; // cannot happen: every pending event is after `pos`
        }
        let ids: Vec<String> = active.iter().map(|k| k.2.to_owned()).collect();
        match out.last_mut() {
            Some(last) if last.ids == ids && last.end == pos => last.end = next,
            _ => out.push(Segment {
                start: pos,
                end: next,
                ids,
            }),
        }
        pos = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Timestamp;

    fn ann(d: &Document, id: &str, start: usize, end: usize, label: &str) -> Annotation {
        Annotation::at(d, id, start, end, label, Timestamp(0)).expect("inside the text")
    }

    fn seg(start: usize, end: usize, ids: &[&str]) -> Segment {
        Segment {
            start,
            end,
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn plain_block_is_one_segment() {
        let d = Document::from_plain_text("Hello world\n\nSecond");
        let s = AnnotationSet::new(&d);
        assert_eq!(segments(&d, &s, 0), [seg(0, 11, &[])]);
        assert_eq!(segments(&d, &s, 1), [seg(13, 19, &[])]);
        assert!(segments(&d, &s, 2).is_empty());
    }

    #[test]
    fn nested_overlapping_and_clipped() {
        // "Alice Smith met Bob" = block 0 [0,19); block 1 "Next" [21,25).
        let d = Document::from_plain_text("Alice Smith met Bob\n\nNext");
        let mut s = AnnotationSet::new(&d);
        s.insert(&d, ann(&d, "claim", 0, 19, "claim")).unwrap();
        s.insert(&d, ann(&d, "alice", 0, 11, "person")).unwrap();
        s.insert(&d, ann(&d, "smith", 6, 11, "organisation"))
            .unwrap();
        s.insert(&d, ann(&d, "over", 9, 15, "claim")).unwrap();
        s.insert(&d, ann(&d, "cross", 16, 23, "person")).unwrap();
        assert_eq!(
            segments(&d, &s, 0),
            [
                seg(0, 6, &["claim", "alice"]),
                seg(6, 9, &["claim", "alice", "smith"]),
                seg(9, 11, &["claim", "alice", "smith", "over"]),
                seg(11, 15, &["claim", "over"]),
                seg(15, 16, &["claim"]),
                seg(16, 19, &["claim", "cross"]),
            ]
        );
        assert_eq!(
            segments(&d, &s, 1),
            [seg(21, 23, &["cross"]), seg(23, 25, &[])]
        );
    }

    #[test]
    fn segment_helpers() {
        let s = seg(3, 7, &[]);
        assert_eq!(s.len(), 4);
        assert!(!s.is_empty());
        assert!(s.is_plain());
        assert!(seg(5, 5, &["a"]).is_empty());
    }
}
