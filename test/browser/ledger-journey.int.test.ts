/**
 * The enterprise's and the regulator's journeys in Chromium against `npm start`.
 *
 * How the anomaly and the gap come about, deterministically and as in production: an operator (ops token from
 * `npx hj212 token create`) registers over the API an enterprise, a site, a point with the item COD (w01018,
 * minute data every 60 s, standard upper limit 10 mg/L) and a collector bound to that point. A `npx hj212-sim`
 * then uploads minute data (2051) for that collector for 3 minutes with COD values of its water profile (20–90):
 * every upload is over the standard (an `over-standard` anomaly). Then the simulator ends: the collector is
 * offline, so the worker cannot re-pull the minutes after it, and they become open gaps.
 * The system runs with short check settings (HJ212_CHECK_DELAY_S=0, HJ212_CHECK_SCAN_EVERY_S=5,
 * HJ212_CHECK_GAP_GRACE_S=1, all documented settings) so the ledgers fill within a few minutes.
 *
 * Enterprise (main account made with `npx hj212 user create … --role enterprise --enterprise <id> --main`): signs in,
 * explains an anomaly (原因说明), opens the back-fill form from a gap and submits it (数据录入). Regulator: signs in,
 * accepts the explanation and the back-fill. Each step is checked in the browser and through the API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pageWidth, screenshot, signIn, startPlatform, VIEWPORT, waitFor } from './harness.js';

const MN = 'LEDGERBROWSER00000000001';
const DEVICE_PASSWORD = '654321';
const ENT = { name: 'ent-browser', password: 'enterprise pass 1' };
const REG = { name: 'reg-browser', password: 'regulator pass 12' };

interface Entry {
  id: string;
  state: string;
}

t.setTimeout(600_000);

t.test('enterprise explains an anomaly and back-fills a gap; the regulator reviews both', async (t) => {
  const p = await startPlatform(t, 10, { HJ212_CHECK_DELAY_S: '0', HJ212_CHECK_SCAN_EVERY_S: '5', HJ212_CHECK_GAP_GRACE_S: '1' });
  const ops = await p.createToken('--role ops --name ledger-seed');
  const enterprise = await p.http<{ id: string }>(ops, 'POST', '/enterprises', { name: '浏览器测试企业' });
  const site = await p.http<{ id: string }>(ops, 'POST', '/sites', { enterpriseId: enterprise.id, name: '污水处理站' });
  const point = await p.http<{ id: string }>(ops, 'POST', `/sites/${site.id}/points`, { name: '总排口', st: '32' });
  await p.http(ops, 'POST', `/points/${point.id}/items`, {
    factor: 'w01018',
    mode: 'automatic',
    uploads: [{ kind: 'minute', periodSeconds: 60 }],
    unit: 'mg/L',
    standardUpper: 10,
    rangeLower: 0,
    rangeUpper: 500,
    startAt: new Date(Date.now() - 86_400_000).toISOString(),
  });
  await p.http(ops, 'POST', '/collectors', { mn: MN, password: DEVICE_PASSWORD, version: '2017', siteId: site.id, pointId: point.id });
  await p.createUser(ENT.name, ENT.password, `--role enterprise --enterprise ${enterprise.id} --main`);
  await p.createUser(REG.name, REG.password, '--role regulator');
  const dir = mkdtempSync(join(tmpdir(), 'hj212-browser-'));
  writeFileSync(join(dir, 'mn.txt'), `${MN}\n`);
  const sim = p.sim(`--mn-file ${join(dir, 'mn.txt')} --password ${DEVICE_PASSWORD} --realtime-interval 0 --minute-interval 1 --no-hour --no-day --duration 180 --progress 0`);

  const list = (path: string) => p.http<{ items: Entry[] }>(ops, 'GET', path).then((r) => r.items);
  await waitFor(async () => (await list(`/anomalies?mn=${MN}&state=open`)).length > 0, 'an open anomaly', 300_000);
  // The simulator ends (--duration 180) and the collector goes offline: while it is online the worker re-pulls its
  // gaps (2051 history) and the simulator fills them; offline, the minutes after it stay open gaps.
  await sim.done;
  await waitFor(async () => (await list(`/gaps?mn=${MN}&state=open`)).length > 0, 'an open gap', 300_000);

  const { page } = await p.newPage();
  let anomalyId = '';
  let backfillGap = '';

  await t.test('enterprise: explains an anomaly', async (t) => {
    await signIn(page, p.api, ENT.name, ENT.password);
    t.equal(await page.getAttribute('[data-role]', 'data-role'), 'enterprise');
    await page.goto(`${p.api}/#/gaps?tab=anomalies`);
    const row = page.locator('[data-table="anomalies"] [data-row]:has([data-action="explain"])').first();
    await row.waitFor();
    anomalyId = (await row.getAttribute('data-row')) ?? '';
    await screenshot(page, 'anomalies');
    await row.locator('[data-action="explain"]').click();
    await page.fill('form[name="explain"] textarea[name="text"]', '进水浓度冲击，已调整工艺');
    await page.click('form[name="explain"] [data-action="submit"]');
    await page.waitForSelector(`[data-table="anomalies"] [data-row="${anomalyId}"] [data-state="explained"]`);
    const entry = await p.http<Entry>(ops, 'GET', `/anomalies/${encodeURIComponent(anomalyId)}`);
    t.equal(entry.state, 'explained', 'the API has the explanation');
  });

  await t.test('enterprise: back-fills a gap from the gap list', async (t) => {
    // Same screen, other tab: the gaps, filtered to the open ones.
    await page.click('[data-screen="gaps"] button[data-tab="gaps"]');
    await page.waitForSelector('[data-table="gaps"]');
    await page.selectOption('[data-filter="gaps"] select[name="state"]', 'open');
    await page.click('[data-filter="gaps"] [data-action="filter"]');
    const row = page.locator('[data-table="gaps"] [data-row]:has([data-action="backfill"])').first();
    await row.waitFor();
    backfillGap = (await row.getAttribute('data-row')) ?? '';
    await screenshot(page, 'gaps');
    await row.locator('[data-action="backfill"]').click();
    await page.waitForSelector('form[name="backfill"]');
    t.equal(await page.inputValue('form[name="backfill"] input[name="mn"]'), MN, 'the form comes prefilled from the gap');
    t.equal(await page.inputValue('form[name="backfill"] input[name="factors.0.factor"]'), 'w01018');
    await page.fill('form[name="backfill"] input[name="factors.0.values.avg"]', '8.5');
    await page.fill('form[name="backfill"] textarea[name="reason"]', '通讯中断，按实验室手工监测值补录');
    await screenshot(page, 'backfill');
    await page.click('form[name="backfill"] [data-action="submit"]');
    await page.waitForSelector('[data-screen="backfills"] .notice[role="status"]');
    await page.waitForSelector('[data-table="backfills"] [data-row] [data-state="submitted"]');
    const gap = await p.http<Entry>(ops, 'GET', `/gaps/${encodeURIComponent(backfillGap)}`);
    t.equal(gap.state, 'back-filled', 'the gap is back-filled');
    t.ok((await pageWidth(page)) <= VIEWPORT.width, `back-fills: no horizontal overflow at ${VIEWPORT.width}×${VIEWPORT.height}`);
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('[data-screen="sign-in"]');
  });

  // The regulator in a browser of its own.
  const { page: rp } = await p.newPage();

  await t.test('regulator: accepts the explanation', async (t) => {
    await signIn(rp, p.api, REG.name, REG.password);
    t.equal(await rp.getAttribute('[data-role]', 'data-role'), 'regulator');
    // The review inbox (#/reviews, GET /reviews) lists what waits for the regulator: the explained anomaly among it.
    await rp.click('[data-nav="reviews"]');
    await rp.waitForSelector(`[data-table="reviews"] [data-row="${anomalyId}"] [data-action="review"]`);
    t.pass('the explained anomaly waits in the review inbox');
    await rp.goto(`${p.api}/#/gaps?tab=anomalies&state=explained`);
    const row = rp.locator(`[data-table="anomalies"] [data-row="${anomalyId}"]`);
    await row.locator('[data-action="review"]').click();
    await rp.fill('form[name="review"] textarea[name="comment"]', '说明合理，予以认可');
    await rp.click('form[name="review"] [data-action="review-approve"]');
    await waitFor(async () => (await p.http<Entry>(ops, 'GET', `/anomalies/${encodeURIComponent(anomalyId)}`)).state === 'accepted', 'the anomaly accepted');
    t.pass('the anomaly is accepted');
  });

  await t.test('regulator: accepts the back-fill', async (t) => {
    await rp.goto(`${p.api}/#/backfills`);
    const row = rp.locator('[data-table="backfills"] [data-row]:has([data-action="review"])').first();
    await row.waitFor();
    const id = (await row.getAttribute('data-row')) ?? '';
    await row.locator('[data-action="review"]').click();
    await rp.fill('form[name="review"] textarea[name="comment"]', '补录依据充分');
    await rp.click('form[name="review"] [data-action="review-approve"]');
    await rp.waitForSelector(`[data-table="backfills"] [data-row="${id}"] [data-state="accepted"]`);
    t.equal((await p.http<Entry>(ops, 'GET', `/backfills/${encodeURIComponent(id)}`)).state, 'accepted', 'the API has the review');
    await rp.goto(`${p.api}/#/ledger`);
    await rp.waitForSelector('[data-screen="ledger"]');
    await screenshot(rp, 'ledger');
  });
});
