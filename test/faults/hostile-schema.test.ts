/**
 * Hostile section (issue 11, findings 2 and 3): an authenticated collector attacks the shared InfluxDB schema.
 * Field-type poisoning: hour uploads whose CP holds `avg=x;min=x;…` without a factor made `min` a string field of the
 * shard, and every other collector's hour readings in it were refused (no ack, dead letters). Cardinality bomb:
 * ~2,000 frames × 55 novel factor codes made 110,000 series, after which InfluxDB refused every new factor of every
 * collector and the attacker's latest-values hash held 104k fields. Other collectors must be acked and stored
 * throughout, including newcomers whose factors InfluxDB has never seen.
 */
import t from 'tap';
import { formatDataTime, formatQn, type Packet } from '../../protocol/index.js';
import { PREFIX, startFaultStack } from './lib/fault-stack.js';
import { reportHostile } from './lib/fault-report.js';
import { floodFrames, mnOf, packetFrame, repliesText, runAttack, sources, type AttackTally } from './lib/hostile-attack.js';
import { assertBounded, ATTACK_MS, hostileRow, influxRows, SAFETY_ENV, underAttack } from './lib/hostile-watch.js';
import { createLoad, PASSWORD, TIME_ZONE, type Load } from './lib/readings-load.js';
import { reconcile, type Reconciliation } from './lib/reconcile.js';
import { BASE_MS } from './lib/under-load.js';
import { waitFor } from '../helpers/wait.js';
import { createRedisLatest } from '../../src/storage/redis/latest-store.js';

/**
 * Gateway settings of this file (names as on the branches that add them; only this object changes if they
 * differ): a low cap of unknown factor codes per device, so the bomb reaches it within a few frames.
 */
const LIMITS_ENV = {
  HJ212_LOG_LEVEL: 'info',
  /** Factor codes outside the factor table and the device's items one collector may introduce. */
  HJ212_MAX_UNKNOWN_FACTORS: '100',
  HJ212_MAX_FACTORS_PER_FRAME: '100',
  HJ212_MAX_LATEST_FIELDS: '1000',
} as const;

/** What the schema may hold after the bomb: factor tag values and series in the database, fields of one latest hash. */
const SCHEMA_BOUNDS = { factorValues: 1_000, series: 2_000, latestFields: 1_000 } as const;

const HOUR = 3_600_000;
/** A Monday 00:00 UTC: InfluxDB's 7-day shard groups begin there, so points from it on land in a fresh shard. */
const POISONED_SHARD = Date.parse('2024-06-03T00:00:00Z');
const POISON_FIELDS = ['avg', 'min', 'max', 'cou', 'zs_avg', 'rtd', 'flag'];
const BOMB_FRAMES = 2_000;
const CODES_PER_FRAME = 55;

t.setTimeout(300_000);

const stack = await startFaultStack('hostile-schema', { gatewayEnv: { ...LIMITS_ENV, ...SAFETY_ENV } });
t.teardown(() => stack.close());

const decided = (l: Load): number => l.count('acked') + l.count('rejected') + l.count('timeout');

async function deadLettersOf(prefix: string): Promise<number> {
  const letters = await stack.redis.lrange(`${PREFIX}dead-letters`, 0, -1);
  return letters.filter((s) => (JSON.parse(s) as { mn?: string }).mn?.startsWith(prefix)).length;
}

t.test('field-type poisoning: avg=x;min=x;… in hour uploads, then the others upload hour data', async (t) => {
  const attacker = mnOf('ZZPOISON', 1);
  await stack.registerDevices([attacker]);
  // Hour readings every 6 h for three weeks from the fresh shard on: every shard the collectors write next.
  const frames = Array.from({ length: 84 }, (_, k) => {
    const cp: Record<string, string> = { DataTime: formatDataTime(POISONED_SHARD + k * 6 * HOUR, TIME_ZONE) };
    for (const f of POISON_FIELDS) cp[f] = 'x';
    return packetFrame({ qn: formatQn(Date.now() + k, TIME_ZONE), st: '32', cn: '2061', pw: PASSWORD, mn: attacker, flag: 5, cp });
  });
  let tally: AttackTally | undefined;
  const o = await underAttack(
    t,
    stack,
    // Readings start 4 h before the poisoned shard; a refused one is given up after two retransmits (bounded run).
    { attack: '2 field-type poisoning (avg=x;min=x;…)', collectors: 5, mnPrefix: 'PSNA', cn: '2061', baseMs: POISONED_SHARD - 4 * HOUR, ackedBefore: 15, ackedAfter: 5, reCount: 2, progress: decided },
    async (watch, load) => {
      let sent = false;
      tally = await runAttack({
        port: stack.tcpPort,
        from: sources(12),
        workers: 1,
        durationMs: ATTACK_MS,
        stop: () => sent,
        abort: watch.tripped,
        async session(conn, tally) {
          sent = true;
          for (const f of frames) if (await conn.send(f)) tally.frames++;
          await conn.replied(frames.length, 15_000);
        },
      });
      // The attack lasts while the collectors upload into the poisoned shards: 4 readings each, at least.
      const target = decided(load) + 20;
      await waitFor(() => decided(load) >= target, 'readings in the poisoned shards decided', 60_000);
    },
  );
  assertBounded(t, o);
  t.equal(await deadLettersOf('PSNA'), 0, 'no reading of the other collectors was dead-lettered');
  const types = new Map((await influxRows(stack, 'SHOW FIELD KEYS FROM "hour"')).map(({ row }) => [String(row[0]), String(row[1])]));
  const clashing = ['avg', 'min', 'max', 'cou', 'zs_avg', 'rtd'].filter((f) => types.has(f) && types.get(f) !== 'float');
  t.same(clashing, [], `reading fields of "hour" are all float (${[...types].map(([k, v]) => `${k}:${v}`).join(' ')})`);
  const letters = await deadLettersOf('PSNA');
  await reportHostile(hostileRow(o, `attacker: ${tally ? repliesText(tally) : ''}; ${o.result.load.count('timeout')} legitimate readings given up, ${letters} dead letters`));
});

