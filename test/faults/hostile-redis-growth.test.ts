/**
 * Hostile section (issue 11, finding 5): what unauthenticated senders (and one authenticated one) leave in Redis.
 * Bad-CRC frames with random MNs each created a `status:<MN>` hash without TTL (50k keys in 3 s); 10,001 spoofed
 * unknown MNs evicted a genuine pending device; the raw archive was capped by entries, not bytes (a `##9999` frame
 * archived whole at 14 KB; an incomplete sub-packet set with PNUM=9999 wrote a 49 KB "missing 2,3,…" entry and log
 * line). Nothing an unauthenticated sender does may create a key that outlives a short TTL or exceeds a fixed total,
 * a genuine pending device stays listed, and the archive stays within its byte cap.
 */
import t, { type Test } from 'tap';
import { FLAG_BITS, formatDataTime, formatQn, type Packet } from '../../protocol/index.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { PREFIX, startFaultStack } from './lib/fault-stack.js';
import { reportHostile } from './lib/fault-report.js';
import { floodFrames, mnOf, packetFrame, rawFrame, repliesText, runAttack, sources, type AttackTally } from './lib/hostile-attack.js';
import { assertBounded, ATTACK_MS, hostileRow, mb, SAFETY_ENV, underAttack } from './lib/hostile-watch.js';
import { PASSWORD, TIME_ZONE } from './lib/readings-load.js';
import { BASE_MS } from './lib/under-load.js';
import { waitFor } from '../helpers/wait.js';

const MB = 1024 * 1024;

/**
 * Gateway settings of this file (names as on the branches that add them; only this object changes if they
 * differ), lowered so the floods reach them within seconds.
 */
const LIMITS_ENV = {
  HJ212_LOG_LEVEL: 'info',
  HJ212_CONN_MAX_ERRORS: '50',
  HJ212_BAN_BASE_MS: '5000',
  /** Pending (unknown) devices kept in total; the least established go first. */
  HJ212_PENDING_MAX: '1000',
  /** One unknown MN is written to the pending list at most once per interval. */
  HJ212_PENDING_RECORD_INTERVAL_MS: '1000',
  HJ212_ARCHIVE_MAX_BYTES: String(8 * MB),
  HJ212_MAX_PNUM: '100',
  HJ212_MAX_SUBPACKET_SETS_PER_MN: '10',
  /** Existing setting: sets still incomplete after it are reported (summarised) and forgotten. */
  HJ212_SUBPACKET_TIMEOUT_MS: '2000',
} as const;
const PENDING_MAX = Number(LIMITS_ENV.HJ212_PENDING_MAX);

/** Keys (and members of the status set) that the attackers' MNs may hold at most, pending entries aside. */
const UNAUTH_KEYS_BOUND = 1_000;
const ARCHIVE_KEY = `${PREFIX}frames`;
/** Archive bytes in Redis (MEMORY USAGE of the stream) may exceed the setting by the stream's own overhead. */
const ARCHIVE_SLACK = { factor: 1.5, bytes: 1 * MB } as const;

t.setTimeout(300_000);

const stack = await startFaultStack('hostile-redis-growth', { gatewayEnv: { ...LIMITS_ENV, ...SAFETY_ENV } });
t.teardown(() => stack.close());

function upload(mn: string, i: number, extra: Partial<Packet> = {}): Packet {
  const at = BASE_MS + i * 1000;
  return { qn: formatQn(at, TIME_ZONE), st: '32', cn: '2011', pw: PASSWORD, mn, flag: 5, cp: { DataTime: formatDataTime(at, TIME_ZONE), 'w01018-Rtd': '1.0' }, ...extra };
}

interface Left {
  /** Keys whose name holds the marker: pending entries (bounded by the pending cap) and all others. */
  pending: number;
  other: number;
  /** Of the others, those without a TTL: must be none. */
  otherNoTtl: number;
  /** Members of the status set and of the pending index. */
  statusMembers: number;
  pendingMembers: number;
}

async function scanAll(scan: (cursor: string) => Promise<[string, string[]]>): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await scan(cursor);
    cursor = next;
    out.push(...batch);
  } while (cursor !== '0');
  return out;
}

