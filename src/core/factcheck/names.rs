//! Names: normalisation, spelling distance, and grouping suggestions.

use serde::{Deserialize, Serialize};

use super::small::order;
use super::EntityView;

/// The letters a name is compared by: lower case, accents removed
/// (Latin-1 and Latin Extended-A by a small table, and any combining
/// accent U+0300–U+036F), apostrophes (`'`, `’`, `‘`, `´`, `` ` ``, `ʼ`)
/// dropped, every other punctuation mark and every kind of white space
/// (NBSP and narrow NBSP included) turned into one space, trimmed.
///
/// `"Patrick  Starck"`, `"PATRICK STARCK"` and `"Patrick\u{a0}Starck"`
/// all give `"patrick starck"`; `"L’Oréal"` gives `"loreal"`;
/// `"Jean-Pierre"` gives `"jean pierre"`.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        for lc in c.to_lowercase() {
            match class(lc) {
                Class::Drop => {}
                Class::Space => pending_space = true,
                Class::Letters(folded) => {
                    if pending_space && !out.is_empty() {
                        out.push(' ');
                    }
                    pending_space = false;
                    out.push_str(folded);
                }
                Class::Keep => {
                    if pending_space && !out.is_empty() {
                        out.push(' ');
                    }
                    pending_space = false;
                    out.push(lc);
                }
            }
        }
    }
    out
}

/// One word's comparison form: [`normalise_name`] of a run of letters
/// and digits (so it never contains a space).
pub(crate) fn normalise_word(s: &str) -> String {
    normalise_name(s).replace(' ', "")
}

enum Class {
    Drop,
    Space,
    Letters(&'static str),
    Keep,
}

/// Apostrophes of every kind, as typed or as typeset.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{00b4}' | '`' | '\u{02bc}' | '\u{2032}'
    )
}

fn class(c: char) -> Class {
    if is_apostrophe(c)
        || ('\u{0300}'..='\u{036f}').contains(&c)
        || matches!(
            c,
            '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
        )
    {
        return Class::Drop;
    }
    if let Some(f) = fold(c) {
        return Class::Letters(f);
    }
    if c.is_alphanumeric() {
        Class::Keep
    } else {
        // White space of every kind, punctuation, symbols, controls.
        Class::Space
    }
}

/// The unaccented form of a lower-case Latin-1 or Latin Extended-A
/// letter; `None` for anything else (kept as is).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ð' | 'ď' | 'đ' => "d",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'þ' => "th",
        'ß' => "ss",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ţ' | 'ť' | 'ŧ' => "t",
        'ŵ' => "w",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Optimal-string-alignment distance (Levenshtein plus swapping two
/// neighbours) between `a` and `b`, in code points; gives up and returns
/// `limit + 1` as soon as the distance must exceed `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let w = b.len() + 1;
    // Three rows: i-2, i-1, i.
    let mut rows = vec![vec![0usize; w]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        let mut row_min = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    rows[a.len() % 3][b.len()].min(limit + 1)
}

/// Why entities were suggested as one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionReason {
    /// Their names are the same once normalised (case, accents, spaces,
    /// punctuation): "Cloudwatt" and "CloudWatt", "Thalès" and "Thales".
    SameName,
    /// A person named by surname only, and exactly one full name with
    /// that surname: "Starck" and "Patrick Starck".
    SameSurname,
    /// Same words except the last (the surname), which differs by a
    /// letter or two: "Patrick Starck" and "Patrick Stark".
    SimilarSpelling,
}

/// Entities the app may offer to merge. Nothing is applied without the
/// user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The entity to keep: the one with the most mentions (ties: one the
    /// user named, then the first in the list).
    pub keep: String,
    /// The entities to merge into it, in the order of the input.
    pub merge: Vec<String>,
    /// The weakest rule that links the group (a group linked only by
    /// same names says `SameName`).
    pub reason: SuggestionReason,
}

/// How many letters a surname of `len` code points may differ by.
fn allowed_distance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
}

struct Dsu {
    parent: Vec<usize>,
    reason: Vec<Option<SuggestionReason>>,
}

impl Dsu {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            let p = self.parent[x];
            self.parent[x] = self.parent[p];
            x = p;
        }
        x
    }
    fn union(&mut self, a: usize, b: usize, why: SuggestionReason) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        let merged = [self.reason[ra], self.reason[rb], Some(why)]
            .into_iter()
            .flatten()
            .max();
        if ra != rb {
            self.parent[hi] = lo;
        }
        self.reason[lo] = merged;
    }
}

/// Indices with equal keys (`None` never groups), as groups of two or
/// more, each in index order; groups in key order.
fn runs(keys: &[Option<String>]) -> Vec<Vec<usize>> {
    let sorted = order(keys.len(), &|x, y| keys[x].cmp(&keys[y]));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut prev: Option<&String> = None;
    for i in sorted {
        let Some(k) = keys[i].as_ref() else {
            continue;
        };
        match out.last_mut() {
            Some(group) if prev == Some(k) => group.push(i),
            _ => out.push(vec![i]),
        }
        prev = Some(k);
    }
    out.retain(|g| g.len() > 1);
    out
}