/** Minute data (the measurement the newcomers write) of novel codes `y000000-Rtd=1` …, one DataTime per frame. */
function bombFrame(attacker: string, i: number): Buffer {
  const at = BASE_MS + i * 60_000;
  const cp: Record<string, string> = { DataTime: formatDataTime(at, TIME_ZONE) };
  for (let j = 0; j < CODES_PER_FRAME; j++) cp[`y${String(i * CODES_PER_FRAME + j).padStart(6, '0')}-Rtd`] = '1';
  const packet: Packet = { qn: formatQn(at, TIME_ZONE), st: '32', cn: '2051', pw: PASSWORD, mn: attacker, flag: 5, cp };
  return packetFrame(packet);
}

async function sumOf(q: string): Promise<number> {
  return (await influxRows(stack, q)).reduce((n, { row }) => n + Number(row[0] ?? 0), 0);
}

t.test(`cardinality bomb: ${BOMB_FRAMES} frames × ${CODES_PER_FRAME} novel factor codes, then newcomers upload`, async (t) => {
  const attacker = mnOf('ZZBOMB', 1);
  await stack.registerDevices([attacker]);
  let tally: AttackTally | undefined;
  let newcomers: Load | undefined;
  let fresh: Reconciliation | undefined;
  const o = await underAttack(t, stack, { attack: '3 cardinality bomb (2,000 × 55 codes)', collectors: 5, mnPrefix: 'CARD' }, async (watch) => {
    let next = 0;
    tally = await runAttack({
      port: stack.tcpPort,
      from: sources(13),
      workers: 1,
      durationMs: ATTACK_MS,
      stop: () => next >= BOMB_FRAMES,
      abort: watch.tripped,
      session: (conn, tally) => floodFrames(conn, tally, () => bombFrame(attacker, next++), () => next >= BOMB_FRAMES || watch.tripped(), 20, 10_000),
    });
    // Collectors InfluxDB has never seen, with flue-gas factors nobody uploaded yet: new series after the bomb.
    newcomers = createLoad({ port: stack.tcpPort, collectors: 5, mnPrefix: 'CARN', profile: 'air', baseMs: BASE_MS, paceMs: 20, reCount: 2 });
    t.teardown(() => newcomers?.close());
    await stack.registerDevices(newcomers.mns);
    await newcomers.start();
    const n = newcomers;
    await waitFor(() => decided(n) >= 25, 'newcomers\' readings decided', 60_000);
    await n.finish();
    fresh = reconcile(n.records, await stack.points('minute'));
  });
  assertBounded(t, o);
  if (!fresh || !newcomers) throw new Error('the newcomers never ran');
  t.equal(fresh.lost, 0, 'no acked reading of the newcomers is lost');
  t.equal(fresh.acked, fresh.readings, `every newcomer reading with new factors was acked (${fresh.acked} of ${fresh.readings})`);
  t.equal(fresh.stored, fresh.readings, 'and stored');
  const factorValues = await sumOf('SHOW TAG VALUES EXACT CARDINALITY WITH KEY = "factor"');
  const series = await sumOf('SHOW SERIES EXACT CARDINALITY');
  const latestFields = (await createRedisLatest(stack.redis, { prefix: PREFIX }).get(attacker)).length;
  t.ok(factorValues <= SCHEMA_BOUNDS.factorValues, `factor tag values ≤ ${SCHEMA_BOUNDS.factorValues} (${factorValues})`);
  t.ok(series <= SCHEMA_BOUNDS.series, `series ≤ ${SCHEMA_BOUNDS.series} (${series})`);
  t.ok(latestFields <= SCHEMA_BOUNDS.latestFields, `the attacker's latest values hold ≤ ${SCHEMA_BOUNDS.latestFields} kind + factor entries (${latestFields})`);
  const row = hostileRow(o, `${tally?.frames ?? 0} frames sent, attacker: ${tally ? repliesText(tally) : ''}; ${series} series, ${factorValues} factor values, attacker latest values ${latestFields} entries; newcomers ${fresh.acked}/${fresh.readings} acked, ${fresh.lost} lost`);
  await reportHostile({ ...row, 'legitimate acks': row['legitimate acks'] + fresh.acked, lost: row.lost + fresh.lost });
});
