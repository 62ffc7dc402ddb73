/** Logic of the registry screen: record ↔ form values, create and change bodies, paths under a parent. */
import t from 'tap';
import { localInputToIso } from '../src/format.js';
import { childTab, formOf, pathsOf, recordBody } from '../src/screens/registry-logic.js';

t.test('create bodies: empty optional fields left out, numbers parsed, bad numbers named', async (tt) => {
  tt.same(recordBody('enterprises', { name: ' 钢铁厂 ', creditCode: '', region: '' }), { body: { name: '钢铁厂' }, invalid: [] });
  tt.same(recordBody('sites', { name: 'S', code: '', address: '', longitude: '120.5', latitude: 'north' }), { body: { name: 'S', longitude: 120.5 }, invalid: ['latitude'] });
  const item = recordBody('items', { ...formOf('items', undefined), factor: 'a34013', standardUpper: '10', startAt: '2024-01-01T00:00' });
  tt.same(item.invalid, []);
  tt.same(item.body, { factor: 'a34013', mode: 'automatic', standardUpper: 10, startAt: localInputToIso('2024-01-01T00:00'), uploads: [{ kind: 'hour', periodSeconds: 3600 }] }, 'a new item uploads hourly by default');
  tt.same(recordBody('items', { ...formOf('items', undefined), factor: 'x', 'upload.day': '1.5' }).invalid, ['upload.day']);
});

t.test('change bodies: only what changed; items clear a field with null, others keep it', async (tt) => {
  const site = { id: 's1', name: 'S', code: 'C1', enabled: true };
  tt.same(recordBody('sites', formOf('sites', site), site).body, {}, 'nothing changed');
  tt.same(recordBody('sites', { ...formOf('sites', site), name: 'S2', code: '' }, site).body, { name: 'S2' }, 'an emptied site field is not sent');
  const item = { id: 'i1', factor: 'a34013', mode: 'automatic', uploads: [{ kind: 'hour', periodSeconds: 3600 }], standardUpper: 10, unit: 'mg/m3', enabled: true };
  const form = formOf('items', item);
  tt.equal(form['upload.hour'], '3600');
  tt.equal(form.standardUpper, '10');
  tt.same(recordBody('items', form, item).body, {}, 'unchanged item');
  tt.same(recordBody('items', { ...form, factor: 'other', unit: '', standardUpper: '12', 'upload.minute': '600' }, item).body, {
    unit: null,
    standardUpper: 12,
    uploads: [
      { kind: 'minute', periodSeconds: 600 },
      { kind: 'hour', periodSeconds: 3600 },
    ],
  }, 'factor never changes; unit cleared; uploads sent whole');
});

t.test('children and paths', async (tt) => {
  tt.same(childTab('enterprises'), { tab: 'sites', param: 'enterpriseId' });
  tt.same(childTab('points'), { tab: 'items', param: 'pointId' });
  tt.equal(childTab('items'), undefined);
  tt.equal(pathsOf('points', {}).list, undefined, 'points are listed under a site');
  tt.equal(pathsOf('points', { siteId: 'a/b' }).list, '/sites/a%2Fb/points');
  tt.equal(pathsOf('items', { pointId: 'p' }).create, '/points/p/items');
  tt.equal(pathsOf('items', {}).record('i 1'), '/items/i%201');
});
