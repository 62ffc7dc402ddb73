/**
 * Reading a password for `hj212 user`: prompted without echo on a terminal (asked twice when new), read as the first
 * line of standard input otherwise (`printf 'pw\n' | hj212 user create admin --role admin`). Never an argument:
 * arguments end up in shell history and in `ps`.
 */
import type { Readable } from 'node:stream';

/** Where a password comes from; tests of the bin pipe stdin. */
export interface PasswordSource {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** The prompt goes here (stderr, so stdout stays JSON). */
  prompt: (text: string) => void;
}

/** Largest input read from a pipe; a password is far smaller (the API bounds it at 256 bytes). */
const MAX_PIPED_BYTES = 64 * 1024;

/** The first line of a piped stdin (without its line end). */
async function readLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const end = text.search(/\r?\n/);
    if (end >= 0) return text.slice(0, end);
    if (text.length > MAX_PIPED_BYTES) throw new Error('stdin: no line end within 64 KiB');
  }
  return text;
}

/** One line typed on a terminal without echo; Ctrl-C aborts. */
function readHidden(source: PasswordSource, question: string): Promise<string> {
  const { stdin } = source;
  source.prompt(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      source.prompt('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Read a password; `confirm` asks twice on a terminal and fails when the two differ. */
export async function readPassword(source: PasswordSource, confirm: boolean): Promise<string> {
  if (!source.stdin.isTTY) return readLine(source.stdin);
  const first = await readHidden(source, 'password: ');
  if (confirm && (await readHidden(source, 'again: ')) !== first) throw new Error('the two passwords differ');
  return first;
}
