/**
 * Account management (the provincial 一企一档 account system): admins manage every account; an enterprise main
 * account creates, disables, enables and resets the sub-accounts of its own enterprise. Another enterprise's account
 * answers like an unknown one (docs/api.md "Enterprise scope"). Disabling an account or resetting its password ends
 * its sessions; every change is audited (never a password or hash).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NewUser, UserRecord } from '../../domain/accounts.js';
import type { TokenRecord } from '../../domain/catalog.js';
import { AppError } from '../../errors.js';
import { newPasswordSchema, userSchema, usernameSchema } from '../account-schemas.js';
import { recordChange } from '../audit-trail.js';
import { assertEnterpriseCap } from '../enterprise-cap.js';
import { ENTERPRISE_ACTORS } from '../role-sets.js';
import { principalOf } from '../auth.js';
import { listPageOf, matchesQ, namedPageQuery, pageByKey } from '../list-page.js';
import { errorResponses, roleSchema } from '../schemas.js';
import type { AccountRouteOptions } from './accounts.js';

const createBody = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  role: roleSchema.describe('enterprise main accounts may only create enterprise sub-accounts'),
  enterpriseId: z.string().min(1).optional().describe('required for enterprise accounts; forced to their own for enterprise main accounts'),
  main: z.boolean().optional().describe('enterprise main account (admin only; default false)'),
});
const usernameParams = z.object({ username: usernameSchema });
const resetBody = z.object({ password: newPasswordSchema });
const byCreation = (u: UserRecord): string => `${u.createdAt}\u0000${u.username}`;

function assertAccountManager(principal: TokenRecord): void {
  if (principal.role === 'enterprise' && !principal.main) throw new AppError('APP_ERR_FORBIDDEN', 'only the enterprise main account manages accounts');
}

export const userRoutes: FastifyPluginAsyncZod<AccountRouteOptions> = async (app, { deps, runtime, pageMax }) => {
  const tags = ['accounts'];
  const { users, sessions } = runtime.accounts;
  const config = { roles: ENTERPRISE_ACTORS };

  /** What the creator may make: admins anything, enterprise main accounts sub-accounts of their enterprise. */
  async function newUserFor(creator: TokenRecord, body: z.infer<typeof createBody>): Promise<NewUser> {
    const base = { username: body.username, password: body.password, createdBy: creator.id };
    if (creator.role === 'enterprise') {
      if (body.role !== 'enterprise' || body.main === true) throw new AppError('APP_ERR_FORBIDDEN', 'enterprise accounts create enterprise sub-accounts only');
      if (body.enterpriseId !== undefined && body.enterpriseId !== creator.enterpriseId) throw new AppError('APP_ERR_NOT_FOUND', `enterprise ${body.enterpriseId}`);
      return { ...base, role: 'enterprise', enterpriseId: creator.enterpriseId, main: false };
    }
    if (body.role !== 'enterprise') {
      if (body.enterpriseId !== undefined || body.main === true) throw new AppError('APP_ERR_BAD_REQUEST', 'enterpriseId and main apply to enterprise accounts only');
      return { ...base, role: body.role, main: false };
    }
    if (body.enterpriseId === undefined) throw new AppError('APP_ERR_BAD_REQUEST', 'enterprise accounts need an enterpriseId');
    if (!(await deps.catalog.getEnterprise(body.enterpriseId))) throw new AppError('APP_ERR_NOT_FOUND', `enterprise ${body.enterpriseId}`);
    return { ...base, role: 'enterprise', enterpriseId: body.enterpriseId, main: body.main ?? false };
  }

  /** The account `username` as the caller may change it: admins any, main accounts their enterprise's sub-accounts. */
  async function target(req: FastifyRequest, username: string): Promise<UserRecord> {
    const principal = principalOf(req);
    assertAccountManager(principal);
    const user = await users.get(username);
    if (!user || (principal.role === 'enterprise' && user.enterpriseId !== principal.enterpriseId)) throw new AppError('APP_ERR_NOT_FOUND', `user ${username}`);
    if (principal.role === 'enterprise' && user.main) throw new AppError('APP_ERR_FORBIDDEN', 'enterprise accounts manage their own sub-accounts only');
    return user;
  }

  app.get(
    '/users',
    {
      config,
      schema: {
        tags,
        summary: 'List accounts, oldest first (enterprise main accounts: their enterprise only); role, disabled, name containing q; paginated',
        querystring: z.object({
          role: roleSchema.optional(),
          disabled: z.enum(['true', 'false']).optional().describe('only disabled (true) or usable (false) accounts'),
          ...namedPageQuery(pageMax),
        }),
        response: { 200: listPageOf(userSchema), ...errorResponses },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      assertAccountManager(principal);
      const { role, disabled, q, limit, cursor } = req.query;
      const all = await users.list(principal.role === 'enterprise' ? { enterpriseId: principal.enterpriseId } : undefined);
      const wanted = all.filter((u) => (role === undefined || u.role === role) && (disabled === undefined || String(u.disabledAt !== undefined) === disabled) && matchesQ(u.username, q));
      return pageByKey(wanted, byCreation, limit, cursor);
    },
  );

  app.post(
    '/users',
    { config, schema: { tags, summary: 'Create an account', body: createBody, response: { 201: userSchema, ...errorResponses } } },
    async (req, reply) => {
      const creator = principalOf(req);
      assertAccountManager(creator);
      const input = await newUserFor(creator, req.body);
      if (creator.role === 'enterprise') assertEnterpriseCap(creator, (await users.list({ enterpriseId: creator.enterpriseId })).length, runtime.accounts.settings.enterpriseAccountsMax, 'accounts');
      const record = await runtime.hashes(() => users.create(input));
      if (!record) throw new AppError('APP_ERR_CONFLICT', `user ${input.username} exists`);
      await recordChange(deps, req, { action: 'create', entity: { type: 'user', id: record.username }, after: record });
      return reply.code(201).send(record);
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/users/:username/${action}`,
      {
        config,
        schema: {
          tags,
          summary: action === 'disable' ? 'Disable an account: its sessions end, it cannot sign in (its sub-accounts stop too)' : 'Enable a disabled account',
          params: usernameParams,
          response: { 200: userSchema, ...errorResponses },
        },
      },
      async (req) => {
        const user = await target(req, req.params.username);
        if (action === 'disable' && principalOf(req).id === `user:${user.username}`) throw new AppError('APP_ERR_FORBIDDEN', 'an account cannot disable itself');
        const after = (await users.setDisabled(user.username, action === 'disable')) ?? user;
        if (action === 'disable') await sessions.deleteAll(user.username);
        if ((user.disabledAt === undefined) === (action === 'disable')) {
          await recordChange(deps, req, { action, entity: { type: 'user', id: user.username }, before: user, after });
        }
        return after;
      },
    );
  }

  app.post(
    '/users/:username/password',
    {
      config,
      schema: {
        tags,
        summary: "Reset an account's password; its sessions end",
        params: usernameParams,
        body: resetBody,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (req) => {
      const user = await target(req, req.params.username);
      const after = (await runtime.hashes(() => users.setPassword(user.username, req.body.password))) ?? user;
      await sessions.deleteAll(user.username);
      await recordChange(deps, req, { action: 'password', entity: { type: 'user', id: user.username }, before: user, after });
      return after;
    },
  );
};
