/**
 * Where the real services for integration tests are. `npm test` (scripts/test.sh) starts Redis, InfluxDB 1.x and
 * VictoriaMetrics on test ports and exports these variables; each test file takes a fresh key prefix / database.
 */
import { randomBytes } from 'node:crypto';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\` (scripts/test.sh starts the services)`);
  return v;
}

export const redisUrl = (): string => required('HJ212_TEST_REDIS_URL');
export const influxUrl = (): string => required('HJ212_TEST_INFLUX_URL');
export const vmUrl = (): string => required('HJ212_TEST_VM_URL');

/** A unique Redis key prefix for one test file, e.g. `t_3f9a1c:`. */
export function freshPrefix(): string {
  return `t_${randomBytes(4).toString('hex')}:`;
}

/** A unique InfluxDB database name for one test file. */
export function freshDatabase(): string {
  return `t_${randomBytes(4).toString('hex')}`;
}
