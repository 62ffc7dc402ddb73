/** A series point as stored in InfluxDB: measurement, tags, fields, epoch ms (a monitoring point is MonitoringPoint, src/domain/catalog.ts). */
export interface SeriesPoint {
  measurement: string;
  tags: Record<string, string>;
  /** Numbers become float fields, strings string fields, booleans boolean fields. */
  fields: Record<string, number | string | boolean>;
  /** Epoch milliseconds, UTC. */
  timeMs: number;
}
