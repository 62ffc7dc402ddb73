/** What the per-frame logic needs to know about, and do to, the connection a frame came from. */
import type { CrcVariant, TextEncoding, Version } from '../../protocol/index.js';
import type { Device } from '../domain/device.js';

export interface ConnectionContext {
  readonly id: string;
  readonly remoteIp: string;
  /** Device this connection authenticated as, once it has. */
  device?: Device;
  /** CRC variant and encoding of the collector's last good frame: replies use the same. */
  crc: CrcVariant;
  encoding: TextEncoding;
  send(bytes: Uint8Array): void;
  close(reason: string): void;
  /** Password the collector last authenticated with; host requests on this connection carry it (HJ212-2017 6.3.1). */
  lastPassword?: string;
  /** System code (ST) and edition of the collector's last good frame; host requests reuse them. */
  lastSt?: string;
  version?: Version;
  /** Frames accepted for storage and not yet answered (counted by uploadStarted / uploadSettled). */
  readonly inflight: number;
  /** An upload was handed to the store: it counts against HJ212_MAX_INFLIGHT_PER_CONNECTION until settled. */
  uploadStarted(): void;
  /** The upload was answered (or failed): reading resumes if it was paused for it. */
  uploadSettled(): void;
  /**
   * Charge one framing error or rejected frame to the connection's error budget (HJ212_CONN_MAX_ERRORS per
   * HJ212_CONN_ERROR_WINDOW_MS). False when the connection is closed (now or before): the caller then does nothing
   * more for this frame (no log, no archive, no Redis).
   */
  charge(): boolean;
  /** A frame was admitted: the connection is not idle (idle = no valid frame, not no bytes). */
  alive(): void;
  /** False once the collector ended its side or the gateway closed it. */
  readonly open: boolean;
}
