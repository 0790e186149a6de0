//! Re-anchoring: carry annotations from one revision of a text to the next,
//! and place imported annotations from their quote and context.
//!
//! # How an annotation is placed
//!
//! 1. **Diff.** Both texts are cut into word and punctuation tokens
//!    (whitespace, NBSP, line wrapping, CR/LF, typographic quotes and
//!    apostrophes, ellipsis and dashes normalised away; see `text.rs`).
//!    Paragraphs are diffed first (by their tokens; imara-diff, Myers), a
//!    removed paragraph equal to an added one is a move, tokens are diffed
//!    inside the changed runs of paragraphs, and what is still unmapped is
//!    paired by shared 3-token shingles and diffed again (`mapping.rs`).
//!    The annotation's ends are carried through this mapping; an end inside
//!    a changed run goes to the edge of the run's replacement (or position
//!    by position when the run was replaced by as many tokens), so it stays
//!    on a word boundary.
//! 2. **Confirm.** The candidate is kept only if its evidence agrees
//!    (a context side agrees when at most a quarter of its normalised
//!    32 characters, cut at a paragraph break, changed):
//!    * same words (normalised quote equal) and either one context side
//!      that says something (8 characters or more, or the text's edge)
//!      agreeing, or the diff framing the span (neighbours within three
//!      tokens on both sides mapped next to it) → [`Outcome::Exact`] if the
//!      characters are identical, else [`Outcome::Edited`] (only spacing
//!      or typography changed);
//!    * words changed slightly ([`close_enough`]) and both context sides
//!      agreeing or the diff framing it → [`Outcome::Edited`].
//! 3. **Search**, only for what the diff could not confirm, and for
//!    imports ([`place`]): every occurrence of the quote's words, and every
//!    place framed by the context's words, is scored on quote (50), prefix
//!    (20), suffix (20) and position (2). Both sides must agree (when
//!    re-anchoring, in text the revision added, the same words and one
//!    telling side will do; text the diff traced to other old text is
//!    never a candidate), and the best must beat every other passing
//!    candidate by more than position alone could give, else the
//!    annotation is an orphan ([`OrphanReason::Ambiguous`]). A diff
//!    candidate with the same words and only a paragraph edge agreeing is
//!    kept when the search finds nothing.
//!
//! When in doubt the annotation is an orphan: the same words elsewhere, in
//! another context, never attract it.
//!
//! # Complexity
//!
//! With `n` the length of the texts and `k` the annotations: tokenising
//! and the code point tables O(n); the diff O(n + d²) in practice (d the
//! size of the changes, Myers with imara-diff's heuristics); each
//! annotation O(log n + q·c) (q quote length, c context) unless it is
//! searched, which costs O(occurrences of its rarest word · q).

mod mapping;
mod text;

use text::FxMap as HashMap;

use text::{levenshtein, lookup_tokens, normalise, Interner, Prepared};

/// Code points of context kept on each side of a quote.
pub const CONTEXT: usize = 32;

/// What we know of an annotation's place in the old text (or, for an
/// import, in the text it was made on). Offsets are code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// Start in the old text (for [`place`]: a position hint).
    pub start: usize,
    /// End (exclusive) in the old text (for [`place`]: a hint).
    pub end: usize,
    /// The annotated text.
    pub quote: String,
    /// Up to [`CONTEXT`] code points before the quote.
    pub prefix: String,
    /// Up to [`CONTEXT`] code points after the quote.
    pub suffix: String,
}

impl Evidence {
    /// The evidence of `[start, end)` in `text`, or `None` if the range is
    /// empty, reversed or outside the text. O(n): for many annotations of
    /// one text use [`evidence_for`].
    pub fn from_text(text: &str, start: usize, end: usize) -> Option<Evidence> {
        let chars: Vec<char> = text.chars().collect();
        evidence_in(&chars, start, end)
    }
}

