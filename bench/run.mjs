// Surligneur performance benchmark, against @recogito/text-annotator.
//
//   node bench/run.mjs [--sizes S,M,L,XL] [--runs 5] [--adds 30] [--reco-ops 10]
//                      [--dist /work/main/dist] [--only surligneur|recogito]
//
// Serves a snapshot of dist/ (and the bundled recogito page) on 127.0.0.1,
// drives Debian's chromium through playwright-core, prints a Markdown table
// and writes bench/out/results-<date>.{json,md}. See bench/README.md for the
// method (what "painted" means for each system, what can't be compared).
import http from 'node:http';
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { SIZES, writeSizes } from './gen.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const REPO = resolve(HERE, '..');

// ---- arguments -------------------------------------------------------------
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const SIZE_LIST = arg('sizes', 'S,M,L,XL').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
const RUNS = Number(arg('runs', 5));
const ADDS = Number(arg('adds', 30));
const RECO_OPS = Number(arg('reco-ops', 10));
// recogito's XL open alone takes ~30 s here: 3 runs by default for XL.
const RECO_RUNS = (size) => Number(arg('reco-runs', size === 'XL' ? Math.min(3, RUNS) : RUNS));
const DIST = resolve(arg('dist', join(REPO, 'dist')));
const ONLY = arg('only', 'both');
const STEP_MS = Number(arg('step-timeout', 60000)); // cap of every in-page wait
for (const s of SIZE_LIST) if (!SIZES[s]) throw new Error(`unknown size ${s} (S, M, L, XL)`);

const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const log = (...a) => console.error('[bench]', ...a);

// ---- small statistics -----------------------------------------------------------
const sorted = (xs) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
/** Nearest-rank percentile. */
const pct = (xs, p) => {
  const s = sorted(xs);
  if (s.length === 0) return null;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const summary = (samples) => {
  const ok = samples.filter((x) => x && Number.isFinite(x.ms)).map((x) => x.ms);
  const timeouts = samples.filter((x) => x && x.timeout).length;
  const errors = samples.filter((x) => x && !x.timeout && !Number.isFinite(x.ms)).length;
  const dom = samples.filter((x) => x && Number.isFinite(x.ms) && Number.isFinite(x.domMs)).map((x) => x.domMs);
  return {
    n: ok.length,
    timeouts,
    errors,
    p50: pct(ok, 50),
    p95: pct(ok, 95),
    domP50: pct(dom, 50),
    domP95: pct(dom, 95),
    min: ok.length ? Math.min(...ok) : null,
    max: ok.length ? Math.max(...ok) : null,
  };
};

// ---- preparation ---------------------------------------------------------------
/** Generates the sizes that are missing or older than gen.mjs. */
function ensureData() {
  const genTime = statSync(join(HERE, 'gen.mjs')).mtimeMs;
  const stale = SIZE_LIST.filter((s) => {
    const f = join(OUT, `${s}.json`);
    return !existsSync(f) || statSync(f).mtimeMs < genTime;
  });
  if (stale.length) {
    log(`generating ${stale.join(',')}`);
    writeSizes(stale, OUT);
  }
}

async function bundleRecogito() {
  const dir = join(OUT, 'recogito');
  mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(HERE, 'recogito', 'page.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'bundle.js'),
    logLevel: 'warning',
  });
  copyFileSync(join(HERE, 'recogito', 'index.html'), join(dir, 'index.html'));
  copyFileSync(join(HERE, 'recogito', 'page.css'), join(dir, 'page.css'));
  return dir;
}

