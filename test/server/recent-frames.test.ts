import t from 'tap';
import type { Identity } from '../../src/server/frame-identity.js';
import { RECENT_FRAMES, RecentFrames, type Joiners } from '../../src/server/recent-frames.js';

const id = (fingerprint: number, over: Partial<Identity> = {}): Identity => ({ stream: '2011', mark: 1_700_000_000_000 + fingerprint * 60_000, time: undefined, pno: -1, fingerprint, ...over });
/** Store frame `n` (its own joiners) and settle it as stored. */
function stored(r: RecentFrames, ident: Identity): void {
  const joiners: Joiners = [];
  r.settle(r.add(ident, joiners), joiners, true);
}

t.test('a frame is found by every part of its identity', async (t) => {
  const r = new RecentFrames();
  const base = id(7);
  stored(r, base);
  t.equal(r.state(r.find(id(7))), true, 'the same identity, another object');
  t.equal(r.find(id(7, { fingerprint: 8 })), -1, 'other CP bytes');
  t.equal(r.find(id(7, { stream: '2051' })), -1, 'other CN');
  t.equal(r.find(id(7, { pno: 1 })), -1, 'other PNO');
  t.equal(r.find(id(7, { mark: base.mark! + 1 })), -1, 'other DataTime');
  // DataTime that is no time: told apart by its text.
  stored(r, id(9, { mark: undefined, time: 'soon' }));
  t.ok(r.find(id(9, { mark: undefined, time: 'soon' })) >= 0);
  t.equal(r.find(id(9, { mark: undefined, time: 'later' })), -1);
  t.equal(r.find(id(9, { mark: undefined, time: '' })), -1, 'absent DataTime is another identity');
  t.equal(r.find(id(9)), -1, 'a real time with the same fingerprint');
});

t.test('a frame being stored holds its joiners; one not stored is forgotten', async (t) => {
  const r = new RecentFrames();
  const joiners: Joiners = [];
  const slot = r.add(id(1), joiners);
  t.equal(r.state(r.find(id(1))), joiners);
  r.settle(slot, joiners, false);
  t.equal(r.find(id(1)), -1);
  // A slot taken again meanwhile is not touched by a late settle.
  const again: Joiners = [];
  const next = r.add(id(2), again);
  r.settle(next, joiners, true);
  t.equal(r.state(r.find(id(2))), again);
});

t.test(`the last ${RECENT_FRAMES} stored frames are kept, the least recently stored going first`, async (t) => {
  const r = new RecentFrames();
  for (let n = 0; n < RECENT_FRAMES; n++) stored(r, id(n));
  for (let n = 0; n < RECENT_FRAMES; n++) t.ok(r.find(id(n)) >= 0, `frame ${n} kept`);
  stored(r, id(1000));
  t.equal(r.find(id(0)), -1, 'the oldest went');
  t.ok(r.find(id(1)) >= 0);
  // Frame 1 stored again (a duplicate settles as stored): now the newest, so 2 goes next.
  const j: Joiners = [];
  r.settle(r.find(id(1)), j, true); // not its joiners: no change
  stored(r, id(1001));
  t.equal(r.find(id(1)), -1, 'a settle with other joiners did not renew frame 1');
  t.ok(r.find(id(2)) >= 0);
});

t.test('frames being stored are never pushed out: the slots grow when all hold one', async (t) => {
  const r = new RecentFrames();
  const pending: Array<[number, Joiners]> = [];
  for (let n = 0; n < RECENT_FRAMES + 10; n++) {
    const joiners: Joiners = [];
    pending.push([r.add(id(n), joiners), joiners]);
  }
  for (let n = 0; n < RECENT_FRAMES + 10; n++) t.equal(r.state(r.find(id(n))), pending[n]![1], `frame ${n} still waiting`);
  for (const [slot, joiners] of pending) r.settle(slot, joiners, true);
  for (let n = 0; n < RECENT_FRAMES + 10; n++) t.equal(r.state(r.find(id(n))), true);
});
