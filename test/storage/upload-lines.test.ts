/** The InfluxDB mapping of an upload, as lines: tags sorted, floats only, verbatim groups, invalid marks, traces. */
import t from 'tap';
import { readCp } from '../../protocol/index.js';
import { LineProtocolError } from '../../src/storage/influx/line-protocol.js';
import { uploadLines } from '../../src/storage/influx/upload-lines.js';

const upload = (wire: Record<string, string>, over: Partial<Parameters<typeof uploadLines>[0]> = {}): Parameters<typeof uploadLines>[0] => ({
  kind: 'minute',
  mn: 'M 1',
  st: '32',
  cn: '2051',
  timeMs: 1_700_000_000_000.7,
  cp: readCp(wire, { timeZone: 'UTC' }),
  wire,
  ...over,
});

t.test('one line per factor: numbers as floats, flags as strings, the group verbatim, invalid values left out', async (t) => {
  const wire = { DataTime: '20240101000000', 'a21026-Avg': '28.40', 'a21026-Flag': 'N', 'a34004-Avg': '***', 'a34004-ZsAvg': '-0' };
  t.same(uploadLines(upload(wire)), {
    text:
      'minute,factor=a21026,mn=M\\ 1,st=32 avg=28.4,flag="N",raw="Avg=28.40,Flag=N" 1700000000000\n' +
      'minute,factor=a34004,mn=M\\ 1,st=32 zs_avg=0,raw="Avg=***,ZsAvg=-0",invalid=true 1700000000000',
    lines: 2,
  });
});

t.test('an upload without factors leaves one trace line with its CN and parameters; an empty ST is no tag', async (t) => {
  t.same(uploadLines(upload({ RestartTime: '20240101000000' }, { kind: 'restart', cn: '2081', st: '' })), {
    text: 'restart,mn=M\\ 1 cn="2081",params="RestartTime=20240101000000" 1700000000000',
    lines: 1,
  });
});

t.test('names line protocol cannot hold and a non-finite time are refused', async (t) => {
  t.throws(() => uploadLines(upload({ 'a\\-Avg': '1' })), LineProtocolError);
  t.throws(() => uploadLines(upload({ 'a-Avg': '1' }, { timeMs: Number.NaN })), LineProtocolError);
});
