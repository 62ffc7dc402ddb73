/** Code tables of HJ212 (docs/protocol.md §3, §5): `as const` objects with derived unions. */
import type { Version } from './types.js';

/** System codes ST (HJ212-2017 6.6.1 table 4; 2005 and 2025 use the same core codes). */
export const ST = {
  '21': 'surface-water quality',
  '22': 'ambient air quality',
  '23': 'ambient noise',
  '24': 'groundwater quality',
  '25': 'soil quality',
  '26': 'sea-water quality',
  '27': 'VOC monitoring',
  '31': 'air pollution source',
  '32': 'water pollution source',
  '33': 'groundwater pollution source',
  '34': 'marine pollution source',
  '35': 'soil pollution source',
  '36': 'noise source',
  '37': 'vibration source',
  '38': 'radioactive source',
  '39': 'construction dust',
  '41': 'electromagnetic source',
  '51': 'flue-gas process monitoring',
  '52': 'wastewater process monitoring',
  '91': 'system interaction',
} as const;
export type StCode = keyof typeof ST;

/** Commands common to all three editions (HJ212-2017 6.6.2 table 5). */
const CN_COMMON = {
  '1011': 'get/upload field time',
  '1012': 'set field time',
  '1061': 'get/upload realtime interval',
  '1062': 'set realtime interval',
  '1072': 'set access password',
  '2011': 'realtime data',
  '2012': 'stop realtime data',
  '2021': 'equipment running status',
  '2022': 'stop running status',
  '2031': 'daily data',
  '2041': 'equipment run-time daily data',
  '2051': 'minute data',
  '2061': 'hourly data',
  '3011': 'zero/span calibration',
  '3012': 'immediate sampling',
  '3013': 'cleaning / back-blow',
  '3014': 'comparison sampling',
  '9011': 'request response',
  '9012': 'execution result',
  '9013': 'notification response',
  '9014': 'data response',
} as const;

/** HJ/T 212-2005 commands (docs/protocol.md §3, §6; partly unconfirmed). */
export const CN_2005 = {
  ...CN_COMMON,
  '1021': 'get pollutant alarm limits',
  '1022': 'set pollutant alarm limits',
  '1031': 'get host address',
  '1032': 'set host address',
  '1041': 'get data report time',
  '1042': 'set data report time',
  '2071': 'alarm record request',
  '2072': 'alarm event upload',
} as const;

const CN_2017_ONLY = {
  '1000': 'set timeout and retry count',
  '1013': 'field-time calibration request',
  '1063': 'get/upload minute-data interval',
  '1064': 'set minute-data interval',
  '2081': 'datalogger restart time',
  '3015': 'over-limit sample retention',
  '3016': 'set sampling period',
  '3017': 'get sampling period',
  '3018': 'get sample-output time',
  '3019': 'get device unique id',
  '3020': 'get/upload field information',
  '3021': 'set field parameters',
} as const;

/** HJ 212-2017 commands. */
export const CN_2017 = { ...CN_COMMON, ...CN_2017_ONLY } as const;

/** HJ 212-2025 commands (2017 plus the additions in caoyiliang/HJ212, docs/protocol.md §3). */
export const CN_2025 = {
  ...CN_2017,
  '1001': 'upload datalogger hardware serial',
  '1002': 'set datalogger MN',
  '1014': 'new secret key',
  '2013': 'raw monitoring data',
  '2052': 'noise single-measurement data',
  '2062': 'auto standard-check data',
  '2111': 'furnace temperature 5-minute mean',
  '3022': 'instant sample-retention task',
  '3024': 'start standard-sample check',
  '9015': 'heartbeat',
} as const;

const CN_2005_MAP: ReadonlyMap<string, string> = new Map(Object.entries(CN_2005));
const CN_2017_MAP: ReadonlyMap<string, string> = new Map(Object.entries(CN_2017));
const CN_2025_MAP: ReadonlyMap<string, string> = new Map(Object.entries(CN_2025));

/** Meaning of a command code in an edition, or undefined when that edition does not define it. */
export function lookupCn(cn: string, version: Version): string | undefined {
  return (version === '2017' ? CN_2017_MAP : version === '2025' ? CN_2025_MAP : CN_2005_MAP).get(cn);
}

