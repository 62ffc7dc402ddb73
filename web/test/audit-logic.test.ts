/** Logic of the audit screen: the fields a change touched, the listing path of an entity's trail. */
import t from 'tap';
import { auditPathOf, changedFields } from '../src/screens/audit-logic.js';

t.test('changed fields: differing, added and removed top-level fields, housekeeping left out', async (tt) => {
  const before = { id: 'i1', standardUpper: 10, unit: 'mg/m3', uploads: [{ kind: 'hour', periodSeconds: 3600 }], updatedAt: 'a', version: 1 };
  const after = { id: 'i1', standardUpper: 12, uploads: [{ kind: 'hour', periodSeconds: 3600 }], enabled: false, updatedAt: 'b', version: 2 };
  tt.same(changedFields(before, after), ['enabled', 'standardUpper', 'unit']);
  tt.same(changedFields(undefined, after), [], 'a creation lists nothing');
  tt.same(changedFields(before, before), []);
  tt.same(changedFields('x', { a: 1 }), ['a'], 'a non-object before counts as empty');
});

t.test('the path of every change or of one entity', async (tt) => {
  tt.equal(auditPathOf('', ''), '/audit');
  tt.equal(auditPathOf('item', ' '), '/audit', 'a type without an id lists everything');
  tt.equal(auditPathOf('gap', 'gap:M1:a34013:hour:1'), '/audit/gap/gap%3AM1%3Aa34013%3Ahour%3A1');
});
