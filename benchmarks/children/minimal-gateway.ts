/**
 * The minimal store-then-ack gateway (benchmarks/baseline/minimal-gateway.ts) in its own process, speaking the same
 * stdin/stdout lines as children/gateway.ts: `READY <port>`, then `rss` → `RSS <bytes> <connections> <cpu µs> 0 0`.
 * Config from HJ212_TCP_HOST, HJ212_INFLUX_URL, HJ212_INFLUX_DATABASE.
 */
import { createInterface } from 'node:readline';
import { startMinimalGateway } from '../baseline/minimal-gateway.js';

const gateway = await startMinimalGateway({
  host: process.env.HJ212_TCP_HOST ?? '127.0.0.1',
  port: 0,
  influxUrl: process.env.HJ212_INFLUX_URL ?? 'http://127.0.0.1:8086',
  database: process.env.HJ212_INFLUX_DATABASE ?? 'hj212',
});
process.stdout.write(`READY ${gateway.port}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') {
    globalThis.gc?.();
    const cpu = process.cpuUsage();
    process.stdout.write(`RSS ${process.memoryUsage().rss} ${gateway.connectionCount} ${cpu.user + cpu.system} 0 0\n`);
  } else if (line === 'quit') {
    await gateway.close();
    process.exit(0);
  }
}
