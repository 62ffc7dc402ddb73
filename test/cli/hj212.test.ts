/** The `hj212` CLI as a real child process: corpus through --jsonl (lenient and strict), raw decode, encode, crc. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = new URL('../../../', import.meta.url);
const CLI = fileURLToPath(new URL('dist/src/cli/hj212.js', ROOT));
const CORPUS_TEXT = readFileSync(new URL('fixtures/corpus/packets.jsonl', ROOT), 'utf8');
const CORPUS = CORPUS_TEXT.split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown> & { id: string; expect: string });

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The child runs the built CLI as a user would: without tap's per-process loader (it costs ~0.5 s a spawn). */
const ENV = { ...process.env, NODE_OPTIONS: '' };

function run(args: string[], input: string | Uint8Array = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: ENV });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(input);
  });
}

function jsonLines(r: Run): Record<string, unknown>[] {
  return r.stdout
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const HEADER_KEYS = ['qn', 'st', 'cn', 'pw', 'mn', 'flag', 'pnum', 'pno'];

for (const strict of [false, true]) {
  t.test(`decode --jsonl${strict ? ' --strict' : ''} meets every corpus expectation`, async (t) => {
    const r = await run(['decode', '--jsonl', ...(strict ? ['--strict'] : [])], CORPUS_TEXT);
    t.equal(r.code, 0);
    const lines = jsonLines(r);
    for (const e of CORPUS) {
      const want = strict ? ((e.strict_expect as string | undefined) ?? e.expect) : e.expect;
      const mine = lines.filter((l) => l.id === e.id);
      t.equal(mine.length, (e.frames as number | undefined) ?? 1, `${e.id}: one line per frame or error`);
      t.ok(
        mine.every((l) => (l.ok === true ? 'ok' : l.code) === want),
        `${e.id}: ${want}`,
      );
      if (want !== 'ok') continue;
      for (const line of mine) {
        t.equal(line.crc, e.crc_variant, `${e.id}: crc`);
        t.equal(line.version, e.version, `${e.id}: version`);
        const decoded = e.decoded as Record<string, unknown> | undefined;
        if (decoded === undefined) continue;
        const fields = Object.fromEntries(HEADER_KEYS.filter((k) => k in line).map((k) => [k, line[k]]));
        t.strictSame({ ...fields, cp: line.cp }, decoded, `${e.id}: fields equal decoded`);
      }
    }
    t.equal(lines.length, CORPUS.length, 'no extra lines');
  });
}

t.test('decode --jsonl: ids, per-line encoding, bad input lines', async (t) => {
  const gbk = CORPUS.find((e) => e.id === 'info-3020-zh-gbk')!;
  const input = [
    JSON.stringify({ id: 7, frame_base64: gbk.frame_base64, encoding: 'gbk' }),
    JSON.stringify({ frame_base64: gbk.frame_base64 }),
    'not json',
    JSON.stringify({ id: 'x' }),
    JSON.stringify({ id: 'y', frame: 'abc', encoding: 'latin9' }),
    '',
    JSON.stringify([1]),
  ].join('\n');
  const lines = jsonLines(await run(['decode', '--jsonl'], input));
  t.match(lines[0], { id: 7, ok: true, cp: { 'i11001-Info': '//仪器自检完成，试剂余量充足//' } });
  t.match(lines[1], { id: null, ok: true }, 'GBK bytes decoded as UTF-8 still frame and verify');
  t.notMatch(lines[1]!.cp, { 'i11001-Info': '//仪器自检完成，试剂余量充足//' });
  t.match(lines[2], { id: null, ok: false, code: 'CLI_ERR_INPUT' });
  t.match(lines[3], { id: 'x', ok: false, code: 'CLI_ERR_INPUT' });
  t.match(lines[4], { id: 'y', ok: false, code: 'CLI_ERR_INPUT' });
  t.match(lines[5], { ok: false, code: 'CLI_ERR_INPUT' });
  t.equal(lines.length, 6, 'blank lines are skipped');
});

t.test('decode: a raw capture with several frames and garbage, from a file and stdin', async (t) => {
  const valid = CORPUS.filter((e) => e.expect === 'ok' && e.frame_base64 === undefined && e.id !== 'info-3020-zh-charlen');
  const junk = Buffer.from([0x01, 0x03, 0x02, 0x00, 0x23, 0xff]);
  const capture = Buffer.concat(valid.flatMap((e) => [junk, Buffer.from(e.frame as string, 'utf8')]));
  const dir = mkdtempSync(join(tmpdir(), 'hj212-cli-'));
  const file = join(dir, 'capture.bin');
  writeFileSync(file, capture);
  for (const [name, r] of [
    ['file', await run(['decode', file])],
    ['stdin', await run(['decode'], capture)],
  ] as const) {
    t.equal(r.code, 0, name);
    const lines = jsonLines(r);
    t.equal(lines.length, valid.length, `${name}: one line per frame`);
    t.ok(
      lines.every((l) => l.ok === true),
      `${name}: all ok`,
    );
    const idOf = (frame: string) => /QN=(\d+)/.exec(frame)?.[1] ?? /MN=(\w+)/.exec(frame)?.[1];
    t.strictSame(
      lines.map((l) => l.qn ?? l.mn),
      valid.map((e) => idOf(e.frame as string)),
      `${name}: in order`,
    );
    t.equal(lines[0]!.offset, junk.length, `${name}: stream offset of the first frame`);
    t.match(r.stderr, `${junk.length * valid.length} byte(s) discarded`);
  }
  const broken = await run(['decode', '--strict'], Buffer.from('##0140QN=2024'));
  t.match(jsonLines(broken), [{ ok: false, code: 'HJ_ERR_TRAILER', offset: 0 }], 'unfinished at end of input');
});

t.test('encode: packet → byte-exact frame; split; options; errors', async (t) => {
  const std = CORPUS.find((e) => e.id === 'std-2017-c-1062')!;
  const packet = JSON.stringify(std.decoded);
  const viaArg = await run(['encode', packet]);
  t.equal(viaArg.code, 0);
  t.equal(viaArg.stdout.toString(), std.frame, 'the published Appendix C frame');
  const viaStdin = await run(['encode', '--crc', 'modbus'], packet);
  t.match(viaStdin.stdout.toString(), /&&0759\r\n$/);
  const long = JSON.stringify({ ...(std.decoded as object), cp: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`w${20000 + i}-Rtd`, `${i}.5`])) });
  const split = await run(['encode', '--max-data-length', '300'], long);
  t.ok(split.stdout.toString().split('\r\n').filter(Boolean).length > 2, 'sub-packets');
  const gbk = await run(['encode', '--encoding', 'gbk', JSON.stringify({ cn: '3020', mn: 'A1', cp: { 'i-Info': '仪器' } })]);
  t.match(gbk.stdout.toString('latin1'), /^##0032/, 'GBK byte length');
  const codes = await Promise.all(
    [['{bad'], ['{"cn":2011}'], ['{"cn":"2011","foo":1}'], ['--crc', 'md5', packet], ['--max-data-length', '20', packet]].map(
      async (args) => (await run(['encode', ...args])).code,
    ),
  );
  t.strictSame(codes, [1, 1, 1, 2, 1], 'not JSON, wrong type, unknown field: 1; unknown CRC: 2; cannot split: 1');
});

