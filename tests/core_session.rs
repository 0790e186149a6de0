//! Session: every action, undo/redo of each, reload, bounded history, and
//! random action sequences against a naive snapshot model.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::{
    Action, Annotation, Change, CoreError, Document, ImportMode, ImportStats, LabelSet, Session,
    SpanError, Timestamp, HISTORY_LIMIT,
};

const SEED: &str = include_str!("../www/default-article.txt");

fn seed_session() -> Session {
    Session::new(Document::from_plain_text(SEED), LabelSet::default())
}

/// Code point range of the first occurrence of `needle`.
fn find(d: &Document, needle: &str) -> (usize, usize) {
    let byte = d.text().find(needle).expect("needle in text");
    let c = d.offsets().byte_to_char(byte).unwrap();
    (c, c + needle.chars().count())
}

fn add(id: &str, (start, end): (usize, usize), label: &str, t: i64) -> Action {
    Action::Add {
        id: id.into(),
        start,
        end,
        label: label.into(),
        now: Timestamp(t),
    }
}

fn state(s: &Session) -> Vec<Annotation> {
    s.annotations().to_vec()
}

#[test]
fn add_trims_whitespace_including_nbsp_and_fills_fields() {
    let mut s = seed_session();
    let (start, end) = find(s.doc(), "«\u{a0}Dans le cadre");
    // Select "\u{a0}Dans le cadre " with the NBSP before and a space after.
    let change = s
        .apply(add("a1", (start + 1, end + 1), "claim", 1000))
        .unwrap();
    let a = s.annotations().get("a1").unwrap().clone();
    assert_eq!((a.start, a.end), (start + 2, end));
    assert_eq!(a.quote, "Dans le cadre");
    assert_eq!(a.note, "");
    assert_eq!((a.created, a.modified), (Timestamp(1000), Timestamp(1000)));
    assert_eq!(change.touched_blocks, [2]);
    assert_eq!(change.focus.as_deref(), Some("a1"));
    assert_eq!(change.summary, "Tagged “Dans le cadre” as Claim");
    assert!(!change.is_noop());
    assert!(s.can_undo() && !s.can_redo());

    let undo = s.apply(Action::Undo).unwrap();
    assert!(s.annotations().is_empty());
    assert_eq!(undo.touched_blocks, [2]);
    assert_eq!(undo.focus, None);
    assert!(undo.summary.starts_with("Undone: Tagged"));
    assert!(!s.can_undo() && s.can_redo());

    let redo = s.apply(Action::Redo).unwrap();
    assert_eq!(s.annotations().get("a1"), Some(&a));
    assert_eq!(redo.focus.as_deref(), Some("a1"));
    assert_eq!(redo.touched_blocks, [2]);
}

#[test]
fn add_refusals_change_nothing() {
    let mut s = seed_session();
    let n = s.doc().len_chars();
    let ps = find(s.doc(), "Patrick Starck");
    s.apply(add("p", ps, "person", 1)).unwrap();
    let before = state(&s);
    let undo_len = s.history().undo_len();
    let (gap_start, _) = find(s.doc(), "\n\nCloud\n");
    let (dbl, _) = find(s.doc(), "\u{a0} Masquer");
    let cases: Vec<(Action, CoreError)> = vec![
        (
            add("x", (5, 3), "person", 2),
            SpanError::Reversed { start: 5, end: 3 }.into(),
        ),
        (
            add("x", (0, n + 1), "person", 2),
            CoreError::OutOfRange {
                start: 0,
                end: n + 1,
                len: n,
            },
        ),
        (
            add("x", (n + 5, n + 9), "person", 2),
            CoreError::OutOfRange {
                start: n + 5,
                end: n + 9,
                len: n,
            },
        ),
        (add("x", (4, 4), "person", 2), CoreError::EmptySelection),
        (
            add("x", (gap_start, gap_start + 2), "person", 2),
            CoreError::BlankSelection,
        ),
        // NBSP + space inside the last paragraph.
        (
            add("x", (dbl, dbl + 2), "person", 2),
            CoreError::BlankSelection,
        ),
        (
            add("x", (0, 7), "villain", 2),
            SpanError::UnknownLabel("villain".into()).into(),
        ),
        (
            add("p", (0, 7), "person", 2),
            SpanError::DuplicateId("p".into()).into(),
        ),
        (
            add("x", (ps.0, ps.1 + 1), "person", 2), // trailing space trimmed → duplicate
            SpanError::DuplicateSpan {
                start: ps.0,
                end: ps.1,
                label: "person".into(),
                existing: "p".into(),
            }
            .into(),
        ),
        (add("", (0, 7), "person", 2), SpanError::EmptyId.into()),
    ];
    for (action, err) in cases {
        assert_eq!(s.apply(action.clone()), Err(err), "{action:?}");
        assert_eq!(state(&s), before);
        assert_eq!(s.history().undo_len(), undo_len);
    }
    // Same range with another label is fine (overlap).
    s.apply(add("x", ps, "organisation", 2)).unwrap();
}

