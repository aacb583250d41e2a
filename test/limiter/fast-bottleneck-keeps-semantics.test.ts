import Bottleneck from 'bottleneck';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBottleneck } from '../../src/limiter/engine';
import {
  FAST_PATH_VERSION,
  canMakeFast,
  isFast,
  makeFast,
} from '../../src/limiter/fast-bottleneck';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('the Bottleneck fast path', () => {
  it('is applied to the installed Bottleneck 2.19.5', () => {
    expect((Bottleneck as unknown as { version: string }).version).toBe(FAST_PATH_VERSION);
    const limiter = createBottleneck({ maxConcurrent: 1 });
    expect(isFast(limiter)).toBe(true);
  });

  it('is skipped for any other Bottleneck version, which keeps stock behaviour', async () => {
    const limiter = new Bottleneck({});
    Object.defineProperty(limiter, 'version', { value: '2.19.4' });
    expect(canMakeFast(limiter)).toBe(false);
    expect(makeFast(limiter)).toBe(false);
    expect(isFast(limiter)).toBe(false);
    // Stock Bottleneck needs timers to run a job: with the clock frozen it never starts.
    vi.useFakeTimers();
    let ran = false;
    void limiter.schedule(async () => {
      ran = true;
    });
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
    expect(ran).toBe(false);
    await vi.runAllTimersAsync();
    expect(ran).toBe(true);
  });

  it('is skipped for a clustered datastore', () => {
    const limiter = new Bottleneck({});
    Object.defineProperty(limiter, 'datastore', { value: 'ioredis' });
    expect(makeFast(limiter)).toBe(false);
  });

  it('runs jobs without any timer', async () => {
    vi.useFakeTimers();
    const limiter = createBottleneck({ maxConcurrent: 2 });
    const results = await Promise.all([1, 2, 3].map((n) => limiter.schedule(async () => n * 2)));
    expect(results).toEqual([2, 4, 6]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps FIFO order at equal priority', async () => {
    const limiter = createBottleneck({ maxConcurrent: 1 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiter.schedule(async () => void order.push(i))),
    );
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('keeps maxConcurrent', async () => {
    const limiter = createBottleneck({ maxConcurrent: 3 });
    let running = 0;
    let most = 0;
    const job = async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
    };
    await Promise.all(Array.from({ length: 12 }, () => limiter.schedule(job)));
    expect(most).toBe(3);
  });

  it('keeps the reservoir: weights are taken, a depleted one waits for an increment', async () => {
    const limiter = createBottleneck({ reservoir: 5 });
    const done: number[] = [];
    const jobs = [3, 2, 1].map((weight) =>
      limiter.schedule({ weight }, async () => void done.push(weight)),
    );
    await Promise.all(jobs.slice(0, 2));
    await tick();
    expect(done).toEqual([3, 2]);
    expect(await limiter.currentReservoir()).toBe(0);
    await limiter.incrementReservoir(1);
    await jobs[2];
    expect(done).toEqual([3, 2, 1]);
    expect(await limiter.currentReservoir()).toBe(0);
  });

  it('keeps stop(): waiting jobs are dropped with an error, running ones finish', async () => {
    const limiter = createBottleneck({ maxConcurrent: 1 });
    let finish = () => undefined as void;
    const running = limiter.schedule(() => new Promise<string>((r) => (finish = () => r('done'))));
    const waiting = limiter.schedule(async () => 'never');
    await tick();
    const stopped = limiter.stop({ dropWaitingJobs: true });
    await expect(waiting).rejects.toThrow('This limiter has been stopped.');
    finish();
    await expect(running).resolves.toBe('done');
    await stopped;
    await expect(limiter.schedule(async () => 1)).rejects.toThrow('cannot accept new jobs');
  });

  it('keeps a refreshing reservoir: its heartbeat lets waiting jobs run', async () => {
    const limiter = createBottleneck({
      reservoir: 1,
      reservoirRefreshAmount: 1,
      reservoirRefreshInterval: 40,
    });
    const done = await Promise.all([1, 2, 3].map((n) => limiter.schedule(async () => n)));
    expect(done).toEqual([1, 2, 3]);
    await limiter.disconnect();
  });

  it('keeps every event reaching its listeners, debug included', async () => {
    const limiter = createBottleneck({});
    const seen: string[] = [];
    limiter.on('executing', () => seen.push('executing'));
    limiter.on('done', () => seen.push('done'));
    await limiter.schedule(async () => seen.push('ran'));
    expect(seen).toEqual(['executing', 'ran', 'done']);
    let debug = 0;
    limiter.on('debug', () => (debug += 1));
    await limiter.schedule(async () => undefined);
    expect(debug).toBeGreaterThan(3);
  });

  it('keeps retries through the failed event', async () => {
    const limiter = createBottleneck({});
    const retry = (_error: unknown, info: { retryCount: number }) =>
      info.retryCount < 2 ? 0 : undefined;
    limiter.on('failed', retry);
    let attempts = 0;
    const result = limiter.schedule(async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('flaky');
      return attempts;
    });
    await expect(result).resolves.toBe(3);
  });
});
