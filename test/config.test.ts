/** Config: defaults, every problem listed at once, and the README's table names every variable. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ConfigError, envSchema, loadConfig } from '../src/config.js';

t.test('defaults match the platforms: port 5003, API 8080, local InfluxDB and Redis', async (t) => {
  const c = loadConfig({});
  t.equal(c.tcp.port, 5003);
  t.equal(c.http.port, 8080);
  t.equal(c.influx.url, 'http://127.0.0.1:8086');
  t.equal(c.influx.kind === 'v1' && c.influx.database, 'hj212');
  t.equal(c.redis.url, 'redis://127.0.0.1:6379');
  t.same([...c.roles].sort(), ['api', 'gateway', 'worker']);
  t.ok(Object.isFrozen(c));
});

t.test('every problem is listed', async (t) => {
  const err = t.throws(() => loadConfig({ HJ212_TCP_PORT: 'x', HJ212_INFLUX_URL: 'nope', HJ212_ROLLUP_AT: '25:00' })) as ConfigError;
  t.type(err, ConfigError);
  t.equal(err.problems.length, 3);
  t.match(err.message, /HJ212_TCP_PORT/);
  t.match(err.message, /HJ212_INFLUX_URL/);
  t.match(err.message, /HJ212_ROLLUP_AT/);
});

t.test('HJ212_MAX_DATA_LENGTH: 64..9999, the range of a device limit in CLI and API', async (t) => {
  t.equal(loadConfig({ HJ212_MAX_DATA_LENGTH: '9999' }).tcp.maxDataLength, 9999);
  t.equal(loadConfig({ HJ212_MAX_DATA_LENGTH: '64' }).tcp.maxDataLength, 64);
  for (const bad of ['10000', '63']) t.throws(() => loadConfig({ HJ212_MAX_DATA_LENGTH: bad }), /HJ212_MAX_DATA_LENGTH/, bad);
});

t.test('semantic problems: unknown role, v2 without org/token, bad time zone', async (t) => {
  const err = t.throws(() => loadConfig({ HJ212_ROLES: 'gateway,bogus', HJ212_INFLUX_KIND: 'v2', HJ212_TIME_ZONE: 'Mars/Base' })) as ConfigError;
  t.equal(err.problems.length, 4, err.message);
});

t.test('v2 config carries org, bucket and token', async (t) => {
  const c = loadConfig({ HJ212_INFLUX_KIND: 'v2', HJ212_INFLUX_ORG: 'o', HJ212_INFLUX_TOKEN: 'tok', HJ212_INFLUX_DATABASE: 'b' });
  t.match(c.influx, { kind: 'v2', org: 'o', bucket: 'b', token: 'tok' });
});

t.test('README documents every environment variable', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const key of Object.keys(envSchema.shape)) t.ok(readme.includes(`\`${key}\``), `${key} in README`);
});

t.test('checks pipeline settings: defaults and seconds from the environment', async (t) => {
  t.same(loadConfig({}).checks, { delayMs: 60_000, addsPerSecond: 1000, scanEveryMs: 600_000, gapGraceMs: 1_200_000, initialLookbackMs: 7 * 86_400_000, constantPeriods: 6, repullTimeoutMs: 300_000, repullMaxAttempts: 5 });
  const c = loadConfig({ HJ212_CHECK_SCAN_EVERY_S: '60', HJ212_CHECK_CONSTANT_PERIODS: '12', HJ212_REPULL_TIMEOUT_S: '90', HJ212_GAP_LOOKBACK_DAYS: '31', HJ212_CHECK_ADDS_PER_S: '50' });
  t.match(c.checks, { addsPerSecond: 50, scanEveryMs: 60_000, constantPeriods: 12, repullTimeoutMs: 90_000, initialLookbackMs: 31 * 86_400_000 });
  t.match((t.throws(() => loadConfig({ HJ212_GAP_LOOKBACK_DAYS: '0' })) as ConfigError).message, /HJ212_GAP_LOOKBACK_DAYS/);
  t.equal(loadConfig({}).ledgerOnReadMaxCollectors, 50);
  t.equal(loadConfig({ HJ212_LEDGER_ON_READ_MAX_COLLECTORS: '5' }).ledgerOnReadMaxCollectors, 5);
  t.match((t.throws(() => loadConfig({ HJ212_CHECK_CONSTANT_PERIODS: '0' })) as ConfigError).message, /HJ212_CHECK_CONSTANT_PERIODS/);
});

t.test('collector status write interval: 1 s by default, 100 ms to 60 s', async (t) => {
  t.equal(loadConfig({}).sessionFlushMs, 1000);
  t.equal(loadConfig({ HJ212_SESSION_FLUSH_MS: '5000' }).sessionFlushMs, 5000);
  for (const bad of ['50', '60001', 'often']) t.match((t.throws(() => loadConfig({ HJ212_SESSION_FLUSH_MS: bad })) as ConfigError).message, /HJ212_SESSION_FLUSH_MS/, bad);
});

t.test('API limits: registry list page and bulk ledger action maxima, 1000 by default', async (t) => {
  t.match(loadConfig({}).http, { pageMax: 1000, bulkMax: 1000 });
  t.match(loadConfig({ HJ212_API_PAGE_MAX: '50', HJ212_API_BULK_MAX: '5000' }).http, { pageMax: 50, bulkMax: 5000 });
  const err = t.throws(() => loadConfig({ HJ212_API_PAGE_MAX: '0', HJ212_API_BULK_MAX: 'lots' })) as ConfigError;
  t.same(err.problems.map((p) => p.split(':')[0]).sort(), ['HJ212_API_BULK_MAX', 'HJ212_API_PAGE_MAX']);
});

t.test('account settings: session expiry, cap, cookie and sign-in limits, seconds from the environment', async (t) => {
  t.same(loadConfig({}).accounts, {
    sessionIdleMs: 1_800_000,
    sessionMaxMs: 43_200_000,
    sessionsPerUser: 10,
    enterpriseAccountsMax: 1000,
    cookieSecure: false,
    login: { userFailures: 5, addressFailures: 20, lockBaseMs: 60_000, lockMaxMs: 3_600_000, hashConcurrency: 4, hashQueue: 64 },
  });
  t.match(loadConfig({ HJ212_SESSION_IDLE_S: '60', HJ212_COOKIE_SECURE: 'true', HJ212_LOGIN_LOCK_BASE_S: '5', HJ212_ENTERPRISE_ACCOUNTS_MAX: '7' }).accounts, { sessionIdleMs: 60_000, enterpriseAccountsMax: 7, cookieSecure: true, login: { lockBaseMs: 5000 } });
  const err = t.throws(() => loadConfig({ HJ212_SESSIONS_PER_USER: '0', HJ212_COOKIE_SECURE: 'yes', HJ212_LOGIN_HASH_CONCURRENCY: '1000' })) as ConfigError;
  t.same(err.problems.map((p) => p.split(':')[0]).sort(), ['HJ212_COOKIE_SECURE', 'HJ212_LOGIN_HASH_CONCURRENCY', 'HJ212_SESSIONS_PER_USER']);
});
