/**
 * Monitoring points under a site. Points are disabled (PATCH enabled=false), never deleted, so readings and check
 * results that refer to them stay interpretable; there is deliberately no DELETE route.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MonitoringPoint, Site } from '../../domain/catalog.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { errorResponses, idParams, nonEmpty, pointSchema, text } from '../schemas.js';
import { newRecord, patchedRecord, registryRecords } from '../registry-crud.js';
import { OPERATORS, REGISTRY_READERS } from '../role-sets.js';

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

  const sites = registryRecords<Site>(deps, { type: 'site', get: (id) => catalog.getSite(id), put: (s) => catalog.putSite(s), enterpriseOf: (s) => s.enterpriseId, idOf: (s) => s.id });
  const points = registryRecords<MonitoringPoint>(deps, { type: 'point', get: (id) => catalog.getPoint(id), put: (p) => catalog.putPoint(p), enterpriseOf: (p) => p.enterpriseId, idOf: (p) => p.id });

  app.post(
    '/sites/:id/points',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Create a monitoring point under a site', params: idParams, body: createBody, response: { 201: pointSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const site = await sites.load(req.params.id);
      return reply.code(201).send(await points.create(req, newRecord({ enterpriseId: site.enterpriseId, siteId: site.id, ...req.body })));
    },
  );

  app.get(
    '/sites/:id/points',
    {
      config: { roles: REGISTRY_READERS },
      schema: {
        tags,
        summary: 'Monitoring points of a site, oldest first, disabled ones included unless `enabled` says; name containing q; paginated',
        params: idParams,
        querystring: z.object({ enabled: enabledFilter, ...namedPageQuery(pageMax) }),
        response: { 200: listPageOf(pointSchema), ...errorResponses },
      },
    },
    async (req) => {
      const site = await sites.loadVisible(req, req.params.id);
      const { enabled, q, limit, cursor } = req.query;
      const listed = (await catalog.listPoints(site.id)).filter((p) => (enabled === undefined || String(p.enabled) === enabled) && matchesQ(p.name, q));
      return pageByKey(listed, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/points/:id',
    {
      config: { roles: REGISTRY_READERS },
      schema: { tags, summary: 'One monitoring point', params: idParams, response: { 200: pointSchema, ...errorResponses } },
    },
    async (req) => points.loadVisible(req, req.params.id),
  );

  app.patch(
    '/points/:id',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Change, disable or re-enable a monitoring point', params: idParams, body: patchBody, response: { 200: pointSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await points.load(req.params.id);
      return points.update(req, before, patchedRecord(before, req.body));
    },
  );
};
