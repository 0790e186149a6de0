//! Re-anchoring benchmark: a seeded corpus of revisions with ground truth.
//!
//! `cargo bench --bench anchor` builds base articles (the seed article
//! `www/default-article.txt` and generated French-like ones), annotates
//! them, revises each one in every way a newsroom does (see
//! `bench/revisions/README.md` for the kinds and the ground-truth rules),
//! runs `core::anchor::reanchor` on every case and prints, per kind and
//! overall: right (placed where the truth says, or orphaned when the truth
//! says orphan), misplaced, lost (orphaned though the truth places it) and
//! time; then L and XL timings. It writes the corpus to
//! `$REVISION_CORPUS` (default `target/revision-corpus.json`) so that
//! `node bench/revisions/hypothesis.mjs` scores a Hypothesis-style anchorer
//! on the very same cases.
#![allow(dead_code)]

#[path = "core.rs"]
mod core_bench;

use std::time::{Duration, Instant};

use core_bench::{article, XorShift};
use surligneur::core::anchor::{close_enough, evidence_for, reanchor, Evidence, Outcome, CONTEXT};

const SEED_ARTICLE: &str = include_str!("../www/default-article.txt");

/// Names respelt or replaced by the person / organisation kinds.
const NAMES: &[&str] = &[
    "Starck",
    "Paperon",
    "Cloudwatt",
    "Thalès",
    "Orange",
    "Patrick",
    "Pierre",
    "Stark",
    "Paris",
];
const OTHER_NAMES: &[&str] = &[
    "Dupont",
    "Lefèvre",
    "Bouygues",
    "Mézières",
    "Atos",
    "Hébert",
];
const FILLER: &[&str] = &[
    "le",
    "la",
    "société",
    "président",
    "annonce",
    "nouvelle",
    "décision",
    "marché",
    "hier",
    "Cloudwatt",
    "Starck",
    "accord",
    "été",
    "données",
    "l’entreprise",
    "souverain",
];

// --- Edits and ground truth ---------------------------------------------

/// Replace old `[a, b)` by `text` (a == b: insertion).
#[derive(Clone, Debug)]
struct Edit {
    a: usize,
    b: usize,
    text: Vec<char>,
}

/// One revision step.
enum Rev {
    /// Non-overlapping edits of the current text.
    Edits(Vec<Edit>),
    /// Block `[a, b)` and block `[b, c)` swap places.
    Move(usize, usize, usize),
}

fn apply(text: &[char], rev: &Rev) -> Vec<char> {
    match rev {
        Rev::Edits(edits) => {
            let mut out = Vec::with_capacity(text.len() + 64);
            let mut at = 0;
            for e in edits {
                out.extend_from_slice(&text[at..e.a]);
                out.extend_from_slice(&e.text);
                at = e.b;
            }
            out.extend_from_slice(&text[at..]);
            out
        }
        &Rev::Move(a, b, c) => [&text[..a], &text[b..c], &text[a..b], &text[c..]].concat(),
    }
}

/// Where `[s, e)` goes (None: a boundary fell inside a change or a cut, or
/// nothing is left). Insertions at the span's start go before it, at its
/// end after it; an end on the edge of a replaced run goes to the edge of
/// its replacement.
fn map_span(rev: &Rev, s: usize, e: usize) -> Option<(usize, usize)> {
    match rev {
        Rev::Edits(edits) => {
            let (mut ds, mut de) = (0isize, 0isize);
            for ed in edits {
                let delta = ed.text.len() as isize - (ed.b - ed.a) as isize;
                if ed.a == ed.b {
                    if ed.a <= s {
                        ds += delta;
                    }
                    if ed.a < e {
                        de += delta;
                    }
                    continue;
                }
                if (ed.a < s && s < ed.b) || (ed.a < e && e < ed.b) {
                    return None;
                }
                if ed.b <= s {
                    ds += delta;
                }
                if ed.b <= e {
                    de += delta;
                }
            }
            let (ns, ne) = ((s as isize + ds) as usize, (e as isize + de) as usize);
            (ns < ne).then_some((ns, ne))
        }
        &Rev::Move(a, b, c) => {
            if e <= a || s >= c {
                Some((s, e))
            } else if a <= s && e <= b {
                Some((s + (c - b), e + (c - b)))
            } else if b <= s && e <= c {
                Some((s - (b - a), e - (b - a)))
            } else {
                None
            }
        }
    }
}

