/**
 * Command routing through Redis (ARCHITECTURE: any gateway instance can own a device): the worker looks up the
 * instance holding the MN in `${prefix}status:${mn}` and publishes on `${prefix}cmd:${instanceId}`; collectors'
 * answers go to the stream `${prefix}replies`, read by the worker.
 */
import type { Redis } from 'ioredis';
import type { CommandBus, DeviceCommand, DeviceReply } from '../../domain/ports.js';

/** A command as published, or undefined when the message is not one (junk on the channel must not crash a gateway). */
export function decodeCommand(message: string): DeviceCommand | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  const texts = [c.id, c.mn, c.cn, c.qn].every((v) => typeof v === 'string');
  const cp = typeof c.cp === 'object' && c.cp !== null && Object.values(c.cp).every((v) => typeof v === 'string');
  return texts && cp ? (value as DeviceCommand) : undefined;
}

export interface CommandBusOptions {
  prefix: string;
  maxReplies?: number;
  /** Called for a message on this instance's channel that is not a command; it is dropped after this. */
  onInvalid?: (message: string) => void;
}

export function createRedisCommandBus(redis: Redis, opts: CommandBusOptions): CommandBus & { readReplies(afterId: string, count: number): Promise<Array<{ id: string; reply: DeviceReply }>> } {
  let subscriber: Redis | undefined;
  const repliesKey = `${opts.prefix}replies`;
  return {
    async listen(instanceId, onCommand) {
      subscriber = redis.duplicate();
      // Same server as `redis`, whose owner logs its connection errors; this one only needs a listener.
      subscriber.on('error', () => undefined);
      const channel = `${opts.prefix}cmd:${instanceId}`;
      subscriber.on('message', (ch: string, message: string) => {
        if (ch !== channel) return;
        const cmd = decodeCommand(message);
        if (cmd) onCommand(cmd);
        else opts.onInvalid?.(message);
      });
      await subscriber.subscribe(channel);
    },
    async send(cmd) {
      const [connected, instanceId] = await redis.hmget(`${opts.prefix}status:${cmd.mn}`, 'connected', 'instanceId');
      if (connected !== '1' || !instanceId) return 'offline';
      const receivers = await redis.publish(`${opts.prefix}cmd:${instanceId}`, JSON.stringify(cmd));
      return receivers > 0 ? 'sent' : 'offline';
    },
    async reply(reply) {
      await redis.xadd(repliesKey, 'MAXLEN', '~', String(opts.maxReplies ?? 100_000), '*', 'r', JSON.stringify(reply));
    },
    async readReplies(afterId, count) {
      const res = await redis.xrange(repliesKey, afterId === '0' ? '-' : `(${afterId}`, '+', 'COUNT', count);
      return res.map(([id, fields]) => ({ id, reply: JSON.parse(fields[1] ?? '{}') as DeviceReply }));
    },
    async close() {
      await subscriber?.quit();
    },
  };
}
