//! Labels are the user's: adding, renaming, recolouring, re-keying,
//! reordering and removing labels, each undoable, with random sequences
//! checked against a naive model.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::session::LabelFate;
use surligneur::core::span::{contrast_ratio, LabelError, Look, PALETTE};
use surligneur::core::{Action, CoreError, Document, LabelDef, LabelSet, Session, Timestamp};

const SEED: &str = include_str!("../www/default-article.txt");

fn seed() -> Session {
    Session::new(Document::from_plain_text(SEED), LabelSet::default())
}

fn find(d: &Document, needle: &str) -> (usize, usize) {
    let byte = d.text().find(needle).expect("needle in text");
    let c = d.offsets().byte_to_char(byte).unwrap();
    (c, c + needle.chars().count())
}

fn tag(s: &mut Session, id: &str, needle: &str, label: &str) {
    let (start, end) = find(s.doc(), needle);
    s.apply(Action::Add {
        id: id.into(),
        start,
        end,
        label: label.into(),
        now: Timestamp(1),
    })
    .unwrap();
}

fn place(key: &str) -> LabelDef {
    LabelDef {
        id: "place".into(),
        name: "Place".into(),
        color: "#009e73".into(),
        key: key.into(),
        look: Look::Fill,
    }
}

fn ids(s: &Session) -> Vec<String> {
    s.labels().iter().map(|l| l.id.clone()).collect()
}

#[test]
fn add_label_then_tag_with_its_key_and_undo() {
    let mut s = seed();
    assert_eq!(s.labels().free_keys(), ["4", "5", "6", "7", "8", "9"]);
    let c = s.apply(Action::AddLabel { label: place("4") }).unwrap();
    assert_eq!(c.summary, "Added the label Place");
    assert!(c.labels_changed && !c.is_noop());
    assert_eq!(ids(&s), ["person", "organisation", "claim", "place"]);
    assert_eq!(s.labels().by_key("4").unwrap().id, "place");
    tag(&mut s, "p", "Cloudwatt", "place");
    // Undo the tag, then the label: back to the three defaults.
    s.apply(Action::Undo).unwrap();
    let u = s.apply(Action::Undo).unwrap();
    assert_eq!(u.summary, "Undone: Added the label Place");
    assert_eq!(*s.labels(), LabelSet::default());
    s.apply(Action::Redo).unwrap();
    assert!(s.labels().contains("place"));
}

#[test]
fn keys_never_collide_and_a_keyless_label_works() {
    let mut s = seed();
    let err = s.apply(Action::AddLabel { label: place("1") }).unwrap_err();
    assert_eq!(
        err,
        CoreError::Label(LabelError::KeyTaken {
            key: "1".into(),
            name: "Person".into()
        })
    );
    assert_eq!(err.to_string(), "the key 1 is already used by Person");
    assert_eq!(*s.labels(), LabelSet::default());
    // Without a key it is added, and tags from the picker (by id).
    s.apply(Action::AddLabel { label: place("") }).unwrap();
    tag(&mut s, "p", "Cloudwatt", "place");
    assert_eq!(s.annotations().get("p").unwrap().label, "place");
    // Re-keying onto a used key is refused; onto a free one works.
    let mut k = place("2");
    let err = s
        .apply(Action::UpdateLabel {
            id: "place".into(),
            label: k.clone(),
        })
        .unwrap_err();
    assert!(matches!(err, CoreError::Label(LabelError::KeyTaken { .. })));
    k.key = "7".into();
    let c = s
        .apply(Action::UpdateLabel {
            id: "place".into(),
            label: k,
        })
        .unwrap();
    assert_eq!(c.summary, "The label Place now has the key 7");
    // Bad definitions are refused with the reason.
    for (bad, why) in [
        (
            LabelDef {
                color: "red".into(),
                ..place("8")
            },
            LabelError::BadColour("red".into()),
        ),
        (
            LabelDef {
                name: "  ".into(),
                ..place("8")
            },
            LabelError::EmptyName,
        ),
        (
            LabelDef {
                key: "10".into(),
                ..place("8")
            },
            LabelError::BadKey("10".into()),
        ),
    ] {
        let before = s.labels().clone();
        let err = s
            .apply(Action::UpdateLabel {
                id: "place".into(),
                label: bad,
            })
            .unwrap_err();
        assert_eq!(err, CoreError::Label(why));
        assert_eq!(*s.labels(), before);
    }
}

