/**
 * Gap ledger: periods without a collector reading (open → re-pull requested → filled by the collector | back-filled
 * | explained → waived, or covered by an accepted registration; src/domain/ledger/gap.ts). Enterprises explain their
 * gaps, regulators review.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GAP_STATES } from '../../domain/ledgers.js';
import type { RouteOptions } from '../deps.js';
import { ledgerRoutes } from '../ledger-routes.js';
import { gapSchema, listQueryOf } from '../ledger-schemas.js';
import { gapView } from '../ledger-views.js';

export const gapRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const gaps = ledgerRoutes(app, deps, timeZone, { type: 'gap', path: '/gaps', schema: gapSchema, listQuery: listQueryOf(GAP_STATES), view: gapView });
  gaps.read({ list: 'Gap entries by collector, site, point, item, state and period, oldest period first', one: 'One gap with its re-pull attempts and history' });
  gaps.explain('原因说明: explain an open gap of your enterprise');
  gaps.review('Accept (waived) or reject (open again) an explained gap');
};
