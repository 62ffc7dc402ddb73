/**
 * The raw archive's writer as it was before issue 13 (test-only reference): the recorder's entry (object spread,
 * masked copy by maskPasswordBytes as it was), the frame packer (frame-codec.ts at that time), the per-frame
 * `toEntry` and the script that took two arguments per entry. test/storage/archive-equivalence.int.test.ts stores the
 * same frames through this and through the current writer and compares the stream entries byte for byte;
 * benchmarks/archive-encode.bench.ts measures both. Not to be changed: it defines what the current writer must store.
 */
import { isAlnum } from '../../../protocol/char-codes.js';
import { indexOfByte, newBytes } from '../../../protocol/runtime.js';
import type { ArchivedFrame } from '../../../src/domain/ports.js';

// ---- frame-codec.ts (packFrame) as it was

const TOKENS = [
  '##0', 'QN=', ';ST=', ';CN=', ';PW=***', ';PW=', ';MN=', ';Flag=', ';PNUM=', ';PNO=', ';CP=&&', 'DataTime=', '&&',
  ';ST=21', ';ST=22', ';ST=31', ';ST=32', ';ST=91', ';CN=2011', ';CN=2031', ';CN=2041', ';CN=2051', ';CN=2061',
  ';Flag=0', ';Flag=1', ';Flag=4', ';Flag=5', ';Flag=9',
  '-Rtd=', '-Avg=', '-Min=', '-Max=', '-Cou=', '-Flag=N', '-Flag=', '-ZsRtd=', '-ZsAvg=', '-ZsMin=', '-ZsMax=',
  '-EFlag=', '-SampleTime=', '-Info=', '-RS=', '-RT=', '-Ala=', '-UpValue=', '-LowValue=', '-Data=', '-DayData=',
  '-NightData=', '-SN=', 'BeginTime=', 'EndTime=', 'RestartTime=', 'PolId=', 'SystemTime=', 'OverTime=', 'ReCount=',
  'RtdInterval=', 'MinInterval=', 'InfoId=', '\r\n',
  'a01', 'a05', 'a19', 'a20', 'a21', 'a22', 'a23', 'a24', 'a25', 'a26', 'a30', 'a31', 'a34', 'a99',
  'w00', 'w01', 'w02', 'w03', 'w19', 'w20', 'w21', 'w22', 'w23', 'w33',
  '00000000', '0000', '00', '202',
].map((t) => Buffer.from(t, 'latin1'));

const TOKEN_BASE = 0x80;
const REPEAT = 0xfd;
const ESCAPE = 0xfe;
const DASH = 0x2d;
const EQUALS = 0x3d;
const isSeparator = (b: number): boolean => b === 0x3b || b === 0x2c || b === 0x26; // ; , &

/** Token lists, each the token indexes that start with the same two bytes, longest first. */
const LISTS: number[][] = [];
/** Per first two bytes (first << 8 | second), the index of their list in LISTS plus one; 0: none. */
const BY_PREFIX = new Uint8Array(65536);
TOKENS.forEach((t, i) => {
  const key = ((t[0] as number) << 8) | (t[1] as number);
  if (BY_PREFIX[key] === 0) BY_PREFIX[key] = LISTS.push([]);
  (LISTS[(BY_PREFIX[key] as number) - 1] as number[]).push(i);
});
for (const list of LISTS) list.sort((a, b) => (TOKENS[b] as Buffer).length - (TOKENS[a] as Buffer).length);

/** The factor-code state both sides run over the plain bytes. */
class CodeState {
  segment = 0;
  code = -1;
  codeEnd = -1;
  private dash = false;
  private equals = false;

  /** Feed the plain byte `b` at position `at`. */
  step(b: number, at: number): void {
    if (isSeparator(b)) {
      this.segment = at + 1;
      this.dash = this.equals = false;
    } else if (b === EQUALS) {
      this.equals = true;
    } else if (b === DASH && !this.dash && !this.equals) {
      this.dash = true;
      if (at > this.segment) {
        this.code = this.segment;
        this.codeEnd = at;
      }
    }
  }
}

function startsWith(buf: Buffer, at: number, token: Buffer): boolean {
  if (at + token.length > buf.length) return false;
  for (let i = 0; i < token.length; i++) if (buf[at + i] !== token[i]) return false;
  return true;
}

