/**
 * The range of a data-segment limit (`maxDataLength` of a device profile, `HJ212_MAX_DATA_LENGTH`), the same for the
 * CLI (`--max-data-length`), the API (`profile.maxDataLength`) and the environment.
 * - At most 9999: the length field has four decimal digits (HJ212-2017 6.3.1, docs/protocol.md §1), so no frame can
 *   announce a longer data segment; the gateway's framer cuts nothing longer either (protocol/framer.ts).
 * - At least 64: no upload fits in less (QN, ST, CN, PW, a 14- or 24-character MN, Flag and an empty CP alone take
 *   about 70 bytes), so a smaller limit would refuse every frame of the device; it is a typo, not a policy.
 * The standard's own limit is 1024 (HJ212-2017 6.1, docs/protocol.md §1), the default.
 */
export const MIN_DATA_LENGTH = 64;
export const MAX_DATA_LENGTH = 9999;