t.test('crc, help, usage errors', async (t) => {
  const [crc, crcStdin, unknown, none, help, decodeHelp, encodeHelp, crcHelp] = await Promise.all([
    run(['crc', '123456789']),
    run(['crc'], 'A'),
    run(['frobnicate']),
    run([]),
    run(['--help']),
    run(['decode', '--help']),
    run(['encode', '-h']),
    run(['crc', '--help']),
  ]);
  t.equal(crc.stdout.toString(), 'hj212           2F80\nmodbus          4B37\nmodbus-swapped  374B\n');
  t.match(crcStdin.stdout.toString(), /hj212 +7080/, 'text from stdin');
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command 'frobnicate'[\s\S]*usage: hj212/);
  t.equal(none.code, 2, 'no command');
  t.equal(help.code, 0);
  t.match(help.stdout.toString(), /decode[\s\S]*encode[\s\S]*crc/);
  t.match(decodeHelp.stdout.toString(), /--jsonl/);
  t.match(encodeHelp.stdout.toString(), /--crc/);
  t.match(crcHelp.stdout.toString(), /--encoding/);
  const bad = await Promise.all(
    [['--bogus'], ['--encoding', 'ebcdic'], ['--max-data-length', '-1'], ['a', 'b']].map(async (args) => (await run(['decode', ...args])).code),
  );
  t.strictSame(bad, [2, 2, 2, 2], 'unknown option, unknown encoding, bad maximum, two files');
});

t.test('every subcommand --help lists is wired and answers its own --help (no Redis needed)', async (t) => {
  const names = [...(await run(['--help'])).stdout.toString().matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]!);
  t.ok(names.includes('device') && names.includes('token'), 'device and token are listed (README documents them)');
  for (const name of names) {
    const res = await run([name, '--help']);
    t.equal(res.code, 0, `${name} --help exits 0`);
    t.match(res.stdout.toString(), new RegExp(`usage:[^]*hj212 ${name}`), `${name} --help prints its usage`);
    t.notMatch(res.stderr, /unknown command/, name);
  }
});
