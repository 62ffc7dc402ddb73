import type { Messages } from '../index.js';

export default {
  title: 'Collectors',
  mn: 'MN',
  enterprise: 'Enterprise',
  site: 'Site',
  state: 'State',
  lastFrame: 'Last frame',
  lastAck: 'Last ack',
  framesToday: 'Frames today',
  rejectionsToday: 'Rejections today',
  remote: 'Address',
  replaced: 'Replaced',
  disabled: 'Disabled',
  filterState: 'Online state',
  all: 'All',
  allEnterprises: 'All enterprises',
  search: 'Search MN / enterprise / site',
  onlyRejected: 'Only with rejections today',
  shown: '{shown} of {total} collectors',
  online: '{count} online',
  refresh: 'Refresh',
} satisfies Messages;
