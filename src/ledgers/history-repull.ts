/**
 * Automatic history re-pull (HJ212-2017 6.4 host request): for the open gaps of an online collector the server sends
 * the history request of the data kind (2061 hour, 2031 day, 2051 minute) with BeginTime / EndTime and a fresh QN;
 * the collector answers 9011 QnRtn, uploads the data (stored by the gateway like any upload), then 9012 ExeRtn.
 * Every attempt is recorded on the gaps it covers; refusals, failures and time-outs retry with backoff; the gaps
 * are closed by the scan that finds the uploaded readings, never by the 9012 alone.
 */
import type { Clock } from '../domain/clock.js';
import { GAP_MOVES_FROM, HISTORY_CN, type CheckKind, type GapEntry, type ItemSource, type LedgerStore, type RepullAttempt, type RepullRequest, type RepullTracker } from '../domain/ledgers.js';
import type { CommandBus, DeviceReply, SessionDirectory } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { SYSTEM_ACTOR, transition } from './entries.js';
import { formatDataTime, formatQn } from '../../protocol/index.js';
import { contiguousRuns } from './periods.js';
import { backoffMs, type CheckSettings } from './check-settings.js';

/** Delayed follow-ups of a request (BullMQ delayed jobs in the worker role). */
export interface RepullScheduler {
  /** Check `qn` for a time-out after `delayMs`. */
  timeout(mn: string, qn: string, delayMs: number): Promise<void>;
  /** Try the collector's next request after `delayMs`. */
  retry(mn: string, delayMs: number): Promise<void>;
  /** Re-check the gaps of a finished request after `delayMs`. */
  rescan(mn: string, qn: string, delayMs: number): Promise<void>;
}

export interface RepullDeps {
  ledgers: LedgerStore;
  tracker: RepullTracker;
  commands: Pick<CommandBus, 'send'>;
  sessions: Pick<SessionDirectory, 'get'>;
  items: ItemSource;
  clock: Clock;
  settings: CheckSettings;
  later: RepullScheduler;
  /** Where skipped attempts are told (pino; the worker role's logger). */
  logger?: Pick<Logger, 'info' | 'debug'>;
}

export type RepullOutcome = 'sent' | 'busy' | 'offline' | 'nothing';

/** Kinds asked for first: hour data is what the ledgers and publication rates are built on. */
const KIND_PRIORITY: readonly CheckKind[] = ['hour', 'day', 'minute'];

/** Attempts that asked the collector (an `offline` one never reached it and does not count against the maximum). */
function asked(gap: GapEntry): RepullAttempt[] {
  return gap.attempts.filter((a) => a.outcome !== 'offline');
}

function eligible(gap: GapEntry, now: number, settings: CheckSettings): boolean {
  const last = asked(gap).at(-1);
  return gap.state === 'open' && HISTORY_CN[gap.kind] !== undefined && asked(gap).length < settings.repullMaxAttempts && last?.outcome !== 'no-data' && (gap.nextAttemptAt ?? 0) <= now;
}

/**
 * The collector was offline when its gaps were due for a request: an `offline` attempt on each of them, once per
 * offline spell (a gap whose last attempt is already `offline` is left as it is, so repeated scans write nothing).
 */
async function recordOffline(deps: RepullDeps, mn: string, gaps: readonly GapEntry[], qn: string): Promise<void> {
  const now = deps.clock.now();
  let recorded = 0;
  for (const gap of gaps) {
    const cn = HISTORY_CN[gap.kind];
    if (cn === undefined || gap.attempts.at(-1)?.outcome === 'offline') continue;
    const attempt: RepullAttempt = { qn, cn, beginMs: gap.periodStart, endMs: gap.periodStart, at: now, outcome: 'offline' };
    const updated = await deps.ledgers.update<GapEntry>(gap.id, (cur) =>
      cur.state === 'open' && cur.attempts.at(-1)?.outcome !== 'offline' ? { ...cur, attempts: [...cur.attempts, attempt], updatedAt: now } : undefined,
    );
    if (updated) recorded++;
  }
  // One line per collector and offline spell, however many gaps (the per-gap detail is on the gaps).
  if (recorded > 0) deps.logger?.info({ mn, gaps: recorded }, 'history re-pull not sent: collector offline');
  else deps.logger?.debug({ mn, gaps: gaps.length }, 'history re-pull not sent: collector still offline');
}

