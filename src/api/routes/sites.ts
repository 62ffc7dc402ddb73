/** Sites of an enterprise. A site never moves to another enterprise (its history would change owner). */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Site } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { errorResponses, idParams, nonEmpty, siteSchema, text } from '../schemas.js';

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

  async function load(id: string): Promise<Site> {
    const site = await catalog.getSite(id);
    if (!site) throw new AppError('APP_ERR_NOT_FOUND', `site ${id}`);
    return site;
  }

  app.post(
    '/sites',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Create a site of an enterprise', body: createBody, response: { 201: siteSchema, ...errorResponses } },
    },
    async (req, reply) => {
      if (!(await catalog.getEnterprise(req.body.enterpriseId))) throw new AppError('APP_ERR_NOT_FOUND', `enterprise ${req.body.enterpriseId}`);
      const now = new Date().toISOString();
      const site: Site = { id: randomUUID(), ...req.body, enabled: true, createdAt: now, updatedAt: now };
      await catalog.putSite(site);
      await recordChange(deps, req, { action: 'create', entity: { type: 'site', id: site.id }, after: site });
      return reply.code(201).send(site);
    },
  );

  app.get(
    '/sites',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
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
      const sites = (await catalog.listSites(enterpriseId === undefined ? {} : { enterpriseId })).filter((x) => (enabled === undefined || String(x.enabled) === enabled) && matchesQ(x.name, q));
      return pageByKey(sites, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/sites/:id',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: { tags, summary: 'One site', params: idParams, response: { 200: siteSchema, ...errorResponses } },
    },
    async (req) => {
      const site = await load(req.params.id);
      assertEnterpriseAccess(principalOf(req), site.enterpriseId, `site ${req.params.id}`);
      return site;
    },
  );

  app.patch(
    '/sites/:id',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Change or disable a site', params: idParams, body: patchBody, response: { 200: siteSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await load(req.params.id);
      const after: Site = { ...before, ...req.body, updatedAt: new Date().toISOString() };
      await catalog.putSite(after);
      await recordChange(deps, req, { action: 'update', entity: { type: 'site', id: after.id }, before, after });
      return after;
    },
  );
};