/// The evidence of each span of `text` (`None` for an invalid span),
/// building the code point table once.
pub fn evidence_for(text: &str, spans: &[(usize, usize)]) -> Vec<Option<Evidence>> {
    let chars: Vec<char> = text.chars().collect();
    spans
        .iter()
        .map(|&(s, e)| evidence_in(&chars, s, e))
        .collect()
}

fn evidence_in(chars: &[char], start: usize, end: usize) -> Option<Evidence> {
    if start >= end || end > chars.len() {
        return None;
    }
    let collect = |a: usize, b: usize| chars.get(a..b).map(|s| s.iter().collect::<String>());
    Some(Evidence {
        start,
        end,
        quote: collect(start, end)?,
        prefix: collect(start.saturating_sub(CONTEXT), start)?,
        suffix: collect(end, (end + CONTEXT).min(chars.len()))?,
    })
}

/// Where an annotation landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The same text, at `[start, end)` of the new text (moved if the
    /// offsets differ from the evidence's).
    Exact {
        /// Start, code points.
        start: usize,
        /// End (exclusive), code points.
        end: usize,
    },
    /// Its words changed slightly (a typo fixed, a name respelt, a figure
    /// changed) or only their spacing or typography: the new quote is the
    /// text at `[start, end)`.
    Edited {
        /// Start, code points.
        start: usize,
        /// End (exclusive), code points.
        end: usize,
        /// The text now at `[start, end)`.
        quote: String,
    },
    /// Not placed.
    Orphan {
        /// Why.
        reason: OrphanReason,
    },
}

impl Outcome {
    /// Where it landed, if it was placed (exact or edited).
    pub fn span(&self) -> Option<(usize, usize)> {
        match *self {
            Outcome::Exact { start, end } | Outcome::Edited { start, end, .. } => {
                Some((start, end))
            }
            Outcome::Orphan { .. } => None,
        }
    }
}

/// Why an annotation could not be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrphanReason {
    /// Its words are gone (or so changed that they are other words).
    Gone,
    /// Several places fit its evidence equally well.
    Ambiguous,
    /// The evidence itself is unusable: empty quote, or one with no word or
    /// sign in it.
    NoEvidence,
}

impl std::fmt::Display for OrphanReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OrphanReason::Gone => "its text is no longer in the article",
            OrphanReason::Ambiguous => "several places match it equally well",
            OrphanReason::NoEvidence => "it has no text to look for",
        })
    }
}

/// Counts for the notice after a revision or an import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Exact, at the same offsets.
    pub unchanged: usize,
    /// Exact, at other offsets.
    pub moved: usize,
    /// Placed with a new quote.
    pub edited: usize,
    /// Not placed.
    pub orphaned: usize,
}

/// Count the outcomes (`items[i]` ↔ `outcomes[i]`; extra entries of the
/// longer slice are ignored).
pub fn summarise(items: &[Evidence], outcomes: &[Outcome]) -> Summary {
    let mut s = Summary::default();
    for (ev, out) in items.iter().zip(outcomes) {
        match out {
            Outcome::Exact { start, end } if (*start, *end) == (ev.start, ev.end) => {
                s.unchanged += 1
            }
            Outcome::Exact { .. } => s.moved += 1,
            Outcome::Edited { .. } => s.edited += 1,
            Outcome::Orphan { .. } => s.orphaned += 1,
        }
    }
    s
}

/// The rule for "edited" rather than "gone": the normalised quote changed
/// by at most a quarter of its characters (Levenshtein distance ≤
/// max(1, ⌊n/4⌋), n the old normalised length). `Starck` → `Stark`,
/// `500 millions` → `600 millions` pass; `Orange` → `Oracle` and
/// `Patrick Starck` → `Pierre Paperon` do not.
pub fn close_enough(old_quote: &str, new_quote: &str) -> bool {
    let a = normalise(&old_quote.chars().collect::<Vec<_>>());
    let b = normalise(&new_quote.chars().collect::<Vec<_>>());
    levenshtein(&a, &b, edit_budget(a.len())).is_some()
}

fn edit_budget(len: usize) -> usize {
    (len / 4).max(1)
}

