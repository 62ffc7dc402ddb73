/**
 * kill -9 of the gateway process under load, then a restart on the same port. Frames the gateway had accepted but
 * not yet written die with it; they were never acked, so the collectors retransmit them after reconnecting.
 */
import t from 'tap';
import { waitFor } from '../helpers/wait.js';
import { startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

t.setTimeout(300_000);

t.test('gateway killed with -9 under load and restarted', async (t) => {
  const stack = await startFaultStack('gateway-kill');
  t.teardown(() => stack.close());
  let pendingAtKill = 0;
  const r = await runUnderLoad(t, stack, { collectors: 100, mnPrefix: 'KILL', ackedBefore: 500, ackedAfter: 500 }, async (load) => {
    // Collectors upload in step, so the ack that triggers the fault may have answered every frame of a round; the
    // kill waits for the next round to be in flight (unacked frames are what a crash must not lose).
    const unacked = (): number => load.records.filter((x) => x.outcome === undefined).length;
    await waitFor(() => unacked() > 0, 'frames in flight');
    pendingAtKill = unacked();
    const start = Date.now();
    await stack.gateway.kill9();
    await stack.startGateway();
    return { start, end: Date.now() };
  });
  t.ok(pendingAtKill > 0, `readings were in flight when the gateway died (${pendingAtKill})`);
  assertNothingLost(t, r);
  await reportFault(faultRow('gateway kill -9', r, `100 collectors, ${pendingAtKill} readings awaiting their 9014 at the kill; restart on the same port`));
});
