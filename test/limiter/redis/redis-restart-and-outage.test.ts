import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LimiterUnavailableError } from '../../../src/index';
import { ledgerPrefix } from '../../../src/limiter/redis/keys';
import { sleep } from './support/processes';
import { privateRedis, testKey, type PrivateRedis } from './support/redis';
import { sharedLimiters, tier } from './support/shared';

const WINDOW_MS = 600;

describe('a Redis that restarts empty, freezes or goes away', () => {
  let redis: PrivateRedis;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    redis = await privateRedis();
  });
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
    await redis.start().catch(() => undefined);
  });
  afterAll(async () => {
    await redis?.close();
  });
  const setup = (label: string) => {
    const key = testKey(label);
    const limiters = sharedLimiters(key.apiKey, redis.url);
    cleanups.push(limiters.closeAll);
    return { ...limiters, key };
  };

  it('writes back what live processes hold when Redis restarts empty, so nobody goes over',
    async () => {
      const { make } = setup('restart');
      const a = make(tier({ rpm_limit: 3, max_parallel_requests: 2 }));
      for (let i = 0; i < 2; i += 1) (await a.acquire({ tokens: 1 })).settle({ sent: true });
      await redis.restart(100);

      const b = make(tier({ rpm_limit: 3, max_parallel_requests: 2 }), { onLimit: 'reject' });
      const admitted = async () => {
        try {
          (await b.acquire({ tokens: 1 })).settle({ sent: true });
          return 'admitted';
        } catch (error) {
          return (error as { limit?: string }).limit ?? String(error);
        }
      };
      // The new ledger lets nobody in for a grace; then one of three slots is left.
      let first = await admitted();
      for (let i = 0; first !== 'admitted' && i < 20; i += 1) {
        await sleep(50);
        first = await admitted();
      }
      expect(first).toBe('admitted');
      expect(await admitted()).toBe('requests');
      expect(a.state().shared?.epoch).toBe(b.state().shared?.epoch);
    });

  it('does not send on a grant whose lease ran out while the process could not see it',
    async () => {
      const { make, key } = setup('lapse');
      const limiter = make(tier({ rpm_limit: 5 }));
      (await limiter.acquire({ tokens: 1 })).settle({ sent: true });
      // Redis freezes with the admission on its way: its answer comes after the lease.
      redis.signal('SIGSTOP');
      const granted = limiter.acquire({ tokens: 1 });
      await sleep(400);
      redis.signal('SIGCONT');
      const grant = await granted;
      expect(limiter.state().shared?.lapses).toBe(1);
      const client = new Redis(redis.url);
      const counted = await client.zcard(`${ledgerPrefix(key.apiKey)}:g:rpm`);
      client.disconnect();
      // The first call and the re-asked one: the lapsed grant was given back.
      expect(counted).toBe(2);
      grant.settle({ sent: true });
    });

  it("refuses with LimiterUnavailableError when Redis is gone and the fallback is 'fail'",
    async () => {
      const { make } = setup('fail');
      const limiter = make(tier({ rpm_limit: 1 }), {}, { timeoutMs: 300 });
      (await limiter.acquire({ tokens: 1 })).settle({ sent: true });
      const waiting = limiter.acquire({ tokens: 1 });
      await sleep(50);
      await redis.stop();
      const at = performance.now();
      await expect(waiting).rejects.toBeInstanceOf(LimiterUnavailableError);
      await expect(limiter.acquire({ tokens: 1 })).rejects.toThrow(/Redis/);
      expect(performance.now() - at).toBeLessThan(3000);
    });

  it("keeps to its share of the tier, after a window, when the fallback is 'local'",
    async () => {
      const { make } = setup('local');
      const a = make(tier({ rpm_limit: 4 }), {}, { fallback: 'local', timeoutMs: 300 });
      const b = make(tier({ rpm_limit: 4 }), {}, { fallback: 'local', timeoutMs: 300 });
      (await a.acquire({ tokens: 1 })).settle({ sent: true });
      (await b.acquire({ tokens: 1 })).settle({ sent: true });
      await sleep(150); // a heartbeat tells each how many processes share the key
      expect(a.state().shared?.peers).toBe(2);
      await redis.stop();

      const at = performance.now();
      const times: number[] = [];
      await Promise.all(Array.from({ length: 3 }, async () => {
        (await a.acquire({ tokens: 1 })).settle({ sent: true });
        times.push(performance.now() - at);
      }));
      expect(a.state().shared?.mode).toBe('local');
      times.sort((x, y) => x - y);
      // Nothing for a window, then 2 (4 shared by 2 processes, one of them its own earlier
      // call), the third a window after the second.
      expect(times[0]).toBeGreaterThanOrEqual(WINDOW_MS);
      expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(WINDOW_MS - 50);

      await redis.start();
      await sleep(400);
      expect(a.state().shared?.mode).toBe('shared');
    });
});
