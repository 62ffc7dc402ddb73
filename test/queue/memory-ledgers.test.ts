import t from 'tap';
import { createMemoryCheckState, createMemoryLedgerStore, createMemoryRepullTracker, createMemoryRollupStore } from '../fakes/memory-ledgers.js';
import { ledgerStoresSuite } from './ledger-store-suite.js';

t.test('memory ledger ports', async (tt) =>
  ledgerStoresSuite(tt, {
    ledgers: async () => createMemoryLedgerStore(),
    tracker: async () => createMemoryRepullTracker(),
    state: async () => createMemoryCheckState(),
    rollups: async () => createMemoryRollupStore(),
  }),
);
