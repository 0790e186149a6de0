// Deterministic generator of Surligneur v1 benchmark documents.
//
//   node bench/gen.mjs [--sizes S,M,L,XL] [--out bench/out]
//
// Writes <out>/<SIZE>.json. Same seed, same bytes: every run of the
// benchmark measures the same documents. The text is French-like (accents,
// ’, « » with a no-break space inside the guillemets, a few astral emoji) so
// that code point vs UTF-16 mistakes show up; the generator checks every
// quote against the code-point slice of the text and aborts on a mismatch.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIZES = {
  S: { words: 400, spans: 20, seed: 0x5eed0001 },
  M: { words: 5_000, spans: 500, seed: 0x5eed0002 },
  L: { words: 50_000, spans: 5_000, seed: 0x5eed0003 },
  XL: { words: 200_000, spans: 20_000, seed: 0x5eed0004 },
};

export const LABELS = [
  { id: 'person', name: 'Person', color: '#e69f00', key: '1' },
  { id: 'organisation', name: 'Organisation', color: '#56b4e9', key: '2' },
  { id: 'claim', name: 'Claim', color: '#cc79a7', key: '3' },
];

const STAMP = '2026-01-01T00:00:00.000Z';
const NBSP = '\u00A0';

/** mulberry32: small, fast, good enough, and ours (no dependency). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'le la les un une des du de et ou mais donc car ni que qui dont où ce cette ces son sa ses leur ' +
  'gouvernement réforme économie société énergie élection député ministère région hôpital école ' +
  'université entreprise marché crise budget impôt dépense croissance emploi chômage salaire prix ' +
  'été hiver printemps automne journée semaine année siècle période début fin moitié ' +
  'a été sera était serait avait auront déclaré annoncé affirmé précisé révélé démenti expliqué ' +
  'très plus moins déjà encore toujours jamais souvent près loin après avant pendant depuis ' +
  'français européenne générale nationale régionale publique privée économique sociale ' +
  'première dernière nouvelle ancienne différente élevée forte faible grande petite ' +
  'projet rapport enquête témoignage décision accord négociation grève manifestation sondage ' +
  'côté château forêt île théâtre musée cinéma bibliothèque rivière montagne village quartier ' +
  'où déjà à là être avoir faire dire pouvoir aller voir savoir vouloir venir devoir prendre ' +
  'naïf Noël maïs cœur sœur œuvre mœurs Œdipe ça garçon leçon reçu français façade'
).split(/\s+/);
const ELIDED = ['l’', 'd’', 'qu’', 'n’', 's’', 'j’', 'c’'];
const ELIDABLE = ['économie', 'élection', 'entreprise', 'école', 'hôpital', 'université', 'énergie',
  'accord', 'enquête', 'été', 'île', 'œuvre', 'aujourd’hui', 'année', 'impôt', 'emploi'];
const FIRST = ['Élodie', 'François', 'Zoé', 'Hélène', 'Loïc', 'Anaïs', 'Jérôme', 'Cécile', 'Benoît',
  'Maëlle', 'Noémie', 'Gaël', 'Aurélien', 'Béatrice', 'Clément', 'Inès', 'Théo', 'Léa', 'Raphaël', 'Solène'];
const LAST = ['Marchand', 'Côté', 'Lefèvre', 'Dubois', 'Gérard', 'Bélanger', 'Mézières', 'Noël',
  'Lemaître', 'Fournier', 'Château', 'Daumière', 'Brébant', 'Pérez', 'Müller', 'Dupré', 'Hébert'];
const ORGS = [
  'Société Générale', 'Crédit Agricole', 'Assemblée nationale', 'Médecins sans frontières',
  'Électricité de France', 'Cour des comptes', 'Banque de France', 'Conseil d’État',
  'Université de Genève', 'Sénat', 'Météo-France', 'Réseau ferré', 'Fédération française de football',
  'Comité olympique', 'Agence régionale de santé', 'Institut Pasteur', 'Croix-Rouge',
  'Ligue des droits de l’homme', 'Mairie de Besançon', 'Syndicat des énergies 🎉',
];
const EMOJI = ['😀', '🎉', '🚀', '🇫🇷', '👩‍🔬', '🙂'];

/** Code-point length (what the v1 format counts). */
const cpLen = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Builds the text and the word table. Each word is
 * { start, end } in code points over the whole text, plus `para` (index)
 * and `ent` when the word belongs to an entity mention.
 */