#[test]
fn delete_and_undo_restore_exactly() {
    let mut s = seed_session();
    let r = find(s.doc(), "Cloudwatt revendique");
    s.apply(add("c", (r.0, r.0 + 9), "organisation", 5))
        .unwrap();
    s.apply(Action::EditNote {
        id: "c".into(),
        note: "la société".into(),
        now: Timestamp(6),
    })
    .unwrap();
    let full = s.annotations().get("c").unwrap().clone();
    let block = s.doc().block_containing(r.0).unwrap();
    let del = s.apply(Action::Delete { id: "c".into() }).unwrap();
    assert_eq!(del.touched_blocks, [block]);
    assert_eq!(del.focus, None);
    assert!(
        del.summary.starts_with("Deleted “Cloudwatt”"),
        "{}",
        del.summary
    );
    assert!(s.annotations().is_empty());
    assert_eq!(
        s.apply(Action::Delete { id: "c".into() }),
        Err(SpanError::NotFound("c".into()).into())
    );
    let undo = s.apply(Action::Undo).unwrap();
    assert_eq!(undo.focus.as_deref(), Some("c"));
    assert_eq!(s.annotations().get("c"), Some(&full));
    s.apply(Action::Redo).unwrap();
    assert!(s.annotations().is_empty());
}

#[test]
fn relabel() {
    let mut s = seed_session();
    let ps = find(s.doc(), "Patrick Starck");
    s.apply(add("p", ps, "person", 1)).unwrap();
    s.apply(add("o", ps, "organisation", 1)).unwrap();
    let undo_len = s.history().undo_len();

    // Same label: no-op, no history.
    let same = s
        .apply(Action::Relabel {
            id: "p".into(),
            label: "person".into(),
            now: Timestamp(2),
        })
        .unwrap();
    assert!(same.is_noop());
    assert_eq!(s.history().undo_len(), undo_len);
    // Unknown label, unknown id, exact duplicate of "o".
    assert_eq!(
        s.apply(Action::Relabel {
            id: "p".into(),
            label: "nope".into(),
            now: Timestamp(2)
        }),
        Err(SpanError::UnknownLabel("nope".into()).into())
    );
    assert_eq!(
        s.apply(Action::Relabel {
            id: "zz".into(),
            label: "claim".into(),
            now: Timestamp(2)
        }),
        Err(SpanError::NotFound("zz".into()).into())
    );
    assert!(matches!(
        s.apply(Action::Relabel {
            id: "p".into(),
            label: "organisation".into(),
            now: Timestamp(2)
        }),
        Err(CoreError::Span(SpanError::DuplicateSpan { .. }))
    ));
    assert_eq!(s.history().undo_len(), undo_len);

    let before = s.annotations().get("p").unwrap().clone();
    let ch = s
        .apply(Action::Relabel {
            id: "p".into(),
            label: "claim".into(),
            now: Timestamp(9),
        })
        .unwrap();
    assert_eq!(ch.focus.as_deref(), Some("p"));
    assert_eq!(ch.touched_blocks, [0]);
    assert_eq!(ch.summary, "Relabelled “Patrick Starck” as Claim");
    let after = s.annotations().get("p").unwrap();
    assert_eq!(after.label, "claim");
    assert_eq!(
        (after.created, after.modified),
        (Timestamp(1), Timestamp(9))
    );
    assert_eq!(s.annotations().counts_by_label().get("claim"), Some(&1));
    s.apply(Action::Undo).unwrap();
    assert_eq!(s.annotations().get("p"), Some(&before));
    assert_eq!(s.annotations().counts_by_label().get("claim"), None);
}

