/**
 * Simulated time. At speed 1 schedules follow the wall clock; at speed k simulated time runs k times faster; at
 * speed Infinity (virtual mode) waiting costs nothing and each collector moves on as soon as its acks arrive, so a
 * day of uploads takes as long as the gateway needs to take them.
 */
export interface SimClock {
  /** Simulated epoch ms now (in virtual mode: the start plus elapsed real time; collectors track their own). */
  now(): number;
  /** Resolves when simulated time reaches `simMs` (in virtual mode at the next turn of the event loop). */
  until(simMs: number): Promise<void>;
  readonly virtual: boolean;
  readonly startMs: number;
  /**
   * Simulated time is `startMs` again from now on: called once the fleet's connections are open, so that uploads
   * falling due while it was connecting (a --ramp of seconds) are not all sent at once when the schedules start.
   */
  begin(): void;
}

export function createSimClock(startMs: number, speed: number): SimClock {
  if (!(speed > 0)) throw new RangeError('speed must be > 0');
  let realStart = Date.now();
  const virtual = speed === Infinity;
  const now = (): number => startMs + (Date.now() - realStart) * (virtual ? 1 : speed);
  return {
    virtual,
    startMs,
    now,
    begin() {
      realStart = Date.now();
    },
    until(simMs) {
      if (virtual) return new Promise((resolve) => setImmediate(resolve));
      const delay = (simMs - now()) / speed;
      return new Promise((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)));
    },
  };
}
