/**
 * Sub-packet sets (HJ212-2017 6.3.3: Flag bit D, PNUM/PNO). Each part is a complete frame with its own CP, so the
 * gateway stores and acks every part as it arrives (a collector waits only OverTime, ~5 s, for each 9014); this
 * tracker reassembles the set per MN + QN + CN and reports sets that stay incomplete past the timeout.
 *
 * Bounded (issue 11 finding 5): a set announcing more than `maxPnum` parts is not tracked (its parts are still
 * stored); at most `maxSetsPerMn` sets per MN are open, opening one more closes the oldest as incomplete; missing
 * parts are reported as ranges (`2-9999`), never as a list of every number.
 */
export interface IncompleteSet {
  mn: string;
  qn: string;
  cn: string;
  pnum: number;
  /** Parts received. */
  received: number;
  /** Missing part numbers as ranges, e.g. `2-5,7,9-9999` (at most {@link MAX_RANGES} ranges, then `…`). */
  missing: string;
  /** Closed early because the MN opened more than `maxSetsPerMn` sets. */
  evicted?: boolean;
}

interface OpenSet {
  mn: string;
  qn: string;
  cn: string;
  pnum: number;
  received: Set<number>;
  startedAt: number;
}

export interface SubpacketLimits {
  timeoutMs: number;
  maxPnum: number;
  maxSetsPerMn: number;
}

/** Ranges shown of a missing list; the rest is summarised by its count. */
const MAX_RANGES = 20;

/** `missing` part numbers of 1..pnum as ranges: `2-5,7,9-12`. */
export function missingRanges(pnum: number, received: ReadonlySet<number>): string {
  const ranges: string[] = [];
  let more = 0;
  let p = 1;
  while (p <= pnum) {
    if (received.has(p)) {
      p++;
      continue;
    }
    const start = p;
    while (p + 1 <= pnum && !received.has(p + 1)) p++;
    if (ranges.length < MAX_RANGES) ranges.push(start === p ? `${start}` : `${start}-${p}`);
    else more++;
    p++;
  }
  return more > 0 ? `${ranges.join(',')},… (${more} more ranges)` : ranges.join(',');
}

export class SubpacketTracker {
  private readonly open = new Map<string, OpenSet>();
  /** Open set keys per MN, oldest first. */
  private readonly byMn = new Map<string, string[]>();
  private readonly evicted: IncompleteSet[] = [];

  constructor(private readonly limits: SubpacketLimits) {}

  /**
   * Record one part; returns 'complete' when the set just became complete, 'untracked' when the set is not tracked
   * (PNUM over the limit, or a PNO outside 1..PNUM), otherwise 'open'.
   */
  add(mn: string, qn: string, cn: string, pnum: number, pno: number, now: number): 'open' | 'complete' | 'untracked' {
    if (pnum > this.limits.maxPnum || pno < 1 || pno > pnum) return 'untracked';
    const key = `${mn}\u0000${qn}\u0000${cn}`;
    let set = this.open.get(key);
    if (!set) {
      const keys = this.byMn.get(mn) ?? [];
      while (keys.length >= this.limits.maxSetsPerMn) {
        const oldest = this.open.get(keys.shift() as string);
        if (oldest) this.evicted.push({ ...report(oldest), evicted: true });
        if (oldest) this.open.delete(keyOf(oldest));
      }
      set = { mn, qn, cn, pnum, received: new Set(), startedAt: now };
      this.open.set(key, set);
      keys.push(key);
      this.byMn.set(mn, keys);
    }
    set.received.add(pno);
    if (set.received.size >= set.pnum) {
      this.remove(key, set);
      return 'complete';
    }
    return 'open';
  }

  /** Sets older than the timeout or evicted by the per-MN limit, removed from tracking. */
  expire(now: number): IncompleteSet[] {
    const out = this.evicted.splice(0);
    for (const [key, set] of this.open) {
      if (now - set.startedAt < this.limits.timeoutMs) continue;
      this.remove(key, set);
      out.push(report(set));
    }
    return out;
  }

  get size(): number {
    return this.open.size;
  }

  private remove(key: string, set: OpenSet): void {
    this.open.delete(key);
    const keys = this.byMn.get(set.mn);
    if (!keys) return;
    const i = keys.indexOf(key);
    if (i >= 0) keys.splice(i, 1);
    if (keys.length === 0) this.byMn.delete(set.mn);
  }
}

function keyOf(set: OpenSet): string {
  return `${set.mn}\u0000${set.qn}\u0000${set.cn}`;
}

function report(set: OpenSet): IncompleteSet {
  return { mn: set.mn, qn: set.qn, cn: set.cn, pnum: set.pnum, received: set.received.size, missing: missingRanges(set.pnum, set.received) };
}
