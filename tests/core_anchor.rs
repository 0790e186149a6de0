//! Re-anchoring: one hand case per revision kind on the seed article, emoji,
//! duplicates that must not attract, imports, and three properties.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::anchor::{
    close_enough, evidence_for, place, reanchor, summarise, Evidence, OrphanReason, Outcome,
    Summary, CONTEXT,
};

const ARTICLE: &str = include_str!("../www/default-article.txt");

/// Code point range of the `nth` occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let (b, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in the text"));
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn ev(text: &str, needle: &str, nth: usize) -> Evidence {
    let (s, e) = find(text, needle, nth);
    Evidence::from_text(text, s, e).expect("valid span")
}

fn slice(text: &str, s: usize, e: usize) -> String {
    text.chars().skip(s).take(e - s).collect()
}

/// Replace the `nth` occurrence of `from` with `to`.
fn replace_nth(text: &str, from: &str, to: &str, nth: usize) -> String {
    let (b, _) = text.match_indices(from).nth(nth).expect("occurrence");
    format!("{}{}{}", &text[..b], to, &text[b + from.len()..])
}

fn exact_at(text: &str, needle: &str, nth: usize) -> Outcome {
    let (start, end) = find(text, needle, nth);
    Outcome::Exact { start, end }
}

fn edited_at(text: &str, needle: &str, nth: usize) -> Outcome {
    let (start, end) = find(text, needle, nth);
    Outcome::Edited {
        start,
        end,
        quote: needle.to_string(),
    }
}

fn one(old: &str, new: &str, e: Evidence) -> Outcome {
    reanchor(old, new, &[e]).remove(0)
}

const GONE: Outcome = Outcome::Orphan {
    reason: OrphanReason::Gone,
};

/// The paragraph (line) of the article that contains `needle`.
fn paragraph_with(text: &str, needle: &str) -> String {
    text.split('\n')
        .find(|l| l.contains(needle))
        .expect("paragraph")
        .to_string()
}

// --- Evidence ---------------------------------------------------------

#[test]
fn evidence_counts_code_points_and_keeps_32_of_context() {
    let t = "🚀 abc 😀 def";
    let e = Evidence::from_text(t, 6, 7).expect("span");
    assert_eq!(e.quote, "😀");
    assert_eq!(e.prefix, "🚀 abc ");
    assert_eq!(e.suffix, " def");
    let e = ev(ARTICLE, "Cloudwatt", 3);
    assert_eq!(e.prefix.chars().count(), CONTEXT);
    assert_eq!(e.suffix.chars().count(), CONTEXT);
    assert_eq!(Evidence::from_text(t, 3, 3), None);
    assert_eq!(Evidence::from_text(t, 4, 3), None);
    assert_eq!(Evidence::from_text(t, 0, 12), None);
    assert_eq!(
        evidence_for(t, &[(0, 1), (9, 99)]),
        vec![Evidence::from_text(t, 0, 1), None]
    );
}

// --- Revision kinds on the seed article --------------------------------

#[test]
fn identity_changes_nothing() {
    let spans = [
        "Patrick Starck",
        "Patrick Stark",
        "Cloudwatt",
        "l´auteur",
        "« un accord tacite",
    ];
    for needle in spans {
        for (nth, _) in ARTICLE.match_indices(needle).enumerate() {
            let e = ev(ARTICLE, needle, nth);
            assert_eq!(one(ARTICLE, ARTICLE, e), exact_at(ARTICLE, needle, nth));
        }
    }
}

#[test]
fn typo_fixed_inside_the_span_is_edited() {
    let old = replace_nth(ARTICLE, "Pierre Paperon", "Pierre Papperon", 0);
    let out = one(&old, ARTICLE, ev(&old, "Pierre Papperon", 0));
    assert_eq!(out, edited_at(ARTICLE, "Pierre Paperon", 0));
}

