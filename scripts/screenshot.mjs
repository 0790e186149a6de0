// Takes docs/screenshot.png: the seed article with a person, an
// organisation and two overlapping claims, in headless Chromium.
// Usage: node scripts/screenshot.mjs   (after `trunk build --release`;
// uses playwright-core from bench/node_modules and Debian's chromium).
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(new URL('../bench/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const root = path.resolve(new URL('..', import.meta.url).pathname);
const dist = path.join(root, 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const file = path.join(dist, req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
  if (!file.startsWith(dist) || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}).listen(0, '127.0.0.1');
await new Promise(r => server.on('listening', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
await page.goto(url);
await page.waitForSelector('#article h1');
async function tag(needle, nth, key) {
  await page.evaluate(([needle, nth]) => {
    const article = document.getElementById('article');
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const nodes = []; let text = '';
    for (let n; (n = walker.nextNode());) { nodes.push([n, text.length]); text += n.data; }
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
    const find = (off) => { for (const [n, s] of nodes) if (off <= s + n.data.length) return [n, off - s]; };
    const r = document.createRange();
    r.setStart(...find(at)); r.setEnd(...find(at + needle.length));
    getSelection().removeAllRanges(); getSelection().addRange(r);
    article.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  }, [needle, nth]);
  await page.keyboard.press(key);
}
await tag('Patrick Starck a annoncé son intention de quitter prochainement son poste', 0, '3');
await tag('Patrick Starck', 2, '1');
await tag('son poste de président de Cloudwatt', 0, '3');
await tag('Cloudwatt', 2, '2');
await tag('Orange', 0, '2');
await tag('Thalès', 0, '2');
await tag('Pierre Paperon', 0, '1');
await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
await page.waitForTimeout(400); // the debounced save updates the status line
await page.screenshot({ path: path.join(root, 'docs/screenshot.png') });
await browser.close();
server.close();
console.log('wrote docs/screenshot.png');