#[test]
fn rename_recolour_and_look_are_undoable_and_rename_rerenders_its_blocks() {
    let mut s = seed();
    tag(&mut s, "a", "Patrick Starck", "person");
    let mut p = s.labels().get("person").unwrap().clone();
    p.name = "Personne".into();
    let c = s
        .apply(Action::UpdateLabel {
            id: "person".into(),
            label: p.clone(),
        })
        .unwrap();
    assert_eq!(c.summary, "Renamed the label Person to Personne");
    // The tooltip names the label: its block renders again.
    assert_eq!(c.touched_blocks, [0]);
    p.color = "#0072b2".into();
    let c = s
        .apply(Action::UpdateLabel {
            id: "person".into(),
            label: p.clone(),
        })
        .unwrap();
    assert_eq!(c.summary, "Recoloured the label Personne");
    // A colour lives in the generated stylesheet: no block renders again.
    assert!(c.touched_blocks.is_empty() && c.labels_changed);
    p.look = Look::Underline;
    let c = s
        .apply(Action::UpdateLabel {
            id: "person".into(),
            label: p,
        })
        .unwrap();
    assert_eq!(c.summary, "Changed how the label Personne looks");
    assert_eq!(c.touched_blocks, [0]);
    for _ in 0..3 {
        s.apply(Action::Undo).unwrap();
    }
    assert_eq!(*s.labels(), LabelSet::default());
    // Updating to the same definition changes nothing and records nothing.
    let same = s.labels().get("claim").unwrap().clone();
    let c = s
        .apply(Action::UpdateLabel {
            id: "claim".into(),
            label: same,
        })
        .unwrap();
    assert!(c.is_noop());
}

