// Make the package's bins executable after tsc wrote them: tsc creates new files 0644, so after `rm -rf dist` a
// rebuild left `npx hj212` failing with EACCES. Reads the bin table of package.json, so a new bin needs no edit here.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { bin = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin)) {
  const path = join(root, file);
  if (existsSync(path)) chmodSync(path, 0o755);
}
