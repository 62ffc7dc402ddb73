/**
 * hj212-sim as a child process against the real gateway: --register never changes an existing device unless
 * --overwrite (and audits what it writes); a fleet larger than the gateway's per-IP cap is reported short, counts
 * the refusals as errors, exits 1 and does exit; the gateway warns once about the cap.
 */
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { startGatewayRole } from '../../src/roles/gateway-role.js';
import { createRedisAudit } from '../../src/storage/redis/audit.js';
import { createRedisRegistry } from '../../src/storage/redis/registry.js';
import { newDevice } from '../../src/domain/device-defaults.js';
import { runScript, type ChildResult } from '../helpers/child.js';
import { startTestGateway, testGatewayEnv } from '../helpers/gateway.js';

const CLI = fileURLToPath(new URL('../../src/cli/hj212-sim.js', import.meta.url));

const sim = (args: string[]): Promise<ChildResult> => runScript(CLI, args);

t.test('--register keeps existing devices unless --overwrite, and audits every device it writes', async (tt) => {
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  const mn = 'KEEP00000000000000000000';
  // An operator's collector, bound to a site and point, with its own password.
  const operator = { ...newDevice({ mn, password: 'Oper@tor-pw-1', version: '2017' }, new Date('2024-01-01T00:00:00Z')), enterpriseId: 'e1', siteId: 's1', pointId: 'p1' };
  await gw.registry.put(operator);
  const base = ['--port', String(gw.port), '--collectors', '2', '--count', '1', '--speed', 'max', '--mn-prefix', 'KEEP', '--register', gw.config.redis.url, '--redis-prefix', gw.config.redis.prefix, '--json', '--progress', '0'];

  const first = await sim(base);
  tt.match(first.stderr, /registered 1 devices .*1 already registered, kept unchanged/);
  const kept = await gw.registry.get(mn);
  tt.same(kept, operator, 'the existing device is byte-for-byte unchanged');
  const audit = createRedisAudit({ redis: gw.redis, prefix: gw.config.redis.prefix });
  tt.same(await audit.list({ entity: { type: 'collector', id: mn }, limit: 10 }), [], 'nothing written, nothing audited');
  const created = await audit.list({ entity: { type: 'collector', id: 'KEEP00000000000000000001' }, limit: 10 });
  tt.match(created, [{ action: 'create', actor: { tokenId: 'cli', role: 'cli', name: /^hj212-sim/ }, after: { mn: 'KEEP00000000000000000001' } }]);
  tt.notOk(JSON.stringify(created).includes('passwordHash'), 'audit holds no password hash');

  const second = await sim([...base, '--overwrite']);
  tt.match(second.stderr, /2 existing overwritten/);
  const over = await gw.registry.get(mn);
  tt.match(over, { enterpriseId: 'e1', siteId: 's1', pointId: 'p1', createdAt: operator.createdAt }, 'binding and createdAt survive --overwrite');
  tt.not(over?.passwordHash, operator.passwordHash, 'password replaced by the simulator’s');
  const entries = await audit.list({ entity: { type: 'collector', id: mn }, limit: 10 });
  tt.match(entries, [{ action: 'update', before: { siteId: 's1' }, after: { siteId: 's1' } }]);

  const usage = await sim(['--count', '1', '--overwrite']);
  tt.equal(usage.code, 2, '--overwrite without --register is a usage error');
});

t.test('a fleet above the per-IP cap is reported short, counts refusals as errors, exits 1 and exits', async (tt) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig(testGatewayEnv({ HJ212_INFLUX_FLUSH_MS: '10', HJ212_MAX_CONNECTIONS_PER_IP: '2' }));
  const role = await startGatewayRole(config, createLogger('warn', sink), createMetrics({ defaults: false }));
  const redis = new Redis(config.redis.url);
  tt.teardown(async () => {
    await role.close();
    await redis.quit();
  });
  const args = ['--port', String(role.port), '--collectors', '4', '--count', '2', '--ack', '--over-time', '0.3', '--re-count', '1', '--reconnect-ms', '100', '--speed', 'max', '--mn-prefix', 'CAPS', '--register', config.redis.url, '--redis-prefix', config.redis.prefix, '--json', '--progress', '0'];
  const { code, stdout, stderr } = await sim(args);
  tt.equal(code, 1, 'exit code 1: the fleet was short');
  const summary = JSON.parse(stdout) as { collectors: number; connected: number; refused: number; errors: number };
  tt.equal(summary.collectors, 4);
  tt.equal(summary.connected, 2, 'only the cap got in');
  tt.ok(summary.refused >= 2, `refused connections counted (${summary.refused})`);
  tt.ok(summary.errors >= summary.refused, 'refusals are errors');
  tt.match(stderr, /connected 2 of 4 collectors/);
  tt.match(stderr, /--local-addresses/);
  const warnings = lines.map((l) => JSON.parse(l) as { msg: string; refused?: number }).filter((l) => /per-IP cap/.test(l.msg));
  tt.equal(warnings.length, 1, 'one warning however many refusals (rate-limited)');
  tt.ok((warnings[0]?.refused ?? 0) >= 1);
  const registry = createRedisRegistry({ redis, prefix: config.redis.prefix, cache: false });
  tt.ok(await registry.get('CAPS00000000000000000003'), 'devices were registered');
  await registry.close();
});

t.test('the whole fleet connected: exit 0 with connected N of N', async (tt) => {
  const gw = await startTestGateway({ HJ212_INFLUX_FLUSH_MS: '10' });
  tt.teardown(() => gw.close());
  const args = ['--port', String(gw.port), '--collectors', '3', '--count', '2', '--ack', '--speed', 'max', '--mn-prefix', 'FULL', '--register', gw.config.redis.url, '--redis-prefix', gw.config.redis.prefix, '--json', '--progress', '0'];
  const { code, stdout, stderr } = await sim(args);
  tt.equal(code, 0);
  tt.match(JSON.parse(stdout), { collectors: 3, connected: 3, refused: 0, errors: 0, acked: 6 });
  tt.match(stderr, /connected 3 of 3 collectors/);
});