/** What the MNs named `<marker>…` left in Redis. */
async function leftBy(marker: string): Promise<Left> {
  const keys = await scanAll((c) => stack.redis.scan(c, 'MATCH', `*${marker}*`, 'COUNT', 1000));
  const pending = keys.filter((k) => k.startsWith(`${PREFIX}pending:`));
  const other = keys.filter((k) => !k.startsWith(`${PREFIX}pending:`));
  const ttls = await Promise.all(other.map((k) => stack.redis.ttl(k)));
  const statusMembers = (await scanAll((c) => stack.redis.sscan(`${PREFIX}status`, c, 'MATCH', `${marker}*`, 'COUNT', 1000))).length;
  const pendingMembers = (await scanAll((c) => stack.redis.zscan(`${PREFIX}pending`, c, 'MATCH', `${marker}*`, 'COUNT', 1000))).length / 2;
  return { pending: pending.length, other: other.length, otherNoTtl: ttls.filter((s: number) => s === -1).length, statusMembers, pendingMembers };
}

/** Nothing an unauthenticated sender does outlives a short TTL or exceeds a fixed total. */
function assertLeft(t: Test, left: Left): void {
  t.equal(left.otherNoTtl, 0, `no key of an unauthenticated MN outside the pending list lives without a TTL (${left.otherNoTtl} of ${left.other})`);
  t.ok(left.other <= UNAUTH_KEYS_BOUND, `such keys ≤ ${UNAUTH_KEYS_BOUND} (${left.other})`);
  t.ok(left.statusMembers <= UNAUTH_KEYS_BOUND, `their members of the status set ≤ ${UNAUTH_KEYS_BOUND} (${left.statusMembers})`);
  t.ok(left.pending <= PENDING_MAX && left.pendingMembers <= PENDING_MAX, `their pending entries ≤ the cap of ${PENDING_MAX} (${left.pending} hashes, ${left.pendingMembers} in the index)`);
}

function leftText(left: Left): string {
  return `left: ${left.other} keys (${left.otherNoTtl} without TTL), ${left.statusMembers} status members, ${left.pending} pending`;
}

/** A device not registered yet, that keeps uploading (scenario 5b): its first upload is at the start of the file. */
const GENUINE = mnOf('GENUINE', 1);
const firstKnock = { at: Date.now(), tally: await knock(GENUINE, 0) };

t.test('bad-CRC frames with random MNs (50,000 and more)', async (t) => {
  let tally: AttackTally | undefined;
  let n = 0;
  const o = await underAttack(t, stack, { attack: '5a bad-CRC frames, random MNs', collectors: 10, mnPrefix: 'RGRA' }, async (watch) => {
    // Until the deadline, not a count: an attack the gateway cuts short must still last while collectors upload.
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(30, 20),
      workers: 2,
      durationMs: ATTACK_MS,
      abort: watch.tripped,
      session: (conn, tally) => floodFrames(conn, tally, () => packetFrame(upload(mnOf('ZZRND', n), n++), { badCrc: true }), watch.tripped, 100, 5_000),
    });
  });
  assertBounded(t, o);
  const left = await leftBy('ZZRND');
  assertLeft(t, left);
  await reportHostile(hostileRow(o, `${tally?.frames ?? 0} frames from 20 addresses (${tally?.refused ?? 0} connections refused); ${leftText(left)}`));
});

/** A real, not yet registered collector: one upload from the collectors' address, answered 9011 (MN unknown). */
function knock(mn: string, i: number): Promise<AttackTally> {
  let done = false;
  return runAttack({
    port: stack.tcpPort,
    from: ['127.0.0.1'],
    workers: 1,
    durationMs: 10_000,
    stop: () => done,
    async session(conn) {
      done = true;
      await conn.send(packetFrame(upload(mn, i)));
      await conn.replied(1, 5_000);
      await conn.end();
    },
  });
}

