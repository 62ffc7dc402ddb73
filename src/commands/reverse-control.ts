/**
 * Reverse control (HJ212-2017 6.5 host requests): issuing an operator's command and following it to its end.
 *
 * The API issues: the entry is stored, the frame published through the command bus to the gateway holding the
 * collector (the re-pull path), and the entry marked sent or offline. The collector's 9011 / data answer / 9012
 * come back on the gateway's reply stream, which the worker's reply reader pumps (under its lease) into
 * {@link handleCommandReply}; the worker's sweeper ({@link sweepCommands}) resends after OverTime, ReCount times at
 * most, and times out what never finished. So one process at a time updates answers, and nothing depends on the
 * API process that took the request.
 *
 * set-password (CN 1072): the new password is stored hashed as the device's pending password before the frame
 * goes out, so the gateway accepts both until the 9012 says ExeRtn=1 (then it becomes the password, the old one
 * stops working) or the command is refused / fails (then it is dropped). Without any answer it stays acceptable
 * until HJ212_COMMAND_PASSWORD_WINDOW_S ends. It is never resent: a collector that switched already would refuse the
 * resend's old PW (9011 QnRtn=3).
 */
import { formatQn } from '../../protocol/index.js';
import type { Actor, AuditLog } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { publicDevice } from '../domain/device-defaults.js';
import { COMMAND_SPECS, exeSucceeded, type CommandEntry, type CommandLedger, type CommandName, type CommandRequester, type CommandSettings } from '../domain/commands.js';
import type { Device } from '../domain/device.js';
import { hashPassword, isWeakPassword } from '../domain/password.js';
import type { CommandBus, DeviceRegistry, DeviceReply } from '../domain/ports.js';

export interface ReverseControlDeps {
  ledger: CommandLedger;
  bus: Pick<CommandBus, 'send'>;
  registry: Pick<DeviceRegistry, 'get' | 'put'>;
  clock: Clock;
  settings: CommandSettings;
  /** Called once when an entry reaches its final state (metrics, log). */
  onFinal?: (entry: CommandEntry) => void;
  /** Where a password a set-password installed is audited (as a change by whoever asked for it). */
  audit?: Pick<AuditLog, 'append'>;
}

/** What to send: the command, its CN and CP; `newPassword` only for set-password (sent, never stored). */
export interface CommandRequest {
  name: CommandName;
  cn: string;
  cp: Record<string, string>;
  newPassword?: string;
}

