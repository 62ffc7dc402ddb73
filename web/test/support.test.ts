/** Shared front-end helpers: time formatting both ways, whole-listing reads, following a command to its outcome. */
import t from 'tap';
import { ApiError } from '../src/api.js';
import type { Command } from '../src/api-types.js';
import { isoWithOffset, localInputToIso, msToLocalInput, showNumber, showTime } from '../src/format.js';
import { fetchAll } from '../src/list.js';
import { followCommand } from '../src/screens/command-follow.js';

t.test('times: API times shown as wall time, inputs sent with the browser offset', async (tt) => {
  tt.equal(showTime('2024-05-01T08:00:00.000+08:00'), '2024-05-01 08:00:00');
  tt.equal(showTime(undefined), '');
  tt.equal(showTime('garbage'), 'garbage');
  const ms = Date.UTC(2024, 4, 1, 0, 30, 15);
  const iso = isoWithOffset(ms);
  tt.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  tt.equal(Date.parse(iso), ms, 'the same instant');
  tt.equal(Date.parse(localInputToIso(msToLocalInput(ms))!), ms - 15_000, 'minutes survive the input round trip');
  tt.equal(localInputToIso(''), undefined);
  tt.equal(localInputToIso('2024-13-45'), undefined);
  tt.equal(showNumber(1.234567), '1.2346');
  tt.equal(showNumber(2), '2');
  tt.equal(showNumber(undefined), '');
});

t.test('fetchAll follows cursors, stops at max, and falls back when the page limit is refused', async (tt) => {
  const calls: Record<string, unknown>[] = [];
  const pages: Record<string, { items: number[]; nextCursor?: string }> = { '': { items: [1, 2], nextCursor: 'c1' }, c1: { items: [3, 4], nextCursor: 'c2' }, c2: { items: [5] } };
  const api = {
    get: async <T>(_path: string, query?: Record<string, unknown>) => {
      calls.push(query ?? {});
      return { total: 5, limit: 2, ...pages[(query?.cursor as string | undefined) ?? '']! } as T;
    },
  };
  tt.same(await fetchAll<number>(api, '/x', { q: 'a' }), [1, 2, 3, 4, 5]);
  tt.same(calls[0], { q: 'a', limit: 1000, cursor: undefined });
  tt.same(await fetchAll<number>(api, '/x', {}, { max: 3 }), [1, 2, 3]);

  let refused = 0;
  const strict = {
    get: async <T>(_path: string, query?: Record<string, unknown>) => {
      if (query?.limit !== undefined) {
        refused++;
        throw new ApiError({ status: 400, code: 'APP_ERR_VALIDATION', title: 'bad', fieldErrors: { limit: 'too big' } });
      }
      return { total: 1, limit: 100, items: [9] } as T;
    },
  };
  tt.same(await fetchAll<number>(strict, '/y'), [9]);
  tt.equal(refused, 1, 'the big page is asked for once');
  const failing = { get: async () => Promise.reject(new ApiError({ status: 403, code: 'APP_ERR_FORBIDDEN', title: 'no' })) };
  await tt.rejects(fetchAll(failing, '/z'), { code: 'APP_ERR_FORBIDDEN' });
});

t.test('a command is followed until final, reporting each change', async (tt) => {
  const base: Command = { id: 'c1', mn: 'M', name: 'get-time', cn: '1011', qn: 'q', cp: {}, requestedBy: { tokenId: 't', name: 'n', role: 'ops' }, state: 'sent', final: false, attempts: 1, createdAt: '' };
  const states: Partial<Command>[] = [{ state: 'sent' }, { state: 'acknowledged', qnRtn: '1' }, { state: 'answered', answer: { SystemTime: '20240501000000' } }, { state: 'succeeded', exeRtn: '1', final: true }];
  let polled = 0;
  const api = { get: async <T>() => ({ ...base, ...states[polled++] }) as T };
  const seen: string[] = [];
  const last = await followCommand(api, base, (c) => seen.push(c.state), { wait: async () => undefined });
  tt.equal(last.state, 'succeeded');
  tt.same(seen, ['acknowledged', 'answered', 'succeeded'], 'unchanged polls are not reported');
  tt.equal(polled, 4);

  const abort = new AbortController();
  abort.abort();
  polled = 0;
  tt.equal((await followCommand(api, base, () => undefined, { signal: abort.signal, wait: async () => undefined })).state, 'sent', 'an aborted follow stops');
  tt.equal(polled, 0);
  tt.equal((await followCommand(api, { ...base, final: true, state: 'offline' }, () => undefined)).state, 'offline', 'a final entry is not polled');
});
