/**
 * Redis restarted under load (down for HJ212_FAULT_REDIS_DOWN_S, default 5 s). The gateway loses its registry,
 * dedupe keys, sessions and job queue connection for that time: frames it cannot admit get no ack and are
 * retransmitted; a retransmit whose dedupe lookup fails is written again, which InfluxDB turns into an overwrite
 * of the same point, never a second reading.
 */
import { setTimeout as hold } from 'node:timers/promises';
import t from 'tap';
import { startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

const DOWN_S = Number(process.env.HJ212_FAULT_REDIS_DOWN_S ?? 5);

t.setTimeout(300_000);

t.test(`Redis stopped for ${DOWN_S} s under load and restarted`, async (t) => {
  const stack = await startFaultStack('redis-restart');
  t.teardown(() => stack.close());
  const r = await runUnderLoad(t, stack, { collectors: 100, mnPrefix: 'REDS', ackedBefore: 500, ackedAfter: 500 }, async () => {
    const start = Date.now();
    await stack.services.stopRedis();
    // The outage itself: a fault of a fixed length, not a synchronisation.
    await hold(Math.max(0, start + DOWN_S * 1000 - Date.now()));
    const end = Date.now();
    await stack.services.startRedis();
    return { start, end };
  });
  t.equal(stack.gateway.exited, false, 'the gateway stayed up');
  t.notMatch(stack.gateway.log(), /Unhandled error event/, 'Redis connection errors went to the log, none unhandled');
  assertNothingLost(t, r);
  await reportFault(faultRow('Redis restart', r, `Redis down ${DOWN_S} s (AOF, shutdown + start on the same port)`));
});
