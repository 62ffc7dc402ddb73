/**
 * Everything one fault scenario runs against: private Redis + InfluxDB, the gateway role as a child process on a
 * fixed free TCP port (so collectors reconnect to the same address after a restart), optionally the worker role,
 * and the registered devices. `close()` ends every process and removes the directory, also after a failure.
 */
import { Redis } from 'ioredis';
import { newDevice } from '../../../src/domain/device-defaults.js';
import { createRedisRegistry } from '../../../src/storage/redis/registry.js';
import { freePort, startPrivateServices, type PrivateServices } from './private-services.js';
import { PASSWORD } from './readings-load.js';
import { startRole, type RoleProcess } from './role-process.js';
import { storedPoints } from './reconcile.js';

export const DATABASE = 'faults';
export const PREFIX = 'hj212:';

export interface FaultStack {
  services: PrivateServices;
  tcpPort: number;
  redis: Redis;
  gateway: RoleProcess;
  /** Starts (or restarts) the gateway child; `env` overrides, e.g. an InfluxDB proxy URL. */
  startGateway(env?: Record<string, string>): Promise<RoleProcess>;
  startWorker(tag?: string): Promise<RoleProcess>;
  registerDevices(mns: readonly string[]): Promise<void>;
  /** Points per `mn|DataTime` in a measurement of the scenario's database. */
  points(measurement: string): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** `deferGateway`: the scenario starts the gateway itself (e.g. once a proxy in front of InfluxDB is up). */
export async function startFaultStack(name: string, opts: { gatewayEnv?: Record<string, string>; deferGateway?: boolean } = {}): Promise<FaultStack> {
  const services = await startPrivateServices(name);
  const processes: RoleProcess[] = [];
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  const tcpPort = await freePort();
  const base = {
    HJ212_REDIS_URL: services.redisUrl,
    HJ212_REDIS_PREFIX: PREFIX,
    // Check jobs at once, so a drained queue (waiting + active) means every check ran.
    HJ212_CHECK_DELAY_S: '0',
    HJ212_INFLUX_URL: services.influxUrl,
    HJ212_INFLUX_DATABASE: DATABASE,
  };
  let lastGatewayEnv = opts.gatewayEnv ?? {};
  const stack: FaultStack = {
    services,
    tcpPort,
    redis,
    gateway: undefined as unknown as RoleProcess,
    async startGateway(env = lastGatewayEnv) {
      lastGatewayEnv = env;
      const p = await startRole('gateway', { ...base, HJ212_TCP_PORT: String(tcpPort), HJ212_HTTP_PORT: String(await freePort()), HJ212_INSTANCE_ID: 'gw-faults', ...env }, services.dir, `gateway-${processes.length}`);
      processes.push(p);
      stack.gateway = p;
      return p;
    },
    async startWorker(tag = `worker-${processes.length}`) {
      const p = await startRole('worker', { ...base, HJ212_HTTP_PORT: String(await freePort()) }, services.dir, tag);
      processes.push(p);
      return p;
    },
    async registerDevices(mns) {
      const registry = createRedisRegistry({ redis, prefix: PREFIX });
      for (const mn of mns) await registry.put(newDevice({ mn, password: PASSWORD }));
      await registry.close();
    },
    points: (measurement) => storedPoints(services.influxUrl, DATABASE, measurement),
    async close() {
      for (const p of processes) await p.kill9();
      redis.disconnect();
      await services.close();
    },
  };
  try {
    if (!opts.deferGateway) await stack.startGateway();
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}
