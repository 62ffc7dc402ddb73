/**
 * Reverse control (HJ212-2017 6.5): an operator sends a collector a command through the gateway holding it and
 * follows its ledger entry (9011 QnRtn, data answer, 9012 ExeRtn, resends, time-out, offline). The flow itself is in
 * src/commands/reverse-control.ts; see docs/api.md "Commands".
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMAND_SPECS, COMMAND_STATES } from '../../domain/commands.js';
import type { Device } from '../../domain/device.js';
import { AppError } from '../../errors.js';
import { issueCommand } from '../../commands/reverse-control.js';
import { recordChange } from '../audit-trail.js';
import { isEnterpriseScoped, principalOf } from '../auth.js';
import { commandBody, commandSchema, commandView, toCommandRequest } from '../command-schemas.js';
import type { RouteOptions } from '../deps.js';
import { errorResponses, idParams, mnParams } from '../schemas.js';
import { DEVICE_OPERATORS } from '../role-sets.js';
import { notFound } from '../not-found.js';
import { enterpriseMns } from '../device-filter.js';

const listQuery = z.object({
  mn: z.string().min(1).max(64).optional(),
  state: z.enum(COMMAND_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});
const pageSchema = z.object({ commands: z.array(commandSchema), nextCursor: z.string().optional() });

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(createdAt) && typeof id === 'string') return { createdAt: createdAt as number, id };
  } catch {
    // fall through
  }
  throw new AppError('APP_ERR_INVALID_CURSOR', 'not a cursor');
}

export const commandRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps, timeZone }) => {
  const control = deps.commands;
  if (!control) return;
  const tags = ['commands'];

  /** The collector, if this token may see it; another enterprise's collector is as unknown as a missing one. */
  async function visible(req: FastifyRequest, mn: string): Promise<Device> {
    const device = await deps.registry.get(mn);
    const token = principalOf(req);
    if (!device || (isEnterpriseScoped(token) && device.enterpriseId !== token.enterpriseId)) throw notFound(`collector ${mn}`);
    return device;
  }

  app.post(
    '/collectors/:mn/commands',
    {
      config: { roles: DEVICE_OPERATORS },
      schema: {
        tags,
        summary: 'Send a command to the collector (enterprise tokens: history requests of their own collectors only)',
        description: 'Answers 202 with the ledger entry once the frame is on its way (or the collector is found offline); follow it with GET /commands/{id}.',
        params: mnParams,
        body: commandBody,
        response: { 202: commandSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const token = principalOf(req);
      if (token.role === 'enterprise' && req.body.name !== 'history') throw new AppError('APP_ERR_FORBIDDEN', 'enterprise tokens may send history requests only');
      const device = await visible(req, req.params.mn);
      const request = toCommandRequest(req.body, device, control.clock.now());
      const editions: readonly string[] = COMMAND_SPECS[request.name].editions;
      if (device.version !== undefined && !editions.includes(device.version)) throw new AppError('APP_ERR_COMMAND_UNSUPPORTED', `${request.name} (CN ${request.cn}) is not in HJ 212-${device.version}`);
      if (request.newPassword !== undefined && device.pendingPassword && device.pendingPassword.until > control.clock.now()) {
        throw new AppError('APP_ERR_CONFLICT', `password change ${device.pendingPassword.commandId} is still pending`);
      }
      const entry = await issueCommand(control, device, request, { tokenId: token.id, name: token.name, role: token.role });
      const view = commandView(entry, timeZone);
      await recordChange(deps, req, { action: 'command', entity: { type: 'collector', id: device.mn }, after: { id: view.id, name: view.name, cn: view.cn, qn: view.qn, cp: view.cp, state: view.state } });
      return reply.code(202).send(view);
    },
  );

  app.get(
    '/commands',
    {
      config: { roles: DEVICE_OPERATORS },
      schema: { tags, summary: 'Commands, newest first, of one collector or all (enterprise tokens: their collectors)', querystring: listQuery, response: { 200: pageSchema, ...errorResponses } },
    },
    async (req) => {
      const token = principalOf(req);
      const { mn, state, limit, cursor } = req.query;
      if (mn !== undefined) await visible(req, mn);
      const mns = isEnterpriseScoped(token) ? await enterpriseMns(deps.registry, token) : undefined;
      const entries = await control.ledger.list({ mn, mns, state, limit, before: cursor === undefined ? undefined : decodeCursor(cursor) });
      const last = entries[entries.length - 1];
      return { commands: entries.map((e) => commandView(e, timeZone)), nextCursor: entries.length === limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
    },
  );

  app.get(
    '/commands/:id',
    {
      config: { roles: DEVICE_OPERATORS },
      schema: { tags, summary: 'One command and its outcome so far', params: idParams, response: { 200: commandSchema, ...errorResponses } },
    },
    async (req) => {
      const entry = await control.ledger.get(req.params.id);
      if (!entry) throw notFound(`command ${req.params.id}`);
      await visible(req, entry.mn);
      return commandView(entry, timeZone);
    },
  );
};
