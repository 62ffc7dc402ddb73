import t from 'tap';
import type { GapEntry } from '../../src/domain/ledgers.js';
import type { DeviceCommand } from '../../src/domain/ports.js';
import { handleReply, handleTimeout, requestHistory, settleRequest, type RepullDeps } from '../../src/ledgers/history-repull.js';
import { detectDue, verifyGaps } from '../../src/ledgers/gap-detection.js';
import { createMemoryRepullTracker } from '../fakes/memory-ledgers.js';
import { HOUR, MINUTE, T0, item, memoryCheckDeps, row, type MemoryCheckDeps } from './fixtures.js';

interface Harness {
  check: MemoryCheckDeps;
  repull: RepullDeps;
  sent: DeviceCommand[];
  later: Array<[string, ...unknown[]]>;
  online: { value: boolean };
  logs: Array<[string, Record<string, unknown>, string]>;
}

async function harness(items = [item()], hours = [0, 1, 2, 5, 6]): Promise<Harness> {
  const check = memoryCheckDeps(items, T0 + 8 * HOUR + 30 * MINUTE);
  for (const h of hours) check.readings.add('MN1', 'hour', row(T0 + h * HOUR, { avg: 50 }));
  await detectDue(check, 'MN1');
  const sent: DeviceCommand[] = [];
  const later: Array<[string, ...unknown[]]> = [];
  const online = { value: true };
  const logs: Harness['logs'] = [];
  const repull: RepullDeps = {
    logger: { info: (fields: object, msg?: string) => void logs.push(['info', fields as Record<string, unknown>, msg ?? '']), debug: (fields: object, msg?: string) => void logs.push(['debug', fields as Record<string, unknown>, msg ?? '']) } as RepullDeps['logger'],
    ledgers: check.ledgers,
    tracker: createMemoryRepullTracker(check.clock),
    commands: {
      async send(cmd) {
        if (!online.value) return 'offline';
        sent.push(cmd);
        return 'sent';
      },
    },
    sessions: { get: async (mn) => (online.value ? { mn, instanceId: 'gw-1', connectionId: 'c1', remote: '', connectedAt: 0, framesToday: 0, rejectionsToday: 0, replaced: 0 } : undefined) },
    items: check.items,
    clock: check.clock,
    settings: check.settings,
    later: {
      timeout: async (...args) => void later.push(['timeout', ...args]),
      retry: async (...args) => void later.push(['retry', ...args]),
      rescan: async (...args) => void later.push(['rescan', ...args]),
    },
  };
  return { check, repull, sent, later, online, logs };
}

const gapAt = async (h: Harness, hour: number): Promise<GapEntry> => (await h.check.ledgers.get(`gap:MN1:w01018:hour:${T0 + hour * HOUR}`)) as GapEntry;

t.test('an online collector is asked for its oldest missing range; the answer is tracked by QN', async (t) => {
  const h = await harness();
  t.equal(await requestHistory(h.repull, 'MN1'), 'sent');
  t.equal(h.sent.length, 1);
  const cmd = h.sent[0] as DeviceCommand;
  t.equal(cmd.cn, '2061', 'hour data: CN 2061');
  t.same(cmd.cp, { BeginTime: '20240501030000', EndTime: '20240501040000' }, 'local time, the first and last missing hour');
  t.equal(cmd.qn, '20240501083000000', 'QN = yyyyMMddHHmmssSSS of now, local');
  t.equal((await gapAt(h, 3)).state, 'repull-requested');
  t.same((await gapAt(h, 4)).attempts.map((a) => [a.qn, a.outcome]), [[cmd.qn, 'sent']]);
  t.equal((await gapAt(h, 7)).state, 'open', 'the next range waits for the next request');
  t.same(h.later, [['timeout', 'MN1', cmd.qn, h.check.settings.repullTimeoutMs]]);
  t.equal(await requestHistory(h.repull, 'MN1'), 'busy', 'one request at a time per collector');

  t.equal(await handleReply(h.repull, { mn: 'MN1', qn: cmd.qn, cn: '9011', cp: { QnRtn: '1' }, at: 0 }), true);
  t.same((await gapAt(h, 3)).attempts.map((a) => a.outcome), ['acknowledged']);
  t.equal(await handleReply(h.repull, { mn: 'MN1', qn: '20240101000000000', cn: '9012', cp: { ExeRtn: '1' }, at: 0 }), false, 'not our QN');

  // The collector uploads hour 3 only, then reports success.
  h.check.readings.add('MN1', 'hour', row(T0 + 3 * HOUR, { avg: 40 }));
  await handleReply(h.repull, { mn: 'MN1', qn: cmd.qn, cn: '9012', cp: { ExeRtn: '1' }, at: 0 });
  t.same(h.later.at(-1), ['rescan', 'MN1', cmd.qn, h.check.settings.rescanDelayMs]);
  t.equal(await h.repull.tracker.holder('MN1'), undefined, 'the collector is free again');
  t.equal((await gapAt(h, 3)).attempts[0]?.exeRtn, '1');

  // The rescan closes what arrived and reopens the rest with backoff.
  t.equal(await verifyGaps(h.check, 'MN1', (g) => g.attempts.some((a) => a.qn === cmd.qn), 'rescan'), 1);
  await settleRequest(h.repull, 'MN1', cmd.qn);
  t.equal((await gapAt(h, 3)).state, 'filled-by-collector');
  const four = await gapAt(h, 4);
  t.equal(four.state, 'open');
  t.equal(four.nextAttemptAt, h.check.clock.now() + h.check.settings.repullBackoffMs);

  t.equal(await requestHistory(h.repull, 'MN1'), 'sent');
  t.same(h.sent[1]?.cp, { BeginTime: '20240501070000', EndTime: '20240501070000' }, 'hour 4 waits for its backoff; hour 7 goes now');
});

