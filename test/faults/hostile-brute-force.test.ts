/**
 * Hostile section (issue 11, finding 4): password brute force, one connection per guess, against an MN whose real
 * collector keeps uploading from another address. Unfixed, 622 guesses/s were answered and a correct guess was
 * accepted while the MN was over the failure limit. The gateway must answer at most the per-minute limit of guesses,
 * never accept the right password from the address that is locked out, and keep acking the real collector.
 */
import t from 'tap';
import { formatDataTime, formatQn } from '../../protocol/index.js';
import { startFaultStack } from './lib/fault-stack.js';
import { reportHostile } from './lib/fault-report.js';
import { packetFrame, repliesText, runAttack, sources, type AttackConn, type AttackTally } from './lib/hostile-attack.js';
import { assertBounded, ATTACK_MS, hostileRow, SAFETY_ENV, underAttack } from './lib/hostile-watch.js';
import { PASSWORD, TIME_ZONE } from './lib/readings-load.js';
import { acksBetween } from './lib/reconcile.js';

/**
 * Gateway settings of this file (names as on the branches that add them; only this object changes if they
 * differ): a few failures per minute per address and per MN, then a lockout longer than the attack.
 */
const LIMITS_ENV = {
  HJ212_LOG_LEVEL: 'info',
  HJ212_MAX_AUTH_FAILURES_PER_MINUTE: '5',
  HJ212_AUTH_LOCKOUT_BASE_MS: '60000',
} as const;
const FAILURES_PER_MINUTE = Number(LIMITS_ENV.HJ212_MAX_AUTH_FAILURES_PER_MINUTE);

/** The brute force runs twice as long as the other attacks: it measures a rate. */
const BRUTE_MS = 2 * ATTACK_MS;
/** An attacker waits this long for an answer to one guess before it tries the next. */
const GUESS_WAIT_MS = 3_000;
/** DataTime of the probes that carry the right password (none of the collectors' readings is there). */
const PROBE_BASE_MS = Date.parse('2024-01-01T00:00:00+08:00');

t.setTimeout(300_000);

const stack = await startFaultStack('hostile-brute-force', { gatewayEnv: { ...LIMITS_ENV, ...SAFETY_ENV } });
t.teardown(() => stack.close());

function guessFrame(mn: string, password: string, i: number): Buffer {
  const at = PROBE_BASE_MS + i * 1000;
  return packetFrame({ qn: formatQn(at, TIME_ZONE), st: '32', cn: '2011', pw: password, mn, flag: 5, cp: { DataTime: formatDataTime(at, TIME_ZONE), 'w01018-Rtd': '1.0', 'w01018-Flag': 'N' } });
}

/** A wrong 6-digit password. */
function wrong(i: number): string {
  const guess = String((i * 7919 + 100_003) % 1_000_000).padStart(6, '0');
  return guess === PASSWORD ? '000000' : guess;
}

t.test('password brute force, one connection per guess, beside the MN\'s real collector', async (t) => {
  let tally: AttackTally | undefined;
  let victim = '';
  let evaluatedBefore = 0;
  /** The right password sent by the attacker once it was over the limit: index → answer (or 'refused'). */
  const probes = new Map<number, string>();
  const o = await underAttack(t, stack, { attack: '4 password brute force (1 connection per guess)', collectors: 5, mnPrefix: 'BRUT' }, async (watch, load) => {
    victim = load.mns[0] ?? '';
    evaluatedBefore = await stack.gateway.metric('hj212_frames_total', 'verdict="bad-password"');
    const start = Date.now();
    let probed = 0;
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(20),
      workers: 2,
      durationMs: BRUTE_MS,
      abort: watch.tripped,
      async session(conn: AttackConn, tally, i) {
        const failures = tally.replies['9011 QnRtn=3'] ?? 0;
        // Twice: right after the limit was reached, and in the second half of the attack.
        const probe = (probed === 0 && failures >= FAILURES_PER_MINUTE) || (probed === 1 && Date.now() - start > BRUTE_MS / 2);
        if (probe) probed++;
        if (!(await conn.send(guessFrame(victim, probe ? PASSWORD : wrong(i), i)))) {
          if (probe) probes.set(i, 'refused');
          return;
        }
        tally.frames++;
        await conn.replied(1, GUESS_WAIT_MS);
        if (probe) {
          const r = conn.replies[0];
          probes.set(i, r ? (r.qnRtn === undefined ? r.cn : `${r.cn} QnRtn=${r.qnRtn}`) : conn.closed ? 'refused' : 'no answer');
        }
      },
    });
  });
  if (!tally) throw new Error('the attack never ran');
  assertBounded(t, o);
  // A guess during a lockout is answered as a password error too, without evaluating it: what counts is the
  // gateway's own verdict count of passwords it checked and found wrong.
  const evaluated = (await stack.gateway.metric('hj212_frames_total', 'verdict="bad-password"')) - evaluatedBefore;
  const answered = tally.replies['9011 QnRtn=3'] ?? 0;
  const minutes = Math.max(1, Math.ceil(tally.durationS / 60));
  t.ok(evaluated <= FAILURES_PER_MINUTE * minutes, `passwords evaluated ≤ ${FAILURES_PER_MINUTE} per minute (${evaluated} in ${tally.durationS} s; ${answered} answered QnRtn=3, ${tally.refused} refused)`);
  t.ok(probes.size > 0, `the right password was tried during the lockout (${probes.size} times)`);
  t.same([...probes.values()].filter((a) => a === '9014'), [], `the right password was never accepted during the lockout (${[...probes.values()].join(', ')})`);
  const stored = await stack.points('realtime');
  const probeStored = [...probes.keys()].filter((i) => stored.has(`${victim}|${PROBE_BASE_MS + i * 1000}`));
  t.same(probeStored, [], 'no probe reading was stored');
  const victimAcks = acksBetween(o.result.load.records.filter((r) => r.mn === victim), o.result.window.start, o.result.window.end);
  t.ok(victimAcks > 0, `the MN's real collector (another address) was acked during the attack (${victimAcks} acks)`);
  const perMinute = Math.round((evaluated / Math.max(tally.durationS, 0.1)) * 60);
  await reportHostile(
    hostileRow(o, `${evaluated} guesses evaluated (${perMinute}/min), ${answered} answered QnRtn=3, ${tally.refused} refused of ${tally.attempts} attempts; ${repliesText(tally)}; right password during lockout: ${[...probes.values()].join(', ')}; real collector acked ${victimAcks} times meanwhile`),
  );
});
