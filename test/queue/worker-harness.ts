/**
 * End-to-end harness of the checks pipeline: the real gateway (test/helpers/gateway.ts), the real worker role on
 * the same Redis prefix and InfluxDB database, a catalog with one enterprise / site / point / item per collector,
 * and a scripted collector that uploads hour data and answers history requests.
 */
import { QueueEvents } from 'bullmq';
import { encodeFrame, execReply, formatDataTime, requestReply, uploadPacket, type Packet } from '../../protocol/index.js';
import type { Clock } from '../../src/domain/clock.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import type { MonitoringItem } from '../../src/domain/catalog.js';
import type { Device } from '../../src/domain/device.js';
import type { LedgerEntry, LedgerStore } from '../../src/domain/ledgers.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { bullPrefix, redisConnection } from '../../src/queue/producer.js';
import { startApiRole } from '../../src/roles/api-role.js';
import { startWorkerRole, type WorkerRole } from '../../src/roles/worker-role.js';
import type { CheckSettings } from '../../src/ledgers/check-settings.js';
import { createRedisCatalog } from '../../src/storage/redis/catalog.js';
import { createRedisLedgerStore } from '../../src/storage/redis/ledgers.js';
import { createRedisTokens } from '../../src/storage/redis/tokens.js';
import type { TestCollector } from '../helpers/collector.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

export const PW = '654321';
export const HOUR = 3_600_000;
export const TZ = 'Asia/Shanghai';

/** Settings that make a test run in seconds: no automatic scans, short time-outs. */
export const FAST: Partial<CheckSettings> = { scanEveryMs: 3_600_000, repullTimeoutMs: 20_000, repullBackoffMs: 60_000, rescanDelayMs: 200, replyPollMs: 50 };

export interface Harness {
  gw: TestGateway;
  ledgers: LedgerStore;
  clock: Clock & { set(ms: number): void };
  startWorker(settings?: Partial<CheckSettings>): Promise<WorkerRole>;
  /** One enterprise / site / point / COD hour item for the collector; `device` overrides registry fields (e.g. boundAt). */
  addCollector(mn: string, item: Partial<MonitoringItem>, device?: Partial<Device>): Promise<void>;
  /** Resolves once every job id has completed on queue `checks` since the harness started (fails on a failed job). */
  checksDone(ids: readonly string[]): Promise<void>;
  /** Same for queue `rollup`. */
  rollupsDone(ids: readonly string[]): Promise<void>;
  /** Check jobs completed so far. */
  completedChecks(): number;
  close(): Promise<void>;
}

export async function startHarness(now: number): Promise<Harness> {
  // Checks at once: these tests wait for check jobs by id (production delays them, HJ212_CHECK_DELAY_S).
  const gw = await startTestGateway({ HJ212_CHECK_DELAY_S: '0' });
  const prefix = gw.config.redis.prefix;
  const catalog = createRedisCatalog({ redis: gw.redis, prefix });
  const workers: WorkerRole[] = [];
  // Completed jobs, seen as BullMQ events (jobs are removed on completion, so they cannot be looked up later).
  const watch = async (queue: string): Promise<{ events: QueueEvents; completed: Set<string> }> => {
    const events = new QueueEvents(queue, { connection: redisConnection(gw.config.redis.url), prefix: bullPrefix(prefix) });
    await events.waitUntilReady();
    const completed = new Set<string>();
    events.on('completed', ({ jobId }) => completed.add(jobId));
    events.on('failed', ({ jobId, failedReason }) => failed.push(`${jobId}: ${failedReason}`));
    return { events, completed };
  };
  const failed: string[] = [];
  const checks = await watch(QUEUES.checks);
  const rollups = await watch(QUEUES.rollup);
  const done = (completed: Set<string>, ids: readonly string[]): Promise<void> =>
    waitFor(() => {
      if (failed.length > 0) throw new Error(`jobs failed: ${failed.join('; ')}`);
      return ids.every((id) => completed.has(id));
    }, `jobs ${ids.join(', ')}`, 30_000);
  let time = now;
  const clock = { now: () => time, set: (ms: number) => void (time = ms) };
  const at = new Date(0).toISOString();
  const record = { enabled: true, createdAt: at, updatedAt: at };
  return {
    gw,
    ledgers: createRedisLedgerStore({ redis: gw.redis, prefix }),
    clock,
    async startWorker(settings = {}) {
      const role = await startWorkerRole(gw.config, createLogger('silent'), createMetrics({ defaults: false }), { clock, settings: { ...FAST, ...settings } });
      workers.push(role);
      return role;
    },
    async addCollector(mn, item, device = {}) {
      const ids = { enterpriseId: `ent-${mn}`, siteId: `site-${mn}`, pointId: `point-${mn}` };
      await catalog.putEnterprise({ id: ids.enterpriseId, name: `Enterprise ${mn}`, ...record });
      await catalog.putSite({ id: ids.siteId, enterpriseId: ids.enterpriseId, name: 'Site', ...record });
      await catalog.putPoint({ id: ids.pointId, enterpriseId: ids.enterpriseId, siteId: ids.siteId, name: 'Outfall', st: '32', ...record });
      await catalog.putItem({ id: `item-${mn}`, ...ids, factor: 'w01018', mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }], ...record, ...item });
      await gw.registry.put({ ...newDevice({ mn, password: PW }), ...ids, ...device });
    },
    checksDone: (ids) => done(checks.completed, ids),
    rollupsDone: (ids) => done(rollups.completed, ids),
    completedChecks: () => checks.completed.size,
    async close() {
      await checks.events.close();
      await rollups.events.close();
      for (const w of workers) await w.close().catch(() => undefined);
      await gw.close();
    },
  };
}

