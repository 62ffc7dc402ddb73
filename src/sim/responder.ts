/**
 * How a simulated collector answers host requests (HJ212-2017 6.4.2, docs/protocol.md §4): 9011 QnRtn=1 at once, then the
 * data (uploads carrying the request's QN), then 9012 ExeRtn. History (2051/2061/2031) is regenerated from the
 * collector's value model for every interval starting within BeginTime..EndTime.
 */
import { encodeFrame, execReply, formatDataTime, parseDataTime, requestReply, uploadPacket, type Packet } from '../../protocol/index.js';
import type { Collector } from './collector.js';
import { historyStarts, intervalLength } from './schedule.js';

type HistoryCn = '2051' | '2061' | '2031';
const HISTORY = new Set<string>(['2051', '2061', '2031']);
/** Intervals sent per history request at most (a year of minute data would flood the link). */
const MAX_HISTORY_FRAMES = 1000;

function reply(c: Collector, packet: Packet): Promise<void> {
  return c.write(encodeFrame(packet, { crc: c.id.crc, encoding: c.id.encoding }));
}

/** Sends one data answer with the request's QN; waits for 9014 when the collector asks for acks on uploads. */
async function answerData(c: Collector, req: Packet, cn: string, cp: Record<string, string>, ack: boolean): Promise<void> {
  const target = { st: req.st ?? '', pw: c.password, mn: c.id.mn, version: c.id.version, qn: req.qn, ack };
  const packet = uploadPacket(target, cn, {});
  packet.cp = cp;
  await c.sendUploads([packet], {});
}

/** Answers one request from the host; unknown commands get 9011 QnRtn=2 (rejected). */
export async function answerRequest(c: Collector, req: Packet): Promise<void> {
  if (HISTORY.has(req.cn)) return answerHistory(c, req, req.cn as HistoryCn);
  // Own properties only: a CN such as `constructor` must not reach Object.prototype.
  const setter = Object.hasOwn(SETTERS, req.cn) ? SETTERS[req.cn] : undefined;
  const getter = Object.hasOwn(GETTERS, req.cn) ? GETTERS[req.cn] : undefined;
  if (!setter && !getter) return reply(c, requestReply(req, 2));
  await reply(c, requestReply(req, 1));
  let exeRtn = 1;
  if (setter) exeRtn = setter(c, req.cp) ? 1 : 3;
  else if (getter) await answerData(c, req, req.cn, getter(c), false);
  await reply(c, execReply(req, exeRtn));
}

/** Get commands: the CP of the answering upload (same CN as the request, HJ212-2017 table C). */
const GETTERS: Readonly<Record<string, (c: Collector) => Record<string, string>>> = {
  '1011': (c) => ({ SystemTime: formatDataTime(c.deviceNow(), c.opts.timeZone) }),
  '1061': (c) => ({ RtdInterval: String(c.rtdIntervalS) }),
  '1063': (c) => ({ MinInterval: String(c.minIntervalMin) }),
};

const positive = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

/** Set commands: apply the CP; false when it is unusable (ExeRtn=3 command/condition error). */
const SETTERS: Readonly<Record<string, (c: Collector, cp: Record<string, string>) => boolean>> = {
  '1012': (c, cp) => {
    const t = cp.SystemTime === undefined ? undefined : parseDataTime(cp.SystemTime, c.opts.timeZone);
    if (t === undefined) return false;
    // Setting the time removes the skew: the collector's clock now agrees with the host's.
    c.id.skewMs = t - (c.deviceNow() - c.id.skewMs);
    return true;
  },
  '1062': (c, cp) => {
    const s = positive(cp.RtdInterval);
    if (s !== undefined) c.setIntervals(s, c.minIntervalMin);
    return s !== undefined;
  },
  '1064': (c, cp) => {
    const m = positive(cp.MinInterval);
    if (m === undefined || 60 % m !== 0) return false;
    c.setIntervals(c.rtdIntervalS, m);
    return true;
  },
  '1072': (c, cp) => {
    if (!cp.NewPW) return false;
    c.password = cp.NewPW;
    return true;
  },
};

async function answerHistory(c: Collector, req: Packet, cn: HistoryCn): Promise<void> {
  const tz = c.opts.timeZone;
  const begin = req.cp.BeginTime === undefined ? undefined : parseDataTime(req.cp.BeginTime, tz);
  const end = req.cp.EndTime === undefined ? undefined : parseDataTime(req.cp.EndTime, tz);
  if (begin === undefined || end === undefined || end < begin) return reply(c, requestReply(req, 2));
  await reply(c, requestReply(req, 1));
  const length = intervalLength(cn, c.minIntervalMin);
  // Only intervals that have ended by the device's clock exist in its history.
  const starts = historyStarts(cn, begin, end, c.minIntervalMin, tz, MAX_HISTORY_FRAMES).filter((s) => s + length <= c.deviceNow());
  for (const start of starts) {
    const packet = c.builder.upload({ cn, dataTime: start - c.id.skewMs, lengthMs: length }, req.qn ?? c.nextQn(), c.opts.ack);
    packet.pw = c.password;
    await c.sendUploads([packet], {});
  }
  await reply(c, execReply(req, starts.length > 0 ? 1 : 100));
}
