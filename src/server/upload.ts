/**
 * Store-then-ack for uploads (HJ212-2017 6.4: the 9014 confirms receipt; we only send it once the readings are
 * durable in InfluxDB). A retransmit of a stored frame is re-acked without a second write; a retransmit that
 * arrives while the original is still being written waits for the same write.
 */
import { maskPasswordBytes, readCp, type CpData, type Packet } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';
import { SinkError } from '../domain/ports.js';
import { Deduper } from './deduper.js';
import type { GatewayDeps } from './gateway-deps.js';
import { LatestCoalescer } from './latest-coalescer.js';
import type { StorageLimits } from '../config.js';
import { FactorGate, checkDataTime, type FactorFilterResult, type LimitVerdict } from './upload-limits.js';

export type UploadOutcome =
  | { verdict: 'stored' | 'duplicate' }
  /** Stored and acked without some readings (factor limits); `detail` says which. */
  | { verdict: 'stored-partial'; detail: string }
  | { verdict: 'dead-letter'; reason: string }
  /** Not stored and not answered (InfluxDB writer closed, or a bug): the collector retransmits. */
  | { verdict: 'failed'; err: unknown }
  /** Refused by a limit before anything was written: answered 9011 with `qnRtn`. */
  | { verdict: LimitVerdict; reason: string; qnRtn: string };

const DUPLICATE: UploadOutcome = { verdict: 'duplicate' };
const STORED: UploadOutcome = { verdict: 'stored' };
const fateOf = (o: UploadOutcome): 'stored' | 'not-stored' => (o.verdict === 'stored' || o.verdict === 'stored-partial' ? 'stored' : 'not-stored');

export class UploadStore {
  private readonly latest: LatestCoalescer;
  readonly dedupe: Deduper;
  readonly factors: FactorGate;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly limits: StorageLimits,
  ) {
    this.dedupe = new Deduper(deps.dedupe, deps.logger);
    this.factors = new FactorGate(deps.factorBudget, limits, deps.metrics, deps.logger);
    this.latest = new LatestCoalescer(deps.latest, (err) => deps.logger.warn({ err }, 'latest-value update failed'), { intervalMs: limits.latestFlushMs });
  }

  /**
   * Store the upload; `done` gets its outcome once it is durable (or known to be a duplicate, dead-lettered, refused
   * by a limit, or failed). No promise on the common path: the sink's batch write is the one the frame waits on.
   */
  store(packet: Packet, kind: string, device: Device, receivedAt: number, raw: Uint8Array, done: (outcome: UploadOutcome) => void): void {
    // A retransmit that joins a refused or partial write gets the same outcome (handled by the caller).
    this.dedupe.run(device.mn, packet, raw, (stored) => this.storeOnce(packet, kind, device, receivedAt, raw, stored), fateOf, DUPLICATE, done);
  }

  /** Never throws: a thrown error becomes the `failed` outcome. */
  private storeOnce(packet: Packet, kind: string, device: Device, receivedAt: number, raw: Uint8Array, done: (outcome: UploadOutcome) => void): void {
    try {
      const cp = readCp(packet.cp, { timeZone: device.profile.timeZone });
      const outOfRange = checkDataTime(cp.dataTimeMs, receivedAt, this.limits);
      if (outOfRange) {
        this.deps.metrics.limited.inc({ limit: outOfRange.verdict });
        // HJ212-2017 table 9: QnRtn 2, request rejected.
        return done({ verdict: outOfRange.verdict, reason: outOfRange.detail, qnRtn: '2' });
      }
      const gate = this.factors.filter(device, cp.factors, receivedAt);
      // A promise only when the budget store was asked.
      if (!(gate instanceof Promise)) return this.write(packet, kind, device, receivedAt, raw, cp, gate, done);
      gate.then(
        (filtered) => this.write(packet, kind, device, receivedAt, raw, cp, filtered, done),
        (err: unknown) => done({ verdict: 'failed', err }),
      );
    } catch (err) {
      done({ verdict: 'failed', err });
    }
  }

  private write(packet: Packet, kind: string, device: Device, receivedAt: number, raw: Uint8Array, cp: CpData, filtered: FactorFilterResult, done: (outcome: UploadOutcome) => void): void {
    cp.factors = filtered.kept;
    const st = this.factors.stTag(device.mn, packet.st);
    const timeMs = cp.dataTimeMs ?? receivedAt;
    this.deps.sink.writeUpload({ kind, mn: device.mn, st, cn: packet.cn, timeMs, cp, wire: packet.cp }, (err) => {
      if (!err) {
        try {
          this.latest.hold(device.mn, kind, timeMs, cp.factors);
          this.deps.jobs.ingested([{ mn: device.mn, kind, timeMs }]);
        } catch (e) {
          // Durable already: the frame is acked whatever happened to its side effects.
          this.deps.logger.error({ err: e }, 'after-write side effects failed');
        }
        return done(filtered.detail === undefined ? STORED : { verdict: 'stored-partial', detail: filtered.detail });
      }
      if (!(err instanceof SinkError && err.permanent)) return done({ verdict: 'failed', err });
      this.deps.deadLetters
        // Masked (PW=***): dead letters are read by operators; the CRC of the stored copy no longer matches.
        .add({ raw: Buffer.from(maskPasswordBytes(raw)).toString('base64'), mn: device.mn, reason: err.message, at: receivedAt })
        .catch((e: unknown) => this.deps.logger.error({ err: e }, 'dead-letter record failed'))
        .then(() => done({ verdict: 'dead-letter', reason: err.message }));
    });
  }

  flush(): Promise<void> {
    return Promise.all([this.latest.flush(), this.dedupe.flush()]).then(() => undefined);
  }
}
