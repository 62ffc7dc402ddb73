/**
 * Packet builders for the interaction flows of HJ212-2017 6.5, docs/protocol.md §4: replies (9011–9014), host requests and
 * device uploads (used by the simulator). They return Packets; encode them with `encodeFrame`/`encodeFrames`.
 */
import { FLAG_BITS, READING_SUFFIXES, VERSION_FLAG, type ExeRtn, type QnRtn } from './codes.js';
import { formatQn } from './data-time.js';
import { setKey } from './own.js';
import type { FactorReading, Packet, Version } from './types.js';

/** Reply header: ST=91, QN/PW/MN echoed, Flag = the request's version bits with A=0 and D=0. */
function reply(req: Packet, cn: string, cp: Record<string, string>): Packet {
  const p = {} as Packet;
  if (req.qn !== undefined) p.qn = req.qn;
  p.st = '91';
  p.cn = cn;
  if (req.pw !== undefined) p.pw = req.pw;
  if (req.mn !== undefined) p.mn = req.mn;
  // HJ212-2017 6.3.2: a reply keeps the edition (V bits) and asks for no answer (2017 → 4, 2025 → 8).
  if (req.flag !== undefined) p.flag = req.flag & ~(FLAG_BITS.ACK | FLAG_BITS.SPLIT) & 0xff;
  p.cp = cp;
  return p;
}

/** 9014 data response: acknowledges an upload with Flag A=1 (HJ212-2017 6.5.2). Send only once the data is durable. */
export function dataAck(req: Packet): Packet {
  return reply(req, '9014', {});
}

/** 9011 request response with QnRtn (1 = ready to execute, 2 rejected, 3 PW error … 9 CRC error, 100 unknown). */
export function requestReply(req: Packet, qnRtn: QnRtn | (string & {}) | number): Packet {
  return reply(req, '9011', { QnRtn: String(qnRtn) });
}

/** 9012 execution result with ExeRtn (1 success … 100 no data). */
export function execReply(req: Packet, exeRtn: ExeRtn | (string & {}) | number): Packet {
  return reply(req, '9012', { ExeRtn: String(exeRtn) });
}

/** 9013 notification response (e.g. to a 1013 time-calibration request). */
export function notifyReply(req: Packet): Packet {
  return reply(req, '9013', {});
}

/** Whom a request or upload is for, and how its header is filled. */
export interface Target {
  st: string;
  pw: string;
  mn: string;
  /** Edition written in the Flag version bits. Default '2017'. */
  version?: Version;
  /** Request id; default: the current time as yyyyMMddHHmmsszzz in `timeZone`. */
  qn?: string;
  /** Flag A bit: ask for an answer. Default true. */
  ack?: boolean;
  /** Clock for the default QN, epoch ms. Default Date.now(). */
  now?: number;
  /** Zone of the default QN. Default 'Asia/Shanghai'. */
  timeZone?: string;
}

function request(t: Target, cn: string, cp: Record<string, string>): Packet {
  const flag = VERSION_FLAG[t.version ?? '2017'] | ((t.ack ?? true) ? FLAG_BITS.ACK : 0);
  const qn = t.qn ?? formatQn(t.now ?? Date.now(), t.timeZone);
  return { qn, st: t.st, cn, pw: t.pw, mn: t.mn, flag, cp };
}

/** Any command with the given CP (2011/2012 realtime start/stop, 3011 calibration, 2025 1002 set MN …). */
export function commandRequest(t: Target, cn: string, cp: Record<string, string> = {}): Packet {
  return request(t, cn, { ...cp });
}

/** 1011: get the field (or `polId` instrument's) time. */
export function getTimeRequest(t: Target, polId?: string): Packet {
  return request(t, '1011', polId === undefined ? {} : { PolId: polId });
}

/** 1012: set the field time to `systemTime` (yyyyMMddHHmmss). */
export function setTimeRequest(t: Target, systemTime: string, polId?: string): Packet {
  return request(t, '1012', polId === undefined ? { SystemTime: systemTime } : { PolId: polId, SystemTime: systemTime });
}

/** 1061: get the realtime-data interval. */
export function getRtdIntervalRequest(t: Target): Packet {
  return request(t, '1061', {});
}

/** 1062: set the realtime-data interval in seconds. */
export function setRtdIntervalRequest(t: Target, seconds: number): Packet {
  return request(t, '1062', { RtdInterval: String(seconds) });
}

/** 1063: get the minute-data interval. */
export function getMinIntervalRequest(t: Target): Packet {
  return request(t, '1063', {});
}

/** 1064: set the minute-data interval in minutes. */
export function setMinIntervalRequest(t: Target, minutes: number): Packet {
  return request(t, '1064', { MinInterval: String(minutes) });
}

/** 1072: set the access password. */
export function setPasswordRequest(t: Target, newPw: string): Packet {
  return request(t, '1072', { NewPW: newPw });
}

/** 1000: set the answer timeout (s) and retry count (HJ212-2017/2025). */
export function setTimeoutRequest(t: Target, overTime: number, reCount: number): Packet {
  return request(t, '1000', { OverTime: String(overTime), ReCount: String(reCount) });
}

/** History commands: daily, run-time daily, minute, hourly data. */
export type HistoryCn = '2031' | '2041' | '2051' | '2061';

/** History re-pull: `cn` data from `beginTime` to `endTime` (yyyyMMddHHmmss). */
export function historyRequest(t: Target, cn: HistoryCn, beginTime: string, endTime: string): Packet {
  return request(t, cn, { BeginTime: beginTime, EndTime: endTime });
}

/** 9015 heartbeat (HJ212-2025; empty CP). */
export function heartbeat(t: Target): Packet {
  return request(t, '9015', {});
}

/** A factor reading to upload; `valid` is ignored (it is derived when parsing). */
export type ReadingInput = Omit<FactorReading, 'valid'> & { valid?: boolean };

/** What an upload carries: the data time, top-level parameters and readings. */
export interface UploadData {
  /** yyyyMMddHHmmss; for 2051/2061/2031 the start of the interval. */
  dataTime?: string;
  params?: Record<string, string>;
  factors?: readonly ReadingInput[];
}

/** The flat CP of an upload: DataTime, parameters, then each factor's suffixes (the inverse of `readCp`). */
export function cpFromData(data: UploadData): Record<string, string> {
  const cp: Record<string, string> = {};
  if (data.dataTime !== undefined) cp.DataTime = data.dataTime;
  for (const key of Object.keys(data.params ?? {})) setKey(cp, key, data.params![key]!);
  for (const r of data.factors ?? []) {
    for (const [suffix, field] of READING_SUFFIXES) {
      const v = r[field];
      if (v !== undefined) setKey(cp, `${r.code}-${suffix}`, v);
    }
    for (const suffix of Object.keys(r.extra ?? {})) setKey(cp, `${r.code}-${suffix}`, r.extra![suffix]!);
  }
  return cp;
}

/** A device upload (2011 realtime, 2051 minute, 2061 hour, 2031 day, 2021 status, 2041 run time …). */
export function uploadPacket(t: Target, cn: string, data: UploadData): Packet {
  return request(t, cn, cpFromData(data));
}
