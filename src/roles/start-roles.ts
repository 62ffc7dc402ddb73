/** Starts the configured roles in one process and closes them in reverse order. */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { startGatewayRole } from './gateway-role.js';

export interface RunningRoles {
  close(): Promise<void>;
}

export async function startRoles(config: Config, logger: Logger, metrics: Metrics): Promise<RunningRoles> {
  const closers: Array<() => Promise<void>> = [];
  try {
    if (config.roles.has('gateway')) closers.push((await startGatewayRole(config, logger, metrics)).close);
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
