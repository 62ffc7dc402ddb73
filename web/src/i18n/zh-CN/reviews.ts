import type { Messages } from '../index.js';

export default {
  title: '待审核',
  hint: '已说明的缺数与异常、待审核的补录和停运报备，等待最久的在前。',
  type: '类型',
  anyType: '全部类型',
  'type.gap': '缺数',
  'type.anomaly': '异常',
  'type.backfill': '补录',
  'type.registration': '停运报备',
  detail: '原因说明 / 理由',
  waitingSince: '等待自',
  open: '前往',
  what: '{type} {mn} {factor} {period}',
  reviewedOk: '已审核',
} satisfies Messages;
