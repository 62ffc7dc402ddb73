/**
 * Collector quirks a device's record accepts on purpose (README "Collectors as they really are"): how the gateway
 * parses before it knows the device, and which of the parse's tolerances the device then allows.
 *
 * The connection's framer and the first parse run before the MN is known, so both use the widest options
 * ({@link GATEWAY_FRAMING}, {@link GATEWAY_PARSING}): a frame whose length field lies is cut at its CR LF and
 * delivered when its CRC verifies, an MN with `_` / `-` parses. The parse result says what was tolerated
 * (`lengthOffset`, `HJ_WARN_MN_CHARSET`); {@link quirkRejection} holds it against the device's record, so a device
 * without the option is rejected exactly as a strict parse would have rejected the frame.
 */
import { lengthPolicyAccepts, type FramerOptions, type ParseOk, type ParseOptions } from '../../protocol/index.js';
import type { Device } from './device.js';

/** Framer options of a gateway connection (the device is not known yet). */
export const GATEWAY_FRAMING = { lengthPolicy: 'trust-crlf', allowCrCrLf: true } as const satisfies Partial<FramerOptions>;

/** Parse options of the gateway's first parse of a frame (the device is known only after it). */
export const GATEWAY_PARSING = { lengthPolicy: 'trust-crlf', allowCrCrLf: true, mnCharset: 'extended' } as const satisfies ParseOptions;

/** The verdict when the frame relies on a tolerance the device does not allow, else undefined. */
export function quirkRejection(parsed: ParseOk, device: Device): 'HJ_ERR_LENGTH' | 'HJ_ERR_MN' | undefined {
  if (parsed.lengthOffset !== undefined && !lengthPolicyAccepts(device.profile.lengthPolicy ?? 'exact', parsed.lengthOffset)) return 'HJ_ERR_LENGTH';
  if (device.mnCharset !== 'extended' && parsed.warnings.some((w) => w.code === 'HJ_WARN_MN_CHARSET')) return 'HJ_ERR_MN';
  return undefined;
}
