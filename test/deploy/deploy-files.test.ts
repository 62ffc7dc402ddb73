/**
 * Static checks of the deployment files: docker-compose.yml, .env.example, Dockerfile and .dockerignore. CI has no
 * container engine, so nothing is built or started; the files are parsed and checked instead.
 * Every check runs twice: on the repository's files, where it must find no problem, and on sabotaged copies,
 * where it must find one. So no check can pass vacuously (e.g. by looking for a service that was renamed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { envSchema } from '../../src/config.js';

/** Compiled to dist/test/deploy/: the repository root is three levels up. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (name: string): string => readFileSync(ROOT + name, 'utf8');

type Obj = Record<string, unknown>;
interface Files {
  compose: Obj;
  envExample: string;
  dockerfile: string;
  dockerignore: string;
}
type Problems = string[];
interface Check {
  name: string;
  check: (f: Files) => Problems;
  sabotages: Array<[string, (f: Files) => void]>;
}

const APP_SERVICES = ['gateway', 'api', 'worker'] as const;
const SCHEMA_KEYS = new Set(Object.keys(envSchema.shape));

// ---- compose helpers -----------------------------------------------------------------------------------------
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const services = (f: Files): Obj => obj(f.compose.services);
const svc = (f: Files, name: string): Obj => obj(services(f)[name]);
const text = (v: unknown): string => (Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : '');

function envOf(s: Obj): Record<string, string> {
  const e = s.environment;
  if (Array.isArray(e)) {
    return Object.fromEntries(
      e.map((kv) => {
        const [k = '', ...v] = String(kv).split('=');
        return [k, v.join('=')] as const;
      }),
    );
  }
  return Object.fromEntries(Object.entries(obj(e)).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Port mappings as "published:target" (published empty when Docker picks it). */
function portsOf(s: Obj): string[] {
  const ports = Array.isArray(s.ports) ? s.ports : [];
  return ports.map((p) => {
    if (typeof p === 'object' && p !== null) return `${String(obj(p).published ?? '')}:${String(obj(p).target)}`;
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    return `${parts.length > 1 ? parts[parts.length - 2] : ''}:${parts[parts.length - 1]}`;
  });
}

function dependsOn(s: Obj): Record<string, string> {
  const d = s.depends_on;
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [String(n), 'service_started']));
  return Object.fromEntries(Object.entries(obj(d)).map(([k, v]) => [k, String(obj(v).condition)]));
}

/** Variables docker-compose.yml substitutes: ${NAME...} and $NAME, not the escaped $$NAME. */
function substituted(f: Files): Map<string, { required: boolean }> {
  const json = JSON.stringify(f.compose);
  const found = new Map<string, { required: boolean }>();
  for (const m of json.matchAll(/(?<!\$)\$(?:\{([A-Za-z_]\w*)(:?\?)?|([A-Za-z_]\w*))/g)) {
    const name = m[1] ?? m[3] ?? '';
    found.set(name, { required: (found.get(name)?.required ?? false) || m[2] !== undefined });
  }
  return found;
}

/** .env.example: every NAME=VALUE line, active or commented out ("# NAME=default"). */
function envLines(f: Files): Array<{ name: string; value: string; active: boolean }> {
  return [...f.envExample.matchAll(/^(#\s*)?([A-Za-z_]\w*)=(.*)$/gm)].map((m) => ({ name: m[2] ?? '', value: (m[3] ?? '').trim(), active: !m[1] }));
}

const unknownHj212 = (source: string, where: string): Problems =>
  [...new Set(source.match(/\bHJ212_[A-Z0-9_]+/g) ?? [])].filter((n) => !SCHEMA_KEYS.has(n)).map((n) => `${where}: ${n} is not in envSchema`);

// ---- Dockerfile helpers --------------------------------------------------------------------------------------
interface Instr {
  op: string;
  args: string;
}

/** Instructions grouped by stage (continuation lines joined, comments dropped). */
function stages(dockerfile: string): Instr[][] {
  const out: Instr[][] = [];
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim());
  for (const line of lines.filter((l) => l && !l.startsWith('#'))) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') out.push([]);
    out[out.length - 1]?.push({ op: op.toUpperCase(), args });
  }
  return out;
}
const finalStage = (f: Files): Instr[] => stages(f.dockerfile).at(-1) ?? [];
const words = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/).filter(Boolean));

/** COPY/ADD sources, without flags; `from` is the --from stage, if any. */
function copies(stage: Instr[]): Array<{ from?: string; sources: string[] }> {
  return stage
    .filter((i) => i.op === 'COPY' || i.op === 'ADD')
    .map((i) => {
      const w = words(i.args);
      const from = w.find((x) => x.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: w.filter((x) => !x.startsWith('--')).slice(0, -1) };
    });
}