#[test]
fn reorder() {
    let mut s = seed();
    s.apply(Action::MoveLabel {
        id: "claim".into(),
        to: 0,
    })
    .unwrap();
    assert_eq!(ids(&s), ["claim", "person", "organisation"]);
    let err = s
        .apply(Action::MoveLabel {
            id: "claim".into(),
            to: 3,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "position 3 is outside the label list (3 labels)"
    );
    s.apply(Action::Undo).unwrap();
    assert_eq!(ids(&s), ["person", "organisation", "claim"]);
}

#[test]
fn removing_a_label_in_use_asks_then_relabels_or_deletes_undoably() {
    let mut s = seed();
    s.apply(Action::AddLabel { label: place("4") }).unwrap();
    tag(&mut s, "p1", "Cloudwatt", "place");
    tag(&mut s, "p2", "Orange", "place");
    // The same span as p2 is already an organisation: relabelling p2 to
    // organisation would duplicate it, so p2 merges into that one.
    tag(&mut s, "o", "Orange", "organisation");
    let before = s.annotations().to_vec();
    let now = Timestamp(9);
    let err = s
        .apply(Action::RemoveLabel {
            id: "place".into(),
            fate: None,
            now,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 annotations use the label Place: say whether to relabel or delete them"
    );
    assert!(s.labels().contains("place"));
    let c = s
        .apply(Action::RemoveLabel {
            id: "place".into(),
            fate: Some(LabelFate::Relabel("organisation".into())),
            now,
        })
        .unwrap();
    assert_eq!(
        c.summary,
        "Removed the label Place; its 2 annotations are now Organisation"
    );
    assert!(!s.labels().contains("place"));
    let p1 = s.annotations().get("p1").unwrap();
    assert_eq!((p1.label.as_str(), p1.modified), ("organisation", now));
    assert!(s.annotations().get("p2").is_none());
    assert!(s.annotations().get("o").is_some());
    s.annotations().assert_invariants(s.doc());
    // One undo puts the label and both annotations back exactly.
    s.apply(Action::Undo).unwrap();
    assert_eq!(s.annotations().to_vec(), before);
    assert!(s.labels().contains("place"));
    // Delete instead.
    let c = s
        .apply(Action::RemoveLabel {
            id: "place".into(),
            fate: Some(LabelFate::Delete),
            now,
        })
        .unwrap();
    assert_eq!(c.summary, "Removed the label Place and its 2 annotations");
    assert_eq!(s.annotations().len(), 1);
    s.apply(Action::Undo).unwrap();
    assert_eq!(s.annotations().to_vec(), before);
    // Refusals: to itself, to an unknown label, the last label.
    for (fate, why) in [
        (
            LabelFate::Relabel("place".into()),
            "the annotations of a removed label cannot be moved to that same label",
        ),
        (
            LabelFate::Relabel("nope".into()),
            "there is no label \"nope\"",
        ),
    ] {
        let err = s
            .apply(Action::RemoveLabel {
                id: "place".into(),
                fate: Some(fate),
                now,
            })
            .unwrap_err();
        assert_eq!(err.to_string(), why);
        assert_eq!(s.annotations().to_vec(), before);
    }
    let mut one = Session::new(Document::from_plain_text("x"), LabelSet(vec![place("1")]));
    let err = one
        .apply(Action::RemoveLabel {
            id: "place".into(),
            fate: None,
            now,
        })
        .unwrap_err();
    assert_eq!(err, CoreError::Label(LabelError::LastLabel));
}

#[test]
fn union_keeps_ours_and_names_the_differences() {
    let ours = LabelSet::default();
    let mut theirs = LabelSet::default();
    theirs.0[0].color = "#000000".into();
    theirs.0.push(place("2"));
    let (u, differing) = ours.union(&theirs);
    assert_eq!(differing, ["person"]);
    assert_eq!(u.0[0], ours.0[0]);
    // Their place comes, without the key our organisation already has.
    assert_eq!(u.get("place").unwrap().key, "");
    assert_eq!(u.len(), 4);
}

#[test]
fn fresh_ids_and_palette() {
    let s = LabelSet::default();
    assert_eq!(s.fresh_id("Lieu (ville)"), "lieu-ville");
    assert_eq!(s.fresh_id("Person"), "person-2");
    assert_eq!(s.fresh_id("!!!"), "label");
    // Every palette colour, as a 35 % fill over the paper, keeps the ink
    // readable (AA for body text, 4.5:1).
    let mix = |hex: &str| {
        let c = surligneur::core::span::parse_hex_colour(hex).unwrap();
        let paper = [0xff, 0xfd, 0xf8];
        let m: Vec<u8> = (0..3)
            .map(|i| (f64::from(c[i]) * 0.35 + f64::from(paper[i]) * 0.65).round() as u8)
            .collect();
        format!("#{:02x}{:02x}{:02x}", m[0], m[1], m[2])
    };
    for (name, hex) in PALETTE {
        let r = contrast_ratio("#1d1d1f", &mix(hex)).unwrap();
        assert!(r >= 4.5, "{name} {hex}: {r}");
    }
    assert!(contrast_ratio("#000000", "#ffffff").unwrap() > 20.9);
    assert_eq!(contrast_ratio("red", "#ffffff"), None);
}

#[derive(Clone, Debug)]
enum Op {
    Add(u8, u8),
    Rename(u8),
    Rekey(u8, u8),
    Move(u8, u8),
    Remove(u8, bool),
    Tag(u8),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..9u8, 0..10u8).prop_map(|(k, c)| Op::Add(k, c)),
        (0..8u8).prop_map(Op::Rename),
        (0..8u8, 0..10u8).prop_map(|(i, k)| Op::Rekey(i, k)),
        (0..8u8, 0..8u8).prop_map(|(i, t)| Op::Move(i, t)),
        (0..8u8, any::<bool>()).prop_map(|(i, d)| Op::Remove(i, d)),
        (0..8u8).prop_map(Op::Tag),
        Just(Op::Undo),
        Just(Op::Redo),
    ]
}

