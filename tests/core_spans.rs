//! AnnotationSet against a naive `Vec<Annotation>` model: random insert /
//! remove / replace, every index checked after every step.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use surligneur::core::{Annotation, AnnotationSet, Document, SpanError, Timestamp};

/// Several blocks, a line break inside one, emoji, NBSP, blank gaps.
const TEXT: &str =
    "Alice 😀 Smith\n\nworks at\nAcme Inc\n \u{a0}\nThe end, l’été.\n\n\n«\u{a0}Quote\u{a0}»";

fn doc() -> Document {
    Document::from_plain_text(TEXT)
}

const LABELS: [&str; 3] = ["person", "organisation", "claim"];

#[derive(Clone, Debug)]
enum Op {
    Insert {
        id: u8,
        start: usize,
        end: usize,
        label: usize,
        bad_quote: bool,
    },
    Remove {
        id: u8,
    },
    Replace {
        id: u8,
        start: usize,
        end: usize,
        label: usize,
        note: u8,
    },
}

fn op(len: usize) -> impl Strategy<Value = Op> {
    let pos = 0..len + 3;
    prop_oneof![
        4 => (0u8..12, pos.clone(), pos.clone(), 0usize..3, prop::bool::weighted(0.1))
            .prop_map(|(id, start, end, label, bad_quote)| Op::Insert { id, start, end, label, bad_quote }),
        1 => (0u8..12).prop_map(|id| Op::Remove { id }),
        2 => (0u8..12, pos.clone(), pos, 0usize..3, 0u8..3)
            .prop_map(|(id, start, end, label, note)| Op::Replace { id, start, end, label, note }),
    ]
}

fn make(d: &Document, id: u8, start: usize, end: usize, label: usize) -> Annotation {
    Annotation {
        id: format!("id{id}"),
        start,
        end,
        label: LABELS[label % 3].to_owned(),
        quote: d.slice(start, end).unwrap_or("").to_owned(),
        note: String::new(),
        created: Timestamp(1),
        modified: Timestamp(1),
    }
}

fn touches(d: &Document, a: &Annotation) -> Vec<usize> {
    d.blocks()
        .iter()
        .enumerate()
        .filter(|(_, b)| a.start.max(b.start) < a.end.min(b.end))
        .map(|(i, _)| i)
        .collect()
}

/// What the model says about the span and quote alone.
fn naive_check(d: &Document, a: &Annotation) -> Result<(), SpanError> {
    let (start, end) = (a.start, a.end);
    let len = d.text().chars().count();
    if start > end {
        return Err(SpanError::Reversed { start, end });
    }
    if start == end {
        return Err(SpanError::Empty { start });
    }
    if end > len {
        return Err(SpanError::OutOfRange { start, end, len });
    }
    if touches(d, a).is_empty() {
        return Err(SpanError::OutsideBlocks { start, end });
    }
    let expected: String = d.text().chars().skip(start).take(end - start).collect();
    if expected != a.quote {
        return Err(SpanError::QuoteMismatch {
            start,
            end,
            expected,
            found: a.quote.clone(),
        });
    }
    Ok(())
}

/// The model's duplicate-span check.
fn naive_dup(model: &[Annotation], a: &Annotation) -> Result<(), SpanError> {
    let (start, end) = (a.start, a.end);
    if let Some(o) = model
        .iter()
        .find(|o| o.id != a.id && (o.start, o.end, &o.label) == (start, end, &a.label))
    {
        return Err(SpanError::DuplicateSpan {
            start,
            end,
            label: a.label.clone(),
            existing: o.id.clone(),
        });
    }
    Ok(())
}

fn sorted(mut v: Vec<Annotation>) -> Vec<Annotation> {
    v.sort_by(|x, y| x.order_key().cmp(&y.order_key()));
    v
}

fn compare(d: &Document, set: &AnnotationSet, model: &[Annotation], revs: &[u64]) {
    set.assert_invariants(d);
    let want = sorted(model.to_vec());
    assert_eq!(set.to_vec(), want);
    assert_eq!(set.len(), model.len());
    assert_eq!(set.is_empty(), model.is_empty());
    for a in model {
        assert_eq!(set.get(&a.id), Some(a));
        assert_eq!(set.touched_blocks(a).collect::<Vec<_>>(), touches(d, a));
        assert_eq!(
            set.find_span(a.start, a.end, &a.label).map(|x| &x.id),
            Some(&a.id)
        );
    }
    for b in 0..d.blocks().len() + 1 {
        let got: Vec<_> = set.in_block(b).cloned().collect();
        let exp: Vec<_> = want
            .iter()
            .filter(|a| touches(d, a).contains(&b))
            .cloned()
            .collect();
        assert_eq!(got, exp, "block {b}");
        assert_eq!(
            set.block_rev(b),
            revs.get(b).copied().unwrap_or(0),
            "rev of block {b}"
        );
    }
    for pos in 0..d.len_chars() + 2 {
        let got: Vec<_> = set.covering(pos).into_iter().cloned().collect();
        let exp: Vec<_> = want
            .iter()
            .filter(|a| a.start <= pos && pos < a.end)
            .cloned()
            .collect();
        assert_eq!(got, exp, "covering {pos}");
    }
    let mut counts = std::collections::BTreeMap::new();
    for a in model {
        *counts.entry(a.label.clone()).or_insert(0usize) += 1;
    }
    assert_eq!(set.counts_by_label(), counts);
}

