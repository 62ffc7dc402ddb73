/**
 * Password guessing against the real gateway (issue 11, finding 4): one connection per guess from one address, then
 * from another. Only `HJ212_MAX_AUTH_FAILURES_PER_MINUTE` passwords are ever evaluated; the guessing address is
 * refused at accept; during the MN lockout even the right password from an untrusted address is answered 9011
 * QnRtn 3 without being checked; the real collector at its own (trusted) address keeps its acks.
 */
import t from 'tap';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { connectCollector } from '../helpers/collector.js';
import { startTestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MN = '33010600000001W00000008Q';
const PW = '482913';
let seq = 0;
const frame = (pw: string) =>
  encodeFrame(uploadPacket({ st: '32', pw, mn: MN, qn: `20240315103000${String(100 + seq++)}` }, '2011', { dataTime: '20240315103000', factors: [{ code: 'w01001', rtd: '7.1', flag: 'N' }] }));

const count = async (c: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }, labels: Record<string, string>): Promise<number> =>
  (await c.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);

/** One guess on a fresh connection: the reply's QnRtn, or undefined when refused / closed without a reply. */
async function guess(port: number, from: string, pw: string): Promise<string | undefined> {
  const c = await connectCollector(port, '127.0.0.1', from).catch(() => undefined);
  if (!c) return undefined;
  c.send(frame(pw));
  const reply = await Promise.race([c.next(() => true).then((r) => (r.cn === '9014' ? 'ack' : r.cp.QnRtn)), c.closed.then(() => c.received[0]?.cp.QnRtn)]).catch(() => undefined);
  c.close();
  return reply;
}

t.test('brute force: a few evaluated guesses, then lockout; the real collector elsewhere keeps access', async (t) => {
  const lines: string[] = [];
  const gw = await startTestGateway({ HJ212_MAX_AUTH_FAILURES_PER_MINUTE: '3', HJ212_AUTH_LOCKOUT_BASE_MS: '60000', HJ212_LOG_SUMMARY_MS: '200' }, { logLines: lines });
  t.teardown(() => gw.close());
  await gw.addDevice({ mn: MN, password: PW });

  t.equal(await guess(gw.port, '127.0.0.2', PW), 'ack', 'the real collector logs in from its address');

  const answers: Array<string | undefined> = [];
  for (let i = 0; i < 40; i++) answers.push(await guess(gw.port, '127.0.0.3', String(100000 + i)));
  t.equal(await count(gw.metrics.frames, { verdict: 'bad-password' }), 3, 'only the allowance of guesses was evaluated');
  t.same(answers.slice(0, 3), ['3', '3', '3'], 'evaluated guesses answered 9011 QnRtn 3');
  t.ok(answers.slice(3).every((a) => a === undefined), 'later connections from the guessing address refused at accept');
  t.equal(await count(gw.metrics.connectionsRejected, { reason: 'auth-lockout' }), 37, 'refusals counted');
  t.equal(await count(gw.metrics.authLockouts, { scope: 'ip' }), 1, 'address lockout counted');
  t.equal(await count(gw.metrics.authLockouts, { scope: 'mn' }), 1, 'MN lockout counted (failures from an untrusted address)');

  // The right password from another untrusted address during the MN lockout: not evaluated, not accepted.
  t.equal(await guess(gw.port, '127.0.0.4', PW), '3', 'correct password refused during the lockout (QnRtn 3)');
  t.equal(await count(gw.metrics.frames, { verdict: 'locked-out' }), 1, 'verdict locked-out');
  t.equal(await count(gw.metrics.frames, { verdict: 'bad-password' }), 3, 'still only three passwords evaluated');

  // The real collector at its trusted address is not locked out by guesses made elsewhere.
  t.equal(await guess(gw.port, '127.0.0.2', PW), 'ack', 'real collector still acked');
  await waitFor(() => lines.some((l) => l.includes('source address limited')), 'summary written');
  const limited = lines.filter((l) => l.includes('source address limited')).length;
  t.ok(limited >= 1 && limited <= 10, `lockouts and refusals logged in aggregate (${limited} lines for 38 events)`);
});
