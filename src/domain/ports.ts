/**
 * Ports: what the gateway, API and worker need from storage and queues. Each has a real implementation
 * in src/storage or src/queue and an in-memory one for unit tests (test/fakes/memory-*.ts).
 */
import type { CpData } from '../../protocol/index.js';
import type { Device, PendingDevice } from './device.js';
import type { SeriesPoint } from './series-point.js';

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
  write(points: readonly SeriesPoint[]): Promise<void>;
  /**
   * Write one upload's readings as the storage maps them (same group commit and durability as `write`). `done` is
   * called once, with no argument when they are durable, with a SinkError when refused (or synchronously, for an
   * upload that cannot be mapped or a closed sink). A callback, not a promise: the upload path takes none per frame.
   */
  writeUpload(upload: UploadRecord, done: (err?: Error) => void): void;
  /** Points accepted but not yet durable. */
  readonly pending: number;
  /** True while pending is above the high-water mark: callers should stop reading input. */
  readonly saturated: boolean;
  /** Called once each time the sink leaves the saturated state. */
  onDrain(listener: () => void): void;
  /** Flush what is buffered (waiting for durability) and stop. */
  close(): Promise<void>;
}

/** Which collectors to look up by binding; absent fields select all. */
export interface DeviceLookup {
  enterpriseId?: string;
  siteId?: string;
  pointId?: string;
}

/** One upload as the gateway hands it to the sink: the storage maps its readings (src/storage/influx/upload-lines.ts). */
export interface UploadRecord {
  /** Data kind (= measurement), from the CN (HJ212-2017 table 5). */
  kind: string;
  mn: string;
  /** System code tag (may be empty). */
  st: string;
  cn: string;
  /** DataTime in the device's zone as epoch ms, or the receive time when the frame has none. */
  timeMs: number;
  /** The parsed CP, factors already cut to what the limits admit. */
  cp: CpData;
  /** CP keys and values as sent, in wire order (each factor's verbatim group is kept). */
  wire: Readonly<Record<string, string>>;
}

