/**
 * Collectors (数采仪) in the DeviceRegistry: register, change, bind to a site/point, set and rotate the password.
 * Every write goes through `DeviceRegistry.put`, which notifies the gateways, so a change applies without restart.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicDevice, withPassword } from '../../domain/device-defaults.js';
import type { Device } from '../../domain/device.js';
import { AppError } from '../../errors.js';
import { principalOf } from '../auth.js';
import { buildDevice, collectorSchema, passwordSchema, profileInput, registerBody, resolveBinding, versionSchema, withBinding } from '../collector-input.js';
import type { RouteOptions } from '../deps.js';
import { listPageOf, listPageQuery, pageByKey } from '../list-page.js';
import { errorResponses, mnParams, nonEmpty } from '../schemas.js';
import { registryRecords } from '../registry-crud.js';
import { visibleDevices } from '../device-filter.js';
import { OPERATORS, REGISTRY_READERS } from '../role-sets.js';

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

  const collectors = registryRecords<Device>(deps, { type: 'collector', get: (mn) => registry.get(mn), put: (d) => registry.put(d), enterpriseOf: (d) => d.enterpriseId, idOf: (d) => d.mn, view: publicDevice });

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
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Register a collector (MN unique)', body: createBody, response: { 201: collectorSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const { mn, ...rest } = req.body;
      const device = await buildDevice(catalog, mn, rest);
      if (await registry.get(mn)) throw new AppError('APP_ERR_CONFLICT', `collector ${mn} exists`);
      return reply.code(201).send(publicDevice(await collectors.create(req, device)));
    },
  );

  app.get(
    '/collectors',
    {
      config: { roles: REGISTRY_READERS },
      schema: {
        tags,
        summary: 'List collectors by MN, optionally of an enterprise, site or point, enabled or not, MN containing q; paginated',
        querystring: listQuery(pageMax),
        response: { 200: listPageOf(collectorSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const devices = await visibleDevices(registry, principalOf(req), req.query);
      const page = pageByKey(devices, (d) => d.mn, limit, cursor);
      return { ...page, items: page.items.map(publicDevice) };
    },
  );

  app.get(
    '/collectors/:mn',
    {
      config: { roles: REGISTRY_READERS },
      schema: { tags, summary: 'One collector', params: mnParams, response: { 200: collectorSchema, ...errorResponses } },
    },
    async (req) => publicDevice(await collectors.loadVisible(req, req.params.mn)),
  );

  app.patch(
    '/collectors/:mn',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Change version, profile, enabled or binding', params: mnParams, body: patchBody, response: { 200: collectorSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await collectors.load(req.params.mn);
      return publicDevice(await collectors.update(req, before, await patched(before, req.body)));
    },
  );

  app.put(
    '/collectors/:mn/password',
    {
      config: { roles: OPERATORS },
      schema: {
        tags,
        summary: 'Set or rotate the access password (PW); the gateway uses it from the next frame',
        params: mnParams,
        body: z.object({ password: passwordSchema }),
        response: { 200: collectorSchema, ...errorResponses },
      },
    },
    async (req) => {
      const before = await collectors.load(req.params.mn);
      return publicDevice(await collectors.update(req, before, withPassword(before, req.body.password), 'password'));
    },
  );
};
