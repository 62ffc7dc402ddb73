/** Run tags for benchmark results (git sha, Node, CPU) and the results file writer. */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export function runMeta(): Record<string, string | number> {
  let sha = 'unknown';
  try {
    sha = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout (e.g. a container image): results stay usable without the sha.
  }
  return { sha, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, at: new Date().toISOString() };
}

/** Writes benchmarks/results/<name>.json: the run tags and the result rows. */
export function writeResultFile(name: string, rows: Array<Record<string, unknown>>): void {
  const dir = fileURLToPath(new URL('../../../benchmarks/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify({ ...runMeta(), rows }, null, 2)}\n`);
}
