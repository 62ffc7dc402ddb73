/** `hj212 device` as a child process against real Redis (fresh prefix), checked through the registry. */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { verifyPassword } from '../../src/domain/password.js';
import { runScript, type ChildResult } from '../helpers/child.js';
import { openRegistry } from '../helpers/registry.js';
import { redisUrl } from '../helpers/services.js';

const MAIN = fileURLToPath(new URL('../../src/cli/device-command-main.js', import.meta.url));
const MN = '88888880000001';
const MN24 = '010000A8900016F000169DC0';
const { prefix, registry } = openRegistry((fn) => t.teardown(fn));

const device = (args: string[], env: Record<string, string> = {}): Promise<ChildResult> => runScript(MAIN, args, { HJ212_REDIS_URL: redisUrl(), HJ212_REDIS_PREFIX: prefix, ...env });

function assertNoSecrets(tt: Tap, text: string): void {
  tt.notMatch(text, /passwordHash|passwordSalt|[0-9a-f]{64}/, 'no hash or salt printed');
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

t.test('add with the default password: stored, reported weak, nothing secret printed', async (tt) => {
  const res = await device(['add', '--mn', MN, '--password', '123456']);
  tt.equal(res.code, 0, res.stderr);
  tt.match(res.stderr, /weak/);
  const shown = JSON.parse(res.stdout) as Record<string, unknown>;
  tt.match(shown, { mn: MN, weakPassword: true, enabled: true, allowMnLength: false, profile: { crcVariants: ['hj212', 'modbus', 'modbus-swapped'] } });
  assertNoSecrets(tt, res.stdout + res.stderr);
  const stored = await registry.get(MN);
  tt.ok(stored && verifyPassword(stored, '123456'), 'the password verifies');
  tt.equal((await device(['add', '--mn', MN, '--password', 'x'])).code, 1, 'adding twice fails');
});

t.test('add with options; MN length rules', async (tt) => {
  const bad = await device(['add', '--mn', '12345', '--password', 'Strong#pw1']);
  tt.equal(bad.code, 2);
  tt.match(bad.stderr, /14 .* or 24/);
  const legacy = await device(['add', '--mn', '12345', '--password', 'Strong#pw1', '--allow-mn-length', '--version', '2005', '--crc', 'modbus', '--encoding', 'gbk', '--time-zone', 'UTC', '--max-data-length', '2048']);
  tt.equal(legacy.code, 0, legacy.stderr);
  tt.equal(legacy.stderr, '', 'a strong password is not reported');
  tt.match(await registry.get('12345'), { version: '2005', allowMnLength: true, profile: { crcVariants: ['modbus'], encoding: 'gbk', timeZone: 'UTC', maxDataLength: 2048 } });
});

t.test('list and show', async (tt) => {
  const add = await device(['add', '--mn', MN24, '--password', 'An0ther#pw', '--version', '2017']);
  tt.equal(add.code, 0, add.stderr);
  const list = await device(['list']);
  tt.equal(list.code, 0);
  tt.same((JSON.parse(list.stdout) as Array<{ mn: string }>).map((d) => d.mn), ['010000A8900016F000169DC0', '12345', '88888880000001']);
  assertNoSecrets(tt, list.stdout);
  const show = await device(['show', MN24]);
  tt.match(JSON.parse(show.stdout), { mn: MN24, version: '2017' });
  tt.equal((await device(['show', '99999999999999'])).code, 1);
});

t.test('set, disable and enable reach a running gateway registry without restart', async (tt) => {
  tt.equal((await registry.get(MN))?.enabled, true, 'cached by the running registry');
  const set = await device(['set', MN, '--crc', 'hj212', '--version', '2025', '--password', 'N3w-secret']);
  tt.equal(set.code, 0, set.stderr);
  tt.equal(set.stderr, '');
  const disable = await device(['disable', MN]);
  tt.equal(JSON.parse(disable.stdout).enabled, false);
  tt.ok(await eventually(async () => (await registry.get(MN))?.enabled === false), 'the running registry sees it disabled');
  const stored = await registry.get(MN);
  tt.match(stored, { version: '2025', profile: { crcVariants: ['hj212'] }, weakPassword: false });
  tt.ok(stored && verifyPassword(stored, 'N3w-secret') && !verifyPassword(stored, '123456'), 'password changed');
  tt.equal((await device(['enable', MN])).code, 0);
  tt.ok(await eventually(async () => (await registry.get(MN))?.enabled === true), 'and enabled again');
  const shrink = await device(['set', '12345', '--no-allow-mn-length']);
  tt.equal(shrink.code, 2, 'cannot drop the length allowance of a legacy MN');
});

t.test('pending devices are listed', async (tt) => {
  await registry.recordPending({ mn: '11112222333344', sourceIp: '192.0.2.7', sampleFrame: '##0101QN=...', at: new Date('2024-01-01T00:00:00Z') });
  const res = await device(['pending']);
  tt.match(JSON.parse(res.stdout), [{ mn: '11112222333344', sourceIp: '192.0.2.7', frames: 1 }]);
});

t.test('usage errors exit 2 and list every problem', async (tt) => {
  const res = await device(['set', MN, '--crc', 'md5', '--version', '2009']);
  tt.equal(res.code, 2);
  tt.match(res.stderr, /--version must be one of/);
  tt.match(res.stderr, /--crc must be one of/);
  tt.equal((await device(['frobnicate'])).code, 2);
  tt.equal((await device(['show'])).code, 2);
  tt.equal((await device(['add', '--mn', MN])).code, 2);
  tt.equal((await device(['--bogus'])).code, 2);
  // Messages name the flag the user typed, not the API field (allowMnLength).
  const length = await device(['add', '--mn', '010000A8900016F00016', '--password', 'Strong#pw1']);
  tt.equal(length.code, 2);
  tt.match(length.stderr, /use --allow-mn-length/);
  tt.notMatch(length.stderr, /allowMnLength/);
  // The same range as the API's profile.maxDataLength and HJ212_MAX_DATA_LENGTH.
  for (const n of ['63', '10000']) {
    const res = await device(['set', MN, '--max-data-length', n]);
    tt.equal(res.code, 2, n);
    tt.match(res.stderr, /--max-data-length must be an integer from 64 to 9999/);
  }
  tt.equal((await device(['set', MN, '--max-data-length', '9999'])).code, 0, '9999 is accepted');
  const help = await device(['--help']);
  tt.equal(help.code, 0);
  tt.match(help.stdout, /usage: hj212 device/);
});

t.test('Redis unreachable: exit 1 with the reason', async (tt) => {
  const res = await device(['list'], { HJ212_REDIS_URL: 'redis://127.0.0.1:1' });
  tt.equal(res.code, 1);
  tt.match(res.stderr, /error: cannot connect to Redis at 127.0.0.1:1: .*ECONNREFUSED/);
});

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}
