/** Pure helpers of the InfluxDB adapters: failure classification, error text, quoting, URLs, auth. */
import t from 'tap';
import { classifyWriteStatus, errorMessageOf } from '../../src/storage/influx/errors.js';
import { authHeaders, endpoint } from '../../src/storage/influx/http.js';
import { quoteIdent, quoteString } from '../../src/storage/influx/query.js';

const limits = { batchSize: 1, flushMs: 1, maxPending: 1 };

t.test('write failures: bad data is permanent, a missing 1.x database is created, the rest is retried', async (tt) => {
  for (const status of [400, 413, 422]) tt.equal(classifyWriteStatus(status, '{"error":"x"}'), 'data', String(status));
  tt.equal(classifyWriteStatus(404, '{"error":"database not found: \\"db\\""}'), 'database-not-found');
  for (const status of [401, 403, 404, 429, 500, 502, 503, 504]) tt.equal(classifyWriteStatus(status, 'nope'), 'transient', String(status));
});

t.test('error text comes from the JSON body when there is one', async (tt) => {
  tt.equal(errorMessageOf('{"error":"partial write: field type conflict"}'), 'partial write: field type conflict');
  tt.equal(errorMessageOf('{"code":"invalid","message":"bucket not found"}'), 'bucket not found');
  tt.equal(errorMessageOf('  plain text from a proxy \n'), 'plain text from a proxy');
  tt.equal(errorMessageOf('x'.repeat(5000)).length, 1000);
});

t.test('InfluxQL quoting', async (tt) => {
  tt.equal(quoteIdent('a"b\\c'), '"a\\"b\\\\c"');
  tt.equal(quoteString("it's\\\n"), "'it\\'s\\\\\\n'");
});

t.test('endpoints keep a path prefix and drop absent parameters', async (tt) => {
  tt.equal(endpoint('http://h:8086/influx/', '/write', { db: 'a b', rp: undefined, precision: 'ms' }), 'http://h:8086/influx/write?db=a+b&precision=ms');
});

t.test('auth: basic for a 1.x user, token for 2.x, nothing otherwise', async (tt) => {
  tt.same(authHeaders({ kind: 'v1', url: 'http://h', database: 'd', ...limits }), {});
  tt.same(authHeaders({ kind: 'v1', url: 'http://h', database: 'd', username: 'u', password: 'p', ...limits }), { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
  tt.same(authHeaders({ kind: 'v2', url: 'http://h', org: 'o', bucket: 'b', token: 'T', database: 'b', ...limits }), { authorization: 'Token T' });
});
