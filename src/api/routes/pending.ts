/** Unknown MNs the gateways have seen (answered 9011 QnRtn=4), and registering one in a single call. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maskPassword } from '../../../protocol/index.js';
import type { PendingDevice } from '../../domain/device.js';
import { publicDevice } from '../../domain/device-defaults.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { buildDevice, collectorSchema, registerBody } from '../collector-input.js';
import type { RouteOptions } from '../deps.js';
import { listPageOf, listPageQuery, matchesQ, pageByKey } from '../list-page.js';
import { errorResponses, mnParams } from '../schemas.js';
import { OPERATORS } from '../role-sets.js';
import { notFound } from '../not-found.js';

const pendingSchema = z
  .object({
    mn: z.string(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    sourceIp: z.string(),
    frames: z.number().int(),
    sampleFrame: z.string().describe('one raw frame as the collector sent it, password masked (`PW=***`)'),
  })
  .meta({ id: 'PendingDevice' });

/** The pending entry as shown and audited: the sample frame's password masked (also for entries stored before masking). */
function pendingView(p: PendingDevice): PendingDevice {
  return { ...p, sampleFrame: maskPassword(p.sampleFrame) };
}

export const pendingRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['collectors'];
  const { registry, catalog } = deps;

  app.get(
    '/pending-devices',
    {
      config: { roles: OPERATORS },
      schema: {
        tags,
        summary: 'Unknown MNs seen by the gateways, most recently seen first (MN containing q); paginated',
        querystring: z.object(listPageQuery(pageMax)),
        response: { 200: listPageOf(pendingSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const pending = (await registry.listPending()).filter((p) => matchesQ(p.mn, q)).map(pendingView);
      // Most recently seen first: the key orders by descending lastSeen, then MN.
      const key = (p: (typeof pending)[number]): string => `${String(9e15 - Date.parse(p.lastSeen)).padStart(16, '0')}|${p.mn}`;
      return pageByKey(pending, key, limit, cursor);
    },
  );

  app.post(
    '/pending-devices/:mn/register',
    {
      config: { roles: OPERATORS },
      schema: {
        tags,
        summary: 'Register a pending MN as a collector; it leaves the pending list',
        params: mnParams,
        body: registerBody,
        response: { 201: collectorSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { mn } = req.params;
      const pending = (await registry.listPending()).find((p) => p.mn === mn);
      if (!pending) throw notFound(`no pending device ${mn}`);
      if (await registry.get(mn)) throw new AppError('APP_ERR_CONFLICT', `collector ${mn} exists`);
      const device = await buildDevice(catalog, mn, req.body);
      // put() also removes the MN from the pending list, in the same transaction.
      await registry.put(device);
      await recordChange(deps, req, { action: 'register', entity: { type: 'collector', id: mn }, before: pendingView(pending), after: publicDevice(device) });
      return reply.code(201).send(publicDevice(device));
    },
  );
};