#[test]
fn typo_fixed_next_to_the_span_keeps_it_exact() {
    let old = replace_nth(ARTICLE, "Directeur marketing", "Directeur marketting", 0);
    // Just after the typo (offsets move by one) and just before it.
    let out = one(&old, ARTICLE, ev(&old, "Cloudwatt, lors", 0));
    assert_eq!(out, exact_at(ARTICLE, "Cloudwatt, lors", 0));
    let out = one(&old, ARTICLE, ev(&old, "Pierre Paperon", 0));
    assert_eq!(out, exact_at(ARTICLE, "Pierre Paperon", 0));
}

#[test]
fn a_figure_changed_in_a_claim_is_edited() {
    let claim = "un chiffre d’affaires de 500 millions d’euros";
    let new = ARTICLE.replace("500 millions", "600 millions");
    let out = one(ARTICLE, &new, ev(ARTICLE, claim, 0));
    assert_eq!(
        out,
        edited_at(&new, "un chiffre d’affaires de 600 millions d’euros", 0)
    );
}

#[test]
fn one_word_of_a_claim_changed_is_edited() {
    let claim = "va quitter prochainement ses fonctions de Président";
    let new = ARTICLE.replace(
        "va quitter prochainement ses fonctions",
        "va quitter bientôt ses fonctions",
    );
    let out = one(ARTICLE, &new, ev(ARTICLE, claim, 0));
    assert_eq!(
        out,
        edited_at(&new, "va quitter bientôt ses fonctions de Président", 0)
    );
}

#[test]
fn a_name_respelt_everywhere_is_edited_and_the_other_spelling_stays_exact() {
    let new = ARTICLE.replace("Starck", "Stark");
    // Old "Patrick Starck" #0 (title), #1, #2 become new "Patrick Stark" #0, #1, #2;
    // old "Patrick Stark" #0, #1 are new #3, #4.
    for nth in 0..3 {
        let out = one(ARTICLE, &new, ev(ARTICLE, "Patrick Starck", nth));
        assert_eq!(out, edited_at(&new, "Patrick Stark", nth), "Starck #{nth}");
    }
    for nth in 0..2 {
        let out = one(ARTICLE, &new, ev(ARTICLE, "Patrick Stark", nth));
        assert_eq!(
            out,
            exact_at(&new, "Patrick Stark", nth + 3),
            "Stark #{nth}"
        );
    }
}

#[test]
fn a_person_replaced_by_another_name_is_an_orphan() {
    let new = ARTICLE.replace("Pierre Paperon", "Jean-Marc Dubois");
    assert_eq!(one(ARTICLE, &new, ev(ARTICLE, "Pierre Paperon", 0)), GONE);
    let new = ARTICLE.replace("Cheops Technology", "Atos");
    assert_eq!(
        one(ARTICLE, &new, ev(ARTICLE, "Cheops Technology", 0)),
        GONE
    );
    // A one-letter respelling is not a replacement.
    assert!(close_enough("Starck", "Stark"));
    assert!(!close_enough("Patrick Starck", "Pierre Paperon"));
    assert!(!close_enough("Orange", "Oracle"));
}

