//! Revisions in the session: a new text carries annotations to their
//! words (unchanged, moved, edited) or makes them orphans, as one undoable
//! step; orphans are re-attached or deleted; edited marks are reviewed.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::revision::DocMeta;
use surligneur::core::{Action, CoreError, Document, LabelSet, Session, Timestamp};

const SEED: &str = include_str!("../www/default-article.txt");

fn find(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).expect("needle in text");
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn tag(s: &mut Session, id: &str, needle: &str, label: &str) {
    let (start, end) = find(s.doc().text(), needle);
    s.apply(Action::Add {
        id: id.into(),
        start,
        end,
        label: label.into(),
        now: Timestamp(1),
    })
    .unwrap();
}

fn seeded() -> Session {
    let mut s = Session::new(Document::from_plain_text(SEED), LabelSet::default());
    tag(&mut s, "title", "Patrick Starck cède", "claim");
    tag(&mut s, "figure", "500 millions d’euros", "claim");
    tag(
        &mut s,
        "quiz",
        "Quiz : Connaissez-vous les sous-traitants",
        "claim",
    );
    tag(&mut s, "idate", "Idate", "organisation");
    s
}

fn revise(s: &mut Session, text: &str) -> Result<surligneur::core::Change, CoreError> {
    let plan = s.plan_revision(text, "r2".into(), "v2.txt", Timestamp(100));
    s.apply(Action::Revise { plan })
}

type State = (
    String,
    Vec<surligneur::core::Annotation>,
    Vec<String>,
    DocMeta,
);

fn state(s: &Session) -> State {
    (
        s.doc().text().to_owned(),
        s.annotations().to_vec(),
        s.orphans().keys().cloned().collect(),
        s.meta().clone(),
    )
}

#[test]
fn a_corrected_article_keeps_every_annotation_on_its_words_or_says_orphan() {
    let mut s = seeded();
    let before = state(&s);
    let new = SEED
        .replace("500 millions", "600 millions") // a figure changed
        .replace(
            "Quiz : Connaissez-vous les sous-traitants des géants de la high-tech ?\n\n",
            "",
        ) // clipping trimmed
        .replace(
            "Cloud\npatrick",
            "Mise à jour : article corrigé.\n\nCloud\npatrick",
        ); // a paragraph added
    let c = revise(&mut s, &new).unwrap();
    assert_eq!(
        c.summary,
        "New version of the article: 1 unchanged, 1 moved, 1 edited, 1 orphaned"
    );
    assert!(c.text_changed && !c.is_noop());
    assert_eq!(s.doc().text(), new);
    let figure = s.annotations().get("figure").unwrap();
    assert_eq!(figure.quote, "600 millions d’euros");
    assert_eq!(
        s.edited().get("figure").map(String::as_str),
        Some("500 millions d’euros")
    );
    let idate = s.annotations().get("idate").unwrap();
    assert_eq!(idate.quote, "Idate");
    assert_eq!(s.annotations().get("title").unwrap().start, 0);
    // The quiz's words are gone: an orphan with its old words, not a guess.
    assert!(s.annotations().get("quiz").is_none());
    let o = &s.orphans()["quiz"];
    assert_eq!(
        o.annotation.quote,
        "Quiz : Connaissez-vous les sous-traitants"
    );
    assert_eq!(o.revision, "r2");
    assert_eq!(s.meta().revisions.len(), 2);
    assert_eq!(s.meta().current().unwrap().source, "v2.txt");
    s.annotations().assert_invariants(s.doc());
    // One undo: the previous text and annotations exactly.
    s.apply(Action::Undo).unwrap();
    assert_eq!(state(&s), before);
    assert!(s.edited().is_empty());
    s.apply(Action::Redo).unwrap();
    assert_eq!(s.doc().text(), new);
    assert!(s.orphans().contains_key("quiz"));
}

