/**
 * The one table of command codes (CN) the gateway handles, by family (aedes keeps one handler per packet type the
 * same way). Every frame that passed admission goes to the handler of its family; a CN in no family is answered
 * 9011 "CN not handled".
 */
import { MEASUREMENT_BY_CN } from '../domain/reading-schema.js';

/** Data kind (= InfluxDB measurement) per upload CN: the reading schema's table (HJ212-2017 table 5, 2025 additions). */
const UPLOADS = MEASUREMENT_BY_CN;

/** CNs that answer a command we sent (HJ212-2017 6.4: 9011 request answer, 9012 execution result, get-* uploads). */
const COMMAND_ANSWERS = new Set(['9011', '9012', '1011', '1061', '1063', '3017', '3018', '3019', '3020']);
/** Notifications the host answers with 9013 (HJ212-2017 6.4.4; 2025 1001/1014). */
const NOTIFICATIONS = new Set(['1013', '1001', '1014', '9013']);

export type CnFamily = { family: 'upload'; kind: string } | { family: 'command-answer' } | { family: 'notification' } | { family: 'unhandled' };

const ANSWER: CnFamily = { family: 'command-answer' };
const NOTIFICATION: CnFamily = { family: 'notification' };
const UNHANDLED: CnFamily = { family: 'unhandled' };
const UPLOAD_FAMILIES = new Map<string, CnFamily>(Object.entries(UPLOADS).map(([cn, kind]) => [cn, { family: 'upload', kind }]));

/** The family of a CN; own table entries only (a CN `constructor` or `__proto__` is not an upload). */
export function familyOf(cn: string): CnFamily {
  return UPLOAD_FAMILIES.get(cn) ?? (COMMAND_ANSWERS.has(cn) ? ANSWER : NOTIFICATIONS.has(cn) ? NOTIFICATION : UNHANDLED);
}

/** Data kind of an upload CN, undefined for other CNs. */
export function uploadKind(cn: string): string | undefined {
  const f = UPLOAD_FAMILIES.get(cn);
  return f?.family === 'upload' ? f.kind : undefined;
}
