/**
 * Sub-packet sets (HJ212-2017 6.3.3: Flag bit D, PNUM/PNO). Each part is a complete frame with its own CP, so the
 * gateway stores and acks every part as it arrives (a collector waits only OverTime, ~5 s, for each 9014); this
 * tracker reassembles the set per MN + QN + CN and reports sets that stay incomplete past the timeout.
 */
export interface IncompleteSet {
  mn: string;
  qn: string;
  cn: string;
  pnum: number;
  received: number[];
  missing: number[];
}

interface OpenSet {
  pnum: number;
  received: Set<number>;
  startedAt: number;
}

export class SubpacketTracker {
  private readonly open = new Map<string, OpenSet>();

  constructor(private readonly timeoutMs: number) {}

  /** Record one part; returns true when the set just became complete. */
  add(mn: string, qn: string, cn: string, pnum: number, pno: number, now: number): boolean {
    const key = `${mn}\u0000${qn}\u0000${cn}`;
    let set = this.open.get(key);
    if (!set) {
      set = { pnum, received: new Set(), startedAt: now };
      this.open.set(key, set);
    }
    set.received.add(pno);
    if (set.received.size >= set.pnum) {
      this.open.delete(key);
      return true;
    }
    return false;
  }

  /** Sets older than the timeout, removed from tracking. */
  expire(now: number): IncompleteSet[] {
    const out: IncompleteSet[] = [];
    for (const [key, set] of this.open) {
      if (now - set.startedAt < this.timeoutMs) continue;
      this.open.delete(key);
      const [mn = '', qn = '', cn = ''] = key.split('\u0000');
      const missing: number[] = [];
      for (let p = 1; p <= set.pnum; p++) if (!set.received.has(p)) missing.push(p);
      out.push({ mn, qn, cn, pnum: set.pnum, received: [...set.received].sort((a, b) => a - b), missing });
    }
    return out;
  }

  get size(): number {
    return this.open.size;
  }
}