#[test]
fn a_sentence_or_paragraph_inserted_moves_everything_after_it() {
    let s1 = replace_nth(
        ARTICLE,
        "Une fonction qu’il",
        "Cloudwatt n’a pas souhaité commenter. Une fonction qu’il",
        0,
    );
    let s2 = replace_nth(
        ARTICLE,
        "Les raisons",
        "Patrick Starck et Cloudwatt : un accord tacite, déjà.\n\nLes raisons",
        0,
    );
    for (new, shift) in [(&s1, 1), (&s2, 1)] {
        // "Cloudwatt" #0 is in the title, before both insertions.
        for nth in 0..6 {
            let out = one(ARTICLE, new, ev(ARTICLE, "Cloudwatt", nth));
            let want_nth = if nth < 2 { nth } else { nth + shift };
            let (s, e) = find(ARTICLE, "Cloudwatt", nth);
            let got = match out {
                Outcome::Exact { start, end } => (start, end),
                other => panic!("Cloudwatt #{nth}: {other:?}"),
            };
            // Before the insertion: same offsets; after it: the next occurrence.
            if got != (s, e) {
                assert_eq!(
                    Outcome::Exact {
                        start: got.0,
                        end: got.1
                    },
                    exact_at(new, "Cloudwatt", want_nth)
                );
            }
        }
    }
    // The inserted paragraph's "Patrick Starck" and "accord tacite" take nothing.
    for (needle, nth, want) in [
        ("Patrick Starck", 2, 2),
        ("accord tacite", 1, 1),
        ("accord tacite", 2, 3),
    ] {
        let out = one(ARTICLE, &s2, ev(ARTICLE, needle, nth));
        assert_eq!(out, exact_at(&s2, needle, want), "{needle} #{nth}");
    }
}

#[test]
fn a_removed_paragraph_orphans_its_spans_even_when_its_words_remain_elsewhere() {
    let para = paragraph_with(ARTICLE, "Patrick Stark évoque");
    let new = ARTICLE.replace(&format!("{para}\n\n"), "");
    // Paragraph 3 says the same words with the same suffix: it must not attract.
    let claim = "accord tacite avec les représentants des actionnaires";
    assert_eq!(one(ARTICLE, &new, ev(ARTICLE, claim, 1)), GONE);
    assert_eq!(one(ARTICLE, &new, ev(ARTICLE, "Patrick Stark", 0)), GONE);
    // The copy that stays is untouched.
    assert_eq!(
        one(ARTICLE, &new, ev(ARTICLE, claim, 0)),
        exact_at(&new, claim, 0)
    );
}

#[test]
fn a_moved_paragraph_carries_its_spans() {
    let para = paragraph_with(ARTICLE, "Les raisons de son départ");
    let without = ARTICLE.replace(&format!("{para}\n\n"), "");
    let new = format!("{without}\n\n{para}");
    for needle in ["Les raisons", "Orange", "Caisse des dépôts"] {
        let out = one(ARTICLE, &new, ev(ARTICLE, needle, 0));
        assert_eq!(out, exact_at(&new, needle, 0), "{needle}");
    }
    // And moved to the top, with the name inside it respelt.
    let para2 = paragraph_with(ARTICLE, "Confirmant les propos");
    let without = ARTICLE.replace(&format!("{para2}\n\n"), "");
    let new = replace_nth(
        &without,
        "Cloud\n",
        &format!("Cloud\n\n{}\n", para2.replace("Paperon", "Papperon")),
        0,
    );
    let out = one(ARTICLE, &new, ev(ARTICLE, "Pierre Paperon", 0));
    assert_eq!(out, edited_at(&new, "Pierre Papperon", 0));
}

#[test]
fn whitespace_nbsp_line_wrap_and_crlf_reflow_keep_every_span() {
    let new = ARTICLE
        .replace('\u{a0}', " ")
        .replace("  ", " ")
        .replace("\n\n", "\r\n\r\n")
        .replace(", l’un des deux", ",\nl’un des deux");
    let needles = [
        "«\u{a0}Dans le cadre",
        "Patrick Starck",
        "Cloudwatt",
        "actionnaires\u{a0}»",
        "l´auteur",
        "CloudWatt, l’un des deux",
        "stockage,\u{a0} un service",
    ];
    for needle in needles {
        assert!(ARTICLE.contains(needle), "{needle}");
        for nth in 0..ARTICLE.matches(needle).count() {
            let old_ev = ev(ARTICLE, needle, nth);
            let out = one(ARTICLE, &new, old_ev.clone());
            let (s, e) = match &out {
                Outcome::Exact { start, end } | Outcome::Edited { start, end, .. } => {
                    (*start, *end)
                }
                Outcome::Orphan { .. } => panic!("{needle} #{nth} orphaned"),
            };
            let got = slice(&new, s, e);
            let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squash(&got), squash(needle), "{needle} #{nth}");
            // The same occurrence: as many before it in the new text.
            let before = squash(&slice(&new, 0, s)).matches(&squash(needle)).count();
            assert_eq!(before, nth, "{needle} #{nth}");
            match out {
                Outcome::Exact { .. } => assert_eq!(got, needle),
                Outcome::Edited { quote, .. } => assert_ne!(quote, needle),
                Outcome::Orphan { .. } => unreachable!(),
            }
        }
    }
}

