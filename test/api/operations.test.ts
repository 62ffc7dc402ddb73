/** /health, /ready, /metrics, request limits, hidden 5xx messages, storage outages and graceful close. */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApi } from '../../src/api/build-api.js';
import { createMetrics } from '../../src/metrics.js';
import { createInfluxQuery } from '../../src/storage/influx/query.js';
import { createInfluxReadings } from '../../src/storage/influx/readings.js';
import { body, buildTestApi } from './helper.js';

const api = await buildTestApi();
t.teardown(() => api.close());

/** The same API with some dependencies swapped, for failure cases. */
async function variant(tt: Tap, swap: Partial<Parameters<typeof buildApi>[0]>): Promise<FastifyInstance> {
  const app = await buildApi({ ...api.deps, ...swap }, { bodyLimit: 64 * 1024, timeZone: 'Asia/Shanghai' });
  tt.teardown(() => app.close());
  return app;
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0];
const auth = { authorization: `Bearer ${api.token.admin}` };

t.test('/health and /ready', async (tt) => {
  tt.same(body(await api.call(undefined, { url: '/health' })), { status: 'ok' });
  tt.same(body(await api.call(undefined, { url: '/ready' })), { status: 'ready', checks: { influxdb: 'up', redis: 'up' } });
  const down = await variant(tt, { probes: [...api.deps.probes, { name: 'influxdb-replica', check: async () => false }, { name: 'hung', check: () => Promise.reject(new Error('x')) }] });
  const res = await down.inject({ url: '/ready' });
  tt.equal(res.statusCode, 503);
  tt.match(res.headers['content-type'], /^application\/problem\+json/);
  tt.match(body(res), { code: 'APP_ERR_NOT_READY', checks: { influxdb: 'up', redis: 'up', 'influxdb-replica': 'down', hung: 'down' } });
});

t.test('/ready is 503 when InfluxDB does not answer; readings are 503 without internals', async (tt) => {
  const dead = createInfluxQuery({ ...api.influx, url: 'http://127.0.0.1:9' }, { timeoutMs: 2000 });
  const app = await variant(tt, { probes: [{ name: 'influxdb', check: () => dead.ping() }], readings: createInfluxReadings(dead) });
  tt.equal((await app.inject({ url: '/ready' })).statusCode, 503);
  const res = await app.inject({ url: '/readings?mn=88888880000001&from=2024-05-01T00:00:00Z', headers: auth });
  tt.equal(res.statusCode, 503);
  tt.same(Object.keys(body(res)).sort(), ['code', 'instance', 'status', 'title', 'type'], 'no detail');
  tt.notMatch(res.body, /127\.0\.0\.1|ECONNREFUSED|at /);
});

t.test('unexpected errors are 500 with the fixed message only, never a stack', async (tt) => {
  const app = await variant(tt, {
    catalog: {
      ...api.deps.catalog,
      listEnterprises: () => Promise.reject(new Error('secret connection string redis://user:pw@host')),
    },
  });
  const res = await app.inject({ url: '/enterprises', headers: auth });
  tt.equal(res.statusCode, 500);
  tt.same(body(res), { type: 'urn:hj212:error:APP_ERR_INTERNAL', title: 'internal error', status: 500, code: 'APP_ERR_INTERNAL', instance: '/enterprises' });
});

t.test('request body limits, malformed JSON, wrong content type', async (tt) => {
  const big = await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: { name: 'x'.repeat(70 * 1024) } });
  tt.equal(big.statusCode, 413);
  tt.equal(body(big).code, 'APP_ERR_BODY_TOO_LARGE');
  const broken = await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: '{"name":', headers: { 'content-type': 'application/json' } });
  tt.equal(broken.statusCode, 400);
  tt.equal(body(broken).code, 'APP_ERR_BAD_REQUEST');
  const xml = await api.call(api.token.ops, { method: 'POST', url: '/enterprises', payload: '<name/>', headers: { 'content-type': 'application/xml' } });
  tt.equal(xml.statusCode, 415);
  tt.equal(body(xml).code, 'APP_ERR_UNSUPPORTED_MEDIA_TYPE');
});

t.test('/metrics needs an admin or ops token and counts requests by route template', async (tt) => {
  tt.equal((await api.call(undefined, { url: '/metrics' })).statusCode, 401);
  tt.equal((await api.call(api.token.reader, { url: '/metrics' })).statusCode, 403);
  await api.call(api.token.ops, { url: '/collectors/01234567890123/status' });
  const res = await api.call(api.token.ops, { url: '/metrics' });
  tt.equal(res.statusCode, 200);
  tt.match(res.headers['content-type'], /^text\/plain/);
  tt.match(res.body, /hj212_http_requests_total\{route="\/collectors\/:mn\/status",status="404"\} 1/);
  tt.match(res.body, /hj212_http_requests_total\{route="\/metrics",status="403"\} 1/);
});

t.test('graceful close: an in-flight request completes, later ones are refused', async (tt) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const app = await buildApi(
    {
      ...api.deps,
      metrics: createMetrics({ defaults: false }),
      catalog: {
        ...api.deps.catalog,
        listEnterprises: async () => {
          entered();
          await gate;
          return [];
        },
      },
    },
    { bodyLimit: 1024, timeZone: 'UTC' },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const inFlight = fetch(`http://127.0.0.1:${port}/enterprises`, { headers: auth });
  await started;
  const closing = app.close();
  release();
  const res = await inFlight;
  tt.equal(res.status, 200, 'the request that was running finished');
  tt.same(await res.json(), { total: 0, limit: 100, items: [] });
  await closing;
  await tt.rejects(fetch(`http://127.0.0.1:${port}/health`), 'no longer listening');
});

t.test('router errors (bad URL encoding, over-long path parameter) are problem documents too', async (tt) => {
  for (const url of ['/collectors/%E0%A4%A', `/collectors/${'x'.repeat(400)}`]) {
    const res = await api.call(api.token.admin, { url });
    tt.equal(res.statusCode, 400, url.slice(0, 30));
    tt.match(res.headers['content-type'], /^application\/problem\+json/);
    tt.equal(body(res).code, 'APP_ERR_BAD_REQUEST');
  }
});
