/**
 * Bodies and views of the reverse-control routes: one body per command (a zod discriminated union on `name`), the
 * CP each body becomes (HJ212-2017 6.5, CN table docs/protocol.md §3), and the ledger entry as shown.
 */
import { z } from 'zod';
import { formatDataTime } from '../../protocol/index.js';
import { COMMAND_SPECS, COMMAND_STATES, HISTORY_KINDS, type CommandEntry, type CommandName } from '../domain/commands.js';
import type { Device } from '../domain/device.js';
import { AppError } from '../errors.js';
import type { CommandRequest } from '../commands/reverse-control.js';
import { passwordSchema } from './collector-input.js';
import { isoDateTime } from './schemas.js';
import { formatInZone } from './time.js';

const polId = z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'a factor or instrument code').optional().describe('instrument (PolId); absent: the collector itself');
const bare = <N extends CommandName>(name: N) => z.object({ name: z.literal(name) });

export const commandBody = z
  .discriminatedUnion('name', [
    z.object({
      name: z.literal('set-timeout'),
      overTime: z.number().int().min(1).max(3600).describe('OverTime, seconds'),
      reCount: z.number().int().min(0).max(99).describe('ReCount'),
    }),
    z.object({ name: z.literal('get-time'), polId }),
    z.object({ name: z.literal('set-time'), polId, time: isoDateTime.optional().describe("time to set; default: the server's clock now") }),
    bare('get-rtd-interval'),
    z.object({ name: z.literal('set-rtd-interval'), seconds: z.number().int().min(1).max(86_400).describe('RtdInterval') }),
    bare('get-min-interval'),
    z.object({ name: z.literal('set-min-interval'), minutes: z.number().int().min(1).max(60).describe('MinInterval') }),
    z.object({ name: z.literal('set-password'), password: passwordSchema.describe('the new access password; sent once, stored only hashed') }),
    z.object({
      name: z.literal('history'),
      kind: z.enum(Object.keys(HISTORY_KINDS) as [keyof typeof HISTORY_KINDS]).describe('minute 2051, hour 2061, day 2031, runtime-day 2041'),
      beginTime: isoDateTime,
      endTime: isoDateTime,
    }),
    bare('start-realtime'),
    bare('stop-realtime'),
    bare('start-running-status'),
    bare('stop-running-status'),
  ])
  .meta({ id: 'CommandRequest' });
export type CommandBody = z.infer<typeof commandBody>;

/** The CN and CP a body becomes for `device` (times in the collector's zone, yyyyMMddHHmmss). */
export function toCommandRequest(body: CommandBody, device: Device, now: number): CommandRequest {
  const tz = device.profile.timeZone;
  const withPol = (cp: Record<string, string>, pol: string | undefined): Record<string, string> => (pol === undefined ? cp : { PolId: pol, ...cp });
  switch (body.name) {
    case 'set-timeout':
      return { name: body.name, cn: '1000', cp: { OverTime: String(body.overTime), ReCount: String(body.reCount) } };
    case 'get-time':
      return { name: body.name, cn: '1011', cp: withPol({}, body.polId) };
    case 'set-time':
      return { name: body.name, cn: '1012', cp: withPol({ SystemTime: formatDataTime(body.time === undefined ? now : Date.parse(body.time), tz) }, body.polId) };
    case 'set-rtd-interval':
      return { name: body.name, cn: '1062', cp: { RtdInterval: String(body.seconds) } };
    case 'set-min-interval':
      return { name: body.name, cn: '1064', cp: { MinInterval: String(body.minutes) } };
    case 'set-password':
      return { name: body.name, cn: '1072', cp: {}, newPassword: body.password };
    case 'history': {
      const begin = Date.parse(body.beginTime);
      const end = Date.parse(body.endTime);
      if (begin > end) throw new AppError('APP_ERR_INVALID_RANGE', 'beginTime is after endTime');
      return { name: body.name, cn: HISTORY_KINDS[body.kind], cp: { BeginTime: formatDataTime(begin, tz), EndTime: formatDataTime(end, tz) } };
    }
    default:
      return { name: body.name, cn: COMMAND_SPECS[body.name].cn, cp: {} };
  }
}

export const commandSchema = z
  .object({
    id: z.string(),
    mn: z.string(),
    name: z.string(),
    cn: z.string(),
    qn: z.string(),
    cp: z.record(z.string(), z.string()).describe('as sent; NewPW is always ***'),
    requestedBy: z.object({ tokenId: z.string(), name: z.string(), role: z.string() }),
    state: z.enum(COMMAND_STATES),
    final: z.boolean().describe('the state will not change any more'),
    attempts: z.number().int().describe('frames sent (1 + resends after OverTime)'),
    qnRtn: z.string().optional().describe('9011 QnRtn'),
    exeRtn: z.string().optional().describe('9012 ExeRtn'),
    answer: z.record(z.string(), z.string()).optional().describe('CP of the data answer, e.g. SystemTime (1011), RtdInterval (1061), MinInterval (1063)'),
    detail: z.string().optional(),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    acknowledgedAt: z.string().optional(),
    answeredAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'Command' });

/** The entry as shown: times in `timeZone`, no deadline bookkeeping. */
export function commandView(e: CommandEntry, timeZone: string): z.infer<typeof commandSchema> {
  const at = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatInZone(ms, timeZone));
  return {
    id: e.id,
    mn: e.mn,
    name: e.name,
    cn: e.cn,
    qn: e.qn,
    cp: e.cp.NewPW === undefined ? e.cp : { ...e.cp, NewPW: '***' },
    requestedBy: e.requestedBy,
    state: e.state,
    final: e.final,
    attempts: e.attempts,
    qnRtn: e.qnRtn,
    exeRtn: e.exeRtn,
    answer: e.answer,
    detail: e.detail,
    createdAt: formatInZone(e.createdAt, timeZone),
    sentAt: at(e.sentAt),
    acknowledgedAt: at(e.acknowledgedAt),
    answeredAt: at(e.answeredAt),
    finishedAt: at(e.finishedAt),
  };
}
