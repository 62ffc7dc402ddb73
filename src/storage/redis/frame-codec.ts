/**
 * A compact, lossless encoding of archived frame bytes for the Redis archive: the HJ212 vocabulary (`;CN=`, `-Rtd=`,
 * `-Flag=N`, `;CP=&&DataTime=` ...) as one byte each, and a factor code written again right after a separator (the
 * `w01018` of `w01018-Rtd=1,w01018-Flag=N`, HJ212-2017 6.3.3) as one byte. A realtime frame of 6 factors shrinks by
 * about 40 % for about a microsecond; any bytes round-trip (junk included).
 *
 * Encoded bytes: 0x00–0x7F themselves; 0x80 + i the i-th entry of {@link TOKENS}; {@link REPEAT} the current factor
 * code; {@link ESCAPE} followed by a byte 0x80–0xFF itself. The factor code is the text from the start of a segment
 * (after `;`, `,` or `&`) to its first `-`, when no `=` comes before that `-`.
 *
 * TOKENS is part of the stored format: entries may be appended (up to 125), never changed, removed or reordered.
 */
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

/** Decode what {@link packFrame} wrote. */
export function unpackFrame(packed: Buffer): Buffer {
  let out = Buffer.allocUnsafe(Math.max(64, packed.length * 4));
  let n = 0;
  const state = new CodeState();
  const put = (b: number): void => {
    if (n === out.length) {
      const bigger = Buffer.allocUnsafe(out.length * 2);
      out.copy(bigger);
      out = bigger;
    }
    out[n] = b;
    state.step(b, n);
    n++;
  };
  for (let i = 0; i < packed.length; i++) {
    const b = packed[i] as number;
    if (b === REPEAT && state.code >= 0) {
      // Copied byte by byte: `out` may grow meanwhile, and the code holds no byte that changes the state.
      for (let j = state.code, end = state.codeEnd; j < end; j++) put(out[j] as number);
    } else if (b === ESCAPE && i + 1 < packed.length) {
      put(packed[++i] as number);
    } else if (b >= TOKEN_BASE && b - TOKEN_BASE < TOKENS.length) {
      for (const c of TOKENS[b - TOKEN_BASE] as Buffer) put(c);
    } else {
      put(b);
    }
  }
  return out.subarray(0, n);
}
