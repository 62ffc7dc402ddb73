/**
 * Node's Buffer fast paths, found by feature detection (the codec imports nothing and runs without them): each is
 * used only when the runtime has it and it reads any Uint8Array as the portable fallback would.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
type ByteIndexOf = (this: Uint8Array, byte: number, from: number) => number;

const nodeBuffer = (globalThis as { Buffer?: { prototype: { latin1Slice?: unknown; indexOf?: unknown } } }).Buffer?.prototype;

/** `candidate` when it is a latin1 decoder that reads any Uint8Array (as Node's `Buffer.prototype.latin1Slice`). */
export function latin1Decoder(candidate: unknown): Latin1Slice | undefined {
  if (typeof candidate !== 'function') return undefined;
  try {
    return (candidate as Latin1Slice).call(new Uint8Array([0x41, 0x7a, 0xe9]), 0, 3) === 'Az\u00e9' ? (candidate as Latin1Slice) : undefined;
  } catch {
    return undefined;
  }
}

/** `candidate` when it finds a byte in any Uint8Array from an offset (as Node's `Buffer.prototype.indexOf`). */
export function byteSearch(candidate: unknown): ByteIndexOf | undefined {
  if (typeof candidate !== 'function') return undefined;
  try {
    const f = candidate as ByteIndexOf;
    const bytes = new Uint8Array([0x23, 0x0d, 0x23, 0x0d]);
    return f.call(bytes, 0x0d, 2) === 3 && f.call(bytes, 0x0a, 0) === -1 ? f : undefined;
  } catch {
    return undefined;
  }
}

/** `candidate` when it returns a Uint8Array of the asked length (as Node's `Buffer.allocUnsafe`). */
export function byteAllocator(candidate: unknown): ((size: number) => Uint8Array) | undefined {
  if (typeof candidate !== 'function') return undefined;
  try {
    const bytes = (candidate as (size: number) => unknown)(3);
    return bytes instanceof Uint8Array && bytes.length === 3 ? (candidate as (size: number) => Uint8Array) : undefined;
  } catch {
    return undefined;
  }
}

const latin1Slice = latin1Decoder(nodeBuffer?.latin1Slice);
const allocUnsafe = byteAllocator((globalThis as { Buffer?: { allocUnsafe?: unknown } }).Buffer?.allocUnsafe);
const bufferIndexOf = byteSearch(nodeBuffer?.indexOf);

/** The text of 7-bit ASCII bytes `bytes[start, end)` (latin1 reads it as every decoder does), or undefined without Node. */
export function latin1Text(bytes: Uint8Array, start: number, end: number): string | undefined {
  return latin1Slice?.call(bytes, start, end);
}

/**
 * Index of the first `byte` in `d` at or after `from`, or -1. Node's Buffer search (memchr) where there is one: the
 * typed array's own indexOf is an element loop, ~100 against ~14 ns to a byte 300 positions on.
 */
export function indexOfByte(d: Uint8Array, byte: number, from: number): number {
  return bufferIndexOf !== undefined ? bufferIndexOf.call(d, byte, from) : d.indexOf(byte, from);
}

/**
 * `size` bytes whose content the caller overwrites entirely: Node's pooled, uninitialised allocation where there is
 * one (a zero-filled Uint8Array of a few hundred bytes costs ~3x as much), else a Uint8Array.
 */
export function newBytes(size: number): Uint8Array {
  return allocUnsafe !== undefined ? allocUnsafe(size) : new Uint8Array(size);
}
