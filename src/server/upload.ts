/**
 * Store-then-ack for uploads (HJ212-2017 6.4: the 9014 confirms receipt; we only send it once the readings are
 * durable in InfluxDB). A retransmit of a stored frame is re-acked without a second write; a retransmit that
 * arrives while the original is still being written waits for the same write.
 */
import { readCp, type Packet } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';
import { SinkError } from '../domain/ports.js';
import { DedupeBatch } from './dedupe-batch.js';
import { dedupeKeys } from './dedupe-keys.js';
import type { GatewayDeps } from './gateway-deps.js';
import { mapUpload } from './points.js';
import { Batcher } from './batcher.js';
import type { LatestEntry } from '../domain/ports.js';

export type UploadOutcome = { verdict: 'stored' | 'duplicate' } | { verdict: 'dead-letter'; reason: string };

export class UploadStore {
  private readonly inflight = new Map<string, Promise<UploadOutcome>>();
  private readonly latest: Batcher<LatestEntry>;
  private readonly dedupe: DedupeBatch;

  constructor(private readonly deps: GatewayDeps) {
    this.dedupe = new DedupeBatch(deps.dedupe, deps.logger);
    this.latest = new Batcher(
      (entries) => deps.latest.update(entries),
      (err) => deps.logger.warn({ err }, 'latest-value update failed'),
    );
  }

  /** Resolves once the upload is durable (or known to be a duplicate, or dead-lettered). */
  store(packet: Packet, kind: string, device: Device, receivedAt: number, raw: Uint8Array): Promise<UploadOutcome> {
    const keys = dedupeKeys(device.mn, packet);
    const key = keys[0] ?? '';
    const running = this.inflight.get(key);
    if (running) return running.then((o) => (o.verdict === 'stored' ? { verdict: 'duplicate' } : o));
    const p = this.storeOnce(packet, kind, device, receivedAt, raw, keys).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async storeOnce(packet: Packet, kind: string, device: Device, receivedAt: number, raw: Uint8Array, keys: string[]): Promise<UploadOutcome> {
    if (await this.dedupe.seen(keys)) return { verdict: 'duplicate' };
    const cp = readCp(packet.cp, { timeZone: device.profile.timeZone });
    const mapped = mapUpload(packet, cp, kind, device.mn, receivedAt);
    try {
      await this.deps.sink.write(mapped.points);
    } catch (err) {
      if (err instanceof SinkError && err.permanent) {
        await this.deps.deadLetters
          .add({ raw: Buffer.from(raw).toString('base64'), mn: device.mn, reason: err.message, at: receivedAt })
          .catch((e) => this.deps.logger.error({ err: e }, 'dead-letter record failed'));
        return { verdict: 'dead-letter', reason: err.message };
      }
      throw err;
    }
    this.dedupe.remember(keys);
    for (const entry of mapped.latest) this.latest.push(entry);
    this.deps.jobs.ingested([mapped.event]);
    return { verdict: 'stored' };
  }

  flush(): Promise<void> {
    return Promise.all([this.latest.flush(), this.dedupe.flush()]).then(() => undefined);
  }
}
