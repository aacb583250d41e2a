import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import * as nodeRedis from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierClient } from '../../../src/index';
import { createBottleneck } from '../../../src/limiter/engine';
import { fixClusterErrors } from '../../../src/limiter/redis/bottleneck-cluster';
import { sleep, startChild } from './support/processes';
import { privateRedis, type PrivateRedis } from './support/redis';

/**
 * Each fault of Bottleneck 2.19.5's clustering that users meet, first shown on a stock
 * Bottleneck against a real redis-server 7, then shown handled by what this package ships.
 */
describe('the faults of Bottleneck 2.19.5 clustering, reproduced and handled', () => {
  let redis: PrivateRedis;
  const connections: Bottleneck.IORedisConnection[] = [];
  const connect = (fixed: boolean) => {
    const connection = new Bottleneck.IORedisConnection({ client: redis.client() as never });
    if (fixed) fixClusterErrors(connection);
    connections.push(connection);
    return connection;
  };
  const clustered = (id: string, connection: Bottleneck.IORedisConnection) => {
    const limiter = new Bottleneck({ id, connection, maxConcurrent: 2 });
    limiter.on('error', () => undefined);
    return limiter;
  };
  const threeJobs = async (limiter: Bottleneck) => {
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push(await limiter.schedule(async () => 'ran').catch((e: Error) => e.message));
    }
    return outcomes;
  };

  beforeAll(async () => {
    redis = await privateRedis();
  });
  afterAll(async () => {
    for (const c of connections) await c.disconnect(false);
    await redis?.close();
  });

  it('runs Redis 7, whose script errors carry the ERR prefix', async () => {
    const info = await redis.client().info('server');
    expect(Number(/redis_version:(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(7);
  });

  it('fails every job with ERR SETTINGS_KEY_NOT_FOUND after its keys are lost, unless fixed',
    async () => {
      const stock = clustered('lost-stock', connect(false));
      const fixed = clustered('lost-fixed', connect(true));
      await stock.schedule(async () => 'ran');
      await fixed.schedule(async () => 'ran');
      await redis.client().flushall();

      expect(await threeJobs(stock)).toEqual(Array(3).fill('ERR SETTINGS_KEY_NOT_FOUND'));
      expect(await threeJobs(fixed)).toEqual(['ran', 'ran', 'ran']);
    });

  it('fails every job with ERR UNKNOWN_CLIENT after a freeze past clientTimeout, unless fixed',
    async () => {
      const outcomes: Record<string, string[]> = {};
      for (const mode of ['stock', 'fixed']) {
        await redis.client().flushall();
        const file = 'test/limiter/redis/support/stall-child.ts';
        const child = startChild(file, [String(redis.port), mode]);
        await child.line((l) => l === 'ready');
        child.process.kill('SIGSTOP');
        await sleep(700);
        // Another member's tick drops the silent client from the cluster.
        const other = new Bottleneck({ id: 'stall', connection: connect(true), maxConcurrent: 2 });
        await other.schedule(async () => 'ran');
        child.process.kill('SIGCONT');
        child.say('go');
        outcomes[mode] = JSON.parse(await child.line((l) => l.startsWith('['))) as string[];
        await child.exited;
        await other.disconnect(false);
      }
      expect(outcomes['stock']).toEqual(Array(3).fill('ERR UNKNOWN_CLIENT'));
      expect(outcomes['fixed']).toEqual(['ran', 'ran', 'ran']);
    });

  it('never becomes ready with a node-redis 4 client; the client refuses one at once', async () => {
    const client = nodeRedis.createClient({ socket: { port: redis.port } });
    await client.connect();
    try {
      const connection = new Bottleneck.RedisConnection({
        client: client as never,
        Redis: nodeRedis as never,
      });
      const limiter = new Bottleneck({ id: 'node-redis', connection, maxConcurrent: 1 });
      limiter.on('error', () => undefined);
      const ready = await Promise.race([
        limiter.ready().then(() => 'ready'),
        sleep(1000).then(() => 'not ready'),
      ]);
      expect(ready).toBe('not ready');

      const build = () => new TierClient({
        baseUrl: 'http://127.0.0.1:1', apiKey: 'sk-node-redis-test', keyLimits: { rpm_limit: 5 },
        redis: client as never,
      });
      expect(build).toThrow(/node-redis client: node-redis 4 and later are not supported/);
    } finally {
      await client.disconnect();
    }
  });

  it('stops refreshing a local reservoir after updateSettings, unless built by createBottleneck',
    async () => {
      const options = { reservoir: 2, reservoirRefreshInterval: 200, reservoirRefreshAmount: 2 };
      const runIn = async (limiter: Bottleneck) => {
        await limiter.updateSettings({ maxConcurrent: 5 });
        let ran = 0;
        const jobs = Array.from({ length: 6 }, () => limiter.schedule(async () => (ran += 1)));
        await sleep(900);
        await limiter.stop({ dropWaitingJobs: true });
        await Promise.allSettled(jobs);
        return ran;
      };
      expect(await runIn(new Bottleneck(options))).toBe(2);
      expect(await runIn(createBottleneck(options))).toBe(6);
    });

  it('applies updateSettings to every member of a cluster, whose refresh lives in Redis',
    async () => {
    const one = clustered('settings', connect(true));
    const two = clustered('settings', connect(true));
    await one.updateSettings({ maxConcurrent: 1 });
    let running = 0;
    let most = 0;
    const job = async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(30);
      running -= 1;
    };
    await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? one : two).schedule(job)));
    expect(most).toBe(1);
    await one.updateSettings({ maxConcurrent: 3 });
    most = 0;
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? one : two).schedule(job)));
    expect(most).toBe(3);
  });

  it('keeps its process alive until disconnect(); a closed client lets it exit', async () => {
    const stock = startChild('test/limiter/redis/support/alive-child.ts', [redis.url, 'stock']);
    const ours = startChild('test/limiter/redis/support/alive-child.ts', [redis.url, 'client']);
    await Promise.all([stock.line((l) => l === 'done'), ours.line((l) => l === 'done')]);
    const within = (child: typeof stock) =>
      Promise.race([child.exited.then(() => 'exited'), sleep(3000).then(() => 'still alive')]);
    expect(await within(ours)).toBe('exited');
    expect(await within(stock)).toBe('still alive');
    stock.process.kill('SIGKILL');
    expect((await ours.exited).code).toBe(0);
  });
});