#[test]
fn orphans_are_reattached_or_deleted_and_edits_reviewed_undoably() {
    let mut s = seeded();
    let new = SEED.replace(
        "Quiz : Connaissez-vous les sous-traitants",
        "Quiz : qui fournit",
    );
    revise(&mut s, &new).unwrap();
    assert!(s.orphans().contains_key("quiz"));
    let (start, end) = find(s.doc().text(), "Quiz : qui fournit");
    let c = s
        .apply(Action::Reattach {
            id: "quiz".into(),
            start,
            end,
            now: Timestamp(7),
        })
        .unwrap();
    assert_eq!(
        c.summary,
        "Re-attached the orphan “Quiz : Connaissez-vous les sous-traitant…” to “Quiz : qui fournit”"
    );
    assert!(s.orphans().is_empty());
    assert_eq!(
        s.annotations().get("quiz").unwrap().quote,
        "Quiz : qui fournit"
    );
    s.apply(Action::Undo).unwrap();
    assert!(s.orphans().contains_key("quiz") && s.annotations().get("quiz").is_none());
    s.apply(Action::DeleteOrphan { id: "quiz".into() }).unwrap();
    assert!(s.orphans().is_empty());
    s.apply(Action::Undo).unwrap();
    assert!(s.orphans().contains_key("quiz"));
    assert_eq!(
        s.apply(Action::DeleteOrphan { id: "nope".into() })
            .unwrap_err(),
        CoreError::NoOrphan("nope".into())
    );
}

#[test]
fn the_same_text_changes_nothing_and_a_stale_plan_is_refused() {
    let mut s = seeded();
    let before = state(&s);
    let c = revise(&mut s, SEED).unwrap();
    assert!(c.is_noop());
    assert_eq!(state(&s), before);
    let plan = s.plan_revision("Autre texte", "r9".into(), "pasted", Timestamp(5));
    revise(&mut s, &SEED.replace("Idate", "IDATE")).unwrap();
    assert_eq!(
        s.apply(Action::Revise { plan }).unwrap_err(),
        CoreError::StalePlan
    );
}

#[test]
fn a_duplicate_of_the_words_elsewhere_does_not_attract_a_deleted_span() {
    let mut s = seeded();
    tag(&mut s, "stark", "Patrick Stark évoque", "claim");
    // The sentence is deleted, and the same words appear in a new paragraph.
    let new = SEED.replace("Patrick Stark évoque «", "Il évoque «")
        + "\n\nPatrick Stark évoque l’avenir dans un entretien.\n";
    revise(&mut s, &new).unwrap();
    assert!(
        s.orphans().contains_key("stark"),
        "{:?}",
        s.annotations().get("stark")
    );
    assert!(s.annotations().get("stark").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A paragraph inserted anywhere between paragraphs orphans nothing,
    /// keeps every quote, and one undo restores everything.
    #[test]
    fn an_insertion_orphans_nothing_and_undo_restores(para in 0usize..14, words in "[a-zé ]{1,60}") {
        let mut s = seeded();
        let before = state(&s);
        let blocks: Vec<usize> = s.doc().blocks().iter().map(|b| b.end).collect();
        let at = blocks[para % blocks.len()];
        let chars: Vec<char> = SEED.chars().collect();
        let mut new: String = chars[..at].iter().collect();
        new.push_str("\n\nInséré : ");
        new.push_str(&words);
        new.extend(&chars[at..]);
        revise(&mut s, &new).unwrap();
        prop_assert!(s.orphans().is_empty());
        prop_assert_eq!(s.annotations().len(), before.1.len());
        for a in &before.1 {
            prop_assert_eq!(&s.annotations().get(&a.id).unwrap().quote, &a.quote);
        }
        s.annotations().assert_invariants(s.doc());
        s.apply(Action::Undo).unwrap();
        prop_assert_eq!(state(&s), before);
    }

    /// No annotation is ever lost: after any revision each is an
    /// annotation or an orphan, never both.
    #[test]
    fn nothing_is_ever_lost(cut in 0usize..2500, len in 0usize..400, insert in "[a-z ]{0,30}") {
        let mut s = seeded();
        let ids: Vec<String> = s.annotations().iter().map(|a| a.id.clone()).collect();
        let chars: Vec<char> = SEED.chars().collect();
        let a = cut.min(chars.len());
        let b = (a + len).min(chars.len());
        let mut new: String = chars[..a].iter().collect();
        new.push_str(&insert);
        new.extend(&chars[b..]);
        let _ = revise(&mut s, &new);
        for id in &ids {
            let live = s.annotations().contains(id);
            let orphan = s.orphans().contains_key(id);
            prop_assert!(live != orphan, "{} live {} orphan {}", id, live, orphan);
        }
    }
}
