import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from './support/processes';
import { privateRedis, sharedRedis, SHARED_REDIS_URL, type PrivateRedis } from './support/redis';
import { describeRun, runFour, type FourPlan, type FourResult } from './support/run-four';

const redis = await sharedRedis();
const WINDOW_MS = 1000;
const base = { windowMs: WINDOW_MS, rpm: 20, parallel: 6, callersEach: 10, runMs: 5000 };

/**
 * Every property a run must keep, whatever was done to it. `late` is how many calls may reach
 * the gateway after their grant lapsed: a process stopped inside `fetch`, after the last
 * check of its lease but before the request's bytes left, sends that one request when it
 * wakes (README, "Limits of the design"); the gateway then refuses it, and still admits no
 * more than the tier in any window.
 */
function expectInsideTheTier(plan: FourPlan, result: FourResult, late = 0): void {
  expect(result.gateway429).toBeLessThanOrEqual(late);
  // Counted by the gateway from its admission times, over any interval one window long.
  expect(result.gatewayMaxInAnyWindow).toBeLessThanOrEqual(plan.rpm);
  expect(result.reports.flatMap((r) => r.other)).toEqual([]);
}

describe.skipIf(!redis.ok)('four processes sharing one key through Redis, under a burst', () => {
  let own: PrivateRedis;
  beforeAll(async () => {
    own = await privateRedis();
  });
  afterAll(async () => {
    await own?.close();
  });

  it('never goes over the tier, gets no 429 and uses at least 90 % of it', async () => {
    const plan = { ...base, redisUrl: SHARED_REDIS_URL };
    const result = await runFour(plan);
    console.log(describeRun('4 processes', plan, result));
    expectInsideTheTier(plan, result);
    expect(result.utilization).toBeGreaterThanOrEqual(0.9);
    expect(result.exits).toEqual(Array(4).fill({ code: 0, signal: null }));
  });

  it('keeps inside the tier when one process is killed mid-run', async () => {
    const plan: FourPlan = {
      ...base,
      redisUrl: SHARED_REDIS_URL,
      fault: async (children) => {
        children[1]?.process.kill('SIGKILL');
      },
    };
    const result = await runFour(plan);
    console.log(describeRun('one killed', plan, result));
    expectInsideTheTier(plan, result);
    expect(result.reports).toHaveLength(3);
    expect(result.utilization).toBeGreaterThanOrEqual(0.75);
  });

  it('keeps inside the tier when one process is frozen for longer than a window', async () => {
    const plan: FourPlan = {
      ...base,
      redisUrl: SHARED_REDIS_URL,
      fault: async (children) => {
        const frozen = children[2]?.process;
        frozen?.kill('SIGSTOP');
        await sleep(1.5 * WINDOW_MS);
        frozen?.kill('SIGCONT');
      },
    };
    const result = await runFour(plan);
    console.log(describeRun('one frozen', plan, result));
    // A stop lands at one instant; one request caught in that gap was seen in one run out of
    // three to six here, never more.
    expectInsideTheTier(plan, result, 1);
    expect(result.reports).toHaveLength(4);
    expect(result.exits).toEqual(Array(4).fill({ code: 0, signal: null }));
  });

  it('keeps inside the tier when Redis restarts empty mid-run', async () => {
    const plan: FourPlan = {
      ...base,
      redisUrl: own.url,
      fault: () => own.restart(300),
    };
    const result = await runFour(plan);
    console.log(describeRun('Redis restarted', plan, result));
    expectInsideTheTier(plan, result);
    expect(result.reports).toHaveLength(4);
    expect(result.exits).toEqual(Array(4).fill({ code: 0, signal: null }));
  });
});
