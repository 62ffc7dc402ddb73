/** What the Redis-backed subcommands (`hj212 device`, `hj212 token`) share: their I/O and exit codes. */

/** Where a command reads its environment and writes its output (process defaults; tests may pass their own). */
export interface CommandIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: CommandIo = {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** 0 done, 1 failed (not found, conflict, Redis unreachable), 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
