//! Small shared tools that keep the wasm bundle small: each generic sort
//! or map instantiated for a new type costs kilobytes, so this module
//! sorts indices with one merge sort and maps ids to indices with one map
//! type.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::core::Annotation;

/// Id → index into some slice.
pub(crate) type Index<'a> = BTreeMap<&'a str, usize>;

/// `0..n` sorted by `cmp`, stably (bottom-up merge sort, O(n log n)).
pub(crate) fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if cmp(a[j], a[i]) == Ordering::Less {
                    b[k] = a[j];
                    j += 1;
                } else {
                    b[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            b[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
            k += mid - i;
            b[k..k + (hi - j)].copy_from_slice(&a[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// `picked` (indices into `anns`) in document order.
pub(crate) fn in_document_order<'a>(
    anns: &'a [Annotation],
    picked: &[usize],
) -> Vec<&'a Annotation> {
    order(picked.len(), &|x, y| {
        anns[picked[x]]
            .order_key()
            .cmp(&anns[picked[y]].order_key())
    })
    .into_iter()
    .map(|k| &anns[picked[k]])
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sort_is_a_stable_sort() {
        let keys = [5, 3, 5, 1, 3, 9, 0, 5, 2, 2, 8];
        for n in 0..=keys.len() {
            let got = order(n, &|x, y| keys[x].cmp(&keys[y]));
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| keys[i]);
            assert_eq!(got, want, "n = {n}");
        }
    }
}
