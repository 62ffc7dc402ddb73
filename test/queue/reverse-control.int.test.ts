/**
 * The reverse-control flow on the Redis ledger with a scripted bus and clock: the cases the end-to-end test cannot
 * provoke on purpose (a 9012 without 9011, a duplicate 9011, a collector leaving between resends, a crash before
 * sending, a set-password that times out or finds the collector offline).
 */
import { Redis } from 'ioredis';
import t from 'tap';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import { acceptsPassword } from '../../src/domain/password.js';
import type { DeviceCommand } from '../../src/domain/ports.js';
import { handleCommandReply, issueCommand, sweepCommands, type ReverseControlDeps } from '../../src/commands/reverse-control.js';
import { createMemoryRegistry } from '../fakes/memory-registry.js';
import { createRedisCommandLedger } from '../../src/storage/redis/command-ledger.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());
const MN = 'RC00000000000000000000001';
const who = { tokenId: 't1', name: 'ops', role: 'ops' };

async function setup(): Promise<{ deps: ReverseControlDeps; sent: DeviceCommand[]; online: { value: boolean }; clock: { ms: number } }> {
  const sent: DeviceCommand[] = [];
  const online = { value: true };
  const clock = { ms: Date.parse('2024-05-10T00:00:00Z') };
  const registry = createMemoryRegistry();
  await registry.put(newDevice({ mn: MN, password: 'Old-pw-1', allowMnLength: true }));
  const settings = { ...DEFAULT_CONFIG.commands, overTimeMs: 1000, reCount: 2, execTimeoutMs: 10_000, passwordWindowMs: 60_000 };
  const deps: ReverseControlDeps = {
    ledger: createRedisCommandLedger(redis, { prefix: freshPrefix(), settings }),
    bus: {
      async send(cmd) {
        if (!online.value) return 'offline';
        sent.push(cmd);
        return 'sent';
      },
    },
    registry,
    clock: { now: () => clock.ms },
    settings,
  };
  return { deps, sent, online, clock };
}

const reply = (qn: string, cn: string, cp: Record<string, string>) => ({ mn: MN, qn, cn, cp, at: 0 });

t.test('a 9012 without a 9011 ends the command; a second 9011 changes nothing; foreign QNs are not ours', async (t) => {
  const { deps } = await setup();
  const device = (await deps.registry.get(MN))!;
  const a = await issueCommand(deps, device, { name: 'set-rtd-interval', cn: '1062', cp: { RtdInterval: '30' } }, who);
  t.equal(await handleCommandReply(deps, reply(a.qn, '9012', { ExeRtn: '3' })), true);
  t.match(await deps.ledger.get(a.id), { state: 'failed', exeRtn: '3', final: true });
  const b = await issueCommand(deps, device, { name: 'get-time', cn: '1011', cp: {} }, who);
  await handleCommandReply(deps, reply(b.qn, '9011', { QnRtn: '1' }));
  await handleCommandReply(deps, reply(b.qn, '1011', { SystemTime: '20240510080000' }));
  await handleCommandReply(deps, reply(b.qn, '9011', { QnRtn: '1' }));
  t.match(await deps.ledger.get(b.id), { state: 'answered', answer: { SystemTime: '20240510080000' }, final: false });
  t.equal(await handleCommandReply(deps, reply('20240510000000999', '9011', { QnRtn: '1' })), false);
  // ExeRtn 100 (no data) is a success for history only.
  const h = await issueCommand(deps, device, { name: 'history', cn: '2061', cp: { BeginTime: '20240509000000', EndTime: '20240509010000' } }, who);
  await handleCommandReply(deps, reply(h.qn, '9012', { ExeRtn: '100' }));
  t.match(await deps.ledger.get(h.id), { state: 'succeeded', exeRtn: '100' });
  const s = await issueCommand(deps, device, { name: 'set-min-interval', cn: '1064', cp: { MinInterval: '7' } }, who);
  await handleCommandReply(deps, reply(s.qn, '9012', { ExeRtn: '100' }));
  t.match(await deps.ledger.get(s.id), { state: 'failed', exeRtn: '100' });
});

t.test('a collector that leaves between resends ends offline; a command never sent times out', async (t) => {
  const { deps, sent, online, clock } = await setup();
  const device = (await deps.registry.get(MN))!;
  const a = await issueCommand(deps, device, { name: 'get-time', cn: '1011', cp: {} }, who);
  clock.ms += 1000;
  await sweepCommands(deps);
  t.equal(sent.length, 2, 'resent once');
  online.value = false;
  clock.ms += 1000;
  await sweepCommands(deps);
  t.match(await deps.ledger.get(a.id), { state: 'offline', attempts: 2, detail: 'collector went offline after 2 send(s)' });
  // A crash between storing and publishing leaves a queued entry: the sweeper times it out.
  const queued = { ...a, id: 'cmd_crashed', qn: '20240510000000500', state: 'queued' as const, final: false, attempts: 0, deadline: clock.ms };
  await deps.ledger.create(queued);
  clock.ms += 1;
  await sweepCommands(deps);
  t.match(await deps.ledger.get('cmd_crashed'), { state: 'timed-out', detail: 'never sent' });
});

t.test('set-password: never resent; on time-out the new password stays acceptable until the window ends', async (t) => {
  const { deps, sent, clock } = await setup();
  const device = (await deps.registry.get(MN))!;
  const a = await issueCommand(deps, device, { name: 'set-password', cn: '1072', cp: {}, newPassword: 'New-pw-2' }, who);
  t.same(sent[0]?.cp, { NewPW: 'New-pw-2' }, 'sent in clear to the collector');
  t.same((await deps.ledger.get(a.id))?.cp, { NewPW: '***' }, 'stored masked');
  clock.ms += 1000;
  await sweepCommands(deps);
  t.equal(sent.length, 1, 'not resent');
  t.match(await deps.ledger.get(a.id), { state: 'timed-out', attempts: 1 });
  const pending = (await deps.registry.get(MN))!;
  t.ok(acceptsPassword(pending, 'New-pw-2', clock.ms), 'still acceptable');
  t.ok(acceptsPassword(pending, 'Old-pw-1', clock.ms), 'and so is the old one');
  t.notOk(acceptsPassword(pending, 'New-pw-2', clock.ms + 60_000), 'not after the window');
  // The 9012 arrives after all: the new password becomes the password; the entry keeps its time-out.
  await handleCommandReply(deps, reply(a.qn, '9012', { ExeRtn: '1' }));
  const settled = (await deps.registry.get(MN))!;
  t.equal(settled.pendingPassword, undefined);
  t.ok(acceptsPassword(settled, 'New-pw-2', clock.ms + 120_000), 'the new one for good');
  t.notOk(acceptsPassword(settled, 'Old-pw-1', clock.ms), 'the old one no more');
  t.match(await deps.ledger.get(a.id), { state: 'timed-out' });
});

t.test('set-password to an offline collector drops the pending password at once', async (t) => {
  const { deps, online } = await setup();
  online.value = false;
  const a = await issueCommand(deps, (await deps.registry.get(MN))!, { name: 'set-password', cn: '1072', cp: {}, newPassword: 'New-pw-3' }, who);
  t.match(a, { state: 'offline', final: true });
  const device = (await deps.registry.get(MN))!;
  t.equal(device.pendingPassword, undefined);
  t.notOk(acceptsPassword(device, 'New-pw-3'));
});
