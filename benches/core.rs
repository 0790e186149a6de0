//! Core benchmarks: a plain `std::time::Instant` harness (no criterion).
//!
//! `cargo bench --bench core` prints a table of median timings on a
//! deterministic French-like article of 50,000 words with 5,000
//! annotations (about 10 % overlapping or nested).
//!
//! The generators and the timing helper are `pub` so that other benches can
//! reuse them: `#[path = "core.rs"] mod core_bench;` then
//! `core_bench::article(..)`, `core_bench::annotations(..)`,
//! `core_bench::median(..)` and `core_bench::print_row(..)`.
#![allow(dead_code)] // when included from another bench, `main` is unused

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use surligneur::core::{
    segments, Action, Annotation, AnnotationSet, Document, LabelSet, Session, Timestamp,
};

/// Tiny deterministic PRNG (xorshift64*), so runs are comparable.
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a non-zero seed (0 is replaced).
    pub fn new(seed: u64) -> Self {
        XorShift(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform-ish in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
    /// True with probability `p` percent.
    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
}

const WORDS: &[&str] = &[
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "et",
    "à",
    "en",
    "pour",
    "avec",
    "sur",
    "dans",
    "par",
    "qui",
    "que",
    "est",
    "sont",
    "société",
    "président",
    "développement",
    "fournisseur",
    "actionnaires",
    "décollage",
    "l’entreprise",
    "d’affaires",
    "qu’il",
    "marché",
    "numérique",
    "stratégie",
    "données",
    "souverain",
    "hébergement",
    "Cloudwatt",
    "Orange",
    "Thalès",
    "Patrick",
    "Starck",
    "Pierre",
    "Paperon",
    "Paris",
    "été",
    "générale",
    "où",
    "coïncidant",
    "prochainement",
    "éditeurs",
    "intégrateurs",
    "réseau",
    "sécurité",
    "clients",
    "commercialisation",
    "œuvre",
    "ça",
    "l´auteur",
    "déclaration",
    "transmise",
    "presse",
];

const EMOJI: &[&str] = &["😀", "🚀", "☁️", "🇫🇷"];

/// A generated article: its text and where each word is.
pub struct Article {
    /// The text (title line, then paragraphs separated by blank lines).
    pub text: String,
    /// `[start, end)` of every word, code points, in order.
    pub words: Vec<(usize, usize)>,
}

/// A French-like article of `n_words` words in paragraphs of 40–160 words,
/// with accents, ’, NBSP before `:`/`;`/`?` and inside « », occasional
/// emoji and single line breaks.
pub fn article(n_words: usize, seed: u64) -> Article {
    let mut rng = XorShift::new(seed);
    let mut text = String::with_capacity(n_words * 9);
    let mut pos = 0usize; // code points
    let push = |text: &mut String, pos: &mut usize, s: &str| {
        text.push_str(s);
        *pos += s.chars().count();
    };
    push(
        &mut text,
        &mut pos,
        "Rapport annuel : le cloud souverain à l’épreuve\n\n",
    );
    let mut words = Vec::with_capacity(n_words);
    let mut left_in_para = 40 + rng.below(121);
    let mut in_quote = false;
    for i in 0..n_words {
        let w = WORDS[rng.below(WORDS.len())];
        let start = pos;
        push(&mut text, &mut pos, w);
        words.push((start, pos));
        left_in_para -= 1;
        if left_in_para == 0 || i + 1 == n_words {
            if in_quote {
                push(&mut text, &mut pos, "\u{a0}»");
                in_quote = false;
            }
            push(&mut text, &mut pos, ".");
            if i + 1 < n_words {
                push(&mut text, &mut pos, "\n\n");
            }
            left_in_para = 40 + rng.below(121);
            continue;
        }
        let sep = match rng.below(100) {
            0..=5 => ", ",
            6..=7 => "\u{a0}: ",
            8 => "\u{a0}; ",
            9 => ". ",
            10 if !in_quote => {
                in_quote = true;
                " «\u{a0}"
            }
            11 if in_quote => {
                in_quote = false;
                "\u{a0}» "
            }
            12 => "\n",
            13 => {
                let e = EMOJI[rng.below(EMOJI.len())];
                push(&mut text, &mut pos, " ");
                push(&mut text, &mut pos, e);
                " "
            }
            _ => " ",
        };
        push(&mut text, &mut pos, sep);
    }
    Article { text, words }
}

/// `n` valid annotations over `doc` (built from `art`), spanning 1–3 words;
/// about 10 % overlap or nest inside an earlier one. Ids are `ann-00000`…
pub fn annotations(doc: &Document, art: &Article, n: usize, seed: u64) -> Vec<Annotation> {
    const LABELS: [&str; 3] = ["person", "organisation", "claim"];
    let mut rng = XorShift::new(seed);
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(n); // word index ranges, inclusive
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    let nw = art.words.len();
    while out.len() < n && nw > 0 {
        let (w0, w1) = if !spans.is_empty() && rng.percent(10) {
            let (a0, a1) = spans[rng.below(spans.len())];
            if rng.percent(50) {
                let w0 = a0 + rng.below(a1 - a0 + 1); // nested
                (w0, w0 + rng.below(a1 - w0 + 1))
            } else {
                let w0 = a0 + rng.below(a1 - a0 + 1); // overlapping, sticking out
                (w0, (a1 + 1 + rng.below(2)).min(nw - 1))
            }
        } else {
            let w0 = rng.below(nw);
            (w0, (w0 + rng.below(3)).min(nw - 1))
        };
        let label = LABELS[rng.below(3)];
        let (start, end) = (art.words[w0].0, art.words[w1].1);
        if !seen.insert((start, end, label)) {
            continue;
        }
        let t = Timestamp(1_385_719_200_000 + out.len() as i64);
        let id = format!("ann-{:05}", out.len());
        out.extend(Annotation::at(doc, id, start, end, label, t));
        spans.push((w0, w1));
    }
    out
}

/// Median and minimum of `runs` timings of `f` (after one warm-up run).
pub fn median<R>(runs: usize, mut f: impl FnMut() -> R) -> (Duration, Duration) {
    black_box(f());
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    (times[times.len() / 2], times[0])
}

fn fmt(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns >= 1_000_000 {
        format!("{:.2} ms", ns as f64 / 1e6)
    } else if ns >= 1_000 {
        format!("{:.2} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

/// Print the table header.
pub fn print_header() {
    println!(
        "{:<40} {:>6} {:>12} {:>12}",
        "operation", "runs", "median", "min"
    );
}

/// Print one table row.
pub fn print_row(name: &str, runs: usize, (med, min): (Duration, Duration)) {
    println!("{:<40} {:>6} {:>12} {:>12}", name, runs, fmt(med), fmt(min));
}

/// Time `f` and print a row.
pub fn bench<R>(name: &str, runs: usize, f: impl FnMut() -> R) {
    print_row(name, runs, median(runs, f));
}

fn main() {
    const N_WORDS: usize = 50_000;
    const N_ANN: usize = 5_000;
    let art = article(N_WORDS, 0x5EED);
    let doc = Document::from_plain_text(&art.text);
    let anns = annotations(&doc, &art, N_ANN, 0xA77);
    let mut set = AnnotationSet::new(&doc);
    for a in &anns {
        set.insert(&doc, a.clone())
            .expect("generated annotations are valid");
    }
    let overlapping = anns
        .iter()
        .filter(|a| set.covering(a.start).len() > 1 || set.covering(a.end - 1).len() > 1)
        .count();
    let busiest = (0..doc.blocks().len())
        .max_by_key(|&b| set.in_block(b).count())
        .unwrap_or(0);
    println!(
        "core bench: {} words, {} chars ({} UTF-16 units), {} blocks, {} annotations \
         (~10 % generated nested/overlapping; {} share text with another), \
         busiest block {} with {} annotations",
        N_WORDS,
        doc.len_chars(),
        doc.offsets().len_utf16(),
        doc.blocks().len(),
        set.len(),
        overlapping,
        busiest,
        set.in_block(busiest).count(),
    );
    println!();
    print_header();

    bench("build Document (split, SHA-256, index)", 21, || {
        Document::from_plain_text(&art.text)
    });
    bench("insert 5,000 annotations", 21, || {
        let mut s = AnnotationSet::new(&doc);
        for a in &anns {
            let _ = s.insert(&doc, a.clone());
        }
        s
    });
    bench("Session::with_annotations (load)", 21, || {
        Session::with_annotations(doc.clone(), LabelSet::default(), anns.clone())
    });
    bench("segment every block", 21, || {
        (0..doc.blocks().len())
            .map(|b| segments(&doc, &set, b).len())
            .sum::<usize>()
    });
    bench("segment the busiest block", 1001, || {
        segments(&doc, &set, busiest)
    });
    bench("segment block 0 (title)", 1001, || segments(&doc, &set, 0));

    let mut rng = XorShift::new(7);
    let probes: Vec<usize> = (0..10_000).map(|_| rng.below(doc.len_chars())).collect();
    bench("10,000 char→UTF-16 + back", 101, || {
        probes
            .iter()
            .filter_map(|&c| doc.offsets().char_to_utf16(c))
            .filter_map(|u| doc.offsets().utf16_to_char(u))
            .sum::<usize>()
    });
    bench("10,000 covering(pos)", 101, || {
        probes.iter().map(|&c| set.covering(c).len()).sum::<usize>()
    });

    let mut session = Session::with_annotations(doc.clone(), LabelSet::default(), anns.clone())
        .expect("valid annotations");
    // Two words not yet tagged as a claim, so the add succeeds every time.
    let (ws, we) = (N_WORDS / 2..N_WORDS - 1)
        .map(|i| (art.words[i].0, art.words[i + 1].1))
        .find(|&(s, e)| session.annotations().find_span(s, e, "claim").is_none())
        .expect("a free span");
    bench("Session add + undo (5,000 present)", 1001, || {
        let add = session.apply(Action::Add {
            id: "bench".into(),
            start: ws,
            end: we,
            label: "claim".into(),
            now: Timestamp(0),
        });
        let undo = session.apply(Action::Undo);
        (add.is_ok(), undo.is_ok())
    });
    let (ok_add, ok_undo) = (
        session.apply(Action::Add {
            id: "bench".into(),
            start: ws,
            end: we,
            label: "claim".into(),
            now: Timestamp(0),
        }),
        session.apply(Action::Undo),
    );
    assert!(
        ok_add.is_ok() && ok_undo.is_ok(),
        "add+undo benchmark measured failures"
    );
}