#[test]
fn edit_note() {
    let mut s = seed_session();
    s.apply(add("p", find(s.doc(), "Pierre Paperon"), "person", 1))
        .unwrap();
    let noop = s
        .apply(Action::EditNote {
            id: "p".into(),
            note: String::new(),
            now: Timestamp(2),
        })
        .unwrap();
    assert!(noop.is_noop());
    assert_eq!(s.history().undo_len(), 1);
    let ch = s
        .apply(Action::EditNote {
            id: "p".into(),
            note: "Directeur marketing".into(),
            now: Timestamp(3),
        })
        .unwrap();
    assert_eq!(ch.focus.as_deref(), Some("p"));
    let a = s.annotations().get("p").unwrap();
    assert_eq!(
        (a.note.as_str(), a.modified),
        ("Directeur marketing", Timestamp(3))
    );
    s.apply(Action::Undo).unwrap();
    let a = s.annotations().get("p").unwrap();
    assert_eq!((a.note.as_str(), a.modified), ("", Timestamp(1)));
    assert_eq!(
        s.apply(Action::EditNote {
            id: "q".into(),
            note: "x".into(),
            now: Timestamp(3)
        }),
        Err(SpanError::NotFound("q".into()).into())
    );
}

fn ann(
    d: &Document,
    id: &str,
    (start, end): (usize, usize),
    label: &str,
    modified: i64,
) -> Annotation {
    Annotation {
        created: Timestamp(0),
        ..Annotation::at(d, id, start, end, label, Timestamp(modified)).unwrap()
    }
}

#[test]
fn import_merge() {
    let mut s = seed_session();
    let d = s.doc_rc();
    let ps = find(&d, "Patrick Starck");
    let cw = find(&d, "Cloudwatt");
    let or = find(&d, "Orange");
    s.apply(add("p", ps, "person", 10)).unwrap();
    s.apply(add("c", cw, "organisation", 10)).unwrap();
    let before = state(&s);

    let mut newer_p = ann(&d, "p", ps, "person", 20);
    newer_p.note = "newer".into();
    let mut older_c = ann(&d, "c", cw, "claim", 5);
    older_c.note = "older".into();
    let mut tie_c = ann(&d, "c", cw, "claim", 10);
    tie_c.note = "tie".into();
    let dup_of_p = ann(&d, "other", ps, "person", 99);
    let fresh = ann(&d, "o", or, "organisation", 1);
    let ch = s
        .apply(Action::Import {
            labels: None,
            annotations: vec![newer_p.clone(), older_c, tie_c, dup_of_p, fresh.clone()],
            mode: ImportMode::Merge,
        })
        .unwrap();
    assert_eq!(
        ch.import,
        Some(ImportStats {
            added: 1,
            updated: 1,
            unchanged: 2,
            skipped_duplicates: 1,
            removed: 0
        })
    );
    assert_eq!(ch.focus, None);
    let mut touched = vec![s.doc().block_containing(or.0).unwrap(), 0];
    touched.sort_unstable();
    assert_eq!(ch.touched_blocks, touched);
    assert_eq!(s.annotations().get("p"), Some(&newer_p));
    assert_eq!(s.annotations().get("c").unwrap().note, "");
    assert_eq!(s.annotations().get("o"), Some(&fresh));
    assert!(!s.annotations().contains("other"));
    assert!(
        ch.summary.contains("1 duplicates skipped"),
        "{}",
        ch.summary
    );

    // One undo reverts the whole import.
    s.apply(Action::Undo).unwrap();
    assert_eq!(state(&s), before);
    s.apply(Action::Redo).unwrap();
    assert_eq!(s.annotations().len(), 3);

    // Merging the same thing again: no-op, no history entry.
    let n = s.history().undo_len();
    let again = s
        .apply(Action::Import {
            labels: None,
            annotations: vec![newer_p, fresh],
            mode: ImportMode::Merge,
        })
        .unwrap();
    assert!(again.is_noop());
    assert_eq!(s.history().undo_len(), n);
}

