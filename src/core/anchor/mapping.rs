//! Token mapping from an old text to a new one: a token diff (imara-diff,
//! Myers), then move detection between what was removed and what was added.
//!
//! The result says, for every old token, which new token is the same token
//! in the same place in the text's flow, if any. A paragraph that moved is
//! removed at one place and added at another in the diff; the second pass
//! finds the added region sharing the most 3-token shingles with each
//! removed region and diffs those two regions alone, so the moved tokens
//! are mapped too.

use super::text::FxMap as HashMap;

use imara_diff::{Algorithm, Diff, Token};

/// "Not mapped".
pub(crate) const NONE: u32 = u32::MAX;

/// Shingle width for move detection.
const SHINGLE: usize = 3;
/// Shared shingles needed before two regions are diffed as a move.
const MIN_VOTES: usize = 2;

/// Old token index → new token index (or [`NONE`]).
///
/// `old_paras` / `new_paras`: the token index where each paragraph starts
/// (ascending, first 0). Paragraphs are diffed first, by their tokens, so a
/// moved or untouched paragraph never lends its words to a coincidental
/// alignment elsewhere; tokens are diffed only inside changed runs of
/// paragraphs.
pub(crate) fn map_tokens(
    old: &[u32],
    new: &[u32],
    num_ids: u32,
    old_paras: &[usize],
    new_paras: &[usize],
) -> Vec<u32> {
    let mut map = vec![NONE; old.len()];
    let mut claimed = vec![false; new.len()];
    let op = ranges(old_paras, old.len());
    let np = ranges(new_paras, new.len());
    // Paragraph ids: equal token sequences, equal id.
    let mut keys: HashMap<&[u32], u32> = HashMap::default();
    let okeys: Vec<u32> = op
        .iter()
        .map(|r| intern(&mut keys, old.get(r.clone()).unwrap_or(&[])))
        .collect();
    let nkeys: Vec<u32> = np
        .iter()
        .map(|r| intern(&mut keys, new.get(r.clone()).unwrap_or(&[])))
        .collect();
    let n_keys = keys.len() as u32;
    let mut pmap = vec![NONE; op.len()];
    let mut pclaimed = vec![false; np.len()];
    let phunks = diff_into(&okeys, &nkeys, 0, 0, n_keys, &mut pmap, &mut pclaimed);
    // Exact paragraph moves: a removed paragraph equal to an added one.
    let mut added: HashMap<u32, Vec<usize>> = HashMap::default();
    for (_, after) in &phunks {
        for q in after.clone() {
            if let Some(&k) = nkeys.get(q) {
                added.entry(k).or_default().push(q);
            }
        }
    }
    for (before, _) in &phunks {
        for p in before.clone() {
            let Some(k) = okeys.get(p) else { continue };
            if let Some(qs) = added.get_mut(k) {
                if let Some(pos) = qs
                    .iter()
                    .position(|&q| !pclaimed.get(q).copied().unwrap_or(true))
                {
                    let q = qs.remove(pos);
                    if let (Some(m), Some(c)) = (pmap.get_mut(p), pclaimed.get_mut(q)) {
                        *m = q as u32;
                        *c = true;
                    }
                }
            }
        }
    }
    // Tokens of paired paragraphs map one to one.
    for (p, &q) in pmap.iter().enumerate() {
        if q == NONE {
            continue;
        }
        if let (Some(ro), Some(rn)) = (op.get(p), np.get(q as usize)) {
            for (i, j) in ro.clone().zip(rn.clone()) {
                if let (Some(m), Some(c)) = (map.get_mut(i), claimed.get_mut(j)) {
                    *m = j as u32;
                    *c = true;
                }
            }
        }
    }
    // Inside each changed run of paragraphs: a token diff of what is left.
    for (before, after) in &phunks {
        let oi: Vec<usize> = before
            .clone()
            .filter(|&p| pmap.get(p) == Some(&NONE))
            .flat_map(|p| op.get(p).cloned().unwrap_or(0..0))
            .collect();
        let nj: Vec<usize> = after
            .clone()
            .filter(|&q| pclaimed.get(q) == Some(&false))
            .flat_map(|q| np.get(q).cloned().unwrap_or(0..0))
            .collect();
        if oi.is_empty() || nj.is_empty() {
            continue;
        }
        let ov: Vec<u32> = oi.iter().filter_map(|&i| old.get(i).copied()).collect();
        let nv: Vec<u32> = nj.iter().filter_map(|&j| new.get(j).copied()).collect();
        let mut sub = vec![NONE; ov.len()];
        let mut sub_claimed = vec![false; nv.len()];
        diff_into(&ov, &nv, 0, 0, num_ids, &mut sub, &mut sub_claimed);
        for (x, &y) in sub.iter().enumerate() {
            if y == NONE {
                continue;
            }
            if let (Some(&i), Some(&j)) = (oi.get(x), nj.get(y as usize)) {
                if let (Some(m), Some(c)) = (map.get_mut(i), claimed.get_mut(j)) {
                    *m = j as u32;
                    *c = true;
                }
            }
        }
    }
    slide_short_runs(old, &mut map);
    let regions = (unmapped_runs(&map), unmapped_runs_new(&claimed));
    detect_moves(
        old,
        new,
        num_ids,
        &regions.0,
        &regions.1,
        &mut map,
        &mut claimed,
    );
    map
}

