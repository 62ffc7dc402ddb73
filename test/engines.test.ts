/**
 * The Node versions package.json promises are the ones every locked package accepts, so `npm install` / `npm ci`
 * print no EBADENGINE on a supported Node. The dev tools count: `npm start` builds with tsc and `npm test` runs tap.
 * content-disposition and cookie are pinned by `overrides` (their newest majors need Node 22).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import t from 'tap';

const require = createRequire(import.meta.url);
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };
const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { engines: { node: string }; overrides?: Record<string, string> };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', ROOT), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; os?: string[] }>;
};

/** The lowest version of each major the range admits: 20.19.0, 22.13.0, 24.0.0. */
function lowestPerMajor(range: string): string[] {
  return range.split('||').map((part) => semver.minVersion(part.trim())!.version);
}

t.test('every locked package accepts the lowest supported Node of each major', async (t) => {
  const versions = lowestPerMajor(pkg.engines.node);
  t.ok(versions.length >= 2, `supported: ${versions.join(', ')}`);
  t.equal(lock.packages['']?.engines && !Array.isArray(lock.packages[''].engines) ? lock.packages[''].engines.node : undefined, pkg.engines.node, 'the lockfile is in step with package.json');
  for (const version of [...versions, process.versions.node]) {
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines !== undefined && !Array.isArray(p.engines) && p.engines.node !== undefined)
      .filter(([, p]) => !semver.satisfies(version, (p.engines as { node: string }).node))
      .map(([path, p]) => `${path}@${p.version} wants ${(p.engines as { node: string }).node}`);
    t.same(refused, [], `Node ${version}: no EBADENGINE`);
  }
});

t.test('the overrides are what the lockfile holds', async (t) => {
  for (const [name, version] of Object.entries(pkg.overrides ?? {})) {
    const locked = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${name}`));
    t.ok(locked.length > 0, `${name} is locked`);
    for (const [path, p] of locked) t.equal(p.version, version, path);
  }
});
