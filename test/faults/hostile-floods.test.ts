/**
 * Hostile section (issue 11, finding 1): unauthenticated floods beside uploading collectors. Two connections loop
 * `connect; send ('##0001' × 1660 + CR LF) × 100; close` (every 6 bytes a framing error), then one connection
 * repeats one valid frame whose MN is not registered. Before the budgets each candidate was a warn line and a ~2 KB
 * archive entry, buffered without bound (RSS 676 MB → 4.2 GB in 8 s, then out of memory). The gateway must stay up
 * with RSS, Redis and its log bounded (hostile-watch.ts BOUNDS), and the collectors must lose nothing.
 */
import t from 'tap';
import { formatDataTime, formatQn } from '../../protocol/index.js';
import { startFaultStack } from './lib/fault-stack.js';
import { reportHostile } from './lib/fault-report.js';
import { floodFrames, mnOf, packetFrame, repliesText, runAttack, sources, type AttackTally } from './lib/hostile-attack.js';
import { assertBounded, ATTACK_MS, hostileRow, mb, SAFETY_ENV, underAttack } from './lib/hostile-watch.js';
import { TIME_ZONE } from './lib/readings-load.js';

/**
 * Gateway settings of this file, lowered so the floods reach the limits within seconds (names as on the branches
 * that add them; only this object changes if they differ).
 */
const LIMITS_ENV = {
  HJ212_LOG_LEVEL: 'info',
  /** Framing errors + rejected frames one connection may cause per window before it is closed and its address banned. */
  HJ212_CONN_MAX_ERRORS: '50',
  /** First ban of an address, doubled on every repeat. */
  HJ212_BAN_BASE_MS: '5000',
  HJ212_ARCHIVE_MAX_BYTES: String(16 * 1024 * 1024),
} as const;

/** One "send" of the reproduction: 1,660 framing errors in 9,962 bytes. */
const FRAMING_LINE = Buffer.from(`${'##0001'.repeat(1660)}\r\n`);
const LINES_PER_CONNECTION = 100;

t.setTimeout(300_000);

const stack = await startFaultStack('hostile-floods', { gatewayEnv: { ...LIMITS_ENV, ...SAFETY_ENV } });
t.teardown(() => stack.close());

function tallyText(a: AttackTally): string {
  return `${a.connections} connections (${a.refused} refused), ${mb(a.bytes)} MB sent`;
}

t.test('framing-error flood: two connections loop 100 × 1,660 bad candidates', async (t) => {
  let tally: AttackTally | undefined;
  const o = await underAttack(t, stack, { attack: '1a framing-error flood (2 × ##0001…)', collectors: 10, mnPrefix: 'FLDA' }, async (watch) => {
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(10),
      workers: 2,
      durationMs: ATTACK_MS,
      abort: watch.tripped,
      async session(conn, tally) {
        for (let k = 0; k < LINES_PER_CONNECTION && !watch.tripped(); k++) {
          if (!(await conn.send(FRAMING_LINE))) return;
          tally.frames += 1660;
          tally.bytes += FRAMING_LINE.length;
        }
      },
    });
  });
  assertBounded(t, o);
  t.ok((tally?.closedByGateway ?? 0) > 0, 'the gateway closed the flooding connections itself');
  await reportHostile(hostileRow(o, tally ? tallyText(tally) : ''));
});

t.test('one valid frame with an unregistered MN, repeated', async (t) => {
  const mn = mnOf('ZZUNREG', 1);
  const dataTime = formatDataTime(Date.parse('2024-06-01T00:00:00+08:00'), TIME_ZONE);
  const frame = packetFrame({ qn: formatQn(Date.now(), TIME_ZONE), st: '32', cn: '2051', pw: '123456', mn, flag: 5, cp: { DataTime: dataTime, 'w01018-Avg': '12.5', 'w01018-Flag': 'N' } });
  let tally: AttackTally | undefined;
  const o = await underAttack(t, stack, { attack: '1b unregistered-MN frame flood', collectors: 10, mnPrefix: 'FLDB' }, async (watch) => {
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(11),
      workers: 1,
      durationMs: ATTACK_MS,
      abort: watch.tripped,
      session: (conn, tally) => floodFrames(conn, tally, () => frame, watch.tripped),
    });
  });
  assertBounded(t, o);
  const pending = await stack.redis.hget(`hj212:pending:${mn}`, 'sampleFrame');
  t.notOk(pending?.includes('PW=123456'), 'the pending entry does not keep the password in its sample frame');
  await reportHostile(hostileRow(o, tally ? `${tally.frames} frames, ${tallyText(tally)}; ${repliesText(tally)}` : ''));
});
