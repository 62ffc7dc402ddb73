/**
 * `hj212 decode | encode | crc`: the codec on the command line. Output is JSON lines (decode), raw frame bytes
 * (encode) or text (crc) on stdout; problems with the invocation go to stderr with exit code 2.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  CRC_VARIANTS,
  MN_CHARSETS,
  computeCrc,
  isLengthPolicy,
  crcToHex,
  encodeFrames,
  encodeText,
  type CrcVariant,
  type Packet,
} from '../../protocol/index.js';
import { decodeJsonLine, lineFramer, toEncoding, type DecodeLine, type DecodeSettings } from './decode-lines.js';

const DECODE_USAGE = `usage: hj212 decode [file]            raw byte stream (stdin or a capture file): one JSON line per frame or error
       hj212 decode --jsonl [file]    JSON lines with "frame" or "frame_base64" (+ "id", "encoding"); each line a complete input
options: --strict  only the standard CRC, byte lengths, 14/24-char MNs, numbers in numeric fields (default lenient)
         --encoding utf-8|gbk  text encoding (default utf-8)   --max-data-length N  (default 1024)
         --length-policy exact|offset:<n>|trust-crlf  --mn-charset alnum|extended  collector quirks to accept (lenient)
`;
const ENCODE_USAGE = `usage: hj212 encode ['<json packet>']   packet {"qn","st","cn","pw","mn","flag","pnum","pno","cp":{...}} as argument or on stdin
       (an array encodes several packets); frame bytes on stdout, split into sub-packets when longer than the maximum
options: --crc hj212|modbus|modbus-swapped (default hj212)  --encoding utf-8|gbk  --max-data-length N (default 1024)
`;
const CRC_USAGE = `usage: hj212 crc [--encoding utf-8|gbk] <text>   (text from stdin when absent)
`;

/** A problem with the invocation: exit code 2 with the usage text. */
class UsageError extends Error {}
/** A problem with the input data: exit code 1. */
class InputError extends Error {}

/** Runs a command body: usage errors (ours and parseArgs') exit 2, input and encoding errors exit 1. */
async function guarded(usageText: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      process.stderr.write(`hj212: ${err.message}\n${usageText}`);
      return 2;
    }
    if (!(err instanceof InputError) && !(err instanceof RangeError)) throw err;
    process.stderr.write(`hj212: ${err.message}\n`);
    return 1;
  }
}

/** Prints a command's usage on stdout (for --help). */
function help(text: string): number {
  process.stdout.write(text);
  return 0;
}

function encodingOption(value: unknown): DecodeSettings['encoding'] {
  const encoding = toEncoding(value ?? 'utf-8');
  if (encoding === undefined) throw new UsageError(`unknown encoding ${String(value)}`);
  return encoding;
}

function maxOption(value: unknown): number {
  const max = Number(value ?? 1024);
  if (!Number.isInteger(max) || max < 0 || max > 9999) throw new UsageError('--max-data-length must be 0..9999');
  return max;
}

