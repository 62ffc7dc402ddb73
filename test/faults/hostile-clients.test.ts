/**
 * Hostile clients beside real collectors: a slow-loris client that trickles an unfinished frame, and a client that
 * sends 10 MB without a frame end. The gateway closes both (partial-frame timeout; no valid frame in 1 MiB), its
 * memory stays bounded, and the collectors' readings are acked and stored as if nothing happened.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as pace } from 'node:timers/promises';
import t from 'tap';
import { startFaultStack } from './lib/fault-stack.js';
import { reportFault } from './lib/fault-report.js';
import { assertNothingLost, faultRow, runUnderLoad } from './lib/under-load.js';

const PARTIAL_FRAME_TIMEOUT_MS = 3_000;
const FLOOD_BYTES = 10 * 1024 * 1024;
const MB = 1024 * 1024;

function openClient(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((res) => socket.once('close', () => res(Date.now())));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** A frame start with a plausible length, then one byte every 200 ms: never finishes. */
async function slowLoris(port: number): Promise<{ openS: number; bytes: number }> {
  const { socket, closed } = await openClient(port);
  const start = Date.now();
  let open = true;
  void closed.then(() => (open = false));
  socket.write('##0100');
  let bytes = 6;
  while (open) {
    socket.write('Q');
    bytes++;
    await pace(200);
  }
  return { openS: Math.round(((await closed) - start) / 100) / 10, bytes };
}

/** `##9999` then 10 MB of `A` (no `##`, no CRLF), written as fast as the socket drains, until the gateway closes it. */
async function flood(port: number): Promise<{ written: number; cutOff: boolean; openS: number }> {
  const { socket, closed } = await openClient(port);
  const start = Date.now();
  let open = true;
  void closed.then(() => (open = false));
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let written = 0;
  socket.write('##9999');
  while (open && written < FLOOD_BYTES) {
    written += chunk.length;
    if (!socket.write(chunk)) await new Promise((resolve) => (socket.once('drain', resolve), closed.then(resolve)));
  }
  const cutOff = !open;
  if (open) socket.end();
  const openS = Math.round(((await closed) - start) / 100) / 10;
  return { written, cutOff, openS };
}

t.setTimeout(300_000);

t.test('slow-loris and a 10 MB frame without an end beside uploading collectors', async (t) => {
  const stack = await startFaultStack('hostile-clients', { gatewayEnv: { HJ212_PARTIAL_FRAME_TIMEOUT_MS: String(PARTIAL_FRAME_TIMEOUT_MS) } });
  t.teardown(() => stack.close());
  let loris = { openS: 0, bytes: 0 };
  let flooded = { written: 0, cutOff: false, openS: 0 };
  let rssBefore = 0;
  let rssAfter = 0;
  const r = await runUnderLoad(t, stack, { collectors: 20, mnPrefix: 'HOST' }, async () => {
    rssBefore = stack.gateway.rss();
    const start = Date.now();
    [loris, flooded] = await Promise.all([slowLoris(stack.tcpPort), flood(stack.tcpPort)]);
    rssAfter = stack.gateway.rss();
    return { start, end: Date.now() };
  });
  t.ok(loris.openS * 1000 >= PARTIAL_FRAME_TIMEOUT_MS, `the slow-loris client was closed after the partial-frame timeout (${loris.openS} s, ${loris.bytes} bytes)`);
  t.ok(flooded.cutOff, `the gateway closed the flooding connection before its 10 MB were sent (${Math.round(flooded.written / 1024)} KiB written in ${flooded.openS} s)`);
  t.ok(rssAfter - rssBefore < 64 * MB, `gateway memory stayed bounded (RSS ${Math.round(rssBefore / MB)} → ${Math.round(rssAfter / MB)} MB)`);
  t.equal(stack.gateway.exited, false, 'the gateway stayed up');
  t.ok((await stack.gateway.metric('hj212_discarded_bytes_total')) > MB, 'the flood was discarded as junk');
  assertNothingLost(t, r);
  await reportFault(faultRow('slow-loris + 10 MB flood', r, `slow-loris closed after ${loris.openS} s; flood closed after ${Math.round(flooded.written / 1024)} KiB sent (${flooded.openS} s); RSS ${Math.round(rssBefore / MB)} → ${Math.round(rssAfter / MB)} MB`, 0));
});
