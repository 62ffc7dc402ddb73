/** Everything the gateway is handed (aedes receives `persistence` the same way): it never imports storage or queues. */
import type { Clock } from '../domain/clock.js';
import type {
  CommandBus,
  DeadLetterStore,
  DedupeStore,
  DeviceRegistry,
  FactorBudget,
  FrameArchive,
  JobProducer,
  LatestStore,
  ReadingSink,
  SessionDirectory,
} from '../domain/ports.js';
import type { DefenceLimits, StorageLimits } from '../config.js';

export type { DefenceLimits } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export interface GatewayDeps {
  sink: ReadingSink;
  registry: DeviceRegistry;
  dedupe: DedupeStore;
  latest: LatestStore;
  archive: FrameArchive;
  deadLetters: DeadLetterStore;
  /** Per-collector budget of factor codes outside the factor table (HJ212_MAX_UNKNOWN_FACTORS). */
  factorBudget: FactorBudget;
  jobs: JobProducer;
  sessions: SessionDirectory;
  commands: CommandBus;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}

export interface GatewayOptions {
  host: string;
  port: number;
  instanceId: string;
  maxConnections: number;
  maxConnectionsPerIp: number;
  idleTimeoutMs: number;
  /** A frame left unfinished this long is a slow-loris: the connection is closed. */
  partialFrameTimeoutMs: number;
  /** Default maximum data segment (HJ212-2017 6.1: 1024); devices may be allowed more. */
  maxDataLength: number;
  /** Largest data segment the framer buffers for any device (the 4-digit length field caps it at 9999); per-device limits are enforced by the parser. */
  maxFrameCeiling: number;
  subpacketTimeoutMs: number;
  /** Frames being stored for one connection above which its socket is paused. */
  maxInflightPerConnection: number;
  /** Failed password attempts per IP and per MN (from untrusted addresses) within a minute before a lockout. */
  maxAuthFailuresPerMinute: number;
  /** Factor budget, DataTime window, sub-packet tracking (default: the HJ212_* defaults of src/config.ts). */
  limits?: StorageLimits;
  /** What one archive entry may hold (default: the HJ212_ARCHIVE_* defaults). */
  archive?: { maxRawBytes: number; junkRawBytes: number; repeatWindowMs: number };
  /** Hostile-traffic limits (defences.ts); each defaults to the value documented in README's settings table. */
  defences?: Partial<DefenceLimits>;
}
