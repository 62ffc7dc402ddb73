/**
 * 不正常运行登记 (abnormal-operation registration): an enterprise registers a site, point or item, a period and a
 * reason (停产 production stopped, maintenance, confidential, other with text); a regulator accepts or rejects
 * (decision `accepted`, the word of every ledger; `approved` is still taken). Acceptance turns the period's unsettled gaps and anomalies into covered-by-registration and stops new ones.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LEGACY_REGISTRATION_ACCEPTED, REGISTRATION_STATES } from '../../domain/ledgers.js';
import { AppError } from '../../errors.js';
import { sameFactor } from '../../ledgers/entries.js';
import { register } from '../../ledgers/registrations.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseAccess, principalOf } from '../auth.js';
import type { TokenRecord } from '../../domain/catalog.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { ledgerAction, ledgerActorOf, ledgerDepsOf } from '../ledger-access.js';
import { listQueryOf, registrationBody, registrationSchema } from '../ledger-schemas.js';
import { registrationView } from '../ledger-views.js';
import { errorResponses } from '../schemas.js';
import { ledgerRoutes } from '../ledger-routes.js';
import { ENTERPRISE_ACTORS } from '../role-sets.js';
import { notFound } from '../not-found.js';

/** The enterprise of the registered site, after checking that the point is at the site and the item at the point. */
async function enterpriseOfScope(deps: ApiDeps, token: TokenRecord, scope: { siteId: string; pointId?: string; factor?: string }): Promise<string> {
  const site = await deps.catalog.getSite(scope.siteId);
  if (!site) throw notFound(`site ${scope.siteId}`);
  // Checked before the point and item, so nothing about another enterprise's site shows through.
  assertEnterpriseAccess(token, site.enterpriseId, `site ${scope.siteId}`);
  if (scope.pointId !== undefined) {
    const point = await deps.catalog.getPoint(scope.pointId);
    if (!point) throw notFound(`point ${scope.pointId}`);
    if (point.siteId !== site.id) throw new AppError('APP_ERR_BAD_REQUEST', `point ${point.id} is not at site ${site.id}`);
    const { factor } = scope;
    if (factor !== undefined && !(await deps.catalog.listItems(point.id)).some((i) => sameFactor(i.factor, factor))) {
      throw notFound(`point ${point.id} has no item ${factor}`);
    }
  }
  return site.enterpriseId;
}

export const registrationRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const tags = ['ledgers'];
  const ledgers = ledgerDepsOf(deps);

  const listQuery = listQueryOf([...REGISTRATION_STATES, LEGACY_REGISTRATION_ACCEPTED]);
  const registrations = ledgerRoutes(app, deps, timeZone, { type: 'registration', path: '/registrations', schema: registrationSchema, listQuery, view: registrationView });
  registrations.read({ list: 'Abnormal-operation registrations by site, point, item, state and period', one: 'One registration' });

  app.post(
    '/registrations',
    {
      config: { roles: ENTERPRISE_ACTORS },
      schema: { tags, summary: '不正常运行登记: register a period of abnormal operation of your site, point or item', body: registrationBody, response: { 201: registrationSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const { periodStart, periodEnd, ...scope } = req.body;
      const start = Date.parse(periodStart);
      const end = Date.parse(periodEnd);
      if (!(end > start)) throw new AppError('APP_ERR_INVALID_RANGE', 'periodEnd must be after periodStart');
      const enterpriseId = await enterpriseOfScope(deps, principalOf(req), scope);
      const entry = await ledgerAction(() => register(ledgers.ledgers, { ...scope, enterpriseId, periodStart: start, periodEnd: end }, ledgerActorOf(req), ledgers.clock.now()));
      await recordChange(deps, req, { action: 'create', entity: { type: 'registration', id: entry.id }, after: entry });
      return reply.code(201).send(registrationView(entry, timeZone));
    },
  );

  registrations.review('Accept (covers the period) or reject a registration');
};