/** `len` bytes of `buf` at `a` and at `b` are equal. */
function same(buf: Buffer, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Encode `plain`; the result is never longer than 2 × plain + 0. */
export function packFrame(plain: Buffer): Buffer {
  const out = Buffer.allocUnsafe(plain.length * 2);
  const state = new CodeState();
  let n = 0;
  let at = 0;
  while (at < plain.length) {
    const b = plain[at] as number;
    // The factor code again at the start of a segment, followed by its `-`.
    if (at === state.segment && state.code >= 0) {
      const len = state.codeEnd - state.code;
      if (at + len < plain.length && plain[at + len] === DASH && same(plain, state.code, at, len)) {
        out[n++] = REPEAT;
        at += len; // the code holds no separator, `=` or `-`: the state does not change
        continue;
      }
    }
    let token = -1;
    const list = at + 1 < plain.length ? (BY_PREFIX[(b << 8) | (plain[at + 1] as number)] as number) : 0;
    if (list > 0) {
      const candidates = LISTS[list - 1] as number[];
      for (let k = 0; k < candidates.length; k++) {
        if (startsWith(plain, at, TOKENS[candidates[k] as number] as Buffer)) {
          token = candidates[k] as number;
          break;
        }
      }
    }
    if (token >= 0) {
      out[n++] = TOKEN_BASE + token;
      const t = TOKENS[token] as Buffer;
      for (let i = 0; i < t.length; i++) state.step(t[i] as number, at + i);
      at += t.length;
      continue;
    }
    if (b >= 0x80) out[n++] = ESCAPE;
    out[n++] = b;
    state.step(b, at);
    at++;
  }
  return out.subarray(0, n);
}

// ---- archive.ts (entry and script) as it was

const SEP = '\x1f';
const FROM_RAW = '\x1d';
const clean = (v: string | undefined): string => (v === undefined ? '' : v.includes(SEP) || v.includes(FROM_RAW) ? v.replaceAll(SEP, ' ').replaceAll(FROM_RAW, ' ') : v);
/** The value of `name` in the raw frame's header (before `CP=`), e.g. MN=…; undefined when it has none. */
function headerValue(raw: Buffer, name: 'MN' | 'CN'): string | undefined {
  const end = raw.indexOf('CP=', 6, 'latin1');
  const limit = end < 0 ? raw.length : end;
  const at = raw.indexOf(`;${name}=`, 6, 'latin1');
  if (at < 0 || at >= limit) return undefined;
  const stop = raw.indexOf(';', at + 4);
  return stop < 0 || stop > limit ? undefined : raw.toString('latin1', at + 4, stop);
}

const fromRaw = (raw: Buffer, name: 'MN' | 'CN', value: string | undefined): string => (value && headerValue(raw, name) === value ? FROM_RAW : clean(value));

/** The entry's field name and value. */
export function toEntry(frame: ArchivedFrame): [string, Buffer] {
  const raw = Buffer.from(frame.raw.buffer, frame.raw.byteOffset, frame.raw.byteLength);
  const meta = [frame.receivedAt, clean(frame.sourceIp), clean(frame.verdict), fromRaw(raw, 'MN', frame.mn), fromRaw(raw, 'CN', frame.cn), clean(frame.code), frame.size ?? '', frame.repeats ?? '', ''].join(SEP);
  const packed = raw.length > 0 ? packFrame(raw) : raw;
  const smaller = packed.length < raw.length;
  return [smaller ? 'z' : 'e', Buffer.concat([Buffer.from(meta, 'utf8'), smaller ? packed : raw])];
}

export const APPEND_FRAMES_V1 = `
local function size(fields)
  local n = 0
  for j = 1, #fields do n = n + #fields[j] end
  return n
end
local added = 0
for i = 3, #ARGV - 1, 2 do
  redis.call('XADD', KEYS[1], '*', ARGV[i], ARGV[i + 1])
  added = added + #ARGV[i] + #ARGV[i + 1]
end
local maxLen = tonumber(ARGV[1])
local maxBytes = tonumber(ARGV[2])
local bytes = redis.call('INCRBY', KEYS[2], added)
local len = redis.call('XLEN', KEYS[1])
while len > 0 and (bytes > maxBytes or len > maxLen) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100)
  local ids = {}
  for _, e in ipairs(oldest) do
    if bytes <= maxBytes and len <= maxLen then break end
    ids[#ids + 1] = e[1]
    bytes = bytes - size(e[2])
    len = len - 1
  end
  if #ids == 0 then break end
  redis.call('XDEL', KEYS[1], unpack(ids))
end
if len == 0 or bytes < 0 then bytes = 0 end
redis.call('SET', KEYS[2], bytes)
return bytes
`;

// ---- protocol/mask.ts (maskPasswordBytes) as it was

/** The byte before `at` is absent or not an ASCII letter or digit (the `(^|[^A-Za-z0-9])` of PASSWORD). */
const boundary = (bytes: Uint8Array, at: number): boolean => at === 0 || !isAlnum(bytes[at - 1] as number);
/** `;` `,` `&` CR LF end a password value. */
const ends = (c: number): boolean => c === 0x3b || c === 0x2c || c === 0x26 || c === 0x0d || c === 0x0a;
const STARS = [0x2a, 0x2a, 0x2a];

/**
 * {@link maskPassword} over bytes, for frames kept as bytes (the raw archive): the same matches as the text version
 * over the bytes read as latin1, without building the text. Returns `bytes` itself when it holds no password.
 */
function maskPasswordBytes(bytes: Uint8Array): Uint8Array {
  // The `=` of every `pw=` (any letter case), found from its rare `W`/`w` with the runtime's byte search, in order.
  const equals: number[] = [];
  for (const w of [0x57, 0x77]) {
    for (let at = indexOfByte(bytes, w, 1); at >= 0 && at + 1 < bytes.length; at = indexOfByte(bytes, w, at + 1)) {
      if (bytes[at + 1] === 0x3d && ((bytes[at - 1] as number) | 0x20) === 0x70) equals.push(at + 1);
    }
  }
  if (equals.length > 1) equals.sort((x, y) => x - y);
  const cuts: number[] = [];
  let done = 0;
  for (const i of equals) {
    // Inside a value already masked (`PW=xPW=y` is one value), as the regular expression resumes after its match.
    if (i < done) continue;
    const key = i - 2;
    const newPw = key >= 3 && ((bytes[key - 3] as number) | 0x20) === 0x6e && ((bytes[key - 2] as number) | 0x20) === 0x65 && ((bytes[key - 1] as number) | 0x20) === 0x77;
    if (!boundary(bytes, key) && !(newPw && boundary(bytes, key - 3))) continue;
    let end = i + 1;
    while (end < bytes.length && !ends(bytes[end] as number)) end++;
    cuts.push(i + 1, end);
    done = end;
  }
  if (cuts.length === 0) return bytes;
  let length = bytes.length;
  for (let k = 0; k < cuts.length; k += 2) length += STARS.length - ((cuts[k + 1] as number) - (cuts[k] as number));
  const out = newBytes(length);
  let from = 0;
  let to = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    const start = cuts[k] as number;
    out.set(bytes.subarray(from, start), to);
    to += start - from;
    out.set(STARS, to);
    to += STARS.length;
    from = cuts[k + 1] as number;
  }
  out.set(bytes.subarray(from), to);
  return out;
}

