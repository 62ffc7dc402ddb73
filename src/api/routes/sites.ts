/** Sites of an enterprise. A site never moves to another enterprise (its history would change owner). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Site } from '../../domain/catalog.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { errorResponses, idParams, nonEmpty, siteSchema, text } from '../schemas.js';
import { found } from '../not-found.js';
import { newRecord, patchedRecord, registryRecords } from '../registry-crud.js';
import { OPERATORS, REGISTRY_READERS } from '../role-sets.js';

const fields = {
  name: text(200),
  code: text(64).optional(),
  address: text(300).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  latitude: z.number().min(-90).max(90).optional(),
};
const createBody = z.object({ enterpriseId: z.string().min(1), ...fields });
const patchBody = nonEmpty(z.object({ ...fields, name: fields.name.optional(), enabled: z.boolean().optional() }));
const listQuery = (pageMax: number) => z.object({ enterpriseId: z.string().min(1).optional(), enabled: enabledFilter, ...namedPageQuery(pageMax) });

export const siteRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['registry'];
  const { catalog } = deps;

  const sites = registryRecords<Site>(deps, { type: 'site', get: (id) => catalog.getSite(id), put: (s) => catalog.putSite(s), enterpriseOf: (s) => s.enterpriseId, idOf: (s) => s.id });

  app.post(
    '/sites',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Create a site of an enterprise', body: createBody, response: { 201: siteSchema, ...errorResponses } },
    },
    async (req, reply) => {
      found(await catalog.getEnterprise(req.body.enterpriseId), `enterprise ${req.body.enterpriseId}`);
      return reply.code(201).send(await sites.create(req, newRecord(req.body)));
    },
  );

  app.get(
    '/sites',
    {
      config: { roles: REGISTRY_READERS },
      schema: {
        tags,
        summary: 'List sites, oldest first, optionally of one enterprise (an enterprise token sees its own); name containing q, enabled; paginated',
        querystring: listQuery(pageMax),
        response: { 200: listPageOf(siteSchema), ...errorResponses },
      },
    },
    async (req) => {
      const token = principalOf(req);
      const { enabled, q, limit, cursor } = req.query;
      let { enterpriseId } = req.query;
      if (token.role === 'enterprise') {
        assertEnterpriseAccess(token, enterpriseId ?? token.enterpriseId, `enterprise ${enterpriseId}`);
        enterpriseId = token.enterpriseId;
      }
      const listed = (await catalog.listSites(enterpriseId === undefined ? {} : { enterpriseId })).filter((x) => (enabled === undefined || String(x.enabled) === enabled) && matchesQ(x.name, q));
      return pageByKey(listed, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/sites/:id',
    {
      config: { roles: REGISTRY_READERS },
      schema: { tags, summary: 'One site', params: idParams, response: { 200: siteSchema, ...errorResponses } },
    },
    async (req) => sites.loadVisible(req, req.params.id),
  );

  app.patch(
    '/sites/:id',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Change or disable a site', params: idParams, body: patchBody, response: { 200: siteSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await sites.load(req.params.id);
      return sites.update(req, before, patchedRecord(before, req.body));
    },
  );
};
