/** Tags for benchmark results: which code, runtime and machine produced the numbers. */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface RunMeta {
  /** Git commit (short sha, `-dirty` when the tree has changes), or 'unknown' outside a checkout. */
  sha: string;
  node: string;
  cpu: string;
  cores: number;
  /** ISO date of the run. */
  date: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout (a container image, a tarball): results stay usable without the sha.
    return undefined;
  }
}

export function runMeta(): RunMeta {
  const sha = git(['rev-parse', '--short', 'HEAD']);
  const dirty = sha !== undefined && git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const cpu = cpus();
  return {
    sha: sha === undefined ? 'unknown' : `${sha}${dirty ? '-dirty' : ''}`,
    node: process.version,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    date: new Date().toISOString(),
  };
}
