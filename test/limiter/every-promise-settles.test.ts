import { gateway429 as refusal } from './support/gateway-refusal';
import Bottleneck from 'bottleneck';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lane } from '../../src/limiter/lane';
import { UNLIMITED } from '../../src/limiter/lane';
import type { TierLimits } from '../../src/limiter/limits';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import type { Grant } from '../../src/limiter/ticket';
import { limits } from './support/flush';
import { random } from './support/window-gateway';

afterEach(() => {
  vi.useRealTimers();
});

const tiers = (rnd: () => number): TierLimits =>
  limits({
    rpm: rnd() < 0.2 ? null : Math.floor(rnd() * 5),
    tpm: rnd() < 0.2 ? null : 50 + Math.floor(rnd() * 300),
    parallel: rnd() < 0.3 ? null : 1 + Math.floor(rnd() * 3),
    models: { a: { rpm: 1 + Math.floor(rnd() * 2), tpm: 200, maxBudget: null } },
  });

const lanesOf = (limiter: TierLimiter): Lane[] =>
  (limiter as unknown as { lanes: { all(): Lane[] } }).lanes.all();

const gateway429 = refusal(300);

describe('a random mix of calls, aborts, updates, feedback and close', () => {
  it('settles every acquire, keeps reservoirs equal to the ledger, leaves no timer', async () => {
    vi.useFakeTimers();
    for (let seed = 1; seed <= 12; seed += 1) {
      const rnd = random(seed);
      const limiter = new TierLimiter(tiers(rnd), {
        windowMs: 500,
        onLimit: seed % 3 === 0 ? 'reject' : 'queue',
        maxWaitMs: seed % 2 === 0 ? 1500 : Infinity,
        reload: async () => ({ limits: tiers(rnd), spend: 0 }),
      });
      const calls: Array<Promise<unknown>> = [];
      const grants: Grant[] = [];
      const controllers: AbortController[] = [];
      for (let step = 0; step < 150; step += 1) {
        const r = rnd();
        if (r < 0.45) {
          const controller = new AbortController();
          controllers.push(controller);
          const model = rnd() < 0.3 ? 'a' : rnd() < 0.5 ? 'b' : undefined;
          const tokens = Math.floor(rnd() * 120);
          const call = limiter.acquire({ tokens, model, signal: controller.signal });
          calls.push(call.then((grant) => grants.push(grant)).catch(() => undefined));
        } else if (r < 0.7 && grants.length > 0) {
          const grant = grants.splice(Math.floor(rnd() * grants.length), 1)[0] as Grant;
          const sent = rnd() < 0.85;
          const error = rnd() < 0.05 ? gateway429 : undefined;
          grant.settle({ sent, error, usage: { total_tokens: Math.floor(rnd() * 150) } });
        } else if (r < 0.78) {
          controllers[Math.floor(rnd() * controllers.length)]?.abort();
        } else if (r < 0.82) {
          limiter.update(tiers(rnd));
        } else {
          await vi.advanceTimersByTimeAsync(rnd() * 300);
        }
      }
      for (const grant of grants.splice(0)) grant.settle({ sent: true });
      await vi.advanceTimersByTimeAsync(0);
      for (const lane of lanesOf(limiter)) {
        const engine = lane.bottleneck as Bottleneck | null;
        if (engine === null) continue;
        const expected = (lane.limit ?? UNLIMITED) - lane.held - lane.ghost;
        expect(await engine.currentReservoir()).toBe(expected);
      }
      await limiter.close();
      await vi.advanceTimersByTimeAsync(0);
      let pending = 0;
      for (const call of calls) {
        let done = false;
        void call.then(() => (done = true));
        await Promise.resolve();
        await Promise.resolve();
        if (!done) pending += 1;
      }
      expect(pending).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});
