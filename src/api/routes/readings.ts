/**
 * Time series for portals: readings of a collector, a site or a point, by kind, factor(s) and time range, with cursor
 * pagination, as JSON or CSV (streamed page by page for large ranges); and the latest values of a collector.
 * Times are ISO 8601 with offset both ways; answers use `tz`, else the collector's zone, else HJ212_TIME_ZONE.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TokenRecord } from '../../domain/catalog.js';
import { DATA_KINDS, NUMERIC_FIELDS, READING_SOURCES, TEXT_FIELDS, VALUE_KINDS, type Reading, type ReadingFilter } from '../../domain/readings.js';
import { AppError } from '../../errors.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import { BOM, createLabeler, labelledLine, LONG_HEADER, wideCsv, wideFactors, type Labeler } from '../csv-export.js';
import { decodeCursor, encodeCursor, positionAfter } from '../cursor.js';
import type { RouteOptions } from '../deps.js';
import { errorResponses, isoDateTime, mnParams, mnString } from '../schemas.js';
import { formatInZone, isTimeZone } from '../time.js';
import { matchingDevices } from '../device-filter.js';
import { EVERYONE } from '../role-sets.js';
import { notFound } from '../not-found.js';

/** Rows per InfluxDB query while streaming CSV: large enough to amortise the round trip, small enough to bound memory. */
const CSV_PAGE = 5_000;
const DEFAULT_LIMIT = 1_000;
/** Largest JSON page: one answer is built in memory. CSV is streamed page by page, so its `limit` has no such bound. */
const MAX_LIMIT = 10_000;

const codeList = (what: string) => z.string().regex(/^[A-Za-z0-9-]{1,16}(,[A-Za-z0-9-]{1,16}){0,49}$/, `comma-separated ${what}`);
const tzSchema = z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai').optional().describe('zone of the times in the answer');

const readingsFields = {
    mn: mnString.optional(),
    siteId: z.string().min(1).max(64).optional(),
    pointId: z.string().min(1).max(64).optional(),
    factor: codeList('factor codes').optional().describe('factor codes, comma-separated; all when absent'),
    kind: z.enum(DATA_KINDS).default('hour'),
    from: isoDateTime.describe('inclusive, e.g. 2024-05-01T00:00:00+08:00'),
    to: isoDateTime.optional().describe('exclusive; default now'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(`JSON: page size 1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}. CSV (format=csv): total rows, default all`),
    cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
    tz: tzSchema,
    includeRejected: z
      .enum(['true', 'false'])
      .optional()
      .describe('true: also return back-fills a regulator rejected (rejected: true); by default they are left out'),
};
const oneTarget = { message: 'give exactly one of mn, siteId, pointId' };
const hasOneTarget = (q: { mn?: string; siteId?: string; pointId?: string }): boolean => [q.mn, q.siteId, q.pointId].filter((v) => v !== undefined).length === 1;
const readingsQuery = z
  .object({
    ...readingsFields,
    format: z.enum(['json', 'csv', 'wide']).optional().describe('csv (also chosen by Accept: text/csv) and wide answer the CSV of GET /readings/csv; prefer that operation'),
  })
  .refine(hasOneTarget, oneTarget)
  .refine((q) => q.format === 'csv' || q.format === 'wide' || q.limit === undefined || q.limit <= MAX_LIMIT, {
    path: ['limit'],
    message: `a JSON page holds at most ${MAX_LIMIT} readings (page with cursor); format=csv takes any limit`,
  });
const csvQuery = z
  .object({
    ...readingsFields,
    format: z.enum(['long', 'wide']).default('long').describe('long: a row per reading; wide: a row per time and collector, a column per factor'),
  })
  .refine(hasOneTarget, oneTarget);

const readingSchema = z
  .object({
    kind: z.enum(DATA_KINDS),
    time: z.string().describe('DataTime, ISO 8601 with offset'),
    mn: z.string(),
    factor: z.string(),
    st: z.string().optional(),
    invalid: z.boolean().describe('a value was not a number; see raw'),
    source: z.enum(READING_SOURCES).describe('collector: uploaded; manual: a back-fill (数据录入, flag S)'),
    rejected: z.boolean().describe('a back-fill a regulator rejected (only with includeRejected=true)'),
    ...Object.fromEntries(NUMERIC_FIELDS.map((f) => [f, z.number().optional()])),
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, z.string().optional()])),
  })
  .meta({ id: 'Reading' });

