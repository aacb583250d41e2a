import { afterEach, describe, expect, it } from 'vitest';
import { sleep, startChild, type Child } from './support/processes';
import { sharedRedis, SHARED_REDIS_URL, testKey } from './support/redis';
import { sharedLimiters, tier } from './support/shared';

const redis = await sharedRedis();
const WINDOW_MS = 600;
// The heartbeat is a tenth of the window; a lease is three heartbeats.
const LEASE_MS = 180;

describe.skipIf(!redis.ok)('what a dead or frozen process held comes back on its own', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  async function holder(label: string, rpm: number, parallel: number | null, count: number) {
    const key = testKey(label);
    const limiters = sharedLimiters(key.apiKey);
    const child: Child = startChild('test/limiter/redis/support/hold-child.ts', [
      JSON.stringify({ url: SHARED_REDIS_URL, apiKey: key.apiKey, rpm, parallel, count }),
    ]);
    cleanups.push(key.forget, limiters.closeAll, async () => {
      child.process.kill('SIGKILL');
      await child.exited;
    });
    await child.line((l) => l === 'held');
    return { child, make: limiters.make };
  }

  /** How long until `acquire` resolves, in ms. */
  async function waitFor(acquire: () => Promise<unknown>): Promise<number> {
    const at = performance.now();
    await acquire();
    return performance.now() - at;
  }

  it("gives a killed process's requests back a window and a lease after its last beat",
    async () => {
      const { child, make } = await holder('killed', 2, null, 2);
      child.process.kill('SIGKILL');
      const killedAt = performance.now();
      await make(tier({ rpm_limit: 2 })).acquire({ tokens: 1 });
      const sinceKill = performance.now() - killedAt;
      expect(sinceKill).toBeGreaterThanOrEqual(WINDOW_MS - 100);
      expect(sinceKill).toBeLessThan(WINDOW_MS + LEASE_MS + 400);
    });

  it("gives a killed process's parallel slots back the same way", async () => {
    const { child, make } = await holder('killed-par', 100, 2, 2);
    child.process.kill('SIGKILL');
    const waited = await waitFor(() =>
      make(tier({ rpm_limit: 100, max_parallel_requests: 2 })).acquire({ tokens: 1 }));
    expect(waited).toBeGreaterThanOrEqual(WINDOW_MS - 100);
    expect(waited).toBeLessThan(WINDOW_MS + LEASE_MS + 600);
  });

  it('gives a frozen process its slots back, and counts them again once it wakes and settles',
    async () => {
      const { child, make } = await holder('frozen', 2, null, 2);
      child.process.kill('SIGSTOP');
      const other = make(tier({ rpm_limit: 2 }), { onLimit: 'reject' });
      await expect(other.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
      await sleep(WINDOW_MS + LEASE_MS + 200);
      const taken = [await other.acquire({ tokens: 1 }), await other.acquire({ tokens: 1 })];
      child.process.kill('SIGCONT');
      child.say('settle');
      await child.line((l) => l === 'settled');
      for (const grant of taken) grant.settle({ sent: true });
      // Its calls may have reached the gateway late: they count a full window from now.
      await sleep(100);
      await expect(other.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    });
});
