/**
 * Online status per collector, from the SessionDirectory the gateways keep: connected or not, remote address,
 * last frame, last ack, frames and rejections today, and how often a newer connection replaced an older one.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Device } from '../../domain/device.js';
import type { SessionInfo } from '../../domain/ports.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { listPageOf, listPageQuery, pageByKey } from '../list-page.js';
import { errorResponses, mnParams } from '../schemas.js';
import { formatInZone } from '../time.js';
import { visibleDevices } from '../device-filter.js';
import { EVERYONE } from '../role-sets.js';
import { found } from '../not-found.js';

const statusSchema = z
  .object({
    mn: z.string(),
    enabled: z.boolean(),
    enterpriseId: z.string().optional(),
    siteId: z.string().optional(),
    pointId: z.string().optional(),
    online: z.boolean(),
    remote: z.string().optional().describe('address of the current or last connection'),
    connectedAt: z.string().optional(),
    lastFrameAt: z.string().optional(),
    lastAckAt: z.string().optional(),
    framesToday: z.number().int(),
    rejectionsToday: z.number().int(),
    replaced: z.number().int().describe('connections replaced by a newer one with the same MN (flapping)'),
    unknownFactors: z
      .object({
        codes: z.array(z.string()).describe('factor codes outside the factor table and the items, admitted within the budget (HJ212_MAX_UNKNOWN_FACTORS)'),
        dropped: z.number().int().describe('readings of further unknown codes the gateway dropped'),
      })
      .optional()
      .describe('only in GET /collectors/:mn/status'),
  })
  .meta({ id: 'CollectorStatus' });
type Status = z.infer<typeof statusSchema>;

const listQuery = (pageMax: number) =>
  z.object({
    enterpriseId: z.string().optional(),
    siteId: z.string().optional(),
    pointId: z.string().optional(),
    online: z.enum(['true', 'false']).optional().describe('only online (true) or offline (false) collectors'),
    enabled: z.enum(['true', 'false']).optional().describe('only enabled (true) or disabled (false) collectors'),
    ...listPageQuery(pageMax),
  });

function statusOf(device: Device, session: SessionInfo | undefined, timeZone: string): Status {
  const time = (ms: number | undefined): string | undefined => (ms ? formatInZone(ms, timeZone) : undefined);
  const { mn, enabled, enterpriseId, siteId, pointId } = device;
  return {
    mn,
    enabled,
    enterpriseId,
    siteId,
    pointId,
    online: session !== undefined && session.connectionId !== '',
    remote: session?.remote || undefined,
    connectedAt: time(session?.connectedAt),
    lastFrameAt: time(session?.lastFrameAt),
    lastAckAt: time(session?.lastAckAt),
    framesToday: session?.framesToday ?? 0,
    rejectionsToday: session?.rejectionsToday ?? 0,
    replaced: session?.replaced ?? 0,
  };
}

export const statusRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone, pageMax }) => {
  const tags = ['status'];
  const { registry, sessions } = deps;
  const roles = EVERYONE;

  app.get(
    '/status',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Online status of the registered collectors the token may see, by MN; filters; paginated',
        querystring: listQuery(pageMax),
        response: { 200: listPageOf(statusSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { online, limit, cursor } = req.query;
      const devices = await visibleDevices(registry, principalOf(req), req.query);
      // The online filter needs every selected collector's session, so sessions are read before paging.
      const byMn = new Map<string, SessionInfo>((await sessions.list()).map((x) => [x.mn, x]));
      const statuses = devices.map((d) => statusOf(d, byMn.get(d.mn), d.profile.timeZone || timeZone)).filter((x) => online === undefined || String(x.online) === online);
      return pageByKey(statuses, (x) => x.mn, limit, cursor);
    },
  );

  app.get(
    '/collectors/:mn/status',
    {
      config: { roles },
      schema: { tags, summary: 'Online status of one collector', params: mnParams, response: { 200: statusSchema, ...errorResponses } },
    },
    async (req) => {
      const device = found(await registry.get(req.params.mn), `collector ${req.params.mn}`);
      assertEnterpriseAccess(principalOf(req), device.enterpriseId, `collector ${req.params.mn}`);
      const [session, unknownFactors] = await Promise.all([sessions.get(device.mn), deps.factorBudget?.unknown(device.mn)]);
      return { ...statusOf(device, session, device.profile.timeZone || timeZone), unknownFactors };
    },
  );
};
