// Shared by the scripts that drive the release build in Debian's chromium
// (screenshot, accessibility check): serve dist/, launch the browser, and
// tag text the way a user does (a real selection, mouseup, then a key).
// Uses playwright-core from bench/node_modules (installed by setup.sh).
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(new URL('../..', import.meta.url).pathname);
export const require = createRequire(path.join(root, 'bench/package.json'));

/** Serve dist/ on 127.0.0.1; returns { url, close }. */
export async function serveDist() {
  const dist = path.join(root, 'dist');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = http.createServer((req, res) => {
    const file = path.join(dist, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
    if (!file.startsWith(dist) || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.on('listening', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Headless Debian chromium (runs as root in CI). */
export async function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Select the nth occurrence of `needle` in #article and release the mouse. */
export async function select(page, needle, nth = 0) {
  await page.evaluate(([needle, nth]) => {
    const article = document.getElementById('article');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const nodes = []; let text = '';
    for (let n; (n = walker.nextNode());) { nodes.push([n, text.length]); text += n.data; }
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not in the article`);
    const find = (off) => { for (const [n, s] of nodes) if (off <= s + n.data.length) return [n, off - s]; };
    const r = document.createRange();
    r.setStart(...find(at)); r.setEnd(...find(at + needle.length));
    getSelection().removeAllRanges(); getSelection().addRange(r);
    article.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  }, [needle, nth]);
}

/** Tag the nth occurrence of `needle` with the label of `key`. */
export async function tag(page, needle, nth, key) {
  await select(page, needle, nth);
  await page.keyboard.press(key);
}