/** A private copy of dist/ so that a concurrent `trunk build` can't change it mid-run. */
function snapshotDist() {
  const need = ['index.html', 'surligneur.js', 'surligneur_bg.wasm'];
  if (!need.every((f) => existsSync(join(DIST, f)))) return null;
  const snap = join(OUT, 'dist-snapshot');
  rmSync(snap, { recursive: true, force: true });
  cpSync(DIST, snap, { recursive: true });
  return snap;
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

function sizes(snap, recoDir) {
  const out = {};
  if (snap) {
    const js = ['surligneur.js', 'boot.js'].filter((f) => existsSync(join(snap, f)));
    const css = ['styles.css'].filter((f) => existsSync(join(snap, f)));
    const wasm = gz(join(snap, 'surligneur_bg.wasm'));
    const jsGz = js.reduce((s, f) => s + gz(join(snap, f)), 0);
    out.surligneur = {
      wasmGzip: wasm,
      jsGzip: jsGz,
      wasmJsGzip: wasm + jsGz,
      cssGzip: css.reduce((s, f) => s + gz(join(snap, f)), 0),
      wasmRaw: statSync(join(snap, 'surligneur_bg.wasm')).size,
      wasmSha256: createHash('sha256').update(readFileSync(join(snap, 'surligneur_bg.wasm'))).digest('hex'),
      files: js.concat(['surligneur_bg.wasm']),
    };
  }
  out.recogito = {
    jsGzip: gz(join(recoDir, 'bundle.js')),
    cssGzip: existsSync(join(recoDir, 'bundle.css')) ? gz(join(recoDir, 'bundle.css')) : 0,
    jsRaw: statSync(join(recoDir, 'bundle.js')).size,
  };
  out.recogito.jsCssGzip = out.recogito.jsGzip + out.recogito.cssGzip;
  return out;
}

// ---- server ----------------------------------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon',
};
function serve(snap, recoDir) {
  const server = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let root = snap;
    if (p.startsWith('/__reco/')) {
      root = recoDir;
      p = p.slice('/__reco'.length);
    } else if (p.startsWith('/__data/')) {
      root = OUT;
      p = p.slice('/__data'.length);
    }
    if (p.endsWith('/')) p += 'index.html';
    const file = root && resolve(root, `.${p}`);
    if (!file || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---- timeouts on the node side ----------------------------------------------------
class StepTimeout extends Error {}
const withTimeout = (p, ms, what) => {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new StepTimeout(`${what}: no answer after ${ms} ms`)), ms);
    }),
  ]);
};
const NODE_MS = STEP_MS + 15000; // the in-page cap, plus room for the page to answer
const ev = (page, fn, argument, what, ms = NODE_MS) => withTimeout(page.evaluate(fn, argument), ms, what);

/** Longest task (Long Tasks API, ≥ 50 ms) overlapping [t0, tPaint] of a step. */
const longestTask = (page, step) =>
  ev(page, ([a, b]) => Math.max(0, ...window.__bench.longTasks.filter((t) => t.start + t.dur >= a && t.start <= b).map((t) => t.dur)), [step.t0, step.tPaint], 'long tasks');

async function heapAfterGc(cdp) {
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    // usedSize: V8's JS heap; embedderHeapUsedSize: Blink's (DOM) heap;
    // backingStorageSize: ArrayBuffer stores (wasm linear memory among them).
    const h = await cdp.send('Runtime.getHeapUsage');
    return { js: h.usedSize, dom: h.embedderHeapUsedSize ?? null, buffers: h.backingStorageSize ?? null };
  } catch {
    return null;
  }
}

async function newPage(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript({ path: join(HERE, 'inpage.js') });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e.message || e).slice(0, 300)));
  const cdp = await ctx.newCDPSession(page);
  return { ctx, page, cdp, errors };
}
const closeQuietly = async (ctx) => {
  try {
    await withTimeout(ctx.close(), 20000, 'close');
  } catch {
    /* the browser may be busy; it is closed at the end anyway */
  }
};