const newId = (): string => `cmd_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Store the entry under a fresh QN (yyyyMMddHHmmssSSS in the collector's zone; a taken QN moves on by 1 ms). */
async function store(deps: ReverseControlDeps, device: Device, req: CommandRequest, requester: CommandRequester): Promise<CommandEntry> {
  const now = deps.clock.now();
  const cp = req.newPassword === undefined ? req.cp : { ...req.cp, NewPW: '***' };
  for (let bump = 0; bump < 1000; bump++) {
    const entry: CommandEntry = {
      id: newId(),
      mn: device.mn,
      name: req.name,
      cn: req.cn,
      qn: formatQn(now + bump, device.profile.timeZone),
      cp,
      requestedBy: requester,
      // The QN's instant: distinct per collector, so the ledger's order is the order of issue.
      createdAt: now + bump,
      state: 'queued',
      final: false,
      attempts: 0,
      // A crash between storing and sending leaves a queued entry the sweeper times out.
      deadline: now + deps.settings.overTimeMs,
    };
    if (await deps.ledger.create(entry)) return entry;
  }
  throw new Error(`no free QN for ${device.mn}`);
}

/** Issue a command to `device`; resolves with its entry once it is sent (or found offline). */
export async function issueCommand(deps: ReverseControlDeps, device: Device, req: CommandRequest, requester: CommandRequester): Promise<CommandEntry> {
  const entry = await store(deps, device, req, requester);
  if (req.newPassword !== undefined) {
    const { hash, salt } = hashPassword(req.newPassword);
    const until = deps.clock.now() + deps.settings.passwordWindowMs;
    const current = (await deps.registry.get(device.mn)) ?? device;
    await deps.registry.put({ ...current, pendingPassword: { hash, salt, weak: isWeakPassword(req.newPassword), until, commandId: entry.id } });
  }
  const cp = req.newPassword === undefined ? req.cp : { ...req.cp, NewPW: req.newPassword };
  const routed = await deps.bus.send({ id: entry.id, mn: entry.mn, cn: entry.cn, qn: entry.qn, cp });
  if (routed === 'offline') await settlePassword(deps, { ...entry, state: 'offline' });
  const now = deps.clock.now();
  const after = await deps.ledger.update(entry.id, (cur) => {
    if (cur.state !== 'queued') return { ...cur, sentAt: cur.sentAt ?? now, attempts: Math.max(cur.attempts, 1) };
    if (routed === 'offline') return finished(cur, 'offline', now, 'no gateway holds the collector');
    return { ...cur, state: 'sent', sentAt: now, attempts: 1, deadline: now + deps.settings.overTimeMs };
  });
  if (after?.state === 'offline') deps.onFinal?.(after);
  return after ?? entry;
}

function finished(entry: CommandEntry, state: CommandEntry['state'], now: number, detail?: string): CommandEntry {
  const { deadline: _deadline, ...rest } = entry;
  return { ...rest, state, final: true, finishedAt: now, ...(detail === undefined ? {} : { detail }) };
}

/**
 * When a set-password ends: promote the pending password on success, drop it on refusal, failure or offline. Called
 * before the entry is marked final, so whoever sees the outcome finds the registry already settled.
 */
async function settlePassword(deps: ReverseControlDeps, entry: CommandEntry): Promise<void> {
  if (entry.name !== 'set-password' || entry.state === 'timed-out') return;
  const device = await deps.registry.get(entry.mn);
  const pending = device?.pendingPassword;
  if (!device || pending?.commandId !== entry.id) return;
  const { pendingPassword: _pending, ...rest } = device;
  const updatedAt = new Date(deps.clock.now()).toISOString();
  if (entry.state !== 'succeeded') {
    await deps.registry.put({ ...rest, updatedAt });
    return;
  }
  const after = { ...rest, passwordHash: pending.hash, passwordSalt: pending.salt, weakPassword: pending.weak, updatedAt };
  await deps.registry.put(after);
  const { tokenId, name, role } = entry.requestedBy;
  const actor = { tokenId, name, role } as Actor;
  await deps.audit?.append({ at: updatedAt, actor, action: 'password', entity: { type: 'collector', id: entry.mn }, before: publicDevice(device), after: { ...publicDevice(after), command: entry.id } });
}

/** A collector's answer; false when its QN is not a command of the ledger (or the command is over). */
export async function handleCommandReply(deps: ReverseControlDeps, reply: DeviceReply): Promise<boolean> {
  const entry = await deps.ledger.byQn(reply.mn, reply.qn);
  if (entry?.final && entry.name === 'set-password' && entry.state === 'timed-out' && reply.cn === '9012' && reply.cp.ExeRtn === '1') {
    // A late confirmation still settles the password (the entry keeps its time-out).
    await settlePassword(deps, { ...entry, state: 'succeeded' });
  }
  if (!entry || entry.final) return entry !== undefined;
  const now = deps.clock.now();
  const { execTimeoutMs } = deps.settings;
  if (entry.name === 'set-password') {
    const ending = reply.cn === '9012' ? (exeSucceeded(reply.cp.ExeRtn ?? '', entry.name) ? 'succeeded' : 'failed') : reply.cn === '9011' && reply.cp.QnRtn !== '1' ? 'refused' : undefined;
    if (ending) await settlePassword(deps, { ...entry, state: ending });
  }
  const after = await deps.ledger.update(entry.id, (cur) => {
    if (cur.final) return undefined;
    if (reply.cn === '9011') {
      if (cur.state !== 'queued' && cur.state !== 'sent') return undefined; // a resend's second 9011
      const qnRtn = reply.cp.QnRtn ?? '';
      if (qnRtn !== '1') return { ...finished(cur, 'refused', now, `9011 QnRtn=${qnRtn}`), qnRtn };
      return { ...cur, state: 'acknowledged', qnRtn, acknowledgedAt: now, deadline: now + execTimeoutMs };
    }
    if (reply.cn === '9012') {
      const exeRtn = reply.cp.ExeRtn ?? '';
      return { ...finished(cur, exeSucceeded(exeRtn, cur.name) ? 'succeeded' : 'failed', now, `9012 ExeRtn=${exeRtn}`), exeRtn };
    }
    const spec = COMMAND_SPECS[cur.name];
    if (reply.cn === cur.cn && spec.answers) {
      return { ...cur, state: 'answered', answer: { ...reply.cp }, answeredAt: now, deadline: now + execTimeoutMs };
    }
    return undefined;
  });
  if (after?.final) deps.onFinal?.(after);
  return true;
}

/** Resend or time out the entries whose deadline passed; resolves to the number looked at. */
export async function sweepCommands(deps: ReverseControlDeps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const ids = await deps.ledger.due(now, limit);
  for (const id of ids) {
    const entry = await deps.ledger.get(id);
    if (!entry || entry.final) {
      await deps.ledger.forget(id);
      continue;
    }
    if ((entry.deadline ?? 0) > now) continue;
    await followUp(deps, entry, now);
  }
  return ids.length;
}

async function followUp(deps: ReverseControlDeps, entry: CommandEntry, now: number): Promise<void> {
  const { overTimeMs, reCount } = deps.settings;
  const waitingFor9011 = entry.state === 'queued' || entry.state === 'sent';
  // HJ212-2017 6.5 OverTime / ReCount: the same frame (same QN) again; set-password never (see the file comment).
  const resend = waitingFor9011 && entry.state === 'sent' && entry.attempts <= reCount && entry.name !== 'set-password';
  let routed: 'sent' | 'offline' | undefined;
  if (resend) {
    const device = await deps.registry.get(entry.mn);
    routed = device ? await deps.bus.send({ id: entry.id, mn: entry.mn, cn: entry.cn, qn: entry.qn, cp: entry.cp }) : 'offline';
  }
  const after = await deps.ledger.update(entry.id, (cur) => {
    if (cur.final || cur.state !== entry.state || cur.attempts !== entry.attempts) return undefined; // an answer came meanwhile
    if (routed === 'sent') return { ...cur, attempts: cur.attempts + 1, deadline: now + overTimeMs };
    if (routed === 'offline') return finished(cur, 'offline', now, `collector went offline after ${cur.attempts} send(s)`);
    if (cur.state === 'answered') return { ...finished(cur, 'answered', now, 'data answer received, no 9012'), final: true };
    if (waitingFor9011) return finished(cur, 'timed-out', now, cur.attempts === 0 ? 'never sent' : `no 9011 after ${cur.attempts} send(s)`);
    return finished(cur, 'timed-out', now, 'no 9012 within the execution time-out');
  });
  // A set-password is never resent, so it cannot end offline here; a time-out leaves its pending password be.
  if (after?.final) deps.onFinal?.(after);
}
