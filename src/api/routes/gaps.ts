/**
 * Gap ledger: periods without a collector reading (open → re-pull requested → filled by the collector | back-filled
 * | explained → waived, or covered by an accepted registration). Enterprises explain their gaps, regulators review.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GAP_STATES } from '../../domain/ledgers.js';
import type { RouteOptions } from '../deps.js';
import { ledgerDepsOf, loadEntry } from '../ledger-access.js';
import { explainEntry, LEDGER_ROLES, listEntries, reviewEntry } from '../ledger-handlers.js';
import { entryParams, explainBody, gapSchema, listQueryOf, pageOf, reviewBody } from '../ledger-schemas.js';
import { gapView } from '../ledger-views.js';
import { errorResponses } from '../schemas.js';

export const gapRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  app.get(
    '/gaps',
    {
      config: { roles: LEDGER_ROLES.read },
      schema: { tags, summary: 'Gap entries by collector, site, point, item, state and period, oldest period first', querystring: listQueryOf(GAP_STATES), response: { 200: pageOf(gapSchema), ...errorResponses } },
    },
    async (req) => {
      const page = await listEntries(ledgers, req, 'gap', req.query);
      return { ...page, items: page.items.map((e) => gapView(e, timeZone)) };
    },
  );

  app.get(
    '/gaps/:id',
    { config: { roles: LEDGER_ROLES.read }, schema: { tags, summary: 'One gap with its re-pull attempts and history', params: entryParams, response: { 200: gapSchema, ...errorResponses } } },
    async (req) => gapView(await loadEntry(ledgers, req, 'gap', req.params.id), timeZone),
  );

  app.post(
    '/gaps/:id/explanation',
    {
      config: { roles: LEDGER_ROLES.act },
      schema: { tags, summary: '原因说明: explain an open gap of your enterprise', params: entryParams, body: explainBody, response: { 200: gapSchema, ...errorResponses } },
    },
    async (req) => gapView(await explainEntry(deps, ledgers, req, 'gap', req.params.id, req.body.text), timeZone),
  );

  app.post(
    '/gaps/:id/review',
    {
      config: { roles: LEDGER_ROLES.review },
      schema: { tags, summary: 'Accept (waived) or reject (open again) an explained gap', params: entryParams, body: reviewBody, response: { 200: gapSchema, ...errorResponses } },
    },
    async (req) => gapView(await reviewEntry(deps, ledgers, req, 'gap', req.params.id, req.body), timeZone),
  );
};
