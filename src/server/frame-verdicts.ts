/**
 * Every frame ends with a verdict: counted (hj212_frames_total by CN and verdict), archived raw (byte-capped queue,
 * archive-recorder.ts) and, for rejections, noted in the connection's summary (defences.ts) and the collector's
 * status; nothing is dropped silently. Used by every CN family handler.
 */
import { maskPassword, type Packet } from '../../protocol/index.js';
import type { Counter } from 'prom-client';
import type { ArchivedFrame } from '../domain/ports.js';
import { ArchiveRecorder, type ArchiveLimits } from './archive-recorder.js';
import { CappedBatcher } from './capped-batcher.js';
import type { ConnectionContext } from './connection-context.js';
import type { Defences } from './defences.js';
import type { GatewayDeps } from './gateway-deps.js';

/** Verdicts that are not rejections. */
const ACCEPTED = new Set(['stored', 'stored-partial', 'duplicate', 'reply', 'notification']);

/** Approximate bytes an archived frame holds in the queue (its raw bytes dominate). */
const archivedBytes = (f: ArchivedFrame): number => f.raw.length + (f.code?.length ?? 0) + 64;

/** The part of a frame a verdict names: its CN and MN (absent for frames whose header is unreadable). */
export type VerdictHead = Pick<Packet, 'cn' | 'mn'>;

export class FrameVerdicts {
  private readonly archive: ArchiveRecorder;
  private readonly queue: CappedBatcher<ArchivedFrame>;
  /** prom-client hashes the label set on every inc(); the children are kept per CN + verdict instead. */
  private readonly counters = new Map<string, Counter.Internal>();

  constructor(
    private readonly deps: GatewayDeps,
    private readonly defences: Defences,
    limits: ArchiveLimits,
  ) {
    this.queue = new CappedBatcher(
      (frames) => deps.archive.append(frames),
      (err, frames) => deps.logger.error({ err, frames: frames.length }, 'frame archive write failed'),
      defences.limits.archiveQueueMaxBytes,
      archivedBytes,
      () => deps.metrics.dropped.inc({ queue: 'archive' }),
    );
    this.archive = new ArchiveRecorder((frame) => this.queue.push(frame), limits, deps.metrics);
  }

  /** The archive queue is over half its cap: the server pauses sockets until it drains. */
  get backedUp(): boolean {
    return this.queue.backedUp;
  }

  /**
   * Count, archive and (for rejections) summarise the frame's verdict. `registered`: `head.mn` is a registered
   * device, whose status counts the frame; nothing an unknown sender does creates a status entry.
   */
  finish(ctx: ConnectionContext, raw: Buffer, at: number, head: VerdictHead | undefined, verdict: string, detail?: string, registered = true): void {
    const cn = head?.cn || 'none';
    this.count(cn, verdict);
    const mn = registered ? head?.mn : undefined;
    if (!ACCEPTED.has(verdict)) {
      this.defences.rejections.note(ctx.id, verdict, () => ({ conn: ctx.id, remote: ctx.remoteIp, mn: head?.mn, cn, verdict, detail: detail && maskPassword(detail) }));
      if (mn) this.deps.sessions.touch(mn, { rejectionsToday: 1 });
    } else if (mn) {
      this.deps.sessions.touch(mn, { framesToday: 1 });
    }
    this.archive.record({ receivedAt: at, sourceIp: ctx.remoteIp, mn: head?.mn, cn: head?.cn, verdict, code: detail && maskPassword(detail) }, raw);
  }

  count(cn: string, verdict: string): void {
    const key = `${cn}\n${verdict}`;
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = this.deps.metrics.frames.labels({ cn, verdict })));
    counter.inc();
  }

  /** Archive an entry that has no frame behind it (an incomplete sub-packet set). */
  note(frame: ArchivedFrame): void {
    this.archive.note(frame);
  }

  sweep(now: number): void {
    this.archive.sweep(now);
  }

  flush(): Promise<void> {
    this.archive.sweep(Number.POSITIVE_INFINITY);
    return this.queue.flush();
  }
}