#[test]
fn import_is_all_or_nothing_and_reports_every_problem() {
    let mut s = seed_session();
    let d = s.doc_rc();
    s.apply(add("p", find(&d, "Patrick Starck"), "person", 10))
        .unwrap();
    let before = state(&s);
    let good = ann(&d, "g", find(&d, "Orange"), "organisation", 1);
    let mut bad_quote = ann(&d, "b", find(&d, "Thalès"), "organisation", 1);
    bad_quote.quote = "Thales".into();
    let bad_label = ann(&d, "l", find(&d, "LeFigaro"), "newspaper", 1);
    let mut out = ann(&d, "r", (0, 3), "claim", 1);
    out.end = 100_000;
    for mode in [ImportMode::Merge, ImportMode::Replace] {
        let err = s
            .apply(Action::Import {
                labels: None,
                annotations: vec![
                    good.clone(),
                    bad_quote.clone(),
                    bad_label.clone(),
                    out.clone(),
                ],
                mode,
            })
            .unwrap_err();
        let CoreError::Invalid(list) = &err else {
            panic!("{err:?}")
        };
        let idx: Vec<_> = list.iter().map(|e| (e.index, e.id.as_str())).collect();
        assert_eq!(idx, [(1, "b"), (2, "l"), (3, "r")]);
        assert!(matches!(list[0].error, SpanError::QuoteMismatch { .. }));
        assert_eq!(list[1].error, SpanError::UnknownLabel("newspaper".into()));
        let msg = err.to_string();
        assert!(
            msg.starts_with("3 annotations are invalid, nothing was changed: annotation #2"),
            "{msg}"
        );
        assert_eq!(state(&s), before);
        assert_eq!(s.history().undo_len(), 1);
    }
}

#[test]
fn import_replace() {
    let mut s = seed_session();
    let d = s.doc_rc();
    s.apply(add("p", find(&d, "Patrick Starck"), "person", 10))
        .unwrap();
    s.apply(add("c", find(&d, "Cloudwatt"), "organisation", 10))
        .unwrap();
    let before = state(&s);
    let keep = s.annotations().get("c").unwrap().clone();
    let mut changed_p = s.annotations().get("p").unwrap().clone();
    changed_p.label = "claim".into();
    // Same range and label as the removed "p"; allowed since "p" goes away first.
    let new_x = ann(&d, "x", find(&d, "Patrick Starck"), "person", 1);
    let ch = s
        .apply(Action::Import {
            labels: None,
            annotations: vec![new_x.clone(), keep.clone(), changed_p.clone()],
            mode: ImportMode::Replace,
        })
        .unwrap();
    assert_eq!(
        ch.import,
        Some(ImportStats {
            added: 1,
            updated: 1,
            unchanged: 1,
            skipped_duplicates: 0,
            removed: 0
        })
    );
    assert_eq!(ch.touched_blocks, [0]);
    let mut want = vec![new_x, keep, changed_p];
    want.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    assert_eq!(state(&s), want);
    s.apply(Action::Undo).unwrap();
    assert_eq!(state(&s), before);

    // Replace with nothing removes everything.
    let ch = s
        .apply(Action::Import {
            labels: None,
            annotations: vec![],
            mode: ImportMode::Replace,
        })
        .unwrap();
    assert_eq!(ch.import.map(|i| i.removed), Some(2));
    assert!(s.annotations().is_empty());
    s.apply(Action::Undo).unwrap();
    assert_eq!(state(&s), before);

    // Duplicates within a replacing file are errors.
    let a = ann(&d, "a", find(&d, "Orange"), "organisation", 1);
    let b = ann(&d, "b", find(&d, "Orange"), "organisation", 1);
    let err = s.apply(Action::Import {
        labels: None,
        annotations: vec![a.clone(), a, b],
        mode: ImportMode::Replace,
    });
    let Err(CoreError::Invalid(list)) = err else {
        panic!("{err:?}")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].error, SpanError::DuplicateId("a".into()));
    assert_eq!(state(&s), before);
}

