/**
 * Line protocol written straight into bytes: one reusable scratch buffer, ASCII copied by a loop (most of an upload's
 * text is short ASCII names and numbers, for which a loop beats a native call per piece), anything else as UTF-8.
 * Building the text as strings made ~6 KB of garbage per 6-factor frame (intermediate and rope strings, then the
 * flattened copy `Buffer.from` needs), a quarter of everything the gateway allocated; this makes one copy of the result.
 * Escaping as line-protocol.ts: string field values escape `"` and `\` (InfluxDB line protocol reference, "special
 * characters").
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class LineBytes {
  private buf = Buffer.allocUnsafeSlow(64 * 1024);
  private n = 0;

  /** Start a new text (the scratch buffer is reused: take the result with {@link copy} before the next start). */
  reset(): void {
    this.n = 0;
  }

  /** Room for `bytes` more. */
  private room(bytes: number): Buffer {
    if (this.n + bytes > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.n + bytes));
      this.buf.copy(bigger, 0, 0, this.n);
      this.buf = bigger;
    }
    return this.buf;
  }

  byte(b: number): void {
    this.room(1)[this.n++] = b;
  }

  /** `s` as UTF-8, unescaped (names already escaped for their place, numbers). */
  text(s: string): void {
    const len = s.length;
    const buf = this.room(len * 3);
    let n = this.n;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.n = n + buf.write(s.slice(i), n, 'utf8');
        return;
      }
      buf[n++] = c;
    }
    this.n = n;
  }

  /** `s` from `start` inside a string field value: `"` and `\` escaped (the quotes around it are the caller's). */
  escaped(s: string, start = 0): void {
    const len = s.length;
    const buf = this.room((len - start) * 3);
    let n = this.n;
    for (let i = start; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.n = n + buf.write(s.slice(i).replace(/["\\]/g, '\\$&'), n, 'utf8');
        return;
      }
      if (c === QUOTE || c === BACKSLASH) buf[n++] = BACKSLASH;
      buf[n++] = c;
    }
    this.n = n;
  }

  /** The bytes written since {@link reset}, copied (pooled for small texts). */
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.n));
  }
}