const pageSchema = z.object({
  kind: z.enum(DATA_KINDS),
  timeZone: z.string(),
  readings: z.array(readingSchema),
  nextCursor: z.string().optional().describe('present when more readings follow'),
});

const latestSchema = z.object({ mn: z.string(), timeZone: z.string(), readings: z.array(readingSchema) });

function toJson(reading: Reading, timeZone: string): z.infer<typeof readingSchema> {
  const { timeMs, ...rest } = reading;
  return { ...rest, time: formatInZone(timeMs, timeZone) };
}

/**
 * JSON text of a reading in a zone, remembered per reading object: answers shared by the read cache hand the same
 * objects to every request, so a page polled by many portals is converted once. Converting and checking readings is
 * the largest part of answering a series request, which is also why these two routes skip the zod response check
 * (the schemas still document the answers; measurements in benchmarks/README.md).
 */
const readingTexts = new WeakMap<Reading, { zone: string; json: string }>();
function readingsJson(readings: readonly Reading[], zone: string): string {
  const parts = readings.map((r) => {
    const known = readingTexts.get(r);
    if (known?.zone === zone) return known.json;
    const json = JSON.stringify(toJson(r, zone));
    readingTexts.set(r, { zone, json });
    return json;
  });
  return `[${parts.join(',')}]`;
}