/// A context side agrees when at most a quarter of it changed.
fn context_budget(len: usize) -> usize {
    len / 4
}

/// Re-anchor every annotation of `old` onto `new`: one outcome per
/// evidence, in order. Evidence whose quote is not the text of `old` at its
/// offsets is placed from its quote and context alone, as by [`place`].
pub fn reanchor(old: &str, new: &str, items: &[Evidence]) -> Vec<Outcome> {
    let mut interner = Interner::default();
    let o = Prepared::new(old, &mut interner);
    let n = Prepared::new(new, &mut interner);
    let map = mapping::map_tokens(&o.ids, &n.ids, interner.len(), &o.paras, &n.paras);
    let mut engine = Engine::new(&n, &interner);
    engine.old_of = mapping::invert(&map, n.ids.len());
    items
        .iter()
        .map(|ev| {
            let Some(need) = Need::new(ev) else {
                return Outcome::Orphan {
                    reason: OrphanReason::NoEvidence,
                };
            };
            let matches_old = o.slice(ev.start, ev.end) == need.quote.as_slice();
            let mut expected = None;
            let mut own = None;
            if matches_old {
                let (a, b) = o.tokens_in(ev.start, ev.end);
                own = Some((a, b));
                let mut weak = None;
                if a < b {
                    if let Some((s, e, sa, eb)) = carry(&o, &n, &map, a, b, ev.start, ev.end) {
                        let run = framed(&map, a, b, sa, eb, n.toks.len());
                        match engine.confirm(&need, s, e, run) {
                            Confirmed::Yes(out) => return out,
                            Confirmed::Weakly => weak = Some((s, e)),
                            Confirmed::No => {}
                        }
                    }
                }
                expected = expected_position(&o, &n, &map, a);
                let found = engine.search(&need, expected, None, own);
                return match (found, weak) {
                    // Nothing better anywhere: the diff's place, which its
                    // words and a paragraph edge support.
                    (
                        Outcome::Orphan {
                            reason: OrphanReason::Gone,
                        },
                        Some((s, e)),
                    ) => engine.outcome(&need, s, e),
                    (found, _) => found,
                };
            }
            engine.search(&need, expected, None, own)
        })
        .collect()
}

/// Place annotations on `text` from their quote and context (imports: an
/// older revision's export, W3C or Hypothesis quote selectors). `start` /
/// `end` are a position hint; with `hint_is_reliable`, a quote found
/// exactly at its hint is kept there and the hint breaks ties, otherwise
/// the hint only weighs as position. Same guarantees as [`reanchor`].
pub fn place(text: &str, items: &[Evidence], hint_is_reliable: bool) -> Vec<Outcome> {
    let mut interner = Interner::default();
    let n = Prepared::new(text, &mut interner);
    let mut engine = Engine::new(&n, &interner);
    items
        .iter()
        .map(|ev| {
            let Some(need) = Need::new(ev) else {
                return Outcome::Orphan {
                    reason: OrphanReason::NoEvidence,
                };
            };
            let at_hint = ev.start < ev.end && n.slice(ev.start, ev.end) == need.quote.as_slice();
            if at_hint {
                if hint_is_reliable {
                    return Outcome::Exact {
                        start: ev.start,
                        end: ev.end,
                    };
                }
                let v = engine.judge(&need, ev.start, ev.end);
                if v.same_words && v.prefix_ok && v.suffix_ok {
                    return Outcome::Exact {
                        start: ev.start,
                        end: ev.end,
                    };
                }
            }
            let reliable = (hint_is_reliable && ev.start < ev.end).then_some((ev.start, ev.end));
            engine.search(&need, Some(ev.start), reliable, None)
        })
        .collect()
}