/// The ground truth of one annotation: placed at `[start, end)` of the new
/// text (exact or edited, by its text), or an orphan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    At(usize, usize),
    Orphan,
}

// --- Text helpers ---------------------------------------------------------

/// `[start, end)` of every run of letters and digits.
fn words(t: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.iter().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, t.len()));
    }
    out
}

/// `[start, end)` of every paragraph (text between blank lines).
fn paragraphs(t: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < t.len() {
        if t[i] == '\n' && t.get(i + 1) == Some(&'\n') {
            if i > start {
                out.push((start, i));
            }
            while i < t.len() && t[i] == '\n' {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    if start < t.len() {
        out.push((start, t.len()));
    }
    out
}

/// Sentence around `[s, e)`: from after the previous ". " (or the
/// paragraph start) to after the next ". " (or the paragraph end).
fn sentence_around(t: &[char], s: usize, e: usize) -> Option<(usize, usize)> {
    let (ps, pe) = paragraphs(t).into_iter().find(|&(a, b)| a <= s && e <= b)?;
    let mut a = s;
    while a > ps && !(t[a - 1] == ' ' && a >= 2 && t[a - 2] == '.') {
        a -= 1;
    }
    let mut b = e;
    while b < pe && !(t[b] == '.' && (b + 1 == pe || t.get(b + 1) == Some(&' '))) {
        b += 1;
    }
    let b = if b < pe { (b + 2).min(pe) } else { pe };
    Some((a, b))
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn is_word_at(t: &[char], s: usize, e: usize) -> bool {
    (s == 0 || !t[s - 1].is_alphanumeric()) && (e == t.len() || !t[e].is_alphanumeric())
}

/// Every whole-word occurrence of `w`.
fn occurrences(t: &[char], w: &[char]) -> Vec<usize> {
    if w.is_empty() || w.len() > t.len() {
        return Vec::new();
    }
    (0..=t.len() - w.len())
        .filter(|&i| &t[i..i + w.len()] == w && is_word_at(t, i, i + w.len()))
        .collect()
}

/// One letter changed: double one, drop one, or an accent added/removed.
fn misspell(rng: &mut XorShift, w: &[char]) -> Vec<char> {
    let mut out = w.to_vec();
    let i = 1 + rng.below(w.len().saturating_sub(1).max(1));
    let i = i.min(w.len() - 1);
    match rng.below(3) {
        0 => out.insert(i, w[i]),
        1 if w.len() > 3 => {
            out.remove(i);
        }
        _ => {
            let swap = |c: char| match c {
                'e' => 'é',
                'é' => 'e',
                'è' => 'e',
                'a' => 'à',
                'o' => 'ô',
                'i' => 'î',
                c => c,
            };
            let j = (0..w.len()).find(|&j| swap(w[j]) != w[j]).unwrap_or(i);
            out[j] = swap(w[j]);
            if out == w {
                out.insert(i, w[i]);
            }
        }
    }
    out
}

fn sentence(rng: &mut XorShift, extra: Option<&[char]>) -> Vec<char> {
    let n = 6 + rng.below(10);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let w = FILLER[rng.below(FILLER.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
        if i == n / 2 {
            if let Some(x) = extra {
                s.push(' ');
                s.extend(x.iter());
            }
        }
    }
    s.push('.');
    chars(&s)
}

// --- Revision kinds ---------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    TypoInSpan,
    TypoNearSpan,
    ClaimWordChanged,
    FigureChanged,
    NameRespelt,
    NameReplaced,
    SentenceInserted,
    ParagraphInserted,
    ParagraphRemoved,
    ParagraphMoved,
    Reflow,
    Typography,
    SpanDeleted,
    SentenceDeleted,
    Trimmed,
    CopyAdded,
}

/// The kinds reported, each a list of steps applied in turn.
const KINDS: &[(&str, &[Step])] = &[
    ("typo fixed inside a span", &[Step::TypoInSpan]),
    ("typo fixed near a span", &[Step::TypoNearSpan]),
    ("one word of a claim changed", &[Step::ClaimWordChanged]),
    ("a figure changed", &[Step::FigureChanged]),
    ("a name respelt everywhere", &[Step::NameRespelt]),
    ("a name replaced by another", &[Step::NameReplaced]),
    ("a sentence inserted", &[Step::SentenceInserted]),
    ("a paragraph inserted", &[Step::ParagraphInserted]),
    ("a paragraph removed", &[Step::ParagraphRemoved]),
    ("a paragraph moved", &[Step::ParagraphMoved]),
    ("whitespace/NBSP/wrap/CRLF reflow", &[Step::Reflow]),
    ("quotes and apostrophes retyped", &[Step::Typography]),
    ("the span deleted", &[Step::SpanDeleted]),
    ("the span's sentence deleted", &[Step::SentenceDeleted]),
    ("clipping trimmed head and tail", &[Step::Trimmed]),
    ("a copy of the span added elsewhere", &[Step::CopyAdded]),
    (
        "compound: respelt + moved",
        &[Step::NameRespelt, Step::ParagraphMoved],
    ),
    (
        "compound: reflow + sentence deleted",
        &[Step::Reflow, Step::SentenceDeleted],
    ),
    (
        "compound: copy added + span deleted",
        &[Step::CopyAdded, Step::SpanDeleted],
    ),
    (
        "compound: typography + typo near + paragraph inserted",
        &[
            Step::Typography,
            Step::TypoNearSpan,
            Step::ParagraphInserted,
        ],
    ),
    (
        "compound: trimmed + claim word + reflow",
        &[Step::Trimmed, Step::ClaimWordChanged, Step::Reflow],
    ),
];

/// One revision step of `t`, aimed at annotation `target` (its current
/// span) where the kind aims at one.
fn step(rng: &mut XorShift, kind: Step, t: &[char], target: Option<(usize, usize)>) -> Rev {
    let ws = words(t);
    let paras = paragraphs(t);
    let edits = |mut v: Vec<Edit>| {
        v.sort_by_key(|e| (e.a, e.b));
        let mut out: Vec<Edit> = Vec::new();
        for e in v {
            if out
                .last()
                .is_none_or(|l| l.b <= e.a && !(l.a == l.b && e.a == e.b && l.a == e.a))
            {
                out.push(e);
            }
        }
        Rev::Edits(out)
    };
    let in_span =
        |(s, e): (usize, usize)| ws.iter().copied().filter(move |&(a, b)| a >= s && b <= e);
    match kind {
        Step::TypoInSpan | Step::TypoNearSpan => {
            let Some((s, e)) = target else {
                return Rev::Edits(vec![]);
            };
            let cands: Vec<(usize, usize)> = if kind == Step::TypoInSpan {
                in_span((s, e)).filter(|&(a, b)| b - a >= 3).collect()
            } else {
                ws.iter()
                    .copied()
                    .filter(|&(a, b)| {
                        b - a >= 3 && ((b <= s && b + CONTEXT > s) || (a >= e && a < e + CONTEXT))
                    })
                    .collect()
            };
            let Some(&(a, b)) = cands.get(rng.below(cands.len())) else {
                return Rev::Edits(vec![]);
            };
            edits(vec![Edit {
                a,
                b,
                text: misspell(rng, &t[a..b]),
            }])
        }
        Step::ClaimWordChanged => {
            let Some(span) = target else {
                return Rev::Edits(vec![]);
            };
            let inside: Vec<(usize, usize)> = in_span(span).collect();
            let Some(&(a, b)) = inside.get(rng.below(inside.len())) else {
                return Rev::Edits(vec![]);
            };
            // A plain word (not one holding the old one, like l’entreprise).
            let mut w = chars(FILLER[rng.below(FILLER.len())]);
            if w == t[a..b] || w.contains(&'’') {
                w = chars("désormais");
            }
            edits(vec![Edit { a, b, text: w }])
        }
        Step::FigureChanged => {
            let figures: Vec<(usize, usize)> = ws
                .iter()
                .copied()
                .filter(|&(a, b)| t[a..b].iter().all(|c| c.is_ascii_digit()))
                .collect();
            let Some(&(a, b)) = figures.get(rng.below(figures.len())) else {
                return step(rng, Step::ClaimWordChanged, t, target);
            };
            let i = a + rng.below(b - a);
            let d = ((t[i] as u8 - b'0' + 1 + rng.below(8) as u8) % 10 + b'0') as char;
            edits(vec![Edit {
                a: i,
                b: i + 1,
                text: vec![d],
            }])
        }
        Step::NameRespelt | Step::NameReplaced => {
            let present: Vec<&str> = NAMES
                .iter()
                .copied()
                .filter(|n| !occurrences(t, &chars(n)).is_empty())
                .collect();
            let Some(name) = present.get(rng.below(present.len())) else {
                return Rev::Edits(vec![]);
            };
            let name = chars(name);
            let to = if kind == Step::NameRespelt {
                misspell(rng, &name)
            } else {
                chars(OTHER_NAMES[rng.below(OTHER_NAMES.len())])
            };
            edits(
                occurrences(t, &name)
                    .into_iter()
                    .map(|a| Edit {
                        a,
                        b: a + name.len(),
                        text: to.clone(),
                    })
                    .collect(),
            )
        }
        Step::SentenceInserted => {
            // At a sentence start inside a paragraph (after ". "), or at a paragraph start.
            let starts: Vec<usize> = (2..t.len())
                .filter(|&i| t[i - 1] == ' ' && t[i - 2] == '.')
                .collect();
            let at = match starts.get(rng.below(starts.len())) {
                Some(&a) => a,
                None => paras.get(rng.below(paras.len())).map_or(0, |p| p.0),
            };
            let mut s = sentence(rng, None);
            s.push(' ');
            edits(vec![Edit {
                a: at,
                b: at,
                text: s,
            }])
        }
        Step::ParagraphInserted => {
            let at = paras
                .get(1 + rng.below(paras.len().saturating_sub(1)))
                .map_or(t.len(), |p| p.0);
            let mut s = sentence(rng, None);
            s.push(' ');
            s.extend(sentence(rng, None));
            s.extend(['\n', '\n']);
            edits(vec![Edit {
                a: at,
                b: at,
                text: s,
            }])
        }
        Step::ParagraphRemoved => {
            // A paragraph holding the target if there is one, else any.
            let k = target
                .and_then(|(s, _)| paras.iter().position(|&(a, b)| a <= s && s < b))
                .filter(|_| rng.percent(50))
                .unwrap_or_else(|| rng.below(paras.len()));
            let Some(&(a, _)) = paras.get(k) else {
                return Rev::Edits(vec![]);
            };
            let b = paras.get(k + 1).map_or(t.len(), |p| p.0);
            edits(vec![Edit { a, b, text: vec![] }])
        }
        Step::ParagraphMoved => {
            if paras.len() < 3 {
                return Rev::Edits(vec![]);
            }
            // Blocks start at paragraph starts; the last block ends at a paragraph start.
            let mut idx = [
                1 + rng.below(paras.len() - 1),
                1 + rng.below(paras.len() - 1),
                1 + rng.below(paras.len()),
            ];
            idx.sort_unstable();
            let start = |k: usize| paras.get(k).map_or(t.len(), |p| p.0);
            let (a, b, c) = (start(idx[0]), start(idx[1]), start(idx[2]));
            if a == b || b == c || c == t.len() && t.last() != Some(&'\n') {
                // A paragraph moved to the end needs its blank line: move one before the last.
                let (a, b) = (start(paras.len() - 3), start(paras.len() - 2));
                return Rev::Move(a, b, start(paras.len() - 1));
            }
            Rev::Move(a, b, c)
        }
        Step::Reflow => {
            let crlf = rng.percent(50);
            let mut v = Vec::new();
            for (i, &c) in t.iter().enumerate() {
                match c {
                    '\u{a0}' => v.push(Edit {
                        a: i,
                        b: i + 1,
                        text: vec![' '],
                    }),
                    ' ' if t.get(i + 1) == Some(&' ') => v.push(Edit {
                        a: i,
                        b: i + 2,
                        text: vec![' '],
                    }),
                    ' ' if rng.percent(4) => v.push(Edit {
                        a: i,
                        b: i + 1,
                        text: vec!['\n'],
                    }),
                    '\n' if crlf => v.push(Edit {
                        a: i,
                        b: i + 1,
                        text: vec!['\r', '\n'],
                    }),
                    _ => {}
                }
            }
            edits(v)
        }
        Step::Typography => {
            let mut v = Vec::new();
            for (i, &c) in t.iter().enumerate() {
                let to: Option<&[char]> = match c {
                    '’' | '´' => Some(&['\'']),
                    '\'' => Some(&['’']),
                    '«' | '»' => Some(&['"']),
                    '…' => Some(&['.', '.', '.']),
                    '—' => Some(&['-']),
                    _ => None,
                };
                if let Some(to) = to {
                    v.push(Edit {
                        a: i,
                        b: i + 1,
                        text: to.to_vec(),
                    });
                }
            }
            edits(v)
        }
        Step::SpanDeleted => {
            let Some((s, e)) = target else {
                return Rev::Edits(vec![]);
            };
            let a = if s > 0 && t[s - 1] == ' ' { s - 1 } else { s };
            edits(vec![Edit {
                a,
                b: e,
                text: vec![],
            }])
        }
        Step::SentenceDeleted => {
            let Some((s, e)) = target else {
                return Rev::Edits(vec![]);
            };
            match sentence_around(t, s, e) {
                Some((a, b)) => edits(vec![Edit { a, b, text: vec![] }]),
                None => Rev::Edits(vec![]),
            }
        }
        Step::Trimmed => {
            if paras.len() < 4 {
                return Rev::Edits(vec![]);
            }
            let head = 1 + rng.below(2);
            let tail = 1 + rng.below(2);
            let cut_head = paras[head].0;
            let cut_tail = paras[paras.len() - 1 - tail].1;
            edits(vec![
                Edit {
                    a: 0,
                    b: cut_head,
                    text: vec![],
                },
                Edit {
                    a: cut_tail,
                    b: t.len(),
                    text: vec![],
                },
            ])
        }
        Step::CopyAdded => {
            let Some((s, e)) = target else {
                return Rev::Edits(vec![]);
            };
            // A new sentence with the span's words, in another paragraph.
            let others: Vec<&(usize, usize)> =
                paras.iter().filter(|&&(a, b)| !(a <= s && s < b)).collect();
            let Some(&&(a, _)) = others.get(rng.below(others.len())) else {
                return Rev::Edits(vec![]);
            };
            let mut s2 = sentence(rng, Some(&t[s..e]));
            s2.push(' ');
            edits(vec![Edit { a, b: a, text: s2 }])
        }
    }
}

// --- Cases ------------------------------------------------------------------

struct Case {
    kind: usize,
    base: usize,
    old: String,
    new: String,
    evidence: Vec<Evidence>,
    truth: Vec<Truth>,
    /// The annotation's words and 32-character context are untouched.
    untouched: Vec<bool>,
}

/// Annotations over `t`: 1–3 consecutive words within a paragraph, about
/// one per `every` words, plus `name_pct` % of the name occurrences.
fn spans(t: &[char], every: usize, name_pct: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = XorShift::new(seed);
    let ws = words(t);
    let paras = paragraphs(t);
    let para_of = |i: usize| paras.iter().position(|&(a, b)| a <= i && i < b);
    let mut out = Vec::new();
    for (k, &(a, b)) in ws.iter().enumerate() {
        let w: String = t[a..b].iter().collect();
        if NAMES.contains(&w.as_str()) && rng.percent(name_pct) {
            // With the first name when there is one.
            let s = if k > 0
                && matches!(
                    t[ws[k - 1].0..ws[k - 1].1]
                        .iter()
                        .collect::<String>()
                        .as_str(),
                    "Patrick" | "Pierre"
                )
                && ws[k - 1].1 + 1 == a
            {
                ws[k - 1].0
            } else {
                a
            };
            out.push((s, b));
        } else if rng.below(every) == 0 {
            let last = (k + rng.below(3)).min(ws.len() - 1);
            let e = ws[last].1;
            if para_of(a) == para_of(e - 1) {
                out.push((a, e));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn build_case(kind: usize, base: usize, text: &str, seed: u64) -> Case {
    let mut rng = XorShift::new(seed);
    let old = chars(text);
    let sp = spans(&old, 8, if base == 0 { 60 } else { 10 }, seed ^ 0xABCD);
    let target = if sp.is_empty() {
        None
    } else {
        Some(rng.below(sp.len()))
    };
    let mut cur = old.clone();
    let mut where_: Vec<Option<(usize, usize)>> = sp.iter().map(|&s| Some(s)).collect();
    for &st in KINDS[kind].1 {
        let tgt = target.and_then(|i| where_[i]);
        let rev = step(&mut rng, st, &cur, tgt);
        cur = apply(&cur, &rev);
        for w in where_.iter_mut() {
            *w = w.and_then(|(s, e)| map_span(&rev, s, e));
        }
    }
    let new: String = cur.iter().collect();
    let evidence: Vec<Evidence> = evidence_for(text, &sp).into_iter().flatten().collect();
    let mut truth = Vec::with_capacity(sp.len());
    let mut untouched = Vec::with_capacity(sp.len());
    for (ev, w) in evidence.iter().zip(&where_) {
        let t = match *w {
            Some((s, e)) => {
                let q: String = cur[s..e].iter().collect();
                if q == ev.quote || close_enough(&ev.quote, &q) {
                    Truth::At(s, e)
                } else {
                    Truth::Orphan
                }
            }
            None => Truth::Orphan,
        };
        let same = match t {
            Truth::At(s, e) => {
                let p: String = cur[s.saturating_sub(CONTEXT)..s].iter().collect();
                let x: String = cur[e..(e + CONTEXT).min(cur.len())].iter().collect();
                cur[s..e].iter().collect::<String>() == ev.quote && p == ev.prefix && x == ev.suffix
            }
            Truth::Orphan => false,
        };
        truth.push(t);
        untouched.push(same);
    }
    Case {
        kind,
        base,
        old: text.to_string(),
        new,
        evidence,
        truth,
        untouched,
    }
}

#[derive(Default, Clone, Copy)]
struct Tally {
    cases: usize,
    anns: usize,
    touched: usize,
    right: usize,
    right_touched: usize,
    misplaced: usize,
    lost: usize,
    untouched_not_exact: usize,
    time: Duration,
}

fn score(case: &Case, out: &[Outcome], t: &mut Tally) {
    t.cases += 1;
    for ((truth, o), &untouched) in case.truth.iter().zip(out).zip(&case.untouched) {
        t.anns += 1;
        let placed = match o {
            Outcome::Exact { start, end } | Outcome::Edited { start, end, .. } => {
                Some((*start, *end))
            }
            Outcome::Orphan { .. } => None,
        };
        let right = match (truth, placed) {
            (Truth::At(s, e), Some(p)) if (*s, *e) == p => true,
            (Truth::At(..), Some(_)) | (Truth::Orphan, Some(_)) => {
                t.misplaced += 1;
                false
            }
            (Truth::At(..), None) => {
                t.lost += 1;
                false
            }
            (Truth::Orphan, None) => true,
        };
        t.right += usize::from(right);
        if !untouched {
            t.touched += 1;
            t.right_touched += usize::from(right);
        } else if !matches!(o, Outcome::Exact { .. }) || !right {
            t.untouched_not_exact += 1;
        }
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "—".into()
    } else {
        format!("{:.2} %", 100.0 * a as f64 / b as f64)
    }
}

fn print_tally(name: &str, t: &Tally) {
    println!(
        "{:<52} {:>5} {:>7} {:>7} {:>9} {:>9} {:>4} {:>4} {:>4} {:>9.2}",
        name,
        t.cases,
        t.anns,
        t.touched,
        pct(t.right, t.anns),
        pct(t.right_touched, t.touched),
        t.misplaced,
        t.lost,
        t.untouched_not_exact,
        t.time.as_secs_f64() * 1e3
    );
}

fn write_corpus(path: &str, bases: &[(String, String)], cases: &[Case]) {
    use serde_json::{json, Value};
    let cases: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "kind": KINDS[c.kind].0,
                "base": bases[c.base].0,
                "old": c.old,
                "new": c.new,
                "annotations": c.evidence.iter().map(|e| json!({
                    "start": e.start, "end": e.end, "quote": e.quote, "prefix": e.prefix, "suffix": e.suffix
                })).collect::<Vec<_>>(),
                "truth": c.truth.iter().map(|t| match t {
                    Truth::At(s, e) => json!([s, e]),
                    Truth::Orphan => Value::Null,
                }).collect::<Vec<_>>(),
                "untouched": c.untouched,
            })
        })
        .collect();
    let doc = json!({ "kinds": KINDS.iter().map(|k| k.0).collect::<Vec<_>>(), "cases": cases });
    if let Some(dir) = std::path::Path::new(path).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::write(path, serde_json::to_vec(&doc).unwrap_or_default()) {
        Ok(()) => println!("corpus written to {path}"),
        Err(e) => println!("could not write the corpus to {path}: {e}"),
    }
}

/// Time `reanchor` on an article of `n_words` with `n_ann` annotations and
/// a compound revision (a name respelt everywhere, a paragraph moved, one
/// inserted, a reflow).
fn big(label: &str, n_words: usize, n_ann: usize, runs: usize) {
    let art = article(n_words, 0x5EED + n_words as u64);
    let old = chars(&art.text);
    let every = (n_words / n_ann).max(1);
    let sp = spans(&old, every, 0, 7);
    let mut rng = XorShift::new(99);
    let mut cur = old.clone();
    let mut where_: Vec<Option<(usize, usize)>> = sp.iter().map(|&s| Some(s)).collect();
    for st in [
        Step::NameRespelt,
        Step::ParagraphMoved,
        Step::ParagraphInserted,
        Step::Reflow,
    ] {
        let rev = step(&mut rng, st, &cur, None);
        cur = apply(&cur, &rev);
        for w in where_.iter_mut() {
            *w = w.and_then(|(s, e)| map_span(&rev, s, e));
        }
    }
    let new: String = cur.iter().collect();
    let evs: Vec<Evidence> = evidence_for(&art.text, &sp).into_iter().flatten().collect();
    let (med, min) = core_bench::median(runs, || reanchor(&art.text, &new, &evs));
    let out = reanchor(&art.text, &new, &evs);
    let placed = out
        .iter()
        .filter(|o| !matches!(o, Outcome::Orphan { .. }))
        .count();
    println!(
        "{label}: {} chars, {} annotations ({} placed): reanchor median {:.1} ms, min {:.1} ms ({runs} runs)",
        old.len(),
        evs.len(),
        placed,
        med.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3
    );
}

fn main() {
    if std::env::var("ANCHOR_BENCH").as_deref() == Ok("big") {
        big("L (50,000 words)", 50_000, 5_000, 11);
        big("XL (200,000 words)", 200_000, 20_000, 5);
        return;
    }
    let bases: Vec<(String, String)> = vec![
        ("seed article".into(), SEED_ARTICLE.to_string()),
        ("generated 600 words".into(), article(600, 11).text),
        ("generated 2,000 words".into(), article(2_000, 12).text),
        ("generated 5,000 words".into(), article(5_000, 13).text),
    ];
    let seeds_per: u64 = std::env::var("REVISION_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let mut cases = Vec::new();
    for k in 0..KINDS.len() {
        for (b, (_, text)) in bases.iter().enumerate() {
            for s in 0..seeds_per {
                cases.push(build_case(
                    k,
                    b,
                    text,
                    1 + s * 7919 + (k as u64) * 104_729 + (b as u64) * 15_485_863,
                ));
            }
        }
    }
    println!(
        "{:<52} {:>5} {:>7} {:>7} {:>9} {:>9} {:>4} {:>4} {:>4} {:>9}",
        "kind", "cases", "annots", "touched", "right", "right(t)", "mis", "lost", "unex", "time ms"
    );
    let mut all = Tally::default();
    let mut failures = Vec::new();
    for (k, (name, _)) in KINDS.iter().enumerate() {
        let mut t = Tally::default();
        for c in cases.iter().filter(|c| c.kind == k) {
            let start = Instant::now();
            let out = reanchor(&c.old, &c.new, &c.evidence);
            t.time += start.elapsed();
            let before = (t.misplaced, t.lost, t.untouched_not_exact);
            score(c, &out, &mut t);
            if (t.misplaced, t.lost, t.untouched_not_exact) != before {
                for (i, ((truth, o), ev)) in c.truth.iter().zip(&out).zip(&c.evidence).enumerate() {
                    let ok = match (truth, o) {
                        (
                            Truth::At(s, e),
                            Outcome::Exact { start, end } | Outcome::Edited { start, end, .. },
                        ) => (s, e) == (start, end),
                        (Truth::Orphan, Outcome::Orphan { .. }) => true,
                        _ => false,
                    };
                    let misplaced = !ok && !matches!(o, Outcome::Orphan { .. });
                    if !ok && (failures.len() < 12 || misplaced) {
                        let around = |p: usize| -> String {
                            c.new.chars().skip(p.saturating_sub(40)).take(100).collect()
                        };
                        let at = match (truth, o) {
                            (_, Outcome::Exact { start, .. } | Outcome::Edited { start, .. }) => {
                                around(*start)
                            }
                            (Truth::At(s, _), _) => around(*s),
                            _ => String::new(),
                        };
                        failures.push(format!(
                            "{}{name} / {}: #{i} {:?} (prefix {:?}, suffix {:?}) truth {truth:?} got {o:?}; new text there: {at:?}",
                            if misplaced { "MISPLACED " } else { "" },
                            bases[c.base].0, ev.quote, ev.prefix, ev.suffix
                        ));
                    }
                }
            }
        }
        print_tally(name, &t);
        all.cases += t.cases;
        all.anns += t.anns;
        all.touched += t.touched;
        all.right += t.right;
        all.right_touched += t.right_touched;
        all.misplaced += t.misplaced;
        all.lost += t.lost;
        all.untouched_not_exact += t.untouched_not_exact;
        all.time += t.time;
    }
    print_tally("overall", &all);
    println!("(right(t): among annotations whose words or 32-char context the revision touched; unex: untouched but not exact)");
    for f in &failures {
        println!("  {f}");
    }
    let path =
        std::env::var("REVISION_CORPUS").unwrap_or_else(|_| "target/revision-corpus.json".into());
    write_corpus(&path, &bases, &cases);
    println!();
    big("L (50,000 words)", 50_000, 5_000, 11);
    big("XL (200,000 words)", 200_000, 20_000, 5);
}
