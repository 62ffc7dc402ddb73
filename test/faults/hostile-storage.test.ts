/**
 * Hostile traffic against storage (issue 11 findings 2, 3, 5) beside 20 uploading collectors: one collector with
 * valid credentials sends, for a few seconds as fast as it is acked, the field-type poisoning frame, frames of 55
 * novel factor codes, DataTimes in 2099 and sub-packet parts of PNUM=9999 sets with fresh QNs. Afterwards the
 * gateway is up, the legitimate collectors lost nothing, the hostile collector holds at most its factor budget of
 * series, and Redis, the archive and the log grew by bounded amounts.
 */
import t from 'tap';
import { encodeFrame, type Packet } from '../../protocol/index.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { connectCollector } from '../helpers/collector.js';
import { PREFIX, startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

const HOSTILE = '33010600000001W0000000HX';
const ATTACK_MS = 8_000;
const MAX_UNKNOWN = 32;
const ARCHIVE_MAX_BYTES = 4 * 1024 * 1024;
const MB = 1024 * 1024;

let seq = 0;
const qn = (): string => `20240601000${String(100000 + (seq++ % 900000))}`;

function hostileFrames(i: number): Packet[] {
  const base = { st: '32', pw: '123456', mn: HOSTILE };
  const novel: Record<string, string> = { DataTime: '20240601000000' };
  for (let j = 0; j < 55; j++) novel[`y${String(i * 55 + j).padStart(5, '0')}-Rtd`] = '1';
  return [
    { ...base, qn: qn(), cn: '2051', flag: 5, cp: { DataTime: '20240601000000', avg: 'x', min: 'x', max: 'x', cou: 'x', zs_avg: 'x', rtd: 'x', flag: 'x', n: String(i) } },
    { ...base, qn: qn(), cn: '2051', flag: 5, cp: novel },
    { ...base, qn: qn(), cn: '2051', flag: 5, cp: { DataTime: '20990101000000', 'w01018-Avg': String(i) } },
    { ...base, qn: qn(), cn: '2051', flag: 7, pnum: 9999, pno: 1, cp: { DataTime: '20240601000000', 'w01018-Avg': String(i) } },
  ];
}

t.setTimeout(300_000);

t.test('poisoning, cardinality and archive floods from an authenticated collector beside uploading collectors', async (t) => {
  const stack = await startFaultStack('hostile-storage', {
    gatewayEnv: { HJ212_MAX_UNKNOWN_FACTORS: String(MAX_UNKNOWN), HJ212_ARCHIVE_MAX_BYTES: String(ARCHIVE_MAX_BYTES), HJ212_SUBPACKET_TIMEOUT_MS: '1000' },
  });
  t.teardown(() => stack.close());
  const registry = createRedisRegistry({ redis: stack.redis, prefix: PREFIX });
  await registry.put(newDevice({ mn: HOSTILE, password: '123456' }));
  await registry.close();
  let sent = 0;
  let acked = 0;
  let redisBefore = 0;
  let redisAfter = 0;
  let rssPeak = 0;
  const logBefore = stack.gateway.log().length;
  const usedMemory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await stack.redis.info('memory'))?.[1] ?? 0);
  const r = await runUnderLoad(t, stack, { collectors: 20, mnPrefix: 'HSTO' }, async () => {
    redisBefore = await usedMemory();
    const start = Date.now();
    const c = await connectCollector(stack.tcpPort);
    // Rounds of 10 × 4 frames sent at once, each round answered before the next.
    for (let i = 0; Date.now() - start < ATTACK_MS; i += 10) {
      const round = Array.from({ length: 10 }, (_, k) => hostileFrames(i + k)).flat();
      for (const p of round) c.send(encodeFrame(p));
      sent += round.length;
      for (const p of round) if ((await c.next((x) => x.qn === p.qn, 30_000)).cn === '9014') acked++;
      rssPeak = Math.max(rssPeak, stack.gateway.rss());
    }
    c.close();
    redisAfter = await usedMemory();
    return { start, end: Date.now() };
  });
  t.equal(stack.gateway.exited, false, 'the gateway stayed up');
  assertNothingLost(t, r);
  const series = await fetch(`${stack.services.influxUrl}/query?db=faults&q=${encodeURIComponent(`SHOW TAG VALUES FROM "minute" WITH KEY = "factor" WHERE "mn" = '${HOSTILE}'`)}`);
  const values = ((await series.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> }).results[0]?.series?.[0]?.values ?? [];
  t.ok(values.length <= MAX_UNKNOWN + 1, `the hostile collector holds ${values.length} factor series (budget ${MAX_UNKNOWN} + w01018)`);
  const archiveBytes = Number((await stack.redis.get(`${PREFIX}frames:bytes`)) ?? 0);
  t.ok(archiveBytes <= ARCHIVE_MAX_BYTES, `archive ${Math.round(archiveBytes / 1024)} KiB within its cap`);
  const redisGrowth = redisAfter - redisBefore;
  t.ok(redisGrowth < 32 * MB, `Redis grew by ${Math.round(redisGrowth / 1024)} KiB`);
  const logBytes = stack.gateway.log().length - logBefore;
  t.ok(logBytes < 256 * 1024, `the gateway logged ${logBytes} bytes for ${sent} hostile frames`);
  t.ok(acked > sent / 2 && sent > 400, `${sent} hostile frames sent, ${acked} acked (poisoning, novel codes, sub-packets stored; 2099 refused)`);
  await reportFault(
    faultRow('storage floods (poison, 55 novel codes, 2099, PNUM=9999)', r, `${sent} hostile frames in ${ATTACK_MS / 1000} s; ${values.length} series; archive ${Math.round(archiveBytes / 1024)} KiB; Redis +${Math.round(redisGrowth / 1024)} KiB; log ${Math.round(logBytes / 1024)} KiB; peak RSS ${Math.round(rssPeak / MB)} MB`, 0),
  );
});