// ---- one Surligneur run -------------------------------------------------------------
async function surligneurRun(browser, base, size, run, doc) {
  const expect = new Set(doc.annotations.map((a) => a.id)).size;
  const r = { run, adds: [], undos: [], relabels: [], deletes: [] };
  const { ctx, page, cdp, errors } = await newPage(browser);
  try {
    await withTimeout(page.goto(`${base}/`, { waitUntil: 'load' }), NODE_MS, 'goto');
    await page.waitForSelector('input[data-action=import]', { state: 'attached', timeout: STEP_MS });
    await page.waitForFunction(() => window.__bench.firstPaint, null, { timeout: STEP_MS });
    r.firstPaint = await ev(page, () => window.__bench.sur.firstPaintInfo(), null, 'first paint');
    await ev(page, () => window.__bench.settle(3), null, 'settle');

    // (a) open
    await ev(page, ([n, ms]) => window.__bench.sur.armOpen(n, ms), [expect, STEP_MS], 'arm open');
    await withTimeout(page.setInputFiles('input[data-action=import]', join(OUT, `${size}.json`)), NODE_MS, 'setInputFiles');
    r.open = await ev(page, () => window.__bench.sur.openResult(), null, 'open');
    r.open.expect = expect;
    if (!Number.isFinite(r.open.ms)) {
      r.failed = r.open.timeout ? 'open: timeout' : `open: ${r.open.error || 'failed'}`;
      return r;
    }
    r.open.longestTask = await longestTask(page, r.open);
    // (f) heap after open (after a GC), and the wasm linear memory.
    r.heap = await heapAfterGc(cdp);
    r.wasmMemory = await ev(page, () => window.__bench.sur.wasmMemory(), null, 'wasm memory');
    // Idle window: what runs after open without any input (deferred saves…).
    await ev(page, () => window.__bench.sleep(1500), null, 'idle');

    // (b) add one, each followed by (c) undo
    await ev(page, (seed) => window.__bench.sur.init(seed), 1000 + run, 'init');
    for (let i = 0; i < ADDS; i++) {
      const a = await ev(page, (ms) => window.__bench.sur.addOne(ms), STEP_MS, 'add');
      r.adds.push(a);
      if (!Number.isFinite(a.ms)) {
        if (a.timeout) break;
        continue;
      }
      const u = await ev(page, ([id, ms]) => window.__bench.sur.undo(id, ms), [a.id, STEP_MS], 'undo');
      r.undos.push(u);
      if (u.timeout) break;
    }
    // (c) relabel, delete
    for (let i = 0; i < ADDS; i++) {
      const x = await ev(page, (ms) => window.__bench.sur.relabel(ms), STEP_MS, 'relabel');
      r.relabels.push(x);
      if (x.timeout || x.error) break;
    }
    for (let i = 0; i < ADDS; i++) {
      const x = await ev(page, (ms) => window.__bench.sur.del(ms), STEP_MS, 'delete');
      r.deletes.push(x);
      if (x.timeout || x.error) break;
    }
    // (e) save cost, if the app measures it
    r.save = await ev(page, () => window.__bench.sur.saveMeasures(), null, 'save measures');
    const lt = await ev(page, () => window.__bench.longTasks, null, 'long tasks');
    const after = lt.filter((t) => t.start >= r.open.tPaint);
    r.longTasksAfterOpen = {
      over200: after.filter((t) => t.dur > 200).length,
      over50: after.length,
      max: after.length ? Math.max(...after.map((t) => t.dur)) : 0,
      idleOver200: after.filter((t) => t.dur > 200 && t.start < r.open.tPaint + 1500).length,
    };

    // (d) reload with the storage kept. Not attempted when the app says it
    // could not save (e.g. storage full): the reload could only time out.
    r.alerts = await ev(page, () => [...document.querySelectorAll('[role=alert] .error')].map((e) => e.textContent.trim().replace(/×$/, '')), null, 'alerts');
    if (r.alerts.length) {
      r.reload = { skipped: `error shown before reload: ${r.alerts[0]}` };
      return r;
    }
    r.reloadExpect = await ev(page, () => window.__bench.sur.prepareReload(), null, 'prepare reload');
    await page.waitForTimeout(400); // past the ~250 ms autosave debounce
    await withTimeout(page.reload({ waitUntil: 'commit' }), NODE_MS, 'reload');
    try {
      await page.waitForFunction(() => window.__bench && window.__bench.reload && !window.__bench.reload.pending, null, { timeout: NODE_MS });
      const rl = await ev(page, () => window.__bench.reload, null, 'reload result');
      r.reload = rl.timeout ? { timeout: true, expect: rl.expect } : { ms: rl.tPaint, domMs: rl.tDom, expect: rl.expect };
      if (rl.timeout) {
        r.reload.found = await ev(page, () => window.__bench.distinctIds().size, null, 'reload ids');
      }
    } catch (e) {
      r.reload = { timeout: true, error: String(e.message || e) };
    }
  } catch (e) {
    r.failed = String(e.message || e).split('\n')[0];
  } finally {
    r.pageErrors = errors;
    await closeQuietly(ctx);
  }
  return r;
}