fn intern<'a>(keys: &mut HashMap<&'a [u32], u32>, k: &'a [u32]) -> u32 {
    let next = keys.len() as u32;
    *keys.entry(k).or_insert(next)
}

/// Paragraph token ranges from their starts.
fn ranges(starts: &[usize], len: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(len).min(len);
        if s < e {
            out.push(s..e);
        }
    }
    if out.is_empty() && len > 0 {
        out.push(0..len);
    }
    out
}

/// Maximal runs of old tokens not mapped.
fn unmapped_runs(map: &[u32]) -> Vec<std::ops::Range<usize>> {
    runs_where(map.len(), |i| map.get(i) == Some(&NONE))
}

/// Maximal runs of new tokens not claimed.
fn unmapped_runs_new(claimed: &[bool]) -> Vec<std::ops::Range<usize>> {
    runs_where(claimed.len(), |j| claimed.get(j) == Some(&false))
}

fn runs_where(len: usize, f: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..len {
        match (f(i), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..len);
    }
    out
}

/// New token index → old token index (or [`NONE`]), from [`map_tokens`]'s result.
pub(crate) fn invert(map: &[u32], new_len: usize) -> Vec<u32> {
    let mut inv = vec![NONE; new_len];
    for (i, &j) in map.iter().enumerate() {
        if let Some(slot) = inv.get_mut(j as usize) {
            *slot = i as u32;
        }
    }
    inv
}

/// Diff `old` against `new` (sub-slices starting at `o0` / `n0` of the
/// full sequences), record equal tokens not yet mapped, and return the
/// changed hunks (absolute indices).
fn diff_into(
    old: &[u32],
    new: &[u32],
    o0: usize,
    n0: usize,
    num_ids: u32,
    map: &mut [u32],
    claimed: &mut [bool],
) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let before: Vec<Token> = old.iter().map(|&t| Token(t)).collect();
    let after: Vec<Token> = new.iter().map(|&t| Token(t)).collect();
    let mut diff = Diff::default();
    diff.compute_with(Algorithm::Myers, &before, &after, num_ids);
    let mut hunks = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    let record = |i: usize, j: usize, map: &mut [u32], claimed: &mut [bool]| {
        let (oi, nj) = (o0 + i, n0 + j);
        if let (Some(m), Some(c)) = (map.get_mut(oi), claimed.get_mut(nj)) {
            if *m == NONE && !*c {
                *m = nj as u32;
                *c = true;
            }
        }
    };
    for h in diff.hunks() {
        let (bs, be) = (h.before.start as usize, h.before.end as usize);
        let (as_, ae) = (h.after.start as usize, h.after.end as usize);
        while i < bs && j < as_ {
            record(i, j, map, claimed);
            i += 1;
            j += 1;
        }
        hunks.push((o0 + bs..o0 + be, n0 + as_..n0 + ae));
        i = be;
        j = ae;
    }
    while i < old.len() && j < new.len() {
        record(i, j, map, claimed);
        i += 1;
        j += 1;
    }
    hunks
}

/// Runs of old tokens mapped to consecutive new tokens: `(old start, new
/// start, length)`, in order.
fn runs(map: &[u32]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &j) in map.iter().enumerate() {
        if j == NONE {
            continue;
        }
        let j = j as usize;
        match out.last_mut() {
            Some((i0, j0, len)) if *i0 + *len == i && *j0 + *len == j => *len += 1,
            _ => out.push((i, j, 1)),
        }
    }
    out
}

