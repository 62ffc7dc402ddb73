/**
 * The frame log (报文查询): the read side of the gateway's raw archive, the Redis stream `${prefix}frames` (see
 * archive.ts, the archive writer). Stream ids are the time Redis added the entry, a little after `receivedAt`
 * (the gateway batches archive writes), so time bounds become id bounds with {@link ID_SLACK_MS} of slack and are
 * then applied to `receivedAt` exactly. There is no per-MN index: filters are applied while walking back from the
 * newest entry, at most `scanMax` entries per request (HJ212_FRAME_LOG_SCAN_MAX); a page cut short says where to
 * continue. Passwords are masked again on read, whatever the writer did.
 */
import type { Redis } from 'ioredis';
import type { FrameLog, LoggedFrame } from '../../domain/ports.js';
import { fromStreamFields } from './archive.js';

/** How much later than `receivedAt` an entry may have been added to the stream (archive batching). */
const ID_SLACK_MS = 60_000;
/** Entries read per round trip. */
const CHUNK = 500;
/** Verdicts of frames that were taken (everything else is a rejection). */
const ACCEPTED = new Set(['stored', 'duplicate', 'reply', 'notification']);

// `PW=` (header), `NewPW=` (CN 1072) and 2025's `NewSK=` (CN 1014), at the start or after a separator, any case.
const SECRET = /(^|[^A-Za-z0-9])((?:new)?pw=|newsk=)[^;,&\r\n]*/gi;

/** `text` with every password or secret key value replaced by `***`. */
export function maskSecrets(text: string): string {
  return text.replace(SECRET, '$1$2***');
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function toFrame(id: string, fields: Buffer[]): LoggedFrame {
  const stored = fromStreamFields(fields);
  const frame: LoggedFrame = {
    id,
    receivedAt: Number.isFinite(stored.receivedAt) ? stored.receivedAt : Number(id.split('-')[0]),
    sourceIp: stored.sourceIp,
    verdict: stored.verdict,
    text: maskSecrets(utf8.decode(stored.raw)),
  };
  for (const name of ['mn', 'cn', 'code'] as const) {
    const v = stored[name];
    if (v !== undefined && v !== '') frame[name] = v;
  }
  for (const name of ['size', 'repeats'] as const) {
    const v = stored[name];
    if (v !== undefined && Number.isFinite(v)) frame[name] = v;
  }
  return frame;
}

type Entry = [Buffer, Buffer[]];

export function createRedisFrameLog(redis: Redis, options: { prefix: string }): FrameLog {
  const key = `${options.prefix}frames`;
  return {
    async query(q) {
      const matches = (f: LoggedFrame): boolean =>
        (q.fromMs === undefined || f.receivedAt >= q.fromMs) &&
        (q.toMs === undefined || f.receivedAt < q.toMs) &&
        (q.mn === undefined || f.mn === q.mn) &&
        (q.mns === undefined || (f.mn !== undefined && q.mns.has(f.mn))) &&
        (q.cn === undefined || f.cn === q.cn) &&
        (q.address === undefined || f.sourceIp === q.address) &&
        (q.verdict === undefined || (q.verdict === 'rejected' ? !ACCEPTED.has(f.verdict) : f.verdict === q.verdict));
      const frames: LoggedFrame[] = [];
      // Stream ids are epoch ms >= 0: a time before 1970 (valid ISO 8601, e.g. 1970-01-01T00:00+08:00) is clamped.
      const start = q.fromMs === undefined ? '-' : String(Math.max(0, q.fromMs));
      let end = q.before !== undefined ? `(${q.before}` : q.toMs !== undefined ? String(Math.max(0, q.toMs + ID_SLACK_MS)) : '+';
      let scanned = 0;
      let next: string | undefined;
      while (scanned < q.scanMax) {
        const batch = (await redis.xrevrangeBuffer(key, end, start, 'COUNT', Math.min(CHUNK, q.scanMax - scanned))) as unknown as Entry[];
        if (batch.length === 0) break;
        let stop = false;
        for (const [idBytes, fields] of batch) {
          const id = idBytes.toString('latin1');
          scanned++;
          const frame = toFrame(id, fields);
          if (matches(frame)) frames.push(frame);
          if (frames.length >= q.limit) {
            next = id;
            stop = true;
            break;
          }
        }
        const lastId = (batch[batch.length - 1]?.[0] as Buffer).toString('latin1');
        if (stop) break;
        end = `(${lastId}`;
        if (scanned >= q.scanMax) next = lastId;
      }
      const [first] = (await redis.xrangeBuffer(key, '-', '+', 'COUNT', 1)) as unknown as Entry[];
      const oldest = first ? toFrame(first[0].toString('latin1'), first[1]).receivedAt : undefined;
      return { frames, next, oldest, scanned };
    },
  };
}
