/**
 * The operator's journey in a real browser (Chromium) against `npm start`: sign in with an account and password
 * (made with `npx hj212 user create`, password on stdin), a collector the platform does not know uploads (a
 * `npx hj212-sim` with its MN, not registered) → it is listed as pending → registered from the console → its
 * readings appear in the chart while the simulator keeps uploading → a time request (1011) and a time sync (1012) are sent and their 9012
 * outcome shown → its frame log opened. Around it: a wrong password shows an error, writes carry the CSRF token
 * (and a write without it is refused), the language switch, keyboard reachability of the navigation, no horizontal
 * overflow at 1280×720 on each of the operator's screens, and sign-out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openScreen, pageWidth, screenshot, signIn, startPlatform, VIEWPORT, waitFor } from './harness.js';

const MN = 'OPSBROWSER00000000000001';
const DEVICE_PASSWORD = '654321';
const OPS = { name: 'ops-browser', password: 'ops browser pass 1' };

t.setTimeout(600_000);

t.test('operator: pending collector → register → chart → time request → frame log', async (t) => {
  const p = await startPlatform(t, 8);
  await p.createUser(OPS.name, OPS.password, '--role ops');
  const { page } = await p.newPage();
  let token: string | undefined;
  const opsToken = async (): Promise<string> => (token ??= await p.createToken('--role ops --name browser-test'));

  await t.test('a wrong password is an error on the sign-in screen, not a session', async (t) => {
    await page.goto(`${p.api}/`);
    await page.waitForSelector('[data-screen="sign-in"]');
    await screenshot(page, 'sign-in');
    await page.fill('input[name="username"]', OPS.name);
    await page.fill('input[name="password"]', 'not the password');
    await page.click('[data-action="sign-in"]');
    await page.waitForSelector('[data-screen="sign-in"] [data-error]');
    t.equal(await page.locator('[data-action="sign-out"]').count(), 0, 'still signed out');
  });

  await t.test('sign in with account and password', async (t) => {
    await signIn(page, p.api, OPS.name, OPS.password);
    t.equal(await page.getAttribute('[data-user]', 'data-user'), OPS.name, 'the top bar names the account');
    t.equal(await page.getAttribute('[data-role]', 'data-role'), 'ops');
  });

  await t.test('language switch zh-CN ↔ en', async (t) => {
    t.equal(await page.evaluate<string>('document.documentElement.lang'), 'zh-CN', 'Chinese first');
    const zh = await page.textContent('[data-nav="collectors"]');
    await page.selectOption('select[name="lang"]', 'en');
    await waitFor(() => page.evaluate<boolean>("document.documentElement.lang === 'en'"), 'the page is English');
    const en = await page.textContent('[data-nav="collectors"]');
    t.not(en, zh, 'the navigation is translated');
    await page.selectOption('select[name="lang"]', 'zh-CN');
    await waitFor(async () => (await page.textContent('[data-nav="collectors"]')) === zh, 'back to Chinese');
  });

  await t.test('keyboard: Tab reaches the navigation, Enter opens a screen', async (t) => {
    await page.goto(`${p.api}/#/collectors`);
    await page.waitForSelector('[data-screen="collectors"]');
    await page.evaluate('document.activeElement?.blur()');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.getAttribute('data-nav') === 'pending'");
    }
    t.ok(reached, 'the pending devices entry is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-screen="pending"]');
    t.pass('Enter opened the pending devices screen');
  });

  // The collector: a simulator with an MN the platform does not know, realtime data every second.
  const dir = mkdtempSync(join(tmpdir(), 'hj212-browser-'));
  writeFileSync(join(dir, 'mn.txt'), `${MN}\n`);
  p.sim(`--mn-file ${join(dir, 'mn.txt')} --password ${DEVICE_PASSWORD} --realtime-interval 1 --minute-interval 0 --no-hour --no-day --duration 300 --progress 0`);

  await t.test('the unknown collector is pending; register it from the console', async (t) => {
    await page.goto(`${p.api}/#/pending`);
    await page.waitForSelector('[data-screen="pending"]');
    const row = `[data-table="pending"] [data-row="${MN}"]`;
    await waitFor(async () => {
      if ((await page.locator(row).count()) > 0) return true;
      // The list is read when the screen opens: open it again.
      await page.reload();
      await page.waitForSelector('[data-screen="pending"]');
      return false;
    }, 'the simulator MN listed as pending', 60_000);
    await screenshot(page, 'pending');
    await page.click(`${row} [data-action="register"]`);
    await page.fill(`[data-form="register"][data-mn="${MN}"] input[name="password"]`, DEVICE_PASSWORD);
    await page.click('[data-action="confirm-register"]');
    await page.waitForSelector(`[data-registered="${MN}"]`);
    const registered = await p.http<{ mn: string }>(await opsToken(), 'GET', `/collectors/${MN}`);
    t.equal(registered.mn, MN, 'the API has the collector');
  });

  await t.test('its readings appear in the chart while the simulator uploads', async (t) => {
    await page.click(`[data-registered="${MN}"] a`);
    await page.waitForSelector(`[data-screen="collector"][data-mn="${MN}"]`);
    // The page's factor list comes from the latest readings: reload until the first stored one is there.
    await waitFor(async () => {
      await page.goto(`${p.api}/#/collectors/${MN}?tab=chart`);
      // The page has loaded once its summary is there; the chart panel needs a factor among the latest readings.
      await page.waitForSelector(`[data-screen="collector"] [data-summary]`);
      return (await page.locator('[data-chart="readings"]').count()) > 0;
    }, 'a factor to chart', 60_000);
    // The simulator sends realtime data (2011): the last hour, which picks the realtime kind.
    await page.selectOption('[data-filter="chart"] select[name="range"]', '1h');
    t.equal(await page.inputValue('[data-filter="chart"] select[name="kind"]'), 'realtime', 'an hour shows realtime data');
    const points = async () => Number(await page.getAttribute('[data-points]', 'data-points'));
    // Show again: pick the range anew and apply (applying an unchanged form does not reload the chart).
    const again = async (): Promise<false> => {
      await page.selectOption('[data-filter="chart"] select[name="range"]', '1h');
      await page.click('[data-filter="chart"] [data-action="filter"]');
      return false;
    };
    await waitFor(async () => (await points()) > 0 || again(), 'points in the chart', 60_000);
    const first = await points();
    await waitFor(async () => (await points()) > first || again(), 'more points as uploads arrive', 60_000);
    t.ok((await points()) > first, `the chart grew from ${first} to ${await points()} points`);
    t.ok(await page.locator('[data-chart="readings"] canvas').count(), 'ECharts drew it');
    await screenshot(page, 'collector-chart');
  });

  await t.test('time request (1011): the collector answers and the 9012 outcome is shown', async (t) => {
    await page.click('[data-action="tab-commands"]');
    await page.waitForSelector('[data-form="command"]');
    await page.selectOption('[data-form="command"] select[name="name"]', 'get-time');
    await page.click('[data-action="send-command"]');
    await page.waitForSelector('[data-current-command][data-final="true"]', { timeout: 60_000 });
    const state = await page.getAttribute('[data-current-command]', 'data-state');
    t.ok(state === 'succeeded' || state === 'answered', `final state ${state}`);
    t.match(await page.textContent('[data-current-command]'), /ExeRtn=1/, 'the 9012 ExeRtn=1 is shown');
    t.match(await page.textContent('[data-current-command]'), /SystemTime=\d{14}/, 'and the collector\'s time');
    await page.waitForSelector('[data-table="commands"] [data-row]');
    await screenshot(page, 'collector-commands');
  });

  await t.test('time sync (1012, the server clock): the collector sets it and the 9012 outcome is shown', async (t) => {
    const before = await page.getAttribute('[data-current-command]', 'data-current-command');
    await page.selectOption('[data-form="command"] select[name="name"]', 'set-time');
    await page.click('[data-action="send-command"]');
    // A new command replaces the panel of the previous one: wait for another id that has reached its end.
    await page.waitForSelector(`[data-current-command]:not([data-current-command="${before ?? ''}"])[data-final="true"]`, { timeout: 60_000 });
    const state = await page.getAttribute('[data-current-command]', 'data-state');
    t.ok(state === 'succeeded' || state === 'answered', `final state ${state}`);
    t.match(await page.textContent('[data-current-command]'), /\(1012\)/, 'the set-time command (CN 1012)');
    t.match(await page.textContent('[data-current-command]'), /ExeRtn=1/, 'the 9012 ExeRtn=1 is shown');
  });

  await t.test('writes carry the CSRF token; a cookie write without it is refused', async (t) => {
    const status = await page.evaluate(async (mn) => {
      const res = await fetch(`/collectors/${mn}/commands`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'get-time' }) });
      return res.status;
    }, MN);
    t.equal(status, 403, 'no X-CSRF-Token: 403 (the console\'s own writes above went through)');
  });

  await t.test('its frame log', async (t) => {
    await page.click('[data-action="tab-frames"]');
    await page.waitForSelector('[data-table="collector-frames"] [data-row]');
    t.ok((await page.locator('[data-table="collector-frames"] [data-row]').count()) > 0, 'frames listed');
    await page.click('[data-table="collector-frames"] [data-row]');
    await page.waitForSelector('[data-selected-frame]');
    t.notMatch(await page.textContent('[data-selected-frame]'), new RegExp(`PW=${DEVICE_PASSWORD}`), 'the password is masked');
    await screenshot(page, 'collector-frames');
  });

  await t.test(`no horizontal overflow at ${VIEWPORT.width}×${VIEWPORT.height} on the operator's screens`, async (t) => {
    const screens = await page.$$eval('[data-nav]', (links) => links.map((a) => a.getAttribute('data-nav') ?? ''));
    t.ok(screens.length >= 5, `${screens.length} screens in the navigation`);
    for (const name of screens) {
      await openScreen(page, name);
      t.ok((await pageWidth(page)) <= VIEWPORT.width, `${name}: page width ≤ ${VIEWPORT.width}`);
    }
    await page.goto(`${p.api}/#/collectors/${MN}`);
    await page.waitForSelector('[data-screen="collector"] [data-summary]');
    t.ok((await pageWidth(page)) <= VIEWPORT.width, 'collector page too');
    await page.goto(`${p.api}/#/collectors`);
    await page.waitForSelector(`[data-table="collectors"] [data-row="${MN}"]`);
    await screenshot(page, 'collectors');
  });

  await t.test('sign out ends the session', async (t) => {
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('[data-screen="sign-in"]');
    await page.reload();
    await page.waitForSelector('[data-screen="sign-in"]');
    t.equal(await page.evaluate(async () => (await fetch('/auth/me', { credentials: 'same-origin' })).status), 401, 'GET /auth/me is 401 after sign-out');
  });

});
