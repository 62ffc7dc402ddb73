/**
 * Ports: what the gateway, API and worker need from storage and queues. Each has a real implementation
 * in src/storage or src/queue and an in-memory one for unit tests (src/storage/memory-*.ts).
 */
import type { Device, PendingDevice } from './device.js';
import type { Point } from './point.js';

/** Error a sink rejects with. `permanent` errors will never succeed on retry (dead-letter them). */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/**
 * Durable store of points with group commit. `write` resolves only once the points are durable
 * (the InfluxDB write returned 2xx). Transient failures are retried inside the sink with backoff while the
 * points stay buffered; only permanent failures reject (SinkError with permanent = true).
 */
export interface ReadingSink {
  write(points: readonly Point[]): Promise<void>;
  /** Points accepted but not yet durable. */
  readonly pending: number;
  /** True while pending is above the high-water mark: callers should stop reading input. */
  readonly saturated: boolean;
  /** Called once each time the sink leaves the saturated state. */
  onDrain(listener: () => void): void;
  /** Flush what is buffered (waiting for durability) and stop. */
  close(): Promise<void>;
}

/** Registry of collectors, plus the list of unknown MNs seen by gateways. */
export interface DeviceRegistry {
  get(mn: string): Promise<Device | undefined>;
  list(): Promise<Device[]>;
  /** Insert or replace; notifies every gateway (changes apply without restart). */
  put(device: Device): Promise<void>;
  recordPending(entry: { mn: string; sourceIp: string; sampleFrame: string; at: Date }): Promise<void>;
  listPending(): Promise<PendingDevice[]>;
  removePending(mn: string): Promise<void>;
  close(): Promise<void>;
}

/** Keys of frames already stored, so a retransmit is re-acked without a second write. */
export interface DedupeStore {
  /** Returns the subset of keys already remembered. */
  seen(keys: readonly string[]): Promise<Set<string>>;
  remember(keys: readonly string[]): Promise<void>;
}

/** Latest value per MN + factor; never moves backwards in time. */
export interface LatestEntry {
  mn: string;
  factor: string;
  kind: string;
  timeMs: number;
  values: Record<string, string>;
}
export interface LatestStore {
  /** Keeps, per mn + kind + factor, the entry with the greatest timeMs. */
  update(entries: readonly LatestEntry[]): Promise<void>;
  get(mn: string): Promise<LatestEntry[]>;
}

/** Raw archive of every frame with its verdict (bounded retention). */
export interface ArchivedFrame {
  receivedAt: number;
  sourceIp: string;
  mn?: string;
  cn?: string;
  verdict: string;
  code?: string;
  /** Raw bytes as base64. */
  raw: string;
}
export interface FrameArchive {
  append(frames: readonly ArchivedFrame[]): Promise<void>;
  recent(limit: number): Promise<ArchivedFrame[]>;
}

/** Ingest events handed to the checks pipeline after a durable write. */
export interface IngestEvent {
  mn: string;
  kind: string;
  /** Epoch ms of DataTime. */
  timeMs: number;
}
export interface JobProducer {
  /** Enqueue check jobs for these events, batched, with deterministic job ids. */
  ingested(events: readonly IngestEvent[]): void;
  close(): Promise<void>;
}
