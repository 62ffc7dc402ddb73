/**
 * The benchmark baseline (benchmarks/baseline/minimal-gateway.ts) must be a fair store-then-ack gateway: it sends the
 * 9014 only once InfluxDB answered the write, and what it wrote is readable in InfluxDB. Behaviour only, no timings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { createFramer, encodeFrame, parseFrame, uploadPacket } from '../../protocol/index.js';
import { startMinimalGateway } from '../../benchmarks/baseline/minimal-gateway.js';
import { freshDatabase, influxUrl } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

const frame = (qn: string): Uint8Array =>
  encodeFrame(uploadPacket({ st: '32', pw: '123456', mn: 'MINIMAL0000001', qn, ack: true }, '2011', { dataTime: '20240101000000', factors: [{ code: 'w01018', rtd: '12.5', flag: 'N' }] }));

/** A client that collects the CNs of the frames the gateway sends back. */
async function client(port: number): Promise<{ replies: string[]; send(b: Uint8Array): void; close(): void }> {
  const replies: string[] = [];
  const framer = createFramer({ onFrame: (f) => void (parseFrame(f).ok && replies.push((parseFrame(f) as { packet: { cn: string } }).packet.cn)) });
  const socket = connect(port, '127.0.0.1');
  socket.on('data', (d) => framer.push(d));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { replies, send: (b) => socket.write(b), close: () => socket.destroy() };
}

t.test('the 9014 goes out only after the write answered', async (t) => {
  const held: Array<{ body: string; res: ServerResponse }> = [];
  const influx = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => held.push({ body, res }));
  });
  await new Promise<void>((resolve) => influx.listen(0, '127.0.0.1', resolve));
  const address = influx.address();
  const gateway = await startMinimalGateway({ influxUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, database: 'x' });
  const c = await client(gateway.port);
  t.teardown(async () => {
    c.close();
    await gateway.close();
    influx.closeAllConnections();
    await new Promise((resolve) => influx.close(resolve));
  });
  c.send(frame('20240101000000001'));
  await waitFor(() => held.length === 1, 'the write reached InfluxDB');
  t.match(held[0]!.body, /^realtime,factor=w01018,mn=MINIMAL0000001 rtd=12.5,flag="N" \d+$/, 'one line per factor');
  t.same(c.replies, [], 'no ack while the write is unanswered');
  t.equal(gateway.acked, 0);
  held[0]!.res.writeHead(204).end();
  await waitFor(() => c.replies.length === 1, 'the ack after the write');
  t.same(c.replies, ['9014']);
});

t.test('a failed write is not acked', async (t) => {
  const influx = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(500).end('{"error":"x"}'));
  });
  let writes = 0;
  influx.on('request', () => writes++);
  await new Promise<void>((resolve) => influx.listen(0, '127.0.0.1', resolve));
  const address = influx.address();
  const gateway = await startMinimalGateway({ influxUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, database: 'x' });
  const c = await client(gateway.port);
  t.teardown(async () => {
    c.close();
    await gateway.close();
    influx.closeAllConnections();
    await new Promise((resolve) => influx.close(resolve));
  });
  c.send(frame('20240101000000002'));
  await waitFor(() => writes === 1 && gateway.frames === 1, 'the write was refused');
  // A second frame's write completes the first request's handling in order: still no ack for either.
  c.send(frame('20240101000000003'));
  await waitFor(() => writes === 2, 'the second write was refused');
  t.same(c.replies, []);
  t.equal(gateway.acked, 0);
});

t.test('against real InfluxDB the acked reading is stored', async (t) => {
  const database = freshDatabase();
  const query = async (q: string): Promise<string> => (await fetch(`${influxUrl()}/query?db=${database}`, { method: 'POST', body: new URLSearchParams({ q }) })).text();
  await query(`CREATE DATABASE "${database}"`);
  const gateway = await startMinimalGateway({ influxUrl: influxUrl(), database });
  const c = await client(gateway.port);
  t.teardown(async () => {
    c.close();
    await gateway.close();
    await query(`DROP DATABASE "${database}"`);
  });
  c.send(frame('20240101000000004'));
  await waitFor(() => c.replies.length === 1, 'the ack');
  t.same(c.replies, ['9014']);
  t.match(await query('SELECT rtd FROM realtime WHERE mn = \'MINIMAL0000001\''), /12\.5/);
});