// ---- one recogito run ---------------------------------------------------------------
async function recogitoRun(browser, base, size, run) {
  const r = { run, adds: [], undos: [], relabels: [], deletes: [] };
  const { ctx, page, cdp, errors } = await newPage(browser);
  try {
    await withTimeout(page.goto(`${base}/__reco/index.html`, { waitUntil: 'load' }), NODE_MS, 'goto');
    await page.waitForFunction(() => window.__reco && window.__bench, null, { timeout: STEP_MS });
    r.load = await ev(page, ([u, seed]) => window.__reco.load(u, seed), [`/__data/${size}.json`, 1000 + run], 'load');
    r.open = await ev(page, (ms) => window.__reco.open(ms), STEP_MS, 'open');
    if (!Number.isFinite(r.open.ms)) {
      r.failed = 'open: timeout';
      return r;
    }
    r.open.longestTask = await longestTask(page, r.open);
    r.heap = await heapAfterGc(cdp);
    await ev(page, () => window.__bench.sleep(1500), null, 'idle');
    const tAfterOpen = await ev(page, () => performance.now() - 1500, null, 'now');
    for (let i = 0; i < ADDS; i++) {
      const a = await ev(page, (ms) => window.__reco.addOne(ms), STEP_MS, 'add');
      r.adds.push(a);
      if (a.timeout) break;
    }
    for (let i = 0; i < RECO_OPS; i++) {
      const x = await ev(page, (ms) => window.__reco.relabel(ms), STEP_MS, 'relabel');
      r.relabels.push(x);
      if (x.timeout || x.error) break;
    }
    for (let i = 0; i < RECO_OPS; i++) {
      const x = await ev(page, (ms) => window.__reco.del(ms), STEP_MS, 'delete');
      r.deletes.push(x);
      if (!Number.isFinite(x.ms)) break;
      const u = await ev(page, ([id, ms]) => window.__reco.undo(id, ms), [x.id, STEP_MS], 'undo');
      r.undos.push(u);
      if (u.timeout) break;
    }
    const lt = await ev(page, () => window.__bench.longTasks, null, 'long tasks');
    const after = lt.filter((t) => t.start >= tAfterOpen);
    r.longTasksAfterOpen = {
      over200: after.filter((t) => t.dur > 200).length,
      over50: after.length,
      max: after.length ? Math.max(...after.map((t) => t.dur)) : 0,
    };
  } catch (e) {
    r.failed = String(e.message || e).split('\n')[0];
  } finally {
    r.pageErrors = errors;
    await closeQuietly(ctx);
  }
  return r;
}

