// The recogito side of the benchmark: the same text, the same paragraphs,
// @recogito/text-annotator with its default (SPANS) renderer. Bundled by
// esbuild into bench/out/recogito/bundle.js. Driven through window.__reco;
// measurement helpers come from bench/inpage.js (window.__bench).
import { createTextAnnotator } from '@recogito/text-annotator';
import '@recogito/text-annotator/text-annotator.css';

const COLORS = { person: '#e69f00', organisation: '#56b4e9', claim: '#cc79a7' };
const B = () => window.__bench;
const article = () => document.getElementById('article');
const layer = () => article().querySelector('.r6o-span-highlight-layer');

let anno = null;
let doc = null;
let converted = [];
let rand = null;
// Its undo stack (annotorious core) records LOCAL changes only and merges
// changes less than 250 ms apart into one entry; after an undo, a change
// merged into the undone entry would make the next undo revert the wrong
// one. LOCAL changes here are therefore kept 270 ms apart (not timed).
let lastLocalAt = -1e9;
const spaceLocalChange = async () => {
  const wait = lastLocalAt + 270 - performance.now();
  if (wait > 0) await B().sleep(wait);
  await B().settle(1);
};

const body = (id, label) => ({ id: `${id}-tag`, annotation: id, purpose: 'tagging', value: label });
const labelOf = (a) => (a.bodies.find((b) => b.purpose === 'tagging') || {}).value;

/** Code point offset -> UTF-16 offset table for the whole text. */
function cpToU16Table(text) {
  const cps = Array.from(text);
  const t = new Int32Array(cps.length + 1);
  let u = 0;
  for (let i = 0; i < cps.length; i++) {
    t[i] = u;
    u += cps[i].length;
  }
  t[cps.length] = u;
  return t;
}

/** v1 annotations -> recogito TextAnnotation (offsets in UTF-16 units). */
function convert(v1) {
  const table = cpToU16Table(v1.document.text);
  return v1.annotations.map((a) => ({
    id: a.id,
    bodies: [body(a.id, a.label)],
    target: {
      annotation: a.id,
      selector: [{ quote: a.quote, start: table[a.start], end: table[a.end] }],
      created: new Date(a.created),
    },
  }));
}

/** Same text, same blocks as Surligneur: h1 title, "\n\n", p, "\n\n", p … */
function render(text) {
  const a = article();
  a.textContent = '';
  const blocks = text.split('\n\n');
  blocks.forEach((b, i) => {
    if (i > 0) a.append('\n\n');
    const el = document.createElement(i === 0 ? 'h1' : 'p');
    el.textContent = b;
    a.append(el);
  });
  if (a.textContent !== text) throw new Error('container text differs from the document text');
}