/// Carry `[start, end)` (tokens `a..b` of `o`) through the token map:
/// the new `[start, end)` and its first and last new tokens.
fn carry(
    o: &Prepared,
    n: &Prepared,
    map: &[u32],
    a: usize,
    b: usize,
    start: usize,
    end: usize,
) -> Option<(usize, usize, usize, usize)> {
    let mapped = |i: usize| {
        map.get(i)
            .copied()
            .filter(|&j| j != mapping::NONE)
            .map(|j| j as usize)
    };
    let ot_a = *o.toks.get(a)?;
    let ot_b = *o.toks.get(b - 1)?;
    // Start.
    let (sa, s) = match mapped(a) {
        Some(j) => {
            let nt = *n.toks.get(j)?;
            let s = if start > ot_a.start && o.tok_chars(a) == n.tok_chars(j) {
                nt.start + (start - ot_a.start) // starts inside the word
            } else if start < ot_a.start
                && nt.start >= ot_a.start - start
                && o.slice(start, ot_a.start) == n.slice(nt.start - (ot_a.start - start), nt.start)
            {
                nt.start - (ot_a.start - start) // starts on the same spacing
            } else {
                nt.start
            };
            (j, s)
        }
        None => {
            let j = in_changed_run(map, a, n.toks.len(), true)?;
            (j, n.toks.get(j)?.start)
        }
    };
    // End.
    let (eb, e) = match mapped(b - 1) {
        Some(j) => {
            let nt = *n.toks.get(j)?;
            let e = if end < ot_b.end && o.tok_chars(b - 1) == n.tok_chars(j) {
                nt.end - (ot_b.end - end) // ends inside the word
            } else if end > ot_b.end
                && o.slice(ot_b.end, end) == n.slice(nt.end, nt.end + (end - ot_b.end))
            {
                nt.end + (end - ot_b.end) // ends on the same spacing
            } else {
                nt.end
            };
            (j, e)
        }
        None => {
            let j = in_changed_run(map, b - 1, n.toks.len(), false)?;
            (j, n.toks.get(j)?.end)
        }
    };
    // Sane: in order, and not much longer than it was.
    if sa > eb || eb - sa > 2 * (b - a) + 4 || s >= e {
        return None;
    }
    Some((s, e, sa, eb))
}

/// How far the diff's neighbours of a changed run are looked for.
const RUN_REACH: usize = 16;

/// New token for old token `t`, which the diff did not map: `t` lies in a
/// changed run between the nearest mapped tokens around it. A run replaced
/// by as many tokens maps position by position (a respelt name next to
/// another); otherwise only the run's first token (for a start) or last
/// token (for an end) maps, to the first or last token of its replacement.
fn in_changed_run(map: &[u32], t: usize, new_len: usize, start: bool) -> Option<usize> {
    let get = |i: usize| map.get(i).copied().filter(|&j| j != mapping::NONE);
    // Nearest mapped before (-1: the text start) and after (len: the end).
    let lo = t.saturating_sub(RUN_REACH);
    let before = match (lo..t).rev().find_map(|i| get(i).map(|j| (i, j))) {
        Some((i, j)) => (i as isize, j as isize),
        None if lo == 0 => (-1, -1),
        None => return None,
    };
    let hi = (t + 1 + RUN_REACH).min(map.len());
    let after = match (t + 1..hi).find_map(|i| get(i).map(|j| (i, j))) {
        Some((i, j)) => (i as isize, j as isize),
        None if hi == map.len() => (map.len() as isize, new_len as isize),
        None => return None,
    };
    let (old_run, new_run) = (after.0 - before.0 - 1, after.1 - before.1 - 1);
    if new_run < 0 {
        return None; // crossed by a move
    }
    let t = t as isize;
    let j = if old_run == new_run {
        before.1 + (t - before.0)
    } else if start && t == before.0 + 1 {
        before.1 + 1
    } else if !start && t == after.0 - 1 {
        after.1 - 1
    } else {
        return None;
    };
    usize::try_from(j).ok().filter(|&j| j < new_len)
}