// ---- archive-recorder.ts (the entry of one frame) as it was

/** The archive entry without its raw bytes. */
export type FrameMeta = Omit<ArchivedFrame, 'raw' | 'size' | 'repeats'>;
const NO_BYTES = new Uint8Array(0);

/** The ArchivedFrame the recorder pushed for `meta` and the received `raw` (before the repeat window logic). */
export function recorderEntry(meta: FrameMeta, raw: Uint8Array, limits: { maxRawBytes: number; junkRawBytes: number }): ArchivedFrame {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (meta.verdict === 'duplicate') return { ...meta, raw: NO_BYTES, size: bytes.length };
  const limit = meta.verdict.startsWith('HJ_ERR') ? limits.junkRawBytes : limits.maxRawBytes;
  const masked = maskPasswordBytes(bytes);
  const kept = masked === bytes ? new Uint8Array(bytes.subarray(0, limit)) : masked.subarray(0, limit);
  if (masked.length <= limit) return { ...meta, raw: kept };
  return { ...meta, raw: kept, size: bytes.length };
}

/** The arguments the old writer gave APPEND_FRAMES_V1 for `frames` (max entries, max bytes, then name, value pairs). */
export function appendArgs(frames: readonly ArchivedFrame[], maxLength: number, maxBytes: number): Array<string | number | Buffer> {
  const args: Array<string | number | Buffer> = [maxLength, maxBytes];
  for (const f of frames) args.push(...toEntry(f));
  return args;
}