/** True when `st` is a system code of the table above. */
export function isKnownSt(st: string): boolean {
  return ST_CODES.has(st);
}

const ST_CODES: ReadonlySet<string> = new Set(Object.keys(ST));

/** QnRtn of a 9011 request response (HJ212-2017 table 9). */
export const QN_RTN = {
  '1': 'ready to execute',
  '2': 'rejected',
  '3': 'PW error',
  '4': 'MN error',
  '5': 'ST error',
  '6': 'Flag error',
  '7': 'QN error',
  '8': 'CN error',
  '9': 'CRC error',
  '100': 'unknown error',
} as const;
export type QnRtn = keyof typeof QN_RTN;

/** ExeRtn of a 9012 execution result (HJ212-2017 table 10). */
export const EXE_RTN = {
  '1': 'success',
  '2': 'failed, reason unknown',
  '3': 'command or condition error',
  '4': 'communication timeout',
  '5': 'system busy',
  '6': 'system fault',
  '100': 'no data',
} as const;
export type ExeRtn = keyof typeof EXE_RTN;

/** Data flags of `-Flag` values (HJ212-2017 table 11; P is 2005 only). */
export const DATA_FLAGS = {
  N: 'normal',
  F: 'instrument stopped',
  M: 'maintenance',
  S: 'manually entered value',
  D: 'fault',
  C: 'calibration',
  T: 'over measuring upper limit',
  B: 'communication abnormal',
  P: 'power failure (2005)',
} as const;
export type DataFlag = keyof typeof DATA_FLAGS;

/** Equipment running status values of `SBx-RS` (HJ212-2017 6.6.4). */
export const RUNNING_STATUS = {
  '0': 'off',
  '1': 'running',
  '2': 'calibrating',
  '3': 'maintenance',
  '4': 'alarm',
  '5': 'back-blowing',
} as const;

/** Flag bits `V5..V0 D A` (HJ212-2017 6.3.2). */
export const FLAG_BITS = {
  /** A: the receiver must answer. */
  ACK: 0b01,
  /** D: sub-packetised, PNUM/PNO present. */
  SPLIT: 0b10,
  /** V = Flag >> VERSION_SHIFT. */
  VERSION_SHIFT: 2,
} as const;

/** Flag version bits (V << 2) of each edition: 2005 0, 2017 4, 2025 8 (caoyiliang/HJ212 `Version`). */
export const VERSION_FLAG = { '2005': 0, '2017': 4, '2025': 8 } as const;

/** Edition of a Flag value; undefined for version bits no edition defines. */
export function versionOfFlag(flag: number): Version | undefined {
  const v = flag >> FLAG_BITS.VERSION_SHIFT;
  return v === 0 ? '2005' : v === 1 ? '2017' : v === 2 ? '2025' : undefined;
}

/** Factor suffixes whose values must be numbers (docs/protocol.md §5; corpus README). */
export const NUMERIC_SUFFIXES = ['Rtd', 'Min', 'Avg', 'Max', 'ZsRtd', 'ZsMin', 'ZsAvg', 'ZsMax', 'Cou', 'RT'] as const;
export type NumericSuffix = (typeof NUMERIC_SUFFIXES)[number];

/**
 * Factor suffixes with a field of their own in a FactorReading (HJ212-2017 6.6.3, docs/protocol.md §5), in the order the encoder
 * writes them (the order of the standard's samples: values, flags, then times and text).
 */
export const READING_SUFFIXES = [
  ['Rtd', 'rtd'],
  ['ZsRtd', 'zsRtd'],
  ['Cou', 'cou'],
  ['Min', 'min'],
  ['Avg', 'avg'],
  ['Max', 'max'],
  ['ZsMin', 'zsMin'],
  ['ZsAvg', 'zsAvg'],
  ['ZsMax', 'zsMax'],
  ['Flag', 'flag'],
  ['EFlag', 'eflag'],
  ['SampleTime', 'sampleTime'],
  ['Info', 'info'],
  ['RS', 'rs'],
  ['RT', 'rt'],
] as const;
export type ReadingField = (typeof READING_SUFFIXES)[number][1];

/** History commands whose CP needs DataTime (upload) or BeginTime (request) (corpus README). */
export const TIMED_CNS = ['2031', '2041', '2051', '2061'] as const;
