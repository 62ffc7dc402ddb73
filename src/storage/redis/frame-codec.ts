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

/** Per byte: {@link LITERAL} (starts no token, changes no factor-code state, below 0x80) or flags. */
const KIND = new Uint8Array(256);
const LITERAL = 0;
const STARTS_TOKEN = 1;
const OTHER = 2;
for (let b = 0x80; b < 256; b++) KIND[b] = OTHER;
for (const b of [0x3b, 0x2c, 0x26, EQUALS, DASH]) KIND[b] = OTHER;
for (const t of TOKENS) KIND[t[0] as number] = (KIND[t[0] as number] as number) | STARTS_TOKEN;

/** All tokens' bytes back to back; token i is TOKEN_BYTES[TOKEN_FROM[i], TOKEN_FROM[i + 1]). */
const TOKEN_BYTES = new Uint8Array(Buffer.concat(TOKENS));
const TOKEN_FROM = new Uint16Array(TOKENS.length + 1);
TOKENS.forEach((t, i) => (TOKEN_FROM[i + 1] = (TOKEN_FROM[i] as number) + t.length));
/**
 * Each list split by the third byte (256: there is none), longest first: list l with third byte c is
 * CANDIDATES[SUB_FROM[l * 257 + c], SUB_TO[l * 257 + c]), its tokens of two bytes and those whose third byte is c.
 */
const CANDIDATES: number[] = [];
const SUB_FROM = new Uint16Array(LISTS.length * 257);
const SUB_TO = new Uint16Array(LISTS.length * 257);
LISTS.forEach((list, l) => {
  for (let c = 0; c <= 256; c++) {
    SUB_FROM[l * 257 + c] = CANDIDATES.length;
    for (const t of list) if ((TOKENS[t] as Buffer).length === 2 || TOKENS[t]?.[2] === c) CANDIDATES.push(t);
    SUB_TO[l * 257 + c] = CANDIDATES.length;
  }
});
const CANDIDATE_LIST = new Uint8Array(CANDIDATES);
/**
 * What a token does to the factor-code state, as {@link CodeState} stepping over its bytes would: SEP_NEXT the
 * offset after its last separator (0: none; the state restarts there), DASH_AT the offset of the `-` after that which
 * comes before any `=` (-1: none; it sets the code when the state allows), EQUALS_IN 1 when an `=` follows the last
 * separator. A token with a `-` before a separator would need more than this: none may be added (checked here).
 */
const SEP_NEXT = new Uint8Array(TOKENS.length);
const DASH_AT = new Int8Array(TOKENS.length);
const EQUALS_IN = new Uint8Array(TOKENS.length);
TOKENS.forEach((t, k) => {
  let last = -1;
  t.forEach((c, j) => {
    if (isSeparator(c)) last = j;
  });
  const tail = t.subarray(last + 1);
  const dash = tail.indexOf(DASH);
  const equals = tail.indexOf(EQUALS);
  SEP_NEXT[k] = last + 1;
  DASH_AT[k] = dash >= 0 && (equals < 0 || dash < equals) ? last + 1 + dash : -1;
  EQUALS_IN[k] = equals >= 0 ? 1 : 0;
  if (t.subarray(0, last + 1).includes(DASH)) throw new Error(`frame-codec token ${JSON.stringify(t.toString('latin1'))} has a - before a separator`);
});

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

/** `len` bytes of `buf` at `a` and at `b` are equal. */
function same(buf: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Encode `plain`; the result is never longer than 2 × plain. */
export function packFrame(plain: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plain.length * 2);
  return out.subarray(0, packInto(plain, out, 0));
}

/**
 * Encode `plain` into `out` from `at` (which has room for 2 × plain.length bytes there); returns the end. The
 * factor-code state of {@link CodeState} is kept in locals, and a byte that starts no token and changes no state
 * (most value bytes) is copied at once.
 */
export function packInto(plain: Uint8Array, out: Uint8Array, at: number): number {
  const len = plain.length;
  let n = at;
  let i = 0;
  let segment = 0;
  let code = -1;
  let codeEnd = -1;
  let dash = false;
  let equals = false;
  while (i < len) {
    const b = plain[i] as number;
    // The factor code again at the start of a segment, followed by its `-`.
    if (i === segment && code >= 0) {
      const codeLen = codeEnd - code;
      if (i + codeLen < len && plain[i + codeLen] === DASH && same(plain, code, i, codeLen)) {
        out[n++] = REPEAT;
        i += codeLen; // the code holds no separator, `=` or `-`: the state does not change
        continue;
      }
    }
    const kind = KIND[b] as number;
    if (kind === LITERAL) {
      // A run of such bytes: none starts a segment (only a separator does, and it is no such byte).
      out[n++] = b;
      for (i++; i < len; i++) {
        const c = plain[i] as number;
        if (KIND[c] !== LITERAL) break;
        out[n++] = c;
      }
      continue;
    }
    if ((kind & STARTS_TOKEN) !== 0 && i + 1 < len) {
      const list = BY_PREFIX[(b << 8) | (plain[i + 1] as number)] as number;
      if (list > 0) {
        // The list's tokens that may match here, longest first; their first two bytes match already.
        let token = -1;
        const sub = (list - 1) * 257 + (i + 2 < len ? (plain[i + 2] as number) : 256);
        for (let k = SUB_FROM[sub] as number, to = SUB_TO[sub] as number; k < to; k++) {
          const c = CANDIDATE_LIST[k] as number;
          const from = TOKEN_FROM[c] as number;
          const tokenLen = (TOKEN_FROM[c + 1] as number) - from;
          if (i + tokenLen > len) continue;
          let j = tokenLen > 2 ? 3 : 2; // the first two bytes, and a third one, picked the list
          while (j < tokenLen && plain[i + j] === TOKEN_BYTES[from + j]) j++;
          if (j === tokenLen) {
            token = c;
            break;
          }
        }
        if (token >= 0) {
          out[n++] = TOKEN_BASE + token;
          const from = TOKEN_FROM[token] as number;
          const to = TOKEN_FROM[token + 1] as number;
          const next = SEP_NEXT[token] as number;
          if (next > 0) {
            segment = i + next;
            dash = equals = false;
          }
          const d = DASH_AT[token] as number;
          if (d >= 0 && !dash && !equals) {
            dash = true;
            if (i + d > segment) {
              code = segment;
              codeEnd = i + d;
            }
          }
          if (EQUALS_IN[token] === 1) equals = true;
          i += to - from;
          continue;
        }
      }
    }
    if (b >= 0x80) out[n++] = ESCAPE;
    out[n++] = b;
    if (isSeparator(b)) {
      segment = i + 1;
      dash = equals = false;
    } else if (b === EQUALS) {
      equals = true;
    } else if (b === DASH && !dash && !equals) {
      dash = true;
      if (i > segment) {
        code = segment;
        codeEnd = i;
      }
    }
    i++;
  }
  return n;
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
