// node --test bench/  — checks of the generator (not of the app).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate, overlapFraction, validate } from './gen.mjs';

test('same seed, same document', () => {
  assert.equal(JSON.stringify(generate('S').doc), JSON.stringify(generate('S').doc));
});

test('M: quotes are code-point slices, label mix, overlaps, astral text', () => {
  const { doc, stats } = generate('M');
  const cps = Array.from(doc.document.text);
  for (const a of doc.annotations) assert.equal(cps.slice(a.start, a.end).join(''), a.quote);
  const n = doc.annotations.length;
  assert.equal(n, 500);
  const count = (l) => doc.annotations.filter((a) => a.label === l).length;
  assert.equal(count('person'), 200);
  assert.equal(count('organisation'), 175);
  assert.equal(count('claim'), 125);
  assert.ok(stats.overlap >= 0.07 && stats.overlap <= 0.15, `overlap ${stats.overlap}`);
  // Offsets differ from UTF-16 ones: there is astral text before spans.
  assert.ok(doc.document.text.length > cps.length);
  assert.ok(doc.annotations.some((a) => Array.from(a.quote).length !== a.quote.length));
  assert.match(doc.document.text, /«\u00A0[^»]+\u00A0»/);
  // Claims are 5–20 words.
  for (const a of doc.annotations.filter((x) => x.label === 'claim')) {
    const w = a.quote.split(/[ \n]+/).length;
    assert.ok(w >= 5 && w <= 20, `claim of ${w} words`);
  }
});

test('validate rejects a quote given in UTF-16 offsets', () => {
  const { doc } = generate('S');
  const bad = structuredClone(doc);
  const a = bad.annotations.find((x) => Array.from(bad.document.text.slice(0, x.start)).length !== x.start) || bad.annotations.at(-1);
  a.quote = bad.document.text.slice(a.start, a.end);
  assert.throws(() => validate(bad), /quote/);
});

test('overlapFraction counts nesting and crossing', () => {
  const s = (id, start, end) => ({ id, start, end });
  assert.equal(overlapFraction([s('a', 0, 5), s('b', 6, 9)]), 0);
  assert.equal(overlapFraction([s('a', 0, 10), s('b', 2, 4), s('c', 20, 30), s('d', 40, 50)]), 0.5);
  assert.equal(overlapFraction([s('a', 0, 10), s('b', 5, 15)]), 1);
});