#[test]
fn retyped_quotes_and_apostrophes_are_edited_in_place() {
    let new = ARTICLE
        .replace('’', "'")
        .replace("«\u{a0}", "\"")
        .replace("\u{a0}»", "\"")
        .replace('´', "'");
    let out = one(ARTICLE, &new, ev(ARTICLE, "l’un des deux fournisseurs", 0));
    assert_eq!(out, edited_at(&new, "l'un des deux fournisseurs", 0));
    let out = one(
        ARTICLE,
        &new,
        ev(ARTICLE, "«\u{a0}J’avais un accord tacite", 0),
    );
    assert_eq!(out, edited_at(&new, "\"J'avais un accord tacite", 0));
    let out = one(ARTICLE, &new, ev(ARTICLE, "l´auteur", 1));
    assert_eq!(out, edited_at(&new, "l'auteur", 1));
    let out = one(ARTICLE, &new, ev(ARTICLE, "Patrick Starck", 1));
    assert_eq!(out, exact_at(&new, "Patrick Starck", 1));
}

#[test]
fn a_deleted_span_or_sentence_is_an_orphan() {
    let new = ARTICLE.replace(" (recruté à l’externe ?)", "");
    assert_eq!(
        one(ARTICLE, &new, ev(ARTICLE, "recruté à l’externe", 0)),
        GONE
    );
    let sentence = " Confirmant les propos tenus par Pierre Paperon, Directeur marketing de Cloudwatt, lors du sommet DigiWorld de l’Idate en novembre 2013.";
    assert!(ARTICLE.contains(sentence));
    let new = ARTICLE.replace(sentence, "");
    assert_eq!(one(ARTICLE, &new, ev(ARTICLE, "Pierre Paperon", 0)), GONE);
    assert_eq!(one(ARTICLE, &new, ev(ARTICLE, "Cloudwatt, lors", 0)), GONE);
    // Its neighbours stay.
    assert_eq!(
        one(
            ARTICLE,
            &new,
            ev(ARTICLE, "commercialisation généralisée", 0)
        ),
        exact_at(&new, "commercialisation généralisée", 0)
    );
}

#[test]
fn a_clipping_trimmed_at_head_and_tail_orphans_only_what_was_cut() {
    let head = ARTICLE.find("Patrick Starck a annoncé").expect("head");
    let tail = ARTICLE.find("Quiz :").expect("tail");
    let new = &ARTICLE[head..tail];
    // The title's "Patrick Starck" is cut: the later ones must not attract it.
    assert_eq!(one(ARTICLE, new, ev(ARTICLE, "Patrick Starck", 0)), GONE);
    assert_eq!(one(ARTICLE, new, ev(ARTICLE, "Patrick Starck", 1)), GONE);
    assert_eq!(one(ARTICLE, new, ev(ARTICLE, "Quiz", 0)), GONE);
    assert_eq!(
        one(ARTICLE, new, ev(ARTICLE, "Patrick Starck", 2)),
        exact_at(new, "Patrick Starck", 0)
    );
    assert_eq!(
        one(ARTICLE, new, ev(ARTICLE, "300 à 500 emplois", 0)),
        exact_at(new, "300 à 500 emplois", 0)
    );
}

