/**
 * Opens N idle collector connections to the gateway (each says one 2011 realtime upload without ack, as a
 * collector does after connecting, then stays silent) and holds them; prints `OPEN <n>` once all are open and
 * exits when stdin closes. Spread over loopback source addresses so each process stays far from the port range.
 */
import { connect, type Socket } from 'node:net';
import { encodeFrame, uploadPacket } from '../../protocol/index.js';
import { generateMn } from '../../src/sim/identity.js';

const [count = '1000', port = '5003', first = '0', prefix = 'IDLE'] = process.argv.slice(2);
const sockets: Socket[] = [];
let open = 0;
const n = Number(count);
await new Promise<void>((resolve) => {
  let started = 0;
  const startOne = (): void => {
    const i = Number(first) + started++;
    const s = connect({ host: '127.0.0.1', port: Number(port), localAddress: `127.0.0.${2 + (i % 200)}` });
    s.on('error', () => undefined);
    s.once('connect', () => {
      const mn = generateMn(prefix, i, 24);
      s.write(encodeFrame(uploadPacket({ st: '32', pw: '123456', mn, ack: false }, '2011', { dataTime: '20240101000000', factors: [{ code: 'w01018', rtd: '1.0', flag: 'N' }] })));
      if (++open === n) resolve();
      else if (started < n) startOne();
    });
    s.once('close', () => (open === n ? undefined : startOne()));
    sockets.push(s);
  };
  for (let k = 0; k < Math.min(200, n); k++) startOne();
});
process.stdout.write(`OPEN ${open}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
