/**
 * Messages in the words of the command line: the domain and the scenario schema name fields as the API and scenario
 * files spell them (`allowMnLength`, `durationS`); a user of `hj212 device` or `hj212-sim` typed flags
 * (`--allow-mn-length`, `--duration`), so the CLI names the flag.
 */

/** Device fields (domain / API names) → `hj212 device` flags. */
export const DEVICE_FLAGS: Readonly<Record<string, string>> = {
  allowMnLength: '--allow-mn-length',
  maxDataLength: '--max-data-length',
  crcVariants: '--crc',
  timeZone: '--time-zone',
  encoding: '--encoding',
  version: '--version',
  password: '--password',
};

/** Scenario keys (paths, dotted) → `hj212-sim` flags; keys without a flag are only settable in a scenario file. */
export const SIM_FLAGS: Readonly<Record<string, string>> = {
  host: '--host',
  port: '--port',
  allowRemote: '--allow-remote',
  localAddresses: '--local-addresses',
  collectors: '--collectors',
  version: '--version',
  profile: '--profile',
  password: '--password',
  mnPrefix: '--mn-prefix',
  mns: '--mn-file',
  'schedule.realtimeS': '--realtime-interval',
  'schedule.minuteMin': '--minute-interval',
  'schedule.hour': '--no-hour',
  'schedule.day': '--no-day',
  ack: '--ack',
  overTimeS: '--over-time',
  reCount: '--re-count',
  window: '--window',
  durationS: '--duration',
  count: '--count',
  speed: '--speed',
  start: '--start',
  rampS: '--ramp',
  warmupS: '--warmup',
  reconnectMs: '--reconnect-ms',
  seed: '--seed',
  faults: '--fault',
  storms: '--storm',
  progressS: '--progress',
};

/**
 * `message` with every camelCase field name that has a flag replaced by it (`use allowMnLength` → `use
 * --allow-mn-length`). Plain words (`version`, `count`) are also English: replaced only with `plainWords`, for
 * messages written in terms of keys (the scenario schema's own).
 */
export function inFlagWords(message: string, flags: Readonly<Record<string, string>>, plainWords = false): string {
  const word = plainWords ? /\b[a-z][A-Za-z0-9]*\b/g : /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g;
  const own = (key: string): string | undefined => (Object.hasOwn(flags, key) ? flags[key] : undefined);
  return message.replace(word, (w) => own(w) ?? own(`schedule.${w}`) ?? w);
}

/**
 * The flag (or, for file-only keys, the scenario key) a schema issue is about: `--duration`, `--fault badCrc`,
 * `--storm` (for `storms.0.atS`), `values.breachRate`.
 */
export function simFlagOf(path: ReadonlyArray<PropertyKey>): string {
  const keys = path.map(String);
  if (keys.length === 0) return '(scenario)';
  if (keys[0] === 'faults' && keys[1] !== undefined) return `--fault ${keys[1]}`;
  const dotted = keys.slice(0, 2).join('.');
  const flag = [dotted, keys[0]!].map((k) => (Object.hasOwn(SIM_FLAGS, k) ? SIM_FLAGS[k] : undefined)).find((f) => f !== undefined);
  return flag === undefined ? keys.join('.') : `${flag} (${keys.join('.')})`;
}
