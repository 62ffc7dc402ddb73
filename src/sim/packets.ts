/** Upload packets of a simulated collector: values from its model, codes and Flag of its edition. */
import { formatDataTime, toCode2005, uploadPacket, type Packet, type ReadingInput } from '../../protocol/index.js';
import type { CollectorIdentity } from './identity.js';
import { PROFILE_ST, PROFILES } from './profiles.js';
import type { UploadEvent } from './schedule.js';
import { createValueModel, type ValueModel, type ValueOptions } from './values.js';

/** Field-information text sent by GBK devices (i12001: 工作状态 work status; HJ212-2017 table C.4 info codes). */
export const GBK_INFO_CODE = 'i12001';
export const GBK_INFO_TEXT = '设备运行正常';

/** Builds a collector's uploads. */
export interface PacketBuilder {
  readonly model: ValueModel;
  /** The upload for `event` with request id `qn` (yyyyMMddHHmmsszzz); `cn` and DataTime from the event. */
  upload(event: Pick<UploadEvent, 'cn' | 'dataTime' | 'lengthMs'>, qn: string, ack: boolean): Packet;
}

export function createPacketBuilder(id: CollectorIdentity, timeZone: string, values: ValueOptions = {}): PacketBuilder {
  const model = createValueModel(id.mn, PROFILES[id.profile], values);
  const st = PROFILE_ST[id.profile];
  // HJ/T 212-2005 collectors send the old codes; factors without one keep the 2017 code (real frames mix both).
  const code = (c: string): string => (id.version === '2005' ? (toCode2005(c) ?? c) : c);
  const recode = (readings: ReadingInput[]): ReadingInput[] => readings.map((r) => ({ ...r, code: code(r.code) }));
  return {
    model,
    upload(event, qn, ack) {
      const device = event.dataTime + id.skewMs;
      const factors = recode(event.cn === '2011' ? model.realtime(event.dataTime) : model.interval(event.dataTime, event.lengthMs));
      if (id.gbkInfo && event.cn === '2011') factors.push({ code: GBK_INFO_CODE, info: GBK_INFO_TEXT });
      const target = { st, pw: id.password, mn: id.mn, version: id.version, qn, ack };
      return uploadPacket(target, event.cn, { dataTime: formatDataTime(device, timeZone), factors });
    },
  };
}
