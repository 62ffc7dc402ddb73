/**
 * 10,000 connections opened at once and dropped together, while collectors upload. Spread over 20 loopback source
 * addresses so the per-IP cap (1,000 by default) is not what refuses them. The test process and the gateway child
 * each hold ~10,000 descriptors at the peak, well under the 20,000 per-process cap. The gateway must take them,
 * release them, and keep acking (and storing) the real collectors' readings.
 */
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { waitFor } from '../helpers/wait.js';
import { startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

const STORM = Number(process.env.HJ212_FAULT_STORM_CONNECTIONS ?? 10_000);
const SOURCES = 20;
/** Connection attempts in flight at once: more only fills the listen backlog. */
const CONCURRENCY = 256;
const MB = 1024 * 1024;

function open(port: number, i: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % SOURCES)}` });
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(undefined));
  });
}

t.setTimeout(300_000);

t.test(`${STORM} connections opened and dropped in a storm under load`, async (t) => {
  const stack = await startFaultStack('connection-storm');
  t.teardown(() => stack.close());
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  let failed = 0;
  let peak = 0;
  let rssBefore = 0;
  let rssPeak = 0;
  let drainedS = 0;
  const r = await runUnderLoad(t, stack, { collectors: 20, mnPrefix: 'STRM' }, async (load) => {
    rssBefore = stack.gateway.rss();
    const start = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < STORM) {
          const s = await open(stack.tcpPort, next++);
          if (s) {
            s.on('error', () => undefined);
            sockets.push(s);
          } else failed++;
        }
      }),
    );
    await waitFor(async () => (peak = await stack.gateway.metric('hj212_connections')) >= sockets.length, 'the gateway holds every storm connection', 120_000);
    rssPeak = stack.gateway.rss();
    for (const s of sockets.splice(0)) s.destroy();
    const end = Date.now();
    await waitFor(async () => (await stack.gateway.metric('hj212_connections')) <= load.mns.length, 'storm connections released', 120_000);
    drainedS = Math.round((Date.now() - end) / 100) / 10;
    return { start, end };
  });
  t.equal(failed, 0, `all ${STORM} storm connections were accepted`);
  t.ok(peak >= STORM, `the gateway held ${peak} connections at the peak`);
  t.equal(stack.gateway.exited, false, 'the gateway stayed up');
  assertNothingLost(t, r);
  await reportFault(faultRow('connection storm', r, `${STORM} connections (peak ${peak}), gateway RSS ${Math.round(rssBefore / MB)} → ${Math.round(rssPeak / MB)} MB; recovery = until released`, drainedS));
});
