#!/usr/bin/env node
/**
 * Full fuzz run of the codec (issue 8; test/protocol/fuzz.test.ts is the bounded fast-check version that runs in
 * `npm test`). Pushes N inputs (default 10,000,000) through one long-lived createFramer → parseFrame → readCp:
 * random bytes, bytes biased to `#` digits CR LF, the valid corpus frames, and mutants of them (byte replaced,
 * inserted, deleted, truncated; half of the segment mutants re-framed with a correct length and CRC so that the
 * header and CP parsers see them, not just the CRC check). Inputs come in bursts; every burst is followed by two
 * copies of a good frame and the second copy must be delivered (the first may be swallowed by a truncated frame
 * whose length lands exactly on its end: the resync rule of the corpus). Each input is also given to parseFrame
 * whole. Fails (exit 1) when an exception escapes, a sentinel frame is lost, the framer buffers more than one
 * maximum frame, or the heap after a forced GC grows beyond the bound.
 *
 *   npx tsc -p tsconfig.json && node scripts/fuzz-protocol.mjs [--n 10000000] [--seed 1] [--heap-mb 32]
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFramer, crc16, crcToHex, parseFrame, readCp } from '../dist/protocol/index.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const N = arg('n', 10_000_000);
const SEED = arg('seed', 1);
/** Allowed heap growth after a forced GC over the first sample, in MB. */
const HEAP_MB = arg('heap-mb', 32);
const SAMPLE_EVERY = 250_000;
const MAX_DATA = 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** mulberry32: a small seeded PRNG, so a failure is reproducible with its --seed. */
let state = SEED >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(random() * n);

const corpus = readFileSync(new URL('../fixtures/corpus/packets.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line))
  .filter((e) => e.expect === 'ok' && e.stream !== true && (e.encoding ?? 'utf-8') === 'utf-8');
const FRAMES = corpus.map((e) => (e.frame_base64 === undefined ? Buffer.from(e.frame, 'utf8') : Buffer.from(e.frame_base64, 'base64')));
if (FRAMES.length === 0) throw new Error('no valid corpus frames');

const HOSTILE = [0x23, 0x30, 0x31, 0x0d, 0x0a, 0x26, 0x3b, 0x3d, 0x2c, 0xe4];

function randomBytes(hostile) {
  const b = Buffer.allocUnsafe(int(200));
  for (let i = 0; i < b.length; i++) b[i] = hostile && random() < 0.7 ? HOSTILE[int(HOSTILE.length)] : int(256);
  return b;
}

/** 1–3 random edits: replace, insert or delete a byte, or truncate. */
function mutate(bytes) {
  let b = bytes;
  for (let k = 1 + int(3); k > 0 && b.length > 0; k--) {
    const at = int(b.length);
    const byte = random() < 0.5 ? HOSTILE[int(HOSTILE.length)] : int(256);
    switch (int(4)) {
      case 0:
        b = Buffer.from(b);
        b[at] = byte;
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.of(byte), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        break;
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}

/** A frame with a correct length and CRC around any data segment. */
function frameOf(seg) {
  return Buffer.concat([Buffer.from(`##${String(seg.length).padStart(4, '0')}`), seg, Buffer.from(`${crcToHex(crc16(seg))}\r\n`)]);
}

function input() {
  const frame = FRAMES[int(FRAMES.length)];
  switch (int(6)) {
    case 0:
      return randomBytes(false);
    case 1:
      return randomBytes(true);
    case 2:
      return frame;
    case 3:
      return mutate(frame);
    default:
      return frameOf(mutate(frame.subarray(6, frame.length - 6)));
  }
}

const stats = { inputs: 0, bursts: 0, frames: 0, parsedOk: 0, firstSentinelLost: 0, framerErrors: {}, parseErrors: {} };
let strict = false;
let sentinel = FRAMES[0];
let sentinelSeen = 0;

function decode(bytes) {
  const r = parseFrame(bytes, { strict, maxDataLength: MAX_DATA });
  if (r.ok) {
    stats.parsedOk++;
    readCp(r.packet.cp);
  } else stats.parseErrors[r.code] = (stats.parseErrors[r.code] ?? 0) + 1;
}

const framer = createFramer({
  maxDataLength: MAX_DATA,
  onFrame(frame) {
    stats.frames++;
    if (frame.length === sentinel.length && Buffer.from(frame.buffer, frame.byteOffset, frame.length).equals(sentinel)) sentinelSeen++;
    decode(frame);
  },
  onError(e) {
    stats.framerErrors[e.code] = (stats.framerErrors[e.code] ?? 0) + 1;
  },
});

/** Pushes bytes cut into 1–3 random chunks, checking the memory bound after each. */
function push(bytes) {
  let at = 0;
  while (at < bytes.length) {
    const next = random() < 0.5 ? bytes.length : at + 1 + int(bytes.length - at);
    framer.push(bytes.subarray(at, next));
    at = next;
    if (framer.buffered > MAX_DATA + 12) fail(`framer buffers ${framer.buffered} bytes`);
  }
}

function fail(message, bytes) {
  console.error(`FAIL after ${stats.inputs} inputs (seed ${SEED}): ${message}`);
  if (bytes) console.error(`input (base64): ${Buffer.from(bytes).toString('base64')}`);
  console.error(JSON.stringify(stats));
  process.exit(1);
}

const started = process.hrtime.bigint();
let heapBase = -1;
let heapMax = 0;
function sampleHeap() {
  gc();
  const used = process.memoryUsage().heapUsed;
  if (heapBase < 0) heapBase = used;
  heapMax = Math.max(heapMax, used);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${stats.inputs.toLocaleString('en-US')} inputs, ${seconds.toFixed(0)} s, heap ${(used / 1e6).toFixed(1)} MB`);
  if (used - heapBase > HEAP_MB * 1e6) fail(`heap grew from ${(heapBase / 1e6).toFixed(1)} to ${(used / 1e6).toFixed(1)} MB`);
}

let nextSample = 0;
while (stats.inputs < N) {
  strict = random() < 0.25;
  for (let k = 1 + int(8); k > 0 && stats.inputs < N; k--) {
    const bytes = input();
    stats.inputs++;
    try {
      decode(bytes);
      push(bytes);
    } catch (err) {
      fail(`exception ${err instanceof Error ? err.stack : String(err)}`, bytes);
    }
  }
  sentinel = FRAMES[int(FRAMES.length)];
  sentinelSeen = 0;
  push(sentinel);
  const afterFirst = sentinelSeen;
  push(sentinel);
  if (sentinelSeen === afterFirst) fail('the good frame after a garbage burst was not delivered');
  if (afterFirst === 0) stats.firstSentinelLost++;
  stats.bursts++;
  if (stats.inputs >= nextSample) {
    sampleHeap();
    nextSample += SAMPLE_EVERY;
  }
}
framer.end();
sampleHeap();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    ...stats,
    seed: SEED,
    seconds: Math.round(seconds),
    inputsPerSecond: Math.round(stats.inputs / seconds),
    heapMB: { first: +(heapBase / 1e6).toFixed(1), max: +(heapMax / 1e6).toFixed(1) },
  }),
);
console.log(`ok: ${stats.inputs.toLocaleString('en-US')} inputs, no exception, every post-burst frame found, heap bounded`);
