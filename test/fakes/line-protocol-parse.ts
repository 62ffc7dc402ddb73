/** Line protocol back into points, for fakes that store what the InfluxDB writer would send (test-only). */
import type { SeriesPoint } from '../../src/domain/series-point.js';

/** Split `text` at `sep` outside double quotes, honouring backslash escapes. */
function split(text: string, sep: string, max = Infinity): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + (text[++i] as string);
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted && out.length < max - 1) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
const unescapeName = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => CONTROL[c] ?? c);

function value(text: string): number | string | boolean {
  if (text.startsWith('"')) return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (text === 'true' || text === 'false') return text === 'true';
  return Number(text);
}

export function parseLines(body: string): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const line of body.split('\n')) {
    if (line === '') continue;
    const [head = '', fieldText = '', time = ''] = split(line, ' ', 3);
    const [measurement = '', ...tagPairs] = split(head, ',');
    const tags: Record<string, string> = {};
    for (const pair of tagPairs) {
      const [k = '', v = ''] = split(pair, '=', 2);
      tags[unescapeName(k)] = unescapeName(v);
    }
    const fields: SeriesPoint['fields'] = {};
    for (const pair of split(fieldText, ',')) {
      const [k = '', v = ''] = split(pair, '=', 2);
      fields[unescapeName(k)] = value(v);
    }
    points.push({ measurement: unescapeName(measurement), tags, fields, timeMs: Number(time) });
  }
  return points;
}