// ---- aggregation and table --------------------------------------------------------------
function aggregate(runs) {
  const ok = runs.filter((r) => r.open && Number.isFinite(r.open.ms));
  const all = (k) => runs.flatMap((r) => r[k] || []);
  const med = (xs) => pct(xs.filter(Number.isFinite), 50);
  const out = {
    runs: runs.length,
    openOk: ok.length,
    openTimeouts: runs.filter((r) => r.open && r.open.timeout).length,
    open: summary(runs.map((r) => r.open || {})),
    add: summary(all('adds')),
    undo: summary(all('undos')),
    relabel: summary(all('relabels')),
    delete: summary(all('deletes')),
    openLongestTask: med(ok.map((r) => r.open.longestTask)),
    heapMB: {
      js: med(ok.map((r) => (r.heap ? r.heap.js / 1e6 : NaN))),
      dom: med(ok.map((r) => (r.heap && r.heap.dom !== null ? r.heap.dom / 1e6 : NaN))),
      buffers: med(ok.map((r) => (r.heap && r.heap.buffers !== null ? r.heap.buffers / 1e6 : NaN))),
    },
    failures: runs.filter((r) => r.failed).map((r) => `run ${r.run}: ${r.failed}`),
    pageErrors: [...new Set(runs.flatMap((r) => r.pageErrors || []))].slice(0, 5),
    longTasksAfterOpen: {
      over200: runs.reduce((s, r) => s + ((r.longTasksAfterOpen && r.longTasksAfterOpen.over200) || 0), 0),
      max: Math.max(0, ...runs.map((r) => (r.longTasksAfterOpen && r.longTasksAfterOpen.max) || 0)),
    },
  };
  const adds = all('adds').filter((a) => Number.isFinite(a.ms));
  out.checks = {
    addQuoteMismatch: adds.filter((a) => a.quoteOk === false).length,
    addFocusMissing: adds.filter((a) => a.focusOk === false).length,
    addLabelNotPerson: adds.filter((a) => a.label !== undefined && a.label !== 'person').length,
    errors: [...new Set([...all('adds'), ...all('undos'), ...all('relabels'), ...all('deletes')].filter((x) => x.error).map((x) => x.error))],
  };
  if (runs.some((r) => 'reload' in r)) {
    out.reload = summary(runs.map((r) => r.reload || {}));
    out.wasmMemoryMB = med(ok.map((r) => (r.wasmMemory || NaN) / 1e6));
    const saves = runs.flatMap((r) => r.save || []);
    out.save = saves.length ? { n: saves.length, p50: pct(saves, 50), p95: pct(saves, 95), max: Math.max(...saves) } : null;
    out.domNodes = med(ok.map((r) => r.open.domNodes));
    out.choiceDialog = runs.filter((r) => r.open && r.open.choice).length;
    out.alerts = [...new Set(runs.flatMap((r) => r.alerts || []))];
    out.reloadSkipped = runs.filter((r) => r.reload && r.reload.skipped).length;
  } else {
    out.openReturn = med(ok.map((r) => r.open.returnMs));
    out.parseConvertMs = med(runs.map((r) => r.load && r.load.parseMs));
    out.drawnAtOpen = med(ok.map((r) => r.open.drawn));
    out.domNodes = med(ok.map((r) => r.open.domNodes));
    out.badOffsets = Math.max(0, ...runs.map((r) => (r.load && r.load.badOffsets) || 0));
  }
  return out;
}

const TARGETS = {
  L: { open: 300, addP95: 16, undoP95: 16, relabelP95: 16, deleteP95: 16 },
  XL: { open: 1500, addP95: 50 },
};

const fmtMs = (v) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
/** "painted (DOM-only)" for one percentile of a summary. */
const cell = (s, key) => {
  if (!s) return 'n/a';
  const v = s[key];
  const bad = s.timeouts ? ` (${s.timeouts} timeout${s.timeouts > 1 ? 's' : ''})` : '';
  if (v === null || v === undefined) return s.timeouts ? 'timeout' : 'n/a';
  const domKey = key === 'p50' ? 'domP50' : key === 'p95' ? 'domP95' : null;
  const dom = domKey && Number.isFinite(s[domKey]) ? ` [${fmtMs(s[domKey])}]` : '';
  return fmtMs(v) + dom + bad;
};
const ratio = (sur, reco) => (Number.isFinite(sur) && Number.isFinite(reco) && sur > 0 ? `${(reco / sur).toFixed(2)}×` : 'n/a');
const yes = (b) => (b === null ? '—' : b ? 'yes' : '**NO**');