#[test]
fn an_exact_copy_of_the_span_added_elsewhere_does_not_attract_it() {
    let new = format!("{ARTICLE}\n\nCheops Technology recrute.");
    assert_eq!(
        one(ARTICLE, &new, ev(ARTICLE, "Cheops Technology", 0)),
        exact_at(&new, "Cheops Technology", 0)
    );
    // The original deleted, a copy elsewhere: still an orphan.
    let new = format!(
        "{}\n\nCheops Technology recrute.",
        ARTICLE.replace(" Dernière référence en date : Cheops Technology (infrastructure, infogérance & cloud, réseau et sécurité…).", "")
    );
    assert!(!new.contains("date : Cheops"));
    assert_eq!(
        one(ARTICLE, &new, ev(ARTICLE, "Cheops Technology", 0)),
        GONE
    );
}

#[test]
fn compound_revision_typo_reflow_and_insertion() {
    let old = replace_nth(ARTICLE, "Pierre Paperon", "Pierre Papperon", 0);
    let new = ARTICLE
        .replace('\u{a0}', " ")
        .replace("Les raisons", "Une précision.\n\nLes raisons")
        .replace("500 millions", "450 millions");
    let evs = vec![
        ev(&old, "Pierre Papperon", 0),
        ev(&old, "de 500 millions d’euros", 0),
        ev(&old, "Orange", 0),
    ];
    let out = reanchor(&old, &new, &evs);
    assert_eq!(out[0], edited_at(&new, "Pierre Paperon", 0));
    assert_eq!(out[1], edited_at(&new, "de 450 millions d’euros", 0));
    assert_eq!(out[2], exact_at(&new, "Orange", 0));
}

#[test]
fn emoji_count_as_one_code_point() {
    let old = "Le 🚀 décolle avec 👩‍🔬 Zoé à Paris 🇫🇷.\n\nFin de 🎉 l’histoire.";
    let new = "😀😀 Le 🚀 décolle avec 👩‍🔬 Zoé à Paris 🇫🇷.\n\nFin de 🎉 l’histoire.";
    for needle in ["🚀", "Zoé", "Paris 🇫🇷", "👩‍🔬 Zoé", "🎉 l’histoire"] {
        let out = one(old, new, ev(old, needle, 0));
        assert_eq!(out, exact_at(new, needle, 0), "{needle}");
    }
    let new2 = new.replace("Zoé", "Zoë");
    assert_eq!(
        one(old, &new2, ev(old, "Zoé", 0)),
        edited_at(&new2, "Zoë", 0)
    );
}

#[test]
fn whitespace_only_or_empty_quotes_have_no_evidence() {
    let e = Evidence {
        start: 0,
        end: 0,
        quote: " \u{a0}".into(),
        prefix: String::new(),
        suffix: String::new(),
    };
    let out = reanchor("a b", "a b", std::slice::from_ref(&e));
    assert_eq!(
        out,
        vec![Outcome::Orphan {
            reason: OrphanReason::NoEvidence
        }]
    );
    assert_eq!(place("a b", &[e], false).len(), 1);
}

// --- Imports (place) ----------------------------------------------------

#[test]
fn place_keeps_a_reliable_hint_and_finds_a_wrong_one() {
    let e = ev(ARTICLE, "Pierre Paperon", 0);
    assert_eq!(
        place(ARTICLE, std::slice::from_ref(&e), true),
        vec![exact_at(ARTICLE, "Pierre Paperon", 0)]
    );
    let wrong = Evidence {
        start: 3,
        end: 17,
        ..e
    };
    assert_eq!(
        place(ARTICLE, &[wrong], false),
        vec![exact_at(ARTICLE, "Pierre Paperon", 0)]
    );
}

#[test]
fn place_chooses_the_occurrence_its_context_names() {
    // Hypothesis-style selector: quote + context, no usable position.
    let mut e = ev(ARTICLE, "accord tacite avec les représentants", 1);
    e.start = 0;
    e.end = 0;
    assert_eq!(
        place(ARTICLE, &[e], false),
        vec![exact_at(ARTICLE, "accord tacite avec les représentants", 1)]
    );
}

