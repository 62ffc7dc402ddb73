import type { Messages } from '../index.js';

export default {
  title: 'Manual back-fill',
  hint: 'Enter the values of a missing period by hand (data flag S). They are stored beside the collector data and reviewed by the regulator.',
  newTitle: 'Enter a period',
  periodStart: 'Period start (DataTime)',
  values: 'Values',
  addFactor: 'Add a factor',
  removeFactor: 'Remove',
  reason: 'Reason',
  submitted: '{count} back-fill(s) submitted, awaiting review',
  invalidNumber: 'not a number',
  'field.avg': 'Avg',
  'field.min': 'Min',
  'field.max': 'Max',
  'field.cou': 'Cou',
  'field.rtd': 'Rtd',
  what: 'back-fill of {mn} {factor} {period}',
  reviewedOk: 'Reviewed',
  showForm: 'New back-fill',
  valuesCol: 'Values',
} satisfies Messages;
