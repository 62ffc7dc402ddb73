/**
 * Bounded recording of unknown MNs as pending devices. Each MN is written at most once per `intervalMs` (frames
 * in between are added to the next write's count), and at most `maxPerInterval` writes happen per interval in
 * total: a sender cycling through random MNs costs a bounded number of Redis writes, and the registry itself keeps
 * a bounded number of entries, evicting the least established first (see src/storage/redis/registry.ts).
 */
import type { DeviceRegistry } from '../domain/ports.js';
import type { Logger } from '../log.js';

export interface PendingRecorderOptions {
  intervalMs: number;
  maxPerInterval: number;
  /** MNs remembered for throttling. */
  maxTracked: number;
}

export class PendingRecorder {
  /** MN → last write and frames seen since. Map order = age of the last write. */
  private readonly seen = new Map<string, { at: number; skipped: number }>();
  private windowStart = 0;
  private writes = 0;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly log: Logger,
    private readonly opts: PendingRecorderOptions,
    private readonly onDrop: () => void,
  ) {}

  /**
   * Record a frame of the unknown `mn`. `valid`: the frame parsed with a valid CRC (only those make an entry
   * established). Resolves once written (or skipped); never rejects.
   */
  async record(entry: { mn: string; sourceIp: string; sampleFrame: string; at: number; valid: boolean }): Promise<void> {
    const { mn, at } = entry;
    const prev = this.seen.get(mn);
    if (prev && at - prev.at < this.opts.intervalMs) {
      prev.skipped++;
      return;
    }
    if (at - this.windowStart >= this.opts.intervalMs) {
      this.windowStart = at;
      this.writes = 0;
    }
    if (this.writes >= this.opts.maxPerInterval) {
      this.onDrop();
      return;
    }
    this.writes++;
    const frames = 1 + (prev?.skipped ?? 0);
    this.seen.delete(mn);
    this.seen.set(mn, { at, skipped: 0 });
    while (this.seen.size > this.opts.maxTracked) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    await this.registry
      .recordPending({ mn, sourceIp: entry.sourceIp, sampleFrame: entry.sampleFrame, at: new Date(at), frames, valid: entry.valid })
      .catch((err) => this.log.error({ err }, 'pending-device record failed'));
  }
}