const cleanPath = (p: string): string => p.replace(/^\/app\//, '').replace(/^\.?\//, '').replace(/\/$/, '') || '.';

/** .dockerignore semantics: patterns anchored at the context root, a match on a parent excludes, last match wins. */
function dockerignored(dockerignore: string, path: string): boolean {
  const toRegex = (glob: string): RegExp => {
    const token: Record<string, string> = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };
    return new RegExp(`^${glob.replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, (m) => token[m] ?? `\\${m}`)}$`);
  };
  const parents = path.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const line of dockerignore.split(/\r?\n/).map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const re = toRegex(cleanPath(negated ? line.slice(1) : line));
    if (parents.some((p) => re.test(p))) excluded = !negated;
  }
  return excluded;
}

/** Env files a careless COPY could take along. */
const ENV_PROBES = ['.env', '.env.production', 'src/.env', 'protocol/.env', 'docker/.env'];

// ---- the checks ----------------------------------------------------------------------------------------------
const edit = (f: Files, key: 'envExample' | 'dockerfile' | 'dockerignore', re: RegExp, by: string): void => {
  f[key] = f[key].replace(re, by);
};

const checks: Check[] = [
  {
    name: 'compose defines gateway, api, worker, redis and influxdb',
    check: (f) => [...APP_SERVICES, 'redis', 'influxdb'].filter((n) => !(n in services(f))).map((n) => `service ${n} missing`),
    sabotages: [['worker removed', (f) => delete services(f).worker]],
  },
  {
    name: 'gateway, api and worker run one image built from the Dockerfile, each given its role as argument',
    check: (f) => {
      const images = new Set(APP_SERVICES.map((n) => svc(f, n).image));
      const p: Problems = images.size === 1 && !images.has(undefined) ? [] : [`app services use images ${[...images].join(', ')}`];
      for (const n of APP_SERVICES) {
        const build = svc(f, n).build;
        if ((typeof build === 'string' ? build : obj(build).context) !== '.') p.push(`${n}: not built from the repository's Dockerfile`);
        if (text(svc(f, n).command) !== n) p.push(`${n}: command is '${text(svc(f, n).command)}', not its role`);
      }
      return p;
    },
    sabotages: [
      ['api runs the gateway role', (f) => (svc(f, 'api').command = ['gateway'])],
      ['worker uses another image', (f) => (svc(f, 'worker').image = 'hj212-worker:other')],
    ],
  },
  {
    name: 'gateway publishes 5003 and api 8080; Redis and InfluxDB are not published',
    check: (f) => [
      ...(portsOf(svc(f, 'gateway')).some((p) => p.endsWith('5003:5003')) ? [] : ['gateway does not publish 5003']),
      ...(portsOf(svc(f, 'api')).some((p) => p.endsWith('8080:8080')) ? [] : ['api does not publish 8080']),
      ...['redis', 'influxdb', 'influxdb-init'].filter((n) => portsOf(svc(f, n)).length > 0).map((n) => `${n} is published`),
    ],
    sabotages: [
      ['gateway on host port 5004', (f) => (svc(f, 'gateway').ports = ['5004:5003'])],
      ['api ports removed', (f) => delete svc(f, 'api').ports],
      ['redis published', (f) => (svc(f, 'redis').ports = ['6379:6379'])],
    ],
  },
  {
    name: 'Redis runs with appendonly yes on a volume; InfluxDB 2.x is set up on a volume',
    check: (f) => {
      const p: Problems = [];
      const redis = svc(f, 'redis');
      if (!/--appendonly\s+yes/.test(text(redis.command))) p.push('redis without --appendonly yes');
      if (!/:\/data\b/.test(text(redis.volumes))) p.push('redis has no /data volume');
      const influx = svc(f, 'influxdb');
      if (!String(influx.image).startsWith('influxdb:2')) p.push(`influxdb image ${String(influx.image)}`);
      if (envOf(influx).DOCKER_INFLUXDB_INIT_MODE !== 'setup') p.push('influxdb without DOCKER_INFLUXDB_INIT_MODE=setup');
      if (!(envOf(influx).DOCKER_INFLUXDB_INIT_BUCKET ?? '').includes('HJ212_INFLUX_DATABASE')) p.push('bucket is not HJ212_INFLUX_DATABASE');
      if (!text(influx.volumes).includes(':/var/lib/influxdb2')) p.push('influxdb has no data volume');
      return p;
    },
    sabotages: [
      ['redis without AOF', (f) => (svc(f, 'redis').command = ['redis-server'])],
      ['redis volume removed', (f) => delete svc(f, 'redis').volumes],
      ['influxdb volume removed', (f) => delete svc(f, 'influxdb').volumes],
    ],
  },
  {
    name: 'start order is health-based and every awaited service can report health or completion',
    check: (f) => {
      const p: Problems = [];
      for (const n of APP_SERVICES) {
        const d = dependsOn(svc(f, n));
        for (const dep of ['redis', 'influxdb']) if (d[dep] !== 'service_healthy') p.push(`${n} does not wait for ${dep} to be healthy`);
      }
      for (const [name, s] of Object.entries(services(f))) {
        for (const [dep, condition] of Object.entries(dependsOn(obj(s)))) {
          const target = svc(f, dep);
          const hc = obj(target.healthcheck);
          if (condition === 'service_healthy' && (!hc.test || hc.disable === true)) p.push(`${name} waits for ${dep}, which has no healthcheck`);
          if (condition === 'service_completed_successfully' && ![undefined, 'no'].includes(target.restart as string)) p.push(`${dep} restarts, never completes`);
        }
      }
      return p;
    },
    sabotages: [
      ['worker depends_on without conditions', (f) => (svc(f, 'worker').depends_on = ['redis', 'influxdb'])],
      ['redis healthcheck removed', (f) => delete svc(f, 'redis').healthcheck],
    ],
  },
  {
    name: 'a one-shot step creates the DBRP mapping InfluxQL reads need, and the application waits for it',
    check: (f) => {
      const init = Object.entries(services(f)).find(([, s]) => text(obj(s).command).includes('influx v1 dbrp create'));
      if (!init) return ['no service runs `influx v1 dbrp create`'];
      const p: Problems = dependsOn(obj(init[1])).influxdb === 'service_healthy' ? [] : [`${init[0]} does not wait for influxdb`];
      for (const n of APP_SERVICES) if (dependsOn(svc(f, n))[init[0]] !== 'service_completed_successfully') p.push(`${n} does not wait for ${init[0]}`);
      return p;
    },
    sabotages: [
      ['init command removed', (f) => delete svc(f, 'influxdb-init').command],
      ['app stops waiting for init', (f) => (svc(f, 'api').depends_on = { redis: { condition: 'service_healthy' }, influxdb: { condition: 'service_healthy' } })],
    ],
  },
  {
    name: 'the application environment points at the compose InfluxDB (v2) and Redis',
    check: (f) =>
      APP_SERVICES.flatMap((n) => {
        const e = envOf(svc(f, n));
        const want: Record<string, string> = { HJ212_INFLUX_KIND: 'v2', HJ212_INFLUX_URL: 'http://influxdb:8086', HJ212_REDIS_URL: 'redis://redis:6379' };
        const p = Object.entries(want).filter(([k, v]) => e[k] !== v).map(([k, v]) => `${n}: ${k} is '${e[k]}', not ${v}`);
        for (const k of ['HJ212_INFLUX_ORG', 'HJ212_INFLUX_TOKEN', 'HJ212_INFLUX_DATABASE']) if (!e[k]) p.push(`${n}: ${k} not set`);
        return p;
      }),
    sabotages: [['api on InfluxDB v1', (f) => (svc(f, 'api').environment = { ...envOf(svc(f, 'api')), HJ212_INFLUX_KIND: 'v1' })]],
  },
  {
    name: 'every HJ212_* name in docker-compose.yml and .env.example is a key of envSchema',
    check: (f) => [...unknownHj212(JSON.stringify(f.compose), 'docker-compose.yml'), ...unknownHj212(f.envExample, '.env.example')],
    sabotages: [
      ['misspelt compose variable', (f) => (svc(f, 'gateway').environment = { ...envOf(svc(f, 'gateway')), HJ212_TCP_PROT: '5003' })],
      ['unknown .env.example variable', (f) => (f.envExample += '\nHJ212_REDIS_URI=redis://redis:6379\n')],
    ],
  },
  {
    // ".env.example: Lines starting with "# NAME=" are optional; the value shown is the default."
    name: 'every commented-out HJ212_* line of .env.example shows the default of envSchema',
    check: (f) =>
      envLines(f)
        .filter((l) => !l.active && SCHEMA_KEYS.has(l.name) && !l.value.startsWith('change-me'))
        .flatMap((l) => {
          const parsed = envSchema.shape[l.name as keyof typeof envSchema.shape].safeParse(undefined);
          const value = parsed.success ? parsed.data : undefined;
          return value === undefined || String(value) === l.value ? [] : [`.env.example shows ${l.name}=${l.value}, the default is ${String(value)}`];
        }),
    sabotages: [['stale default', (f) => edit(f, 'envExample', /^# HJ212_INFLUX_BATCH_SIZE=.*$/m, '# HJ212_INFLUX_BATCH_SIZE=1234')]],
  },
  {
    name: 'every variable docker-compose.yml substitutes is in .env.example, and the required ones are set',
    check: (f) => {
      const lines = envLines(f);
      return [...substituted(f)].flatMap(([name, { required }]) => {
        if (!lines.some((l) => l.name === name)) return [`${name} is not in .env.example`];
        return required && !lines.some((l) => l.name === name && l.active && l.value) ? [`${name} is required but not set in .env.example`] : [];
      });
    },
    sabotages: [
      ['undocumented variable', (f) => (svc(f, 'api').environment = { ...envOf(svc(f, 'api')), EXTRA: '${UNDOCUMENTED_SETTING:-x}' })],
      ['required variable commented out', (f) => edit(f, 'envExample', /^INFLUXDB_ADMIN_TOKEN=/m, '# INFLUXDB_ADMIN_TOKEN=')],
    ],
  },
  {
    name: 'secrets are placeholders in .env.example and substituted (never literal) in docker-compose.yml',
    check: (f) => {
      const secret = /PASSWORD|TOKEN|SECRET|_KEY$/;
      const p = envLines(f).filter((l) => secret.test(l.name) && !l.value.startsWith('change-me')).map((l) => `.env.example: ${l.name} is not a change-me placeholder`);
      for (const [name, s] of Object.entries(services(f))) {
        for (const [k, v] of Object.entries(envOf(obj(s)))) if (secret.test(k) && !v.startsWith('${')) p.push(`${name}: ${k} is a literal`);
      }
      return p;
    },
    sabotages: [
      ['real-looking token in .env.example', (f) => edit(f, 'envExample', /^(INFLUXDB_ADMIN_TOKEN=).*$/m, '$1f3a9c1d07be44a2c9e0d5b6a7c8d9e0f')],
      ['literal admin password in compose', (f) => (svc(f, 'influxdb').environment = { ...envOf(svc(f, 'influxdb')), DOCKER_INFLUXDB_INIT_PASSWORD: 'hunter22' })],
    ],
  },
  {
    name: 'Dockerfile is multi-stage and both stages are Node 20 on Debian 12 (as CI)',
    check: (f) => {
      const all = stages(f.dockerfile);
      const names = new Set<string>();
      const p: Problems = all.length >= 2 ? [] : [`${all.length} FROM, want a build and a runtime stage`];
      for (const stage of all) {
        const [image = '', as, name] = words(stage[0]?.args ?? '').filter((w) => !w.startsWith('--'));
        if (!names.has(image) && !/^node:20-bookworm-slim(@sha256:[0-9a-f]{64})?$/.test(image)) p.push(`stage from ${image}`);
        if (as?.toUpperCase() === 'AS' && name) names.add(name);
      }
      return p;
    },
    sabotages: [
      ['single stage', (f) => (f.dockerfile = f.dockerfile.slice(f.dockerfile.lastIndexOf('\nFROM ')))],
      ['runtime on another base', (f) => (f.dockerfile = f.dockerfile.replace(/\nFROM node:20-bookworm-slim(?![\s\S]*\nFROM )/, '\nFROM node:22-alpine'))],
    ],
  },
  {
    name: 'Dockerfile runs as a non-root user',
    check: (f) => {
      const user = finalStage(f).filter((i) => i.op === 'USER').at(-1)?.args.split(':')[0];
      return user === undefined ? ['no USER in the runtime stage'] : ['root', '0'].includes(user) ? [`runs as ${user}`] : [];
    },
    sabotages: [
      ['USER root', (f) => edit(f, 'dockerfile', /^USER .*$/m, 'USER root')],
      ['USER removed', (f) => edit(f, 'dockerfile', /^USER .*$/m, '')],
    ],
  },
  {
    name: 'Dockerfile has a HEALTHCHECK, EXPOSEs 5003 and 8080 and runs node dist/src/main.js',
    check: (f) => {
      const stage = finalStage(f);
      const p: Problems = [];
      const hc = stage.filter((i) => i.op === 'HEALTHCHECK').at(-1)?.args ?? '';
      if (!/(^|\s)CMD\s/.test(hc)) p.push('no HEALTHCHECK CMD in the runtime stage');
      const exposed = stage.filter((i) => i.op === 'EXPOSE').flatMap((i) => words(i.args).map((w) => w.replace(/\/tcp$/, '')));
      for (const port of ['5003', '8080']) if (!exposed.includes(port)) p.push(`${port} not exposed`);
      const run = ['ENTRYPOINT', 'CMD'].flatMap((op) => words(stage.filter((i) => i.op === op).at(-1)?.args ?? '[]'));
      if (run[0] !== 'node' || !run.some((w) => w.endsWith('dist/src/main.js'))) p.push(`runs '${run.join(' ')}'`);
      return p;
    },
    sabotages: [
      ['HEALTHCHECK NONE', (f) => edit(f, 'dockerfile', /^HEALTHCHECK .*$/m, 'HEALTHCHECK NONE')],
      ['5003 not exposed', (f) => edit(f, 'dockerfile', /^EXPOSE .*$/m, 'EXPOSE 8080')],
      ['entry point moved', (f) => edit(f, 'dockerfile', /^(ENTRYPOINT .*)dist\/src\/main\.js/m, '$1dist/main.js')],
    ],
  },
  {
    name: 'no .env file can be copied into the image',
    check: (f) => {
      const p: Problems = [];
      for (const { from, sources } of stages(f.dockerfile).flatMap(copies)) {
        if (from) continue;
        for (const source of sources.map(cleanPath)) {
          if (/(^|\/)\.env/.test(source)) p.push(`copies ${source}`);
          const covers = (path: string): boolean => source === '.' || /[*?]/.test(source) || path === source || path.startsWith(`${source}/`);
          for (const probe of ENV_PROBES) if (covers(probe) && !dockerignored(f.dockerignore, probe)) p.push(`COPY ${source} takes ${probe} along`);
        }
      }
      return p;
    },
    sabotages: [
      ['COPY .env', (f) => (f.dockerfile += '\nCOPY .env ./\n')],
      [
        'COPY . . with an empty .dockerignore',
        (f) => {
          f.dockerfile += '\nCOPY . .\n';
          f.dockerignore = '';
        },
      ],
      ['.dockerignore without the **/.env rules', (f) => edit(f, 'dockerignore', /^\*\*\/\.env.*$/gm, '')],
    ],
  },
  {
    name: 'everything the Dockerfile copies from the build context survives .dockerignore',
    check: (f) =>
      stages(f.dockerfile)
        .flatMap(copies)
        .filter((c) => !c.from)
        .flatMap((c) => c.sources.map(cleanPath))
        .filter((source) => source !== '.' && dockerignored(f.dockerignore, source))
        .map((source) => `COPY ${source}: excluded by .dockerignore, the build would fail`),
    sabotages: [['src no longer allowed', (f) => edit(f, 'dockerignore', /^!src$/m, '')]],
  },
  {
    name: 'runtime stage copies only dist, node_modules, package.json and the health probe, which exists',
    check: (f) => {
      const allowed = ['dist', 'node_modules', 'package.json', 'docker/healthcheck.mjs'];
      const copied = copies(finalStage(f)).flatMap((c) => c.sources.map(cleanPath));
      const p = copied.filter((s) => !allowed.includes(s)).map((s) => `runtime stage copies ${s}`);
      const probe = /[^\s"]*docker\/healthcheck\.mjs/.exec(finalStage(f).find((i) => i.op === 'HEALTHCHECK')?.args ?? '')?.[0];
      if (probe && !copied.includes(cleanPath(probe))) p.push(`HEALTHCHECK runs ${probe}, which is not copied`);
      if (!existsSync(`${ROOT}docker/healthcheck.mjs`)) p.push('docker/healthcheck.mjs missing');
      return p;
    },
    sabotages: [
      ['sources in the runtime image', (f) => (f.dockerfile += '\nCOPY --from=build /app/src ./src\n')],
      ['probe not copied', (f) => edit(f, 'dockerfile', /^COPY docker\/healthcheck\.mjs .*$/m, '')],
    ],
  },
];

const files: Files = {
  compose: obj(parse(read('docker-compose.yml'), { merge: true })),
  envExample: read('.env.example'),
  dockerfile: read('Dockerfile'),
  dockerignore: read('.dockerignore'),
};

for (const c of checks) {
  t.test(c.name, async (t) => {
    t.same(c.check(files), [], 'the repository files pass');
    for (const [what, sabotage] of c.sabotages) {
      const bad = structuredClone(files);
      sabotage(bad);
      t.not(JSON.stringify(bad), JSON.stringify(files), `sabotage applies: ${what}`);
      t.not(c.check(bad).length, 0, `caught: ${what}`);
    }
  });
}
