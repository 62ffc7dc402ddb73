/** Enterprises (排污单位): created and changed by ops/admin, read by regulators and by the enterprise itself. */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Enterprise } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { enterpriseSchema, errorResponses, idParams, nonEmpty, text } from '../schemas.js';

const fields = {
  name: text(200),
  creditCode: z
    .string()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character unified social credit code (GB 32100)')
    .optional(),
  region: text(100).optional(),
};
const createBody = z.object(fields);
const patchBody = nonEmpty(z.object({ ...fields, name: fields.name.optional(), enabled: z.boolean().optional() }));

export const enterpriseRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['registry'];
  const { catalog } = deps;

  async function load(id: string): Promise<Enterprise> {
    const enterprise = await catalog.getEnterprise(id);
    if (!enterprise) throw new AppError('APP_ERR_NOT_FOUND', `enterprise ${id}`);
    return enterprise;
  }

  app.post(
    '/enterprises',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Create an enterprise', body: createBody, response: { 201: enterpriseSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const now = new Date().toISOString();
      const enterprise: Enterprise = { id: randomUUID(), ...req.body, enabled: true, createdAt: now, updatedAt: now };
      await catalog.putEnterprise(enterprise);
      await recordChange(deps, req, { action: 'create', entity: { type: 'enterprise', id: enterprise.id }, after: enterprise });
      return reply.code(201).send(enterprise);
    },
  );

  app.get(
    '/enterprises',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: {
        tags,
        summary: 'List enterprises, oldest first (an enterprise token sees its own); name containing q, enabled; paginated',
        querystring: z.object({ enabled: enabledFilter, ...namedPageQuery(pageMax) }),
        response: { 200: listPageOf(enterpriseSchema), ...errorResponses },
      },
    },
    async (req) => {
      const token = principalOf(req);
      const { enabled, q, limit, cursor } = req.query;
      const all = (await catalog.listEnterprises()).filter(
        (e) => (token.role !== 'enterprise' || e.id === token.enterpriseId) && (enabled === undefined || String(e.enabled) === enabled) && matchesQ(e.name, q),
      );
      return pageByKey(all, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/enterprises/:id',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: { tags, summary: 'One enterprise', params: idParams, response: { 200: enterpriseSchema, ...errorResponses } },
    },
    async (req) => {
      const enterprise = await load(req.params.id);
      assertEnterpriseAccess(principalOf(req), enterprise.id, `enterprise ${req.params.id}`);
      return enterprise;
    },
  );

  app.patch(
    '/enterprises/:id',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Change or disable an enterprise', params: idParams, body: patchBody, response: { 200: enterpriseSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await load(req.params.id);
      const after: Enterprise = { ...before, ...req.body, updatedAt: new Date().toISOString() };
      await catalog.putEnterprise(after);
      await recordChange(deps, req, { action: 'update', entity: { type: 'enterprise', id: after.id }, before, after });
      return after;
    },
  );
};