let sequence = 0;

/** Hour data frame of `mn` for the hour starting at `ms` (DataTime = start of the hour, local), with a fresh QN. */
export function hourFrame(mn: string, ms: number, avg: string, flag = 'N'): { qn: string; frame: Uint8Array } {
  const qn = `${formatDataTime(ms, TZ)}${String(sequence++ % 1000).padStart(3, '0')}`;
  const frame = encodeFrame(uploadPacket({ st: '32', pw: PW, mn, qn }, '2061', { dataTime: formatDataTime(ms, TZ), factors: [{ code: 'w01018', avg, flag }] }));
  return { qn, frame };
}

/** Upload hour data and wait for each 9014 (the data is durable then). */
export async function uploadHours(c: TestCollector, mn: string, hours: ReadonlyArray<{ ms: number; avg?: string; flag?: string }>): Promise<void> {
  for (const h of hours) {
    const { qn, frame } = hourFrame(mn, h.ms, h.avg ?? '50', h.flag);
    c.send(frame);
    await c.next((p) => p.cn === '9014' && p.qn === qn, 10_000);
  }
}

/**
 * Answer the next history request: 9011 QnRtn=1, the hours the collector still has (each acked), 9012 `exeRtn`.
 * Resolves with the request.
 */
export async function answerHistory(c: TestCollector, mn: string, have: (begin: string, end: string) => Array<{ ms: number; avg?: string }>, exeRtn = '1'): Promise<Packet> {
  const req = await c.next((p) => p.cn === '2061', 30_000);
  c.send(encodeFrame(requestReply(req, '1')));
  await uploadHours(c, mn, have(req.cp.BeginTime ?? '', req.cp.EndTime ?? ''));
  c.send(encodeFrame(execReply(req, exeRtn)));
  return req;
}

/** Entries of a type for a collector, by id. */
export async function entriesOf(ledgers: LedgerStore, type: LedgerEntry['type'], mn: string): Promise<LedgerEntry[]> {
  return (await ledgers.list({ type, mn, limit: 1000 })).items;
}

/** Hours since `base` of entries' periods. */
export function hoursOf(entries: ReadonlyArray<{ periodStart: number }>, base: number): number[] {
  return entries.map((e) => (e.periodStart - base) / HOUR);
}

/** The production API role beside a harness, with an enterprise token (of `ent-<mn>`) and a regulator token. */
export interface HarnessApi {
  /** Call the API over HTTP with a token secret; the JSON answer and status. */
  call(secret: string, method: string, path: string, payload?: object): Promise<{ status: number; json: Record<string, unknown> }>;
  enterprise: string;
  regulator: string;
  close(): Promise<void>;
}

/** Start the API role on the harness's Redis prefix and InfluxDB database, on an ephemeral port. */
export async function startHarnessApi(h: Harness, mn: string): Promise<HarnessApi> {
  const config: Config = { ...h.gw.config, http: { ...h.gw.config.http, host: '127.0.0.1', port: 0 } };
  const api = await startApiRole(config, createLogger('silent'), createMetrics({ defaults: false }));
  const tokens = createRedisTokens({ redis: h.gw.redis, prefix: h.gw.config.redis.prefix });
  const enterprise = (await tokens.create({ name: 'operator', role: 'enterprise', enterpriseId: `ent-${mn}`, main: true, createdBy: 'test' })).secret;
  const regulator = (await tokens.create({ name: 'inspector', role: 'regulator', main: false, createdBy: 'test' })).secret;
  return {
    enterprise,
    regulator,
    async call(secret, method, path, payload) {
      const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
        body: payload ? JSON.stringify(payload) : undefined,
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    close: () => api.close(),
  };
}