/// The diff frames the carried span (old tokens `a..b`, new tokens
/// `sa..=eb`) in place: on each side, a token at most three away maps to
/// the same side of the new span, at most two tokens further away than it
/// was (or the text ends there in both).
fn framed(map: &[u32], a: usize, b: usize, sa: usize, eb: usize, new_len: usize) -> bool {
    let get = |i: usize| {
        map.get(i)
            .copied()
            .filter(|&j| j != mapping::NONE)
            .map(|j| j as usize)
    };
    let left = if a == 0 {
        sa == 0
    } else {
        (a.saturating_sub(3)..a).any(|i| get(i).is_some_and(|j| j < sa && sa - j <= a - i + 2))
    };
    let right = if b >= map.len() {
        eb + 1 == new_len
    } else {
        (b..(b + 3).min(map.len()))
            .any(|i| get(i).is_some_and(|j| j > eb && j - eb <= i + 1 - b + 2))
    };
    left && right
}

/// Where the annotation would be if it had not changed: the new place of
/// the nearest mapped token before it.
fn expected_position(o: &Prepared, n: &Prepared, map: &[u32], a: usize) -> Option<usize> {
    let lo = a.saturating_sub(64);
    (lo..a.min(map.len())).rev().find_map(|i| {
        let j = *map.get(i)?;
        if j == mapping::NONE {
            return None;
        }
        let shift = o.toks.get(a).map_or(0, |t| t.start) - o.toks.get(i)?.start;
        Some(n.toks.get(j as usize)?.start + shift)
    })
}

/// The evidence in the forms the engine compares.
struct Need {
    quote: Vec<char>,
    quote_n: Vec<char>,
    prefix: Ctx,
    suffix: Ctx,
    quote_raw: String,
    prefix_raw: String,
    suffix_raw: String,
}

/// One side of the context, normalised, cut at a paragraph break.
struct Ctx {
    /// The normalised context, nearest the quote last (prefix) or first
    /// (suffix).
    n: Vec<char>,
    /// A paragraph break (blank line) or the end of the text lies just
    /// beyond `n`: the new text must have one there too.
    edge: bool,
}

impl Ctx {
    fn prefix(raw: &[char]) -> Ctx {
        match para_breaks(raw).1 {
            Some(e) => Ctx {
                n: normalise(raw.get(e..).unwrap_or(&[])),
                edge: true,
            },
            None => {
                let mut n = normalise(raw);
                if n.len() > CONTEXT {
                    n.drain(..n.len() - CONTEXT);
                }
                Ctx {
                    n,
                    edge: raw.len() < CONTEXT,
                }
            }
        }
    }
    fn suffix(raw: &[char]) -> Ctx {
        match para_breaks(raw).0 {
            Some(s) => Ctx {
                n: normalise(raw.get(..s).unwrap_or(&[])),
                edge: true,
            },
            None => {
                let mut n = normalise(raw);
                n.truncate(CONTEXT);
                Ctx {
                    n,
                    edge: raw.len() < CONTEXT,
                }
            }
        }
    }
}

/// Paragraph breaks (a line break, only whitespace, another line break) in
/// `chars`: where the first one starts and where the last one ends.
fn para_breaks(chars: &[char]) -> (Option<usize>, Option<usize>) {
    let (mut first, mut last, mut prev_nl) = (None, None, None::<usize>);
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            if let Some(p) = prev_nl {
                first.get_or_insert(p);
                last = Some(i + 1);
            }
            prev_nl = Some(i);
        } else if !c.is_whitespace() {
            prev_nl = None;
        }
    }
    (first, last)
}

impl Need {
    fn new(ev: &Evidence) -> Option<Need> {
        let quote: Vec<char> = ev.quote.chars().collect();
        let quote_n = normalise(&quote);
        if quote_n.is_empty() {
            return None;
        }
        Some(Need {
            quote,
            quote_n,
            prefix: Ctx::prefix(&ev.prefix.chars().collect::<Vec<_>>()),
            suffix: Ctx::suffix(&ev.suffix.chars().collect::<Vec<_>>()),
            quote_raw: ev.quote.clone(),
            prefix_raw: ev.prefix.clone(),
            suffix_raw: ev.suffix.clone(),
        })
    }
}

