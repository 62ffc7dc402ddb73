/** Enterprises (排污单位): created and changed by ops/admin, read by regulators and by the enterprise itself. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Enterprise } from '../../domain/catalog.js';
import { principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, matchesQ, namedPageQuery, oldestFirst, pageByKey } from '../list-page.js';
import { enterpriseSchema, errorResponses, idParams, nonEmpty, text } from '../schemas.js';
import { newRecord, patchedRecord, registryRecords } from '../registry-crud.js';
import { OPERATORS, REGISTRY_READERS } from '../role-sets.js';

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

  const enterprises = registryRecords<Enterprise>(deps, {
    type: 'enterprise',
    get: (id) => catalog.getEnterprise(id),
    put: (e) => catalog.putEnterprise(e),
    enterpriseOf: (e) => e.id,
    idOf: (e) => e.id,
  });

  app.post(
    '/enterprises',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Create an enterprise', body: createBody, response: { 201: enterpriseSchema, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send(await enterprises.create(req, newRecord(req.body))),
  );

  app.get(
    '/enterprises',
    {
      config: { roles: REGISTRY_READERS },
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
      config: { roles: REGISTRY_READERS },
      schema: { tags, summary: 'One enterprise', params: idParams, response: { 200: enterpriseSchema, ...errorResponses } },
    },
    async (req) => enterprises.loadVisible(req, req.params.id),
  );

  app.patch(
    '/enterprises/:id',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Change or disable an enterprise', params: idParams, body: patchBody, response: { 200: enterpriseSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await enterprises.load(req.params.id);
      return enterprises.update(req, before, patchedRecord(before, req.body));
    },
  );
};
