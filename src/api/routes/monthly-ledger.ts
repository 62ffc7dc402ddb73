/**
 * Monthly operation ledger (运行台账): per site / point / item / data kind and local month, expected vs received
 * periods, gaps and anomalies by state, registration coverage, upload and publication rates, as JSON or CSV. Rows
 * are computed by the workers' rollup (daily at HJ212_ROLLUP_AT, and on demand through POST /monthly-ledger/rollup);
 * when no rollup holds the rows asked for, they are computed on read (`computed: "on-read"`) and not stored.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MonthlyRow } from '../../domain/ledgers.js';
import { VALUE_KINDS } from '../../domain/readings.js';
import { computeMonth, monthlyCsv } from '../../ledgers/monthly-ledger.js';
import { compareRows } from '../../storage/ledger-query.js';
import { principalOf } from '../auth.js';
import { excelMonthlyCsv } from '../csv-export.js';
import type { RouteOptions } from '../deps.js';
import { ledgerDepsOf, scopedEnterprise } from '../ledger-access.js';
import { errorResponses } from '../schemas.js';
import { formatInZone } from '../time.js';
import { EVERYONE, OVERSEERS } from '../role-sets.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const count = z.number().int();

const rowSchema = z
  .object({
    month: z.string(),
    enterpriseId: z.string(),
    siteId: z.string(),
    pointId: z.string(),
    itemId: z.string(),
    mn: z.string(),
    factor: z.string(),
    kind: z.enum(VALUE_KINDS),
    expected: count.describe('periods due in the month'),
    received: count.describe('periods with a collector reading'),
    backFilled: count.describe('periods with only a manual value (not rejected)'),
    coveredByRegistration: count,
    gaps: z.object({ total: count, open: count, filled: count, backFilled: count, explained: count, waived: count, covered: count }),
    anomalies: z.object({ total: count, unexplained: count, explained: count, accepted: count, rejected: count, covered: count }),
    uploadRate: z.number().describe('received / (expected − covered), percent'),
    publicationRate: z.number().describe('(received + back-filled) / (expected − covered), percent'),
    computedAt: z.string(),
  })
  .meta({ id: 'MonthlyLedgerRow' });

const ledgerQuery = z.object({
  month,
  enterpriseId: z.string().min(1).max(64).optional().describe('an enterprise token always sees its own'),
  siteId: z.string().min(1).max(64).optional(),
  pointId: z.string().min(1).max(64).optional(),
  mn: z.string().min(1).max(64).optional(),
  factor: z.string().min(1).max(16).optional(),
  format: z.enum(['json', 'csv']).optional().describe('csv also chosen by Accept: text/csv'),
});

const COMPUTED = ['rollup', 'on-read', 'pending'] as const;
type Computed = (typeof COMPUTED)[number];
/** Collectors whose rows are computed on read when the deployment does not say (HJ212_LEDGER_ON_READ_MAX_COLLECTORS). */
const DEFAULT_ON_READ_MAX = 50;

type Filter = Partial<Pick<MonthlyRow, 'enterpriseId' | 'siteId' | 'pointId' | 'mn' | 'factor'>>;

function matches(row: MonthlyRow, filter: Filter): boolean {
  return (Object.entries(filter) as Array<[keyof Filter, string | undefined]>).every(([key, value]) => value === undefined || row[key] === value);
}

export const monthlyLedgerRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  app.get(
    '/monthly-ledger',
    {
      config: { roles: EVERYONE },
      schema: {
        tags,
        summary: '运行台账 of a month per site / point / item / kind, as JSON or CSV',
        querystring: ledgerQuery,
        response: {
          200: {
            content: {
              'application/json': {
                schema: z.object({
                  month: z.string(),
                  computed: z
                    .enum(COMPUTED)
                    .describe('rollup: the stored rows of the last rollup; on-read: no rollup had these rows, computed for this answer; pending: too many collectors to compute on read, a rollup was asked for (jobId): ask again when it ran'),
                  computedAt: z.string().describe('when the rows were computed (the rollup time, or now)'),
                  jobId: z.string().optional().describe('the rollup job asked for (computed: pending)'),
                  rows: z.array(rowSchema),
                }),
              },
              'text/csv': { schema: z.string() },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { month: m, format, enterpriseId, ...rest } = req.query;
      const filter: Filter = { ...rest, enterpriseId: scopedEnterprise(principalOf(req), enterpriseId) };
      let rows = (await ledgers.rollups.get(m)).filter((r) => matches(r, filter));
      let computed: Computed = rows.length > 0 ? 'rollup' : 'on-read';
      let jobId: string | undefined;
      if (rows.length === 0) {
        // No rollup (yet) for these rows: compute them now for the collectors the filter names, without storing;
        // more collectors than the bound are left to the workers' rollup, asked for here.
        // The collectors whose rows the filter may want (factor is not a device field).
        const { enterpriseId: e, siteId, pointId, mn } = filter;
        const devices = (await deps.registry.find({ enterpriseId: e, siteId, pointId })).filter((d) => d.pointId !== undefined && (mn === undefined || d.mn === mn));
        // Read from deps.ledgers at each request (ledgerDepsOf copies it once): the bound is a live setting.
        if (devices.length > (deps.ledgers?.onReadMaxCollectors ?? DEFAULT_ON_READ_MAX)) {
          computed = 'pending';
          jobId = await ledgers.requestRollup(m);
        } else {
          const deps2 = { items: ledgers.items, ledgers: ledgers.ledgers, readings: ledgers.readings, clock: ledgers.clock, settings: { gapGraceMs: ledgers.gapGraceMs } };
          rows = (await computeMonth(deps2, m, devices.map((d) => d.mn))).filter((r) => matches(r, filter)).sort(compareRows);
        }
      }
      const computedAt = formatInZone(rows.length > 0 ? Math.max(...rows.map((r) => r.computedAt)) : ledgers.clock.now(), timeZone);
      const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
      if (csv) {
        // A string with a non-JSON content type is sent as it is (not serialized).
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="monthly-ledger-${m}.csv"`)
          .header('x-ledger-computed', `${computed}; at=${computedAt}${jobId === undefined ? '' : `; job=${jobId}`}`)
          .send(await excelMonthlyCsv(deps, rows, monthlyCsv(rows)));
      }
      return { month: m, computed, computedAt, jobId, rows: rows.map((r) => ({ ...r, computedAt: formatInZone(r.computedAt, timeZone) })) };
    },
  );

  app.post(
    '/monthly-ledger/rollup',
    {
      config: { roles: OVERSEERS },
      schema: {
        tags,
        summary: 'Recompute a month now (a rollup job for the workers; repeated requests within a second are one job)',
        body: z.object({ month }),
        response: { 202: z.object({ month: z.string(), jobId: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => reply.code(202).send({ month: req.body.month, jobId: await ledgers.requestRollup(req.body.month) }),
  );
};