function buildText(rand, targetWords, spanCount) {
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  // Entity mentions per loop step (about one word each), so that there are
  // ~2x as many mentions as person/organisation spans are needed.
  const personRate = Math.min(0.2, (spanCount * 0.4 * 2) / targetWords);
  const orgRate = Math.min(0.2, (spanCount * 0.35 * 2) / targetWords);

  const pieces = []; // strings, joined at the end
  let cp = 0;
  const words = [];
  const mentions = []; // { label, w0, w1 } word index range (inclusive)
  const paras = []; // { w0, w1 }

  const emit = (s) => {
    pieces.push(s);
    cp += cpLen(s);
  };
  const word = (s, para) => {
    const start = cp;
    emit(s);
    words.push({ start, end: cp, para });
    return words.length - 1;
  };

  // Title line: part of the text, 6–10 words, no spans.
  const titleWords = int(6, 10);
  const title = [];
  for (let i = 0; i < titleWords; i++) title.push(pick(WORDS));
  title[0] = title[0][0].toUpperCase() + title[0].slice(1);
  title.push('🎉');
  const titleText = title.join(' ');
  emit(titleText);

  let count = 0;
  while (count < targetWords) {
    emit('\n\n');
    const para = paras.length;
    const n = int(40, 120);
    const w0 = words.length;
    let inSentence = 0;
    let i = 0;
    while (i < n) {
      if (i > 0) emit(' ');
      const r = rand();
      const sentenceStart = inSentence === 0;
      if (r < personRate && !sentenceStart) {
        const a = word(pick(FIRST), para);
        emit(' ');
        const b = word(pick(LAST), para);
        mentions.push({ label: 'person', w0: a, w1: b });
        i += 2;
      } else if (r < personRate + orgRate && !sentenceStart) {
        const org = pick(ORGS).split(' ');
        const a = words.length;
        org.forEach((p, k) => {
          if (k > 0) emit(' ');
          word(p, para);
        });
        mentions.push({ label: 'organisation', w0: a, w1: words.length - 1 });
        i += org.length;
      } else if (r < personRate + orgRate + 0.03 && n - i > 6) {
        // A quotation: « mot mot mot » with no-break spaces inside.
        const k = int(2, 5);
        const q = [];
        for (let j = 0; j < k; j++) q.push(pick(WORDS));
        const w = `«${NBSP}${q[0]}`;
        word(w, para);
        for (let j = 1; j < k; j++) {
          emit(' ');
          word(j === k - 1 ? `${q[j]}${NBSP}»` : q[j], para);
        }
        i += k;
      } else if (r < personRate + orgRate + 0.045) {
        word(pick(EMOJI), para);
        i += 1;
      } else {
        let w = rand() < 0.08 ? pick(ELIDED) + pick(ELIDABLE) : pick(WORDS);
        if (sentenceStart) w = w[0].toUpperCase() + w.slice(1);
        const end = i === n - 1 || rand() < 0.07;
        if (end) w += rand() < 0.1 ? '\u202F!' : '.'; // narrow no-break space, as in French
        else if (rand() < 0.08) w += ',';
        else if (rand() < 0.01) w += '😀';
        word(w, para);
        inSentence = end ? 0 : inSentence + 1;
        i += 1;
        continue;
      }
      inSentence++;
    }
    // Close the paragraph with a full stop if the last word did not.
    const last = pieces[pieces.length - 1];
    if (!/[.!]$/.test(last)) {
      emit('.');
      words[words.length - 1].end = cp;
    }
    paras.push({ w0, w1: words.length - 1 });
    count += n;
  }
  return { text: pieces.join(''), title: titleText, words, mentions, paras, wordCount: count };
}

