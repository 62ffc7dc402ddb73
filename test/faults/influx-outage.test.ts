/**
 * InfluxDB stopped under load for HJ212_FAULT_OUTAGE_S seconds (default 60; CI runs a short outage), then
 * restarted. While it is down nothing may be acked (ack only durable data), the gateway buffers what it accepted
 * and collectors keep retransmitting; after the restart the backlog is written, acked and nothing is doubled.
 */
import { setTimeout as hold } from 'node:timers/promises';
import t from 'tap';
import { waitFor } from '../helpers/wait.js';
import { startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { acksBetween } from './lib/reconcile.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

const OUTAGE_S = Number(process.env.HJ212_FAULT_OUTAGE_S ?? 60);
/**
 * An ack the gateway sent just before influxd exited may reach the collector a little later on a busy machine;
 * acks later than this after influxd is gone would have been sent without a durable write.
 */
const ACK_FLIGHT_MS = 2_000;

t.setTimeout(300_000 + OUTAGE_S * 3_000);

t.test(`InfluxDB stopped for ${OUTAGE_S} s under load and restarted`, async (t) => {
  const stack = await startFaultStack('influx-outage');
  t.teardown(() => stack.close());
  let down = 0;
  let bufferedDuringOutage = 0;
  const r = await runUnderLoad(t, stack, { collectors: 100, mnPrefix: 'INFX', ackedBefore: 500, ackedAfter: 500, waitMs: 60_000 + OUTAGE_S * 2_000 }, async () => {
    const start = Date.now();
    await stack.services.stopInflux();
    down = Date.now();
    await waitFor(async () => (bufferedDuringOutage = await stack.gateway.metric('hj212_buffered_points')) > 0, 'points buffered in the gateway', 30_000);
    // The outage itself: a fault of a fixed length, not a synchronisation.
    await hold(Math.max(0, start + OUTAGE_S * 1000 - Date.now()));
    const end = Date.now();
    await stack.services.startInflux();
    return { start, end };
  });
  const acksWhileDown = acksBetween(r.load.records, down + ACK_FLIGHT_MS, r.window.end);
  t.equal(acksWhileDown, 0, 'no 9014 while InfluxDB was down');
  t.ok(bufferedDuringOutage > 0, `the gateway held the unwritten points (${bufferedDuringOutage})`);
  t.equal(stack.gateway.exited, false, 'the gateway stayed up');
  assertNothingLost(t, r);
  await reportFault(faultRow('InfluxDB outage', r, `${acksWhileDown} acks while down; ${bufferedDuringOutage} points buffered; HJ212_FAULT_OUTAGE_S=${OUTAGE_S}`));
});
