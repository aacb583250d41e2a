// The gateway's refusals carry what a caller needs: which limit, from whom, and how long to wait.
//
// Recordings replayed (../shared/litellm/wire):
//   budget (400, 1.80.7)   enforce-tier-max-budget.budget-exceeded,
//                          enforce-tier-budget-per-key-not-shared.budget-exceeded
//   budget for a model     enforce-tier-model-max-budget.budget-exceeded
//   rate limits (429)      enforce-tier-rpm0.429, enforce-tier-rpm0.429-win10,
//                          enforce-key-rpm3.429, enforce-tier-tpm50.429,
//                          enforce-key-max-parallel-1.429, chat-stream.429
// Derived from them: budget_exceeded at 429 (newer proxies), the same 429s without headers
// (what a browser can read), without retry-after, and with a newer proxy's throttling_error.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIError,
  BudgetExceededError,
  RateLimitError,
} from '../../src/index';
import { newClient, rejectionOf, useGateway } from './harness';
import { recorded, recordedBody, type Change } from './wire';

const server = useGateway();

afterEach(() => {
  vi.useRealTimers();
});

const hello = { model: 'fake-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

async function refusal(file: string, change: Change = {}): Promise<unknown> {
  const route = recorded(file, change);
  server.use(route.handler);
  const error = await rejectionOf(newClient().chatCompletions(hello));
  expect(route.count).toBe(1);
  return error;
}

/** Freezes `Date` at a time on the recordings' day, so waits can be computed exactly. */
function clockAt(utc: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(utc));
}

describe('a spent budget', () => {
  it.each([
    'enforce-tier-max-budget.budget-exceeded.json',
    'enforce-tier-budget-per-key-not-shared.budget-exceeded.json',
  ])('is a BudgetExceededError at 400 (%s) with spend and budget read', async (file) => {
    const error = await refusal(file);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 400,
      source: 'gateway',
      limit: 'budget',
      model: undefined,
      spend: 0.017,
      maxBudget: 0.01,
      type: 'budget_exceeded',
      code: '400',
      param: undefined,
    });
  });

  it('is a BudgetExceededError at 429 too, as newer proxies send it', async () => {
    const body = recordedBody<{ error: Record<string, unknown> }>(
      'enforce-tier-max-budget.budget-exceeded.json',
    );
    body.error.code = '429';
    const error = await refusal('enforce-tier-max-budget.budget-exceeded.json', {
      status: 429,
      body,
    });
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, limit: 'budget', source: 'gateway', code: '429' });
  });

  it('names the model when a per-model budget is spent', async () => {
    const error = await refusal('enforce-tier-model-max-budget.budget-exceeded.json');
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      status: 400,
      source: 'gateway',
      limit: 'model_budget',
      model: 'fake-gpt',
    });
  });
});

describe('a gateway rate limit', () => {
  it.each([
    ['enforce-tier-rpm0.429.json', 'requests', 60_000],
    ['enforce-tier-rpm0.429-win10.json', 'requests', 10_000],
    ['enforce-key-rpm3.429.json', 'requests', 60_000],
    ['enforce-tier-tpm50.429.json', 'tokens', 60_000],
    ['enforce-key-max-parallel-1.429.json', 'parallel', 60_000],
  ])('makes %s a RateLimitError on %s, waiting retry-after (%i ms)', async (file, limit, ms) => {
    const error = await refusal(file);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      source: 'gateway',
      limit,
      retryAfterMs: ms,
      type: undefined, // the proxy sent the string "None"
      param: undefined,
      code: '429',
    });
  });

  it('carries the call id as requestId', async () => {
    const error = await refusal('enforce-tier-rpm0.429.json');
    expect((error as RateLimitError).requestId).toBe('e6a52b73-0f76-4aae-a746-e5bf6e2992ab');
  });

  it('refuses a stream before it starts with a JSON 429', async () => {
    const route = recorded('chat-stream.429.json');
    server.use(route.handler);
    const error = await rejectionOf(newClient().chatCompletions({ ...hello, stream: true }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      limit: 'requests',
      retryAfterMs: 60_000,
      requestId: '299cb458-515a-4445-8f24-6661d49a8542',
    });
  });

  it('reads the limit from the rate_limit_type header when the body names none', async () => {
    const error = await refusal('enforce-tier-rpm0.429.json', {
      headers: { rate_limit_type: 'tokens' },
      body: { error: { message: 'Too many requests', type: 'throttling_error', code: '429' } },
    });
    expect(error).toMatchObject({ limit: 'tokens', type: 'throttling_error' });
  });

  it('reads a retry-after given as an HTTP date', async () => {
    clockAt('2026-12-03T16:00:41Z');
    const error = await refusal('enforce-tier-rpm0.429.json', {
      headers: { 'retry-after': 'Thu, 03 Dec 2026 16:00:46 GMT' },
    });
    expect(error).toMatchObject({ retryAfterMs: 5_000 });
  });

  it('falls back to reset_at when retry-after is absent', async () => {
    clockAt('2026-12-03T16:00:41Z');
    // The body still says 16:01:42; a different reset_at shows which one was read.
    const error = await refusal('enforce-tier-rpm0.429.json', {
      headers: { 'retry-after': null, reset_at: '2026-12-03 16:00:51 UTC' },
    });
    expect(error).toMatchObject({ retryAfterMs: 10_000, limit: 'requests' });
  });

  it.each([
    ['enforce-tier-rpm0.429.json', 'requests', '2026-12-03T16:00:41Z', 61_000],
    ['enforce-tier-tpm50.429.json', 'tokens', '2026-12-03T16:00:48Z', 60_000],
    ['enforce-key-max-parallel-1.429.json', 'parallel', '2026-12-03T16:00:55Z', 61_000],
  ])(
    'reads limit and wait from the body alone, as in a browser (%s)',
    async (file, limit, now, ms) => {
      clockAt(now);
      const error = await refusal(file, { bareHeaders: true });
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({
        source: 'gateway',
        limit,
        retryAfterMs: ms,
        requestId: undefined,
      });
    },
  );

  it('leaves retryAfterMs undefined when nothing names a wait', async () => {
    const error = await refusal('enforce-tier-rpm0.429.json', {
      bareHeaders: true,
      body: { error: { message: 'Too many requests', type: 'None', param: 'None', code: '429' } },
    });
    expect(error).toMatchObject({ limit: 'requests', retryAfterMs: undefined });
  });
});