async function repullableGaps(deps: RepullDeps, mn: string): Promise<GapEntry[]> {
  const automatic = new Set((await deps.items.itemsOf(mn)).filter((i) => i.enabled && i.mode === 'automatic').map((i) => i.factor));
  const gaps = await deps.ledgers.getMany(await deps.ledgers.activeGapIds(mn));
  return gaps.filter((g): g is GapEntry => g?.type === 'gap' && automatic.has(g.factor));
}

/** The oldest run of consecutive missing periods of the most important kind. */
function chooseRange(gaps: readonly GapEntry[], maxPeriods: number): { kind: CheckKind; gaps: GapEntry[]; beginMs: number; endMs: number } | undefined {
  for (const kind of KIND_PRIORITY) {
    const ofKind = gaps.filter((g) => g.kind === kind);
    const first = ofKind[0];
    if (!first) continue;
    const periodMs = first.periodEnd - first.periodStart;
    const [run] = contiguousRuns([...new Set(ofKind.map((g) => g.periodStart))], periodMs, maxPeriods);
    if (!run) continue;
    return { kind, gaps: ofKind.filter((g) => g.periodStart >= run[0] && g.periodStart <= run[1]), beginMs: run[0], endMs: run[1] };
  }
  return undefined;
}

/** Send the collector's next history request if it is online, idle and has gaps due for one. */
export async function requestHistory(deps: RepullDeps, mn: string): Promise<RepullOutcome> {
  if ((await deps.tracker.holder(mn)) !== undefined) return 'busy';
  const gaps = await repullableGaps(deps, mn);
  const now = deps.clock.now();
  const due = gaps.filter((g) => eligible(g, now, deps.settings));
  if (due.length === 0) {
    const waiting = gaps.filter((g) => eligible(g, Infinity, deps.settings)).map((g) => g.nextAttemptAt ?? now);
    if (waiting.length > 0) await deps.later.retry(mn, Math.max(0, Math.min(...waiting) - now));
    return 'nothing';
  }
  const range = chooseRange(due, deps.settings.repullMaxPeriods);
  const cn = range && HISTORY_CN[range.kind];
  if (!range || !cn) return 'nothing';
  const timeZone = (await deps.items.itemsOf(mn)).find((i) => i.factor === range.gaps[0]?.factor)?.timeZone ?? 'UTC';
  if (!(await deps.sessions.get(mn))?.instanceId) {
    // Nothing went on the wire: the attempt is named by a QN of the time it was tried.
    await recordOffline(deps, mn, due, formatQn(now, timeZone));
    return 'offline';
  }
  const request = await beginRequest(deps, { mn, cn, kind: range.kind, beginMs: range.beginMs, endMs: range.endMs, gapIds: range.gaps.map((g) => g.id) }, timeZone);
  if (!request) return 'busy';
  const cp = { BeginTime: formatDataTime(range.beginMs, timeZone), EndTime: formatDataTime(range.endMs, timeZone) };
  if ((await deps.commands.send({ id: `repull:${mn}:${request.qn}`, mn, cn, qn: request.qn, cp })) === 'offline') {
    await deps.tracker.save({ ...request, state: 'failed' }, true);
    await recordOffline(deps, mn, due, request.qn);
    return 'offline';
  }
  const attempt: RepullAttempt = { qn: request.qn, cn, beginMs: range.beginMs, endMs: range.endMs, at: now, outcome: 'sent' };
  for (const gap of range.gaps) {
    await deps.ledgers.update<GapEntry>(gap.id, (cur) =>
      GAP_MOVES_FROM['repull-requested'].has(cur.state) ? { ...transition(cur, 'repull-requested', SYSTEM_ACTOR, now, `CN ${cn} QN ${request.qn}`), attempts: [...cur.attempts, attempt], nextAttemptAt: undefined } : undefined,
    );
  }
  await deps.later.timeout(mn, request.qn, deps.settings.repullTimeoutMs);
  return 'sent';
}

