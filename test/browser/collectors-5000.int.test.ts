/**
 * The collectors page with 5,000 collectors, in Chromium against `npm start`. The collectors are registered as an
 * operator would script it: `POST /collectors` with an ops token made by `npx hj212 token create`, 50 at a time.
 * The time from navigation to the table's first rows (and to the whole list loaded) is measured in the browser run
 * and printed as a TAP comment (recorded in docs/console.md and benchmarks/README.md); it is not asserted (no
 * timing asserts). What is asserted: all 5,000 are in the list and the last one is reachable with the keyboard.
 */
import t from 'tap';
import { pageWidth, screenshot, signIn, startPlatform, VIEWPORT, waitFor } from './harness.js';

const COUNT = 5000;
const CONCURRENCY = 50;
const mnOf = (i: number) => `PERF${String(i).padStart(20, '0')}`;
const OPS = { name: 'ops-perf', password: 'ops perf pass 12' };

t.setTimeout(600_000);

t.test(`collectors page with ${COUNT} collectors`, async (t) => {
  const p = await startPlatform(t, 9);
  await p.createUser(OPS.name, OPS.password, '--role ops');
  const token = await p.createToken('--role ops --name perf-seed');

  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        const i = next++;
        await p.http(token, 'POST', '/collectors', { mn: mnOf(i), password: `pw${String(i).padStart(6, '0')}`, version: '2017' });
      }
    }),
  );
  t.comment(`seeded ${COUNT} collectors through POST /collectors in ${Date.now() - started} ms`);

  const { page } = await p.newPage();
  await signIn(page, p.api, OPS.name, OPS.password);
  // Start from another screen, so the measurement is the collectors screen alone (its code, GET /status, render).
  await page.goto(`${p.api}/#/pending`);
  await page.waitForSelector('[data-screen="pending"]');

  const t0 = Date.now();
  await page.click('[data-nav="collectors"]');
  await page.waitForSelector('[data-table="collectors"] [data-row]');
  const firstRows = Date.now() - t0;
  await waitFor(async () => (await page.getAttribute('[data-screen="collectors"] [data-count]', 'data-count')) === String(COUNT), `all ${COUNT} listed`, 120_000);
  const allRows = Date.now() - t0;
  t.comment(`collectors page, ${COUNT} collectors: first rows rendered ${firstRows} ms after navigation, whole list ${allRows} ms`);

  // A fresh page load: boot, GET /auth/me, the screen, its data.
  const t1 = Date.now();
  await page.goto(`${p.api}/#/collectors`);
  await page.reload();
  await page.waitForSelector('[data-table="collectors"] [data-row]');
  const reloadFirst = Date.now() - t1;
  await waitFor(async () => (await page.getAttribute('[data-screen="collectors"] [data-count]', 'data-count')) === String(COUNT), `all ${COUNT} listed again`, 120_000);
  t.comment(`collectors page, ${COUNT} collectors, full page load: first rows ${reloadFirst} ms, whole list ${Date.now() - t1} ms`);

  t.equal(await page.getAttribute('[data-table="collectors"]', 'aria-rowcount'), String(COUNT + 1), `the table holds ${COUNT} rows (and its header)`);
  t.ok((await page.locator('[data-table="collectors"] [data-row]').count()) < COUNT, 'only the rows in view are in the DOM');
  await page.focus('[data-table="collectors"] [data-row]');
  await page.keyboard.press('End');
  await page.waitForSelector(`[data-table="collectors"] [data-row="${mnOf(COUNT - 1)}"]`);
  t.pass(`End reaches the last collector, ${mnOf(COUNT - 1)}`);
  t.ok((await pageWidth(page)) <= VIEWPORT.width, `no horizontal overflow at ${VIEWPORT.width}×${VIEWPORT.height}`);
  await page.keyboard.press('Home');
  await page.waitForSelector(`[data-table="collectors"] [data-row="${mnOf(0)}"]`);
  await screenshot(page, 'collectors-5000');
});
