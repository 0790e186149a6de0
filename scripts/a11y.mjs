// Accessibility check of the release build: runs axe-core (WCAG 2 A/AA
// rules and best practices, including colour contrast) in Debian's
// chromium on each state a journalist meets — the article with overlapping
// highlights and the side panel, the label picker over a selection, an
// error in the alert region, the merge-or-replace dialog, the paste dialog,
// the label editor (with a removal waiting for its choice), an article
// opened from a file, and the whole page on a 390 px wide phone (which must
// not scroll sideways, with a toolbar of at most two lines).
// Exits 1 and lists the problems if axe finds any.
// Usage: node scripts/a11y.mjs   (after `trunk build --release`; uses
// bench/node_modules, installed by scripts/setup.sh).
import fs from 'node:fs';
import { launch, require, select, serveDist, tag } from './lib/page.mjs';

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const server = await serveDist();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
// axe is injected as an init script: the page's CSP forbids inline scripts.
await context.addInitScript(axeSource);
const page = await context.newPage();
await page.goto(server.url);
await page.waitForSelector('#article h1');

const failures = [];
async function check(state) {
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const found = result.violations;
  console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${state}${found.length ? `: ${found.length} problem(s)` : ''}`);
  for (const v of found) {
    failures.push(v);
    console.log(`     ${v.impact} ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 3)) console.log(`       at ${n.target.join(' ')}`);
  }
}

await tag(page, 'Patrick Starck a annoncé son intention de quitter prochainement son poste', 0, '3');
await tag(page, 'Patrick Starck', 2, '1');
await tag(page, 'son poste de président de Cloudwatt', 0, '3');
await tag(page, 'Cloudwatt', 2, '2');
await page.keyboard.press('Tab'); // a highlight has focus
// Label colours come from a constructed stylesheet: under the page's real
// CSP (style-src 'self'), a person's highlight must still be drawn in the
// person label's colour.
const drawn = await page.evaluate(() => getComputedStyle(document.querySelector('#article mark[data-label=person]')).borderBottomColor);
if (drawn !== 'rgb(230, 159, 0)') failures.push({ id: 'label-colour', help: `a person is drawn in ${drawn}, not its label's #e69f00` });
await check('article with overlapping highlights and the side panel');

await select(page, 'Orange');
await page.waitForSelector('.picker');
await check('label picker over a selection');
await page.keyboard.press('Escape');

await page.setInputFiles('input[data-action=import]', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') });
await page.waitForSelector('[role=alert] :is(p, li, div)');
await check('an error in the alert region');

await page.click('[data-action=export-menu]');
await check('export menu open');
const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export][data-format=surligneur]')]);
await page.setInputFiles('input[data-action=import]', await download.path());
await page.waitForSelector('[data-choice=merge]');
await check('merge-or-replace dialog');
await page.click('[data-choice=cancel]');

await page.click('[data-action=paste]');
await page.waitForSelector('.dialog textarea');
await check('paste dialog');

await page.click('.dialog button:not([data-action])'); // cancel

await page.click('[data-action=labels]');
await page.waitForSelector('[data-dialog=labels]');
await page.fill('[data-field=new-label-name]', 'Place');
await page.click('[data-action=label-add]');
await page.waitForSelector('[data-label-row=place]');
await page.click('[data-label-row=claim] [data-action=label-remove]');
await page.waitForSelector('[data-label-row=claim] [data-field=label-fate]');
await check('label editor, a removal asking what becomes of its annotations');
await page.click('[data-action=label-remove-cancel]');
await page.click('[data-action=labels-close]');
await page.setInputFiles('input[data-action=open]', { name: 'report.txt', mimeType: 'text/plain',
  buffer: Buffer.from('A council report\n\nThe mayor said the budget was balanced.\n') });
await page.waitForFunction(() => document.querySelector('#article h1')?.textContent === 'A council report');
await tag(page, 'the budget was balanced', 0, '3');
await check('an article opened from a file (language unknown)');

await page.setViewportSize({ width: 390, height: 844 });
await tag(page, 'The mayor', 0, '1');
const narrow = await page.evaluate(() => {
  const s = document.scrollingElement;
  // Lines: the distinct tops of the toolbar's visible items (items of one
  // line differ by a few pixels of alignment at most).
  const tops = [];
  for (const el of document.querySelector('.toolbar').children) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < 8)) tops.push(r.top);
  }
  return { scroll: s.scrollWidth, width: s.clientWidth, lines: tops.length,
           toolbar: document.querySelector('.toolbar').getBoundingClientRect().height };
});
console.log(`     390 px: page ${narrow.scroll}/${narrow.width} px wide, toolbar ${narrow.lines} line(s), ${Math.round(narrow.toolbar)} px high`);
if (narrow.scroll > narrow.width) failures.push({ id: 'horizontal-scroll', help: 'the page scrolls sideways at 390 px' });
if (narrow.lines > 2) failures.push({ id: 'toolbar-lines', help: 'the toolbar takes more than two lines at 390 px' });
await check('the page at 390 px wide (a phone)');

await browser.close();
server.close();
if (failures.length) {
  console.error(`accessibility: ${failures.length} problem(s) found by axe-core`);
  process.exit(1);
}
console.log('accessibility: no problem found by axe-core');
