/** A built CLI of this package run as a child process, the way users run it, with its exit code and output. */
import { spawn } from 'node:child_process';

export interface ChildResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node script ...args` with `env` added to this process's environment; resolves when it exits. */
export function runScript(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
