import type { Messages } from '../index.js';

export default {
  title: 'Monthly operation ledger',
  hint: 'Per site, point, factor and data kind: periods expected, received, back-filled and covered by registrations in the month, how gaps and anomalies were handled, upload and publication rates.',
  load: 'Show',
  downloadCsv: 'Download CSV',
  rollup: 'Recompute',
  rollupAsked: 'Recompute asked for (job {jobId}); refresh in a while',
  'computed.rollup': 'rolled up at {at}',
  'computed.on-read': 'not rolled up yet; computed for this view ({at})',
  'computed.pending': 'too many collectors to compute now; a rollup was asked for (job {jobId}), refresh in a while',
  refresh: 'Refresh',
  expected: 'Expected',
  received: 'Received',
  backFilled: 'Back-filled',
  covered: 'Covered',
  gaps: 'Gaps (open)',
  anomalies: 'Anomalies (unexplained)',
  uploadRate: 'Upload rate',
  publicationRate: 'Publication rate',
  rows: '{count} rows',
} satisfies Messages;