#[test]
fn place_orphans_a_quote_whose_context_is_gone_even_if_its_words_remain() {
    let para = paragraph_with(ARTICLE, "Patrick Stark évoque");
    let new = ARTICLE.replace(&format!("{para}\n\n"), "");
    let e = ev(
        ARTICLE,
        "accord tacite avec les représentants des actionnaires",
        1,
    );
    assert_eq!(place(&new, &[e], false), vec![GONE]);
}

#[test]
fn place_says_ambiguous_for_twins_unless_a_reliable_hint_picks_one() {
    let t = "Titre\n\nLe chat dort au soleil ici.\n\nLe chat dort au soleil ici.";
    let e = ev(t, "chat dort", 1);
    let moved = Evidence {
        start: 0,
        end: 9,
        ..e.clone()
    };
    assert_eq!(
        place(t, &[moved], false),
        vec![Outcome::Orphan {
            reason: OrphanReason::Ambiguous
        }]
    );
    assert_eq!(place(t, &[e], true), vec![exact_at(t, "chat dort", 1)]);
}

#[test]
fn place_finds_an_older_revisions_quote_respelt_in_its_context() {
    // An export made before "Paperon" was corrected to "Papperon".
    let new = ARTICLE.replace("Paperon", "Papperon");
    let e = ev(ARTICLE, "Pierre Paperon", 0);
    assert_eq!(
        place(&new, &[e], false),
        vec![edited_at(&new, "Pierre Papperon", 0)]
    );
}

#[test]
fn summary_counts_each_outcome() {
    let new = ARTICLE
        .replace("Paperon", "Papperon")
        .replace("Cheops Technology", "Atos")
        .replace("Lire aussi", "À lire");
    let evs = vec![
        ev(ARTICLE, "Patrick Starck", 0),    // unchanged
        ev(ARTICLE, "Pierre Paperon", 0),    // edited
        ev(ARTICLE, "Cheops Technology", 0), // orphan
        ev(ARTICLE, "l´auteur", 0),          // moved (text before it changed length)
    ];
    let out = reanchor(ARTICLE, &new, &evs);
    assert_eq!(
        summarise(&evs, &out),
        Summary {
            unchanged: 1,
            moved: 1,
            edited: 1,
            orphaned: 1
        }
    );
}

// --- Properties ---------------------------------------------------------

const VOCAB: &[&str] = &[
    "le",
    "la",
    "de",
    "Starck",
    "Stark",
    "cloud",
    "société",
    "l’État",
    "président",
    "😀",
    "🇫🇷",
    "«\u{a0}accord\u{a0}»",
    "2017",
    "souverain",
    "Thalès",
    "d’affaires",
    "œuvre",
    "ça",
];
/// Index 7 is the paragraph break.
const SEPS: &[&str] = &[" ", " ", " ", ", ", "\u{a0}: ", ". ", "\n", "\n\n", " — "];

/// A text from word indices and separator indices; returns the text and the
/// code point start of every word plus its end. A word never repeats the
/// one before it: in "le le le … le" no diff can tell which "le" moved,
/// and articles are not written so.
fn build(words: &[(usize, usize)]) -> (String, Vec<(usize, usize)>) {
    let mut t = String::new();
    let mut at = Vec::new();
    let mut cp = 0;
    let mut prev = usize::MAX;
    for (i, &(w, s)) in words.iter().enumerate() {
        let w = if w == prev { w + 1 } else { w };
        prev = w;
        // Variants ("le", "le2", …) give the vocabulary of a real article.
        let word = match w / VOCAB.len() % VARIANTS {
            0 => VOCAB[w % VOCAB.len()].to_string(),
            k => format!("{}{k}", VOCAB[w % VOCAB.len()]),
        };
        if i > 0 {
            let sep = SEPS[s % SEPS.len()];
            t.push_str(sep);
            cp += sep.chars().count();
        }
        at.push((cp, cp + word.chars().count()));
        t.push_str(&word);
        cp += word.chars().count();
    }
    (t, at)
}

