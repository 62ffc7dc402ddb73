/**
 * Manual back-fill (数据录入): an enterprise enters the values of a missing period with a reason. They are stored in
 * InfluxDB with data flag S and tag source=manual, beside the collector's series and never over it (a period holding
 * a collector reading is 409); the gap, if any, becomes back-filled. A regulator accepts or rejects (the point is
 * then marked rejected and the gap is open again). Values outside the items' measuring ranges are refused; several
 * factors of one period can be entered in one call (all stored or none).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BACKFILL_STATES } from '../../domain/ledgers.js';
import { submitBackfills } from '../../ledgers/backfills.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { RouteOptions } from '../deps.js';
import { ledgerAction, ledgerActorOf, ledgerDepsOf } from '../ledger-access.js';
import { backfillBatchSchema, backfillBody, backfillSchema, listQueryOf } from '../ledger-schemas.js';
import { backfillView } from '../ledger-views.js';
import { errorResponses } from '../schemas.js';
import { ledgerRoutes } from '../ledger-routes.js';
import { ENTERPRISE_ACTORS } from '../role-sets.js';
import { notFound } from '../not-found.js';

export const backfillRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  const backfills = ledgerRoutes(app, deps, timeZone, { type: 'backfill', path: '/backfills', schema: backfillSchema, listQuery: listQueryOf(BACKFILL_STATES), view: backfillView });
  backfills.read({ list: 'Manual back-fills by collector, site, point, item, state and period', one: 'One back-fill: values, who, when, why, review' });

  app.post(
    '/backfills',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: {
        tags,
        summary: '数据录入: enter the values of a missing period of your collector, one factor (factor + values) or several (factors)',
        body: backfillBody,
        response: { 201: z.union([backfillSchema, backfillBatchSchema]).describe('the entry (factor + values) or { items } (factors)'), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { periodStart, factor, values, factors, ...input } = req.body;
      const device = await deps.registry.get(input.mn);
      if (!device) throw notFound(`collector ${input.mn}`);
      assertEnterpriseAccess(principalOf(req), device.enterpriseId, `collector ${input.mn}`);
      const single = factors === undefined;
      const list = factors ?? [{ factor: factor ?? '', values: values ?? {} }];
      const paths = single ? ['/values'] : list.map((_, i) => `/factors/${i}/values`);
      const entries = await ledgerAction(() => submitBackfills(ledgers, { ...input, periodStart: Date.parse(periodStart), factors: list }, ledgerActorOf(req), paths));
      for (const entry of entries) await recordChange(deps, req, { action: 'create', entity: { type: 'backfill', id: entry.id }, after: entry });
      const views = entries.map((e) => backfillView(e, timeZone));
      return reply.code(201).send(single ? (views[0] as z.infer<typeof backfillSchema>) : { items: views });
    },
  );

  backfills.review('Accept or reject a back-fill (rejected values are marked rejected; the gap opens again)');
};
