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
import type { StorageLimits } from '../config.js';
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

/** Limits on what one connection or source address can make the gateway do (SECURITY.md, "Hostile traffic"). */
export interface DefenceLimits {
  /** Framing errors + rejected frames one connection may cause per window before it is closed and its address banned. */
  maxErrorsPerConnection: number;
  errorWindowMs: number;
  /** The same, summed over all connections of one source address (a flood split over many short connections). */
  maxErrorsPerAddress: number;
  /** First ban of an address; each further ban doubles, up to `banMaxMs`. 0 disables bans. */
  banBaseMs: number;
  banMaxMs: number;
  /** First password lockout; each further one doubles, up to `authLockoutMaxMs`. */
  authLockoutBaseMs: number;
  authLockoutMaxMs: number;
  /** An address that logged in as an MN stays trusted for it this long (an MN lockout does not apply to it). */
  authTrustMs: number;
  /** Keys (addresses, MNs, address+MN pairs) each defence table holds. */
  maxTrackedKeys: number;
  /** Summary log lines: at most one per connection / address / MN per interval. */
  logSummaryMs: number;
  /** Bytes of raw frames queued for the archive; beyond it entries are dropped and counted. */
  archiveQueueMaxBytes: number;
  /** A pending (unknown) MN is written at most once per interval ... */
  pendingRecordIntervalMs: number;
  /** ... and at most this many pending-device writes happen per interval in total. */
  pendingRecordsPerInterval: number;
}
