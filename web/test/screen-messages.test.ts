/** The ledger, registry, accounts and audit screens' messages: both languages hold the same keys and placeholders. */
import t from 'tap';
import enAccounts from '../src/i18n/en/accounts.js';
import enAudit from '../src/i18n/en/audit.js';
import enBackfills from '../src/i18n/en/backfills.js';
import enGaps from '../src/i18n/en/gaps.js';
import enLedgerCommon from '../src/i18n/en/ledger-common.js';
import enLedger from '../src/i18n/en/ledger.js';
import enRegistrations from '../src/i18n/en/registrations.js';
import enRegistry from '../src/i18n/en/registry.js';
import enReviews from '../src/i18n/en/reviews.js';
import zhAccounts from '../src/i18n/zh-CN/accounts.js';
import zhAudit from '../src/i18n/zh-CN/audit.js';
import zhBackfills from '../src/i18n/zh-CN/backfills.js';
import zhGaps from '../src/i18n/zh-CN/gaps.js';
import zhLedgerCommon from '../src/i18n/zh-CN/ledger-common.js';
import zhLedger from '../src/i18n/zh-CN/ledger.js';
import zhRegistrations from '../src/i18n/zh-CN/registrations.js';
import zhRegistry from '../src/i18n/zh-CN/registry.js';
import zhReviews from '../src/i18n/zh-CN/reviews.js';
import { ANOMALY_RULES, ANOMALY_STATES, BACKFILL_STATES, GAP_STATES, REGISTRATION_REASONS, REGISTRATION_STATES, VALUE_KINDS } from '../src/ledger-types.js';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../src/screens/audit-logic.js';
import { REVIEW_TYPES } from '../src/screens/reviews-logic.js';

const pairs: [string, Record<string, string>, Record<string, string>][] = [
  ['ledger-common', zhLedgerCommon, enLedgerCommon],
  ['gaps', zhGaps, enGaps],
  ['backfills', zhBackfills, enBackfills],
  ['registrations', zhRegistrations, enRegistrations],
  ['ledger', zhLedger, enLedger],
  ['registry', zhRegistry, enRegistry],
  ['reviews', zhReviews, enReviews],
  ['accounts', zhAccounts, enAccounts],
  ['audit', zhAudit, enAudit],
];

t.test('same keys and placeholders in zh-CN and en', async (tt) => {
  for (const [name, zh, en] of pairs) {
    tt.same(Object.keys(en).sort(), Object.keys(zh).sort(), `${name}: same keys`);
    for (const [key, text] of Object.entries(zh)) tt.same((en[key] ?? '').match(/\{\w+\}/g) ?? [], text.match(/\{\w+\}/g) ?? [], `${name}.${key}: same placeholders`);
  }
});

t.test('every state, kind, rule, reason, action and entity type has a label', async (tt) => {
  const missing = (messages: Record<string, string>, prefix: string, values: readonly string[]) => values.filter((v) => !(`${prefix}.${v}` in messages));
  tt.same(missing(zhLedgerCommon, 'state', [...GAP_STATES, ...ANOMALY_STATES, ...BACKFILL_STATES, ...REGISTRATION_STATES]), []);
  tt.same(missing(zhLedgerCommon, 'kind', VALUE_KINDS), []);
  tt.same(missing(zhGaps, 'rule', ANOMALY_RULES), []);
  tt.same(missing(zhRegistrations, 'reason', REGISTRATION_REASONS), []);
  tt.same(missing(zhAudit, 'action', AUDIT_ACTIONS), []);
  tt.same(missing(zhAudit, 'type', AUDIT_ENTITY_TYPES), []);
  tt.same(missing(zhReviews, 'type', REVIEW_TYPES), []);
});
