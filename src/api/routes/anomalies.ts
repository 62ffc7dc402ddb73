/**
 * Anomaly ledger: readings over the standard or range limits, flagged, constant, negative or inconsistent (open →
 * explained → accepted | rejected, or covered by an accepted registration), with the evidence.
 * Enterprises explain, regulators review.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANOMALY_RULES, ANOMALY_STATES } from '../../domain/ledgers.js';
import type { RouteOptions } from '../deps.js';
import { ledgerDepsOf, loadEntry } from '../ledger-access.js';
import { explainEntry, LEDGER_ROLES, listEntries, reviewEntry } from '../ledger-handlers.js';
import { entryParams, explainBody, anomalySchema, listQueryOf, pageOf, reviewBody } from '../ledger-schemas.js';
import { anomalyView } from '../ledger-views.js';
import { errorResponses } from '../schemas.js';

const listQuery = listQueryOf(ANOMALY_STATES).extend({ rule: z.enum(ANOMALY_RULES).optional() });

export const anomalyRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  app.get(
    '/anomalies',
    {
      config: { roles: LEDGER_ROLES.read },
      schema: { tags, summary: 'Anomaly entries by collector, site, point, item, rule, state and period, oldest period first', querystring: listQuery, response: { 200: pageOf(anomalySchema), ...errorResponses } },
    },
    async (req) => {
      const page = await listEntries(ledgers, req, 'anomaly', req.query, { rule: req.query.rule });
      return { ...page, items: page.items.map((e) => anomalyView(e, timeZone)) };
    },
  );

  app.get(
    '/anomalies/:id',
    { config: { roles: LEDGER_ROLES.read }, schema: { tags, summary: 'One anomaly with its evidence and history', params: entryParams, response: { 200: anomalySchema, ...errorResponses } } },
    async (req) => anomalyView(await loadEntry(ledgers, req, 'anomaly', req.params.id), timeZone),
  );

  app.post(
    '/anomalies/:id/explanation',
    {
      config: { roles: LEDGER_ROLES.act },
      schema: { tags, summary: '原因说明: explain an open or rejected anomaly of your enterprise', params: entryParams, body: explainBody, response: { 200: anomalySchema, ...errorResponses } },
    },
    async (req) => anomalyView(await explainEntry(deps, ledgers, req, 'anomaly', req.params.id, req.body.text), timeZone),
  );

  app.post(
    '/anomalies/:id/review',
    {
      config: { roles: LEDGER_ROLES.review },
      schema: { tags, summary: 'Accept or reject an explained anomaly', params: entryParams, body: reviewBody, response: { 200: anomalySchema, ...errorResponses } },
    },
    async (req) => anomalyView(await reviewEntry(deps, ledgers, req, 'anomaly', req.params.id, req.body), timeZone),
  );
};