/** Writes text, waiting for the stream to drain when its buffer is full (backpressure). */
async function write(text: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

async function readAll(input: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function input(file: string | undefined): NodeJS.ReadableStream {
  return file === undefined || file === '-' ? process.stdin : createReadStream(file);
}

async function flush(lines: DecodeLine[]): Promise<void> {
  if (lines.length === 0) return;
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  lines.length = 0;
  await write(text);
}

/** `hj212 decode`: raw stream mode (framer over the bytes) or `--jsonl` corpus mode. */
export function decode(args: string[]): Promise<number> {
  return guarded(DECODE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        jsonl: { type: 'boolean' },
        strict: { type: 'boolean' },
        encoding: { type: 'string' },
        'max-data-length': { type: 'string' },
        'length-policy': { type: 'string' },
        'mn-charset': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return help(DECODE_USAGE);
    const lengthPolicy = values['length-policy'];
    if (lengthPolicy !== undefined && !isLengthPolicy(lengthPolicy)) throw new UsageError('--length-policy must be exact, offset:<n> (n from -99 to 99, not 0) or trust-crlf');
    const mnCharset = values['mn-charset'];
    if (mnCharset !== undefined && !MN_CHARSETS.includes(mnCharset as never)) throw new UsageError('--mn-charset must be alnum or extended');
    if (positionals.length > 1) throw new UsageError('at most one input file');
    const settings: DecodeSettings = {
      strict: values.strict === true,
      encoding: encodingOption(values.encoding),
      maxDataLength: maxOption(values['max-data-length']),
      lengthPolicy,
      mnCharset: mnCharset as DecodeSettings['mnCharset'],
    };
    const source = input(positionals[0]);
    if (values.jsonl === true) {
      const rl = createInterface({ input: source, crlfDelay: Infinity });
      for await (const line of rl) if (line.trim() !== '') await flush(decodeJsonLine(line, settings));
      return 0;
    }
    const lines: DecodeLine[] = [];
    const framer = lineFramer(settings, (offset) => ({ offset }), (line) => lines.push(line));
    for await (const chunk of source) {
      framer.push(chunk as Buffer);
      await flush(lines);
    }
    framer.end();
    await flush(lines);
    process.stderr.write(`hj212 decode: ${framer.discarded} byte(s) discarded\n`);
    return 0;
  });
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${what} must be an object`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw new InputError(`${what}.${k} must be a string`);
  return value as Record<string, string>;
}

/** Checks a JSON value is a Packet: string header fields, integer flag/pnum/pno, string maps as cp/extra. */
function toPacket(value: unknown): Packet {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('a packet must be an object');
  const packet = { cp: {} } as Packet;
  for (const [key, field] of Object.entries(value)) {
    if (key === 'qn' || key === 'st' || key === 'cn' || key === 'pw' || key === 'mn') {
      if (typeof field !== 'string') throw new InputError(`packet.${key} must be a string`);
      packet[key] = field;
    } else if (key === 'flag' || key === 'pnum' || key === 'pno') {
      if (!Number.isInteger(field)) throw new InputError(`packet.${key} must be an integer`);
      packet[key] = field as number;
    } else if (key === 'cp' || key === 'extra') packet[key] = stringMap(field, `packet.${key}`);
    else throw new InputError(`unknown packet field ${key}`);
  }
  if (typeof packet.cn !== 'string') throw new InputError('packet.cn must be a string');
  return packet;
}

/** `hj212 encode`: JSON packet(s) → frame bytes. */
export function encode(args: string[]): Promise<number> {
  return guarded(ENCODE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        crc: { type: 'string' },
        encoding: { type: 'string' },
        'max-data-length': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return help(ENCODE_USAGE);
    const crc = (values.crc ?? 'hj212') as CrcVariant;
    if (!CRC_VARIANTS.includes(crc)) throw new UsageError(`unknown CRC variant ${String(values.crc)}`);
    const opts = { crc, encoding: encodingOption(values.encoding), maxDataLength: maxOption(values['max-data-length']) };
    const text = positionals.length > 0 ? positionals.join(' ') : (await readAll(process.stdin)).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InputError(`packet is not JSON: ${(err as Error).message}`);
    }
    const packets = (Array.isArray(json) ? json : [json]).map(toPacket);
    for (const packet of packets) for (const frame of encodeFrames(packet, opts)) await write(frame);
    return 0;
  });
}

/** `hj212 crc`: the three CRC16 variants of a text's bytes. */
export function crc(args: string[]): Promise<number> {
  return guarded(CRC_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { encoding: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return help(CRC_USAGE);
    const encoding = encodingOption(values.encoding);
    const bytes = positionals.length > 0 ? encodeText(positionals.join(' '), encoding) : await readAll(process.stdin);
    const lines = CRC_VARIANTS.map((v) => `${v.padEnd(15)} ${crcToHex(computeCrc(v, bytes))}`);
    await write(`${lines.join('\n')}\n`);
    return 0;
  });
}
