/**
 * One collector's recent frames for the deduper (deduper.ts): the frames being stored, each with the retransmits
 * waiting for it, and the last {@link RECENT_FRAMES} stored. Identities are kept as numbers in slots reused from
 * frame to frame, not as key strings in a Map: at 5,000 collectors × 1 frame/s every frame's key string (a tree of
 * concatenated strings) and the Map's rebuilt tables lived a minute, long enough to be copied by every young-generation
 * collection and then promoted, and the gateway's CPU per frame there was ~10 % higher (benchmarks/README.md).
 */
import type { Identity } from './frame-identity.js';

/** Stored frames per collector answered from memory. */
export const RECENT_FRAMES = 64;

/** Callbacks of retransmits waiting for a frame being stored. */
export type Joiners = Array<(outcome: unknown) => void>;

/** Per slot in {@link RecentFrames.numbers}: DataTime mark (NaN when none), PNO (-1 when none), fingerprint, age. */
const MARK = 0;
const PNO = 1;
const FINGERPRINT = 2;
const AGE = 3;
const FIELDS = 4;

export class RecentFrames {
  private numbers: Float64Array;
  /** CN of each slot (interned by the decoder: the same string every frame); undefined: the slot is free. */
  private streams: Array<string | undefined>;
  /** DataTime text of a slot whose DataTime is no time ('' when absent), else undefined. */
  private times: Array<string | undefined>;
  private states: Array<Joiners | true | undefined>;
  private age = 0;

  constructor(slots = 8) {
    this.numbers = new Float64Array(slots * FIELDS);
    this.streams = new Array<string | undefined>(slots).fill(undefined);
    this.times = new Array<string | undefined>(slots).fill(undefined);
    this.states = new Array<Joiners | true | undefined>(slots).fill(undefined);
  }

  /** Slot of the frame with this identity, or -1. */
  find(id: Identity): number {
    const n = this.numbers;
    const mark = id.mark ?? Number.NaN;
    for (let slot = 0; slot < this.streams.length; slot++) {
      const at = slot * FIELDS;
      if (n[at + FINGERPRINT] !== id.fingerprint || this.streams[slot] !== id.stream || n[at + PNO] !== id.pno) continue;
      const m = n[at + MARK] as number;
      if (m === mark || (m !== m && mark !== mark && this.times[slot] === id.time)) return slot;
    }
    return -1;
  }

  /** What the slot holds: the retransmits waiting for a frame being stored, or true for a stored frame. */
  state(slot: number): Joiners | true | undefined {
    return this.states[slot];
  }

  /**
   * Take a slot for a frame being stored: a free one; else, below {@link RECENT_FRAMES} slots, a new one; else the
   * slot of the least recently stored frame. Frames being stored are never pushed out: when every slot holds one, the
   * slots double (bounded by the frames a collector can have in flight: the per-connection cap).
   */
  add(id: Identity, joiners: Joiners): number {
    let oldest = -1;
    let oldestAge = Number.POSITIVE_INFINITY;
    let slot = -1;
    for (let s = 0; s < this.states.length && slot < 0; s++) {
      const state = this.states[s];
      if (state === undefined) slot = s;
      else if (state === true && (this.numbers[s * FIELDS + AGE] as number) < oldestAge) {
        oldestAge = this.numbers[s * FIELDS + AGE] as number;
        oldest = s;
      }
    }
    if (slot < 0) slot = this.states.length < RECENT_FRAMES || oldest < 0 ? this.grow() : oldest;
    this.set(slot, id, joiners);
    return slot;
  }

  /** The frame in `slot` was stored (`stored`: remembered) or not (forgotten), unless the slot moved on. */
  settle(slot: number, joiners: Joiners, stored: boolean): void {
    if (this.states[slot] !== joiners) return;
    if (!stored) {
      this.states[slot] = undefined;
      this.streams[slot] = undefined;
      this.times[slot] = undefined;
      return;
    }
    this.states[slot] = true;
    this.numbers[slot * FIELDS + AGE] = ++this.age;
  }

  private set(slot: number, id: Identity, state: Joiners): void {
    const at = slot * FIELDS;
    this.numbers[at + MARK] = id.mark ?? Number.NaN;
    this.numbers[at + PNO] = id.pno;
    this.numbers[at + FINGERPRINT] = id.fingerprint;
    this.numbers[at + AGE] = ++this.age;
    this.streams[slot] = id.stream;
    this.times[slot] = id.time;
    this.states[slot] = state;
  }

  /** Twice the slots; returns the first new one. */
  private grow(): number {
    const slots = this.streams.length;
    const numbers = new Float64Array(slots * 2 * FIELDS);
    numbers.set(this.numbers);
    this.numbers = numbers;
    for (let s = slots; s < slots * 2; s++) {
      this.streams.push(undefined);
      this.times.push(undefined);
      this.states.push(undefined);
    }
    return slots;
  }
}
