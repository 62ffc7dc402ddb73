/** `hj212 device add|set --length-policy … --mn-charset …` as a child process against real Redis (fresh prefix). */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runScript, type ChildResult } from '../helpers/child.js';
import { openRegistry } from '../helpers/registry.js';
import { redisUrl } from '../helpers/services.js';

const MAIN = fileURLToPath(new URL('../../src/cli/device-command-main.js', import.meta.url));
const { prefix, registry } = openRegistry((fn) => t.teardown(fn));

const device = (args: string[]): Promise<ChildResult> => runScript(MAIN, args, { HJ212_REDIS_URL: redisUrl(), HJ212_REDIS_PREFIX: prefix });

t.test('--mn-charset extended registers JLYP01_AIR01_0001; nothing else is let in', async (tt) => {
  const go = 'JLYP01_AIR01_0001';
  const plain = await device(['add', '--mn', go, '--password', 'Strong#pw1', '--allow-mn-length']);
  tt.equal(plain.code, 2, 'letters and digits by default');
  tt.match(plain.stderr, /letters and digits only/);
  const ok = await device(['add', '--mn', go, '--password', 'Strong#pw1', '--allow-mn-length', '--mn-charset', 'extended']);
  tt.equal(ok.code, 0, ok.stderr);
  tt.match(JSON.parse(ok.stdout), { mn: go, mnCharset: 'extended', profile: { lengthPolicy: 'exact' } });
  tt.match(await registry.get(go), { mn: go, mnCharset: 'extended' });
  const space = await device(['add', '--mn', 'JLYP01 AIR01', '--password', 'Strong#pw1', '--allow-mn-length', '--mn-charset', 'extended']);
  tt.equal(space.code, 2);
  tt.match(space.stderr, /letters, digits, _ and - only/);
  const back = await device(['set', go, '--mn-charset', 'alnum']);
  tt.equal(back.code, 2, 'set cannot leave the MN outside its alphabet');
  tt.match(back.stderr, /letters and digits only/);
  tt.equal((await device(['add', '--mn', 'X1', '--password', 'p', '--mn-charset', 'wide'])).code, 2, 'unknown alphabet');
});

t.test('--length-policy on add and set', async (tt) => {
  const mn = '33010600000001P00000006A';
  const add = await device(['add', '--mn', mn, '--password', 'Strong#pw1', '--length-policy', 'offset:6']);
  tt.equal(add.code, 0, add.stderr);
  tt.match(await registry.get(mn), { profile: { lengthPolicy: 'offset:6' } });
  const set = await device(['set', mn, '--length-policy', 'trust-crlf']);
  tt.equal(set.code, 0, set.stderr);
  tt.match(await registry.get(mn), { profile: { lengthPolicy: 'trust-crlf', encoding: 'utf-8' } });
  for (const bad of ['offset:0', 'offset:+6', 'len+6', 'offset:100']) {
    const res = await device(['set', mn, '--length-policy', bad]);
    tt.equal(res.code, 2, bad);
    tt.match(res.stderr, /--length-policy must be exact, offset:<n>/);
  }
  const help = await device(['--help']);
  tt.match(help.stdout + help.stderr, /--length-policy exact\|offset:<n>\|trust-crlf[\s\S]*--mn-charset alnum\|extended/);
});
