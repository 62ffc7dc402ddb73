/**
 * Collectors (数采仪) in the DeviceRegistry: register, change, bind to a site/point, set and rotate the password.
 * Every write goes through `DeviceRegistry.put`, which notifies the gateways, so a change applies without restart.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicDevice, withPassword } from '../../domain/device-defaults.js';
import type { Device } from '../../domain/device.js';
import { AppError } from '../../errors.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import { buildDevice, collectorSchema, passwordSchema, profileInput, registerBody, resolveBinding, versionSchema, withBinding } from '../collector-input.js';
import type { RouteOptions } from '../deps.js';
import { listPageOf, listPageQuery, matchesQ, pageByKey } from '../list-page.js';
import { errorResponses, mnParams, nonEmpty } from '../schemas.js';

const createBody = registerBody.extend({ mn: z.string().min(1).max(64) });
const patchBody = nonEmpty(
  z.object({
    version: versionSchema.optional(),
    enabled: z.boolean().optional(),
    profile: profileInput.optional(),
    siteId: z.string().min(1).nullable().optional().describe('null unbinds'),
    pointId: z.string().min(1).nullable().optional().describe('null unbinds from the point (the site stays unless siteId is null too)'),
  }),
);
const listQuery = (pageMax: number) =>
  z.object({
    enterpriseId: z.string().optional(),
    siteId: z.string().optional(),
    pointId: z.string().optional(),
    enabled: z.enum(['true', 'false']).optional().describe('only enabled (true) or disabled (false) collectors'),
    ...listPageQuery(pageMax),
  });

/**
 * The site and point a PATCH asks for (null = unbind, undefined = unchanged): a point alone brings its own site; a
 * new site alone drops the old point, which belongs to the old site.
 */
function bindingOf(before: Device, siteId: string | null | undefined, pointId: string | null | undefined): [string | undefined, string | undefined] {
  if (typeof pointId === 'string') return [siteId ?? undefined, pointId];
  if (pointId === null) return [siteId === undefined ? before.siteId : (siteId ?? undefined), undefined];
  return [siteId ?? undefined, siteId === before.siteId ? before.pointId : undefined];
}

export const collectorRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['collectors'];
  const { registry, catalog } = deps;

  async function load(mn: string): Promise<Device> {
    const device = await registry.get(mn);
    if (!device) throw new AppError('APP_ERR_NOT_FOUND', `collector ${mn}`);
    return device;
  }

  /** Apply a PATCH body: scalar fields, a partial profile, and a re-checked binding when either id is present. */
  async function patched(before: Device, body: z.infer<typeof patchBody>): Promise<Device> {
    const { profile, siteId, pointId, ...scalars } = body;
    const after: Device = { ...before, ...scalars, profile: { ...before.profile, ...profile }, updatedAt: new Date().toISOString() };
    if (siteId === undefined && pointId === undefined) return after;
    return withBinding(after, await resolveBinding(catalog, ...bindingOf(before, siteId, pointId)));
  }

  app.post(
    '/collectors',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Register a collector (MN unique)', body: createBody, response: { 201: collectorSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const { mn, ...rest } = req.body;
      const device = await buildDevice(catalog, mn, rest);
      if (await registry.get(mn)) throw new AppError('APP_ERR_CONFLICT', `collector ${mn} exists`);
      await registry.put(device);
      await recordChange(deps, req, { action: 'create', entity: { type: 'collector', id: mn }, after: publicDevice(device) });
      return reply.code(201).send(publicDevice(device));
    },
  );

  app.get(
    '/collectors',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: {
        tags,
        summary: 'List collectors by MN, optionally of an enterprise, site or point, enabled or not, MN containing q; paginated',
        querystring: listQuery(pageMax),
        response: { 200: listPageOf(collectorSchema), ...errorResponses },
      },
    },
    async (req) => {
      const token = principalOf(req);
      const { siteId, pointId, enabled, q, limit, cursor } = req.query;
      let enterpriseId = req.query.enterpriseId;
      if (token.role === 'enterprise') {
        assertEnterpriseAccess(token, enterpriseId ?? token.enterpriseId, `enterprise ${enterpriseId}`);
        enterpriseId = token.enterpriseId;
      }
      const devices = (await registry.list()).filter(
        (d) =>
          (enterpriseId === undefined || d.enterpriseId === enterpriseId) &&
          (siteId === undefined || d.siteId === siteId) &&
          (pointId === undefined || d.pointId === pointId) &&
          (enabled === undefined || String(d.enabled) === enabled) &&
          matchesQ(d.mn, q),
      );
      const page = pageByKey(devices, (d) => d.mn, limit, cursor);
      return { ...page, items: page.items.map(publicDevice) };
    },
  );

  app.get(
    '/collectors/:mn',
    {
      config: { roles: ['admin', 'ops', 'regulator', 'enterprise'] },
      schema: { tags, summary: 'One collector', params: mnParams, response: { 200: collectorSchema, ...errorResponses } },
    },
    async (req) => {
      const device = await load(req.params.mn);
      assertEnterpriseAccess(principalOf(req), device.enterpriseId, `collector ${req.params.mn}`);
      return publicDevice(device);
    },
  );

  app.patch(
    '/collectors/:mn',
    {
      config: { roles: ['admin', 'ops'] },
      schema: { tags, summary: 'Change version, profile, enabled or binding', params: mnParams, body: patchBody, response: { 200: collectorSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await load(req.params.mn);
      const after = await patched(before, req.body);
      await registry.put(after);
      await recordChange(deps, req, { action: 'update', entity: { type: 'collector', id: after.mn }, before: publicDevice(before), after: publicDevice(after) });
      return publicDevice(after);
    },
  );

  app.put(
    '/collectors/:mn/password',
    {
      config: { roles: ['admin', 'ops'] },
      schema: {
        tags,
        summary: 'Set or rotate the access password (PW); the gateway uses it from the next frame',
        params: mnParams,
        body: z.object({ password: passwordSchema }),
        response: { 200: collectorSchema, ...errorResponses },
      },
    },
    async (req) => {
      const before = await load(req.params.mn);
      const after = withPassword(before, req.body.password);
      await registry.put(after);
      await recordChange(deps, req, { action: 'password', entity: { type: 'collector', id: after.mn }, before: publicDevice(before), after: publicDevice(after) });
      return publicDevice(after);
    },
  );
};
