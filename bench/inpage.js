// In-page half of the benchmark driver. Injected with addInitScript into
// every page (Surligneur and the recogito page) before any page script runs,
// so that its observers see the whole life of the document.
//
// Clock: performance.now() of the page (origin = navigation start).
//
// "painted" everywhere in this benchmark means: the DOM condition of the
// step is first seen true in a MutationObserver callback (tDom); then the
// first frame that renders that DOM has run its style, layout and paint
// steps, observed as a task posted through a MessageChannel from within that
// frame (tPaint). If the change was made in a task, that frame is the next
// one (we request an animation frame and post the task from its callback);
// if it was made inside a requestAnimationFrame callback (recogito redraws
// in one), it is the current frame, and the task is posted at once.
// Compositing and rasterisation that follow on other threads are not
// included (we run without a GPU).
(() => {
  if (window.__bench) return;
  const B = (window.__bench = {});
  const now = () => performance.now();

  // ---- long tasks, from the start of the document -------------------------
  B.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (_) {
    B.longTasksUnsupported = true;
  }

  // ---- wasm: when instantiation resolves (for the first-paint figures) ----
  B.wasmInstantiated = null;
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[name];
    if (typeof orig !== 'function') continue;
    WebAssembly[name] = function (...args) {
      const t = now();
      return orig.apply(this, args).then((res) => {
        if (B.wasmInstantiated === null) B.wasmInstantiated = { start: t, end: now(), via: name };
        return res;
      });
    };
  }

  // ---- key events: t0 is taken by the first capture listener of all -------
  B.lastKeyT0 = null;
  window.addEventListener(
    'keydown',
    () => {
      B.lastKeyT0 = now();
    },
    { capture: true },
  );

  // ---- painted -----------------------------------------------------------
  // Every rAF callback (the page's too) runs with B.inRafPhase set, cleared
  // by a microtask queued after the callback returns — that is after the
  // MutationObserver delivery for changes made inside the callback. A DOM
  // change made during the rAF phase of a frame is painted by that same
  // frame, one made in a task by the next frame: see paintedAfter().
  B.inRafPhase = false;
  const nativeRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    nativeRaf((ts) => {
      B.inRafPhase = true;
      try {
        cb(ts);
      } finally {
        queueMicrotask(() => {
          B.inRafPhase = false;
        });
      }
    });
  const postTask = (resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(now());
    ch.port2.postMessage(0);
  };
  /** Time at which a DOM change made just now has been rendered. */
  B.paintedAfter = () =>
    new Promise((resolve) => {
      if (B.inRafPhase) postTask(resolve); // rendered by the current frame
      else nativeRaf(() => postTask(resolve)); // rendered by the next frame
    });
  B.afterPaint = () =>
    new Promise((resolve) => {
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(now());
        ch.port2.postMessage(0);
      });
    });
  B.settle = async (frames = 2) => {
    for (let i = 0; i < frames; i++) await B.afterPaint();
  };
  B.sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  /**
   * Each timed step starts after a settle that ends just after a frame;
   * without this, every input would arrive at the worst phase (a full frame
   * before the next one). Real input arrives at any phase: wait a uniformly
   * random 0–16.7 ms (one 60 Hz frame) first. Not timed.
   */
  B.randomPhase = (rand) => B.sleep(rand() * 16.7);

  /**
   * Resolves { tDom, tPaint, checkMs } once check() is true (tested now and
   * after every mutation batch under target), or { timeout: true } after
   * timeoutMs. onRecords (optional) sees every batch of mutation records
   * first; it may return true to say "done" without calling check().
   */
  B.watch = (target, check, timeoutMs, onRecords) =>
    new Promise((resolve) => {
      let done = false;
      let mo = null;
      let to = null;
      const finish = (tDom, checkMs) => {
        done = true;
        if (mo) mo.disconnect();
        clearTimeout(to);
        B.paintedAfter().then((tPaint) => resolve({ tDom, tPaint, checkMs }));
      };
      const test = (records) => {
        if (done) return;
        const t = now();
        const ok = (onRecords && records && onRecords(records)) || check();
        if (ok) finish(t, now() - t);
      };
      mo = new MutationObserver((records) => test(records));
      mo.observe(target, { childList: true, subtree: true, attributes: true, characterData: true });
      to = setTimeout(() => {
        if (done) return;
        done = true;
        mo.disconnect();
        resolve({ timeout: true });
      }, timeoutMs);
      // Checked once after the caller had a chance to start the action.
      queueMicrotask(() => test(null));
    });

  // ---- helpers on #article -------------------------------------------------
  const article = () => document.getElementById('article');
  B.distinctIds = (root = article()) => {
    const set = new Set();
    if (!root) return set;
    for (const el of root.querySelectorAll('[data-annotation-id]')) set.add(el.getAttribute('data-annotation-id'));
    return set;
  };
  /** True once #article holds at least `expect` distinct annotation ids. */
  B.hasAllIds = (expect) => {
    const a = article();
    if (!a) return false;
    const list = a.querySelectorAll('[data-annotation-id]');
    if (list.length < expect) return false;
    const set = new Set();
    for (const el of list) set.add(el.getAttribute('data-annotation-id'));
    return set.size >= expect;
  };

  // mulberry32 again, seeded per run so both systems get the same places.
  B.rng = (seed) => {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };

  /**
   * Text nodes of the container in document order with their UTF-16 and
   * code-point start offsets in container.textContent. `skip` filters nodes
   * (e.g. the recogito highlight layer, which holds no text anyway).
   */
  B.textNodes = (root) => {
    const out = [];
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let u16 = 0;
    let cp = 0;
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const s = n.nodeValue;
      let c = 0;
      for (const _ of s) c++;
      out.push({ node: n, u16, cp, len: s.length, cps: c });
      u16 += s.length;
      cp += c;
    }
    return out;
  };

  /**
   * A random 1–3 word range inside one text node of the container, outside
   * the title (first block). Words are \S+ runs, so no boundary falls inside
   * a surrogate pair. Returns the DOM Range and its offsets in UTF-16 units
   * and in code points relative to the container's text.
   */
  B.pickRange = (root, rand, titleEnd, reject) => {
    const nodes = B.textNodes(root).filter((t) => t.u16 >= titleEnd && /\S/.test(t.node.nodeValue));
    const total = nodes.reduce((s, t) => s + t.len, 0);
    for (let attempt = 0; attempt < 100; attempt++) {
      // A node chosen with probability proportional to its length.
      let x = Math.floor(rand() * total);
      let t = nodes[0];
      for (const n of nodes) {
        if (x < n.len) {
          t = n;
          break;
        }
        x -= n.len;
      }
      const words = [...t.node.nodeValue.matchAll(/\S+/gu)];
      if (words.length === 0) continue;
      const k = 1 + Math.floor(rand() * 3);
      const i = Math.floor(rand() * Math.max(1, words.length - k + 1));
      const first = words[i];
      const last = words[Math.min(words.length - 1, i + k - 1)];
      const s = first.index;
      const e = last.index + last[0].length;
      const text = t.node.nodeValue.slice(s, e);
      const cpBefore = Array.from(t.node.nodeValue.slice(0, s)).length;
      const range = document.createRange();
      range.setStart(t.node, s);
      range.setEnd(t.node, e);
      if (reject && reject(range, text)) continue;
      return {
        range,
        text,
        u16Start: t.u16 + s,
        u16End: t.u16 + e,
        cpStart: t.cp + cpBefore,
        cpEnd: t.cp + cpBefore + Array.from(text).length,
      };
    }
    throw new Error('pickRange: no word found');
  };

  B.scrollToNode = async (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    el.scrollIntoView({ block: 'center', inline: 'nearest' });
    await B.settle(2);
  };

  B.key = (key, opts = {}) => {
    const target = document.activeElement || document.body;
    const init = { key, code: opts.code || key, bubbles: true, cancelable: true, composed: true, ...opts };
    target.dispatchEvent(new KeyboardEvent('keydown', init));
    target.dispatchEvent(new KeyboardEvent('keyup', init));
  };

  // ---- Surligneur operations (the testing contract) ------------------------
  const alertError = () => {
    const el = document.querySelector('[role=alert] .error');
    return el ? el.textContent.trim() : null;
  };
  const byId = (id) => article().querySelectorAll(`[data-annotation-id="${CSS.escape(id)}"]`);
  const sur = (B.sur = {});
  sur.init = (seed) => {
    sur.rand = B.rng(seed);
    sur.known = B.distinctIds();
  };
  sur.titleEnd = () => {
    const a = article();
    const first = a && a.firstElementChild;
    return first ? first.textContent.length : 0;
  };
  /** Arms the open measurement; call before setInputFiles. */
  sur.armOpen = (expect, timeoutMs) => {
    sur.openT0 = null;
    sur.choice = null;
    const onInput = () => {
      if (sur.openT0 === null) sur.openT0 = now();
    };
    window.addEventListener('input', onInput, { capture: true, once: true });
    window.addEventListener('change', onInput, { capture: true, once: true });
    sur.openP = B.watch(
      document.body,
      () => {
        if (sur.openT0 === null) return false;
        if (alertError()) return true;
        const c = document.querySelector('[data-choice=replace]');
        if (c && !sur.choice) {
          // Should not happen on a fresh profile: noted, and answered.
          sur.choice = 'replace';
          c.click();
          return false;
        }
        return B.hasAllIds(expect);
      },
      timeoutMs,
    );
    return true;
  };
  sur.openResult = async () => {
    const r = await sur.openP;
    const err = alertError();
    const out = { ...r, t0: sur.openT0, choice: sur.choice, error: err };
    if (!r.timeout) {
      out.ms = r.tPaint - sur.openT0;
      out.domMs = r.tDom - sur.openT0;
    }
    out.ids = B.distinctIds().size;
    out.marks = article().querySelectorAll('[data-annotation-id]').length;
    out.domNodes = document.getElementsByTagName('*').length;
    return out;
  };

  sur.addOne = async (timeoutMs) => {
    const a = article();
    // A selection equal to a whole highlight could be an exact duplicate
    // (same start, end, label), which the app rightly ignores: not picked.
    const pick = B.pickRange(a, sur.rand, sur.titleEnd(), (range, text) => {
      const p = range.startContainer.parentElement;
      return p && p.hasAttribute('data-annotation-id') && p.textContent === text;
    });
    await B.scrollToNode(pick.range.startContainer);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(pick.range);
    const rect = pick.range.getBoundingClientRect();
    const target = pick.range.startContainer.parentElement;
    const mouse = { bubbles: true, cancelable: true, composed: true, button: 0, clientX: rect.right, clientY: rect.bottom - 2 };
    target.dispatchEvent(new MouseEvent('mouseup', mouse));
    await B.settle(2);
    if (sel.isCollapsed || sel.toString() !== pick.text) return { error: 'selection lost before the key press', text: pick.text };
    let newId = null;
    const isNew = (el) => {
      const id = el.getAttribute && el.getAttribute('data-annotation-id');
      if (id !== null && id !== undefined && !sur.known.has(id)) {
        newId = id;
        return true;
      }
      return false;
    };
    const p = B.watch(a, () => newId !== null, timeoutMs, (records) => {
      for (const r of records) {
        if (r.type === 'attributes') {
          if (r.attributeName === 'data-annotation-id' && isNew(r.target)) return true;
        } else if (r.type === 'childList') {
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            if (isNew(n)) return true;
            for (const el of n.querySelectorAll('[data-annotation-id]')) if (isNew(el)) return true;
          }
        }
      }
      return false;
    });
    await B.randomPhase(sur.rand);
    B.lastKeyT0 = null;
    B.key('1', { code: 'Digit1' });
    const r = await p;
    const t0 = B.lastKeyT0;
    if (r.timeout) return { timeout: true, text: pick.text, error: alertError() };
    sur.known.add(newId);
    const els = [...byId(newId)];
    const quote = els.map((e) => e.textContent).join('');
    const active = document.activeElement;
    return {
      ms: r.tPaint - t0,
      domMs: r.tDom - t0,
      id: newId,
      quoteOk: quote === pick.text,
      quote,
      text: pick.text,
      cpStart: pick.cpStart,
      focusOk: !!active && active.getAttribute('data-annotation-id') === newId,
      label: els[0] && els[0].getAttribute('data-label'),
    };
  };

  /** Ctrl+Z; done when the highlight `id` (the last one added) is gone. */
  sur.undo = async (id, timeoutMs) => {
    const a = article();
    await B.randomPhase(sur.rand);
    const p = B.watch(a, () => byId(id).length === 0, timeoutMs);
    B.lastKeyT0 = null;
    B.key('z', { code: 'KeyZ', ctrlKey: true });
    const r = await p;
    if (r.timeout) return { timeout: true, error: alertError() };
    sur.known.delete(id);
    return { ms: r.tPaint - B.lastKeyT0, domMs: r.tDom - B.lastKeyT0 };
  };

  const focusRandom = async (filter) => {
    const a = article();
    const all = [...a.querySelectorAll('[data-annotation-id]')].filter(filter);
    if (all.length === 0) return { error: 'no highlight to act on' };
    const id = all[Math.floor(sur.rand() * all.length)].getAttribute('data-annotation-id');
    const els = [...byId(id)];
    const el = els.find((e) => e.getAttribute('tabindex') === '0') || els[0];
    el.scrollIntoView({ block: 'center' });
    el.focus();
    await B.settle(2);
    const active = document.activeElement;
    if (!active || active.getAttribute('data-annotation-id') !== id) return { error: 'highlight did not take focus', id };
    return { id };
  };

  /**
   * Focus a random highlight and relabel it: 2 (organisation), or 1 (person)
   * if it is an organisation already, so that small documents never run out.
   */
  sur.relabel = async (timeoutMs) => {
    const f = await focusRandom(() => true);
    if (f.error) return f;
    const from = byId(f.id)[0].getAttribute('data-label');
    const [key, to] = from === 'organisation' ? ['1', 'person'] : ['2', 'organisation'];
    await B.randomPhase(sur.rand);
    const p = B.watch(article(), () => {
      const els = byId(f.id);
      return els.length > 0 && [...els].every((e) => e.getAttribute('data-label') === to);
    }, timeoutMs);
    B.lastKeyT0 = null;
    B.key(key, { code: `Digit${key}` });
    const r = await p;
    if (r.timeout) return { timeout: true, id: f.id, error: alertError() };
    return { ms: r.tPaint - B.lastKeyT0, domMs: r.tDom - B.lastKeyT0, id: f.id, key };
  };

  /**
   * Focus a highlight, press Delete; done when its id has left the DOM.
   * Then Ctrl+Z brings it back (not timed) so that the document keeps its
   * size across the run.
   */
  sur.del = async (timeoutMs) => {
    const f = await focusRandom(() => true);
    if (f.error) return f;
    await B.randomPhase(sur.rand);
    const p = B.watch(article(), () => byId(f.id).length === 0, timeoutMs);
    B.lastKeyT0 = null;
    B.key('Delete', { code: 'Delete' });
    const r = await p;
    if (r.timeout) return { timeout: true, id: f.id, error: alertError() };
    const out = { ms: r.tPaint - B.lastKeyT0, domMs: r.tDom - B.lastKeyT0, id: f.id };
    const back = B.watch(article(), () => byId(f.id).length > 0, timeoutMs);
    B.key('z', { code: 'KeyZ', ctrlKey: true });
    const rb = await back;
    if (rb.timeout) {
      sur.known.delete(f.id);
      out.restoreFailed = true;
    }
    return out;
  };

  sur.saveMeasures = () =>
    performance
      .getEntriesByType('measure')
      .filter((e) => e.name === 'surligneur:save')
      .map((e) => e.duration);

  sur.wasmMemory = async () => {
    try {
      const m = await import('/surligneur.js');
      const w = await m.default();
      return w && w.memory ? w.memory.buffer.byteLength : null;
    } catch (e) {
      return null;
    }
  };

  sur.firstPaintInfo = () => {
    const wasm = performance.getEntriesByType('resource').filter((e) => /surligneur_bg\.wasm/.test(e.name));
    return {
      firstPaint: B.firstPaint,
      instantiated: B.wasmInstantiated,
      wasm: wasm.map((e) => ({ name: e.name, initiator: e.initiatorType, start: e.startTime, responseEnd: e.responseEnd })),
    };
  };

  sur.prepareReload = () => {
    const n = B.distinctIds().size;
    sessionStorage.setItem('__bench_reload_expect', String(n));
    return n;
  };

  // ---- what a fresh document load shows -----------------------------------
  // First paint of the article: #article has text, then painted.
  B.firstPaint = null;
  // Reload: sessionStorage carries the expected distinct-id count across
  // page.reload(); the watcher starts at document start.
  const startWatchers = () => {
    B.watch(document, () => !!(article() && article().textContent.trim().length > 0), 60000).then((r) => {
      B.firstPaint = r;
    });
    const item = sessionStorage.getItem('__bench_reload_expect');
    if (item !== null) {
      const expect = Number(item);
      sessionStorage.removeItem('__bench_reload_expect');
      B.reload = { pending: true, expect };
      const ready = () => !!(article() && article().textContent.trim()) && B.hasAllIds(expect);
      B.watch(document, ready, 60000).then((r) => {
        B.reload = { ...r, expect };
      });
    }
  };
  startWatchers();
})();
