/**
 * The frame log (报文查询): what the gateways received, newest first, with verdict and reason, passwords masked.
 * Bounded storage (HJ212_ARCHIVE_MAX_FRAMES and the archive's byte cap), so every answer says how far back it
 * reaches (`oldest`). See docs/api.md "Frame log".
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { isEnterpriseScoped, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { errorResponses, isoDateTime } from '../schemas.js';
import { formatInZone } from '../time.js';
import { DEVICE_OPERATORS } from '../role-sets.js';
import { notFound } from '../not-found.js';
import { enterpriseMns } from '../device-filter.js';

const query = z.object({
  mn: z.string().min(1).max(64).optional(),
  verdict: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional().describe("a verdict (stored, duplicate, reply, bad-password, unknown-mn, HJ_ERR_CRC …) or 'rejected' for every rejection"),
  cn: z.string().regex(/^[0-9A-Za-z]{1,8}$/).optional(),
  address: z.string().min(1).max(64).optional().describe('source address (IP): also finds frames that could not be tied to an MN'),
  from: isoDateTime.optional().describe('received at or after'),
  to: isoDateTime.optional().describe('received before'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'nextCursor of the previous page').optional(),
});

const frameSchema = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    mn: z.string().optional(),
    cn: z.string().optional(),
    verdict: z.string(),
    reason: z.string().optional().describe('why it was rejected'),
    sourceAddress: z.string(),
    raw: z.string().describe('the frame as text, passwords masked (PW=***)'),
    size: z.number().optional().describe('bytes received when raw holds only the start'),
    repeats: z.number().optional().describe('identical frames counted into this entry'),
  })
  .meta({ id: 'LoggedFrame' });

const pageSchema = z.object({
  frames: z.array(frameSchema),
  nextCursor: z.string().optional().describe('pass as cursor for older frames; present when the page is full or the scan budget ran out'),
  oldest: z.string().optional().describe('receipt time of the oldest frame still retained: the log reaches back this far'),
  scanned: z.number().int().describe('log entries examined (at most HJ212_FRAME_LOG_SCAN_MAX)'),
});

export const frameRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const frames = deps.frames;
  if (!frames) return;

  app.get(
    '/frames',
    {
      config: { roles: DEVICE_OPERATORS },
      schema: { tags: ['frames'], summary: 'Frames the gateways received, newest first (enterprise tokens: their collectors)', querystring: query, response: { 200: pageSchema, ...errorResponses } },
    },
    async (req) => {
      const token = principalOf(req);
      const { mn, verdict, cn, address, from, to, limit, cursor } = req.query;
      const fromMs = from === undefined ? undefined : Date.parse(from);
      const toMs = to === undefined ? undefined : Date.parse(to);
      if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw new AppError('APP_ERR_INVALID_RANGE', '`from` must be before `to`');
      let mns: Set<string> | undefined;
      if (isEnterpriseScoped(token)) {
        mns = await enterpriseMns(deps.registry, token);
        if (mn !== undefined && !mns.has(mn)) throw notFound(`collector ${mn}`);
      }
      const page = await frames.log.query({ mn, mns, verdict, cn, address, fromMs, toMs, limit, before: cursor, scanMax: frames.scanMax });
      return {
        frames: page.frames.map((f) => ({
          id: f.id,
          receivedAt: formatInZone(f.receivedAt, timeZone),
          mn: f.mn,
          cn: f.cn,
          verdict: f.verdict,
          reason: f.code,
          sourceAddress: f.sourceIp,
          raw: f.text,
          size: f.size,
          repeats: f.repeats,
        })),
        nextCursor: page.next,
        oldest: page.oldest === undefined ? undefined : formatInZone(page.oldest, timeZone),
        scanned: page.scanned,
      };
    },
  );
};