/// Runs shorter than this may be a coincidence of the diff.
const SHORT_RUN: usize = 3;

/// When the diff matched a few words to a coincidental twin (LCS ties:
/// a cut title's "Patrick Starck" taking the one that now opens the text),
/// give those new tokens to the same words just before the next run (or
/// just after the previous one), where they extend real continuity.
fn slide_short_runs(old: &[u32], map: &mut [u32]) {
    let rs = runs(map);
    for (k, &(i0, j0, len)) in rs.iter().enumerate() {
        if len >= SHORT_RUN {
            continue;
        }
        let same = |from: usize, map: &[u32]| {
            (0..len)
                .all(|d| old.get(from + d) == old.get(i0 + d) && map.get(from + d) == Some(&NONE))
        };
        let mut target = None;
        if let Some(&(ni, nj, nlen)) = rs.get(k + 1) {
            if j0 + len == nj
                && nlen >= SHORT_RUN
                && ni >= len
                && ni - len >= i0 + len
                && same(ni - len, map)
            {
                target = Some(ni - len);
            }
        }
        if target.is_none() && k > 0 {
            if let Some(&(pi, pj, plen)) = rs.get(k - 1) {
                if pj + plen == j0
                    && plen >= SHORT_RUN
                    && pi + plen + len <= i0
                    && same(pi + plen, map)
                {
                    target = Some(pi + plen);
                }
            }
        }
        if let Some(t) = target {
            for d in 0..len {
                let j = map.get(i0 + d).copied().unwrap_or(NONE);
                if let Some(slot) = map.get_mut(t + d) {
                    *slot = j;
                }
                if let Some(m) = map.get_mut(i0 + d) {
                    *m = NONE;
                }
            }
        }
    }
}

/// Last pass: pair regions no diff could map (old side) with regions of
/// new text nothing maps to, by shared shingles, and diff each pair.
fn detect_moves(
    old: &[u32],
    new: &[u32],
    num_ids: u32,
    removed: &[std::ops::Range<usize>],
    added: &[std::ops::Range<usize>],
    map: &mut [u32],
    claimed: &mut [bool],
) {
    // Shingle → the one added region holding it (usize::MAX: several).
    let mut index: HashMap<[u32; SHINGLE], usize> = HashMap::default();
    for (hi, after) in added.iter().enumerate() {
        if let Some(slice) = new.get(after.clone()) {
            for w in slice.windows(SHINGLE) {
                let key = [w[0], w[1], w[2]];
                index
                    .entry(key)
                    .and_modify(|h| {
                        if *h != hi {
                            *h = usize::MAX
                        }
                    })
                    .or_insert(hi);
            }
        }
    }
    if index.is_empty() {
        return;
    }
    for before in removed {
        let Some(slice) = old.get(before.clone()) else {
            continue;
        };
        let mut votes: HashMap<usize, usize> = HashMap::default();
        for w in slice.windows(SHINGLE) {
            if let Some(&hj) = index.get(&[w[0], w[1], w[2]]) {
                if hj != usize::MAX {
                    *votes.entry(hj).or_default() += 1;
                }
            }
        }
        let mut targets: Vec<(usize, usize)> =
            votes.into_iter().filter(|&(_, v)| v >= MIN_VOTES).collect();
        targets.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (hj, _) in targets {
            let Some(after) = added.get(hj) else {
                continue;
            };
            if let Some(target) = new.get(after.clone()) {
                diff_into(
                    slice,
                    target,
                    before.start,
                    after.start,
                    num_ids,
                    map,
                    claimed,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_tokens_map_and_changed_ones_do_not() {
        let old = [1, 2, 3, 4, 5];
        let new = [1, 2, 9, 4, 5];
        assert_eq!(
            map_tokens(&old, &new, 10, &[0], &[0]),
            vec![0, 1, NONE, 3, 4]
        );
    }

    #[test]
    fn a_moved_block_is_mapped_to_its_new_place() {
        // 10 11 12 13 moves from the front to the back.
        let old = [10, 11, 12, 13, 1, 2, 3, 4, 5, 6];
        let new = [1, 2, 3, 4, 5, 6, 10, 11, 12, 13];
        let map = map_tokens(&old, &new, 20, &[0], &[0]);
        assert_eq!(map, vec![6, 7, 8, 9, 0, 1, 2, 3, 4, 5]);
    }
}
