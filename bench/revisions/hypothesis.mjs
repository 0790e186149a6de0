// Hypothesis-style quote anchoring on the revision corpus written by
// `cargo bench --bench anchor`, scored like the Rust bench.
//
//   node bench/revisions/hypothesis.mjs [target/revision-corpus.json] [--every N]
//
// `--every N` scores every N-th case only (the full corpus takes minutes).
//
// The anchoring is our port of the Hypothesis client's public algorithm
// (hypothesis/client src/annotator/anchoring/match-quote.ts and the
// selector order of html.ts `anchor`): first the TextPositionSelector, kept
// if the text there still equals the quote; otherwise `matchQuote`: exact
// occurrences of the quote, else approximate ones (npm approx-string-match)
// with at most min(256, quote.length / 2) errors, each scored
// 50 quote + 20 prefix + 20 suffix + 2 position, the best one kept. An
// annotation is an orphan only when no occurrence is found at all.
//
// Hypothesis counts in UTF-16 (JavaScript strings); the corpus counts code
// points. Offsets are converted both ways with tables built per text.
import { readFileSync } from 'node:fs';
import approxSearch from 'approx-string-match';

// --- Port of match-quote.ts -------------------------------------------------

function search(text, str, maxErrors) {
  let matchPos = 0;
  const exactMatches = [];
  while (matchPos !== -1) {
    matchPos = text.indexOf(str, matchPos);
    if (matchPos !== -1) {
      exactMatches.push({ start: matchPos, end: matchPos + str.length, errors: 0 });
      matchPos += 1;
    }
  }
  if (exactMatches.length > 0) return exactMatches;
  return approxSearch(text, str, maxErrors);
}

function textMatchScore(text, str) {
  if (str.length === 0 || text.length === 0) return 0.0;
  const matches = search(text, str, str.length);
  return 1 - matches[0].errors / str.length;
}

export function matchQuote(text, quote, context = {}) {
  if (quote.length === 0) return null;
  const maxErrors = Math.min(256, quote.length / 2);
  const matches = search(text, quote, maxErrors);
  if (matches.length === 0) return null;
  const scoreMatch = (match) => {
    const quoteWeight = 50;
    const prefixWeight = 20;
    const suffixWeight = 20;
    const posWeight = 2;
    const quoteScore = 1 - match.errors / quote.length;
    const prefixScore = context.prefix
      ? textMatchScore(
          text.slice(Math.max(0, match.start - context.prefix.length), match.start),
          context.prefix,
        )
      : 1.0;
    const suffixScore = context.suffix
      ? textMatchScore(text.slice(match.end, match.end + context.suffix.length), context.suffix)
      : 1.0;
    let posScore = 1.0;
    if (typeof context.hint === 'number') {
      const offset = Math.abs(match.start - context.hint);
      posScore = 1.0 - offset / text.length;
    }
    const rawScore =
      quoteWeight * quoteScore + prefixWeight * prefixScore + suffixWeight * suffixScore + posWeight * posScore;
    return rawScore / (quoteWeight + prefixWeight + suffixWeight + posWeight);
  };
  const scored = matches.map((m) => ({ start: m.start, end: m.end, score: scoreMatch(m) }));
  scored.sort((a, b) => b.score - a.score);
  return scored[0];
}

// --- Code points <-> UTF-16 ---------------------------------------------------

/** u16[cp] for cp in 0..=len, and cp[u16] (-1 inside a surrogate pair). */
function tables(s) {
  const cpTo16 = [0];
  const u16ToCp = new Int32Array(s.length + 1).fill(-1);
  let u = 0;
  let cp = 0;
  u16ToCp[0] = 0;
  for (const ch of s) {
    u += ch.length;
    cp += 1;
    cpTo16.push(u);
    u16ToCp[u] = cp;
  }
  return { cpTo16, u16ToCp };
}

// --- Anchoring one case ---------------------------------------------------------

const CONTEXT16 = 32; // Hypothesis's TextQuoteAnchor context length (UTF-16 units)