function table(results) {
  const rows = [['size', 'metric', 'Surligneur', 'recogito', 'ratio (recogito ÷ Surligneur)', 'target met?']];
  for (const size of Object.keys(results.sizes)) {
    const { surligneur: S, recogito: R } = results.sizes[size];
    const t = TARGETS[size] || {};
    const le = (v, lim) => (lim === undefined ? null : Number.isFinite(v) ? v <= lim : false);
    const twice = (sv, rv) => (Number.isFinite(sv) && Number.isFinite(rv) ? rv / sv >= 2 : false);
    const tgt = (...conds) => {
      const c = conds.filter((x) => x !== null);
      return c.length ? yes(c.every(Boolean)) : '—';
    };
    const so = S && S.open;
    const ro = R && R.open;
    rows.push([size, 'open (median of runs)', cell(so, 'p50'), cell(ro, 'p50'), ratio(so && so.p50, ro && ro.p50),
      tgt(le(so && so.p50, t.open), S && R ? twice(so.p50, ro && ro.p50) : null) + (t.open ? ` (≤ ${t.open} ms, ≥2×)` : ' (≥2×)')]);
    rows.push([size, 'add-one p50', cell(S && S.add, 'p50'), cell(R && R.add, 'p50'), ratio(S && S.add.p50, R && R.add.p50),
      tgt(S && R ? twice(S.add.p50, R.add.p50) : null) + ' (≥2×)']);
    rows.push([size, 'add-one p95', cell(S && S.add, 'p95'), cell(R && R.add, 'p95'), ratio(S && S.add.p95, R && R.add.p95),
      t.addP95 ? `${tgt(le(S && S.add.p95, t.addP95))} (≤ ${t.addP95} ms)` : '—']);
    for (const [k, name, lim] of [['undo', 'undo', t.undoP95], ['relabel', 'relabel', t.relabelP95], ['delete', 'delete', t.deleteP95]]) {
      rows.push([size, `${name} p50 / p95`, S ? `${cell(S[k], 'p50')} / ${cell(S[k], 'p95')}` : 'n/a', R ? `${cell(R[k], 'p50')} / ${cell(R[k], 'p95')}` : 'n/a',
        ratio(S && S[k].p95, R && R[k].p95), lim ? `${tgt(le(S && S[k].p95, lim))} (p95 ≤ ${lim} ms)` : '—']);
    }
    rows.push([size, 'reload → all highlights painted (median)', S && S.reloadSkipped && !S.reload.n ? 'not measured (app error, see notes)' : cell(S && S.reload, 'p50'), 'n/a (no storage)', '', '—']);
    rows.push([size, 'save cost p50 / p95 (surligneur:save)', S && S.save ? `${fmtMs(S.save.p50)} / ${fmtMs(S.save.p95)} (n=${S.save.n})` : 'n/a (not recorded)', 'n/a', '', '—']);
    const mb = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
    const heap = (h) => (h && Number.isFinite(h.js) ? `JS ${mb(h.js)} + DOM ${mb(h.dom)} + buffers ${mb(h.buffers)} MB` : 'n/a');
    rows.push([size, 'heap after open, after GC (JS + DOM + ArrayBuffers)',
      S ? `${heap(S.heapMB)} (wasm memory ${mb(S.wasmMemoryMB)} MB)` : 'n/a', R ? heap(R.heapMB) : 'n/a', '', '—']);
    rows.push([size, 'longest task during open (median of runs; 0 = none ≥ 50 ms)', S ? fmtMs(S.openLongestTask) : 'n/a', R ? fmtMs(R.openLongestTask) : 'n/a', '', '—']);
    rows.push([size, 'long tasks > 200 ms after open (all runs; max task)', S ? `${S.longTasksAfterOpen.over200} (max ${fmtMs(S.longTasksAfterOpen.max)})` : 'n/a',
      R ? `${R.longTasksAfterOpen.over200} (max ${fmtMs(R.longTasksAfterOpen.max)})` : 'n/a', '', '—']);
  }
  const g = results.global;
  const kb = (b) => (Number.isFinite(b) ? `${(b / 1000).toFixed(1)} KB` : 'n/a');
  if (g.sizes) {
    const s = g.sizes.surligneur;
    const rr = g.sizes.recogito;
    rows.push(['all', 'wasm+js gzip -9', s ? `${kb(s.wasmJsGzip)} (wasm ${kb(s.wasmGzip)}, js ${kb(s.jsGzip)})` : 'n/a',
      `${kb(rr.jsGzip)} js (+ ${kb(rr.cssGzip)} css)`, s ? ratio(s.wasmJsGzip, rr.jsGzip) : 'n/a', s ? `${yes(s.wasmJsGzip <= 250000)} (≤ 250 KB)` : 'n/a']);
  }
  if (g.firstPaint) {
    rows.push(['all', 'first paint of default article after wasm loaded (median)', fmtMs(g.firstPaint.afterWasm), 'n/a', '',
      `${yes(Number.isFinite(g.firstPaint.afterWasm) ? g.firstPaint.afterWasm <= 100 : false)} (≤ 100 ms)`]);
    rows.push(['all', 'first paint of default article after wasm instantiated (median)', fmtMs(g.firstPaint.afterInstantiate), 'n/a', '', '—']);
    rows.push(['all', 'navigation → default article painted (median)', fmtMs(g.firstPaint.fromNav), 'n/a', '', '—']);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  return [line(rows[0]), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

// ---- main --------------------------------------------------------------------------------
async function main() {
  const started = new Date();
  mkdirSync(OUT, { recursive: true });
  ensureData();
  const recoDir = await bundleRecogito();
  const snap = ONLY === 'recogito' ? null : snapshotDist();
  if (!snap && ONLY !== 'recogito') log(`no build in ${DIST}: Surligneur columns will be n/a (build with trunk build --release)`);
  const server = await serve(snap, recoDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const sh = (c) => {
    try {
      return execSync(c, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const results = {
    date: started.toISOString(),
    machine: {
      nproc: sh('nproc'),
      cpu: (sh("grep 'model name' /proc/cpuinfo | head -1") || '').replace(/^model name\s*:\s*/, ''),
      memGB: Number(((sh("awk '/MemTotal/ {print $2}' /proc/meminfo") || 0) / 1048576).toFixed(1)),
      loadavg: sh('cat /proc/loadavg'),
      chromium: sh('/usr/bin/chromium --version'),
      node: process.version,
    },
    git: { head: sh('git rev-parse --short HEAD'), dirtySrc: !!sh('git status --porcelain -- src') },
    options: { sizes: SIZE_LIST, runs: RUNS, recoRuns: Object.fromEntries(SIZE_LIST.map((z) => [z, RECO_RUNS(z)])), adds: ADDS, recoOps: RECO_OPS, stepTimeoutMs: STEP_MS, dist: DIST },
    global: { sizes: sizes(snap, recoDir) },
    sizes: {},
    raw: {},
  };
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  const firstPaints = [];
  try {
    for (const size of SIZE_LIST) {
      const doc = JSON.parse(readFileSync(join(OUT, `${size}.json`), 'utf8'));
      const sur = [];
      const reco = [];
      for (let run = 0; run < RUNS; run++) {
        if (snap && ONLY !== 'recogito') {
          // A size whose first open timed out is not retried: it would only
          // cost another minute per run.
          if (sur.length && sur.every((x) => x.open && x.open.timeout)) {
            sur.push({ run, open: { timeout: true }, failed: 'skipped after an open timeout', adds: [], undos: [], relabels: [], deletes: [] });
          } else {
            const t = Date.now();
            const x = await surligneurRun(browser, base, size, run, doc);
            sur.push(x);
            if (x.firstPaint) firstPaints.push(x.firstPaint);
            log(`${size} surligneur run ${run}: open ${fmtMs(x.open && x.open.ms)}${x.failed ? ` FAILED ${x.failed}` : ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
          }
        }
        if (ONLY !== 'surligneur' && run < RECO_RUNS(size)) {
          if (reco.length && reco.every((x) => x.open && x.open.timeout)) {
            reco.push({ run, open: { timeout: true }, failed: 'skipped after an open timeout', adds: [], undos: [], relabels: [], deletes: [] });
          } else {
            const t = Date.now();
            const x = await recogitoRun(browser, base, size, run);
            reco.push(x);
            log(`${size} recogito run ${run}: open ${fmtMs(x.open && x.open.ms)}${x.failed ? ` FAILED ${x.failed}` : ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
          }
        }
      }
      results.sizes[size] = {
        surligneur: sur.length ? aggregate(sur) : null,
        recogito: reco.length ? aggregate(reco) : null,
      };
      results.raw[size] = { surligneur: sur, recogito: reco };
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  // First paint on a fresh profile, from the wasm's responseEnd.
  const fp = firstPaints
    .filter((f) => f.firstPaint && Number.isFinite(f.firstPaint.tPaint) && f.wasm.length)
    .map((f) => ({
      afterWasm: f.firstPaint.tPaint - Math.max(...f.wasm.map((w) => w.responseEnd)),
      afterInstantiate: f.instantiated ? f.firstPaint.tPaint - f.instantiated.end : NaN,
      fromNav: f.firstPaint.tPaint,
      wasmResponseEnd: Math.max(...f.wasm.map((w) => w.responseEnd)),
      instantiated: f.instantiated ? f.instantiated.end : NaN,
    }));
  if (snap) {
    results.global.firstPaint = {
      n: fp.length,
      afterWasm: pct(fp.map((f) => f.afterWasm), 50),
      afterWasmP95: pct(fp.map((f) => f.afterWasm), 95),
      afterInstantiate: pct(fp.map((f) => f.afterInstantiate), 50),
      wasmResponseEnd: pct(fp.map((f) => f.wasmResponseEnd), 50),
      instantiated: pct(fp.map((f) => f.instantiated), 50),
      samples: fp,
      fromNav: pct(fp.map((f) => f.fromNav), 50),
      wasmEntries: firstPaints[0] ? firstPaints[0].wasm.length : 0,
    };
  }
  results.finished = new Date().toISOString();
  results.machine.loadavgEnd = sh('cat /proc/loadavg');
  const md = table(results);
  const stamp = started.toISOString().replace(/:/g, '').replace(/\..*$/, '');
  const jsonFile = join(OUT, `results-${stamp}.json`);
  writeFileSync(jsonFile, JSON.stringify(results, null, 1));
  writeFileSync(join(OUT, `results-${stamp}.md`), `${md}\n`);
  console.log(md);
  for (const size of Object.keys(results.sizes)) {
    for (const sys of ['surligneur', 'recogito']) {
      const a = results.sizes[size][sys];
      if (!a) continue;
      const notes = [...a.failures, ...a.checks.errors.map((e) => `error: ${e}`), ...a.pageErrors.map((e) => `page error: ${e}`)];
      if (a.checks.addQuoteMismatch) notes.push(`${a.checks.addQuoteMismatch} added highlights whose text differs from the selection`);
      if (a.checks.addFocusMissing) notes.push(`${a.checks.addFocusMissing} added highlights did not get focus`);
      if (a.checks.addLabelNotPerson) notes.push(`${a.checks.addLabelNotPerson} added highlights not labelled person`);
      if (a.choiceDialog) notes.push(`merge/replace dialog on a fresh profile in ${a.choiceDialog} runs`);
      for (const al of a.alerts || []) notes.push(`app error alert after the operations: "${al}"`);
      if (a.reloadSkipped) notes.push(`reload not measured in ${a.reloadSkipped} runs (the app showed an error first)`);
      if (a.reload && a.reload.timeouts) notes.push(`${a.reload.timeouts} reloads did not show every highlight within ${STEP_MS / 1000} s`);
      if (a.badOffsets) notes.push(`${a.badOffsets} converted offsets did not match their quote`);
      if (notes.length) console.log(`\n${size} ${sys}:\n  - ${notes.join('\n  - ')}`);
    }
  }
  console.log(`\nresults: ${jsonFile}`);
  console.log(`machine: ${results.machine.nproc} cores, ${results.machine.cpu}, load ${results.machine.loadavg}; ${results.machine.chromium}; wall ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