t.test('archive-bytes flood: ##9999 frames and PNUM=9999 sub-packet sets left incomplete', async (t) => {
  const attacker = mnOf('ZZSPLIT', 1);
  await stack.registerDevices([attacker]);
  // An unregistered sender's frame whose length field says 9999: a data segment of 9,999 bytes.
  const head = `QN=${formatQn(BASE_MS, TIME_ZONE)};ST=32;CN=2011;PW=123456;MN=${mnOf('ZZBIG', 1)};Flag=5;CP=&&DataTime=${formatDataTime(BASE_MS, TIME_ZONE)};a01001-Rtd=`;
  const big = rawFrame(`${head}${'9'.repeat(9999 - head.length - 2)}&&`);
  let bigTally: AttackTally | undefined;
  let splitTally: AttackTally | undefined;
  let attackEnd = 0;
  const SETS = 200;
  const o = await underAttack(t, stack, { attack: '5c archive flood (##9999 + PNUM=9999)', collectors: 10, mnPrefix: 'RGRC' }, async (watch) => {
    let sets = 0;
    [bigTally, splitTally] = await Promise.all([
      runAttack({ port: stack.tcpPort, from: sources(90, 10), workers: 1, durationMs: ATTACK_MS, abort: watch.tripped, session: (conn, tally) => floodFrames(conn, tally, () => big, watch.tripped, 10) }),
      // Part 1 of 9,999 of a new set each time (HJ212-2017 6.3.3: Flag bit D, PNUM/PNO): the rest never comes.
      runAttack({
        port: stack.tcpPort,
        from: sources(100),
        workers: 1,
        durationMs: ATTACK_MS,
        stop: () => sets >= SETS,
        abort: watch.tripped,
        session: (conn, tally) => floodFrames(conn, tally, () => packetFrame(upload(attacker, sets++, { flag: 5 | FLAG_BITS.SPLIT, pnum: 9999, pno: 1 })), () => sets >= SETS || watch.tripped(), 10, 10_000),
      }),
    ]);
    attackEnd = Date.now();
    // The sets expire a timeout after their first part; the scenario runs on until then, so what their expiry
    // writes (archive entries, log summaries) is measured too.
    await waitForTime(attackEnd + Number(LIMITS_ENV.HJ212_SUBPACKET_TIMEOUT_MS) + 1_000);
  });
  assertBounded(t, o);
  const archiveBytes = Number((await stack.redis.call('MEMORY', 'USAGE', ARCHIVE_KEY, 'SAMPLES', '0')) ?? 0);
  const cap = Number(LIMITS_ENV.HJ212_ARCHIVE_MAX_BYTES);
  t.ok(archiveBytes <= cap * ARCHIVE_SLACK.factor + ARCHIVE_SLACK.bytes, `the archive holds ≤ ${mb(cap)} MB (+ stream overhead): ${mb(archiveBytes)} MB`);
  const incomplete = await stack.gateway.metric('hj212_frames_total', 'verdict="subpacket-incomplete"');
  await reportHostile(
    hostileRow(o, `${bigTally?.frames ?? 0} ##9999 frames (${mb(bigTally?.bytes ?? 0)} MB), ${splitTally?.frames ?? 0} sets opened (${splitTally ? repliesText(splitTally) : ''}), ${incomplete} reported incomplete; archive ${mb(archiveBytes)} MB`),
  );
});

t.test('spoofed unknown MNs (10,001 and more) after a genuine pending device', async (t) => {
  const registry = createRedisRegistry({ redis: stack.redis, prefix: PREFIX, cache: false });
  let tally: AttackTally | undefined;
  let n = 0;
  let pending: Awaited<ReturnType<typeof registry.listPending>> = [];
  // The pending list keeps devices that sent valid frames in two different minutes over one-off MNs: the genuine
  // device uploads again once the minute of its first upload (at the start of this file) is over.
  await waitFor(() => Math.floor(Date.now() / 60_000) > Math.floor(firstKnock.at / 60_000), 'a minute after the genuine device\'s first upload', 70_000);
  const second = await knock(GENUINE, 1);
  const o = await underAttack(t, stack, { attack: '5b spoofed unknown MNs', collectors: 10, mnPrefix: 'RGRB' }, async (watch) => {
    // Until the deadline, not a count: an attack the gateway cuts short must still last while collectors upload.
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(60, 20),
      workers: 2,
      durationMs: ATTACK_MS,
      abort: watch.tripped,
      session: (conn, tally) => floodFrames(conn, tally, () => packetFrame(upload(mnOf('ZZSPOOF', n), n++)), watch.tripped, 100, 5_000),
    });
    pending = await registry.listPending();
  });
  assertBounded(t, o);
  t.ok(firstKnock.tally.replies['9011 QnRtn=4'] && second.replies['9011 QnRtn=4'], 'the genuine device was told its MN is unknown, twice');
  t.ok(pending.some((p) => p.mn === GENUINE), `the genuine pending device is still listed after the flood (${pending.length} pending)`);
  t.ok(pending.length <= PENDING_MAX, `pending devices ≤ ${PENDING_MAX} (${pending.length})`);
  const left = await leftBy('ZZSPOOF');
  assertLeft(t, left);
  await registry.close();
  await reportHostile(hostileRow(o, `${tally?.frames ?? 0} spoofed frames (${tally ? repliesText(tally) : ''}); genuine pending ${pending.some((p) => p.mn === GENUINE) ? 'listed' : 'EVICTED'}; ${pending.length} pending; ${leftText(left)}`));
});

/** Resolves at wall-clock `at`: the gateway's own timer (sub-packet timeout) is what is being waited out. */
function waitForTime(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