/// How a candidate compares with the evidence.
#[derive(Clone, Copy, Debug)]
struct Verdict {
    /// Normalised quote equal.
    same_words: bool,
    /// Normalised quote within [`close_enough`].
    close: bool,
    /// Quote similarity, 0–1.
    quote_sim: f64,
    prefix_ok: bool,
    suffix_ok: bool,
    prefix_sim: f64,
    suffix_sim: f64,
}

/// The new text with what every search needs.
struct Engine<'t, 'i> {
    n: &'t Prepared,
    interner: &'t Interner<'i>,
    /// Token id → positions in the new text (built on first search).
    positions: Option<HashMap<u32, Vec<u32>>>,
    /// When re-anchoring: new token → the old token it came from
    /// ([`mapping::NONE`] for added text). Empty for [`place`].
    old_of: Vec<u32>,
}

/// Normalised characters a context side needs to confirm a quote alone.
const MIN_SIDE: usize = 8;

/// Does this context side tell anything on its own? An empty side (the
/// quote opens or closes its paragraph) only says "at a paragraph edge".
fn says(c: &Ctx) -> bool {
    c.n.len() >= MIN_SIDE || (c.edge && !c.n.is_empty())
}

/// What the evidence says of the diff's candidate.
enum Confirmed {
    Yes(Outcome),
    /// Same words, and only a paragraph edge agrees: kept if the search
    /// finds nothing better.
    Weakly,
    No,
}

/// Most candidates examined for one annotation.
const MAX_CANDIDATES: usize = 4_000;

impl<'t, 'i> Engine<'t, 'i> {
    fn new(n: &'t Prepared, interner: &'t Interner<'i>) -> Self {
        Engine {
            n,
            interner,
            positions: None,
            old_of: Vec::new(),
        }
    }

    /// Compare the evidence with the new text at `[s, e)`.
    fn judge(&self, need: &Need, s: usize, e: usize) -> Verdict {
        let got = normalise(self.n.slice(s, e));
        let same_words = got == need.quote_n;
        let (close, quote_sim) = if same_words {
            (true, 1.0)
        } else {
            let budget = edit_budget(need.quote_n.len());
            match levenshtein(&need.quote_n, &got, budget) {
                Some(d) => (true, 1.0 - d as f64 / need.quote_n.len().max(1) as f64),
                None => (false, 0.0),
            }
        };
        let (prefix_ok, prefix_sim) = self.side(&need.prefix, s, true);
        let (suffix_ok, suffix_sim) = self.side(&need.suffix, e, false);
        Verdict {
            same_words,
            close,
            quote_sim,
            prefix_ok,
            suffix_ok,
            prefix_sim,
            suffix_sim,
        }
    }

    /// Does the context on one side of `at` agree with `want`?
    fn side(&self, want: &Ctx, at: usize, before: bool) -> (bool, f64) {
        let raw = CONTEXT + CONTEXT / 2;
        let (got, got_edge) = if before {
            let from = at.saturating_sub(raw);
            let window = self.n.slice(from, at);
            match para_breaks(window).1 {
                Some(e) => (normalise(window.get(e..).unwrap_or(&[])), true),
                None => (normalise(window), from == 0),
            }
        } else {
            let window = self.n.slice(at, at + raw);
            match para_breaks(window).0 {
                Some(s) => (normalise(window.get(..s).unwrap_or(&[])), true),
                None => (normalise(window), at + raw >= self.n.chars.len()),
            }
        };
        let got: &[char] = if want.edge {
            if !got_edge {
                return (false, 0.0);
            }
            &got
        } else if before {
            got.get(got.len().saturating_sub(want.n.len())..)
                .unwrap_or(&[])
        } else {
            got.get(..want.n.len().min(got.len())).unwrap_or(&[])
        };
        if want.n.is_empty() {
            return (got.is_empty(), if got.is_empty() { 1.0 } else { 0.0 });
        }
        match levenshtein(&want.n, got, context_budget(want.n.len())) {
            Some(d) => (true, 1.0 - d as f64 / want.n.len() as f64),
            None => (false, 0.0),
        }
    }