/// The label set is always valid: unique ids, unique non-empty keys, every
/// annotation's label in it.
fn check(s: &Session) {
    let mut ids = std::collections::BTreeSet::new();
    let mut keys = std::collections::BTreeSet::new();
    for l in s.labels().iter() {
        assert!(ids.insert(l.id.clone()), "duplicate id {}", l.id);
        assert!(
            l.key.is_empty() || keys.insert(l.key.clone()),
            "key {}",
            l.key
        );
        LabelSet::check_def(l).unwrap();
    }
    assert!(!s.labels().is_empty());
    for a in s.annotations().iter() {
        assert!(s.labels().contains(&a.label), "{} has no label", a.id);
    }
    s.annotations().assert_invariants(s.doc());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any sequence of label and tag operations keeps the labels valid, and
    /// undoing everything gives back the starting labels and annotations.
    #[test]
    fn label_operations_stay_valid_and_undo_completely(ops in prop::collection::vec(op(), 1..40)) {
        let mut s = seed();
        let words = ["Patrick", "Starck", "Cloudwatt", "Orange", "LeFigaro", "Thalès", "actionnaires", "stark"];
        let mut serial = 0;
        let pick = |s: &Session, i: u8| s.labels().0.get(usize::from(i) % s.labels().len()).cloned().unwrap();
        for op in &ops {
            serial += 1;
            let action = match op {
                Op::Add(k, c) => Action::AddLabel { label: LabelDef {
                    id: s.labels().fresh_id("L"),
                    name: format!("L{serial}"),
                    color: PALETTE[usize::from(*c) % PALETTE.len()].1.into(),
                    key: if *k == 0 { String::new() } else { k.to_string() },
                    look: Look::Fill,
                }},
                Op::Rename(i) => { let mut l = pick(&s, *i); l.name = format!("N{serial}"); Action::UpdateLabel { id: l.id.clone(), label: l } }
                Op::Rekey(i, k) => { let mut l = pick(&s, *i); l.key = if *k == 0 { String::new() } else { k.to_string() }; Action::UpdateLabel { id: l.id.clone(), label: l } }
                Op::Move(i, t) => { let l = pick(&s, *i); Action::MoveLabel { id: l.id, to: usize::from(*t) % s.labels().len() } }
                Op::Remove(i, del) => {
                    let l = pick(&s, *i);
                    let other = s.labels().iter().find(|o| o.id != l.id).map(|o| o.id.clone());
                    let fate = match (del, other) { (true, _) | (_, None) => LabelFate::Delete, (false, Some(o)) => LabelFate::Relabel(o) };
                    Action::RemoveLabel { id: l.id, fate: Some(fate), now: Timestamp(serial) }
                }
                Op::Tag(i) => {
                    let (start, end) = find(s.doc(), words[usize::from(*i) % words.len()]);
                    let l = pick(&s, *i);
                    Action::Add { id: format!("a{serial}"), start, end, label: l.id, now: Timestamp(serial) }
                }
                Op::Undo => Action::Undo,
                Op::Redo => Action::Redo,
            };
            let before = (s.labels().clone(), s.annotations().to_vec());
            match s.apply(action) {
                Ok(_) => {}
                Err(_) => prop_assert_eq!(&(s.labels().clone(), s.annotations().to_vec()), &before),
            }
            check(&s);
        }
        while s.can_undo() {
            s.apply(Action::Undo).unwrap();
            check(&s);
        }
        prop_assert_eq!(s.labels(), &LabelSet::default());
        prop_assert!(s.annotations().is_empty());
    }
}
