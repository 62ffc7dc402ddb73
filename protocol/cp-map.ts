/**
 * The flat CP map of a parse (key → verbatim value, in wire order; cp-pairs.ts). Built with plain keyed stores, V8
 * keeps an object in fast mode only up to about 20 properties added that way: a 2051 minute upload (10 factors ×
 * Cou/Min/Avg/Max/Flag) became a dictionary, ~5 KB built per frame and read by readCp's for-in without an enum
 * cache. A key sequence met a second time gets a template (a fast-mode object of those keys, made by JSON.parse,
 * which does not fall back to a dictionary); its maps are then copies of the template, values stored over its own.
 */
import { PlainRecord, setKey } from './own.js';

/** What the map needs of a CP key entry (cp-pairs.ts KeyEntry): the key, and its slot (stable while it lives). */
export interface MapKey {
  key: string;
  slot: number;
}

/**
 * Maps of fewer keys are built by keyed stores alone (as fast as a copy, and never a dictionary); of more than
 * TEMPLATE_MAX too, so that the templates hold at most SLOTS × TEMPLATE_MAX key entries (a hostile stream of new
 * key sequences cannot make them keep more alive than that).
 */
const TEMPLATE_MIN = 12;
const TEMPLATE_MAX = 128;
const SLOTS = 128;

/** A key sequence seen: its entries; the template once the sequence was seen twice (hostile streams never repeat). */
interface Template {
  entries: MapKey[];
  map: Record<string, string> | undefined;
}

const templates: (Template | undefined)[] = new Array<Template | undefined>(SLOTS).fill(undefined);

/** The CP map of `entries[k]` → `values[k]` for k < n. */
export function buildMap(entries: readonly MapKey[], values: readonly string[], n: number): Record<string, string> {
  if (n < TEMPLATE_MIN || n > TEMPLATE_MAX) return plainMap(entries, values, n);
  let seq = n;
  for (let k = 0; k < n; k++) seq = (Math.imul(seq, 31) + entries[k]!.slot) | 0;
  const slot = (seq ^ (seq >>> 8) ^ (seq >>> 16)) & (SLOTS - 1);
  const t = templates[slot];
  if (t === undefined || !sameSequence(t.entries, entries, n)) {
    templates[slot] = { entries: entries.slice(0, n), map: undefined };
    return plainMap(entries, values, n);
  }
  if (t.map === undefined) {
    const cp = plainMap(entries, values, n);
    // Its own strings (a value sliced from a frame would keep that frame's text alive), all empty.
    t.map = JSON.parse(JSON.stringify(cp, (key, value: unknown) => (key === '' ? value : ''))) as Record<string, string>;
    return cp;
  }
  const cp = { ...t.map };
  for (let k = 0; k < n; k++) setKey(cp, entries[k]!.key, values[k]!);
  return cp;
}

function plainMap(entries: readonly MapKey[], values: readonly string[], n: number): Record<string, string> {
  const cp = new PlainRecord();
  for (let k = 0; k < n; k++) setKey(cp, entries[k]!.key, values[k]!);
  return cp;
}

function sameSequence(a: readonly MapKey[], b: readonly MapKey[], n: number): boolean {
  if (a.length !== n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}
