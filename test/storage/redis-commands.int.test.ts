/** Command routing through Redis: delivery to the instance holding the MN, offline answers, junk on the channel. */
import { EventEmitter, once } from 'node:events';
import { Redis } from 'ioredis';
import t from 'tap';
import type { DeviceCommand } from '../../src/domain/ports.js';
import { createRedisCommandBus, decodeCommand } from '../../src/storage/redis/command-bus.js';
import { freshPrefix, redisUrl } from '../helpers/services.js';

const redis = new Redis(redisUrl());
t.teardown(() => redis.quit());

const command: DeviceCommand = { id: 'c1', mn: '88888880000001', cn: '2061', qn: '20240501000000000', cp: { BeginTime: '20240501000000', EndTime: '20240501030000' } };

t.test('decodeCommand accepts commands only', async (tt) => {
  tt.same(decodeCommand(JSON.stringify(command)), command);
  for (const junk of ['', 'not json', 'null', '42', '"text"', '[]', '{}', JSON.stringify({ ...command, cp: { a: 1 } }), JSON.stringify({ ...command, mn: 7 }), JSON.stringify({ ...command, cp: null })]) {
    tt.equal(decodeCommand(junk), undefined, junk || '(empty)');
  }
});

t.test('a command reaches the instance holding the MN; junk on its channel is reported and skipped', async (tt) => {
  const prefix = freshPrefix();
  const events = new EventEmitter();
  const gateway = createRedisCommandBus(redis, { prefix, onInvalid: (message) => events.emit('invalid', message) });
  const worker = createRedisCommandBus(redis, { prefix });
  tt.teardown(() => gateway.close());
  await gateway.listen('gw-1', (cmd) => events.emit('command', cmd));

  tt.equal(await worker.send(command), 'offline', 'no status record: offline');
  await redis.hset(`${prefix}status:${command.mn}`, { connected: '1', instanceId: 'gw-gone' });
  tt.equal(await worker.send(command), 'offline', 'the holding instance no longer listens');

  await redis.hset(`${prefix}status:${command.mn}`, { connected: '1', instanceId: 'gw-1' });
  const invalid = once(events, 'invalid');
  await redis.publish(`${prefix}cmd:gw-1`, '{"not":"a command"');
  tt.same(await invalid, ['{"not":"a command"'], 'junk reported');
  const delivered = once(events, 'command');
  tt.equal(await worker.send(command), 'sent');
  tt.same(await delivered, [command], 'the next good command still arrives');
});