function anchorCase(c) {
  const old = tables(c.old);
  const neu = tables(c.new);
  return c.annotations.map((a) => {
    const s16 = old.cpTo16[a.start];
    const e16 = old.cpTo16[a.end];
    const exact = c.old.slice(s16, e16);
    const prefix = c.old.slice(Math.max(0, s16 - CONTEXT16), s16);
    const suffix = c.old.slice(e16, e16 + CONTEXT16);
    // 1. TextPositionSelector, if the quote is still there.
    if (c.new.slice(s16, e16) === exact) {
      return toCp(neu, s16, e16);
    }
    // 2. TextQuoteSelector with the position as hint.
    const m = matchQuote(c.new, exact, { prefix, suffix, hint: s16 });
    return m ? toCp(neu, m.start, m.end) : null;
  });
}

function toCp(t, s16, e16) {
  // A match may start or end inside a surrogate pair: round outwards.
  let s = t.u16ToCp[s16];
  for (let u = s16; s < 0 && u > 0; u--) s = t.u16ToCp[u - 1];
  let e = t.u16ToCp[e16];
  for (let u = e16; e < 0 && u < t.u16ToCp.length - 1; u++) e = t.u16ToCp[u + 1];
  return [s, e];
}

// --- Scoring, as in benches/anchor.rs ------------------------------------------

function main() {
  const args = process.argv.slice(2);
  const everyAt = args.indexOf('--every');
  const every = everyAt >= 0 ? Math.max(1, Number(args[everyAt + 1]) || 1) : 1;
  const path = args.find((a, i) => !a.startsWith('--') && (everyAt < 0 || i !== everyAt + 1)) ?? 'target/revision-corpus.json';
  const corpus = JSON.parse(readFileSync(path, 'utf8'));
  if (every > 1) corpus.cases = corpus.cases.filter((_, i) => i % every === 0);
  const rows = new Map(corpus.kinds.map((k) => [k, newTally()]));
  const all = newTally();
  for (const c of corpus.cases) {
    const t0 = process.hrtime.bigint();
    const out = anchorCase(c);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const t = rows.get(c.kind);
    for (const tally of [t, all]) {
      tally.cases += 1;
      tally.ms += ms;
    }
    c.truth.forEach((truth, i) => {
      const got = out[i];
      const untouched = c.untouched[i];
      let right;
      if (truth === null) {
        right = got === null;
        if (!right) bump(t, all, 'misplaced');
      } else if (got === null) {
        right = false;
        bump(t, all, 'lost');
      } else {
        right = got[0] === truth[0] && got[1] === truth[1];
        if (!right) bump(t, all, 'misplaced');
      }
      for (const tally of [t, all]) {
        tally.anns += 1;
        tally.right += right ? 1 : 0;
        if (!untouched) {
          tally.touched += 1;
          tally.rightTouched += right ? 1 : 0;
        } else if (!right) {
          tally.unex += 1;
        }
      }
    });
  }
  const pad = (s, n) => String(s).padStart(n);
  console.log(
    `${'kind'.padEnd(52)} ${pad('cases', 5)} ${pad('annots', 7)} ${pad('touched', 7)} ${pad('right', 9)} ${pad('right(t)', 9)} ${pad('mis', 5)} ${pad('lost', 5)} ${pad('unex', 5)} ${pad('time ms', 9)}`,
  );
  const line = (name, t) =>
    console.log(
      `${name.padEnd(52)} ${pad(t.cases, 5)} ${pad(t.anns, 7)} ${pad(t.touched, 7)} ${pad(pct(t.right, t.anns), 9)} ${pad(pct(t.rightTouched, t.touched), 9)} ${pad(t.misplaced, 5)} ${pad(t.lost, 5)} ${pad(t.unex, 5)} ${pad(t.ms.toFixed(2), 9)}`,
    );
  for (const [k, t] of rows) line(k, t);
  line('overall', all);
  console.log('(right(t): among annotations whose words or 32-char context the revision touched; unex: untouched but not exact)');
}

function newTally() {
  return { cases: 0, anns: 0, touched: 0, right: 0, rightTouched: 0, misplaced: 0, lost: 0, unex: 0, ms: 0 };
}
function bump(a, b, key) {
  a[key] += 1;
  b[key] += 1;
}
function pct(a, b) {
  return b === 0 ? '—' : `${((100 * a) / b).toFixed(2)} %`;
}

main();