    /// The outcome for the candidate the diff gave, if its evidence
    /// confirms it. `run`: the diff frames it in place ([`framed`]).
    fn confirm(&self, need: &Need, s: usize, e: usize, run: bool) -> Confirmed {
        if run && self.n.slice(s, e) == need.quote.as_slice() {
            // The common case, without normalising anything.
            return Confirmed::Yes(Outcome::Exact { start: s, end: e });
        }
        let v = self.judge(need, s, e);
        // One side alone must say something: an empty side (the quote
        // opens or closes its paragraph) only says "at a paragraph edge".
        let prefix_says = v.prefix_ok && says(&need.prefix);
        let suffix_says = v.suffix_ok && says(&need.suffix);
        let ok = (v.same_words && (prefix_says || suffix_says || run))
            || (v.close && ((v.prefix_ok && v.suffix_ok) || run));
        if ok {
            Confirmed::Yes(self.outcome(need, s, e))
        } else if v.same_words && (v.prefix_ok || v.suffix_ok) {
            Confirmed::Weakly
        } else {
            Confirmed::No
        }
    }

    fn outcome(&self, need: &Need, s: usize, e: usize) -> Outcome {
        let got = self.n.slice(s, e);
        if got == need.quote.as_slice() {
            Outcome::Exact { start: s, end: e }
        } else {
            Outcome::Edited {
                start: s,
                end: e,
                quote: got.iter().collect(),
            }
        }
    }

    fn positions(&mut self) -> &HashMap<u32, Vec<u32>> {
        let n = self.n;
        self.positions.get_or_insert_with(|| {
            let mut m: HashMap<u32, Vec<u32>> = HashMap::default();
            for (i, &id) in n.ids.iter().enumerate() {
                m.entry(id).or_default().push(i as u32);
            }
            m
        })
    }

    /// Search the whole new text. `expected`: where it would be (weighs as
    /// position); `reliable`: a hint that breaks ties; `own`: the
    /// annotation's tokens in the old text, when re-anchoring: text the diff
    /// traced to other old text belongs to that text and is no candidate.
    fn search(
        &mut self,
        need: &Need,
        expected: Option<usize>,
        reliable: Option<(usize, usize)>,
        own: Option<(usize, usize)>,
    ) -> Outcome {
        let mut cands = self.exact_candidates(need);
        if cands.len() > MAX_CANDIDATES {
            return Outcome::Orphan {
                reason: OrphanReason::Ambiguous,
            };
        }
        let framed = self.framed_candidates(need);
        for c in framed {
            if !cands.contains(&c) {
                cands.push(c);
            }
        }
        let len = self.n.chars.len().max(1) as f64;
        let mut passing: Vec<(f64, f64, (usize, usize))> = Vec::new(); // (score without position, with, span)
        for &(s, e) in cands.iter().take(MAX_CANDIDATES) {
            if !self.available(s, e, own) {
                continue;
            }
            let v = self.judge(need, s, e);
            // Away from where the diff put it, both sides must agree; in
            // text the revision added, the same words and one telling side
            // will do (that text belongs to no other old text).
            let one_side = own.is_some()
                && v.same_words
                && ((v.prefix_ok && says(&need.prefix)) || (v.suffix_ok && says(&need.suffix)));
            let pass = (v.close && v.prefix_ok && v.suffix_ok) || one_side;
            if !pass {
                continue;
            }
            let base = 50.0 * v.quote_sim + 20.0 * v.prefix_sim + 20.0 * v.suffix_sim;
            let pos = expected.map_or(0.0, |x| 1.0 - (s.abs_diff(x) as f64 / len).min(1.0));
            passing.push((base, base + 2.0 * pos, (s, e)));
        }
        passing.sort_by(|a, b| b.1.total_cmp(&a.1));
        let Some(&(best_base, _, (s, e))) = passing.first() else {
            return Outcome::Orphan {
                reason: OrphanReason::Gone,
            };
        };
        if let Some(&(second_base, _, _)) = passing.get(1) {
            // A rival as good on quote and context: only a reliable hint
            // may choose.
            if second_base + 2.0 >= best_base {
                if let Some(h) = reliable {
                    if let Some(&(_, _, (hs, he))) = passing.iter().find(|p| p.2 == h) {
                        return self.outcome(need, hs, he);
                    }
                }
                return Outcome::Orphan {
                    reason: OrphanReason::Ambiguous,
                };
            }
        }
        self.outcome(need, s, e)
    }