#[test]
fn reload_keeps_state_and_starts_a_fresh_history() {
    let mut s = seed_session();
    let d = s.doc_rc();
    s.apply(add("p", find(&d, "Patrick Starck"), "person", 1))
        .unwrap();
    s.apply(add("c", find(&d, "Cloudwatt"), "organisation", 2))
        .unwrap();
    s.apply(Action::Delete { id: "p".into() }).unwrap();
    s.apply(Action::Undo).unwrap();
    assert!(s.can_redo());
    let saved = state(&s);
    let mut r = Session::with_annotations(s.doc_rc(), s.labels().clone(), saved.clone()).unwrap();
    assert_eq!(state(&r), saved);
    assert!(!r.can_undo() && !r.can_redo());
    assert_eq!(r.apply(Action::Undo), Err(CoreError::NothingToUndo));
    assert_eq!(r.apply(Action::Redo), Err(CoreError::NothingToRedo));
    // Work continues normally after a reload.
    r.apply(Action::Delete { id: "c".into() }).unwrap();
    r.apply(Action::Undo).unwrap();
    assert_eq!(state(&r), saved);

    // Loading invalid annotations is refused with every problem listed.
    let mut bad = saved.clone();
    bad.push(saved[0].clone());
    let err = Session::with_annotations(s.doc_rc(), LabelSet::default(), bad).unwrap_err();
    let CoreError::Invalid(list) = err else {
        panic!()
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].index, 2);
}

#[test]
fn history_is_bounded_and_new_actions_clear_redo() {
    let words: Vec<String> = (0..HISTORY_LIMIT + 20).map(|i| format!("w{i}")).collect();
    let text = words.join(" ");
    let d = Document::from_plain_text(&text);
    let mut s = Session::new(d, LabelSet::default());
    let mut pos = 0;
    for (i, w) in words.iter().enumerate() {
        let n = w.chars().count();
        s.apply(add(&format!("a{i}"), (pos, pos + n), "person", i as i64))
            .unwrap();
        pos += n + 1;
    }
    assert_eq!(s.history().undo_len(), HISTORY_LIMIT);
    for _ in 0..HISTORY_LIMIT {
        s.apply(Action::Undo).unwrap();
    }
    assert_eq!(s.apply(Action::Undo), Err(CoreError::NothingToUndo));
    assert_eq!(
        s.annotations().len(),
        20,
        "the oldest 20 adds can no longer be undone"
    );
    assert_eq!(s.history().redo_len(), HISTORY_LIMIT);
    s.apply(Action::Redo).unwrap();
    s.apply(Action::Delete { id: "a0".into() }).unwrap();
    assert!(!s.can_redo());
    assert_eq!(s.apply(Action::Redo), Err(CoreError::NothingToRedo));
}

// ---------------------------------------------------------------------------
// Random sequences against a naive model.

const TEXT: &str =
    "Alice 😀 Smith\n\nworks at\nAcme Inc\n \u{a0}\nThe end, l’été.\n\n\n«\u{a0}Quote\u{a0}»";
const LABELS: [&str; 4] = ["person", "organisation", "claim", "bogus"];

#[derive(Clone, Debug)]
enum Item {
    Fresh {
        id: u8,
        start: usize,
        len: usize,
        label: usize,
    },
    Copy {
        pick: usize,
        dt: i64,
        note: u8,
        label: usize,
    },
    Bad {
        pick: usize,
    },
}

#[derive(Clone, Debug)]
enum Step {
    Add {
        id: u8,
        start: usize,
        len: usize,
        label: usize,
    },
    Delete {
        pick: usize,
    },
    Relabel {
        pick: usize,
        label: usize,
    },
    EditNote {
        pick: usize,
        note: u8,
    },
    Import {
        items: Vec<Item>,
        replace: bool,
    },
    Undo,
    Redo,
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        3 => (0u8..16, 0usize..62, 0usize..10, 0usize..3)
            .prop_map(|(id, start, len, label)| Item::Fresh { id, start, len, label }),
        3 => (any::<usize>(), -1i64..=1, 0u8..3, 0usize..3)
            .prop_map(|(pick, dt, note, label)| Item::Copy { pick, dt, note, label }),
        1 => any::<usize>().prop_map(|pick| Item::Bad { pick }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0u8..16, 0usize..62, 0usize..10, 0usize..4)
            .prop_map(|(id, start, len, label)| Step::Add { id, start, len, label }),
        2 => any::<usize>().prop_map(|pick| Step::Delete { pick }),
        2 => (any::<usize>(), 0usize..4).prop_map(|(pick, label)| Step::Relabel { pick, label }),
        2 => (any::<usize>(), 0u8..3).prop_map(|(pick, note)| Step::EditNote { pick, note }),
        1 => (prop::collection::vec(item(), 0..6), any::<bool>())
            .prop_map(|(items, replace)| Step::Import { items, replace }),
        3 => Just(Step::Undo),
        2 => Just(Step::Redo),
    ]
}

