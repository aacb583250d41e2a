import type Bottleneck from 'bottleneck';
import { describe, expect, it } from 'vitest';
import type { Lane } from '../../src/limiter/lane';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import { limits } from './support/flush';

const lanesOf = (limiter: TierLimiter): Lane[] =>
  (limiter as unknown as { lanes: { all(): Lane[] } }).lanes.all();

describe('the Bottleneck engines behind a limiter', () => {
  it('are built from the caller’s base options, one id per lane (for clustering)', async () => {
    const limiter = new TierLimiter(
      limits({ rpm: 3, tpm: 100, models: { m: { rpm: 1, tpm: 50, maxBudget: null } } }),
      { bottleneck: { id: 'key-abcd' } },
    );
    await limiter.acquire({ tokens: 1, model: 'm' });
    const ids = lanesOf(limiter).map((lane) => (lane.bottleneck as Bottleneck & { id: string }).id);
    expect(ids).toEqual([
      'key-abcd:requests',
      'key-abcd:tokens',
      'key-abcd:model:m:requests',
      'key-abcd:model:m:tokens',
    ]);
    await limiter.close();
  });

  it('hold the counts: reservoirs fall as calls go; parallel is maxConcurrent', async () => {
    const limiter = new TierLimiter(limits({ rpm: 3, tpm: 100, parallel: 2 }));
    await limiter.acquire({ tokens: 30 });
    const [requests, tokens] = lanesOf(limiter).map((lane) => lane.bottleneck as Bottleneck);
    expect(await requests?.currentReservoir()).toBe(2);
    expect(await tokens?.currentReservoir()).toBe(70);
    expect(await requests?.running()).toBe(1);
    limiter.update(limits({ rpm: 3, tpm: 100, parallel: 5 }));
    await new Promise((r) => setImmediate(r));
    expect((requests as unknown as { _store: { storeOptions: { maxConcurrent: number } } })._store
      .storeOptions.maxConcurrent).toBe(5);
    await limiter.close();
  });

  it('run on the fast path with the installed Bottleneck', async () => {
    const limiter = new TierLimiter(limits({ rpm: 3 }));
    expect(limiter.state().fastPath).toBe(true);
    await limiter.close();
  });

  it('make no engine for a lane until it has a limit', async () => {
    const limiter = new TierLimiter(limits({}));
    await limiter.acquire({ tokens: 5, model: 'x' });
    expect(lanesOf(limiter).map((lane) => lane.bottleneck !== null)).toEqual([
      true, // the key's requests lane always runs the calls
      false,
      false,
      false,
    ]);
    await limiter.close();
  });
});
