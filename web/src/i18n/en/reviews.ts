import type { Messages } from '../index.js';

export default {
  title: 'Review inbox',
  hint: 'Explained gaps and anomalies, back-fills and outage registrations awaiting your review, the longest waiting first.',
  type: 'Type',
  anyType: 'All types',
  'type.gap': 'Gap',
  'type.anomaly': 'Anomaly',
  'type.backfill': 'Back-fill',
  'type.registration': 'Outage registration',
  detail: 'Explanation / reason',
  waitingSince: 'Waiting since',
  open: 'Open',
  what: '{type} {mn} {factor} {period}',
  reviewedOk: 'Reviewed',
} satisfies Messages;