fn sorted(mut v: Vec<Annotation>) -> Vec<Annotation> {
    v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    v
}

fn pick_id(state: &[Annotation], pick: usize) -> String {
    if state.is_empty() || pick % 7 == 0 {
        "missing".into()
    } else {
        state[pick % state.len()].id.clone()
    }
}

fn naive_valid(d: &Document, a: &Annotation) -> bool {
    let touches = d
        .blocks()
        .iter()
        .any(|b| a.start.max(b.start) < a.end.min(b.end));
    !a.id.is_empty()
        && a.start < a.end
        && a.end <= d.len_chars()
        && touches
        && d.slice(a.start, a.end) == Some(a.quote.as_str())
        && LABELS[..3].contains(&a.label.as_str())
}

fn same_span(x: &Annotation, y: &Annotation) -> bool {
    x.id != y.id && (x.start, x.end, &x.label) == (y.start, y.end, &y.label)
}

/// The model's verdict: `Some(new state)` or `None` for an error.
fn model_step(d: &Document, st: &[Annotation], step: &Step, now: i64) -> Option<Vec<Annotation>> {
    let mut st = st.to_vec();
    let t = Timestamp(now);
    match step {
        Step::Add {
            id,
            start,
            len,
            label,
        } => {
            let (start, end) = (*start, start + len);
            if end > d.len_chars() || start == end {
                return None;
            }
            let chars: Vec<char> = d.text().chars().collect();
            let (mut s, mut e) = (start, end);
            while s < e && chars[s].is_whitespace() {
                s += 1;
            }
            while e > s && chars[e - 1].is_whitespace() {
                e -= 1;
            }
            let a = Annotation {
                id: format!("x{id}"),
                start: s,
                end: e,
                label: LABELS[*label].into(),
                quote: chars[s..e].iter().collect(),
                note: String::new(),
                created: t,
                modified: t,
            };
            if s == e || !naive_valid(d, &a) || st.iter().any(|o| o.id == a.id || same_span(o, &a))
            {
                return None;
            }
            st.push(a);
        }
        Step::Delete { pick } => {
            let id = pick_id(&st, *pick);
            let i = st.iter().position(|a| a.id == id)?;
            st.remove(i);
        }
        Step::Relabel { pick, label } => {
            let id = pick_id(&st, *pick);
            let i = st.iter().position(|a| a.id == id)?;
            let label = LABELS[*label];
            if label == "bogus" {
                return None;
            }
            if st[i].label != label {
                let new = Annotation {
                    label: label.into(),
                    modified: t,
                    ..st[i].clone()
                };
                if st.iter().any(|o| same_span(o, &new)) {
                    return None;
                }
                st[i] = new;
            }
        }
        Step::EditNote { pick, note } => {
            let id = pick_id(&st, *pick);
            let i = st.iter().position(|a| a.id == id)?;
            let note = "n".repeat(*note as usize);
            if st[i].note != note {
                st[i] = Annotation {
                    note,
                    modified: t,
                    ..st[i].clone()
                };
            }
        }
        Step::Import { items, replace } => {
            let incoming = resolve(d, &st, items, now);
            if incoming.iter().any(|a| !naive_valid(d, a)) {
                return None;
            }
            if *replace {
                for (i, a) in incoming.iter().enumerate() {
                    if incoming[..i]
                        .iter()
                        .any(|o| o.id == a.id || same_span(o, a))
                    {
                        return None;
                    }
                }
                st = incoming;
            } else {
                for a in incoming {
                    match st.iter().position(|o| o.id == a.id) {
                        Some(i) => {
                            if a.modified > st[i].modified && !st.iter().any(|o| same_span(o, &a)) {
                                st[i] = a;
                            }
                        }
                        None => {
                            if !st.iter().any(|o| same_span(o, &a)) {
                                st.push(a);
                            }
                        }
                    }
                }
            }
        }
        Step::Undo | Step::Redo => unreachable!(),
    }
    Some(st)
}

