/**
 * Monitoring items (one pollutant factor at a point, with limits and a validity period). Like points they are
 * disabled, never deleted. The factor of an item never changes; a new standard is a new item whose period starts
 * where the old one's ends, so past readings keep being judged by the limits in force at their time.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MonitoringItem, MonitoringPoint } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import type { RouteOptions } from '../deps.js';
import { enabledFilter, listPageOf, listPageQuery, matchesQ, oldestFirst, pageByKey } from '../list-page.js';
import { assertKnownFactor } from '../factors.js';
import { toCode2017 } from '../../../protocol/index.js';
import { sameFactor } from '../../ledgers/entries.js';
import { errorResponses, idParams, isoDateTime, itemSchema, nonEmpty, text, uploadSchema } from '../schemas.js';
import { newRecord, registryRecords } from '../registry-crud.js';
import { OPERATORS, REGISTRY_READERS } from '../role-sets.js';

const settable = {
  mode: z.enum(['automatic', 'manual']),
  uploads: z.array(uploadSchema).max(5),
  unit: text(32).optional(),
  standardLower: z.number().optional(),
  standardUpper: z.number().optional(),
  rangeLower: z.number().optional(),
  rangeUpper: z.number().optional(),
  startAt: isoDateTime.optional(),
  endAt: isoDateTime.optional(),
};
const createBody = z.object({ factor: z.string().min(1).max(16), ...settable, uploads: settable.uploads.default([]) });

/** In a PATCH, `null` clears an optional field. */
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const patchBody = nonEmpty(
  z.object({
    mode: settable.mode.optional(),
    uploads: settable.uploads.optional(),
    unit: clearable(text(32)),
    standardLower: clearable(z.number()),
    standardUpper: clearable(z.number()),
    rangeLower: clearable(z.number()),
    rangeUpper: clearable(z.number()),
    startAt: clearable(isoDateTime),
    endAt: clearable(isoDateTime),
    enabled: z.boolean().optional(),
  }),
);

const millis = (iso: string | undefined, open: number): number => (iso === undefined ? open : Date.parse(iso));

/** Rules a stored item always satisfies. */
function checkItem(item: MonitoringItem): void {
  if (item.mode === 'automatic' && item.uploads.length === 0) throw new AppError('APP_ERR_BAD_REQUEST', 'an automatic item needs at least one upload schedule');
  if (new Set(item.uploads.map((u) => u.kind)).size !== item.uploads.length) throw new AppError('APP_ERR_BAD_REQUEST', 'one upload schedule per kind');
  const pairs: Array<[string, number | undefined, number | undefined]> = [
    ['standard', item.standardLower, item.standardUpper],
    ['range', item.rangeLower, item.rangeUpper],
    ['period', millis(item.startAt, -Infinity), millis(item.endAt, Infinity)],
  ];
  for (const [name, lower, upper] of pairs) {
    if (lower !== undefined && upper !== undefined && lower >= upper) throw new AppError('APP_ERR_INVALID_RANGE', `${name}: lower must be below upper`);
  }
}

/** Two enabled items of one factor (whichever edition's code names it) at one point must not be in force at the same time. */
function assertNoOverlap(item: MonitoringItem, siblings: readonly MonitoringItem[]): void {
  if (!item.enabled) return;
  const clash = siblings.find(
    (o) =>
      o.id !== item.id &&
      o.enabled &&
      sameFactor(o.factor, item.factor) &&
      millis(o.startAt, -Infinity) < millis(item.endAt, Infinity) &&
      millis(item.startAt, -Infinity) < millis(o.endAt, Infinity),
  );
  if (clash) {
    const as = clash.factor === item.factor ? '' : ` (as ${clash.factor}, the ${toCode2017(clash.factor) === clash.factor ? '2017' : '2005'} code of the same factor)`;
    throw new AppError('APP_ERR_CONFLICT', `item ${clash.id} monitors ${item.factor}${as} at this point in an overlapping period`);
  }
}

function applyPatch(before: MonitoringItem, patch: z.infer<typeof patchBody>): MonitoringItem {
  const after: Record<string, unknown> = { ...before, updatedAt: new Date().toISOString() };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete after[key];
    else if (value !== undefined) after[key] = value;
  }
  return after as unknown as MonitoringItem;
}

export const itemRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, pageMax }) => {
  const tags = ['registry'];
  const { catalog } = deps;

  const points = registryRecords<MonitoringPoint>(deps, { type: 'point', get: (id) => catalog.getPoint(id), put: (p) => catalog.putPoint(p), enterpriseOf: (p) => p.enterpriseId, idOf: (p) => p.id });
  const items = registryRecords<MonitoringItem>(deps, { type: 'item', get: (id) => catalog.getItem(id), put: (i) => catalog.putItem(i), enterpriseOf: (i) => i.enterpriseId, idOf: (i) => i.id });

  app.post(
    '/points/:id/items',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Add a monitoring item (factor) to a point', params: idParams, body: createBody, response: { 201: itemSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const point = await points.load(req.params.id);
      assertKnownFactor(req.body.factor);
      const { enterpriseId, siteId } = point;
      const item: MonitoringItem = newRecord({ enterpriseId, siteId, pointId: point.id, ...req.body });
      checkItem(item);
      assertNoOverlap(item, await catalog.listItems(point.id));
      return reply.code(201).send(await items.create(req, item));
    },
  );

  app.get(
    '/points/:id/items',
    {
      config: { roles: REGISTRY_READERS },
      schema: {
        tags,
        summary: 'Monitoring items of a point, oldest first, disabled ones included unless `enabled` says; factor code containing q; paginated',
        params: idParams,
        querystring: z.object({ enabled: enabledFilter, ...listPageQuery(pageMax, 'factor code') }),
        response: { 200: listPageOf(itemSchema), ...errorResponses },
      },
    },
    async (req) => {
      const point = await points.loadVisible(req, req.params.id);
      const { enabled, q, limit, cursor } = req.query;
      const listed = (await catalog.listItems(point.id)).filter((i) => (enabled === undefined || String(i.enabled) === enabled) && matchesQ(i.factor, q));
      return pageByKey(listed, oldestFirst, limit, cursor);
    },
  );

  app.get(
    '/items/:id',
    {
      config: { roles: REGISTRY_READERS },
      schema: { tags, summary: 'One monitoring item', params: idParams, response: { 200: itemSchema, ...errorResponses } },
    },
    async (req) => items.loadVisible(req, req.params.id),
  );

  app.patch(
    '/items/:id',
    {
      config: { roles: OPERATORS },
      schema: { tags, summary: 'Change limits, period or mode; disable or re-enable (null clears a field)', params: idParams, body: patchBody, response: { 200: itemSchema, ...errorResponses } },
    },
    async (req) => {
      const before = await items.load(req.params.id);
      const after = applyPatch(before, req.body);
      checkItem(after);
      assertNoOverlap(after, await catalog.listItems(after.pointId));
      return items.update(req, before, after);
    },
  );
};
