#!/usr/bin/env node
/**
 * `hj212`: a small dispatcher. Each subcommand lives in its own module and is loaded only when used, so
 * `hj212 crc` does not load Redis clients. A module provides `(args) => Promise<exit code>`; add a subcommand
 * with one entry in COMMANDS, e.g. `user: { summary: '…', load: () => import('./user-command.js').then((m) => (args) => m.run(args)) }`.
 * Exit codes: 0 done, 1 failed, 2 usage error.
 */

/** A subcommand: gets the arguments after its name, resolves to the process exit code. */
export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  decode: {
    summary: 'decode [file] | decode --jsonl: frames from a raw capture, or corpus-style JSON lines, as JSON lines',
    load: () => import('./codec-commands.js').then((m) => m.decode),
  },
  encode: {
    summary: "encode ['<json packet>']: frame bytes for a packet (JSON argument or stdin), split if too long",
    load: () => import('./codec-commands.js').then((m) => m.encode),
  },
  crc: {
    summary: 'crc <text>: the CRC16 of a data segment in all three variants',
    load: () => import('./codec-commands.js').then((m) => m.crc),
  },
  device: {
    summary: 'device add|list|show|set|disable|enable|pending: the collector registry in Redis (HJ212_REDIS_URL)',
    load: () => import('./device-command.js').then((m) => (args: string[]) => m.run(args)),
  },
  token: {
    summary: 'token create|list|revoke: API bearer tokens in Redis (the first admin token comes from here)',
    load: () => import('./token-command.js').then((m) => (args: string[]) => m.run(args)),
  },
  user: {
    summary: 'user create|list|disable|enable|reset-password: operator accounts in Redis (the first admin account comes from here)',
    load: () => import('./user-command.js').then((m) => (args: string[]) => m.run(args)),
  },
  command: { summary: 'command <mn> <name> [args]: send a collector a command through the API and print its outcome', load: () => import('./command-command.js').then((m) => (args: string[]) => m.run(args)) },
};

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`);
  return `usage: hj212 <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nhj212 <command> --help for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const entry = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    process.stderr.write(name === undefined ? usage() : `hj212: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command(args);
}

// A closed pipe (`hj212 decode … | head`) ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hj212: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