fn bump(revs: &mut [u64], blocks: &[usize]) {
    for &b in blocks {
        revs[b] += 1;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn set_matches_naive_model(ops in prop::collection::vec(op(TEXT.chars().count()), 1..40)) {
        let d = doc();
        let mut set = AnnotationSet::new(&d);
        let mut model: Vec<Annotation> = Vec::new();
        let mut revs = vec![0u64; d.blocks().len()];
        for op in ops {
            match op {
                Op::Insert { id, start, end, label, bad_quote } => {
                    let mut a = make(&d, id, start, end, label);
                    if bad_quote {
                        a.quote.push('x');
                    }
                    // Order of checks: span and quote, id, exact duplicate.
                    let expect = naive_check(&d, &a)
                        .and_then(|()| {
                            if model.iter().any(|o| o.id == a.id) {
                                Err(SpanError::DuplicateId(a.id.clone()))
                            } else {
                                Ok(())
                            }
                        })
                        .and_then(|()| naive_dup(&model, &a));
                    let got = set.insert(&d, a.clone());
                    prop_assert_eq!(&got, &expect);
                    if got.is_ok() {
                        bump(&mut revs, &touches(&d, &a));
                        model.push(a);
                    }
                }
                Op::Remove { id } => {
                    let id = format!("id{id}");
                    let pos = model.iter().position(|a| a.id == id);
                    let got = set.remove(&id);
                    match pos {
                        Some(i) => {
                            let a = model.remove(i);
                            bump(&mut revs, &touches(&d, &a));
                            prop_assert_eq!(got, Some(a));
                        }
                        None => prop_assert_eq!(got, None),
                    }
                }
                Op::Replace { id, start, end, label, note } => {
                    let mut a = make(&d, id, start, end, label);
                    a.note = "n".repeat(note as usize);
                    let pos = model.iter().position(|o| o.id == a.id);
                    let got = set.replace(&d, a.clone());
                    let verdict = naive_check(&d, &a).and_then(|()| match pos {
                        None => Err(SpanError::NotFound(a.id.clone())),
                        Some(_) => naive_dup(&model, &a),
                    });
                    match (pos, verdict) {
                        (Some(i), Ok(())) => {
                            let old = std::mem::replace(&mut model[i], a.clone());
                            let mut touched = touches(&d, &old);
                            for b in touches(&d, &a) {
                                if !touched.contains(&b) {
                                    touched.push(b);
                                }
                            }
                            bump(&mut revs, &touched);
                            prop_assert_eq!(got, Ok(old));
                        }
                        (_, Err(e)) => prop_assert_eq!(got, Err(e)),
                        (None, Ok(())) => unreachable!(),
                    }
                }
            }
            compare(&d, &set, &model, &revs);
        }
    }
}

#[test]
fn seed_article_cross_block_and_nested() {
    let d = Document::from_plain_text(include_str!("../www/default-article.txt"));
    let mut set = AnnotationSet::new(&d);
    let text = d.text();
    let at = |needle: &str| {
        let byte = text.find(needle).unwrap();
        let c = d.offsets().byte_to_char(byte).unwrap();
        (c, c + needle.chars().count())
    };
    let (s, e) = at("Patrick Starck va quitter");
    set.insert(&d, make(&d, 1, s, e, 2)).unwrap();
    set.insert(&d, make(&d, 2, s, s + 14, 0)).unwrap();
    let (cs, ce) = at("CloudWatt");
    set.insert(&d, make(&d, 3, cs, ce, 1)).unwrap();
    // From the title into block 1 ("Cloud\npatrick…").
    set.insert(&d, make(&d, 4, 0, 52, 2)).unwrap();
    set.assert_invariants(&d);
    assert_eq!(set.touched_blocks(set.get("id4").unwrap()), 0..2);
    let in2: Vec<_> = set.in_block(2).map(|a| a.id.as_str()).collect();
    assert_eq!(in2, ["id1", "id2", "id3"]);
    let cov: Vec<_> = set.covering(s + 3).iter().map(|a| a.id.as_str()).collect();
    assert_eq!(cov, ["id1", "id2"]);
    assert_eq!(set.get("id2").unwrap().quote, "Patrick Starck");
}
