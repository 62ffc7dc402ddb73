/**
 * DeviceRegistry conformance (aedes-persistence abstract.js style): the same expectations for the in-memory and
 * the Redis registry. `factory` returns a fresh, empty registry each time.
 */
import { newDevice } from '../../../src/domain/device-defaults.js';
import type { DeviceRegistry } from '../../../src/domain/ports.js';
import type { Tap } from './tap-types.js';

export type RegistryFactory = (options: { maxPending?: number }) => Promise<DeviceRegistry>;

const MN_A = '88888880000001';
const MN_B = '010000A8900016F000169DC0';
const at = (iso: string): Date => new Date(iso);

export function registrySuite(t: Tap, factory: RegistryFactory): void {
  const open = async (tt: Tap, options: { maxPending?: number } = {}): Promise<DeviceRegistry> => {
    const registry = await factory(options);
    tt.teardown(() => registry.close());
    return registry;
  };

  t.test('unknown MN is undefined, registered one comes back equal', async (tt) => {
    const registry = await open(tt);
    tt.equal(await registry.get(MN_A), undefined);
    const device = newDevice({ mn: MN_A, password: 'S3cret!x', version: '2017', crcVariants: ['modbus'] });
    await registry.put(device);
    tt.same(await registry.get(MN_A), device);
    tt.same(await registry.list(), [device]);
  });

  t.test('put replaces, and list is sorted by MN', async (tt) => {
    const registry = await open(tt);
    const b = newDevice({ mn: MN_B, password: 'pw-b-123' });
    const a = newDevice({ mn: MN_A, password: 'pw-a-123' });
    await registry.put(b);
    await registry.put(a);
    await registry.put({ ...a, enabled: false });
    tt.equal((await registry.get(MN_A))?.enabled, false);
    tt.same((await registry.list()).map((d) => d.mn), [MN_B, MN_A]);
  });

  t.test('find looks collectors up by enterprise, site and point, by MN, and follows a rebinding at once', async (tt) => {
    const registry = await open(tt);
    const MN_C = '88888880000003';
    const bound = (mn: string, enterpriseId: string, siteId: string, pointId?: string) => ({ ...newDevice({ mn, password: 'pw-x-123' }), enterpriseId, siteId, pointId });
    await registry.put(bound(MN_A, 'e1', 's1', 'p1'));
    await registry.put(bound(MN_B, 'e1', 's2'));
    await registry.put(newDevice({ mn: MN_C, password: 'pw-c-123' }));
    const mns = async (lookup: Parameters<DeviceRegistry['find']>[0]): Promise<string[]> => (await registry.find(lookup)).map((d) => d.mn);
    tt.same(await mns({ enterpriseId: 'e1' }), [MN_B, MN_A]);
    tt.same(await mns({ siteId: 's1' }), [MN_A]);
    tt.same(await mns({ pointId: 'p1' }), [MN_A]);
    tt.same(await mns({ enterpriseId: 'e2', siteId: 's1' }), []);
    tt.same(await mns({}), [MN_B, MN_A, MN_C]);
    await registry.put(bound(MN_C, 'e1', 's1', 'p1'));
    tt.same(await mns({ pointId: 'p1' }), [MN_A, MN_C], 'the rebinding shows in the next lookup');
    tt.same((await registry.list()).map((d) => d.mn), [MN_B, MN_A, MN_C]);
  });

  t.test('mutating a returned device (a copy, or refused when frozen) does not change the registry', async (tt) => {
    const registry = await open(tt);
    await registry.put(newDevice({ mn: MN_A, password: 'pw-a-123' }));
    for (let i = 0; i < 3; i++) {
      const got = await registry.get(MN_A);
      try {
        if (got) got.profile.crcVariants.length = 0;
      } catch (err) {
        tt.type(err, TypeError, 'a frozen device refuses the change');
      }
      tt.equal((await registry.get(MN_A))?.profile.crcVariants.length, 3);
    }
  });

  t.test('pending: first/last seen, count, latest source and sample; newest first', async (tt) => {
    const registry = await open(tt);
    await registry.recordPending({ mn: MN_A, sourceIp: '10.0.0.1', sampleFrame: '##first', at: at('2024-01-01T00:00:00Z') });
    await registry.recordPending({ mn: MN_B, sourceIp: '10.0.0.9', sampleFrame: '##b', at: at('2024-01-01T00:00:30Z') });
    await registry.recordPending({ mn: MN_A, sourceIp: '10.0.0.2', sampleFrame: '##second', at: at('2024-01-01T00:01:00Z') });
    // Recorded late by another gateway: counted, but last seen does not move backwards.
    await registry.recordPending({ mn: MN_A, sourceIp: '10.0.0.3', sampleFrame: '##late', at: at('2024-01-01T00:00:10Z') });
    const pending = await registry.listPending();
    tt.same(pending.map((p) => p.mn), [MN_A, MN_B]);
    tt.same(pending[0], {
      mn: MN_A,
      firstSeen: '2024-01-01T00:00:00.000Z',
      lastSeen: '2024-01-01T00:01:00.000Z',
      sourceIp: '10.0.0.2',
      frames: 3,
      sampleFrame: '##second',
    });
  });

  t.test('registering a device or removing the entry clears it from pending', async (tt) => {
    const registry = await open(tt);
    await registry.recordPending({ mn: MN_A, sourceIp: '10.0.0.1', sampleFrame: '##a', at: at('2024-01-01T00:00:00Z') });
    await registry.recordPending({ mn: MN_B, sourceIp: '10.0.0.1', sampleFrame: '##b', at: at('2024-01-01T00:00:00Z') });
    await registry.put(newDevice({ mn: MN_A, password: 'pw-a-123' }));
    await registry.removePending(MN_B);
    tt.same(await registry.listPending(), []);
  });

  t.test('spoofed one-off MNs evict each other, never a pending device that keeps sending valid frames', async (tt) => {
    const registry = await open(tt, { maxPending: 50 });
    const t0 = Date.UTC(2024, 0, 1, 0, 0);
    // The genuine collector: valid frames in two distinct minutes; a second one seen once, with a valid frame.
    await registry.recordPending({ mn: 'GENUINE01', sourceIp: '10.0.0.1', sampleFrame: '##g', at: new Date(t0) });
    await registry.recordPending({ mn: 'GENUINE01', sourceIp: '10.0.0.1', sampleFrame: '##g', at: new Date(t0 + 60_000) });
    await registry.recordPending({ mn: 'ONCE01', sourceIp: '10.0.0.2', sampleFrame: '##o', at: new Date(t0 + 60_000) });
    // 151 spoofed MNs whose frames do not even parse (bad CRC, framing errors): they only evict each other.
    for (let i = 0; i < 151; i++) {
      await registry.recordPending({ mn: `JUNK${i}`, sourceIp: '203.0.113.9', sampleFrame: '##', at: new Date(t0 + 120_000 + i), valid: false });
    }
    let mns = (await registry.listPending()).map((p) => p.mn);
    tt.equal(mns.length, 50, 'bounded');
    tt.ok(mns.includes('GENUINE01') && mns.includes('ONCE01'), 'entries with a valid frame survive a flood of invalid ones');
    // 151 spoofed MNs, each with one valid frame, newer than everything else.
    for (let i = 0; i < 151; i++) {
      await registry.recordPending({ mn: `SPOOF${i}`, sourceIp: '203.0.113.9', sampleFrame: '##', at: new Date(t0 + 180_000 + i) });
    }
    mns = (await registry.listPending()).map((p) => p.mn);
    tt.equal(mns.length, 50, 'bounded');
    tt.ok(mns.includes('GENUINE01'), 'the device seen in two minutes survives');
    tt.notOk(mns.includes('ONCE01'), 'a one-off entry is evicted like the spoofed ones (oldest first)');
  });

  t.test('the pending list is bounded: the least recently seen MNs are dropped', async (tt) => {
    const registry = await open(tt, { maxPending: 3 });
    for (let i = 0; i < 5; i++) {
      await registry.recordPending({ mn: `MN${i}`, sourceIp: '10.0.0.1', sampleFrame: '##', at: new Date(Date.UTC(2024, 0, 1, 0, i)) });
    }
    tt.same((await registry.listPending()).map((p) => p.mn), ['MN4', 'MN3', 'MN2']);
  });
}
