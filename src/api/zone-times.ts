/**
 * One rule for times in answers (docs/api.md "Time zones"): no answer carries a UTC `Z` time. Registry records,
 * tokens, audit entries, pending devices and ledgers show instants with the offset of the platform zone
 * (HJ212_TIME_ZONE, default Asia/Shanghai: `+08:00`); readings and status use the collector's zone (`tz` overrides).
 * Stores keep UTC (`toISOString()`); this hook rewrites every UTC ISO 8601 string of a JSON answer on the way out,
 * so no route can forget it.
 */
import type { FastifyInstance } from 'fastify';
import { formatInZone } from './time.js';

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** `value` with every UTC ISO string (at any depth) shown in `timeZone`; other values unchanged. */
export function inZone(value: unknown, timeZone: string): unknown {
  if (typeof value === 'string') return UTC_ISO.test(value) ? formatInZone(Date.parse(value), timeZone) : value;
  if (Array.isArray(value)) return value.map((v) => inZone(v, timeZone));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = inZone(v, timeZone);
    return out;
  }
  return value;
}

/** Rewrite UTC times of every object answer (strings and streams, e.g. readings and CSV, pass untouched). */
export function registerZoneTimes(app: FastifyInstance, timeZone: string): void {
  app.addHook('preSerialization', async (_req, _reply, payload) => inZone(payload, timeZone));
}
