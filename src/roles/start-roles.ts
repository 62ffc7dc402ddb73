/** Starts the configured roles in one process and closes them in reverse order (API first, gateway last flushes). */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { startApiRole } from './api-role.js';
import { startGatewayRole } from './gateway-role.js';
import { startMetricsServer } from './metrics-server.js';
import { startWorkerRole } from './worker-role.js';

export interface RunningRoles {
  close(): Promise<void>;
}

export async function startRoles(config: Config, logger: Logger, metrics: Metrics): Promise<RunningRoles> {
  const closers: Array<() => Promise<void>> = [];
  try {
    if (config.roles.has('gateway')) closers.push((await startGatewayRole(config, logger, metrics)).close);
    if (config.roles.has('worker')) closers.push((await startWorkerRole(config, logger, metrics)).close);
    if (config.roles.has('api')) closers.push((await startApiRole(config, logger, metrics)).close);
    else closers.push((await startMetricsServer(metrics, config.http.host, config.http.port)).close);
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
  return {
    async close() {
      for (const close of [...closers].reverse()) await close();
    },
  };
}
