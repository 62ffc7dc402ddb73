/**
 * Uploads waiting for their 9014 (HJ212-2017 6.4, docs/protocol.md §4): if none arrives within OverTime the collector sends the
 * frames again, up to ReCount times, then gives up (a real collector keeps the data for a later re-pull). A 9011
 * with QnRtn ≠ 1 for the same QN is a rejection: retransmitting would not help, so it ends the wait.
 */
import type { SimStats } from './stats.js';

/** How an upload ended. `sent`: no answer was asked for (Flag A=0). */
export type Outcome = 'acked' | 'rejected' | 'timeout' | 'sent';

interface Entry {
  frames: Uint8Array;
  /** 9014s expected: one per sub-packet part (the gateway acks each part with the set's QN). */
  need: number;
  acks: number;
  attempts: number;
  sentAt: number;
  timer: NodeJS.Timeout | undefined;
  resolve(outcome: Outcome): void;
}

export interface PendingOptions {
  overTimeMs: number;
  reCount: number;
  stats: SimStats;
  /** Sends the frames again (plain write: faults are not re-applied). */
  resend(frames: Uint8Array): void;
}

export class PendingAcks {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly opts: PendingOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Waits for `need` acks of `qn`; `frames` (already written once) are what a retransmit sends. */
  wait(qn: string, frames: Uint8Array, need: number): Promise<Outcome> {
    // After stop nothing is retransmitted: an upload still being sent (e.g. a history answer) times out at once.
    if (this.closed) {
      this.opts.stats.counters.timeouts++;
      return Promise.resolve('timeout');
    }
    const previous = this.entries.get(qn);
    if (previous) this.finish(qn, previous, 'timeout');
    return new Promise((resolve) => {
      const entry: Entry = { frames, need, acks: 0, attempts: 1, sentAt: performance.now(), timer: undefined, resolve };
      this.entries.set(qn, entry);
      this.arm(qn, entry);
    });
  }

  private arm(qn: string, entry: Entry): void {
    entry.timer = setTimeout(() => {
      if (entry.attempts > this.opts.reCount) return this.finish(qn, entry, 'timeout');
      entry.attempts++;
      entry.acks = 0;
      entry.sentAt = performance.now();
      this.opts.stats.counters.retransmits++;
      this.opts.resend(entry.frames);
      this.arm(qn, entry);
    }, this.opts.overTimeMs);
  }

  /** A 9014 for `qn`; true when it belonged to a waiting upload. */
  ack(qn: string): boolean {
    const entry = this.entries.get(qn);
    if (!entry) return false;
    entry.acks++;
    if (entry.acks < entry.need) return true;
    // Karn's rule: a retransmitted upload's ack cannot be matched to one send, so it gives no latency sample.
    if (entry.attempts === 1) {
      const ms = performance.now() - entry.sentAt;
      this.opts.stats.latency.record(ms);
      if (entry.sentAt >= this.opts.stats.steadyFrom) this.opts.stats.steadyLatency.record(ms);
    }
    this.finish(qn, entry, 'acked');
    return true;
  }

  /** A 9011 for `qn`; true when it rejected a waiting upload. */
  reject(qn: string, qnRtn: string): boolean {
    const entry = this.entries.get(qn);
    if (!entry || qnRtn === '1') return false;
    this.opts.stats.reject(qnRtn);
    this.finish(qn, entry, 'rejected');
    return true;
  }

  private finish(qn: string, entry: Entry, outcome: Outcome): void {
    clearTimeout(entry.timer);
    this.entries.delete(qn);
    if (outcome === 'acked') this.opts.stats.counters.acked++;
    if (outcome === 'timeout') this.opts.stats.counters.timeouts++;
    entry.resolve(outcome);
  }

  /** Ends every wait and takes no new ones (stop): uploads still unacknowledged count as time-outs. */
  close(): void {
    this.closed = true;
    for (const [qn, entry] of [...this.entries]) this.finish(qn, entry, 'timeout');
  }
}