fn resolve(d: &Document, st: &[Annotation], items: &[Item], now: i64) -> Vec<Annotation> {
    items
        .iter()
        .map(|it| match it {
            Item::Fresh {
                id,
                start,
                len,
                label,
            } => {
                let (start, end) = (*start, start + len);
                Annotation {
                    id: format!("x{id}"),
                    start,
                    end,
                    label: LABELS[*label].into(),
                    quote: d.slice(start, end).unwrap_or("").into(),
                    note: "imported".into(),
                    created: Timestamp(now),
                    modified: Timestamp(now),
                }
            }
            Item::Copy {
                pick,
                dt,
                note,
                label,
            } => match st.get(pick % st.len().max(1)) {
                Some(a) => Annotation {
                    modified: Timestamp(a.modified.0 + dt),
                    note: "c".repeat(*note as usize),
                    label: LABELS[*label].into(),
                    ..a.clone()
                },
                None => Annotation {
                    id: "x0".into(),
                    start: 0,
                    end: 5,
                    label: "person".into(),
                    quote: d.slice(0, 5).unwrap_or("").into(),
                    note: String::new(),
                    created: Timestamp(now),
                    modified: Timestamp(now),
                },
            },
            Item::Bad { pick } => {
                let mut a = match st.get(pick % st.len().max(1)) {
                    Some(a) => a.clone(),
                    None => Annotation {
                        id: "bad".into(),
                        start: 0,
                        end: 5,
                        label: "person".into(),
                        quote: String::new(),
                        note: String::new(),
                        created: Timestamp(0),
                        modified: Timestamp(0),
                    },
                };
                a.quote.push('!');
                a
            }
        })
        .collect()
}

fn to_action(d: &Document, st: &[Annotation], step: &Step, now: i64) -> Action {
    let t = Timestamp(now);
    match step {
        Step::Add {
            id,
            start,
            len,
            label,
        } => Action::Add {
            id: format!("x{id}"),
            start: *start,
            end: start + len,
            label: LABELS[*label].into(),
            now: t,
        },
        Step::Delete { pick } => Action::Delete {
            id: pick_id(st, *pick),
        },
        Step::Relabel { pick, label } => Action::Relabel {
            id: pick_id(st, *pick),
            label: LABELS[*label].into(),
            now: t,
        },
        Step::EditNote { pick, note } => Action::EditNote {
            id: pick_id(st, *pick),
            note: "n".repeat(*note as usize),
            now: t,
        },
        Step::Import { items, replace } => Action::Import {
            labels: None,
            annotations: resolve(d, st, items, now),
            mode: if *replace {
                ImportMode::Replace
            } else {
                ImportMode::Merge
            },
        },
        Step::Undo => Action::Undo,
        Step::Redo => Action::Redo,
    }
}

