/**
 * InfluxDB refuses writes: some collectors' points permanently (400 field type conflict: retrying cannot help),
 * and for a while every write transiently (507, disk full). Permanent refusals go to the dead-letter list with the
 * raw frame and are never acked; the group commit isolates them so the other collectors' points in the same batch
 * are stored. While the disk is full nothing is acked; once space is back the backlog is written.
 */
import { setTimeout as hold } from 'node:timers/promises';
import t from 'tap';
import { parseDataSegment, parseDataTime } from '../../protocol/index.js';
import { startFaultStack, PREFIX } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { startInfluxFaultProxy } from './lib/influx-fault-proxy.js';
import { createLoad, PASSWORD, TIME_ZONE, type Load } from './lib/readings-load.js';
import { acksBetween, reconcile } from './lib/reconcile.js';
import { assertNothingLost, BASE_MS, runUnderLoad } from './lib/under-load.js';

const DISK_FULL_S = Number(process.env.HJ212_FAULT_DISK_FULL_S ?? 5);
/** See influx-outage.test.ts: an ack already on its way when the fault began. */
const ACK_FLIGHT_MS = 2_000;

t.setTimeout(300_000);

t.test('permanent write refusals are dead-lettered with the raw frame; a full disk delays acks', async (t) => {
  const stack = await startFaultStack('write-rejected', { deferGateway: true });
  t.teardown(() => stack.close());
  const proxy = await startInfluxFaultProxy(stack.services.influxUrl, 'mn=BAD0');
  t.teardown(() => proxy.close());
  await stack.startGateway({ HJ212_INFLUX_URL: proxy.url });

  let bad: Load | undefined;
  const r = await runUnderLoad(t, stack, { collectors: 20, mnPrefix: 'GOOD' }, async () => {
    // Collectors whose every point InfluxDB refuses; they give up after one retransmit (ReCount 1).
    bad = createLoad({ port: stack.tcpPort, collectors: 3, mnPrefix: 'BAD', baseMs: BASE_MS, paceMs: 20, overTimeMs: 1_500, reCount: 1 });
    t.teardown(() => bad?.close());
    await stack.registerDevices(bad.mns);
    await bad.start();
    const start = Date.now();
    proxy.diskFull = true;
    // The fault itself: a fixed length, not a synchronisation.
    await hold(DISK_FULL_S * 1000);
    proxy.diskFull = false;
    return { start, end: Date.now() };
  });
  if (!bad) throw new Error('the refused collectors never started');
  await bad.finish();

  t.equal(acksBetween(r.load.records, r.window.start + ACK_FLIGHT_MS, r.window.end), 0, 'no 9014 while every write was refused as disk full');
  t.ok(proxy.counts.full > 0 && proxy.counts.rejected > 0, `writes refused: ${proxy.counts.full} disk full, ${proxy.counts.rejected} field type conflict`);
  assertNothingLost(t, r);

  const badRec = reconcile(bad.records, await stack.points('minute'));
  t.equal(badRec.acked, 0, 'no refused reading was acked');
  t.equal(badRec.unackedStored, 0, 'no refused reading reached InfluxDB');
  const letters = (await stack.redis.lrange(`${PREFIX}dead-letters`, 0, -1)).map((s) => JSON.parse(s) as { raw: string; mn?: string; reason: string });
  const lettered = new Set<string>();
  for (const letter of letters) {
    // The stored frame has its password masked (PW=***), so its CRC no longer matches: read the data segment.
    const frame = Buffer.from(letter.raw, 'base64').toString('latin1');
    t.notMatch(frame, `PW=${PASSWORD}`, 'dead letter without the password');
    const parsed = parseDataSegment(frame.slice(6, -6));
    if (!parsed.ok) continue;
    const dataTime = parsed.packet.cp.DataTime;
    if (dataTime !== undefined) lettered.add(`${parsed.packet.mn ?? ''}|${Number(parseDataTime(dataTime, TIME_ZONE))}`);
  }
  const missing = bad.records.filter((x) => !lettered.has(`${x.mn}|${x.dataTimeMs}`));
  t.equal(missing.length, 0, `every refused reading has a dead-letter record with its raw frame (${bad.records.length} readings, ${letters.length} records)`);
  t.ok(letters.every((l) => l.reason.includes('field type conflict') && l.mn?.startsWith('BAD')), 'dead letters carry the MN and InfluxDB\'s reason, and only refused collectors have any');

  await reportFault({
    scenario: 'write refused (400 / 507)',
    readings: r.rec.readings,
    acked: r.rec.acked,
    stored: r.rec.stored,
    duplicated: r.rec.duplicated,
    lost: r.rec.lost,
    retransmits: r.load.stats.counters.retransmits + bad.stats.counters.retransmits,
    'fault s': Math.round((r.window.end - r.window.start) / 100) / 10,
    'recovery s': r.recoveryS,
    note: `plus ${badRec.readings} refused readings: 0 acked, 0 stored, ${letters.length} dead letters (one per attempt); 507 for ${DISK_FULL_S} s`,
  });
});