/** Send `answer` (without its readings) as JSON with the readings' text spliced in as the last member. */
function sendJson(reply: FastifyReply, answer: Record<string, string | undefined>, readings: readonly Reading[], zone: string): FastifyReply {
  const head = JSON.stringify(answer);
  const body = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"readings":${readingsJson(readings, zone)}}`;
  return reply.type('application/json; charset=utf-8').send(body);
}

export const readingRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone: defaultZone }) => {
  const tags = ['readings'];
  const { registry, catalog, readings } = deps;
  const roles = EVERYONE;

  /** The collectors a request reads and the zone to show them in, after checking the token may see them. */
  async function resolveTarget(token: TokenRecord, q: { mn?: string; siteId?: string; pointId?: string; tz?: string }): Promise<{ mns: string[]; zone: string }> {
    if (q.mn !== undefined) {
      const device = await registry.get(q.mn);
      assertEnterpriseAccess(token, device?.enterpriseId, `collector ${q.mn}`);
      return { mns: [q.mn], zone: q.tz ?? device?.profile.timeZone ?? defaultZone };
    }
    const holder = q.siteId !== undefined ? await catalog.getSite(q.siteId) : await catalog.getPoint(q.pointId ?? '');
    if (!holder) throw notFound(q.siteId !== undefined ? `site ${q.siteId}` : `point ${q.pointId}`);
    assertEnterpriseAccess(token, holder.enterpriseId, q.siteId !== undefined ? `site ${q.siteId}` : `point ${q.pointId}`);
    const devices = await matchingDevices(registry, q.siteId !== undefined ? { siteId: q.siteId } : { pointId: q.pointId });
    return { mns: devices.map((d) => d.mn), zone: q.tz ?? defaultZone };
  }

  /** Every reading from `after` on (up to `limit`), one InfluxDB page at a time; the first page is already read. */
  async function* pagesOf(filter: ReadingFilter, first: Reading[], limit: number): AsyncGenerator<Reading[]> {
    let page = first;
    let sent = 0;
    while (page.length > 0) {
      yield page;
      sent += page.length;
      // A short page is the last one (ReadingQuery.find fills pages while readings remain).
      if (page.length < CSV_PAGE || sent >= limit) return;
      page = await readings.find(filter, { limit: Math.min(CSV_PAGE, limit - sent), after: positionAfter(page) });
    }
  }

  /** Long CSV for Excel (src/api/csv-export.ts): BOM, header, a row per reading with names and units beside ids. */
  async function* longCsv(pages: AsyncIterable<Reading[]>, zone: string, labels: Labeler): AsyncGenerator<string> {
    yield `${BOM}${LONG_HEADER}`;
    for await (const page of pages) yield (await Promise.all(page.map((r) => labelledLine(r, zone, labels)))).join('');
  }

  /** Answer the readings of a query as a streamed CSV file (long or wide). */
  async function sendCsv(reply: FastifyReply, q: z.infer<typeof csvQuery>, token: TokenRecord): Promise<FastifyReply> {
    const fromMs = Date.parse(q.from);
    const toMs = q.to === undefined ? Date.now() : Date.parse(q.to);
    if (fromMs >= toMs) throw new AppError('APP_ERR_INVALID_RANGE', 'from must be before to');
    const { mns, zone } = await resolveTarget(token, q);
    const factors = q.factor?.split(',');
    const filter: ReadingFilter = { kind: q.kind, mns, factors, fromMs, toMs, includeRejected: q.includeRejected === 'true' };
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, filter);
    const limit = q.limit ?? Number.MAX_SAFE_INTEGER;
    const labels = createLabeler(deps);
    const wide = q.format === 'wide' ? await wideFactors(deps, mns, factors) : undefined;
    if (wide && wide.length === 0) throw new AppError('APP_ERR_BAD_REQUEST', 'format=wide needs `factor` when the collectors have no monitoring items');
    const first = mns.length === 0 ? [] : await readings.find(wide ? { ...filter, factors: wide } : filter, { limit: Math.min(CSV_PAGE, limit), after });
    const pages = pagesOf(wide ? { ...filter, factors: wide } : filter, first, limit);
    const body = wide ? wideCsv(pages, wide, zone, labels, mns[0]) : longCsv(pages, zone, labels);
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="readings-${q.kind}${wide ? '-wide' : ''}.csv"`);
    // A stream is piped, not serialized; the type provider only knows the schemas' types, hence the cast.
    return reply.send(Readable.from(body) as unknown as string);
  }

  app.get(
    '/readings/csv',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Readings as a CSV file for Excel (UTF-8 with BOM, names and units beside ids), long or wide',
        querystring: csvQuery,
        response: { 200: { description: 'CSV file (RFC 4180, CRLF)', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
      },
    },
    async (req, reply) => sendCsv(reply, req.query, principalOf(req)),
  );

  app.get(
    '/readings',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Readings of a collector (mn), site or point over a time range',
        querystring: readingsQuery,
        description: 'JSON pages. The same readings as a CSV file: GET /readings/csv (format=csv, format=wide or Accept: text/csv here answer that CSV too).',
        response: { 200: pageSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const csv = q.format === 'csv' || q.format === 'wide' || (q.format === undefined && (req.headers.accept ?? '').includes('text/csv'));
      if (csv) return sendCsv(reply, { ...q, format: q.format === 'wide' ? 'wide' : 'long' }, principalOf(req));
      const fromMs = Date.parse(q.from);
      const toMs = q.to === undefined ? Date.now() : Date.parse(q.to);
      if (fromMs >= toMs) throw new AppError('APP_ERR_INVALID_RANGE', 'from must be before to');
      const { mns, zone } = await resolveTarget(principalOf(req), q);
      const filter: ReadingFilter = { kind: q.kind, mns, factors: q.factor?.split(','), fromMs, toMs, includeRejected: q.includeRejected === 'true' };
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, filter);
      const limit = q.limit ?? DEFAULT_LIMIT;
      // One row more than asked tells whether another page follows without a second query.
      const rows = mns.length === 0 ? [] : await readings.find(filter, { limit: limit + 1, after });
      const page = rows.slice(0, limit);
      const position = rows.length > limit ? positionAfter(page) : undefined;
      const answer: Omit<z.infer<typeof pageSchema>, 'readings'> = { kind: q.kind, timeZone: zone, nextCursor: position && encodeCursor(position, filter) };
      return sendJson(reply, answer, page, zone);
    },
  );

  app.get(
    '/collectors/:mn/latest',
    {
      config: { roles },
      schema: {
        tags,
        summary: 'Newest reading per kind and factor of a collector',
        params: mnParams,
        querystring: z.object({ kind: z.string().optional().describe(`comma-separated kinds; default ${VALUE_KINDS.join(',')}`), tz: tzSchema }),
        response: { 200: latestSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { mn } = req.params;
      const kinds = req.query.kind === undefined ? [...VALUE_KINDS] : req.query.kind.split(',');
      const unknown = kinds.filter((k) => !(DATA_KINDS as readonly string[]).includes(k));
      if (unknown.length > 0) throw new AppError('APP_ERR_BAD_REQUEST', `unknown kind ${unknown.join(',')}; one of ${DATA_KINDS.join(',')}`);
      const device = await registry.get(mn);
      assertEnterpriseAccess(principalOf(req), device?.enterpriseId, `collector ${mn}`);
      const zone = req.query.tz ?? device?.profile.timeZone ?? defaultZone;
      const latest = await readings.latest(mn, kinds as (typeof DATA_KINDS)[number][]);
      const answer: Omit<z.infer<typeof latestSchema>, 'readings'> = { mn, timeZone: zone };
      return sendJson(reply, answer, latest, zone);
    },
  );
};
