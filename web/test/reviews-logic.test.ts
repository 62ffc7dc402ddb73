/** The review inbox: its query, where an entry is reviewed (the other screens' hash filters), its review path, its detail. */
import t from 'tap';
import type { LedgerEntry } from '../src/ledger-types.js';
import { matchRoute } from '../src/routes.js';
import { monthOf } from '../src/screens/ledger-logic.js';
import { detailOf, inboxQuery, reviewHrefOf, reviewPathOf } from '../src/screens/reviews-logic.js';

const periodStart = '2024-05-10T08:00:00+08:00';
const month = monthOf(Date.parse(periodStart));
const head = { id: 'e/1', enterpriseId: 'ent-1', mn: '33010000000001', periodStart };

t.test('the inbox query: one known type or all, offset only past the first page', async (tt) => {
  tt.same(inboxQuery('gap', 0, 50), { type: 'gap', offset: undefined, limit: 50 });
  tt.same(inboxQuery('', 100, 50), { type: undefined, offset: 100, limit: 50 });
  tt.equal(inboxQuery('bogus', 0, 50).type, undefined, 'an unknown type from the hash asks for all');
});

t.test('each entry links to its own screen filtered to it', async (tt) => {
  const gap = matchRoute(reviewHrefOf({ ...head, type: 'gap', state: 'explained' }));
  tt.equal(gap?.route.name, 'gaps');
  tt.same(gap?.query, { state: 'explained', enterpriseId: 'ent-1', month, mn: head.mn });
  const anomaly = matchRoute(reviewHrefOf({ ...head, type: 'anomaly', state: 'explained' }));
  tt.equal(anomaly?.route.name, 'gaps');
  tt.same(anomaly?.query, { tab: 'anomalies', state: 'explained', enterpriseId: 'ent-1', month, mn: head.mn });
  const backfill = matchRoute(reviewHrefOf({ ...head, type: 'backfill', state: 'submitted' }));
  tt.equal(backfill?.route.name, 'backfills');
  tt.same(backfill?.query, { state: 'submitted', enterpriseId: 'ent-1', month }, 'no mn: it would open the back-fill form');
  const registration = matchRoute(reviewHrefOf({ ...head, mn: undefined, type: 'registration', state: 'pending' }));
  tt.equal(registration?.route.name, 'registrations');
  tt.same(registration?.query, { state: 'pending', enterpriseId: 'ent-1', month });
});

t.test('the review posts to the entry of its collection, id escaped', async (tt) => {
  tt.equal(reviewPathOf({ type: 'gap', id: 'e/1' }), '/gaps/e%2F1');
  tt.equal(reviewPathOf({ type: 'anomaly', id: 'a' }), '/anomalies/a');
  tt.equal(reviewPathOf({ type: 'backfill', id: 'b' }), '/backfills/b');
  tt.equal(reviewPathOf({ type: 'registration', id: 'r' }), '/registrations/r');
});

t.test('the detail is what the enterprise gave', async (tt) => {
  const by = { tokenId: 't', name: 'n', role: 'enterprise' };
  tt.equal(detailOf({ type: 'gap', explanation: { text: 'power cut', by, at: '' } } as LedgerEntry), 'power cut');
  tt.equal(detailOf({ type: 'anomaly' } as LedgerEntry), '');
  tt.equal(detailOf({ type: 'backfill', reason: 'lab values' } as LedgerEntry), 'lab values');
  tt.equal(detailOf({ type: 'registration', reason: 'maintenance' } as LedgerEntry), '');
  tt.equal(detailOf({ type: 'registration', reason: 'other', reasonText: 'flood' } as LedgerEntry), 'flood');
});
