/**
 * `hj212 decode` on captures of collectors as they really are (issue 12), through the built bin: a Windows-logged
 * capture (CR CR LF), a client writing `len + 6`, an MN with underscores.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { crc16, crcToHex } from '../../protocol/index.js';

const ROOT = new URL('../../../', import.meta.url);
const CLI = fileURLToPath(new URL('dist/src/cli/hj212.js', ROOT));
const CAPTURE = fileURLToPath(new URL('fixtures/captures/windows-crcrlf.bin', ROOT));
const ENV = { ...process.env, NODE_OPTIONS: '' };

function run(file: string, args: string[], input: Uint8Array = new Uint8Array(0)): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: ENV, cwd: fileURLToPath(ROOT) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(input);
  });
}

const lines = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

t.test('the Windows capture: 53 of 53 frames, each with HJ_WARN_TRAILER_CRCRLF; strict: HJ_ERR_TRAILER', async (t) => {
  const lenient = await run(CLI, ['decode', CAPTURE]);
  t.equal(lenient.code, 0);
  const out = lines(lenient.stdout);
  t.equal(out.length, 53);
  t.ok(out.every((l) => l.ok === true && l.cn === '2051'), 'every frame decoded');
  t.ok(out.every((l) => JSON.stringify(l.warnings) === JSON.stringify([{ code: 'HJ_WARN_TRAILER_CRCRLF', message: 'frame ends with CR CR LF' }])));
  t.match(lenient.stderr, /0 byte\(s\) discarded/);
  const strict = lines((await run(CLI, ['decode', '--strict', CAPTURE])).stdout);
  t.equal(strict.length, 53);
  t.ok(strict.every((l) => l.code === 'HJ_ERR_TRAILER'));
});

t.test('the capture is what its documented script writes', async (t) => {
  const made = await run(fileURLToPath(new URL('fixtures/captures/make-windows-crcrlf.mjs', ROOT)), []);
  t.equal(made.code, 0, made.stderr);
  t.ok(Buffer.from(made.stdout, 'latin1').equals(readFileSync(CAPTURE)), 'byte-identical');
});

/** A frame of `seg` with the length field off by `offset`. */
function frame(seg: string, offset: number): Buffer {
  return Buffer.from(`##${String(seg.length + offset).padStart(4, '0')}${seg}${crcToHex(crc16(Buffer.from(seg)))}\r\n`);
}

t.test('--length-policy and --mn-charset', async (t) => {
  const seg = (mn: string) => `QN=20240315103000123;ST=22;CN=2011;PW=123456;MN=${mn};Flag=5;CP=&&DataTime=20240315103000;a21026-Rtd=12.5&&`;
  const python = Buffer.concat([frame(seg('33010600000001W00000001A'), 6), frame(seg('33010600000001W00000001A'), 6)]);
  t.strictSame(lines((await run(CLI, ['decode'], python)).stdout).map((l) => l.code), ['HJ_ERR_LENGTH', 'HJ_ERR_LENGTH']);
  const accepted = lines((await run(CLI, ['decode', '--length-policy', 'offset:6'], python)).stdout);
  t.strictSame(accepted.map((l) => [l.ok, (l.warnings as Array<{ code: string }>).map((w) => w.code)]), [
    [true, ['HJ_WARN_LENGTH_POLICY']],
    [true, ['HJ_WARN_LENGTH_POLICY']],
  ]);
  const strict = lines((await run(CLI, ['decode', '--strict', '--length-policy', 'trust-crlf'], python)).stdout);
  t.strictSame(strict.map((l) => l.code), ['HJ_ERR_LENGTH', 'HJ_ERR_LENGTH'], 'strict ignores the policy');
  const go = frame(seg('JLYP01_AIR01_0001'), 0);
  t.match(lines((await run(CLI, ['decode'], go)).stdout), [{ ok: false, code: 'HJ_ERR_MN' }]);
  t.match(lines((await run(CLI, ['decode', '--mn-charset', 'extended'], go)).stdout), [{ ok: true, mn: 'JLYP01_AIR01_0001', warnings: [{ code: 'HJ_WARN_MN_CHARSET' }, { code: 'HJ_WARN_MN_LENGTH' }] }]);
  for (const bad of [['--length-policy', 'len+6'], ['--mn-charset', 'any']]) {
    const res = await run(CLI, ['decode', ...bad], go);
    t.equal(res.code, 2, bad.join(' '));
    t.match(res.stderr, new RegExp(bad[0]!));
  }
});
