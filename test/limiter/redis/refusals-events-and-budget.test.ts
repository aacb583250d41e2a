import { describe, expect, it } from 'vitest';
import { BudgetExceededError, RateLimitError, TierClientError } from '../../../src/index';
import { sharedLimiters, tier, useSharedLimiters } from './support/shared';
import { sharedRedis } from './support/redis';
import type { LimiterEvent } from '../../../src/limiter/events';
import { sleep } from './support/processes';

const redis = await sharedRedis();
const WINDOW_MS = 600;

describe('refusals and a zero limit, without Redis at all', () => {
  it('refuses at once when rpm_limit is 0, in both modes, without asking Redis', async () => {
    const { make, closeAll } = sharedLimiters('sk-zero-limit', 'redis://127.0.0.1:1');
    for (const onLimit of ['queue', 'reject'] as const) {
      const limiter = make(tier({ rpm_limit: 0 }), { onLimit });
      await expect(limiter.acquire({ tokens: 1 })).rejects.toMatchObject({
        name: 'RateLimitError', source: 'client', limit: 'requests',
      });
    }
    await closeAll();
  });
});

describe.skipIf(!redis.ok)('waiting, refusing and spending across processes', () => {
  const use = useSharedLimiters();
  const setup = (label: string) => use(label).make;

  it("refuses with retryAfterMs in 'reject' mode when another process took the window",
    async () => {
      const make = setup('reject');
      const a = make(tier({ rpm_limit: 1 }));
      (await a.acquire({ tokens: 1 })).settle({ sent: true });
      const b = make(tier({ rpm_limit: 1 }), { onLimit: 'reject' });
      const error = await b.acquire({ tokens: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ source: 'client', limit: 'requests' });
      const retry = (error as RateLimitError).retryAfterMs ?? -1;
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(WINDOW_MS);
    });

  it('refuses a call that would wait past maxWaitMs, and emits queued and throttled', async () => {
    const make = setup('wait');
    const a = make(tier({ rpm_limit: 1 }));
    (await a.acquire({ tokens: 1 })).settle({ sent: true });
    const events: LimiterEvent[] = [];
    const b = make(tier({ rpm_limit: 1 }), { maxWaitMs: 100, emit: (e) => events.push(e) });
    await expect(b.acquire({ tokens: 1 })).rejects.toMatchObject({ limit: 'requests' });
    const c = make(tier({ rpm_limit: 1 }), { emit: (e) => events.push(e) });
    const granted = c.acquire({ tokens: 1 });
    await sleep(50);
    expect(events.map((e) => e.type)).toEqual(['refused', 'queued', 'throttled']);
    (await granted).settle({ sent: true });
  });

  it('removes an aborted call from the line without sending it; the next one goes', async () => {
    const make = setup('abort');
    const a = make(tier({ rpm_limit: 1 }));
    const held = await a.acquire({ tokens: 1 });
    const b = make(tier({ rpm_limit: 1 }));
    const controller = new AbortController();
    const aborted = b.acquire({ tokens: 1, signal: controller.signal });
    const next = a.acquire({ tokens: 1 });
    await sleep(50);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'APIUserAbortError' });
    held.settle({ sent: false });
    await expect(next).resolves.toBeDefined();
  });

  it('rejects waiting calls with a TierClientError on close, and settles every promise',
    async () => {
    const make = setup('close');
    const a = make(tier({ rpm_limit: 1 }));
    (await a.acquire({ tokens: 1 })).settle({ sent: true });
    const waiting = [a.acquire({ tokens: 1 }), a.acquire({ tokens: 1 })].map((call) =>
      call.then(() => 'granted', (error: unknown) => error));
    await sleep(30);
    await a.close();
    for (const outcome of await Promise.all(waiting)) {
      expect(outcome).toBeInstanceOf(TierClientError);
    }
    await expect(a.acquire({ tokens: 1 })).rejects.toThrow(/closed/);
  });

  it('refuses in every process once the shared spend reaches max_budget', async () => {
    const make = setup('budget');
    const a = make(tier({ max_budget: 0.05 }));
    const b = make(tier({ max_budget: 0.05 }));
    (await a.acquire({ tokens: 1 })).settle({ sent: true, cost: 0.06 });
    await sleep(30);
    (await a.acquire({ tokens: 1 }).catch(() => null))?.settle({ sent: false });
    // b learns the spend from the ledger on its next admission, and refuses from then on.
    (await b.acquire({ tokens: 1 }).catch(() => null))?.settle({ sent: false });
    await expect(b.acquire({ tokens: 1 })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(b.state().spend).toBeGreaterThanOrEqual(0.06);
    // An authoritative re-read (a reset budget) clears it for everyone.
    b.setSpend(0);
    await sleep(50);
    const c = make(tier({ max_budget: 0.05 }));
    await expect(c.acquire({ tokens: 1 })).resolves.toBeDefined();
  });
});
