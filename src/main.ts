#!/usr/bin/env node
/**
 * Composition root: loadConfig(process.env) → start the roles (gateway | api | worker, all by default) → close
 * gracefully on SIGINT/SIGTERM. `node dist/src/main.js gateway` runs one role (argv[2] overrides HJ212_ROLES).
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { startRoles } from './roles/start-roles.js';

async function main(): Promise<void> {
  const env = { ...process.env };
  if (process.argv[2]) env.HJ212_ROLES = process.argv[2];
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const running = await startRoles(config, logger, metrics);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: stop accepting, finish storing, ack, close');
    const force = setTimeout(() => {
      logger.error('graceful shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
