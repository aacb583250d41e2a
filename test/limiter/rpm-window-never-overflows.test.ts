import { afterEach, describe, expect, it, vi } from 'vitest';
import { unlimited } from '../../src/limiter/limits';
import { TierLimiter } from '../../src/limiter/tier-limiter';
import type { Grant } from '../../src/limiter/ticket';
import { drive } from './support/drive';
import { WindowGateway, random } from './support/window-gateway';

// Why no window can see N + 1: a call holds its slot from before it is sent until a full
// window after it settles. A call the gateway counts at instant t was sent before t and
// settles after t, so it holds its slot over [t, t + window). Take any N + 1 counted calls
// within one window and the latest count instant T: every one of them holds its slot at T,
// which N slots cannot allow. The argument never uses where the gateway anchors its window,
// so the tests below check the stricter sliding form: no span of one window has N + 1.

const limiterFor = (rpm: number, windowMs: number) =>
  new TierLimiter({ ...unlimited(), rpm }, { windowMs });

afterEach(() => {
  vi.useRealTimers();
});

describe('rpm_limit over a fixed window anchored at arrival', () => {
  it('gets no 429 with real timers and random network delays', async () => {
    const windowMs = 250;
    const limiter = limiterFor(4, windowMs);
    const gateway = new WindowGateway(4, windowMs);
    const rnd = random(7);
    const result = await drive({
      acquire: () => limiter.acquire({ tokens: 1 }),
      gateway,
      callers: 6,
      calls: 3,
      up: () => rnd() * 50,
      down: () => rnd() * 50,
    });
    await limiter.close();
    expect(result).toEqual({ ok: 18, refused: 0 });
    expect(gateway.mostInAnyWindow()).toBeLessThanOrEqual(4);
  });

  it('gets no 429 for any of 20 seeds of skewed delays (fake clock)', async () => {
    vi.useFakeTimers();
    for (let seed = 1; seed <= 20; seed += 1) {
      const rnd = random(seed);
      const windowMs = 1000;
      const limiter = limiterFor(3, windowMs);
      const gateway = new WindowGateway(3, windowMs);
      // Some calls crawl to the gateway and race back; others the reverse.
      const run = drive({
        acquire: () => limiter.acquire({ tokens: 1 }),
        gateway,
        callers: 10,
        calls: 3,
        up: () => (rnd() < 0.3 ? 600 * rnd() : 5 * rnd()),
        down: () => (rnd() < 0.3 ? 600 * rnd() : 5 * rnd()),
      });
      await vi.runAllTimersAsync();
      expect(await run).toEqual({ ok: 30, refused: 0 });
      expect(gateway.mostInAnyWindow()).toBeLessThanOrEqual(3);
      await limiter.close();
    }
  });

  it('catches a naive rule (a slot back a window after sending) with that checker', async () => {
    vi.useFakeTimers();
    const windowMs = 1000;
    const gateway = new WindowGateway(3, windowMs);
    const sentAt: number[] = [];
    // The naive rule frees a slot one window after the call was sent, not after it settled.
    const acquire = async (): Promise<Grant> => {
      for (;;) {
        const at = performance.now();
        const recent = sentAt.filter((t) => t > at - windowMs);
        if (recent.length < 3) break;
        await new Promise((r) => setTimeout(r, Math.min(...recent) + windowMs - at));
      }
      sentAt.push(performance.now());
      return { settle: () => undefined };
    };
    let flip = 0;
    const run = drive({
      acquire,
      gateway,
      callers: 6,
      calls: 2,
      up: () => (flip++ % 2 === 0 ? 900 : 0),
      down: () => 0,
    });
    await vi.runAllTimersAsync();
    await run;
    expect(gateway.mostInAnyWindow()).toBeGreaterThan(3);
  });

  it('still admits at least 95 % of the allowance under sustained load (fake clock)', async () => {
    vi.useFakeTimers();
    const windowMs = 1000;
    const windows = 10;
    const limiter = limiterFor(5, windowMs);
    const gateway = new WindowGateway(5, windowMs);
    const start = performance.now();
    const run = drive({
      acquire: () => limiter.acquire({ tokens: 1 }),
      gateway,
      callers: 50,
      until: start + windows * windowMs,
      up: () => 5,
      down: () => 5,
    });
    await vi.runAllTimersAsync();
    const { refused } = await run;
    const counted = gateway.admitted.filter((t) => t < start + windows * windowMs).length;
    expect(refused).toBe(0);
    expect(counted / (5 * windows)).toBeGreaterThanOrEqual(0.95);
    await limiter.close();
  });
});