/// Groups of entities of the same label that probably name the same
/// person or organisation:
///
/// - **same name**: equal after [`normalise_name`], spaces ignored
///   ("Cloudwatt" / "CloudWatt" / "Cloud Watt");
/// - **similar spelling**: the same number of words, all equal but the
///   last, and the last words start with the same letter and differ by at
///   most one edit (4–8 letters) or two (9 or more); 3 letters or fewer
///   must be equal. "Patrick Starck" ~ "Patrick Stark", "Dupont" ≁
///   "Durand", "Stark" ≁ "Starbucks", "Patrick Starck" ≁ "Pierre Starck";
/// - **same surname** (people only): a one-word name equal to the last
///   word of longer names, when those longer names are all the same
///   person ("Starck" ~ "Patrick Starck", but not if "Marie Starck" is
///   also there).
///
/// Links are transitive: each connected group is one suggestion. Runs in
/// about linear time (candidates are bucketed, never all pairs).
pub fn suggest_groupings(views: &[EntityView]) -> Vec<Suggestion> {
    let n = views.len();
    let keys: Vec<String> = views.iter().map(|v| normalise_name(&v.name)).collect();
    let words: Vec<Vec<&str>> = keys.iter().map(|k| k.split(' ').collect()).collect();
    let mut dsu = Dsu {
        parent: (0..n).collect(),
        reason: vec![None; n],
    };

    // Keys are joined with U+001F, which a normalised name never contains.
    let sep = '\u{1f}';

    // Same name: equal (label, key without spaces).
    let same: Vec<Option<String>> = (0..n)
        .map(|i| {
            let compact = keys[i].replace(' ', "");
            (!compact.is_empty()).then(|| format!("{}{sep}{compact}", views[i].label))
        })
        .collect();
    for group in runs(&same) {
        for pair in group.windows(2) {
            dsu.union(pair[0], pair[1], SuggestionReason::SameName);
        }
    }

    // Similar spelling: candidates share (label, word count, all words but
    // the last, first letter of the last).
    let buckets: Vec<Option<String>> = (0..n)
        .map(|i| {
            let (last, init) = words[i].split_last()?;
            let first = last.chars().next()?;
            Some(format!(
                "{}{sep}{}{sep}{}{sep}{first}",
                views[i].label,
                words[i].len(),
                init.join(" ")
            ))
        })
        .collect();
    for members in runs(&buckets) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (Some(a), Some(b)) = (words[i].last(), words[j].last()) else {
                    continue;
                };
                if a == b {
                    continue; // same name, handled above
                }
                let limit = allowed_distance(a.chars().count().min(b.chars().count()));
                if limit > 0 && edit_distance(a, b, limit) <= limit {
                    dsu.union(i, j, SuggestionReason::SimilarSpelling);
                }
            }
        }
    }

    // Same surname, people only: one-word names and the last word of
    // longer names, grouped by that word.
    let surnames: Vec<Option<String>> = (0..n)
        .map(|i| {
            let last = words[i].last().filter(|w| !w.is_empty())?;
            (views[i].label == super::PERSON).then(|| (*last).to_owned())
        })
        .collect();
    for group in runs(&surnames) {
        let (alone, full): (Vec<usize>, Vec<usize>) =
            group.iter().partition(|&&i| words[i].len() == 1);
        let Some(&first) = full.first() else {
            continue;
        };
        let one_person = full
            .iter()
            .all(|&j| keys[j].replace(' ', "") == keys[first].replace(' ', ""));
        if one_person {
            for &i in &alone {
                for &j in &full {
                    dsu.union(i, j, SuggestionReason::SameSurname);
                }
            }
        }
    }

    // Components of two or more.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let r = dsu.find(i);
        groups[r].push(i);
    }
    let mut out = Vec::new();
    for (root, members) in groups.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let keep = members
            .iter()
            .copied()
            .max_by_key(|&i| {
                (
                    views[i].mentions.len(),
                    !views[i].implicit,
                    std::cmp::Reverse(i),
                )
            })
            .unwrap_or(root);
        out.push(Suggestion {
            keep: views[keep].id.clone(),
            merge: members
                .iter()
                .filter(|&&i| i != keep)
                .map(|&i| views[i].id.clone())
                .collect(),
            reason: dsu.reason[root].unwrap_or(SuggestionReason::SameName),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(edit_distance("starck", "stark", 3), 1);
        assert_eq!(edit_distance("dupont", "durand", 9), 3);
        assert_eq!(edit_distance("stark", "starbucks", 9), 4);
        assert_eq!(edit_distance("abcd", "abdc", 3), 1);
        assert_eq!(edit_distance("", "abc", 5), 3);
        assert_eq!(edit_distance("abcdef", "uvwxyz", 2), 3);
    }

    #[test]
    fn folding_table() {
        assert_eq!(
            normalise_name("ÀÉÎÕÜ çñ ß Œuvre Łódź"),
            "aeiou cn ss oeuvre lodz"
        );
        assert_eq!(normalise_name("  «Thalès»,  "), "thales");
        assert_eq!(normalise_name("e\u{301}cole"), "ecole");
    }
}
