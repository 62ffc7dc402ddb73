/**
 * Password masking for anything that stores or shows frame text (archive, dead letters, pending samples, logs).
 * The access password travels in clear in every frame header (HJ212-2017 6.3.2 `PW=`), and a new one in the CP of
 * the set-password command (HJ212-2017 6.6.1 CN 1072 `NewPW=`); both become `***`.
 */

// A `PW` / `NewPW` key at the start or after a separator, in any letter case; the value runs to the next separator.
const PASSWORD = /(^|[^A-Za-z0-9])((?:new)?pw=)[^;,&\r\n]*/gi;
const HINT = /pw=/i;

/** `text` with every `PW=…` and `NewPW=…` value replaced by `***`. Text without one is returned as is. */
export function maskPassword(text: string): string {
  if (!HINT.test(text)) return text;
  return text.replace(PASSWORD, '$1$2***');
}