/** Record the request under a fresh QN (yyyyMMddHHmmssSSS); a QN already used moves on by a millisecond. */
async function beginRequest(deps: RepullDeps, r: Omit<RepullRequest, 'qn' | 'sentAt' | 'state'>, timeZone: string): Promise<RepullRequest | undefined> {
  const now = deps.clock.now();
  for (let bump = 0; bump < 50; bump++) {
    const request: RepullRequest = { ...r, qn: formatQn(now + bump, timeZone), sentAt: now, state: 'sent' };
    // The slot lives a little longer than the time-out job, so the job always finds it.
    if (await deps.tracker.begin(request, deps.settings.repullTimeoutMs * 2)) return request;
    if ((await deps.tracker.holder(r.mn)) !== undefined) return undefined;
  }
  return undefined;
}

type FinalState = 'done' | 'refused' | 'failed' | 'no-data' | 'timed-out';

/** Close the request: free the collector, record the outcome on its gaps, reopen them unless the data came. */
async function finish(deps: RepullDeps, request: RepullRequest, state: FinalState, codes: { qnRtn?: string; exeRtn?: string }): Promise<void> {
  const now = deps.clock.now();
  await deps.tracker.save({ ...request, ...codes, state }, true);
  for (const id of request.gapIds) {
    await deps.ledgers.update<GapEntry>(id, (cur) => {
      const attempts = cur.attempts.map((a) => (a.qn === request.qn ? { ...a, ...codes, outcome: state, finishedAt: now } : a));
      if (state === 'done' || cur.state !== 'repull-requested') return { ...cur, attempts, updatedAt: now };
      const reopened = transition({ ...cur, attempts }, 'open', SYSTEM_ACTOR, now, `history request ${request.qn}: ${state}`);
      return { ...reopened, nextAttemptAt: state === 'no-data' ? undefined : now + backoffMs(deps.settings, attempts.filter((a) => a.outcome !== 'offline').length) };
    });
  }
  if (state === 'done') await deps.later.rescan(request.mn, request.qn, deps.settings.rescanDelayMs);
  else await deps.later.retry(request.mn, 0);
}

/** A collector's 9011 / 9012 for one of our requests; false when the QN is not ours. */
export async function handleReply(deps: RepullDeps, reply: DeviceReply): Promise<boolean> {
  const request = await deps.tracker.get(reply.mn, reply.qn);
  if (!request) return false;
  const open = request.state === 'sent' || request.state === 'acknowledged';
  if (reply.cn === '9011' && request.state === 'sent') {
    const qnRtn = reply.cp.QnRtn ?? '';
    if (qnRtn !== '1') {
      await finish(deps, request, 'refused', { qnRtn });
      return true;
    }
    await deps.tracker.save({ ...request, state: 'acknowledged', qnRtn }, false);
    for (const id of request.gapIds) {
      await deps.ledgers.update<GapEntry>(id, (cur) => ({ ...cur, attempts: cur.attempts.map((a) => (a.qn === request.qn ? { ...a, outcome: 'acknowledged' as const, qnRtn } : a)) }));
    }
  } else if (reply.cn === '9012' && open) {
    // ExeRtn (HJ212-2017 table 10): 1 success, 100 no data, anything else a failure.
    const exeRtn = reply.cp.ExeRtn ?? '';
    await finish(deps, request, exeRtn === '1' ? 'done' : exeRtn === '100' ? 'no-data' : 'failed', { exeRtn });
  }
  return true;
}

/** The time-out job: a request still waiting for its 9012 has timed out. */
export async function handleTimeout(deps: RepullDeps, mn: string, qn: string): Promise<boolean> {
  const request = await deps.tracker.get(mn, qn);
  if (!request || (request.state !== 'sent' && request.state !== 'acknowledged')) return false;
  await finish(deps, request, 'timed-out', {});
  return true;
}

/**
 * After the rescan of a finished request: its gaps still waiting got no reading although the collector reported
 * success; reopen them with backoff so the next attempt (or the enterprise) deals with them.
 */
export async function settleRequest(deps: RepullDeps, mn: string, qn: string): Promise<void> {
  const request = await deps.tracker.get(mn, qn);
  if (!request) return;
  const now = deps.clock.now();
  for (const id of request.gapIds) {
    await deps.ledgers.update<GapEntry>(id, (cur) =>
      cur.state === 'repull-requested'
        ? { ...transition(cur, 'open', SYSTEM_ACTOR, now, `history request ${qn} brought no reading for this period`), nextAttemptAt: now + backoffMs(deps.settings, asked(cur).length) }
        : undefined,
    );
  }
}
