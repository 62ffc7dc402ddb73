import type { Messages } from '../index.js';

export default {
  title: 'Outage registrations',
  hint: 'Periods of production stops, maintenance and the like. Once accepted, the period’s gaps and anomalies are covered by the registration and no new ones are raised.',
  newTitle: 'Register a period',
  showForm: 'New registration',
  wholeSite: '(the whole site)',
  allItems: '(every factor)',
  periodStart: 'Start',
  periodEnd: 'End',
  reason: 'Reason',
  reasonText: 'Details',
  'reason.production-stopped': 'Production stopped',
  'reason.maintenance': 'Maintenance',
  'reason.confidential': 'Confidential',
  'reason.other': 'Other',
  scope: 'Scope',
  registered: 'Registered, awaiting review',
  reviewedOk: 'Reviewed',
  what: 'registration of {scope} {period}',
  chooseSite: 'Choose a site',
} satisfies Messages;
