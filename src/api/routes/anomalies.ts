/**
 * Anomaly ledger: readings over the standard or range limits, flagged, constant, negative or inconsistent (open →
 * explained → accepted | rejected, or covered by an accepted registration; src/domain/ledger/anomaly.ts), with the
 * evidence. Enterprises explain, regulators review.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANOMALY_RULES, ANOMALY_STATES } from '../../domain/ledgers.js';
import type { RouteOptions } from '../deps.js';
import { ledgerRoutes } from '../ledger-routes.js';
import { anomalySchema, listQueryOf } from '../ledger-schemas.js';
import { anomalyView } from '../ledger-views.js';

const listQuery = listQueryOf(ANOMALY_STATES).extend({ rule: z.enum(ANOMALY_RULES).optional() });

export const anomalyRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const anomalies = ledgerRoutes(app, deps, timeZone, { type: 'anomaly', path: '/anomalies', schema: anomalySchema, listQuery, filters: (q) => ({ rule: q.rule }), view: anomalyView });
  anomalies.read({ list: 'Anomaly entries by collector, site, point, item, rule, state and period, oldest period first', one: 'One anomaly with its evidence and history' });
  anomalies.explain('原因说明: explain an open or rejected anomaly of your enterprise');
  anomalies.review('Accept or reject an explained anomaly');
};
