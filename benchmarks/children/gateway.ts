/**
 * The gateway role alone in its own process, for the multi-process benchmarks. Config from the environment (as
 * `npm start`); prints `READY <port>` on stdout, then answers `rss` on stdin with `RSS <bytes> <connections> <cpu µs>`
 * (user + system CPU time so far: on a shared machine CPU per frame is steadier than frames per second) and exits on
 * `quit` after a graceful close. The RSS line ends with `<check jobs added> <distinct check job ids>`: every job
 * handed to BullMQ's addBulk (an add of an id already waiting is a no-op in Redis but still a script call and its
 * traffic), counted by wrapping addBulk in this benchmark process only. `HJ212_BENCH_TRACE=1` adds a line to stderr every
 * 500 ms (trace.ts); `HJ212_BENCH_ALLOC=<dir>` writes an allocation profile on quit (alloc.ts).
 */
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { startGatewayRole } from '../../src/roles/gateway-role.js';
import { startAllocSampling } from './alloc.js';
import { startTrace } from './trace.js';

let jobsAdded = 0;
const jobIds = new Set<string>();
const addBulk = Queue.prototype.addBulk;
Queue.prototype.addBulk = function (this: Queue, jobs: Parameters<Queue['addBulk']>[0]) {
  jobsAdded += jobs.length;
  for (const j of jobs) if (j.opts?.jobId !== undefined) jobIds.add(j.opts.jobId);
  return addBulk.call(this, jobs);
} as Queue['addBulk'];

const alloc = process.env.HJ212_BENCH_ALLOC ? startAllocSampling(process.env.HJ212_BENCH_ALLOC) : undefined;
const config = loadConfig({ ...process.env, HJ212_ROLES: 'gateway', HJ212_LOG_LEVEL: process.env.HJ212_LOG_LEVEL ?? 'silent' });
const metrics = createMetrics({ defaults: false });
const role = await startGatewayRole(config, createLogger(config.logLevel), metrics);
process.stdout.write(`READY ${role.port}\n`);
if (process.env.HJ212_BENCH_TRACE) startTrace(metrics, () => role.gateway.connectionCount);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') {
    globalThis.gc?.();
    const cpu = process.cpuUsage();
    process.stdout.write(`RSS ${process.memoryUsage().rss} ${role.gateway.connectionCount} ${cpu.user + cpu.system} ${jobsAdded} ${jobIds.size}\n`);
  } else if (line === 'quit') {
    await role.close();
    await alloc?.stop();
    process.exit(0);
  }
}
