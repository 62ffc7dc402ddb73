/**
 * The framer's public surface (HJ212-2017 6.1, docs/protocol.md §1): what it is given, what it delivers and how it
 * reports a bad candidate. The stream-cutting logic is in framer.ts.
 */
import type { HjErrorCode } from './errors.js';
import type { LengthPolicy } from './quirks.js';
import type { TextEncoding } from './types.js';

/** What the framer knows about a frame it delivers. */
export interface FrameMeta {
  /** The length field counts characters, not bytes (accepted because `allowCharLength` is on and the CRC verified). */
  charLength: boolean;
  /** Offset of the frame's first byte in the whole stream. */
  offset: number;
  /** Present (true) when the frame ends CRC + CR CR LF (`allowCrCrLf`). */
  crCrLf?: true;
  /** Present when `lengthPolicy` accepted a length field that disagrees: length field minus data bytes. */
  lengthOffset?: number;
}

/** A bad candidate frame: `##` found, but what follows is not a frame. */
export interface FramerError {
  code: HjErrorCode;
  message: string;
  /** The candidate's bytes: a view valid only during the callback (copy with `slice()` to keep). */
  bytes: Uint8Array;
  /** Offset of the candidate's first byte in the whole stream. */
  offset: number;
}

export interface FramerOptions {
  /**
   * Called for each complete frame (`##` … CR LF). `frame` is a view into the pushed chunk or the framer's buffer,
   * valid only during the callback: copy it (`frame.slice()`) to keep it. Must not call `push`/`end`.
   */
  onFrame(frame: Uint8Array, meta: FrameMeta): void;
  /** Called for each bad candidate frame (too long, bad length digits, bad trailer). Default: ignore. */
  onError?(error: FramerError): void;
  /** Maximum data segment in bytes. Default 1024 (HJ212-2017 6.1); at most 9999 (4 digits). */
  maxDataLength?: number;
  /**
   * When the frame does not end where the length says, accept a length that counts characters of the text (devices
   * that write `string.Length`), provided the CRC still verifies (docs/protocol.md §1). Default true.
   */
  allowCharLength?: boolean;
  /** Encoding used to count characters for `allowCharLength`. Default 'utf-8'. */
  encoding?: TextEncoding;
  /** Deliver a frame ending CRC + CR CR LF (captures logged on Windows); the parser warns or rejects. Default true. */
  allowCrCrLf?: boolean;
  /**
   * Deliver a frame whose length field this policy explains (see {@link LengthPolicy}) when its CRC verifies; the
   * parser, given the device's policy, accepts or rejects it. Default 'exact'.
   */
  lengthPolicy?: LengthPolicy;
}

export interface Framer {
  /** Feeds bytes; calls `onFrame`/`onError` synchronously for everything now decidable. */
  push(chunk: Uint8Array): void;
  /** End of input: an unfinished candidate is reported as an error, remaining bytes are resynced/discarded. */
  end(): void;
  /** Bytes so far not delivered in any frame (junk, bad candidates). */
  readonly discarded: number;
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
}