window.__reco = {
  /** Fetches and renders the document; creates the annotator. Not timed. */
  async load(url, seed) {
    const raw = await (await fetch(url)).text();
    const t0 = performance.now();
    doc = JSON.parse(raw);
    converted = convert(doc);
    const parseMs = performance.now() - t0;
    render(doc.document.text);
    anno = createTextAnnotator(article(), {
      style: (a) => ({ fill: COLORS[labelOf(a)] || '#999', fillOpacity: 0.35 }),
    });
    rand = B().rng(seed);
    await B().sleep(300); // let its initial resize/redraw pass run
    await B().settle(2);
    // Same check as in the generator, here on UTF-16 offsets.
    const text = article().textContent;
    const bad = converted.filter((c) => text.slice(c.target.selector[0].start, c.target.selector[0].end) !== c.target.selector[0].quote);
    return { parseMs, annotations: converted.length, badOffsets: bad.length, renderer: anno.renderer ? 'SPANS (default)' : '?' };
  },

  /**
   * open = setAnnotations(all, false) -> painted: the span layer's first childList
   * change after the call, then rAF + task. It draws the highlights that
   * intersect the viewport only (the rest are in its spatial index).
   */
  async open(timeoutMs) {
    const l = layer();
    await B().randomPhase(rand);
    const p = B().watch(l, () => l.querySelector('[data-annotation]') !== null, timeoutMs);
    const t0 = performance.now();
    // replace=false: in 4.1.1 the replace path (store.syncAnnotations) skips
    // DOM range revival and nothing is drawn (text-annotator-js PR #276); on
    // an empty annotator the merge path loads the same set, with revival.
    anno.setAnnotations(converted, false);
    const tReturn = performance.now();
    const r = await p;
    if (r.timeout) return { timeout: true, returnMs: tReturn - t0 };
    return {
      t0,
      tPaint: r.tPaint,
      ms: r.tPaint - t0,
      domMs: r.tDom - t0,
      returnMs: tReturn - t0,
      drawn: new Set([...l.querySelectorAll('[data-annotation]')].map((e) => e.dataset.annotation)).size,
      inStore: anno.getAnnotations().length,
      domNodes: document.getElementsByTagName('*').length,
    };
  },

  /** addAnnotation(one) at a random word range -> its span is drawn. */
  async addOne(timeoutMs) {
    const a = article();
    const pick = B().pickRange(a, rand, a.firstElementChild.textContent.length);
    await B().scrollToNode(pick.range.startContainer);
    await B().sleep(40); // its scroll redraw is debounced (10 ms) then rAF
    await B().settle(2);
    const id = `reco-add-${Math.floor(rand() * 1e9).toString(16)}-${performance.now().toFixed(0)}`;
    const one = {
      id,
      bodies: [body(id, 'person')],
      target: { annotation: id, selector: [{ quote: pick.text, start: pick.u16Start, end: pick.u16End }], created: new Date() },
    };
    const l = layer();
    await B().randomPhase(rand);
    const p = B().watch(l, () => l.querySelector(`[data-annotation="${CSS.escape(id)}"]`) !== null, timeoutMs);
    const t0 = performance.now();
    anno.addAnnotation(one); // REMOTE origin: not on its undo stack
    const r = await p;
    if (r.timeout) return { timeout: true, id, text: pick.text };
    const got = anno.getAnnotationById(id);
    return { ms: r.tPaint - t0, domMs: r.tDom - t0, id, quoteOk: !!got && got.target.selector[0].range.toString() === pick.text };
  },

  /**
   * anno.undo() of the delete just made (API adds are REMOTE and cannot be
   * undone): done when the deleted annotation's span is drawn again.
   */
  async undo(id, timeoutMs) {
    const l = layer();
    await B().randomPhase(rand);
    const p = B().watch(l, () => l.querySelector(`[data-annotation="${CSS.escape(id)}"]`) !== null, timeoutMs);
    const t0 = performance.now();
    anno.undo();
    const r = await p;
    if (r.timeout) return { timeout: true };
    return { ms: r.tPaint - t0, domMs: r.tDom - t0, back: !!anno.getAnnotationById(id) };
  },

  async pickVisible(filter) {
    const l = layer();
    const ids = [...new Set([...l.querySelectorAll('[data-annotation]')].map((e) => e.dataset.annotation))]
      .map((id) => anno.getAnnotationById(id))
      .filter((x) => x && filter(x));
    if (ids.length === 0) return null;
    const a = ids[Math.floor(rand() * ids.length)];
    const range = a.target.selector[0].range;
    await B().scrollToNode(range.startContainer);
    await B().sleep(40);
    await B().settle(2);
    return a;
  },

  /** updateAnnotation with another tag (as Surligneur's relabel) -> its span redrawn. */
  async relabel(timeoutMs) {
    const a = await window.__reco.pickVisible(() => true);
    if (!a) return { error: 'no visible highlight' };
    const to = labelOf(a) === 'organisation' ? 'person' : 'organisation';
    const l = layer();
    await spaceLocalChange();
    await B().randomPhase(rand);
    const p = B().watch(l, () => false, timeoutMs, (records) =>
      records.some((r) => [...r.addedNodes].some((n) => n.dataset && n.dataset.annotation === a.id)),
    );
    const t0 = performance.now();
    anno.updateAnnotation({ ...a, bodies: [body(a.id, to)] });
    lastLocalAt = performance.now();
    const r = await p;
    if (r.timeout) return { timeout: true };
    return { ms: r.tPaint - t0, domMs: r.tDom - t0, id: a.id };
  },

  async del(timeoutMs) {
    const a = await window.__reco.pickVisible(() => true);
    if (!a) return { error: 'no visible highlight' };
    const l = layer();
    await spaceLocalChange();
    await B().randomPhase(rand);
    const p = B().watch(l, () => l.querySelector(`[data-annotation="${CSS.escape(a.id)}"]`) === null, timeoutMs);
    const t0 = performance.now();
    anno.removeAnnotation(a.id);
    lastLocalAt = performance.now();
    const r = await p;
    if (r.timeout) return { timeout: true };
    return { ms: r.tPaint - t0, domMs: r.tDom - t0, id: a.id };
  },
};