    /// Is `[s, e)` free to receive the annotation (not text the diff traced
    /// to other old text)?
    fn available(&self, s: usize, e: usize, own: Option<(usize, usize)>) -> bool {
        if self.old_of.is_empty() {
            return true;
        }
        let (a, b) = self.n.tokens_in(s, e);
        (a..b).all(|t| match self.old_of.get(t) {
            Some(&o) if o != mapping::NONE => {
                own.is_some_and(|(oa, ob)| (oa..ob).contains(&(o as usize)))
            }
            _ => true,
        })
    }

    /// Every place where the quote's tokens occur in sequence.
    fn exact_candidates(&mut self, need: &Need) -> Vec<(usize, usize)> {
        let q = lookup_tokens(&need.quote_raw, self.interner);
        let Some(q) = q.into_iter().collect::<Option<Vec<u32>>>() else {
            return Vec::new();
        };
        if q.is_empty() {
            return Vec::new();
        }
        let n = self.n;
        let pos = self.positions();
        let mut rarest: Option<(usize, &Vec<u32>)> = None;
        for (k, id) in q.iter().enumerate() {
            let Some(o) = pos.get(id) else {
                return Vec::new(); // a word the new text does not have
            };
            if rarest.is_none_or(|(_, r)| o.len() < r.len()) {
                rarest = Some((k, o));
            }
        }
        let Some((k, occ)) = rarest else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &j in occ.iter().take(MAX_CANDIDATES + 1) {
            let Some(st) = (j as usize).checked_sub(k) else {
                continue;
            };
            if n.ids.get(st..st + q.len()) == Some(q.as_slice()) {
                if let (Some(a), Some(b)) = (n.toks.get(st), n.toks.get(st + q.len() - 1)) {
                    out.push((a.start, b.end));
                }
            }
        }
        out
    }

    /// Places framed by the context: just after the prefix's last two
    /// tokens and just before the suffix's first two, at most a little
    /// longer or shorter than the quote. Finds quotes whose own words
    /// changed.
    fn framed_candidates(&mut self, need: &Need) -> Vec<(usize, usize)> {
        let p = lookup_tokens(&need.prefix_raw, self.interner);
        let s = lookup_tokens(&need.suffix_raw, self.interner);
        let q_len = lookup_tokens(&need.quote_raw, self.interner).len();
        let (Some(&Some(p1)), Some(&Some(s0))) = (p.last(), s.first()) else {
            return Vec::new();
        };
        let p0 = p
            .len()
            .checked_sub(2)
            .and_then(|i| p.get(i).copied().flatten());
        let s1 = s.get(1).copied().flatten();
        let n = self.n;
        let pos = self.positions();
        let Some(occ) = pos.get(&p1) else {
            return Vec::new();
        };
        let max_len = q_len + q_len / 2 + 2;
        let mut out = Vec::new();
        for &j in occ.iter().take(MAX_CANDIDATES) {
            let j = j as usize;
            if let Some(p0) = p0 {
                if j == 0 || n.ids.get(j - 1) != Some(&p0) {
                    continue;
                }
            }
            let st = j + 1;
            let end_tok = (st + 1..=(st + max_len).min(n.ids.len())).find(|&m| {
                n.ids.get(m) == Some(&s0) && s1.is_none_or(|s1| n.ids.get(m + 1) == Some(&s1))
            });
            if let Some(m) = end_tok {
                if let (Some(a), Some(b)) = (n.toks.get(st), n.toks.get(m - 1)) {
                    out.push((a.start, b.end));
                }
            }
        }
        out
    }
}
