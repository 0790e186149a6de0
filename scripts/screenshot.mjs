// Takes docs/screenshot.png: the seed article with a person, an
// organisation and two overlapping claims, in headless Chromium.
// Usage: node scripts/screenshot.mjs   (after `trunk build --release`;
// uses playwright-core from bench/node_modules and Debian's chromium).
import path from 'node:path';
import { launch, root, serveDist, tag as tagIn } from './lib/page.mjs';

const server = await serveDist();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
await page.goto(server.url);
await page.waitForSelector('#article h1');
const tag = (needle, nth, key) => tagIn(page, needle, nth, key);
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
