/**
 * The string-building InfluxDB mapping of an upload as it was before src/storage/influx/upload-lines.ts wrote bytes
 * (kept as the reference the byte writer must equal, byte for byte: test/storage/upload-lines.test.ts).
 */
import type { FactorReading } from '../../protocol/index.js';
import type { UploadRecord } from '../../src/domain/ports.js';
import { CN_FIELD, INVALID_FIELD, NUMERIC_FIELD_OF_CP as NUMERIC_FIELDS, PARAMS_FIELD, RAW_FIELD, STRING_FIELD_OF_CP as STRING_FIELDS, TAG } from '../../src/domain/reading-schema.js';
import { LineProtocolError, escapeKey, escapeMeasurement, formatString } from '../../src/storage/influx/line-protocol.js';
import { numberText, paramsText } from '../../src/storage/influx/upload-lines.js';

const SCHEMA = { factorTag: TAG.factor, mnTag: TAG.mn, stTag: TAG.st, raw: RAW_FIELD, invalid: INVALID_FIELD, cn: CN_FIELD, params: PARAMS_FIELD } as const;

/**
 * The verbatim group of each factor as the collector sent it, in wire order, e.g. `Cou=1.23,Min=20.1,Flag=N`, so
 * nothing the device said is lost or reordered. CP keys keep their wire order (`Packet.cp`); a key `code-Suffix`
 * belongs to the factor before its last `-`, as in `readCp` (HJ212-2017 6.6.3).
 */
function rawGroups(cp: Readonly<Record<string, string>>): Map<string, string> {
  const groups = new Map<string, string>();
  for (const key of Object.keys(cp)) {
    const dash = key.lastIndexOf('-');
    if (dash < 0) continue;
    const code = key.slice(0, dash);
    const pair = `${key.slice(dash + 1)}=${cp[key]!}`;
    const before = groups.get(code);
    groups.set(code, before === undefined ? pair : `${before},${pair}`);
  }
  return groups;
}

function readingFields(reading: FactorReading, raw: string): string {
  let out = '';
  for (const [key, name] of NUMERIC_FIELDS) {
    const v = reading[key];
    if (typeof v !== 'string') continue;
    const text = numberText(v);
    if (text !== undefined) out += `${out === '' ? '' : ','}${name}=${text}`;
  }
  for (const [key, name] of STRING_FIELDS) {
    const v = reading[key];
    if (typeof v === 'string') out += `${out === '' ? '' : ','}${name}=${formatString(v)}`;
  }
  out += `${out === '' ? '' : ','}${SCHEMA.raw}=${formatString(raw)}`;
  if (!reading.valid) out += `,${SCHEMA.invalid}=true`;
  return out;
}

/** ` st=<st>` tag text (sorted after factor and mn), empty when the frame had no ST. */
const tagText = (name: string, value: string, what: string): string => (value === '' ? '' : `,${name}=${escapeKey(value, what)}`);

/**
 * The upload's lines (one per factor, or one trace line for an upload without factors), newline-separated, with a
 * millisecond timestamp (write with `precision=ms`) and the number of lines.
 * @throws LineProtocolError when a name cannot be represented (empty, or a backslash before a separator or at the end).
 */
export function referenceUploadLines(u: UploadRecord): { text: string; lines: number } {
  if (!Number.isFinite(u.timeMs)) throw new LineProtocolError(`timestamp is not finite: ${u.timeMs}`);
  const time = ` ${Math.trunc(u.timeMs)}`;
  const measurement = escapeMeasurement(u.kind);
  const tail = `${tagText(SCHEMA.mnTag, u.mn, 'tag value')}${tagText(SCHEMA.stTag, u.st, 'tag value')}`;
  const { factors } = u.cp;
  if (factors.length === 0) {
    // Heartbeats, restart notices and empty uploads still leave a trace that the collector spoke.
    const params = paramsText(u.cp.params);
    const fields = `${SCHEMA.cn}=${formatString(u.cn)}${params === '' ? '' : `,${SCHEMA.params}=${formatString(params)}`}`;
    return { text: `${measurement}${tail} ${fields}${time}`, lines: 1 };
  }
  const raw = rawGroups(u.wire);
  let text = '';
  for (const reading of factors) {
    // Tag keys in sorted order (factor, mn, st), as InfluxDB's own clients send them.
    const line = `${measurement}${tagText(SCHEMA.factorTag, reading.code, 'tag value')}${tail} ${readingFields(reading, raw.get(reading.code) ?? '')}${time}`;
    text += text === '' ? line : `\n${line}`;
  }
  return { text, lines: factors.length };
}