/// Blocks whose annotations differ between two states must be reported,
/// and only touched blocks may change revision.
fn check_change(s: &Session, before: &[Annotation], revs: &[u64], change: &Change) {
    let d = s.doc();
    let tb = &change.touched_blocks;
    assert!(
        tb.windows(2).all(|w| w[0] < w[1]),
        "touched blocks sorted, unique"
    );
    for (b, &blk) in d.blocks().iter().enumerate() {
        let in_b = |v: &[Annotation]| -> Vec<Annotation> {
            sorted(
                v.iter()
                    .filter(|a| a.start.max(blk.start) < a.end.min(blk.end))
                    .cloned()
                    .collect(),
            )
        };
        let now: Vec<Annotation> = s.annotations().in_block(b).cloned().collect();
        if in_b(before) != now {
            assert!(tb.contains(&b), "block {b} changed but not reported");
        }
        if !tb.contains(&b) {
            assert_eq!(
                Some(&s.annotations().block_rev(b)),
                revs.get(b),
                "block {b} re-rendered needlessly"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_match_the_snapshot_model(steps in prop::collection::vec(step(), 1..50)) {
        let d = Document::from_plain_text(TEXT);
        let initial = vec![ann(&d, "init", (0, 5), "person", 0)];
        let mut s = Session::with_annotations(d.clone(), LabelSet::default(), initial.clone()).unwrap();
        let mut st = sorted(initial.clone());
        let mut undo: Vec<Vec<Annotation>> = Vec::new();
        let mut redo: Vec<Vec<Annotation>> = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let now = 100 + i as i64;
            let action = to_action(&d, &st, step, now);
            let revs: Vec<u64> = (0..d.blocks().len()).map(|b| s.annotations().block_rev(b)).collect();
            let prev_state = st.clone();
            let got = s.apply(action.clone());
            match step {
                Step::Undo => match undo.pop() {
                    Some(prev) => {
                        prop_assert!(got.is_ok(), "{:?}", got);
                        redo.push(std::mem::replace(&mut st, prev));
                    }
                    None => prop_assert_eq!(&got, &Err(CoreError::NothingToUndo)),
                },
                Step::Redo => match redo.pop() {
                    Some(next) => {
                        prop_assert!(got.is_ok(), "{:?}", got);
                        undo.push(std::mem::replace(&mut st, next));
                    }
                    None => prop_assert_eq!(&got, &Err(CoreError::NothingToRedo)),
                },
                _ => match model_step(&d, &st, step, now) {
                    Some(next) => {
                        prop_assert!(got.is_ok(), "model accepts {:?}, session says {:?}", action, got);
                        let next = sorted(next);
                        if next != st {
                            undo.push(std::mem::replace(&mut st, next));
                            redo.clear();
                        } else {
                            prop_assert!(got.as_ref().unwrap().is_noop());
                        }
                    }
                    None => prop_assert!(got.is_err(), "model refuses {:?}, session says {:?}", action, got),
                },
            }
            prop_assert_eq!(&s.annotations().to_vec(), &st, "after {:?}", action);
            prop_assert_eq!(s.can_undo(), !undo.is_empty());
            prop_assert_eq!(s.can_redo(), !redo.is_empty());
            s.annotations().assert_invariants(s.doc());
            if let Ok(change) = &got {
                check_change(&s, &prev_state, &revs, change);
                prop_assert_eq!(change.is_noop(), prev_state == st);
            }
        }
        // Undo everything: back to the initial state; redo everything: to
        // the furthest state reached (the bottom of the redo stack if the
        // sequence ended with undos).
        let last = redo.first().cloned().unwrap_or_else(|| st.clone());
        while s.can_undo() {
            s.apply(Action::Undo).unwrap();
        }
        // Fewer steps than HISTORY_LIMIT: nothing was dropped.
        prop_assert_eq!(&s.annotations().to_vec(), &sorted(initial));
        while s.can_redo() {
            s.apply(Action::Redo).unwrap();
        }
        prop_assert_eq!(&s.annotations().to_vec(), &last);
    }
}

#[test]
fn undo_all_returns_to_the_initial_state() {
    let d = Document::from_plain_text(TEXT);
    let initial = vec![ann(&d, "init", (0, 5), "person", 0)];
    let mut s = Session::with_annotations(d.clone(), LabelSet::default(), initial.clone()).unwrap();
    s.apply(add("a", (16, 21), "organisation", 1)).unwrap();
    s.apply(Action::Relabel {
        id: "init".into(),
        label: "claim".into(),
        now: Timestamp(2),
    })
    .unwrap();
    s.apply(Action::Delete { id: "a".into() }).unwrap();
    s.apply(Action::Import {
        labels: None,
        annotations: vec![],
        mode: ImportMode::Replace,
    })
    .unwrap();
    let last = state(&s);
    while s.can_undo() {
        s.apply(Action::Undo).unwrap();
    }
    assert_eq!(state(&s), initial);
    while s.can_redo() {
        s.apply(Action::Redo).unwrap();
    }
    assert_eq!(state(&s), last);
}
