/**
 * The minimal store-then-ack gateway the real one is measured against (issue 13): net server → our framer →
 * parseFrame → readCp → InfluxDB line protocol → group commit over one keep-alive HTTP connection to InfluxDB 1.x
 * `/write` → 9014 after the write answered 204. No Redis, no authentication, no dedupe, archive, latest values,
 * sessions, check jobs or metrics: the least work a Node process must do to store a frame and then ack it, on the
 * same codec, so "CPU per frame of the gateway ÷ CPU per frame of this" is the gateway's overhead.
 *
 * Benchmark code only: a failed write drops the batch without acks (the collectors retransmit).
 */
import { Agent, request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createFramer, dataAck, encodeFrame, parseFrame, readCp, type Packet } from '../../protocol/index.js';

export interface MinimalGatewayOptions {
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  influxUrl: string;
  database: string;
  /** Time zone of DataTime (HJ212-2017 6.3.2: local time of the collector). Default Asia/Shanghai. */
  timeZone?: string;
  /** Largest group commit in lines. Default 5000. */
  maxLines?: number;
}

export interface MinimalGateway {
  port: number;
  /** Frames parsed and acked so far. */
  readonly frames: number;
  readonly acked: number;
  readonly connectionCount: number;
  close(): Promise<void>;
}

/** Measurement per upload CN, as the real gateway names them (HJ212-2017 table 5). */
const KIND: Readonly<Record<string, string>> = { '2011': 'realtime', '2051': 'minute', '2061': 'hour', '2031': 'day' };
/** CP suffix → numeric field (HJ212-2017 6.6.3 table 7). */
const NUMERIC = [['rtd', 'rtd'], ['min', 'min'], ['avg', 'avg'], ['max', 'max'], ['cou', 'cou']] as const;
// Tag values and field keys need escaping only for these (line protocol reference, "special characters").
const SPECIAL = /[,= \n\r\t\\"]/;

/** Line protocol of one upload: one line per factor, tags mn and factor, float fields, flag as a string. */
function toLines(kind: string, mn: string, packet: Packet, timeZone: string, out: string[]): boolean {
  const cp = readCp(packet.cp, { timeZone });
  if (cp.dataTimeMs === undefined || SPECIAL.test(mn)) return false;
  for (const f of cp.factors) {
    if (SPECIAL.test(f.code)) continue;
    let fields = '';
    for (const [key, name] of NUMERIC) {
      const v = f[key];
      if (v !== undefined && Number.isFinite(Number(v))) fields += `${fields ? ',' : ''}${name}=${v}`;
    }
    if (f.flag !== undefined && !SPECIAL.test(f.flag)) fields += `${fields ? ',' : ''}flag="${f.flag}"`;
    if (fields) out.push(`${kind},factor=${f.code},mn=${mn} ${fields} ${cp.dataTimeMs}`);
  }
  return true;
}

export async function startMinimalGateway(opts: MinimalGatewayOptions): Promise<MinimalGateway> {
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  const maxLines = opts.maxLines ?? 5000;
  const url = new URL(`/write?db=${encodeURIComponent(opts.database)}&precision=ms`, opts.influxUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  let lines: string[] = [];
  let acks: Array<[Socket, Uint8Array]> = [];
  let writing = false;
  let frames = 0;
  let acked = 0;

  /** POSTs the pending lines; once InfluxDB answered 204 the pending acks go out (store, then ack). */
  function flush(): void {
    if (writing || lines.length === 0) return;
    writing = true;
    const body = lines.length > maxLines ? lines.splice(0, maxLines) : lines;
    const batchAcks = acks;
    if (body === lines) lines = [];
    acks = [];
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 204) {
          const corked = new Set<Socket>();
          for (const [socket, ack] of batchAcks) {
            if (socket.destroyed) continue;
            if (!corked.has(socket)) {
              socket.cork();
              corked.add(socket);
            }
            socket.write(ack);
            acked++;
          }
          for (const socket of corked) socket.uncork();
        }
        writing = false;
        flush();
      });
    });
    req.on('error', () => {
      writing = false;
      setTimeout(flush, 100);
    });
    req.end(body.join('\n'));
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const framer = createFramer({
      onFrame(frame) {
        const parsed = parseFrame(frame);
        if (!parsed.ok) return;
        const { packet } = parsed;
        const kind = KIND[packet.cn];
        if (kind === undefined || packet.mn === undefined) return;
        frames++;
        if (!toLines(kind, packet.mn, packet, timeZone, lines)) return;
        // HJ212-2017 6.5.2: the 9014 only when the upload asked for it (Flag bit A), and only after the write.
        if (((packet.flag ?? 0) & 1) === 1) acks.push([socket, encodeFrame(dataAck(packet))]);
      },
    });
    socket.on('data', (chunk) => {
      framer.push(chunk);
      flush();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = 20_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get frames() {
      return frames;
    },
    get acked() {
      return acked;
    },
    get connectionCount() {
      return sockets.size;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
