import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../../src/gateway/index';
import { TierClient } from '../../../src/index';
import { sharedRedis, SHARED_REDIS_URL } from './support/redis';

const redis = await sharedRedis();
const WINDOW_MS = 600;
const ask = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

describe.skipIf(!redis.ok)('the redis option of withKey, forKey and the constructor', () => {
  let gateway: RunningGateway;
  let admin: TierClient;
  const open: TierClient[] = [];
  const forgets: Array<() => Promise<void>> = [];
  let n = 0;
  const keyed = async (tier: Record<string, unknown>) => {
    n += 1;
    const budget_id = `redis-option-${n}-${process.pid}`;
    await admin.createBudget({ ...tier, budget_id });
    const generated = await admin.generateKey({ budget_id });
    forgets.push(() => cleanKey(generated.key));
    return generated;
  };
  const track = (client: TierClient) => (open.push(client), client);

  beforeAll(async () => {
    gateway = await startGateway({ windowMs: WINDOW_MS, tierCacheMs: 0 });
    admin = new TierClient({ baseUrl: gateway.url, apiKey: gateway.masterKey });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    for (const forget of forgets) await forget();
    await admin?.close();
    await gateway?.close();
  });

  it('shares one tier between two clients made by withKey on the same key', async () => {
    const generated = await keyed({ rpm_limit: 2 });
    const shared = { redis: SHARED_REDIS_URL, windowMs: WINDOW_MS };
    const a = track(await admin.withKey(generated, shared));
    const b = track(await admin.withKey(generated, {
      redis: SHARED_REDIS_URL, windowMs: WINDOW_MS, onLimit: 'reject',
    }));
    await a.chatCompletions(ask);
    await a.chatCompletions(ask);
    await expect(b.chatCompletions(ask)).rejects.toMatchObject({
      name: 'RateLimitError', source: 'client', limit: 'requests',
    });
    const stats = gateway.stats().keys[generated.token as string];
    expect(stats).toMatchObject({ arrived: 2, admitted: 2 });
    expect(b.limiterState()?.shared?.mode).toBe('shared');
  });

  it('builds a shared limiter in forKey from the key alone', async () => {
    const generated = await keyed({ rpm_limit: 3, max_parallel_requests: 2 });
    const client = track(await TierClient.forKey({
      baseUrl: gateway.url, apiKey: generated.key, redis: SHARED_REDIS_URL, windowMs: WINDOW_MS,
    }));
    await client.chatCompletions(ask);
    expect(client.limiterState()?.shared).toMatchObject({ mode: 'shared', parallelLeased: true });
  });

  it("uses a user's ioredis client without closing it, and closes what it opened", async () => {
    const generated = await keyed({ rpm_limit: 3, max_parallel_requests: 2 });
    const mine = new Redis(SHARED_REDIS_URL, { connectionName: 'users-own' });
    // The SDK's connections are duplicates of the user's client: they carry its name.
    const named = async () =>
      ((await mine.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes('name=users-own')).length;
    const before = await named();
    const client = new TierClient({
      baseUrl: gateway.url, apiKey: generated.key, redis: mine,
      keyLimits: { rpm_limit: 3, max_parallel_requests: 2 },
      windowMs: WINDOW_MS,
    });
    await client.chatCompletions(ask);
    expect(await named()).toBeGreaterThan(before);
    await client.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await named()).toBe(before);
    expect(await mine.ping()).toBe('PONG');
    mine.disconnect();
  });

  it('refuses a malformed redis option at construction, naming it', () => {
    const build = (redisOption: unknown, extra: Record<string, unknown> = {}) => () =>
      new TierClient({
        baseUrl: gateway.url, apiKey: 'sk-options-check', keyLimits: { rpm_limit: 1 },
        redis: redisOption as never, ...extra,
      });
    expect(build('localhost:6379')).toThrow(/redis must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(build({ get: () => undefined })).toThrow(/redis must be an ioredis client/);
    expect(build(SHARED_REDIS_URL, { redisFallback: 'maybe' })).toThrow(/redisFallback/);
  });
});

async function cleanKey(apiKey: string): Promise<void> {
  const { ledgerPrefix } = await import('../../../src/limiter/redis/keys');
  const client = new Redis(SHARED_REDIS_URL);
  const tag = ledgerPrefix(apiKey).slice(4);
  for (const pattern of [`ltc:${tag}*`, `b_ltc:${tag}*`]) {
    const keys = await client.keys(pattern);
    if (keys.length > 0) await client.del(...keys);
  }
  client.disconnect();
}