function buildSpans(rand, words, mentions, paras, spanCount) {
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const nPerson = Math.round(spanCount * 0.4);
  const nOrg = Math.round(spanCount * 0.35);
  const nClaim = spanCount - nPerson - nOrg;
  // About 10% of all spans take part in an overlap: each "special" claim
  // overlaps one person/organisation span (nesting it or crossing it).
  const nSpecial = Math.max(1, Math.round(spanCount * 0.05));
  const used = new Uint8Array(words.length); // 1 = covered by a span
  const spans = []; // { w0, w1, label, start?, end? }
  const key = (s) => `${s.start}:${s.end}:${s.label}`;
  const seen = new Set();

  const add = (w0, w1, label, opts = {}) => {
    const start = opts.start ?? words[w0].start;
    const end = opts.end ?? words[w1].end;
    const s = { w0, w1, label, start, end };
    if (seen.has(key(s))) return false;
    seen.add(key(s));
    spans.push(s);
    for (let w = w0; w <= w1; w++) used[w] = 1;
    return true;
  };

  // Person and organisation spans: a shuffled subset of the mentions.
  const shuffled = (arr) => {
    const a = arr.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const byLabel = (label) => shuffled(mentions.filter((m) => m.label === label));
  const entityTargets = [];
  for (const [label, n] of [['person', nPerson], ['organisation', nOrg]]) {
    const pool = byLabel(label);
    if (pool.length < n) throw new Error(`generator: only ${pool.length} ${label} mentions for ${n} spans`);
    for (let i = 0; i < n; i++) {
      add(pool[i].w0, pool[i].w1, label);
      entityTargets.push(pool[i]);
    }
  }

  const free = (w0, w1) => {
    if (w0 < 0 || w1 >= words.length) return false;
    const p = words[w0].para;
    if (words[w1].para !== p) return false;
    // One free word of margin on each side within the paragraph keeps plain
    // spans from touching, so overlaps come only from the special claims.
    const lo = Math.max(paras[p].w0, w0 - 1);
    const hi = Math.min(paras[p].w1, w1 + 1);
    for (let w = lo; w <= hi; w++) if (used[w]) return false;
    return true;
  };

  // Special claims: nest or cross an entity span.
  const targets = shuffled(entityTargets);
  let special = 0;
  for (const t of targets) {
    if (special >= nSpecial) break;
    const para = paras[words[t.w0].para];
    const entLen = t.w1 - t.w0 + 1;
    let w0;
    let w1;
    if (rand() < 0.6) {
      // Nesting: the claim contains the entity and a word on each side.
      const len = int(Math.max(5, entLen + 2), 20);
      const before = int(1, len - entLen - 1);
      w0 = t.w0 - before;
      w1 = w0 + len - 1;
    } else {
      const len = int(5, 20);
      // Crossing: the claim starts on the entity's last word.
      w0 = t.w1;
      w1 = w0 + len - 1;
    }
    if (w0 < para.w0 || w1 > para.w1) continue;
    // The rest of the claim must be free so that it overlaps only `t`.
    let ok = true;
    for (let w = w0; w <= w1 && ok; w++) if (used[w] && (w < t.w0 || w > t.w1)) ok = false;
    if (!ok) continue;
    if (add(w0, w1, 'claim')) special++;
  }

  // Plain claims in free stretches of a paragraph.
  let tries = 0;
  let claims = special;
  while (claims < nClaim) {
    if (++tries > nClaim * 400) throw new Error('generator: no room left for claims');
    const len = tries > nClaim * 50 ? int(5, 8) : int(5, 20);
    const w0 = Math.floor(rand() * words.length);
    const w1 = w0 + len - 1;
    if (!free(w0, w1)) continue;
    if (add(w0, w1, 'claim')) claims++;
  }
  return spans;
}

/** Code-point slice: the definition of a v1 quote. */
const cpSlice = (cps, start, end) => cps.slice(start, end).join('');

export function validate(doc) {
  const text = doc.document.text;
  const cps = Array.from(text);
  const fail = (msg) => {
    throw new Error(`generator self-check failed: ${msg}`);
  };
  const id = createHash('sha256').update(text, 'utf8').digest('hex');
  if (doc.document.id !== id) fail('document id is not the sha256 of the text');
  if (!text.startsWith(`${doc.document.title}\n\n`)) fail('the title is not the first line');
  const ids = new Set();
  const spans = new Set();
  for (const a of doc.annotations) {
    if (ids.has(a.id)) fail(`duplicate id ${a.id}`);
    ids.add(a.id);
    if (!(Number.isInteger(a.start) && Number.isInteger(a.end) && a.start >= 0 && a.end > a.start && a.end <= cps.length)) {
      fail(`bad range ${a.id} [${a.start},${a.end})`);
    }
    const q = cpSlice(cps, a.start, a.end);
    if (q !== a.quote) fail(`quote of ${a.id} is ${JSON.stringify(a.quote)}, text has ${JSON.stringify(q)}`);
    if (/^\s|\s$/u.test(q)) fail(`span ${a.id} starts or ends with whitespace`);
    const k = `${a.start}:${a.end}:${a.label}`;
    if (spans.has(k)) fail(`exact duplicate span ${k}`);
    spans.add(k);
    if (!LABELS.some((l) => l.id === a.label)) fail(`unknown label ${a.label}`);
  }
}

/** Fraction of spans that overlap (cross or nest) at least one other span. */
export function overlapFraction(annotations) {
  const sorted = annotations.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const hit = new Set();
  let open = []; // spans whose end is past the current start
  for (const s of sorted) {
    open = open.filter((o) => o.end > s.start);
    for (const o of open) {
      hit.add(o.id);
      hit.add(s.id);
    }
    open.push(s);
  }
  return hit.size / annotations.length;
}

export function generate(size) {
  const spec = SIZES[size];
  if (!spec) throw new Error(`unknown size ${size}`);
  const rand = mulberry32(spec.seed);
  const built = buildText(rand, spec.words, spec.spans);
  const spans = buildSpans(rand, built.words, built.mentions, built.paras, spec.spans);
  spans.sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label));
  const cps = Array.from(built.text);
  const annotations = spans.map((s, i) => ({
    id: `bench-${size.toLowerCase()}-${String(i).padStart(6, '0')}`,
    start: s.start,
    end: s.end,
    label: s.label,
    quote: cpSlice(cps, s.start, s.end),
    note: '',
    created: STAMP,
    modified: STAMP,
  }));
  const doc = {
    format: 'surligneur',
    version: 1,
    document: {
      id: createHash('sha256').update(built.text, 'utf8').digest('hex'),
      title: built.title,
      text: built.text,
    },
    labels: LABELS,
    annotations,
  };
  validate(doc);
  return { doc, stats: { words: built.wordCount, spans: annotations.length, overlap: overlapFraction(annotations) } };
}

export function writeSizes(sizes, outDir) {
  mkdirSync(outDir, { recursive: true });
  const out = {};
  for (const size of sizes) {
    const { doc, stats } = generate(size);
    const file = join(outDir, `${size}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const byLabel = {};
    for (const a of doc.annotations) byLabel[a.label] = (byLabel[a.label] || 0) + 1;
    console.log(
      `${size}: ${stats.words} words, ${cpLen(doc.document.text)} code points, ${stats.spans} spans ` +
        `(${Object.entries(byLabel).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
        `${(stats.overlap * 100).toFixed(1)}% overlapping -> ${file}`,
    );
    out[size] = file;
  }
  return out;
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const sizes = arg('sizes', 'S,M,L,XL').split(',').map((s) => s.trim().toUpperCase());
  writeSizes(sizes, arg('out', join(here, 'out')));
}