const VARIANTS: usize = 6;

fn words() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..VOCAB.len() * VARIANTS, 0..SEPS.len()), 12..120)
}

/// Spans as word ranges `[w0, w1]`.
fn spans(n_words: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..n_words, 0..3usize), 1..12).prop_map(move |v| {
        v.into_iter()
            .map(|(w, l)| (w, (w + l).min(n_words - 1)))
            .collect()
    })
}

fn evidences(text: &str, at: &[(usize, usize)], sp: &[(usize, usize)]) -> Vec<Evidence> {
    let ranges: Vec<(usize, usize)> = sp.iter().map(|&(a, b)| (at[a].0, at[b].1)).collect();
    evidence_for(text, &ranges).into_iter().flatten().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn an_identity_revision_changes_nothing(
        (ws, sp) in words().prop_flat_map(|ws| { let n = ws.len(); (Just(ws), spans(n)) }),
        shift in 0usize..3,
    ) {
        let (t, at) = build(&ws);
        let mut evs = evidences(&t, &at, &sp);
        // Also spans that start or end inside a word or on spacing.
        for e in evs.clone() {
            if let Some(x) = Evidence::from_text(&t, e.start.saturating_sub(shift), e.end) { evs.push(x); }
            if let Some(x) = Evidence::from_text(&t, e.start, e.end.saturating_sub(shift).max(e.start + 1)) { evs.push(x); }
        }
        let out = reanchor(&t, &t, &evs);
        prop_assert_eq!(out.len(), evs.len());
        for (e, o) in evs.iter().zip(&out) {
            if e.quote.trim().is_empty() { continue; }
            prop_assert_eq!(o, &Outcome::Exact { start: e.start, end: e.end }, "{:?}", e);
        }
    }

    #[test]
    fn a_pure_insertion_never_orphans_a_span_outside_it(
        (ws, sp, at_word) in words().prop_flat_map(|ws| { let n = ws.len(); (Just(ws), spans(n), 0..n) }),
        para in any::<bool>(),
        inside in 0usize..3,
    ) {
        let (t, at) = build(&ws);
        let evs = evidences(&t, &at, &sp);
        // Insert fresh words at a word start, or inside a word.
        let p = (at[at_word].0 + inside).min(at[at_word].1);
        let fresh = if para { "\n\nzq1 zq2 zq3.\n\n" } else { " zq1, zq2 zq3 " };
        let bp = t.char_indices().nth(p).map_or(t.len(), |(b, _)| b);
        let new = format!("{}{}{}", &t[..bp], fresh, &t[bp..]);
        let k = fresh.chars().count();
        let out = reanchor(&t, &new, &evs);
        prop_assert_eq!(out.len(), evs.len());
        // Inserting inside a word edits that word: spans next to it are in the edit.
        let p_inside = p > at[at_word].0;
        for ((e, o), &(w0, w1)) in evs.iter().zip(&out).zip(&sp) {
            if p_inside && w0 <= at_word + 1 && w1 + 1 >= at_word {
                continue;
            }
            if e.end < p {
                prop_assert_eq!(o, &Outcome::Exact { start: e.start, end: e.end });
            } else if e.start > p {
                prop_assert_eq!(o, &Outcome::Exact { start: e.start + k, end: e.end + k });
            }
        }
    }

    #[test]
    fn moving_paragraphs_never_orphans_a_span_outside_them(
        ws in words(),
        cuts in prop::array::uniform3(0usize..1000),
        sp_seed in prop::collection::vec((0usize..1000, 0..3usize), 1..12),
    ) {
        let (t, at) = build(&ws);
        let n = ws.len();
        // Move the paragraphs of words [p, q) to before word r (r outside
        // [p, q]), each a paragraph start. (Moving a run of words across
        // paragraph breaks is not covered: with this small vocabulary the
        // token diff of the changed paragraphs can pair a span's words
        // with twins and orphan it; see bench/revisions/README.md.)
        let starts: Vec<usize> = (0..n).filter(|&i| i == 0 || ws[i].1 % SEPS.len() == 7).collect();
        prop_assume!(starts.len() >= 3);
        let pick = |x: usize| starts[x % starts.len()];
        let mut c = [pick(cuts[0]), pick(cuts[1]), pick(cuts[2])];
        c[..2].sort_unstable();
        let (p, q, r) = (c[0], c[1], c[2]);
        prop_assume!(p < q && (r < p || r > q));
        let cp_of = |w: usize| if w >= n { t.chars().count() } else { at[w].0 };
        let byte = |cp: usize| t.char_indices().nth(cp).map_or(t.len(), |(b, _)| b);
        let (bp, bq, br) = (byte(cp_of(p)), byte(cp_of(q)), byte(cp_of(r)));
        let block = &t[bp..bq];
        let new = if r < p {
            format!("{}{}{}{}", &t[..br], block, &t[br..bp], &t[bq..])
        } else {
            format!("{}{}{}{}", &t[..bp], &t[bq..br], block, &t[br..])
        };
        prop_assert_eq!(new.chars().count(), t.chars().count());
        let sp: Vec<(usize, usize)> = sp_seed.iter().map(|&(w, l)| (w % n, (w % n + l).min(n - 1))).collect();
        let evs = evidences(&t, &at, &sp);
        let out = reanchor(&t, &new, &evs);
        prop_assert_eq!(out.len(), evs.len());
        for ((w0, w1), o) in sp.iter().zip(&out) {
            // Outside the edit: no cut within the span's words or two words either side.
            let clear = [p, q, r].iter().all(|&c| c + 2 <= *w0 || c >= *w1 + 3);
            let moved_inside = *w0 >= p && *w1 < q;
            if clear && !moved_inside {
                prop_assert!(!matches!(o, Outcome::Orphan { .. }), "span {:?} orphaned by moving {}..{} to {}: {:?}", (w0, w1), p, q, r, o);
            }
        }
    }

    #[test]
    fn every_annotation_comes_out_exactly_once(
        (ws, sp) in words().prop_flat_map(|ws| { let n = ws.len(); (Just(ws), spans(n)) }),
        ws2 in words(),
        junk in prop::collection::vec((0usize..400, 0usize..400, ".{0,6}"), 0..4),
    ) {
        let (t, at) = build(&ws);
        let (t2, _) = build(&ws2);
        let mut evs = evidences(&t, &at, &sp);
        // Evidence that does not fit the old text at all.
        for (s, e, q) in junk {
            evs.push(Evidence { start: s, end: e, quote: q.clone(), prefix: q.clone(), suffix: q });
        }
        for new in [&t2, &format!("{t}{t2}"), &String::new()] {
            let out = reanchor(&t, new, &evs);
            prop_assert_eq!(out.len(), evs.len());
            let placed = place(new, &evs, false);
            prop_assert_eq!(placed.len(), evs.len());
            for o in out.iter().chain(&placed) {
                if let Outcome::Exact { start, end } | Outcome::Edited { start, end, .. } = o {
                    prop_assert!(start < end && *end <= new.chars().count());
                }
                if let Outcome::Edited { start, end, quote } = o {
                    prop_assert_eq!(&slice(new, *start, *end), quote);
                }
            }
            for (e, o) in evs.iter().chain(&evs).zip(out.iter().chain(&placed)) {
                if let Outcome::Exact { start, end } = o {
                    prop_assert_eq!(&slice(new, *start, *end), &e.quote);
                }
            }
        }
    }
}
