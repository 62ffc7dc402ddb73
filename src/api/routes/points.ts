/**
 * Monitoring points under a site. Points are disabled (PATCH enabled=false), never deleted, so readings and check
 * results that refer to them stay interpretable; there is deliberately no DELETE route.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MonitoringPoint, Site } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { errorResponses, idParams, nonEmpty, pointSchema, text } from '../schemas.js';

const fields = {
  name: text(200),
  code: text(64).optional(),
  st: z
    .string()
    .regex(/^\d{2}$/, 'a two-digit HJ212 system code (ST)')
    .optional(),
};
const createBody = z.object(fields);
const patchBody = nonEmpty(z.object({ ...fields, name: fields.name.optional(), enabled: z.boolean().optional() }));

export const pointRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['registry'];
  const { catalog } = deps;

  async function loadSite(id: string): Promise<Site> {
    const site = await catalog.getSite(id);
    if (!site) throw new AppError('APP_ERR_NOT_FOUND', `site ${id}`);
    return site;
  }

  async function load(id: string): Promise<MonitoringPoint> {
    const point = await catalog.getPoint(id);
    if (!point) throw new AppError('APP_ERR_NOT_FOUND', `point ${id}`);
    return point;
  }

  app.post(
    '/sites/:id/points',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Create a monitoring point under a site', params: idParams, body: createBody, response: { 201: pointSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const site = await loadSite(req.params.id);
      const now = new Date().toISOString();
      const point: MonitoringPoint = { id: randomUUID(), enterpriseId: site.enterpriseId, siteId: site.id, ...req.body, enabled: true, createdAt: now, updatedAt: now };
      await catalog.putPoint(point);
      await recordChange(deps, req, { action: 'create', entity: { type: 'point', id: point.id }, after: point });
      return reply.code(201).send(point);
    },
  );

  app.get(
    '/sites/:id/points',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: {
        tags,
        summary: 'Monitoring points of a site, oldest first, disabled ones included unless `enabled` says; name containing q; paginated',
        params: idParams,
        querystring: z.object({ enabled: enabledFilter, ...namedPageQuery(pageMax) }),
        response: { 200: listPageOf(pointSchema), ...errorResponses },
      },
    },
    async (req) => {
      const site = await loadSite(req.params.id);
      assertEnterpriseAccess(principalOf(req), site.enterpriseId, `site ${req.params.id}`);
      const { enabled, q, limit, cursor } = req.query;
      const points = (await catalog.listPoints(site.id)).filter((p) => (enabled === undefined || String(p.enabled) === enabled) && matchesQ(p.name, q));
      return pageByKey(points, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/points/:id',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: { tags, summary: 'One monitoring point', params: idParams, response: { 200: pointSchema, ...errorResponses } },
    },
    async (req) => {
      const point = await load(req.params.id);
      assertEnterpriseAccess(principalOf(req), point.enterpriseId, `point ${req.params.id}`);
      return point;
    },
  );

  app.patch(
    '/points/:id',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Change, disable or re-enable a monitoring point', params: idParams, body: patchBody, response: { 200: pointSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await load(req.params.id);
      const after: MonitoringPoint = { ...before, ...req.body, updatedAt: new Date().toISOString() };
      await catalog.putPoint(after);
      await recordChange(deps, req, { action: 'update', entity: { type: 'point', id: after.id }, before, after });
      return after;
    },
  );
};
