/**
 * Configuration: parsed once from the environment by zod, frozen, handed down as typed slices.
 * Nothing else reads process.env. Every problem is listed at start (fail fast).
 *
 * src/config/env-schema.ts: every HJ212_* variable with its default; tuning.ts: defaults without a variable;
 * types.ts: the Config slices; load.ts: parsing the environment into a Config.
 */
export { envSchema, type Env } from './config/env-schema.js';
export { TUNING } from './config/tuning.js';
export { ConfigError, type AccountSettings, type Config, type DefenceLimits, type InfluxConfig, type LoginLimits, type StorageLimits } from './config/types.js';
export { defaultLimits, DEFAULT_CONFIG, loadConfig } from './config/load.js';