t.test('time-outs, refusals and no-data answers reopen the gaps; retries back off and stop', async (t) => {
  const h = await harness([item()], [0, 1, 2, 3, 5, 6, 7]);
  t.equal(await requestHistory(h.repull, 'MN1'), 'sent');
  const first = h.sent[0] as DeviceCommand;
  t.equal(await handleTimeout(h.repull, 'MN1', first.qn), true);
  t.equal(await handleTimeout(h.repull, 'MN1', first.qn), false, 'a second time-out job does nothing');
  let gap = await gapAt(h, 4);
  t.equal(gap.state, 'open');
  t.same(gap.attempts.map((a) => a.outcome), ['timed-out']);
  t.same(h.later.at(-1), ['retry', 'MN1', 0]);
  t.equal(await requestHistory(h.repull, 'MN1'), 'nothing', 'backing off');
  t.same(h.later.at(-1), ['retry', 'MN1', h.check.settings.repullBackoffMs], 'woken up when the backoff ends');

  h.check.clock.set(gap.nextAttemptAt as number);
  await requestHistory(h.repull, 'MN1');
  const second = h.sent[1] as DeviceCommand;
  t.not(second.qn, first.qn, 'a fresh QN per attempt');
  await handleReply(h.repull, { mn: 'MN1', qn: second.qn, cn: '9011', cp: { QnRtn: '2' }, at: 0 });
  gap = await gapAt(h, 4);
  t.same(gap.attempts.map((a) => [a.outcome, a.qnRtn]), [['timed-out', undefined], ['refused', '2']]);
  t.equal(gap.nextAttemptAt, h.check.clock.now() + 2 * h.check.settings.repullBackoffMs, 'the backoff doubles');

  h.check.clock.set(gap.nextAttemptAt as number);
  await requestHistory(h.repull, 'MN1');
  const third = h.sent[2] as DeviceCommand;
  await handleReply(h.repull, { mn: 'MN1', qn: third.qn, cn: '9012', cp: { ExeRtn: '100' }, at: 0 });
  gap = await gapAt(h, 4);
  t.equal(gap.state, 'open');
  t.equal(gap.attempts.at(-1)?.outcome, 'no-data');
  h.check.clock.set(h.check.clock.now() + 30 * 86_400_000);
  t.equal(await requestHistory(h.repull, 'MN1'), 'nothing', 'the collector has no data for it: no more automatic requests');
  t.equal(h.sent.length, 3);
});

t.test('attempts stop at the maximum', async (t) => {
  const h = await harness([item()], [0, 1, 2, 3, 5, 6, 7]);
  for (let i = 0; i < h.check.settings.repullMaxAttempts; i++) {
    t.equal(await requestHistory(h.repull, 'MN1'), 'sent');
    await handleTimeout(h.repull, 'MN1', (h.sent.at(-1) as DeviceCommand).qn);
    h.check.clock.set(h.check.clock.now() + 86_400_000);
  }
  t.equal(await requestHistory(h.repull, 'MN1'), 'nothing');
  t.equal((await gapAt(h, 4)).attempts.length, h.check.settings.repullMaxAttempts);
});

t.test('offline collectors and manual items are not asked; an offline try is recorded once per run', async (t) => {
  const h = await harness();
  h.online.value = false;
  t.equal(await requestHistory(h.repull, 'MN1'), 'offline');
  t.equal((await gapAt(h, 3)).state, 'open');
  const first = (await gapAt(h, 3)).attempts;
  t.match(first, [{ cn: '2061', outcome: 'offline', at: h.check.clock.now(), beginMs: T0 + 3 * HOUR }], 'the gap shows why nothing was asked');
  t.match((await gapAt(h, 7)).attempts, [{ outcome: 'offline' }], 'every gap due for a request, not only the first run');
  t.same(h.sent, []);
  t.match(h.logs, [['info', { mn: 'MN1', gaps: 3 }, 'history re-pull not sent: collector offline']], 'one line for the collector');
  const seen = h.check.clock.now();
  h.check.clock.set(seen + 600_000);
  t.equal(await requestHistory(h.repull, 'MN1'), 'offline');
  t.match((await gapAt(h, 3)).attempts, [{ outcome: 'offline', at: seen }], 'still offline: nothing written again');
  t.same(h.logs.map((l) => l[0]), ['info', 'debug'], 'repeats only at debug');
  h.online.value = true;
  t.equal(await requestHistory(h.repull, 'MN1'), 'sent', 'offline tries do not count against the maximum');
  t.same((await gapAt(h, 3)).attempts.map((a) => a.outcome), ['offline', 'sent']);
  const manual = await harness([item({ mode: 'manual' })]);
  t.equal(await requestHistory(manual.repull, 'MN1'), 'nothing');
  t.same(manual.sent, []);
});