/** Registry of collectors, plus the list of unknown MNs seen by gateways. */
export interface DeviceRegistry {
  get(mn: string): Promise<Device | undefined>;
  /**
   * What `get` would answer from memory, without a promise (the per-frame path): a device, null when known absent,
   * undefined when `get` must be asked. Optional: registries without a cache leave it out.
   */
  cached?(mn: string): Device | null | undefined;
  /** Every registered collector, by MN. */
  list(): Promise<Device[]>;
  /** The collectors of an enterprise, site and/or point, by MN (what API listings and reads by site look up). */
  find(lookup: DeviceLookup): Promise<Device[]>;
  /** Insert or replace; notifies every gateway (changes apply without restart). */
  put(device: Device): Promise<void>;
  /**
   * Note frames of an unknown MN. `frames`: how many (default 1). `valid`: they parsed with a valid CRC; only such
   * frames make an entry established (kept before one-off entries when the bounded list is full).
   */
  recordPending(entry: { mn: string; sourceIp: string; sampleFrame: string; at: Date; frames?: number; valid?: boolean }): Promise<void>;
  listPending(): Promise<PendingDevice[]>;
  removePending(mn: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keys of frames already stored, so a retransmit is re-acked without a second write. A key `<owner>|<id>` (owner: the
 * MN) is kept with its owner's keys, whose number the Redis store bounds; a key without `|` belongs to owner ''.
 */
export interface DedupeStore {
  /** Returns the subset of keys already remembered. */
  seen(keys: readonly string[]): Promise<Set<string>>;
  /** Remember keys and raise marks (a mark never goes down); both expire with the owner's keys. */
  remember(keys: readonly string[], marks?: readonly DedupeMark[]): Promise<void>;
  /** The marks of these owners: owner → stream → mark (owners without any are left out). */
  marks(owners: readonly string[]): Promise<Map<string, Map<string, number>>>;
}

/** Per owner (MN) and stream (CN) the highest mark (DataTime) of a frame stored: frames above it are new. */
export interface DedupeMark {
  owner: string;
  stream: string;
  mark: number;
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
  /**
   * Keeps, per mn + kind + factor, the entry with the greatest timeMs (equal times: the later); written before it
   * resolves. The gateway calls it once per interval with the newest entry of each key (server/latest-coalescer.ts).
   */
  update(entries: readonly LatestEntry[]): Promise<void>;
  get(mn: string): Promise<LatestEntry[]>;
}

/** What the gateway knows of one received frame: when, from where, whose, and its verdict. */
export interface FrameRecord {
  receivedAt: number;
  sourceIp: string;
  mn?: string;
  cn?: string;
  verdict: string;
  /** Why it was rejected, when it was. */
  code?: string;
  /** Byte length of the frame as received, when the stored copy holds only its start. */
  size?: number;
  /** Further identical frames (same raw bytes, MN and verdict) counted instead of archived (a summary entry). */
  repeats?: number;
}

/** Raw archive of every frame with its verdict (bounded retention). */
export interface ArchivedFrame extends FrameRecord {
  /** Raw bytes, password masked (`PW=***`), cut to the archive's raw limit; empty for repeat summaries and notes. */
  raw: Uint8Array;
}
export interface FrameArchive {
  append(frames: readonly ArchivedFrame[]): Promise<void>;
  recent(limit: number): Promise<ArchivedFrame[]>;
}

/** Unknown factor codes (outside the factor table and the device's items) one collector introduced. */
export interface UnknownFactors {
  /** The admitted unknown codes, at most the per-device cap. */
  codes: string[];
  /** Readings of further unknown codes dropped since the device was registered. */
  dropped: number;
}

/**
 * The per-device budget of unknown factor codes (issue 11: a collector inventing codes must not grow InfluxDB's
 * series without bound). `admit` is called only with codes outside the factor table.
 */
export interface FactorBudget {
  /** The subset of `codes` this device may store: its items' codes, codes admitted before, and new ones within the cap. */
  admit(device: Device, codes: readonly string[]): Promise<Set<string>>;
  /** Count readings dropped for being over the cap. */
  dropped(mn: string, readings: number): Promise<void>;
  unknown(mn: string): Promise<UnknownFactors>;
}

/** One archived frame as the frame log shows it (报文查询). */
export interface LoggedFrame extends FrameRecord {
  /** Position in the log (a Redis stream id); pass as `before` to page on. */
  id: string;
  /** The frame as text with every password masked (PW=***). */
  text: string;
}

export interface FrameLogQuery {
  mn?: string;
  /** Only frames of these MNs (an enterprise's collectors); frames without an MN are left out. */
  mns?: ReadonlySet<string>;
  /** A verdict, or 'rejected' for every verdict but stored, duplicate, reply and notification. */
  verdict?: string;
  cn?: string;
  /** Source address (IP) the frame came from. */
  address?: string;
  /** receivedAt bounds, epoch ms: from inclusive, to exclusive. */
  fromMs?: number;
  toMs?: number;
  limit: number;
  /** Exclusive position: frames older than this one. */
  before?: string;
  /** Entries examined at most; a page cut short by it carries `next`. */
  scanMax: number;
}

export interface FrameLogPage {
  frames: LoggedFrame[];
  /** Where the next page starts, when there may be more. */
  next?: string;
  /** receivedAt of the oldest frame still retained (the log is bounded), absent when it is empty. */
  oldest?: number;
  /** Entries examined for this page. */
  scanned: number;
}

/** Read side of the frame archive: newest first, filtered, masked. */
export interface FrameLog {
  query(q: FrameLogQuery): Promise<FrameLogPage>;
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

/** What the API shows as a collector's online status; kept by the gateway holding the connection. */
export interface SessionInfo {
  mn: string;
  instanceId: string;
  connectionId: string;
  remote: string;
  connectedAt: number;
  lastFrameAt?: number;
  lastAckAt?: number;
  /** Frames and rejections since local midnight of the gateway. */
  framesToday: number;
  rejectionsToday: number;
  /** Times a newer connection replaced an older one for this MN (flapping). */
  replaced: number;
}

/** Which gateway instance holds which collector (so commands route through Redis to it). */
export interface SessionDirectory {
  /** Record that this instance now holds the MN's connection. */
  claim(info: SessionInfo): Promise<void>;
  /** Forget the MN's session if it is still the given connection. */
  release(mn: string, connectionId: string): Promise<void>;
  /** Merge timestamps; framesToday / rejectionsToday / replaced in a patch are increments. May be batched. */
  touch(mn: string, patch: Partial<SessionInfo>): void;
  get(mn: string): Promise<SessionInfo | undefined>;
  list(): Promise<SessionInfo[]>;
}

/** A command for a collector (history re-pull, time sync...), routed to the gateway holding its connection. */
export interface DeviceCommand {
  id: string;
  mn: string;
  cn: string;
  qn: string;
  cp: Record<string, string>;
}

/** A collector's answer to a command: 9011 (QnRtn), 9012 (ExeRtn) or uploaded data carrying the command's QN. */
export interface DeviceReply {
  mn: string;
  qn: string;
  cn: string;
  cp: Record<string, string>;
  at: number;
}

export interface CommandBus {
  /** Gateway side: receive commands addressed to this instance. */
  listen(instanceId: string, onCommand: (cmd: DeviceCommand) => void): Promise<void>;
  /** Worker side: route to the instance holding the MN; 'offline' when nobody holds it. */
  send(cmd: DeviceCommand): Promise<'sent' | 'offline'>;
  /** Gateway side: hand a collector's reply back to whoever tracks the command. */
  reply(reply: DeviceReply): Promise<void>;
  close(): Promise<void>;
}

/** Frames whose readings InfluxDB refused permanently, kept raw for replay. */
export interface DeadLetterStore {
  add(entry: { raw: string; mn?: string; reason: string; at: number }): Promise<void>;
  list(limit: number): Promise<Array<{ raw: string; mn?: string; reason: string; at: number }>>;
}
